//! SMB1 messages (with their AndX chains) as Suricata 7.0.10's `smb1.rs` handles them.

use super::{dce, kind, smb2::strip_nul, status, Hdr, Rd, SmbParser, TxData};
use flow::Direction;

pub const CLOSE: u8 = 0x04;
pub const WRITE: u8 = 0x0b;
pub const LOCKING_ANDX: u8 = 0x24;
pub const TRANS: u8 = 0x25;
pub const WRITE_AND_CLOSE: u8 = 0x2c;
pub const OPEN_ANDX: u8 = 0x2d;
pub const READ_ANDX: u8 = 0x2e;
pub const WRITE_ANDX: u8 = 0x2f;
pub const TRANS2: u8 = 0x32;
pub const TRANS2_SECONDARY: u8 = 0x33;
pub const TREE_DISCONNECT: u8 = 0x71;
pub const NEGOTIATE: u8 = 0x72;
pub const SESSION_SETUP_ANDX: u8 = 0x73;
pub const LOGOFF_ANDX: u8 = 0x74;
pub const TREE_CONNECT_ANDX: u8 = 0x75;
pub const NT_CREATE_ANDX: u8 = 0xa2;
pub const NT_CANCEL: u8 = 0xa4;
const NONE: u8 = 0xff;
const HEADER: usize = 32;

/// An SMB1 message: header fields and the bytes after the 32-byte header.
pub(crate) struct Msg<'a> {
    pub cmd: u8,
    pub status: u32,
    pub flags: u8,
    pub flags2: u16,
    pub tree: u16,
    pub uid: u16,
    pub mid: u16,
    pub data: &'a [u8],
}

impl<'a> Msg<'a> {
    fn key(&self, k: u8) -> Hdr {
        Hdr::of(k, u64::from(self.uid), u32::from(self.tree), u64::from(self.mid))
    }
    fn unicode(&self) -> bool {
        self.flags2 & 0x8000 != 0
    }
    /// The bytes of the AndX command at header offset `ao`.
    fn at(&self, ao: usize) -> &'a [u8] {
        self.data.get(ao.saturating_sub(HEADER)..).unwrap_or_default()
    }
    /// A file id with the user id mixed in (Suricata's "frankenfid").
    fn fid(&self, fid: &[u8]) -> Vec<u8> {
        let mut v = fid.to_vec();
        v.extend_from_slice(&u32::from(self.uid).to_be_bytes());
        v
    }
}

pub(crate) fn parse(m: &[u8]) -> Option<Msg<'_>> {
    let mut r = Rd::new(m);
    if r.take(4)? != b"\xffSMB" {
        return None;
    }
    let cmd = r.u8()?;
    let status = r.u32()?;
    let flags = r.u8()?;
    let flags2 = r.u16()?;
    r.skip(2 + 8 + 2)?;
    let tree = r.u16()?;
    r.skip(2)?;
    let uid = r.u16()?;
    let mid = r.u16()?;
    Some(Msg {
        cmd,
        status,
        flags,
        flags2,
        tree,
        uid,
        mid,
        data: r.rest(),
    })
}

/// Suricata's `smb_get_unicode_string`: every other byte up to a NUL pair.
fn unicode_string(b: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut name = Vec::new();
    let mut c = b;
    loop {
        match c {
            [0] => return Some((name, &[])),
            [] | [_] => return None,
            [0, 0, rest @ ..] => return Some((name, rest)),
            [x, _, rest @ ..] => {
                name.push(*x);
                c = rest;
            }
        }
    }
}

/// Suricata's `smb1_get_string`: a unicode string (aligned on `offset`) or a NUL-terminated
/// ASCII one, as the message says.
fn get_string<'a>(b: &'a [u8], m: &Msg<'_>, offset: usize) -> Option<(Vec<u8>, &'a [u8])> {
    if m.unicode() {
        let b = if offset % 2 == 1 { b.get(1..)? } else { b };
        unicode_string(b)
    } else {
        let n = memchr::memchr(0, b)?;
        Some((b.get(..n)?.to_vec(), b.get(n + 1..)?))
    }
}

fn is_andx(c: u8) -> bool {
    matches!(
        c,
        LOCKING_ANDX
            | OPEN_ANDX
            | READ_ANDX
            | SESSION_SETUP_ANDX
            | LOGOFF_ANDX
            | TREE_CONNECT_ANDX
            | NT_CREATE_ANDX
            | WRITE_ANDX
    )
}

fn create_new_tx(c: u8) -> bool {
    !matches!(c, READ_ANDX | WRITE_ANDX | TRANS | TRANS2)
}

fn check_tx(c: u8) -> bool {
    !matches!(c, READ_ANDX | WRITE_ANDX | TRANS)
}

/// Walks the AndX chain of `m`, calling `one` for each command.
fn andx_chain(s: &mut SmbParser, m: &Msg<'_>, one: fn(&mut SmbParser, &Msg<'_>, u8, usize)) {
    let mut ao = HEADER;
    let mut cmd = m.cmd;
    for _ in 0..32 {
        one(s, m, cmd, ao);
        if !is_andx(cmd) {
            break;
        }
        let mut r = Rd::new(m.at(ao));
        let next = (|| {
            r.skip(1)?;
            let c = r.u8()?;
            r.skip(1)?;
            Some((c, usize::from(r.u16()?)))
        })();
        match next {
            Some((c, off)) if off > ao && c != NONE && off - HEADER < m.data.len() => {
                ao = off;
                cmd = c;
            }
            _ => break,
        }
    }
}

/// An SMB1 message to the server; `false` when its header is malformed.
pub(crate) fn request(s: &mut SmbParser, data: &[u8]) -> bool {
    let Some(m) = parse(data) else { return false };
    if m.flags & 0x80 == 0 {
        andx_chain(s, &m, request_one);
    }
    true
}

/// An SMB1 message to the client; `false` when its header is malformed.
pub(crate) fn response(s: &mut SmbParser, data: &[u8]) -> bool {
    let Some(m) = parse(data) else { return false };
    if m.flags & 0x80 != 0 {
        andx_chain(s, &m, response_one);
    }
    true
}

fn request_one(s: &mut SmbParser, m: &Msg<'_>, cmd: u8, ao: usize) {
    let mut events: Vec<&'static str> = Vec::new();
    let mut no_response = false;
    let have_tx = match cmd {
        READ_ANDX => {
            let p = (|| {
                let mut r = Rd::new(m.at(ao));
                let wct = r.u8()?;
                r.skip(4)?;
                let fid = r.take(2)?;
                let off = r.u32()?;
                r.skip(2 + 2 + 4 + 2)?;
                let high = if wct == 12 { Some(r.u32()?) } else { None };
                // As Suricata: without the high part the offset reads as 0.
                Some((
                    fid,
                    high.map(|h| u64::from(h) << 32 | u64::from(off)).unwrap_or(0),
                ))
            })();
            match p {
                Some((fid, off)) => {
                    super::bounded_insert(
                        &mut s.ssn2off,
                        m.key(kind::OFFSET),
                        (m.fid(fid), off),
                        &mut s.stats,
                    );
                }
                None => events.push("malformed_data"),
            }
            false
        }
        WRITE_ANDX | WRITE | WRITE_AND_CLOSE => {
            write_request(s, m, ao, cmd, 0);
            true
        }
        TRANS => {
            trans_request(s, m);
            true
        }
        NEGOTIATE => {
            if m.data.len() < 3 {
                events.push("malformed_data");
                false
            } else {
                match s.get_negotiate_tx(1) {
                    Some(tx) => tx.set_event("duplicate_negotiate"),
                    None => {
                        let tx = s.new_tx(1, u16::from(NEGOTIATE), Hdr::default(), TxData::Negotiate(1));
                        tx.request_done = true;
                    }
                }
                true
            }
        }
        NT_CREATE_ANDX => {
            let p = (|| {
                let d = m.at(ao);
                let mut r = Rd::new(d);
                r.skip(6)?;
                let name_len = r.u16()?;
                r.skip(28 + 4 + 4 + 5)?;
                let bcc = r.u16()?;
                if bcc >= name_len {
                    get_string(r.rest(), m, usize::from(bcc - name_len)).map(|x| x.0)
                } else {
                    Some(Vec::new())
                }
            })();
            match p {
                Some(mut name) => {
                    name.truncate(super::MAX_NAME);
                    super::bounded_insert(&mut s.ssn2vec, m.key(kind::FILENAME), name, &mut s.stats);
                    let tx = s.new_tx(1, u16::from(cmd), m.key(kind::GENERICTX), TxData::Create);
                    tx.request_done = true;
                    true
                }
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        SESSION_SETUP_ANDX => {
            s.new_generic_tx(1, u16::from(cmd), m.key(kind::GENERICTX));
            true
        }
        TREE_CONNECT_ANDX => {
            let p = (|| {
                let mut r = Rd::new(m.at(ao));
                r.skip(7)?;
                let pwlen = r.u16()?;
                r.skip(2)?;
                r.skip(usize::from(pwlen))?;
                let (path, rest) = get_string(r.rest(), m, 11 + usize::from(pwlen))?;
                memchr::memchr(0, rest)?;
                Some(path)
            })();
            match p {
                Some(mut path) => {
                    path.truncate(super::MAX_NAME);
                    if path.len() > 1 {
                        path.remove(0);
                    }
                    s.new_treeconnect_tx(1, u16::from(TREE_CONNECT_ANDX), m.key(kind::TREE), path);
                    true
                }
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        TREE_DISCONNECT => {
            s.ssn2tree.remove(&m.key(kind::SHARE));
            false
        }
        CLOSE => {
            match m.data.get(1..3) {
                Some(fid) => {
                    let fid = m.fid(fid);
                    super::bounded_insert(&mut s.ssn2vec, m.key(kind::GUID), fid.clone(), &mut s.stats);
                    s.close_file(&fid, Direction::ToServer, true);
                }
                None => events.push("malformed_data"),
            }
            false
        }
        NT_CANCEL | TRANS2_SECONDARY | LOCKING_ANDX => {
            no_response = true;
            false
        }
        _ => false,
    };
    if !have_tx && create_new_tx(cmd) {
        let tx = s.new_generic_tx(1, u16::from(cmd), m.key(kind::GENERICTX));
        for e in events {
            tx.set_event(e);
        }
        if no_response {
            tx.response_done = true;
        }
    }
}

fn response_one(s: &mut SmbParser, m: &Msg<'_>, cmd: u8, ao: usize) {
    let mut events: Vec<&'static str> = Vec::new();
    let mut tx_sync = false;
    let have_tx = match cmd {
        READ_ANDX => {
            read_response(s, m, ao, 0);
            true
        }
        NEGOTIATE => match s.get_negotiate_tx(1) {
            Some(tx) => {
                tx.response_done = true;
                true
            }
            None => false,
        },
        TREE_CONNECT_ANDX => {
            if m.status != status::SUCCESS {
                if let Some(tx) = s.get_treeconnect_tx(&m.key(kind::TREE)) {
                    tx.response_done = true;
                }
                return;
            }
            let p = (|| {
                let mut r = Rd::new(m.at(ao));
                let wct = r.u8()?;
                r.skip(4)?;
                if wct >= 3 {
                    r.skip(2)?;
                }
                if wct == 7 {
                    r.skip(8)?;
                }
                r.skip(2)?;
                let rest = r.rest();
                let n = memchr::memchr(0, rest)?;
                let service = rest.get(..n)?;
                memchr::memchr(0, rest.get(n + 1..)?)?;
                Some(service == b"IPC")
            })();
            match p {
                Some(is_pipe) => s.treeconnect_done(
                    &m.key(kind::TREE),
                    m.key(kind::HEADER),
                    m.key(kind::SHARE),
                    is_pipe,
                ),
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        TREE_DISCONNECT => {
            s.ssn2tree.remove(&m.key(kind::SHARE));
            false
        }
        NT_CREATE_ANDX if m.status == status::SUCCESS => {
            let p = (|| {
                let mut r = Rd::new(m.at(ao));
                let wct = r.u8()?;
                r.skip(5)?;
                let fid = r.take(2)?;
                r.skip(4 + 32 + 4 + 8 + 8 + 2 + 2 + 1)?;
                if wct == 42 {
                    r.skip(32)?;
                }
                r.skip(2)?;
                Some(fid)
            })();
            match p {
                Some(fid) => {
                    if let Some(name) = s.ssn2vec.remove(&m.key(kind::FILENAME)) {
                        super::bounded_insert(&mut s.guid2name, m.fid(fid), strip_nul(&name), &mut s.stats);
                    }
                    if let Some(tx) = s.get_generic_tx(1, u16::from(cmd), &m.key(kind::GENERICTX)) {
                        tx.response_done = true;
                    }
                    true
                }
                None => {
                    events.push("malformed_data");
                    false
                }
            }
        }
        CLOSE => {
            if let Some(fid) = s.ssn2vec.remove(&m.key(kind::GUID)) {
                s.close_file(&fid, Direction::ToClient, true);
            }
            false
        }
        TRANS => {
            trans_response(s, m);
            true
        }
        LOGOFF_ANDX => {
            tx_sync = true;
            false
        }
        _ => false,
    };
    if !have_tx && tx_sync {
        if let Some(tx) = s.get_last_tx(1, u16::from(cmd)) {
            tx.response_done = true;
            for e in events {
                tx.set_event(e);
            }
        }
    } else if !have_tx && check_tx(cmd) {
        let key = Hdr::new(
            kind::GENERICTX,
            u64::from(m.uid),
            u32::from(m.tree),
            u64::from(m.mid),
        );
        if let Some(tx) = s.get_generic_tx(1, u16::from(cmd), &key) {
            tx.request_done = true;
            tx.response_done = true;
            for e in events {
                tx.set_event(e);
            }
        }
    }
}

/// Suricata's `smb1_request_record_generic`.
fn request_generic(s: &mut SmbParser, m: &Msg<'_>, events: Vec<&'static str>) {
    if create_new_tx(m.cmd) || !events.is_empty() {
        let tx = s.new_generic_tx(1, u16::from(m.cmd), m.key(kind::GENERICTX));
        for e in events {
            tx.set_event(e);
        }
    }
}

/// Suricata's `smb1_response_record_generic`.
fn response_generic(s: &mut SmbParser, m: &Msg<'_>, events: Vec<&'static str>) {
    let key = m.key(kind::GENERICTX);
    if let Some(tx) = s.get_generic_tx(1, u16::from(m.cmd), &key) {
        tx.request_done = true;
        tx.response_done = true;
        for e in events {
            tx.set_event(e);
        }
        return;
    }
    if !events.is_empty() {
        let tx = s.new_generic_tx(1, u16::from(m.cmd), key);
        tx.response_done = true;
        for e in events {
            tx.set_event(e);
        }
    }
}

/// A WRITE request: (offset, length, fid, the data here).
fn parse_write<'a>(m: &Msg<'a>, ao: usize, cmd: u8) -> Option<(u64, u32, &'a [u8], &'a [u8])> {
    match cmd {
        WRITE_ANDX => {
            let origin = m.at(ao);
            let ax = ao as u16;
            let mut r = Rd::new(origin);
            let wct = r.u8()?;
            r.skip(4)?;
            let fid = r.take(2)?;
            let off = r.u32()?;
            r.skip(4 + 2 + 2)?;
            let high = r.u16()?;
            let low = r.u16()?;
            let len = u32::from(high) << 16 | u32::from(low);
            let data_off = r.u16()?;
            if data_off < 0x3c || data_off < ax {
                return None;
            }
            let high_off = if wct == 14 { r.u32()? } else { 0 };
            r.u16()?;
            let d = origin.get(usize::from(data_off - ax)..)?;
            let d = d.get(..(len as usize).min(d.len()))?;
            Some((u64::from(high_off) << 32 | u64::from(off), len, fid, d))
        }
        WRITE => {
            let mut r = Rd::new(m.data);
            r.skip(1)?;
            let fid = r.take(2)?;
            r.skip(2)?;
            let off = r.u32()?;
            r.skip(2 + 2 + 1)?;
            let n = r.u16()?;
            let d = r.take(usize::from(n))?;
            Some((u64::from(off), u32::from(n), fid, d))
        }
        _ => {
            let mut r = Rd::new(m.data);
            r.skip(1)?;
            let fid = r.take(2)?;
            let count = r.u16()?;
            let off = r.u32()?;
            r.skip(4)?;
            let bcc = r.u16()?;
            if bcc > count {
                r.skip(usize::from(bcc - count))?;
            }
            let d = r.take(usize::from(count))?;
            Some((u64::from(off), u32::from(count), fid, d))
        }
    }
}

/// Suricata's `smb1_write_request_record` (WRITE, WRITE_ANDX, WRITE_AND_CLOSE).
fn write_request(s: &mut SmbParser, m: &Msg<'_>, ao: usize, cmd: u8, nbss_remaining: u32) {
    let mut events = Vec::new();
    match parse_write(m, ao, cmd) {
        Some((off, len, fid, data)) => {
            if len > (data.len() as u32).saturating_add(nbss_remaining) {
                s.refuse_record("write_request_too_large", Direction::ToServer, nbss_remaining);
                return;
            }
            let fid = m.fid(fid);
            let name = s
                .guid2name
                .get(&fid)
                .cloned()
                .unwrap_or_else(|| b"<unknown>".to_vec());
            if s.file_tx(&fid, Direction::ToServer, true).is_some() {
                s.file_chunk(
                    &fid,
                    &name,
                    Direction::ToServer,
                    off,
                    len,
                    data,
                    None,
                    nbss_remaining,
                );
            } else {
                let is_pipe = s.ssn2tree.get(&m.key(kind::SHARE)).is_some_and(|t| t.1);
                if is_pipe {
                    dce::write(s, 1, u16::from(cmd), m.key(kind::HEADER), data);
                } else {
                    let hdr = Hdr::default();
                    let new = Some((1, u16::from(WRITE_ANDX), hdr));
                    s.file_chunk(
                        &fid,
                        &name,
                        Direction::ToServer,
                        off,
                        len,
                        data,
                        new,
                        nbss_remaining,
                    );
                }
            }
            s.set_file_left(Direction::ToServer, len, data.len() as u32, fid.clone());
            if cmd == WRITE_AND_CLOSE {
                s.close_file(&fid, Direction::ToServer, true);
            }
        }
        None => events.push("malformed_data"),
    }
    request_generic(s, m, events);
}

/// Suricata's `smb1_read_response_record` (READ_ANDX).
fn read_response(s: &mut SmbParser, m: &Msg<'_>, ao: usize, nbss_remaining: u32) {
    let mut events = Vec::new();
    if m.status == status::SUCCESS {
        let p = (|| {
            let mut r = Rd::new(m.at(ao));
            let wct = r.u8()?;
            r.skip(4 + 6)?;
            let low = r.u16()?;
            let data_off = r.u16()?;
            let high = r.u32()?;
            r.skip(6)?;
            let bcc = r.u16()?;
            if bcc > low {
                r.skip(usize::from(bcc - low))?;
            }
            let base = 36 + 2 * u16::from(wct);
            if data_off > base {
                r.skip(usize::from(data_off - base))?;
            }
            Some((high << 16 | u32::from(low), r.rest()))
        })();
        match p {
            Some((len, data)) => {
                if len > nbss_remaining.saturating_add(data.len() as u32) {
                    s.refuse_record("read_response_too_large", Direction::ToClient, nbss_remaining);
                    return;
                }
                let Some((fid, off)) = s.ssn2off.remove(&m.key(kind::OFFSET)) else {
                    s.set_skip(Direction::ToClient, nbss_remaining);
                    return;
                };
                let is_pipe = s.ssn2tree.get(&m.key(kind::SHARE)).is_some_and(|t| t.1);
                if !is_pipe {
                    let name = s.guid2name.get(&fid).cloned().unwrap_or_default();
                    let new = Some((1, u16::from(READ_ANDX), Hdr::default()));
                    s.file_chunk(
                        &fid,
                        &name,
                        Direction::ToClient,
                        off,
                        len,
                        data,
                        new,
                        nbss_remaining,
                    );
                } else {
                    let pure = fid
                        .get(..2)
                        .filter(|_| fid.len() > 2)
                        .unwrap_or_default()
                        .to_vec();
                    dce::read(
                        s,
                        1,
                        u16::from(READ_ANDX),
                        status::SUCCESS,
                        m.key(kind::HEADER),
                        &pure,
                        data,
                    );
                }
                s.set_file_left(Direction::ToClient, len, data.len() as u32, fid);
            }
            None => events.push("malformed_data"),
        }
    }
    response_generic(s, m, events);
}

/// The TRANS request's pipe fid and data (Suricata's `parse_smb_trans_request_record`).
fn parse_trans_request<'a>(m: &Msg<'a>) -> Option<(Option<&'a [u8]>, &'a [u8])> {
    let i = m.data;
    let mut r = Rd::new(i);
    let wct = r.u8()?;
    r.skip(2 + 2 + 2 + 2 + 1 + 1 + 2 + 4 + 2)?;
    let param_cnt = r.u16()?;
    let param_off = r.u16()?;
    let data_cnt = r.u16()?;
    let data_off = r.u16()?;
    let setup_cnt = r.u8()?;
    r.skip(1)?;
    let pipe = if wct == 16 && setup_cnt == 2 && data_cnt > 0 {
        r.skip(2)?;
        Some(r.take(2)?)
    } else {
        None
    };
    r.skip(2)?;
    let rem = r.rest();
    let mut offset = HEADER + (i.len() - rem.len());
    let (_, rem2) = get_string(rem, m, offset)?;
    offset += rem.len() - rem2.len();
    let pad1 = if offset == usize::from(param_off) || offset == usize::from(data_off) {
        0
    } else {
        offset % 4
    };
    offset += pad1 + usize::from(param_cnt);
    if data_cnt == 0 {
        return Some((pipe, &[]));
    }
    let pad2 = if offset == usize::from(data_off) {
        0
    } else {
        offset % 4
    };
    let mut r = Rd::new(rem2);
    r.skip(pad1)?;
    r.skip(usize::from(param_cnt))?;
    r.skip(pad2)?;
    Some((pipe, r.take(usize::from(data_cnt))?))
}

fn trans_request(s: &mut SmbParser, m: &Msg<'_>) {
    let mut events = Vec::new();
    match parse_trans_request(m) {
        Some((pipe, data)) => {
            if let Some(fid) = pipe {
                super::bounded_insert(&mut s.ssn2vec, m.key(kind::GUID), fid.to_vec(), &mut s.stats);
                if s.is_dcerpc_guid(&m.fid(fid)) {
                    dce::write(s, 1, u16::from(m.cmd), m.key(kind::HEADER), data);
                }
            }
        }
        None => events.push("malformed_data"),
    }
    request_generic(s, m, events);
}

fn trans_response(s: &mut SmbParser, m: &Msg<'_>) {
    let mut events = Vec::new();
    let p = (|| {
        let mut r = Rd::new(m.data);
        let wct = r.u8()?;
        if wct == 0 {
            r.u16()?;
            return Some(&[][..]);
        }
        r.skip(2 + 2 + 2 + 2 + 2 + 2)?;
        let data_cnt = r.u16()?;
        let data_off = r.u16()?;
        r.skip(2 + 1 + 1 + 2 + 1)?;
        let base = 36 + 2 * u16::from(wct);
        if data_off > base {
            r.skip(usize::from(data_off - base))?;
        }
        r.take(usize::from(data_cnt))
    })();
    match p {
        Some(data) => {
            let fid = s.ssn2vec.remove(&m.key(kind::GUID)).unwrap_or_default();
            let is_dcerpc = s.is_dcerpc_guid(&m.fid(&fid));
            if m.status == status::BUFFER_OVERFLOW {
                if s.trans_frag.len() >= super::MAX_TRANS_FRAG {
                    s.stats.map_full += 1;
                    return response_generic(s, m, events);
                }
                let key = (m.key(kind::TRANS_FRAG), fid);
                super::bounded_insert(&mut s.trans_frag, key, data.to_vec(), &mut s.stats);
            } else if is_dcerpc {
                dce::read(s, 1, u16::from(m.cmd), m.status, m.key(kind::HEADER), &fid, data);
            }
        }
        None => events.push("malformed_data"),
    }
    response_generic(s, m, events);
}

/// A WRITE_ANDX request record (not to a pipe) handled from its start.
pub(crate) fn partial_write(s: &mut SmbParser, data: &[u8], nbss_remaining: u32) -> Option<(u8, u16)> {
    let m = parse(data)?;
    if m.cmd != WRITE_ANDX {
        return None;
    }
    let tree = Hdr::of(kind::SHARE, u64::from(m.uid), u32::from(m.tree), 0);
    if s.ssn2tree.get(&tree).is_some_and(|t| t.1) {
        return None;
    }
    write_request(s, &m, HEADER, WRITE_ANDX, nbss_remaining);
    Some((0xff, HEADER as u16))
}

/// A READ_ANDX response record (not from a pipe) handled from its start.
pub(crate) fn partial_read(s: &mut SmbParser, data: &[u8], nbss_remaining: u32) -> Option<(u8, u16)> {
    let m = parse(data)?;
    if m.cmd != READ_ANDX {
        return None;
    }
    let tree = Hdr::of(kind::SHARE, u64::from(m.uid), u32::from(m.tree), 0);
    if s.ssn2tree.get(&tree).is_some_and(|t| t.1) {
        return None;
    }
    read_response(s, &m, HEADER, nbss_remaining);
    Some((0xff, HEADER as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(unicode_string(b"a\0b\0\0\0x"), Some((b"ab".to_vec(), &b"x"[..])));
        assert_eq!(unicode_string(b"a\0b"), None);
        assert_eq!(unicode_string(b"a\0\0"), Some((b"a".to_vec(), &[][..])));
    }
}
