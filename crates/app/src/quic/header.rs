//! QUIC packet headers as Suricata 7.0.10's `QuicHeader::from_bytes` reads them: IETF long
//! headers (v1, v2, drafts), gQUIC long headers (Q043-Q046) and gQUIC public headers, and short
//! headers (nothing past the first byte is read: the connection id length is not known).

/// QUIC version 2 (RFC 9369).
pub const V2: u32 = 0x6b33_43cf;
pub const Q043: u32 = 0x5130_3433;
pub const Q044: u32 = 0x5130_3434;
pub const Q045: u32 = 0x5130_3435;
pub const Q046: u32 = 0x5130_3436;

/// Google QUIC versions with their own header layout.
pub fn is_gquic(v: u32) -> bool {
    matches!(v, Q043 | Q044 | Q045 | Q046)
}

/// The version as Suricata logs it: `Q0xx`, `v2`, else lowercase hex without padding.
pub fn version_name(v: u32) -> String {
    match v {
        0x5130_3339 => "Q039".into(),
        Q043 => "Q043".into(),
        Q044 => "Q044".into(),
        Q045 => "Q045".into(),
        Q046 => "Q046".into(),
        V2 => "v2".into(),
        x => format!("{x:x}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PktType {
    Initial,
    Retry,
    Handshake,
    ZeroRtt,
    VersionNegotiation,
    Short,
}

/// A parsed header. The packet's protected part is `length` bytes from `hlen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    pub first: u8,
    pub is_long: bool,
    pub ty: PktType,
    pub version: u32,
    /// Whether the header carries the version (the `quic.version` buffer needs a long header).
    pub has_version: bool,
    pub dcid: &'a [u8],
    /// Header length: where the payload (packet number included) starts.
    pub hlen: usize,
    /// Payload length.
    pub length: u16,
}

/// QUIC variable-length integer: value and bytes used.
pub fn var_uint(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    let n = 1usize << (first >> 6);
    let bytes = b.get(..n)?;
    let mut v = u64::from(first & 0x3f);
    for &x in bytes.iter().skip(1) {
        v = (v << 8) | u64::from(x);
    }
    Some((v, n))
}

/// A byte cursor that fails (None) on short input (headers and frames).
pub(super) struct Cur<'a> {
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Cur<'a> {
    pub(super) fn u8(&mut self) -> Option<u8> {
        let x = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(x)
    }
    fn u32(&mut self) -> Option<u32> {
        let x = self.take(4)?;
        Some(u32::from_be_bytes(x.try_into().ok()?))
    }
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let x = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(x)
    }
    pub(super) fn var(&mut self) -> Option<u64> {
        let (v, n) = var_uint(self.b.get(self.pos..)?)?;
        self.pos += n;
        Some(v)
    }
    pub(super) fn le_u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    /// The bytes left, consumed.
    pub(super) fn rest(&mut self) -> &'a [u8] {
        let r = self.b.get(self.pos..).unwrap_or_default();
        self.pos = self.b.len();
        r
    }
    fn rest_len(&self) -> usize {
        self.b.len().saturating_sub(self.pos)
    }
}

const FLAG_MULTIPATH: u8 = 0x40;
const FLAG_DCID_LEN: u8 = 0x08;
const FLAG_NONCE: u8 = 0x04;
const FLAG_VERSION: u8 = 0x01;

impl<'a> Header<'a> {
    /// Parses the header at the start of `b`; `None` where Suricata's parser fails.
    pub fn parse(b: &'a [u8]) -> Option<Header<'a>> {
        let mut c = Cur { b, pos: 0 };
        let first = c.u8()?;
        let is_long = first & 0x80 != 0;
        if !is_long && first & FLAG_MULTIPATH == 0 {
            // gQUIC public header.
            let dcid = if first & FLAG_DCID_LEN != 0 {
                c.take(8)?
            } else {
                &[]
            };
            if first & FLAG_NONCE != 0 && first & FLAG_DCID_LEN == 0 {
                c.take(32)?;
            }
            let (version, has_version) = if first & FLAG_VERSION != 0 {
                (c.u32()?, true)
            } else {
                (0, false)
            };
            c.take(1 + usize::from((first & 0x30) >> 4))?;
            if first & FLAG_DCID_LEN != 0 {
                c.take(12)?;
            }
            let ty = if has_version {
                PktType::Initial
            } else {
                PktType::Short
            };
            return Some(Header {
                first,
                is_long,
                ty,
                version,
                has_version,
                dcid,
                hlen: c.pos,
                length: u16::try_from(c.rest_len()).ok()?,
            });
        }
        if !is_long {
            return Some(Header {
                first,
                is_long,
                ty: PktType::Short,
                version: 0,
                has_version: false,
                dcid: &[],
                hlen: 1,
                length: u16::try_from(c.rest_len()).ok()?,
            });
        }
        let version = c.u32()?;
        let ty = if version == 0 {
            PktType::VersionNegotiation
        } else if is_gquic(version) && version != Q046 {
            match first & 0x7f {
                0x7f => PktType::Initial,
                0x7e => PktType::Retry,
                0x7d => PktType::Handshake,
                0x7c => PktType::ZeroRtt,
                _ => return None,
            }
        } else if version == V2 {
            match (first & 0x30) >> 4 {
                1 => PktType::Initial,
                2 => PktType::ZeroRtt,
                3 => PktType::Handshake,
                _ => PktType::Retry,
            }
        } else {
            match (first & 0x30) >> 4 {
                0 => PktType::Initial,
                1 => PktType::ZeroRtt,
                2 => PktType::Handshake,
                _ => PktType::Retry,
            }
        };
        let dcid = if is_gquic(version) {
            let lens = c.u8()?;
            let grow = |l: u8| if l != 0 { usize::from(l) + 3 } else { 0 };
            let dcid = c.take(grow(lens >> 4))?;
            c.take(grow(lens & 0x0f))?;
            dcid
        } else {
            let l = c.u8()?;
            let dcid = c.take(usize::from(l))?;
            let l = c.u8()?;
            c.take(usize::from(l))?;
            dcid
        };
        let mut has_length = false;
        match ty {
            PktType::Initial if is_gquic(version) => {
                c.u32()?;
                c.take(12)?;
            }
            PktType::Initial => {
                let tl = c.var()?;
                c.take(usize::try_from(tl).ok()?)?;
                has_length = true;
            }
            // Opaque retry token and integrity tag.
            PktType::Retry => c.pos = b.len(),
            _ => {}
        }
        let length = if has_length {
            let l = c.var()?;
            if l > c.rest_len() as u64 {
                return None;
            }
            u16::try_from(l).ok()?
        } else {
            u16::try_from(c.rest_len()).ok()?
        };
        Some(Header {
            first,
            is_long,
            ty,
            version,
            has_version: true,
            dcid,
            hlen: c.pos,
            length,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_uints() {
        assert_eq!(var_uint(&[0x25]), Some((37, 1)));
        assert_eq!(var_uint(&[0x7b, 0xbd]), Some((15293, 2)));
        assert_eq!(var_uint(&[0x9d, 0x7f, 0x3e, 0x7d]), Some((494_878_333, 4)));
        assert_eq!(
            var_uint(&[0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]),
            Some((151_288_809_941_952_652, 8))
        );
        assert_eq!(var_uint(&[0x7b]), None);
        assert_eq!(var_uint(&[]), None);
    }

    #[test]
    fn v1_initial() {
        // RFC 9001 A.2 header: DCID 8394c8f03e515708, no SCID, no token, length 0x449e.
        let mut b = vec![
            0xc3, 0, 0, 0, 1, 8, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0, 0, 0x44, 0x9e,
        ];
        assert_eq!(Header::parse(&b), None, "length past the datagram");
        b.resize(18 + 0x49e, 0);
        let h = Header::parse(&b).unwrap();
        assert_eq!(h.ty, PktType::Initial);
        assert_eq!(h.version, 1);
        assert_eq!(h.dcid, [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08]);
        assert_eq!((h.hlen, h.length), (18, 0x49e));
        assert_eq!(version_name(h.version), "1");
    }

    #[test]
    fn v2_types_and_names() {
        let b = [0xd0, 0x6b, 0x33, 0x43, 0xcf, 0, 0, 0, 1, 0];
        let h = Header::parse(&b).unwrap();
        assert_eq!((h.ty, h.length, h.hlen), (PktType::Initial, 1, 9));
        assert_eq!(version_name(h.version), "v2");
        let b = [0xf0, 0x6b, 0x33, 0x43, 0xcf, 0, 0, 9, 9];
        assert_eq!(Header::parse(&b).unwrap().ty, PktType::Handshake);
        assert_eq!(version_name(Q044), "Q044");
        assert_eq!(version_name(0xff00_001d), "ff00001d");
    }

    #[test]
    fn short_and_truncated() {
        let h = Header::parse(&[0x40, 1, 2, 3]).unwrap();
        assert_eq!(
            (h.ty, h.hlen, h.length, h.has_version),
            (PktType::Short, 1, 3, false)
        );
        assert_eq!(Header::parse(&[]), None);
        assert_eq!(Header::parse(&[0xc0, 0, 0]), None);
        assert_eq!(Header::parse(&[0xc0, 0, 0, 0, 1, 20, 1, 2]), None);
        // gQUIC Q043 long header with a bad type.
        assert_eq!(Header::parse(&[0xf0, 0x51, 0x30, 0x34, 0x33, 0]), None);
    }

    #[test]
    fn gquic_public_header_with_version() {
        // flags 0x09: version + 8-byte connection id; 1-byte packet number; 12-byte hash.
        let mut b = vec![0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x51, 0x30, 0x34, 0x33, 1];
        b.extend_from_slice(&[0; 12]);
        b.extend_from_slice(b"xyz");
        let h = Header::parse(&b).unwrap();
        assert_eq!(
            (h.ty, h.version, h.has_version, h.is_long),
            (PktType::Initial, Q043, true, false)
        );
        assert_eq!((h.hlen, h.length), (26, 3));
    }
}
