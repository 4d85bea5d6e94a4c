//! Fuzzes the FTP parser alone and behind protocol detection (see `stream_driver`).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "harness.rs"]
mod harness;
#[path = "stream_driver.rs"]
mod stream_driver;

fuzz_target!(|data: &[u8]| {
    stream_driver::drive(data, 21, &mut app::ftp::FtpParser::new());
});
