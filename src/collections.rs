//! Small collections that keep the wasm bundle small.
//!
//! Every `BTreeMap<K, V>` instantiation brings its own copy of the B-tree's node code
//! (search, insert with splits, remove with rebalancing, iteration), and every `sort_by` call
//! site its own copy of the standard library's stable sort. With a few dozen of each, that was
//! most of the bundle. The maps Vitrine keeps are small (tens to a few hundred entries), so:
//!
//! - [`VecMap`] is a map kept as a vector of `(key, value)` pairs sorted by key: lookups are
//!   binary searches, inserts and removes shift the tail. It iterates in key order and
//!   (de)serialises as a JSON object exactly like a `BTreeMap` (keys in order; on input a
//!   repeated key keeps its last value), so stored and wire formats are unchanged.
//! - [`VecSet`] is the matching set.
//! - [`sort_by`] is a stable sort that shares one copy of the sorting code between all
//!   element types: it sorts indices through a `dyn` comparator, then permutes the elements.

mod map;
mod set;

use std::cmp::Ordering;

pub use map::{Entry, Iter, IterMut, VecMap};
pub use set::VecSet;

/// Sorts `v` stably with `cmp` (equal elements keep their order), like `slice::sort_by`.
///
/// The sorting itself runs on indices through a `dyn` comparator, and the permutation that
/// applies it swaps through a `dyn` callback, so the whole program holds a single copy of
/// both; each element type only adds its two small closures.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = v;
        sorted_order(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    if let Some(mut order) = order {
        permute(&mut order, &mut |a, b| v.swap(a, b));
    }
}

/// The stable sorted order of `len` items compared by index; `None` when they are already in
/// order (lists often arrive sorted: a ranker's output re-sorted by the options, one pass).
#[inline(never)]
fn sorted_order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Option<Vec<usize>> {
    if (1..len).all(|i| cmp(i - 1, i) != Ordering::Greater) {
        return None;
    }
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|a, b| cmp(*a, *b));
    Some(order)
}

/// The order that sorts `len` items compared by index and keeps, of equal items, only the
/// last: the kept indices in sorted order, then the dropped ones, with how many are kept (for
/// [`permute`] and a truncate). `None` when the items are already strictly increasing.
#[inline(never)]
fn unique_order(
    len: usize,
    cmp: &mut dyn FnMut(usize, usize) -> Ordering,
) -> Option<(Vec<usize>, usize)> {
    if (1..len).all(|i| cmp(i - 1, i) == Ordering::Less) {
        return None;
    }
    let order = sorted_order(len, cmp).unwrap_or_else(|| (0..len).collect());
    // Stable: of equal items, the latest one is the last of its run.
    let mut kept = Vec::with_capacity(len);
    let mut dropped = Vec::new();
    for (p, &i) in order.iter().enumerate() {
        match order.get(p + 1) {
            Some(&next) if cmp(i, next) == Ordering::Equal => dropped.push(i),
            _ => kept.push(i),
        }
    }
    let n = kept.len();
    kept.append(&mut dropped);
    Some((kept, n))
}

/// Moves the item at `order[p]` to `p` for every `p`, by swaps (consumes `order`).
#[inline(never)]
fn permute(order: &mut [usize], swap: &mut dyn FnMut(usize, usize)) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            if from == DONE {
                break;
            }
            order[at] = DONE;
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

/// For each item, whether it is the first one with its key (later duplicates get `false`).
/// O(n log n), for lists too long for a [`VecSet`] of seen keys.
pub fn first_occurrences<T, K: Ord + ?Sized>(items: &[T], key: impl Fn(&T) -> &K) -> Vec<bool> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable: among equal keys, the earliest index comes first.
    sort_by(&mut order, |a, b| key(&items[*a]).cmp(key(&items[*b])));
    let mut first = vec![false; items.len()];
    let mut previous: Option<&K> = None;
    for i in order {
        let k = key(&items[i]);
        if previous != Some(k) {
            first[i] = true;
        }
        previous = Some(k);
    }
    first
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
