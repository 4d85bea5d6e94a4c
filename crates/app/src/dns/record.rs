//! The EVE `dns` object, version 2, exactly as Suricata 7.0.10 writes it
//! (`rust/src/dns/log.rs` + `src/output-json-dns.c`, default config: all types, detailed and
//! grouped answers).
//!
//! A request logs one `query` event per question; a response logs one `answer` event (when it
//! has at least one question). `grouped` keeps first-seen type order (Suricata iterates a
//! `HashMap`, so its order is unspecified).

use super::parser::{DnsAnswer, DnsMessage, DnsName, RData, Soa, Srv, Sshfp};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// Bytes as Suricata's JsonBuilder `set_string_from_bytes` writes them: the string itself when
/// it is UTF-8, otherwise ASCII bytes kept and every other byte written as `\xNN`.
pub fn eve_string(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() * 2);
            for &b in bytes {
                if b < 128 {
                    out.push(char::from(b));
                } else {
                    out.push_str("\\x");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xf)]));
                }
            }
            Cow::Owned(out)
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Suricata's `dns_rrtype_string` (typos included: `NSAPPT`, `CDSNKEY`, `ND`).
pub fn rrtype_name(rrtype: u16) -> Cow<'static, str> {
    Cow::Borrowed(match rrtype {
        1 => "A",
        2 => "NS",
        3 => "ND",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAPPT",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        55 => "HIP",
        59 => "CDS",
        60 => "CDSNKEY",
        65 => "HTTPS",
        99 => "SPF",
        249 => "TKEY",
        250 => "TSIG",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        _ => return Cow::Owned(rrtype.to_string()),
    })
}

/// Suricata's `dns_rcode_string` (of the low 4 bits of the flags).
pub fn rcode_name(flags: u16) -> Cow<'static, str> {
    Cow::Borrowed(match flags & 0xf {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        n => return Cow::Owned(n.to_string()),
    })
}

/// Suricata's `dns_print_addr`: dotted quad, or 8 groups of 4 hex digits, or "".
pub fn print_addr(addr: &[u8]) -> String {
    match addr {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ if addr.len() == 16 => {
            let mut s = String::with_capacity(39);
            for (i, pair) in addr.chunks(2).enumerate() {
                if i > 0 {
                    s.push(':');
                }
                for &b in pair {
                    s.push(char::from(HEX[usize::from(b >> 4)]));
                    s.push(char::from(HEX[usize::from(b & 0xf)]));
                }
            }
            s
        }
        _ => String::new(),
    }
}

/// Which EVE event a [`DnsRecord`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsRecordKind {
    /// One question of a request (`query_index` names it).
    Query,
    /// A response.
    Answer,
}

/// One logged DNS event. Query events of the same request share the parsed message.
#[derive(Debug, Clone, Default)]
pub struct DnsRecord {
    /// The parsed message (request or response).
    pub msg: Arc<DnsMessage>,
    /// Suricata's per-flow transaction number (0-based; every parsed message is one tx).
    pub tx_id: u64,
    /// For query events: the question this event logs. `None` for answer events.
    pub query_index: Option<usize>,
}

impl DnsRecord {
    pub fn kind(&self) -> DnsRecordKind {
        if self.query_index.is_some() {
            DnsRecordKind::Query
        } else {
            DnsRecordKind::Answer
        }
    }

    /// The DNS message id.
    pub fn id(&self) -> u16 {
        self.msg.header.id
    }

    /// The header flags word.
    pub fn flags(&self) -> u16 {
        self.msg.header.flags
    }

    /// Opcode (detection keyword `dns.opcode`).
    pub fn opcode(&self) -> u8 {
        self.msg.header.opcode()
    }

    /// Rcode of a response (0 for requests).
    pub fn rcode(&self) -> u16 {
        if self.msg.response {
            self.msg.header.rcode()
        } else {
            0
        }
    }

    /// Whether the message came from the server side.
    pub fn is_response(&self) -> bool {
        self.msg.response
    }

    /// The logged query name: the question of a query event, the first question of an answer.
    pub fn rrname(&self) -> Option<&[u8]> {
        let q = self.msg.queries.get(self.query_index.unwrap_or(0))?;
        Some(&q.name.value)
    }

    /// The logged query type (same choice as [`Self::rrname`]).
    pub fn rrtype(&self) -> Option<u16> {
        Some(self.msg.queries.get(self.query_index.unwrap_or(0))?.rrtype)
    }

    /// `dns.query` buffers: every question name of the transaction's request, as Suricata's
    /// multi-buffer does (requests only; empty names are skipped like Suricata).
    pub fn query_names(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let request = !self.msg.response;
        self.msg
            .queries
            .iter()
            .filter(move |q| request && !q.name.value.is_empty())
            .map(|q| q.name.value.as_slice())
    }

    /// Query types of the request's questions (`dns.rrtype` on requests).
    pub fn query_types(&self) -> impl Iterator<Item = u16> + '_ {
        self.msg.queries.iter().map(|q| q.rrtype)
    }

    /// Answer and authority names and rdata names (for feeds matching on answers).
    pub fn answers(&self) -> &[DnsAnswer] {
        &self.msg.answers
    }
}

struct Name<'a>(&'a DnsName);
impl Serialize for Name<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&eve_string(&self.0.value))
    }
}

struct SoaJ<'a>(&'a Soa);
impl Serialize for SoaJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let soa = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("mname", &Name(&soa.mname))?;
        if soa.mname.truncated() {
            m.serialize_entry("mname_truncated", &true)?;
        }
        m.serialize_entry("rname", &Name(&soa.rname))?;
        if soa.rname.truncated() {
            m.serialize_entry("rname_truncated", &true)?;
        }
        m.serialize_entry("serial", &soa.serial)?;
        m.serialize_entry("refresh", &soa.refresh)?;
        m.serialize_entry("retry", &soa.retry)?;
        m.serialize_entry("expire", &soa.expire)?;
        m.serialize_entry("minimum", &soa.minimum)?;
        m.end()
    }
}

struct SshfpJ<'a>(&'a Sshfp);
impl Serialize for SshfpJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut hex = String::with_capacity(self.0.fingerprint.len() * 3);
        for (i, b) in self.0.fingerprint.iter().enumerate() {
            if i > 0 {
                hex.push(':');
            }
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("fingerprint", &hex)?;
        m.serialize_entry("algo", &self.0.algo)?;
        m.serialize_entry("type", &self.0.fp_type)?;
        m.end()
    }
}

struct SrvJ<'a>(&'a Srv);
impl Serialize for SrvJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("priority", &self.0.priority)?;
        m.serialize_entry("weight", &self.0.weight)?;
        m.serialize_entry("port", &self.0.port)?;
        m.serialize_entry("name", &Name(&self.0.target))?;
        m.end()
    }
}

struct Detail<'a>(&'a DnsAnswer);
impl Serialize for Detail<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rrname", &Name(&a.name))?;
        if a.name.truncated() {
            m.serialize_entry("rrname_truncated", &true)?;
        }
        m.serialize_entry("rrtype", &rrtype_name(a.rrtype))?;
        m.serialize_entry("ttl", &a.ttl)?;
        match &a.data {
            RData::Addr(addr) => m.serialize_entry("rdata", &print_addr(addr))?,
            RData::Name(n) => {
                m.serialize_entry("rdata", &Name(n))?;
                if n.truncated() {
                    m.serialize_entry("rdata_truncated", &true)?;
                }
            }
            RData::Txt(b) | RData::Null(b) => m.serialize_entry("rdata", &eve_string(b))?,
            RData::Soa(soa) => m.serialize_entry("soa", &SoaJ(soa))?,
            RData::Sshfp(fp) => m.serialize_entry("sshfp", &SshfpJ(fp))?,
            RData::Srv(srv) => m.serialize_entry("srv", &SrvJ(srv))?,
            RData::Unknown(_) => {}
        }
        m.end()
    }
}

struct Details<'a>(&'a [DnsAnswer]);
impl Serialize for Details<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for a in self.0 {
            seq.serialize_element(&Detail(a))?;
        }
        seq.end()
    }
}

/// One value of a `grouped` array.
struct GroupVal<'a>(&'a RData);
impl Serialize for GroupVal<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            RData::Addr(a) => s.serialize_str(&print_addr(a)),
            RData::Name(n) => Name(n).serialize(s),
            RData::Txt(b) | RData::Null(b) => s.serialize_str(&eve_string(b)),
            RData::Soa(soa) => SoaJ(soa).serialize(s),
            RData::Sshfp(fp) => SshfpJ(fp).serialize(s),
            RData::Srv(srv) => SrvJ(srv).serialize(s),
            RData::Unknown(_) => s.serialize_unit(),
        }
    }
}

struct Group<'a>(&'a [DnsAnswer], u16);
impl Serialize for Group<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for a in self.0.iter().filter(|a| grouped(a) == Some(self.1)) {
            seq.serialize_element(&GroupVal(&a.data))?;
        }
        seq.end()
    }
}

/// The type key an answer is grouped under, if its rdata kind is grouped at all.
fn grouped(a: &DnsAnswer) -> Option<u16> {
    match a.data {
        RData::Unknown(_) => None,
        _ => Some(a.rrtype),
    }
}

struct Grouped<'a>(&'a [DnsAnswer]);
impl Serialize for Grouped<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Distinct type names in first-seen order. Types sharing a name (unknown numbers
        // can't collide with names) are merged like Suricata's map keyed by the name.
        let mut seen: Vec<u16> = Vec::new();
        for a in self.0 {
            if let Some(t) = grouped(a) {
                if !seen.contains(&t) {
                    seen.push(t);
                }
            }
        }
        let mut m = s.serialize_map(Some(seen.len()))?;
        for t in seen {
            m.serialize_entry(&rrtype_name(t), &Group(self.0, t))?;
        }
        m.end()
    }
}

impl Serialize for DnsRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = &self.msg.header;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version", &2)?;
        if let Some(i) = self.query_index {
            m.serialize_entry("type", "query")?;
            m.serialize_entry("id", &h.id)?;
            if let Some(q) = self.msg.queries.get(i) {
                m.serialize_entry("rrname", &Name(&q.name))?;
                if q.name.truncated() {
                    m.serialize_entry("rrname_truncated", &true)?;
                }
                m.serialize_entry("rrtype", &rrtype_name(q.rrtype))?;
            }
            m.serialize_entry("tx_id", &self.tx_id)?;
            if h.z() {
                m.serialize_entry("z", &true)?;
            }
            m.serialize_entry("opcode", &h.opcode())?;
            return m.end();
        }
        m.serialize_entry("type", "answer")?;
        m.serialize_entry("id", &h.id)?;
        m.serialize_entry("flags", &format!("{:x}", h.flags))?;
        for (bit, key) in [
            (0x8000, "qr"),
            (0x0400, "aa"),
            (0x0200, "tc"),
            (0x0100, "rd"),
            (0x0080, "ra"),
            (0x0040, "z"),
        ] {
            if h.flags & bit != 0 {
                m.serialize_entry(key, &true)?;
            }
        }
        m.serialize_entry("opcode", &h.opcode())?;
        if let Some(q) = self.msg.queries.first() {
            m.serialize_entry("rrname", &Name(&q.name))?;
            if q.name.truncated() {
                m.serialize_entry("rrname_truncated", &true)?;
            }
            m.serialize_entry("rrtype", &rrtype_name(q.rrtype))?;
        }
        m.serialize_entry("rcode", &rcode_name(h.flags))?;
        if !self.msg.answers.is_empty() {
            m.serialize_entry("answers", &Details(&self.msg.answers))?;
            m.serialize_entry("grouped", &Grouped(&self.msg.answers))?;
        }
        if !self.msg.authorities.is_empty() {
            m.serialize_entry("authorities", &Details(&self.msg.authorities))?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eve_string_non_utf8() {
        assert_eq!(eve_string(b"abc"), "abc");
        assert_eq!(eve_string(b"a\xffb\x80"), "a\\xffb\\x80");
        assert_eq!(eve_string("é".as_bytes()), "é");
    }

    #[test]
    fn names_of_codes() {
        assert_eq!(rrtype_name(23), "NSAPPT");
        assert_eq!(rrtype_name(64), "64");
        assert_eq!(rrtype_name(65), "HTTPS");
        assert_eq!(rcode_name(0x8183), "NXDOMAIN");
        assert_eq!(rcode_name(0x800b), "11");
    }

    #[test]
    fn addresses() {
        assert_eq!(print_addr(&[90, 84, 55, 48]), "90.84.55.48");
        let v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(print_addr(&v6), "2001:0db8:0000:0000:0000:0000:0000:0001");
        assert_eq!(print_addr(&[1, 2, 3]), "");
    }
}
