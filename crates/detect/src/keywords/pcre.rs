//! `pcre`: a PCRE2 regex over the buffer, with Suricata's flags (`i s m x A G R`). Relative
//! (`R`) regexes see the buffer from the end of the previous match, so `^` anchors there, as
//! in Suricata, which passes `buffer + offset` as the subject.

use super::CompileError;
use pcre2::bytes::{Regex, RegexBuilder};
use rules::Pcre;

/// A compiled `pcre`.
#[derive(Debug)]
pub struct PcreM {
    pub re: Regex,
    pub negated: bool,
    pub relative: bool,
}

impl PcreM {
    pub fn compile(p: &Pcre) -> Result<PcreM, CompileError> {
        if !p.captures.is_empty() {
            return Err(CompileError::new("pcre", "capture variables are not supported"));
        }
        if p.flags.dollar_endonly {
            return Err(CompileError::new("pcre", "flag E is not supported"));
        }
        let mut pat = String::with_capacity(p.pattern.len() + 8);
        if p.flags.ungreedy {
            pat.push_str("(?U)");
        }
        if p.flags.anchored {
            pat.push_str("\\A(?:");
            pat.push_str(&p.pattern);
            pat.push(')');
        } else {
            pat.push_str(&p.pattern);
        }
        let re = RegexBuilder::new()
            .caseless(p.flags.caseless)
            .dotall(p.flags.dotall)
            .multi_line(p.flags.multiline)
            .extended(p.flags.extended)
            .jit_if_available(true)
            .build(&pat)
            .map_err(|e| CompileError::new("pcre", format!("bad regex: {e}")))?;
        Ok(PcreM {
            re,
            negated: p.negated,
            relative: p.flags.relative,
        })
    }

    /// First match in `subject` at or after `from`: (start, end).
    pub fn find_at(&self, subject: &[u8], from: usize) -> Option<(usize, usize)> {
        match self.re.find_at(subject, from) {
            Ok(Some(m)) => Some((m.start(), m.end())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{BufferRef, PcreFlags};

    fn p(pat: &str, flags: PcreFlags) -> PcreM {
        PcreM::compile(&Pcre {
            buffer: BufferRef::payload(),
            negated: false,
            pattern: pat.into(),
            flags,
            captures: vec![],
        })
        .unwrap()
    }

    #[test]
    fn flags() {
        let m = p(
            "530\\s+(Login|User)",
            PcreFlags {
                caseless: true,
                ..Default::default()
            },
        );
        assert_eq!(m.find_at(b"x530 login", 0), Some((1, 10)));
        let a = p(
            "ab",
            PcreFlags {
                anchored: true,
                ..Default::default()
            },
        );
        assert_eq!(a.find_at(b"xab", 0), None);
        assert_eq!(a.find_at(b"abx", 0), Some((0, 2)));
        let g = p(
            "a.+b",
            PcreFlags {
                ungreedy: true,
                ..Default::default()
            },
        );
        assert_eq!(g.find_at(b"axbxb", 0), Some((0, 3)));
    }

    #[test]
    fn bad_regex_is_an_error() {
        let r = PcreM::compile(&Pcre {
            buffer: BufferRef::payload(),
            negated: false,
            pattern: "(".into(),
            flags: PcreFlags::default(),
            captures: vec![],
        });
        assert!(r.is_err());
    }
}
