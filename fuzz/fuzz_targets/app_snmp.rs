//! Fuzzes the SNMP parser alone and behind protocol detection (see `datagram_driver`).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "datagram_driver.rs"]
mod datagram_driver;
#[path = "harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    datagram_driver::drive(data, 161, &mut app::snmp::SnmpParser::new(), &|e| {
        if let app::Record::Snmp(r) = &e.record {
            let _ = serde_json::to_string(r);
            let _ = r.pdu_type_value();
        }
    });
});
