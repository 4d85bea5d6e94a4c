//! IKE (UDP 500/4500) as Suricata 7.0.10's `rust/src/ike` parses and logs IKEv2.
//!
//! Every datagram is one message and one transaction, in the direction it travelled. The
//! 28-byte ISAKMP header is read here; IKEv2 payloads are decoded with rusticata's
//! `ipsec-parser`, the crate Suricata uses, and the proposals checked as Suricata's
//! `add_proposals` does, raising its `weak_crypto_*` / `invalid_proposal` /
//! `unknown_proposal` / `no_encryption` events on the transaction. The responder's chosen
//! algorithms are kept per flow and logged on its transactions.
//!
//! Not done here: IKEv1 (`ikev1.rs`): its messages make no transaction, so `ike` rules and
//! events do not see them; `malformed_data` and the IKEv1-only events are not raised.

use crate::{Cx, Parser, Record};
use flow::Direction;
use ipsec_parser::{
    parse_ikev2_payload_list, IkePayloadType, IkeTransformAuthType, IkeTransformDHType, IkeTransformESNType,
    IkeTransformEncType, IkeTransformPRFType, IkeV2PayloadContent, IkeV2Proposal, IkeV2Transform, ProtocolID,
};
use serde::ser::{SerializeMap, Serializer};

#[cfg(test)]
mod tests;

/// App-layer events (Suricata's `IkeEvent`) this parser raises (IKEv2 ones).
pub const EVENTS: &[&str] = &[
    "no_encryption",
    "weak_crypto_enc",
    "weak_crypto_prf",
    "weak_crypto_dh",
    "weak_crypto_auth",
    "weak_crypto_no_dh",
    "weak_crypto_no_auth",
    "invalid_proposal",
    "unknown_proposal",
];

/// Most payload types kept per transaction.
pub const MAX_PAYLOADS: usize = 256;

/// IKEv2 header flag: the sender is the original initiator.
const FLAG_INITIATOR: u8 = 0x08;

/// The ISAKMP header (Suricata's `parse_isakmp_header`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsakmpHeader {
    pub init_spi: u64,
    pub resp_spi: u64,
    pub next_payload: u8,
    pub maj_ver: u8,
    pub min_ver: u8,
    pub exch_type: u8,
    pub flags: u8,
    pub msg_id: u32,
    pub length: u32,
}

impl IsakmpHeader {
    /// Parses the 28-byte header; `None` when shorter.
    pub fn parse(b: &[u8]) -> Option<(IsakmpHeader, &[u8])> {
        let h = b.get(..28)?;
        let u64_at = |o: usize| {
            h.get(o..o + 8)
                .and_then(|x| x.try_into().ok())
                .map(u64::from_be_bytes)
        };
        let u32_at = |o: usize| {
            h.get(o..o + 4)
                .and_then(|x| x.try_into().ok())
                .map(u32::from_be_bytes)
        };
        let ver = *h.get(17)?;
        Some((
            IsakmpHeader {
                init_spi: u64_at(0)?,
                resp_spi: u64_at(8)?,
                next_payload: *h.get(16)?,
                maj_ver: ver >> 4,
                min_ver: ver & 0x0f,
                exch_type: *h.get(18)?,
                flags: *h.get(19)?,
                msg_id: u32_at(20)?,
                length: u32_at(24)?,
            },
            b.get(28..).unwrap_or_default(),
        ))
    }
}

/// The responder's chosen algorithms (Suricata's `Ikev2Container`), logged with `Debug` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub alg_enc: String,
    pub alg_auth: String,
    pub alg_prf: String,
    pub alg_dh: String,
    pub alg_esn: String,
}

impl Default for Chosen {
    fn default() -> Self {
        Chosen {
            alg_enc: format!("{:?}", IkeTransformEncType::ENCR_NULL),
            alg_auth: format!("{:?}", IkeTransformAuthType::NONE),
            alg_prf: format!("{:?}", IkeTransformPRFType::PRF_NULL),
            alg_dh: format!("{:?}", IkeTransformDHType::None),
            alg_esn: format!("{:?}", IkeTransformESNType::NoESN),
        }
    }
}

/// One IKEv2 message (EVE `ike`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeRecord {
    pub hdr: IsakmpHeader,
    /// `Debug` names of the payloads' next-payload types, in order.
    pub payloads: Vec<String>,
    /// Notify payloads carrying an error type.
    pub errors: u32,
    /// `Debug` names of the notify types.
    pub notify: Vec<String>,
    /// The responder's algorithms as known when this message was parsed (responder messages).
    pub chosen: Option<Chosen>,
    pub to_server: bool,
    pub events: Vec<&'static str>,
}

/// Suricata 7.0.10's `log_ike` for IKEv2.
impl serde::Serialize for IkeRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = &self.hdr;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version_major", &h.maj_ver)?;
        m.serialize_entry("version_minor", &h.min_ver)?;
        m.serialize_entry("init_spi", &format!("{:016x}", h.init_spi))?;
        m.serialize_entry("resp_spi", &format!("{:016x}", h.resp_spi))?;
        m.serialize_entry("message_id", &h.msg_id)?;
        m.serialize_entry("exchange_type", &h.exch_type)?;
        match &self.chosen {
            None => m.serialize_entry("role", "initiator")?,
            Some(c) => {
                m.serialize_entry("role", "responder")?;
                m.serialize_entry("alg_enc", &c.alg_enc)?;
                m.serialize_entry("alg_auth", &c.alg_auth)?;
                m.serialize_entry("alg_prf", &c.alg_prf)?;
                m.serialize_entry("alg_dh", &c.alg_dh)?;
                m.serialize_entry("alg_esn", &c.alg_esn)?;
            }
        }
        m.serialize_entry("payload", &self.payloads)?;
        let mut v2 = serde_json::Map::new();
        v2.insert("errors".into(), self.errors.into());
        if !self.notify.is_empty() {
            v2.insert("notify".into(), self.notify.clone().into());
        }
        m.serialize_entry("ikev2", &v2)?;
        m.end()
    }
}

fn event(events: &mut Vec<&'static str>, e: &'static str) {
    if !events.contains(&e) {
        events.push(e);
    }
}

/// The IKE parser of one flow.
#[derive(Debug, Default)]
pub struct IkeParser {
    tx_id: u64,
    chosen: Chosen,
    /// Datagrams that were not IKE (bad header or version).
    pub errors: u64,
}

impl IkeParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Suricata's `add_proposals`.
    fn add_proposals(&mut self, tx: &mut IkeRecord, props: &[IkeV2Proposal<'_>], to_client: bool) {
        for p in props {
            let transforms: Vec<IkeV2Transform> = p.transforms.iter().map(|x| x.into()).collect();
            for t in &transforms {
                match *t {
                    IkeV2Transform::Encryption(
                        IkeTransformEncType::ENCR_DES_IV64
                        | IkeTransformEncType::ENCR_DES
                        | IkeTransformEncType::ENCR_3DES
                        | IkeTransformEncType::ENCR_RC5
                        | IkeTransformEncType::ENCR_IDEA
                        | IkeTransformEncType::ENCR_CAST
                        | IkeTransformEncType::ENCR_BLOWFISH
                        | IkeTransformEncType::ENCR_3IDEA
                        | IkeTransformEncType::ENCR_DES_IV32
                        | IkeTransformEncType::ENCR_NULL,
                    ) => event(&mut tx.events, "weak_crypto_enc"),
                    IkeV2Transform::PRF(IkeTransformPRFType::PRF_NULL) => {
                        event(&mut tx.events, "invalid_proposal")
                    }
                    IkeV2Transform::PRF(
                        IkeTransformPRFType::PRF_HMAC_MD5 | IkeTransformPRFType::PRF_HMAC_SHA1,
                    ) => event(&mut tx.events, "weak_crypto_prf"),
                    IkeV2Transform::Auth(
                        IkeTransformAuthType::AUTH_HMAC_MD5_96
                        | IkeTransformAuthType::AUTH_HMAC_SHA1_96
                        | IkeTransformAuthType::AUTH_DES_MAC
                        | IkeTransformAuthType::AUTH_KPDK_MD5
                        | IkeTransformAuthType::AUTH_AES_XCBC_96
                        | IkeTransformAuthType::AUTH_HMAC_MD5_128
                        | IkeTransformAuthType::AUTH_HMAC_SHA1_160,
                    ) => event(&mut tx.events, "weak_crypto_auth"),
                    IkeV2Transform::DH(IkeTransformDHType::None) => event(&mut tx.events, "invalid_proposal"),
                    IkeV2Transform::DH(
                        IkeTransformDHType::Modp768
                        | IkeTransformDHType::Modp1024
                        | IkeTransformDHType::Modp1024s160
                        | IkeTransformDHType::Modp1536,
                    ) => event(&mut tx.events, "weak_crypto_dh"),
                    IkeV2Transform::Unknown(..) => event(&mut tx.events, "unknown_proposal"),
                    _ => {}
                }
            }
            if !transforms.iter().any(|x| matches!(x, IkeV2Transform::DH(_))) {
                event(&mut tx.events, "weak_crypto_no_dh");
            }
            if p.protocol_id == ProtocolID::AH {
                event(&mut tx.events, "no_encryption");
            }
            let auth = transforms
                .iter()
                .any(|x| matches!(x, IkeV2Transform::Auth(a) if *a != IkeTransformAuthType::NONE));
            let aead = transforms
                .iter()
                .any(|x| matches!(x, IkeV2Transform::Encryption(e) if e.is_aead()));
            if !auth && !aead {
                event(&mut tx.events, "weak_crypto_no_auth");
            }
            if to_client {
                for t in &transforms {
                    match t {
                        IkeV2Transform::Encryption(e) => self.chosen.alg_enc = format!("{e:?}"),
                        IkeV2Transform::Auth(a) => self.chosen.alg_auth = format!("{a:?}"),
                        IkeV2Transform::PRF(p) => self.chosen.alg_prf = format!("{p:?}"),
                        IkeV2Transform::DH(d) => self.chosen.alg_dh = format!("{d:?}"),
                        IkeV2Transform::ESN(e) => self.chosen.alg_esn = format!("{e:?}"),
                        _ => {}
                    }
                }
            }
        }
    }

    /// Suricata's `handle_input` + `handle_ikev2` on one datagram.
    pub fn parse(&mut self, dir: Direction, b: &[u8]) -> Option<IkeRecord> {
        let (hdr, rest) = IsakmpHeader::parse(b)?;
        if hdr.maj_ver != 2 {
            self.errors += u64::from(hdr.maj_ver != 1);
            return None;
        }
        let to_client = dir == Direction::ToClient;
        let mut tx = IkeRecord {
            hdr,
            payloads: Vec::new(),
            errors: 0,
            notify: Vec::new(),
            chosen: None,
            to_server: !to_client,
            events: Vec::new(),
        };
        if let Ok((_, Ok(list))) = parse_ikev2_payload_list(rest, IkePayloadType(hdr.next_payload)) {
            for p in &list {
                if tx.payloads.len() < MAX_PAYLOADS {
                    tx.payloads.push(format!("{:?}", p.hdr.next_payload_type));
                }
                match &p.content {
                    IkeV2PayloadContent::SA(props) => self.add_proposals(&mut tx, props, to_client),
                    IkeV2PayloadContent::Notify(n) => {
                        if n.notify_type.is_error() {
                            tx.errors = tx.errors.saturating_add(1);
                        }
                        if tx.notify.len() < MAX_PAYLOADS {
                            tx.notify.push(format!("{:?}", n.notify_type));
                        }
                    }
                    _ => {}
                }
            }
        }
        if hdr.flags & FLAG_INITIATOR == 0 {
            tx.chosen = Some(self.chosen.clone());
        }
        Some(tx)
    }
}

impl Parser for IkeParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if let Some(rec) = self.parse(dir, data) {
            cx.push_tx(dir, &mut self.tx_id, Record::Ike(Box::new(rec)));
        } else if IsakmpHeader::parse(data).is_none() {
            self.errors += 1;
        }
    }
}
