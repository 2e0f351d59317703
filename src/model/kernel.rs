//! The scoring kernels: dot products over plain `f32` slices.
//!
//! The wasm build is size-optimised (`opt-level = "z"`), which disables LLVM's
//! auto-vectoriser, so on wasm32 the dot product is written with `simd128` intrinsics (four
//! lanes, unaligned loads); elsewhere it is a four-accumulator scalar loop with the same
//! summation order, so host tests check the same arithmetic.

/// `Σ a[i]·b[i]` over the common length.
#[inline]
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let split = n - n % 4;
    let mut sum = lanes(&a[..split], &b[..split]);
    for (x, y) in a[split..].iter().zip(&b[split..]) {
        sum += x * y;
    }
    sum
}

/// `acc[k] += x[k]` for four lanes.
#[inline]
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn add4(acc: &mut [f32; 4], x: &[f32; 4]) {
    #[cfg(target_arch = "wasm32")]
    {
        use core::arch::wasm32::{f32x4_add, v128_load, v128_store};
        // SAFETY: both point to four f32 (16 bytes); wasm loads and stores need no alignment.
        unsafe {
            let sum = f32x4_add(v128_load(acc.as_ptr().cast()), v128_load(x.as_ptr().cast()));
            v128_store(acc.as_mut_ptr().cast(), sum);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    for (a, b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}

/// The interaction layer of one candidate:
/// `Σ_h max(bias[h] + Σ_j inputs[j] · weights_t[j·H + h], 0) · output[h]`, `H = bias.len()`,
/// with `weights_t` holding input `j`'s weights to every hidden unit contiguously.
#[inline]
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
pub fn relu_layer(inputs: &[f32], weights_t: &[f32], bias: &[f32], output: &[f32]) -> f32 {
    let h = bias.len();
    if h == 0 || output.len() < h || weights_t.len() < inputs.len() * h {
        return 0.0;
    }
    relu_layer_checked(inputs, weights_t, bias, output)
}

/// Most four-unit lane groups [`relu_layer`] keeps in registers (64 hidden units).
#[cfg(target_arch = "wasm32")]
const MAX_LANE_GROUPS: usize = 16;

/// [`relu_layer`] on inputs whose lengths were checked: every hidden unit accumulates in
/// four-wide lanes, inputs outermost so a zero input (most cross features of most items) is
/// skipped once for all units.
#[cfg(target_arch = "wasm32")]
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn relu_layer_checked(inputs: &[f32], weights_t: &[f32], bias: &[f32], output: &[f32]) -> f32 {
    use core::arch::wasm32::{
        f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_pmax, f32x4_splat, v128, v128_load,
    };
    let h = bias.len();
    let groups = h / 4;
    if h % 4 != 0 || groups > MAX_LANE_GROUPS {
        return (0..h)
            .map(|unit| hidden_unit(inputs, weights_t, bias, unit).max(0.0) * output[unit])
            .sum();
    }
    let zero = f32x4_splat(0.0);
    let mut acc: [v128; MAX_LANE_GROUPS] = [zero; MAX_LANE_GROUPS];
    // SAFETY (all loads): group g covers units 4g..4g + 4 <= h <= bias.len(), output.len();
    // input j's row ends at j·h + h <= inputs.len()·h <= weights_t.len() (checked by
    // `relu_layer`); wasm loads need no alignment.
    for (g, a) in acc.iter_mut().enumerate().take(groups) {
        *a = unsafe { v128_load(bias.as_ptr().add(4 * g).cast()) };
    }
    for (j, &x) in inputs.iter().enumerate() {
        if x == 0.0 {
            continue;
        }
        let vx = f32x4_splat(x);
        let row = unsafe { weights_t.as_ptr().add(j * h) };
        for (g, a) in acc.iter_mut().enumerate().take(groups) {
            let w = unsafe { v128_load(row.add(4 * g).cast()) };
            *a = f32x4_add(*a, f32x4_mul(vx, w));
        }
    }
    let mut total = zero;
    for (g, a) in acc.iter().enumerate().take(groups) {
        let out = unsafe { v128_load(output.as_ptr().add(4 * g).cast()) };
        total = f32x4_add(total, f32x4_mul(f32x4_pmax(*a, zero), out));
    }
    (f32x4_extract_lane::<0>(total) + f32x4_extract_lane::<1>(total))
        + (f32x4_extract_lane::<2>(total) + f32x4_extract_lane::<3>(total))
}

/// [`relu_layer`] on inputs whose lengths were checked: the same sums as the wasm lanes (each
/// unit adds its non-zero inputs in order), inputs outermost so the loop vectorises.
#[cfg(not(target_arch = "wasm32"))]
fn relu_layer_checked(inputs: &[f32], weights_t: &[f32], bias: &[f32], output: &[f32]) -> f32 {
    let h = bias.len();
    let mut pre = bias.to_vec();
    for (j, &x) in inputs.iter().enumerate() {
        if x == 0.0 {
            continue;
        }
        for (p, w) in pre.iter_mut().zip(&weights_t[j * h..(j + 1) * h]) {
            *p += x * w;
        }
    }
    let unit_values = pre.iter().zip(output).map(|(p, out)| p.max(0.0) * out);
    if h % 4 != 0 {
        return unit_values.sum();
    }
    let mut lanes = [0.0f32; 4];
    for (unit, value) in unit_values.enumerate() {
        lanes[unit % 4] += value;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// One hidden unit's pre-activation (the wasm path for layers that are not a multiple of 4).
#[cfg(target_arch = "wasm32")]
fn hidden_unit(inputs: &[f32], weights_t: &[f32], bias: &[f32], unit: usize) -> f32 {
    let h = bias.len();
    let mut acc = bias[unit];
    for (j, x) in inputs.iter().enumerate() {
        // Zero inputs are skipped (as the wasm lanes do): the same sums, bit for bit.
        if *x != 0.0 {
            acc += x * weights_t[j * h + unit];
        }
    }
    acc
}

/// The dot product of two slices whose length is a multiple of 4.
#[cfg(target_arch = "wasm32")]
#[cfg_attr(vitrine_optimize_hot, optimize(speed))]
fn lanes(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::{f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128_load};
    let n = a.len().min(b.len());
    let mut acc = f32x4_splat(0.0);
    let mut i = 0;
    // An index loop: `chunks_exact` iterators are not inlined at `opt-level = "z"`.
    while i + 4 <= n {
        // SAFETY: i + 4 <= n, the length of both slices; wasm loads need no alignment.
        let (vx, vy) = unsafe {
            (
                v128_load(a.as_ptr().add(i).cast()),
                v128_load(b.as_ptr().add(i).cast()),
            )
        };
        acc = f32x4_add(acc, f32x4_mul(vx, vy));
        i += 4;
    }
    (f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<1>(acc))
        + (f32x4_extract_lane::<2>(acc) + f32x4_extract_lane::<3>(acc))
}

/// The dot product of two slices whose length is a multiple of 4.
#[cfg(not(target_arch = "wasm32"))]
fn lanes(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 4];
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::dot;

    #[test]
    fn matches_the_naive_sum() {
        for n in 0..20 {
            let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 3.0).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.25).collect();
            let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() < 1e-4, "n = {n}");
        }
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[1.0]), 1.0, "common length only");
    }

    #[test]
    fn relu_layer_matches_the_naive_layer() {
        for hidden in [0usize, 1, 4, 6, 16] {
            let inputs: Vec<f32> = (0..5).map(|j| j as f32 * 0.3 - 0.5).collect();
            let weights_t: Vec<f32> = (0..5 * hidden)
                .map(|k| ((k * 7) % 11) as f32 * 0.1 - 0.5)
                .collect();
            let bias: Vec<f32> = (0..hidden).map(|u| u as f32 * 0.05 - 0.2).collect();
            let output: Vec<f32> = (0..hidden).map(|u| 1.0 - u as f32 * 0.1).collect();
            let naive: f32 = (0..hidden)
                .map(|u| {
                    let pre: f32 = bias[u]
                        + (0..5)
                            .map(|j| inputs[j] * weights_t[j * hidden + u])
                            .sum::<f32>();
                    pre.max(0.0) * output[u]
                })
                .sum();
            let got = super::relu_layer(&inputs, &weights_t, &bias, &output);
            assert!(
                (got - naive).abs() < 1e-5,
                "hidden = {hidden}: {got} vs {naive}"
            );
        }
        assert_eq!(
            super::relu_layer(&[1.0], &[1.0], &[0.0, 0.0], &[1.0, 1.0]),
            0.0,
            "short weights"
        );
    }
}

/// The interaction layer and linear cross weights as plain vectors, copied once when a
/// model is loaded (`Weights::from_tensors`, from the decoded tensors) so scoring never walks
/// ndarray iterators.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dense {
    /// The interaction weights transposed, `(cross + 1) × hidden` row-major: input `j`'s
    /// weights to every hidden unit are contiguous, so the layer is one `axpy` per input.
    pub hidden_t: Vec<f32>,
    /// `hidden`.
    pub hidden_bias: Vec<f32>,
    /// `hidden`.
    pub output: Vec<f32>,
    /// `cross`.
    pub cross: Vec<f32>,
}
