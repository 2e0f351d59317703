//! The collector's batch decoder and the single-report decoder the queue repair uses: never
//! panic, and whatever they accept re-encodes to a report accepted again, unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::privacy::reports::EncodedReport;
use vitrine::privacy::wire::Day;
use vitrine_collector::decode::decode_batch;

fuzz_target!(|data: &[u8]| {
    if let Ok(Ok(report)) = std::str::from_utf8(data).map(EncodedReport::from_json) {
        let again = EncodedReport::from_json(&report.to_json()).expect("accepted re-encodes");
        assert_eq!(again, report);
    }
    if let Ok(reports) = decode_batch(data, Day(20_000)) {
        for report in reports {
            let again =
                EncodedReport::from_json(&report.to_json()).expect("accepted reports re-encode");
            assert_eq!(again, report);
        }
    }
});
