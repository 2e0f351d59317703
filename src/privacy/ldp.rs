//! Local differential privacy: the two frequency oracles Vitrine uses, and their unbiased
//! estimators for the collector.
//!
//! Both follow Wang, Blocki, Li & Jha, "Locally Differentially Private Protocols for
//! Frequency Estimation" (USENIX Security 2017). A report carries one value `v` from a
//! domain of `d` labels:
//!
//! - **GRR** (generalised / k-ary randomized response): send `v` with probability
//!   `p = e^ε / (e^ε + d − 1)`, otherwise one of the other `d − 1` labels uniformly
//!   (each with `q = 1 / (e^ε + d − 1)`).
//! - **OUE** (optimised unary encoding): send `d` bits; bit `v` is 1 with probability
//!   `p = 1/2`, every other bit is 1 with probability `q = 1 / (e^ε + 1)`.
//!
//! For `n` reports of which `C_v` support `v` (GRR: equal `v`; OUE: bit `v` set), the
//! unbiased estimate of the true count is `ĉ_v = (C_v − n·q) / (p − q)`, with variance
//! `n·q(1 − q) / (p − q)²` (plus a term in the true frequency that is small when `p, q` are
//! close). GRR has the lower variance when `d < 3e^ε + 2`, OUE above; docs/PRIVACY-LDP.md
//! shows the choice per report type.

use super::rng::RandomSource;

/// A local-DP encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Generalised randomized response: the report is one label index.
    Grr,
    /// Optimised unary encoding: the report is a `d`-bit string.
    Oue,
}

crate::json::names!(Encoding { Grr => "grr", Oue => "oue" });

impl Encoding {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Grr => "grr",
            Encoding::Oue => "oue",
        }
    }

    /// `(p, q)`: the probability that a report supports its true value, and that it
    /// supports any given other value.
    pub fn probabilities(self, epsilon: f64, d: usize) -> (f64, f64) {
        let e = epsilon.exp();
        match self {
            Encoding::Grr => {
                let denom = e + d as f64 - 1.0;
                (e / denom, 1.0 / denom)
            }
            Encoding::Oue => (0.5, 1.0 / (e + 1.0)),
        }
    }

    /// The encoding with the lower estimator variance for a domain of `d` labels at `ε`.
    pub fn best_for(epsilon: f64, d: usize) -> Encoding {
        if (d as f64) < 3.0 * epsilon.exp() + 2.0 {
            Encoding::Grr
        } else {
            Encoding::Oue
        }
    }

    /// Variance of one count estimate per report (multiply by `n` for `n` reports),
    /// neglecting the true-frequency term.
    pub fn variance_per_report(self, epsilon: f64, d: usize) -> f64 {
        let (p, q) = self.probabilities(epsilon, d);
        q * (1.0 - q) / ((p - q) * (p - q))
    }
}

/// A perturbed value as it leaves the browser.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Noisy {
    /// GRR: one label index.
    Index(u32),
    /// OUE: one bit per label.
    Bits(Vec<bool>),
}

impl Noisy {
    /// Whether this report supports label `v` (GRR: equals it; OUE: its bit is set).
    pub fn supports(&self, v: usize) -> bool {
        match self {
            Noisy::Index(i) => *i as usize == v,
            Noisy::Bits(bits) => bits.get(v).copied().unwrap_or(false),
        }
    }
}

/// Perturbs the true label `value` (`< d`, `d ≥ 2`) with `encoding` at `epsilon`.
pub fn perturb(
    encoding: Encoding,
    value: u32,
    d: usize,
    epsilon: f64,
    rng: &mut dyn RandomSource,
) -> Noisy {
    let (p, q) = encoding.probabilities(epsilon, d);
    match encoding {
        Encoding::Grr => {
            if rng.bernoulli(p) || d < 2 {
                Noisy::Index(value)
            } else {
                // Uniform over the d − 1 other labels.
                let other = rng.below(d as u32 - 1);
                Noisy::Index(if other >= value { other + 1 } else { other })
            }
        }
        Encoding::Oue => Noisy::Bits(
            (0..d)
                .map(|i| rng.bernoulli(if i == value as usize { p } else { q }))
                .collect(),
        ),
    }
}

/// Unbiased count estimates from supports: `supports[v]` reports out of `n` support `v`.
/// The estimates may be negative or exceed `n`; see [`clamped_shares`] for display.
pub fn estimate_counts(encoding: Encoding, supports: &[u64], n: u64, epsilon: f64) -> Vec<f64> {
    let (p, q) = encoding.probabilities(epsilon, supports.len());
    let n = n as f64;
    supports
        .iter()
        .map(|&c| (c as f64 - n * q) / (p - q))
        .collect()
}

/// Standard error of each count estimate from `n` reports.
pub fn count_std_error(encoding: Encoding, d: usize, n: u64, epsilon: f64) -> f64 {
    (n as f64 * encoding.variance_per_report(epsilon, d)).sqrt()
}

/// Estimated shares for display: negative estimates set to zero, then normalised to sum
/// to 1 (all zeros if nothing is positive).
pub fn clamped_shares(counts: &[f64]) -> Vec<f64> {
    let clamped: Vec<f64> = counts.iter().map(|c| c.max(0.0)).collect();
    let total: f64 = clamped.iter().sum();
    if total <= 0.0 {
        return vec![0.0; counts.len()];
    }
    clamped.iter().map(|c| c / total).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::privacy::rng::ChaCha20Rng;
    use proptest::prelude::*;

    /// Both encodings satisfy ε-LDP: for every output, the likelihood ratio between any two
    /// inputs is at most e^ε. For OUE the worst output differs in the two inputs' bits.
    #[test]
    fn likelihood_ratio_is_bounded_by_e_to_epsilon() {
        for &eps in &[0.25, 0.5, 1.0, 2.0] {
            for d in [2usize, 7, 12, 16] {
                let (p, q) = Encoding::Grr.probabilities(eps, d);
                assert!((p / q - eps.exp()).abs() < 1e-9);
                let (p, q) = Encoding::Oue.probabilities(eps, d);
                // Bit v set and bit w unset, versus the reverse.
                let ratio = (p * (1.0 - q)) / (q * (1.0 - p));
                assert!((ratio - eps.exp()).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn best_encoding_follows_the_variance() {
        for &eps in &[0.25, 0.5, 1.0, 2.0] {
            for d in 2..40 {
                let best = Encoding::best_for(eps, d);
                let other = if best == Encoding::Grr {
                    Encoding::Oue
                } else {
                    Encoding::Grr
                };
                assert!(
                    best.variance_per_report(eps, d) <= other.variance_per_report(eps, d) + 1e-9
                );
            }
        }
    }

    fn simulate(encoding: Encoding, d: usize, eps: f64, truth: &[u32], seed: u64) -> Vec<f64> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut supports = vec![0u64; d];
        for &v in truth {
            let noisy = perturb(encoding, v, d, eps, &mut rng);
            for (i, s) in supports.iter_mut().enumerate() {
                *s += u64::from(noisy.supports(i));
            }
        }
        estimate_counts(encoding, &supports, truth.len() as u64, eps)
    }

    #[test]
    fn estimates_are_within_four_standard_errors() {
        let d = 8;
        let truth: Vec<u32> = (0..40_000u32)
            .map(|i| if i % 4 == 0 { 0 } else { 1 + i % 7 })
            .collect();
        let mut true_counts = vec![0f64; d];
        for &v in &truth {
            true_counts[v as usize] += 1.0;
        }
        for encoding in [Encoding::Grr, Encoding::Oue] {
            let est = simulate(encoding, d, 1.0, &truth, 11);
            let se = count_std_error(encoding, d, truth.len() as u64, 1.0);
            for (e, t) in est.iter().zip(&true_counts) {
                assert!(
                    (e - t).abs() < 4.0 * se + 1.0,
                    "{encoding:?} {e} vs {t} (se {se})"
                );
            }
        }
    }

    #[test]
    fn shares_are_clamped_and_normalised() {
        let s = clamped_shares(&[-5.0, 30.0, 10.0]);
        assert_eq!(s, vec![0.0, 0.75, 0.25]);
        assert_eq!(clamped_shares(&[-1.0, 0.0]), vec![0.0, 0.0]);
    }

    proptest! {
        #[test]
        fn perturbed_values_stay_in_the_domain(v in 0u32..16, d in 2usize..17, eps in 0.05f64..4.0, seed: u64) {
            let v = v % d as u32;
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            for encoding in [Encoding::Grr, Encoding::Oue] {
                match perturb(encoding, v, d, eps, &mut rng) {
                    Noisy::Index(i) => prop_assert!((i as usize) < d),
                    Noisy::Bits(bits) => prop_assert_eq!(bits.len(), d),
                }
            }
        }
    }
}
