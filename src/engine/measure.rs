//! Measurement state behind the `experiment` and `quiz` reports: the site-declared
//! experiment arm, each (experiment, UTC day)'s deepest funnel event, and which quiz was
//! already reported. Kept in memory, and persisted as the `measurement` document only while
//! measurement is granted; withdrawal purges the experiment records, erase removes it all.

use serde::{Deserialize, Serialize};

use super::Engine;
use crate::error::Error;
use crate::event::{Event, EventKind};
use crate::privacy::queue::MAX_REPORT_AGE_DAYS;
use crate::privacy::reports::validate_slug;
use crate::privacy::wire::Day;
use crate::privacy::Purpose;
use crate::storage::persist::{self, Versioned};

/// Schema version of the stored measurement document.
pub const MEASUREMENT_VERSION: u32 = 1;
/// Most (experiment, day) records kept (about a week of one experiment, plus a switch).
pub const MAX_EXPERIMENT_DAYS: usize = 16;

/// An experiment arm, as the site assigned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm {
    /// The control arm.
    Control,
    /// Variant a.
    A,
    /// Variant b.
    B,
    /// Variant c.
    C,
}

impl Arm {
    /// Parses `control|a|b|c`.
    pub fn parse(s: &str) -> Option<Arm> {
        Some(match s {
            "control" => Arm::Control,
            "a" => Arm::A,
            "b" => Arm::B,
            "c" => Arm::C,
            _ => return None,
        })
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Arm::Control => "control",
            Arm::A => "a",
            Arm::B => "b",
            Arm::C => "c",
        }
    }
}

/// How deep into the funnel a shopper went on a day: exposed < click < add_to_cart < purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Funnel {
    /// Saw the experiment (set that day, or any tracked event while it was set).
    Exposed,
    /// Clicked a product.
    Click,
    /// Added a product to the cart.
    AddToCart,
    /// Bought.
    Purchase,
}

impl Funnel {
    /// The wire spelling (second half of the `arm:event` label).
    pub fn as_str(self) -> &'static str {
        match self {
            Funnel::Exposed => "exposed",
            Funnel::Click => "click",
            Funnel::AddToCart => "add_to_cart",
            Funnel::Purchase => "purchase",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Funnel> {
        [
            Funnel::Exposed,
            Funnel::Click,
            Funnel::AddToCart,
            Funnel::Purchase,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }

    fn of(kind: EventKind) -> Funnel {
        match kind {
            EventKind::Click => Funnel::Click,
            EventKind::AddToCart => Funnel::AddToCart,
            EventKind::Purchase => Funnel::Purchase,
            _ => Funnel::Exposed,
        }
    }
}

/// The experiment the page declared with `setExperiment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// `[a-z0-9_-]{1,32}`.
    pub name: String,
    /// The arm.
    pub arm: Arm,
}

/// One (experiment, UTC day): the arm and the deepest funnel event reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentDay {
    /// The experiment.
    pub name: String,
    /// The arm (the last one set that day).
    pub arm: Arm,
    /// The day.
    pub day: Day,
    /// Deepest funnel event that day.
    pub deepest: Funnel,
    /// Whether its report was submitted.
    pub reported: bool,
}

/// The measurement state in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measurement {
    /// Start time of the last quiz reported (each quiz is reported at most once).
    pub quiz_reported: Option<f64>,
    /// The current experiment.
    pub experiment: Option<Assignment>,
    /// Recent (experiment, day) records, in the order they were first seen.
    pub days: Vec<ExperimentDay>,
}

/// The stored `measurement` document. Records are compact strings (a few derived types less
/// in the wasm): the experiment as `name:arm`, each day as `name:arm:day:deepest:reported`
/// (`day` the UTC day number, `reported` `0`/`1`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MeasurementState {
    /// Schema version.
    pub version: u32,
    /// Start time of the last quiz reported.
    pub quiz_reported: Option<f64>,
    /// `name:arm`.
    pub experiment: Option<String>,
    /// `name:arm:day:deepest:reported`.
    pub days: Vec<String>,
}

// Serde-free reader (the wasm build's; same documents, values and errors as the derive).
crate::json::struct_reader!(MeasurementState, "struct MeasurementState", deny_unknown,
    MeasurementState::default(),
    { version: "version", quiz_reported: "quizReported", experiment: "experiment",
      days: "days" });

impl Versioned for MeasurementState {
    const DOC: &'static str = "measurement";
    const VERSION: u32 = MEASUREMENT_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }

    fn repair(&mut self, now_ms: f64) -> usize {
        let before = self.days.len() + usize::from(self.experiment.is_some());
        let clean = Measurement::from_doc(self, now_ms).to_doc();
        *self = clean;
        before.saturating_sub(self.days.len() + usize::from(self.experiment.is_some()))
    }
}

fn parse_assignment(text: &str) -> Option<Assignment> {
    let (name, arm) = text.split_once(':')?;
    validate_slug(name).ok()?;
    Some(Assignment {
        name: name.to_owned(),
        arm: Arm::parse(arm)?,
    })
}

fn parse_day(text: &str) -> Option<ExperimentDay> {
    let mut parts = text.split(':');
    let (name, arm) = (parts.next()?, parts.next()?);
    validate_slug(name).ok()?;
    let assignment = Assignment {
        name: name.to_owned(),
        arm: Arm::parse(arm)?,
    };
    let day = Day(parts.next()?.parse().ok()?);
    let deepest = Funnel::parse(parts.next()?)?;
    let reported = match parts.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    parts.next().is_none().then_some(ExperimentDay {
        name: assignment.name,
        arm: assignment.arm,
        day,
        deepest,
        reported,
    })
}

impl Measurement {
    /// Reads the stored form; unreadable or too old records are dropped.
    pub fn from_doc(doc: &MeasurementState, now_ms: f64) -> Measurement {
        let mut m = Measurement {
            quiz_reported: doc.quiz_reported.filter(|t| t.is_finite()),
            experiment: doc.experiment.as_deref().and_then(parse_assignment),
            days: doc.days.iter().filter_map(|d| parse_day(d)).collect(),
        };
        m.prune(now_ms);
        m
    }

    /// The stored form.
    pub fn to_doc(&self) -> MeasurementState {
        MeasurementState {
            version: MEASUREMENT_VERSION,
            quiz_reported: self.quiz_reported,
            experiment: self
                .experiment
                .as_ref()
                .map(|a| format!("{}:{}", a.name, a.arm.as_str())),
            days: self
                .days
                .iter()
                .map(|d| {
                    let reported = u8::from(d.reported);
                    let (arm, deepest) = (d.arm.as_str(), d.deepest.as_str());
                    format!("{}:{arm}:{}:{deepest}:{reported}", d.name, d.day.0)
                })
                .collect(),
        }
    }

    /// Keeps the last [`MAX_EXPERIMENT_DAYS`] records of the last 7 days.
    pub(super) fn prune(&mut self, now_ms: f64) {
        let oldest = Day::from_ms(now_ms).0.saturating_sub(MAX_REPORT_AGE_DAYS);
        self.days.retain(|d| d.day.0 >= oldest);
        self.trim();
    }

    /// Drops the oldest records beyond [`MAX_EXPERIMENT_DAYS`] (no sort: one copy less of the
    /// sorting code in the wasm; records are in insertion order, usually day order).
    fn trim(&mut self) {
        while self.days.len() > MAX_EXPERIMENT_DAYS {
            let oldest = (0..self.days.len()).min_by_key(|&i| self.days[i].day);
            if let Some(i) = oldest {
                self.days.remove(i);
            }
        }
    }

    /// Raises the record of (current experiment, `day`) to at least `reached`.
    fn reach(&mut self, day: Day, reached: Funnel) {
        let Some(assignment) = self.experiment.clone() else {
            return;
        };
        match self
            .days
            .iter_mut()
            .find(|d| d.name == assignment.name && d.day == day)
        {
            Some(record) if record.reported => {}
            Some(record) => {
                if record.arm != assignment.arm {
                    record.arm = assignment.arm;
                    record.deepest = Funnel::Exposed;
                }
                record.deepest = record.deepest.max(reached);
            }
            None => {
                self.days.push(ExperimentDay {
                    name: assignment.name,
                    arm: assignment.arm,
                    day,
                    deepest: reached,
                    reported: false,
                });
                self.trim();
            }
        }
    }
}

impl Engine {
    /// Declares the experiment arm the site assigned (`name` `[a-z0-9_-]{1,32}`, `arm`
    /// `control|a|b|c`); with measurement consent it counts as exposure today. Bad input is a
    /// `VITRINE_INVALID_OPTIONS` error and changes nothing.
    pub fn set_experiment(&mut self, name: &str, arm: &str, now_ms: f64) -> Result<(), Error> {
        if validate_slug(name).is_err() {
            let shown: String = name.chars().take(40).collect();
            return Err(Error::Options(format!(
                "experiment name must match [a-z0-9_-]{{1,32}}, got {}",
                crate::json::quoted(&shown)
            )));
        }
        let Some(arm) = Arm::parse(arm) else {
            let shown: String = arm.chars().take(40).collect();
            return Err(Error::Options(format!(
                "experiment arm must be one of control, a, b, c, got {}",
                crate::json::quoted(&shown)
            )));
        };
        self.measure.experiment = Some(Assignment {
            name: name.to_owned(),
            arm,
        });
        if self.consent.allows(Purpose::Measurement) {
            self.measure.reach(Day::from_ms(now_ms), Funnel::Exposed);
            self.save_measurement();
        }
        Ok(())
    }

    /// The experiment declared with [`Engine::set_experiment`], if any.
    pub fn experiment(&self) -> Option<&Assignment> {
        self.measure.experiment.as_ref()
    }

    /// Records the funnel step of a tracked (measurement-allowed, unguarded) event.
    pub(super) fn observe_funnel(&mut self, event: &Event) {
        if self.measure.experiment.is_none() {
            return;
        }
        self.measure
            .reach(Day::from_ms(event.at_ms), Funnel::of(event.kind));
        self.save_measurement();
    }

    /// Measurement granted: merges the stored document into the in-memory one.
    pub(super) fn attach_measurement(&mut self, now_ms: f64) {
        let Ok(loaded) = persist::load::<MeasurementState>(self.store.as_mut(), &self.keys, now_ms)
        else {
            return;
        };
        self.warnings.extend(loaded.warnings);
        let stored = Measurement::from_doc(&loaded.value, now_ms);
        let memory = &mut self.measure;
        memory.quiz_reported = match (memory.quiz_reported, stored.quiz_reported) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if memory.experiment.is_none() {
            memory.experiment = stored.experiment;
        }
        for record in stored.days {
            match memory
                .days
                .iter_mut()
                .find(|d| d.name == record.name && d.day == record.day)
            {
                Some(mine) => {
                    mine.reported |= record.reported;
                    mine.deepest = mine.deepest.max(record.deepest);
                }
                None => memory.days.push(record),
            }
        }
        memory.prune(now_ms);
        if loaded.writable {
            self.save_measurement();
        }
    }

    /// Measurement withdrawn: the experiment and its records go (memory and storage); the
    /// quiz marker stays, like the ledger, so a quiz is never reported twice.
    pub(super) fn withdraw_measurement(&mut self) {
        self.measure = Measurement {
            quiz_reported: self.measure.quiz_reported,
            ..Measurement::default()
        };
        let result = if self.measure.quiz_reported.is_some() {
            persist::save(self.store.as_mut(), &self.keys, &self.measure.to_doc())
        } else {
            let key = self.keys.doc(MeasurementState::DOC, MEASUREMENT_VERSION);
            self.store.remove(&key)
        };
        if let Err(e) = result {
            let key = self.keys.doc(MeasurementState::DOC, MEASUREMENT_VERSION);
            self.on_write_error(e, &key);
        }
    }

    /// Persists the document, only while measurement is granted.
    pub(super) fn save_measurement(&mut self) {
        if !self.consent.allows(Purpose::Measurement) {
            return;
        }
        if let Err(e) = persist::save(self.store.as_mut(), &self.keys, &self.measure.to_doc()) {
            let key = self.keys.doc(MeasurementState::DOC, MEASUREMENT_VERSION);
            self.on_write_error(e, &key);
        }
    }
}
