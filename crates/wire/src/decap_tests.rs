//! Tests of tunnel decapsulation through the public API: hand-built frames for every tunnel
//! kind, the nesting bound, malformed inner packets, and the conformance captures whose flows
//! Suricata logged (the expected 5-tuples, packet and byte counts come from its EVE records).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::testutil::*;
use crate::*;

const O1: [u8; 4] = [10, 0, 0, 1];
const O2: [u8; 4] = [10, 0, 0, 2];
const I1: [u8; 4] = [192, 168, 1, 1];
const I2: [u8; 4] = [192, 168, 1, 2];

/// (tunnel kind carried, carrier's IP protocol, carrier's own tunnel) per reported carrier.
type Carriers = Vec<(TunnelKind, u8, Option<Tunnel>)>;
/// Per flow key: packets and bytes.
type Flows = BTreeMap<FlowKey, (u64, u64)>;

fn ip(a: [u8; 4]) -> IpAddr {
    IpAddr::from(a)
}

/// Decodes with the given tunnel options; returns the result, the stats and the carriers.
fn run(
    link: LinkType,
    f: &[u8],
    t: &TunnelOptions,
) -> (Result<Packet<'static>, DecodeError>, DecodeStats, Carriers) {
    // Leak the frame so the packet can outlive this helper (tests only).
    let f: &'static [u8] = Box::leak(f.to_vec().into_boxed_slice());
    let mut st = DecodeStats::default();
    let mut carriers = Vec::new();
    let r = decode_with(link, f, &DecodeOptions::default(), t, &mut st, |c, k| {
        carriers.push((k, c.ip.proto, c.tunnel));
    });
    (r, st, carriers)
}

fn dec(f: &[u8]) -> (Packet<'static>, DecodeStats, Carriers) {
    let (r, st, c) = run(LinkType::Ethernet, f, &TunnelOptions::SURICATA);
    (r.unwrap(), st, c)
}

/// An inner IPv4/UDP datagram I1:1111 -> I2:2222 with a valid checksum.
fn inner_udp4(payload: &[u8]) -> Vec<u8> {
    let mut u = udp(1111, 2222, payload);
    fix_l4_checksum(&mut u, 6, &addrs4(I1, I2), 17);
    ipv4(17, I1, I2, &u)
}

/// An inner IPv6/TCP SYN v6(1):40000 -> v6(2):80.
fn inner_tcp6() -> Vec<u8> {
    let mut t = tcp(40000, 80, 7, 0, tcpflags::SYN, &[], b"");
    fix_l4_checksum(&mut t, 16, &addrs6(v6(1), v6(2)), 6);
    ipv6(6, v6(1), v6(2), &[], &t)
}

fn gre(flags: u8, ver: u8, proto: u16, extra: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut g = vec![flags, ver];
    g.extend_from_slice(&proto.to_be_bytes());
    g.extend_from_slice(extra);
    g.extend_from_slice(payload);
    g
}

fn vxlan_hdr(inner_ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
    v.extend_from_slice(&eth(inner_ethertype, payload));
    v
}

fn root(src: [u8; 4], dst: [u8; 4], proto: u8, sp: u16, dp: u16) -> TunnelRoot {
    TunnelRoot {
        src: ip(src),
        dst: ip(dst),
        proto,
        src_port: sp,
        dst_port: dp,
    }
}

#[test]
fn gre_v0_ipv4_in_ipv4_with_key_and_sequence() {
    let inner = inner_udp4(b"EVIL");
    let g = gre(0x30, 0, 0x0800, &[0, 0, 0, 9, 0, 0, 0, 1], &inner);
    // An outer VLAN tag that the inner packet must not inherit (Suricata's bug-5633 case).
    let mut tagged = vec![0x00, 0x06, 0x08, 0x00];
    tagged.extend_from_slice(&ipv4(47, O1, O2, &g));
    let (p, st, carriers) = dec(&eth(0x8100, &tagged));
    assert_eq!(
        (p.ip.src, p.ip.dst, p.src_port(), p.dst_port()),
        (ip(I1), ip(I2), 1111, 2222)
    );
    assert_eq!(p.payload, b"EVIL");
    assert_eq!((p.vlan, p.vlan_count), ([0, 0], 0));
    assert_eq!(
        p.tunnel,
        Some(Tunnel {
            kind: TunnelKind::Gre,
            depth: 1,
            root: root(O1, O2, 47, 0, 0),
            len: 32,
        })
    );
    assert_eq!((p.flow_len(999), p.l3.len()), (32, 32));
    assert_eq!(carriers, vec![(TunnelKind::Gre, 47, None)]);
    assert_eq!(
        (st.gre, st.ipv4, st.udp, st.vlan, st.invalid, st.pkts),
        (1, 2, 1, 1, 0, 1)
    );
    // With GRE off the frame is an ordinary protocol-47 packet.
    let mut tagged = vec![0x00, 0x06, 0x08, 0x00];
    tagged.extend_from_slice(&ipv4(47, O1, O2, &g));
    let no_gre = TunnelOptions {
        gre: false,
        ..TunnelOptions::SURICATA
    };
    let (r, st, c) = run(LinkType::Ethernet, &eth(0x8100, &tagged), &no_gre);
    let p = r.unwrap();
    assert_eq!(
        (p.ip.proto, p.l4, p.tunnel, p.vlan_count),
        (47, L4::Other, None, 1)
    );
    assert_eq!((st.gre, c.len()), (0, 0));
    assert_eq!(p.flow_len(999), 999);
}

#[test]
fn gre_over_ipv6_carrying_ipv6_and_bridged_ethernet() {
    let g = gre(0x80, 0, 0x86dd, &[0, 0, 0, 0], &inner_tcp6());
    let (p, st, _) = dec(&eth(0x86dd, &ipv6(47, v6(8), v6(9), &[], &g)));
    let t = p.tcp().unwrap();
    assert_eq!(
        (p.ip.src, t.src_port, t.dst_port, t.flags),
        (IpAddr::from(v6(1)), 40000, 80, tcpflags::SYN)
    );
    let tun = p.tunnel.unwrap();
    assert_eq!(
        (tun.kind, tun.depth, tun.root.src, tun.root.proto),
        (TunnelKind::Gre, 1, IpAddr::from(v6(8)), 47)
    );
    assert_eq!((st.ipv6, st.tcp, st.gre), (2, 1, 1));
    // Transparent Ethernet bridging: the inner frame's VLAN tags are the packet's.
    let mut tagged = vec![0x00, 0x64, 0x08, 0x00];
    tagged.extend_from_slice(&inner_udp4(b"x"));
    let g = gre(0, 0, 0x6558, &[], &eth(0x8100, &tagged));
    let (p, st, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!((p.ip.src, p.vlan, p.vlan_count), (ip(I1), [100, 0], 1));
    assert_eq!(p.tunnel.unwrap().len as usize, g.len() - 4);
    assert_eq!((st.ethernet, st.vlan), (2, 1));
    // GRE carrying 802.1Q directly.
    let mut tag = vec![0x00, 0x07, 0x08, 0x00];
    tag.extend_from_slice(&inner_udp4(b"y"));
    let g = gre(0, 0, 0x8100, &[], &tag);
    let (p, _, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!((p.vlan, p.payload), ([7, 0], &b"y"[..]));
}

#[test]
fn pptp_gre_v1_carries_ppp() {
    let inner = inner_udp4(b"ppp");
    let mut ppp = vec![0xff, 0x03, 0x00, 0x21];
    ppp.extend_from_slice(&inner);
    let len = (ppp.len() as u16).to_be_bytes();
    // Key (payload length, call id) and sequence number.
    let g = gre(0x30, 0x01, 0x880b, &[len[0], len[1], 0, 5, 0, 0, 0, 3], &ppp);
    let (p, st, c) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!((p.ip.src, p.payload), (ip(I1), &b"ppp"[..]));
    let t = p.tunnel.unwrap();
    assert_eq!((t.kind, t.len as usize), (TunnelKind::Pptp, ppp.len()));
    assert_eq!(c, vec![(TunnelKind::Pptp, 47, None)]);
    assert_eq!((st.gre, st.ppp), (1, 1));
    // Compressed protocol field (one byte, no HDLC header).
    let mut ppp = vec![0x21];
    ppp.extend_from_slice(&inner);
    let g = gre(0x20, 0x01, 0x880b, &[0, 1, 0, 5], &ppp);
    assert_eq!(dec(&eth(0x0800, &ipv4(47, O1, O2, &g))).0.ip.dst, ip(I2));
    // LCP: PPTP control traffic, nothing to decode: the GRE packet itself comes back.
    let g = gre(0x20, 0x01, 0x880b, &[0, 6, 0, 5], &[0xff, 0x03, 0xc0, 0x21, 1, 1]);
    let (p, st, c) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!((p.ip.src, p.ip.proto, p.tunnel, c.len()), (ip(O1), 47, None, 0));
    assert_eq!((st.ppp, st.invalid, st.unsupported), (1, 0, 0));
}

#[test]
fn erspan_types_one_two_three() {
    let frame = eth(0x0800, &inner_udp4(b"mirror"));
    // Type I: GRE without the sequence flag, Ethernet right after.
    let g = gre(0, 0, 0x88be, &[], &frame);
    let (p, st, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!(
        (p.ip.src, p.payload, p.tunnel.unwrap().kind),
        (ip(I1), &b"mirror"[..], TunnelKind::ErspanI)
    );
    assert_eq!((st.erspan, st.ethernet), (1, 2));
    // Type II: sequence flag; ERSPAN header version 1, VLAN 23 recorded first.
    let mut e = vec![0x10, 23, 0x00, 0x01, 0, 0, 0, 0];
    let mut tagged = vec![0x00, 0x05, 0x08, 0x00];
    tagged.extend_from_slice(&inner_udp4(b"mirror"));
    e.extend_from_slice(&eth(0x8100, &tagged));
    let g = gre(0x10, 0, 0x88be, &[0, 0, 7, 2], &e);
    let (p, _, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    let t = p.tunnel.unwrap();
    assert_eq!((t.kind, t.len as usize), (TunnelKind::ErspanII, e.len()));
    assert_eq!((p.vlan, p.vlan_count), ([23, 5], 2));
    // Type III: off by default (as in Suricata 7), opened when enabled.
    let mut e3 = vec![0x20, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00];
    e3.extend_from_slice(&frame);
    let g = gre(0, 0, 0x22eb, &[], &e3);
    let f = eth(0x0800, &ipv4(47, O1, O2, &g));
    let (p, st, _) = dec(&f);
    assert_eq!((p.ip.src, p.tunnel, st.gre, st.erspan), (ip(O1), None, 1, 0));
    let (r, st, _) = run(LinkType::Ethernet, &f, &TunnelOptions::ALL);
    let p = r.unwrap();
    assert_eq!(
        (p.ip.src, p.tunnel.unwrap().kind, st.erspan),
        (ip(I1), TunnelKind::ErspanIII, 1)
    );
}

#[test]
fn vxlan_skips_the_inner_ethernet_header() {
    let inner = inner_udp4(b"vx");
    let v = vxlan_hdr(0x0800, &inner);
    let mut u = udp(45149, 4789, &v);
    fix_l4_checksum(&mut u, 6, &addrs4(O1, O2), 17);
    let f = eth(0x0800, &ipv4(17, O1, O2, &u));
    let (p, st, c) = dec(&f);
    assert_eq!(
        (p.ip.src, p.ip.dst, p.src_port(), p.dst_port()),
        (ip(I1), ip(I2), 1111, 2222)
    );
    assert_eq!(
        p.tunnel,
        Some(Tunnel {
            kind: TunnelKind::Vxlan,
            depth: 1,
            root: root(O1, O2, 17, 45149, 4789),
            len: inner.len() as u32,
        })
    );
    assert_eq!(c, vec![(TunnelKind::Vxlan, 17, None)]);
    assert!(TunnelKind::Vxlan.carrier_has_flow() && !TunnelKind::Gre.carrier_has_flow());
    assert_eq!((st.vxlan, st.udp, st.ethernet), (1, 2, 1));
    // ARP inside: the UDP packet is returned as it is.
    let v = vxlan_hdr(0x0806, &[0; 28]);
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(52102, 4789, &v)));
    let (p, st, c) = dec(&f);
    assert_eq!(
        (p.src_port(), p.dst_port(), p.tunnel, c.len()),
        (52102, 4789, None, 0)
    );
    assert_eq!((st.vxlan, st.invalid), (1, 0));
    // Off, or on another port: ordinary UDP. Port 8472 when configured.
    let v = vxlan_hdr(0x0800, &inner);
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(1000, 8472, &v)));
    assert_eq!(dec(&f).0.dst_port(), 8472);
    let linux = TunnelOptions {
        vxlan_ports: TunnelPorts::from_slice(&[4789, 8472]),
        ..TunnelOptions::SURICATA
    };
    assert_eq!(run(LinkType::Ethernet, &f, &linux).0.unwrap().dst_port(), 2222);
    let off = TunnelOptions {
        vxlan: false,
        ..linux
    };
    assert_eq!(run(LinkType::Ethernet, &f, &off).0.unwrap().dst_port(), 8472);
}

#[test]
fn geneve_with_options() {
    let inner = inner_udp4(b"gn");
    // Two 32-byte words of options (one 8-byte option).
    let mut g = vec![
        0x02, 0, 0x08, 0x00, 0, 0, 0, 0, 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4,
    ];
    g.extend_from_slice(&inner);
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(60276, 6081, &g)));
    let (p, st, c) = dec(&f);
    assert_eq!((p.ip.src, p.payload), (ip(I1), &b"gn"[..]));
    assert_eq!(p.tunnel.unwrap().kind, TunnelKind::Geneve);
    assert_eq!(p.tunnel.unwrap().len as usize, inner.len());
    assert_eq!((c.len(), st.geneve), (1, 1));
    // Ethernet payload type.
    let mut g = vec![0x00, 0, 0x65, 0x58, 0, 0, 0, 0];
    g.extend_from_slice(&eth(0x86dd, &inner_tcp6()));
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(60276, 6081, &g)));
    assert_eq!(dec(&f).0.dst_port(), 80);
}

#[test]
fn teredo_with_and_without_origin_indication() {
    let mut u6 = udp(3000, 53, b"q");
    fix_l4_checksum(&mut u6, 6, &addrs6(v6(1), v6(2)), 17);
    let inner = ipv6(17, v6(1), v6(2), &[], &u6);
    for oi in [&[][..], &[0, 0, 0xf2, 0x27, 1, 2, 3, 4][..]] {
        let mut payload = oi.to_vec();
        payload.extend_from_slice(&inner);
        let f = eth(0x0800, &ipv4(17, O1, O2, &udp(59085, 3544, &payload)));
        let (p, st, c) = dec(&f);
        assert_eq!(
            (p.ip.src, p.src_port(), p.dst_port()),
            (IpAddr::from(v6(1)), 3000, 53)
        );
        let t = p.tunnel.unwrap();
        assert_eq!(
            (t.kind, t.len as usize, t.root.dst_port),
            (TunnelKind::Teredo, inner.len(), 3544)
        );
        assert_eq!((c.len(), st.teredo), (1, 1));
    }
    // Qualification traffic (authentication indication 00 01): ordinary UDP.
    let mut payload = vec![0, 1, 0, 0, 3, 0x25, 0x53, 0x93, 0xe9];
    payload.extend_from_slice(&inner);
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(59085, 3544, &payload)));
    let (p, st, _) = dec(&f);
    assert_eq!((p.dst_port(), p.tunnel, st.teredo), (3544, None, 0));
    // An IPv6-looking payload whose inner UDP is broken is not Teredo either.
    let mut bad = inner.clone();
    bad[44..46].copy_from_slice(&100u16.to_be_bytes());
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(3544, 3544, &bad)));
    let (p, st, _) = dec(&f);
    assert_eq!(
        (p.dst_port(), p.tunnel, st.teredo, st.invalid),
        (3544, None, 0, 0)
    );
    // Not on port 3544 by default; any port when configured so; off.
    let f = eth(0x0800, &ipv4(17, O1, O2, &udp(1, 2, &inner)));
    assert_eq!(dec(&f).0.tunnel, None);
    let any = TunnelOptions {
        teredo_ports: TunnelPorts::ANY,
        ..TunnelOptions::SURICATA
    };
    assert_eq!(
        run(LinkType::Ethernet, &f, &any).0.unwrap().tunnel.unwrap().kind,
        TunnelKind::Teredo
    );
    let off = TunnelOptions { teredo: false, ..any };
    assert_eq!(run(LinkType::Ethernet, &f, &off).0.unwrap().tunnel, None);
}

#[test]
fn ip_in_ip_all_four() {
    // 6in4: the carrier gets a flow in Suricata.
    let f = ipv4(41, O1, O2, &inner_tcp6());
    let (r, st, c) = run(LinkType::Raw, &f, &TunnelOptions::SURICATA);
    let p = r.unwrap();
    assert_eq!(
        (p.dst_port(), p.tunnel.unwrap().kind, st.ipv6_in_ipv4),
        (80, TunnelKind::Ipv6InIpv4, 1)
    );
    assert_eq!(c, vec![(TunnelKind::Ipv6InIpv4, 41, None)]);
    assert!(TunnelKind::Ipv6InIpv4.carrier_has_flow());
    // 4in6 and 6in6.
    let f = ipv6(4, v6(8), v6(9), &[], &inner_udp4(b"46"));
    let (r, st, _) = run(LinkType::Raw, &f, &TunnelOptions::SURICATA);
    let p = r.unwrap();
    assert_eq!(
        (p.ip.src, p.tunnel.unwrap().kind, st.ipv4_in_ipv6),
        (ip(I1), TunnelKind::Ipv4InIpv6, 1)
    );
    let f = ipv6(41, v6(8), v6(9), &[], &inner_tcp6());
    let (r, st, _) = run(LinkType::Raw, &f, &TunnelOptions::SURICATA);
    assert_eq!(r.unwrap().tunnel.unwrap().kind, TunnelKind::Ipv6InIpv6);
    assert_eq!(st.ipv6_in_ipv6, 1);
    // 4in4: not decoded by default (Suricata 7), decoded when enabled.
    let f = ipv4(4, O1, O2, &inner_udp4(b"44"));
    let (r, _, _) = run(LinkType::Raw, &f, &TunnelOptions::SURICATA);
    assert_eq!(r.unwrap().ip.proto, 4);
    let (r, st, _) = run(LinkType::Raw, &f, &TunnelOptions::ALL);
    let p = r.unwrap();
    assert_eq!(
        (p.payload, p.tunnel.unwrap().kind, st.ipv4_in_ipv4),
        (&b"44"[..], TunnelKind::Ipv4InIpv4, 1)
    );
    // ip_in_ip off.
    let off = TunnelOptions {
        ip_in_ip: false,
        ..TunnelOptions::SURICATA
    };
    let f = ipv4(41, O1, O2, &inner_tcp6());
    assert_eq!(run(LinkType::Raw, &f, &off).0.unwrap().ip.proto, 41);
}

#[test]
fn nesting_depth_is_bounded() {
    // Ten GRE layers around a UDP datagram, each outer address distinct.
    let mut pkt = inner_udp4(b"deep");
    for i in 0..10u8 {
        pkt = ipv4(47, [10, 0, i, 1], [10, 0, i, 2], &gre(0, 0, 0x0800, &[], &pkt));
    }
    let f = eth(0x0800, &pkt);
    let (p, st, c) = dec(&f);
    // Eight tunnels opened: the packet returned is the ninth GRE carrier, from outermost 9.
    assert_eq!((p.ip.src, p.ip.proto), (ip([10, 0, 1, 1]), 47));
    let t = p.tunnel.unwrap();
    assert_eq!((t.depth, t.root.src), (8, ip([10, 0, 9, 1])));
    assert_eq!(c.len(), 8);
    assert_eq!(c.first().map(|x| x.2), Some(None));
    assert_eq!(c.last().and_then(|x| x.2).map(|t| t.depth), Some(7));
    assert_eq!((st.tunnel_too_deep, st.invalid, st.gre), (1, 1, 9));
    // A deeper bound reaches the datagram.
    let deep = TunnelOptions {
        max_depth: 10,
        ..TunnelOptions::SURICATA
    };
    let (r, st, _) = run(LinkType::Ethernet, &f, &deep);
    let p = r.unwrap();
    assert_eq!(
        (p.payload, p.tunnel.unwrap().depth, st.tunnel_too_deep),
        (&b"deep"[..], 10, 0)
    );
    // VXLAN inside GRE: both carriers reported, the UDP one is the middle one.
    let mut u = udp(5, 4789, &vxlan_hdr(0x0800, &inner_udp4(b"vg")));
    fix_l4_checksum(&mut u, 6, &addrs4([172, 16, 0, 1], [172, 16, 0, 2]), 17);
    let mid = ipv4(17, [172, 16, 0, 1], [172, 16, 0, 2], &u);
    let f = eth(0x0800, &ipv4(47, O1, O2, &gre(0, 0, 0x0800, &[], &mid)));
    let (p, _, c) = dec(&f);
    assert_eq!(
        (p.payload, p.tunnel.unwrap().depth, p.tunnel.unwrap().root.src),
        (&b"vg"[..], 2, ip(O1))
    );
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].0, c[0].1, c[0].2), (TunnelKind::Gre, 47, None));
    assert_eq!(
        (c[1].0, c[1].1, c[1].2.map(|t| t.depth)),
        (TunnelKind::Vxlan, 17, Some(1))
    );
}

#[test]
fn garbage_after_a_tunnel_header_returns_the_carrier() {
    // GRE announcing IPv4 followed by junk: the GRE packet comes back, counted invalid.
    let g = gre(0, 0, 0x0800, &[], b"\x45garbage-not-ip");
    let (p, st, c) = dec(&eth(0x0800, &ipv4(47, O1, O2, &g)));
    assert_eq!((p.ip.src, p.ip.proto, p.tunnel, c.len()), (ip(O1), 47, None, 0));
    assert_eq!((st.gre, st.invalid), (1, 1));
    // A GRE header too short (Suricata's gre.pkt_too_small): still the outer packet.
    let (p, st, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &[0, 0])));
    assert_eq!((p.ip.proto, p.payload, st.invalid), (47, &[0u8, 0][..], 1));
    // VXLAN with a truncated inner IPv4 header.
    let v = vxlan_hdr(0x0800, &[0x45, 0, 0, 40, 1]);
    let (p, st, _) = dec(&eth(0x0800, &ipv4(17, O1, O2, &udp(1, 4789, &v))));
    assert_eq!((p.dst_port(), p.tunnel, st.vxlan, st.invalid), (4789, None, 1, 1));
    // An unknown inner ethertype in VXLAN is an anomaly of the carrier.
    let v = vxlan_hdr(0x1234, &[0; 20]);
    let (p, st, _) = dec(&eth(0x0800, &ipv4(17, O1, O2, &udp(1, 4789, &v))));
    assert_eq!((p.dst_port(), st.invalid), (4789, 1));
    // Trailing bytes after the inner datagram: the inner packet is cut at its total length,
    // the tunnel length keeps them (as Suricata's pseudo packet does).
    let mut inner = inner_udp4(b"t");
    let n = inner.len();
    inner.extend_from_slice(&[0xee; 6]);
    let (p, _, _) = dec(&eth(0x0800, &ipv4(47, O1, O2, &gre(0, 0, 0x0800, &[], &inner))));
    assert_eq!((p.l3.len(), p.tunnel.unwrap().len as usize), (n, n + 6));
}

#[test]
fn fragments_are_not_opened_and_inner_fragments_keep_the_tunnel() {
    let g = gre(0, 0, 0x0800, &[], &inner_udp4(b"x"));
    let frag = ipv4_opts(47, O1, O2, 5, 0x2000, &[], &g);
    let (p, st, c) = dec(&eth(0x0800, &frag));
    assert_eq!(
        (p.ip.proto, p.is_fragment(), p.tunnel, c.len(), st.gre),
        (47, true, None, 0, 0)
    );
    let inner_frag = ipv4_opts(17, I1, I2, 9, 0x2000, &[], &udp(1, 2, b"0123456789abcdef"));
    let (p, _, _) = dec(&eth(
        0x0800,
        &ipv4(47, O1, O2, &gre(0, 0, 0x0800, &[], &inner_frag)),
    ));
    assert!(p.is_fragment());
    assert_eq!((p.ip.src, p.tunnel.unwrap().kind), (ip(I1), TunnelKind::Gre));
}

#[test]
fn decode_ip_opens_tunnels_in_rebuilt_datagrams() {
    let d = ipv4(47, O1, O2, &gre(0, 0, 0x0800, &[], &inner_udp4(b"r")));
    let mut st = DecodeStats::default();
    let p = decode_ip(&d, &DecodeOptions::default(), &mut st).unwrap();
    assert_eq!(
        (p.payload, p.tunnel.unwrap().root.src, st.pkts),
        (&b"r"[..], ip(O1), 0)
    );
    let p = decode_ip_with(
        &d,
        &DecodeOptions::default(),
        &TunnelOptions::NONE,
        &mut st,
        |_, _| {},
    )
    .unwrap();
    assert_eq!((p.ip.proto, p.tunnel), (47, None));
}

#[test]
fn nsh_and_mpls_layers() {
    let inner = inner_udp4(b"data\n\n");
    // NSH MD type 2, length 2 words, next protocol IPv4 (Suricata's decode-nsh-type2 case).
    let mut nsh = vec![0x00, 0x02, 0x02, 0x01, 0, 0, 1, 2];
    nsh.extend_from_slice(&inner);
    let (p, st, _) = dec(&eth(0x894f, &nsh));
    assert_eq!((p.ip.src, p.payload, p.tunnel), (ip(I1), &b"data\n\n"[..], None));
    assert_eq!(st.nsh, 1);
    // MD type 1 must be 24 bytes long; next protocol Ethernet.
    let mut nsh = vec![0x00, 0x06, 0x01, 0x03];
    nsh.extend_from_slice(&[0; 20]);
    nsh.extend_from_slice(&eth(0x0800, &inner));
    let (p, st, _) = dec(&eth(0x894f, &nsh));
    assert_eq!((p.ip.dst, st.nsh, st.ethernet), (ip(I2), 1, 2));
    nsh[1] = 0x05;
    let (r, st, _) = run(LinkType::Ethernet, &eth(0x894f, &nsh), &TunnelOptions::SURICATA);
    assert_eq!(
        r.unwrap_err(),
        DecodeError::Invalid {
            layer: "nsh",
            what: "header length"
        }
    );
    assert_eq!(st.invalid, 1);
    // Version 1, reserved MD type, unknown next protocol: nothing to decode.
    for (b0, md, next) in [(0x40, 2, 1), (0x00, 0x0f, 1), (0x00, 2, 4)] {
        let mut nsh = vec![b0, 0x02, md, next, 0, 0, 1, 2];
        nsh.extend_from_slice(&inner);
        let (r, st, _) = run(LinkType::Ethernet, &eth(0x894f, &nsh), &TunnelOptions::SURICATA);
        assert!(
            matches!(r, Err(DecodeError::Unsupported { .. })),
            "{b0} {md} {next}"
        );
        assert_eq!(st.unsupported, 1);
    }
    // NSH -> MPLS -> IPv4 (label 0 means IPv4).
    let mut nsh = vec![0x00, 0x02, 0x02, 0x05, 0, 0, 1, 2, 0x00, 0x00, 0x01, 0x40];
    nsh.extend_from_slice(&inner);
    assert_eq!(dec(&eth(0x894f, &nsh)).0.ip.src, ip(I1));
    // MPLS label 2 is IPv6 whatever the nibble; reserved label 1 ends decoding.
    let mut m = vec![0x00, 0x00, 0x21, 0x40];
    m.extend_from_slice(&inner_tcp6());
    assert_eq!(dec(&eth(0x8847, &m)).0.dst_port(), 80);
    let mut m = vec![0x00, 0x00, 0x11, 0x40];
    m.extend_from_slice(&inner);
    assert_eq!(
        run(LinkType::Ethernet, &eth(0x8847, &m), &TunnelOptions::SURICATA)
            .0
            .unwrap_err(),
        DecodeError::Unsupported {
            what: "MPLS reserved label",
            value: 1
        }
    );
    // Ethernet pseudowire: nibble 0, a 4-byte control word, then a VLAN-tagged frame.
    let mut m = vec![0x00, 0x10, 0x01, 0x40, 0, 0, 0, 0];
    let mut tag = vec![0x00, 0x09, 0x08, 0x00];
    tag.extend_from_slice(&inner);
    m.extend_from_slice(&eth(0x8100, &tag));
    let (p, st, _) = dec(&eth(0x8847, &m));
    assert_eq!((p.ip.src, p.vlan, st.mpls, st.ethernet), (ip(I1), [9, 0], 1, 2));
    // An unknown nibble is invalid.
    let mut m = vec![0x00, 0x10, 0x01, 0x40, 0x50, 0, 0, 0];
    m.extend_from_slice(&inner);
    assert_eq!(
        run(LinkType::Ethernet, &eth(0x8847, &m), &TunnelOptions::SURICATA)
            .0
            .unwrap_err(),
        DecodeError::Invalid {
            layer: "mpls",
            what: "payload type"
        }
    );
}

#[test]
fn nsh_ethernet_loops_are_bounded() {
    // NSH -> Ethernet -> NSH -> ... 40 times.
    let mut f = inner_udp4(b"loop");
    f = eth(0x0800, &f);
    for _ in 0..40 {
        let mut nsh = vec![0x00, 0x02, 0x02, 0x03, 0, 0, 1, 2];
        nsh.extend_from_slice(&f);
        f = eth(0x894f, &nsh);
    }
    let (r, st, _) = run(LinkType::Ethernet, &f, &TunnelOptions::SURICATA);
    assert_eq!(
        r.unwrap_err(),
        DecodeError::Invalid {
            layer: "ethernet",
            what: "too many layers"
        }
    );
    assert_eq!(st.invalid, 1);
}

#[test]
fn every_truncation_of_tunnelled_frames_is_handled() {
    let inner = inner_udp4(b"payload");
    let mut frames = vec![
        eth(
            0x0800,
            &ipv4(
                47,
                O1,
                O2,
                &gre(0x30, 0, 0x0800, &[0, 0, 0, 1, 0, 0, 0, 2], &inner),
            ),
        ),
        eth(
            0x0800,
            &ipv4(17, O1, O2, &udp(1, 4789, &vxlan_hdr(0x0800, &inner))),
        ),
        eth(0x0800, &ipv4(41, O1, O2, &inner_tcp6())),
        eth(0x0800, &ipv4(17, O1, O2, &udp(1, 3544, &inner_tcp6()))),
    ];
    let mut e = vec![0x10, 23, 0x00, 0x01, 0, 0, 0, 0];
    e.extend_from_slice(&eth(0x0800, &inner));
    frames.push(eth(
        0x0800,
        &ipv4(47, O1, O2, &gre(0x10, 0, 0x88be, &[0, 0, 0, 1], &e)),
    ));
    let mut g = vec![
        0x02, 0, 0x65, 0x58, 0, 0, 0, 0, 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4,
    ];
    g.extend_from_slice(&eth(0x0800, &inner));
    frames.push(eth(0x0800, &ipv4(17, O1, O2, &udp(1, 6081, &g))));
    for f in &frames {
        let (p, _, _) = dec(f);
        assert!(p.tunnel.is_some());
        // Cutting the frame: the outer IP length check fails first (an error); corrupting the
        // outer lengths to fit instead exercises every inner truncation.
        for n in 0..f.len() {
            let (r, _, _) = run(LinkType::Ethernet, &f[..n], &TunnelOptions::ALL);
            assert!(r.is_err());
            let mut cut = f[..n].to_vec();
            if n >= 34 {
                let tl = (n - 14) as u16;
                cut[16..18].copy_from_slice(&tl.to_be_bytes());
                if cut[23] == 17 && n >= 42 {
                    cut[38..40].copy_from_slice(&((n - 34) as u16).to_be_bytes());
                }
                let (r, st, _) = run(LinkType::Ethernet, &cut, &TunnelOptions::ALL);
                if let Ok(p) = r {
                    assert!(p.l3.len() >= usize::from(p.ip.header_len));
                    assert!(p.tunnel.is_none_or(|t| t.len as usize <= n));
                }
                assert_eq!(st.pkts, 1);
            }
        }
    }
}

/// Reads a classic pcap file: its link type and frames.
fn read_pcap(path: &std::path::Path) -> Option<(LinkType, Vec<Vec<u8>>)> {
    let d = std::fs::read(path).ok()?;
    let le = match d.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return None,
    };
    let u32at = |o: usize| -> Option<u32> {
        let b = *d.get(o..)?.first_chunk::<4>()?;
        Some(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let link = LinkType::from_dlt(u32at(20)?)?;
    let mut frames = Vec::new();
    let mut off = 24;
    while let Some(incl) = u32at(off + 8) {
        let f = d.get(off + 16..off + 16 + incl as usize)?;
        frames.push(f.to_vec());
        off += 16 + incl as usize;
    }
    Some((link, frames))
}

/// A flow key as Suricata's flow log shows it, endpoints in order (ICMP: ports 0).
type FlowKey = (u8, [u16; 2], (IpAddr, u16), (IpAddr, u16));

fn flow_key(p: &Packet<'_>) -> FlowKey {
    let (proto, a, b) = match (p.l4, p.payload) {
        // An ICMPv4 error belongs to the flow of the datagram it quotes (as in Suricata).
        (L4::Icmp4(i), q) if matches!(i.icmp_type, 3 | 4 | 5 | 11 | 12) && q.len() >= 28 => {
            let hl = usize::from(q[0] & 0x0f) * 4;
            let port = |o: usize| {
                q.get(hl + o..hl + o + 2)
                    .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
            };
            let src = IpAddr::from([q[12], q[13], q[14], q[15]]);
            let dst = IpAddr::from([q[16], q[17], q[18], q[19]]);
            (q[9], (src, port(0)), (dst, port(2)))
        }
        _ => (p.ip.proto, (p.ip.src, p.src_port()), (p.ip.dst, p.dst_port())),
    };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    (proto, p.vlan, lo, hi)
}

/// Decodes a conformance capture and accounts packets to flows the way Suricata does: the
/// innermost packet (TCP, UDP, ICMP) and every carrier Suricata gives a flow; bytes by
/// [`Packet::flow_len`]. `None` when the capture is not there.
fn conformance_flows(case: &str) -> Option<(Flows, DecodeStats)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/conformance/cases");
    let path = std::path::Path::new(dir).join(case).join("input.pcap");
    let Some((link, frames)) = read_pcap(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return None;
    };
    let mut flows = Flows::new();
    let mut st = DecodeStats::default();
    for f in &frames {
        let mut add = |p: &Packet<'_>| {
            let e = flows.entry(flow_key(p)).or_default();
            e.0 += 1;
            e.1 += p.flow_len(f.len()) as u64;
        };
        let r = decode_with(
            link,
            f,
            &DecodeOptions::default(),
            &TunnelOptions::SURICATA,
            &mut st,
            |c, k| {
                if k.carrier_has_flow() {
                    add(c);
                }
            },
        );
        if let Ok(p) = r {
            if matches!(p.l4, L4::Tcp(_) | L4::Udp(_) | L4::Icmp4(_) | L4::Icmp6(_)) {
                add(&p);
            }
        }
    }
    Some((flows, st))
}

fn a(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn key(proto: u8, vlan: [u16; 2], x: (&str, u16), y: (&str, u16)) -> FlowKey {
    let x = (a(x.0), x.1);
    let y = (a(y.0), y.1);
    let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
    (proto, vlan, lo, hi)
}

#[test]
fn conformance_erspan_type2() {
    let Some((flows, st)) = conformance_flows("decode-erspan-typeII-01") else {
        return;
    };
    // Suricata: one ICMP flow 23.0.0.2 <-> 23.0.0.3 on VLAN 23, 2+2 packets of 122 bytes (the
    // ERSPAN header onwards); the GRE packets themselves have no flow.
    let want = BTreeMap::from([(key(1, [23, 0], ("23.0.0.2", 0), ("23.0.0.3", 0)), (4, 488))]);
    assert_eq!(flows, want);
    assert_eq!((st.pkts, st.gre, st.erspan), (6, 6, 6));
}

#[test]
fn conformance_gre_bug_5633() {
    let Some((flows, _)) = conformance_flows("bug-5633-gre-01") else {
        return;
    };
    let want = BTreeMap::from([(key(17, [0, 0], ("2.2.2.3", 12345), ("2.2.2.2", 514)), (3, 96))]);
    assert_eq!(flows, want);
    let Some((flows, st)) = conformance_flows("bug-5633-gre-02") else {
        return;
    };
    let o = "66.59.111.190";
    let want = BTreeMap::from([
        (key(6, [0, 0], (o, 40264), ("172.28.2.3", 22)), (22, 1584 + 2199)),
        (key(17, [0, 0], (o, 123), ("18.26.4.105", 123)), (2, 152)),
        (key(1, [0, 0], (o, 0), ("172.28.2.3", 0)), (8, 672)),
        (key(17, [0, 0], (o, 37675), ("172.28.2.3", 53)), (4, 122 + 178)),
        (key(17, [0, 0], (o, 123), ("129.170.17.4", 123)), (2, 152)),
        (key(17, [0, 0], (o, 123), ("66.59.111.182", 123)), (2, 152)),
    ]);
    assert_eq!(flows, want);
    assert_eq!((st.pkts, st.gre, st.invalid), (40, 40, 0));
}

#[test]
fn conformance_vxlan() {
    let Some((flows, st)) = conformance_flows("vxlan-decoder-02") else {
        return;
    };
    // Outer UDP flows (one per source port) and the inner ICMP flow of 84-byte packets.
    let want = BTreeMap::from([
        (
            key(17, [0, 0], ("192.168.202.1", 32894), ("192.168.203.1", 4789)),
            (4, 592),
        ),
        (
            key(17, [0, 0], ("192.168.202.1", 42710), ("192.168.203.1", 4789)),
            (1, 92),
        ),
        (
            key(1, [0, 0], ("192.168.203.3", 0), ("192.168.203.5", 0)),
            (8, 672),
        ),
        (
            key(17, [0, 0], ("192.168.203.1", 45149), ("192.168.202.1", 4789)),
            (4, 592),
        ),
        (
            key(17, [0, 0], ("192.168.203.1", 52102), ("192.168.202.1", 4789)),
            (1, 92),
        ),
    ]);
    assert_eq!(flows, want);
    assert_eq!((st.vxlan, st.invalid), (10, 0));
}

#[test]
fn conformance_nsh() {
    let Some((flows, st)) = conformance_flows("decode-nsh-type2") else {
        return;
    };
    let want = BTreeMap::from([(key(17, [0, 0], ("10.0.0.1", 52377), ("10.0.0.2", 52464)), (1, 56))]);
    assert_eq!(flows, want);
    assert_eq!(st.nsh, 1);
}

#[test]
fn conformance_geneve_then_gre() {
    let Some((flows, st)) = conformance_flows("bug-6402-01") else {
        return;
    };
    // Geneve carrier flow (whole frames) and the TCP flow two tunnels deep (GRE payloads).
    let want = BTreeMap::from([
        (
            key(17, [0, 0], ("10.0.10.74", 60276), ("10.0.8.64", 6081)),
            (12, 2049),
        ),
        (
            key(6, [0, 0], ("10.2.0.1", 39198), ("10.2.0.2", 1234)),
            (12, 397 + 380),
        ),
    ]);
    assert_eq!(flows, want);
    assert_eq!((st.geneve, st.gre), (12, 12));
}

#[test]
fn conformance_teredo_qualification_is_plain_udp() {
    let Some((flows, st)) = conformance_flows("output-eve-ftp-data") else {
        return;
    };
    let k = key(17, [0, 0], ("192.168.0.13", 59085), ("157.56.106.184", 3544));
    assert_eq!(flows.get(&k), Some(&(6, 309 + 453)));
    assert_eq!(st.teredo, 0);
}

#[test]
fn conformance_gre_too_small() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/conformance/cases");
    let path = std::path::Path::new(dir).join("decode-too-small/input.pcap");
    let Some((link, frames)) = read_pcap(&path) else {
        return;
    };
    let mut st = DecodeStats::default();
    let gre_pkts: Vec<u8> = frames
        .iter()
        .filter_map(|f| decode(link, f, &DecodeOptions::default(), &mut st).ok())
        .filter(|p| p.ip.proto == 47)
        .map(|p| p.payload.len() as u8)
        .collect();
    // Both GRE packets (IPv4 and IPv6) come back as they are, with their short GRE header.
    assert_eq!(gre_pkts.len(), 2);
    assert!(gre_pkts.iter().all(|&n| n < 4));
    assert_eq!(st.gre, 2);
}
