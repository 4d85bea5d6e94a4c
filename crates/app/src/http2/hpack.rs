//! HPACK header block decoding (RFC 7541), the way Suricata 7's HTTP/2 parser does it.
//!
//! Suricata keeps going where a strict decoder would reject the block, and logs what it saw:
//! - a field that names index 0 or an index past the tables becomes an error entry
//!   (`HTTP2HeaderDecodeIndex0`, `HTTP2HeaderDecodeNotIndexed`); a literal whose name index is
//!   past the tables gets an empty name;
//! - a dynamic table size update is an entry of its own (`table_size_update` in EVE); it evicts
//!   at once, and the largest update of a block becomes the table's maximum once the whole block
//!   is decoded ([`BlockSummary::size_update`]);
//! - an integer over 64 bits ends the block with a `HTTP2HeaderDecodeIntegerOverflow` entry; an
//!   integer of more than ten bytes silently reads as 0;
//! - Huffman strings decode up to the first invalid code;
//! - a string longer than the rest of the block makes the whole block incomplete.
//!
//! The dynamic table follows Suricata's accounting (32 bytes per entry overhead) and its
//! "overflow" mode: when the peer allows a table larger than [`DynTable::limit`] (64 KiB),
//! entries stop being added once that much is held, so memory stays bounded whatever the peer
//! says. Names and values are reference counted ([`Bytes`]), so a field copied from the dynamic
//! table costs no copy, and the count tells (as Suricata's `Rc::strong_count`) whether a name
//! is shared with other fields.

use super::huffman;
use std::collections::VecDeque;
use std::sync::Arc;

/// Bytes of a header name or value: from the static table, or shared.
#[derive(Clone, Debug)]
pub enum Bytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes::Static(b"")
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(s) => s,
            Bytes::Shared(a) => a,
        }
    }
}

impl Bytes {
    pub fn from_slice(b: &[u8]) -> Bytes {
        Bytes::Shared(Arc::from(b))
    }
    /// How many holders share these bytes (1 for static-table bytes, as Suricata copies those).
    pub fn share_count(&self) -> usize {
        match self {
            Bytes::Static(_) => 1,
            Bytes::Shared(a) => Arc::strong_count(a),
        }
    }
    /// Identity of shared bytes (None for static ones).
    pub fn id(&self) -> Option<usize> {
        match self {
            Bytes::Static(_) => None,
            Bytes::Shared(a) => Some(Arc::as_ptr(a) as *const u8 as usize),
        }
    }
    fn into_shared(self) -> Bytes {
        match self {
            Bytes::Static(s) => Bytes::Shared(Arc::from(s)),
            b => b,
        }
    }
}

/// Outcome of decoding one field (Suricata's `HTTP2HeaderDecodeStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    SizeUpdate,
    NotIndexed,
    IntegerOverflow,
    Index0,
}

impl Status {
    /// The name Suricata logs for an error entry.
    pub fn name(self) -> &'static str {
        match self {
            Status::Success => "HTTP2HeaderDecodeSuccess",
            Status::SizeUpdate => "HTTP2HeaderDecodeSizeUpdate",
            Status::NotIndexed => "HTTP2HeaderDecodeNotIndexed",
            Status::IntegerOverflow => "HTTP2HeaderDecodeIntegerOverflow",
            Status::Index0 => "HTTP2HeaderDecodeIndex0",
        }
    }
    /// An error entry (Suricata's `>= HTTP2HeaderDecodeError`).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Status::NotIndexed | Status::IntegerOverflow | Status::Index0
        )
    }
}

/// One decoded entry of a header block.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: Bytes,
    pub value: Bytes,
    pub status: Status,
    /// The new size of a [`Status::SizeUpdate`] entry.
    pub size_update: u64,
}

impl Field {
    fn error(status: Status) -> Field {
        Field {
            name: Bytes::default(),
            value: Bytes::default(),
            status,
            size_update: 0,
        }
    }
}

/// RFC 7541 Appendix A.
pub const STATIC_TABLE: [(&[u8], &[u8]); 61] = [
    (b":authority", b""),
    (b":method", b"GET"),
    (b":method", b"POST"),
    (b":path", b"/"),
    (b":path", b"/index.html"),
    (b":scheme", b"http"),
    (b":scheme", b"https"),
    (b":status", b"200"),
    (b":status", b"204"),
    (b":status", b"206"),
    (b":status", b"304"),
    (b":status", b"400"),
    (b":status", b"404"),
    (b":status", b"500"),
    (b"accept-charset", b""),
    (b"accept-encoding", b"gzip, deflate"),
    (b"accept-language", b""),
    (b"accept-ranges", b""),
    (b"accept", b""),
    (b"access-control-allow-origin", b""),
    (b"age", b""),
    (b"allow", b""),
    (b"authorization", b""),
    (b"cache-control", b""),
    (b"content-disposition", b""),
    (b"content-encoding", b""),
    (b"content-language", b""),
    (b"content-length", b""),
    (b"content-location", b""),
    (b"content-range", b""),
    (b"content-type", b""),
    (b"cookie", b""),
    (b"date", b""),
    (b"etag", b""),
    (b"expect", b""),
    (b"expires", b""),
    (b"from", b""),
    (b"host", b""),
    (b"if-match", b""),
    (b"if-modified-since", b""),
    (b"if-none-match", b""),
    (b"if-range", b""),
    (b"if-unmodified-since", b""),
    (b"last-modified", b""),
    (b"link", b""),
    (b"location", b""),
    (b"max-forwards", b""),
    (b"proxy-authenticate", b""),
    (b"proxy-authorization", b""),
    (b"range", b""),
    (b"referer", b""),
    (b"refresh", b""),
    (b"retry-after", b""),
    (b"server", b""),
    (b"set-cookie", b""),
    (b"strict-transport-security", b""),
    (b"transfer-encoding", b""),
    (b"user-agent", b""),
    (b"vary", b""),
    (b"via", b""),
    (b"www-authenticate", b""),
];

/// Per-entry overhead of the dynamic table (RFC 7541 §4.1).
const ENTRY_OVERHEAD: usize = 32;

/// The dynamic table of one direction.
#[derive(Debug)]
pub struct DynTable {
    /// Oldest first; index 62 is the newest (the back).
    table: VecDeque<(Bytes, Bytes)>,
    current_size: usize,
    /// Maximum size in bytes (4096 until SETTINGS or a size update says otherwise).
    pub max_size: usize,
    /// 0: normal; 1: the allowed size is above `limit`, entries are added while under it;
    /// 2: that happened, entries are no longer added.
    overflow: u8,
    /// Most bytes held (Suricata's `app-layer.protocols.http2.max-table-size`, 65536).
    limit: usize,
    /// Entries not added because of `limit`.
    pub dropped: u64,
}

impl DynTable {
    pub fn new(limit: usize) -> Self {
        DynTable {
            table: VecDeque::new(),
            current_size: 0,
            max_size: 4096,
            overflow: 0,
            limit,
            dropped: 0,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Size as RFC 7541 counts it (Suricata's running count).
    pub fn size(&self) -> usize {
        self.current_size
    }

    /// SETTINGS_HEADER_TABLE_SIZE from the peer.
    pub fn set_max_from_settings(&mut self, v: u32) {
        self.max_size = v as usize;
        self.overflow = u8::from(self.max_size > self.limit);
    }

    /// The largest size update of a block, applied after the block (Suricata's
    /// `process_headers`). A size above the limit switches to overflow mode.
    pub fn apply_size_update(&mut self, v: u64) {
        self.max_size = usize::try_from(v).unwrap_or(usize::MAX);
        if self.max_size > self.limit && self.overflow == 0 {
            self.overflow = 1;
        }
    }

    /// Entry `n` (1-based, static then dynamic), or the status that says why not.
    fn get(&self, n: u64) -> Result<(Bytes, Bytes), Status> {
        if n == 0 {
            return Err(Status::Index0);
        }
        if let Some((name, value)) = usize::try_from(n - 1).ok().and_then(|i| STATIC_TABLE.get(i)) {
            return Ok((Bytes::Static(name), Bytes::Static(value)));
        }
        let back = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(STATIC_TABLE.len() + 1))
            .ok_or(Status::NotIndexed)?;
        let i = self.table.len().checked_sub(1 + back).ok_or(Status::NotIndexed)?;
        self.table
            .get(i)
            .map(|(a, b)| (a.clone(), b.clone()))
            .ok_or(Status::NotIndexed)
    }

    fn insert(&mut self, name: &Bytes, value: &Bytes) {
        self.current_size = self
            .current_size
            .saturating_add(ENTRY_OVERHEAD + name.len() + value.len());
        let push = match self.overflow {
            0 => true,
            1 => {
                if self.current_size <= self.limit {
                    true
                } else {
                    if self.current_size > self.max_size {
                        self.overflow = 2;
                    }
                    false
                }
            }
            _ => false,
        };
        if push {
            self.table.push_back((name.clone(), value.clone()));
        } else {
            self.dropped += 1;
        }
        self.evict(self.max_size);
    }

    fn evict(&mut self, max: usize) {
        while self.current_size > max {
            let Some((n, v)) = self.table.pop_front() else {
                break;
            };
            self.current_size = self
                .current_size
                .saturating_sub(ENTRY_OVERHEAD + n.len() + v.len());
        }
    }
}

/// Why a block could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HpackError {
    /// A field runs past the end of the block.
    #[error("http2 hpack: header block field truncated")]
    Incomplete,
}

/// What the caller needs besides the fields.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BlockSummary {
    /// Largest table size update of the block.
    pub size_update: Option<u64>,
    /// An error entry was decoded (Suricata's `InvalidHeader` event).
    pub invalid: bool,
    /// An integer overflowed (`HeaderIntegerOverflow`).
    pub int_overflow: bool,
    /// Bytes left undecoded after an integer overflow (`ExtraHeaderData` for HEADERS).
    pub rest: usize,
    /// Fields decoded but not kept (over `max` fields).
    pub dropped: u32,
}

enum Int {
    Ok(u64, usize),
    Overflow,
    Incomplete,
}

/// Reads an HPACK integer whose prefix (the low `bits` bits of `b[0]`) is `first`.
/// Returns the value and the bytes used after the first one.
fn int(first: u64, bits: u32, rest: &[u8]) -> Int {
    let max = (1u64 << bits) - 1;
    if first < max {
        return Int::Ok(first, 0);
    }
    let k = rest.iter().take_while(|&&b| b & 0x80 != 0).count();
    let Some(&last) = rest.get(k) else {
        return Int::Incomplete;
    };
    if k > 9 || (k == 9 && last > 1) {
        // Suricata reads these as 0.
        return Int::Ok(0, k + 1);
    }
    let mut v = max;
    for (i, b) in rest.iter().take(k).enumerate() {
        v = v.wrapping_add(u64::from(b & 0x7f) << (7 * i));
    }
    match v.checked_add(u64::from(last) << (7 * k)) {
        Some(v) => Int::Ok(v, k + 1),
        None => Int::Overflow,
    }
}

/// Reads a string literal at the start of `b`; returns it and the bytes used.
fn string(b: &[u8]) -> Result<Result<(Vec<u8>, usize), ()>, HpackError> {
    let Some(&h) = b.first() else {
        return Err(HpackError::Incomplete);
    };
    let (len, used) = match int(u64::from(h & 0x7f), 7, b.get(1..).unwrap_or_default()) {
        Int::Ok(v, u) => (v, u + 1),
        Int::Overflow => return Ok(Err(())),
        Int::Incomplete => return Err(HpackError::Incomplete),
    };
    let len = usize::try_from(len).map_err(|_| HpackError::Incomplete)?;
    let end = used.checked_add(len).ok_or(HpackError::Incomplete)?;
    let raw = b.get(used..end).ok_or(HpackError::Incomplete)?;
    let s = if h & 0x80 != 0 {
        let mut out = Vec::with_capacity(raw.len() + raw.len() / 2);
        huffman::decode(raw, &mut out, usize::MAX);
        out
    } else {
        raw.to_vec()
    };
    Ok(Ok((s, end)))
}

/// Decodes the header block `input`, appending up to `max` fields to `out` (the others are
/// decoded, so the dynamic table stays in step, and counted in [`BlockSummary::dropped`]).
pub fn decode_block(
    input: &[u8],
    dt: &mut DynTable,
    out: &mut Vec<Field>,
    max: usize,
) -> Result<BlockSummary, HpackError> {
    let mut sum = BlockSummary::default();
    let mut pos = 0usize;
    let start_len = out.len();
    let push = |f: Field, out: &mut Vec<Field>, sum: &mut BlockSummary| {
        if out.len() < max {
            out.push(f);
        } else {
            sum.dropped = sum.dropped.saturating_add(1);
        }
    };
    while let Some(&b) = input.get(pos) {
        let field_start = pos;
        let rest = input.get(pos + 1..).unwrap_or_default();
        // (prefix bits, literal kind: 0 = indexed, 1 = incremental, 2 = size update, 3 = plain)
        let (bits, kind) = if b & 0x80 != 0 {
            (7, 0)
        } else if b & 0x40 != 0 {
            (6, 1)
        } else if b & 0x20 != 0 {
            (5, 2)
        } else {
            (4, 3)
        };
        let prefix = u64::from(b) & ((1u64 << bits) - 1);
        let (n, used) = match int(prefix, bits, rest) {
            Int::Ok(n, u) => (n, u + 1),
            Int::Overflow => {
                push(Field::error(Status::IntegerOverflow), out, &mut sum);
                sum.int_overflow = true;
                sum.rest = input.len() - pos;
                break;
            }
            Int::Incomplete => {
                out.truncate(start_len);
                return Err(HpackError::Incomplete);
            }
        };
        pos += used;
        match kind {
            0 => match dt.get(n) {
                Ok((name, value)) => push(
                    Field {
                        name,
                        value,
                        status: Status::Success,
                        size_update: 0,
                    },
                    out,
                    &mut sum,
                ),
                Err(st) => {
                    sum.invalid = true;
                    push(Field::error(st), out, &mut sum);
                }
            },
            2 => {
                if usize::try_from(n).is_ok_and(|n| n < dt.max_size) {
                    dt.evict(n as usize);
                }
                sum.size_update = Some(sum.size_update.map_or(n, |m| m.max(n)));
                push(
                    Field {
                        status: Status::SizeUpdate,
                        size_update: n,
                        ..Field::error(Status::SizeUpdate)
                    },
                    out,
                    &mut sum,
                );
            }
            _ => {
                let name = if n == 0 {
                    let r = match string(input.get(pos..).unwrap_or_default()) {
                        Ok(r) => r,
                        Err(e) => {
                            out.truncate(start_len);
                            return Err(e);
                        }
                    };
                    match r {
                        Ok((s, u)) => {
                            pos += u;
                            Bytes::Shared(Arc::from(s))
                        }
                        Err(()) => {
                            push(Field::error(Status::IntegerOverflow), out, &mut sum);
                            sum.int_overflow = true;
                            sum.rest = input.len().saturating_sub(field_start);
                            break;
                        }
                    }
                } else {
                    // Suricata: a name index past the tables gives an empty name.
                    dt.get(n).map(|(name, _)| name).unwrap_or_default()
                };
                let value = match string(input.get(pos..).unwrap_or_default()) {
                    Ok(Ok((s, u))) => {
                        pos += u;
                        Bytes::Shared(Arc::from(s))
                    }
                    Ok(Err(())) => {
                        push(Field::error(Status::IntegerOverflow), out, &mut sum);
                        sum.int_overflow = true;
                        sum.rest = input.len().saturating_sub(field_start);
                        break;
                    }
                    Err(e) => {
                        out.truncate(start_len);
                        return Err(e);
                    }
                };
                let name = if kind == 1 {
                    let name = name.into_shared();
                    dt.insert(&name, &value);
                    name
                } else {
                    name
                };
                push(
                    Field {
                        name,
                        value,
                        status: Status::Success,
                        size_update: 0,
                    },
                    out,
                    &mut sum,
                );
            }
        }
    }
    Ok(sum)
}
