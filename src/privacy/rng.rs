//! Randomness as a parameter.
//!
//! The core never reads OS randomness: every function that needs coins takes a
//! [`RandomSource`]. The browser glue seeds [`ChaCha20Rng`] from `crypto.getRandomValues`;
//! tests and the simulator seed it from a fixed number so their runs are reproducible.

/// A source of uniformly random 64-bit words.
pub trait RandomSource {
    /// The next uniformly random word.
    fn next_u64(&mut self) -> u64;

    /// A uniform float in `[0, 1)` with 53 bits of precision.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    fn bernoulli(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// A uniform integer in `0..n` (`n > 0`), without modulo bias (Lemire's method).
    fn below(&mut self, n: u32) -> u32 {
        let n = u64::from(n.max(1));
        loop {
            let m = u128::from(self.next_u64() as u32 as u64) * u128::from(n);
            let low = m as u64 & 0xffff_ffff;
            let threshold = ((1u64 << 32) - n) % n;
            if low >= threshold {
                return (m >> 32) as u32;
            }
        }
    }

    /// Fills `out` with random bytes.
    fn fill_bytes(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// A ChaCha20 keystream generator (RFC 8439 block function), seeded with 256 bits.
///
/// Cryptographically secure on purpose: report ids are random output sent to the collector,
/// and the same generator flips the LDP coins. With a non-cryptographic generator (xorshift,
/// xoshiro, PCG) the collector could reconstruct the state from the ids and undo the noise.
/// The browser seeds it from `crypto.getRandomValues` on every page load.
#[derive(Debug, Clone)]
pub struct ChaCha20Rng {
    key: [u32; 8],
    counter: u64,
    block: [u32; 16],
    index: usize,
}

/// The ChaCha20 block function: 20 rounds over constants, key, counter and nonce.
pub fn chacha20_block(key: &[u32; 8], counter: u32, nonce: &[u32; 3]) -> [u32; 16] {
    let mut state = [0u32; 16];
    state[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    state[4..12].copy_from_slice(key);
    state[12] = counter;
    state[13..].copy_from_slice(nonce);
    let mut x = state;
    fn quarter(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
        x[a] = x[a].wrapping_add(x[b]);
        x[d] = (x[d] ^ x[a]).rotate_left(16);
        x[c] = x[c].wrapping_add(x[d]);
        x[b] = (x[b] ^ x[c]).rotate_left(12);
        x[a] = x[a].wrapping_add(x[b]);
        x[d] = (x[d] ^ x[a]).rotate_left(8);
        x[c] = x[c].wrapping_add(x[d]);
        x[b] = (x[b] ^ x[c]).rotate_left(7);
    }
    for _ in 0..10 {
        quarter(&mut x, 0, 4, 8, 12);
        quarter(&mut x, 1, 5, 9, 13);
        quarter(&mut x, 2, 6, 10, 14);
        quarter(&mut x, 3, 7, 11, 15);
        quarter(&mut x, 0, 5, 10, 15);
        quarter(&mut x, 1, 6, 11, 12);
        quarter(&mut x, 2, 7, 8, 13);
        quarter(&mut x, 3, 4, 9, 14);
    }
    for (out, s) in x.iter_mut().zip(state) {
        *out = out.wrapping_add(s);
    }
    x
}

impl ChaCha20Rng {
    /// Seeds from 32 bytes (e.g. `crypto.getRandomValues(new Uint8Array(32))`).
    pub fn from_seed_bytes(seed: [u8; 32]) -> Self {
        let mut key = [0u32; 8];
        for (i, word) in key.iter_mut().enumerate() {
            *word = u32::from_le_bytes([
                seed[4 * i],
                seed[4 * i + 1],
                seed[4 * i + 2],
                seed[4 * i + 3],
            ]);
        }
        ChaCha20Rng {
            key,
            counter: 0,
            block: [0; 16],
            index: 16,
        }
    }

    /// Seeds from one number expanded with SplitMix64: reproducible tests and simulations
    /// only, never the browser.
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut x = seed;
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
        }
        ChaCha20Rng::from_seed_bytes(bytes)
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 16 {
            // A 64-bit block counter: the low half in the counter word, the high half in
            // the first nonce word.
            let nonce = [(self.counter >> 32) as u32, 0, 0];
            self.block = chacha20_block(&self.key, self.counter as u32, &nonce);
            self.counter = self.counter.wrapping_add(1);
            self.index = 0;
        }
        let word = self.block[self.index];
        self.index += 1;
        word
    }
}

impl RandomSource for ChaCha20Rng {
    fn next_u64(&mut self) -> u64 {
        let low = u64::from(self.next_u32());
        (u64::from(self.next_u32()) << 32) | low
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// RFC 8439, section 2.3.2: the block function test vector.
    #[test]
    fn chacha20_block_matches_rfc_8439() {
        let key: [u32; 8] =
            std::array::from_fn(|i| u32::from_le_bytes(std::array::from_fn(|j| (4 * i + j) as u8)));
        let out = chacha20_block(&key, 1, &[0x0900_0000, 0x4a00_0000, 0]);
        assert_eq!(
            &out[..4],
            &[0xe4e7_f110, 0x1559_3bd1, 0x1fdd_0f50, 0xc471_20a3]
        );
        assert_eq!(out[15], 0x4e3c_50a2);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn f64_is_in_unit_interval_and_seeds_differ() {
        let mut a = ChaCha20Rng::seed_from_u64(1);
        let mut b = ChaCha20Rng::seed_from_u64(2);
        assert_ne!(a.next_u64(), b.next_u64());
        for _ in 0..1000 {
            let x = a.next_f64();
            assert!((0.0..1.0).contains(&x));
        }
        let mut zero = ChaCha20Rng::from_seed_bytes([0; 32]);
        assert_ne!(zero.next_u64(), 0);
    }
}
