//! The report decoder as it was before its error helpers were shared (kept as the oracle
//! the current [`EncodedReport::from_json`] is compared with), and that comparison.

use proptest::prelude::*;

use super::{Day, Epsilon, ReportError, ReportId, MAX_REPORT_BYTES};
use crate::json::{self, Scalar};
use crate::privacy::ldp::{Encoding, Noisy};
use crate::privacy::reports::{validate_slug, EncodedReport, FieldType, Report, ReportKind};
use crate::privacy::rng::ChaCha20Rng;

/// The decoder before the error helpers were shared: the oracle the current
/// [`EncodedReport::from_json`] is compared with.
pub(super) fn from_text_oracle(json: &str) -> Result<EncodedReport, ReportError> {
    json::validate(json).map_err(|e| ReportError::InvalidJson(e.to_string()))?;
    let object = json::members(json).ok_or(ReportError::NotAnObject)?;
    let get = |name: &str| {
        object
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, raw)| Scalar::parse(raw).unwrap_or(Scalar::Null))
    };
    let type_name = match get("type").ok_or(ReportError::MissingField("type"))? {
        Scalar::Str(s) => s,
        _ => {
            return Err(ReportError::WrongType {
                field: "type",
                expected: "a string",
            })
        }
    };
    let type_name = type_name.as_str();
    let kind = ReportKind::parse(type_name)
        .ok_or_else(|| ReportError::UnknownType(type_name.chars().take(32).collect()))?;
    let schema = kind.schema();
    let (fields, count) = schema.wire_fields();
    let fields = &fields[..count];
    if let Some((unknown, _)) = object
        .iter()
        .find(|(k, _)| !fields.iter().any(|f| f.0 == k.as_str()))
    {
        return Err(ReportError::UnknownField(
            unknown.chars().take(32).collect(),
        ));
    }
    let mut report = EncodedReport {
        id: ReportId([0; 16]),
        kind,
        day: Day(0),
        epsilon: Epsilon::new(1.0).unwrap(),
        experiment: None,
        noisy: Noisy::Index(0),
    };
    for &(name, ty) in fields {
        let v = get(name).ok_or(ReportError::MissingField(name))?;
        let text = || match &v {
            Scalar::Str(s) => Ok(s.as_str()),
            _ => Err(ReportError::WrongType {
                field: name,
                expected: "a string",
            }),
        };
        match ty {
            FieldType::ReportType => {}
            FieldType::ReportId => report.id = ReportId::parse(text()?)?,
            FieldType::Day => report.day = Day::parse(text()?)?,
            FieldType::Epsilon => {
                let e = v.as_f64().ok_or(ReportError::WrongType {
                    field: "epsilon",
                    expected: "a number",
                })?;
                report.epsilon = Epsilon::new(e)?;
            }
            FieldType::Slug => {
                let name = text()?;
                validate_slug(name)?;
                report.experiment = Some(name.to_owned());
            }
            FieldType::LabelIndex { size } => {
                let index = v.as_u64().ok_or(ReportError::WrongType {
                    field: name,
                    expected: "an integer",
                })?;
                if index >= size as u64 {
                    return Err(ReportError::OutOfDomain { field: name });
                }
                report.noisy = Noisy::Index(index as u32);
            }
            FieldType::LabelBits { size } => {
                let bits = text()?;
                if bits.len() != size || !bits.bytes().all(|b| b == b'0' || b == b'1') {
                    return Err(ReportError::WrongType {
                        field: name,
                        expected: "a string of one 0/1 per label",
                    });
                }
                report.noisy = Noisy::Bits(bits.bytes().map(|b| b == b'1').collect());
            }
        }
    }
    debug_assert!(matches!(
        (&report.noisy, schema.encoding),
        (Noisy::Index(_), Encoding::Grr) | (Noisy::Bits(_), Encoding::Oue)
    ));
    Ok(report)
}

/// The old entry point: the size check, then the old decoder.
fn oracle(json: &str) -> Result<EncodedReport, ReportError> {
    if json.len() > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(json.len()));
    }
    from_text_oracle(json)
}

/// Member texts reports are made of: right and wrong keys, values of every JSON type,
/// good and bad ids, days, ε, slugs, indices and bit strings.
fn member() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "type",
        "day",
        "epsilon",
        "experiment",
        "category",
        "outcome",
        "style",
        "segment",
        "bits",
        "value",
        "x",
        "Type",
        "",
    ]);
    let value = prop::sample::select(vec![
        "\"0123456789abcdef0123456789abcdef\"",
        "\"0123456789ABCDEF0123456789abcdef\"",
        "\"0123\"",
        "\"engagement\"",
        "\"experiment\"",
        "\"quiz\"",
        "\"lifecycle\"",
        "\"nonsense-type-with-a-rather-long-name-over-32\"",
        "\"2026-12-01\"",
        "\"2026-02-30\"",
        "\"1999-01-01\"",
        "1",
        "0",
        "7",
        "-1",
        "1.5",
        "0.05",
        "4.05",
        "1e400",
        "null",
        "true",
        "[]",
        "{}",
        "\"exp_1\"",
        "\"Bad Slug\"",
        "\"0101\"",
        "\"01010101010\"",
        "\"0120\"",
        "\"\"",
    ])
    .prop_map(str::to_owned);
    let bits = "[01]{0,40}x?".prop_map(|b| format!("\"{b}\""));
    let value = prop_oneof![3 => value, 1 => bits];
    (key, value).prop_map(|(k, v)| format!("\"{k}\":{v}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The decoder gives the oracle's report or error, check for check, on objects built
    /// from right and wrong members.
    #[test]
    fn decoder_matches_the_oracle(members in prop::collection::vec(member(), 0..8), raw in any::<bool>()) {
        let text = format!("{{{}}}", members.join(","));
        prop_assert_eq!(EncodedReport::from_json(&text), oracle(&text));
        if raw {
            let cut = &text[..text.len() / 2];
            prop_assert_eq!(EncodedReport::from_json(cut), oracle(cut));
        }
    }

    /// Encoded reports of every type, with one member replaced, dropped or repeated: the
    /// same report or error.
    #[test]
    fn decoder_matches_the_oracle_near_valid_reports(
        kind in prop::sample::select(ReportKind::ALL.to_vec()),
        seed in any::<u64>(),
        at in 0usize..8,
        edit in 0u8..4,
        replacement in member(),
    ) {
        let schema = kind.schema();
        let report = Report::new(kind, Day(20_000), schema.labels[0], schema.has_experiment.then_some("exp"))
            .unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let text = report.encode(Epsilon::new(schema.default_epsilon).unwrap(), &mut rng).to_json();
        prop_assert_eq!(EncodedReport::from_json(&text), oracle(&text));
        let mut members: Vec<String> = json::members(&text)
            .unwrap()
            .into_iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        let at = at % members.len();
        match edit {
            0 => members[at] = replacement,
            1 => { members.remove(at); }
            2 => { let m = members[at].clone(); members.push(m); }
            _ => members.insert(at, replacement),
        }
        let text = format!("{{{}}}", members.join(","));
        prop_assert_eq!(EncodedReport::from_json(&text), oracle(&text));
    }

    /// Any text at all: the same answers.
    #[test]
    fn decoder_matches_the_oracle_on_any_text(text in ".{0,80}") {
        prop_assert_eq!(EncodedReport::from_json(&text), oracle(&text));
    }
}
