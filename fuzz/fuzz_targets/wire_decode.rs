//! Fuzzes frame decoding for every link type: the first byte picks the link type, whether
//! checksums are verified and which tunnels are opened, the rest is the frame. Checks the
//! invariants of a decoded packet and of the tunnel carriers reported on the way to it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{
    decode_ip_with, decode_with, DecodeOptions, DecodeStats, LinkType, Tunnel, TunnelKind, TunnelOptions,
    TunnelPorts, L4,
};

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
        keep_invalid: sel & 0x08 != 0,
    };
    let mut tunnels = if sel & 0x40 != 0 {
        // Everything open, Teredo looked for on every UDP packet.
        TunnelOptions {
            teredo_ports: TunnelPorts::ANY,
            ..TunnelOptions::ALL
        }
    } else {
        TunnelOptions::SURICATA
    };
    if sel & 0x20 != 0 {
        tunnels.max_depth = 2;
    }
    let mut stats = DecodeStats::default();
    let mut carriers: Vec<(Option<Tunnel>, TunnelKind, usize)> = Vec::new();
    let r = decode_with(link, frame, &opts, &tunnels, &mut stats, |c, k| {
        carriers.push((c.tunnel, k, c.l3.len()));
    });
    match r {
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
            // One carrier per tunnel level, outermost first, each one level deeper.
            let depth = p.tunnel.map_or(0, |t| t.depth);
            assert!(depth <= tunnels.max_depth);
            assert_eq!(carriers.len(), usize::from(depth));
            for (i, (t, _, l3_len)) in carriers.iter().enumerate() {
                assert_eq!(t.map_or(0, |t| usize::from(t.depth)), i);
                assert!(*l3_len <= frame.len());
            }
            if let Some(t) = p.tunnel {
                assert!(t.len as usize <= frame.len());
                assert!(p.l3.len() <= t.len as usize);
                assert_eq!(p.flow_len(frame.len()), t.len as usize);
                assert_eq!(carriers.last().map(|c| c.1), Some(t.kind));
            } else {
                assert_eq!(p.flow_len(frame.len()), frame.len());
            }
            // The IP datagram decodes alike on its own (tunnels closed: it may be a carrier
            // left closed by the depth bound).
            let mut st2 = DecodeStats::default();
            let q = decode_ip_with(p.l3, &opts, &TunnelOptions::NONE, &mut st2, |_, _| {})
                .expect("l3 of a decoded packet decodes");
            assert_eq!((q.ip, q.l4, q.payload.len()), (p.ip, p.l4, p.payload.len()));
        }
        Err(_) => {
            assert_eq!(stats.invalid + stats.unsupported, 1);
            assert!(carriers.is_empty());
        }
    }
    assert_eq!(stats.pkts, 1);
});
