//! Fuzzes the DNS parser (UDP and TCP framing), its probes and its EVE serialization.
//!
//! Input: one mode byte (bit 0: TCP, bits 1-6: chunk size - 1, bit 7: alternate directions
//! per chunk), then the payload, fed in chunks.
#![no_main]
use app::dns::{probe_tcp, probe_udp, DnsParser};
use app::{Cx, Expectations, FlowInfo, Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let _ = probe_udp(rest);
    let _ = probe_tcp(rest);
    let tcp = mode & 1 != 0;
    let chunk = usize::from((mode >> 1) & 0x3f) + 1;
    let alternate = mode & 0x80 != 0;
    let flow = FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        server: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        client_port: 5353,
        server_port: 53,
        proto: if tcp { 6 } else { 17 },
    };
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut cx = Cx {
        ts: wire::Timestamp(0),
        flow: &flow,
        out: &mut out,
        expect: &mut expect,
    };
    let mut p = if tcp {
        DnsParser::new_tcp()
    } else {
        DnsParser::new_udp()
    };
    // UDP: the whole payload once per direction, then the chunks as datagrams.
    if !tcp {
        p.on_data(Direction::ToServer, rest, &mut cx);
        p.on_data(Direction::ToClient, rest, &mut cx);
    }
    for (i, c) in rest.chunks(chunk).enumerate() {
        let dir = if alternate && i % 2 == 1 {
            Direction::ToClient
        } else {
            Direction::ToServer
        };
        p.on_data(dir, c, &mut cx);
        if tcp && i == 3 && mode & 0x40 != 0 {
            p.on_gap(dir, 7, &mut cx);
        }
    }
    p.on_close(&mut cx);
    for e in out {
        if let Record::Dns(r) = e.record {
            let _ = serde_json::to_string(&r);
            let _ = r.query_names().count();
            let _ = (r.rrname(), r.rrtype(), r.opcode(), r.rcode());
        }
    }
});
