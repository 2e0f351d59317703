//! The declared report types: the only data that ever leaves the browser.
//!
//! Each schema is data ([`ReportSchema`]): its wire fields, the vocabulary of its one
//! protected value, the LDP encoding and the default ε. The browser encodes from it, the
//! collector decodes and validates against it, and the data manifest is generated from it,
//! so the three cannot disagree. A report carries: a random id (128 bits, fresh per report,
//! so the collector can drop duplicates without linking reports), the type, the UTC day,
//! the ε used, the noised value and, for experiments only, the site-declared experiment
//! name. No identifiers, item ids, free text or timestamps finer than a day.

use serde::Serialize;

use super::consent::Purpose;
use super::ldp::{self, Encoding, Noisy};
use super::rng::RandomSource;
use super::vocab;
use super::wire::{Day, Epsilon, ReportError, ReportId};

/// Where reports are posted (relative to the site origin).
pub const REPORT_ENDPOINT: &str = "/collect/reports";
/// Longest experiment name, in bytes (`[a-z0-9_-]`).
pub const MAX_EXPERIMENT_LEN: usize = 32;

/// The declared report types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportKind {
    /// The day's engagement, as one coarse category sampled in proportion to engagement.
    Engagement,
    /// The shopper's lifecycle segment that day.
    Lifecycle,
    /// Quiz completion and top style answer.
    Quiz,
    /// An experiment arm and the deepest funnel event reached that day.
    Experiment,
}

crate::json::names!(ReportKind { Engagement => "engagement", Lifecycle => "lifecycle", Quiz => "quiz", Experiment => "experiment" });

/// The JSON type of a wire field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FieldType {
    /// 32 lower-case hex characters (128 random bits).
    ReportId,
    /// The report type's name.
    ReportType,
    /// A UTC day, `YYYY-MM-DD`.
    Day,
    /// A number: ε, a multiple of 0.05 in `(0, 4]`.
    Epsilon,
    /// A site-declared name, `[a-z0-9_-]{1,32}`.
    Slug,
    /// GRR: an integer index into the vocabulary.
    LabelIndex {
        /// Vocabulary size.
        size: usize,
    },
    /// OUE: a string of `size` characters `0`/`1`, one per vocabulary label.
    LabelBits {
        /// Vocabulary size.
        size: usize,
    },
}

/// One field of a report on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    /// The JSON key.
    pub name: &'static str,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// What it holds.
    pub description: &'static str,
}

/// A declared report type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportSchema {
    /// Which type.
    pub kind: ReportKind,
    /// The wire name (`type` field).
    pub name: &'static str,
    /// The consent purpose it needs.
    pub purpose: Purpose,
    /// What it tells the site.
    pub description: &'static str,
    /// The key of the protected value.
    pub value_field: &'static str,
    /// What the protected value means.
    pub value_description: &'static str,
    /// Its vocabulary.
    pub labels: &'static [&'static str],
    /// The LDP encoding of the value.
    pub encoding: Encoding,
    /// Default ε per report.
    pub default_epsilon: f64,
    /// Whether the report names an experiment.
    pub has_experiment: bool,
}

/// Every declared report type.
pub const SCHEMAS: &[ReportSchema] = &[
    ReportSchema {
        kind: ReportKind::Engagement,
        name: "engagement",
        purpose: Purpose::Measurement,
        description:
            "Daily engagement by coarse category: which kinds of products shoppers engage with.",
        value_field: "category",
        value_description:
            "one coarse category, sampled in proportion to the day's engagement events",
        labels: vocab::CATEGORIES,
        encoding: Encoding::Oue,
        default_epsilon: 1.0,
        has_experiment: false,
    },
    ReportSchema {
        kind: ReportKind::Lifecycle,
        name: "lifecycle",
        purpose: Purpose::Measurement,
        description: "Lifecycle segment distribution (new, engaged, customer, lapsed, ...).",
        value_field: "segment",
        value_description:
            "the shopper's lifecycle segment that day, derived locally from the profile",
        labels: vocab::LIFECYCLE_SEGMENTS,
        encoding: Encoding::Grr,
        default_epsilon: 0.5,
        has_experiment: false,
    },
    ReportSchema {
        kind: ReportKind::Quiz,
        name: "quiz",
        purpose: Purpose::Measurement,
        description: "Style quiz completion rate and top style answers.",
        value_field: "outcome",
        value_description: "`abandoned`, or the top style answer of a completed quiz",
        labels: vocab::QUIZ_OUTCOMES,
        encoding: Encoding::Oue,
        default_epsilon: 0.5,
        has_experiment: false,
    },
    ReportSchema {
        kind: ReportKind::Experiment,
        name: "experiment",
        purpose: Purpose::Measurement,
        description: "Experiment outcome counts, arm x deepest funnel event of the day.",
        value_field: "outcome",
        value_description: "`arm:event`, the shopper's arm and deepest funnel event that day",
        labels: vocab::EXPERIMENT_OUTCOMES,
        encoding: Encoding::Oue,
        default_epsilon: 0.5,
        has_experiment: true,
    },
];

impl ReportKind {
    /// Every report type.
    pub const ALL: [ReportKind; 4] = [
        ReportKind::Engagement,
        ReportKind::Lifecycle,
        ReportKind::Quiz,
        ReportKind::Experiment,
    ];

    /// Its declared schema.
    pub fn schema(self) -> &'static ReportSchema {
        // SCHEMAS is declared in ALL's order; the test below keeps it so.
        &SCHEMAS[self as usize]
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        self.schema().name
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<ReportKind> {
        SCHEMAS.iter().find(|s| s.name == name).map(|s| s.kind)
    }
}

impl ReportSchema {
    /// The wire fields, in the order documented.
    pub fn fields(&self) -> Vec<FieldSpec> {
        let (fields, count) = self.wire_fields();
        fields[..count]
            .iter()
            .map(|&(name, ty)| FieldSpec {
                name,
                ty,
                description: match ty {
                    FieldType::ReportId => {
                        "random per report, for duplicate dropping; links nothing"
                    }
                    FieldType::ReportType => "the report type",
                    FieldType::Day => "UTC day the report describes",
                    FieldType::Epsilon => "the local-DP ε used for the value",
                    FieldType::Slug => "the experiment's name as declared by the site",
                    FieldType::LabelIndex { .. } | FieldType::LabelBits { .. } => {
                        self.value_description
                    }
                },
            })
            .collect()
    }

    /// The wire fields' names and types in the order documented (the first `count` of the
    /// array): [`ReportSchema::fields`] without the descriptions, and no allocation.
    pub(crate) fn wire_fields(&self) -> ([(&'static str, FieldType); 6], usize) {
        let size = self.labels.len();
        let value = (
            self.value_field,
            match self.encoding {
                Encoding::Grr => FieldType::LabelIndex { size },
                Encoding::Oue => FieldType::LabelBits { size },
            },
        );
        let mut fields = [
            ("id", FieldType::ReportId),
            ("type", FieldType::ReportType),
            ("day", FieldType::Day),
            ("epsilon", FieldType::Epsilon),
            ("experiment", FieldType::Slug),
            value,
        ];
        if self.has_experiment {
            (fields, 6)
        } else {
            fields[4] = value;
            (fields, 5)
        }
    }
}

/// Checks an experiment name: `[a-z0-9_-]{1,32}`.
pub fn validate_slug(s: &str) -> Result<(), ReportError> {
    let ok = (1..=MAX_EXPERIMENT_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ReportError::InvalidSlug)
    }
}

/// A report before noise: the true value, which never leaves the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The type.
    pub kind: ReportKind,
    /// The day described.
    pub day: Day,
    /// The index of the true label in the type's vocabulary.
    pub label: u32,
    /// The experiment name (experiment reports only).
    pub experiment: Option<String>,
}

impl Report {
    /// Builds a report from a label name, checking it against the declared vocabulary.
    pub fn new(
        kind: ReportKind,
        day: Day,
        label: &str,
        experiment: Option<&str>,
    ) -> Result<Report, ReportError> {
        let schema = kind.schema();
        let index = vocab::index_of(schema.labels, label).ok_or(ReportError::OutOfDomain {
            field: schema.value_field,
        })?;
        match (schema.has_experiment, experiment) {
            (true, Some(name)) => validate_slug(name)?,
            (true, None) => return Err(ReportError::MissingField("experiment")),
            (false, Some(_)) => return Err(ReportError::UnknownField("experiment".into())),
            (false, None) => {}
        }
        Ok(Report {
            kind,
            day,
            label: index,
            experiment: experiment.map(str::to_owned),
        })
    }

    /// Adds local-DP noise and a fresh random id: the report as it will be sent.
    pub fn encode(&self, epsilon: Epsilon, rng: &mut dyn RandomSource) -> EncodedReport {
        let schema = self.kind.schema();
        EncodedReport {
            id: ReportId::random(rng),
            kind: self.kind,
            day: self.day,
            epsilon,
            experiment: self.experiment.clone(),
            noisy: ldp::perturb(
                schema.encoding,
                self.label,
                schema.labels.len(),
                epsilon.get(),
                rng,
            ),
        }
    }
}

/// A noised report: exactly what is sent, ledgered and stored by the collector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedReport {
    /// Random id.
    pub id: ReportId,
    /// The type.
    pub kind: ReportKind,
    /// The day described.
    pub day: Day,
    /// The ε used.
    pub epsilon: Epsilon,
    /// The experiment name (experiment reports only).
    pub experiment: Option<String>,
    /// The noised value.
    pub noisy: Noisy,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "reports_tests.rs"]
mod tests;
