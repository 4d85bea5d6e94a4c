//! Hash tables over the static keyword and fingerprint lists, built once per process.
//!
//! Binary search over ~1,000 keywords cost ten `memcmp` calls per word and dominated the
//! detector's profile; an open-addressing FNV-1a table needs one hash and usually one compare.
//! Tables are built on first use (one allocation per process) and are immutable afterwards, so
//! lookups allocate nothing and need no lock.

use std::sync::OnceLock;

use super::data::{FINGERPRINTS, KEYWORDS};
use super::extra::{EXTRA_FINGERPRINTS, EXTRA_KEYWORDS};

/// An immutable string → type-code map.
pub(crate) struct WordTable {
    /// `index + 1` into `entries`, 0 for an empty slot.
    slots: Box<[u16]>,
    mask: usize,
    entries: Vec<(&'static [u8], u8)>,
}

#[inline]
fn fnv1a(key: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in key {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize
}

impl WordTable {
    fn build(entries: Vec<(&'static [u8], u8)>) -> Self {
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mask = size - 1;
        let mut slots = vec![0u16; size].into_boxed_slice();
        for (i, (key, _)) in entries.iter().enumerate() {
            let mut at = fnv1a(key) & mask;
            while slots.get(at).is_some_and(|&s| s != 0) {
                at = (at + 1) & mask;
            }
            if let Some(slot) = slots.get_mut(at) {
                *slot = u16::try_from(i + 1).unwrap_or(0);
            }
        }
        WordTable { slots, mask, entries }
    }

    /// Type code of `key` (exact bytes), 0 when absent.
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> u8 {
        let mut at = fnv1a(key) & self.mask;
        loop {
            let slot = self.slots.get(at).copied().unwrap_or(0);
            if slot == 0 {
                return 0;
            }
            if let Some(&(k, v)) = self.entries.get(usize::from(slot) - 1) {
                if k == key {
                    return v;
                }
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// libinjection's keywords plus [`EXTRA_KEYWORDS`].
pub(crate) fn keywords() -> &'static WordTable {
    static T: OnceLock<WordTable> = OnceLock::new();
    T.get_or_init(|| WordTable::build(KEYWORDS.iter().chain(EXTRA_KEYWORDS.iter()).copied().collect()))
}

/// libinjection's fingerprints (code `F`) plus [`EXTRA_FINGERPRINTS`] (code `f`), upper-case
/// for the former as libinjection compares them.
pub(crate) fn fingerprints() -> &'static WordTable {
    static T: OnceLock<WordTable> = OnceLock::new();
    T.get_or_init(|| {
        WordTable::build(
            FINGERPRINTS
                .iter()
                .map(|f| (*f, b'F'))
                .chain(EXTRA_FINGERPRINTS.iter().map(|f| (*f, b'f')))
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_found() {
        for (k, v) in KEYWORDS.iter().chain(EXTRA_KEYWORDS.iter()) {
            assert_eq!(keywords().get(k), *v, "{}", String::from_utf8_lossy(k));
        }
        for f in FINGERPRINTS {
            assert_eq!(fingerprints().get(f), b'F');
        }
        assert_eq!(keywords().get(b"NOPE"), 0);
        assert_eq!(keywords().get(b""), 0);
        assert_eq!(fingerprints().get(b"s&sos"), 0); // stored upper-case
        assert_eq!(fingerprints().get(b"S&SOS"), b'F');
    }
}
