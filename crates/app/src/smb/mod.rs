//! SMB over TCP (NBSS framing; SMB1, SMB2/3) as Suricata 7.0.10's `rust/src/smb` parses it for
//! detection.
//!
//! Each direction is a sequence of NBSS records (4-byte header: type, 24-bit length). A session
//! message carries one SMB1 message (with its AndX chain), one or more SMB2 messages (compound
//! requests) or an SMB3 transform (encrypted; only framed). A record waits in a per-direction
//! buffer until complete, except the big ones Suricata streams: a WRITE request (SMB1
//! WRITE_ANDX to a file, SMB2 WRITE) or a READ response whose record is 512 bytes or more is
//! handled as soon as its header is there, and the rest of its data goes to the file as it
//! comes (`file_left`). After a gap the parser looks for the next `\xfeSMB` / `\xffSMB` /
//! `\xfdSMB` preceded by an NBSS session-message header, as Suricata does.
//!
//! Transactions follow Suricata's (`smb.rs`, `smb1.rs`, `smb2.rs`, `files.rs`, `dcerpc.rs`):
//! tree connects (share name, whether it is a named pipe), creates, file transfers (one
//! transaction per file and direction, chunks placed by offset: an out-of-order chunk waits,
//! an overlapping one raises `file_overlap` and is dropped), DCERPC over named pipes (WRITE /
//! READ / TRANS / IOCTL carrying DCERPC PDUs; BIND / BIND_ACK keep the interfaces of the
//! session), and a generic transaction for the other commands.
//!
//! Inspection follows Suricata's per-direction transaction inspection: a transaction that
//! changed is inspected from a side on the next packet of that direction ([`Parser::on_packet`]),
//! until it is complete in that direction (to server: request done; to client: response done)
//! and has been inspected so. Each inspection is an [`SmbRecord`] (a snapshot) for one side.
//! Frames (`frame:smb2.data`, ...) are records of their own, made when a rule uses frames.
//!
//! Not done here: EVE `smb` records (the snapshot has only what rules need), NTLMSSP
//! (`smb.ntlmssp_*`), SMB1 TRANS2 / NT_TRANS details, renames and set-info transactions
//! (logged only), the `max-read-size` / `max-write-size` settings (Suricata's defaults apply).

use crate::dcerpc::Iface;
use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use hashbrown::HashMap;
use std::collections::VecDeque;

mod dce;
mod files;
mod smb1;
mod smb2;
#[cfg(test)]
mod tests;

use files::FileTracker;

/// Suricata 7.0.10's SMB app-layer events (`app-layer-event:smb.NAME`).
pub const EVENTS: &[&str] = &[
    "internal_error",
    "malformed_data",
    "record_overflow",
    "malformed_ntlmssp_request",
    "malformed_ntlmssp_response",
    "duplicate_negotiate",
    "negotiate_malformed_dialects",
    "file_overlap",
    "request_to_client",
    "response_to_server",
    "negotiate_max_read_size_too_large",
    "negotiate_max_write_size_too_large",
    "read_request_too_large",
    "read_response_too_large",
    "read_queue_size_exceeded",
    "read_queue_cnt_exceeded",
    "write_request_too_large",
    "write_queue_size_exceeded",
    "write_queue_cnt_exceeded",
    "unusual_ntlmssp_order",
    "too_many_transactions",
];

/// Open transactions kept (Suricata's `SMB_MAX_TX`); past it the oldest is completed.
pub const MAX_TX: usize = 1024;
/// Largest NBSS record buffered whole (streamed WRITE/READ records excepted); larger ones are
/// skipped.
pub const MAX_RECORD: usize = 1024 * 1024 + 4096;
/// Entries per lookup map (names, trees, offsets); inserts past it are dropped and counted.
pub const MAX_MAP: usize = 4096;
/// Bytes of a file kept for `file.data` inspection (from its start).
pub const FILE_INSPECT_CAP: usize = 256 * 1024;
/// Most stub bytes per DCERPC transaction and direction (`max-stub-size`).
pub const MAX_STUB: usize = 1024 * 1024;
/// Bytes of one frame kept for `frame:` inspection.
pub const FRAME_CAP: usize = 64 * 1024;
/// Bytes of a file or share name kept (longer names are cut).
pub const MAX_NAME: usize = 2048;
/// Partial DCERPC PDUs (BUFFER_OVERFLOW reads) kept at once.
pub const MAX_TRANS_FRAG: usize = 16;
/// Events kept per transaction.
const MAX_EVENTS: usize = 16;
/// Suricata's `SMB_CFG_MAX_READ_SIZE` / `SMB_CFG_MAX_WRITE_SIZE` defaults.
const CFG_MAX_RW_SIZE: u32 = 16 * 1024 * 1024;
/// Suricata's read/write queue defaults (bytes and chunks in flight per file).
const CFG_MAX_QUEUE_SIZE: u64 = 64 * 1024 * 1024;
const CFG_MAX_QUEUE_CNT: usize = 64;

/// NT status codes the parser tests.
pub(crate) mod status {
    pub const SUCCESS: u32 = 0;
    pub const PENDING: u32 = 0x0000_0103;
    pub const BUFFER_OVERFLOW: u32 = 0x8000_0005;
    pub const END_OF_FILE: u32 = 0xc000_0011;
}

/// Kinds of lookup keys (Suricata's `SMBHDR_TYPE_*`), so that maps never mix them up.
pub(crate) mod kind {
    pub const GUID: u8 = 1;
    pub const SHARE: u8 = 2;
    pub const OFFSET: u8 = 3;
    pub const GENERICTX: u8 = 4;
    pub const HEADER: u8 = 5;
    pub const FILENAME: u8 = 7;
    pub const TREE: u8 = 10;
    pub const DCERPCTX: u8 = 11;
    pub const TRANS_FRAG: u8 = 12;
}

/// Suricata's `SMBCommonHdr`: session, tree and message ids of a record, tagged by use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Hdr {
    pub kind: u8,
    pub ssn: u64,
    pub tree: u32,
    pub msg: u64,
}

impl Hdr {
    pub fn new(kind: u8, ssn: u64, tree: u32, msg: u64) -> Hdr {
        Hdr { kind, ssn, tree, msg }
    }
    /// Suricata's `from1` / `from2`: tree keys have no tree id, share and fragment keys no
    /// message id.
    pub fn of(kind: u8, ssn: u64, tree: u32, msg: u64) -> Hdr {
        let tree = if kind == kind::TREE { 0 } else { tree };
        let msg = if kind == kind::TRANS_FRAG || kind == kind::SHARE {
            0
        } else {
            msg
        };
        Hdr { kind, ssn, tree, msg }
    }
    /// Suricata's `compare`: the tree id does not count.
    pub fn same(&self, o: &Hdr) -> bool {
        self.kind == o.kind && self.ssn == o.ssn && self.msg == o.msg
    }
}

/// A DCERPC interface of the session's last BIND, with the BIND_ACK's answer.
#[derive(Debug, Clone, Default)]
pub(crate) struct DceIface {
    /// In written order (`12345678-...` = `12 34 56 78 ...`).
    pub uuid: [u8; 16],
    pub ver: u16,
    pub ver_min: u16,
    pub ack_result: u16,
    pub acked: bool,
}

/// A DCERPC call carried over a named pipe (Suricata's `SMBTransactionDCERPC`).
#[derive(Debug, Clone, Default)]
pub(crate) struct DceTx {
    pub opnum: u16,
    pub req_cmd: u8,
    pub req_set: bool,
    pub res_cmd: u8,
    pub call_id: u32,
    pub stub_ts: Vec<u8>,
    pub stub_tc: Vec<u8>,
}

/// A file transfer in one direction.
#[derive(Debug, Default)]
pub(crate) struct FileTx {
    pub dir: Option<Direction>,
    pub fuid: Vec<u8>,
    pub name: Vec<u8>,
    pub tracker: FileTracker,
    /// After a gap: the file is completed once no update came for 60 s.
    pub post_gap_ts: i64,
}

/// What a transaction is about.
#[derive(Debug)]
pub(crate) enum TxData {
    Generic,
    Negotiate(u8),
    TreeConnect { share: Vec<u8>, is_pipe: bool },
    Create,
    File(Box<FileTx>),
    Dcerpc(Box<DceTx>),
}

/// One SMB transaction.
#[derive(Debug)]
pub(crate) struct Tx {
    pub id: u64,
    /// 1 or 2 (SMB3 counts as 2).
    pub ver: u8,
    pub cmd: u16,
    pub hdr: Hdr,
    pub request_done: bool,
    pub response_done: bool,
    pub data: TxData,
    pub events: Vec<&'static str>,
    /// Changed since last inspected from that side (index [`Direction::index`]).
    dirty: [bool; 2],
    /// Inspected from that side once complete in that direction: never again.
    done: [bool; 2],
}

impl Tx {
    pub fn set_event(&mut self, e: &'static str) {
        if self.events.len() < MAX_EVENTS {
            self.events.push(e);
        }
        self.touch();
    }
    /// Marks the transaction changed (Suricata's `updated_ts` / `updated_tc`).
    pub fn touch(&mut self) {
        self.dirty = [true, true];
    }
    fn complete(&self, d: Direction) -> bool {
        match d {
            Direction::ToServer => self.request_done,
            Direction::ToClient => self.response_done,
        }
    }
}

/// A file carried by an SMB transaction, as rules see it.
#[derive(Debug, Clone, Default)]
pub struct SmbFile {
    pub name: Vec<u8>,
    /// The file's first bytes (up to [`FILE_INSPECT_CAP`]), in order; empty unless
    /// `file.data` is used.
    pub data: Vec<u8>,
    /// The file travels to the server (a write).
    pub to_server: bool,
}

/// A DCERPC call over a named pipe, as rules see it.
#[derive(Debug, Clone, Default)]
pub struct SmbDcerpc {
    /// The request PDU was a REQUEST (`dcerpc.iface` and `dcerpc.opnum` need it).
    pub request: bool,
    pub opnum: u16,
    pub stub_ts: Vec<u8>,
    pub stub_tc: Vec<u8>,
    /// The interfaces of the session's last BIND that were acknowledged (as
    /// [`Iface`], `result` the BIND_ACK's).
    pub ifaces: Vec<Iface>,
}

/// An SMB transaction inspected from one side (or one frame): what `smb.share`,
/// `smb.named_pipe`, `file.name`, `file.data`, `dcerpc.*`, `app-layer-event:smb.*` and `frame:`
/// look at.
#[derive(Debug, Clone, Default)]
pub struct SmbRecord {
    /// The transaction (none for a frame).
    pub tx_id: Option<u64>,
    /// The side inspected.
    pub to_server: bool,
    /// A tree connect to a share that is not a named pipe (`smb.share`).
    pub share: Option<Vec<u8>>,
    /// A tree connect to a named pipe share (`smb.named_pipe`).
    pub named_pipe: Option<Vec<u8>>,
    pub file: Option<SmbFile>,
    pub dcerpc: Option<SmbDcerpc>,
    pub events: Vec<&'static str>,
    /// A frame (`smb2.data`, ...) and its bytes (up to [`FRAME_CAP`]).
    pub frame: Option<(&'static str, Vec<u8>)>,
}

/// Per-direction stream state.
#[derive(Debug, Default)]
struct DirState {
    /// An incomplete record.
    buf: Vec<u8>,
    /// Bytes to skip (rest of a record given up on).
    skip: u32,
    /// Bytes of a streamed READ/WRITE record still to go to the file `file_guid`.
    file_left: u32,
    file_guid: Vec<u8>,
    /// The last update was a gap: look for the next record.
    gap: bool,
    /// A gap was seen in this direction.
    ssn_gap: bool,
    /// A streamed record whose frames wait for its end: its bytes so far (capped), what is
    /// left, and the SMB2 header length.
    frame_rec: Option<(Vec<u8>, u32, u16)>,
}

/// Counters of what the bounds dropped.
#[derive(Debug, Default, Clone, Copy)]
pub struct SmbStats {
    pub records_skipped: u64,
    pub map_full: u64,
    pub tx_evicted: u64,
}

/// Per-flow SMB parser (Suricata's `SMBState`).
#[derive(Debug)]
pub struct SmbParser {
    pub(crate) txs: VecDeque<Tx>,
    next_id: u64,
    /// ssn/tree/msg → GUID, name or share.
    pub(crate) ssn2vec: HashMap<Hdr, Vec<u8>>,
    /// File GUID (SMB1: fid + user id) → file name.
    pub(crate) guid2name: HashMap<Vec<u8>, Vec<u8>>,
    /// Read request → (GUID, offset).
    pub(crate) ssn2off: HashMap<Hdr, (Vec<u8>, u64)>,
    /// ssn/tree → (share name, is a pipe).
    pub(crate) ssn2tree: HashMap<Hdr, (Vec<u8>, bool)>,
    /// Partial TRANS / READ data of a DCERPC PDU (BUFFER_OVERFLOW).
    pub(crate) trans_frag: HashMap<(Hdr, Vec<u8>), Vec<u8>>,
    pub(crate) ifaces: Option<Vec<DceIface>>,
    pub(crate) max_read_size: u32,
    pub(crate) max_write_size: u32,
    dirs: [DirState; 2],
    /// Keep file bytes for `file.data`.
    file_data: bool,
    /// Build frame records.
    frames: bool,
    /// Frames made by the current call, emitted at its end.
    pending_frames: Vec<SmbRecord>,
    /// Packet time of the last call (seconds), for the post-gap file timeout.
    now: i64,
    check_post_gap_files: bool,
    dead: bool,
    pub stats: SmbStats,
}

impl Default for SmbParser {
    fn default() -> Self {
        Self::new(false, false)
    }
}

/// Inserts into a bounded map; a new key past [`MAX_MAP`] is dropped.
pub(crate) fn bounded_insert<K: std::hash::Hash + Eq, V>(
    m: &mut HashMap<K, V>,
    k: K,
    v: V,
    stats: &mut SmbStats,
) {
    if m.len() >= MAX_MAP && !m.contains_key(&k) {
        stats.map_full += 1;
        return;
    }
    m.insert(k, v);
}

/// A little-endian reader that answers `None` past the end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rd<'a> {
    pub b: &'a [u8],
}

impl<'a> Rd<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Rd { b }
    }
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (h, t) = (self.b.get(..n)?, self.b.get(n..)?);
        self.b = t;
        Some(h)
    }
    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.b)
    }
}

/// NBSS message types.
const NBSS_SESSION_MESSAGE: u8 = 0x00;

/// Suricata's `search_smb_record`: the offset of the next `\xfeSMB` / `\xffSMB` / `\xfdSMB`
/// preceded by an NBSS session message header (or too close to the start to tell).
fn search_smb_record(d: &[u8]) -> Option<usize> {
    let mut base = 0usize;
    loop {
        let rest = d.get(base..)?;
        if rest.len() < 4 {
            return None;
        }
        let idx = memchr::memmem::find(rest, b"SMB")?;
        if idx == 0 {
            // Suricata's search answers "not found" for a match at offset 0.
            return None;
        }
        let at = base + idx;
        let v = d.get(at - 1).copied().unwrap_or(0);
        if matches!(v, 0xfd..=0xff) && (idx < 5 || d.get(at - 5) == Some(&NBSS_SESSION_MESSAGE)) {
            return Some(at - 1);
        }
        base = at + 3;
    }
}

impl SmbParser {
    /// `file_data`: keep file bytes for `file.data`; `frames`: build frame records.
    pub fn new(file_data: bool, frames: bool) -> Self {
        SmbParser {
            txs: VecDeque::new(),
            next_id: 0,
            ssn2vec: HashMap::new(),
            guid2name: HashMap::new(),
            ssn2off: HashMap::new(),
            ssn2tree: HashMap::new(),
            trans_frag: HashMap::new(),
            ifaces: None,
            max_read_size: 0,
            max_write_size: 0,
            dirs: [DirState::default(), DirState::default()],
            file_data,
            frames,
            pending_frames: Vec::new(),
            now: 0,
            check_post_gap_files: false,
            dead: false,
            stats: SmbStats::default(),
        }
    }

    /// Whether an error ended parsing.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Transactions held.
    pub fn open_txs(&self) -> usize {
        self.txs.len()
    }

    /// Creates a transaction (the oldest is completed past [`MAX_TX`]).
    pub(crate) fn new_tx(&mut self, ver: u8, cmd: u16, hdr: Hdr, data: TxData) -> &mut Tx {
        if self.txs.len() >= MAX_TX {
            // Suricata refuses and errors the flow; here the oldest is completed and dropped.
            self.txs.pop_front();
            self.stats.tx_evicted += 1;
        }
        self.next_id = self.next_id.saturating_add(1);
        let tx = Tx {
            id: self.next_id,
            ver,
            cmd,
            hdr,
            request_done: false,
            response_done: false,
            data,
            events: Vec::new(),
            dirty: [true, true],
            done: [false, false],
        };
        self.txs.push_back(tx);
        let last = self.txs.len() - 1;
        &mut self.txs[last]
    }

    /// Suricata's `new_generic_tx` (request done; response done when none is expected).
    pub(crate) fn new_generic_tx(&mut self, ver: u8, cmd: u16, hdr: Hdr) -> &mut Tx {
        let tx = self.new_tx(ver, cmd, hdr, TxData::Generic);
        tx.request_done = true;
        tx
    }

    pub(crate) fn get_generic_tx(&mut self, ver: u8, cmd: u16, hdr: &Hdr) -> Option<&mut Tx> {
        let tx = self
            .txs
            .iter_mut()
            .find(|t| t.ver == ver && t.cmd == cmd && t.hdr.same(hdr))?;
        tx.touch();
        Some(tx)
    }

    pub(crate) fn get_last_tx(&mut self, ver: u8, cmd: u16) -> Option<&mut Tx> {
        let tx = self.txs.back_mut().filter(|t| t.ver == ver && t.cmd == cmd)?;
        tx.touch();
        Some(tx)
    }

    pub(crate) fn get_negotiate_tx(&mut self, ver: u8) -> Option<&mut Tx> {
        let tx = self
            .txs
            .iter_mut()
            .find(|t| matches!(t.data, TxData::Negotiate(v) if v == ver))?;
        tx.touch();
        Some(tx)
    }

    pub(crate) fn get_treeconnect_tx(&mut self, hdr: &Hdr) -> Option<&mut Tx> {
        let tx = self
            .txs
            .iter_mut()
            .find(|t| t.hdr.same(hdr) && matches!(t.data, TxData::TreeConnect { .. }))?;
        tx.touch();
        Some(tx)
    }

    /// A successful TREE_CONNECT response (SMB1 and SMB2): completes the request's
    /// transaction (found by `tree`, re-keyed to `hdr`) and records its share under
    /// `share_key`. False when no such transaction holds a share name.
    pub(crate) fn treeconnect_done(&mut self, tree: &Hdr, hdr: Hdr, share_key: Hdr, is_pipe: bool) -> bool {
        let mut share = None;
        if let Some(tx) = self.get_treeconnect_tx(tree) {
            if let TxData::TreeConnect {
                share: name,
                is_pipe: p,
            } = &mut tx.data
            {
                *p = is_pipe;
                share = Some(name.clone());
            }
            tx.hdr = hdr;
            tx.response_done = true;
        }
        match share {
            Some(name) => {
                bounded_insert(&mut self.ssn2tree, share_key, (name, is_pipe), &mut self.stats);
                true
            }
            None => false,
        }
    }

    pub(crate) fn new_treeconnect_tx(&mut self, ver: u8, cmd: u16, hdr: Hdr, share: Vec<u8>) {
        let tx = self.new_tx(
            ver,
            cmd,
            hdr,
            TxData::TreeConnect {
                share,
                is_pipe: false,
            },
        );
        tx.request_done = true;
    }

    /// Suricata's `set_event`: on the newest transaction.
    pub(crate) fn set_event(&mut self, e: &'static str) {
        if let Some(tx) = self.txs.back_mut() {
            tx.set_event(e);
        }
    }

    /// Suricata's `get_service_for_guid`: whether the pipe opened as `guid` speaks DCERPC.
    pub(crate) fn is_dcerpc_guid(&self, guid: &[u8]) -> bool {
        let Some(n) = self.guid2name.get(guid) else {
            return false;
        };
        let mut s = n.as_slice();
        if s.len() > 1 && s.first() == Some(&b'\\') {
            s = s.get(1..).unwrap_or_default();
        }
        matches!(
            s,
            b"svcctl"
                | b"srvsvc"
                | b"atsvc"
                | b"lsarpc"
                | b"samr"
                | b"spoolss"
                | b"winreg"
                | b"suricata::dcerpc"
        )
    }

    /// Refuses a READ/WRITE record: raises `event` and skips the `nbss_remaining` bytes
    /// of it still to come in `dir`.
    pub(crate) fn refuse_record(&mut self, event: &'static str, dir: Direction, nbss_remaining: u32) {
        self.set_event(event);
        self.set_skip(dir, nbss_remaining);
    }

    pub(crate) fn set_skip(&mut self, dir: Direction, n: u32) {
        if let Some(d) = self.dirs.get_mut(dir.index()) {
            d.skip = n;
        }
    }

    pub(crate) fn set_file_left(&mut self, dir: Direction, rec_size: u32, data_size: u32, fuid: Vec<u8>) {
        if let Some(d) = self.dirs.get_mut(dir.index()) {
            d.file_left = rec_size.saturating_sub(data_size);
            d.file_guid = fuid;
        }
    }

    /// Suricata's `get_file_tx_by_fuid_with_open_file` (`open`) / `get_file_tx_by_fuid`.
    pub(crate) fn file_tx(&mut self, fuid: &[u8], dir: Direction, open: bool) -> Option<&mut Tx> {
        let tx = self.txs.iter_mut().find(|t| match &t.data {
            TxData::File(f) => f.dir == Some(dir) && f.fuid == fuid && (!open || !f.tracker.is_done()),
            _ => false,
        })?;
        tx.touch();
        Some(tx)
    }

    /// Suricata's `new_file_tx`.
    pub(crate) fn new_file_tx(
        &mut self,
        fuid: &[u8],
        name: &[u8],
        dir: Direction,
        ver: u8,
        cmd: u16,
    ) -> &mut Tx {
        let keep = self.file_data;
        let f = FileTx {
            dir: Some(dir),
            fuid: fuid.to_vec(),
            name: name.to_vec(),
            tracker: FileTracker::new(keep),
            post_gap_ts: 0,
        };
        self.new_tx(ver, cmd, Hdr::default(), TxData::File(Box::new(f)))
    }

    /// A chunk of file `fuid` at `offset` (`len` bytes in all, `data` of them here) travelling in
    /// `dir`: to the open file transaction, or a new one. Returns whether it overlapped bytes
    /// already placed, and queue-limit events.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn file_chunk(
        &mut self,
        fuid: &[u8],
        name: &[u8],
        dir: Direction,
        offset: u64,
        len: u32,
        data: &[u8],
        new: Option<(u8, u16, Hdr)>,
        nbss_remaining: u32,
    ) {
        let (size_ev, cnt_ev) = match dir {
            Direction::ToServer => ("write_queue_size_exceeded", "write_queue_cnt_exceeded"),
            Direction::ToClient => ("read_queue_size_exceeded", "read_queue_cnt_exceeded"),
        };
        let mut overlap = false;
        let mut event = None;
        let pos = self.txs.iter().position(|t| match &t.data {
            TxData::File(f) => f.dir == Some(dir) && f.fuid == fuid && !f.tracker.is_done(),
            _ => false,
        });
        let pos = match (pos, new) {
            (Some(p), _) => p,
            (None, Some((ver, cmd, hdr))) => {
                let tx = self.new_file_tx(fuid, name, dir, ver, cmd);
                tx.hdr = hdr;
                self.txs.len() - 1
            }
            (None, None) => return,
        };
        if let Some(tx) = self.txs.get_mut(pos) {
            tx.touch();
            if let TxData::File(f) = &mut tx.data {
                if offset < f.tracker.tracked {
                    overlap = true;
                }
                if f.tracker.in_flight().saturating_add(u64::from(len)) > CFG_MAX_QUEUE_SIZE {
                    event = Some(size_ev);
                } else if f.tracker.in_flight_cnt() >= CFG_MAX_QUEUE_CNT {
                    event = Some(cnt_ev);
                } else {
                    f.tracker.new_chunk(data, offset, len);
                }
            }
        }
        if let Some(e) = event {
            self.set_event(e);
            self.set_skip(dir, nbss_remaining);
        }
        if overlap {
            self.set_event("file_overlap");
        }
    }

    /// Closes the file transaction of `fuid` in `dir` (Suricata's `filetracker_close` callers).
    pub(crate) fn close_file(&mut self, fuid: &[u8], dir: Direction, only_if_open: bool) -> bool {
        let Some(tx) = self.file_tx(fuid, dir, false) else {
            return false;
        };
        if !tx.request_done {
            if let TxData::File(f) = &mut tx.data {
                f.tracker.close();
            }
        } else if only_if_open {
            return true;
        }
        tx.request_done = true;
        tx.response_done = true;
        true
    }

    /// Suricata's `filetracker_update`: streamed file bytes (or a gap of `gap` bytes).
    fn file_update(&mut self, dir: Direction, data: &[u8], gap: u32) -> usize {
        let d = dir.index();
        let (left, guid) = match self.dirs.get(d) {
            Some(s) if s.file_left > 0 => (s.file_left, s.file_guid.clone()),
            _ => return 0,
        };
        let n = data.len().min(left as usize);
        if let Some(s) = self.dirs.get_mut(d) {
            s.file_left = left.saturating_sub(data.len() as u32);
        }
        let ssn_gap = self.dirs.iter().any(|s| s.ssn_gap);
        let Some(tx) = self.file_tx(&guid, dir, false) else {
            return 0;
        };
        let TxData::File(f) = &mut tx.data else {
            return 0;
        };
        if ssn_gap && f.tracker.queued() > 2_000_000 {
            f.tracker.trunc();
        }
        f.post_gap_ts = 0;
        f.tracker.update(data.get(..n).unwrap_or_default(), gap) as usize
    }

    fn handle_skip(&mut self, dir: Direction, len: usize) -> usize {
        let Some(s) = self.dirs.get_mut(dir.index()) else {
            return 0;
        };
        if s.skip == 0 {
            return 0;
        }
        let n = (s.skip as usize).min(len);
        s.skip = s.skip.saturating_sub(n as u32);
        n
    }

    /// Adds frame records for one NBSS record of `dir` (bytes `rec`, header included) holding
    /// one SMB message of version `ver` (`0xff`, `0xfe`, `0xfd`, or 0 for none).
    fn add_frames(&mut self, dir: Direction, rec: &[u8], smb: &[(u8, usize, usize)]) {
        if !self.frames {
            return;
        }
        let to_server = dir == Direction::ToServer;
        let mut push = |name: &'static str, b: &[u8]| {
            if self.pending_frames.len() < 256 {
                let b = b.get(..b.len().min(FRAME_CAP)).unwrap_or_default();
                self.pending_frames.push(SmbRecord {
                    to_server,
                    frame: Some((name, b.to_vec())),
                    ..Default::default()
                });
            }
        };
        push("nbss.pdu", rec);
        push("nbss.hdr", rec.get(..4).unwrap_or(rec));
        push("nbss.data", rec.get(4..).unwrap_or_default());
        // Each SMB message: version, start within the NBSS data, length; header length.
        for &(ver, start, len) in smb {
            let Some(m) = rec.get(4 + start..).map(|m| m.get(..len).unwrap_or(m)) else {
                continue;
            };
            let (pdu, hdr, data, hlen) = match ver {
                0xff => ("smb1.pdu", "smb1.hdr", "smb1.data", 32usize),
                0xfe => (
                    "smb2.pdu",
                    "smb2.hdr",
                    "smb2.data",
                    usize::from(m.get(4..6).map_or(64, |h| u16::from_le_bytes([h[0], h[1]]))),
                ),
                _ => ("smb3.pdu", "smb3.hdr", "smb3.data", 52usize),
            };
            push(pdu, m);
            push(hdr, m.get(..hlen.min(m.len())).unwrap_or(m));
            if m.len() > hlen {
                push(data, m.get(hlen..).unwrap_or_default());
            }
        }
    }

    /// Parses `input` of `dir`; returns how many bytes were used (the rest waits for more).
    fn parse(&mut self, dir: Direction, input: &[u8]) -> usize {
        let d = dir.index();
        let mut cur = input;
        let n = self.handle_skip(dir, cur.len());
        cur = cur.get(n..).unwrap_or_default();
        let before = cur.len();
        self.feed_frame_rec(dir, cur);
        let n = self.file_update(dir, cur, 0);
        let _ = before;
        cur = cur.get(n.min(cur.len())..).unwrap_or_default();
        if cur.is_empty() {
            return input.len();
        }
        if self.dirs.get(d).is_some_and(|s| s.gap) {
            match search_smb_record(cur) {
                Some(off) if off >= 4 => {
                    cur = cur.get(off - 4..).unwrap_or_default();
                    if let Some(s) = self.dirs.get_mut(d) {
                        s.gap = false;
                    }
                }
                Some(off) => {
                    // Too close to the start to hold its NBSS header: look further.
                    let used = input.len() - cur.len() + off + 4;
                    return used.min(input.len());
                }
                None => {
                    // Keep the last 3 bytes: they may start a marker.
                    return input.len().saturating_sub(3);
                }
            }
        }
        while !cur.is_empty() {
            if self.dead {
                return input.len();
            }
            let Some(h) = cur.get(..4) else {
                return input.len() - cur.len();
            };
            let ntype = h[0];
            let nlen = (u32::from(h[1]) << 16 | u32::from(h[2]) << 8 | u32::from(h[3])) as usize;
            let total = 4 + nlen;
            if cur.len() < total {
                if total >= 512 && cur.len() < 512 {
                    return self.wait_or_skip(dir, input, cur, total);
                }
                if self.partial(dir, cur, nlen) {
                    return input.len();
                }
                return self.wait_or_skip(dir, input, cur, total);
            }
            let (rec, rest) = cur.split_at(total);
            self.record(dir, ntype, rec);
            cur = rest;
        }
        self.post_gap_housekeeping(dir);
        input.len()
    }

    /// An incomplete record: wait for it, or skip it when it is too large to buffer.
    fn wait_or_skip(&mut self, dir: Direction, input: &[u8], cur: &[u8], total: usize) -> usize {
        if total > MAX_RECORD {
            self.stats.records_skipped += 1;
            self.set_skip(dir, (total - cur.len()) as u32);
            return input.len();
        }
        input.len() - cur.len()
    }

    /// Suricata's `parse_tcp_data_{ts,tc}_partial`: a WRITE request / READ response handled
    /// from its first 512+ bytes, its data streamed after. `true` when it took `cur`.
    fn partial(&mut self, dir: Direction, cur: &[u8], nlen: usize) -> bool {
        if cur.len() < 512 {
            return false;
        }
        let Some(&ntype) = cur.first() else { return false };
        if ntype != NBSS_SESSION_MESSAGE {
            return false;
        }
        let data = cur.get(4..).unwrap_or_default();
        let nbss_remaining = (nlen.saturating_sub(data.len())) as u32;
        let took = match (data.get(..4), dir) {
            (Some(b"\xffSMB"), Direction::ToServer) => smb1::partial_write(self, data, nbss_remaining),
            (Some(b"\xffSMB"), Direction::ToClient) => smb1::partial_read(self, data, nbss_remaining),
            (Some(b"\xfeSMB"), Direction::ToServer) => smb2::partial_write(self, data, nbss_remaining),
            (Some(b"\xfeSMB"), Direction::ToClient) => smb2::partial_read(self, data, nbss_remaining),
            _ => None,
        };
        let Some((ver, hlen)) = took else {
            return false;
        };
        if self.frames {
            let mut rec = cur.get(..cur.len().min(FRAME_CAP)).unwrap_or_default().to_vec();
            rec.truncate(FRAME_CAP);
            if let Some(s) = self.dirs.get_mut(dir.index()) {
                s.frame_rec = Some((rec, nbss_remaining, if ver == 0xfe { hlen } else { 32 }));
            }
            if nbss_remaining == 0 {
                self.finish_frame_rec(dir);
            }
        }
        true
    }

    /// Streamed bytes of a record whose frames wait for its end.
    fn feed_frame_rec(&mut self, dir: Direction, data: &[u8]) {
        let Some(s) = self.dirs.get_mut(dir.index()) else {
            return;
        };
        let Some((buf, left, _)) = s.frame_rec.as_mut() else {
            return;
        };
        let n = (*left as usize).min(data.len());
        let room = FRAME_CAP.saturating_sub(buf.len());
        buf.extend_from_slice(data.get(..n.min(room)).unwrap_or_default());
        *left = left.saturating_sub(n as u32);
        if *left == 0 {
            self.finish_frame_rec(dir);
        }
    }

    fn finish_frame_rec(&mut self, dir: Direction) {
        let Some((rec, _, _)) = self.dirs.get_mut(dir.index()).and_then(|s| s.frame_rec.take()) else {
            return;
        };
        let ver = rec.get(4).copied().unwrap_or(0);
        let len = rec.len().saturating_sub(4);
        self.add_frames(dir, &rec, &[(ver, 0, len)]);
    }

    /// One complete NBSS record of `dir`.
    fn record(&mut self, dir: Direction, ntype: u8, rec: &[u8]) {
        let data = rec.get(4..).unwrap_or_default();
        if ntype != NBSS_SESSION_MESSAGE {
            self.add_frames(dir, rec, &[]);
            return;
        }
        if data.len() < 4 {
            // Not enough for an SMB header (Suricata: incomplete, ignored).
            self.add_frames(dir, rec, &[]);
            return;
        }
        if data.get(1..4) != Some(b"SMB") {
            self.add_frames(dir, rec, &[]);
            self.set_event("malformed_data");
            self.dead = true;
            return;
        }
        let mut msgs: Vec<(u8, usize, usize)> = Vec::new();
        match data.first() {
            Some(0xff) => {
                msgs.push((0xff, 0, data.len()));
                let ok = match dir {
                    Direction::ToServer => smb1::request(self, data),
                    Direction::ToClient => smb1::response(self, data),
                };
                if !ok {
                    self.set_event("malformed_data");
                    self.dead = true;
                }
            }
            Some(0xfe) => {
                let mut at = 0usize;
                while let Some(m) = data.get(at..).filter(|m| !m.is_empty()) {
                    let used = match dir {
                        Direction::ToServer => smb2::request(self, m),
                        Direction::ToClient => smb2::response(self, m),
                    };
                    let Some(used) = used.filter(|&u| u > 0) else {
                        self.set_event("malformed_data");
                        self.dead = true;
                        break;
                    };
                    msgs.push((0xfe, at, used));
                    at += used;
                }
            }
            Some(0xfd) => {
                let mut at = 0usize;
                while let Some(m) = data.get(at..).filter(|m| !m.is_empty()) {
                    let mut r = Rd::new(m);
                    let size = (|| {
                        let tag = r.take(4)?;
                        if tag != b"\xfdSMB" {
                            return None;
                        }
                        r.skip(32)?;
                        let size = r.u32()? as usize;
                        r.skip(12)?;
                        r.skip(size)?;
                        Some(52 + size)
                    })();
                    let Some(used) = size else {
                        self.set_event("malformed_data");
                        self.dead = true;
                        break;
                    };
                    msgs.push((0xfd, at, used));
                    at += used;
                }
            }
            _ => {}
        }
        self.add_frames(dir, rec, &msgs);
    }

    /// Suricata's `post_gap_housekeeping`: after a gap, the transactions of the direction are
    /// complete, file transfers excepted (they get 60 s without update).
    fn post_gap_housekeeping(&mut self, dir: Direction) {
        if !self.dirs.get(dir.index()).is_some_and(|s| s.ssn_gap) {
            return;
        }
        let now = self.now;
        let last = self.next_id;
        let mut files = false;
        for tx in self.txs.iter_mut() {
            if tx.id >= last {
                break;
            }
            if let TxData::File(f) = &mut tx.data {
                if f.post_gap_ts == 0 {
                    f.post_gap_ts = now + 60;
                    files = true;
                }
            } else {
                tx.request_done = true;
                if dir == Direction::ToClient {
                    tx.response_done = true;
                }
            }
        }
        if files {
            self.check_post_gap_files = true;
        }
        if self.check_post_gap_files {
            let mut pending = false;
            for tx in self.txs.iter_mut() {
                if let TxData::File(f) = &mut tx.data {
                    if f.post_gap_ts > 0 {
                        if now > f.post_gap_ts {
                            tx.request_done = true;
                            tx.response_done = true;
                            f.tracker.trunc();
                        } else {
                            pending = true;
                        }
                    }
                }
            }
            self.check_post_gap_files = pending;
        }
    }

    /// The snapshot of `tx` inspected from `dir`.
    fn snapshot(&self, tx: &Tx, dir: Direction) -> SmbRecord {
        let to_server = dir == Direction::ToServer;
        let mut r = SmbRecord {
            tx_id: Some(tx.id.saturating_sub(1)),
            to_server,
            events: tx.events.clone(),
            ..Default::default()
        };
        match &tx.data {
            TxData::TreeConnect { share, is_pipe } => {
                if *is_pipe {
                    r.named_pipe = Some(share.clone());
                } else {
                    r.share = Some(share.clone());
                }
            }
            TxData::File(f) => {
                let file_to_server = f.dir == Some(Direction::ToServer);
                r.file = Some(SmbFile {
                    name: f.name.clone(),
                    data: if file_to_server == to_server {
                        f.tracker.data().to_vec()
                    } else {
                        Vec::new()
                    },
                    to_server: file_to_server,
                });
            }
            TxData::Dcerpc(x) => {
                let ifaces = self
                    .ifaces
                    .iter()
                    .flatten()
                    .filter(|i| i.acked)
                    .map(|i| Iface {
                        uuid: i.uuid,
                        version: i.ver,
                        version_minor: i.ver_min,
                        result: i.ack_result,
                        first_frag: true,
                        ..Default::default()
                    })
                    .collect();
                r.dcerpc = Some(SmbDcerpc {
                    request: x.req_set && x.req_cmd == crate::dcerpc::ptype::REQUEST,
                    opnum: x.opnum,
                    stub_ts: x.stub_ts.clone(),
                    stub_tc: x.stub_tc.clone(),
                    ifaces,
                });
            }
            _ => {}
        }
        r
    }

    fn flush_frames(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        for rec in self.pending_frames.drain(..) {
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir,
                tx_id: None,
                record: Record::Smb(Box::new(rec)),
            });
        }
    }

    fn on_bytes(&mut self, dir: Direction, data: &[u8]) {
        let d = dir.index();
        let held = self.dirs.get(d).map_or(0, |s| s.buf.len());
        if held == 0 {
            let used = self.parse(dir, data);
            if let (Some(s), Some(rest)) = (self.dirs.get_mut(d), data.get(used..)) {
                if !self.dead {
                    s.buf.extend_from_slice(rest);
                }
            }
            return;
        }
        let mut buf = match self.dirs.get_mut(d) {
            Some(s) => std::mem::take(&mut s.buf),
            None => return,
        };
        buf.extend_from_slice(data);
        let used = self.parse(dir, &buf);
        buf.drain(..used.min(buf.len()));
        if buf.len() > MAX_RECORD {
            // Cannot happen with the record bound; keep memory bounded anyway.
            self.stats.records_skipped += 1;
            buf.clear();
            if let Some(s) = self.dirs.get_mut(d) {
                s.gap = true;
            }
        }
        if let Some(s) = self.dirs.get_mut(d) {
            if !self.dead {
                s.buf = buf;
            }
        }
    }
}

impl Parser for SmbParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.dead || data.is_empty() {
            return;
        }
        self.now = cx.ts.0 / 1_000_000;
        self.on_bytes(dir, data);
        self.flush_frames(dir, cx);
    }

    /// Suricata's `parse_tcp_data_{ts,tc}_gap`: the skip and the streamed file take the gap;
    /// then the next record is searched for.
    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        if self.dead {
            return;
        }
        let d = dir.index();
        let n = self.handle_skip(dir, len as usize) as u32;
        if n < len {
            let rest = len - n;
            if let Some(s) = self.dirs.get_mut(d) {
                if let Some((_, left, _)) = s.frame_rec.as_mut() {
                    *left = left.saturating_sub(rest);
                }
            }
            let left = self.dirs.get(d).map_or(0, |s| s.file_left);
            if left > 0 {
                let take = rest.min(left);
                let zeros = vec![0u8; take.min(64 * 1024) as usize];
                // The tracker is told of the gap; the zero bytes stand for it.
                let g = self.file_update(dir, &zeros, take);
                let _ = g;
                if let Some(s) = self.dirs.get_mut(d) {
                    s.file_left = left.saturating_sub(take);
                }
            }
            if self
                .dirs
                .get(d)
                .is_some_and(|s| s.frame_rec.as_ref().is_some_and(|f| f.1 == 0))
            {
                self.finish_frame_rec(dir);
            }
        }
        if let Some(s) = self.dirs.get_mut(d) {
            s.buf.clear();
            s.gap = true;
            s.ssn_gap = true;
            if let Some((_, left, _)) = s.frame_rec.as_ref() {
                if *left > 0 {
                    // The record's end was lost: its frames are made from what came.
                    let _ = left;
                }
            }
        }
        if self.dirs.get(d).is_some_and(|s| s.frame_rec.is_some()) {
            self.finish_frame_rec(dir);
        }
        self.flush_frames(dir, cx);
    }

    fn on_packet(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let d = dir.index();
        let mut out = Vec::new();
        for tx in self.txs.iter() {
            if tx.dirty.get(d) == Some(&true) && tx.done.get(d) == Some(&false) {
                out.push(self.snapshot(tx, dir));
            }
        }
        for tx in self.txs.iter_mut() {
            if tx.dirty.get(d) == Some(&true) && tx.done.get(d) == Some(&false) {
                if let Some(x) = tx.dirty.get_mut(d) {
                    *x = false;
                }
                if tx.complete(dir) {
                    if let Some(x) = tx.done.get_mut(d) {
                        *x = true;
                    }
                }
            }
        }
        for rec in out {
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir,
                tx_id: rec.tx_id,
                record: Record::Smb(Box::new(rec)),
            });
        }
        // Transactions inspected to completion both ways are freed, as Suricata frees them.
        self.txs.retain(|t| !(t.done[0] && t.done[1]));
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        // Open files end truncated; the last inspection of each side happens in `on_packet`.
        for tx in self.txs.iter_mut() {
            if let TxData::File(f) = &mut tx.data {
                f.tracker.trunc();
            }
        }
        let _ = cx;
    }
}
