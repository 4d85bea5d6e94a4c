//! NFS over ONC-RPC (TCP with record marking, and UDP; port 2049), after Suricata 7.0.10's
//! `rust/src/nfs`, reduced to what rules inspect: which requests make transactions, with their
//! NFS version and procedure(s).
//!
//! Transactions as Suricata makes them:
//! - NFSv2/v3: one per request, except READ, WRITE and COMMIT (Suricata reads v2 procedure
//!   numbers with the v3 constants, as here). A v3 WRITE opens (or continues) a *file*
//!   transaction per file handle; a v3 READ request opens a to-client file transaction for its
//!   handle when none is open; a COMMIT closes the handle's WRITE transaction and adds COMMIT
//!   to its procedures (`nfs_procedure` then matches it too).
//! - NFSv4: COMPOUND requests are walked op by op (an op this parser does not know fails the
//!   whole compound, as in Suricata); WRITE opens or continues the file transaction of the last
//!   PUTFH handle, COMMIT and CLOSE close it, CREATE and REMOVE make a transaction. Other
//!   compounds make none.
//! - UDP carries v2/v3 only.
//!
//! A record is emitted when its transaction is created (and again, same id, when COMMIT adds a
//! procedure). Replies are only framed (skipped): they complete transactions in Suricata but no
//! rule keyword here depends on them. TCP records are buffered until complete (up to
//! [`MAX_RECORD`]); a v3 WRITE record of 512 bytes or more is processed from its first bytes,
//! as Suricata's partial-record path does, and its data skipped.
//!
//! Not done: EVE `nfs`/`rpc` records and NFS file extraction (`fileinfo`), name tracking,
//! v2 READ file transactions (made from replies), resynchronising the reply side after a gap.

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;

#[cfg(test)]
mod tests;

/// Largest TCP record buffered whole (bigger ones are skipped, counted in `skipped`).
pub const MAX_RECORD: usize = 1024 * 1024 + 4096;
/// Most open file transactions tracked per flow (Suricata's `max-tx` default is 1024).
pub const MAX_OPEN_FILES: usize = 1024;
const MAX_OPS: u32 = 64;
const RPC_MAX_MACHINE_SIZE: u32 = 256;
const RPC_MAX_CREDS_SIZE: u32 = 4096;

pub const PROC3_READ: u32 = 6;
pub const PROC3_WRITE: u32 = 7;
pub const PROC3_COMMIT: u32 = 21;
pub const PROC4_COMPOUND: u32 = 1;
pub const PROC4_CREATE: u32 = 6;
pub const PROC4_REMOVE: u32 = 28;
pub const PROC4_WRITE: u32 = 38;

/// One NFS transaction as rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NfsRecord {
    /// Transaction id (0-based).
    pub id: u64,
    pub xid: u32,
    /// The RPC program version of the request (2, 3, 4).
    pub version: u16,
    pub procedure: u32,
    /// Further procedures of a file transaction (COMMIT after WRITEs).
    pub additional_procs: Vec<u32>,
    pub file_tx: bool,
    pub creds_flavor: u32,
}

impl NfsRecord {
    /// Suricata's `rs_nfs_tx_get_procedures`: the main procedure, then the additional ones.
    pub fn procedures(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::once(self.procedure).chain(self.additional_procs.iter().copied())
    }
}

/// An open file transaction.
#[derive(Debug)]
struct FileTx {
    rec: NfsRecord,
    handle: Vec<u8>,
    to_server: bool,
}

/// A big-endian reader (nom's streaming `be_u32` / `take`).
#[derive(Clone, Copy)]
struct R<'a>(&'a [u8]);

impl<'a> R<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (h, t) = self.0.split_first_chunk::<4>()?;
        self.0 = t;
        Some(u32::from_be_bytes(*h))
    }
    fn u64(&mut self) -> Option<u64> {
        let (h, t) = self.0.split_first_chunk::<8>()?;
        self.0 = t;
        Some(u64::from_be_bytes(*h))
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        Some(h)
    }
    /// A length-prefixed opaque (`nfs4_parse_handle`, `parse_nfs3_handle`).
    fn opaque(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    /// `nfs4_parse_nfsstring`: an opaque and its padding.
    fn string(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()?;
        let s = self.take(n as usize)?;
        if n % 4 != 0 {
            self.take((4 - n % 4) as usize)?;
        }
        Some(s)
    }
}

/// An RPC call (`RpcPacket`).
#[derive(Debug)]
struct Call<'a> {
    xid: u32,
    progver: u32,
    procedure: u32,
    creds_flavor: u32,
    /// GSSAPI credentials: (procedure, service).
    gss: Option<(u32, u32)>,
    prog_data: &'a [u8],
}

/// `parse_rpc` (TCP, `hdr` = the 12 bytes of record mark, xid and type already read) and
/// `parse_rpc_udp_request`: the call fields after the message type. `data_len`: how much of
/// what follows the verifier is the program's (`None`: the rest).
fn parse_call<'a>(xid: u32, r: &mut R<'a>, rec_left: Option<usize>) -> Option<Call<'a>> {
    let start = r.0.len();
    let _rpcver = r.u32()?;
    let _program = r.u32()?;
    let progver = r.u32()?;
    let procedure = r.u32()?;
    let creds_flavor = r.u32()?;
    let creds_len = r.u32()?;
    if creds_len >= RPC_MAX_CREDS_SIZE {
        return None;
    }
    let mut creds = R(r.take(creds_len as usize)?);
    let mut gss = None;
    match creds_flavor {
        1 => {
            let _stamp = creds.u32()?;
            let n = creds.u32()?;
            if n >= RPC_MAX_MACHINE_SIZE {
                return None;
            }
            creds.take(n as usize)?;
            creds.u32()?;
            creds.u32()?;
        }
        6 => {
            let _version = creds.u32()?;
            let procedure = creds.u32()?;
            let _seq = creds.u32()?;
            let service = creds.u32()?;
            creds.opaque()?;
            gss = Some((procedure, service));
        }
        _ => {}
    }
    let _verifier_flavor = r.u32()?;
    let verifier_len = r.u32()?;
    if verifier_len >= RPC_MAX_CREDS_SIZE {
        return None;
    }
    r.take(verifier_len as usize)?;
    let prog_data = match rec_left {
        None => r.0,
        Some(left) => {
            let used = start - r.0.len();
            let n = left.checked_sub(used)?;
            // Partial records take what is there.
            r.0.get(..n).unwrap_or(r.0)
        }
    };
    Some(Call {
        xid,
        progver,
        procedure,
        creds_flavor,
        gss,
        prog_data,
    })
}

/// The NFS parser of one flow.
#[derive(Debug, Default)]
pub struct NfsParser {
    udp: bool,
    /// Transactions created so far (the next id).
    tx_id: u64,
    open: Vec<FileTx>,
    /// Partial TCP record per direction.
    buf: [Vec<u8>; 2],
    /// Bytes of the current record still to skip, per direction.
    skip: [u64; 2],
    /// After a gap: looking for the start of a call (to server) / given up (to client).
    gap: [bool; 2],
    /// A record header did not parse: the direction is no longer parsed.
    dead: [bool; 2],
    /// Records that did not parse (Suricata's `malformed_data`).
    pub malformed: u64,
    /// Records larger than [`MAX_RECORD`] skipped unparsed.
    pub skipped: u64,
}

impl NfsParser {
    pub fn new_tcp() -> Self {
        Self::default()
    }
    pub fn new_udp() -> Self {
        NfsParser {
            udp: true,
            ..Self::default()
        }
    }

    fn new_rec(&mut self, c: &Call<'_>, procedure: u32, file_tx: bool) -> NfsRecord {
        let id = self.tx_id;
        self.tx_id += 1;
        NfsRecord {
            id,
            xid: c.xid,
            version: c.progver as u16,
            procedure,
            additional_procs: Vec::new(),
            file_tx,
            creds_flavor: c.creds_flavor,
        }
    }

    fn open_file(&mut self, handle: &[u8], to_server: bool) -> Option<usize> {
        self.open
            .iter()
            .position(|f| f.to_server == to_server && f.handle == handle)
    }

    fn new_file(
        &mut self,
        c: &Call<'_>,
        procedure: u32,
        handle: &[u8],
        to_server: bool,
        closed: bool,
        out: &mut Vec<NfsRecord>,
    ) {
        let rec = self.new_rec(c, procedure, true);
        out.push(rec.clone());
        if closed {
            return;
        }
        if self.open.len() >= MAX_OPEN_FILES {
            self.open.remove(0);
        }
        self.open.push(FileTx {
            rec,
            handle: handle.to_vec(),
            to_server,
        });
    }

    /// `process_write_record` (v3) / `write_v4`.
    fn write(
        &mut self,
        c: &Call<'_>,
        procedure: u32,
        handle: &[u8],
        count: u32,
        stable: u32,
        out: &mut Vec<NfsRecord>,
    ) {
        if count == 0 || count > 16 * 1024 * 1024 {
            return;
        }
        let is_last = stable == 2;
        match self.open_file(handle, true) {
            Some(i) => {
                // v3 closes the transaction on a FILE_SYNC chunk; v4 only completes it.
                if is_last && procedure == PROC3_WRITE {
                    self.open.remove(i);
                }
            }
            None => self.new_file(c, procedure, handle, true, is_last, out),
        }
    }

    /// `commit_v4` / the COMMIT branch of `process_request_record_v3`.
    fn commit(&mut self, handle: &[u8], add: Option<u32>, out: &mut Vec<NfsRecord>) {
        if let Some(i) = self.open_file(handle, true) {
            let mut f = self.open.remove(i);
            if let Some(p) = add {
                if f.rec.additional_procs.is_empty() {
                    f.rec.additional_procs.push(p);
                    out.push(f.rec);
                }
            }
        }
    }

    /// `process_request_record`: a complete (or partial WRITE) call.
    fn request(&mut self, c: &Call<'_>, complete: bool, out: &mut Vec<NfsRecord>) {
        match c.progver {
            4 if !self.udp => self.request_v4(c, out),
            3 => self.request_v3(c, complete, out),
            2 if !matches!(c.procedure, PROC3_COMMIT | PROC3_WRITE | PROC3_READ) => {
                let rec = self.new_rec(c, c.procedure, false);
                out.push(rec);
            }
            _ => {}
        }
    }

    fn request_v3(&mut self, c: &Call<'_>, complete: bool, out: &mut Vec<NfsRecord>) {
        let mut r = R(c.prog_data);
        match c.procedure {
            PROC3_WRITE => {
                let w = (|| {
                    let handle = r.opaque()?;
                    let _offset = r.u64()?;
                    let count = r.u32()?;
                    let stable = r.u32()?;
                    let file_len = r.u32()?;
                    if stable > 2 || file_len > count {
                        return None;
                    }
                    if complete {
                        r.take(file_len as usize)?;
                        if file_len % 4 != 0 {
                            r.take((4 - file_len % 4) as usize)?;
                        }
                    }
                    Some((handle, count, stable))
                })();
                match w {
                    Some((handle, count, stable)) => self.write(c, PROC3_WRITE, handle, count, stable, out),
                    None => self.malformed += 1,
                }
            }
            PROC3_COMMIT => match (r.opaque(), r.u64(), r.u32()) {
                (Some(h), Some(_), Some(_)) => self.commit(h, Some(PROC3_COMMIT), out),
                _ => self.malformed += 1,
            },
            PROC3_READ => {
                let handle = match (r.opaque(), r.u64(), r.u32()) {
                    (Some(h), Some(_), Some(_)) => h,
                    _ => {
                        self.malformed += 1;
                        &[]
                    }
                };
                if self.open_file(handle, false).is_none() {
                    self.new_file(c, PROC3_READ, handle, false, false, out);
                }
            }
            p => {
                let rec = self.new_rec(c, p, false);
                out.push(rec);
            }
        }
    }

    fn request_v4(&mut self, c: &Call<'_>, out: &mut Vec<NfsRecord>) {
        if c.procedure != PROC4_COMPOUND {
            return;
        }
        let mut data = c.prog_data;
        if c.gss == Some((0, 2)) {
            // `parse_rpc_gssapi_integrity`.
            let mut r = R(data);
            let inner = (|| {
                let len = r.u32()?;
                if len >= RPC_MAX_CREDS_SIZE {
                    return None;
                }
                r.u32()?;
                r.take(len as usize)
            })();
            match inner {
                Some(d) => data = d,
                None => {
                    self.malformed += 1;
                    return;
                }
            }
        }
        let Some(ops) = compound_ops(data) else {
            self.malformed += 1;
            return;
        };
        let mut last_putfh: Option<&[u8]> = None;
        let mut main = 0u32;
        for op in ops {
            match op {
                Op::PutFh(h) => last_putfh = Some(h),
                Op::Write { stable, len } => {
                    if let Some(fh) = last_putfh {
                        self.write(c, PROC4_WRITE, fh, len, stable, out);
                    }
                }
                Op::Commit | Op::Close => {
                    if let Some(fh) = last_putfh {
                        self.commit(fh, None, out);
                    }
                }
                Op::Create => main = PROC4_CREATE,
                Op::Remove => main = PROC4_REMOVE,
                Op::Other => {}
            }
        }
        if main != 0 {
            let rec = self.new_rec(c, main, false);
            out.push(rec);
        }
    }

    /// One datagram (UDP) or the to-server TCP stream.
    fn udp_request(&mut self, b: &[u8], out: &mut Vec<NfsRecord>) {
        let mut r = R(b);
        let Some(xid) = r.u32() else { return };
        match r.u32() {
            Some(0 | 1) => {}
            _ => return,
        }
        if let Some(c) = parse_call(xid, &mut r, None) {
            if matches!(c.progver, 2 | 3) {
                self.request(&c, true, out);
            }
        }
    }

    fn tcp_to_server(&mut self, data: &[u8], out: &mut Vec<NfsRecord>) {
        let d = 0;
        let mut data = data;
        if self.skip[d] > 0 {
            let n = (self.skip[d].min(data.len() as u64)) as usize;
            self.skip[d] -= n as u64;
            data = data.get(n..).unwrap_or_default();
        }
        if data.is_empty() || self.dead[d] {
            return;
        }
        let mut owned = std::mem::take(&mut self.buf[d]);
        let buffered = !owned.is_empty();
        if buffered {
            owned.extend_from_slice(data);
        }
        let input: &[u8] = if buffered { &owned } else { data };
        let (pos, keep) = self.tcp_records(input, out);
        if keep {
            if buffered {
                owned.drain(..pos.min(owned.len()));
                self.buf[d] = owned;
            } else {
                self.buf[d] = data.get(pos..).unwrap_or_default().to_vec();
            }
        }
    }

    /// Parses the calls in `input`; returns how far it got and whether what is left is the
    /// start of a record to keep for more bytes.
    fn tcp_records(&mut self, input: &[u8], out: &mut Vec<NfsRecord>) -> (usize, bool) {
        let d = 0;
        let mut pos = 0usize;
        let rest = |pos: usize| input.get(pos..).unwrap_or_default();
        if self.gap[d] {
            // Suricata's `nfs_probe`, byte by byte, until a call starts.
            loop {
                match probe_call(rest(pos)) {
                    Some(true) => {
                        self.gap[d] = false;
                        break;
                    }
                    None => return (pos, true),
                    Some(false) => {
                        pos += 1;
                        if pos >= input.len() {
                            return (pos, false);
                        }
                    }
                }
            }
        }
        while pos < input.len() {
            let cur = rest(pos);
            let mut r = R(cur);
            let (Some(mark), Some(xid), Some(mtype)) = (r.u32(), r.u32(), r.u32()) else {
                return (pos, true);
            };
            let frag_len = mark & 0x7fff_ffff;
            if frag_len < 24 || mtype > 1 {
                self.malformed += 1;
                self.dead = [true; 2];
                return (pos, false);
            }
            let Some(p4) = cur.get(24..28) else {
                return (pos, true);
            };
            let procedure = u32::from_be_bytes([p4[0], p4[1], p4[2], p4[3]]);
            let rec_size = frag_len as usize + 4;
            if rec_size > cur.len() {
                // `parse_tcp_partial_data_ts`: a big v3 WRITE is processed from its start.
                if rec_size >= 512 && cur.len() >= 44 && procedure == PROC3_WRITE {
                    let mut r = R(cur.get(12..).unwrap_or_default());
                    if let Some(c) = parse_call(xid, &mut r, Some(frag_len as usize - 8)) {
                        let mut w = R(c.prog_data);
                        let hdr = (|| {
                            w.opaque()?;
                            w.u64()?;
                            let count = w.u32()?;
                            let stable = w.u32()?;
                            let file_len = w.u32()?;
                            Some(stable <= 2 && file_len <= count)
                        })();
                        match hdr {
                            Some(true) => {
                                self.request(&c, false, out);
                                self.skip[d] = (rec_size - cur.len()) as u64;
                                return (input.len(), false);
                            }
                            Some(false) => {
                                self.malformed += 1;
                                self.dead = [true; 2];
                                return (pos, false);
                            }
                            None => {}
                        }
                    }
                }
                if rec_size > MAX_RECORD {
                    self.skipped += 1;
                    self.skip[d] = (rec_size - cur.len()) as u64;
                    return (input.len(), false);
                }
                return (pos, true);
            }
            let rec = cur.get(12..rec_size).unwrap_or_default();
            match parse_call(xid, &mut R(rec), Some(frag_len as usize - 8)) {
                Some(c) => self.request(&c, true, out),
                None => self.malformed += 1,
            }
            pos += rec_size;
        }
        (pos, false)
    }

    fn tcp_to_client(&mut self, data: &[u8]) {
        let d = 1;
        if self.dead[d] || self.gap[d] {
            return;
        }
        let mut data = data;
        loop {
            if self.skip[d] > 0 {
                let n = (self.skip[d].min(data.len() as u64)) as usize;
                self.skip[d] -= n as u64;
                data = data.get(n..).unwrap_or_default();
            }
            if data.is_empty() {
                return;
            }
            // Only the 12-byte header is needed to frame a reply.
            let hb = &mut self.buf[d];
            let need = 12usize.saturating_sub(hb.len());
            let n = need.min(data.len());
            hb.extend_from_slice(&data[..n]);
            data = &data[n..];
            if hb.len() < 12 {
                return;
            }
            let mark = u32::from_be_bytes([hb[0], hb[1], hb[2], hb[3]]);
            let mtype = u32::from_be_bytes([hb[8], hb[9], hb[10], hb[11]]);
            hb.clear();
            let frag_len = mark & 0x7fff_ffff;
            if frag_len < 24 || mtype > 1 {
                self.malformed += 1;
                self.dead = [true; 2];
                return;
            }
            self.skip[d] = u64::from(frag_len) - 8;
        }
    }

    fn emit(dir: Direction, recs: Vec<NfsRecord>, cx: &mut Cx<'_>) {
        for rec in recs {
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir,
                tx_id: Some(rec.id),
                record: Record::Nfs(Box::new(rec)),
            });
        }
    }
}

/// The ops of an NFSv4 COMPOUND request that matter here.
#[derive(Debug, PartialEq, Eq)]
enum Op<'a> {
    PutFh(&'a [u8]),
    Write { stable: u32, len: u32 },
    Commit,
    Close,
    Create,
    Remove,
    Other,
}

/// `parse_nfs4_request_compound`: every op must parse, or none counts.
fn compound_ops(b: &[u8]) -> Option<Vec<Op<'_>>> {
    let mut r = R(b);
    let tag_len = r.u32()?;
    r.take(tag_len as usize)?;
    let _minor = r.u32()?;
    let n = r.u32()?;
    if n > MAX_OPS {
        return None;
    }
    let mut ops = Vec::with_capacity(n as usize);
    for _ in 0..n {
        ops.push(op(&mut r)?);
    }
    Some(ops)
}

fn stateid(r: &mut R<'_>) -> Option<()> {
    r.u32()?;
    r.take(12)?;
    Some(())
}

/// `nfs4_parse_attrbits`; with `fields`, `nfs4_parse_attrs`.
fn attrs(r: &mut R<'_>, fields: bool) -> Option<()> {
    let cnt = r.u32()?;
    r.u32()?;
    if cnt >= 2 {
        r.u32()?;
    }
    if cnt == 3 {
        r.u32()?;
    }
    if fields {
        r.opaque()?;
    }
    Some(())
}

/// `parse_request_compound_command`.
fn op<'a>(r: &mut R<'a>) -> Option<Op<'a>> {
    let cmd = r.u32()?;
    Some(match cmd {
        22 => Op::PutFh(r.opaque()?),
        25 => {
            stateid(r)?;
            r.u64()?;
            r.u32()?;
            Op::Other
        }
        38 => {
            stateid(r)?;
            r.u64()?;
            let stable = r.u32()?;
            let len = r.u32()?;
            r.take(len as usize)?;
            if len % 4 != 0 {
                r.take((4 - len % 4) as usize)?;
            }
            Op::Write { stable, len }
        }
        10 | 32 | 24 => Op::Other,
        18 => {
            r.u32()?;
            r.u32()?;
            r.u32()?;
            r.u64()?;
            let owner = r.u32()?;
            r.take(owner as usize)?;
            let open_type = r.u32()?;
            if open_type == 1 {
                match r.u32()? {
                    0 | 1 => attrs(r, true)?,
                    2 | 3 => {
                        r.take(8)?;
                    }
                    _ => return None,
                }
            }
            r.u32()?;
            r.string()?;
            Op::Other
        }
        4 => {
            r.u32()?;
            stateid(r)?;
            Op::Close
        }
        15 | 28 => {
            r.string()?;
            if cmd == 28 {
                Op::Remove
            } else {
                Op::Other
            }
        }
        3 | 52 => {
            r.u32()?;
            Op::Other
        }
        5 => {
            r.u64()?;
            r.u32()?;
            Op::Commit
        }
        9 => {
            attrs(r, false)?;
            Op::Other
        }
        26 => {
            r.u64()?;
            r.u64()?;
            r.u32()?;
            r.u32()?;
            attrs(r, false)?;
            Op::Other
        }
        30 => {
            r.u64()?;
            Op::Other
        }
        20 => {
            r.u32()?;
            stateid(r)?;
            Op::Other
        }
        29 => {
            r.string()?;
            r.string()?;
            Op::Other
        }
        6 => {
            let ftype = r.u32()?;
            if ftype == 5 {
                r.string()?;
            }
            r.string()?;
            attrs(r, true)?;
            Op::Create
        }
        8 => {
            stateid(r)?;
            Op::Other
        }
        34 => {
            stateid(r)?;
            attrs(r, true)?;
            Op::Other
        }
        35 => {
            r.take(8)?;
            r.string()?;
            r.u32()?;
            r.string()?;
            r.string()?;
            r.u32()?;
            Op::Other
        }
        36 => {
            r.take(16)?;
            Op::Other
        }
        53 => {
            r.take(16)?;
            r.take(16)?;
            Op::Other
        }
        42 => {
            r.take(8)?;
            r.string()?;
            r.take(12)?;
            r.string()?;
            r.string()?;
            r.take(12)?;
            Op::Other
        }
        43 => {
            r.take(8 + 4 + 4 + 28 + 28 + 4 + 4 + 4 + 4)?;
            r.string()?;
            // Suricata's parser takes the rest of the compound here.
            r.0 = &[];
            Op::Other
        }
        58 => {
            if r.u32()? > 1 {
                return None;
            }
            Op::Other
        }
        50 => {
            if r.u32()? > 1 {
                return None;
            }
            r.take(8)?;
            r.take(8 + 8 + 8)?;
            stateid(r)?;
            r.u32()?;
            Op::Other
        }
        47 => {
            r.take(16 + 16)?;
            Op::Other
        }
        51 => {
            if r.u32()? > 1 {
                return None;
            }
            r.take(12 + 16)?;
            stateid(r)?;
            r.string()?;
            Op::Other
        }
        44 => {
            r.take(16)?;
            Op::Other
        }
        57 => {
            r.take(8)?;
            Op::Other
        }
        _ => return None,
    })
}

/// Suricata's `nfs_probe` toward the server: a call of NFS v3/v4 with a known auth flavor.
/// `None` when more bytes are needed.
fn probe_call(b: &[u8]) -> Option<bool> {
    let mut r = R(b);
    let (mark, _xid, mtype) = (r.u32()?, r.u32()?, r.u32()?);
    let frag_len = mark & 0x7fff_ffff;
    if frag_len < 24 || mtype > 1 {
        return Some(false);
    }
    let rpcver = r.u32()?;
    let program = r.u32()?;
    let progver = r.u32()?;
    let procedure = r.u32()?;
    let flavor = r.u32()?;
    Some(
        frag_len >= 40
            && mtype == 0
            && rpcver == 2
            && matches!(progver, 3 | 4)
            && program == 100_003
            && procedure <= PROC3_COMMIT
            && matches!(flavor, 0 | 1 | 6),
    )
}

impl Parser for NfsParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        let mut out = Vec::new();
        match (self.udp, dir) {
            (true, Direction::ToServer) => self.udp_request(data, &mut out),
            (true, Direction::ToClient) => {}
            (false, Direction::ToServer) => self.tcp_to_server(data, &mut out),
            (false, Direction::ToClient) => self.tcp_to_client(data),
        }
        Self::emit(Direction::ToServer, out, cx);
    }

    fn on_gap(&mut self, dir: Direction, _len: u32, _cx: &mut Cx<'_>) {
        let d = dir.index();
        if let Some(b) = self.buf.get_mut(d) {
            b.clear();
        }
        if let Some(s) = self.skip.get_mut(d) {
            *s = 0;
        }
        if let Some(g) = self.gap.get_mut(d) {
            *g = true;
        }
    }
}
