//! Kerberos 5 (UDP and TCP 88) as Suricata 7.0.10's `rust/src/krb` parses and logs it.
//!
//! A message starts with an APPLICATION tag: AS-REQ (10), AS-REP (11), TGS-REQ (12), TGS-REP
//! (13) and KRB-ERROR (30) become transactions, each in the direction it travelled (Suricata's
//! `AppLayerTxData::for_direction`); AP-REQ (14) / AP-REP (15) only move the request memory
//! that tells a response which request failed. A message that does not decode makes no
//! transaction. Messages are decoded with rusticata's `kerberos-parser`, the crate Suricata
//! uses. Over TCP each message follows a 4-byte record mark (its length); a record waits in a
//! per-direction buffer until whole.
//!
//! Suricata's quirks kept: a datagram (or TCP record) whose first bytes are not a DER header
//! is an error that ends parsing of a TCP flow; a reply whose encryption type is weak raises
//! `weak_encryption` on its transaction.
//!
//! Inspection: [`Krb5Record::msg_type`] (`krb5_msg_type`), [`Krb5Record::error_code`]
//! (`krb5_err_code`), [`Krb5Record::cname`] / [`Krb5Record::sname`] (`krb5_cname`,
//! `krb5_sname`: one buffer per name component).
//!
//! Not done here: `malformed_data` (Suricata sets it on the flow's previous transaction,
//! which has been logged here by then).

use crate::{Cx, Parser, Record};
use flow::Direction;
use kerberos_parser::krb5::{EncryptionType, ErrorCode, MessageType, PrincipalName};
use kerberos_parser::krb5_parser;
use serde::ser::{SerializeMap, Serializer};

#[cfg(test)]
mod tests;

/// App-layer events (Suricata's `KRB5Event`) this parser raises.
pub const EVENTS: &[&str] = &["weak_encryption"];

/// Largest TCP record kept while it is incomplete; a larger record ends parsing of that
/// direction (Suricata buffers it whole; Kerberos implementations refuse records over 16 KiB,
/// which is also what its probe accepts).
pub const MAX_RECORD: usize = 1024 * 1024;

/// One Kerberos message (EVE `krb5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Krb5Record {
    /// `MessageType` (10 = AS-REQ ... 30 = KRB-ERROR).
    pub msg_type: u32,
    /// The client principal's name components.
    pub cname: Option<Vec<String>>,
    pub realm: Option<String>,
    /// The server principal's name components.
    pub sname: Option<Vec<String>>,
    /// Encryption of a reply's encrypted part.
    pub etype: Option<i32>,
    /// Encryption of a reply's ticket.
    pub ticket_etype: Option<i32>,
    /// KRB-ERROR code.
    pub error_code: Option<i32>,
    /// The message type of the request a reply answers, when the previous message was one.
    pub req_type: Option<u32>,
    pub to_server: bool,
    pub events: Vec<&'static str>,
}

/// Suricata's `test_weak_encryption`: all but the AES and Camellia suites are weak.
pub fn weak_encryption(etype: i32) -> bool {
    !matches!(
        EncryptionType(etype),
        EncryptionType::AES128_CTS_HMAC_SHA1_96
            | EncryptionType::AES256_CTS_HMAC_SHA1_96
            | EncryptionType::AES128_CTS_HMAC_SHA256_128
            | EncryptionType::AES256_CTS_HMAC_SHA384_192
            | EncryptionType::CAMELLIA128_CTS_CMAC
            | EncryptionType::CAMELLIA256_CTS_CMAC
    )
}

fn names(p: PrincipalName) -> Vec<String> {
    p.name_string
}

/// Suricata 7.0.10's `krb5_log_response`.
impl serde::Serialize for Krb5Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("msg_type", &format!("{:?}", MessageType(self.msg_type)))?;
        if let Some(c) = self.error_code {
            match self.req_type {
                Some(r) => m.serialize_entry("failed_request", &format!("{:?}", MessageType(r)))?,
                None => m.serialize_entry("failed_request", "UNKNOWN")?,
            }
            m.serialize_entry("error_code", &format!("{:?}", ErrorCode(c)))?;
        }
        let join =
            |n: &Option<Vec<String>>| n.as_ref().map_or_else(|| "<empty>".to_string(), |v| v.join("/"));
        m.serialize_entry("cname", &join(&self.cname))?;
        m.serialize_entry("realm", self.realm.as_deref().unwrap_or("<empty>"))?;
        m.serialize_entry("sname", &join(&self.sname))?;
        match self.etype {
            Some(e) => m.serialize_entry("encryption", &format!("{:?}", EncryptionType(e)))?,
            None => m.serialize_entry("encryption", "<none>")?,
        }
        m.serialize_entry("weak_encryption", &self.etype.is_some_and(weak_encryption))?;
        if let Some(t) = self.ticket_etype {
            m.serialize_entry("ticket_encryption", &format!("{:?}", EncryptionType(t)))?;
            m.serialize_entry("ticket_weak_encryption", &weak_encryption(t))?;
        }
        m.end()
    }
}

/// A message whose first bytes are not a DER element header (Suricata's parse error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedHeader;

/// The Kerberos parser of one flow (UDP datagrams, or TCP records).
#[derive(Debug, Default)]
pub struct Krb5Parser {
    tcp: bool,
    /// The type of the last request seen (0 after a reply).
    req_id: u8,
    tx_id: u64,
    /// TCP: per direction, bytes of the record being gathered (mark included).
    buf: [Vec<u8>; 2],
    /// TCP: parsing ended (an error, or a record over [`MAX_RECORD`]).
    dead: bool,
    /// Messages whose header did not decode (Suricata's `malformed_data`).
    pub malformed: u64,
}

impl Krb5Parser {
    pub fn new_udp() -> Self {
        Self::default()
    }

    pub fn new_tcp() -> Self {
        Krb5Parser {
            tcp: true,
            ..Self::default()
        }
    }

    fn tx(&self, dir: Direction, msg_type: u32) -> Krb5Record {
        Krb5Record {
            msg_type,
            cname: None,
            realm: None,
            sname: None,
            etype: None,
            ticket_etype: None,
            error_code: None,
            req_type: None,
            to_server: dir == Direction::ToServer,
            events: Vec::new(),
        }
    }

    fn req_type(&self) -> Option<u32> {
        (self.req_id > 0).then_some(u32::from(self.req_id))
    }

    /// Suricata's `KRB5State::parse` on one message: `Err` when its header does not decode,
    /// else the transaction it makes, if any.
    pub fn parse(&mut self, i: &[u8], dir: Direction) -> Result<Option<Krb5Record>, MalformedHeader> {
        let Ok((_, hdr)) = der_parser::der::der_read_element_header(i) else {
            self.malformed += 1;
            return Err(MalformedHeader);
        };
        if hdr.class() != der_parser::ber::Class::Application {
            return Ok(None);
        }
        let mut out = None;
        match hdr.tag().0 {
            t @ (10 | 12) => {
                let req = if t == 10 {
                    krb5_parser::parse_as_req(i)
                } else {
                    krb5_parser::parse_tgs_req(i)
                };
                if let Ok((_, r)) = req {
                    let mut tx = self.tx(dir, t);
                    tx.cname = r.req_body.cname.map(names);
                    tx.realm = Some(r.req_body.realm.0);
                    tx.sname = r.req_body.sname.map(names);
                    out = Some(tx);
                }
                self.req_id = t as u8;
            }
            t @ (11 | 13) => {
                let rep = if t == 11 {
                    krb5_parser::parse_as_rep(i)
                } else {
                    krb5_parser::parse_tgs_rep(i)
                };
                if let Ok((_, r)) = rep {
                    let mut tx = self.tx(dir, t);
                    tx.req_type = self.req_type();
                    tx.cname = Some(names(r.cname));
                    tx.realm = Some(r.crealm.0);
                    tx.sname = Some(names(r.ticket.sname));
                    tx.ticket_etype = Some(r.ticket.enc_part.etype.0);
                    tx.etype = Some(r.enc_part.etype.0);
                    if weak_encryption(r.enc_part.etype.0) {
                        tx.events.push("weak_encryption");
                    }
                    out = Some(tx);
                }
                self.req_id = 0;
            }
            14 => self.req_id = 14,
            15 => self.req_id = 0,
            30 => {
                if let Ok((_, e)) =
                    <kerberos_parser::krb5::KrbError as der_parser::asn1_rs::FromDer>::from_der(i)
                {
                    let mut tx = self.tx(dir, 30);
                    tx.req_type = self.req_type();
                    tx.cname = e.cname.map(names);
                    tx.realm = e.crealm.map(|r| r.0);
                    tx.sname = Some(names(e.sname));
                    tx.error_code = Some(e.error_code.0);
                    out = Some(tx);
                }
                self.req_id = 0;
            }
            _ => {}
        }
        Ok(out)
    }

    fn emit(&mut self, dir: Direction, rec: Krb5Record, cx: &mut Cx<'_>) {
        cx.push_tx(dir, &mut self.tx_id, Record::Krb5(Box::new(rec)));
    }

    /// TCP: gathers records (`rs_krb5_parse_request_tcp` / `..._response_tcp`).
    fn on_tcp(&mut self, dir: Direction, mut data: &[u8], cx: &mut Cx<'_>) {
        let i = dir.index();
        while !data.is_empty() && !self.dead {
            let Some(buf) = self.buf.get_mut(i) else { return };
            // The record mark first, then the record.
            if buf.len() < 4 {
                let take = (4 - buf.len()).min(data.len());
                buf.extend_from_slice(&data[..take]);
                data = &data[take..];
                if buf.len() < 4 {
                    return;
                }
            }
            let len = match buf.get(..4) {
                Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]) as usize,
                _ => return,
            };
            if len > MAX_RECORD {
                self.dead = true;
                self.buf = [Vec::new(), Vec::new()];
                return;
            }
            let need = 4 + len;
            let take = need.saturating_sub(buf.len()).min(data.len());
            buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if buf.len() < need {
                return;
            }
            if len == 0 {
                buf.clear();
                continue;
            }
            let rec = std::mem::take(buf);
            match self.parse(rec.get(4..).unwrap_or_default(), dir) {
                Ok(Some(tx)) => self.emit(dir, tx, cx),
                Ok(None) => {}
                Err(MalformedHeader) => {
                    self.dead = true;
                    self.buf = [Vec::new(), Vec::new()];
                }
            }
        }
    }
}

impl Parser for Krb5Parser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.tcp {
            self.on_tcp(dir, data, cx);
        } else if let Ok(Some(tx)) = self.parse(data, dir) {
            self.emit(dir, tx, cx);
        }
    }

    /// A gap loses the record boundaries: Suricata's parser then errors out.
    fn on_gap(&mut self, _dir: Direction, _len: u32, _cx: &mut Cx<'_>) {
        if self.tcp {
            self.dead = true;
            self.buf = [Vec::new(), Vec::new()];
        }
    }
}
