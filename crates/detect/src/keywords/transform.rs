//! Buffer transforms (`dotprefix`, `to_lowercase`, `strip_whitespace`, `to_sha256`, ...), as
//! Suricata's `detect-transform-*.c`: each rewrites the whole buffer before inspection.

use super::CompileError;
use md5::Digest;
use rules::Transform;

/// Fails for a transform this engine does not implement.
pub fn check(t: &Transform) -> Result<(), CompileError> {
    match t {
        Transform::HeaderLowercase | Transform::StripPseudoHeaders | Transform::PcreXform(_) => Err(
            CompileError::new("transform", format!("transform {t:?} is not supported")),
        ),
        _ => Ok(()),
    }
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
        Transform::HeaderLowercase | Transform::StripPseudoHeaders | Transform::PcreXform(_) => buf.to_vec(),
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
    }
}
