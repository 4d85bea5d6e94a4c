use super::*;
use crate::tests_util::{hex, Harness, TC, TS};

/// NFSv4 NULL call (from the `nfs4-01` case).
const NULL4: &str =
    "8000002889d3d4270000000000000002000186a3000000040000000000000000000000000000000000000000";
/// NFSv4 COMPOUND: SEQUENCE, PUTFH, WRITE 5 bytes FILE_SYNC, GETATTR (from `nfs4-01`).
const WRITE4: &str = "800000e0a2d3d4270000000000000002000186a30000000400000001000000010000002400470901000000096e65746170702d3236000000000003e8000003e800000001000003e8000000000000000000000000000000010000000300000035000002d2e014820000000000000004020000001700000000000000000000000100000016000000300103000000000000000000008472000023a6c01200f2fa8000000000000000000101000000f2fa8000000000200000000000002600000000028214e05b0089d90400000000000000000000000000000200000005746573740a000000";

/// A v3 call on `proc` with AUTH_NULL and the program data `data`, record-marked.
fn call3(xid: u32, proc_: u32, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    let body_len = 40 + data.len();
    b.extend_from_slice(&(0x8000_0000u32 | body_len as u32).to_be_bytes());
    for v in [xid, 0, 2, 100_003, 3, proc_, 0, 0, 0, 0] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(data);
    b
}

fn fh(h: &[u8]) -> Vec<u8> {
    let mut b = (h.len() as u32).to_be_bytes().to_vec();
    b.extend_from_slice(h);
    b
}

fn write3(handle: &[u8], data: &[u8], stable: u32) -> Vec<u8> {
    let mut b = fh(handle);
    b.extend_from_slice(&0u64.to_be_bytes());
    b.extend_from_slice(&(data.len() as u32).to_be_bytes());
    b.extend_from_slice(&stable.to_be_bytes());
    b.extend_from_slice(&(data.len() as u32).to_be_bytes());
    b.extend_from_slice(data);
    while !b.len().is_multiple_of(4) {
        b.push(0);
    }
    b
}

fn recs(h: &Harness) -> Vec<NfsRecord> {
    h.out
        .iter()
        .map(|e| match &e.record {
            Record::Nfs(n) => (**n).clone(),
            _ => panic!(),
        })
        .collect()
}

#[test]
fn nfs4_write_makes_one_file_transaction() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    h.feed(&mut p, TS, &hex(NULL4));
    assert!(h.out.is_empty());
    let w = hex(WRITE4);
    // Split across two chunks: kept until complete.
    h.feed(&mut p, TS, &w[..100]);
    assert!(h.out.is_empty());
    h.feed(&mut p, TS, &w[100..]);
    let r = recs(&h);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].id, 0);
    assert_eq!(r[0].version, 4);
    assert_eq!(r[0].procedure, PROC4_WRITE);
    assert_eq!(r[0].xid, 0xa2d3_d427);
    assert!(r[0].file_tx);
    assert_eq!(r[0].creds_flavor, 1);
    assert_eq!(h.out[0].tx_id, Some(0));
    // FILE_SYNC closed it: a second WRITE on the handle opens a new transaction.
    h.feed(&mut p, TS, &w);
    assert_eq!(recs(&h)[1].id, 1);
    assert_eq!(p.malformed, 0);
}

#[test]
fn nfs4_unknown_op_fails_the_compound() {
    let mut w = hex(WRITE4);
    // The SEQUENCE op (0x35) becomes op 99.
    let at = w.windows(4).position(|x| x == [0, 0, 0, 0x35]).unwrap();
    w[at + 3] = 99;
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    h.feed(&mut p, TS, &w);
    assert!(h.out.is_empty());
    assert_eq!(p.malformed, 1);
}

#[test]
fn nfs3_requests_write_and_commit() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    // GETATTR makes a transaction.
    h.feed(&mut p, TS, &call3(1, 1, &fh(b"abcd")));
    // WRITE (UNSTABLE) opens a file transaction, a second one continues it.
    h.feed(&mut p, TS, &call3(2, PROC3_WRITE, &write3(b"abcd", b"hello", 0)));
    h.feed(&mut p, TS, &call3(3, PROC3_WRITE, &write3(b"abcd", b"again", 0)));
    // COMMIT closes it and adds its procedure (the transaction is handed over again).
    let mut commit = fh(b"abcd");
    commit.extend_from_slice(&[0; 12]);
    h.feed(&mut p, TS, &call3(4, PROC3_COMMIT, &commit));
    // READ opens a to-client file transaction.
    let mut read = fh(b"efgh");
    read.extend_from_slice(&[0; 12]);
    h.feed(&mut p, TS, &call3(5, PROC3_READ, &read));
    let r = recs(&h);
    assert_eq!(r.len(), 4);
    assert_eq!((r[0].id, r[0].procedure, r[0].file_tx), (0, 1, false));
    assert_eq!((r[1].id, r[1].procedure, r[1].file_tx), (1, PROC3_WRITE, true));
    assert_eq!(r[2].id, 1);
    assert_eq!(
        r[2].procedures().collect::<Vec<_>>(),
        vec![PROC3_WRITE, PROC3_COMMIT]
    );
    assert_eq!((r[3].id, r[3].procedure), (2, PROC3_READ));
    assert!(r.iter().all(|x| x.version == 3));
}

#[test]
fn nfs3_big_write_is_taken_from_its_start() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    let data = vec![0x41u8; 4000];
    let rec = call3(9, PROC3_WRITE, &write3(b"h1", &data, 2));
    h.feed(&mut p, TS, &rec[..600]);
    assert_eq!(recs(&h).len(), 1);
    // The rest of the record is skipped, then the next call parses.
    h.feed(&mut p, TS, &rec[600..]);
    h.feed(&mut p, TS, &call3(10, 1, &fh(b"h1")));
    let r = recs(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].procedure, 1);
}

#[test]
fn replies_are_framed_and_bad_headers_stop_the_parser() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    // A reply: record mark, xid, type 1, then 24 bytes.
    let mut reply = (0x8000_0000u32 | 32).to_be_bytes().to_vec();
    reply.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1]);
    reply.extend_from_slice(&[0; 24]);
    h.feed(&mut p, TC, &reply[..5]);
    h.feed(&mut p, TC, &reply[5..]);
    h.feed(&mut p, TC, &reply);
    assert!(!p.dead[1]);
    // A record shorter than 24 bytes is fatal, for both sides.
    h.feed(&mut p, TC, &[0x80, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert!(p.dead[0] && p.dead[1]);
    h.feed(&mut p, TS, &call3(1, 1, &fh(b"x")));
    assert!(h.out.is_empty());
}

#[test]
fn gap_resynchronises_on_a_call() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_tcp();
    h.gap(&mut p, TS, 100);
    let mut b = vec![1, 2, 3];
    b.extend(call3(7, 1, &fh(b"abcd")));
    h.feed(&mut p, TS, &b);
    assert_eq!(recs(&h).len(), 1);
}

#[test]
fn udp_calls() {
    let mut h = Harness::new();
    let mut p = NfsParser::new_udp();
    let c = call3(3, 4, &fh(b"abcd"));
    h.feed(&mut p, TS, &c[4..]);
    // v4 is not parsed over UDP.
    let mut v4 = c[4..].to_vec();
    v4[19] = 4;
    h.feed(&mut p, TS, &v4);
    h.feed(&mut p, TC, &c[4..]);
    let r = recs(&h);
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].procedure, r[0].version), (4, 3));
}

#[test]
fn malformed_input_never_panics() {
    let base = hex(WRITE4);
    for cut in 0..base.len() {
        let mut h = Harness::new();
        let mut p = NfsParser::new_tcp();
        h.feed(&mut p, TS, &base[..cut]);
        let mut q = NfsParser::new_udp();
        h.feed(&mut q, TS, &base[..cut]);
    }
    for i in 0..base.len() {
        let mut b = base.clone();
        b[i] ^= 0xff;
        let mut h = Harness::new();
        let mut p = NfsParser::new_tcp();
        h.feed(&mut p, TS, &b);
        h.feed(&mut p, TC, &b);
    }
}
