//! Fuzzes the ENIP parser alone and behind protocol detection, over TCP (see `stream_driver`)
//! and UDP (see `datagram_driver`), on port 44818.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;
#[path = "stream_driver.rs"]
mod stream_driver;

fuzz_target!(|data: &[u8]| {
    stream_driver::drive(data, 44818, &mut app::enip::EnipParser::new());
    datagram_driver::drive(data, 44818, &mut app::enip::EnipParser::new(), &|e| {
        if let app::Record::Enip(r) = &e.record {
            assert!(r.services.len() <= 33);
        }
    });
});
