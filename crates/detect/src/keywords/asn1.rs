//! `asn1`: BER decoding of the packet payload and Suricata 7.0.10's checks on what it decodes
//! (`rust/src/asn1/mod.rs`, `detect-asn1.c`): `oversize_length N` (an object's definite length
//! or content over N), `bitstring_overflow` (a primitive universal BIT STRING whose unused-bit
//! count exceeds 8 × its length), `double_overflow` (a primitive universal REAL in binary
//! encoding longer than 256 bytes). Decoding starts at `absolute_offset`, or at
//! `relative_offset` from the end of the payload match, else at 0, and reads up to
//! `max_frames` (30) objects one after the other, each at most 30 levels deep, with
//! `der-parser`'s `parse_ber_recursive` as Suricata does; the first object that fails to decode
//! ends the list.
//!
//! Suricata runs `asn1` from the packet match list, after every payload keyword matched, once,
//! on the packet's own payload with the payload inspection's last offset: here it is the last
//! step of the payload list ([`super::Step::Asn1`]), and its failure ends the inspection (no
//! backtracking into the payload keywords). On a reassembled stream chunk Suricata still decodes
//! the *packet's* payload with the offset found in the stream; the engine does not evaluate
//! `asn1` there (no match) — see `engine.rs`.

use super::CompileError;
use der_parser::ber::{parse_ber_recursive, BerObject, BerObjectContent, Tag};

/// Suricata's `ASN1_DEFAULT_MAX_FRAMES` (the `asn1-max-frames` setting's default).
const MAX_FRAMES: usize = 30;

/// A compiled `asn1` keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asn1M {
    pub bitstring_overflow: bool,
    pub double_overflow: bool,
    pub oversize_length: Option<u32>,
    pub absolute_offset: Option<u16>,
    pub relative_offset: Option<i32>,
}

impl Asn1M {
    /// Checks the parsed options against Suricata's ranges (`absolute_offset` a u16,
    /// `relative_offset` within ±65535).
    pub fn compile(a: &rules::Asn1) -> Result<Asn1M, CompileError> {
        let absolute_offset = match a.absolute_offset {
            None => None,
            Some(v) => Some(
                u16::try_from(v)
                    .map_err(|_| CompileError::new("asn1", format!("absolute_offset {v} out of range")))?,
            ),
        };
        if let Some(v) = a.relative_offset {
            if !(-65535..=65535).contains(&v) {
                return Err(CompileError::new(
                    "asn1",
                    format!("relative_offset {v} out of range"),
                ));
            }
        }
        Ok(Asn1M {
            bitstring_overflow: a.bitstring_overflow,
            double_overflow: a.double_overflow,
            oversize_length: a.oversize_length,
            absolute_offset,
            relative_offset: a.relative_offset,
        })
    }

    /// `DetectAsn1Match`: decodes `payload` from the start offset (`prev` is the payload
    /// inspection's offset) and runs the checks. An empty payload or a start offset outside
    /// it is no match.
    pub fn matches(&self, payload: &[u8], prev: usize) -> bool {
        if payload.is_empty() {
            return false;
        }
        // `rs_asn1_decode` takes the length as a u16.
        let payload = payload
            .get(..payload.len().min(usize::from(u16::MAX)))
            .unwrap_or_default();
        let Some(start) = self.start(prev) else {
            return false;
        };
        let Some(mut rest) = payload.get(start..).filter(|r| !r.is_empty()) else {
            return false;
        };
        // `Asn1::from_slice`: every object first (at most MAX_FRAMES), then the checks.
        let mut objs = Vec::new();
        while !rest.is_empty() {
            if objs.len() >= MAX_FRAMES {
                // `Asn1DecodeError::MaxFrames`: nothing is checked.
                return false;
            }
            match parse_ber_recursive(rest, MAX_FRAMES) {
                Ok((r, obj)) => {
                    objs.push(obj);
                    rest = r;
                }
                Err(_) => break,
            }
        }
        objs.iter().any(|o| self.check_recursive(o, MAX_FRAMES))
    }

    /// `asn1_decode`'s offset: absolute, else relative to `prev` (as a u16), else 0.
    fn start(&self, prev: usize) -> Option<usize> {
        if let Some(a) = self.absolute_offset {
            return Some(usize::from(a));
        }
        let Some(rel) = self.relative_offset else {
            return Some(0);
        };
        let prev = u32::try_from(prev).ok()?;
        let off = if rel > 0 {
            prev.checked_add(rel.unsigned_abs())?
        } else {
            prev.checked_sub(rel.unsigned_abs())?
        };
        u16::try_from(off).ok().map(usize::from)
    }

    /// `check_object_recursive`: this object, then its children, depth-first; a depth of 0
    /// counts as a match (`Asn1Check::MaxDepth`).
    fn check_recursive(&self, obj: &BerObject<'_>, depth: usize) -> bool {
        if depth == 0 {
            return true;
        }
        if self.check_object(obj) {
            return true;
        }
        obj.ref_iter().any(|c| self.check_recursive(c, depth - 1))
    }

    /// `check_object`.
    fn check_object(&self, obj: &BerObject<'_>) -> bool {
        let Ok(len) = obj.header.length().definite() else {
            return false;
        };
        let content = obj.content.as_slice().unwrap_or_default();
        if let Some(max) = self.oversize_length {
            let max = max as usize;
            if len > max || content.len() > max {
                return true;
            }
        }
        let universal_primitive = obj.header.is_universal() && obj.header.is_primitive();
        if self.bitstring_overflow && universal_primitive && obj.header.tag() == Tag::BitString {
            if let BerObjectContent::BitString(bits, _) = &obj.content {
                if len > 0 && usize::from(*bits) > len.saturating_mul(8) {
                    return true;
                }
            }
        }
        if self.double_overflow && universal_primitive && obj.header.tag() == Tag::RealType {
            if let Ok(data) = obj.content.as_slice() {
                if len > 0 && data.first().is_some_and(|b| b & 0xc0 == 0) && (len > 256 || data.len() > 256) {
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(opts: &str) -> Asn1M {
        let r = rules::parse_rule(&format!("alert tcp any any -> any any (asn1:{opts}; sid:1;)")).unwrap();
        let a = r
            .options
            .iter()
            .find_map(|o| match o {
                rules::RuleOption::Asn1(a) => Some(a.clone()),
                _ => None,
            })
            .unwrap();
        Asn1M::compile(&a).unwrap()
    }

    /// Suricata's `ASN1_A3` test object (an X.690 example record).
    const A3: &[u8] = b"\x60\x81\x85\x61\x10\x1A\x04John\x1A\x01 P\x1A\x05Smith\xA0\x0A\x1A\x08Director \x42\x01\x33\xA1\x0A\x43\x0819710917 \xA2\x12\x61\x10\x1A\x04Mary\x1A\x01T\x1A\x05 Smith\xA3\x42\x31\x1F\x61\x11\x1A\x05Ralph\x1A\x01 T\x1A\x05Smith\xA0\x0A\x43\x0819571111 \x31\x1F\x61\x11\x1A\x05Susan\x1A\x01B\x1A\x05 Jones\xA0\x0A\x43\x0819590717";

    #[test]
    fn suricata_test_vectors() {
        // oversize_length: the outer object is 133 bytes long.
        assert!(m("oversize_length 132, absolute_offset 0").matches(A3, 0));
        assert!(!m("oversize_length 133, absolute_offset 0").matches(A3, 0));
        // bitstring_overflow: one content byte, 255 unused bits; 7 is fine.
        assert!(m("bitstring_overflow, absolute_offset 0").matches(b"\x03\x01\xFF", 0));
        assert!(!m("bitstring_overflow, absolute_offset 0").matches(b"\x03\x01\x07", 0));
        // double_overflow: a binary REAL (first byte 0x00..0x3f) over 256 bytes.
        let mut real = vec![0x09, 0x82, 0x01, 0x01, 0x00];
        real.extend_from_slice(&[0x41; 256]);
        assert!(m("double_overflow, absolute_offset 0").matches(&real, 0));
        real[4] = 0x80;
        assert!(!m("double_overflow, absolute_offset 0").matches(&real, 0));
        let mut short = vec![0x09, 0x81, 0xff, 0x00];
        short.extend_from_slice(&[0x41; 254]);
        assert!(!m("double_overflow, absolute_offset 0").matches(&short, 0));
    }

    #[test]
    fn offsets_and_frames() {
        let bits = b"junk\x03\x01\xFF";
        let a = m("bitstring_overflow, relative_offset 4");
        assert!(a.matches(bits, 0));
        assert!(!a.matches(bits, 1));
        let a = m("bitstring_overflow, relative_offset -2");
        assert!(a.matches(bits, 6));
        // Before the buffer, at or past its end: no match.
        assert!(!a.matches(bits, 1));
        assert!(!m("bitstring_overflow, absolute_offset 7").matches(bits, 0));
        assert!(!m("bitstring_overflow").matches(b"", 0));
        // Without offsets, from 0: "junk" does not decode, so nothing is checked.
        assert!(!m("bitstring_overflow").matches(bits, 4));
        // Objects one after the other: the second is checked.
        assert!(m("bitstring_overflow").matches(b"\x05\x00\x03\x01\xFF", 0));
        // More than 30 objects: MaxFrames, no match even though the 31st overflows.
        let mut many = b"\x05\x00".repeat(30);
        many.extend_from_slice(b"\x03\x01\xFF");
        assert!(!m("bitstring_overflow").matches(&many, 0));
        let mut fewer = b"\x05\x00".repeat(29);
        fewer.extend_from_slice(b"\x03\x01\xFF");
        assert!(m("bitstring_overflow").matches(&fewer, 0));
    }

    #[test]
    fn nested_and_malformed() {
        // A BIT STRING inside a SEQUENCE.
        assert!(m("bitstring_overflow").matches(b"\x30\x03\x03\x01\xFF", 0));
        // oversize counts nested lengths.
        let mut seq = vec![0x30, 0x82, 0x00, 0x84, 0x04, 0x81, 0x81];
        seq.extend_from_slice(&[0u8; 129]);
        assert!(m("oversize_length 130").matches(&seq, 0));
        assert!(!m("oversize_length 132").matches(&seq, 0));
        // A length past the end does not decode: no match.
        assert!(!m("oversize_length 1").matches(b"\x04\x84\x7f\xff\xff\xff", 0));
        // Truncated and empty input never panic.
        for l in 0..6 {
            let _ = m("oversize_length 0, bitstring_overflow, double_overflow").matches(&seq[..l], 0);
        }
    }

    #[test]
    fn option_ranges() {
        let bad = rules::Asn1 {
            absolute_offset: Some(70000),
            ..Default::default()
        };
        assert_eq!(Asn1M::compile(&bad).unwrap_err().keyword, "asn1");
        let bad = rules::Asn1 {
            relative_offset: Some(-70000),
            ..Default::default()
        };
        assert_eq!(Asn1M::compile(&bad).unwrap_err().keyword, "asn1");
        let ok = m("double_overflow, bitstring_overflow, relative_offset 27, oversize_length 2048");
        assert_eq!(
            ok,
            Asn1M {
                bitstring_overflow: true,
                double_overflow: true,
                oversize_length: Some(2048),
                absolute_offset: None,
                relative_offset: Some(27),
            }
        );
    }
}
