//! Re-ranking of the candidates the retailer's server supplies.
//!
//! Input is validated once ([`prepare`]): malformed candidates and duplicate ids are dropped
//! and reported, never fatal, so the output is always a permutation of the valid input.
//! The server's order is the baseline every ranker blends with, and the fallback when
//! anything goes wrong.

pub mod affinity;
mod diversity;
pub mod options;

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::collections;
use crate::product::{Candidate, ProductError};

/// Most candidates accepted in one call.
pub const MAX_CANDIDATES: usize = 20_000;

/// Why a whole re-rank request was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RankError {
    /// The input is not a JSON array of candidate objects.
    #[error("candidates are malformed: {0}")]
    Malformed(String),
    /// Too many candidates.
    #[error("{count} candidates given; the limit is {max}")]
    TooMany {
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A re-rank option is out of range or malformed.
    #[error("invalid re-rank option: {0}")]
    InvalidOption(String),
}

/// Why one candidate was left out of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DroppedCandidate {
    /// Position in the input list.
    pub index: usize,
    /// The candidate's id as given (possibly empty).
    pub id: String,
    /// A stable reason code: `duplicate_id`, `invalid_id`, `invalid_attributes`,
    /// `invalid_price`, `invalid_server_score`; from the re-rank options
    /// ([`options::apply`]): `excluded`, `out_of_stock`.
    pub reason: String,
}

/// A valid candidate with its position in the server's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The candidate.
    pub candidate: Candidate,
    /// The candidate's id, shared: ranked items point to it instead of copying it (a
    /// registered set is re-ranked without allocating an id per item).
    pub id: Rc<str>,
    /// 0-based position in the server's order.
    pub server_position: usize,
    /// Position in the input list given to [`prepare`].
    pub index: usize,
}

/// Why an item is where it is, for the explanation chip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// The attribute that contributed most (e.g. `colour`).
    pub attribute: String,
    /// Its value on this item (e.g. `Red`).
    pub value: String,
    /// A short human-readable sentence.
    pub text: String,
}

/// One re-ranked item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankedItem {
    /// The candidate's id.
    pub id: Rc<str>,
    /// The blended score; higher ranks first.
    pub score: f64,
    /// 0-based final position.
    pub position: usize,
    /// 0-based position in the server's order.
    pub server_position: usize,
    /// Why, when personalisation moved it.
    pub reason: Option<Reason>,
}

/// Which ranker produced an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankerKind {
    /// The server's order, unchanged (empty profile, or a fallback).
    Server,
    /// The affinity ranker (decayed attribute affinities blended with the server order).
    Affinity,
    /// The loaded ranking model ([`crate::model::Model::rank`]).
    Model,
}

crate::json::names!(RankerKind { Server => "server", Affinity => "affinity", Model => "model" });

/// Whether a configured ranking model ordered a result, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelStatus {
    /// The model ranked the candidates.
    Used,
    /// The model is loaded but there is nothing personal to rank with (server order).
    NoSignal,
    /// The model failed to load or verify; another ranker was used (see `fallback_reason`).
    Failed,
}

crate::json::names!(ModelStatus { Used => "used", NoSignal => "no_signal", Failed => "failed" });

/// The result of a re-rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankOutput {
    /// The valid candidates, best first.
    pub items: Vec<RankedItem>,
    /// Which ranker ordered them.
    pub ranker: RankerKind,
    /// Candidates left out, with the reason.
    pub dropped: Vec<DroppedCandidate>,
    /// Pins that could not be honoured, with the reason.
    pub ignored_pins: Vec<options::IgnoredPin>,
    /// Set when a ranking model was configured: used, not needed, or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_status: Option<ModelStatus>,
    /// Why the configured model was not used (its error code and message), when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
}

/// Parses candidates from JSON text.
pub fn parse_candidates(json: &str) -> Result<Vec<Candidate>, RankError> {
    crate::json::read_str(json).map_err(|e| RankError::Malformed(e.to_string()))
}

/// Validates candidates, drops invalid and duplicate ones, and sorts the rest into the
/// server's order: by `serverRank` where given, else by list position (stable).
pub fn prepare(
    candidates: Vec<Candidate>,
) -> Result<(Vec<Prepared>, Vec<DroppedCandidate>), RankError> {
    if candidates.len() > MAX_CANDIDATES {
        return Err(RankError::TooMany {
            count: candidates.len(),
            max: MAX_CANDIDATES,
        });
    }
    let mut problems: Vec<Option<&'static str>> = Vec::with_capacity(candidates.len());
    for candidate in &candidates {
        problems.push(problem_of(candidate));
    }
    // Among valid candidates, the first with an id wins; later ones are duplicates.
    let mut valid_ids: Vec<(usize, &str)> = Vec::with_capacity(candidates.len());
    for (i, problem) in problems.iter().enumerate() {
        if problem.is_none() {
            valid_ids.push((i, candidates[i].id.as_str()));
        }
    }
    let first = collections::first_occurrences(&valid_ids, |(_, id)| *id);
    for (&(i, _), first) in valid_ids.iter().zip(first) {
        if !first {
            problems[i] = Some("duplicate_id");
        }
    }
    let mut dropped = Vec::new();
    let mut valid: Vec<(u64, usize, Candidate)> = Vec::with_capacity(candidates.len());
    for ((index, candidate), problem) in candidates.into_iter().enumerate().zip(problems) {
        match problem {
            Some(reason) => {
                // The id as given, cut to its first `MAX_ID_LEN` characters.
                let mut id = candidate.id;
                if let Some((end, _)) = id.char_indices().nth(crate::product::MAX_ID_LEN) {
                    id.truncate(end);
                }
                dropped.push(DroppedCandidate {
                    index,
                    id,
                    reason: reason.to_owned(),
                });
            }
            None => {
                let key = candidate.server_rank.map_or(index as u64, u64::from);
                valid.push((key, index, candidate));
            }
        }
    }
    collections::sort_by(&mut valid, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut prepared = Vec::with_capacity(valid.len());
    for (server_position, (_, index, candidate)) in valid.into_iter().enumerate() {
        prepared.push(Prepared {
            id: Rc::from(candidate.id.as_str()),
            candidate,
            server_position,
            index,
        });
    }
    Ok((prepared, dropped))
}

/// Why a candidate is dropped before ranking, if it is.
fn problem_of(candidate: &Candidate) -> Option<&'static str> {
    match candidate.validate() {
        Err(
            ProductError::MissingId
            | ProductError::TooLong {
                field: "productId", ..
            },
        ) => Some("invalid_id"),
        Err(ProductError::InvalidPrice(_)) => Some("invalid_price"),
        Err(_) => Some("invalid_attributes"),
        Ok(()) if candidate.server_score.is_some_and(|s| !s.is_finite()) => {
            Some("invalid_server_score")
        }
        Ok(()) => None,
    }
}

/// The server's order, unchanged, scored `1 − position/n`.
pub fn server_order(prepared: &[Prepared]) -> Vec<RankedItem> {
    let n = prepared.len().max(1) as f64;
    prepared
        .iter()
        .map(|p| RankedItem {
            id: p.id.clone(),
            score: 1.0 - p.server_position as f64 / n,
            position: p.server_position,
            server_position: p.server_position,
            reason: None,
        })
        .collect()
}

/// The ranking order: higher score first, ties by lower server position (deterministic,
/// total even for NaN scores).
pub fn by_rank(a: &RankedItem, b: &RankedItem) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.server_position.cmp(&b.server_position))
}

/// Sorts scored items best first; ties keep the server's order, so ranking is deterministic.
pub fn finalize(mut items: Vec<RankedItem>) -> Vec<RankedItem> {
    collections::sort_by(&mut items, by_rank);
    for (position, item) in items.iter_mut().enumerate() {
        item.position = position;
    }
    items
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod options_props;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod options_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
