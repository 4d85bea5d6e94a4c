//! Fuzzes the HTTP/1.x parser (both directions, gaps, close) and the serialization of its
//! records and of the inspection buffers.
//!
//! Input: a sequence of chunks separated by a control byte `0xfe`; the byte after each
//! separator picks the direction (bit 0: to client) and may insert a gap first (bit 1, gap length
//! from bits 2-7). Small limits are used so bounds are exercised.
#![no_main]
use app::http::{HttpConfig, HttpParser};
use app::{Parser, Record};
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    let mut b = harness::Bench::new(harness::flow_info(40000, 80, 6));
    let cfg = HttpConfig {
        request_body_limit: 64,
        response_body_limit: 128,
        max_line: 512,
        max_headers: 16,
        max_header_bytes: 2048,
        max_tx: 8,
        ..HttpConfig::default()
    };
    let mut cx = b.cx();
    let mut p = HttpParser::new(&cfg);
    for (dir, gap, chunk) in harness::separated(data) {
        if let Some(gap) = gap {
            p.on_gap(dir, gap, &mut cx);
        }
        p.on_data(dir, chunk, &mut cx);
    }
    p.on_close(&mut cx);
    for e in b.out {
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
