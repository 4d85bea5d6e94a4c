//! Fuzzes the NFS parser alone and behind protocol detection, over TCP (see `stream_driver`)
//! and UDP (see `datagram_driver`), on port 2049.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;
#[path = "stream_driver.rs"]
mod stream_driver;

fuzz_target!(|data: &[u8]| {
    stream_driver::drive(data, 2049, &mut app::nfs::NfsParser::new_tcp());
    datagram_driver::drive(data, 2049, &mut app::nfs::NfsParser::new_udp(), &|e| {
        if let app::Record::Nfs(r) = &e.record {
            let _ = r.procedures().count();
        }
    });
});
