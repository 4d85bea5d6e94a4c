//! DCERPC over TCP (connection-oriented DCE/RPC 5.x) as Suricata 7.0.10's `rust/src/dcerpc`
//! parses and logs it.
//!
//! A PDU is a 16-byte header (version 5.0 or 5.1, type, flags, data representation, fragment
//! length, call id) and a body. The parser keeps the interfaces of the last BIND /
//! ALTER_CONTEXT and which of them the last BIND_ACK accepted; REQUEST and RESPONSE PDUs carry
//! stub data, in the byte order of the data representation. Transactions pair a request and
//! its response by call id (Suricata's `get_tx_by_call_id`); a transaction is logged once both
//! sides are done, or when the flow ends.
//!
//! Suricata's quirks are kept on purpose, since rules and logs depend on them:
//! - one PDU is parsed per chunk of stream data; bytes after it in the same chunk are dropped;
//! - a PDU waits in a per-direction buffer (1 MiB at most) until its fragment length is there;
//! - a PDU arriving in one direction while a PDU of the other is half-buffered is an error;
//! - every REQUEST (RESPONSE) PDU completes the request (response) side of its transaction,
//!   so the fragments of a fragmented call are transactions of their own;
//! - the response stub data starts right after the 16-byte header (it includes the
//!   alloc hint and context id);
//! - an error, a gap, or an unknown PDU type ends parsing of the flow (the open transactions
//!   are logged then).
//!
//! Inspection: [`DcerpcRecord::stub_ts`] / [`DcerpcRecord::stub_tc`] (`dcerpc.stub_data`),
//! [`DcerpcRecord::opnum`] (`dcerpc.opnum`), [`DcerpcRecord::accepted`] (`dcerpc.iface`).
//!
//! Not done here: DCERPC over UDP and over SMB, and the resynchronisation on the next
//! `05 00` after a flow picked up midstream.

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use serde::ser::{SerializeMap, Serializer};
use std::collections::VecDeque;
use std::sync::Arc;

#[cfg(test)]
mod tests;

/// Length of the PDU header.
pub const HDR_LEN: usize = 16;
/// Most stub bytes kept per transaction and direction (`app-layer.protocols.dcerpc.max-stub-size`).
pub const MAX_STUB_SIZE: usize = 1024 * 1024;
/// Open transactions past which the oldest is completed (`app-layer.protocols.dcerpc.max-tx`).
pub const MAX_TX: usize = 1024;
/// Most bytes buffered per direction while a PDU is incomplete (Suricata's 1 MiB limit).
pub const MAX_BUFFER: usize = 1024 * 1024;
/// Most stub bytes held by the open transactions of a flow; past it the oldest are completed
/// and logged (not in Suricata, which bounds them by `max-tx` only: 1024 x 2 x 64 KiB).
pub const MAX_OPEN_STUB: usize = 8 * 1024 * 1024;

/// PDU types (`DCERPC_TYPE_*`).
pub mod ptype {
    pub const REQUEST: u8 = 0;
    pub const RESPONSE: u8 = 2;
    pub const BIND: u8 = 11;
    pub const BINDACK: u8 = 12;
    pub const ALTER_CONTEXT: u8 = 14;
    pub const ALTER_CONTEXT_RESP: u8 = 15;
    /// Not on the wire: the "no such type" answer of the request/response pairing.
    pub const UNKNOWN: u8 = 99;
}

/// `pfc_flags` bit of the first fragment.
const PFC_FIRST_FRAG: u8 = 0x01;

/// EVE name of a PDU type (`dcerpc_type_string`): the number itself when unknown.
pub fn type_name(t: u8) -> std::borrow::Cow<'static, str> {
    let s = match t {
        0 => "REQUEST",
        1 => "PING",
        2 => "RESPONSE",
        3 => "FAULT",
        4 => "WORKING",
        5 => "NOCALL",
        6 => "REJECT",
        7 => "ACK",
        8 => "CL_CANCEL",
        9 => "FACK",
        10 => "CANCEL_ACK",
        11 => "BIND",
        12 => "BINDACK",
        13 => "BINDNAK",
        14 => "ALTER_CONTEXT",
        15 => "ALTER_CONTEXT_RESP",
        16 => "AUTH3",
        17 => "SHUTDOWN",
        18 => "CO_CANCEL",
        19 => "ORPHANED",
        20 => "RTS",
        99 => "UNKNOWN",
        n => return std::borrow::Cow::Owned(n.to_string()),
    };
    std::borrow::Cow::Borrowed(s)
}

fn resp_type_for_req(t: u8) -> u8 {
    match t {
        ptype::REQUEST => ptype::RESPONSE,
        ptype::BIND => ptype::BINDACK,
        ptype::ALTER_CONTEXT => ptype::ALTER_CONTEXT_RESP,
        _ => ptype::UNKNOWN,
    }
}

fn req_type_for_resp(t: u8) -> u8 {
    match t {
        ptype::RESPONSE => ptype::REQUEST,
        ptype::BINDACK => ptype::BIND,
        ptype::ALTER_CONTEXT_RESP => ptype::ALTER_CONTEXT,
        _ => ptype::UNKNOWN,
    }
}

/// The PDU header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub version_minor: u8,
    pub ptype: u8,
    pub pfc_flags: u8,
    /// First byte of the data representation: bit 0x10 = little endian.
    pub drep0: u8,
    pub frag_len: u16,
    pub auth_len: u16,
    pub call_id: u32,
}

impl Header {
    /// Parses the 16-byte header; `None` when fewer bytes are there.
    pub fn parse(b: &[u8]) -> Option<Header> {
        let h = b.get(..HDR_LEN)?;
        let le = h.get(4).is_some_and(|d| d & 0x10 != 0);
        Some(Header {
            version: *h.first()?,
            version_minor: *h.get(1)?,
            ptype: *h.get(2)?,
            pfc_flags: *h.get(3)?,
            drep0: *h.get(4)?,
            frag_len: u16_at(h, 8, le)?,
            auth_len: u16_at(h, 10, le)?,
            call_id: u32_at(h, 12, le)?,
        })
    }

    pub fn little_endian(&self) -> bool {
        self.drep0 & 0x10 != 0
    }
}

fn u16_at(b: &[u8], at: usize, le: bool) -> Option<u16> {
    let x: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if le {
        u16::from_le_bytes(x)
    } else {
        u16::from_be_bytes(x)
    })
}

fn u32_at(b: &[u8], at: usize, le: bool) -> Option<u32> {
    let x: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if le {
        u32::from_le_bytes(x)
    } else {
        u32::from_be_bytes(x)
    })
}

/// One presentation context of a BIND (an interface), with the BIND_ACK's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Iface {
    pub ctxid: u16,
    /// Position in its BIND (the BIND_ACK answers in that order).
    pub index: u16,
    /// The interface UUID in the order it is written (`12345678-...` = `12 34 56 78 ...`).
    pub uuid: [u8; 16],
    pub version: u16,
    pub version_minor: u16,
    /// BIND_ACK result (0 = accepted).
    pub result: u16,
    /// The BIND was a first fragment (`dcerpc.iface` without `any_frag` only matches those).
    pub first_frag: bool,
}

impl Iface {
    /// The UUID as EVE writes it (lower-case, hyphenated).
    pub fn uuid_string(&self) -> String {
        let mut s = String::with_capacity(36);
        for (i, b) in self.uuid.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// A DCERPC transaction: the EVE `dcerpc` object, and what `dcerpc.*` keywords inspect.
#[derive(Debug, Clone, Default)]
pub struct DcerpcRecord {
    pub tx_id: u64,
    pub call_id: u32,
    /// Request PDU type (REQUEST, BIND, ALTER_CONTEXT).
    pub req_cmd: u8,
    /// Response PDU type (RESPONSE, BINDACK, ALTER_CONTEXT_RESP).
    pub resp_cmd: u8,
    pub req_done: bool,
    pub resp_done: bool,
    /// Of the last REQUEST.
    pub ctxid: u16,
    pub opnum: u16,
    /// A REQUEST PDU was parsed for this transaction (`dcerpc.iface` / `dcerpc.opnum` need it).
    pub first_request_seen: bool,
    pub frag_cnt_ts: u16,
    pub frag_cnt_tc: u16,
    /// The data representation was little endian when the transaction was created.
    pub little_endian: bool,
    /// Request stub data (`dcerpc.stub_data` to server), up to [`MAX_STUB_SIZE`].
    pub stub_ts: Vec<u8>,
    /// Response stub data (`dcerpc.stub_data` to client), up to [`MAX_STUB_SIZE`].
    pub stub_tc: Vec<u8>,
    /// The interfaces the last BIND_ACK accepted when the request was parsed (`None`: no
    /// BIND_ACK yet).
    pub accepted: Option<Arc<[Iface]>>,
    /// For BIND transactions: the interfaces of the last BIND when logged.
    pub interfaces: Option<Vec<Iface>>,
    /// Version of the last PDU header when logged.
    pub rpc_version: Option<(u8, u8)>,
}

impl DcerpcRecord {
    /// Stub data of one side (`true` = request).
    pub fn stub(&self, to_server: bool) -> &[u8] {
        if to_server {
            &self.stub_ts
        } else {
            &self.stub_tc
        }
    }
}

struct IfaceObj<'a>(&'a Iface);

impl serde::Serialize for IfaceObj<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("uuid", &i.uuid_string())?;
        m.serialize_entry("version", &format!("{}.{}", i.version, i.version_minor))?;
        m.serialize_entry("ack_result", &i.result)?;
        m.end()
    }
}

struct Side {
    frag_cnt: u16,
    size: usize,
}

impl serde::Serialize for Side {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("frag_cnt", &self.frag_cnt)?;
        m.serialize_entry("stub_data_size", &self.size)?;
        m.end()
    }
}

struct Req<'a>(&'a DcerpcRecord);

impl serde::Serialize for Req<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("opnum", &self.0.opnum)?;
        m.serialize_entry("frag_cnt", &self.0.frag_cnt_ts)?;
        m.serialize_entry("stub_data_size", &self.0.stub_ts.len())?;
        m.end()
    }
}

/// Suricata 7.0.10's `log_dcerpc_header_tcp`.
impl serde::Serialize for DcerpcRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if self.req_done {
            m.serialize_entry("request", &type_name(self.req_cmd))?;
            match self.req_cmd {
                ptype::REQUEST => m.serialize_entry("req", &Req(self))?,
                ptype::BIND => {
                    if let Some(list) = &self.interfaces {
                        let v: Vec<IfaceObj<'_>> = list.iter().map(IfaceObj).collect();
                        m.serialize_entry("interfaces", &v)?;
                    }
                }
                _ => {}
            }
        } else {
            m.serialize_entry("request", "REQUEST_LOST")?;
        }
        if self.resp_done {
            m.serialize_entry("response", &type_name(self.resp_cmd))?;
            if self.resp_cmd == ptype::RESPONSE {
                let side = Side {
                    frag_cnt: self.frag_cnt_tc,
                    size: self.stub_tc.len(),
                };
                m.serialize_entry("res", &side)?;
            }
        } else {
            m.serialize_entry("response", "UNREPLIED")?;
        }
        if let Some((a, b)) = self.rpc_version {
            m.serialize_entry("call_id", &self.call_id)?;
            m.serialize_entry("rpc_version", &format!("{a}.{b}"))?;
        }
        m.end()
    }
}

/// Per-flow DCERPC/TCP parser (Suricata's `DCERPCState`).
#[derive(Debug)]
pub struct DcerpcParser {
    /// Header of the last PDU (shared by both directions, as in Suricata).
    header: Option<Header>,
    /// Interfaces of the last BIND / ALTER_CONTEXT.
    bind: Option<Vec<Iface>>,
    /// Interfaces the last BIND_ACK accepted (set only when a BIND was seen).
    accepted: Option<Arc<[Iface]>>,
    /// Open transactions, oldest first.
    txs: VecDeque<DcerpcRecord>,
    next_tx_id: u64,
    /// Partial PDU per direction ([`Direction::index`]).
    buf: [Vec<u8>; 2],
    /// Header bytes of the buffered PDU already parsed (0 or [`HDR_LEN`]).
    bytes_consumed: usize,
    /// Stub bytes of the current PDU still expected.
    padleft: u16,
    data_needed_for_dir: Direction,
    prev_dir: Direction,
    /// An error ended parsing.
    dead: bool,
}

impl Default for DcerpcParser {
    fn default() -> Self {
        Self::new()
    }
}

impl DcerpcParser {
    pub fn new() -> Self {
        DcerpcParser {
            header: None,
            bind: None,
            accepted: None,
            txs: VecDeque::new(),
            next_tx_id: 0,
            buf: [Vec::new(), Vec::new()],
            bytes_consumed: 0,
            padleft: 0,
            data_needed_for_dir: Direction::ToServer,
            prev_dir: Direction::ToServer,
            dead: false,
        }
    }

    /// Whether an error ended parsing.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Transactions not logged yet.
    pub fn open_txs(&self) -> usize {
        self.txs.len()
    }

    fn create_tx(&mut self, call_id: u32) -> DcerpcRecord {
        let tx = DcerpcRecord {
            tx_id: self.next_tx_id,
            call_id,
            req_cmd: ptype::REQUEST,
            resp_cmd: ptype::RESPONSE,
            little_endian: self.header.is_some_and(|h| h.little_endian()),
            ..Default::default()
        };
        self.next_tx_id = self.next_tx_id.saturating_add(1);
        if self.txs.len() > MAX_TX {
            // Suricata completes the oldest open transaction.
            if let Some(old) = self.txs.iter_mut().find(|t| !t.req_done || !t.resp_done) {
                old.req_done = true;
                old.resp_done = true;
            }
        }
        tx
    }

    /// Suricata's `get_tx_by_call_id` for PDU type `cmd` coming in direction `dir`.
    fn tx_by_call_id(&self, call_id: u32, dir: Direction, cmd: u8) -> Option<usize> {
        self.txs.iter().position(|tx| {
            tx.call_id == call_id
                && match dir {
                    Direction::ToServer => !tx.req_done && resp_type_for_req(cmd) == tx.resp_cmd,
                    Direction::ToClient => !tx.resp_done && req_type_for_resp(cmd) == tx.req_cmd,
                }
        })
    }

    /// Suricata's `handle_input_data`: one PDU at most. `false` on an error.
    fn handle(&mut self, dir: Direction, input: &[u8]) -> bool {
        let d = dir.index();
        if self.prev_dir == dir {
            self.data_needed_for_dir = dir;
        }
        let held = self.buf.get(d).map_or(0, Vec::len);
        if held.saturating_add(input.len()) > MAX_BUFFER {
            return false;
        }
        let mut buffer = match self.buf.get_mut(d) {
            Some(b) => std::mem::take(b),
            None => return false,
        };
        buffer.extend_from_slice(input);
        if self.data_needed_for_dir != dir && !buffer.is_empty() {
            return false;
        }
        self.data_needed_for_dir = dir;
        if self.bytes_consumed < HDR_LEN && !input.is_empty() {
            match Header::parse(&buffer) {
                // Short, or not version 5.0/5.1: wait for more (as Suricata does).
                Some(h) if h.version == 5 && h.version_minor <= 1 => {
                    self.header = Some(h);
                    self.bytes_consumed = HDR_LEN;
                }
                _ => return self.keep(d, buffer),
            }
        }
        let Some(hdr) = self.header else {
            return self.keep(d, buffer);
        };
        if buffer.len() < usize::from(hdr.frag_len) {
            return self.keep(d, buffer);
        }
        let body = buffer.get(self.bytes_consumed..).unwrap_or_default();
        let ok = match hdr.ptype {
            ptype::BIND | ptype::ALTER_CONTEXT => self.bind_pdu(&hdr, body),
            ptype::BINDACK | ptype::ALTER_CONTEXT_RESP => self.bindack_pdu(&hdr, body),
            ptype::REQUEST => self.request_pdu(&hdr, body),
            ptype::RESPONSE => {
                match self.tx_by_call_id(hdr.call_id, Direction::ToClient, hdr.ptype) {
                    Some(i) => {
                        if let Some(tx) = self.txs.get_mut(i) {
                            tx.resp_cmd = hdr.ptype;
                        }
                    }
                    None => {
                        let mut tx = self.create_tx(hdr.call_id);
                        tx.resp_cmd = hdr.ptype;
                        self.txs.push_back(tx);
                    }
                }
                self.common_stub(&hdr, body, 0, Direction::ToClient) >= 0
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        // The PDU is done; what followed it in the buffer is dropped.
        self.bytes_consumed = 0;
        self.data_needed_for_dir = dir.reverse();
        self.prev_dir = dir;
        true
    }

    fn keep(&mut self, d: usize, buffer: Vec<u8>) -> bool {
        if let Some(b) = self.buf.get_mut(d) {
            *b = buffer;
        }
        true
    }

    /// BIND / ALTER_CONTEXT: the presentation contexts (one transfer syntax each, 44 bytes).
    fn bind_pdu(&mut self, hdr: &Header, input: &[u8]) -> bool {
        let le = hdr.little_endian();
        let Some(&n) = input.get(8).filter(|_| input.len() >= 12) else {
            return false;
        };
        let mut list = Vec::with_capacity(usize::from(n));
        let mut at = 12usize;
        for i in 0..n {
            let Some(item) = input.get(at..at.saturating_add(44)) else {
                return false;
            };
            let (Some(ctxid), Some(version), Some(version_minor)) =
                (u16_at(item, 0, le), u16_at(item, 20, le), u16_at(item, 22, le))
            else {
                return false;
            };
            let mut uuid = [0u8; 16];
            if let Some(raw) = item.get(4..20) {
                uuid.copy_from_slice(raw);
            }
            if le {
                // time_low, time_mid and time_hi_and_version are little endian on the wire.
                uuid[..4].reverse();
                uuid[4..6].reverse();
                uuid[6..8].reverse();
            }
            list.push(Iface {
                ctxid,
                index: u16::from(i),
                uuid,
                version,
                version_minor,
                result: 0,
                first_frag: hdr.pfc_flags & PFC_FIRST_FRAG != 0,
            });
            at = at.saturating_add(44);
        }
        self.bind = Some(list);
        let mut tx = self.create_tx(hdr.call_id);
        tx.req_cmd = hdr.ptype;
        tx.req_done = true;
        tx.frag_cnt_ts = 1;
        self.txs.push_back(tx);
        true
    }

    /// BIND_ACK / ALTER_CONTEXT_RESP: the answer to each context of the last BIND.
    fn bindack_pdu(&mut self, hdr: &Header, input: &[u8]) -> bool {
        let Some(sec_len) = u16_at(input, 8, true) else {
            return false;
        };
        let rem = sec_len.wrapping_add(2) % 4;
        let pad = if rem != 0 { 4 - rem } else { 0 };
        let at = 10 + usize::from(sec_len) + usize::from(pad);
        let Some(&n) = input.get(at).filter(|_| input.len() >= at + 4) else {
            return false;
        };
        let mut results = Vec::with_capacity(usize::from(n));
        for i in 0..usize::from(n) {
            let Some(r) =
                u16_at(input, at + 4 + i * 24, true).filter(|_| input.len() >= at + 4 + (i + 1) * 24)
            else {
                return false;
            };
            results.push(r);
        }
        if let Some(bind) = self.bind.as_mut() {
            let mut accepted = Vec::new();
            for (i, &r) in results.iter().enumerate() {
                for u in bind.iter_mut() {
                    if usize::from(u.index) == i {
                        u.result = r;
                        if r != 0 {
                            break;
                        }
                        accepted.push(*u);
                    }
                }
            }
            self.accepted = Some(accepted.into());
        }
        match self.tx_by_call_id(hdr.call_id, Direction::ToClient, hdr.ptype) {
            Some(i) => {
                if let Some(tx) = self.txs.get_mut(i) {
                    tx.resp_cmd = hdr.ptype;
                    tx.resp_done = true;
                    tx.frag_cnt_tc = 1;
                }
            }
            None => {
                let mut tx = self.create_tx(hdr.call_id);
                tx.resp_cmd = hdr.ptype;
                tx.resp_done = true;
                tx.frag_cnt_tc = 1;
                self.txs.push_back(tx);
            }
        }
        true
    }

    /// REQUEST: alloc hint, context id, opnum, then the stub data.
    fn request_pdu(&mut self, hdr: &Header, input: &[u8]) -> bool {
        let le = hdr.little_endian();
        let (Some(ctxid), Some(opnum)) = (u16_at(input, 4, le), u16_at(input, 6, le)) else {
            return false;
        };
        let accepted = self.accepted.clone();
        let i = match self.tx_by_call_id(hdr.call_id, Direction::ToServer, hdr.ptype) {
            Some(i) => i,
            None => {
                let tx = self.create_tx(hdr.call_id);
                self.txs.push_back(tx);
                self.txs.len() - 1
            }
        };
        if let Some(tx) = self.txs.get_mut(i) {
            tx.req_cmd = hdr.ptype;
            tx.ctxid = ctxid;
            tx.opnum = opnum;
            tx.first_request_seen = true;
            tx.accepted = accepted;
        }
        self.common_stub(hdr, input, 8, Direction::ToServer) >= 0
    }

    /// Suricata's `handle_common_stub`: the stub data after `consumed` body bytes. Negative
    /// on an error.
    fn common_stub(&mut self, hdr: &Header, input: &[u8], consumed: usize, dir: Direction) -> i64 {
        let fraglen = usize::from(hdr.frag_len);
        if fraglen < consumed + HDR_LEN {
            return -1;
        }
        self.padleft = u16::try_from(fraglen - HDR_LEN - consumed).unwrap_or(u16::MAX);
        let mut input_left = input.len().saturating_sub(consumed);
        let mut parsed = consumed as i64;
        while input_left > 0 && parsed < fraglen as i64 {
            let rest = usize::try_from(parsed)
                .ok()
                .and_then(|p| input.get(p..))
                .unwrap_or_default();
            let r = self.stub_data(hdr, rest, input_left, dir);
            if r > 0 && r <= input_left {
                parsed += r as i64;
                input_left -= r;
            } else {
                parsed -= input_left as i64;
                input_left = 0;
            }
        }
        parsed
    }

    /// Suricata's `handle_stub_data`: appends this PDU's stub to its transaction.
    fn stub_data(&mut self, hdr: &Header, input: &[u8], input_len: usize, dir: Direction) -> usize {
        let Some(i) = self.tx_by_call_id(hdr.call_id, dir, hdr.ptype) else {
            return 0;
        };
        let padleft = self.padleft;
        let Some(tx) = self.txs.get_mut(i) else {
            return 0;
        };
        let r = match hdr.ptype {
            ptype::REQUEST => {
                let r = add_stub(input, input_len, padleft, &mut tx.stub_ts);
                tx.req_done = true;
                tx.frag_cnt_ts = 1;
                r
            }
            ptype::RESPONSE => {
                let r = add_stub(input, input_len, padleft, &mut tx.stub_tc);
                tx.resp_done = true;
                tx.frag_cnt_tc = 1;
                r
            }
            _ => return 0,
        };
        self.padleft = self.padleft.saturating_sub(u16::try_from(r).unwrap_or(u16::MAX));
        r
    }

    /// Logs the transactions done both ways (all of them when `all`).
    fn emit(&mut self, dir: Direction, cx: &mut Cx<'_>, all: bool) {
        // Bound the stub bytes held by open transactions: complete the oldest.
        let mut held: usize = self.txs.iter().map(|t| t.stub_ts.len() + t.stub_tc.len()).sum();
        for tx in self.txs.iter_mut() {
            if held <= MAX_OPEN_STUB {
                break;
            }
            if !tx.req_done || !tx.resp_done {
                tx.req_done = true;
                tx.resp_done = true;
                held = held.saturating_sub(tx.stub_ts.len() + tx.stub_tc.len());
            }
        }
        let mut i = 0;
        while i < self.txs.len() {
            let done = self
                .txs
                .get(i)
                .is_some_and(|t| all || (t.req_done && t.resp_done));
            if !done {
                i += 1;
                continue;
            }
            let Some(mut tx) = self.txs.remove(i) else {
                break;
            };
            if tx.req_cmd == ptype::BIND {
                tx.interfaces = self.bind.clone();
            }
            tx.rpc_version = self.header.map(|h| (h.version, h.version_minor));
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir,
                tx_id: Some(tx.tx_id),
                record: Record::Dcerpc(Box::new(tx)),
            });
        }
    }

    fn fail(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        self.dead = true;
        self.buf = [Vec::new(), Vec::new()];
        self.emit(dir, cx, true);
    }
}

/// Suricata's `evaluate_stub_params`: takes the stub bytes of the PDU present in `input`.
fn add_stub(input: &[u8], input_len: usize, lenleft: u16, buf: &mut Vec<u8>) -> usize {
    let stub_len = usize::from(lenleft).min(input_len);
    if stub_len == 0 {
        return 0;
    }
    let slice = input.get(..stub_len).unwrap_or(input);
    let room = MAX_STUB_SIZE.saturating_sub(buf.len());
    buf.extend_from_slice(slice.get(..room.min(slice.len())).unwrap_or_default());
    stub_len
}

impl Parser for DcerpcParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.dead || data.is_empty() {
            return;
        }
        if self.handle(dir, data) {
            self.emit(dir, cx, false);
        } else {
            self.fail(dir, cx);
        }
    }

    /// Suricata's DCERPC/TCP parser answers a gap with an error.
    fn on_gap(&mut self, dir: Direction, _len: u32, cx: &mut Cx<'_>) {
        if !self.dead {
            self.fail(dir, cx);
        }
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.emit(Direction::ToServer, cx, true);
    }
}
