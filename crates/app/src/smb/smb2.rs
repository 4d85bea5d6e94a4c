//! SMB2/3 messages as Suricata 7.0.10's `smb2.rs` handles them.

use super::{dce, kind, status, Hdr, Rd, SmbParser, TxData, CFG_MAX_RW_SIZE};
use flow::Direction;

pub const NEGOTIATE: u16 = 0;
pub const TREE_CONNECT: u16 = 3;
pub const TREE_DISCONNECT: u16 = 4;
pub const CREATE: u16 = 5;
pub const CLOSE: u16 = 6;
pub const READ: u16 = 8;
pub const WRITE: u16 = 9;
pub const IOCTL: u16 = 11;
pub const GET_INFO: u16 = 16;
pub const SET_INFO: u16 = 17;

/// `FSCTL_PIPE_TRANSCEIVE`.
const FSCTL_PIPE_TRANSCEIVE: u32 = 0x0011_c017;

/// One SMB2 message header (64 bytes) and its body.
pub(crate) struct Msg<'a> {
    pub hlen: u16,
    pub status: u32,
    pub cmd: u16,
    pub response: bool,
    pub msg: u64,
    pub tree: u32,
    pub ssn: u64,
    pub data: &'a [u8],
    /// Bytes of the message (header and body).
    pub used: usize,
}

impl Msg<'_> {
    fn key(&self, k: u8) -> Hdr {
        Hdr::of(k, self.ssn, self.tree, self.msg)
    }
    fn key_notree(&self, k: u8) -> Hdr {
        Hdr::of(k, self.ssn, 0, self.msg)
    }
}

/// Suricata's `parse_smb2_request_record` / `parse_smb2_response_record` (`response`: the
/// response layout, with the async id).
pub(crate) fn parse(m: &[u8], response: bool) -> Option<Msg<'_>> {
    let mut r = Rd::new(m);
    if r.take(4)? != b"\xfeSMB" {
        return None;
    }
    let hlen = r.u16()?;
    r.skip(2)?;
    let st = r.u32()?;
    let cmd = r.u16()?;
    r.skip(2)?;
    let flags = r.u32()?;
    let chain = r.u32()?;
    let msg = r.u64()?;
    let tree = if response && flags & 2 != 0 {
        r.skip(8)?;
        0
    } else {
        r.skip(4)?;
        r.u32()?
    };
    let ssn = r.u64()?;
    r.skip(16)?;
    let data = if chain > u32::from(hlen) {
        r.take((chain - u32::from(hlen)) as usize)?
    } else {
        r.rest()
    };
    Some(Msg {
        hlen,
        status: if response { st } else { 0 },
        cmd,
        response: flags & 1 != 0,
        msg,
        tree,
        ssn,
        data,
        used: 64 + data.len(),
    })
}

/// Whether a command gets a generic transaction (`smb2_create_new_tx`).
fn new_tx_for(cmd: u16) -> bool {
    !matches!(cmd, READ | WRITE | GET_INFO | SET_INFO)
}

/// Drops NUL bytes (Suricata's way of reading UTF-16LE names as bytes).
pub(crate) fn strip_nul(v: &[u8]) -> Vec<u8> {
    v.iter().copied().filter(|&b| b != 0).collect()
}

/// An SMB2 message to the server; the bytes it took, `None` when malformed.
pub(crate) fn request(s: &mut SmbParser, m: &[u8]) -> Option<usize> {
    let r = parse(m, false)?;
    if !r.response {
        request_msg(s, &r);
    }
    Some(r.used)
}

/// An SMB2 message to the client; the bytes it took, `None` when malformed.
pub(crate) fn response(s: &mut SmbParser, m: &[u8]) -> Option<usize> {
    let r = parse(m, true)?;
    if r.response {
        response_msg(s, &r);
    }
    Some(r.used)
}

fn request_msg(s: &mut SmbParser, r: &Msg<'_>) {
    let mut events: Vec<&'static str> = Vec::new();
    let have_tx = match r.cmd {
        IOCTL => {
            ioctl_request(s, r);
            true
        }
        TREE_DISCONNECT => {
            s.ssn2tree.remove(&r.key(kind::SHARE));
            false
        }
        NEGOTIATE => {
            if r.data.len() < 4 {
                events.push("malformed_data");
                false
            } else {
                if s.get_negotiate_tx(2).is_none() {
                    let tx = s.new_tx(2, NEGOTIATE, Hdr::default(), TxData::Negotiate(2));
                    tx.request_done = true;
                }
                true
            }
        }
        TREE_CONNECT => match r.data.get(6..) {
            Some(name) => {
                let mut share = strip_nul(name);
                share.truncate(super::MAX_NAME);
                if share.len() > 1 {
                    share.remove(0);
                }
                s.new_treeconnect_tx(2, TREE_CONNECT, r.key(kind::TREE), share);
                true
            }
            None => {
                events.push("malformed_data");
                false
            }
        },
        READ => {
            match rw_head(r.data) {
                Some((len, off, guid, _)) => {
                    if over_max(s.max_read_size, len) {
                        events.push("read_request_too_large");
                    } else {
                        super::bounded_insert(
                            &mut s.ssn2off,
                            r.key_notree(kind::OFFSET),
                            (guid.to_vec(), off),
                            &mut s.stats,
                        );
                    }
                }
                None => events.push("malformed_data"),
            }
            false
        }
        CREATE => {
            let p = (|| {
                let mut x = Rd::new(r.data);
                x.skip(44)?;
                let _off = x.u16()?;
                let len = x.u16()?;
                x.skip(8)?;
                x.take(usize::from(len))
            })();
            match p {
                Some(name) => {
                    let name = name
                        .get(..name.len().min(2 * super::MAX_NAME))
                        .unwrap_or_default();
                    super::bounded_insert(
                        &mut s.ssn2vec,
                        r.key_notree(kind::FILENAME),
                        name.to_vec(),
                        &mut s.stats,
                    );
                    let tx = s.new_tx(2, CREATE, r.key(kind::GENERICTX), TxData::Create);
                    tx.request_done = true;
                    true
                }
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        WRITE => {
            write_request(s, r, 0);
            true
        }
        CLOSE => {
            match r.data.get(8..24) {
                Some(guid) => {
                    let guid = guid.to_vec();
                    s.close_file(&guid, Direction::ToServer, false);
                    s.close_file(&guid, Direction::ToClient, false);
                }
                None => events.push("malformed_data"),
            }
            false
        }
        _ => false,
    };
    if !have_tx && new_tx_for(r.cmd) {
        let tx = s.new_generic_tx(2, r.cmd, r.key(kind::GENERICTX));
        for e in events {
            tx.set_event(e);
        }
    }
}

fn response_msg(s: &mut SmbParser, r: &Msg<'_>) {
    let mut events: Vec<&'static str> = Vec::new();
    let have_tx = match r.cmd {
        IOCTL => {
            ioctl_response(s, r);
            true
        }
        WRITE => {
            if r.status == status::SUCCESS {
                if r.data.len() < 14 {
                    events.push("malformed_data");
                } else {
                    s.ssn2vec.remove(&Hdr::new(kind::GUID, r.ssn, r.tree, r.msg));
                }
            }
            false
        }
        READ => {
            if r.status == status::SUCCESS || r.status == status::BUFFER_OVERFLOW {
                read_response(s, r, 0);
            } else if r.status == status::END_OF_FILE {
                let guid = s
                    .ssn2off
                    .remove(&r.key_notree(kind::OFFSET))
                    .map(|x| x.0)
                    .unwrap_or_default();
                if let Some(tx) = s.file_tx(&guid, Direction::ToClient, false) {
                    if !tx.request_done {
                        if let TxData::File(f) = &mut tx.data {
                            f.tracker.close();
                        }
                    }
                    tx.request_done = true;
                }
            }
            false
        }
        CREATE if r.status == status::SUCCESS => {
            let guid = r.data.get(64..80).filter(|_| r.data.len() >= 88);
            match guid {
                Some(guid) => {
                    if let Some(p) = s.ssn2vec.remove(&r.key_notree(kind::FILENAME)) {
                        super::bounded_insert(&mut s.guid2name, guid.to_vec(), strip_nul(&p), &mut s.stats);
                    }
                    if let Some(tx) = s.get_generic_tx(2, CREATE, &r.key(kind::GENERICTX)) {
                        tx.response_done = true;
                    }
                }
                None => events.push("malformed_data"),
            }
            true
        }
        TREE_DISCONNECT => {
            s.ssn2tree.remove(&r.key(kind::SHARE));
            false
        }
        TREE_CONNECT => {
            if r.status == status::SUCCESS {
                match r.data.get(2) {
                    Some(&share_type) => {
                        let is_pipe = share_type == 2;
                        s.treeconnect_done(
                            &r.key(kind::TREE),
                            r.key(kind::HEADER),
                            r.key(kind::SHARE),
                            is_pipe,
                        );
                        true
                    }
                    None => {
                        events.push("malformed_data");
                        false
                    }
                }
            } else {
                match s.get_treeconnect_tx(&r.key(kind::TREE)) {
                    Some(tx) => {
                        tx.response_done = true;
                        true
                    }
                    None => false,
                }
            }
        }
        NEGOTIATE => {
            let mut x = Rd::new(r.data);
            let parsed = if r.status == status::SUCCESS {
                (|| {
                    x.skip(4)?;
                    let _dialect = x.u16()?;
                    x.skip(2 + 16 + 4 + 4)?;
                    let rd = x.u32()?;
                    let wr = x.u32()?;
                    Some((rd, wr))
                })()
            } else {
                x.skip(4).map(|_| (0, 0))
            };
            match parsed {
                Some((rd, wr)) => {
                    if rd > CFG_MAX_RW_SIZE {
                        s.set_event("negotiate_max_read_size_too_large");
                    }
                    if wr > CFG_MAX_RW_SIZE {
                        s.set_event("negotiate_max_write_size_too_large");
                    }
                    s.max_read_size = rd;
                    s.max_write_size = wr;
                    let tx = match s.get_negotiate_tx(2) {
                        Some(tx) => Some(tx),
                        None => s.get_negotiate_tx(1),
                    };
                    match tx {
                        Some(tx) => {
                            tx.response_done = true;
                            true
                        }
                        None => false,
                    }
                }
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        _ => false,
    };
    if !have_tx {
        if let Some(tx) = s.get_generic_tx(2, r.cmd, &r.key(kind::GENERICTX)) {
            if r.status != status::PENDING {
                tx.response_done = true;
            }
            for e in events {
                tx.set_event(e);
            }
        }
    }
}

/// The start IOCTL requests and responses share: (CtlCode, FileId, InputCount).
fn ioctl_head<'a>(x: &mut Rd<'a>) -> Option<(u32, &'a [u8], u32)> {
    x.skip(4)?;
    let func = x.u32()?;
    let guid = x.take(16)?;
    x.skip(4)?;
    Some((func, guid, x.u32()?))
}

fn ioctl_request(s: &mut SmbParser, r: &Msg<'_>) {
    let hdr = r.key(kind::HEADER);
    let p = (|| {
        let mut x = Rd::new(r.data);
        let (func, guid, in_len) = ioctl_head(&mut x)?;
        x.skip(24)?;
        let data = x.take(in_len as usize)?;
        Some((func, guid, data))
    })();
    match p {
        Some((func, guid, data)) => {
            if func == FSCTL_PIPE_TRANSCEIVE && s.is_dcerpc_guid(guid) {
                dce::write(s, 2, IOCTL, hdr, data);
            } else {
                s.new_generic_tx(2, IOCTL, hdr);
            }
        }
        None => {
            s.new_generic_tx(2, IOCTL, hdr).set_event("malformed_data");
        }
    }
}

fn ioctl_response(s: &mut SmbParser, r: &Msg<'_>) {
    let hdr = r.key(kind::HEADER);
    let p = (|| {
        let mut x = Rd::new(r.data);
        let (func, guid, in_len) = ioctl_head(&mut x)?;
        x.skip(4)?;
        let out_len = x.u32()?;
        x.skip(8)?;
        x.skip(in_len as usize)?;
        let data = x.take(out_len as usize)?;
        Some((func, guid, data))
    })();
    match p {
        Some((func, guid, data)) if func == FSCTL_PIPE_TRANSCEIVE && s.is_dcerpc_guid(guid) => {
            dce::read(s, 2, IOCTL, r.status, hdr, &[], data);
        }
        other => {
            let parsed = other.is_some();
            if let Some(tx) = s.get_generic_tx(2, IOCTL, &hdr) {
                if r.status != status::PENDING {
                    tx.response_done = true;
                }
                if !parsed && r.status == status::SUCCESS {
                    tx.set_event("malformed_data");
                }
            }
        }
    }
}

/// The start READ and WRITE requests share: (Length, Offset, FileId) and the reader
/// past their fixed part.
fn rw_head(d: &[u8]) -> Option<(u32, u64, &[u8], Rd<'_>)> {
    let mut x = Rd::new(d);
    x.skip(4)?;
    let len = x.u32()?;
    let off = x.u64()?;
    let guid = x.take(16)?;
    x.skip(16)?;
    Some((len, off, guid, x))
}

/// Whether a READ/WRITE of `len` bytes is over the negotiated `max` (0: none negotiated)
/// or the configured cap.
fn over_max(max: u32, len: u32) -> bool {
    (max != 0 && len > max) || CFG_MAX_RW_SIZE < len
}

/// The WRITE request body: (length, offset, GUID, the data here).
fn parse_write(d: &[u8]) -> Option<(u32, u64, &[u8], &[u8])> {
    let (len, off, guid, mut x) = rw_head(d)?;
    let rest = x.rest();
    let data = rest.get(..(len as usize).min(rest.len())).unwrap_or(rest);
    Some((len, off, guid, data))
}

/// Whether a READ/WRITE on file `guid` in tree `tree_key` goes to a pipe, and whether it
/// carries DCERPC (shared by Suricata's `smb2_write_request_record` and
/// `smb2_read_response_record`): data to a tree not seen connecting that probes as DCERPC
/// marks the tree as the `suricata::dcerpc` pipe (and names the file so).
fn pipe_dcerpc(s: &mut SmbParser, tree_key: Hdr, guid: &[u8], data: &[u8]) -> (bool, bool) {
    let (share, is_pipe) = s.ssn2tree.get(&tree_key).cloned().unwrap_or_default();
    let is_dcerpc = (is_pipe || share.is_empty()) && s.is_dcerpc_guid(guid);
    if share.is_empty() && !is_pipe && dce::probe(data) {
        super::bounded_insert(
            &mut s.ssn2tree,
            tree_key,
            (b"suricata::dcerpc".to_vec(), true),
            &mut s.stats,
        );
        if !is_dcerpc {
            super::bounded_insert(
                &mut s.guid2name,
                guid.to_vec(),
                b"suricata::dcerpc".to_vec(),
                &mut s.stats,
            );
        }
        return (true, true);
    }
    (is_pipe, is_dcerpc)
}

/// Suricata's `smb2_write_request_record`.
fn write_request(s: &mut SmbParser, r: &Msg<'_>, nbss_remaining: u32) {
    let Some((len, off, guid, data)) = parse_write(r.data) else {
        s.set_event("malformed_data");
        return;
    };
    if len.saturating_sub(data.len() as u32) > nbss_remaining || over_max(s.max_write_size, len) {
        s.refuse_record("write_request_too_large", Direction::ToServer, nbss_remaining);
        return;
    }
    let guid = guid.to_vec();
    super::bounded_insert(&mut s.ssn2vec, r.key(kind::GUID), guid.clone(), &mut s.stats);
    let name = s.guid2name.get(&guid).cloned().unwrap_or_default();
    if s.file_tx(&guid, Direction::ToServer, true).is_some() {
        s.file_chunk(
            &guid,
            &name,
            Direction::ToServer,
            off,
            len,
            data,
            None,
            nbss_remaining,
        );
    } else {
        let (is_pipe, is_dcerpc) = pipe_dcerpc(s, r.key(kind::SHARE), &guid, data);
        if is_pipe && is_dcerpc {
            dce::write(s, 2, WRITE, r.key(kind::HEADER), data);
        } else if is_pipe {
            s.set_skip(Direction::ToServer, nbss_remaining);
        } else {
            let hdr = Hdr::new(kind::HEADER, r.ssn, r.tree, 0);
            s.file_chunk(
                &guid,
                &name,
                Direction::ToServer,
                off,
                len,
                data,
                Some((2, WRITE, hdr)),
                nbss_remaining,
            );
        }
    }
    s.set_file_left(Direction::ToServer, len, data.len() as u32, guid);
}

/// Suricata's `smb2_read_response_record`.
fn read_response(s: &mut SmbParser, r: &Msg<'_>, nbss_remaining: u32) {
    if new_tx_for(r.cmd) {
        if let Some(tx) = s.get_generic_tx(2, r.cmd, &r.key(kind::GENERICTX)) {
            tx.response_done = true;
        }
    }
    let p = (|| {
        let mut x = Rd::new(r.data);
        x.skip(4)?;
        let len = x.u32()?;
        x.skip(8)?;
        let rest = x.rest();
        Some((len, rest.get(..(len as usize).min(rest.len())).unwrap_or(rest)))
    })();
    let Some((len, data)) = p else {
        s.set_event("malformed_data");
        return;
    };
    if len.saturating_sub(data.len() as u32) > nbss_remaining {
        s.refuse_record("read_response_too_large", Direction::ToClient, nbss_remaining);
        return;
    }
    if r.status != status::BUFFER_OVERFLOW && r.status != status::SUCCESS {
        s.set_skip(Direction::ToClient, nbss_remaining);
        return;
    }
    if over_max(s.max_read_size, len) {
        s.refuse_record("read_response_too_large", Direction::ToClient, nbss_remaining);
        return;
    }
    let Some((guid, off)) = s.ssn2off.remove(&r.key_notree(kind::OFFSET)) else {
        s.set_skip(Direction::ToClient, nbss_remaining);
        return;
    };
    if s.file_tx(&guid, Direction::ToClient, true).is_some() {
        let name = s.guid2name.get(&guid).cloned().unwrap_or_default();
        s.file_chunk(
            &guid,
            &name,
            Direction::ToClient,
            off,
            len,
            data,
            None,
            nbss_remaining,
        );
    } else {
        let (is_pipe, is_dcerpc) = pipe_dcerpc(s, r.key(kind::SHARE), &guid, data);
        if is_pipe && is_dcerpc {
            dce::read(s, 2, READ, r.status, r.key(kind::HEADER), &guid, data);
        } else if is_pipe {
            s.set_skip(Direction::ToClient, nbss_remaining);
        } else {
            let name = s
                .guid2name
                .get(&guid)
                .cloned()
                .unwrap_or_else(|| b"<unknown>".to_vec());
            let hdr = Hdr::new(kind::HEADER, r.ssn, r.tree, 0);
            s.file_chunk(
                &guid,
                &name,
                Direction::ToClient,
                off,
                len,
                data,
                Some((2, READ, hdr)),
                nbss_remaining,
            );
        }
    }
    s.set_file_left(Direction::ToClient, len, data.len() as u32, guid);
}

/// A WRITE request record handled from its start (`data`: the NBSS payload here).
/// `Some((0xfe, header length))` when taken.
pub(crate) fn partial_write(s: &mut SmbParser, data: &[u8], nbss_remaining: u32) -> Option<(u8, u16)> {
    let r = parse(data, false)?;
    if r.cmd != WRITE {
        return None;
    }
    write_request(s, &r, nbss_remaining);
    Some((0xfe, r.hlen))
}

/// A READ response record handled from its start.
pub(crate) fn partial_read(s: &mut SmbParser, data: &[u8], nbss_remaining: u32) -> Option<(u8, u16)> {
    let r = parse(data, true)?;
    if r.cmd != READ {
        return None;
    }
    read_response(s, &r, nbss_remaining);
    Some((0xfe, r.hlen))
}
