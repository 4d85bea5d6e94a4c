//! Buffer transforms (`dotprefix`, `to_lowercase`, `strip_whitespace`, `to_sha256`, ...), as
//! Suricata's `detect-transform-*.c`: each rewrites the whole buffer before inspection.

use super::CompileError;
use md5::Digest;
use pcre2::bytes::{Regex, RegexBuilder};
use rules::Transform;

/// Fails for a transform this engine does not implement, or a `pcrexform` regex that does
/// not compile or has other than exactly one capture group (`DetectTransformPcrexformSetup`).
pub fn check(t: &Transform) -> Result<(), CompileError> {
    match t {
        Transform::HeaderLowercase => Err(CompileError::new(
            "transform",
            format!("transform {t:?} is not supported"),
        )),
        Transform::PcreXform(re) => {
            let r = pcrexform_regex(re).map_err(|e| CompileError::new("pcrexform", e))?;
            if r.captures_len() != 2 {
                return Err(CompileError::new(
                    "pcrexform",
                    format!(
                        "pcrexform needs exactly one substring capture, found {}",
                        r.captures_len().saturating_sub(1)
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Compiled `pcrexform` regexes per worker thread (no lock on the inspection path), bounded.
const PCREXFORM_CACHE_MAX: usize = 4096;

thread_local! {
    static PCREXFORM: std::cell::RefCell<hashbrown::HashMap<String, Regex>> =
        std::cell::RefCell::new(hashbrown::HashMap::new());
}

fn pcrexform_regex(re: &str) -> Result<Regex, String> {
    RegexBuilder::new()
        .jit_if_available(true)
        .build(re)
        .map_err(|e| format!("pcre2 compile of \"{re}\" failed: {e}"))
}

/// `pcrexform`: the buffer becomes the regex's first capture; unchanged when the regex does not
/// match or the group did not take part.
fn pcrexform(re: &str, buf: &[u8]) -> Vec<u8> {
    let out = PCREXFORM.with(|c| {
        let mut c = c.borrow_mut();
        if !c.contains_key(re) {
            if c.len() >= PCREXFORM_CACHE_MAX {
                c.clear();
            }
            let r = pcrexform_regex(re).ok()?;
            c.insert(re.to_string(), r);
        }
        let r = c.get(re)?;
        let caps = r.captures(buf).ok()??;
        caps.get(1).map(|m| m.as_bytes().to_vec())
    });
    out.unwrap_or_else(|| buf.to_vec())
}

/// `strip_pseudo_headers`: drops the lines that start with `:` (HTTP/2 pseudo headers), as
/// `DetectTransformStripPseudoHeaders`.
fn strip_pseudo_headers(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut new_line = true;
    let mut pseudo = false;
    for &b in input {
        if new_line {
            if b == b':' {
                pseudo = true;
            }
            if b != b'\r' && b != b'\n' {
                new_line = false;
            }
        } else if b == b'\n' {
            new_line = true;
            if !pseudo {
                out.push(b);
            }
            pseudo = false;
            continue;
        }
        if !pseudo {
            out.push(b);
        }
    }
    out
}

/// The rule keyword of a transform.
pub fn name(t: &Transform) -> &'static str {
    match t {
        Transform::CompressWhitespace => "compress_whitespace",
        Transform::StripWhitespace => "strip_whitespace",
        Transform::StripPseudoHeaders => "strip_pseudo_headers",
        Transform::ToMd5 => "to_md5",
        Transform::ToSha1 => "to_sha1",
        Transform::ToSha256 => "to_sha256",
        Transform::DotPrefix => "dotprefix",
        Transform::UrlDecode => "url_decode",
        Transform::HeaderLowercase => "header_lowercase",
        Transform::ToLowercase => "to_lowercase",
        Transform::ToUppercase => "to_uppercase",
        Transform::PcreXform(_) => "pcrexform",
        Transform::Xor(_) => "xor",
    }
}

fn is_space(b: u8) -> bool {
    // isspace(): space, \t, \n, \v, \f, \r
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Applies `t` to `buf`.
pub fn apply(t: &Transform, buf: &[u8]) -> Vec<u8> {
    match t {
        Transform::DotPrefix => {
            let mut v = Vec::with_capacity(buf.len() + 1);
            v.push(b'.');
            v.extend_from_slice(buf);
            v
        }
        Transform::ToLowercase => buf.to_ascii_lowercase(),
        Transform::ToUppercase => buf.to_ascii_uppercase(),
        Transform::StripWhitespace => buf.iter().copied().filter(|&b| !is_space(b)).collect(),
        Transform::CompressWhitespace => {
            let mut v = Vec::with_capacity(buf.len());
            let mut prev_space = false;
            for &b in buf {
                if is_space(b) {
                    if !prev_space {
                        v.push(b' ');
                    }
                    prev_space = true;
                } else {
                    v.push(b);
                    prev_space = false;
                }
            }
            v
        }
        Transform::ToMd5 => md5::Md5::digest(buf).to_vec(),
        Transform::ToSha1 => sha1::Sha1::digest(buf).to_vec(),
        Transform::ToSha256 => sha2::Sha256::digest(buf).to_vec(),
        Transform::UrlDecode => url_decode(buf),
        Transform::Xor(key) => {
            if key.is_empty() {
                return buf.to_vec();
            }
            buf.iter().zip(key.iter().cycle()).map(|(b, k)| b ^ k).collect()
        }
        Transform::StripPseudoHeaders => strip_pseudo_headers(buf),
        Transform::PcreXform(re) => pcrexform(re, buf),
        Transform::HeaderLowercase => buf.to_vec(),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `url_decode`: `%XX` and `+` (detect-transform-urldecode.c).
fn url_decode(buf: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(buf.len());
    let mut i = 0;
    while let Some(&b) = buf.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                buf.get(i + 1).copied().and_then(hex),
                buf.get(i + 2).copied().and_then(hex),
            ) {
                v.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        v.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms() {
        assert_eq!(apply(&Transform::DotPrefix, b"a.com"), b".a.com");
        assert_eq!(apply(&Transform::CompressWhitespace, b"a  \t b"), b"a b");
        assert_eq!(apply(&Transform::StripWhitespace, b" a b "), b"ab");
        assert_eq!(apply(&Transform::UrlDecode, b"%41+%zz"), b"A %zz");
        assert_eq!(apply(&Transform::ToMd5, b"").len(), 16);
        assert_eq!(apply(&Transform::Xor(vec![1]), b"\x00\x01"), b"\x01\x00");
        assert_eq!(
            apply(&Transform::Xor(vec![0x0d, 0x0a, 0xc8, 0xff]), b"abcde"),
            [0x6c, 0x68, 0xab, 0x9b, 0x68]
        );
        assert_eq!(
            apply(&Transform::ToSha1, b"abc"),
            [
                0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50, 0xc2,
                0x6c, 0x9c, 0xd0, 0xd8, 0x9d
            ]
        );
    }

    #[test]
    fn pcrexform_takes_the_first_capture() {
        let t = Transform::PcreXform(r"/get\?data=(.*)".into());
        assert!(check(&t).is_ok());
        assert_eq!(apply(&t, b"/get?data=xyz"), b"xyz");
        // No match: the buffer is left as it is.
        assert_eq!(apply(&t, b"/post"), b"/post");
        // Exactly one capture group, and a regex that compiles.
        assert!(check(&Transform::PcreXform("a(b)(c)".into())).is_err());
        assert!(check(&Transform::PcreXform("abc".into())).is_err());
        assert!(check(&Transform::PcreXform("a(b".into())).is_err());
        // A group that did not take part leaves the buffer unchanged.
        assert_eq!(apply(&Transform::PcreXform("x|(y)".into()), b"x"), b"x");
    }

    #[test]
    fn strip_pseudo_headers_drops_colon_lines() {
        let t = Transform::StripPseudoHeaders;
        assert_eq!(
            apply(&t, b"\r\n:status\r\naccept-ranges\r\n:x\r\n\r\n"),
            b"\r\naccept-ranges\r\n\r\n"
        );
        assert_eq!(apply(&t, b":method: GET\r\nhost: a\r\n"), b"host: a\r\n");
        assert_eq!(apply(&t, b""), b"");
        assert_eq!(apply(&t, b":only"), b"");
    }
}
