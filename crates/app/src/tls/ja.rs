//! JA3/JA3S and JA4 (client) fingerprints, computed as Suricata 7.0.10 does
//! (`src/util-ja3.c`, `rust/src/ja4.rs`).
//!
//! JA3 is `version,ciphers,extensions,curves,point_formats` (JA3S: `version,cipher,extensions`),
//! values in decimal joined by `-`, GREASE values removed, then MD5 in lowercase hex. JA4 follows
//! Suricata's implementation of the FoxIO spec, including its details: the hashed parts are the
//! SHA-256 of possibly empty strings, the extension part always has the `_` separator, and a
//! second ClientHello (after a HelloRetryRequest) adds its values to the first one's.

use md5::{Digest, Md5};
use sha2::Sha256;
use std::fmt::Write;

/// GREASE values (RFC 8701).
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && (v >> 8) == (v & 0xff)
}

/// One JA3 field: decimal values joined by `-`.
#[derive(Debug, Default, Clone)]
pub struct Ja3Field(String);

impl Ja3Field {
    pub fn push(&mut self, v: u32) {
        if !self.0.is_empty() {
            self.0.push('-');
        }
        let _ = write!(self.0, "{v}");
    }
}

/// A JA3 string being built: fields joined by `,` (Suricata's `Ja3BufferAppendBuffer`).
#[derive(Debug, Default, Clone)]
pub struct Ja3Builder(String);

impl Ja3Builder {
    /// Starts with the hello version.
    pub fn new(version: u16) -> Self {
        Ja3Builder(version.to_string())
    }

    pub fn append(&mut self, field: &Ja3Field) {
        self.0.push(',');
        self.0.push_str(&field.0);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// MD5 of a JA3 string, lowercase hex.
pub fn ja3_hash(s: &str) -> String {
    let d = Md5::digest(s.as_bytes());
    hex(&d)
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// JA4 inputs gathered from ClientHello(s).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ja4 {
    version: Option<u16>,
    ciphers: Vec<u16>,
    extensions: Vec<u16>,
    sigalgs: Vec<u16>,
    domain: bool,
    alpn: [u8; 2],
    nof_exts: u16,
    /// Over QUIC (`q` prefix instead of `t`).
    quic: bool,
}

/// Cap on values kept per list (a hello can't hold more than ~32k of them anyway).
const JA4_MAX_VALUES: usize = 4096;

impl Ja4 {
    pub fn new() -> Self {
        Ja4 {
            alpn: [b'0', b'0'],
            ..Default::default()
        }
    }

    /// Marks the hello as carried by QUIC (Suricata's `set_quic`).
    pub fn set_quic(&mut self) {
        self.quic = true;
    }

    /// Keeps the highest non-GREASE version seen.
    pub fn set_version(&mut self, v: u16) {
        if is_grease(v) {
            return;
        }
        if self.version.is_none_or(|cur| v > cur) {
            self.version = Some(v);
        }
    }

    /// The first ALPN protocol: first and last characters (or hex nibbles when not
    /// alphanumeric); a 2-byte GREASE value is ignored.
    pub fn set_alpn(&mut self, alpn: &[u8]) {
        let (Some(&first), Some(&last)) = (alpn.first(), alpn.last()) else {
            return;
        };
        if alpn.len() == 2 && is_grease(u16::from_be_bytes([first, last])) {
            return;
        }
        if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            self.alpn = [HEX[usize::from(first >> 4)], HEX[usize::from(last & 0xf)]];
            return;
        }
        self.alpn = [first, last];
    }

    pub fn add_cipher(&mut self, c: u16) {
        if !is_grease(c) && self.ciphers.len() < JA4_MAX_VALUES {
            self.ciphers.push(c);
        }
    }

    pub fn add_extension(&mut self, e: u16) {
        if is_grease(e) {
            return;
        }
        if e == 0 {
            self.domain = true;
        } else if e != 16 && self.extensions.len() < JA4_MAX_VALUES {
            self.extensions.push(e);
        }
        self.nof_exts = self.nof_exts.saturating_add(1);
    }

    pub fn add_sigalg(&mut self, s: u16) {
        if !is_grease(s) && self.sigalgs.len() < JA4_MAX_VALUES {
            self.sigalgs.push(s);
        }
    }

    /// The 36-character JA4 fingerprint (`ja4_a_ja4_b_ja4_c`).
    pub fn hash(&self) -> String {
        let version = match self.version {
            Some(0x0304) => "13",
            Some(0x0303) => "12",
            Some(0x0302) => "11",
            Some(0x0301) => "10",
            Some(0x0300) => "s3",
            _ => "00",
        };
        let mut out = String::with_capacity(36);
        let _ = write!(
            out,
            "{}{version}{}{:02}{:02}{}{}_",
            if self.quic { 'q' } else { 't' },
            if self.domain { 'd' } else { 'i' },
            self.ciphers.len().min(99),
            usize::from(self.nof_exts).min(99),
            char::from(self.alpn[0]),
            char::from(self.alpn[1]),
        );
        let list = |v: &[u16], sort: bool| {
            let mut v = v.to_vec();
            if sort {
                v.sort_unstable();
            }
            let mut s = String::with_capacity(v.len() * 5);
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{x:04x}");
            }
            s
        };
        let b = Sha256::digest(list(&self.ciphers, true).as_bytes());
        out.push_str(&hex(&b[..6]));
        out.push('_');
        let c_raw = format!("{}_{}", list(&self.extensions, true), list(&self.sigalgs, false));
        let c = Sha256::digest(c_raw.as_bytes());
        out.push_str(&hex(&c[..6]));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease() {
        assert!(is_grease(0x0a0a));
        assert!(is_grease(0xfafa));
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0x1301));
    }

    #[test]
    fn ja3_string_and_hash() {
        let mut b = Ja3Builder::new(771);
        let mut f = Ja3Field::default();
        f.push(49200);
        b.append(&f);
        let mut f = Ja3Field::default();
        for e in [65281, 0, 11, 16, 23] {
            f.push(e);
        }
        b.append(&f);
        assert_eq!(b.as_str(), "771,49200,65281-0-11-16-23");
        // From the benign-web capture's reference EVE.
        assert_eq!(ja3_hash(b.as_str()), "263c859c5391203d774bc0599793d915");
        let mut b = Ja3Builder::new(769);
        b.append(&Ja3Field::default());
        assert_eq!(b.as_str(), "769,");
    }

    #[test]
    fn ja4_empty_and_alpn() {
        let mut j = Ja4::new();
        j.set_version(0x0303);
        j.set_alpn(b"h2");
        assert_eq!(&j.hash()[..11], "t12i0000h2_");
        // Suricata hashes the empty strings.
        assert_eq!(j.hash(), "t12i0000h2_e3b0c44298fc_d2e2adf7177b");
        j.set_alpn(b"\x00x");
        assert_eq!(&j.hash()[..10], "t12i000008");
        let mut j = Ja4::new();
        j.set_alpn(&[0x1a, 0x1a]);
        assert_eq!(&j.hash()[..10], "t00i000000");
    }
}
