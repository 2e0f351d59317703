//! The ranking order of scored candidates, as `rank::finalize` defines it (score, then the
//! server's position), computed with one radix sort of integer keys: the size-optimised
//! standard library's sorts (heapsort, a small merge sort) cost a tenth of a re-rank.

use crate::rank::Prepared;

/// Candidate numbers best first, in the order of `rank::finalize` (score, then the server's
/// position). Each candidate becomes one `u64` key (the score's bits made order-preserving
/// and inverted, then the position), so one primitive unstable sort does it: positions are
/// unique, so the order is total and the result deterministic.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub(super) fn best_first(scores: &[f32], prepared: &[Prepared]) -> Vec<usize> {
    let mut keys: Vec<u64> = scores
        .iter()
        .zip(prepared)
        .map(|(s, p)| (u64::from(!ordered_bits(*s)) << 32) | p.server_position as u64)
        .collect();
    radix_sort(&mut keys);
    let mut by_position = vec![0usize; prepared.len()];
    for (i, p) in prepared.iter().enumerate() {
        if let Some(slot) = by_position.get_mut(p.server_position) {
            *slot = i;
        }
    }
    keys.into_iter()
        .map(|k| {
            by_position
                .get((k & 0xffff_ffff) as usize)
                .copied()
                .unwrap_or(0)
        })
        .collect()
}

/// Sorts `keys` ascending: LSD radix sort by bytes, skipping the bytes all keys share (the
/// high bytes of the position half). About six linear passes for a list of 1,000, where the
/// size-optimised standard library's unstable sort is a heapsort.
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn radix_sort(keys: &mut Vec<u64>) {
    let mut buffer = vec![0u64; keys.len()];
    for shift in (0..64).step_by(8) {
        let mut counts = [0usize; 256];
        for k in keys.iter() {
            counts[((k >> shift) & 0xff) as usize] += 1;
        }
        if counts.contains(&keys.len()) {
            continue; // one digit for all: this pass would not move anything
        }
        let mut start = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = start;
            start += n;
        }
        for &k in keys.iter() {
            let digit = ((k >> shift) & 0xff) as usize;
            buffer[counts[digit]] = k;
            counts[digit] += 1;
        }
        std::mem::swap(keys, &mut buffer);
    }
}

/// `f32::total_cmp`'s order as unsigned integers: `a.total_cmp(&b) == ordered_bits(a).cmp(&ordered_bits(b))`.
fn ordered_bits(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{ordered_bits, radix_sort};

    #[test]
    fn radix_sort_sorts() {
        let mut state = 3u64;
        for n in [0usize, 1, 2, 17, 1000] {
            let mut keys: Vec<u64> = (0..n)
                .map(|i| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state & 0xffff_ffff_0000_0000) | i as u64
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            radix_sort(&mut keys);
            assert_eq!(keys, expected, "n = {n}");
        }
    }

    #[test]
    fn ordered_bits_sort_like_total_cmp() {
        let values = [
            f32::NEG_INFINITY,
            -1.0e30,
            -2.5,
            -1.0e-40,
            -0.0,
            0.0,
            1.0e-40,
            0.5,
            3.0,
            f32::INFINITY,
            f32::NAN,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    ordered_bits(a).cmp(&ordered_bits(b)),
                    a.total_cmp(&b),
                    "{a} vs {b}"
                );
            }
        }
    }
}
