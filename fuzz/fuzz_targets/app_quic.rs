//! Fuzzes the QUIC parser alone and behind protocol detection (see `datagram_driver`).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    datagram_driver::drive(data, 443, &mut app::quic::QuicParser::new(), &|e| {
        if let app::Record::Quic(r) = &e.record {
            let _ = serde_json::to_string(r);
        }
    });
});
