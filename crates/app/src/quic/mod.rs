//! QUIC over UDP as Suricata 7.0.10's `rust/src/quic` parses and logs it.
//!
//! Each datagram may hold several (coalesced) packets. Per packet, as Suricata's
//! `QuicState::parse`: once a direction's TLS hello was seen its packets are encrypted and
//! parsing stops; a short header stops it too. The first Initial packet sets the Initial keys
//! (from its destination connection id and the version's salt; v1, v2, drafts and Q050); a
//! server Retry drops them (once). A packet that is not an Initial makes a transaction with
//! only its header. An Initial is decrypted (header protection, then AES-128-GCM), its frames
//! decoded ([`frames`]), its CRYPTO data reassembled (across packets too) into a TLS
//! ClientHello / ServerHello, and it makes one transaction with the SNI, extensions and
//! JA3 / JA4 of the hello, or gQUIC's SNI / UAID tags and CYU fingerprints. A packet that
//! fails to decrypt or to decode makes a transaction holding only an event
//! (`failed_decrypt` / `error_on_data`) and ends the datagram's parsing.
//!
//! Every transaction belongs to the direction of its packet (EVE `quic`, logged with the
//! packet's addresses). Nothing is kept per transaction: records are emitted as they are made.

mod crypto;
mod frames;
mod header;

#[cfg(test)]
mod tests;

pub use frames::TlsExt;
pub use header::{version_name, PktType};

use crate::{Cx, Parser, Record};
use flow::Direction;
use frames::Frame;
use header::Header;
use md5::{Digest, Md5};
use serde::ser::{SerializeMap, Serializer};

/// App-layer events (Suricata's `QuicEvent`).
pub const EVENTS: &[&str] = &[
    "failed_decrypt",
    "error_on_data",
    "error_on_header",
    "crypto_frag_too_long",
];

/// A gQUIC CYU fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cyu {
    pub string: String,
    pub hash: String,
}

/// One QUIC transaction (EVE `quic`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuicRecord {
    pub version: u32,
    /// A long header (the `quic.version` buffer exists only then).
    pub is_long: bool,
    pub short: bool,
    pub sni: Option<Vec<u8>>,
    pub ua: Option<Vec<u8>>,
    pub cyu: Vec<Cyu>,
    /// JA3 (client) or JA3S (server) string of the hello.
    pub ja3: Option<String>,
    /// JA4 of a ClientHello seen to server.
    pub ja4: Option<String>,
    pub extv: Vec<TlsExt>,
    pub to_server: bool,
    pub events: Vec<&'static str>,
}

impl QuicRecord {
    /// The `quic.version` buffer: the version's 4 bytes, for long headers.
    pub fn version_buf(&self) -> Option<[u8; 4]> {
        self.is_long.then(|| self.version.to_be_bytes())
    }

    /// MD5 of the JA3 string.
    pub fn ja3_hash(&self) -> Option<String> {
        self.ja3.as_deref().map(crate::tls::ja3_hash)
    }
}

/// TLS extension names as Suricata's QUIC logger writes them.
fn ext_name(e: u16) -> Option<&'static str> {
    Some(match e {
        0 => "server_name",
        1 => "max_fragment_length",
        2 => "client_certificate_url",
        3 => "trusted_ca_keys",
        4 => "truncated_hmac",
        5 => "status_request",
        6 => "user_mapping",
        7 => "client_authz",
        8 => "server_authz",
        9 => "cert_type",
        10 => "supported_groups",
        11 => "ec_point_formats",
        12 => "srp",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "alpn",
        17 => "status_request_v2",
        18 => "signed_certificate_timestamp",
        19 => "client_certificate_type",
        20 => "server_certificate_type",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        24 => "token_binding",
        25 => "cached_info",
        26 => "tls_lts",
        27 => "compress_certificate",
        28 => "record_size_limit",
        29 => "pwd_protect",
        30 => "pwd_clear",
        31 => "password_salt",
        32 => "ticket_pinning",
        33 => "tls_cert_with_extern_psk",
        34 => "delegated_credentials",
        35 => "session_ticket",
        36 => "tlmsp",
        37 => "tlmsp_proxying",
        38 => "tlmsp_delegate",
        39 => "supported_ekt_ciphers",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        48 => "oid_filters",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        52 => "transparency_info",
        53 => "connection_id_deprecated",
        54 => "connection_id",
        55 => "external_id_hash",
        56 => "external_session_id",
        57 => "quic_transport_parameters",
        58 => "ticket_request",
        59 => "dnssec_chain",
        13172 => "next_protocol_negotiation",
        65281 => "renegotiation_info",
        _ => return None,
    })
}

struct Ext<'a>(&'a TlsExt);

impl serde::Serialize for Ext<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(n) = ext_name(self.0.etype) {
            m.serialize_entry("name", n)?;
        }
        m.serialize_entry("type", &self.0.etype)?;
        if !self.0.values.is_empty() {
            let v: Vec<_> = self.0.values.iter().map(|x| String::from_utf8_lossy(x)).collect();
            m.serialize_entry("values", &v)?;
        }
        m.end()
    }
}

/// Suricata 7.0.10's `log_template` (the JA4 is not logged: `ja4` is off by default).
impl serde::Serialize for QuicRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if !self.short {
            m.serialize_entry("version", &version_name(self.version))?;
            if let Some(x) = &self.sni {
                m.serialize_entry("sni", &String::from_utf8_lossy(x))?;
            }
            if let Some(x) = &self.ua {
                m.serialize_entry("ua", &String::from_utf8_lossy(x))?;
            }
        }
        if !self.cyu.is_empty() {
            let v: Vec<_> = self
                .cyu
                .iter()
                .map(|c| {
                    let mut o = serde_json::Map::new();
                    o.insert("hash".into(), c.hash.clone().into());
                    o.insert("string".into(), c.string.clone().into());
                    o
                })
                .collect();
            m.serialize_entry("cyu", &v)?;
        }
        if let Some(ja3) = &self.ja3 {
            let mut o = serde_json::Map::new();
            o.insert("hash".into(), crate::tls::ja3_hash(ja3).into());
            o.insert("string".into(), ja3.clone().into());
            m.serialize_entry(if self.to_server { "ja3" } else { "ja3s" }, &o)?;
        }
        if !self.extv.is_empty() {
            let v: Vec<_> = self.extv.iter().map(Ext).collect();
            m.serialize_entry("extensions", &v)?;
        }
        m.end()
    }
}

/// Suricata's `Cyu::generate`: one fingerprint per gQUIC stream frame with tags.
fn cyu(version: u32, frames: &[Frame]) -> Vec<Cyu> {
    let v = match version {
        header::Q043 => "43",
        // Suricata maps Q045 to "44" too.
        header::Q044 | header::Q045 => "44",
        header::Q046 => "46",
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for f in frames {
        if let Frame::Stream { tags: Some(tags) } = f {
            let names: Vec<&str> = tags.iter().filter_map(|(t, _)| frames::tag_name(*t)).collect();
            let string = format!("{v},{}", names.join("-"));
            let d = Md5::digest(string.as_bytes());
            let hash = d.iter().fold(String::with_capacity(32), |mut s, b| {
                s.push_str(&format!("{b:02x}"));
                s
            });
            out.push(Cyu { string, hash });
        }
    }
    out
}

/// The QUIC parser of one flow (Suricata's `QuicState`).
#[derive(Default)]
pub struct QuicParser {
    keys: Option<crypto::Keys>,
    /// CRYPTO data reassembled so far, per direction (to server, to client); under 64 KiB.
    frag: [Vec<u8>; 2],
    /// How many bytes of `frag` are set.
    frag_len: [u32; 2],
    hello: [bool; 2],
    has_retried: bool,
    tx_id: u64,
    /// Packets that did not parse, decrypt or decode.
    pub errors: u64,
}

impl QuicParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn emit(&mut self, dir: Direction, rec: QuicRecord, cx: &mut Cx<'_>) {
        cx.push_tx(dir, &mut self.tx_id, Record::Quic(Box::new(rec)));
    }

    fn header_tx(h: &Header, to_server: bool) -> QuicRecord {
        QuicRecord {
            version: h.version,
            is_long: h.is_long,
            short: h.ty == PktType::Short,
            to_server,
            ..Default::default()
        }
    }

    /// Suricata's `QuicState::decrypt`: the plaintext of the Initial packet `pkt` (its header
    /// of `hlen` bytes, then `length` bytes of payload).
    fn decrypt(&self, to_server: bool, pkt: &[u8], h: &Header) -> Option<Vec<u8>> {
        const PN_MAX: usize = 4;
        let keys = self.keys.as_ref()?;
        let k = if to_server { &keys.client } else { &keys.server };
        let hlen = h.hlen;
        let end = hlen.checked_add(usize::from(h.length))?;
        let payload = pkt.get(hlen..end)?;
        if payload.len() < PN_MAX + crypto::KEY_LEN {
            return None;
        }
        let mut first = *pkt.first()?;
        let mut pn = [0u8; PN_MAX];
        pn.copy_from_slice(payload.get(..PN_MAX)?);
        if !k.header.unmask(
            payload.get(PN_MAX..PN_MAX + crypto::KEY_LEN)?,
            &mut first,
            &mut pn,
        ) {
            return None;
        }
        let pn_len = usize::from(first & 3) + 1;
        let mut aad = pkt.get(..hlen + pn_len)?.to_vec();
        if let Some(a) = aad.first_mut() {
            *a = first;
        }
        let pn_bytes = pn.get(..pn_len)?;
        aad.get_mut(hlen..)?.copy_from_slice(pn_bytes);
        let pn_val = pn_bytes.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b));
        let mut out = payload.get(pn_len..)?.to_vec();
        let n = k.packet.decrypt(pn_val, &aad, &mut out)?;
        out.truncate(n);
        Some(out)
    }

    /// Suricata's `handle_frames`: the transaction of a decoded Initial packet.
    fn handle_frames(&mut self, frames: Vec<Frame>, h: &Header, to_server: bool) -> QuicRecord {
        let d = usize::from(!to_server);
        let mut rec = Self::header_tx(h, to_server);
        let mut frag_long = false;
        for f in &frames {
            match f {
                Frame::Stream { tags: Some(tags) } => {
                    for (tag, value) in tags {
                        if *tag == frames::TAG_SNI {
                            rec.sni = Some(value.clone());
                        } else if *tag == frames::TAG_UAID {
                            rec.ua = Some(value.clone());
                        }
                        if rec.sni.is_some() && rec.ua.is_some() {
                            break;
                        }
                    }
                }
                Frame::CryptoFrag { offset, length, data } => {
                    if *length < frames::MAX_CRYPTO_FRAG_LEN {
                        if let (Some(fr), Some(fl)) = (self.frag.get_mut(d), self.frag_len.get_mut(d)) {
                            fr.clone_from(data);
                            *fl = u32::try_from(*offset).unwrap_or(u32::MAX);
                        }
                    } else {
                        frag_long = true;
                    }
                }
                Frame::Crypto(c) => {
                    rec.ja3 = Some(c.ja3.clone());
                    if to_server {
                        rec.ja4.clone_from(&c.ja4);
                    }
                    for e in &c.extv {
                        if e.etype == 0 {
                            if let Some(v) = e.values.first() {
                                rec.sni = Some(v.clone());
                            }
                        }
                    }
                    rec.extv.extend_from_slice(&c.extv);
                    if let Some(x) = self.hello.get_mut(d) {
                        *x = true;
                    }
                }
                _ => {}
            }
        }
        rec.cyu = cyu(h.version, &frames);
        if frag_long {
            rec.events.push("crypto_frag_too_long");
        }
        rec
    }

    /// Suricata's `QuicState::parse` on one datagram.
    fn parse(&mut self, dir: Direction, input: &[u8], cx: &mut Cx<'_>) {
        let to_server = dir == Direction::ToServer;
        let d = usize::from(!to_server);
        let mut buf = input;
        while !buf.is_empty() {
            let Some(h) = Header::parse(buf) else {
                self.errors += 1;
                return;
            };
            if self.hello.get(d).copied().unwrap_or(true) {
                // Encrypted from here on.
                return;
            }
            if h.ty == PktType::Short {
                return;
            }
            if self.keys.is_none() && h.ty == PktType::Initial {
                self.keys = crypto::initial_keys(h.version, h.dcid);
            } else if !to_server && self.keys.is_some() && h.ty == PktType::Retry && !self.has_retried {
                // The client resends its Initial with new keys (RFC 9000 17.2.5.2: one Retry).
                self.hello[0] = false;
                self.keys = None;
                self.has_retried = true;
            }
            let end = h.hlen.saturating_add(usize::from(h.length));
            let (pkt, next) = buf.split_at(end.min(buf.len()));
            if h.ty != PktType::Initial {
                let rec = Self::header_tx(&h, to_server);
                self.emit(dir, rec, cx);
                buf = next;
                continue;
            }
            let framebuf = pkt.get(h.hlen..).unwrap_or_default();
            let plain;
            let framebuf = if self.keys.is_some() && !framebuf.is_empty() {
                match self.decrypt(to_server, pkt, &h) {
                    Some(p) => {
                        plain = p;
                        plain.as_slice()
                    }
                    None => {
                        self.errors += 1;
                        let mut rec = Self::header_tx(&h, to_server);
                        rec.events.push("failed_decrypt");
                        self.emit(dir, rec, cx);
                        return;
                    }
                }
            } else {
                framebuf
            };
            buf = next;
            let past = std::mem::take(&mut self.frag[d]);
            let past_len = std::mem::replace(&mut self.frag_len[d], 0);
            match frames::decode(framebuf, &past, past_len) {
                Some(frames) => {
                    let rec = self.handle_frames(frames, &h, to_server);
                    self.emit(dir, rec, cx);
                }
                None => {
                    self.errors += 1;
                    let mut rec = Self::header_tx(&h, to_server);
                    rec.events.push("error_on_data");
                    self.emit(dir, rec, cx);
                    return;
                }
            }
        }
    }
}

impl Parser for QuicParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        self.parse(dir, data, cx);
    }
}

/// Suricata's `rs_quic_probing_parser`: the datagram starts with a QUIC header.
pub fn probe(data: &[u8]) -> bool {
    Header::parse(data).is_some()
}
