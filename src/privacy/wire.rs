//! The wire form of reports: value types (day, ε, id), the strict JSON encoder/decoder
//! shared by the browser, the ledger and the collector, and the reporting error.

use std::fmt;

use crate::json::{self, Scalar};
use thiserror::Error;

use super::ldp::{Encoding, Noisy};
use super::reports::{validate_slug, EncodedReport, FieldType, ReportKind};
use super::rng::RandomSource;

/// Largest ε accepted for one report.
pub const MAX_EPSILON: f64 = 4.0;
/// ε must be a multiple of this (so budgets add up exactly and cells do not fragment).
pub const EPSILON_STEP: f64 = 0.05;
/// Longest encoded report, in bytes.
pub const MAX_REPORT_BYTES: usize = 512;
const MS_PER_DAY: f64 = 86_400_000.0;

/// Why a report, its configuration or its submission was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReportError {
    /// Not JSON.
    #[error("report is not JSON: {0}")]
    InvalidJson(String),
    /// Not a JSON object.
    #[error("report is not a JSON object")]
    NotAnObject,
    /// Too large.
    #[error("report is {0} bytes; the limit is {MAX_REPORT_BYTES}")]
    TooLarge(usize),
    /// Undeclared report type.
    #[error("unknown report type `{0}`")]
    UnknownType(String),
    /// A field the schema does not declare.
    #[error("undeclared field `{0}`")]
    UnknownField(String),
    /// A declared field is absent.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A field has the wrong JSON type or format.
    #[error("field `{field}` must be {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// A label outside the declared vocabulary.
    #[error("field `{field}` is outside its declared vocabulary")]
    OutOfDomain {
        /// The field.
        field: &'static str,
    },
    /// ε not finite, out of `(0, MAX_EPSILON]` or off the 0.05 grid.
    #[error(
        "epsilon {} must be a multiple of {} in (0, {}]",
        crate::text::Float(*.0),
        crate::text::Float(EPSILON_STEP),
        crate::text::Float(MAX_EPSILON)
    )]
    InvalidEpsilon(f64),
    /// A bad day.
    #[error("day must be a valid YYYY-MM-DD date between 2000 and 2199")]
    InvalidDay,
    /// A bad report id.
    #[error("id must be 32 lower-case hex characters")]
    InvalidId,
    /// A bad experiment name.
    #[error("experiment must match [a-z0-9_-]{{1,32}}")]
    InvalidSlug,
    /// Measurement consent is not granted.
    #[error("measurement consent is not granted")]
    ConsentRequired,
    /// The daily ε budget cannot cover this report.
    #[error(
        "daily epsilon budget exhausted: {} needed, {} left today",
        crate::text::Float(*.needed),
        crate::text::Float(*.remaining)
    )]
    BudgetExhausted {
        /// ε the report needs.
        needed: f64,
        /// ε left today.
        remaining: f64,
    },
    /// The outgoing queue is full; the report was dropped (and the drop recorded).
    #[error("report queue is full")]
    QueueFull,
    /// The ledger is full; the report was dropped (and the drop recorded).
    #[error("audit ledger is full")]
    LedgerFull,
    /// Reporting options are invalid.
    #[error("invalid reporting options: {0}")]
    InvalidConfig(String),
}

/// A UTC day, as days since 1970-01-01.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Day(pub u32);

/// A newtype struct reads as its field.
impl crate::json::FromJson for Day {
    fn read(r: &mut crate::json::Reader<'_>) -> Result<Day, crate::json::Error> {
        r.read().map(Day)
    }
}

impl Day {
    /// The UTC day of a time in ms since the epoch (negative or non-finite: day 0).
    pub fn from_ms(ms: f64) -> Day {
        if ms.is_finite() && ms > 0.0 {
            Day((ms / MS_PER_DAY).floor().min(f64::from(u32::MAX)) as u32)
        } else {
            Day(0)
        }
    }

    /// Parses `YYYY-MM-DD` (years 2000–2199).
    pub fn parse(s: &str) -> Result<Day, ReportError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i64> {
            b.get(r.clone())?.iter().try_fold(0i64, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(ReportError::InvalidDay);
        }
        let (y, m, d) = match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(ReportError::InvalidDay),
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let month_len = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(2000..=2199).contains(&y)
            || !(1..=12).contains(&m)
            || d < 1
            || d > month_len[(m - 1) as usize]
        {
            return Err(ReportError::InvalidDay);
        }
        Ok(Day(days_from_civil(y, m, d) as u32))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Howard Hinnant's civil_from_days.
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ε for one report, held in thousandths so budgets add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Epsilon(u32);

impl Epsilon {
    /// Validates ε: finite, a multiple of [`EPSILON_STEP`], in `(0, MAX_EPSILON]`.
    pub fn new(value: f64) -> Result<Epsilon, ReportError> {
        let milli = (value * 1000.0).round();
        let on_grid = (value * 1000.0 - milli).abs() < 1e-6 && milli as u32 % 50 == 0;
        if value.is_finite() && value > 0.0 && value <= MAX_EPSILON && on_grid {
            Ok(Epsilon(milli as u32))
        } else {
            Err(ReportError::InvalidEpsilon(value))
        }
    }

    /// From thousandths (validated the same way).
    pub fn from_milli(milli: u32) -> Result<Epsilon, ReportError> {
        Epsilon::new(f64::from(milli) / 1000.0)
    }

    /// The value.
    pub fn get(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// In thousandths.
    pub fn milli(self) -> u32 {
        self.0
    }
}

/// A random 128-bit report id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(pub [u8; 16]);

impl ReportId {
    /// A fresh random id.
    pub fn random(rng: &mut dyn RandomSource) -> ReportId {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        ReportId(bytes)
    }

    /// Parses 32 lower-case hex characters.
    pub fn parse(s: &str) -> Result<ReportId, ReportError> {
        let b = s.as_bytes();
        if b.len() != 32 {
            return Err(ReportError::InvalidId);
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(ReportError::InvalidId),
        };
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
        }
        Ok(ReportId(out))
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl EncodedReport {
    /// The writer before [`ToJson`] (members collected, sorted, joined): the oracle the
    /// direct writer is compared with.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn to_json_sorted(&self) -> String {
        let schema = self.kind.schema();
        let quoted = |s: &str| crate::json::quoted(&s);
        let mut members: Vec<(&str, String)> = vec![
            ("id", quoted(&self.id.to_string())),
            ("type", quoted(schema.name)),
            ("day", quoted(&self.day.to_string())),
            ("epsilon", crate::json::to_json(&self.epsilon.get())),
        ];
        if let Some(name) = &self.experiment {
            members.push(("experiment", quoted(name)));
        }
        let value = match &self.noisy {
            Noisy::Index(i) => i.to_string(),
            Noisy::Bits(bits) => quoted(
                &bits
                    .iter()
                    .map(|b| if *b { '1' } else { '0' })
                    .collect::<String>(),
            ),
        };
        members.push((schema.value_field, value));
        crate::collections::sort_by(&mut members, |a, b| a.0.cmp(b.0));
        let mut out = String::from("{");
        for (i, (key, value)) in members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&quoted(key));
            out.push(':');
            out.push_str(value);
        }
        out.push('}');
        out
    }

    /// The exact JSON sent and ledgered (keys sorted, no whitespace).
    pub fn to_json(&self) -> String {
        json::to_json(self)
    }

    /// Parses and strictly validates one report from JSON text.
    pub fn from_json(json: &str) -> Result<EncodedReport, ReportError> {
        if json.len() > MAX_REPORT_BYTES {
            return Err(ReportError::TooLarge(json.len()));
        }
        EncodedReport::from_text(json)
    }

    /// Strictly validates one report given as a `serde_json::Value` (the collector reads a
    /// batch that way; the size limit is the caller's): the rules of
    /// [`EncodedReport::from_json`].
    pub fn from_value(value: &serde_json::Value) -> Result<EncodedReport, ReportError> {
        EncodedReport::from_text(&value.to_string())
    }

    /// Strictly validates one report against its declared schema: every declared field
    /// present with its declared type, nothing else.
    fn from_text(json: &str) -> Result<EncodedReport, ReportError> {
        json::validate(json).map_err(|e| ReportError::InvalidJson(e.to_string()))?;
        let object = json::members(json).ok_or(ReportError::NotAnObject)?;
        let get = |name: &str| {
            object
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, raw)| Scalar::parse(raw).unwrap_or(Scalar::Null))
        };
        let v = get("type").ok_or(ReportError::MissingField("type"))?;
        let type_name = as_text(&v, "type")?;
        let kind = ReportKind::parse(type_name)
            .ok_or_else(|| ReportError::UnknownType(clip(type_name)))?;
        let schema = kind.schema();
        let (fields, count) = schema.wire_fields();
        let fields = &fields[..count];
        for (k, _) in &object {
            if !fields.iter().any(|f| f.0 == k.as_str()) {
                return Err(ReportError::UnknownField(clip(k)));
            }
        }
        let mut report = EncodedReport {
            id: ReportId([0; 16]),
            kind,
            day: Day(0),
            epsilon: Epsilon(1000),
            experiment: None,
            noisy: Noisy::Index(0),
        };
        for &(name, ty) in fields {
            let v = get(name).ok_or(ReportError::MissingField(name))?;
            let text = as_text(&v, name);
            match ty {
                FieldType::ReportType => {}
                FieldType::ReportId => report.id = ReportId::parse(text?)?,
                FieldType::Day => report.day = Day::parse(text?)?,
                FieldType::Epsilon => {
                    let e = v.as_f64().ok_or(ReportError::WrongType {
                        field: "epsilon",
                        expected: "a number",
                    })?;
                    report.epsilon = Epsilon::new(e)?;
                }
                FieldType::Slug => {
                    let name = text?;
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
                    let bits = text?;
                    let mut noisy = Vec::with_capacity(bits.len());
                    for b in bits.bytes() {
                        if b != b'0' && b != b'1' {
                            break;
                        }
                        noisy.push(b == b'1');
                    }
                    if bits.len() != size || noisy.len() != size {
                        return Err(ReportError::WrongType {
                            field: name,
                            expected: "a string of one 0/1 per label",
                        });
                    }
                    report.noisy = Noisy::Bits(noisy);
                }
            }
        }
        debug_assert!(matches!(
            (&report.noisy, schema.encoding),
            (Noisy::Index(_), Encoding::Grr) | (Noisy::Bits(_), Encoding::Oue)
        ));
        Ok(report)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "wire_oracle.rs"]
mod oracle;

/// A string field's text, or the field's "must be a string" error.
fn as_text<'a>(v: &'a Scalar, field: &'static str) -> Result<&'a str, ReportError> {
    match v {
        Scalar::Str(s) => Ok(s.as_str()),
        _ => Err(ReportError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

/// The first 32 characters of an offending name, for its error.
#[inline(never)]
fn clip(name: &str) -> String {
    name.chars().take(32).collect()
}

/// A member of a report on the wire; the keys of [`REPORT_KEYS`] in sorted order, with the
/// protected value (its key is the schema's `value_field`) placed where its key sorts.
#[derive(Clone, Copy)]
enum Member {
    Day,
    Epsilon,
    Experiment,
    Id,
    Type,
}

/// The fixed report keys, sorted.
const REPORT_KEYS: [(&str, Member); 5] = [
    ("day", Member::Day),
    ("epsilon", Member::Epsilon),
    ("experiment", Member::Experiment),
    ("id", Member::Id),
    ("type", Member::Type),
];

/// The exact bytes sent and ledgered: the members in sorted key order, no whitespace,
/// written straight into the [`json::Writer`].
impl json::ToJson for EncodedReport {
    fn write_json(&self, w: &mut json::Writer) {
        let schema = self.kind.schema();
        let mut value = Some(schema.value_field);
        let mut open = "{\"";
        for (key, member) in REPORT_KEYS {
            let text = match member {
                Member::Experiment => match &self.experiment {
                    Some(name) => Some(name.as_str()),
                    None => continue,
                },
                Member::Type => Some(schema.name),
                _ => None,
            };
            if let Some(field) = value.filter(|field| *field < key) {
                self.write_value(w, open, field);
                open = ",\"";
                value = None;
            }
            w.raw(open);
            w.raw(key);
            w.raw("\":");
            open = ",\"";
            match (member, text) {
                (_, Some(text)) => w.string(text),
                (Member::Day, _) => w.string(&self.day.to_string()),
                (Member::Id, _) => w.string(&self.id.to_string()),
                _ => w.float(self.epsilon.get()),
            }
        }
        if let Some(field) = value {
            self.write_value(w, open, field);
        }
        w.raw("}");
    }
}

impl EncodedReport {
    /// The protected value's member: an index (GRR) or a string of `0`/`1` (OUE).
    fn write_value(&self, w: &mut json::Writer, open: &str, field: &str) {
        w.raw(open);
        w.raw(field);
        w.raw("\":");
        match &self.noisy {
            Noisy::Index(i) => w.unsigned(u64::from(*i)),
            Noisy::Bits(bits) => {
                let text: String = bits.iter().map(|b| if *b { '1' } else { '0' }).collect();
                w.string(&text);
            }
        }
    }
}
