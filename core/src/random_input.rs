//! A deterministic pseudo-random source for the unit tests that feed readers arbitrary input
//! (xorshift64: no dependency, the same sequence on every run and target).

/// Xorshift64 over a non-zero seed.
pub(crate) struct Xorshift64(u64);

impl Xorshift64 {
    /// A generator starting from `seed` (non-zero).
    pub(crate) fn new(seed: u64) -> Self {
        Xorshift64(seed)
    }

    /// The next value.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
