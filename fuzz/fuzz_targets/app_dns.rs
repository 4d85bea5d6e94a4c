//! Fuzzes the DNS parser (UDP and TCP framing), its probes and its EVE serialization.
//!
//! Input: one mode byte (bit 0: TCP, bits 1-6: chunk size - 1, bit 7: alternate directions
//! per chunk), then the payload, fed in chunks.
#![no_main]
use app::dns::{probe_tcp, probe_udp, DnsParser};
use app::{Parser, Record};
use flow::Direction;
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let _ = probe_udp(rest);
    let _ = probe_tcp(rest);
    let tcp = mode & 1 != 0;
    let chunk = usize::from((mode >> 1) & 0x3f) + 1;
    let alternate = mode & 0x80 != 0;
    let mut b = harness::Bench::new(harness::flow_info(5353, 53, if tcp { 6 } else { 17 }));
    let mut cx = b.cx();
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
    for (i, dir, c) in harness::alternating(rest, chunk, alternate) {
        p.on_data(dir, c, &mut cx);
        if tcp && i == 3 && mode & 0x40 != 0 {
            p.on_gap(dir, 7, &mut cx);
        }
    }
    p.on_close(&mut cx);
    for e in b.out {
        if let Record::Dns(r) = e.record {
            let _ = serde_json::to_string(&r);
            let _ = r.query_names().count();
            let _ = (r.rrname(), r.rrtype(), r.opcode(), r.rcode());
        }
    }
});
