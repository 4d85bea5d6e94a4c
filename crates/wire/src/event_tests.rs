//! Decoder events raised by [`crate::decode`] (see [`crate::DecodeEvent`]).

use crate::testutil::*;
use crate::{decode, ipproto, DecodeEvent, DecodeOptions, DecodeStats, LinkType, L4};

const A: [u8; 4] = [1, 1, 1, 1];
const B: [u8; 4] = [2, 2, 2, 2];

fn keep() -> DecodeOptions {
    DecodeOptions {
        checksums: false,
        keep_invalid: true,
    }
}

/// The events of a decoded Ethernet frame (with `keep_invalid`), and its stats.
fn events_of(frame: &[u8]) -> (Vec<DecodeEvent>, DecodeStats) {
    let mut st = DecodeStats::default();
    let p = decode(LinkType::Ethernet, frame, &keep(), &mut st).expect("kept");
    (p.events.iter().collect(), st)
}

#[test]
fn short_transport_headers_are_kept_with_their_event() {
    use DecodeEvent as E;
    let mut long_ulen = udp(1, 53, b"abcd");
    long_ulen[4..6].copy_from_slice(&40u16.to_be_bytes());
    let mut small_ulen = udp(1, 53, b"abcd");
    small_ulen[4..6].copy_from_slice(&4u16.to_be_bytes());
    let mut off_past_end = tcp(1, 80, 1, 0, 0x02, &[], &[]);
    off_past_end[12] = 0x60; // 24-byte header in a 20-byte segment
    let mut off_small = tcp(1, 80, 1, 0, 0x02, &[], &[]);
    off_small[12] = 0x40; // 16-byte header
    let cases: [(u8, Vec<u8>, E); 8] = [
        (ipproto::TCP, vec![], E::TcpPktTooSmall),
        (ipproto::TCP, vec![0; 19], E::TcpPktTooSmall),
        (ipproto::TCP, off_past_end, E::TcpHlenTooSmall),
        (ipproto::TCP, off_small, E::TcpInvalidOptlen),
        (ipproto::UDP, vec![0; 4], E::UdpHlenTooSmall),
        (ipproto::UDP, long_ulen, E::UdpPktTooSmall),
        (ipproto::UDP, small_ulen, E::UdpLenInvalid),
        (ipproto::ICMP, vec![8, 0, 0], E::Icmpv4PktTooSmall),
    ];
    for (proto, l4, want) in cases {
        let f = eth(0x0800, &ipv4(proto, A, B, &l4));
        let (ev, st) = events_of(&f);
        assert_eq!(ev, vec![want], "{want:?}");
        assert_eq!(st.invalid, 1, "{want:?}");
        let mut st = DecodeStats::default();
        let p = decode(LinkType::Ethernet, &f, &keep(), &mut st).expect("kept");
        assert_eq!((p.l4, p.payload, p.ip.proto), (L4::Other, &[][..], proto));
        assert!(p.events.l4_failed());
        assert_eq!((p.src_port(), p.dst_port()), (0, 0));
        // Without the option the frame is an error, as before.
        let mut st = DecodeStats::default();
        assert!(decode(LinkType::Ethernet, &f, &DecodeOptions::default(), &mut st).is_err());
        assert_eq!(st.invalid, 1);
    }
}

#[test]
fn ipv6_short_headers() {
    let f = eth(0x86dd, &ipv6(ipproto::UDP, v6(1), v6(2), &[], &[0; 4]));
    assert_eq!(events_of(&f).0, vec![DecodeEvent::UdpHlenTooSmall]);
    let f = eth(0x86dd, &ipv6(ipproto::TCP, v6(1), v6(2), &[], &[]));
    assert_eq!(events_of(&f).0, vec![DecodeEvent::TcpPktTooSmall]);
    let f = eth(0x86dd, &ipv6(ipproto::ICMPV6, v6(1), v6(2), &[], &[128, 0]));
    assert_eq!(events_of(&f).0, vec![DecodeEvent::Icmpv6PktTooSmall]);
}

#[test]
fn gre_too_small_is_an_event_on_a_valid_packet() {
    for body in [&[][..], &[0, 0], &[0, 0, 8]] {
        let f = eth(0x0800, &ipv4(47, A, B, body));
        let (ev, _) = events_of(&f);
        assert_eq!(ev, vec![DecodeEvent::GrePktTooSmall]);
        let mut st = DecodeStats::default();
        let p = decode(LinkType::Ethernet, &f, &DecodeOptions::default(), &mut st).unwrap();
        assert!(!p.events.l4_failed());
        assert_eq!(p.payload, body);
    }
    // A full GRE header raises nothing.
    let f = eth(0x0800, &ipv4(47, A, B, &[0, 0, 0x12, 0x34]));
    assert!(events_of(&f).0.is_empty());
}

#[test]
fn valid_packets_raise_nothing() {
    let f = eth(0x0800, &ipv4(ipproto::UDP, A, B, &udp(1, 53, b"abcd")));
    let (ev, st) = events_of(&f);
    assert!(ev.is_empty());
    assert_eq!(st.invalid, 0);
    let f = eth(
        0x0800,
        &ipv4(ipproto::TCP, A, B, &tcp(1, 80, 1, 0, 0x02, &[], b"x")),
    );
    assert!(events_of(&f).0.is_empty());
}

#[test]
fn invalid_packet_inside_a_tunnel() {
    // GRE carrying IPv4 with a 4-byte TCP header: the inner packet is kept, its tunnel set.
    let inner = ipv4(ipproto::TCP, [10, 0, 0, 1], [10, 0, 0, 2], &[0; 4]);
    let mut gre = vec![0, 0, 0x08, 0x00];
    gre.extend_from_slice(&inner);
    let f = eth(0x0800, &ipv4(47, A, B, &gre));
    let mut st = DecodeStats::default();
    let p = decode(LinkType::Ethernet, &f, &keep(), &mut st).unwrap();
    assert_eq!(
        p.events.iter().collect::<Vec<_>>(),
        vec![DecodeEvent::TcpPktTooSmall]
    );
    assert!(p.tunnel.is_some());
    assert_eq!(st.invalid, 1);
    // Teredo (UDP 3544) whose IPv6 packet has a short UDP header stays plain UDP.
    let v6pkt = ipv6(ipproto::UDP, v6(1), v6(2), &[], &[0; 4]);
    let f = eth(0x0800, &ipv4(ipproto::UDP, A, B, &udp(3544, 3544, &v6pkt)));
    let mut st = DecodeStats::default();
    let p = decode(LinkType::Ethernet, &f, &keep(), &mut st).unwrap();
    assert!(p.tunnel.is_none() && p.events.is_empty());
    assert!(matches!(p.l4, L4::Udp(_)));
    assert_eq!(st.invalid, 0);
}
