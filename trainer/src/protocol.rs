//! The offline protocol: time windows, shoppers, targets, server-style candidate lists, and
//! the shopper state replayed through the SDK's own profile code.
//!
//! ## Windows (no leakage)
//!
//! - **Rolling weeks**: the last `rolling_weeks` 7-day windows of the data, the newest ending
//!   on the last day (for H&M, 2020-09-22; these weeks come from the customer sample, and the
//!   newest one is the final week).
//! - **Final-week split**: the last two days of the data as target, everything before as
//!   history (for H&M, 21–22 Sep 2020 with 16–20 Sep from the full final-week file): the
//!   README's intra-week split, the only block with thousands of shoppers.
//! - **Training** uses only events strictly before the *cut-off*, the start of the earliest
//!   evaluation window; the model file records it and `eval` refuses a model trained later.
//!
//! For every window, a shopper is evaluated when they have at least one event before the
//! window start (a profile) and at least one purchase inside it (a target). The profile,
//! item memory and quiz proxy are built only from events before the window start.
//!
//! ## Candidates (the "server")
//!
//! The top `candidates` items by units sold in the `popularity_days` days before the window
//! start, restricted to the shopper's usual pools (values of the pool attribute, e.g. index
//! group, holding at least `pool_share` of their past events, and always their top one).
//! The server rank is that order, the server score the unit count, the price the item's
//! median price over the 28 days before the window (else its latest price before it).

use std::collections::HashMap;

use serde::Serialize;
use vitrine::event::{Event, EventKind};
use vitrine::features::{Context, ItemMemory, ShopperSignals, WeightedValue};
use vitrine::product::Candidate;
use vitrine::profile::{Profile, ProfileConfig};

use crate::dataset::{format_day, Dataset, Tx, MISSING};
use crate::rng::Rng;

const DAY_MS: f64 = 86_400_000.0;

/// Protocol settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtocolConfig {
    /// Rolling 7-day evaluation windows.
    pub rolling_weeks: usize,
    /// Length of the final-week split's target, in days (0 disables the block).
    pub final_split_days: i32,
    /// Candidate list length.
    pub candidates: usize,
    /// Popularity look-back, in days.
    pub popularity_days: i32,
    /// Share of a shopper's events that makes a pool "usual".
    pub pool_share: f64,
    /// Attributes whose top value in the history stands in for quiz answers.
    pub quiz_attributes: Vec<String>,
}

impl Default for ProtocolConfig {
    fn default() -> Self {
        ProtocolConfig {
            rolling_weeks: 12,
            final_split_days: 2,
            candidates: 200,
            popularity_days: 7,
            pool_share: 0.2,
            quiz_attributes: vec!["indexGroup".into(), "productType".into(), "colour".into()],
        }
    }
}

/// A time window `[start, end)` in days.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// Which block it belongs to (`rolling`, `final_split`, `train`, `validation`).
    pub block: String,
    /// First day.
    pub start: i32,
    /// First day after.
    pub end: i32,
    /// `YYYY-MM-DD` of the first day.
    pub from: String,
    /// `YYYY-MM-DD` of the last day.
    pub to: String,
}

impl Window {
    fn new(block: &str, start: i32, end: i32) -> Window {
        Window {
            block: block.to_owned(),
            start,
            end,
            from: format_day(start),
            to: format_day(end - 1),
        }
    }
}

/// The evaluation windows and the training cut-off they imply.
pub fn evaluation_windows(data: &Dataset, config: &ProtocolConfig) -> (Vec<Window>, i32) {
    let last = data.events.last().map_or(0, |t| t.day);
    let mut windows: Vec<Window> = (0..config.rolling_weeks as i32)
        .rev()
        .map(|k| Window::new("rolling", last - 7 * k - 6, last - 7 * k + 1))
        .collect();
    if config.final_split_days > 0 {
        windows.push(Window::new(
            "final_split",
            last - config.final_split_days + 1,
            last + 1,
        ));
    }
    let cutoff = windows.iter().map(|w| w.start).min().unwrap_or(last + 1);
    (windows, cutoff)
}

/// Training windows before `cutoff`, back to four weeks after the first event: weekly
/// windows (like the rolling block) and `split_days`-day windows every `split_days` days (like
/// the final-week split; 0 disables them). Windows starting in the newest `validation_weeks`
/// weeks are marked `validation`, the others `train`.
pub fn training_windows(
    data: &Dataset,
    cutoff: i32,
    validation_weeks: usize,
    split_days: i32,
) -> Vec<Window> {
    let first = data.events.first().map_or(cutoff, |t| t.day) + 28;
    let validation_from = cutoff - 7 * validation_weeks as i32;
    let block = |start: i32| {
        if start >= validation_from {
            "validation"
        } else {
            "train"
        }
    };
    let mut windows = Vec::new();
    let mut end = cutoff;
    while end - 7 >= first {
        windows.push(Window::new(block(end - 7), end - 7, end));
        end -= 7;
    }
    if split_days > 0 {
        let mut end = cutoff;
        while end - split_days >= first {
            windows.push(Window::new(block(end - split_days), end - split_days, end));
            end -= split_days;
        }
    }
    windows.sort_by_key(|w| (w.start, w.end));
    windows
}

/// One shopper in one window.
#[derive(Debug, Clone)]
pub struct Case {
    /// Their events before the window start, oldest first.
    pub history: Vec<Tx>,
    /// Distinct items they bought in the window.
    pub targets: Vec<u32>,
}

/// Everything about one window: its cases and the server's popularity pools.
pub struct WindowData<'a> {
    data: &'a Dataset,
    /// The window.
    pub window: Window,
    /// Its shoppers.
    pub cases: Vec<Case>,
    /// Pool value → items by popularity (count, item), best first.
    pools: HashMap<u32, Vec<(u32, u32)>>,
    counts: HashMap<u32, u32>,
    /// Items sold in the look-back, by item index, with cumulative unit counts (sampling).
    cumulative: Vec<(u32, u64)>,
    timeline: &'a Timeline,
    pool_attr: usize,
}

/// Per-user and per-item views of the events, built once and shared by every window.
pub struct Timeline {
    /// Per user, positions of their events, oldest first.
    pub by_user: Vec<Vec<u32>>,
    /// Per item, (day, price) of its priced events, oldest first.
    prices: Vec<Vec<(i32, f32)>>,
}

/// Days of sales the reference price is the median of.
const PRICE_DAYS: i32 = 28;

impl Timeline {
    /// Indexes the events.
    pub fn new(data: &Dataset) -> Timeline {
        let mut by_user = vec![Vec::new(); data.users.len()];
        let mut prices = vec![Vec::new(); data.catalog.len()];
        for (i, t) in data.events.iter().enumerate() {
            by_user[t.user as usize].push(i as u32);
            if t.price.is_finite() {
                prices[t.item as usize].push((t.day, t.price));
            }
        }
        Timeline { by_user, prices }
    }

    /// The price a server would show before `day`: the median price paid in the
    /// [`PRICE_DAYS`] days before it, else the latest price paid before it.
    pub fn price_before(&self, item: u32, day: i32) -> Option<f64> {
        let sales = self.prices.get(item as usize)?;
        let end = sales.partition_point(|(d, _)| *d < day);
        let begin = sales[..end].partition_point(|(d, _)| *d < day - PRICE_DAYS);
        if begin < end {
            let mut recent: Vec<f32> = sales[begin..end].iter().map(|(_, p)| *p).collect();
            recent.sort_by(f32::total_cmp);
            return Some(f64::from(recent[recent.len() / 2]));
        }
        end.checked_sub(1).map(|i| f64::from(sales[i].1))
    }
}

impl<'a> WindowData<'a> {
    /// Builds the window's cases and candidate pools.
    pub fn new(
        data: &'a Dataset,
        timeline: &'a Timeline,
        window: Window,
        pool_attr: usize,
        config: &ProtocolConfig,
    ) -> WindowData<'a> {
        let events = &data.events;
        let day_range = |from: i32, to: i32| {
            let a = events.partition_point(|t| t.day < from);
            let b = events.partition_point(|t| t.day < to);
            &events[a..b]
        };
        let mut shoppers: Vec<u32> = day_range(window.start, window.end)
            .iter()
            .filter(|t| t.kind == EventKind::Purchase)
            .map(|t| t.user)
            .collect();
        shoppers.sort_unstable();
        shoppers.dedup();
        let mut cases = Vec::new();
        for user in shoppers {
            let user_events: Vec<Tx> = timeline.by_user[user as usize]
                .iter()
                .map(|&i| events[i as usize])
                .collect();
            let split = user_events.partition_point(|t| t.day < window.start);
            let history = user_events[..split].to_vec();
            let mut targets: Vec<u32> = user_events[split..]
                .iter()
                .filter(|t| t.day < window.end && t.kind == EventKind::Purchase)
                .map(|t| t.item)
                .collect();
            targets.sort_unstable();
            targets.dedup();
            if !history.is_empty() && !targets.is_empty() {
                cases.push(Case { history, targets });
            }
        }
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for t in day_range(window.start - config.popularity_days, window.start) {
            *counts.entry(t.item).or_default() += 1;
        }
        let mut pools: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for (&item, &count) in &counts {
            pools
                .entry(data.catalog.value(item, pool_attr))
                .or_default()
                .push((count, item));
        }
        for list in pools.values_mut() {
            // Most sold first; ties by catalogue order, so lists are deterministic.
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        let mut sold: Vec<(u32, u32)> = counts.iter().map(|(i, c)| (*i, *c)).collect();
        sold.sort_unstable();
        let mut total = 0u64;
        let cumulative = sold
            .into_iter()
            .map(|(item, count)| {
                total += u64::from(count);
                (item, total)
            })
            .collect();
        WindowData {
            data,
            window,
            cases,
            pools,
            counts,
            cumulative,
            timeline,
            pool_attr,
        }
    }

    /// The shopper's usual pools, most frequent first.
    fn usual_pools(&self, case: &Case, share: f64) -> Vec<u32> {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for t in &case.history {
            *counts
                .entry(self.data.catalog.value(t.item, self.pool_attr))
                .or_default() += 1;
        }
        let mut ranked: Vec<(usize, u32)> = counts.into_iter().map(|(p, c)| (c, p)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let total = case.history.len().max(1) as f64;
        ranked
            .iter()
            .enumerate()
            .filter(|(i, (c, _))| *i == 0 || *c as f64 / total >= share)
            .map(|(_, (_, p))| *p)
            .collect()
    }

    /// The server's candidate list for a case: (item, units sold), best first.
    pub fn candidate_items(&self, case: &Case, config: &ProtocolConfig) -> Vec<(u32, u32)> {
        let mut merged: Vec<(u32, u32)> = self
            .usual_pools(case, config.pool_share)
            .iter()
            .filter(|p| **p != MISSING)
            .filter_map(|p| self.pools.get(p))
            .flat_map(|list| list.iter().take(config.candidates).copied())
            .collect();
        merged.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        merged.truncate(config.candidates);
        merged
            .into_iter()
            .map(|(count, item)| (item, count))
            .collect()
    }

    /// Training only: the list with the shopper's most recent distinct past items (at most
    /// `max`) inserted at random positions, as a server that also shows "recently bought"
    /// would. Popularity lists from a 0.1 % customer sample almost never contain a shopper's
    /// own items, so without this the model could not learn what re-engagement is worth.
    pub fn with_history_items(
        &self,
        case: &Case,
        items: &[(u32, u32)],
        max: usize,
        rng: &mut Rng,
    ) -> Vec<(u32, u32)> {
        let mut list = items.to_vec();
        let mut added = 0;
        for t in case.history.iter().rev() {
            if added == max {
                break;
            }
            if list.iter().any(|(item, _)| *item == t.item) {
                continue;
            }
            let at = rng.below(list.len() + 1);
            list.insert(at, (t.item, self.counts.get(&t.item).copied().unwrap_or(0)));
            added += 1;
        }
        list
    }

    /// Training only: `n` distinct items drawn in proportion to units sold in the look-back,
    /// none of them in `exclude` (sorted). Fewer when the look-back sold too few items.
    pub fn sample_popular(&self, n: usize, exclude: &[u32], rng: &mut Rng) -> Vec<u32> {
        let total = self.cumulative.last().map_or(0, |(_, c)| *c);
        let mut out: Vec<u32> = Vec::with_capacity(n);
        if total == 0 {
            return out;
        }
        for _ in 0..n * 4 {
            if out.len() == n {
                break;
            }
            let ticket = (rng.next_u64() % total) + 1;
            let at = self.cumulative.partition_point(|(_, c)| *c < ticket);
            let Some(&(item, _)) = self.cumulative.get(at) else {
                continue;
            };
            if exclude.binary_search(&item).is_err() && !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }

    /// The candidate list as the SDK receives it.
    pub fn candidates(&self, items: &[(u32, u32)]) -> Vec<Candidate> {
        items
            .iter()
            .enumerate()
            .map(|(rank, &(item, count))| Candidate {
                id: self.data.catalog.ids[item as usize].clone(),
                server_rank: Some(rank as u32),
                server_score: Some(f64::from(count)),
                attributes: self.data.catalog.attributes(item),
                price: self.timeline.price_before(item, self.window.start),
                embedding: None,
                in_stock: None,
            })
            .collect()
    }

    /// The prediction instant: the window's first midnight (UTC), in ms.
    pub fn now_ms(&self) -> f64 {
        f64::from(self.window.start) * DAY_MS
    }
}

/// The shopper state as the browser would hold it at the window start.
pub struct Shopper {
    /// The profile (decayed affinities).
    pub profile: Profile,
    /// The model's view of them.
    pub signals: ShopperSignals,
}

/// Replays a history through the SDK's profile and item memory.
pub fn replay(
    data: &Dataset,
    case: &Case,
    config: &ProfileConfig,
    group: Option<&str>,
    quiz_attributes: &[String],
    now_ms: f64,
) -> Shopper {
    let mut profile = Profile::default();
    let mut memory = ItemMemory::default();
    let half_life = config.half_life_ms();
    for t in &case.history {
        let event = Event {
            kind: t.kind,
            product_id: data.catalog.ids[t.item as usize].clone(),
            attributes: data.catalog.attributes(t.item),
            price: t.price.is_finite().then_some(f64::from(t.price)),
            reason: None,
            query: None,
            duration_ms: None,
            // Midday: the data has no time of day.
            at_ms: f64::from(t.day) * DAY_MS + DAY_MS / 2.0,
        };
        profile.apply(&event, config);
        // The browser's rule: sensitive products never reach the item memory.
        if vitrine::features::memory::learns_from(&event, config) {
            memory.observe(&event, group, half_life);
        }
    }
    let quiz = quiz_proxy(data, case, quiz_attributes);
    let context = Context::new().at(now_ms, 0);
    let signals = ShopperSignals::build(&profile, &memory, config, quiz, context, now_ms);
    Shopper { profile, signals }
}

/// Stand-in quiz answers: a "like" for the most frequent value of each quiz attribute in the
/// history (never the target window).
fn quiz_proxy(data: &Dataset, case: &Case, attributes: &[String]) -> Vec<WeightedValue> {
    let catalog = &data.catalog;
    attributes
        .iter()
        .filter_map(|name| {
            let a = catalog.attribute_names.iter().position(|n| n == name)?;
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for t in &case.history {
                let v = catalog.value(t.item, a);
                if v != MISSING {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let (value, _) = counts
                .into_iter()
                .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))?;
            Some(WeightedValue {
                attribute: name.clone(),
                value: catalog.values[a][value as usize].clone(),
                weight: 1.0,
            })
        })
        .collect()
}
