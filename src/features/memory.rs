//! Item-level memory the model needs beyond attribute affinities: which exact items (and
//! product groups) the shopper engaged with, the current session's items, and a typical price.
//!
//! Updated incrementally per event, bounded whatever the history length, and serialisable so
//! the engine can persist it next to the profile. The trainer replays purchase histories
//! through this same type, so the "seen before" features mean the same thing in both places.
//! Events the engine must not learn from (guarded sensitive values) must not be observed.

use serde::{Deserialize, Serialize};

use crate::collections::VecMap;
use crate::event::Event;
use crate::product::Attributes;
use crate::profile::affinity::{prune, Decayed};
use crate::profile::event_weight;

/// Schema version of the stored memory.
pub const MEMORY_VERSION: u32 = 1;
/// Most item ids remembered.
pub const MAX_ITEMS: usize = 256;
/// Most product groups remembered.
pub const MAX_GROUPS: usize = 256;
/// Items that make up the current session (the newest ones).
pub const SESSION_ITEMS: usize = 8;
/// Weights below this are forgotten on compaction.
const FLOOR: f64 = 0.01;

/// One recent item: its id and attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionItem {
    /// The product id.
    pub id: String,
    /// Its attributes.
    pub attributes: Attributes,
    /// Its price, if known.
    pub price: Option<f64>,
}

/// Decayed per-item and per-group engagement, the session, and the typical price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemMemory {
    /// Schema version ([`MEMORY_VERSION`]).
    pub version: u32,
    /// Product id → decayed engagement weight.
    pub items: VecMap<String, Decayed>,
    /// Product group value → decayed engagement weight.
    pub groups: VecMap<String, Decayed>,
    /// The newest engaged items, oldest first, at most [`SESSION_ITEMS`].
    pub session: Vec<SessionItem>,
    /// The engagement-weighted typical price.
    pub price: PriceMean,
}

/// A decayed, engagement-weighted geometric mean of (positive) prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceMean {
    /// Decayed sum of weight × ln(price).
    pub log_mass: f64,
    /// Decayed sum of weights.
    pub weight: f64,
    /// When both sums were last decayed, ms since the epoch.
    pub at_ms: f64,
}

impl PriceMean {
    fn add(&mut self, weight: f64, price: f64, at_ms: f64, half_life_ms: f64) {
        // Both sums decay at the same rate, so only their ratio matters; an older event is
        // decayed to the stored time instead of moving the clock back.
        let (decay_old, decay_new) = if at_ms >= self.at_ms {
            (crate::math::exp2(-(at_ms - self.at_ms) / half_life_ms), 1.0)
        } else {
            (1.0, crate::math::exp2(-(self.at_ms - at_ms) / half_life_ms))
        };
        self.log_mass = self.log_mass * decay_old + weight * decay_new * price.ln();
        self.weight = self.weight * decay_old + weight * decay_new;
        self.at_ms = self.at_ms.max(at_ms);
    }

    fn is_sane(&self) -> bool {
        self.log_mass.is_finite()
            && self.weight.is_finite()
            && self.weight >= 0.0
            && self.at_ms.is_finite()
    }
}

impl Default for ItemMemory {
    fn default() -> Self {
        ItemMemory {
            version: MEMORY_VERSION,
            items: VecMap::new(),
            groups: VecMap::new(),
            session: Vec::new(),
            price: PriceMean::default(),
        }
    }
}

impl ItemMemory {
    /// Applies one validated event. `group_attribute` names the attribute grouping product
    /// variants (the model's [`crate::features::FeatureSpec::group_attribute`]).
    pub fn observe(&mut self, event: &Event, group_attribute: Option<&str>, half_life_ms: f64) {
        let weight = event_weight(event);
        if weight == 0.0 || event.product_id.is_empty() {
            return;
        }
        let at = event.at_ms;
        bump(
            &mut self.items,
            &event.product_id,
            weight,
            at,
            half_life_ms,
            MAX_ITEMS,
        );
        if let Some(group) = group_attribute.and_then(|name| event.attributes.get(name)) {
            bump(
                &mut self.groups,
                group,
                weight,
                at,
                half_life_ms,
                MAX_GROUPS,
            );
        }
        // A removal or return takes the item out of the current intent; anything else moves it
        // to the session's end.
        remove_session_item(&mut self.session, &event.product_id);
        if weight > 0.0 {
            self.session.push(SessionItem {
                id: event.product_id.clone(),
                attributes: event.attributes.clone(),
                price: event.price,
            });
            if self.session.len() > SESSION_ITEMS {
                let excess = self.session.len() - SESSION_ITEMS;
                self.session.drain(..excess);
            }
            if let Some(price) = event.price.filter(|p| *p > 0.0) {
                self.price.add(weight, price, at, half_life_ms);
            }
        }
    }

    /// The decayed engagement with one item at `now_ms` (0 when unknown).
    pub fn item_weight(&self, id: &str, now_ms: f64, half_life_ms: f64) -> f64 {
        self.items
            .get(id)
            .map_or(0.0, |d| d.value_at(now_ms, half_life_ms))
    }

    /// The engagement-weighted typical price, if any priced engagement is remembered.
    pub fn typical_price(&self) -> Option<f64> {
        let PriceMean {
            log_mass, weight, ..
        } = self.price;
        (weight > 1e-9 && log_mass.is_finite()).then(|| (log_mass / weight).exp())
    }

    /// Drops unusable entries from a memory read back from storage; returns how many.
    pub fn repair(&mut self) -> usize {
        let before = self.items.len() + self.groups.len() + self.session.len();
        for map in [&mut self.items, &mut self.groups] {
            map.retain(|k, d| d.is_sane() && !k.is_empty());
        }
        self.session.retain(|item| {
            crate::product::validate_id(&item.id).is_ok()
                && crate::product::validate_attributes(&item.attributes).is_ok()
        });
        let excess = self.session.len().saturating_sub(SESSION_ITEMS);
        self.session.drain(..excess);
        let mut dropped = before - (self.items.len() + self.groups.len() + self.session.len());
        if !self.price.is_sane() {
            self.price = PriceMean::default();
            dropped += 1;
        }
        dropped
    }
}

/// Removes the session entries of one item (one copy of the `retain` for every caller).
fn remove_session_item(session: &mut Vec<SessionItem>, id: &str) {
    session.retain(|item| item.id != id);
}

/// Whether the memory may learn from `event`: never from a sensitive product or query (the
/// profile's own guard, [`crate::profile::ProfileConfig::is_sensitive`]). The engine and the
/// trainer's replay both ask this, so the memory means the same in both places.
pub fn learns_from(event: &Event, config: &crate::profile::ProfileConfig) -> bool {
    !(config.is_sensitive(&event.attributes)
        || event
            .query
            .as_deref()
            .is_some_and(|q| config.is_sensitive_value(q)))
}

impl ItemMemory {
    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.groups.is_empty() && self.session.is_empty()
    }

    /// Applies the profile's affinity retention: engagements older than `max_age_ms` go, and
    /// with them the session and typical price once nothing recent is left. Returns how many.
    pub fn expire(&mut self, now_ms: f64, max_age_ms: f64) -> usize {
        let before = self.items.len() + self.groups.len() + self.session.len();
        for map in [&mut self.items, &mut self.groups] {
            map.retain(|_, d| now_ms - d.1 <= max_age_ms);
        }
        if self.items.is_empty() {
            self.session.clear();
        }
        if now_ms - self.price.at_ms > max_age_ms {
            self.price = PriceMean::default();
        }
        before - (self.items.len() + self.groups.len() + self.session.len())
    }

    /// Forgets one item: its engagement, its session entry and, when the session entry names
    /// its product group (`group_attribute`), that group. Returns how many entries went.
    pub fn forget_item(&mut self, id: &str, group_attribute: Option<&str>) -> usize {
        let before = self.items.len() + self.groups.len() + self.session.len();
        let groups: Vec<String> = self
            .session
            .iter()
            .filter(|item| item.id == id)
            .filter_map(|item| {
                group_attribute
                    .and_then(|g| item.attributes.get(g))
                    .cloned()
            })
            .collect();
        self.items.retain(|k, _| k != id);
        self.groups.retain(|k, _| !groups.contains(k));
        remove_session_item(&mut self.session, id);
        before - (self.items.len() + self.groups.len() + self.session.len())
    }

    /// Forgets session items carrying an attribute value (in `attribute` only, or in any
    /// attribute), so a forgotten value cannot come back through the session. Returns how many.
    pub fn forget_value(&mut self, attribute: Option<&str>, value: &str) -> usize {
        let before = self.session.len();
        self.session.retain(|item| {
            !item
                .attributes
                .iter()
                .any(|(name, v)| v == value && attribute.map_or(true, |a| a == name))
        });
        before - self.session.len()
    }
}

// Serde-free readers (the wasm build's; same documents, values and errors as the derives).
crate::json::struct_reader!(SessionItem, "struct SessionItem", allow_unknown,
    SessionItem { id: String::new(), attributes: Attributes::new(), price: None },
    { id: "id" required, attributes: "attributes" required, price: "price" });
crate::json::struct_reader!(PriceMean, "struct PriceMean", allow_unknown, PriceMean::default(),
    { log_mass: "logMass" required, weight: "weight" required, at_ms: "atMs" required });
crate::json::struct_reader!(ItemMemory, "struct ItemMemory", allow_unknown,
    ItemMemory {
        version: 0,
        items: VecMap::new(),
        groups: VecMap::new(),
        session: Vec::new(),
        price: PriceMean::default(),
    },
    { version: "version" required, items: "items" required, groups: "groups" required,
      session: "session" required, price: "price" required });

impl crate::storage::persist::Versioned for ItemMemory {
    const DOC: &'static str = "memory";
    const VERSION: u32 = MEMORY_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }
    fn repair(&mut self, _now_ms: f64) -> usize {
        ItemMemory::repair(self)
    }
}

fn bump(
    map: &mut VecMap<String, Decayed>,
    key: &str,
    weight: f64,
    at: f64,
    half_life_ms: f64,
    max: usize,
) {
    map.entry(key.to_owned())
        .or_insert(Decayed(0.0, at))
        .add(weight, at, half_life_ms);
    if map.len() > max {
        prune(map, max, at, half_life_ms, FLOOR);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const DAY: f64 = 86_400_000.0;

    fn event(kind: &str, id: &str, group: &str, price: f64, at: f64) -> Event {
        let json = format!(
            r#"{{"type":"{kind}","productId":"{id}","attributes":{{"productCode":"{group}"}},"price":{price},"timestamp":{at}}}"#
        );
        Event::from_json(&json, 0.0).unwrap()
    }

    #[test]
    fn remembers_items_groups_session_and_price() {
        let mut m = ItemMemory::default();
        m.observe(
            &event("purchase", "a1", "a", 10.0, 0.0),
            Some("productCode"),
            14.0 * DAY,
        );
        m.observe(
            &event("view", "a2", "a", 30.0, DAY),
            Some("productCode"),
            14.0 * DAY,
        );
        assert!(m.item_weight("a1", DAY, 14.0 * DAY) > m.item_weight("a2", DAY, 14.0 * DAY));
        assert_eq!(m.groups.len(), 1);
        assert_eq!(
            m.session.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["a1", "a2"]
        );
        let typical = m.typical_price().unwrap();
        // Purchase weight 8 (decayed one day) against view weight 1: close to 10, above it.
        assert!(typical > 10.0 && typical < 12.0, "{typical}");
        m.observe(
            &event("return", "a1", "a", 10.0, 2.0 * DAY),
            None,
            14.0 * DAY,
        );
        assert_eq!(m.session.len(), 1);
    }

    #[test]
    fn stays_bounded() {
        let mut m = ItemMemory::default();
        for i in 0..1000 {
            let e = event(
                "view",
                &format!("p{i}"),
                &format!("g{i}"),
                1.0,
                f64::from(i) * 1000.0,
            );
            m.observe(&e, Some("productCode"), DAY);
        }
        assert!(m.items.len() <= MAX_ITEMS);
        assert!(m.groups.len() <= MAX_GROUPS);
        assert_eq!(m.session.len(), SESSION_ITEMS);
        assert_eq!(m.session.last().unwrap().id, "p999");
    }

    #[test]
    fn repair_drops_bad_entries() {
        let mut m = ItemMemory::default();
        m.items.insert("ok".into(), Decayed(1.0, 5.0));
        m.items.insert("nan".into(), Decayed(f64::NAN, 5.0));
        m.price.log_mass = f64::INFINITY;
        m.price.weight = 1.0;
        assert_eq!(m.repair(), 2);
        assert_eq!(m.items.len(), 1);
        assert_eq!(m.typical_price(), None);
    }
}
