//! The keys seen in one section, to refuse repeats (AWS CLI dialect), in linear time.
//!
//! The first [`MAX_SECTION_KEYS`] keys are held in an array with a one-bit-per-key Bloom filter
//! (the common case: no allocation, and a new key is compared only when its bit is set). With
//! the `alloc` feature a section that outgrows the array moves its keys into a hash table of
//! case-folded keys, so every key costs O(1) expected whatever the section's size. Without
//! `alloc` a section with more keys than the array is refused (`CapacityExceeded`), as a file
//! with more than [`MAX_SECTIONS`](super::MAX_SECTIONS) sections is.

use crate::text::eq_lowercase;

/// Keys of one section (or of the `[DEFAULT]` sections together) held without allocation. With
/// the `alloc` feature more spill into a hash table; without it, more are refused.
pub const MAX_SECTION_KEYS: usize = 64;

/// The keys of one section: see the module documentation.
#[derive(Default)]
pub(super) struct KeySet<'a> {
    /// (key, line, whether the key is ASCII: then comparison needs no Unicode lowering).
    keys: heapless::Vec<(&'a str, u32, bool), MAX_SECTION_KEYS>,
    /// A one-bit-per-key Bloom filter of the keys in `keys`: bit [`ascii_fingerprint`] of each
    /// ASCII key, and every bit once a key that may not be ASCII is held (Unicode lowering can
    /// make keys of different bytes equal).
    seen: u64,
    /// The keys once there are more than the array holds.
    #[cfg(feature = "alloc")]
    spill: Spill<'a>,
}

impl<'a> KeySet<'a> {
    /// Empties the set for a new section (in time linear in the keys it held).
    pub fn clear(&mut self) {
        self.keys.clear();
        self.seen = 0;
        #[cfg(feature = "alloc")]
        self.spill.clear();
    }

    /// Records `key` (`ascii`: the key is known to be ASCII; `false` is always safe); returns
    /// the line of an earlier equal key, or `Err(())` when the set is full (without `alloc`).
    #[inline(always)]
    pub fn insert(&mut self, key: &'a str, line: u32, ascii: bool) -> Result<Option<u32>, ()> {
        #[cfg(feature = "alloc")]
        if self.spill.active() {
            return Ok(self.spill.insert(key, line));
        }
        let bit = if ascii {
            1 << ascii_fingerprint(key)
        } else {
            u64::MAX
        };
        if self.seen & bit != 0 {
            if let Some(first) = self.in_array(key, ascii) {
                return Ok(Some(first));
            }
        }
        self.seen |= bit;
        if self.keys.push((key, line, ascii)).is_err() {
            return self.overflow(key, line);
        }
        Ok(None)
    }

    /// The line of the key equal to `key` (as [`insert`](Self::insert) compares them), if any
    /// (for the listing of properties, which needs `alloc`).
    #[cfg(feature = "alloc")]
    pub fn get(&self, key: &str, ascii: bool) -> Option<u32> {
        #[cfg(feature = "alloc")]
        if self.spill.active() {
            return self.spill.get(key);
        }
        self.in_array(key, ascii)
    }

    /// The line of the key in the array equal to `key`: by bytes but for ASCII case when both
    /// are ASCII, else by their lowered characters.
    #[inline(always)]
    fn in_array(&self, key: &str, ascii: bool) -> Option<u32> {
        self.keys.iter().find_map(|&(k, line, k_ascii)| {
            let same = if ascii && k_ascii {
                k.len() == key.len() && k.eq_ignore_ascii_case(key)
            } else {
                eq_lowercase(k, key)
            };
            same.then_some(line)
        })
    }

    /// The array is full and `key` is new to it.
    #[cold]
    #[inline(never)]
    fn overflow(&mut self, key: &'a str, line: u32) -> Result<Option<u32>, ()> {
        #[cfg(feature = "alloc")]
        {
            for &(k, l, _) in self.keys.iter() {
                self.spill.insert(k, l);
            }
            self.keys.clear();
            Ok(self.spill.insert(key, line))
        }
        #[cfg(not(feature = "alloc"))]
        {
            let _ = (key, line);
            Err(())
        }
    }
}

/// Six bits that ASCII keys equal but for case share: the length and the case-folded first
/// byte (cheap: both are at hand, no load of the key's end).
#[inline(always)]
fn ascii_fingerprint(key: &str) -> u32 {
    let first = u32::from(key.as_bytes().first().copied().unwrap_or(0) | 0x20);
    (key.len() as u32 ^ first.wrapping_mul(5)) & 63
}

/// A hash of `key` as Python's `str.lower()` makes it: keys [`eq_lowercase`] calls equal hash
/// equal (ASCII keys byte by byte, others by their lowercased characters, an ASCII character
/// giving the same as its byte).
#[cfg(feature = "alloc")]
fn folded_hash(key: &str) -> u32 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    let mut mix = |c: u32| {
        h = (h ^ u64::from(c))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29)
    };
    if key.is_ascii() {
        for &b in key.as_bytes() {
            mix(u32::from(b.to_ascii_lowercase()));
        }
    } else {
        for c in key.chars().flat_map(char::to_lowercase) {
            mix(u32::from(c));
        }
    }
    (h ^ (h >> 32)) as u32
}

/// An open-addressing hash table (linear probing, at most half full) of a section's keys.
#[cfg(feature = "alloc")]
#[derive(Default)]
struct Spill<'a> {
    /// (key, line).
    entries: alloc::vec::Vec<(&'a str, u32)>,
    /// The key's hash in the high half, index + 1 into `entries` in the low half (0: empty),
    /// so that a probe reads an entry (and its key's text) only when the hashes are equal; a
    /// power of two long, or empty.
    slots: alloc::vec::Vec<u64>,
}

#[cfg(feature = "alloc")]
impl<'a> Spill<'a> {
    fn active(&self) -> bool {
        !self.entries.is_empty()
    }

    /// Empties the table, in time linear in its entries: a table much larger than the entries
    /// it held is given back rather than zeroed, so that a huge section followed by many
    /// sections just over the array's size does not cost the huge table's size each time.
    fn clear(&mut self) {
        if self.entries.is_empty() {
            return;
        }
        if self.slots.len() > 8 * self.entries.len() {
            self.slots = alloc::vec::Vec::new();
        } else {
            self.slots.fill(0);
        }
        self.entries.clear();
    }

    /// The line of the key equal to `key`, if any.
    fn get(&self, key: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        self.find(key, folded_hash(key)).ok()
    }

    /// Records `key`, or returns the line of an earlier equal key.
    fn insert(&mut self, key: &'a str, line: u32) -> Option<u32> {
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            self.grow();
        }
        let hash = folded_hash(key);
        match self.find(key, hash) {
            Ok(first) => Some(first),
            Err(slot) => {
                self.entries.push((key, line));
                self.slots[slot] = u64::from(hash) << 32 | self.entries.len() as u64;
                None
            }
        }
    }

    /// Probes for `key` (of hash `hash`) in a table that has slots: the line of the equal key,
    /// or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: &str, hash: u32) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return Err(slot),
                entry if (entry >> 32) as u32 == hash => {
                    let (k, line) = self.entries[(entry as u32) as usize - 1];
                    if eq_lowercase(k, key) {
                        return Ok(line);
                    }
                }
                _ => {}
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Doubles the table. The old slots are read in order, and each lands near twice its old
    /// home (its hash is in the slot), so the new table is written nearly in order too: no
    /// random access, which on a large table costs a cache miss per key.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(4 * MAX_SECTION_KEYS);
        let old = core::mem::replace(&mut self.slots, alloc::vec![0; size]);
        let mask = size - 1;
        // A run of linear probing may wrap past the end: start after an empty slot, so that
        // every run is moved in order.
        let start = old.iter().position(|&e| e == 0).unwrap_or(0);
        for k in 0..old.len() {
            let entry = old[(start + k) % old.len()];
            if entry == 0 {
                continue;
            }
            let mut slot = (entry >> 32) as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = entry;
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    #[test]
    fn folded_hash_agrees_with_eq_lowercase() {
        let pairs = [
            ("Region", "rEGION"),
            ("k", "\u{212a}"), // KELVIN SIGN lowers to k
            ("stra\u{df}e", "STRA\u{df}E"),
            ("\u{130}x", "i\u{307}x"), // İ lowers to i + combining dot
            ("\u{c9}t\u{c9}", "\u{e9}t\u{e9}"),
        ];
        for (a, b) in pairs {
            assert!(eq_lowercase(a, b), "{a:?} {b:?}");
            assert_eq!(folded_hash(a), folded_hash(b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn spilled_sets_find_repeats_and_clear() {
        let keys: std::vec::Vec<std::string::String> =
            (0..5000).map(|i| std::format!("key{i}")).collect();
        let upper: std::vec::Vec<std::string::String> =
            keys.iter().map(|k| k.to_uppercase()).collect();
        let mut set = KeySet::default();
        for round in 0..3 {
            for (i, k) in keys.iter().enumerate() {
                assert_eq!(set.insert(k, i as u32 + 1, true), Ok(None), "round {round}");
            }
            for (i, k) in upper.iter().enumerate().rev() {
                assert_eq!(set.insert(k, 0, true), Ok(Some(i as u32 + 1)));
            }
            // Unicode lowering in the spilled table too.
            assert_eq!(set.insert("\u{212a}EY7", 0, false), Ok(Some(8)));
            set.clear();
        }
        // A small section after a huge one: the array again, repeats still found.
        for (i, k) in keys.iter().take(10).enumerate() {
            assert_eq!(set.insert(k, i as u32 + 1, true), Ok(None));
        }
        assert_eq!(set.insert("KEY3", 0, true), Ok(Some(4)));
    }
}
