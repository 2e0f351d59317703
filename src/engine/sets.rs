//! Candidate sets: a list validated once (parse, prepare, embeddings) and re-ranked by
//! handle, the fast path for large lists re-ranked after every interaction (docs/MODEL.md).

use super::{compact, CompactRanking, Engine};
use crate::error::Error;
use crate::model::ItemCache;
use crate::product::Candidate;
use crate::rank::options::RerankOptions;
use crate::rank::{self, DroppedCandidate, Prepared, RankError, RankOutput};

/// Most candidate sets an engine keeps registered; registering more evicts the oldest.
pub const MAX_CANDIDATE_SETS: usize = 8;

/// A candidate list validated once and kept for repeated re-ranking by handle.
pub(super) struct CandidateSet {
    pub(super) handle: u32,
    pub(super) prepared: Vec<Prepared>,
    pub(super) dropped: Vec<DroppedCandidate>,
    /// Rows and embedding state for the loaded model (rebuilt when a model loads).
    pub(super) cache: Option<ItemCache>,
}

impl Engine {
    /// [`Engine::rerank_set`] in the [`CompactRanking`] form.
    pub fn rerank_set_compact(
        &self,
        handle: u32,
        options: &RerankOptions,
        now_ms: f64,
    ) -> Result<CompactRanking, Error> {
        options.validate()?;
        let set = self.candidate_set(handle)?;
        let output = self.rerank_prepared(
            &set.prepared,
            set.cache.as_ref(),
            set.dropped.clone(),
            options,
            now_ms,
        );
        Ok(compact(&output, &set.prepared))
    }

    fn candidate_set(&self, handle: u32) -> Result<&CandidateSet, Error> {
        self.candidate_sets
            .iter()
            .find(|s| s.handle == handle)
            .ok_or_else(|| {
                RankError::Malformed(
                    "the candidate set is not registered (released or evicted)".into(),
                )
                .into()
            })
    }

    /// Validates a candidate list once and keeps it for [`Engine::rerank_set`]; returns its
    /// handle and the candidates left out. At most [`MAX_CANDIDATE_SETS`] are kept (the
    /// oldest is released first).
    pub fn register_candidates(
        &mut self,
        candidates: Vec<Candidate>,
    ) -> Result<(u32, Vec<DroppedCandidate>), Error> {
        let (prepared, dropped) = rank::prepare(candidates)?;
        let handle = self.next_handle;
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        if self.candidate_sets.len() >= MAX_CANDIDATE_SETS {
            self.candidate_sets.remove(0);
        }
        let cache = self.loaded_model().map(|m| m.item_cache(&prepared));
        self.candidate_sets.push(CandidateSet {
            handle,
            prepared,
            dropped: dropped.clone(),
            cache,
        });
        Ok((handle, dropped))
    }

    /// Re-ranks a registered candidate set (see [`Engine::rerank`]).
    pub fn rerank_set(
        &self,
        handle: u32,
        options: &RerankOptions,
        now_ms: f64,
    ) -> Result<RankOutput, Error> {
        options.validate()?;
        let set = self.candidate_set(handle)?;
        Ok(self.rerank_prepared(
            &set.prepared,
            set.cache.as_ref(),
            set.dropped.clone(),
            options,
            now_ms,
        ))
    }

    /// Releases a registered candidate set; returns whether it existed.
    pub fn release_candidates(&mut self, handle: u32) -> bool {
        let before = self.candidate_sets.len();
        self.candidate_sets.retain(|s| s.handle != handle);
        before != self.candidate_sets.len()
    }
}
