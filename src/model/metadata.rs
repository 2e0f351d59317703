//! The metadata block of a model file: `{"name", "spec", "training"}` as JSON text.
//!
//! `training` (provenance: data files, seed, cut-off, settings, metrics) is free-form and never
//! interpreted by the runtime, so it is kept as its JSON text, verbatim: the browser only keeps
//! and shows it, and reading it needs no `serde_json::Value` (whose conversions would link a
//! second deserializer for the spec types into the wasm bundle). The trainer writes it.

use super::ModelError;
use crate::features::FeatureSpec;
use crate::json;

/// The metadata block of a model file.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMetadata {
    /// A human-readable model name.
    pub name: String,
    /// What the model consumes.
    pub spec: FeatureSpec,
    /// Training provenance (data files and their hashes, seed, cut-off, settings, metrics) as
    /// JSON text; free-form, never interpreted by the runtime. [`ModelMetadata::validate`]
    /// checks that it is JSON.
    pub training: String,
}

fn invalid(message: impl Into<String>) -> ModelError {
    ModelError::Metadata(message.into())
}

impl ModelMetadata {
    /// Checks that `training` is one JSON value.
    pub fn validate(&self) -> Result<(), ModelError> {
        json::validate(&self.training).map_err(|e| invalid(format!("training is not JSON: {e}")))
    }

    /// The metadata as compact JSON (`training` spliced in as it is).
    pub fn to_json(&self) -> Result<String, ModelError> {
        let text = |e: crate::json::Error| invalid(e.to_string());
        self.validate()?;
        Ok(format!(
            r#"{{"name":{},"spec":{},"training":{}}}"#,
            crate::json::to_string(&self.name).map_err(text)?,
            crate::json::to_string(&self.spec).map_err(text)?,
            self.training.trim()
        ))
    }

    /// Reads the metadata block: exactly the fields `name`, `spec` and `training`.
    pub fn from_json(text: &str) -> Result<ModelMetadata, ModelError> {
        json::validate(text).map_err(|e| invalid(e.to_string()))?;
        let members = json::members(text).ok_or_else(|| invalid("metadata is not an object"))?;
        let (mut name, mut spec, mut training) = (None, None, None);
        for (key, raw) in members {
            let field = |e: crate::json::Error| invalid(format!("field `{key}`: {e}"));
            match key.as_str() {
                "name" => name = Some(json::read_str::<String>(raw).map_err(field)?),
                "spec" => spec = Some(json::read_str::<FeatureSpec>(raw).map_err(field)?),
                "training" => training = Some(raw.to_owned()),
                _ => {
                    return Err(invalid(format!(
                        "unknown field `{}`, expected `name`, `spec` or `training`",
                        key.chars().take(32).collect::<String>()
                    )))
                }
            }
        }
        let missing = |f: &str| invalid(format!("missing field `{f}`"));
        Ok(ModelMetadata {
            name: name.ok_or_else(|| missing("name"))?,
            spec: spec.ok_or_else(|| missing("spec"))?,
            training: training.ok_or_else(|| missing("training"))?,
        })
    }
}
