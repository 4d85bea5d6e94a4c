//! DNS over UDP and TCP, logged like Suricata 7.0.10 (EVE `dns` version 2).
//!
//! Every parsed message is one transaction (Suricata's DNS state counts requests and
//! responses alike): a request yields one `query` [`AppEvent`] per question, a response one
//! `answer` event (when it has a question). UDP gets one `on_data` per datagram, the direction
//! deciding request (to server) or response (to client). TCP messages carry a 2-byte length
//! prefix and may be split across or packed into segments; a partial message is buffered (at
//! most one message, 64 KiB). A TCP message that does not parse stops the parser for the flow,
//! as Suricata's parser error does.
//!
//! Detection: [`DnsRecord::query_names`] (`dns.query`), [`DnsRecord::opcode`],
//! [`DnsRecord::query_types`]. Probes for protocol detection: [`probe_udp`], [`probe_tcp`].

mod parser;
mod record;

pub use parser::{
    parse_name, parse_request, parse_response, DnsAnswer, DnsError, DnsHeader, DnsMessage, DnsName, DnsQuery,
    NameFlags, RData, Soa, Srv, Sshfp, HEADER_LEN, MAX_NAME_LEN,
};
pub use record::{eve_string, print_addr, rcode_name, rrtype_name, DnsRecord, DnsRecordKind};

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use std::sync::Arc;

/// Largest TCP DNS message plus its length prefix.
const TCP_MAX: usize = 2 + 0xffff;

/// Does this UDP payload look like a DNS message? (Suricata's `rs_dns_probe`.)
pub fn probe_udp(data: &[u8]) -> bool {
    probe_udp_request(data).is_some()
}

/// Like [`probe_udp`], telling also whether it is a request (`Some(true)`) or a response
/// (`Some(false)`): a response seen first means the flow's directions are reversed.
pub fn probe_udp_request(data: &[u8]) -> Option<bool> {
    if data.len() < HEADER_LEN {
        return None;
    }
    match parser::probe(data, data.len()) {
        (true, is_request) => Some(is_request),
        _ => None,
    }
}

/// Does this TCP stream start look like a length-prefixed DNS message? (`rs_dns_probe_tcp`.)
pub fn probe_tcp(data: &[u8]) -> bool {
    probe_tcp_request(data).is_some()
}

/// Like [`probe_tcp`], telling also whether it is a request.
pub fn probe_tcp_request(data: &[u8]) -> Option<bool> {
    if data.len() < HEADER_LEN + 2 {
        return None;
    }
    let dlen = usize::from(u16::from_be_bytes([data[0], data[1]]));
    match parser::probe(&data[2..], dlen) {
        (true, is_request) => Some(is_request),
        _ => None,
    }
}

/// Counters of one DNS parser.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DnsStats {
    /// Messages parsed (= transactions).
    pub messages: u64,
    /// Messages that did not parse (or requests with QR set).
    pub malformed: u64,
    /// Bytes dropped: data after a TCP parse error, or skipped after a gap.
    pub dropped_bytes: u64,
}

/// Per-direction TCP state: the unconsumed start of a message.
#[derive(Debug, Default)]
struct TcpSide {
    buf: Vec<u8>,
}

/// The DNS parser of one flow.
#[derive(Debug)]
pub struct DnsParser {
    tcp: bool,
    /// Transactions created so far (next tx id).
    tx_count: u64,
    sides: [TcpSide; 2],
    /// A gap was seen (TCP): resync on the next data that probes as DNS.
    gap: bool,
    /// A TCP message failed to parse: the parser is done with this flow.
    failed: bool,
    /// Per direction: a whole TCP message arrived since [`Parser::take_raw_trigger`] last
    /// answered (Suricata triggers raw inspection on each, before parsing it).
    raw_trigger: [bool; 2],
    pub stats: DnsStats,
}

impl DnsParser {
    /// Parser for DNS over UDP.
    pub fn new_udp() -> Self {
        Self::new(false)
    }

    /// Parser for DNS over TCP (length-prefixed messages).
    pub fn new_tcp() -> Self {
        Self::new(true)
    }

    fn new(tcp: bool) -> Self {
        DnsParser {
            tcp,
            tx_count: 0,
            sides: Default::default(),
            gap: false,
            failed: false,
            raw_trigger: [false; 2],
            stats: DnsStats::default(),
        }
    }

    /// Whether the parser gave up on the flow (TCP parse error).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Parses one message; `false` on what Suricata treats as an error.
    fn parse_message(&mut self, dir: Direction, msg: &[u8], cx: &mut Cx<'_>) -> bool {
        let header = match DnsHeader::parse(msg) {
            Ok(h) if h.plausible(msg.len()) => h,
            _ => {
                self.stats.malformed += 1;
                return !self.tcp;
            }
        };
        let parsed = match dir {
            Direction::ToServer => match parse_request(msg, header) {
                Ok(m) if m.header.is_response() => {
                    // NotRequest: no transaction.
                    self.stats.malformed += 1;
                    return false;
                }
                r => r,
            },
            Direction::ToClient => parse_response(msg, header),
        };
        let m = match parsed {
            Ok(m) => m,
            Err(_) => {
                self.stats.malformed += 1;
                return false;
            }
        };
        let tx_id = self.tx_count;
        self.tx_count += 1;
        self.stats.messages += 1;
        let msg = Arc::new(m);
        let mut emit = |query_index: Option<usize>| {
            let rec = DnsRecord {
                msg: Arc::clone(&msg),
                tx_id,
                query_index,
            };
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir,
                tx_id: Some(tx_id),
                record: Record::Dns(Box::new(rec)),
            });
        };
        if msg.response {
            if !msg.queries.is_empty() {
                emit(None);
            }
        } else {
            for i in 0..msg.queries.len() {
                emit(Some(i));
            }
        }
        true
    }

    /// Parses length-prefixed messages from `input`; returns how many bytes were consumed
    /// (the rest is an incomplete message), or `None` on a parse error.
    fn parse_tcp_messages(&mut self, dir: Direction, input: &[u8], cx: &mut Cx<'_>) -> Option<usize> {
        let mut consumed = 0;
        loop {
            let cur = input.get(consumed..).unwrap_or_default();
            let [a, b, ..] = *cur else {
                return Some(consumed);
            };
            let size = usize::from(u16::from_be_bytes([a, b]));
            if size == 0 {
                consumed += 2;
                continue;
            }
            let Some(msg) = cur.get(2..2 + size) else {
                return Some(consumed);
            };
            if let Some(t) = self.raw_trigger.get_mut(dir.index()) {
                *t = true;
            }
            if !self.parse_message(dir, msg, cx) {
                return None;
            }
            consumed += 2 + size;
        }
    }

    fn on_tcp(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.failed {
            self.stats.dropped_bytes += data.len() as u64;
            return;
        }
        if self.gap {
            let side = &mut self.sides[dir.index()];
            side.buf.clear();
            // Suricata resumes on data that probes as DNS (or is too short to tell); its
            // request side parses anyway, its response side skips the chunk.
            let resync = data.len() < HEADER_LEN + 2 || probe_tcp(data);
            if resync {
                self.gap = false;
            } else if dir == Direction::ToClient {
                self.stats.dropped_bytes += data.len() as u64;
                return;
            }
        }
        let mut side = std::mem::take(&mut self.sides[dir.index()]);
        let result = if side.buf.is_empty() {
            // Fast path: parse straight from the segment, keep only an incomplete tail.
            match self.parse_tcp_messages(dir, data, cx) {
                Some(n) => {
                    side.buf.extend_from_slice(data.get(n..).unwrap_or_default());
                    true
                }
                None => false,
            }
        } else {
            side.buf.extend_from_slice(data);
            match self.parse_tcp_messages(dir, &side.buf, cx) {
                Some(n) => {
                    side.buf.drain(..n.min(side.buf.len()));
                    true
                }
                None => false,
            }
        };
        if !result {
            self.failed = true;
            side.buf = Vec::new();
        } else if side.buf.len() > TCP_MAX {
            // Cannot happen with a 16-bit length, kept as a hard cap.
            self.stats.dropped_bytes += side.buf.len() as u64;
            side.buf = Vec::new();
        }
        self.sides[dir.index()] = side;
    }
}

impl Parser for DnsParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.tcp {
            self.on_tcp(dir, data, cx);
        } else {
            self.parse_message(dir, data, cx);
        }
    }

    fn take_raw_trigger(&mut self) -> [bool; 2] {
        std::mem::take(&mut self.raw_trigger)
    }

    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        let _ = cx;
        if self.tcp && len > 0 {
            self.gap = true;
            let side = &mut self.sides[dir.index()];
            self.stats.dropped_bytes += side.buf.len() as u64;
            side.buf.clear();
        }
    }
}

#[cfg(test)]
mod tests;
