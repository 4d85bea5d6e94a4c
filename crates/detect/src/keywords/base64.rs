//! `base64_decode` and `base64_data`: decoding base64 text found in a buffer and inspecting the
//! decoded bytes, as Suricata 7's `detect-base64-decode.c` / `detect-base64-data.c` and
//! `util-base64.c` (RFC 4648 mode) do. `base64_decode` is a step of its buffer's keyword list;
//! when it decodes at least one byte, the `base64_data` list is run on the decoded bytes and,
//! when it matches, the rule's list matches there ("base64 is a terminal list").

use super::{CompileError, StepList};
use rules::Base64Decode;

/// Suricata's `BASE64_DECODE_MAX`: the input length when `bytes` is not given.
pub const BASE64_DECODE_MAX: u32 = 65_535;

/// A compiled `base64_decode`.
#[derive(Debug)]
pub struct Base64DecodeM {
    /// Most input bytes decoded.
    pub bytes: u32,
    pub offset: u32,
    pub relative: bool,
    /// Capacity of the decode buffer: the largest `bytes` of the whole ruleset
    /// (`de_ctx->base64_decode_max_len`), set once every rule is compiled.
    pub dest_size: u32,
    /// The `base64_data` keywords (none: the step never matches, as in Suricata).
    pub data: Option<Box<StepList>>,
}

impl Base64DecodeM {
    pub fn compile(x: &Base64Decode) -> Result<Self, CompileError> {
        let bytes = match x.bytes {
            None | Some(0) => BASE64_DECODE_MAX,
            Some(b) => b,
        };
        if bytes > BASE64_DECODE_MAX {
            return Err(CompileError::new("base64_decode", "bytes above 65535"));
        }
        Ok(Base64DecodeM {
            bytes,
            offset: x.offset.unwrap_or(0),
            relative: x.relative,
            dest_size: bytes,
            data: None,
        })
    }

    /// Decodes from `buf` (after `prev` when relative) into `out`; whether any byte was
    /// decoded (`DetectBase64DecodeDoMatch`).
    pub fn decode(&self, buf: &[u8], prev: usize, out: &mut Vec<u8>) -> bool {
        out.clear();
        let start = if self.relative { prev } else { 0 };
        let Some(mut input) = buf.get(start..) else {
            return false;
        };
        if self.offset > 0 {
            let off = self.offset as usize;
            if off >= input.len() {
                return false;
            }
            input = input.get(off..).unwrap_or(&[]);
        }
        let n = input.len().min(self.bytes as usize);
        decode_rfc4648(input.get(..n).unwrap_or(&[]), self.dest_size as usize, out);
        !out.is_empty()
    }
}

/// A base64 alphabet character's value (RFC 4648, standard alphabet).
pub(super) fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `DecodeBase64Block`: four 6-bit values to three bytes.
pub(super) fn decode_block(b: &[u8; 4]) -> [u8; 3] {
    [
        (b[0] << 2) | (b[1] >> 4),
        (b[1] << 4) | (b[2] >> 2),
        (b[2] << 6) | b[3],
    ]
}

/// Writes one decoded block at `at` (three bytes, as `DecodeBase64Block` does).
fn block(out: &mut Vec<u8>, at: usize, b: [u8; 4]) {
    let bytes = decode_block(&b);
    if out.len() < at + 3 {
        out.resize(at + 3, 0);
    }
    if let Some(dst) = out.get_mut(at..at + 3) {
        dst.copy_from_slice(&bytes);
    }
}

/// Suricata's `DecodeBase64(.., BASE64_MODE_RFC4648)`: `=` counts as padding (and as a zero
/// digit) wherever it is; the first other non-alphabet byte ends decoding, a partial block
/// before it still giving its bytes; a trailing partial block without error gives
/// `bbidx - 1` bytes. The output is the decoded bytes (at most `dest_size`).
pub fn decode_rfc4648(src: &[u8], dest_size: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut decoded = 0usize;
    let mut b64 = [0u8; 4];
    let mut bbidx = 0usize;
    let mut padding = 0usize;
    let mut valid = true;
    for &c in src {
        let v = match value(c) {
            Some(v) => v,
            None if c == b'=' => {
                padding += 1;
                0
            }
            None => {
                valid = false;
                break;
            }
        };
        if let Some(slot) = b64.get_mut(bbidx) {
            *slot = v;
        }
        bbidx += 1;
        if bbidx == 4 {
            let n = 3 - padding.min(3);
            if dest_size < decoded + n || dest_size - decoded < 3 {
                out.truncate(decoded);
                return;
            }
            block(out, decoded, b64);
            decoded += n;
            bbidx = 0;
            padding = 0;
            b64 = [0; 4];
        }
    }
    if bbidx > 0 && bbidx < 4 && !valid {
        let pad = if bbidx > 1 { 4 - bbidx } else { 2 };
        let n = 3 - pad.min(3);
        if dest_size < decoded + n || dest_size - decoded < 3 {
            out.truncate(decoded);
            return;
        }
        block(out, decoded, b64);
        decoded += n;
    }
    if valid && bbidx > 0 {
        if dest_size.saturating_sub(decoded) < 3 {
            out.truncate(decoded);
            return;
        }
        block(out, decoded, b64);
        decoded += bbidx - 1;
    }
    out.truncate(decoded);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        decode_rfc4648(s, 65_535, &mut v);
        v
    }

    #[test]
    fn decodes_like_suricata() {
        assert_eq!(dec(b"SGVsbG8gV29ybGR6"), b"Hello Worldz");
        assert_eq!(dec(b"SGVsbG8gV29ybGQ="), b"Hello World");
        // A trailing partial block: bbidx - 1 bytes.
        assert_eq!(dec(b"SGVsbG8gV29ybGR"), b"Hello World");
        // An invalid byte ends decoding; the partial block before it gives its bytes.
        assert_eq!(dec(b"SGVs bG8"), b"Hel");
        assert_eq!(dec(b"SGVsb;xx"), b"Hel\x6c");
        // `=` inside the data is a zero digit and padding of its block.
        assert_eq!(dec(b"QQ==QUFB"), b"AAAA");
        assert_eq!(dec(b""), b"");
        assert_eq!(dec(b";"), b"");
        // One digit alone decodes nothing.
        assert_eq!(dec(b"Q"), b"");
    }

    #[test]
    fn small_destination_stops_early() {
        let mut v = Vec::new();
        decode_rfc4648(b"SGVsbG8gV29ybGR6", 5, &mut v);
        assert_eq!(v, b"Hel");
        decode_rfc4648(b"nk", 2, &mut v);
        assert!(v.is_empty());
    }

    #[test]
    fn decode_step_offsets() {
        let m = Base64DecodeM {
            bytes: 4,
            offset: 1,
            relative: true,
            dest_size: 65_535,
            data: None,
        };
        let mut out = Vec::new();
        // From prev (3) + offset 1: "SGVsbG8" limited to 4 bytes: "SGVs".
        assert!(m.decode(b"ab=xSGVsbG8", 3, &mut out));
        assert_eq!(out, b"Hel");
        // Offset at or past the end: no decode.
        assert!(!m.decode(b"abcd", 3, &mut out));
        assert!(!m.decode(b"abcd", 9, &mut out));
    }
}
