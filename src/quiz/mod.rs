//! The adaptive style quiz: zero-party data the shopper gives on purpose.
//!
//! - [`bank`]: the question bank, generated from a catalogue sample or read from a bank file.
//! - [`posterior`]: the model, a Beta posterior per (attribute, value), and the expected
//!   information gain (EIG) that picks the next product.
//! - [`state`]: the quiz in progress and its answers, a [`crate::storage::persist::Versioned`]
//!   document (`{ns}:v1:quiz`) with its own retention, so it survives reloads and can be edited
//!   after it ends.
//! - [`result`]: the result: preferences in [−1, 1] that the ranker uses (through
//!   [`crate::profile::Profile::set_stated_preferences`]) and the top style answer.
//!
//! Each question shows one product; the answer is like, dislike or skip. The next product is
//! the unanswered one with the highest EIG about the shopper's preferences; the quiz stops when
//! confident (configurable) or at a maximum (default 12, at most 36). Everything is
//! deterministic given a seed. Sensitive values are never asked about or reported. The model
//! and the JSON shapes are documented in `docs/QUIZ.md`.

pub mod bank;
pub mod posterior;
pub mod result;
pub mod state;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use bank::{BankFile, BankProduct, QuestionBank};
pub use result::{Preference, QuizResult, TopStyle};
pub use state::{Answer, AnsweredQuestion, Progress, Question, QuizState};

/// Most questions a quiz may ask.
pub const MAX_QUESTIONS: usize = 36;

/// How the quiz asks. Serialised in camelCase as part of the init options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct QuizConfig {
    /// Most questions (1–36). Default 12.
    pub max_questions: usize,
    /// Questions asked before the quiz may stop for confidence. Default 6.
    pub min_questions: usize,
    /// The quiz stops once its confidence (see `docs/QUIZ.md`) reaches this, in (0, 1];
    /// 1 means "always ask `maxQuestions`". Default 0.5.
    pub confidence: f64,
    /// Prior pseudo-count of likes per value (α₀ > 0). Default 1.
    pub prior_likes: f64,
    /// Prior pseudo-count of dislikes per value (β₀ > 0). Default 1.
    pub prior_dislikes: f64,
    /// Products kept when a bank is generated from a catalogue sample (1–1000). Default 120.
    pub bank_size: usize,
    /// Days an unfinished quiz can be resumed after its last answer. Default 7. (A finished
    /// quiz's answers follow the profile's `retention.quizDays`.)
    pub resume_days: f64,
}

impl Default for QuizConfig {
    fn default() -> Self {
        QuizConfig {
            max_questions: 12,
            min_questions: 6,
            confidence: 0.5,
            prior_likes: 1.0,
            prior_dislikes: 1.0,
            bank_size: 120,
            resume_days: 7.0,
        }
    }
}

impl QuizConfig {
    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), QuizError> {
        let bad = |field: &'static str| Err(QuizError::Config(field));
        if !(1..=MAX_QUESTIONS).contains(&self.max_questions) {
            return bad("maxQuestions must be between 1 and 36");
        }
        if self.min_questions > self.max_questions {
            return bad("minQuestions must not exceed maxQuestions");
        }
        if !(self.confidence.is_finite() && self.confidence > 0.0 && self.confidence <= 1.0) {
            return bad("confidence must be in (0, 1]");
        }
        let prior_ok = |x: f64| x.is_finite() && x > 0.0 && x <= 100.0;
        if !prior_ok(self.prior_likes) || !prior_ok(self.prior_dislikes) {
            return bad("priorLikes and priorDislikes must be in (0, 100]");
        }
        if !(1..=1_000).contains(&self.bank_size) {
            return bad("bankSize must be between 1 and 1000");
        }
        if !(self.resume_days.is_finite() && self.resume_days > 0.0 && self.resume_days <= 365.0) {
            return bad("resumeDays must be in (0, 365]");
        }
        Ok(())
    }

    /// The prior as a Beta distribution.
    pub fn prior(&self) -> posterior::Beta {
        posterior::Beta {
            likes: self.prior_likes,
            dislikes: self.prior_dislikes,
        }
    }
}

/// Why a quiz call was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuizError {
    /// The catalogue sample or bank file is not valid JSON of the documented shape.
    #[error("quiz bank is malformed: {0}")]
    MalformedBank(String),
    /// The bank file's version is not one this SDK reads.
    #[error("quiz bank version {0} is not supported; this SDK reads version 1")]
    UnsupportedBankVersion(u64),
    /// No usable product is left after validation.
    #[error("quiz bank has no usable product")]
    EmptyBank,
    /// The quiz configuration is invalid.
    #[error("invalid quiz options: {0}")]
    Config(&'static str),
    /// No quiz has been started (or it expired).
    #[error("no quiz is in progress")]
    NotStarted,
    /// The quiz already has all the answers it may take.
    #[error("the quiz is finished; edit an answer instead")]
    Finished,
    /// The product is not in the bank.
    #[error("product `{0}` is not in the quiz bank")]
    UnknownProduct(String),
    /// The product was already answered (use an edit).
    #[error("product `{0}` was already answered")]
    AlreadyAnswered(String),
    /// The product has no answer to edit.
    #[error("product `{0}` has no answer to edit")]
    NotAnswered(String),
    /// An answer other than `like`, `dislike` or `skip`.
    #[error("answer `{0}` is not one of like, dislike, skip")]
    InvalidAnswer(String),
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod oracle_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
