//! Fuzzes the SIP/UDP parser: both probes, both message parsers, the record accessors, frames
//! and EVE serialization.
//!
//! Input: one mode byte (bit 0: frames on, bits 1-6: datagram size - 1, bit 7: alternate
//! directions per datagram), then the payload, fed whole in each direction, then in datagrams.
#![no_main]
use app::sip::{parse_request, parse_response, SipParser, FRAMES};
use app::{Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let _ = parse_request(rest);
    let _ = parse_response(rest);
    let chunk = usize::from((mode >> 1) & 0x3f) + 1;
    let alternate = mode & 0x80 != 0;
    let mut b = harness::Bench::new(harness::flow_info(5060, 5060, 17));
    let mut cx = b.cx();
    let mut p = SipParser::new(mode & 1 != 0);
    p.on_data(Direction::ToServer, rest, &mut cx);
    p.on_data(Direction::ToClient, rest, &mut cx);
    for (_, dir, c) in harness::alternating(rest, chunk, alternate) {
        p.on_data(dir, c, &mut cx);
    }
    p.on_close(&mut cx);
    for e in b.out {
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
