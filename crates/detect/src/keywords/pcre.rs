//! `pcre`: a PCRE2 regex over the buffer, with Suricata's flags (`i s m x A G R`). Relative
//! (`R`) regexes see the buffer from the end of the previous match, so `^` anchors there, as
//! in Suricata, which passes `buffer + offset` as the subject.

use super::CompileError;
use pcre2::bytes::{Regex, RegexBuilder};
use rules::Pcre;

/// Where a capture group of a `pcre` goes (`/re/, flow:name, pkt:name` or `pkt:key,pkt:value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureVar {
    Flow(String),
    Pkt(String),
    /// `pkt:key,pkt:value`: this group names the packet variable, the next one is its value.
    PktKeyValue,
}

/// `DETECT_PCRE_CAPTURE_MAX`.
const CAPTURE_MAX: usize = 8;

/// A compiled `pcre`.
#[derive(Debug)]
pub struct PcreM {
    pub re: Regex,
    pub negated: bool,
    pub relative: bool,
    /// Variables the capture groups are stored to when the rule matches, by group from 1.
    /// Nothing in this engine reads them back yet (`flowvar`/`pktvar` matches are skipped), so
    /// they do not change what matches.
    pub captures: Vec<CaptureVar>,
}

/// `DetectPcreParseCapture`: the capture names after the regex, checked as Suricata does.
fn capture_vars(names: &[String], groups: usize) -> Result<Vec<CaptureVar>, CompileError> {
    let mut out = Vec::new();
    if groups == 0 {
        return Ok(out);
    }
    let mut key = false;
    let names = names
        .iter()
        .flat_map(|n| n.split([' ', ',']))
        .filter(|n| !n.is_empty());
    for (i, n) in names.enumerate() {
        if i > groups - 1 {
            return Err(CompileError::new(
                "pcre",
                "more pkt/flow var capture names than capturing substrings",
            ));
        }
        if n == "pkt:key" {
            key = true;
            out.push(CaptureVar::PktKeyValue);
        } else if key && n == "pkt:value" {
            key = false;
        } else if n == "pkt:value" || key {
            return Err(CompileError::new("pcre", "bad pkt:key/pkt:value capture pair"));
        } else if let Some(v) = n.strip_prefix("flow:") {
            out.push(CaptureVar::Flow(v.to_string()));
        } else if let Some(v) = n.strip_prefix("pkt:") {
            out.push(CaptureVar::Pkt(v.to_string()));
        } else {
            return Err(CompileError::new(
                "pcre",
                "var capture names must start with 'pkt:' or 'flow:'",
            ));
        }
        if i + 1 >= CAPTURE_MAX {
            break;
        }
    }
    Ok(out)
}

/// Named groups `(?P<flow_name>` / `(?P<pkt_name>` also capture to variables.
fn named_capture_vars(pattern: &str, out: &mut Vec<CaptureVar>) -> Result<(), CompileError> {
    let mut rest = pattern;
    while let Some(i) = rest.find("(?P<") {
        rest = rest.get(i + 4..).unwrap_or("");
        let Some(end) = rest.find('>') else { break };
        let name = rest.get(..end).unwrap_or("");
        let Some((kind, var)) = name.split_once('_') else {
            continue;
        };
        if var.is_empty() || !kind.bytes().all(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let v = match kind {
            "pkt" => CaptureVar::Pkt(var.to_string()),
            "flow" => CaptureVar::Flow(var.to_string()),
            _ => continue,
        };
        if out.len() >= CAPTURE_MAX {
            return Err(CompileError::new(
                "pcre",
                format!("rule can have maximally {CAPTURE_MAX} pkt/flow var captures"),
            ));
        }
        out.push(v);
    }
    Ok(())
}

impl PcreM {
    pub fn compile(p: &Pcre) -> Result<PcreM, CompileError> {
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
        let mut captures = capture_vars(&p.captures, re.captures_len().saturating_sub(1))?;
        named_capture_vars(&p.pattern, &mut captures)?;
        Ok(PcreM {
            re,
            negated: p.negated,
            relative: p.flags.relative,
            captures,
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

    fn cap(pat: &str, names: &[&str]) -> Result<Vec<CaptureVar>, CompileError> {
        PcreM::compile(&Pcre {
            buffer: BufferRef::payload(),
            negated: false,
            pattern: pat.into(),
            flags: PcreFlags::default(),
            captures: names.iter().map(|s| s.to_string()).collect(),
        })
        .map(|m| m.captures)
    }

    #[test]
    fn capture_variables() {
        assert_eq!(
            cap(r"^(.*)/(\d+)", &["flow:key", "flow:value"]).unwrap(),
            vec![CaptureVar::Flow("key".into()), CaptureVar::Flow("value".into())]
        );
        assert_eq!(
            cap("(a)(b)", &["pkt:key", "pkt:value"]).unwrap(),
            vec![CaptureVar::PktKeyValue]
        );
        assert!(cap("(a)", &["flow:x", "flow:y"]).is_err());
        assert!(cap("(a)(b)", &["pkt:value"]).is_err());
        assert!(cap("(a)(b)", &["pkt:key", "flow:x"]).is_err());
        assert!(cap("(a)", &["x"]).is_err());
        // Names without capture groups are ignored, as Suricata does.
        assert_eq!(cap("a", &["flow:x"]).unwrap(), vec![]);
        assert_eq!(
            cap("(?P<flow_ua>x)", &[]).unwrap(),
            vec![CaptureVar::Flow("ua".into())]
        );
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
