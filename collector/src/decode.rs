//! Strict decoding of a report batch: `{"reports":[…]}` and nothing else, every report
//! validated against its declared schema by the core's own decoder.

use serde_json::Value;
use thiserror::Error;
use vitrine::privacy::queue::MAX_REPORT_AGE_DAYS;
use vitrine::privacy::reports::EncodedReport;
use vitrine::privacy::wire::{Day, ReportError, MAX_REPORT_BYTES};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most reports in one batch.
pub const MAX_BATCH_REPORTS: usize = 100;

/// Why a batch was rejected (the whole batch: the browser only ever sends valid ones).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BatchError {
    /// Larger than [`MAX_BODY_BYTES`].
    #[error("body is {0} bytes; the limit is {MAX_BODY_BYTES}")]
    TooLarge(usize),
    /// Not UTF-8 JSON.
    #[error("body is not JSON: {0}")]
    NotJson(String),
    /// Not `{"reports": [...]}`.
    #[error("body must be an object with exactly one field, `reports`, an array")]
    BadEnvelope,
    /// Empty, or more than [`MAX_BATCH_REPORTS`] reports.
    #[error("a batch holds 1 to {MAX_BATCH_REPORTS} reports, got {0}")]
    BadCount(usize),
    /// One report failed validation.
    #[error("report {index}: {error}")]
    Report {
        /// Its position in the batch.
        index: usize,
        /// Why.
        error: ReportError,
    },
    /// A report's day is outside the window the collector accepts.
    #[error("report {0}: day is too old or in the future")]
    DayOutOfWindow(usize),
}

impl BatchError {
    /// The stable code in the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::TooLarge(_) => "VITRINE_COLLECT_TOO_LARGE",
            _ => "VITRINE_COLLECT_INVALID",
        }
    }
}

/// Decodes and validates a batch body. `today` bounds the accepted days: from
/// `MAX_REPORT_AGE_DAYS + 1` days ago (clock skew) to tomorrow.
pub fn decode_batch(body: &[u8], today: Day) -> Result<Vec<EncodedReport>, BatchError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BatchError::TooLarge(body.len()));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| BatchError::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(BatchError::BadEnvelope)?;
    if object.len() != 1 {
        return Err(BatchError::BadEnvelope);
    }
    let reports = object
        .get("reports")
        .and_then(Value::as_array)
        .ok_or(BatchError::BadEnvelope)?;
    if reports.is_empty() || reports.len() > MAX_BATCH_REPORTS {
        return Err(BatchError::BadCount(reports.len()));
    }
    let oldest = Day(today.0.saturating_sub(MAX_REPORT_AGE_DAYS + 1));
    let newest = Day(today.0.saturating_add(1));
    reports
        .iter()
        .enumerate()
        .map(|(index, v)| {
            // Re-serialised size bounds what a single report may carry.
            let size = v.to_string().len();
            if size > MAX_REPORT_BYTES {
                return Err(BatchError::Report {
                    index,
                    error: ReportError::TooLarge(size),
                });
            }
            let report = EncodedReport::from_value(v)
                .map_err(|error| BatchError::Report { index, error })?;
            if report.day < oldest || report.day > newest {
                return Err(BatchError::DayOutOfWindow(index));
            }
            Ok(report)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine::privacy::reports::{Report, ReportKind};
    use vitrine::privacy::rng::ChaCha20Rng;
    use vitrine::privacy::wire::Epsilon;

    fn payload(day: Day, rng: &mut ChaCha20Rng) -> String {
        Report::new(ReportKind::Quiz, day, "edgy", None)
            .unwrap()
            .encode(Epsilon::new(0.5).unwrap(), rng)
            .to_json()
    }

    #[test]
    fn accepts_a_browser_batch_and_rejects_everything_else() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let today = Day(20_000);
        let body = vitrine::privacy::queue::batch_body([
            payload(today, &mut rng).as_str(),
            payload(Day(19_995), &mut rng).as_str(),
        ]);
        assert_eq!(decode_batch(body.as_bytes(), today).unwrap().len(), 2);
        let bad = |b: &str| decode_batch(b.as_bytes(), today).unwrap_err();
        assert!(matches!(bad("nope"), BatchError::NotJson(_)));
        assert_eq!(bad("[]"), BatchError::BadEnvelope);
        assert_eq!(
            bad(r#"{"reports":[],"ip":"1.2.3.4"}"#),
            BatchError::BadEnvelope
        );
        assert_eq!(bad(r#"{"reports":[]}"#), BatchError::BadCount(0));
        assert!(matches!(
            bad(r#"{"reports":[{"type":"quiz"}]}"#),
            BatchError::Report { index: 0, .. }
        ));
        let old = vitrine::privacy::queue::batch_body([payload(Day(19_900), &mut rng).as_str()]);
        assert_eq!(bad(&old), BatchError::DayOutOfWindow(0));
        let many: Vec<String> = (0..=MAX_BATCH_REPORTS)
            .map(|_| payload(today, &mut rng))
            .collect();
        let body = vitrine::privacy::queue::batch_body(many.iter().map(String::as_str));
        assert_eq!(bad(&body), BatchError::BadCount(MAX_BATCH_REPORTS + 1));
        assert!(matches!(
            bad(&" ".repeat(MAX_BODY_BYTES + 1)),
            BatchError::TooLarge(_)
        ));
    }
}
