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

/// Calls `each` with `count` strings of up to 47 bytes drawn from `alphabet`, from `seed`.
pub(crate) fn for_each_soup(seed: u64, alphabet: &[u8], count: usize, mut each: impl FnMut(&[u8])) {
    let mut random = Xorshift64::new(seed);
    for _ in 0..count {
        let len = (random.next() % 48) as usize;
        let bytes: heapless::Vec<u8, 64> = (0..len)
            .map(|_| alphabet[(random.next() as usize) % alphabet.len()])
            .collect();
        each(&bytes);
    }
}
