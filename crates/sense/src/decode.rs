//! Value decoding as a web server or application applies it before SQL sees a value.
//!
//! - percent-decoding (`%27` → `'`), with `+` as space for query strings and form bodies;
//! - IIS-style `%uXXXX` escapes (encoded as UTF-8; the full-width ASCII block U+FF01–U+FF5E is
//!   folded to ASCII, as "best-fit" code page conversion does, so `%uFF07` is a quote);
//! - repeated decoding for double (and triple) encoding, `%2527` → `%27` → `'`;
//! - HTML character references (`&#39;`, `&#x27;`, `&apos;`, `&quot;`, ...) as a last variant.
//!
//! Case folding and SQL comments need no pre-processing: the SQL tokenizer handles both.
//! [`ValueDecoder`] owns two scratch buffers so that a request's values are decoded without
//! allocating per value once the buffers have grown.

use crate::sqli::{detect, Fingerprint};

/// How `+` is read while percent-decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plus {
    /// `+` stays `+` (paths, cookies, headers, raw values).
    Keep,
    /// `+` means a space (`application/x-www-form-urlencoded`: query strings and form bodies).
    Space,
}

/// Maximum number of percent-decoding rounds (1 = plain, 2 = double encoding, ...).
pub const MAX_DECODE_ROUNDS: usize = 3;

#[inline]
fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in s.get(..4)? {
        v = (v << 4) | u32::from(hex_val(c)?);
    }
    Some(v)
}

/// Append the UTF-8 encoding of `cp` to `out`; full-width ASCII is folded to ASCII and
/// surrogates/invalid code points become U+FFFD.
fn push_code_point(cp: u32, out: &mut Vec<u8>) {
    let cp = if (0xFF01..=0xFF5E).contains(&cp) {
        cp - 0xFF01 + 0x21
    } else {
        cp
    };
    let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

/// Could `input` change under [`percent_decode_into`]?
pub fn needs_percent_decoding(input: &[u8], plus: Plus) -> bool {
    match plus {
        Plus::Keep => memchr::memchr(b'%', input).is_some(),
        Plus::Space => memchr::memchr2(b'%', b'+', input).is_some(),
    }
}

/// Percent-decode `input` into `out` (cleared first); invalid escapes are kept literally.
/// Returns whether anything was decoded.
pub fn percent_decode_into(input: &[u8], plus: Plus, out: &mut Vec<u8>) -> bool {
    out.clear();
    out.reserve(input.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = input.get(i) {
        match c {
            b'+' if plus == Plus::Space => {
                out.push(b' ');
                changed = true;
                i += 1;
            }
            b'%' => {
                let h1 = input.get(i + 1).copied().and_then(hex_val);
                let h2 = input.get(i + 2).copied().and_then(hex_val);
                if let (Some(a), Some(b)) = (h1, h2) {
                    out.push((a << 4) | b);
                    changed = true;
                    i += 3;
                } else if matches!(input.get(i + 1), Some(b'u' | b'U')) {
                    match input.get(i + 2..).and_then(hex4) {
                        Some(cp) => {
                            push_code_point(cp, out);
                            changed = true;
                            i += 6;
                        }
                        None => {
                            out.push(c);
                            i += 1;
                        }
                    }
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    changed
}

/// Named HTML references worth decoding for SQL (quotes, brackets, separators).
const NAMED_ENTITIES: &[(&[u8], u8)] = &[
    (b"quot", b'"'),
    (b"apos", b'\''),
    (b"amp", b'&'),
    (b"lt", b'<'),
    (b"gt", b'>'),
    (b"nbsp", b' '),
    (b"lpar", b'('),
    (b"rpar", b')'),
    (b"comma", b','),
    (b"semi", b';'),
    (b"equals", b'='),
    (b"num", b'#'),
    (b"ast", b'*'),
    (b"sol", b'/'),
    (b"grave", b'`'),
];

/// Does `input` contain something [`html_decode_into`] would change?
pub fn has_html_entity(input: &[u8]) -> bool {
    memchr::memchr_iter(b'&', input).any(|i| {
        let rest = input.get(i + 1..).unwrap_or(&[]);
        rest.first() == Some(&b'#')
            || NAMED_ENTITIES
                .iter()
                .any(|(name, _)| rest.starts_with(name) && rest.get(name.len()) == Some(&b';'))
    })
}

/// Decode HTML character references (`&#39;`, `&#x27;`, and a few named ones) into `out`.
/// Returns whether anything was decoded.
pub fn html_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    out.reserve(input.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = input.get(i) {
        if c != b'&' {
            out.push(c);
            i += 1;
            continue;
        }
        let rest = input.get(i + 1..).unwrap_or(&[]);
        if rest.first() == Some(&b'#') {
            let (hex, digits_start) = match rest.get(1) {
                Some(b'x' | b'X') => (true, 2),
                _ => (false, 1),
            };
            let digits = rest.get(digits_start..).unwrap_or(&[]);
            let n = digits
                .iter()
                .take(8)
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if n > 0 {
                let mut cp: u32 = 0;
                for &d in digits.get(..n).unwrap_or(&[]) {
                    let v = u32::from(hex_val(d).unwrap_or(0));
                    cp = cp.saturating_mul(if hex { 16 } else { 10 }).saturating_add(v);
                }
                push_code_point(cp, out);
                changed = true;
                // '&' '#' ['x'] digits [';']
                let mut len = 1 + digits_start + n;
                if rest.get(digits_start + n) == Some(&b';') {
                    len += 1;
                }
                i += len;
                continue;
            }
        } else if let Some((name, ch)) = NAMED_ENTITIES
            .iter()
            .find(|(name, _)| rest.starts_with(name) && rest.get(name.len()) == Some(&b';'))
        {
            out.push(*ch);
            changed = true;
            i += 1 + name.len() + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    changed
}

/// A SQLi hit on one decoding variant of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedHit {
    /// Fingerprint that matched.
    pub fingerprint: Fingerprint,
    /// The variant of the value that matched.
    pub decoded: Vec<u8>,
}

/// Reusable decoder: decodes a value the way a web application would and runs [`detect`] on
/// every distinct variant (decoded once, decoded again for double encoding, HTML-decoded).
#[derive(Debug, Default, Clone)]
pub struct ValueDecoder {
    a: Vec<u8>,
    b: Vec<u8>,
}

impl ValueDecoder {
    /// A decoder with empty scratch buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decode `raw` (percent-decoding with `plus` semantics, up to [`MAX_DECODE_ROUNDS`] rounds,
    /// then HTML references) and return the first variant detected as SQLi. With
    /// `include_raw`, the undecoded value is checked first.
    pub fn detect(&mut self, raw: &[u8], plus: Plus, include_raw: bool) -> Option<DecodedHit> {
        let hit = |v: &[u8]| {
            detect(v).map(|fingerprint| DecodedHit {
                fingerprint,
                decoded: v.to_vec(),
            })
        };
        let needs = needs_percent_decoding(raw, plus);
        let mut raw_checked = false;
        if include_raw || !needs {
            if let Some(h) = hit(raw) {
                return Some(h);
            }
            raw_checked = true;
        }
        let mut cur_is_raw = true;
        if needs && percent_decode_into(raw, plus, &mut self.a) {
            if let Some(h) = hit(&self.a) {
                return Some(h);
            }
            cur_is_raw = false;
            // Further rounds (double encoding): '+' is literal after the first round.
            for _ in 1..MAX_DECODE_ROUNDS {
                if !needs_percent_decoding(&self.a, Plus::Keep)
                    || !percent_decode_into(&self.a, Plus::Keep, &mut self.b)
                {
                    break;
                }
                std::mem::swap(&mut self.a, &mut self.b);
                if let Some(h) = hit(&self.a) {
                    return Some(h);
                }
            }
        }
        if cur_is_raw && !raw_checked {
            if let Some(h) = hit(raw) {
                return Some(h);
            }
        }
        let cur: &[u8] = if cur_is_raw { raw } else { &self.a };
        if has_html_entity(cur) && html_decode_into(cur, &mut self.b) {
            if let Some(h) = hit(&self.b) {
                return Some(h);
            }
        }
        None
    }

    /// Percent-decode `raw` once into an owned string (lossy UTF-8), for names and reports.
    pub fn decode_lossy(&mut self, raw: &[u8], plus: Plus) -> String {
        if needs_percent_decoding(raw, plus) {
            percent_decode_into(raw, plus, &mut self.b);
            String::from_utf8_lossy(&self.b).into_owned()
        } else {
            String::from_utf8_lossy(raw).into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd(s: &str, plus: Plus) -> Vec<u8> {
        let mut out = Vec::new();
        percent_decode_into(s.as_bytes(), plus, &mut out);
        out
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(pd("1%27%20OR%201=1", Plus::Keep), b"1' OR 1=1");
        assert_eq!(pd("a+b%2Bc", Plus::Space), b"a b+c");
        assert_eq!(pd("a+b", Plus::Keep), b"a+b");
        assert_eq!(pd("%zz%2%", Plus::Keep), b"%zz%2%");
        assert_eq!(pd("%u0027%uFF07%u00e9", Plus::Keep), "''é".as_bytes());
        assert_eq!(pd("%uD800", Plus::Keep), "\u{FFFD}".as_bytes());
        assert_eq!(pd("%u12", Plus::Keep), b"%u12");
        assert_eq!(pd("%00", Plus::Keep), b"\0");
        assert_eq!(pd("", Plus::Keep), b"");
    }

    #[test]
    fn html_decoding() {
        let mut out = Vec::new();
        assert!(html_decode_into(b"1&#39; OR &#x27;1&apos;=&quot;1", &mut out));
        assert_eq!(out, b"1' OR '1'=\"1");
        assert!(!html_decode_into(b"Tom & Jerry &unknown; &#;", &mut out));
        assert_eq!(out, b"Tom & Jerry &unknown; &#;");
        assert!(has_html_entity(b"a&#39"));
        assert!(!has_html_entity(b"a & b"));
        assert!(html_decode_into(b"&#99999999999", &mut out));
    }

    #[test]
    fn decoder_variants() {
        let mut d = ValueDecoder::new();
        let h = d.detect(b"1%27+OR+%271%27%3D%271", Plus::Space, false).unwrap();
        assert_eq!(h.fingerprint.as_str(), "s&sos");
        assert_eq!(h.decoded, b"1' OR '1'='1");
        // Double encoding.
        let h = d
            .detect(b"1%2527%2520OR%25201%253D1--%2520", Plus::Space, false)
            .unwrap();
        assert_eq!(h.decoded, b"1' OR 1=1-- ");
        // IIS %u and full-width quote.
        let h = d
            .detect(b"1%uFF07%u0020OR%u00201=1--%20", Plus::Keep, false)
            .unwrap();
        assert_eq!(h.decoded, b"1' OR 1=1-- ");
        // HTML entities.
        let h = d.detect(b"1&#39; or 1=1-- -", Plus::Keep, false).unwrap();
        assert_eq!(h.decoded, b"1' or 1=1-- -");
        assert_eq!(d.detect(b"O%27Brien", Plus::Space, false), None);
        assert_eq!(d.detect(b"100%25+cotton", Plus::Space, false), None);
        assert_eq!(d.detect(b"", Plus::Space, true), None);
        assert_eq!(d.decode_lossy(b"a+%41", Plus::Space), "a A");
    }
}
