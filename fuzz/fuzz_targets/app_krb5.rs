//! Fuzzes the Kerberos 5 parser: first byte bit 0 picks TCP (record marks, see
//! `stream_driver`) or UDP (see `datagram_driver`); each alone and behind protocol detection.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;
#[path = "stream_driver.rs"]
mod stream_driver;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 != 0 {
        stream_driver::drive(rest, 88, &mut app::krb5::Krb5Parser::new_tcp());
    } else {
        datagram_driver::drive(rest, 88, &mut app::krb5::Krb5Parser::new_udp(), &|e| {
            if let app::Record::Krb5(r) = &e.record {
                let _ = serde_json::to_string(r);
            }
        });
    }
});
