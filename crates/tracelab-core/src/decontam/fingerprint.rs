//! 64-bit fingerprints of tokens, lines and n-grams.
//!
//! Every index of the corpus and every pass over a trace fingerprints text the same way, so two
//! pieces of text match exactly when their fingerprints do (up to 64-bit collisions, about one
//! in 2^64 per comparison). The hashes are fast and non-cryptographic: nothing here needs to
//! resist an adversary, only to spread keys evenly for hash tables and the bit filter.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The multiplier of FxHash (rustc's hasher): odd, with well-spread bits.
const FX: u64 = 0x517c_c1b7_2722_0a95;
/// The base of the rolling n-gram polynomial; any large odd constant works.
const BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// Scrambles all 64 bits of `x` into all others (MurmurHash3's finaliser), so that the low
/// bits used for table slots and filter bits depend on the whole input.
#[inline]
pub(super) fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Accumulates one token. Bytes are packed eight to a word and only each full word costs a
/// multiplication (FxHash's step), so short words cost one multiply plus the final mix. Token
/// bytes are never zero, so the packed tail says exactly which bytes it holds.
#[derive(Clone, Copy, Default)]
pub(super) struct TokenHash {
    hash: u64,
    packed: u64,
    count: u32,
}

impl TokenHash {
    #[inline]
    pub(super) fn push(&mut self, byte: u8) {
        self.packed = (self.packed << 8) | u64::from(byte);
        self.count += 1;
        if self.count == 8 {
            self.hash = (self.hash.rotate_left(5) ^ self.packed).wrapping_mul(FX);
            self.packed = 0;
            self.count = 0;
        }
    }

    #[inline]
    pub(super) fn finish(self) -> u64 {
        mix((self.hash.rotate_left(5) ^ self.packed).wrapping_mul(FX))
    }
}

/// Fingerprints every window of `n` consecutive tokens in one pass: a polynomial hash over the
/// token fingerprints, updated in O(1) per token whatever `n` is.
pub(super) struct Rolling {
    n: usize,
    /// BASE^n, to take the token leaving the window out of the sum.
    outgoing: u64,
    window: Vec<u64>,
    /// Where the next token goes in `window` (a counter, not `seen % n`: no division per token).
    slot: usize,
    seen: usize,
    sum: u64,
}

impl Rolling {
    /// A window of `n` tokens; `n` = 0 is treated as 1.
    pub(super) fn new(n: usize) -> Self {
        let n = n.max(1);
        let mut outgoing = 1u64;
        for _ in 0..n {
            outgoing = outgoing.wrapping_mul(BASE);
        }
        Rolling {
            n,
            outgoing,
            window: vec![0; n],
            slot: 0,
            seen: 0,
            sum: 0,
        }
    }

    /// The window length.
    pub(super) fn n(&self) -> usize {
        self.n
    }

    /// Adds the next token; returns the fingerprint of the n-gram ending with it once `n`
    /// tokens have been seen since the last [`Rolling::reset`].
    #[inline]
    pub(super) fn push(&mut self, token: u64) -> Option<u64> {
        let leaving = self.window[self.slot];
        self.window[self.slot] = token;
        self.slot += 1;
        if self.slot == self.n {
            self.slot = 0;
        }
        self.sum = self.sum.wrapping_mul(BASE).wrapping_add(token);
        if self.seen >= self.n {
            self.sum = self.sum.wrapping_sub(leaving.wrapping_mul(self.outgoing));
        }
        self.seen += 1;
        (self.seen >= self.n).then(|| mix(self.sum))
    }

    /// Starts a new stream: no n-gram spans a reset.
    pub(super) fn reset(&mut self) {
        self.slot = 0;
        self.seen = 0;
        self.sum = 0;
    }
}

/// A `Hasher` that passes fingerprints through: they are already mixed, hashing them again
/// would only cost time.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only reached for keys that are not u64; fold them so the hasher stays correct.
        for &byte in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(FX);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map keyed by fingerprints.
pub(super) type FingerprintMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(n: usize, tokens: &[u64]) -> Vec<u64> {
        let mut rolling = Rolling::new(n);
        tokens.iter().filter_map(|&t| rolling.push(t)).collect()
    }

    #[test]
    fn rolling_equals_hashing_each_window_from_scratch() {
        let tokens: Vec<u64> = (1..40u64).map(|i| mix(i * 7)).collect();
        let rolled = grams(5, &tokens);
        assert_eq!(rolled.len(), tokens.len() - 4);
        for (i, &fp) in rolled.iter().enumerate() {
            assert_eq!(fp, grams(5, &tokens[i..i + 5])[0], "window {i}");
        }
    }

    #[test]
    fn reset_starts_a_new_stream() {
        let mut rolling = Rolling::new(3);
        rolling.push(1);
        rolling.push(2);
        rolling.reset();
        assert_eq!(rolling.push(3), None);
        assert_eq!(rolling.push(4), None);
        assert_eq!(rolling.push(5), grams(3, &[3, 4, 5]).first().copied());
    }

    fn token(text: &str) -> u64 {
        let mut hash = TokenHash::default();
        text.bytes().for_each(|b| hash.push(b));
        hash.finish()
    }

    #[test]
    fn token_hashes_tell_tokens_apart() {
        let tokens = [
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh1",
            "1abcdefgh",
            "",
        ];
        let mut hashes: Vec<u64> = tokens.iter().map(|t| token(t)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), tokens.len());
        assert_eq!(token("queryset"), token("queryset"));
    }

    #[test]
    fn order_matters_and_zero_means_one_token() {
        assert_ne!(grams(2, &[1, 2]), grams(2, &[2, 1]));
        assert_eq!(grams(0, &[9, 9]).len(), 2);
    }
}
