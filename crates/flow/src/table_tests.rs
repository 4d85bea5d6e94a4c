//! Tests of the flow table: keys, directions, counters, timeouts, eviction, ICMP, TCP pickup.

use super::*;
use crate::{FlowConfig, TcpConfig};
use std::net::IpAddr;
use wire::{IcmpHeader, IpHeader, TcpHeader, TcpOptions, UdpHeader};

const US: i64 = 1_000_000;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn iph(src: &str, dst: &str, proto: u8) -> IpHeader {
    IpHeader {
        src: ip(src),
        dst: ip(dst),
        proto,
        ttl: 64,
        tos: 0,
        id: 0,
        header_len: if ip(src).is_ipv4() { 20 } else { 40 },
        total_len: 0,
        checksum_ok: true,
    }
}

fn pkt<'a>(ip: IpHeader, l4: L4, l3: &'a [u8], payload: &'a [u8]) -> Packet<'a> {
    Packet {
        vlan: [0; 2],
        vlan_count: 0,
        ip,
        frag: None,
        l4,
        l3,
        payload,
        tunnel: None,
        events: Default::default(),
    }
}

fn udp<'a>(src: &str, sp: u16, dst: &str, dp: u16, payload: &'a [u8]) -> Packet<'a> {
    let u = UdpHeader {
        src_port: sp,
        dst_port: dp,
        length: 8,
        checksum_ok: true,
    };
    pkt(iph(src, dst, ipproto::UDP), L4::Udp(u), &[], payload)
}

fn tcp<'a>(src: &str, sp: u16, dst: &str, dp: u16, seq: u32, ack: u32, flags: u8) -> Packet<'a> {
    let t = TcpHeader {
        src_port: sp,
        dst_port: dp,
        seq,
        ack,
        flags,
        window: 1000,
        urgent: 0,
        header_len: 20,
        options: TcpOptions::default(),
        checksum_ok: true,
    };
    pkt(iph(src, dst, ipproto::TCP), L4::Tcp(t), &[], &[])
}

fn icmp4<'a>(src: &str, dst: &str, t: u8, c: u8, l3: &'a [u8]) -> Packet<'a> {
    let h = IcmpHeader {
        icmp_type: t,
        code: c,
        id: 1,
        seq: 1,
        checksum_ok: true,
    };
    pkt(
        iph(src, dst, ipproto::ICMP),
        L4::Icmp4(h),
        l3,
        l3.get(28..).unwrap_or(&[]),
    )
}

type Ended = Vec<(Flow<()>, EndReason)>;

fn table(cfg: FlowConfig) -> FlowTable<()> {
    FlowTable::new(cfg)
}

/// Feeds a packet; returns (flow id, direction).
fn feed(
    t: &mut FlowTable<()>,
    p: &Packet<'_>,
    ts: i64,
    len: usize,
    ended: &mut Ended,
) -> Option<(u64, Direction)> {
    t.packet(p, Timestamp(ts), len, ended).map(|(f, d)| (f.id, d))
}

/// Feeds a TCP packet and runs its session like the worker does.
fn feed_tcp(t: &mut FlowTable<()>, p: &Packet<'_>, ts: i64, ended: &mut Ended) -> (u64, Direction) {
    let cfg = t.cfg.tcp.clone();
    let (f, d) = t.packet(p, Timestamp(ts), 60, ended).unwrap();
    if let (Some(s), L4::Tcp(h)) = (f.tcp.as_mut(), &p.l4) {
        s.on_segment(d, h, p.payload, &cfg, &mut |_, _| {});
    }
    (f.id, d)
}

fn find<'a>(t: &'a FlowTable<()>, p: &Packet<'_>) -> &'a Flow<()> {
    let k = FlowKey::of(p, t.cfg.use_vlan);
    let i = *t.map.get(&k).unwrap();
    t.slots[i as usize].flow.as_ref().unwrap()
}

#[test]
fn udp_flow_both_ways() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let q = udp("10.0.0.1", 5555, "10.0.0.2", 53, b"q");
    let r = udp("10.0.0.2", 53, "10.0.0.1", 5555, b"r");
    let (id, d) = feed(&mut t, &q, 10 * US, 98, &mut ended).unwrap();
    assert_eq!(d, Direction::ToServer);
    assert_eq!(find(&t, &q).state, FlowState::New);
    let (id2, d2) = feed(&mut t, &r, 10 * US + 500, 102, &mut ended).unwrap();
    assert_eq!((id2, d2), (id, Direction::ToClient));
    let f = find(&t, &q);
    assert_eq!(
        (f.src, f.sport, f.dst, f.dport),
        (ip("10.0.0.1"), 5555, ip("10.0.0.2"), 53)
    );
    assert_eq!(f.pkts, [1, 1]);
    assert_eq!(f.bytes, [98, 102]);
    assert_eq!(f.state, FlowState::Established);
    assert_eq!((f.start, f.last), (Timestamp(10 * US), Timestamp(10 * US + 500)));
    assert!(f.id > 0 && f.id < 1 << 51);
    assert_eq!(t.stats.created, 1);
    assert_eq!(t.stats.active, 1);
    assert!(ended.is_empty());
}

#[test]
fn keys_are_direction_free_and_vlan_aware() {
    let a = udp("10.0.0.1", 1, "10.0.0.2", 2, b"");
    let b = udp("10.0.0.2", 2, "10.0.0.1", 1, b"");
    assert_eq!(FlowKey::of(&a, true), FlowKey::of(&b, true));
    // Same addresses, ports crossed differently: another flow.
    let c = udp("10.0.0.2", 1, "10.0.0.1", 2, b"");
    assert_ne!(FlowKey::of(&a, true), FlowKey::of(&c, true));
    let mut v = a;
    v.vlan = [10, 0];
    v.vlan_count = 1;
    assert_ne!(FlowKey::of(&a, true), FlowKey::of(&v, true));
    assert_eq!(FlowKey::of(&a, false), FlowKey::of(&v, false));
    assert_eq!(
        crate::worker_hash(ip("1.2.3.4"), ip("5.6.7.8"), 3),
        crate::worker_hash(ip("5.6.7.8"), ip("1.2.3.4"), 3)
    );
}

#[test]
fn expiry_by_state_timeout() {
    let mut t = table(FlowConfig::default()); // udp: new 30 s, established 300 s
    let mut ended = Vec::new();
    feed(
        &mut t,
        &udp("10.0.0.1", 1, "10.0.0.2", 2, b""),
        100 * US + 900_000,
        60,
        &mut ended,
    );
    let q = udp("10.0.0.3", 1, "10.0.0.4", 2, b"");
    feed(&mut t, &q, 101 * US, 60, &mut ended);
    feed(
        &mut t,
        &udp("10.0.0.4", 2, "10.0.0.3", 1, b""),
        101 * US,
        60,
        &mut ended,
    );
    let mut out = Vec::new();
    // Suricata: expired when secs(now) > secs(last) + timeout.
    t.expire(Timestamp(130 * US + 999_999), &mut out);
    assert!(out.is_empty());
    t.expire(Timestamp(131 * US), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].1, EndReason::Timeout);
    assert_eq!(out[0].0.src, ip("10.0.0.1"));
    assert_eq!(t.stats.timed_out, 1);
    // The established one lives 300 s.
    out.clear();
    t.expire(Timestamp(401 * US), &mut out);
    assert!(out.is_empty());
    t.expire(Timestamp(402 * US), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(t.len(), 0);
    assert_eq!(t.stats.active, 0);
}

#[test]
fn eviction_at_max_flows() {
    let cfg = FlowConfig {
        max_flows: 2,
        ..FlowConfig::default()
    };
    let mut t = table(cfg);
    let mut ended = Vec::new();
    let a = udp("10.0.0.1", 1, "10.0.0.2", 2, b"");
    let b = udp("10.0.0.1", 3, "10.0.0.2", 4, b"");
    let c = udp("10.0.0.1", 5, "10.0.0.2", 6, b"");
    let (ida, _) = feed(&mut t, &a, US, 60, &mut ended).unwrap();
    feed(&mut t, &b, 2 * US, 60, &mut ended);
    // `a` seen again: now `b` is the least recently seen.
    feed(&mut t, &a, 3 * US, 60, &mut ended);
    feed(&mut t, &c, 4 * US, 60, &mut ended);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].1, EndReason::Forced);
    assert_eq!(ended[0].0.sport, 3);
    assert_eq!(t.stats.evicted, 1);
    assert_eq!(t.len(), 2);
    assert_eq!(feed(&mut t, &a, 5 * US, 60, &mut ended).unwrap().0, ida);
}

#[test]
fn icmp_echo_request_and_reply_share_a_flow() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let req = icmp4("10.0.0.1", "10.0.0.2", 8, 0, &[]);
    let rep = icmp4("10.0.0.2", "10.0.0.1", 0, 0, &[]);
    let (id, d) = feed(&mut t, &req, US, 98, &mut ended).unwrap();
    assert_eq!(d, Direction::ToServer);
    assert_eq!(
        feed(&mut t, &rep, US + 1, 98, &mut ended).unwrap(),
        (id, Direction::ToClient)
    );
    let f = find(&t, &req);
    assert_eq!(f.icmp, [Some((8, 0)), Some((0, 0))]);
    assert_eq!(f.state, FlowState::Established);
    assert_eq!(f.proto, ipproto::ICMP);
    // An unpaired type from each side makes two flows (Suricata compares type with counterpart).
    let x = icmp4("10.0.0.1", "10.0.0.2", 9, 0, &[]);
    let y = icmp4("10.0.0.2", "10.0.0.1", 9, 0, &[]);
    assert_ne!(FlowKey::of(&x, true), FlowKey::of(&y, true));
}

/// An ICMPv4 destination unreachable quoting a UDP datagram 10.0.0.1:5555 -> 10.0.0.2:53.
fn unreach_l3() -> Vec<u8> {
    let mut v = vec![0x45, 0, 0, 56, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1];
    v.extend_from_slice(&[3, 3, 0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(&[0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    v.extend_from_slice(&[0x15, 0xb3, 0x00, 0x35, 0, 8, 0, 0]);
    v
}

#[test]
fn icmp_unreachable_joins_the_quoted_udp_flow() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let q = udp("10.0.0.1", 5555, "10.0.0.2", 53, b"q");
    let (id, _) = feed(&mut t, &q, US, 70, &mut ended).unwrap();
    let l3 = unreach_l3();
    let err = icmp4("10.0.0.2", "10.0.0.1", 3, 3, &l3);
    assert_eq!(FlowKey::of(&err, true), FlowKey::of(&q, true));
    assert_eq!(
        feed(&mut t, &err, US + 5, 90, &mut ended).unwrap(),
        (id, Direction::ToClient)
    );
    let f = find(&t, &q);
    assert_eq!(f.pkts, [1, 1]);
    assert_eq!(f.bytes, [70, 90]);
    // An error does not count as the other side having answered.
    assert_eq!(f.state, FlowState::New);
    assert_eq!(f.icmp, [None, None]);
    assert_eq!(t.stats.created, 1);
}

#[test]
fn icmp_error_without_flow_gets_none() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let l3 = unreach_l3();
    assert!(feed(
        &mut t,
        &icmp4("10.0.0.2", "10.0.0.1", 3, 3, &l3),
        US,
        90,
        &mut ended
    )
    .is_none());
    // Time exceeded never joins nor creates a flow.
    assert!(feed(
        &mut t,
        &icmp4("10.0.0.9", "10.0.0.1", 11, 0, &l3),
        US,
        90,
        &mut ended
    )
    .is_none());
    // Truncated quote.
    assert!(feed(
        &mut t,
        &icmp4("10.0.0.2", "10.0.0.1", 3, 3, &l3[..40]),
        US,
        90,
        &mut ended
    )
    .is_none());
    assert_eq!(t.len(), 0);
    assert_eq!(t.stats.icmp_error_no_flow, 3);
}

#[test]
fn synack_first_swaps_when_midstream() {
    let cfg = FlowConfig {
        tcp: TcpConfig {
            midstream: true,
            ..TcpConfig::default()
        },
        ..FlowConfig::default()
    };
    let mut t = table(cfg);
    let mut ended = Vec::new();
    let sa = tcp("10.0.0.2", 80, "10.0.0.1", 40000, 5000, 1001, SYN | ACK);
    let (id, d) = feed_tcp(&mut t, &sa, US, &mut ended);
    assert_eq!(d, Direction::ToClient);
    let f = find(&t, &sa);
    assert_eq!(
        (f.src, f.sport, f.dst, f.dport),
        (ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80)
    );
    assert_eq!(f.pkts, [0, 1]);
    assert_eq!(f.tcp.as_ref().unwrap().state, TcpState::SynRecv);
    let ack = tcp("10.0.0.1", 40000, "10.0.0.2", 80, 1001, 5001, ACK);
    assert_eq!(
        feed_tcp(&mut t, &ack, US + 1, &mut ended),
        (id, Direction::ToServer)
    );
    // The table sees the new state at its next call.
    t.expire(Timestamp(US + 2), &mut Vec::new());
    assert_eq!(find(&t, &sa).state, FlowState::Established);
}

#[test]
fn synack_first_without_midstream_has_no_session() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let sa = tcp("10.0.0.2", 80, "10.0.0.1", 40000, 5000, 1001, SYN | ACK);
    let (_, d) = feed_tcp(&mut t, &sa, US, &mut ended);
    assert_eq!(d, Direction::ToServer);
    let f = find(&t, &sa);
    assert_eq!(f.src, ip("10.0.0.2"));
    assert!(f.tcp.is_none());
    assert_eq!(t.stats.tcp_sessions, 0);
    // A SYN on that tuple starts a fresh flow (tuple reuse: no session yet).
    let syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, 1000, 0, SYN);
    feed_tcp(&mut t, &syn, US + 1, &mut ended);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].1, EndReason::Timeout);
    let f = find(&t, &syn);
    assert_eq!(f.src, ip("10.0.0.1"));
    assert!(f.tcp.is_some());
    assert_eq!(t.stats.tcp_reuse, 1);
}

#[test]
fn tcp_flow_states_follow_the_session() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let c = |seq, ack, fl| tcp("10.0.0.1", 40000, "10.0.0.2", 80, seq, ack, fl);
    let s = |seq, ack, fl| tcp("10.0.0.2", 80, "10.0.0.1", 40000, seq, ack, fl);
    feed_tcp(&mut t, &c(1000, 0, SYN), US, &mut ended);
    feed_tcp(&mut t, &s(5000, 1001, SYN | ACK), US, &mut ended);
    assert_eq!(find(&t, &c(0, 0, 0)).state, FlowState::New);
    feed_tcp(&mut t, &c(1001, 5001, ACK), US, &mut ended);
    feed_tcp(&mut t, &c(1001, 5001, FIN | ACK), US, &mut ended);
    assert_eq!(find(&t, &c(0, 0, 0)).state, FlowState::Established);
    feed_tcp(&mut t, &s(5001, 1002, FIN | ACK), US, &mut ended);
    feed_tcp(&mut t, &c(1002, 5002, ACK), US, &mut ended);
    let mut out = Vec::new();
    t.expire(Timestamp(US), &mut out);
    let f = find(&t, &c(0, 0, 0));
    assert_eq!(f.state, FlowState::Closed);
    assert_eq!(f.tcp.as_ref().unwrap().state_name(), "closed");
    assert_eq!(f.pkts, [4, 2]);
    // Closed TCP flows use the closed timeout (120 s by default), not the established one.
    t.expire(Timestamp(122 * US), &mut out);
    assert_eq!(out.len(), 1);
    // A retransmitted SYN does not reuse, a new SYN after close does.
    feed_tcp(&mut t, &c(1000, 0, SYN), 200 * US, &mut ended);
    feed_tcp(&mut t, &c(1000, 0, SYN), 200 * US, &mut ended);
    assert_eq!(t.stats.tcp_reuse, 0);
    assert_eq!(t.len(), 1);
}

#[test]
fn port_reuse_after_close_starts_new_flow() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let c = |seq, ack, fl| tcp("10.0.0.1", 40000, "10.0.0.2", 80, seq, ack, fl);
    let s = |seq, ack, fl| tcp("10.0.0.2", 80, "10.0.0.1", 40000, seq, ack, fl);
    let (id1, _) = feed_tcp(&mut t, &c(1000, 0, SYN), US, &mut ended);
    feed_tcp(&mut t, &s(0, 1001, RST | ACK), US, &mut ended);
    let (id2, d) = feed_tcp(&mut t, &c(9000, 0, SYN), 2 * US, &mut ended);
    assert_ne!(id1, id2);
    assert_eq!(d, Direction::ToServer);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].0.id, id1);
    assert_eq!(ended[0].0.pkts, [1, 1]);
    assert_eq!(t.stats.created, 2);
}

#[test]
fn drain_ends_everything() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    for p in 1..=5u16 {
        feed(
            &mut t,
            &udp("10.0.0.1", p, "10.0.0.2", 53, b""),
            i64::from(p) * US,
            60,
            &mut ended,
        );
    }
    let mut out = Vec::new();
    t.drain(&mut out);
    assert_eq!(out.len(), 5);
    assert!(out.iter().all(|(_, r)| *r == EndReason::Shutdown));
    assert_eq!(
        out.iter().map(|(f, _)| f.sport).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert!(t.is_empty());
    // The table is usable afterwards and ids stay unique.
    let (id, _) = feed(
        &mut t,
        &udp("10.0.0.1", 1, "10.0.0.2", 53, b""),
        9 * US,
        60,
        &mut ended,
    )
    .unwrap();
    assert!(out.iter().all(|(f, _)| f.id != id));
}

#[test]
fn flow_ids_unique_and_in_range() {
    let mut seen = std::collections::HashSet::new();
    for w in [0u64, 1, 7] {
        for c in 1..20_000u64 {
            let id = permute51((w << 36) | c);
            assert!(id > 0 && id < 1 << 51);
            assert!(seen.insert(id));
        }
    }
}

#[test]
fn many_flows_churn_keeps_lists_consistent() {
    let cfg = FlowConfig {
        max_flows: 100,
        ..FlowConfig::default()
    };
    let mut t = table(cfg);
    let mut ended = Vec::new();
    for i in 0..1000u32 {
        let p = udp("10.0.0.1", (i % 250) as u16, "10.0.0.2", 53, b"");
        feed(&mut t, &p, i64::from(i) * 100_000, 60, &mut ended);
        if i % 97 == 0 {
            t.expire(Timestamp(i64::from(i) * 100_000), &mut ended);
        }
    }
    assert_eq!(t.len(), 100);
    let listed: usize = (0..LISTS)
        .map(|l| {
            let mut n = 0;
            let mut i = t.lists[l].head;
            while i != NIL {
                n += 1;
                i = t.slots[i as usize].next;
            }
            n
        })
        .sum();
    assert_eq!(listed, 100);
    assert_eq!(t.stats.created, t.stats.evicted + t.stats.timed_out + 100);
}

#[test]
fn swap_direction_reverses_flow() {
    let cfg = FlowConfig {
        tcp: TcpConfig {
            midstream: true,
            ..TcpConfig::default()
        },
        ..FlowConfig::default()
    };
    let mut t = table(cfg);
    let mut ended = Vec::new();
    // Midstream: the first packet seen is the server's.
    let s = tcp("10.0.0.2", 80, "10.0.0.1", 40000, 5000, 1000, ACK);
    let (_, d) = feed_tcp(&mut t, &s, US, &mut ended);
    assert_eq!(d, Direction::ToServer);
    let (f, _) = t.packet(&s, Timestamp(US), 60, &mut ended).unwrap();
    f.swap_direction();
    assert_eq!((f.src, f.sport), (ip("10.0.0.1"), 40000));
    assert_eq!(f.pkts, [0, 2]);
    assert_eq!(f.tcp.as_ref().unwrap().stream(Direction::ToClient).isn, 4999);
    let c = tcp("10.0.0.1", 40000, "10.0.0.2", 80, 1000, 5000, ACK);
    assert_eq!(feed_tcp(&mut t, &c, US, &mut ended).1, Direction::ToServer);
}

#[test]
fn packet_on_timed_out_flow_starts_a_new_one() {
    let mut t = table(FlowConfig::default());
    let mut ended = Vec::new();
    let q = udp("10.0.0.1", 1, "10.0.0.2", 2, b"");
    let (id1, _) = feed(&mut t, &q, US, 60, &mut ended).unwrap();
    // 31 s later, never expired by the caller: the lookup ends the old flow itself.
    let (id2, _) = feed(&mut t, &q, 32 * US, 60, &mut ended).unwrap();
    assert_ne!(id1, id2);
    assert_eq!(ended.len(), 1);
    assert_eq!((ended[0].0.id, ended[0].1), (id1, EndReason::Timeout));
    assert_eq!(t.stats.timed_out, 1);
    assert_eq!(find(&t, &q).pkts, [1, 0]);
}
