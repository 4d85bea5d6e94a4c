//! Fuzzes the TLS parser (record reassembly, handshake, certificates), its probe and its EVE
//! serialization.
//!
//! Input: one mode byte (bits 0-6: chunk size - 1, bit 7: gap after the third chunk), then a
//! client stream and a server stream separated by the first `\xff\xff\xff\xff` (or the whole
//! input as both). Chunks alternate client, server.
#![no_main]
use app::tls::{probe, TlsConfig, TlsParser};
use app::{Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let _ = probe(rest);
    let (client, server) = match rest.windows(4).position(|w| w == b"\xff\xff\xff\xff") {
        Some(i) => (&rest[..i], &rest[i + 4..]),
        None => (rest, rest),
    };
    let chunk = usize::from(mode & 0x7f) + 1;
    let mut b = harness::Bench::new(harness::flow_info(40000, 443, 6));
    let mut cx = b.cx();
    let mut p = TlsParser::with_config(TlsConfig {
        ja3: true,
        ja4: true,
        log_ja4: true,
    });
    let mut c = client.chunks(chunk);
    let mut s = server.chunks(chunk);
    let mut i = 0;
    loop {
        let a = c.next();
        let b = s.next();
        if a.is_none() && b.is_none() {
            break;
        }
        if let Some(a) = a {
            p.on_data(Direction::ToServer, a, &mut cx);
        }
        if let Some(b) = b {
            p.on_data(Direction::ToClient, b, &mut cx);
        }
        i += 1;
        if i == 3 && mode & 0x80 != 0 {
            p.on_gap(Direction::ToClient, 100, &mut cx);
        }
    }
    p.on_close(&mut cx);
    let _ = p.record();
    for e in b.out {
        if let Record::Tls(r) = e.record {
            let _ = serde_json::to_string(&r);
            let _ = (r.sni(), r.ja3_hash(), r.ja4_hash(), r.certs().count());
        }
    }
});
