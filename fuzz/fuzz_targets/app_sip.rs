//! Fuzzes the SIP/UDP parser: both probes, both message parsers, the record accessors, frames
//! and EVE serialization.
//!
//! Input: one mode byte (bit 0: frames on, bits 1-6: datagram size - 1, bit 7: alternate
//! directions per datagram), then the payload, fed whole in each direction, then in datagrams.
#![no_main]
use app::sip::{parse_request, parse_response, SipParser, FRAMES};
use app::{Cx, Expectations, FlowInfo, Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let _ = parse_request(rest);
    let _ = parse_response(rest);
    let chunk = usize::from((mode >> 1) & 0x3f) + 1;
    let alternate = mode & 0x80 != 0;
    let flow = FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        server: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        client_port: 5060,
        server_port: 5060,
        proto: 17,
    };
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut cx = Cx {
        ts: wire::Timestamp(0),
        flow: &flow,
        out: &mut out,
        expect: &mut expect,
    };
    let mut p = SipParser::new(mode & 1 != 0);
    p.on_data(Direction::ToServer, rest, &mut cx);
    p.on_data(Direction::ToClient, rest, &mut cx);
    for (i, c) in rest.chunks(chunk).enumerate() {
        let dir = if alternate && i % 2 == 1 {
            Direction::ToClient
        } else {
            Direction::ToServer
        };
        p.on_data(dir, c, &mut cx);
    }
    p.on_close(&mut cx);
    for e in out {
        if let Record::Sip(r) = e.record {
            let _ = serde_json::to_string(&r);
            let _ = (r.method(), r.uri(), r.version(true), r.version(false));
            let _ = (r.code(), r.reason(), r.line(), r.is_request());
            for f in FRAMES {
                let _ = r.frame(f);
            }
        }
    }
});
