//! DNS wire-format parsing with Suricata 7.0.10's semantics (`rust/src/dns/parser.rs`).
//!
//! A message is parsed into owned values once (the record outlives the packet buffer). The
//! quirks that decide what Suricata logs are kept on purpose:
//! - names: at most 255 labels/pointers, assembled names truncated at 1025 bytes, a pointer to
//!   itself ends the name (once a pointer was followed) or fails the message;
//! - rdata: parsed per type; each TXT string becomes its own answer entry; rdata that a parser
//!   does not consume at all (e.g. `rdlength` 0) fails the whole message, like nom's `many_m_n`;
//! - only the question, answer and authority sections are parsed (never "additional").

use thiserror::Error;

/// Size of the fixed DNS header.
pub const HEADER_LEN: usize = 12;
/// Longest assembled name kept (dnsmasq's limit, as Suricata uses).
pub const MAX_NAME_LEN: usize = 1025;
/// Most labels and pointers followed in one name.
pub const MAX_LABELS: u32 = 255;

/// Why a DNS message did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DnsError {
    /// The message ends inside a field (nom's `Incomplete`).
    #[error("dns: message truncated in {0}")]
    Incomplete(&'static str),
    /// A field holds an impossible value.
    #[error("dns: invalid {0}")]
    Invalid(&'static str),
}

/// Name parsing anomalies (Suricata's `DNSNameFlags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameFlags(u8);

impl NameFlags {
    pub const INFINITE_LOOP: NameFlags = NameFlags(1);
    pub const TRUNCATED: NameFlags = NameFlags(2);
    pub const LABEL_LIMIT: NameFlags = NameFlags(4);

    pub fn contains(self, other: NameFlags) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn insert(&mut self, other: NameFlags) {
        self.0 |= other.0;
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The fixed header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DnsHeader {
    pub id: u16,
    pub flags: u16,
    pub questions: u16,
    pub answer_rr: u16,
    pub authority_rr: u16,
    pub additional_rr: u16,
}

impl DnsHeader {
    /// Parses the 12-byte header.
    pub fn parse(input: &[u8]) -> Result<DnsHeader, DnsError> {
        let b = input.get(..HEADER_LEN).ok_or(DnsError::Incomplete("header"))?;
        let r = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        Ok(DnsHeader {
            id: r(0),
            flags: r(2),
            questions: r(4),
            answer_rr: r(6),
            authority_rr: r(8),
            additional_rr: r(10),
        })
    }

    /// Suricata's `probe_header_validity`: every announced record needs at least 2 bytes.
    pub fn plausible(&self, msg_len: usize) -> bool {
        let min = 2
            * (usize::from(self.questions)
                + usize::from(self.answer_rr)
                + usize::from(self.authority_rr)
                + usize::from(self.additional_rr))
            + HEADER_LEN;
        min <= msg_len
    }

    pub fn is_response(&self) -> bool {
        self.flags & 0x8000 != 0
    }
    pub fn opcode(&self) -> u8 {
        ((self.flags >> 11) & 0xf) as u8
    }
    pub fn rcode(&self) -> u16 {
        self.flags & 0x000f
    }
    pub fn z(&self) -> bool {
        self.flags & 0x0040 != 0
    }
}

/// An assembled name (labels joined by `.`, the root is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsName {
    pub value: Vec<u8>,
    pub flags: NameFlags,
}

impl DnsName {
    pub fn truncated(&self) -> bool {
        self.flags.contains(NameFlags::TRUNCATED)
    }
}

/// One question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsQuery {
    pub name: DnsName,
    pub rrtype: u16,
    pub rrclass: u16,
}

/// SOA rdata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Soa {
    pub mname: DnsName,
    pub rname: DnsName,
    pub serial: u32,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    pub minimum: u32,
}

/// SRV rdata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: DnsName,
}

/// SSHFP rdata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sshfp {
    pub algo: u8,
    pub fp_type: u8,
    pub fingerprint: Vec<u8>,
}

/// Parsed rdata, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    /// A or AAAA: the raw bytes (any length; only 4 and 16 print as addresses).
    Addr(Vec<u8>),
    /// CNAME, NS, PTR, MX (preference dropped, as Suricata does).
    Name(DnsName),
    /// One TXT character-string.
    Txt(Vec<u8>),
    /// NULL: the raw bytes, logged as a string.
    Null(Vec<u8>),
    Soa(Box<Soa>),
    Srv(Box<Srv>),
    Sshfp(Box<Sshfp>),
    /// Any other type: kept for completeness, not logged.
    Unknown(Vec<u8>),
}

/// One resource record of the answer or authority section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsAnswer {
    pub name: DnsName,
    pub rrtype: u16,
    pub rrclass: u16,
    pub ttl: u32,
    pub data: RData,
}

/// A parsed message. Requests carry only `queries`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsMessage {
    pub header: DnsHeader,
    /// Parsed by the response parser (to-client direction), whatever the QR bit says.
    pub response: bool,
    pub queries: Vec<DnsQuery>,
    pub answers: Vec<DnsAnswer>,
    pub authorities: Vec<DnsAnswer>,
    /// Union of the name flags met while parsing.
    pub name_flags: NameFlags,
}

// Record types (the subset the parser and logger need by name).
pub const TYPE_A: u16 = 1;
pub const TYPE_NS: u16 = 2;
pub const TYPE_CNAME: u16 = 5;
pub const TYPE_SOA: u16 = 6;
pub const TYPE_NULL: u16 = 10;
pub const TYPE_PTR: u16 = 12;
pub const TYPE_MX: u16 = 15;
pub const TYPE_TXT: u16 = 16;
pub const TYPE_AAAA: u16 = 28;
pub const TYPE_SRV: u16 = 33;
pub const TYPE_SSHFP: u16 = 44;

fn be16(msg: &[u8], pos: usize, lim: usize, what: &'static str) -> Result<u16, DnsError> {
    if pos.checked_add(2).is_none_or(|e| e > lim) {
        return Err(DnsError::Incomplete(what));
    }
    match msg.get(pos..pos + 2) {
        Some(b) => Ok(u16::from_be_bytes([b[0], b[1]])),
        None => Err(DnsError::Incomplete(what)),
    }
}

fn be32(msg: &[u8], pos: usize, lim: usize, what: &'static str) -> Result<u32, DnsError> {
    if pos.checked_add(4).is_none_or(|e| e > lim) {
        return Err(DnsError::Incomplete(what));
    }
    match msg.get(pos..pos + 4) {
        Some(b) => Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        None => Err(DnsError::Incomplete(what)),
    }
}

/// Parses a name starting at `start`, reading labels up to `end` (a pointer switches to the
/// whole message). Returns the position after the name (after the first pointer if any).
pub fn parse_name(
    msg: &[u8],
    start: usize,
    end: usize,
    parse_flags: &mut NameFlags,
) -> Result<(usize, DnsName), DnsError> {
    let end = end.min(msg.len());
    let mut pos = start;
    let mut lim = end;
    let mut pivot: Option<usize> = None;
    let mut name: Vec<u8> = Vec::new();
    let mut flags = NameFlags::default();
    let mut count: u32 = 0;

    while let Some(&len) = msg.get(pos).filter(|_| pos < lim) {
        if len == 0 {
            pos += 1;
            break;
        } else if len & 0xc0 == 0 {
            let l = usize::from(len);
            let label = msg
                .get(pos + 1..pos + 1 + l)
                .filter(|_| pos + 1 + l <= lim)
                .ok_or(DnsError::Incomplete("name label"))?;
            if !flags.contains(NameFlags::TRUNCATED) {
                if !name.is_empty() {
                    name.push(b'.');
                }
                name.extend_from_slice(label);
            }
            pos += 1 + l;
        } else if len & 0xc0 == 0xc0 {
            let leader = be16(msg, pos, lim, "name pointer")?;
            let offset = usize::from(leader & 0x3fff);
            if offset > msg.len() {
                return Err(DnsError::Invalid("name pointer offset"));
            }
            if offset == pos && lim == msg.len() {
                // A pointer to itself: an immediate loop.
                flags.insert(NameFlags::INFINITE_LOOP);
                if pivot.is_some() {
                    break;
                }
                return Err(DnsError::Invalid("name pointer loop"));
            }
            if pivot.is_none() {
                pivot = Some(pos + 2);
            }
            pos = offset;
            lim = msg.len();
        } else {
            return Err(DnsError::Invalid("name label type"));
        }

        count += 1;
        if count > MAX_LABELS {
            flags.insert(NameFlags::LABEL_LIMIT);
            if pivot.is_some() {
                flags.insert(NameFlags::TRUNCATED);
                break;
            }
            return Err(DnsError::Invalid("name label count"));
        }

        if name.len() > MAX_NAME_LEN {
            name.truncate(MAX_NAME_LEN);
            flags.insert(NameFlags::TRUNCATED);
            if pivot.is_some() {
                break;
            }
        }
    }

    parse_flags.insert(flags);
    Ok((pivot.unwrap_or(pos), DnsName { value: name, flags }))
}

fn parse_query(msg: &[u8], pos: usize, flags: &mut NameFlags) -> Result<(usize, DnsQuery), DnsError> {
    let (pos, name) = parse_name(msg, pos, msg.len(), flags)?;
    let rrtype = be16(msg, pos, msg.len(), "query type")?;
    let rrclass = be16(msg, pos + 2, msg.len(), "query class")?;
    Ok((
        pos + 4,
        DnsQuery {
            name,
            rrtype,
            rrclass,
        },
    ))
}

/// Parses one rdata item of `rrtype` in `msg[start..end]`; returns the position after it.
fn parse_rdata(
    msg: &[u8],
    start: usize,
    end: usize,
    rrtype: u16,
    flags: &mut NameFlags,
) -> Result<(usize, RData), DnsError> {
    let data = msg.get(start..end).ok_or(DnsError::Incomplete("rdata"))?;
    Ok(match rrtype {
        TYPE_A | TYPE_AAAA => (end, RData::Addr(data.to_vec())),
        TYPE_CNAME | TYPE_PTR | TYPE_NS => {
            let (p, n) = parse_name(msg, start, end, flags)?;
            (p, RData::Name(n))
        }
        TYPE_MX => {
            be16(msg, start, end, "mx preference")?;
            let (p, n) = parse_name(msg, start + 2, end, flags)?;
            (p, RData::Name(n))
        }
        TYPE_SOA => {
            let (p, mname) = parse_name(msg, start, end, flags)?;
            let (p, rname) = parse_name(msg, p, end, flags)?;
            let soa = Soa {
                mname,
                rname,
                serial: be32(msg, p, end, "soa serial")?,
                refresh: be32(msg, p + 4, end, "soa refresh")?,
                retry: be32(msg, p + 8, end, "soa retry")?,
                expire: be32(msg, p + 12, end, "soa expire")?,
                minimum: be32(msg, p + 16, end, "soa minimum")?,
            };
            (p + 20, RData::Soa(Box::new(soa)))
        }
        TYPE_SRV => {
            let priority = be16(msg, start, end, "srv priority")?;
            let weight = be16(msg, start + 2, end, "srv weight")?;
            let port = be16(msg, start + 4, end, "srv port")?;
            let (p, target) = parse_name(msg, start + 6, end, flags)?;
            let srv = Srv {
                priority,
                weight,
                port,
                target,
            };
            (p, RData::Srv(Box::new(srv)))
        }
        TYPE_TXT => {
            let (&len, rest) = data.split_first().ok_or(DnsError::Incomplete("txt length"))?;
            let s = rest
                .get(..usize::from(len))
                .ok_or(DnsError::Incomplete("txt string"))?;
            (start + 1 + s.len(), RData::Txt(s.to_vec()))
        }
        TYPE_NULL => (end, RData::Null(data.to_vec())),
        TYPE_SSHFP => {
            let (algo, fp_type, fp) = match data {
                [a, t, fp @ ..] => (*a, *t, fp),
                _ => return Err(DnsError::Incomplete("sshfp")),
            };
            let s = Sshfp {
                algo,
                fp_type,
                fingerprint: fp.to_vec(),
            };
            (end, RData::Sshfp(Box::new(s)))
        }
        _ => (end, RData::Unknown(data.to_vec())),
    })
}

/// Parses `count` resource records from `pos`, appending them (TXT strings expanded) to `out`.
fn parse_rrs(
    msg: &[u8],
    mut pos: usize,
    count: u16,
    out: &mut Vec<DnsAnswer>,
    flags: &mut NameFlags,
) -> Result<usize, DnsError> {
    for _ in 0..count {
        let (p, name) = parse_name(msg, pos, msg.len(), flags)?;
        let rrtype = be16(msg, p, msg.len(), "rr type")?;
        let rrclass = be16(msg, p + 2, msg.len(), "rr class")?;
        let ttl = be32(msg, p + 4, msg.len(), "rr ttl")?;
        let rdlen = usize::from(be16(msg, p + 8, msg.len(), "rr rdlength")?);
        let dstart = p + 10;
        let dend = dstart + rdlen;
        if dend > msg.len() {
            return Err(DnsError::Incomplete("rdata"));
        }
        // nom's many_m_n(1, n, complete(rdata)): TXT repeats, every other type runs once; an
        // item that consumes nothing fails everything.
        let max = if rrtype == TYPE_TXT { 32767 } else { 1 };
        let mut at = dstart;
        for i in 0..max {
            match parse_rdata(msg, at, dend, rrtype, flags) {
                Ok((next, data)) => {
                    if next == at {
                        return Err(DnsError::Invalid("empty rdata"));
                    }
                    out.push(DnsAnswer {
                        name: name.clone(),
                        rrtype,
                        rrclass,
                        ttl,
                        data,
                    });
                    at = next;
                }
                Err(e) => {
                    if i == 0 {
                        return Err(e);
                    }
                    break;
                }
            }
        }
        pos = dend;
    }
    Ok(pos)
}

fn parse_questions(
    msg: &[u8],
    header: DnsHeader,
    flags: &mut NameFlags,
) -> Result<(usize, Vec<DnsQuery>), DnsError> {
    let mut pos = HEADER_LEN;
    let mut queries = Vec::with_capacity(usize::from(header.questions).min(4));
    for _ in 0..header.questions {
        let (p, q) = parse_query(msg, pos, flags)?;
        queries.push(q);
        pos = p;
    }
    Ok((pos, queries))
}

/// Parses the question section of a request (the header already parsed).
pub fn parse_request(msg: &[u8], header: DnsHeader) -> Result<DnsMessage, DnsError> {
    let mut flags = NameFlags::default();
    let (_, queries) = parse_questions(msg, header, &mut flags)?;
    Ok(DnsMessage {
        header,
        response: false,
        queries,
        name_flags: flags,
        ..Default::default()
    })
}

/// Parses questions, answers and authorities of a response (the header already parsed).
pub fn parse_response(msg: &[u8], header: DnsHeader) -> Result<DnsMessage, DnsError> {
    let mut flags = NameFlags::default();
    let (pos, queries) = parse_questions(msg, header, &mut flags)?;
    let mut answers = Vec::with_capacity(usize::from(header.answer_rr).min(16));
    let pos = parse_rrs(msg, pos, header.answer_rr, &mut answers, &mut flags)?;
    let mut authorities = Vec::new();
    parse_rrs(msg, pos, header.authority_rr, &mut authorities, &mut flags)?;
    Ok(DnsMessage {
        header,
        response: true,
        queries,
        answers,
        authorities,
        name_flags: flags,
    })
}

/// Suricata's `probe`: does `input` (the first `dlen` bytes of which are the message) look like
/// DNS? Returns `(is_dns, is_request)`.
pub fn probe(input: &[u8], dlen: usize) -> (bool, bool) {
    let input = input.get(..dlen).unwrap_or(input);
    let Ok(header) = DnsHeader::parse(input) else {
        return (false, false);
    };
    let valid = |h: &DnsHeader| {
        if h.plausible(dlen) {
            (true, !h.is_response())
        } else {
            (false, false)
        }
    };
    if input.len() < dlen {
        return valid(&header);
    }
    match parse_request(input, header) {
        Ok(_) | Err(DnsError::Incomplete(_)) => valid(&header),
        Err(DnsError::Invalid(_)) => (false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_plain() {
        let buf = b"\x09client-cf\x07dropbox\x03com\x00\x00\x01\x00";
        let mut f = NameFlags::default();
        let (p, n) = parse_name(buf, 0, buf.len(), &mut f).unwrap();
        assert_eq!(n.value, b"client-cf.dropbox.com");
        assert_eq!(p, 23);
        assert!(f.is_empty());
    }

    // Suricata's test_dns_parse_name_with_pointer message.
    const PTR_MSG: &[u8] = &[
        0xef, 0x08, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x0c,
        0x73, 0x75, 0x72, 0x69, 0x63, 0x61, 0x74, 0x61, 0x2d, 0x69, 0x64, 0x73, 0x03, 0x6f, 0x72, 0x67, 0x00,
        0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x0f, 0x00, 0x02, 0xc0,
        0x10, 0xc0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2b, 0x00, 0x04, 0xc0, 0x00, 0x4e, 0x19,
        0xc0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2b, 0x00, 0x04, 0xc0, 0x00, 0x4e, 0x18, 0x00,
        0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn name_pointers() {
        let mut f = NameFlags::default();
        let (p, n) = parse_name(PTR_MSG, 12, PTR_MSG.len(), &mut f).unwrap();
        assert_eq!(n.value, b"www.suricata-ids.org");
        assert_eq!(p, 34);
        let (p, n) = parse_name(PTR_MSG, 38, PTR_MSG.len(), &mut f).unwrap();
        assert_eq!(n.value, b"www.suricata-ids.org");
        assert_eq!(p, 40);
        let (_, n) = parse_name(PTR_MSG, 50, PTR_MSG.len(), &mut f).unwrap();
        assert_eq!(n.value, b"suricata-ids.org");
    }

    #[test]
    fn full_response_with_pointers() {
        let h = DnsHeader::parse(PTR_MSG).unwrap();
        let m = parse_response(PTR_MSG, h).unwrap();
        assert_eq!(m.queries.len(), 1);
        assert_eq!(m.answers.len(), 3);
        assert_eq!(m.answers[0].rrtype, TYPE_CNAME);
        assert_eq!(
            m.answers[0].data,
            RData::Name(DnsName {
                value: b"suricata-ids.org".to_vec(),
                flags: NameFlags::default()
            })
        );
        assert_eq!(m.answers[1].data, RData::Addr(vec![192, 0, 78, 25]));
        assert_eq!(m.answers[2].ttl, 299);
    }

    #[test]
    fn self_pointer_first_is_error() {
        // Header + name that is a pointer to itself.
        let mut msg = vec![0u8; 12];
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        let mut f = NameFlags::default();
        assert_eq!(
            parse_name(&msg, 12, msg.len(), &mut f),
            Err(DnsError::Invalid("name pointer loop"))
        );
    }

    #[test]
    fn pointer_loop_is_bounded() {
        // name at 12: label "a" then pointer to 12 -> loops until the label limit.
        let mut msg = vec![0u8; 12];
        msg.extend_from_slice(&[1, b'a', 0xc0, 12]);
        let mut f = NameFlags::default();
        let (p, n) = parse_name(&msg, 12, msg.len(), &mut f).unwrap();
        assert_eq!(p, 16);
        assert!(n.flags.contains(NameFlags::LABEL_LIMIT));
        assert!(n.flags.contains(NameFlags::TRUNCATED));
        assert_eq!(n.value.len(), 255); // 128 "a" labels joined by dots
                                        // Two pointers pointing at each other.
        let mut msg = vec![0u8; 12];
        msg.extend_from_slice(&[0xc0, 14, 0xc0, 12]);
        let mut f = NameFlags::default();
        let (p, n) = parse_name(&msg, 12, msg.len(), &mut f).unwrap();
        assert_eq!(p, 14);
        assert!(n.flags.contains(NameFlags::LABEL_LIMIT));
        assert_eq!(n.value, b"");
    }

    #[test]
    fn long_name_truncated() {
        let mut msg = vec![0u8; 12];
        for _ in 0..20 {
            msg.push(63);
            msg.extend_from_slice(&[b'x'; 63]);
        }
        msg.push(0);
        let mut f = NameFlags::default();
        let (p, n) = parse_name(&msg, 12, msg.len(), &mut f).unwrap();
        assert_eq!(p, msg.len());
        assert_eq!(n.value.len(), MAX_NAME_LEN);
        assert!(n.truncated());
    }

    #[test]
    fn bad_pointer_and_label_type() {
        let msg = [0u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff];
        let mut f = NameFlags::default();
        assert!(matches!(
            parse_name(&msg, 12, 14, &mut f),
            Err(DnsError::Invalid(_))
        ));
        let msg = [0x40u8, 1];
        assert!(matches!(
            parse_name(&msg, 0, 2, &mut f),
            Err(DnsError::Invalid(_))
        ));
        let msg = [5u8, b'a'];
        assert!(matches!(
            parse_name(&msg, 0, 2, &mut f),
            Err(DnsError::Incomplete(_))
        ));
    }

    #[test]
    fn empty_rdata_fails_message() {
        // Response, 1 question "a", 1 answer A with rdlength 0.
        let mut msg = vec![0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(&[1, b'a', 0, 0, 1, 0, 1]);
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 0]);
        let h = DnsHeader::parse(&msg).unwrap();
        assert_eq!(parse_response(&msg, h), Err(DnsError::Invalid("empty rdata")));
    }

    #[test]
    fn txt_strings_expand() {
        let mut msg = vec![0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(&[1, b'a', 0, 0, 16, 0, 1]);
        msg.extend_from_slice(&[0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 5, 0, 7]);
        msg.extend_from_slice(&[2, b'h', b'i', 0, 2, b'y', b'o']);
        let h = DnsHeader::parse(&msg).unwrap();
        let m = parse_response(&msg, h).unwrap();
        let txt: Vec<_> = m.answers.iter().map(|a| a.data.clone()).collect();
        assert_eq!(
            txt,
            vec![
                RData::Txt(b"hi".to_vec()),
                RData::Txt(vec![]),
                RData::Txt(b"yo".to_vec())
            ]
        );
    }

    #[test]
    fn probe_header() {
        assert_eq!(probe(&PTR_MSG[..12], PTR_MSG.len()), (true, false));
        assert_eq!(probe(PTR_MSG, PTR_MSG.len()), (true, false));
        // 0xffff questions can't fit.
        let msg = [0u8, 1, 1, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0];
        assert_eq!(probe(&msg, 12), (false, false));
        assert_eq!(probe(&msg[..5], 12), (false, false));
    }
}
