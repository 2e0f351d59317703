//! The trained ranking model the server offers to the SDK, with its SHA-256 for pinning.
//!
//! The file is read once at start-up and validated with the SDK's own decoder, so what
//! `GET /api/model` describes is exactly what `GET /model/{name}` serves.

use std::path::Path;

use serde::Serialize;
use thiserror::Error;
use vitrine::model::Model;

/// A model file ready to serve.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// Its description.
    pub info: ModelInfo,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// What `GET /api/model` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    /// Where the file is served (same origin).
    pub url: String,
    /// SHA-256 of the bytes, lower-case hex (pass it to `Vitrine.init` to pin the model).
    pub sha256: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// Why a model file is not offered.
#[derive(Debug, Error)]
pub enum ModelFileError {
    /// The file could not be read.
    #[error("cannot read the model {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a model the SDK can load.
    #[error("the model {path} is invalid: {message}")]
    Invalid {
        /// The path.
        path: String,
        /// The decoder's message.
        message: String,
    },
}

/// The URL-safe file name the model is served under (`hm.bin` unless the name is unusual).
fn served_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
        .map_or_else(|| "model.bin".to_owned(), str::to_owned)
}

impl ModelFile {
    /// Loads and validates a model file; `Ok(None)` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<ModelFile>, ModelFileError> {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ModelFileError::Io {
                    path: shown,
                    source,
                })
            }
        };
        let model = Model::from_bytes(&bytes, None).map_err(|e| ModelFileError::Invalid {
            path: shown,
            message: e.to_string(),
        })?;
        Ok(Some(ModelFile {
            info: ModelInfo {
                url: format!("/model/{}", served_name(path)),
                sha256: model.sha256().to_owned(),
                bytes: bytes.len(),
            },
            bytes,
        }))
    }

    /// The name part of [`ModelInfo::url`].
    pub fn name(&self) -> &str {
        self.info.url.trim_start_matches("/model/")
    }
}
