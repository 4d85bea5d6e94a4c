//! Fuzzes the IKE parser alone and behind protocol detection (see `datagram_driver`).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    datagram_driver::drive(data, 500, &mut app::ike::IkeParser::new(), &|e| {
        if let app::Record::Ike(r) = &e.record {
            let _ = serde_json::to_string(r);
        }
    });
});
