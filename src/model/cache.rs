//! The per-set cache: what scoring needs from a registered candidate list that depends only
//! on the candidates and the loaded model, computed once at registration.

use super::score::server_slots;
use super::Model;
use crate::features::cross::{Engaged, FixedCross};
use crate::features::ShopperView;
use crate::rank::Prepared;

/// What scoring needs from a candidate list that depends only on the candidates and the
/// model: each candidate's item-table rows and whether its embedding is usable. Built once for
/// a registered candidate set ([`Model::item_cache`]), it skips the vocabulary lookups on
/// every re-rank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemCache {
    /// Candidate `i`'s rows are `rows[starts[i]..starts[i + 1]]`.
    pub(super) starts: Vec<u32>,
    pub(super) rows: Vec<u32>,
    /// Per candidate: 0 no embedding, 1 usable, 2 ignored (wrong length or values).
    pub(super) embedding: Vec<u8>,
    /// Per candidate: the cross features' fixed inputs (server slot, log price).
    pub(super) fixed: Vec<FixedCross>,
    /// Candidate numbers sorted by id, and `(candidate, group)` sorted by group, for the
    /// merge with the shopper's engaged items and groups.
    by_id: Vec<u32>,
    by_group: Vec<(u32, String)>,
}

impl ItemCache {
    /// Every cached candidate's engagement features for this call's shopper.
    #[cfg_attr(vitrine_optimize_hot, optimize(speed))]
    pub(super) fn engaged(&self, view: &ShopperView, prepared: &[Prepared]) -> Vec<Engaged> {
        let by_id = self.by_id.iter().filter_map(|&i| {
            prepared
                .get(i as usize)
                .map(|p| (i, p.candidate.id.as_str()))
        });
        let by_group = self.by_group.iter().map(|(i, g)| (*i, g.as_str()));
        view.engaged_all(prepared.len(), by_id, by_group)
    }
}

impl Model {
    /// The rows, embedding state and fixed cross inputs of every candidate, for
    /// [`Model::rank_cached`].
    pub fn item_cache(&self, prepared: &[Prepared]) -> ItemCache {
        let mut cache = ItemCache::default();
        let group_attribute = self.index.spec().group_attribute.as_deref();
        for (i, (p, slot)) in prepared.iter().zip(server_slots(prepared)).enumerate() {
            cache.starts.push(cache.rows.len() as u32);
            self.index.item_rows(&p.candidate, &mut cache.rows);
            let state = match self.valid_embedding(p.candidate.embedding.as_ref()) {
                (Some(_), _) => 1,
                (None, true) => 2,
                (None, false) => 0,
            };
            cache.embedding.push(state);
            cache.fixed.push(FixedCross::new(&p.candidate, slot));
            cache.by_id.push(i as u32);
            if let Some(g) = group_attribute.and_then(|g| p.candidate.attributes.get(g)) {
                cache.by_group.push((i as u32, g.clone()));
            }
        }
        cache.starts.push(cache.rows.len() as u32);
        crate::collections::sort_by(&mut cache.by_id, |a, b| {
            prepared[*a as usize]
                .candidate
                .id
                .cmp(&prepared[*b as usize].candidate.id)
        });
        crate::collections::sort_by(&mut cache.by_group, |a, b| a.1.cmp(&b.1));
        cache
    }
}
