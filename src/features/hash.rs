//! A fast, deterministic string hasher for the vocabulary lookups on the scoring path.
//!
//! The standard library's SipHash resists hash flooding, which matters for maps keyed by
//! attacker-chosen strings that grow; vocabularies here are fixed by the model file and only
//! looked up, so a multiply-rotate hash (the Fx hash used inside rustc) is safe and several
//! times faster on short strings. Deterministic: no random seed, same on every platform.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hasher state.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` using [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash_of(s: &str) -> u64 {
        let mut h = FxHasher::default();
        s.hash(&mut h);
        h.finish()
    }

    #[test]
    fn distinguishes_prefixes_and_lengths() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "Red",
            "red",
        ];
        let hashes: std::collections::HashSet<u64> = words.iter().map(|w| hash_of(w)).collect();
        assert_eq!(hashes.len(), words.len());
    }

    #[test]
    fn map_lookups_work() {
        let mut map: FxMap<String, u32> = FxMap::default();
        for i in 0..1000u32 {
            map.insert(format!("value-{i}"), i);
        }
        assert!((0..1000u32).all(|i| map.get(&format!("value-{i}")) == Some(&i)));
        assert_eq!(map.get("value-1000"), None);
    }
}
