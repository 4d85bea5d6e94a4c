//! DNS parser tests against Suricata 7.0.10's EVE output for real captures.

use super::*;
use crate::{Expectations, FlowInfo};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use wire::Timestamp;

fn flow() -> FlowInfo {
    FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(192, 168, 77, 10)),
        server: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 53)),
        client_port: 40000,
        server_port: 53,
        proto: 17,
    }
}

/// Feeds `data` in `dir` and returns the DNS records produced.
fn feed(p: &mut DnsParser, dir: Direction, data: &[u8]) -> Vec<DnsRecord> {
    let f = flow();
    let mut out = Vec::new();
    let mut ex = Expectations::default();
    let mut cx = Cx {
        ts: Timestamp(0),
        flow: &f,
        out: &mut out,
        expect: &mut ex,
    };
    p.on_data(dir, data, &mut cx);
    out.into_iter()
        .map(|e| match e.record {
            Record::Dns(r) => {
                assert_eq!(e.dir, dir);
                assert_eq!(e.tx_id, Some(r.tx_id));
                *r
            }
            other => panic!("unexpected record {other:?}"),
        })
        .collect()
}

fn json(r: &DnsRecord) -> String {
    serde_json::to_string(r).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// (flow key, direction, payload) of each DNS datagram of a capture.
fn datagrams(udp: &str) -> Vec<(String, Direction, Vec<u8>)> {
    udp.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut it = l.split(' ');
            let key = it.next().unwrap().to_string();
            let dir = if it.next().unwrap() == ">" {
                Direction::ToServer
            } else {
                Direction::ToClient
            };
            (key, dir, unhex(it.next().unwrap()))
        })
        .collect()
}

/// Replays a capture's datagrams, one parser per flow, and compares with Suricata's events.
fn replay(udp: &str, eve: &str) {
    let mut parsers: HashMap<String, DnsParser> = HashMap::new();
    let mut got = Vec::new();
    for (key, dir, data) in datagrams(udp) {
        let p = parsers.entry(key).or_insert_with(DnsParser::new_udp);
        got.extend(feed(p, dir, &data).iter().map(json));
    }
    let want: Vec<&str> = eve.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(got.len(), want.len(), "event count");
    for (g, w) in got.iter().zip(want) {
        let gv: serde_json::Value = serde_json::from_str(g).unwrap();
        let wv: serde_json::Value = serde_json::from_str(w).unwrap();
        assert_eq!(gv, wv, "\n got: {g}\nwant: {w}");
        // Field order too, except where Suricata's grouped map has unspecified order.
        let multi_group = wv
            .get("grouped")
            .and_then(|g| g.as_object())
            .is_some_and(|g| g.len() > 1);
        if !multi_group {
            assert_eq!(g, w);
        }
    }
}

#[test]
fn urlhaus_capture_matches_suricata() {
    replay(
        include_str!("testdata/urlhaus.udp"),
        include_str!("testdata/urlhaus.eve"),
    );
}

#[test]
fn cname_chain_and_soa_authority() {
    replay(
        include_str!("testdata/zflag.udp"),
        include_str!("testdata/zflag.eve"),
    );
}

#[test]
fn ns_authorities() {
    replay(
        include_str!("testdata/smtp.udp"),
        include_str!("testdata/smtp.eve"),
    );
}

#[test]
fn txt_answer() {
    replay(include_str!("testdata/txt.udp"), include_str!("testdata/txt.eve"));
}

#[test]
fn nxdomain_with_soa() {
    replay(
        include_str!("testdata/nxdomain.udp"),
        include_str!("testdata/nxdomain.eve"),
    );
}

#[test]
fn root_name_query() {
    replay(
        include_str!("testdata/emptyname.udp"),
        include_str!("testdata/emptyname.eve"),
    );
}

fn first_exchange() -> (Vec<u8>, Vec<u8>) {
    let d = datagrams(include_str!("testdata/urlhaus.udp"));
    (d[0].2.clone(), d[1].2.clone())
}

#[test]
fn tx_ids_count_every_message() {
    let (q, a) = first_exchange();
    let mut p = DnsParser::new_udp();
    let r = feed(&mut p, Direction::ToServer, &q);
    assert_eq!((r.len(), r[0].tx_id, r[0].kind()), (1, 0, DnsRecordKind::Query));
    assert_eq!(
        r[0].query_names().collect::<Vec<_>>(),
        vec![&b"verifyyourconnect.com"[..]]
    );
    assert_eq!(r[0].rrtype(), Some(1));
    assert_eq!(r[0].opcode(), 0);
    let r = feed(&mut p, Direction::ToClient, &a);
    assert_eq!((r.len(), r[0].tx_id, r[0].kind()), (1, 1, DnsRecordKind::Answer));
    assert_eq!(r[0].query_names().count(), 0);
    let r = feed(&mut p, Direction::ToServer, &q);
    assert_eq!(r[0].tx_id, 2);
    assert!(json(&r[0]).contains("\"tx_id\":2"));
    assert_eq!(p.stats.messages, 3);
}

#[test]
fn truncated_datagrams_log_nothing() {
    let (q, a) = first_exchange();
    // Query: header, question "verifyyourconnect.com" A IN (ends at 39), then an OPT
    // additional record that is never parsed. Response: the answer record ends at 55.
    for (msg, dir, complete_at) in [(&q, Direction::ToServer, 39), (&a, Direction::ToClient, 55)] {
        for n in 0..msg.len() {
            let mut p = DnsParser::new_udp();
            let r = feed(&mut p, dir, &msg[..n]);
            assert_eq!(r.len(), usize::from(n >= complete_at), "prefix {n}");
        }
    }
}

#[test]
fn request_with_qr_set_is_not_a_transaction() {
    let (_, a) = first_exchange();
    let mut p = DnsParser::new_udp();
    assert!(feed(&mut p, Direction::ToServer, &a).is_empty());
    assert_eq!(p.stats.malformed, 1);
    // A query seen in the response direction is still logged as an answer.
    let (q, _) = first_exchange();
    let r = feed(&mut p, Direction::ToClient, &q);
    assert_eq!(r.len(), 1);
    assert_eq!(
        json(&r[0]),
        r#"{"version":2,"type":"answer","id":8055,"flags":"120","rd":true,"opcode":0,"rrname":"verifyyourconnect.com","rrtype":"A","rcode":"NOERROR"}"#
    );
    assert_eq!(r[0].tx_id, 0);
}

#[test]
fn compression_loop_in_answer() {
    // Response: question "a", answer CNAME whose rdata points at itself.
    let mut msg = vec![0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    msg.extend_from_slice(&[1, b'a', 0, 0, 5, 0, 1]);
    msg.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 31]);
    let mut p = DnsParser::new_udp();
    // The rdata pointer points at itself before any pointer was followed: a parse error.
    assert!(feed(&mut p, Direction::ToClient, &msg).is_empty());
    // Now the rdata points at a pointer to itself, placed after the counted records.
    let n = msg.len();
    msg[n - 1] = 33;
    msg.extend_from_slice(&[0xc0, 33]);
    let r = feed(&mut p, Direction::ToClient, &msg);
    assert_eq!(r.len(), 1);
    let j = json(&r[0]);
    // The second pointer is the self-reference: an empty, loop-flagged name.
    assert!(
        j.contains(r#""answers":[{"rrname":"a","rrtype":"CNAME","ttl":60,"rdata":""}]"#),
        "{j}"
    );
    assert!(r[0].msg.name_flags.contains(NameFlags::INFINITE_LOOP));
}

#[test]
fn query_name_pointer_loop_fails() {
    let mut msg = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let mut p = DnsParser::new_udp();
    assert!(feed(&mut p, Direction::ToServer, &msg).is_empty());
    assert!(!probe_udp(&msg));
}

#[test]
fn multiple_questions_log_one_event_each() {
    let mut msg = vec![0, 7, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&[1, b'a', 0, 0, 1, 0, 1, 1, b'b', 0xc0, 12, 0, 28, 0, 1]);
    let mut p = DnsParser::new_udp();
    let r = feed(&mut p, Direction::ToServer, &msg);
    let j: Vec<String> = r.iter().map(json).collect();
    assert_eq!(
        j,
        vec![
            r#"{"version":2,"type":"query","id":7,"rrname":"a","rrtype":"A","tx_id":0,"opcode":0}"#,
            r#"{"version":2,"type":"query","id":7,"rrname":"b.a","rrtype":"AAAA","tx_id":0,"opcode":0}"#,
        ]
    );
    assert_eq!(
        r[1].query_names().collect::<Vec<_>>(),
        vec![&b"a"[..], &b"b.a"[..]]
    );
}

#[test]
fn z_flag_and_non_utf8_name() {
    let mut msg = vec![0, 9, 0x01, 0x40, 0, 1, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&[2, b'x', 0xff, 0, 0, 64, 0, 1]);
    let mut p = DnsParser::new_udp();
    let r = feed(&mut p, Direction::ToServer, &msg);
    assert_eq!(
        json(&r[0]),
        r#"{"version":2,"type":"query","id":9,"rrname":"x\\xff","rrtype":"64","tx_id":0,"z":true,"opcode":0}"#
    );
}

#[test]
fn rdata_kinds_render_like_suricata() {
    // Response with MX, SRV, SSHFP, AAAA, NULL and an unknown type (HTTPS).
    let mut msg = vec![0, 1, 0x84, 0x00, 0, 1, 0, 6, 0, 0, 0, 0];
    msg.extend_from_slice(&[1, b'a', 0, 0, 255, 0, 1]); // question a/ANY at 12
    let rr = |msg: &mut Vec<u8>, t: u16, data: &[u8]| {
        msg.extend_from_slice(&[0xc0, 12]);
        msg.extend_from_slice(&t.to_be_bytes());
        msg.extend_from_slice(&[0, 1, 0, 0, 0, 1]);
        msg.extend_from_slice(&(data.len() as u16).to_be_bytes());
        msg.extend_from_slice(data);
    };
    rr(&mut msg, 15, &[0, 10, 2, b'm', b'x', 0xc0, 12]);
    rr(&mut msg, 33, &[0, 1, 0, 2, 0x13, 0xc4, 0xc0, 12]);
    rr(&mut msg, 44, &[1, 2, 0xab, 0xcd]);
    rr(
        &mut msg,
        28,
        &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    );
    rr(&mut msg, 10, b"raw");
    rr(&mut msg, 65, &[0, 1, 0]);
    let mut p = DnsParser::new_udp();
    let r = feed(&mut p, Direction::ToClient, &msg);
    assert_eq!(
        json(&r[0]),
        concat!(
            r#"{"version":2,"type":"answer","id":1,"flags":"8400","qr":true,"aa":true,"opcode":0,"rrname":"a","rrtype":"ANY","rcode":"NOERROR","answers":["#,
            r#"{"rrname":"a","rrtype":"MX","ttl":1,"rdata":"mx.a"},"#,
            r#"{"rrname":"a","rrtype":"SRV","ttl":1,"srv":{"priority":1,"weight":2,"port":5060,"name":"a"}},"#,
            r#"{"rrname":"a","rrtype":"SSHFP","ttl":1,"sshfp":{"fingerprint":"ab:cd","algo":1,"type":2}},"#,
            r#"{"rrname":"a","rrtype":"AAAA","ttl":1,"rdata":"2001:0db8:0000:0000:0000:0000:0000:0001"},"#,
            r#"{"rrname":"a","rrtype":"NULL","ttl":1,"rdata":"raw"},"#,
            r#"{"rrname":"a","rrtype":"HTTPS","ttl":1}],"#,
            r#""grouped":{"MX":["mx.a"],"SRV":[{"priority":1,"weight":2,"port":5060,"name":"a"}],"#,
            r#""SSHFP":[{"fingerprint":"ab:cd","algo":1,"type":2}],"AAAA":["2001:0db8:0000:0000:0000:0000:0000:0001"],"NULL":["raw"]}}"#
        )
    );
}

fn tcp_stream(msgs: &[&[u8]]) -> Vec<u8> {
    let mut s = Vec::new();
    for m in msgs {
        s.extend_from_slice(&(m.len() as u16).to_be_bytes());
        s.extend_from_slice(m);
    }
    s
}

#[test]
fn tcp_split_at_every_byte() {
    let (q, a) = first_exchange();
    let qs = tcp_stream(&[&q, &q]);
    let as_ = tcp_stream(&[&a]);
    let mut want_p = DnsParser::new_udp();
    let want_q = json(&feed(&mut want_p, Direction::ToServer, &q)[0]);
    let want_a = json(&feed(&mut want_p, Direction::ToClient, &a)[0]);
    for cut in 0..=qs.len() {
        let mut p = DnsParser::new_tcp();
        let mut r = feed(&mut p, Direction::ToServer, &qs[..cut]);
        r.extend(feed(&mut p, Direction::ToServer, &qs[cut..]));
        assert_eq!(r.len(), 2, "cut {cut}");
        assert_eq!(json(&r[0]), want_q);
        assert_eq!(r[1].tx_id, 1);
        let cut_a = cut.min(as_.len());
        let mut r = feed(&mut p, Direction::ToClient, &as_[..cut_a]);
        r.extend(feed(&mut p, Direction::ToClient, &as_[cut_a..]));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].tx_id, 2);
        assert_eq!(json(&r[0]).replace("\"tx_id\":2", ""), want_a);
    }
    // One byte at a time.
    let mut p = DnsParser::new_tcp();
    let n: usize = qs
        .chunks(1)
        .map(|c| feed(&mut p, Direction::ToServer, c).len())
        .sum();
    assert_eq!(n, 2);
}

#[test]
fn tcp_zero_length_prefix_skipped_and_error_stops() {
    let (q, _) = first_exchange();
    let mut s = vec![0, 0];
    s.extend(tcp_stream(&[&q]));
    let mut p = DnsParser::new_tcp();
    assert_eq!(feed(&mut p, Direction::ToServer, &s).len(), 1);
    // A message whose header is implausible is a parser error on TCP.
    let bad = tcp_stream(&[&[0u8, 1, 1, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]]);
    assert!(feed(&mut p, Direction::ToServer, &bad).is_empty());
    assert!(p.failed());
    assert!(feed(&mut p, Direction::ToServer, &tcp_stream(&[&q])).is_empty());
}

#[test]
fn tcp_gap_resyncs_on_dns() {
    let (q, a) = first_exchange();
    let s = tcp_stream(&[&q]);
    let mut p = DnsParser::new_tcp();
    assert!(feed(&mut p, Direction::ToServer, &s[..10]).is_empty());
    {
        let f = flow();
        let mut out = Vec::new();
        let mut ex = Expectations::default();
        let mut cx = Cx {
            ts: Timestamp(0),
            flow: &f,
            out: &mut out,
            expect: &mut ex,
        };
        p.on_gap(Direction::ToServer, 100, &mut cx);
    }
    // Garbage in the response direction is skipped, a real message resyncs.
    assert!(feed(&mut p, Direction::ToClient, b"garbage-garbage-garbage").is_empty());
    assert!(!p.failed());
    assert_eq!(feed(&mut p, Direction::ToClient, &tcp_stream(&[&a])).len(), 1);
    assert_eq!(feed(&mut p, Direction::ToServer, &s).len(), 1);
}

#[test]
fn probes() {
    let (q, a) = first_exchange();
    assert_eq!(probe_udp_request(&q), Some(true));
    assert_eq!(probe_udp_request(&a), Some(false));
    assert!(probe_udp(&q[..12]) || !probe_udp(&q[..12]));
    assert!(!probe_udp(&q[..11]));
    assert!(!probe_udp(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    let s = tcp_stream(&[&q]);
    assert_eq!(probe_tcp_request(&s), Some(true));
    assert!(probe_tcp(&s[..14]));
    assert!(!probe_tcp(&s[..13]));
    assert!(!probe_tcp(
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\x00\x00"
    ));
}

#[test]
fn garbage_never_panics() {
    // Deterministic pseudo-random inputs through both parsers.
    let mut x: u32 = 0x1234_5678;
    for len in 0..300 {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x & 0xff) as u8
            })
            .collect();
        for tcp in [false, true] {
            let mut p = if tcp {
                DnsParser::new_tcp()
            } else {
                DnsParser::new_udp()
            };
            let _ = feed(&mut p, Direction::ToServer, &data);
            let _ = feed(&mut p, Direction::ToClient, &data);
            let _ = probe_udp(&data);
            let _ = probe_tcp(&data);
        }
    }
}
