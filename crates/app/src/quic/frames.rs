//! QUIC frames of a (decrypted) packet as Suricata 7.0.10's `rust/src/quic/frames.rs` decodes
//! them: PADDING, PING, ACK, CRYPTO (reassembled across frames and packets into a TLS
//! ClientHello / ServerHello, parsed with rusticata's `tls-parser` as Suricata does), gQUIC
//! STREAM frames with their crypto handshake tags, and anything else swallowing the rest.

use super::header::Cur;
use crate::tls::Ja4;
use tls_parser::{
    parse_tls_extensions, parse_tls_message_handshake, TlsExtension, TlsExtensionType, TlsMessage,
    TlsMessageHandshake,
};

/// Largest CRYPTO data reassembled (Suricata's `QUIC_MAX_CRYPTO_FRAG_LEN`).
pub const MAX_CRYPTO_FRAG_LEN: u64 = 65535;

/// One TLS extension of a hello: its type and the values Suricata logs for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsExt {
    pub etype: u16,
    pub values: Vec<Vec<u8>>,
}

/// A parsed TLS hello carried by CRYPTO frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    pub client: bool,
    pub ja3: String,
    /// JA4 hash (ClientHello only).
    pub ja4: Option<String>,
    pub extv: Vec<TlsExt>,
}

/// gQUIC crypto handshake tags (Suricata's `StreamTag`).
const TAGS: &[(u32, &str)] = &[
    (0x4145_4144, "AEAD"),
    (0x4343_5254, "CCRT"),
    (0x4343_5300, "CCS"),
    (0x4345_5456, "CETV"),
    (0x4346_4357, "CFCW"),
    (0x4348_4c4f, "CHLO"),
    (0x434f_5054, "COPT"),
    (0x4353_4354, "CSCT"),
    (0x4354_494d, "CTIM"),
    (0x4943_534c, "ICSL"),
    (0x4952_5454, "IRTT"),
    (0x4b45_5853, "KEXS"),
    (0x4d49_4453, "MIDS"),
    (0x4d53_5043, "MSPC"),
    (0x4e4f_4e43, "NONC"),
    (0x4e4f_4e50, "NONP"),
    (0x5041_4400, "PAD"),
    (0x5044_4d44, "PDMD"),
    (0x5055_4253, "PUBS"),
    (0x5343_4944, "SCID"),
    (0x5343_4c53, "SCLS"),
    (0x5346_4357, "SFCW"),
    (0x534d_484c, "SMHL"),
    (0x534e_4900, "SNI"),
    (0x534e_4f00, "SNO"),
    (0x5354_4b00, "STK"),
    (0x5443_4944, "TCID"),
    (0x5541_4944, "UAID"),
    (0x5645_5200, "VER"),
    (0x584c_4354, "XLCT"),
];
pub const TAG_SNI: u32 = 0x534e_4900;
pub const TAG_UAID: u32 = 0x5541_4944;

/// The name of a known tag.
pub fn tag_name(tag: u32) -> Option<&'static str> {
    TAGS.iter().find(|(t, _)| *t == tag).map(|(_, n)| *n)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Padding,
    Ping,
    Ack,
    /// CRYPTO data holding a whole TLS hello.
    Crypto(Hello),
    /// CRYPTO data to reassemble (also: what was reassembled so far, `offset` then being the
    /// number of bytes set).
    CryptoFrag {
        offset: u64,
        length: u64,
        data: Vec<u8>,
    },
    /// A gQUIC stream frame; its crypto handshake tags when it holds a whole message.
    Stream {
        tags: Option<Vec<(u32, Vec<u8>)>>,
    },
    Unknown,
}

/// Suricata's `quic_get_tls_extensions`: the extensions, appended to the JA3 string (with
/// curves and point formats for a client) and to the JA4.
fn extensions(
    input: Option<&[u8]>,
    ja3: &mut String,
    mut ja4: Option<&mut Ja4>,
    client: bool,
) -> Vec<TlsExt> {
    let mut extv = Vec::new();
    let Some(raw) = input else {
        return extv;
    };
    let Ok((_, exts)) = parse_tls_extensions(raw) else {
        return extv;
    };
    for (i, e) in exts.iter().enumerate() {
        let etype = u16::from(TlsExtensionType::from(e));
        if i > 0 {
            ja3.push('-');
        }
        ja3.push_str(&etype.to_string());
        if let Some(j) = ja4.as_deref_mut() {
            j.add_extension(etype);
        }
        let mut values = Vec::new();
        match e {
            TlsExtension::SupportedVersions(x) => {
                for v in x {
                    values.push(v.to_string().into_bytes());
                    if let Some(j) = ja4.as_deref_mut() {
                        j.set_version(v.0);
                    }
                }
            }
            TlsExtension::SNI(x) => {
                for (_, name) in x {
                    values.push(name.to_vec());
                }
            }
            TlsExtension::SignatureAlgorithms(x) => {
                for s in x {
                    values.push(s.to_string().into_bytes());
                    if let Some(j) = ja4.as_deref_mut() {
                        j.add_sigalg(*s);
                    }
                }
            }
            TlsExtension::ALPN(x) => {
                if let (Some(first), Some(j)) = (x.first(), ja4.as_deref_mut()) {
                    j.set_alpn(first);
                }
                for a in x {
                    values.push(a.to_vec());
                }
            }
            _ => {}
        }
        extv.push(TlsExt { etype, values });
    }
    if client {
        ja3.push(',');
        let mut first = true;
        for e in &exts {
            if let TlsExtension::EllipticCurves(x) = e {
                for g in x {
                    if !first {
                        ja3.push('-');
                    }
                    first = false;
                    ja3.push_str(&g.0.to_string());
                }
            }
        }
        ja3.push(',');
        first = true;
        for e in &exts {
            if let TlsExtension::EcPointFormats(x) = e {
                for f in x.iter() {
                    if !first {
                        ja3.push('-');
                    }
                    first = false;
                    ja3.push_str(&f.to_string());
                }
            }
        }
    }
    extv
}

/// Suricata's `parse_quic_handshake`: a ClientHello or ServerHello, else `None`.
fn hello(msg: TlsMessage<'_>) -> Option<Hello> {
    let TlsMessage::Handshake(hs) = msg else {
        return None;
    };
    match hs {
        TlsMessageHandshake::ClientHello(ch) => {
            let mut ja3 = String::with_capacity(256);
            ja3.push_str(&ch.version.0.to_string());
            ja3.push(',');
            let mut ja4 = Ja4::new();
            ja4.set_quic();
            for (i, c) in ch.ciphers.iter().enumerate() {
                if i > 0 {
                    ja3.push('-');
                }
                ja3.push_str(&c.0.to_string());
                ja4.add_cipher(c.0);
            }
            ja3.push(',');
            let extv = extensions(ch.ext, &mut ja3, Some(&mut ja4), true);
            Some(Hello {
                client: true,
                ja3,
                ja4: Some(ja4.hash()),
                extv,
            })
        }
        TlsMessageHandshake::ServerHello(sh) => {
            let mut ja3 = String::with_capacity(64);
            ja3.push_str(&sh.version.0.to_string());
            ja3.push(',');
            ja3.push_str(&sh.cipher.0.to_string());
            ja3.push(',');
            let extv = extensions(sh.ext, &mut ja3, None, false);
            Some(Hello {
                client: false,
                ja3,
                ja4: None,
                extv,
            })
        }
        _ => None,
    }
}

/// Suricata's `parse_crypto_frame`.
fn crypto_frame(c: &mut Cur<'_>) -> Option<Frame> {
    let offset = c.var()?;
    let length = c.var()?;
    let data = c.take(usize::try_from(length).ok()?)?;
    if offset > 0 {
        return Some(Frame::CryptoFrag {
            offset,
            length,
            data: data.to_vec(),
        });
    }
    match parse_tls_message_handshake(data) {
        Ok((_, msg)) => hello(msg).map(Frame::Crypto),
        // Offset 0 but incomplete: kept for reassembly.
        Err(tls_parser::Err::Incomplete(_)) => Some(Frame::CryptoFrag {
            offset,
            length,
            data: data.to_vec(),
        }),
        Err(_) => None,
    }
}

/// Suricata's `parse_crypto_stream`: `[tag][n: le16][pad 2][(tag, end offset: le32) * n][values]`,
/// all of `b` consumed.
fn crypto_stream(b: &[u8]) -> Option<Vec<(u32, Vec<u8>)>> {
    let mut c = Cur { b, pos: 0 };
    let known = |t: u32| tag_name(t).map(|_| t);
    known(u32::from_be_bytes(c.take(4)?.try_into().ok()?))?;
    let n = u16::from_le_bytes(c.take(2)?.try_into().ok()?);
    c.take(2)?;
    let mut offs = Vec::new();
    for _ in 0..n {
        let tag = known(u32::from_be_bytes(c.take(4)?.try_into().ok()?))?;
        offs.push((tag, c.le_u32()?));
    }
    let mut tags = Vec::with_capacity(offs.len());
    let mut prev = 0u32;
    for (tag, off) in offs {
        let len = off.checked_sub(prev)?;
        let v = c.take(usize::try_from(len).ok()?)?;
        prev = off;
        tags.push((tag, v.to_vec()));
    }
    (c.pos == b.len()).then_some(tags)
}

/// Suricata's `parse_stream_frame` (gQUIC STREAM, type `0b1fdooo ss`).
fn stream_frame(c: &mut Cur<'_>, ty: u8) -> Option<Frame> {
    let has_len = ty & 0x20 != 0;
    let mut off_len = usize::from((ty & 0x1c) >> 2);
    if off_len != 0 {
        off_len += 1;
    }
    c.take(usize::from(ty & 0x03) + 1)?;
    c.take(off_len)?;
    let data = if has_len {
        let l = u16::from_be_bytes(c.take(2)?.try_into().ok()?);
        c.take(usize::from(l))?
    } else {
        c.rest()
    };
    Some(Frame::Stream {
        tags: crypto_stream(data),
    })
}

/// Suricata's `Frame::decode_frame`.
fn frame(c: &mut Cur<'_>) -> Option<Frame> {
    let ty = c.u8()?;
    if ty & 0x80 != 0 {
        return stream_frame(c, ty);
    }
    Some(match ty {
        0x00 => {
            while c.b.get(c.pos) == Some(&0) {
                c.pos += 1;
            }
            Frame::Padding
        }
        0x01 => Frame::Ping,
        0x02 | 0x03 => {
            c.var()?;
            c.var()?;
            let ranges = c.var()?;
            c.var()?;
            let mut i = 0u64;
            while i < ranges {
                c.var()?;
                c.var()?;
                i += 1;
            }
            if ty == 0x03 {
                c.var()?;
                c.var()?;
                c.var()?;
            }
            Frame::Ack
        }
        0x06 => return crypto_frame(c),
        0x08 => {
            c.var()?;
            let l = c.var()?;
            if l > u64::from(u32::MAX) {
                return None;
            }
            let data = c.take(usize::try_from(l).ok()?)?;
            Frame::Stream {
                tags: crypto_stream(data),
            }
        }
        _ => {
            c.rest();
            Frame::Unknown
        }
    })
}

/// Suricata's `Frame::decode_frames`: every frame of `input` (`None` if one does not parse),
/// then the CRYPTO fragments reassembled with `past` (the data reassembled by earlier
/// packets, `past_len` bytes of it set): a parsed hello is appended as [`Frame::Crypto`], an
/// incomplete one as a [`Frame::CryptoFrag`] holding all the data so far.
pub fn decode(input: &[u8], past: &[u8], past_len: u32) -> Option<Vec<Frame>> {
    let mut c = Cur { b: input, pos: 0 };
    let mut frames = Vec::new();
    while c.pos < input.len() {
        frames.push(frame(&mut c)?);
    }
    let mut max = past.len() as u64;
    let mut total = 0u64;
    for f in &frames {
        if let Frame::CryptoFrag { offset, length, .. } = f {
            max = max.max(offset.saturating_add(*length));
            total = total.saturating_add(*length);
        }
    }
    if max > 0 && max < MAX_CRYPTO_FRAG_LEN {
        let mut d = vec![0u8; usize::try_from(max).ok()?];
        if let Some(x) = d.get_mut(..past.len()) {
            x.copy_from_slice(past);
        }
        for f in &frames {
            if let Frame::CryptoFrag { offset, data, .. } = f {
                let start = usize::try_from(*offset).ok()?;
                if let Some(x) = start
                    .checked_add(data.len())
                    .and_then(|end| d.get_mut(start..end))
                {
                    x.copy_from_slice(data);
                }
            }
        }
        let set = total.saturating_add(u64::from(past_len));
        if set >= max && total > 0 {
            match parse_tls_message_handshake(&d) {
                Ok((_, msg)) => {
                    if let Some(h) = hello(msg) {
                        frames.push(Frame::Crypto(h));
                    }
                }
                Err(tls_parser::Err::Incomplete(_)) => frames.push(Frame::CryptoFrag {
                    offset: set,
                    length: max,
                    data: d,
                }),
                Err(_) => {}
            }
        } else {
            frames.push(Frame::CryptoFrag {
                offset: set,
                length: max,
                data: d,
            });
        }
    } else if max >= MAX_CRYPTO_FRAG_LEN {
        // Too big to reassemble: only says so.
        frames.push(Frame::CryptoFrag {
            offset: 0,
            length: max,
            data: Vec::new(),
        });
    }
    Some(frames)
}
