use super::*;
use crate::tests_util::Harness;
use flow::Direction::{ToClient, ToServer};

const UUID_STR: &str = "5d2b62aa-ee0a-4a95-91ae-b064fdb471fc";
/// The interface UUID as a little-endian BIND carries it.
const UUID_LE: [u8; 16] = [
    0xaa, 0x62, 0x2b, 0x5d, 0x0a, 0xee, 0x95, 0x4a, 0x91, 0xae, 0xb0, 0x64, 0xfd, 0xb4, 0x71, 0xfc,
];
const UUID: [u8; 16] = [
    0x5d, 0x2b, 0x62, 0xaa, 0xee, 0x0a, 0x4a, 0x95, 0x91, 0xae, 0xb0, 0x64, 0xfd, 0xb4, 0x71, 0xfc,
];

/// A PDU: header (little endian unless `be`) + body, the fragment length filled in.
fn pdu(ptype: u8, flags: u8, call_id: u32, body: &[u8], be: bool) -> Vec<u8> {
    let len = (HDR_LEN + body.len()) as u16;
    let mut v = vec![5, 0, ptype, flags, if be { 0 } else { 0x10 }, 0, 0, 0];
    if be {
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(&0u16.to_be_bytes());
        v.extend_from_slice(&call_id.to_be_bytes());
    } else {
        v.extend_from_slice(&len.to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&call_id.to_le_bytes());
    }
    v.extend_from_slice(body);
    v
}

/// BIND body with one context item per (ctxid, uuid as on the wire, version).
fn bind_body(items: &[(u16, [u8; 16], u16)], be: bool) -> Vec<u8> {
    let mut b = vec![0xd0, 0x16, 0xd0, 0x16, 0, 0, 0, 0, items.len() as u8, 0, 0, 0];
    for (ctxid, uuid, ver) in items {
        let (c, v, m) = if be {
            (ctxid.to_be_bytes(), ver.to_be_bytes(), 0u16.to_be_bytes())
        } else {
            (ctxid.to_le_bytes(), ver.to_le_bytes(), 0u16.to_le_bytes())
        };
        b.extend_from_slice(&c);
        b.extend_from_slice(&[1, 0]);
        b.extend_from_slice(uuid);
        b.extend_from_slice(&v);
        b.extend_from_slice(&m);
        b.extend_from_slice(&[0x33; 20]);
    }
    b
}

/// BIND_ACK body: secondary address `sec`, then one result per context.
fn bindack_body(sec: &[u8], results: &[u16]) -> Vec<u8> {
    let mut b = vec![0xd0, 0x16, 0xd0, 0x16, 1, 2, 3, 4];
    b.extend_from_slice(&(sec.len() as u16).to_le_bytes());
    b.extend_from_slice(sec);
    let rem = (sec.len() + 2) % 4;
    if rem != 0 {
        b.extend(std::iter::repeat_n(0u8, 4 - rem));
    }
    b.extend_from_slice(&[results.len() as u8, 0, 0, 0]);
    for r in results {
        b.extend_from_slice(&r.to_le_bytes());
        b.extend_from_slice(&[0; 2]);
        b.extend_from_slice(&[0x44; 16]);
        b.extend_from_slice(&2u32.to_le_bytes());
    }
    b
}

fn request_body(ctxid: u16, opnum: u16, stub: &[u8], be: bool) -> Vec<u8> {
    let mut b = vec![0u8; 4];
    if be {
        b.extend_from_slice(&ctxid.to_be_bytes());
        b.extend_from_slice(&opnum.to_be_bytes());
    } else {
        b.extend_from_slice(&ctxid.to_le_bytes());
        b.extend_from_slice(&opnum.to_le_bytes());
    }
    b.extend_from_slice(stub);
    b
}

fn records(h: &Harness) -> Vec<&DcerpcRecord> {
    h.out
        .iter()
        .filter_map(|e| match &e.record {
            Record::Dcerpc(r) => Some(&**r),
            _ => None,
        })
        .collect()
}

fn json(r: &DcerpcRecord) -> serde_json::Value {
    serde_json::to_value(r).unwrap()
}

/// BIND (two contexts of one interface), BIND_ACK accepting the first.
fn bound(h: &mut Harness, p: &mut DcerpcParser) {
    let bind = pdu(
        ptype::BIND,
        3,
        1,
        &bind_body(&[(0, UUID_LE, 1), (1, UUID_LE, 1)], false),
        false,
    );
    h.feed(p, ToServer, &bind);
    let ack = pdu(
        ptype::BINDACK,
        3,
        1,
        &bindack_body(b"\\PIPE\\x\0", &[0, 3]),
        false,
    );
    h.feed(p, ToClient, &ack);
}

#[test]
fn bind_request_response_logged_as_suricata() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    bound(&mut h, &mut p);
    let r = records(&h);
    assert_eq!(r.len(), 1);
    assert_eq!(
        json(r[0]),
        serde_json::json!({"request":"BIND","interfaces":[
            {"uuid":UUID_STR,"version":"1.0","ack_result":0},
            {"uuid":UUID_STR,"version":"1.0","ack_result":3}],
            "response":"BINDACK","call_id":1,"rpc_version":"5.0"})
    );
    assert_eq!(h.out[0].tx_id, Some(0));

    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 1, &request_body(0, 4, b"abcd", false), false),
    );
    assert_eq!(records(&h).len(), 1, "request alone is not logged");
    let resp = pdu(ptype::RESPONSE, 3, 1, &[7u8; 20], false);
    h.feed(&mut p, ToClient, &resp);
    let r = records(&h);
    assert_eq!(r.len(), 2);
    let t = r[1];
    assert_eq!(
        json(t),
        serde_json::json!({"request":"REQUEST","req":{"opnum":4,"frag_cnt":1,"stub_data_size":4},
            "response":"RESPONSE","res":{"frag_cnt":1,"stub_data_size":20},"call_id":1,"rpc_version":"5.0"})
    );
    assert_eq!(t.tx_id, 1);
    assert_eq!(t.stub_ts, b"abcd");
    assert_eq!(t.stub_tc, [7u8; 20]);
    assert!(t.first_request_seen && t.little_endian);
    let acc = t.accepted.as_deref().unwrap();
    assert_eq!(acc.len(), 1);
    assert_eq!(
        (acc[0].ctxid, acc[0].uuid, acc[0].version, acc[0].first_frag),
        (0, UUID, 1, true)
    );
}

#[test]
fn unanswered_request_is_logged_at_close_and_split_pdus_are_buffered() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    bound(&mut h, &mut p);
    let stub: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
    let req = pdu(ptype::REQUEST, 3, 1, &request_body(0, 1, &stub, false), false);
    for part in req.chunks(1000) {
        h.feed(&mut p, ToServer, part);
    }
    assert_eq!(p.open_txs(), 1);
    h.close(&mut p);
    let r = records(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].stub_ts, stub);
    assert_eq!(r[1].opnum, 1);
    assert_eq!(
        json(r[1])["response"],
        serde_json::json!("UNREPLIED"),
        "{}",
        json(r[1])
    );
    // A 10-byte first chunk: the header is not complete yet.
    let mut p = DcerpcParser::new();
    let mut h = Harness::new();
    h.feed(&mut p, ToServer, &req[..10]);
    h.feed(&mut p, ToServer, &req[10..]);
    h.close(&mut p);
    assert_eq!(records(&h)[0].stub_ts, stub);
}

#[test]
fn one_pdu_per_chunk_and_fragments_are_transactions() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    // Two requests (same call id, first and last fragment) in one chunk: the second is dropped.
    let one = [b'1'; 40];
    let mut both = pdu(ptype::REQUEST, 1, 9, &request_body(0, 2, &one, false), false);
    both.extend(pdu(
        ptype::REQUEST,
        2,
        9,
        &request_body(0, 2, b"two", false),
        false,
    ));
    h.feed(&mut p, ToServer, &both);
    assert_eq!(p.open_txs(), 1);
    // Fed apart, the second fragment is a transaction of its own.
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 2, 9, &request_body(0, 3, b"two", false), false),
    );
    h.close(&mut p);
    let r = records(&h);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].stub_ts.as_slice(), r[0].opnum), (&one[..], 2));
    assert_eq!(
        (r[1].stub_ts.as_slice(), r[1].opnum, r[1].tx_id),
        (&b"two"[..], 3, 1)
    );
    assert!(!p.is_dead());
    // Suricata's `handle_common_stub` quirk: trailing bytes longer than the PDU body read so far
    // make the count negative, an error.
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    let mut both = pdu(ptype::REQUEST, 1, 9, &request_body(0, 2, b"one", false), false);
    both.extend(pdu(
        ptype::REQUEST,
        2,
        9,
        &request_body(0, 2, b"two", false),
        false,
    ));
    h.feed(&mut p, ToServer, &both);
    assert!(p.is_dead());
    assert_eq!(records(&h)[0].stub_ts, b"one");
}

#[test]
fn big_endian_bind_and_request() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    h.feed(
        &mut p,
        ToServer,
        &pdu(
            ptype::BIND,
            3,
            0x0102_0304,
            &bind_body(&[(7, UUID, 2)], true),
            true,
        ),
    );
    h.feed(
        &mut p,
        ToClient,
        &pdu(ptype::BINDACK, 3, 0x0102_0304, &bindack_body(b"", &[0]), true),
    );
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 5, &request_body(7, 0x0102, b"x", true), true),
    );
    h.close(&mut p);
    let r = records(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].call_id, 0x0102_0304);
    assert_eq!(r[0].interfaces.as_ref().unwrap()[0].uuid_string(), UUID_STR);
    assert_eq!((r[1].ctxid, r[1].opnum, r[1].little_endian), (7, 0x0102, false));
    let acc = r[1].accepted.as_deref().unwrap();
    assert_eq!((acc[0].ctxid, acc[0].uuid, acc[0].version), (7, UUID, 2));
}

#[test]
fn response_stub_includes_its_header_and_is_capped_by_fraglen() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 1, &request_body(0, 0, b"", false), false),
    );
    // Empty stub: the request side is not done (Suricata's loop never runs).
    assert_eq!(p.open_txs(), 1);
    let mut resp = pdu(ptype::RESPONSE, 3, 1, b"12345678stub", false);
    resp.extend_from_slice(b"trailing");
    h.feed(&mut p, ToClient, &resp);
    h.close(&mut p);
    let r = records(&h);
    assert_eq!(r[0].stub_tc, b"12345678stub");
    assert!(!r[0].req_done && r[0].resp_done);
    assert_eq!(json(r[0])["request"], "REQUEST_LOST");
}

#[test]
fn malformed_input_ends_parsing_and_logs_open_transactions() {
    // A BIND announcing two contexts but carrying one.
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 1, &request_body(0, 1, b"s", false), false),
    );
    let mut body = bind_body(&[(0, UUID_LE, 1)], false);
    body[8] = 2;
    h.feed(&mut p, ToServer, &pdu(ptype::BIND, 3, 2, &body, false));
    assert!(p.is_dead());
    assert_eq!(records(&h).len(), 1);
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 3, &request_body(0, 1, b"s", false), false),
    );
    assert_eq!(records(&h).len(), 1, "nothing parsed once dead");

    // Unknown PDU type, request shorter than its 8 bytes, fraglen below the request header.
    for bad in [
        pdu(20, 3, 1, &[0; 8], false),
        pdu(ptype::REQUEST, 3, 1, &[0; 4], false),
        {
            let mut v = pdu(ptype::REQUEST, 3, 1, &request_body(0, 1, b"", false), false);
            v[8] = 20;
            v
        },
    ] {
        let mut h = Harness::new();
        let mut p = DcerpcParser::new();
        h.feed(&mut p, ToServer, &bad);
        assert!(p.is_dead(), "{bad:?}");
    }

    // A gap is an error too.
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    p.on_gap(ToServer, 10, &mut cx);
    assert!(p.is_dead());
}

#[test]
fn other_direction_while_a_pdu_is_half_buffered_is_an_error() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    let req = pdu(ptype::REQUEST, 3, 1, &request_body(0, 1, b"stub", false), false);
    h.feed(&mut p, ToServer, &req[..20]);
    h.feed(&mut p, ToClient, &pdu(ptype::RESPONSE, 3, 1, b"r", false));
    assert!(p.is_dead());
}

#[test]
fn wrong_version_is_buffered_not_parsed() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    let mut v = pdu(ptype::REQUEST, 3, 1, &request_body(0, 1, b"stub", false), false);
    v[0] = 4;
    h.feed(&mut p, ToServer, &v);
    assert!(!p.is_dead());
    assert_eq!(p.open_txs(), 0);
    assert_eq!(p.buf[0].len(), v.len());
    // ... up to the buffer limit.
    let big = vec![0u8; MAX_BUFFER];
    h.feed(&mut p, ToServer, &big);
    assert!(p.is_dead());
}

#[test]
fn bindack_without_bind_and_alter_context() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    // As in Suricata, the first PDU must go to the server.
    h.feed(
        &mut p,
        ToClient,
        &pdu(ptype::BINDACK, 3, 4, &bindack_body(b"ab", &[0]), false),
    );
    assert!(p.is_dead());
    let mut p = DcerpcParser::new();
    h.feed(
        &mut p,
        ToServer,
        &pdu(ptype::REQUEST, 3, 7, &request_body(0, 1, b"s", false), false),
    );
    h.feed(
        &mut p,
        ToClient,
        &pdu(ptype::BINDACK, 3, 4, &bindack_body(b"ab", &[0]), false),
    );
    assert!(p.accepted.is_none());
    h.close(&mut p);
    let r = records(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(json(r[0])["response"], "UNREPLIED");
    assert_eq!(json(r[1])["request"], "REQUEST_LOST");
    assert_eq!(json(r[1])["response"], "BINDACK");
    // ALTER_CONTEXT replaces the interfaces; its answer replaces the accepted list.
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    bound(&mut h, &mut p);
    let mut other = UUID_LE;
    other[0] ^= 0xff;
    h.feed(
        &mut p,
        ToServer,
        &pdu(
            ptype::ALTER_CONTEXT,
            3,
            2,
            &bind_body(&[(5, other, 3)], false),
            false,
        ),
    );
    h.feed(
        &mut p,
        ToClient,
        &pdu(ptype::ALTER_CONTEXT_RESP, 3, 2, &bindack_body(b"", &[0]), false),
    );
    let acc = p.accepted.as_deref().unwrap();
    assert_eq!((acc.len(), acc[0].ctxid, acc[0].version), (1, 5, 3));
    let r = records(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(
        json(r[1]),
        serde_json::json!({"request":"ALTER_CONTEXT","response":"ALTER_CONTEXT_RESP","call_id":2,"rpc_version":"5.0"})
    );
}

#[test]
fn open_transactions_are_bounded() {
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    let stub = vec![1u8; 60_000];
    for call in 0..(MAX_OPEN_STUB / 60_000 + 10) as u32 {
        h.feed(
            &mut p,
            ToServer,
            &pdu(ptype::REQUEST, 3, call, &request_body(0, 1, &stub, false), false),
        );
    }
    let held: usize = p.txs.iter().map(|t| t.stub_ts.len()).sum();
    assert!(held <= MAX_OPEN_STUB, "{held}");
    assert!(!records(&h).is_empty());
    // Past max-tx open transactions, the oldest is completed.
    let mut h = Harness::new();
    let mut p = DcerpcParser::new();
    for call in 0..(MAX_TX + 5) as u32 {
        h.feed(
            &mut p,
            ToServer,
            &pdu(ptype::REQUEST, 3, call, &request_body(0, 1, b"s", false), false),
        );
    }
    assert!(p.open_txs() <= MAX_TX + 1);
    assert_eq!(records(&h)[0].tx_id, 0);
}

#[test]
fn type_names() {
    assert_eq!(type_name(0), "REQUEST");
    assert_eq!(type_name(15), "ALTER_CONTEXT_RESP");
    assert_eq!(type_name(21), "21");
}

#[test]
fn garbage_never_panics() {
    // Valid PDUs with bytes flipped and cut at pseudo-random places, both directions.
    let mut seed = 0x1234_5678_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let base = [
        pdu(
            ptype::BIND,
            3,
            1,
            &bind_body(&[(0, UUID_LE, 1), (1, UUID_LE, 2)], false),
            false,
        ),
        pdu(ptype::BINDACK, 3, 1, &bindack_body(b"\\PIPE\\", &[0, 2]), false),
        pdu(
            ptype::REQUEST,
            3,
            1,
            &request_body(0, 1, b"stub data", false),
            false,
        ),
        pdu(ptype::RESPONSE, 3, 1, b"0123456789", false),
    ];
    for _ in 0..2000 {
        let mut h = Harness::new();
        let mut p = DcerpcParser::new();
        for (i, b) in base.iter().enumerate() {
            let mut v = b.clone();
            for _ in 0..(next() % 4) {
                let at = next() as usize % v.len();
                v[at] = next() as u8;
            }
            let cut = next() as usize % (v.len() + 1);
            let dir = if i % 2 == 0 { ToServer } else { ToClient };
            h.feed(&mut p, dir, &v[..cut]);
            h.feed(&mut p, dir, &v[cut..]);
        }
        h.close(&mut p);
        assert_eq!(p.open_txs(), 0);
    }
}
