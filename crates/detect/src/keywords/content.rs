//! `content` and its modifiers (`nocase`, `depth`, `offset`, `distance`, `within`,
//! `startswith`, `endswith`, negation): the search window Suricata computes in
//! `DetectEngineContentInspection`, and a case-insensitive substring search.

use super::{num, CompileError, VarTable};
use rules::Content;

/// A numeric argument resolved at compile time, or the slot of a `byte_extract` variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    Val(i64),
    Var(usize),
}

impl Num {
    pub fn get(self, vars: &[u64]) -> i64 {
        match self {
            Num::Val(v) => v,
            Num::Var(i) => vars.get(i).map_or(0, |&v| v as i64),
        }
    }
}

/// A compiled `content`.
#[derive(Clone, Debug)]
pub struct ContentM {
    /// The pattern; lowercased when `nocase`.
    pub pat: Vec<u8>,
    pub nocase: bool,
    pub negated: bool,
    pub depth: Option<Num>,
    pub offset: Option<Num>,
    pub distance: Option<Num>,
    pub within: Option<Num>,
    pub endswith: bool,
    /// Marked `fast_pattern`: the rule's prefilter pattern.
    pub fast_pattern: bool,
}

impl ContentM {
    pub fn compile(c: &Content, vars: &VarTable) -> Result<ContentM, CompileError> {
        if c.replace.is_some() {
            return Err(CompileError::new(
                "replace",
                "content replacement (IPS) is not supported",
            ));
        }
        if c.pattern.is_empty() {
            return Err(CompileError::new("content", "empty pattern"));
        }
        let mut depth = c.depth.as_ref().map(|d| num(d, vars)).transpose()?;
        let mut offset = c.offset.as_ref().map(|d| num(d, vars)).transpose()?;
        if c.startswith {
            if c.is_relative() {
                return Err(CompileError::new(
                    "startswith",
                    "startswith with a relative content",
                ));
            }
            depth = Some(Num::Val(c.pattern.len() as i64));
            offset = Some(Num::Val(0));
        }
        Ok(ContentM {
            pat: if c.nocase {
                c.pattern.to_ascii_lowercase()
            } else {
                c.pattern.clone()
            },
            nocase: c.nocase,
            negated: c.negated,
            depth,
            offset,
            distance: c.distance.as_ref().map(|d| num(d, vars)).transpose()?,
            within: c.within.as_ref().map(|d| num(d, vars)).transpose()?,
            endswith: c.endswith,
            fast_pattern: c.fast_pattern.is_some(),
        })
    }

    pub fn is_relative(&self) -> bool {
        self.distance.is_some() || self.within.is_some()
    }

    /// The search window `[start, end)` for this content, after the previous match ended at
    /// `prev` (Suricata's `prev_buffer_offset`); `None` when the window is empty.
    pub fn window(&self, prev: usize, len: usize, vars: &[u64]) -> Option<(usize, usize)> {
        let len_i = len as i64;
        let prev_i = prev as i64;
        let (mut start, mut end): (i64, i64);
        if self.is_relative() {
            start = prev_i;
            end = len_i;
            let dist = self.distance.map_or(0, |d| d.get(vars));
            if dist < 0 && dist.unsigned_abs() > prev as u64 {
                start = 0;
            } else {
                start = start.saturating_add(dist);
            }
            if let Some(w) = self.within {
                let lim = prev_i.saturating_add(w.get(vars)).saturating_add(dist);
                if end > lim {
                    end = lim;
                }
            }
            if let Some(d) = self.depth {
                let lim = prev_i.saturating_add(d.get(vars));
                if lim < end {
                    end = lim;
                }
            }
            if let Some(o) = self.offset {
                let o = o.get(vars);
                if o > start {
                    start = o;
                }
            }
        } else {
            start = self.offset.map_or(0, |o| o.get(vars));
            end = match self.depth {
                Some(d) => start.saturating_add(d.get(vars)),
                None => len_i,
            };
        }
        if end > len_i {
            end = len_i;
        }
        if start < 0 {
            start = 0;
        }
        if start >= end {
            return None;
        }
        Some((start as usize, end as usize))
    }

    /// First match of the pattern in `hay[start..end]` at or after `start`: its start offset.
    pub fn find(&self, hay: &[u8], start: usize, end: usize) -> Option<usize> {
        let win = hay.get(start..end)?;
        if self.endswith {
            // Only an occurrence that ends at the end of the buffer counts.
            if end != hay.len() || win.len() < self.pat.len() {
                return None;
            }
            let at = win.len() - self.pat.len();
            let tail = win.get(at..)?;
            let ok = if self.nocase {
                tail.eq_ignore_ascii_case(&self.pat)
            } else {
                tail == self.pat.as_slice()
            };
            return ok.then_some(start + at);
        }
        let pos = if self.nocase {
            find_nocase(win, &self.pat)
        } else {
            memchr::memmem::find(win, &self.pat)
        };
        pos.map(|p| p + start)
    }
}

/// Case-insensitive (ASCII) search of a lowercase `needle` in `hay`.
pub fn find_nocase(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    if hay.len() < needle.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let upper = first.to_ascii_uppercase();
    let mut from = 0;
    while from <= last_start {
        let slice = hay.get(from..=last_start)?;
        let i = if upper == first {
            memchr::memchr(first, slice)?
        } else {
            memchr::memchr2(first, upper, slice)?
        };
        let at = from + i;
        if hay
            .get(at + 1..at + needle.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(rest))
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(pat: &[u8]) -> ContentM {
        ContentM {
            pat: pat.to_vec(),
            nocase: false,
            negated: false,
            depth: None,
            offset: None,
            distance: None,
            within: None,
            endswith: false,
            fast_pattern: false,
        }
    }

    #[test]
    fn nocase_search() {
        assert_eq!(find_nocase(b"xxHeLLo", b"hello"), Some(2));
        assert_eq!(find_nocase(b"hell", b"hello"), None);
        assert_eq!(find_nocase(b"", b"a"), None);
        assert_eq!(find_nocase(b"a1a2A3", b"a3"), Some(4));
    }

    #[test]
    fn windows() {
        let mut c = cm(b"ab");
        c.depth = Some(Num::Val(4));
        c.offset = Some(Num::Val(2));
        assert_eq!(c.window(0, 10, &[]), Some((2, 6)));
        let mut r = cm(b"ab");
        r.distance = Some(Num::Val(1));
        r.within = Some(Num::Val(3));
        assert_eq!(r.window(5, 100, &[]), Some((6, 9)));
        r.distance = Some(Num::Val(-10));
        assert_eq!(r.window(5, 100, &[]), None);
        r.within = None;
        assert_eq!(r.window(5, 100, &[]), Some((0, 100)));
        let mut e = cm(b"cd");
        e.endswith = true;
        assert_eq!(e.find(b"abcd", 0, 4), Some(2));
        assert_eq!(e.find(b"cdab", 0, 4), None);
    }
}
