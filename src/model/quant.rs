//! Weight compression for the model file: IEEE half floats and int8 with one scale per row.
//!
//! Embedding tables are stored as int8 rows (a row's largest magnitude maps to 127), which
//! keeps the H&M model far below its size budget; small dense layers are stored as f16,
//! where per-row scales would cost more than they save.

/// Converts an f32 to IEEE 754 binary16 bits (round to nearest even; overflow → ±inf).
pub fn f32_to_f16(value: f32) -> u16 {
    let bits = value.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32;
    let mantissa = bits & 0x007f_ffff;
    if exp == 0xff {
        // Inf or NaN (keep NaN a NaN).
        let nan = if mantissa != 0 { 0x0200 } else { 0 };
        return sign | 0x7c00 | nan;
    }
    let half_exp = exp - 127 + 15;
    if half_exp >= 0x1f {
        return sign | 0x7c00;
    }
    if half_exp <= 0 {
        // Subnormal half (or zero): shift the implicit-one mantissa into place.
        if half_exp < -10 {
            return sign;
        }
        let full = mantissa | 0x0080_0000;
        let shift = (14 - half_exp) as u32;
        let mut half = (full >> shift) as u16;
        let round_bit = 1u32 << (shift - 1);
        if (full & round_bit) != 0 && ((full & (3 * round_bit - 1)) != 0 || (half & 1) != 0) {
            half += 1;
        }
        return sign | half;
    }
    let mut half = sign | ((half_exp as u16) << 10) | ((mantissa >> 13) as u16);
    let round = mantissa & 0x1fff;
    if round > 0x1000 || (round == 0x1000 && (half & 1) != 0) {
        // May carry into the exponent, which correctly rounds up to the next binade or inf.
        half += 1;
    }
    half
}

/// Converts IEEE 754 binary16 bits to an f32 (exact).
pub fn f16_to_f32(half: u16) -> f32 {
    let sign = u32::from(half & 0x8000) << 16;
    let exp = u32::from((half >> 10) & 0x1f);
    let mantissa = u32::from(half & 0x03ff);
    let bits = match (exp, mantissa) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal: normalise.
            let shift = m.leading_zeros() - 21;
            let m = (m << shift) & 0x03ff;
            sign | ((113 - shift) << 23) | (m << 13)
        }
        (0x1f, m) => sign | 0x7f80_0000 | (m << 13),
        (e, m) => sign | ((e + 112) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// Quantizes one row to int8: returns the scale and the codes, `value ≈ code · scale`.
pub fn quantize_row(row: &[f32]) -> (f32, Vec<i8>) {
    let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if max == 0.0 || !max.is_finite() {
        return (0.0, vec![0; row.len()]);
    }
    let scale = max / 127.0;
    let codes = row
        .iter()
        .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (scale, codes)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn half_known_values() {
        assert_eq!(f32_to_f16(1.0), 0x3c00);
        assert_eq!(f32_to_f16(-2.0), 0xc000);
        assert_eq!(f32_to_f16(65504.0), 0x7bff);
        assert_eq!(f32_to_f16(1.0e6), 0x7c00);
        assert_eq!(f32_to_f16(5.960_464_5e-8), 0x0001);
        assert_eq!(f16_to_f32(0x0001), 5.960_464_5e-8);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert!(f16_to_f32(f32_to_f16(f32::NAN)).is_nan());
        // Halfway between 1.0 and the next half rounds to even (1.0).
        assert_eq!(f32_to_f16(1.0 + 1.0 / 2048.0), 0x3c00);
    }

    #[test]
    fn every_half_round_trips() {
        for bits in 0..=u16::MAX {
            let f = f16_to_f32(bits);
            if f.is_nan() {
                assert!(f16_to_f32(f32_to_f16(f)).is_nan());
            } else {
                assert_eq!(f32_to_f16(f), bits, "bits {bits:#06x}");
            }
        }
    }

    proptest! {
        #[test]
        fn half_error_is_within_half_an_ulp(v in -60000.0f32..60000.0) {
            let back = f16_to_f32(f32_to_f16(v));
            // Relative spacing of binary16 is 2^-10; rounding error at most half of it,
            // plus the absolute floor of the subnormal range.
            prop_assert!((back - v).abs() <= v.abs() / 2048.0 + 3.0e-8);
        }

        #[test]
        fn int8_rows_reconstruct_closely(row in proptest::collection::vec(-5.0f32..5.0, 1..64)) {
            let (scale, codes) = quantize_row(&row);
            for (v, c) in row.iter().zip(&codes) {
                prop_assert!((f32::from(*c) * scale - v).abs() <= scale * 0.5 + 1e-6);
            }
        }
    }
}
