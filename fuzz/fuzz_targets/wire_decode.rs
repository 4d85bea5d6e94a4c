//! Fuzzes frame decoding for every link type: first byte picks the link type and whether
//! checksums are verified, the rest is the frame. Checks the invariants of a decoded packet.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{decode, decode_ip, DecodeOptions, DecodeStats, LinkType, L4};

const LINKS: [LinkType; 7] = [
    LinkType::Ethernet,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Null,
    LinkType::Raw,
    LinkType::Ipv4,
    LinkType::Ipv6,
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, frame)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(sel & 0x7) % LINKS.len()];
    let opts = DecodeOptions {
        checksums: sel & 0x80 != 0,
    };
    let mut stats = DecodeStats::default();
    match decode(link, frame, &opts, &mut stats) {
        Ok(p) => {
            assert!(p.vlan_count <= 2);
            assert!(p.l3.len() >= usize::from(p.ip.header_len));
            assert!(p.payload.len() <= p.l3.len());
            if p.frag.is_some_and(|f| f.offset > 0) {
                assert_eq!(p.l4, L4::Other);
            }
            if !opts.checksums {
                assert!(p.ip.checksum_ok);
                assert_eq!(stats.bad_checksum, 0);
            }
            // The IP datagram decodes alike on its own.
            let mut st2 = DecodeStats::default();
            let q = decode_ip(p.l3, &opts, &mut st2).expect("l3 of a decoded packet decodes");
            assert_eq!((q.ip, q.l4, q.payload.len()), (p.ip, p.l4, p.payload.len()));
        }
        Err(_) => assert_eq!(stats.invalid + stats.unsupported, 1),
    }
    assert_eq!(stats.pkts, 1);
});
