//! Content inspection of one buffer: the keywords of a [`StepList`] in order, each relative
//! keyword anchored on the end of the previous match, with backtracking to the next occurrence
//! of a content or pcre when a later relative keyword fails (Suricata's
//! `DetectEngineContentInspection`), bounded by a step budget like Suricata's recursion limit.
//! On request ([`inspect_explain`]) the successful path records, per content and pcre, where in
//! the buffer it matched.

use crate::keywords::{Step, StepList};

/// Where one keyword of a matching list matched: step index, start offset, length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawHit {
    pub step: u16,
    pub offset: u32,
    pub len: u32,
}

/// Steps one buffer inspection may take before giving up (no match).
pub const STEP_BUDGET: u32 = 3000;

/// Whether the keywords of `list` match `buf`.
pub fn inspect(list: &StepList, buf: &[u8], vars: &mut [u64]) -> bool {
    let mut budget = STEP_BUDGET;
    run(list, 0, buf, 0, vars, &mut budget, &mut None)
}

/// As [`inspect`], and on a match appends to `hits` where each positive content and pcre
/// matched, in keyword order.
pub fn inspect_explain(list: &StepList, buf: &[u8], vars: &mut [u64], hits: &mut Vec<RawHit>) -> bool {
    let mut budget = STEP_BUDGET;
    let start = hits.len();
    let ok = run(list, 0, buf, 0, vars, &mut budget, &mut Some(hits));
    if let Some(tail) = hits.get_mut(start..) {
        tail.reverse();
    }
    ok
}

fn hit(rec: &mut Option<&mut Vec<RawHit>>, i: usize, start: usize, end: usize) {
    if let Some(h) = rec.as_deref_mut() {
        h.push(RawHit {
            step: u16::try_from(i).unwrap_or(u16::MAX),
            offset: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX),
        });
    }
}

type Rec<'a, 'b> = &'a mut Option<&'b mut Vec<RawHit>>;

fn run(
    list: &StepList,
    i: usize,
    buf: &[u8],
    prev: usize,
    vars: &mut [u64],
    budget: &mut u32,
    rec: Rec<'_, '_>,
) -> bool {
    let Some(step) = list.steps.get(i) else {
        return true;
    };
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let rel_next = list.rel_next.get(i).copied().unwrap_or(false);
    match step {
        Step::Content(c) => {
            let Some((mut start, end)) = c.window(prev, buf.len(), vars) else {
                return c.negated && run(list, i + 1, buf, prev, vars, budget, rec);
            };
            loop {
                let found = c.find(buf, start, end);
                if c.negated {
                    return found.is_none() && run(list, i + 1, buf, prev, vars, budget, rec);
                }
                let Some(pos) = found else { return false };
                let mend = pos + c.pat.len();
                if run(list, i + 1, buf, mend, vars, budget, rec) {
                    hit(rec, i, pos, mend);
                    return true;
                }
                if !rel_next || *budget == 0 {
                    return false;
                }
                start = pos + 1;
                if start >= end {
                    return false;
                }
            }
        }
        Step::Pcre(p) => {
            let base = if p.relative { prev } else { 0 };
            let Some(subject) = buf.get(base..) else {
                return p.negated && run(list, i + 1, buf, prev, vars, budget, rec);
            };
            let mut from = 0;
            loop {
                let found = p.find_at(subject, from);
                if p.negated {
                    return found.is_none() && run(list, i + 1, buf, prev, vars, budget, rec);
                }
                let Some((s, e)) = found else { return false };
                if run(list, i + 1, buf, base + e, vars, budget, rec) {
                    hit(rec, i, base + s, base + e);
                    return true;
                }
                if !rel_next || *budget == 0 {
                    return false;
                }
                from = s + 1;
                if from > subject.len() {
                    return false;
                }
            }
        }
        Step::ByteTest(b) => b.eval(buf, prev, vars) && run(list, i + 1, buf, prev, vars, budget, rec),
        Step::ByteJump(b) => match b.eval(buf, prev, vars) {
            Some(pos) => run(list, i + 1, buf, pos, vars, budget, rec),
            None => false,
        },
        Step::ByteExtract(b) => match b.eval(buf, prev, vars) {
            Some(pos) => run(list, i + 1, buf, pos, vars, budget, rec),
            None => false,
        },
        Step::ByteMath(b) => match b.eval(buf, prev, vars) {
            Some(pos) => run(list, i + 1, buf, pos, vars, budget, rec),
            None => false,
        },
        Step::IsDataAt {
            offset,
            relative,
            negated,
        } => {
            let n = offset.get(vars);
            let has = if *relative {
                (prev as i64).saturating_add(n) <= buf.len() as i64 && n >= 0
            } else {
                n >= 0 && n < buf.len() as i64
            };
            has != *negated && run(list, i + 1, buf, prev, vars, budget, rec)
        }
        Step::Bsize(m) => m.matches(buf.len() as u64) && run(list, i + 1, buf, prev, vars, budget, rec),
        // Whole-buffer lookups; a failure ends the inspection (`discontinue_matching`).
        Step::Dataset(d) => d.matches(buf) && run(list, i + 1, buf, prev, vars, budget, rec),
        Step::Datarep(d) => d.matches(buf) && run(list, i + 1, buf, prev, vars, budget, rec),
        // Checked once after the payload keywords matched: a failure ends the inspection
        // without trying other matches of the keywords before it.
        Step::Asn1(a) => {
            if a.matches(buf, prev) {
                run(list, i + 1, buf, prev, vars, budget, rec)
            } else {
                *budget = 0;
                false
            }
        }
        // `DetectBase64DecodeDoMatch` then `DetectBase64DataDoMatch`: a terminal list.
        Step::Base64Decode(b) => {
            let Some(data) = &b.data else { return false };
            let mut decoded = Vec::new();
            b.decode(buf, prev, &mut decoded) && run(data, 0, &decoded, 0, vars, budget, &mut None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keywords::bits::BitNames;
    use crate::keywords::compile;

    fn list(rule: &str) -> StepList {
        let r = rules::parse_rule(rule).unwrap();
        let mut c = compile(&r, &mut BitNames::default()).unwrap();
        c.payload.take().unwrap()
    }

    fn m(rule: &str, data: &[u8]) -> bool {
        let l = list(&format!("alert tcp any any -> any any ({rule} sid:1;)"));
        let mut vars = [0u64; 8];
        inspect(&l, data, &mut vars)
    }

    #[test]
    fn relative_and_backtracking() {
        assert!(m(r#"content:"a"; content:"b"; distance:0; within:1;"#, b"xaxab"));
        assert!(!m(
            r#"content:"a"; content:"b"; distance:0; within:1;"#,
            b"xaxaxb"
        ));
        assert!(m(
            r#"content:"SSH-"; content:"libssh"; within:20;"#,
            b"SSH-2.0-libssh_0.9"
        ));
        assert!(m(r#"content:"a"; depth:1; content:!"b"; distance:0;"#, b"acc"));
        assert!(!m(r#"content:"a"; depth:1; content:!"b"; distance:0;"#, b"acb"));
        assert!(m(
            r#"content:"530 "; depth:4; pcre:"/530\s+(Login|User)/smi";"#,
            b"530 Login incorrect."
        ));
        assert!(!m(r#"content:"530 "; depth:4;"#, b" 530 x"));
    }

    #[test]
    fn pcre_relative_and_bytes() {
        assert!(m(r#"content:"ab"; pcre:"/^c/R";"#, b"abcab"));
        assert!(!m(r#"content:"ab"; pcre:"/^d/R";"#, b"abcab"));
        assert!(m(r#"content:"|00|"; byte_test:1,>,5,0,relative;"#, b"\x00\x09"));
        assert!(m(
            r#"byte_extract:1,0,len; content:"x"; distance:len; within:1;"#,
            b"\x02\x00\x00x"
        ));
        assert!(m(r#"content:"a"; isdataat:2,relative;"#, b"abc"));
        assert!(!m(r#"content:"a"; isdataat:3,relative;"#, b"abc"));
    }

    #[test]
    fn explain_records_the_matching_path() {
        let l = list(
            r#"alert tcp any any -> any any (content:"ab"; content:"cd"; distance:0; within:3; pcre:"/x+/R"; sid:1;)"#,
        );
        let mut vars = [0u64; 4];
        let mut hits = Vec::new();
        // The first "ab" (0) is followed by "cd" too far away; the second (5) matches.
        assert!(inspect_explain(&l, b"ab...abxcdxx", &mut vars, &mut hits));
        assert_eq!(
            hits,
            vec![
                RawHit {
                    step: 0,
                    offset: 5,
                    len: 2
                },
                RawHit {
                    step: 1,
                    offset: 8,
                    len: 2
                },
                RawHit {
                    step: 2,
                    offset: 10,
                    len: 2
                },
            ]
        );
        hits.clear();
        assert!(!inspect_explain(&l, b"abcd", &mut vars, &mut hits));
        assert!(hits.is_empty());
    }
}
