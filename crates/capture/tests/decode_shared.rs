//! Reads every capture in /work/shared with `PcapFile` and decodes every frame with `wire`:
//! no panic, sensible counters, exact per-protocol counts for the lab captures.

use std::path::{Path, PathBuf};

use capture::{CaptureError, PcapFile};
use wire::{decode, DecodeOptions, DecodeStats, Defrag, L4};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

fn all_captures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(format!("{SHARED}/pcaps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    for e in std::fs::read_dir(format!("{SHARED}/conformance/cases")).unwrap() {
        v.push(e.unwrap().path().join("input.pcap"));
    }
    v.sort();
    v
}

/// Decodes every frame of a capture (and feeds fragments to a defragmenter, decoding what it
/// rebuilds); returns the stats and the number of frames.
fn decode_file(path: &Path, opts: &DecodeOptions) -> (DecodeStats, u64) {
    let mut pf = PcapFile::open(path).unwrap();
    let mut st = DecodeStats::default();
    let mut defrag = Defrag::default();
    let mut frames = 0u64;
    loop {
        let f = match pf.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(CaptureError::Corrupt { .. }) if path.to_string_lossy().contains("bug-1450-0") => break,
            Err(e) => panic!("{e}"),
        };
        frames += 1;
        if let Ok(p) = decode(f.link, f.data, opts, &mut st) {
            assert!(p.l3.len() >= usize::from(p.ip.header_len));
            assert!(p.payload.len() <= p.l3.len());
            if p.is_fragment() {
                if let Some(d) = defrag.insert(f.ts, &p) {
                    let p2 = wire::decode_ip(&d, opts, &mut st).unwrap();
                    assert!(p2.frag.is_none());
                }
            }
        }
    }
    (st, frames)
}

#[test]
fn decode_every_frame_of_every_shared_capture() {
    let opts = DecodeOptions::default();
    let mut total = DecodeStats::default();
    for path in all_captures() {
        let (st, frames) = decode_file(&path, &opts);
        assert_eq!(st.pkts, frames, "{}", path.display());
        // Every frame is accounted for: IP decoded, or rejected as invalid / unsupported.
        assert!(
            st.ipv4 + st.ipv6 + st.unsupported + st.invalid >= st.pkts,
            "{}: {st:?}",
            path.display()
        );
        total.pkts += st.pkts;
        total.tcp += st.tcp;
        total.udp += st.udp;
        total.invalid += st.invalid;
        total.unsupported += st.unsupported;
        total.fragments += st.fragments;
    }
    eprintln!("all shared captures: {total:?}");
    assert!(total.pkts > 10_000);
    assert!(total.tcp > total.pkts / 2);
}

#[test]
fn lab_capture_protocol_counts() {
    // Counts cross-checked with an independent Python parse of the Ethernet/IPv4 headers.
    let want: &[(&str, u64, u64, u64, u64)] = &[
        // name, tcp, udp, icmpv4, unsupported (ARP)
        ("benign-web", 2009, 48, 0, 0),
        ("hydra-ssh", 328, 0, 0, 4),
        ("nmap-version", 456, 5, 25, 0),
        ("urlhaus-dns", 12, 208, 0, 4),
        ("zmap", 261, 2, 8, 4),
    ];
    for &(name, tcp, udp, icmp, unsupported) in want {
        let path = PathBuf::from(format!("{SHARED}/pcaps/{name}.pcap"));
        let (st, frames) = decode_file(
            &path,
            &DecodeOptions {
                checksums: false,
                ..Default::default()
            },
        );
        assert_eq!(
            (st.tcp, st.udp, st.icmpv4, st.unsupported, st.invalid),
            (tcp, udp, icmp, unsupported, 0),
            "{name}"
        );
        assert_eq!(
            (st.ethernet, st.ipv4, st.ipv6),
            (frames, frames - unsupported, 0),
            "{name}"
        );
        assert_eq!((st.bad_checksum, st.fragments), (0, 0), "{name}");
    }
}

#[test]
fn checksum_validation_on_lab_capture() {
    let path = PathBuf::from(format!("{SHARED}/pcaps/urlhaus-dns.pcap"));
    let (st, _) = decode_file(&path, &DecodeOptions::default());
    eprintln!("urlhaus-dns with checksums: {st:?}");
    assert_eq!(st.udp, 208);
}

/// Rough decode throughput over every shared capture, frames held in memory.
/// `cargo test -p capture --release --test decode_shared -- --ignored --nocapture`
#[test]
#[ignore]
fn decode_throughput() {
    let mut frames: Vec<(wire::LinkType, Vec<u8>)> = Vec::new();
    for path in all_captures() {
        let mut pf = PcapFile::open(&path).unwrap();
        while let Ok(Some(f)) = pf.next_frame() {
            frames.push((f.link, f.data.to_vec()));
        }
    }
    let bytes: usize = frames.iter().map(|f| f.1.len()).sum();
    let t = std::time::Instant::now();
    let mut read = 0usize;
    for _ in 0..20 {
        for path in all_captures() {
            let mut pf = PcapFile::open(&path).unwrap();
            while let Ok(Some(f)) = pf.next_frame() {
                read += f.data.len();
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "PcapFile: {:.1} Mframes/s, {:.2} GB/s (page cache, {} files x 20)",
        (frames.len() * 20) as f64 / secs / 1e6,
        read as f64 / secs / 1e9,
        all_captures().len()
    );
    for checksums in [false, true] {
        let opts = DecodeOptions {
            checksums,
            ..Default::default()
        };
        let mut st = DecodeStats::default();
        let rounds = 50;
        let t = std::time::Instant::now();
        let mut sink = 0usize;
        for _ in 0..rounds {
            for (link, data) in &frames {
                if let Ok(p) = decode(*link, data, &opts, &mut st) {
                    sink += p.payload.len() + usize::from(matches!(p.l4, L4::Tcp(_)));
                }
            }
        }
        let secs = t.elapsed().as_secs_f64();
        let n = (frames.len() * rounds) as f64;
        eprintln!(
            "checksums={checksums}: {} frames x {rounds}: {:.1} Mpps, {:.2} GB/s, {:.0} ns/frame (sink {sink})",
            frames.len(),
            n / secs / 1e6,
            (bytes * rounds) as f64 / secs / 1e9,
            secs / n * 1e9
        );
    }
}
