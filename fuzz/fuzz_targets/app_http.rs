//! Fuzzes the HTTP/1.x parser (both directions, gaps, close) and the serialization of its
//! records and of the inspection buffers.
//!
//! Input: a sequence of chunks separated by a control byte `0xfe`; the byte after each
//! separator picks the direction (bit 0: to client) and may insert a gap first (bit 1, gap length
//! from bits 2-7). Small limits are used so bounds are exercised.
#![no_main]
use app::http::{HttpConfig, HttpParser};
use app::{Cx, Expectations, FlowInfo, Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fuzz_target!(|data: &[u8]| {
    let flow = FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        server: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        client_port: 40000,
        server_port: 80,
        proto: 6,
    };
    let cfg = HttpConfig {
        request_body_limit: 64,
        response_body_limit: 128,
        max_line: 512,
        max_headers: 16,
        max_header_bytes: 2048,
        max_tx: 8,
        ..HttpConfig::default()
    };
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut cx = Cx {
        ts: wire::Timestamp(0),
        flow: &flow,
        out: &mut out,
        expect: &mut expect,
    };
    let mut p = HttpParser::new(&cfg);
    let mut dir = Direction::ToServer;
    for (i, part) in data.split(|&b| b == 0xfe).enumerate() {
        let mut chunk = part;
        if i > 0 {
            let Some((&ctl, rest)) = part.split_first() else {
                continue;
            };
            dir = if ctl & 1 == 0 {
                Direction::ToServer
            } else {
                Direction::ToClient
            };
            if ctl & 2 != 0 {
                p.on_gap(dir, u32::from(ctl >> 2), &mut cx);
            }
            chunk = rest;
        }
        p.on_data(dir, chunk, &mut cx);
    }
    p.on_close(&mut cx);
    for e in out {
        match e.record {
            Record::Http(tx) => {
                let _ = serde_json::to_string(&*tx);
                let _ = (tx.request_start(), tx.response_start(), tx.request_header_names());
                assert!(tx.request_body.len() <= 64 && tx.response_body.len() <= 128);
            }
            Record::FileInfo(f) => {
                let _ = serde_json::to_string(&*f);
            }
            _ => {}
        }
    }
});
