use super::*;
use crate::tests_util::Harness;

const TS: Direction = Direction::ToServer;
const TC: Direction = Direction::ToClient;

fn nbss(payload: &[u8]) -> Vec<u8> {
    let n = payload.len() as u32;
    let mut v = vec![0, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(payload);
    v
}

fn utf16(s: &str) -> Vec<u8> {
    s.bytes().flat_map(|b| [b, 0]).collect()
}

/// An SMB2 message: header (response when `status` is given) and body.
fn smb2(cmd: u16, msg: u64, tree: u32, status: Option<u32>, body: &[u8]) -> Vec<u8> {
    let mut h = b"\xfeSMB".to_vec();
    h.extend_from_slice(&64u16.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&status.unwrap_or(0).to_le_bytes());
    h.extend_from_slice(&cmd.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&u32::from(status.is_some()).to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&msg.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&tree.to_le_bytes());
    h.extend_from_slice(&0x1122u64.to_le_bytes());
    h.extend_from_slice(&[0u8; 16]);
    assert_eq!(h.len(), 64);
    h.extend_from_slice(body);
    h
}

fn tree_connect_req(path: &str) -> Vec<u8> {
    let p = utf16(path);
    let mut b = vec![9, 0, 0, 0, 72, 0];
    b.extend_from_slice(&(p.len() as u16).to_le_bytes());
    b.extend_from_slice(&p);
    b
}

fn packet(h: &mut Harness, p: &mut SmbParser, dir: Direction) -> Vec<SmbRecord> {
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    p.on_packet(dir, &mut cx);
    h.out
        .drain(..)
        .filter_map(|e| match e.record {
            Record::Smb(s) => Some(*s),
            _ => None,
        })
        .collect()
}

#[test]
fn tree_connect_share_then_named_pipe() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(false, false);
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(3, 7, 0, None, &tree_connect_req("\\\\srv\\IPC$"))),
    );
    let recs = packet(&mut h, &mut p, TS);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].share.as_deref(), Some(&b"\\\\srv\\IPC$"[..]));
    assert_eq!(recs[0].named_pipe, None);
    assert!(recs[0].to_server);
    // Complete to server: not inspected from that side again.
    assert!(packet(&mut h, &mut p, TS).is_empty());
    let resp = [16, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    h.feed(&mut p, TC, &nbss(&smb2(3, 7, 5, Some(0), &resp)));
    assert!(packet(&mut h, &mut p, TS).is_empty());
    let recs = packet(&mut h, &mut p, TC);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].named_pipe.as_deref(), Some(&b"\\\\srv\\IPC$"[..]));
    assert_eq!(recs[0].share, None);
    assert_eq!(
        p.ssn2tree.get(&Hdr::of(kind::SHARE, 0x1122, 5, 7)).map(|t| t.1),
        Some(true)
    );
    // Done both ways: freed.
    assert_eq!(p.open_txs(), 0);
}

fn create_req(name: &str) -> Vec<u8> {
    let n = utf16(name);
    let mut b = vec![0u8; 44];
    b.extend_from_slice(&120u16.to_le_bytes());
    b.extend_from_slice(&(n.len() as u16).to_le_bytes());
    b.extend_from_slice(&[0u8; 8]);
    b.extend_from_slice(&n);
    b
}

fn create_resp(guid: &[u8; 16]) -> Vec<u8> {
    let mut b = vec![0u8; 64];
    b.extend_from_slice(guid);
    b.extend_from_slice(&[0u8; 8]);
    b
}

fn write_req(guid: &[u8; 16], off: u64, data: &[u8]) -> Vec<u8> {
    let mut b = vec![49, 0, 112, 0];
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&off.to_le_bytes());
    b.extend_from_slice(guid);
    b.extend_from_slice(&[0u8; 16]);
    b.extend_from_slice(data);
    b
}

#[test]
fn smb2_file_write_in_order_and_overlap() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(true, false);
    let guid = [7u8; 16];
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(3, 1, 0, None, &tree_connect_req("\\\\srv\\data"))),
    );
    h.feed(
        &mut p,
        TC,
        &nbss(&smb2(
            3,
            1,
            4,
            Some(0),
            &[16, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        )),
    );
    h.feed(&mut p, TS, &nbss(&smb2(5, 2, 4, None, &create_req("a.txt"))));
    h.feed(&mut p, TC, &nbss(&smb2(5, 2, 4, Some(0), &create_resp(&guid))));
    packet(&mut h, &mut p, TS);
    packet(&mut h, &mut p, TC);
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(9, 3, 4, None, &write_req(&guid, 0, b"hello "))),
    );
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(9, 4, 4, None, &write_req(&guid, 6, b"world"))),
    );
    let recs = packet(&mut h, &mut p, TS);
    let f = recs.iter().find_map(|r| r.file.as_ref()).expect("file");
    assert_eq!(f.name, b"a.txt");
    assert_eq!(f.data, b"hello world");
    assert!(f.to_server);
    assert!(recs.iter().all(|r| r.events.is_empty()));
    // Overlapping write: the event, and the bytes are not placed.
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(9, 5, 4, None, &write_req(&guid, 2, b"XX"))),
    );
    let recs = packet(&mut h, &mut p, TS);
    let r = recs.iter().find(|r| r.file.is_some()).expect("file");
    assert_eq!(r.events, vec!["file_overlap"]);
    assert_eq!(
        r.file.as_ref().map(|f| f.data.clone()),
        Some(b"hello world".to_vec())
    );
}

#[test]
fn big_write_is_streamed() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(true, false);
    let guid = [9u8; 16];
    let data: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let rec = nbss(&smb2(9, 3, 0, None, &write_req(&guid, 0, &data)));
    for part in rec.chunks(300) {
        h.feed(&mut p, TS, part);
    }
    let recs = packet(&mut h, &mut p, TS);
    let f = recs.iter().find_map(|r| r.file.as_ref()).expect("file");
    assert_eq!(f.data, data);
    // Nothing left buffered.
    assert!(p.dirs[0].buf.is_empty());
    assert_eq!(p.dirs[0].file_left, 0);
}

#[test]
fn gap_then_resync_on_next_record() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(false, false);
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    p.on_gap(TS, 100, &mut cx);
    let mut data = b"garbage bytes".to_vec();
    data.extend_from_slice(&nbss(&smb2(3, 9, 0, None, &tree_connect_req("\\\\h\\C$"))));
    h.feed(&mut p, TS, &data);
    let recs = packet(&mut h, &mut p, TS);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].share.as_deref(), Some(&b"\\\\h\\C$"[..]));
}

#[test]
fn frames_of_a_record() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(false, true);
    let msg = smb2(3, 9, 0, None, &tree_connect_req("\\\\h\\C$"));
    h.feed(&mut p, TS, &nbss(&msg));
    let frames: Vec<(&str, Vec<u8>)> = h
        .out
        .iter()
        .filter_map(|e| match &e.record {
            Record::Smb(s) => s.frame.clone(),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = frames.iter().map(|f| f.0).collect();
    assert_eq!(
        names,
        [
            "nbss.pdu",
            "nbss.hdr",
            "nbss.data",
            "smb2.pdu",
            "smb2.hdr",
            "smb2.data"
        ]
    );
    assert_eq!(frames[5].1, msg[64..].to_vec());
    assert_eq!(frames[4].1.len(), 64);
}

#[test]
fn smb1_tree_connect_ascii_and_ipc() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(false, false);
    // Header: command 0x75, flags2 without unicode, tree 0, uid 0x800, mid 3.
    let hdr = |flags: u8, tree: u16| {
        let mut v = b"\xffSMB\x75".to_vec();
        v.extend_from_slice(&[0, 0, 0, 0, flags, 0x01, 0x00]);
        v.extend_from_slice(&[0u8; 12]);
        v.extend_from_slice(&tree.to_le_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&0x800u16.to_le_bytes());
        v.extend_from_slice(&3u16.to_le_bytes());
        assert_eq!(v.len(), 32);
        v
    };
    let mut req = hdr(0x18, 0);
    // wct 4, andx none, reserved, offset, flags, pwlen 1, bcc.
    req.extend_from_slice(&[4, 0xff, 0, 0, 0, 0, 0, 1, 0]);
    let body = b"\0\\\\10.0.0.1\\IPC$\0?????\0";
    req.extend_from_slice(&(body.len() as u16).to_le_bytes());
    req.extend_from_slice(body);
    h.feed(&mut p, TS, &nbss(&req));
    let mut resp = hdr(0x98, 0x801);
    resp.extend_from_slice(&[3, 0xff, 0, 0, 0, 0, 0]);
    let body = b"IPC\0\0";
    resp.extend_from_slice(&(body.len() as u16).to_le_bytes());
    resp.extend_from_slice(body);
    h.feed(&mut p, TC, &nbss(&resp));
    let recs = packet(&mut h, &mut p, TS);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].named_pipe.as_deref(), Some(&b"\\10.0.0.1\\IPC$"[..]));
}

#[test]
fn malformed_and_truncated_input_never_panics() {
    let mut h = Harness::new();
    // Not SMB after the NBSS header: the parser stops.
    let mut p = SmbParser::new(true, true);
    h.feed(&mut p, TS, &nbss(b"xSMBnotreally"));
    assert!(!p.is_dead());
    let mut p = SmbParser::new(true, true);
    h.feed(&mut p, TS, &nbss(b"ABCDEFG"));
    assert!(p.is_dead());
    // A short SMB2 header is malformed.
    let mut p = SmbParser::new(true, true);
    h.feed(&mut p, TS, &nbss(b"\xfeSMB\x40\x00"));
    assert!(p.is_dead());
    // Half a record waits.
    h.out.clear();
    let mut p = SmbParser::new(true, false);
    let rec = nbss(&smb2(3, 1, 0, None, &tree_connect_req("\\\\a\\b")));
    h.feed(&mut p, TS, &rec[..20]);
    assert!(packet(&mut h, &mut p, TS).is_empty());
    h.feed(&mut p, TS, &rec[20..]);
    assert_eq!(packet(&mut h, &mut p, TS).len(), 1);
    // Every prefix and byte flip of valid traffic.
    let msgs = [
        nbss(&smb2(5, 2, 4, None, &create_req("a.txt"))),
        nbss(&smb2(9, 3, 4, None, &write_req(&[1; 16], 0, b"data"))),
        nbss(&smb2(
            8,
            4,
            4,
            Some(0),
            &[17, 0, 80, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4],
        )),
    ];
    for m in &msgs {
        for cut in 0..m.len() {
            for dir in [TS, TC] {
                let mut p = SmbParser::new(true, true);
                h.feed(&mut p, dir, &m[..cut]);
                let mut x = m.clone();
                if let Some(b) = x.get_mut(cut) {
                    *b ^= 0xa5;
                }
                h.feed(&mut p, dir, &x);
                packet(&mut h, &mut p, dir);
            }
        }
    }
}

#[test]
fn record_too_large_is_skipped() {
    let mut h = Harness::new();
    let mut p = SmbParser::new(false, false);
    // An NBSS record of 4 MiB that is not a write: skipped, then the next one parses.
    let mut big = vec![0u8, 0x40, 0, 0];
    big.extend_from_slice(b"\xfeSMB");
    big.resize(600, 0);
    h.feed(&mut p, TS, &big);
    assert_eq!(p.stats.records_skipped, 1);
    assert!(p.dirs[0].buf.is_empty());
    let rest = 0x40_0004 - 600;
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    p.on_data(TS, &vec![0u8; rest], &mut cx);
    h.feed(
        &mut p,
        TS,
        &nbss(&smb2(3, 9, 0, None, &tree_connect_req("\\\\h\\D$"))),
    );
    let recs = packet(&mut h, &mut p, TS);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].share.as_deref(), Some(&b"\\\\h\\D$"[..]));
}
