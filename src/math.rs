//! Small numeric helpers shared by every target, which keep tables of constants out of the
//! wasm bundle (float tables barely compress).
//!
//! - [`exp2`]: `f64::exp2` compiles to the `libm` crate's table-driven `exp2` (a 4 KB table of
//!   512 constants) in the browser, while `f64::exp`, already linked for the privacy reports,
//!   needs no table. Host and wasm use the same function, so the trainer's decays are computed
//!   the way the browser computes them.
//! - [`pow10`]: the JSON reader's powers of ten, computed instead of a 2.5 KB table.

/// `2^x`, within 2 ulp of `f64::exp2` (property-tested), through `f64::exp`.
///
/// `x` is split into an integer `n` and a fraction `f` in `[-0.5, 0.5]`, so `2^f = e^(f·ln 2)`
/// loses at most half an ulp in the product, and `2^n` is exact.
pub fn exp2(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x >= 1024.0 {
        return f64::INFINITY;
    }
    if x < -1080.0 {
        return 0.0;
    }
    let n = x.round_ties_even();
    let fraction = (x - n) * std::f64::consts::LN_2;
    scale(fraction.exp(), n as i32)
}

/// `value · 2^n` for `n` in `[-1080, 1024]`, in at most two exact power-of-two steps.
fn scale(value: f64, n: i32) -> f64 {
    if n > 1023 {
        // 2^1024 itself is not a finite f64: multiply by 2^1023 twice (value ≤ √2).
        return value * power_of_two(1023) * power_of_two(n - 1023);
    }
    if n < -1022 {
        // Subnormal results: reach them from the normal range, rounding once at the end.
        return value * power_of_two(n + 200) * power_of_two(-200);
    }
    value * power_of_two(n)
}

/// `2^n` for `n` in `[-1022, 1023]`, from its bits.
fn power_of_two(n: i32) -> f64 {
    f64::from_bits(((n + 1023) as u64) << 52)
}

/// `10^i` correctly rounded, for `i` in `0..=308` (`None` above): the values of serde_json's
/// `POW10` table, which the JSON reader multiplies or divides by.
///
/// Up to `10^22` every power is exact in an `f64`. Above, `10^i = 5^i · 2^i`: `5^i` is formed
/// exactly in 64-bit limbs (at most 716 bits), rounded once to 53 bits (half to even), and
/// scaled by `2^i`, which is exact. Only exponents beyond 22 take that path; it costs a few
/// dozen multiplications.
pub fn pow10(i: u32) -> Option<f64> {
    if i > 308 {
        return None;
    }
    if i <= 22 {
        return Some((0..i).fold(1.0, |p, _| p * 10.0));
    }
    // 5^i, least significant limb first, multiplied by 5^27 (the largest power in a u64) at a time.
    let mut limbs: Vec<u64> = vec![1];
    let mut left = i;
    while left > 0 {
        let step = left.min(27);
        left -= step;
        let factor = 5u128.pow(step);
        let mut carry = 0u128;
        for limb in &mut limbs {
            let product = u128::from(*limb) * factor + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry > 0 {
            limbs.push(carry as u64);
        }
    }
    let top = *limbs.last()?;
    let bits = (limbs.len() as u32 - 1) * 64 + (64 - top.leading_zeros());
    // Round 5^i to its 53 leading bits: `shift` bits fall off (i > 22 means bits > 53).
    let shift = bits - 53;
    let bit = |n: u32| limbs[(n / 64) as usize] >> (n % 64) & 1;
    let mut mantissa = (0..53).fold(0u64, |m, k| m | bit(shift + k) << k);
    let half = bit(shift - 1) == 1;
    let below_half = (0..shift - 1).any(|n| bit(n) == 1);
    if half && (below_half || mantissa & 1 == 1) {
        mantissa += 1; // may reach 2^53, still exact as an f64
    }
    Some(mantissa as f64 * power_of_two(shift as i32) * power_of_two(i as i32))
}

// proptest is a host-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The distance in representable doubles between two finite non-negative values.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn special_values_and_exact_powers() {
        assert!(exp2(f64::NAN).is_nan());
        assert_eq!(exp2(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp2(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp2(1024.0), f64::INFINITY);
        assert_eq!(exp2(-1080.0), 0.0);
        for n in -1074..=1023 {
            assert_eq!(exp2(n as f64), (n as f64).exp2(), "2^{n}");
        }
        assert_eq!(exp2(0.0), 1.0);
        assert_eq!(exp2(-0.0), 1.0);
        assert!(ulps(exp2(0.5), std::f64::consts::SQRT_2) <= 1);
    }

    #[test]
    fn near_the_limits() {
        for x in [
            1023.0, 1023.4, 1023.5, 1023.999, -1022.0, -1022.5, -1030.25, -1074.0, -1074.5,
        ] {
            assert!(ulps(exp2(x), f64::exp2(x)) <= 2, "exp2({x})");
        }
    }

    #[test]
    fn powers_of_ten_are_correctly_rounded() {
        for i in 0..=308u32 {
            let expected: f64 = format!("1e{i}").parse().unwrap();
            assert_eq!(pow10(i), Some(expected), "10^{i}");
        }
        assert_eq!(pow10(309), None);
        assert_eq!(pow10(u32::MAX), None);
    }

    proptest! {
        #[test]
        fn within_two_ulp_of_std(x in -1075.0f64..1024.0) {
            prop_assert!(ulps(exp2(x), x.exp2()) <= 2, "exp2({}) = {} vs {}", x, exp2(x), x.exp2());
        }

        #[test]
        fn within_two_ulp_for_decay_ranges(x in -64.0f64..0.0) {
            // Decays: -age / half-life, the only range the profile and features use.
            prop_assert!(ulps(exp2(x), x.exp2()) <= 2);
        }
    }
}
