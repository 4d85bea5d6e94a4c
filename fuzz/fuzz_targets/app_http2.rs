//! Fuzzes the HTTP/2 parser (frames both ways, HPACK, CONTINUATION, bodies, gaps, close), the
//! serialization of its records and its inspection buffers, and HPACK decoding alone.
//!
//! Input: the first byte picks the setup (bit 0: send the client preface first, bit 1: start
//! from an h2c upgrade); the rest is a sequence of chunks separated by a control byte `0xfe`;
//! the byte after each separator picks the direction (bit 0: to client) and may insert a gap
//! first (bit 1). Small limits are used so bounds are exercised.
#![no_main]
use app::http2::{frame::MAGIC, hpack, Http2Config, Http2Parser, UpgradeRequest};
use app::{Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    let Some((&setup, data)) = data.split_first() else {
        return;
    };
    // HPACK alone, with a small table.
    let mut table = hpack::DynTable::new(512);
    let mut fields = Vec::new();
    let _ = hpack::decode_block(data, &mut table, &mut fields, 64);
    assert!(fields.len() <= 64);

    let mut b = harness::Bench::new(harness::flow_info(40000, 80, 6));
    let cfg = Http2Config {
        max_streams: 16,
        max_table_size: 1024,
        max_reassembly: 512,
        max_headers: 32,
        max_fields_held: 128,
        request_body_limit: 64,
        response_body_limit: 128,
        ..Http2Config::default()
    };
    let mut cx = b.cx();
    let mut p = if setup & 2 != 0 {
        let req = UpgradeRequest {
            method: Some(b"GET".to_vec()),
            uri: Some(b"/".to_vec()),
            headers: vec![
                (b"Host".to_vec(), b"example".to_vec()),
                (b"HTTP2-Settings".to_vec(), b"AAMAAABkAARAAAAAAAIAAAAA".to_vec()),
            ],
        };
        Http2Parser::with_upgrade(&cfg, &req)
    } else {
        Http2Parser::new(&cfg)
    };
    if setup & 1 != 0 {
        p.on_data(Direction::ToServer, MAGIC, &mut cx);
    }
    for (dir, gap, chunk) in harness::separated(data) {
        if let Some(gap) = gap {
            p.on_gap(dir, gap, &mut cx);
        }
        p.on_data(dir, chunk, &mut cx);
    }
    p.on_close(&mut cx);
    assert!(p.open_txs() <= 16);
    for e in b.out {
        match e.record {
            Record::Http2(tx) => {
                let _ = serde_json::to_string(&*tx);
                let _ = (tx.method(), tx.uri(), tx.host(), tx.user_agent(), tx.stat_code());
                let _ = (
                    tx.request_line(),
                    tx.response_line(),
                    tx.cookie(Direction::ToServer),
                );
                for d in [Direction::ToServer, Direction::ToClient] {
                    let _ = (tx.header_block(d), tx.header_block_raw(d), tx.header_names(d));
                    assert!(tx.fields(d).count() <= 32);
                    let _ = tx.header_lines(d).count();
                }
                assert!(tx.request_body.len() <= 64 && tx.response_body.len() <= 128);
            }
            Record::FileInfo(f) => {
                let _ = serde_json::to_string(&*f);
            }
            Record::Anomaly(a) => {
                let _ = serde_json::to_string(&*a);
            }
            _ => {}
        }
    }
});
