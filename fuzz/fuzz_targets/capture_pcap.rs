//! Fuzzes the pcap/pcapng reader (and the decoder on every frame it yields): any byte stream
//! must end in frames, `Ok(None)` or a `CaptureError`, never a panic or unbounded memory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(mut pf) = capture::PcapFile::from_reader(Path::new("fuzz"), Cursor::new(data.to_vec())) else {
        return;
    };
    let opts = wire::DecodeOptions::default();
    let mut stats = wire::DecodeStats::default();
    let mut last = pf.offset();
    for _ in 0..100_000 {
        match pf.next_frame() {
            Ok(Some(f)) => {
                assert!(f.data.len() <= data.len());
                let _ = wire::decode(f.link, f.data, &opts, &mut stats);
            }
            Ok(None) | Err(_) => break,
        }
        assert!(pf.offset() > last, "reader must make progress");
        last = pf.offset();
    }
    assert!(pf.offset() <= data.len() as u64);
    // Once ended, the stream stays ended.
    assert!(matches!(pf.next_frame(), Ok(None)));
});
