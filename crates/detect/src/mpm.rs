//! The multi-pattern prefilter of one group and buffer: which of a set of ASCII
//! case-insensitive patterns occur in a buffer. Walking an Aho-Corasick automaton over every
//! byte costs a dependent memory load per byte; instead a [`Scanner`] looks at every position
//! through a bitmap of the patterns' (case-folded) first two bytes, with independent loads;
//! where it says a pattern may start, a bitmap of hashed 4-byte prefixes narrows it further,
//! and only then are the patterns sharing those first bytes compared. 1-byte patterns are
//! looked for with `memchr`.
//! Every occurrence of every pattern is found (the bitmaps only give false positives).
//!
//! Small sets (at most [`SMALL_VARIANTS`] case variants of the patterns' first bytes) are
//! searched with a SIMD Teddy searcher (`aho_corasick::packed`) over those case variants
//! instead: it skips through a buffer many bytes at a time where the bitmap loop looks at every
//! position. The search restarts one byte after each prefix found, so overlapping
//! occurrences are all seen.

use hashbrown::HashMap;

/// Bits of the hash of a long pattern's folded 4-byte prefix (the bitmap has 2^16 bits).
const HASH_BITS: u32 = 16;
const NONE: u32 = u32::MAX;

/// A prefilter over a set of patterns (ids in the order given to [`Scanner::new`]).
#[derive(Debug)]
pub struct Scanner {
    /// The patterns, by id.
    pats: Vec<Vec<u8>>,
    /// The 1-byte patterns, by (lowercase) byte.
    one: HashMap<u8, Vec<u32>>,
    /// Bitmap over folded byte pairs starting a pattern of 2 bytes or more, and the 2- and
    /// 3-byte patterns by folded pair.
    pair: Box<[u64; 1024]>,
    short: HashMap<u16, Vec<u32>>,
    /// Bitmap over hashes of folded 4-byte prefixes of the longer patterns, and those
    /// patterns by folded prefix.
    quad: Box<[u64; 1024]>,
    long: HashMap<u32, Vec<u32>>,
    /// For small sets: the Teddy searcher over the case variants of every pattern's first
    /// `small_len` bytes, and the patterns by folded prefix.
    small: Option<Small>,
}

/// Most case variants of pattern prefixes searched with Teddy (its limit is 64 patterns).
pub const SMALL_VARIANTS: usize = 64;

#[derive(Debug)]
struct Small {
    searcher: aho_corasick::packed::Searcher,
    len: usize,
    by_prefix: HashMap<u32, Vec<u32>>,
}

/// The folded key of a 2- or 3-byte prefix.
fn prefix_key(p: &[u8]) -> u32 {
    p.iter()
        .fold(0u32, |k, &b| (k << 8) | u32::from(b.to_ascii_lowercase()))
}

impl Small {
    /// The searcher for `patterns` (all at least 2 bytes long) if their prefixes have few
    /// enough case variants.
    fn build(patterns: &[&[u8]]) -> Option<Small> {
        let min = patterns.iter().map(|p| p.len()).min()?;
        if min < 2 {
            return None;
        }
        // 3-byte prefixes give fewer false starts; 2-byte ones fewer case variants.
        Small::build_len(patterns, min.min(3)).or_else(|| Small::build_len(patterns, 2))
    }

    fn build_len(patterns: &[&[u8]], len: usize) -> Option<Small> {
        let mut by_prefix: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut prefixes: Vec<Vec<u8>> = Vec::new();
        for (id, p) in patterns.iter().enumerate() {
            let pre = p.get(..len)?;
            let ids = by_prefix.entry(prefix_key(pre)).or_default();
            if ids.is_empty() {
                prefixes.push(pre.to_ascii_lowercase());
            }
            ids.push(u32::try_from(id).ok()?);
        }
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for key in &prefixes {
            let mut vs: Vec<Vec<u8>> = vec![Vec::with_capacity(len)];
            for &b in key {
                let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
                let mut next = Vec::with_capacity(vs.len() * 2);
                for v in &vs {
                    let mut a = v.clone();
                    a.push(lo);
                    next.push(a);
                    if up != lo {
                        let mut c = v.clone();
                        c.push(up);
                        next.push(c);
                    }
                }
                vs = next;
            }
            variants.extend(vs);
            if variants.len() > SMALL_VARIANTS {
                return None;
            }
        }
        let mut cfg = aho_corasick::packed::Config::new();
        cfg.match_kind(aho_corasick::packed::MatchKind::LeftmostFirst);
        let mut b = cfg.builder();
        b.extend(&variants);
        let searcher = b.build()?;
        Some(Small {
            searcher,
            len,
            by_prefix,
        })
    }
}

/// Folds ASCII case (and, harmlessly, a few other bytes) so that a pattern and any text it
/// matches case-insensitively fold alike.
fn fold2(a: u8, b: u8) -> u16 {
    u16::from_le_bytes([a, b]) | 0x2020
}

fn fold4(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_le_bytes([a, b, c, d]) | 0x2020_2020
}

fn quad_hash(x: u32) -> usize {
    (x.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

fn set(map: &mut [u64], k: usize) {
    if let Some(w) = map.get_mut(k >> 6) {
        *w |= 1u64 << (k & 63);
    }
}

impl Scanner {
    /// Builds the scanner; empty patterns are never reported.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Scanner {
        let mut s = Scanner {
            pats: Vec::with_capacity(patterns.len()),
            one: HashMap::new(),
            pair: Box::new([0; 1024]),
            short: HashMap::new(),
            quad: Box::new([0; 1024]),
            long: HashMap::new(),
            small: None,
        };
        for (id, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            let id = u32::try_from(id).unwrap_or(NONE);
            match *p {
                [] => {}
                [b] => s.one.entry(b.to_ascii_lowercase()).or_default().push(id),
                [a, b] | [a, b, _] => {
                    let k = fold2(a, b);
                    set(&mut s.pair[..], usize::from(k));
                    s.short.entry(k).or_default().push(id);
                }
                [a, b, c, d, ..] => {
                    set(&mut s.pair[..], usize::from(fold2(a, b)));
                    let k = fold4(a, b, c, d);
                    set(&mut s.quad[..], quad_hash(k));
                    s.long.entry(k).or_default().push(id);
                }
            }
            s.pats.push(p.to_vec());
        }
        if s.pats.len() <= SMALL_VARIANTS {
            let pats: Vec<&[u8]> = s.pats.iter().map(Vec::as_slice).collect();
            s.small = Small::build(&pats);
        }
        s
    }

    /// Calls `hit(id)` for every pattern that occurs in `hay`, at least once (a pattern may
    /// be reported more than once).
    pub fn scan(&self, hay: &[u8], hit: &mut dyn FnMut(u32)) {
        if let Some(sm) = &self.small {
            let mut at = 0usize;
            while at < hay.len() {
                let Some(m) = sm.searcher.find_in(hay, aho_corasick::Span::from(at..hay.len())) else {
                    break;
                };
                let i = m.start();
                if let Some(ids) = hay
                    .get(i..i.saturating_add(sm.len))
                    .and_then(|k| sm.by_prefix.get(&prefix_key(k)))
                {
                    self.verify(ids, hay, i, hit);
                }
                at = i + 1;
            }
            return;
        }
        for (&b, ids) in &self.one {
            let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
            if memchr::memchr2(lo, up, hay).is_some() {
                ids.iter().for_each(|&id| hit(id));
            }
        }
        if self.short.is_empty() && self.long.is_empty() {
            return;
        }
        // Seven positions per 8-byte load: the pair bitmap first, the rest only on a hit.
        let mut i: usize = 0;
        while let Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) = hay
            .get(i..i.saturating_add(8))
            .and_then(|c| <&[u8; 8]>::try_from(c).ok())
        {
            let w = u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) | 0x2020_2020_2020_2020;
            for s in 0..7 {
                let k = (w >> (8 * s)) as u16;
                if self.pair[usize::from(k >> 6)] & (1u64 << (k & 63)) != 0 {
                    self.at(k, hay, i + s, hit);
                }
            }
            i += 7;
        }
        for (j, w) in hay.get(i..).unwrap_or(&[]).windows(2).enumerate() {
            if let [a, b] = *w {
                let k = fold2(a, b);
                if self.pair[usize::from(k >> 6)] & (1u64 << (k & 63)) != 0 {
                    self.at(k, hay, i + j, hit);
                }
            }
        }
    }

    /// The patterns starting at `at`, whose first two bytes fold to `k`.
    #[inline(never)]
    fn at(&self, k: u16, hay: &[u8], at: usize, hit: &mut dyn FnMut(u32)) {
        if let Some(ids) = self.short.get(&k) {
            self.verify(ids, hay, at, hit);
        }
        if let Some(&[a, b, c, d]) = hay.get(at..at.saturating_add(4)) {
            let k = fold4(a, b, c, d);
            let h = quad_hash(k);
            if self.quad[h >> 6] & (1u64 << (h & 63)) != 0 {
                if let Some(ids) = self.long.get(&k) {
                    self.verify(ids, hay, at, hit);
                }
            }
        }
    }

    /// Reports the patterns among `ids` that occur at `at`.
    fn verify(&self, ids: &[u32], hay: &[u8], at: usize, hit: &mut dyn FnMut(u32)) {
        let rest = hay.get(at..).unwrap_or(&[]);
        for &id in ids {
            let Some(p) = self.pats.get(id as usize) else {
                continue;
            };
            if rest.get(..p.len()).is_some_and(|w| w.eq_ignore_ascii_case(p)) {
                hit(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(pats: &[&[u8]], hay: &[u8]) -> Vec<u32> {
        let s = Scanner::new(pats);
        let mut v = Vec::new();
        s.scan(hay, &mut |id| v.push(id));
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every pattern occurring case-insensitively, by brute force.
    fn naive(pats: &[&[u8]], hay: &[u8]) -> Vec<u32> {
        let low = hay.to_ascii_lowercase();
        (0..pats.len() as u32)
            .filter(|&i| {
                let p = pats[i as usize].to_ascii_lowercase();
                !p.is_empty() && low.windows(p.len()).any(|w| w == p.as_slice())
            })
            .collect()
    }

    #[test]
    fn finds_every_pattern_of_every_length() {
        let pats: &[&[u8]] = &[
            b"a",
            b"\x00",
            b"GE",
            b"xyz",
            b"host:",
            b"abcd",
            b"bcde",
            b"",
            b"\x40\x00",
            b"long pattern here",
        ];
        let hay = b"xx GET / ABCDE Host: zz\x00 LONG PATTERN HERE";
        assert_eq!(found(pats, hay), vec![0, 1, 2, 4, 5, 6, 9]);
        assert_eq!(found(pats, hay), naive(pats, hay));
        // Folding makes `@` look like a backquote and 0x00 like a space: only false positives.
        assert_eq!(found(pats, b"` \x20"), Vec::<u32>::new());
        assert_eq!(found(pats, b"@\x00"), vec![1, 8]);
        // Patterns at the very end, and buffers shorter than the patterns.
        assert_eq!(found(pats, b"..xyz"), vec![3]);
        assert_eq!(found(pats, b"ge"), vec![2]);
        assert_eq!(found(pats, b""), Vec::<u32>::new());
        assert_eq!(found(pats, b"abc"), vec![0]);
    }

    #[test]
    fn small_sets_use_teddy_and_find_overlapping_occurrences() {
        let pats: &[&[u8]] = &[b"aa", b"aab", b"AbC", b"\r\nX-", b"bca"];
        assert!(Scanner::new(pats).small.is_some());
        let hay = b"xaaab abca \r\nx-y";
        assert_eq!(found(pats, hay), vec![0, 1, 2, 3, 4]);
        assert_eq!(found(pats, hay), naive(pats, hay));
        assert_eq!(found(pats, b"a"), Vec::<u32>::new());
        assert_eq!(found(pats, b"AA"), vec![0]);
        // Too many case variants: the bitmap scanner.
        let many: Vec<Vec<u8>> = (0..40u8)
            .map(|i| vec![b'a' + i % 26, b'b' + i / 26, b'c'])
            .collect();
        let many: Vec<&[u8]> = many.iter().map(|p| p.as_slice()).collect();
        assert!(Scanner::new(&many).small.is_none());
    }

    #[test]
    fn agrees_with_brute_force_on_pseudo_random_data() {
        let mut x: u32 = 12345;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        let alphabet = b"abAB\x00\x01 x";
        let mut owned: Vec<Vec<u8>> = Vec::new();
        for _ in 0..60 {
            let n = 1 + (next() % 6) as usize;
            owned.push((0..n).map(|_| alphabet[(next() % 8) as usize]).collect());
        }
        let pats: Vec<&[u8]> = owned.iter().map(|p| p.as_slice()).collect();
        for _ in 0..50 {
            let n = (next() % 40) as usize;
            let hay: Vec<u8> = (0..n).map(|_| alphabet[(next() % 8) as usize]).collect();
            assert_eq!(found(&pats, &hay), naive(&pats, &hay), "{hay:?}");
        }
        // Small sets of 2+ byte patterns (the Teddy path).
        for _ in 0..200 {
            let k = 1 + (next() % 5) as usize;
            let small: Vec<Vec<u8>> = (0..k)
                .map(|_| {
                    let n = 2 + (next() % 4) as usize;
                    (0..n).map(|_| alphabet[(next() % 8) as usize]).collect()
                })
                .collect();
            let small: Vec<&[u8]> = small.iter().map(|p| p.as_slice()).collect();
            let n = (next() % 80) as usize;
            let hay: Vec<u8> = (0..n).map(|_| alphabet[(next() % 8) as usize]).collect();
            assert_eq!(found(&small, &hay), naive(&small, &hay), "{small:?} {hay:?}");
        }
    }
}
