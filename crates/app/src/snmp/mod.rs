//! SNMP (v1, v2c, v3 over UDP 161/162) as Suricata 7.0.10's `rust/src/snmp` parses and logs it.
//!
//! Every datagram is one message and one transaction, in the direction it travelled
//! (Suricata's `AppLayerTxData::for_direction`: a request is inspected to server only, a
//! response to client only). Messages are parsed with rusticata's `snmp-parser`, the crate
//! Suricata itself uses.
//!
//! The flow's version is taken from the first message whose envelope reads as SNMP
//! (`parse_pdu_envelope_version`); each transaction logs that version, and a message of
//! another version raises `version_mismatch` on its transaction.
//!
//! Inspection: [`SnmpRecord::community`] (`snmp.community`), [`SnmpRecord::usm`] (`snmp.usm`),
//! [`SnmpRecord::version`] (`snmp.version`), [`SnmpRecord::pdu_type_value`] (`snmp.pdu_type`).
//!
//! Not done here: `malformed_data` (Suricata sets it on the flow's previous transaction,
//! which has been logged here by then).

use crate::{Cx, Parser, Record};
use flow::Direction;
use serde::ser::{SerializeMap, Serializer};
use snmp_parser::{
    parse_snmp_generic_message, NetworkAddress, ScopedPduData, SecurityParameters, SnmpGenericMessage,
    SnmpPdu,
};

#[cfg(test)]
mod tests;

/// App-layer events (Suricata's `SNMPEvent`, as `app-layer-event:snmp.NAME` names them) that
/// this parser raises.
pub const EVENTS: &[&str] = &["unknown_security_model", "version_mismatch"];

/// Most variable OIDs kept per transaction (a datagram is small anyway; the rest are counted).
pub const MAX_VARS: usize = 256;

/// The PDU part of a cleartext message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PduInfo {
    /// The PDU tag (`GetRequest` = 0 ... `Report` = 8).
    pub pdu_type: u32,
    /// `error-status` of a generic PDU (0 = noError).
    pub err: u32,
    /// SNMPv1 trap: generic trap type, enterprise OID, agent address.
    pub trap: Option<(u8, String, std::net::Ipv4Addr)>,
    /// The variable bindings' OIDs, dotted.
    pub vars: Vec<String>,
}

/// One SNMP message (EVE `snmp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnmpRecord {
    /// The flow's SNMP version (1, 2 or 3; 0 when the first message did not tell).
    pub version: u32,
    pub info: Option<PduInfo>,
    /// The community (v1, v2c).
    pub community: Option<String>,
    /// The USM user name (v3).
    pub usm: Option<String>,
    /// The v3 scoped PDU was encrypted.
    pub encrypted: bool,
    /// The message travelled to the server.
    pub to_server: bool,
    pub events: Vec<&'static str>,
}

impl SnmpRecord {
    /// `snmp.pdu_type`'s value: the PDU tag, `0xffffffff` when no PDU was readable.
    pub fn pdu_type_value(&self) -> u32 {
        self.info.as_ref().map_or(u32::MAX, |i| i.pdu_type)
    }
}

/// Suricata's `str_of_pdu_type`.
fn pdu_type_name(t: u32) -> std::borrow::Cow<'static, str> {
    std::borrow::Cow::Borrowed(match t {
        0 => "get_request",
        1 => "get_next_request",
        2 => "response",
        3 => "set_request",
        4 => "trap_v1",
        5 => "get_bulk_request",
        6 => "inform_request",
        7 => "trap_v2",
        8 => "report",
        x => return std::borrow::Cow::Owned(format!("Unknown(0x{x:x})")),
    })
}

/// `ErrorStatus`'s Debug form in `snmp-parser`.
fn error_name(e: u32) -> String {
    match e {
        0 => "NoError".into(),
        1 => "TooBig".into(),
        2 => "NoSuchName".into(),
        3 => "BadValue".into(),
        4 => "ReadOnly".into(),
        5 => "GenErr".into(),
        n => format!("ErrorStatus({n})"),
    }
}

/// `TrapType`'s Debug form in `snmp-parser`.
fn trap_name(t: u8) -> String {
    match t {
        0 => "coldStart".into(),
        1 => "warmStart".into(),
        2 => "linkDown".into(),
        3 => "linkUp".into(),
        4 => "authenticationFailure".into(),
        5 => "egpNeighborLoss".into(),
        6 => "enterpriseSpecific".into(),
        n => format!("TrapType({n})"),
    }
}

/// Suricata 7.0.10's `snmp_log_response`.
impl serde::Serialize for SnmpRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version", &self.version)?;
        if self.encrypted {
            m.serialize_entry("pdu_type", "encrypted")?;
            return m.end();
        }
        if let Some(info) = &self.info {
            m.serialize_entry("pdu_type", &pdu_type_name(info.pdu_type))?;
            if info.err != 0 {
                m.serialize_entry("error", &error_name(info.err))?;
            }
            if let Some((t, oid, addr)) = &info.trap {
                m.serialize_entry("trap_type", &trap_name(*t))?;
                m.serialize_entry("trap_oid", oid)?;
                m.serialize_entry("trap_address", &addr.to_string())?;
            }
            if !info.vars.is_empty() {
                m.serialize_entry("vars", &info.vars)?;
            }
        }
        if let Some(c) = &self.community {
            m.serialize_entry("community", c)?;
        }
        if let Some(u) = &self.usm {
            m.serialize_entry("usm", u)?;
        }
        m.end()
    }
}

/// Suricata's `parse_pdu_envelope_version`: a DER sequence of 3 elements starting with the
/// integer 0 (v1) or 1 (v2c), or of 4 starting with 3 (v3).
pub fn envelope_version(b: &[u8]) -> Option<u32> {
    use der_parser::ber::BerObjectContent;
    let (_, obj) = der_parser::der::parse_der_sequence(b).ok()?;
    let BerObjectContent::Sequence(v) = &obj.content else {
        return None;
    };
    let first = v.first()?.as_u32().ok();
    match (v.len(), first) {
        (3, Some(0)) => Some(1),
        (3, Some(1)) => Some(2),
        (4, Some(3)) => Some(3),
        _ => None,
    }
}

fn pdu_info(pdu: &SnmpPdu<'_>) -> PduInfo {
    let mut info = PduInfo {
        pdu_type: pdu.pdu_type().0,
        err: 0,
        trap: None,
        vars: Vec::new(),
    };
    match pdu {
        SnmpPdu::Generic(g) => info.err = g.err.0,
        SnmpPdu::Bulk(_) => {}
        SnmpPdu::TrapV1(t) => {
            let NetworkAddress::IPv4(a) = t.agent_addr;
            info.trap = Some((t.generic_trap.0, t.enterprise.to_string(), a));
        }
    }
    for v in pdu.vars_iter().take(MAX_VARS) {
        info.vars.push(v.oid.to_string());
    }
    info
}

/// The SNMP parser of one flow.
#[derive(Debug, Default)]
pub struct SnmpParser {
    /// The flow's version (0 until a message tells).
    version: u32,
    tx_id: u64,
    /// Messages that did not parse (Suricata's `malformed_data`).
    pub malformed: u64,
}

impl SnmpParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one message; `None` when it is not SNMP.
    pub fn parse(&mut self, dir: Direction, b: &[u8]) -> Option<SnmpRecord> {
        if self.version == 0 {
            if let Some(v) = envelope_version(b) {
                self.version = v;
            }
        }
        let mut rec = SnmpRecord {
            version: self.version,
            info: None,
            community: None,
            usm: None,
            encrypted: false,
            to_server: dir == Direction::ToServer,
            events: Vec::new(),
        };
        match parse_snmp_generic_message(b) {
            Ok((_, SnmpGenericMessage::V1(msg))) | Ok((_, SnmpGenericMessage::V2(msg))) => {
                if self.version != msg.version.saturating_add(1) {
                    rec.events.push("version_mismatch");
                }
                rec.info = Some(pdu_info(&msg.pdu));
                rec.community = Some(msg.community);
            }
            Ok((_, SnmpGenericMessage::V3(msg))) => {
                if self.version != msg.version {
                    rec.events.push("version_mismatch");
                }
                match &msg.data {
                    ScopedPduData::Plaintext(pdu) => rec.info = Some(pdu_info(&pdu.data)),
                    _ => rec.encrypted = true,
                }
                match msg.security_params {
                    SecurityParameters::USM(usm) => rec.usm = Some(usm.msg_user_name),
                    _ => rec.events.push("unknown_security_model"),
                }
            }
            Err(_) => {
                self.malformed += 1;
                return None;
            }
        }
        Some(rec)
    }
}

impl Parser for SnmpParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if let Some(rec) = self.parse(dir, data) {
            cx.push_tx(dir, &mut self.tx_id, Record::Snmp(Box::new(rec)));
        }
    }
}
