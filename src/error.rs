//! The crate-level error: one variant per concern, each with a stable code that the wasm
//! boundary maps once to a JavaScript `Error` subclass.

use thiserror::Error;

use crate::event::EventError;
use crate::model::ModelError;
use crate::privacy::{ConsentError, ReportError};
use crate::profile::ConfigError;
use crate::quiz::QuizError;
use crate::rank::RankError;
use crate::storage::StorageError;

/// Stable error codes; JavaScript switches on these, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// `VITRINE_INVALID_EVENT`: `track` got bad input.
    InvalidEvent,
    /// `VITRINE_INVALID_CANDIDATES`: `rerank` got bad input.
    InvalidCandidates,
    /// `VITRINE_INVALID_OPTIONS`: `init` got bad options.
    InvalidOptions,
    /// `VITRINE_STORAGE`: storage failed in a way the caller must know about.
    Storage,
    /// `VITRINE_INVALID_MODEL`: a ranking model file could not be used (corrupt, truncated,
    /// unsupported version or features, bad pin syntax).
    InvalidModel,
    /// `VITRINE_MODEL_HASH_MISMATCH`: the model file's SHA-256 is not the one the page pinned.
    ModelHashMismatch,
    /// `VITRINE_MODEL_UNAVAILABLE`: the model file could not be fetched.
    ModelUnavailable,
    /// `VITRINE_INVALID_CONSENT`: `setConsent` got unknown keys, bad values or a bad TC string.
    InvalidConsent,
    /// `VITRINE_REPORT`: a report was refused (no consent, budget, queue or ledger full) or
    /// the reporting options are invalid.
    Report,
    /// `VITRINE_INVALID_QUIZ`: a quiz call got a bad bank, answer or options.
    InvalidQuiz,
}

impl ErrorCode {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidEvent => "VITRINE_INVALID_EVENT",
            ErrorCode::InvalidCandidates => "VITRINE_INVALID_CANDIDATES",
            ErrorCode::InvalidOptions => "VITRINE_INVALID_OPTIONS",
            ErrorCode::Storage => "VITRINE_STORAGE",
            ErrorCode::InvalidModel => "VITRINE_INVALID_MODEL",
            ErrorCode::ModelHashMismatch => "VITRINE_MODEL_HASH_MISMATCH",
            ErrorCode::ModelUnavailable => "VITRINE_MODEL_UNAVAILABLE",
            ErrorCode::InvalidConsent => "VITRINE_INVALID_CONSENT",
            ErrorCode::Report => "VITRINE_REPORT",
            ErrorCode::InvalidQuiz => "VITRINE_INVALID_QUIZ",
        }
    }

    /// The JavaScript `Error` subclass name the wrapper exposes for this code.
    pub fn js_class(self) -> &'static str {
        match self {
            ErrorCode::InvalidEvent
            | ErrorCode::InvalidCandidates
            | ErrorCode::InvalidOptions
            | ErrorCode::InvalidConsent
            | ErrorCode::InvalidQuiz => "VitrineValidationError",
            ErrorCode::InvalidModel
            | ErrorCode::ModelHashMismatch
            | ErrorCode::ModelUnavailable => "VitrineModelError",
            ErrorCode::Storage => "VitrineStorageError",
            ErrorCode::Report => "VitrineReportError",
        }
    }
}

/// Any error the core returns.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A tracked event was invalid.
    #[error(transparent)]
    Event(#[from] EventError),
    /// A re-rank request was invalid.
    #[error(transparent)]
    Rank(#[from] RankError),
    /// The profile configuration was invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Init options could not be read.
    #[error("invalid options: {0}")]
    Options(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A ranking model could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The ranking model file could not be fetched (reported by the page).
    #[error("model file unavailable: {0}")]
    ModelUnavailable(String),
    /// A consent update was invalid.
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// A report was refused or the reporting options are invalid.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A quiz call was invalid (bank, answer, options).
    #[error(transparent)]
    Quiz(#[from] QuizError),
}

impl Error {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Event(_) => ErrorCode::InvalidEvent,
            Error::Rank(crate::rank::RankError::InvalidOption(_)) => ErrorCode::InvalidOptions,
            Error::Rank(_) => ErrorCode::InvalidCandidates,
            Error::Config(_) | Error::Options(_) => ErrorCode::InvalidOptions,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Model(ModelError::PinnedHashMismatch { .. }) => ErrorCode::ModelHashMismatch,
            Error::Model(_) => ErrorCode::InvalidModel,
            Error::ModelUnavailable(_) => ErrorCode::ModelUnavailable,
            Error::Consent(_) => ErrorCode::InvalidConsent,
            Error::Report(_) => ErrorCode::Report,
            Error::Quiz(_) => ErrorCode::InvalidQuiz,
        }
    }
}
