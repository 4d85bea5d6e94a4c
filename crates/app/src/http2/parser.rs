//! The HTTP/2 connection parser: frames per direction, HPACK state per direction, one
//! transaction per stream (plus one per frame of stream 0), as Suricata 7.0.10's
//! `rust/src/http2/http2.rs` does it.
//!
//! - The client must start with the connection preface; 24 other bytes that are valid UTF-8 set
//!   `invalid_client_magic` and are parsed as frames, anything else stops the parser.
//! - A frame is handled once complete; a frame of 64 KiB or more is handled from its first
//!   256 bytes (`long_frame_data`) and the rest of it skipped.
//! - HEADERS without END_HEADERS wait for their CONTINUATION frames (reassembly bounded by
//!   `max_reassembly`); PUSH_PROMISE opens the promised stream.
//! - A transaction is complete once both sides ended the stream (END_STREAM); transactions of
//!   stream 0 are complete at once. Complete transactions are written at the end of the chunk
//!   that completed them (Suricata frees them after the packet), the rest when the flow ends.
//! - DATA is decompressed (gzip/deflate, bounded) into the body buffers and tracked as a file.
//! - A gap, a preface that is not text or too many streams stop the parser.

use super::frame::{self, flags, ftype, Frame, FrameData, FrameHeader, Unhandled, HEADER_LEN, MAGIC};
use super::hpack::{self, DynTable, Field, Status};
use super::tx::{Http2Event, Http2Tx, TxState};
use super::{Http2Config, UpgradeRequest};
use crate::http::{Coding, Decoder};
use crate::{Anomaly, AppEvent, Cx, FileInfo, Parser, Record};
use flow::Direction;
use std::collections::VecDeque;

/// Frames of this size or more are handled from their start (`HTTP2_MAX_HANDLED_FRAME_SIZE`).
const MAX_HANDLED_FRAME: usize = 65536;
/// Bytes of a long frame needed before it is handled (`HTTP2_MIN_HANDLED_FRAME_SIZE`).
const MIN_HANDLED_FRAME: usize = 256;
/// Frames kept per transaction and direction.
const MAX_FRAMES: usize = 256;

/// Parser counters.
#[derive(Debug, Default, Clone)]
pub struct Http2Stats {
    pub frames: u64,
    /// Transactions created.
    pub txs: u64,
    /// Frames or header fields not kept because of the bounds.
    pub dropped: u64,
    /// Dynamic table entries not added (table over the limit).
    pub table_dropped: u64,
}

fn di(d: Direction) -> usize {
    d.index()
}

/// A file (body) of one direction of a stream.
#[derive(Debug, Default)]
struct FileSt {
    open: bool,
    closed: bool,
    /// Closed, `fileinfo` not yet written (it is written after the chunk, as Suricata's file
    /// logger runs after the packet's frames are parsed).
    unlogged: bool,
    size: u64,
}

/// Body decoding state of one direction.
#[derive(Default)]
struct BodySt {
    /// Content-Encoding seen (the first one decides, as in Suricata).
    coding_set: bool,
    decoder: Option<Decoder>,
}

/// A transaction with the parser-side state that does not go into the record.
struct Stream {
    tx: Http2Tx,
    body: [BodySt; 2],
    file: [FileSt; 2],
    /// Event bits already reported as `anomaly` records.
    reported: u32,
}

/// Header-block reassembly of one direction (HEADERS then CONTINUATION).
#[derive(Default)]
struct Reass {
    data: Vec<u8>,
    stream_id: u32,
}

/// Per-direction framing state.
#[derive(Default)]
struct Side {
    /// Bytes of an incomplete frame (or preface) kept until more arrive.
    buf: Vec<u8>,
    /// Bytes left of a long frame handled from its start.
    skip: u32,
    reass: Reass,
}

/// HTTP/2 connection parser.
pub struct Http2Parser {
    cfg: Http2Config,
    txs: VecDeque<Stream>,
    /// Transactions created so far (the next gets this id).
    next_tx: u64,
    /// HPACK decoding state of each sender (index = [`Direction::index`]).
    tables: [DynTable; 2],
    sides: [Side; 2],
    magic_done: bool,
    /// Stopped (garbage preface, gap, too many streams).
    dead: bool,
    /// Header fields kept in all open transactions.
    fields_held: usize,
    pub stats: Http2Stats,
}

impl Http2Parser {
    pub fn new(cfg: &Http2Config) -> Self {
        Http2Parser {
            cfg: cfg.clone(),
            txs: VecDeque::new(),
            next_tx: 0,
            tables: [
                DynTable::new(cfg.max_table_size),
                DynTable::new(cfg.max_table_size),
            ],
            sides: Default::default(),
            magic_done: false,
            dead: false,
            fields_held: 0,
            stats: Http2Stats::default(),
        }
    }

    /// A parser taking over an HTTP/1.1 connection upgraded with `Upgrade: h2c`: the request
    /// becomes stream 1 (Suricata's `HTTP2MimicHttp1Request`), its `HTTP2-Settings` a SETTINGS
    /// frame of the client.
    pub fn with_upgrade(cfg: &Http2Config, req: &UpgradeRequest) -> Self {
        let mut p = Http2Parser::new(cfg);
        let Some(method) = req.method.as_deref() else {
            return p;
        };
        p.mimic_header(b":method", method);
        if let Some(uri) = req.uri.as_deref() {
            p.mimic_header(b":path", uri);
        }
        for (n, v) in &req.headers {
            if n.as_slice() == b"HTTP2-Settings" {
                p.mimic_settings(v);
            } else if n.eq_ignore_ascii_case(b"host") {
                p.mimic_header(b":authority", v);
            } else {
                p.mimic_header(n, v);
            }
        }
        p
    }

    /// Whether the parser stopped.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Open transactions.
    pub fn open_txs(&self) -> usize {
        self.txs.len()
    }

    fn mimic_header(&mut self, name: &[u8], value: &[u8]) {
        let head = FrameHeader {
            length: 0,
            ftype: ftype::HEADERS,
            flags: 0,
            reserved: false,
            stream_id: 1,
        };
        let fields = vec![Field {
            name: hpack::Bytes::from_slice(name),
            value: hpack::Bytes::from_slice(value),
            status: Status::Success,
            size_update: 0,
        }];
        let data = FrameData::Headers {
            priority: None,
            fields,
        };
        let Some(i) = self.find_or_create(&head, &data, Direction::ToServer) else {
            return;
        };
        self.keep_frame(i, Direction::ToServer, head, data);
        if let Some(s) = self.txs.get_mut(i) {
            s.tx.state = TxState::HalfClosedClient;
        }
    }

    fn mimic_settings(&mut self, v: &[u8]) {
        let Some(dec) = base64_decode(v) else {
            self.set_event(Http2Event::InvalidHttp1Settings);
            return;
        };
        if !dec.len().is_multiple_of(6) {
            self.set_event(Http2Event::InvalidHttp1Settings);
        }
        let head = FrameHeader {
            length: u32::try_from(dec.len()).unwrap_or(u32::MAX),
            ftype: ftype::SETTINGS,
            flags: 0,
            reserved: false,
            stream_id: 0,
        };
        let data = FrameData::Settings(frame::parse_settings(&dec));
        if let Some(i) = self.find_or_create(&head, &data, Direction::ToServer) {
            self.keep_frame(i, Direction::ToServer, head, data);
        }
    }

    /// Sets an event on the newest transaction (Suricata's `HTTP2State::set_event`).
    fn set_event(&mut self, e: Http2Event) {
        if let Some(s) = self.txs.back_mut() {
            s.tx.set_event(e);
        }
    }

    fn find_index(&self, sid: u32) -> Option<usize> {
        self.txs.iter().rposition(|s| s.tx.stream_id == sid)
    }

    fn child_stream_id(&self, sid: u32) -> u32 {
        match self.find_index(sid).and_then(|i| self.txs.get(i)) {
            Some(s) if s.tx.child_stream_id > 0 => s.tx.child_stream_id,
            _ => sid,
        }
    }

    fn too_many(&mut self) {
        for s in self.txs.iter_mut() {
            if s.tx.state == TxState::ToDrop {
                break;
            }
            s.tx.set_event(Http2Event::TooManyStreams);
            s.tx.state = TxState::ToDrop;
        }
    }

    fn new_tx(&mut self, sid: u32, state: TxState) -> usize {
        let id = self.next_tx;
        self.next_tx += 1;
        self.stats.txs += 1;
        self.txs.push_back(Stream {
            tx: Http2Tx::new(id, sid, state),
            body: Default::default(),
            file: Default::default(),
            reported: 0,
        });
        self.txs.len() - 1
    }

    /// Suricata's `find_or_create_tx`; None when there are too many streams.
    fn find_or_create(&mut self, head: &FrameHeader, data: &FrameData, dir: Direction) -> Option<usize> {
        if head.stream_id == 0 {
            if self.txs.len() >= self.cfg.max_streams {
                self.too_many();
                return None;
            }
            return Some(self.new_tx(0, TxState::Global));
        }
        let sid = match data {
            FrameData::PushPromise { promised, .. } => *promised,
            FrameData::Continuation { .. } if dir == Direction::ToClient => {
                self.child_stream_id(head.stream_id)
            }
            _ => head.stream_id,
        };
        if let Some(i) = self.find_index(sid) {
            let closed = self.txs.get(i).is_some_and(|s| s.tx.state == TxState::Closed);
            if closed
                && !matches!(
                    head.ftype,
                    ftype::RST_STREAM | ftype::WINDOW_UPDATE | ftype::PRIORITY
                )
            {
                self.set_event(Http2Event::StreamIdReuse);
            }
            return Some(i);
        }
        if self.txs.len() >= self.cfg.max_streams {
            self.too_many();
            return None;
        }
        Some(self.new_tx(sid, TxState::Open))
    }

    /// Stores a frame in transaction `i` (bounded).
    fn keep_frame(&mut self, i: usize, dir: Direction, head: FrameHeader, mut data: FrameData) {
        let d = di(dir);
        let Some(s) = self.txs.get_mut(i) else { return };
        s.tx.frame_types[d] |= 1u16.checked_shl(u32::from(head.ftype)).unwrap_or(0);
        if matches!(data, FrameData::Data | FrameData::Ping | FrameData::Unhandled(_)) {
            return;
        }
        if s.tx.frames[d].len() >= MAX_FRAMES {
            s.tx.dropped = s.tx.dropped.saturating_add(1);
            self.stats.dropped += 1;
            return;
        }
        // Bound the header fields held.
        if let FrameData::Headers { fields, .. }
        | FrameData::PushPromise { fields, .. }
        | FrameData::Continuation { fields } = &mut data
        {
            let room_tx = self.cfg.max_headers.saturating_sub(s.tx.nfields[d]);
            let room_all = self.cfg.max_fields_held.saturating_sub(self.fields_held);
            let room = room_tx.min(room_all);
            if fields.len() > room {
                let cut = (fields.len() - room) as u64;
                fields.truncate(room);
                s.tx.dropped = s.tx.dropped.saturating_add(cut as u32);
                self.stats.dropped += cut;
            }
            s.tx.nfields[d] += fields.len();
            self.fields_held += fields.len();
        }
        s.tx.frames[d].push(Frame { header: head, data });
    }

    // ------------------------------------------------------------------ frames

    /// Decodes a header block with the sender's table; applies the size updates and events.
    fn decode_headers(
        &mut self,
        input: &[u8],
        dir: Direction,
    ) -> Result<(Vec<Field>, usize), hpack::HpackError> {
        let d = di(dir);
        let mut fields = Vec::new();
        let max = self.cfg.max_headers.saturating_add(1);
        let before = self.tables[d].dropped;
        let sum = hpack::decode_block(input, &mut self.tables[d], &mut fields, max)?;
        self.stats.table_dropped += self.tables[d].dropped - before;
        self.stats.dropped += u64::from(sum.dropped);
        if sum.invalid {
            self.set_event(Http2Event::InvalidHeader);
        }
        if sum.int_overflow {
            self.set_event(Http2Event::HeaderIntegerOverflow);
        }
        if let Some(v) = sum.size_update {
            self.tables[d].apply_size_update(v);
        }
        Ok((fields, sum.rest))
    }

    /// HEADERS / PUSH_PROMISE payload after the padding and priority fields.
    fn headers_payload(
        &mut self,
        head: &FrameHeader,
        input: &[u8],
        complete: bool,
        dir: Direction,
    ) -> FrameData {
        let mut b = input;
        let incomplete = |p: &mut Self| {
            if complete {
                p.set_event(Http2Event::InvalidFrameData);
                FrameData::Unhandled(Unhandled::ParsingError)
            } else {
                FrameData::Unhandled(Unhandled::TooLong)
            }
        };
        if head.has(flags::PADDED) {
            match b.split_first() {
                Some((_, r)) => b = r,
                None => return incomplete(self),
            }
        }
        let mut priority = None;
        let mut promised = 0;
        if head.ftype == ftype::PUSH_PROMISE {
            match frame::parse_u32(b) {
                Some(v) => {
                    promised = v & 0x7fff_ffff;
                    b = b.get(4..).unwrap_or_default();
                }
                None => return incomplete(self),
            }
        } else if head.has(flags::PRIORITY) {
            match frame::Priority::parse(b) {
                Some(p) => {
                    priority = Some(p);
                    b = b.get(5..).unwrap_or_default();
                }
                None => return incomplete(self),
            }
        }
        match self.decode_headers(b, dir) {
            Ok((fields, rest)) => {
                if head.ftype == ftype::PUSH_PROMISE {
                    FrameData::PushPromise { promised, fields }
                } else {
                    if rest > 0 {
                        self.set_event(Http2Event::ExtraHeaderData);
                    }
                    FrameData::Headers { priority, fields }
                }
            }
            Err(_) => incomplete(self),
        }
    }

    /// Suricata's `parse_frame_data`.
    fn frame_data(
        &mut self,
        head: &FrameHeader,
        input: &[u8],
        complete: bool,
        dir: Direction,
    ) -> (FrameData, bool) {
        let d = di(dir);
        let mut reass_limit = false;
        let fixed = |p: &mut Self, want: usize, exact: bool| -> bool {
            let bad = if exact {
                input.len() != want
            } else {
                input.len() < want
            };
            if bad {
                p.set_event(Http2Event::InvalidFrameLength);
            }
            !bad
        };
        let data = match head.ftype {
            ftype::GOAWAY => match fixed(self, 4, false).then(|| frame::parse_u32(input)).flatten() {
                Some(c) => FrameData::GoAway(c),
                None => FrameData::Unhandled(Unhandled::Incomplete),
            },
            ftype::RST_STREAM => match fixed(self, 4, true).then(|| frame::parse_u32(input)).flatten() {
                Some(c) => FrameData::RstStream(c),
                None => FrameData::Unhandled(Unhandled::Incomplete),
            },
            ftype::PRIORITY => match fixed(self, 5, true)
                .then(|| frame::Priority::parse(input))
                .flatten()
            {
                Some(p) => FrameData::Priority(p),
                None => FrameData::Unhandled(Unhandled::Incomplete),
            },
            ftype::WINDOW_UPDATE => match fixed(self, 4, true).then(|| frame::parse_u32(input)).flatten() {
                Some(v) => FrameData::WindowUpdate(v & 0x7fff_ffff),
                None => FrameData::Unhandled(Unhandled::Incomplete),
            },
            ftype::SETTINGS => {
                let set = frame::parse_settings(input);
                for e in &set {
                    if e.id == frame::SettingId::HeaderTableSize {
                        // What a side announces limits what the other side sends.
                        self.tables[di(dir.reverse())].set_max_from_settings(e.value);
                    }
                }
                FrameData::Settings(set)
            }
            ftype::PUSH_PROMISE => self.headers_payload(head, input, complete, dir),
            ftype::DATA => FrameData::Data,
            ftype::PING => FrameData::Ping,
            ftype::HEADERS => {
                if !head.has(flags::END_HEADERS) {
                    let r = &mut self.sides[d].reass;
                    r.data.clear();
                    let keep = input.len().min(self.cfg.max_reassembly);
                    r.data.extend_from_slice(input.get(..keep).unwrap_or_default());
                    r.stream_id = head.stream_id;
                    FrameData::Headers {
                        priority: None,
                        fields: Vec::new(),
                    }
                } else {
                    self.headers_payload(head, input, complete, dir)
                }
            }
            ftype::CONTINUATION => {
                let same = head.stream_id == self.sides[d].reass.stream_id;
                if same {
                    let max = self.cfg.max_reassembly;
                    let r = &mut self.sides[d].reass;
                    let room = max.saturating_sub(r.data.len());
                    if input.len() < room {
                        r.data.extend_from_slice(input);
                    } else {
                        r.data.extend_from_slice(input.get(..room).unwrap_or_default());
                        reass_limit = true;
                    }
                    if !head.has(flags::END_HEADERS) {
                        return (FrameData::Continuation { fields: Vec::new() }, reass_limit);
                    }
                }
                let owned;
                let block: &[u8] = if same {
                    owned = std::mem::take(&mut self.sides[d].reass.data);
                    &owned
                } else {
                    input
                };
                let r = self.decode_headers(block, dir);
                if same {
                    let r = &mut self.sides[d].reass;
                    r.stream_id = 0;
                    r.data.clear();
                }
                match r {
                    Ok((fields, _)) => FrameData::Continuation { fields },
                    Err(_) if complete => {
                        self.set_event(Http2Event::InvalidFrameData);
                        FrameData::Unhandled(Unhandled::ParsingError)
                    }
                    Err(_) => FrameData::Unhandled(Unhandled::TooLong),
                }
            }
            _ => FrameData::Unhandled(Unhandled::UnknownType),
        };
        (data, reass_limit)
    }

    /// Parses the frames at the start of `input`; returns the bytes consumed (the rest is an
    /// incomplete frame).
    fn parse_frames(&mut self, input: &[u8], dir: Direction) -> usize {
        let d = di(dir);
        let mut pos = 0usize;
        while !self.dead {
            let rem = input.get(pos..).unwrap_or_default();
            let Some(head) = FrameHeader::parse(rem) else {
                break;
            };
            let body = rem.get(HEADER_LEN..).unwrap_or_default();
            let hl = head.length as usize;
            let complete = body.len() >= hl;
            if !complete {
                if hl < MAX_HANDLED_FRAME || body.len() < MIN_HANDLED_FRAME {
                    break;
                }
                self.set_event(Http2Event::LongFrameData);
                self.sides[d].skip = head.length - body.len() as u32;
            }
            let take = hl.min(body.len());
            let payload = body.get(..take).unwrap_or_default();
            pos += HEADER_LEN + take;
            self.stats.frames += 1;
            if head.length == 0 && head.ftype == ftype::SETTINGS {
                continue;
            }
            let (data, reass_limit) = self.frame_data(&head, payload, complete, dir);
            let Some(i) = self.find_or_create(&head, &data, dir) else {
                self.dead = true;
                break;
            };
            if reass_limit {
                if let Some(s) = self.txs.get_mut(i) {
                    s.tx.set_event(Http2Event::ReassemblyLimitReached);
                }
            }
            self.handle_frame(i, &head, &data, dir);
            let is_data = head.ftype == ftype::DATA;
            self.keep_frame(i, dir, head, data);
            if is_data {
                let mut dinput = payload;
                if head.has(flags::PADDED) {
                    if let Some(&pad) = payload.first() {
                        if usize::from(pad) < take {
                            dinput = payload.get(1..take - usize::from(pad)).unwrap_or_default();
                        }
                    }
                }
                if let Some(j) = self.find_index(head.stream_id) {
                    self.data(j, dinput, dir, head.has(flags::END_STREAM));
                }
            }
        }
        pos
    }

    /// Suricata's `HTTP2Transaction::handle_frame`: child streams, header checks, state.
    fn handle_frame(&mut self, i: usize, head: &FrameHeader, data: &FrameData, dir: Direction) {
        let bomb = (self.cfg.decompress_bomb_limit, self.cfg.decompress_bomb_ratio);
        let Some(s) = self.txs.get_mut(i) else { return };
        let tc = dir == Direction::ToClient;
        match data {
            FrameData::PushPromise { promised, fields } => {
                if tc {
                    if !head.has(flags::END_HEADERS) {
                        s.tx.child_stream_id = *promised;
                    }
                    s.tx.state = TxState::Reserved;
                }
                handle_headers(s, fields, dir, bomb);
            }
            FrameData::Continuation { fields } => {
                if tc && head.has(flags::END_HEADERS) {
                    s.tx.child_stream_id = 0;
                }
                handle_headers(s, fields, dir, bomb);
            }
            FrameData::Headers { fields, .. } => {
                if tc {
                    s.tx.child_stream_id = 0;
                }
                handle_headers(s, fields, dir, bomb);
            }
            FrameData::RstStream(_) => s.tx.child_stream_id = 0,
            _ => {}
        }
        if !matches!(head.ftype, ftype::HEADERS | ftype::DATA) {
            return;
        }
        let st = &mut s.tx.state;
        if head.has(flags::END_STREAM) {
            match *st {
                TxState::HalfClosedClient | TxState::DataServer => {
                    if tc {
                        *st = TxState::Closed;
                    }
                }
                TxState::HalfClosedServer => {
                    if !tc {
                        *st = TxState::Closed;
                    }
                }
                TxState::Closed | TxState::Global => {}
                _ => {
                    *st = if tc {
                        TxState::HalfClosedServer
                    } else {
                        TxState::HalfClosedClient
                    };
                }
            }
        } else if head.ftype == ftype::DATA {
            let want = if tc {
                TxState::DataServer
            } else {
                TxState::DataClient
            };
            if *st < want {
                *st = want;
            }
        }
    }

    /// DATA payload of transaction `i`: decompression, body buffer, file.
    fn data(&mut self, i: usize, input: &[u8], dir: Direction, over: bool) {
        let d = di(dir);
        let limit = self.cfg.body_limit(dir);
        let Some(s) = self.txs.get_mut(i) else { return };
        let Stream { tx, body, file, .. } = s;
        let f = &mut file[d];
        if f.closed {
            return;
        }
        f.open = true;
        let buf = match dir {
            Direction::ToServer => &mut tx.request_body,
            Direction::ToClient => &mut tx.response_body,
        };
        let mut got = 0u64;
        let mut sink = |b: &[u8]| {
            got += b.len() as u64;
            let room = limit.saturating_sub(buf.len());
            buf.extend_from_slice(b.get(..room.min(b.len())).unwrap_or_default());
            true
        };
        match body[d].decoder.as_mut() {
            Some(dec) => {
                dec.feed(input, &mut sink);
                if over {
                    dec.finish(&mut sink);
                }
            }
            None => {
                sink(input);
            }
        }
        tx.body_len[d] = tx.body_len[d].saturating_add(got);
        f.size = f.size.saturating_add(got);
        if over {
            f.closed = true;
            f.unlogged = true;
        }
    }

    /// Parses what one direction has (preface, skipped bytes, frames); returns bytes consumed.
    fn parse_dir(&mut self, dir: Direction, input: &[u8]) -> usize {
        let mut pos = 0usize;
        if dir == Direction::ToServer && !self.magic_done {
            let Some(head) = input.get(..MAGIC.len()) else {
                return 0;
            };
            if head == MAGIC {
                pos = MAGIC.len();
            } else if std::str::from_utf8(head).is_ok() {
                self.set_event(Http2Event::InvalidClientMagic);
            } else {
                self.dead = true;
                return input.len();
            }
            self.magic_done = true;
        }
        let d = di(dir);
        let skip = self.sides[d].skip as usize;
        if skip > 0 {
            let rest = input.len() - pos;
            if skip >= rest {
                self.sides[d].skip = (skip - rest) as u32;
                return input.len();
            }
            pos += skip;
            self.sides[d].skip = 0;
        }
        pos + self.parse_frames(input.get(pos..).unwrap_or_default(), dir)
    }

    /// Writes the events not yet reported, and the complete transactions.
    fn flush(&mut self, dir: Direction, cx: &mut Cx<'_>, all: bool) {
        for s in self.txs.iter_mut() {
            for (d, f) in s.file.iter_mut().enumerate() {
                let truncated = all && f.open && !f.closed;
                if !(f.unlogged || truncated) {
                    continue;
                }
                f.unlogged = false;
                f.closed = true;
                cx.out.push(AppEvent {
                    ts: cx.ts,
                    dir: if d == 0 {
                        Direction::ToServer
                    } else {
                        Direction::ToClient
                    },
                    tx_id: Some(s.tx.tx_id),
                    record: Record::FileInfo(Box::new(FileInfo {
                        parent: Some(Box::new(Record::Http2(Box::new(s.tx.snapshot())))),
                        filename: String::new(),
                        gaps: false,
                        state: if truncated { "TRUNCATED" } else { "CLOSED" },
                        stored: false,
                        size: f.size,
                        tx_id: s.tx.tx_id,
                    })),
                });
            }
            let new = s.tx.event_bits() & !s.reported;
            if new == 0 {
                continue;
            }
            s.reported |= new;
            for e in Http2Event::ALL {
                if new & (1 << (e as u32)) != 0 {
                    cx.out.push(AppEvent {
                        ts: cx.ts,
                        dir: dir.reverse(),
                        tx_id: Some(s.tx.tx_id),
                        record: Record::Anomaly(Box::new(Anomaly {
                            app_proto: Some("http2"),
                            kind: "applayer",
                            event: e.name(),
                            layer: Some("proto_parser"),
                        })),
                    });
                }
            }
        }
        if !all && !self.txs.iter().any(|s| s.tx.is_complete()) {
            return;
        }
        let mut keep = VecDeque::with_capacity(self.txs.len());
        while let Some(s) = self.txs.pop_front() {
            if !all && !s.tx.is_complete() {
                keep.push_back(s);
                continue;
            }
            self.fields_held = self.fields_held.saturating_sub(s.tx.nfields.iter().sum());
            let tx = s.tx;
            if tx.loggable() {
                cx.out.push(AppEvent {
                    ts: cx.ts,
                    dir: Direction::ToServer,
                    tx_id: Some(tx.tx_id),
                    record: Record::Http2(Box::new(tx)),
                });
            }
        }
        self.txs = keep;
    }

    fn feed(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.dead {
            return;
        }
        let d = di(dir);
        if self.sides[d].buf.is_empty() {
            let n = self.parse_dir(dir, data);
            if !self.dead {
                self.sides[d]
                    .buf
                    .extend_from_slice(data.get(n..).unwrap_or_default());
            }
        } else {
            let mut buf = std::mem::take(&mut self.sides[d].buf);
            buf.extend_from_slice(data);
            let n = self.parse_dir(dir, &buf);
            if !self.dead && n < buf.len() {
                buf.drain(..n);
                self.sides[d].buf = buf;
            }
        }
        self.flush(dir, cx, false);
    }
}

/// Header checks of one block (Suricata's `handle_headers`): content coding, `:authority`.
fn handle_headers(s: &mut Stream, fields: &[Field], dir: Direction, bomb: (u64, u64)) {
    let d = di(dir);
    let mut authority: Option<&[u8]> = None;
    let mut host: Option<&[u8]> = None;
    for f in fields {
        if &*f.name == b"content-encoding" {
            let b = &mut s.body[d];
            if !b.coding_set {
                b.coding_set = true;
                let coding = match &*f.value {
                    b"gzip" => Some(Coding::Gzip),
                    b"deflate" => Some(Coding::Deflate),
                    _ => None,
                };
                b.decoder = coding.map(|c| Decoder::new(c, bomb.0, bomb.1));
            }
        } else if f.name.eq_ignore_ascii_case(b":authority") {
            authority = Some(&f.value);
            if f.value.contains(&b'@') {
                s.tx.set_event(Http2Event::UserinfoInUri);
            }
        } else if f.name.eq_ignore_ascii_case(b"host") {
            host = Some(&f.value);
        }
    }
    if let (Some(a), Some(h)) = (authority, host) {
        if !a.eq_ignore_ascii_case(h) {
            s.tx.set_event(Http2Event::AuthorityHostMismatch);
        }
    }
}

/// Standard base64 (padding optional), as `HTTP2-Settings` carries it.
fn base64_decode(v: &[u8]) -> Option<Vec<u8>> {
    let v = v.trim_ascii();
    let body = match v.iter().position(|&c| c == b'=') {
        Some(i) => {
            if v.get(i..)?.iter().any(|&c| c != b'=') || !v.len().is_multiple_of(4) {
                return None;
            }
            v.get(..i)?
        }
        None => v,
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | val(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(bytes.get(1..chunk.len())?);
    }
    Some(out)
}

impl Parser for Http2Parser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        self.feed(dir, data, cx);
    }

    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        // Suricata's HTTP/2 parser does not accept gaps: parsing stops.
        let _ = (dir, len, cx);
        self.dead = true;
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.flush(Direction::ToServer, cx, true);
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn base64_forms() {
        assert_eq!(
            base64_decode(b"AAMAAABkAARAAAAAAAIAAAAA").map(|v| v.len()),
            Some(18)
        );
        assert_eq!(base64_decode(b"YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode(b"YQ"), Some(b"a".to_vec()));
        assert_eq!(base64_decode(b"YWJj"), Some(b"abc".to_vec()));
        assert_eq!(base64_decode(b"Y-_"), None);
        assert_eq!(base64_decode(b"Y"), None);
        assert_eq!(base64_decode(b"YQ=a"), None);
    }
}
