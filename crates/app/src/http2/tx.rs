//! The HTTP/2 transaction (one stream, or one frame of stream 0): its frames, the inspection
//! buffers the signature engine reads (Suricata's `http2` getters behind `http.method`,
//! `http.uri`, `http.host`, ...), and its EVE `http` object (Suricata 7.0.10's HTTP/2 logger).

use super::frame::{error_code_name, Frame, FrameData};
use super::hpack::{Field, Status};
use crate::http::eve_str;
use flow::Direction;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use std::borrow::Cow;

/// App-layer events of HTTP/2 (Suricata's `HTTP2Event`, EVE names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Http2Event {
    InvalidFrameHeader = 0,
    InvalidClientMagic,
    InvalidFrameData,
    InvalidHeader,
    InvalidFrameLength,
    ExtraHeaderData,
    LongFrameData,
    StreamIdReuse,
    InvalidHttp1Settings,
    FailedDecompression,
    InvalidRange,
    HeaderIntegerOverflow,
    TooManyStreams,
    AuthorityHostMismatch,
    UserinfoInUri,
    ReassemblyLimitReached,
}

impl Http2Event {
    pub const ALL: [Http2Event; 16] = [
        Http2Event::InvalidFrameHeader,
        Http2Event::InvalidClientMagic,
        Http2Event::InvalidFrameData,
        Http2Event::InvalidHeader,
        Http2Event::InvalidFrameLength,
        Http2Event::ExtraHeaderData,
        Http2Event::LongFrameData,
        Http2Event::StreamIdReuse,
        Http2Event::InvalidHttp1Settings,
        Http2Event::FailedDecompression,
        Http2Event::InvalidRange,
        Http2Event::HeaderIntegerOverflow,
        Http2Event::TooManyStreams,
        Http2Event::AuthorityHostMismatch,
        Http2Event::UserinfoInUri,
        Http2Event::ReassemblyLimitReached,
    ];

    /// The name rules use (`app-layer-event:http2.NAME`) and EVE `anomaly.event` shows.
    pub fn name(self) -> &'static str {
        match self {
            Http2Event::InvalidFrameHeader => "invalid_frame_header",
            Http2Event::InvalidClientMagic => "invalid_client_magic",
            Http2Event::InvalidFrameData => "invalid_frame_data",
            Http2Event::InvalidHeader => "invalid_header",
            Http2Event::InvalidFrameLength => "invalid_frame_length",
            Http2Event::ExtraHeaderData => "extra_header_data",
            Http2Event::LongFrameData => "long_frame_data",
            Http2Event::StreamIdReuse => "stream_id_reuse",
            Http2Event::InvalidHttp1Settings => "invalid_http1_settings",
            Http2Event::FailedDecompression => "failed_decompression",
            Http2Event::InvalidRange => "invalid_range",
            Http2Event::HeaderIntegerOverflow => "header_integer_overflow",
            Http2Event::TooManyStreams => "too_many_streams",
            Http2Event::AuthorityHostMismatch => "authority_host_mismatch",
            Http2Event::UserinfoInUri => "userinfo_in_uri",
            Http2Event::ReassemblyLimitReached => "reassembly_limit_reached",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Stream state (Suricata's `HTTP2TransactionState`; the order matters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum TxState {
    #[default]
    Idle,
    Open,
    Reserved,
    DataClient,
    HalfClosedClient,
    DataServer,
    HalfClosedServer,
    Closed,
    /// A frame of stream 0: complete at once.
    Global,
    /// Dropped because there were too many streams.
    ToDrop,
}

fn di(d: Direction) -> usize {
    d.index()
}

/// One HTTP/2 transaction.
#[derive(Debug, Clone, Default)]
pub struct Http2Tx {
    /// Per-flow transaction number from 0 (EVE `tx_id`).
    pub tx_id: u64,
    pub stream_id: u32,
    pub state: TxState,
    pub(crate) child_stream_id: u32,
    /// Frames kept per direction ([`Direction::index`]): those with headers, settings, error
    /// codes, priorities and window updates; DATA and PING only show in `frame_types`.
    pub frames: [Vec<Frame>; 2],
    /// Bit `1 << type` for each frame type seen, per direction (`http2.frametype`).
    pub frame_types: [u16; 2],
    /// Frames or header fields not kept because of the bounds.
    pub dropped: u32,
    /// Header fields kept per direction.
    pub(crate) nfields: [usize; 2],
    /// Request body (decompressed), up to the request body limit (`http.request_body`).
    pub request_body: Vec<u8>,
    /// Response body (decompressed), up to the response body limit (`file.data`).
    pub response_body: Vec<u8>,
    /// Decompressed body bytes seen per direction, past the limit included.
    pub body_len: [u64; 2],
    events: u32,
}

impl Http2Tx {
    pub(crate) fn new(tx_id: u64, stream_id: u32, state: TxState) -> Self {
        Http2Tx {
            tx_id,
            stream_id,
            state,
            ..Default::default()
        }
    }

    pub(crate) fn set_event(&mut self, e: Http2Event) {
        self.events |= e.bit();
    }

    pub(crate) fn event_bits(&self) -> u32 {
        self.events
    }

    /// The app-layer events set on this transaction (`app-layer-event:http2.*`).
    pub fn events(&self) -> impl Iterator<Item = Http2Event> + '_ {
        Http2Event::ALL.into_iter().filter(|e| self.events & e.bit() != 0)
    }

    pub fn has_event(&self, e: Http2Event) -> bool {
        self.events & e.bit() != 0
    }

    /// Whether the tx is complete in both directions.
    pub fn is_complete(&self) -> bool {
        self.state >= TxState::Closed
    }

    /// Decoded header fields of direction `dir`, in order (error entries included).
    pub fn fields(&self, dir: Direction) -> impl Iterator<Item = &Field> + '_ {
        self.frames[di(dir)]
            .iter()
            .filter_map(|f| f.data.fields())
            .flatten()
    }

    /// `(name, value)` of the successfully decoded headers of `dir`.
    pub fn headers(&self, dir: Direction) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.fields(dir)
            .filter(|f| f.status == Status::Success)
            .map(|f| (&*f.name, &*f.value))
    }

    /// First value of header `name` (exact, lowercase as HTTP/2 sends them).
    pub fn first_value(&self, dir: Direction, name: &[u8]) -> Option<&[u8]> {
        self.fields(dir).find(|f| &*f.name == name).map(|f| &*f.value)
    }

    /// All values of header `name` joined by `", "`, as Suricata joins them (a value whose name
    /// is shared through the dynamic table is joined once).
    pub fn header_value(&self, dir: Direction, name: &[u8]) -> Option<Cow<'_, [u8]>> {
        let mut found: Option<Cow<'_, [u8]>> = None;
        for f in self.fields(dir).filter(|f| &*f.name == name) {
            match &mut found {
                None => found = Some(Cow::Borrowed(&f.value)),
                Some(v) => {
                    if f.name.share_count() <= 2 {
                        let v = v.to_mut();
                        v.extend_from_slice(b", ");
                        v.extend_from_slice(&f.value);
                    }
                }
            }
        }
        found
    }

    /// `http.method`: the first `:method`.
    pub fn method(&self) -> Option<&[u8]> {
        self.first_value(Direction::ToServer, b":method")
    }
    /// `http.uri` / `http.uri.raw`: the first `:path`.
    pub fn uri(&self) -> Option<&[u8]> {
        self.first_value(Direction::ToServer, b":path")
    }
    /// `http.host.raw`: `:authority` values.
    pub fn host_raw(&self) -> Option<Cow<'_, [u8]>> {
        self.header_value(Direction::ToServer, b":authority")
    }
    /// `http.host`: `:authority` without user info and port, lowercased.
    pub fn host(&self) -> Option<Cow<'_, [u8]>> {
        let raw = self.host_raw()?;
        let v: &[u8] = &raw;
        let v = match v.iter().position(|&c| c == b'@') {
            Some(i) => v.get(i + 1..).unwrap_or_default(),
            None => v,
        };
        let v = match v.iter().position(|&c| c == b':') {
            Some(i) => v.get(..i).unwrap_or_default(),
            None => v,
        };
        Some(Cow::Owned(v.to_ascii_lowercase()))
    }
    /// `http.user_agent`.
    pub fn user_agent(&self) -> Option<Cow<'_, [u8]>> {
        self.header_value(Direction::ToServer, b"user-agent")
    }
    /// `http.stat_code`: the first `:status`.
    pub fn stat_code(&self) -> Option<&[u8]> {
        self.first_value(Direction::ToClient, b":status")
    }
    /// `http.cookie` (`cookie` to server, `set-cookie` to client).
    pub fn cookie(&self, dir: Direction) -> Option<Cow<'_, [u8]>> {
        match dir {
            Direction::ToServer => self.header_value(dir, b"cookie"),
            Direction::ToClient => self.header_value(dir, b"set-cookie"),
        }
    }
    /// `http.request_line`: `METHOD PATH HTTP/2\r\n`.
    pub fn request_line(&self) -> Vec<u8> {
        let m = self.method().unwrap_or_default();
        let p = self.uri().unwrap_or_default();
        let mut v = Vec::with_capacity(m.len() + p.len() + 10);
        v.extend_from_slice(m);
        v.push(b' ');
        v.extend_from_slice(p);
        v.extend_from_slice(b" HTTP/2\r\n");
        v
    }
    /// `http.response_line`: `HTTP/2 STATUS\r\n`.
    pub fn response_line(&self) -> Vec<u8> {
        let s = self.stat_code().unwrap_or_default();
        let mut v = Vec::with_capacity(s.len() + 9);
        v.extend_from_slice(b"HTTP/2 ");
        v.extend_from_slice(s);
        v.extend_from_slice(b"\r\n");
        v
    }
    /// `http.header`: `name: value\r\n` per header, values trimmed, cookies left out.
    pub fn header_block(&self, dir: Direction) -> Option<Vec<u8>> {
        let cookie: &[u8] = match dir {
            Direction::ToServer => b"cookie",
            Direction::ToClient => b"set-cookie",
        };
        let mut v = Vec::new();
        for f in self.fields(dir) {
            if f.name.eq_ignore_ascii_case(cookie) {
                continue;
            }
            v.extend_from_slice(&f.name);
            v.extend_from_slice(b": ");
            v.extend_from_slice(f.value.trim_ascii_start_matches());
            v.extend_from_slice(b"\r\n");
        }
        (!v.is_empty()).then_some(v)
    }
    /// `http.header.raw`: every header as `name: value\r\n`.
    pub fn header_block_raw(&self, dir: Direction) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        for f in self.fields(dir) {
            v.extend_from_slice(&f.name);
            v.extend_from_slice(b": ");
            v.extend_from_slice(&f.value);
            v.extend_from_slice(b"\r\n");
        }
        (!v.is_empty()).then_some(v)
    }
    /// `http.header_names`: `\r\n` + `name\r\n`... + `\r\n`.
    pub fn header_names(&self, dir: Direction) -> Option<Vec<u8>> {
        let mut v = b"\r\n".to_vec();
        for f in self.fields(dir) {
            v.extend_from_slice(&f.name);
            v.extend_from_slice(b"\r\n");
        }
        if v.len() == 2 {
            return None;
        }
        v.extend_from_slice(b"\r\n");
        Some(v)
    }
    /// `http.request_header` / `http.response_header`: one `name: value` per header.
    pub fn header_lines(&self, dir: Direction) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.fields(dir).map(|f| {
            let mut x = Vec::with_capacity(f.name.len() + f.value.len() + 2);
            x.extend_from_slice(&f.name);
            x.extend_from_slice(b": ");
            x.extend_from_slice(&f.value);
            x
        })
    }
    /// Body of direction `dir` (`http.request_body` / `file.data`).
    pub fn body(&self, dir: Direction) -> &[u8] {
        match dir {
            Direction::ToServer => &self.request_body,
            Direction::ToClient => &self.response_body,
        }
    }

    /// Whether Suricata's logger writes a record for this tx (headers, settings, an error code
    /// or a priority).
    pub fn loggable(&self) -> bool {
        self.frames.iter().flatten().any(|f| {
            matches!(
                f.data,
                FrameData::Headers { .. }
                    | FrameData::PushPromise { .. }
                    | FrameData::Continuation { .. }
                    | FrameData::Settings(_)
                    | FrameData::GoAway(_)
                    | FrameData::RstStream(_)
                    | FrameData::Priority(_)
            ) || matches!(
                &f.data,
                FrameData::Headers {
                    priority: Some(_),
                    ..
                }
            )
        })
    }

    /// A copy without bodies, for `fileinfo` parents.
    pub fn snapshot(&self) -> Http2Tx {
        Http2Tx {
            tx_id: self.tx_id,
            stream_id: self.stream_id,
            state: self.state,
            child_stream_id: self.child_stream_id,
            frames: self.frames.clone(),
            frame_types: self.frame_types,
            dropped: self.dropped,
            nfields: self.nfields,
            events: self.events,
            ..Default::default()
        }
    }
}

trait TrimSp {
    fn trim_ascii_start_matches(&self) -> &[u8];
}

impl TrimSp for [u8] {
    /// Spaces and tabs trimmed at both ends (Suricata's `http2_header_trimspaces`).
    fn trim_ascii_start_matches(&self) -> &[u8] {
        let s = self
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .unwrap_or(self.len());
        let e = self
            .iter()
            .rposition(|&c| c != b' ' && c != b'\t')
            .map_or(s, |e| e + 1);
        self.get(s..e.max(s)).unwrap_or_default()
    }
}

struct Entry<'a>(&'a Field);

impl serde::Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(None)?;
        match f.status {
            Status::Success => {
                m.serialize_entry("name", &eve_str(&f.name))?;
                m.serialize_entry("value", &eve_str(&f.value))?;
            }
            Status::SizeUpdate => m.serialize_entry("table_size_update", &f.size_update)?,
            st => m.serialize_entry("error", st.name())?,
        }
        m.end()
    }
}

/// Calls `f` on the fields of one frame that Suricata's logger writes: a name shared through
/// the dynamic table (count > 2) is written once per frame.
fn each_logged<'a>(fields: &'a [Field], mut f: impl FnMut(&'a Field)) {
    let mut logged: Vec<usize> = Vec::new();
    for fld in fields {
        if fld.status == Status::Success && fld.name.share_count() > 2 {
            if let Some(id) = fld.name.id() {
                if logged.contains(&id) {
                    continue;
                }
                logged.push(id);
            }
        }
        f(fld);
    }
}

struct HeaderList<'a>(&'a [Frame]);

impl serde::Serialize for HeaderList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut err = None;
        for fr in self.0 {
            if let Some(fields) = fr.data.fields() {
                each_logged(fields, |f| {
                    if err.is_none() {
                        if let Err(e) = seq.serialize_element(&Entry(f)) {
                            err = Some(e);
                        }
                    }
                });
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
        seq.end()
    }
}

/// `http2.request` / `http2.response`: settings, error code, priority.
struct FrameInfo<'a>(&'a [Frame]);

struct SettingsList<'a>(&'a [Frame]);

impl serde::Serialize for SettingsList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct One {
            settings_id: &'static str,
            settings_value: u32,
        }
        let mut seq = s.serialize_seq(None)?;
        for fr in self.0 {
            if let FrameData::Settings(set) = &fr.data {
                for e in set {
                    seq.serialize_element(&One {
                        settings_id: e.id.eve_name(),
                        settings_value: e.value,
                    })?;
                }
            }
        }
        seq.end()
    }
}

impl serde::Serialize for FrameInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if self.0.iter().any(|f| matches!(f.data, FrameData::Settings(_))) {
            m.serialize_entry("settings", &SettingsList(self.0))?;
        }
        let (mut has_error, mut has_prio, mut has_multiple) = (false, false, false);
        for fr in self.0 {
            let (code, goaway) = match &fr.data {
                FrameData::GoAway(c) => (Some(*c), true),
                FrameData::RstStream(c) => (Some(*c), false),
                _ => (None, false),
            };
            if let Some(c) = code {
                if !has_error {
                    let name: Cow<'_, str> = match error_code_name(c) {
                        Some(n) if goaway => Cow::Owned(n.to_uppercase()),
                        Some(n) => Cow::Borrowed(n),
                        None => Cow::Owned(c.to_string()),
                    };
                    m.serialize_entry("error_code", &name)?;
                    has_error = true;
                } else if !has_multiple {
                    m.serialize_entry("has_multiple", "error_code")?;
                    has_multiple = true;
                }
            }
            let prio = match &fr.data {
                FrameData::Priority(p) => Some(p.weight),
                FrameData::Headers {
                    priority: Some(p), ..
                } => Some(p.weight),
                _ => None,
            };
            if let Some(w) = prio {
                if !has_prio {
                    m.serialize_entry("priority", &w)?;
                    has_prio = true;
                } else if !has_multiple {
                    m.serialize_entry("has_multiple", "priority")?;
                    has_multiple = true;
                }
            }
        }
        m.end()
    }
}

/// The `http2` sub-object.
struct Http2Obj<'a>(&'a Http2Tx);

impl serde::Serialize for Http2Obj<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("stream_id", &t.stream_id)?;
        m.serialize_entry("request", &FrameInfo(&t.frames[0]))?;
        m.serialize_entry("response", &FrameInfo(&t.frames[1]))?;
        m.end()
    }
}

/// The last logged value of a header among both directions, as Suricata's logger keeps it.
fn common<'a>(t: &'a Http2Tx, name: &[u8]) -> Option<&'a [u8]> {
    let mut v = None;
    for fr in t.frames.iter().flatten() {
        if let Some(fields) = fr.data.fields() {
            each_logged(fields, |f| {
                if f.status == Status::Success && f.name.eq_ignore_ascii_case(name) {
                    v = Some(&*f.value);
                }
            });
        }
    }
    v
}

fn parse_u64(b: &[u8]) -> Option<u64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

impl serde::Serialize for Http2Tx {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("version", "2")?;
        let has = |d: usize| self.frames[d].iter().any(|f| f.data.fields().is_some());
        if has(0) {
            m.serialize_entry("request_headers", &HeaderList(&self.frames[0]))?;
        }
        if has(1) {
            m.serialize_entry("response_headers", &HeaderList(&self.frames[1]))?;
        }
        if let Some(v) = common(self, b"host") {
            m.serialize_entry("hostname", &eve_str(v))?;
        }
        if let Some(v) = common(self, b":path") {
            m.serialize_entry("url", &eve_str(v))?;
        }
        if let Some(v) = common(self, b"user-agent") {
            m.serialize_entry("http_user_agent", &eve_str(v))?;
        }
        if let Some(v) = common(self, b":method") {
            m.serialize_entry("http_method", &eve_str(v))?;
        }
        if let Some(v) = common(self, b":status").and_then(parse_u64) {
            m.serialize_entry("status", &v)?;
        }
        if let Some(v) = common(self, b"content-length").and_then(parse_u64) {
            m.serialize_entry("length", &v)?;
        }
        m.serialize_entry("http2", &Http2Obj(self))?;
        m.end()
    }
}
