//! Flow keys: the direction-free identity of a conversation, as Suricata 7's `flow-hash.c` defines it.
//!
//! - TCP/UDP (and other protocols, with ports 0): the (address, port) pairs, ordered so that both
//!   directions give the same key.
//! - ICMPv4 echo/timestamp/... and ICMPv6 echo/ND/...: the "ports" are the message type and its
//!   counterpart type (echo request 8 <-> reply 0), so a request and its reply share a flow. As in
//!   Suricata, ICMPv6 keys also carry the code of the message, ICMPv4 keys do not.
//! - ICMPv4 destination unreachable quoting a TCP/UDP header: the key of the quoted packet's flow
//!   (Suricata's `ICMPV4_DEST_UNREACH_IS_VALID`: the quote must hold a full 20-byte TCP header or an
//!   8-byte UDP header). Other ICMPv4 error messages never create nor join a flow. ICMPv6 errors are
//!   keyed like any ICMPv6 message (Suricata 7 does not map them to the quoted flow).
//!
//! The quoted header is parsed here from the ICMP payload (bounded, never panics) because
//! [`wire::Packet`] does not expose it.

use crate::FlowKey;
use std::net::{IpAddr, Ipv4Addr};
use wire::{ipproto, IcmpHeader, Packet, L4};

/// ICMPv4 message types (RFC 792 and later).
mod icmp4 {
    pub const ECHO_REPLY: u8 = 0;
    pub const DEST_UNREACH: u8 = 3;
    pub const SOURCE_QUENCH: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const ECHO: u8 = 8;
    pub const ROUTER_ADVERT: u8 = 9;
    pub const ROUTER_SOLICIT: u8 = 10;
    pub const TIME_EXCEEDED: u8 = 11;
    pub const PARAMETER_PROB: u8 = 12;
    pub const TIMESTAMP: u8 = 13;
    pub const TIMESTAMP_REPLY: u8 = 14;
    pub const INFO_REQUEST: u8 = 15;
    pub const INFO_REPLY: u8 = 16;
    pub const ADDRESS: u8 = 17;
    pub const ADDRESS_REPLY: u8 = 18;
    /// Highest destination-unreachable code Suricata decodes (`NR_ICMP_UNREACH`).
    pub const NR_UNREACH: u8 = 15;
}

/// The counterpart of an ICMPv4 message type (Suricata's `ICMPv4GetCounterpart`).
pub fn icmpv4_counterpart(t: u8) -> Option<u8> {
    use icmp4::*;
    const PAIRS: [(u8, u8); 5] = [
        (ECHO, ECHO_REPLY),
        (TIMESTAMP, TIMESTAMP_REPLY),
        (INFO_REQUEST, INFO_REPLY),
        (ROUTER_SOLICIT, ROUTER_ADVERT),
        (ADDRESS, ADDRESS_REPLY),
    ];
    pair_lookup(&PAIRS, t)
}

/// The counterpart of an ICMPv6 message type (Suricata's `ICMPv6GetCounterpart`).
pub fn icmpv6_counterpart(t: u8) -> Option<u8> {
    const PAIRS: [(u8, u8); 10] = [
        (128, 129), // echo request / reply
        (135, 136), // neighbor solicit / advert
        (133, 134), // router solicit / advert
        (130, 131), // MLD query / report
        (139, 140), // node information query / reply
        (144, 145), // home agent address discovery request / reply
        (146, 147), // mobile prefix solicit / advert
        (148, 149), // certification path solicit / advert
        (151, 152), // multicast router advert / solicit
        (157, 158), // duplicate address request / confirm
    ];
    pair_lookup(&PAIRS, t)
}

fn pair_lookup(pairs: &[(u8, u8)], t: u8) -> Option<u8> {
    pairs.iter().find_map(|&(a, b)| {
        if a == t {
            Some(b)
        } else if b == t {
            Some(a)
        } else {
            None
        }
    })
}

/// Whether an ICMPv4 type is an error message (Suricata's `ICMPV4_IS_ERROR_MSG`): such a packet
/// never creates a flow.
pub fn icmpv4_is_error(t: u8) -> bool {
    use icmp4::*;
    matches!(
        t,
        DEST_UNREACH | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROB
    )
}

/// The quoted IPv4 packet of an ICMPv4 destination-unreachable message, when it is one a flow can
/// be found for: (src, dst, proto, sport, dport).
/// `quote` starts at the quoted IP header (8 bytes into the ICMP message).
pub(crate) fn quoted_v4(icmp: &IcmpHeader, quote: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr, u8, u16, u16)> {
    if icmp.icmp_type != icmp4::DEST_UNREACH || icmp.code > icmp4::NR_UNREACH {
        return None;
    }
    let ver_ihl = *quote.first()?;
    if ver_ihl >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(ver_ihl & 0x0f) * 4;
    if ihl < 20 {
        return None;
    }
    let proto = *quote.get(9)?;
    let src = Ipv4Addr::from(<[u8; 4]>::try_from(quote.get(12..16)?).ok()?);
    let dst = Ipv4Addr::from(<[u8; 4]>::try_from(quote.get(16..20)?).ok()?);
    let l4 = quote.get(ihl..)?;
    // Suricata requires a full TCP header (20 bytes) or UDP header (8 bytes) in the quote.
    let need = match proto {
        ipproto::TCP => 20,
        ipproto::UDP => 8,
        _ => return None,
    };
    if l4.len() < need {
        return None;
    }
    let sport = u16::from_be_bytes([*l4.first()?, *l4.get(1)?]);
    let dport = u16::from_be_bytes([*l4.get(2)?, *l4.get(3)?]);
    Some((src, dst, proto, sport, dport))
}

/// How a packet relates to the flow table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// Finds or creates its flow.
    Normal,
    /// An ICMPv4 error: joins an existing flow (the quoted one for destination unreachable), never
    /// creates one.
    IcmpError,
}

/// Builds a normalized key from one endpoint pair.
pub(crate) fn normalized(
    src: IpAddr,
    dst: IpAddr,
    sport: u16,
    dport: u16,
    proto: u8,
    vlan: [u16; 2],
) -> FlowKey {
    let (addrs, ports) = if (src, sport) <= (dst, dport) {
        ([src, dst], [sport, dport])
    } else {
        ([dst, src], [dport, sport])
    };
    FlowKey {
        addrs,
        ports,
        proto,
        vlan: vlan[0],
        vlan_inner: vlan[1],
    }
}

/// The key of a packet and how it may use the table.
pub(crate) fn key_of(pkt: &Packet<'_>, use_vlan: bool) -> (FlowKey, KeyKind) {
    let vlan = if use_vlan {
        match pkt.vlan_count {
            0 => [0, 0],
            1 => [pkt.vlan[0], 0],
            _ => pkt.vlan,
        }
    } else {
        [0, 0]
    };
    let (src, dst) = (pkt.ip.src, pkt.ip.dst);
    match &pkt.l4 {
        L4::Tcp(t) => (
            normalized(src, dst, t.src_port, t.dst_port, ipproto::TCP, vlan),
            KeyKind::Normal,
        ),
        L4::Udp(u) => (
            normalized(src, dst, u.src_port, u.dst_port, ipproto::UDP, vlan),
            KeyKind::Normal,
        ),
        L4::Icmp4(i) => {
            if icmpv4_is_error(i.icmp_type) {
                // The quote follows the 8-byte ICMP header; found through `l3` so that it does not
                // depend on where the decoder starts `payload`.
                let quote = pkt
                    .l3
                    .get(usize::from(pkt.ip.header_len).saturating_add(8)..)
                    .unwrap_or(&[]);
                if let Some((qs, qd, proto, sp, dp)) = quoted_v4(i, quote) {
                    return (
                        normalized(IpAddr::V4(qs), IpAddr::V4(qd), sp, dp, proto, vlan),
                        KeyKind::IcmpError,
                    );
                }
                let k = normalized(src, dst, u16::from(i.icmp_type) << 8, 0, ipproto::ICMP, vlan);
                return (k, KeyKind::IcmpError);
            }
            let d = icmpv4_counterpart(i.icmp_type).unwrap_or(0);
            (
                normalized(
                    src,
                    dst,
                    u16::from(i.icmp_type) << 8,
                    u16::from(d) << 8,
                    ipproto::ICMP,
                    vlan,
                ),
                KeyKind::Normal,
            )
        }
        L4::Icmp6(i) => {
            let d = icmpv6_counterpart(i.icmp_type).unwrap_or(0);
            let sp = u16::from(i.icmp_type) << 8 | u16::from(i.code);
            (
                normalized(src, dst, sp, u16::from(d) << 8, ipproto::ICMPV6, vlan),
                KeyKind::Normal,
            )
        }
        L4::Other => (normalized(src, dst, 0, 0, pkt.ip.proto, vlan), KeyKind::Normal),
    }
}

/// 64-bit finalizer (splitmix64 / murmur3 style): a cheap, well-mixing bijection.
#[inline]
pub(crate) fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[inline]
fn addr_bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        // Tag IPv6 so that ::a.b.c.d and a.b.c.d hash apart.
        IpAddr::V6(v6) => u128::from(v6) ^ (1u128 << 127),
    }
}

/// Symmetric hash of the unordered address pair and VLAN (see [`crate::worker_hash`]).
pub(crate) fn pair_hash(src: IpAddr, dst: IpAddr, vlan: u16) -> u64 {
    let (a, b) = (addr_bits(src), addr_bits(dst));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let fold = |x: u128| (x as u64) ^ ((x >> 64) as u64).rotate_left(17);
    let h = mix64(fold(lo) ^ 0x9e37_79b9_7f4a_7c15);
    mix64(h ^ fold(hi).wrapping_mul(0xff51_afd7_ed55_8ccd) ^ u64::from(vlan) << 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counterparts() {
        assert_eq!(icmpv4_counterpart(8), Some(0));
        assert_eq!(icmpv4_counterpart(0), Some(8));
        assert_eq!(icmpv4_counterpart(13), Some(14));
        assert_eq!(icmpv4_counterpart(3), None);
        assert_eq!(icmpv6_counterpart(128), Some(129));
        assert_eq!(icmpv6_counterpart(136), Some(135));
        assert_eq!(icmpv6_counterpart(1), None);
    }

    fn icmp(t: u8, c: u8) -> IcmpHeader {
        IcmpHeader {
            icmp_type: t,
            code: c,
            id: 0,
            seq: 0,
            checksum_ok: true,
        }
    }

    fn quote(proto: u8, l4_len: usize) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&[
            0x45, 0, 0, 60, 0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        let mut l4 = vec![0u8; l4_len];
        if l4_len >= 4 {
            l4[..4].copy_from_slice(&[0x30, 0x39, 0x00, 0x35]);
        }
        v.extend_from_slice(&l4);
        v
    }

    #[test]
    fn quoted_udp_and_tcp() {
        let q = quoted_v4(&icmp(3, 3), &quote(17, 8)).unwrap();
        assert_eq!(
            q,
            (
                Ipv4Addr::new(10, 0, 0, 1),
                Ipv4Addr::new(10, 0, 0, 2),
                17,
                12345,
                53
            )
        );
        assert!(quoted_v4(&icmp(3, 3), &quote(17, 7)).is_none());
        // TCP needs a full 20-byte header, as Suricata requires.
        assert!(quoted_v4(&icmp(3, 1), &quote(6, 8)).is_none());
        assert_eq!(quoted_v4(&icmp(3, 1), &quote(6, 20)).unwrap().4, 53);
        // Only destination unreachable joins a flow; bad codes are refused.
        assert!(quoted_v4(&icmp(11, 0), &quote(17, 8)).is_none());
        assert!(quoted_v4(&icmp(3, 16), &quote(17, 8)).is_none());
    }

    #[test]
    fn quoted_malformed_never_panics() {
        let full = quote(17, 8);
        for n in 0..full.len() {
            let _ = quoted_v4(&icmp(3, 0), &full[..n]);
        }
        let mut bad = full.clone();
        bad[0] = 0x65; // version 6
        assert!(quoted_v4(&icmp(3, 0), &bad).is_none());
        let mut bad = full.clone();
        bad[0] = 0x44; // ihl 16 bytes
        assert!(quoted_v4(&icmp(3, 0), &bad).is_none());
        let mut bad = full;
        bad[0] = 0x4f; // ihl 60 bytes, beyond the data
        assert!(quoted_v4(&icmp(3, 0), &bad).is_none());
    }

    #[test]
    fn pair_hash_symmetric() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let c: IpAddr = "::1".parse().unwrap();
        assert_eq!(pair_hash(a, b, 0), pair_hash(b, a, 0));
        assert_eq!(pair_hash(a, c, 7), pair_hash(c, a, 7));
        assert_ne!(pair_hash(a, b, 0), pair_hash(a, b, 1));
        assert_ne!(pair_hash(a, b, 0), pair_hash(a, c, 0));
    }
}
