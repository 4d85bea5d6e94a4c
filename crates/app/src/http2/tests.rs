//! HTTP/2 tests: HPACK vectors of RFC 7541 Appendix C, frames split at every byte, real
//! exchanges from the conformance captures (prior knowledge and h2c upgrade through the app
//! layer), malformed frames and bounds.

use super::frame::{flags, ftype, FrameHeader, MAGIC};
use super::hpack::{decode_block, DynTable, Field, Status};
use super::*;
use crate::tests_util::Harness;
use crate::{AppEvent, Record};
use flow::Direction::{self, ToClient, ToServer};
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn pairs(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            (
                String::from_utf8_lossy(&f.name).into_owned(),
                String::from_utf8_lossy(&f.value).into_owned(),
            )
        })
        .collect()
}

fn p(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

fn frame(t: u8, fl: u8, sid: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    FrameHeader {
        length: payload.len() as u32,
        ftype: t,
        flags: fl,
        reserved: false,
        stream_id: sid,
    }
    .emit(&mut v);
    v.extend_from_slice(payload);
    v
}

/// Literal field without indexing, literal name.
fn lit(name: &str, value: &str) -> Vec<u8> {
    let mut v = vec![0x00, name.len() as u8];
    v.extend_from_slice(name.as_bytes());
    v.push(value.len() as u8);
    v.extend_from_slice(value.as_bytes());
    v
}

fn http2_records(out: &[AppEvent]) -> Vec<Value> {
    out.iter()
        .filter_map(|e| match &e.record {
            Record::Http2(t) => {
                let mut v = serde_json::to_value(t).unwrap();
                v["tx_id"] = json!(e.tx_id);
                Some(v)
            }
            _ => None,
        })
        .collect()
}

fn types(out: &[AppEvent]) -> Vec<&'static str> {
    out.iter().map(|e| e.record.event_type()).collect()
}

/// A small exchange: client preface, SETTINGS, GET on stream 1; server SETTINGS, response
/// HEADERS and DATA.
fn exchange() -> (Vec<u8>, Vec<u8>) {
    let mut c = MAGIC.to_vec();
    c.extend(frame(ftype::SETTINGS, 0, 0, &hex("0003 00000064 0004 0000ffff")));
    let mut hb = vec![0x82, 0x86, 0x84]; // GET, http, /
    hb.extend(lit(":authority", "example.org"));
    hb.extend(lit("user-agent", "unit/1.0"));
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        1,
        &hb,
    ));
    let mut s = frame(ftype::SETTINGS, 0, 0, &hex("0005 00004000"));
    s.extend(frame(ftype::SETTINGS, flags::END_STREAM, 0, b""));
    let mut rh = vec![0x88]; // :status 200
    rh.extend(lit("content-length", "5"));
    s.extend(frame(ftype::HEADERS, flags::END_HEADERS, 1, &rh));
    s.extend(frame(ftype::DATA, flags::END_STREAM, 1, b"hello"));
    (c, s)
}

fn run(chunks: &[(Direction, &[u8])]) -> (Http2Parser, Vec<AppEvent>) {
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&Http2Config::default());
    for (d, c) in chunks {
        h.feed(&mut p, *d, c);
    }
    h.close(&mut p);
    (p, h.out)
}

// ---------------------------------------------------------------- HPACK (RFC 7541 Appendix C)

#[test]
fn rfc7541_c2_literals() {
    let mut t = DynTable::new(65536);
    let mut out = Vec::new();
    // C.2.1 literal with indexing
    decode_block(
        &hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"),
        &mut t,
        &mut out,
        100,
    )
    .unwrap();
    assert_eq!(pairs(&out), p(&[("custom-key", "custom-header")]));
    assert_eq!((t.len(), t.size()), (1, 55));
    // C.2.2 literal without indexing
    out.clear();
    decode_block(&hex("040c 2f73 616d 706c 652f 7061 7468"), &mut t, &mut out, 100).unwrap();
    assert_eq!(pairs(&out), p(&[(":path", "/sample/path")]));
    assert_eq!(t.len(), 1);
    // C.2.3 never indexed
    out.clear();
    decode_block(
        &hex("1008 7061 7373 776f 7264 0673 6563 7265 74"),
        &mut t,
        &mut out,
        100,
    )
    .unwrap();
    assert_eq!(pairs(&out), p(&[("password", "secret")]));
    // C.2.4 indexed
    out.clear();
    decode_block(&hex("82"), &mut t, &mut out, 100).unwrap();
    assert_eq!(pairs(&out), p(&[(":method", "GET")]));
}

fn c3_c4(blocks: [&str; 3]) {
    let mut t = DynTable::new(65536);
    let mut out = Vec::new();
    decode_block(&hex(blocks[0]), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        pairs(&out),
        p(&[
            (":method", "GET"),
            (":scheme", "http"),
            (":path", "/"),
            (":authority", "www.example.com")
        ])
    );
    assert_eq!((t.len(), t.size()), (1, 57));
    out.clear();
    decode_block(&hex(blocks[1]), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        pairs(&out),
        p(&[
            (":method", "GET"),
            (":scheme", "http"),
            (":path", "/"),
            (":authority", "www.example.com"),
            ("cache-control", "no-cache")
        ])
    );
    assert_eq!((t.len(), t.size()), (2, 110));
    out.clear();
    decode_block(&hex(blocks[2]), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        pairs(&out),
        p(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":path", "/index.html"),
            (":authority", "www.example.com"),
            ("custom-key", "custom-value")
        ])
    );
    assert_eq!((t.len(), t.size()), (3, 164));
}

#[test]
fn rfc7541_c3_requests_plain() {
    c3_c4([
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    ]);
}

#[test]
fn rfc7541_c4_requests_huffman() {
    c3_c4([
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    ]);
}

fn c5_c6(blocks: [&str; 3]) {
    // Responses with a 256-byte table: entries are evicted.
    let mut t = DynTable::new(65536);
    t.max_size = 256;
    let mut out = Vec::new();
    decode_block(&hex(blocks[0]), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        pairs(&out),
        p(&[
            (":status", "302"),
            ("cache-control", "private"),
            ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com")
        ])
    );
    assert_eq!((t.len(), t.size()), (4, 222));
    out.clear();
    decode_block(&hex(blocks[1]), &mut t, &mut out, 100).unwrap();
    assert_eq!(pairs(&out)[0], (":status".into(), "307".into()));
    assert_eq!((t.len(), t.size()), (4, 222));
    out.clear();
    decode_block(&hex(blocks[2]), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        pairs(&out),
        p(&[
            (":status", "200"),
            ("cache-control", "private"),
            ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            ("location", "https://www.example.com"),
            ("content-encoding", "gzip"),
            (
                "set-cookie",
                "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"
            )
        ])
    );
    assert_eq!((t.len(), t.size()), (3, 215));
}

#[test]
fn rfc7541_c5_responses_plain() {
    c5_c6([
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
    ]);
}

#[test]
fn rfc7541_c6_responses_huffman() {
    c5_c6([
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    ]);
}

#[test]
fn hpack_errors_are_entries() {
    let mut t = DynTable::new(65536);
    let mut out = Vec::new();
    // index 0, index past the tables, then a size update and a literal whose name index is
    // past the tables (empty name, as Suricata).
    let s = decode_block(&hex("80 ff00 3fe11f 0f2f 0178"), &mut t, &mut out, 100).unwrap();
    let st: Vec<Status> = out.iter().map(|f| f.status).collect();
    assert_eq!(
        st,
        vec![
            Status::Index0,
            Status::NotIndexed,
            Status::SizeUpdate,
            Status::Success
        ]
    );
    assert_eq!(out[2].size_update, 4096);
    assert_eq!(pairs(&out[3..]), p(&[("", "x")]));
    assert!(s.invalid);
    assert_eq!(s.size_update, Some(out[2].size_update));
    // A string running past the block: the whole block is incomplete.
    out.clear();
    assert!(decode_block(&hex("82 0003 6162"), &mut t, &mut out, 100).is_err());
    assert!(out.is_empty());
    // An integer over 64 bits ends the block with an error entry.
    out.clear();
    let s = decode_block(&hex("82 ff ffffffffffffffffff 01 82"), &mut t, &mut out, 100).unwrap();
    assert_eq!(
        out.iter().map(|f| f.status).collect::<Vec<_>>(),
        vec![Status::Success, Status::IntegerOverflow]
    );
    assert!(s.int_overflow);
    assert_eq!(s.rest, 12);
    // More than ten bytes of integer read as 0 (index 0).
    out.clear();
    decode_block(&hex("ff ffffffffffffffffffff 01"), &mut t, &mut out, 100).unwrap();
    assert_eq!(out[0].status, Status::Index0);
    // Bounded output: the rest is decoded (table kept in step) and counted.
    out.clear();
    let s = decode_block(&hex("82 82 82 4001 6101 62"), &mut t, &mut out, 2).unwrap();
    assert_eq!((out.len(), s.dropped), (2, 2));
    assert_eq!(t.len(), 1);
}

#[test]
fn dynamic_table_is_bounded() {
    let mut t = DynTable::new(1000);
    t.set_max_from_settings(u32::MAX);
    let mut out = Vec::new();
    let mut blk = Vec::new();
    for _ in 0..100 {
        blk.extend_from_slice(&[0x40, 1, b'n', 20]);
        blk.extend_from_slice(&[b'v'; 20]);
    }
    decode_block(&blk, &mut t, &mut out, 1000).unwrap();
    // 53 bytes per entry: 18 fit under 1000 bytes, the rest are not added.
    assert_eq!(t.len(), 18);
    assert_eq!(t.dropped, 82);
    // A size update far above the limit switches to the same bounded mode.
    let mut t = DynTable::new(1000);
    out.clear();
    decode_block(&hex("3fe1ffffff0f"), &mut t, &mut out, 10).unwrap();
    t.apply_size_update(out[0].size_update);
    decode_block(&blk, &mut t, &mut out, 1000).unwrap();
    assert_eq!(t.len(), 18);
}

// ---------------------------------------------------------------- frames and transactions

#[test]
fn exchange_records() {
    let (c, s) = exchange();
    let (p, out) = run(&[(ToServer, &c), (ToClient, &s)]);
    // settings of the client (at the end of its chunk), then the file, stream 1 and the
    // settings of the server (at the end of the server's chunk)
    assert_eq!(types(&out), vec!["http", "fileinfo", "http", "http"]);
    let recs = http2_records(&out);
    assert_eq!(
        recs[0],
        json!({"version": "2", "http2": {"stream_id": 0, "request": {"settings": [
            {"settings_id": "SETTINGSMAXCONCURRENTSTREAMS", "settings_value": 100},
            {"settings_id": "SETTINGSINITIALWINDOWSIZE", "settings_value": 65535}]}, "response": {}},
            "tx_id": 0})
    );
    assert_eq!(
        recs[2]["http2"]["response"]["settings"][0]["settings_id"],
        "SETTINGSMAXFRAMESIZE"
    );
    assert_eq!(recs[2]["tx_id"], 2);
    assert_eq!(
        recs[1],
        json!({"version": "2",
            "request_headers": [{"name": ":method", "value": "GET"}, {"name": ":scheme", "value": "http"},
                {"name": ":path", "value": "/"}, {"name": ":authority", "value": "example.org"},
                {"name": "user-agent", "value": "unit/1.0"}],
            "response_headers": [{"name": ":status", "value": "200"}, {"name": "content-length", "value": "5"}],
            "url": "/", "http_user_agent": "unit/1.0", "http_method": "GET", "status": 200, "length": 5,
            "http2": {"stream_id": 1, "request": {}, "response": {}}, "tx_id": 1})
    );
    let Record::Http2(tx) = &out[2].record else {
        panic!()
    };
    assert_eq!(tx.method(), Some(&b"GET"[..]));
    assert_eq!(tx.uri(), Some(&b"/"[..]));
    assert_eq!(tx.host().as_deref(), Some(&b"example.org"[..]));
    assert_eq!(tx.user_agent().as_deref(), Some(&b"unit/1.0"[..]));
    assert_eq!(tx.stat_code(), Some(&b"200"[..]));
    assert_eq!(tx.request_line(), b"GET / HTTP/2\r\n");
    assert_eq!(tx.response_line(), b"HTTP/2 200\r\n");
    assert_eq!(tx.response_body, b"hello");
    assert_eq!(
        tx.header_names(ToClient).unwrap(),
        b"\r\n:status\r\ncontent-length\r\n\r\n"
    );
    assert_eq!(
        tx.header_block(ToServer).unwrap(),
        b":method: GET\r\n:scheme: http\r\n:path: /\r\n:authority: example.org\r\nuser-agent: unit/1.0\r\n"
    );
    assert!(tx.is_complete());
    let Record::FileInfo(f) = &out[1].record else {
        panic!()
    };
    assert_eq!((f.size, f.state, f.tx_id), (5, "CLOSED", 1));
    assert_eq!(out[1].dir, ToClient);
    assert_eq!(p.open_txs(), 0);
    assert_eq!(p.stats.frames, 6);
}

/// The records of a run, as JSON, for comparing runs fed differently (sorted: records are
/// written at the end of the chunk that completes them, so the order follows the chunking).
fn summary(out: &[AppEvent]) -> Vec<String> {
    let mut v: Vec<String> = out
        .iter()
        .map(|e| {
            let body = match &e.record {
                Record::Http2(t) => serde_json::to_string(t).unwrap(),
                Record::FileInfo(f) => serde_json::to_string(f).unwrap(),
                Record::Anomaly(a) => serde_json::to_string(a).unwrap(),
                _ => String::new(),
            };
            format!("{} {:?} {}", e.record.event_type(), e.tx_id, body)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn split_at_every_byte() {
    let (c, s) = exchange();
    let (_, whole) = run(&[(ToServer, &c), (ToClient, &s)]);
    let want = summary(&whole);
    for cut in 0..=c.len() {
        let (_, out) = run(&[(ToServer, &c[..cut]), (ToServer, &c[cut..]), (ToClient, &s)]);
        assert_eq!(summary(&out), want, "client cut at {cut}");
    }
    for cut in 0..=s.len() {
        let (_, out) = run(&[(ToServer, &c), (ToClient, &s[..cut]), (ToClient, &s[cut..])]);
        assert_eq!(summary(&out), want, "server cut at {cut}");
    }
    // one byte at a time, both ways
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&Http2Config::default());
    for b in c.chunks(1) {
        h.feed(&mut p, ToServer, b);
    }
    for b in s.chunks(1) {
        h.feed(&mut p, ToClient, b);
    }
    h.close(&mut p);
    assert_eq!(summary(&h.out), want);
}

#[test]
fn continuation_and_push_promise() {
    let mut c = MAGIC.to_vec();
    let mut hb = vec![0x82, 0x84];
    hb.extend(lit(":authority", "a.example"));
    c.extend(frame(ftype::HEADERS, flags::END_STREAM, 3, &hb[..3]));
    c.extend(frame(ftype::CONTINUATION, 0, 3, &hb[3..7]));
    c.extend(frame(ftype::CONTINUATION, flags::END_HEADERS, 3, &hb[7..]));
    // server pushes stream 2, then answers stream 3
    let mut pp = vec![0, 0, 0, 2, 0x82];
    pp.extend(lit(":path", "/pushed.css"));
    let mut s = frame(ftype::PUSH_PROMISE, flags::END_HEADERS, 3, &pp);
    s.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        3,
        &[0x89],
    ));
    s.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        2,
        &[0x88],
    ));
    let (_, out) = run(&[(ToServer, &c), (ToClient, &s)]);
    let recs = http2_records(&out);
    assert_eq!(recs.len(), 2);
    let s3 = recs.iter().find(|r| r["http2"]["stream_id"] == 3).unwrap();
    assert_eq!(s3["request_headers"].as_array().unwrap().len(), 3);
    assert_eq!(
        s3["request_headers"][2],
        json!({"name": ":authority", "value": "a.example"})
    );
    assert_eq!(s3["status"], 204);
    let s2 = recs.iter().find(|r| r["http2"]["stream_id"] == 2).unwrap();
    assert_eq!(s2["url"], "/pushed.css");
    assert_eq!(s2["status"], 200);
}

#[test]
fn rst_goaway_priority_logged() {
    let mut c = MAGIC.to_vec();
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::PRIORITY,
        1,
        &[0, 0, 0, 0, 15, 0x82],
    ));
    c.extend(frame(ftype::PRIORITY, 0, 1, &[0, 0, 0, 0, 30]));
    c.extend(frame(ftype::RST_STREAM, 0, 1, &[0, 0, 0, 8]));
    // Suricata reads the GOAWAY error code from the first 4 bytes (the last stream id).
    let s = frame(ftype::GOAWAY, 0, 0, &[0, 0, 0, 1, 0, 0, 0, 0]);
    let (_, out) = run(&[(ToServer, &c), (ToClient, &s)]);
    let recs = http2_records(&out);
    let goaway = recs.iter().find(|r| r["http2"]["stream_id"] == 0).unwrap();
    assert_eq!(
        goaway["http2"]["response"],
        json!({"error_code": "PROTOCOLERROR"})
    );
    let s1 = recs.iter().find(|r| r["http2"]["stream_id"] == 1).unwrap();
    assert_eq!(
        s1["http2"]["request"],
        json!({"error_code": "Cancel", "priority": 15, "has_multiple": "priority"})
    );
}

#[test]
fn malformed_frames() {
    // Not a preface and not text: the parser stops.
    let (p, out) = run(&[(ToServer, &[0xff; 30])]);
    assert!(p.is_dead());
    assert!(out.is_empty());
    // A text preface that is wrong: event (on the open stream of an h2c upgrade), frames
    // parsed anyway.
    let req = UpgradeRequest {
        method: Some(b"GET".to_vec()),
        uri: Some(b"/".to_vec()),
        headers: vec![],
    };
    let mut c = b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".to_vec();
    c.extend(frame(ftype::SETTINGS, 0, 0, &hex("0003 00000064")));
    let mut h = Harness::new();
    let mut p = Http2Parser::with_upgrade(&Http2Config::default(), &req);
    h.feed(&mut p, ToServer, &c);
    h.close(&mut p);
    assert!(!p.is_dead());
    // the frame header read from the bad preface announces 5 MB: it waits for more data
    assert_eq!(types(&h.out), vec!["anomaly", "http"]);
    let Record::Anomaly(a) = &h.out[0].record else {
        panic!()
    };
    assert_eq!((a.event, h.out[0].tx_id), ("invalid_client_magic", Some(0)));
    // Wrong lengths, bad HPACK, truncated HEADERS.
    let mut c = MAGIC.to_vec();
    c.extend(frame(ftype::RST_STREAM, 0, 1, &[0, 0, 8]));
    c.extend(frame(ftype::WINDOW_UPDATE, 0, 0, &[0, 0, 0, 1, 0]));
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        3,
        &[0x80, 0x82],
    ));
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        5,
        &[0x00, 0x05, b'a'],
    ));
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::PRIORITY,
        7,
        &[0, 0],
    ));
    c.extend(frame(0x42, 0, 9, b"unknown type"));
    let (p, out) = run(&[(ToServer, &c)]);
    assert!(!p.is_dead());
    let events: Vec<&str> = out
        .iter()
        .filter_map(|e| match &e.record {
            Record::Anomaly(a) => Some(a.event),
            _ => None,
        })
        .collect();
    assert_eq!(
        events,
        vec![
            "invalid_frame_length",
            "invalid_header",
            "invalid_frame_data",
            "invalid_frame_data"
        ]
    );
    let recs = http2_records(&out);
    let s3 = recs.iter().find(|r| r["http2"]["stream_id"] == 3).unwrap();
    assert_eq!(
        s3["request_headers"],
        json!([{"error": "HTTP2HeaderDecodeIndex0"}, {"name": ":method", "value": "GET"}])
    );
    // Truncated frames at the end of the flow: nothing is logged, nothing panics.
    let (_, out) = run(&[(ToServer, &c[..c.len() - 3])]);
    assert!(out
        .iter()
        .all(|e| !matches!(&e.record, Record::Http2(t) if t.stream_id == 9)));
}

#[test]
fn long_frame_is_skipped() {
    let mut c = MAGIC.to_vec();
    c.extend(frame(ftype::HEADERS, flags::END_HEADERS, 1, &[0x83, 0x84]));
    let big = vec![0u8; 70_000];
    c.extend(frame(ftype::DATA, 0, 1, &big));
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        3,
        &[0x82, 0x84],
    ));
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&Http2Config::default());
    for part in c.chunks(1000) {
        h.feed(&mut p, ToServer, part);
    }
    h.close(&mut p);
    let recs = http2_records(&h.out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["http2"]["stream_id"], 3);
    assert_eq!(recs[1]["http_method"], "GET");
    assert!(h
        .out
        .iter()
        .any(|e| matches!(&e.record, Record::Anomaly(a) if a.event == "long_frame_data")));
    // the handled start of the long frame: what the first chunk carried
    let Some(Record::Http2(t)) = h
        .out
        .iter()
        .map(|e| &e.record)
        .find(|r| matches!(r, Record::Http2(t) if t.stream_id == 1))
    else {
        panic!()
    };
    assert_eq!(t.body_len[0], (1000 - 24 - 11 - 9) as u64);
}

#[test]
fn streams_are_bounded() {
    let cfg = Http2Config {
        max_streams: 3,
        max_headers: 2,
        ..Default::default()
    };
    let mut c = MAGIC.to_vec();
    for sid in [1u32, 3, 5, 7, 9] {
        c.extend(frame(
            ftype::HEADERS,
            flags::END_HEADERS,
            sid,
            &[0x82, 0x84, 0x86],
        ));
    }
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&cfg);
    h.feed(&mut p, ToServer, &c);
    assert!(p.is_dead());
    // marked to drop, hence complete and written
    assert_eq!(p.open_txs(), 0);
    h.close(&mut p);
    let recs = http2_records(&h.out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["request_headers"].as_array().unwrap().len(), 2);
    assert!(p.stats.dropped >= 3);
    assert!(h
        .out
        .iter()
        .any(|e| matches!(&e.record, Record::Anomaly(a) if a.event == "too_many_streams")));
}

#[test]
fn reassembly_limit() {
    let cfg = Http2Config {
        max_reassembly: 8,
        ..Default::default()
    };
    let mut c = MAGIC.to_vec();
    c.extend(frame(ftype::HEADERS, flags::END_STREAM, 1, &[0x82, 0x84]));
    c.extend(frame(
        ftype::CONTINUATION,
        flags::END_HEADERS,
        1,
        &lit("x-long", "0123456789"),
    ));
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&cfg);
    h.feed(&mut p, ToServer, &c);
    h.close(&mut p);
    assert!(h
        .out
        .iter()
        .any(|e| matches!(&e.record, Record::Anomaly(a) if a.event == "reassembly_limit_reached")));
}

#[test]
fn gzip_body_decoded_and_bounded() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&[b'z'; 5000]).unwrap();
    let gz = enc.finish().unwrap();
    let mut c = MAGIC.to_vec();
    c.extend(frame(
        ftype::HEADERS,
        flags::END_HEADERS | flags::END_STREAM,
        1,
        &[0x82, 0x84],
    ));
    let mut rh = vec![0x88];
    rh.extend(lit("content-encoding", "gzip"));
    let mut s = frame(ftype::HEADERS, flags::END_HEADERS, 1, &rh);
    let (a, b) = gz.split_at(gz.len() / 2);
    s.extend(frame(ftype::DATA, 0, 1, a));
    // padded DATA: pad length 3
    let mut padded = vec![3];
    padded.extend_from_slice(b);
    padded.extend_from_slice(&[0, 0, 0]);
    s.extend(frame(ftype::DATA, flags::END_STREAM | flags::PADDED, 1, &padded));
    let cfg = Http2Config {
        response_body_limit: 1000,
        ..Default::default()
    };
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&cfg);
    h.feed(&mut p, ToServer, &c);
    h.feed(&mut p, ToClient, &s);
    let tx = h
        .out
        .iter()
        .find_map(|e| match &e.record {
            Record::Http2(t) if t.stream_id == 1 => Some(t.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(tx.response_body, vec![b'z'; 1000]);
    assert_eq!(tx.body_len[1], 5000);
    let Some(Record::FileInfo(f)) = h
        .out
        .iter()
        .map(|e| &e.record)
        .find(|r| matches!(r, Record::FileInfo(_)))
    else {
        panic!()
    };
    assert_eq!(f.size, 5000);
}

#[test]
fn gap_stops_parsing() {
    let (c, s) = exchange();
    let mut h = Harness::new();
    let mut p = Http2Parser::new(&Http2Config::default());
    h.feed(&mut p, ToServer, &c);
    let mut cx = crate::Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    crate::Parser::on_gap(&mut p, ToClient, 10, &mut cx);
    h.feed(&mut p, ToClient, &s);
    h.close(&mut p);
    assert!(p.is_dead());
    let recs = http2_records(&h.out);
    let s1 = recs.iter().find(|r| r["http2"]["stream_id"] == 1).unwrap();
    assert!(s1.get("response_headers").is_none());
}

// ---------------------------------------------------------------- real exchanges

/// Chunks of a capture's flow: `[dir (0 = to server)][len u16 be][bytes]`.
fn chunks(b: &[u8]) -> Vec<(Direction, &[u8])> {
    let mut v = Vec::new();
    let mut i = 0;
    while i + 3 <= b.len() {
        let d = if b[i] == 0 { ToServer } else { ToClient };
        let l = usize::from(u16::from_be_bytes([b[i + 1], b[i + 2]]));
        v.push((d, &b[i + 3..i + 3 + l]));
        i += 3 + l;
    }
    v
}

#[test]
fn conformance_bug_5780_exchange() {
    // bug-5780-01-http2-header: Go client, Cloudflare server, gzip response.
    let data = include_bytes!("testdata/bug5780.bin");
    let (p, out) = run(&chunks(data));
    assert!(!p.is_dead());
    let recs = http2_records(&out);
    assert_eq!(recs.len(), 3);
    let by_tx = |id: u64| recs.iter().find(|r| r["tx_id"] == id).unwrap();
    assert_eq!(
        by_tx(0)["http2"]["response"]["settings"],
        json!([{"settings_id": "SETTINGSMAXCONCURRENTSTREAMS", "settings_value": 256},
               {"settings_id": "SETTINGSINITIALWINDOWSIZE", "settings_value": 65536},
               {"settings_id": "SETTINGSMAXFRAMESIZE", "settings_value": 16777215}])
    );
    assert_eq!(
        by_tx(2)["http2"]["request"]["settings"][2]["settings_value"],
        10485760
    );
    let t = by_tx(4);
    assert_eq!(t["url"], "/watchdog/watchdog.exe");
    assert_eq!(t["http_method"], "GET");
    assert_eq!(t["status"], 404);
    assert_eq!(t["http_user_agent"], "Go-http-client/2.0");
    assert!(t.get("hostname").is_none());
    assert_eq!(
        t["request_headers"][0],
        json!({"name": ":authority", "value": "bugertor.com"})
    );
    assert_eq!(t["response_headers"].as_array().unwrap().len(), 13);
    assert_eq!(t["response_headers"][12]["name"], "alt-svc");
    let Some(Record::FileInfo(f)) = out
        .iter()
        .map(|e| &e.record)
        .find(|r| matches!(r, Record::FileInfo(_)))
    else {
        panic!()
    };
    assert_eq!((f.size, f.tx_id, f.state), (219, 4, "CLOSED"));
    let Some(Record::Http2(tx)) = out
        .iter()
        .map(|e| &e.record)
        .find(|r| matches!(r, Record::Http2(t) if t.stream_id == 1))
    else {
        panic!()
    };
    assert!(tx.response_body.starts_with(b"<!DOCTYPE HTML PUBLIC"));
    assert_eq!(tx.host().as_deref(), Some(&b"bugertor.com"[..]));
}

#[test]
fn conformance_h2c_upgrade_through_app_layer() {
    // transform-strip-pseudo-headers, first flow: curl --http2 against an h2c server.
    use crate::{AppConfig, AppLayer, AppProto, Cx};
    let data = include_bytes!("testdata/h2c.bin");
    let mut h = Harness::new();
    h.flow.server_port = 8080;
    let cfg = AppConfig::default();
    let mut app = AppLayer::default();
    for (d, c) in chunks(data) {
        let mut cx = Cx {
            ts: h.ts,
            flow: &h.flow,
            out: &mut h.out,
            expect: &mut h.expect,
        };
        app.on_tcp(&cfg, d, flow::Chunk::Data(c), &mut cx);
    }
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    app.on_close(&mut cx);
    assert_eq!(app.proto(), Some(AppProto::Http2));
    assert_eq!(app.proto_orig(), Some(AppProto::Http));
    let h1: Vec<_> = h
        .out
        .iter()
        .filter(|e| matches!(e.record, Record::Http(_)))
        .collect();
    assert_eq!(h1.len(), 1);
    let recs = http2_records(&h.out);
    let ids: Vec<u64> = recs.iter().map(|r| r["tx_id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    for id in [0, 1, 2, 4] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let s1 = recs.iter().find(|r| r["tx_id"] == 0).unwrap();
    assert_eq!(s1["http2"]["stream_id"], 1);
    assert_eq!(
        s1["request_headers"],
        json!([{"name": ":method", "value": "GET"}, {"name": ":path", "value": "/eicar"},
            {"name": ":authority", "value": "127.0.0.1:8080"}, {"name": "User-Agent", "value": "curl/7.64.1"},
            {"name": "Accept", "value": "*/*"}, {"name": "Connection", "value": "Upgrade, HTTP2-Settings"},
            {"name": "Upgrade", "value": "h2c"}, {"name": "Range", "value": "bytes=0-10"}])
    );
    assert_eq!(s1["http2"]["response"], json!({"error_code": "NoError"}));
    assert_eq!(
        (s1["status"].clone(), s1["length"].clone()),
        (json!(206), json!(11))
    );
    let s1tx = recs.iter().find(|r| r["tx_id"] == 1).unwrap();
    assert_eq!(
        s1tx["http2"]["request"]["settings"][1]["settings_value"],
        1073741824
    );
}

#[test]
fn upgrade_request_without_request_seen() {
    let req = UpgradeRequest::default();
    let p = Http2Parser::with_upgrade(&Http2Config::default(), &req);
    assert_eq!(p.open_txs(), 0);
    let req = UpgradeRequest {
        method: Some(b"GET".to_vec()),
        uri: None,
        headers: vec![(b"HTTP2-Settings".to_vec(), b"!!".to_vec())],
    };
    let mut h = Harness::new();
    let mut p = Http2Parser::with_upgrade(&Http2Config::default(), &req);
    h.close(&mut p);
    assert!(h
        .out
        .iter()
        .any(|e| matches!(&e.record, Record::Anomaly(a) if a.event == "invalid_http1_settings")));
}

#[test]
fn h2c_switch_in_the_middle_of_a_chunk() {
    // The server's SETTINGS follow the 101 in the same chunk: they are detected and parsed as
    // HTTP/2 (Suricata re-feeds what the HTTP/1 parser did not consume).
    use crate::{AppConfig, AppLayer, AppProto, Cx};
    let mut h = Harness::new();
    h.flow.server_port = 80;
    let cfg = AppConfig::default();
    let mut app = AppLayer::default();
    let req: &[u8] =
        b"GET /robots.txt HTTP/1.1\r\nHost: nghttp2.org\r\nConnection: Upgrade, HTTP2-Settings\r\n\
Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
    let mut resp =
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".to_vec();
    resp.extend(frame(
        ftype::SETTINGS,
        0,
        0,
        &hex("0003 00000064 0004 00100000 0001 00002000"),
    ));
    let mut feed = |h: &mut Harness, d: Direction, b: &[u8]| {
        let mut cx = Cx {
            ts: h.ts,
            flow: &h.flow,
            out: &mut h.out,
            expect: &mut h.expect,
        };
        app.on_tcp(&cfg, d, flow::Chunk::Data(b), &mut cx);
    };
    feed(&mut h, ToServer, req);
    feed(&mut h, ToClient, &resp);
    let mut c = MAGIC.to_vec();
    c.extend(frame(ftype::SETTINGS, 0, 0, &hex("0003 00000064")));
    feed(&mut h, ToServer, &c);
    let mut cx = Cx {
        ts: h.ts,
        flow: &h.flow,
        out: &mut h.out,
        expect: &mut h.expect,
    };
    app.on_close(&mut cx);
    assert_eq!(app.proto(), Some(AppProto::Http2));
    let recs = http2_records(&h.out);
    let server = recs
        .iter()
        .find(|r| r["http2"]["response"].get("settings").is_some())
        .expect("server settings logged");
    assert_eq!(
        server["http2"]["response"]["settings"][2]["settings_id"],
        "SETTINGSHEADERTABLESIZE"
    );
    // stream 1 from the upgrade request, the HTTP2-Settings, the client's SETTINGS
    let s1 = recs.iter().find(|r| r["http2"]["stream_id"] == 1).unwrap();
    assert_eq!(s1["url"], "/robots.txt");
    assert_eq!(s1["tx_id"], 0);
    assert_eq!(
        recs.iter()
            .filter(|r| r["http2"]["request"].get("settings").is_some())
            .count(),
        2
    );
}

#[test]
fn event_names_are_those_of_the_enum() {
    let names: Vec<&str> = Http2Event::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(names, super::EVENTS);
    assert_eq!(crate::app_events(crate::AppProto::Http2), Some(super::EVENTS));
}
