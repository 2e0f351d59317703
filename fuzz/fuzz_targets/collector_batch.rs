//! The collector's batch decoder: never panics, and whatever it accepts re-encodes to a
//! report it accepts again, unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine::privacy::reports::EncodedReport;
use vitrine::privacy::wire::Day;
use vitrine_collector::decode::decode_batch;

fuzz_target!(|data: &[u8]| {
    if let Ok(reports) = decode_batch(data, Day(20_000)) {
        for report in reports {
            let again =
                EncodedReport::from_json(&report.to_json()).expect("accepted reports re-encode");
            assert_eq!(again, report);
        }
    }
});
