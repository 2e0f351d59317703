//! The bounded recent-items list and the current session's intent.

use serde::{Deserialize, Serialize};

use super::config::ProfileConfig;
use crate::collections::{self, VecMap};
use crate::event::{Event, EventKind};

/// One entry of the recent-items list: the raw record the shopper can see and clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentItem {
    /// The product id.
    pub id: String,
    /// What the shopper did.
    pub kind: EventKind,
    /// When, ms since the epoch.
    pub at_ms: f64,
    /// The product matched a sensitive value: never used for inference or reports.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

/// Inserts an item in time order (stable for equal times) and keeps the newest `max`.
pub fn push_recent(list: &mut Vec<RecentItem>, item: RecentItem, max: usize) {
    let at = list.partition_point(|r| r.at_ms <= item.at_ms);
    list.insert(at, item);
    if list.len() > max {
        let excess = list.len() - max;
        list.drain(..excess);
    }
}

// Serde-free readers (the wasm build's; same documents, values and errors as the derives).
crate::json::struct_reader!(RecentItem, "struct RecentItem", allow_unknown,
    RecentItem { id: String::new(), kind: EventKind::View, at_ms: 0.0, sensitive: false },
    { id: "id" required, kind: "kind" required, at_ms: "atMs" required,
      sensitive: "sensitive" });
crate::json::struct_reader!(SessionItem, "struct SessionItem", allow_unknown,
    SessionItem { id: String::new(), at_ms: 0.0, attributes: Vec::new() },
    { id: "id" required, at_ms: "atMs" required, attributes: "attributes" required });
crate::json::struct_reader!(Session, "struct Session", allow_unknown, Session::default(),
    { started_ms: "startedMs", last_ms: "lastMs", items: "items" });

/// One product of the current session, with the tracked attributes it carried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionItem {
    /// The product id.
    pub id: String,
    /// When it was last engaged with in this session, ms.
    pub at_ms: f64,
    /// Its tracked attributes (name, value).
    pub attributes: Vec<(String, String)>,
}

/// The current (or last) session: items engaged with positively, newest last.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Session {
    /// Time of the session's first event, ms.
    pub started_ms: f64,
    /// Time of its latest event, ms.
    pub last_ms: f64,
    /// Its items, oldest first, at most `sessionItems`.
    pub items: Vec<SessionItem>,
}

/// An attribute value shared by the session's items.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedAttribute {
    /// The attribute.
    pub attribute: String,
    /// The value.
    pub value: String,
    /// Share of the session's items carrying it, in (0, 1].
    pub share: f64,
}

/// What the shopper seems to be after right now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIntent {
    /// The session's items, newest first.
    pub item_ids: Vec<String>,
    /// Values carried by at least two items and at least half of them, most shared first.
    pub shared: Vec<SharedAttribute>,
}

impl Session {
    /// Records a positive engagement; returns true when it started a new session.
    pub fn observe(&mut self, event: &Event, config: &ProfileConfig) -> bool {
        if !matches!(
            event.kind,
            EventKind::View
                | EventKind::Click
                | EventKind::Dwell
                | EventKind::AddToCart
                | EventKind::Purchase
        ) {
            return false;
        }
        let gap = config.session_gap_ms();
        let t = event.at_ms;
        let fresh = self.items.is_empty() && self.last_ms == 0.0;
        let started = fresh || t > self.last_ms + gap;
        if started {
            *self = Session {
                started_ms: t,
                last_ms: t,
                items: Vec::new(),
            };
        } else if t < self.started_ms - gap {
            // Out of order and from an earlier session: not part of this one.
            return false;
        }
        self.started_ms = self.started_ms.min(t);
        self.last_ms = self.last_ms.max(t);
        self.items.retain(|i| i.id != event.product_id);
        let mut attributes = Vec::new();
        for name in config.tracked() {
            if let Some(v) = event.attributes.get(name) {
                attributes.push((name.to_owned(), v.clone()));
            }
        }
        let at = self.items.partition_point(|i| i.at_ms <= t);
        self.items.insert(
            at,
            SessionItem {
                id: event.product_id.clone(),
                at_ms: t,
                attributes,
            },
        );
        if self.items.len() > config.session_items {
            let excess = self.items.len() - config.session_items;
            self.items.drain(..excess);
        }
        started
    }

    /// Whether the session is still going at `now_ms`.
    pub fn is_active(&self, now_ms: f64, config: &ProfileConfig) -> bool {
        !self.items.is_empty() && now_ms - self.last_ms <= config.session_gap_ms()
    }

    /// The session's intent at `now_ms`, when a session is going on.
    pub fn intent(&self, now_ms: f64, config: &ProfileConfig) -> Option<SessionIntent> {
        if !self.is_active(now_ms, config) {
            return None;
        }
        let n = self.items.len();
        let mut counts: VecMap<(&str, &str), usize> = VecMap::new();
        for item in &self.items {
            for (a, v) in &item.attributes {
                *counts.entry((a.as_str(), v.as_str())).or_default() += 1;
            }
        }
        let mut shared: Vec<SharedAttribute> = Vec::new();
        for ((a, v), c) in counts {
            if c >= 2 && 2 * c >= n {
                shared.push(SharedAttribute {
                    attribute: a.to_owned(),
                    value: v.to_owned(),
                    share: c as f64 / n as f64,
                });
            }
        }
        collections::sort_by(&mut shared, |a, b| b.share.total_cmp(&a.share));
        Some(SessionIntent {
            item_ids: self.items.iter().rev().map(|i| i.id.clone()).collect(),
            shared,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn view(id: &str, colour: &str, at: f64) -> Event {
        let json = format!(
            r#"{{"type":"view","productId":"{id}","attributes":{{"colour":"{colour}","productType":"Dress"}},"timestamp":{at}}}"#
        );
        Event::from_json(&json, 0.0).unwrap()
    }

    #[test]
    fn a_gap_starts_a_new_session_and_shared_values_emerge() {
        let cfg = ProfileConfig::default();
        let gap = cfg.session_gap_ms();
        let mut s = Session::default();
        assert!(s.observe(&view("a", "Red", 1_000.0), &cfg));
        assert!(!s.observe(&view("b", "Red", 2_000.0), &cfg));
        assert!(!s.observe(&view("c", "Blue", 3_000.0), &cfg));
        let intent = s.intent(3_000.0, &cfg).unwrap();
        assert_eq!(intent.item_ids, ["c", "b", "a"]);
        assert_eq!(intent.shared[0].value, "Dress");
        assert!(intent.shared.iter().any(|x| x.value == "Red"));
        assert!(!intent.shared.iter().any(|x| x.value == "Blue"));
        assert!(s.intent(3_000.0 + gap + 1.0, &cfg).is_none());
        assert!(s.observe(&view("d", "Green", 3_000.0 + gap + 1.0), &cfg));
        assert_eq!(s.items.len(), 1);
    }

    #[test]
    fn session_and_recent_lists_are_bounded_and_time_ordered() {
        let cfg = ProfileConfig::default();
        let mut s = Session::default();
        let mut recent = Vec::new();
        for i in (0..40).rev() {
            let e = view(&format!("p{i}"), "Red", 1_000.0 + i as f64);
            s.observe(&e, &cfg);
            let item = RecentItem {
                id: e.product_id.clone(),
                kind: e.kind,
                at_ms: e.at_ms,
                sensitive: false,
            };
            push_recent(&mut recent, item, 10);
        }
        assert_eq!(s.items.len(), cfg.session_items);
        assert_eq!(recent.len(), 10);
        assert!(recent.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        assert_eq!(recent.last().unwrap().id, "p39");
    }
}
