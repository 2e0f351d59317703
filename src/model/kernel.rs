//! The scoring kernels: dot products over plain `f32` slices.
//!
//! The wasm build is size-optimised (`opt-level = "z"`), which disables LLVM's
//! auto-vectoriser, so on wasm32 the dot product is written with `simd128` intrinsics (four
//! lanes, unaligned loads); elsewhere it is a four-accumulator scalar loop with the same
//! summation order, so host tests check the same arithmetic.

/// `Σ a[i]·b[i]` over the common length.
#[inline]
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

/// `acc[i] += a · x[i]` over the common length.
#[inline]
pub fn axpy(acc: &mut [f32], a: f32, x: &[f32]) {
    let n = acc.len().min(x.len());
    let split = n - n % 4;
    let (head, tail) = acc[..n].split_at_mut(split);
    axpy_lanes(head, a, &x[..split]);
    for (y, x) in tail.iter_mut().zip(&x[split..n]) {
        *y += a * x;
    }
}

/// `Σ max(pre[i], 0) · w[i]`: a ReLU layer's output through its output weights.
#[inline]
pub fn relu_dot(pre: &[f32], w: &[f32]) -> f32 {
    pre.iter().zip(w).map(|(p, w)| p.max(0.0) * w).sum()
}

#[cfg(target_arch = "wasm32")]
fn axpy_lanes(acc: &mut [f32], a: f32, x: &[f32]) {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128_load, v128_store};
    let va = f32x4_splat(a);
    for (y, x) in acc.chunks_exact_mut(4).zip(x.chunks_exact(4)) {
        // SAFETY: each chunk holds exactly four f32 (16 bytes); wasm loads and stores need no
        // alignment, and `y` is a unique borrow.
        unsafe {
            let vy = v128_load(y.as_ptr().cast());
            let vx = v128_load(x.as_ptr().cast());
            v128_store(y.as_mut_ptr().cast(), f32x4_add(vy, f32x4_mul(va, vx)));
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn axpy_lanes(acc: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in acc.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// The dot product of two slices whose length is a multiple of 4.
#[cfg(target_arch = "wasm32")]
fn lanes(a: &[f32], b: &[f32]) -> f32 {
    use core::arch::wasm32::{f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128_load};
    let mut acc = f32x4_splat(0.0);
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        // SAFETY: each chunk holds exactly four f32 (16 bytes); wasm loads need no alignment.
        let (vx, vy) = unsafe { (v128_load(x.as_ptr().cast()), v128_load(y.as_ptr().cast())) };
        acc = f32x4_add(acc, f32x4_mul(vx, vy));
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
    fn axpy_and_relu_dot() {
        for n in 0..11 {
            let mut acc: Vec<f32> = (0..n).map(|i| i as f32).collect();
            let x: Vec<f32> = (0..n).map(|i| 1.0 - i as f32).collect();
            super::axpy(&mut acc, 2.0, &x);
            let expected: Vec<f32> = (0..n).map(|i| i as f32 + 2.0 * (1.0 - i as f32)).collect();
            assert_eq!(acc, expected);
        }
        assert_eq!(super::relu_dot(&[-1.0, 2.0, 0.5], &[3.0, 1.0, 2.0]), 3.0);
    }
}

/// The interaction layer and linear cross weights as plain vectors, copied once when a
/// model is built so scoring never walks ndarray iterators.
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

impl Dense {
    /// Copies the dense parts of `w` (logical row-major order whatever the memory layout).
    pub fn of(w: &super::Weights) -> Dense {
        Dense {
            hidden_t: w.hidden_weights.t().iter().copied().collect(),
            hidden_bias: w.hidden_bias.to_vec(),
            output: w.output_weights.to_vec(),
            cross: w.cross_weights.to_vec(),
        }
    }
}
