//! `sip.*` buffers and `frame:` on SIP/UDP messages, each inspected on its own side.

mod common;

use app::sip::{SipParser, SipRecord};
use app::{AppProto, Cx, Expectations, FlowInfo, Parser, Record};
use common::engine;
use detect::Engine;
use flow::Direction;

/// The record the SIP parser (frames on) makes of one datagram.
fn record(dir: Direction, msg: &[u8]) -> Record {
    let flow = FlowInfo {
        id: 1,
        client: "10.0.0.1".parse().unwrap(),
        server: "10.0.0.2".parse().unwrap(),
        client_port: 5060,
        server_port: 5060,
        proto: 17,
    };
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut cx = Cx {
        ts: wire::Timestamp(1),
        flow: &flow,
        out: &mut out,
        expect: &mut expect,
    };
    SipParser::new(true).on_data(dir, msg, &mut cx);
    out.pop().expect("a record").record
}

/// Sids of the alerts of one inspection of `rec` on a UDP flow of protocol `proto`.
fn alerts(e: &Engine, proto: AppProto, udp: bool, rec: &Record) -> Vec<u32> {
    let mut p = common::packet(proto);
    p.proto = if udp { 17 } else { 6 };
    p.tcp_flags = None;
    common::inspect(e, &p, rec)
        .into_iter()
        .map(|(sid, _)| sid)
        .collect()
}

const RULES: &str = r#"alert sip any any -> any any (sip.method; content:"INVITE"; sid:1;)
alert sip any any -> any any (sip.uri; content:"@bestel.com"; sid:2;)
alert sip any any -> any any (sip.request_line; content:"INVITE sip:"; startswith; sid:3;)
alert sip any any -> any any (sip.protocol; content:"SIP/2.0"; bsize:7; sid:4;)
alert sip any any -> any any (sip.stat_code; content:"180"; sid:5;)
alert sip any any -> any any (sip.stat_msg; content:"Ringing"; sid:6;)
alert sip any any -> any any (sip.response_line; content:"SIP/2.0 180 Ringing"; bsize:19; sid:7;)
alert sip any any -> any any (flow:to_server; frame:pdu; content:"INVITE"; startswith; sid:8;)
alert sip any any -> any any (frame:request.body; content:"v=0"; startswith; sid:9;)
alert sip any any -> any any (frame:response.headers; content:"Via:"; startswith; sid:10;)
alert udp any any -> any any (frame:sip.pdu; content:"SIP/2.0 180"; startswith; sid:11;)
alert sip any any -> any any (flow:to_client; frame:sip.response.line; content:"|0d 0a|"; endswith; sid:12;)"#;

#[test]
fn sip_rules_load_and_match_their_side() {
    let (e, r) = engine(RULES);
    assert_eq!((r.loaded, r.skipped.len()), (12, 0), "{:?}", r.skipped);
    let invite = record(
        Direction::ToServer,
        b"INVITE sip:f@bestel.com SIP/2.0\r\nVia: x\r\n\r\nv=0\r\n",
    );
    assert_eq!(alerts(&e, AppProto::Sip, true, &invite), vec![1, 2, 3, 4, 8, 9]);
    let ringing = record(
        Direction::ToClient,
        b"SIP/2.0 180 Ringing\r\nVia: y\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(
        alerts(&e, AppProto::Sip, true, &ringing),
        vec![4, 5, 6, 7, 10, 11, 12]
    );
    // Not on another protocol's flow, nor over TCP (Suricata 7 has SIP on UDP only).
    assert!(alerts(&e, AppProto::Dns, true, &invite).is_empty());
    assert!(alerts(&e, AppProto::Sip, false, &invite).is_empty());
}

#[test]
fn a_datagram_that_does_not_parse_has_its_pdu_frame_only() {
    let (e, _) = engine(RULES);
    // A response sent to the server: no transaction, only the pdu frame.
    let bad = record(Direction::ToServer, b"SIP/2.0 180 Ringing\r\n\r\n");
    assert!(matches!(&bad, Record::Sip(s) if !s.is_tx()));
    assert_eq!(alerts(&e, AppProto::Sip, true, &bad), vec![11]);
}

#[test]
fn other_protocols_frames_and_buffers_are_refused() {
    let (_, r) = engine(
        r#"alert sip any any -> any any (frame:sip.request_line; content:"x"; sid:1;)
alert sip any any -> any any (http.uri; content:"x"; sid:2;)
alert sip any any -> any any (frame:http1.request; content:"x"; sid:3;)
alert http any any -> any any (sip.method; content:"x"; sid:4;)"#,
    );
    assert_eq!(r.loaded, 0);
    assert_eq!(r.skipped.len(), 4);
}

#[test]
fn records_keep_the_datagram() {
    let rec = record(Direction::ToClient, b"SIP/2.0 200 OK\r\n\r\n");
    let Record::Sip(s) = rec else { panic!() };
    let s: &SipRecord = &s;
    assert_eq!(s.msg, b"SIP/2.0 200 OK\r\n\r\n".to_vec());
    assert_eq!(s.code(), Some(&b"200"[..]));
}
