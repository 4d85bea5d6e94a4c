//! Tests of the TCP state machine and reassembly (exact chunks delivered).

use super::stream::SEG_OVERHEAD;
use super::*;
use crate::TcpConfig;
use wire::tcpflags::PSH;
use wire::TcpOptions;

const C: Direction = Direction::ToServer;
const S: Direction = Direction::ToClient;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    D(Direction, Vec<u8>),
    G(Direction, u32),
}

/// Immediate delivery (the mode most of these tests were written for).
fn imm() -> TcpConfig {
    TcpConfig {
        ack_gated: false,
        ..TcpConfig::default()
    }
}

fn hdr(seq: u32, ack: u32, flags: u8) -> TcpHeader {
    TcpHeader {
        src_port: 1,
        dst_port: 2,
        seq,
        ack,
        flags,
        window: 65535,
        urgent: 0,
        header_len: 20,
        options: TcpOptions::default(),
        checksum_ok: true,
    }
}

struct T {
    s: TcpSession,
    cfg: TcpConfig,
    got: Vec<Got>,
}

impl T {
    fn new(cfg: TcpConfig) -> T {
        T {
            s: TcpSession::new(&cfg),
            cfg,
            got: Vec::new(),
        }
    }
    fn seg(&mut self, dir: Direction, seq: u32, ack: u32, flags: u8, data: &[u8]) {
        self.seg_h(dir, &hdr(seq, ack, flags), data);
    }
    fn seg_h(&mut self, dir: Direction, h: &TcpHeader, data: &[u8]) {
        let got = &mut self.got;
        self.s.on_segment(dir, h, data, &self.cfg, &mut |d, c| match c {
            Chunk::Data(b) => got.push(Got::D(d, b.to_vec())),
            Chunk::Gap(n) => got.push(Got::G(d, n)),
        });
    }
    fn flush(&mut self) {
        let got = &mut self.got;
        self.s.flush(&mut |d, c| match c {
            Chunk::Data(b) => got.push(Got::D(d, b.to_vec())),
            Chunk::Gap(n) => got.push(Got::G(d, n)),
        });
    }
    fn take(&mut self) -> Vec<Got> {
        std::mem::take(&mut self.got)
    }
    /// SYN 1000 / SYN-ACK 5000 / ACK: data starts at 1001 (client) and 5001 (server).
    fn handshake(&mut self) {
        self.handshake_at(1000, 5000);
    }
    fn handshake_at(&mut self, c: u32, s: u32) {
        self.seg(C, c, 0, SYN, b"");
        assert_eq!(self.s.state, TcpState::SynSent);
        self.seg(S, s, c.wrapping_add(1), SYN | ACK, b"");
        assert_eq!(self.s.state, TcpState::SynRecv);
        self.seg(C, c.wrapping_add(1), s.wrapping_add(1), ACK, b"");
        assert_eq!(self.s.state, TcpState::Established);
    }
}

fn d(dir: Direction, b: &[u8]) -> Got {
    Got::D(dir, b.to_vec())
}

#[test]
fn handshake_and_data_both_ways() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"GET / HTTP/1.0\r\n\r\n");
    t.seg(S, 5001, 1019, ACK | PSH, b"HTTP/1.0 200 OK\r\n");
    t.seg(C, 1019, 5018, ACK, b"");
    assert_eq!(
        t.take(),
        vec![d(C, b"GET / HTTP/1.0\r\n\r\n"), d(S, b"HTTP/1.0 200 OK\r\n")]
    );
    assert_eq!(t.s.state_name(), "established");
    assert_eq!(t.s.flags, [SYN | ACK | PSH, SYN | ACK | PSH]);
    assert_eq!(t.s.stream(C).isn, 1000);
    assert_eq!(t.s.stream(S).isn, 5000);
    assert_eq!(t.s.stream(C).delivered, 18);
    assert_eq!(t.s.stream(S).delivered, 17);
}

#[test]
fn out_of_order_is_buffered_then_delivered() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1006, 5001, ACK, b"world");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).buffered(), 5);
    t.seg(C, 1001, 5001, ACK, b"hello");
    assert_eq!(t.take(), vec![d(C, b"hello"), d(C, b"world")]);
    assert_eq!(t.s.stream(C).buffered(), 0);
    assert_eq!(t.s.shared.mem.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[test]
fn retransmission_is_ignored() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"hello");
    t.seg(C, 1001, 5001, ACK, b"hello");
    t.seg(C, 1003, 5001, ACK, b"llo");
    // A retransmission that extends past what was delivered brings only the new bytes.
    t.seg(C, 1004, 5001, ACK, b"loXY");
    assert_eq!(t.take(), vec![d(C, b"hello"), d(C, b"XY")]);
    assert_eq!(t.s.stream(C).retransmissions, 2);
}

#[test]
fn overlap_first_received_wins() {
    let mut t = T::new(imm());
    t.handshake();
    // Buffered first at offsets 3..8.
    t.seg(C, 1004, 5001, ACK, b"AAAAA");
    // In order 0..8 with different bytes: only 0..3 are new.
    t.seg(C, 1001, 5001, ACK, b"BBBBBBBB");
    assert_eq!(t.take(), vec![d(C, b"BBB"), d(C, b"AAAAA")]);

    // Out-of-order overlap fills only holes: "XYZ" buffered at 13..16, then 10..19.
    t.seg(C, 1014, 5001, ACK, b"XYZ");
    t.seg(C, 1011, 5001, ACK, b"123456789");
    assert_eq!(t.s.stream(C).buffered(), 9);
    t.seg(C, 1009, 5001, ACK, b"ab");
    assert_eq!(
        t.take(),
        vec![d(C, b"ab"), d(C, b"123"), d(C, b"XYZ"), d(C, b"789")]
    );
}

#[test]
fn gap_when_receiver_acks_past_missing_data() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    // 1004..1007 lost; 1007.. arrives and waits.
    t.seg(C, 1007, 5001, ACK, b"ghi");
    assert_eq!(t.take(), vec![d(C, b"abc")]);
    // The server acknowledges everything: the hole will never be filled.
    t.seg(S, 5001, 1010, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 3), d(C, b"ghi")]);
    assert_eq!(t.s.stream(C).gaps, 1);
    assert_eq!(t.s.stream(C).gap_bytes, 3);
    assert_eq!(t.s.shared.gaps.load(std::sync::atomic::Ordering::Relaxed), 1);
    // Lost data at the end, acked: a gap with nothing after it.
    t.seg(S, 5001, 1020, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 10)]);
    // The late segment is now old news.
    t.seg(C, 1004, 5001, ACK, b"def");
    assert_eq!(t.take(), vec![]);
}

#[test]
fn bogus_ack_far_ahead_makes_no_gap() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    t.seg(S, 5001, 1004 + 10_000_000, ACK, b"");
    t.seg(C, 1004, 5001, ACK, b"def");
    assert_eq!(t.take(), vec![d(C, b"abc"), d(C, b"def")]);
}

#[test]
fn sequence_wraparound() {
    let mut t = T::new(imm());
    let isn = 0xFFFF_FFF0u32;
    t.handshake_at(isn, 7);
    let first = isn.wrapping_add(1); // 0xFFFF_FFF1
                                     // 20 bytes: 15 before the wrap, 5 after; the second half arrives first.
    let data: Vec<u8> = (0u8..20).collect();
    t.seg(C, first.wrapping_add(10), 8, ACK, &data[10..]);
    t.seg(C, first, 8, ACK, &data[..10]);
    t.seg(C, first.wrapping_add(20), 8, ACK, b"after");
    assert_eq!(
        t.take(),
        vec![d(C, &data[..10]), d(C, &data[10..]), d(C, b"after")]
    );
    assert_eq!(t.s.stream(C).next_offset(), 25);
    // A retransmission from before the wrap is still recognised as old.
    t.seg(C, first.wrapping_add(2), 8, ACK, &data[2..6]);
    assert_eq!(t.take(), vec![]);
    // Gap across the wrap via ACK.
    t.seg(C, 20, 8, ACK, b"zz"); // offset 35..37 (first + 35 = 20)
    t.seg(S, 8, 22, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 10), d(C, b"zz")]);
}

#[test]
fn depth_rejects_a_crossing_segment_whole() {
    // Suricata's StreamTcpReassembleCheckDepth: a segment ending beyond the depth is refused
    // whole (not cut at the depth) and the direction's reassembly ends.
    let cfg = TcpConfig { depth: 10, ..imm() };
    let mut t = T::new(cfg);
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"12345678");
    assert!(!t.s.stream(C).depth_reached);
    t.seg(C, 1009, 5001, ACK, b"ABCDEFGH");
    assert!(t.s.stream(C).depth_reached);
    // Fits the depth, but the direction is over.
    t.seg(C, 1009, 5001, ACK, b"AB");
    // Exactly up to the depth is accepted; the stream is then done, not flagged.
    t.seg(S, 5001, 1009, ACK, b"0123456789");
    assert_eq!(t.take(), vec![d(C, b"12345678"), d(S, b"0123456789")]);
    assert!(t.s.stream(S).done && !t.s.stream(S).depth_reached);
    assert!(t.s.stream(C).done);
    // One more byte flags the direction.
    t.seg(S, 5011, 1009, ACK, b"x");
    assert!(t.s.stream(S).depth_reached);
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).delivered, 8);
    assert_eq!(t.s.stream(S).delivered, 10);
}

#[test]
fn depth_out_of_order_beyond_blocks_the_hole() {
    // Out-of-order data beyond the depth is not buffered and flags the direction: the data
    // before it that comes afterwards is refused too.
    let mut t = T::new(TcpConfig { depth: 10, ..imm() });
    t.handshake();
    t.seg(C, 1006, 5001, ACK, b"fghij!");
    assert_eq!(t.s.stream(C).buffered(), 0);
    assert!(t.s.stream(C).depth_reached);
    t.seg(C, 1001, 5001, ACK, b"abcde");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).delivered, 0);
    // Out-of-order data accepted before is dropped with the rest of the direction
    // (Suricata's StreamTcpPruneSession on the packet that reached the depth).
    let mut t = T::new(TcpConfig { depth: 10, ..imm() });
    t.handshake();
    t.seg(C, 1004, 5001, ACK, b"def");
    assert_eq!(t.s.stream(C).buffered(), 3);
    t.seg(C, 1008, 5001, ACK, b"hijk");
    assert!(t.s.stream(C).depth_reached && t.s.stream(C).done);
    assert_eq!(t.s.stream(C).buffered(), 0);
    assert_eq!(mem(&t), 0);
    t.seg(S, 5001, 1007, ACK, b"");
    t.flush();
    assert_eq!(t.take(), vec![]);
}

#[test]
fn depth_window_quirks() {
    // A segment starting at offset depth - 1 is refused, without the flag (Suricata's
    // `SEQ_LT(seq, isn + depth)` with the first byte at isn + 1); the same byte inside a
    // segment starting earlier is accepted.
    let mut t = T::new(TcpConfig { depth: 10, ..imm() });
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"123456789");
    t.seg(C, 1010, 5001, ACK, b"X");
    assert!(!t.s.stream(C).depth_reached);
    assert_eq!(t.take(), vec![d(C, b"123456789")]);
    t.seg(C, 1008, 5001, ACK, b"89Y");
    assert_eq!(t.take(), vec![d(C, b"Y")]);
    assert!(t.s.stream(C).done && !t.s.stream(C).depth_reached);
    // Data starting before the ISN is refused (depth set only).
    let mut t = T::new(TcpConfig { depth: 10, ..imm() });
    t.handshake();
    t.seg(C, 998, 5001, ACK, b"zzzab");
    assert_eq!(t.take(), vec![]);
    let mut t = T::new(TcpConfig { depth: 0, ..imm() });
    t.handshake();
    t.seg(C, 998, 5001, ACK, b"zzzab");
    assert_eq!(t.take(), vec![d(C, b"ab")]);
    // Depth 0 means unlimited.
    let big = vec![7u8; 100_000];
    t.seg(C, 1003, 5001, ACK, &big);
    assert_eq!(t.s.stream(C).delivered, 100_002);
    assert!(!t.s.stream(C).depth_reached);
}

#[test]
fn depth_like_suricata_test45() {
    // StreamTcpReassembleTest45: depth 100, 100 bytes fit, the next 100 reach the depth.
    let mut t = T::new(TcpConfig { depth: 100, ..imm() });
    t.handshake();
    t.seg(C, 1001, 5001, ACK, &[0u8; 100]);
    assert!(!t.s.stream(C).depth_reached);
    assert!(t.s.events.is_empty());
    t.seg(C, 1101, 5001, ACK, &[0u8; 100]);
    assert!(t.s.stream(C).depth_reached);
    assert_eq!(t.s.stream(C).delivered, 100);
    // The event is raised on that packet only: the direction is not reassembled any more.
    assert!(t.s.events.contains(super::StreamEvent::ReassemblyDepthReached));
    t.seg(C, 1201, 5001, ACK, b"more");
    assert!(t.s.events.is_empty());
    t.seg(S, 5001, 1101, ACK, b"ok");
    assert!(t.s.events.is_empty());
    t.seg(S, 5003, 1101, ACK, &[1u8; 99]);
    assert!(t.s.events.contains(super::StreamEvent::ReassemblyDepthReached));
}

#[test]
fn ooo_cap_declares_gap() {
    let per = 10 + SEG_OVERHEAD;
    let cfg = TcpConfig {
        max_ooo_bytes: 2 * per,
        ..imm()
    };
    let mut t = T::new(cfg);
    t.handshake();
    t.seg(C, 1011, 5001, ACK, b"0123456789"); // 10..20
    t.seg(C, 1031, 5001, ACK, b"ABCDEFGHIJ"); // 30..40
    assert_eq!(t.take(), vec![]);
    // A third would exceed the cap: skip the first hole.
    t.seg(C, 1051, 5001, ACK, b"abcdefghij"); // 50..60
    assert_eq!(t.take(), vec![Got::G(C, 10), d(C, b"0123456789")]);
    assert_eq!(t.s.stream(C).buffered(), 20);
    assert_eq!(t.s.stream(C).next_offset(), 20);
    t.flush();
    assert_eq!(
        t.take(),
        vec![
            Got::G(C, 10),
            d(C, b"ABCDEFGHIJ"),
            Got::G(C, 10),
            d(C, b"abcdefghij")
        ]
    );
    assert_eq!(t.s.stream(C).gaps, 3);
}

#[test]
fn ooo_segment_larger_than_cap_skips_to_it() {
    let cfg = TcpConfig {
        max_ooo_bytes: 8,
        ..imm()
    };
    let mut t = T::new(cfg);
    t.handshake();
    t.seg(C, 1006, 5001, ACK, b"xyz");
    assert_eq!(t.take(), vec![Got::G(C, 5), d(C, b"xyz")]);
}

#[test]
fn memcap_drops_segment() {
    let cfg = TcpConfig {
        memcap: 10 + SEG_OVERHEAD,
        ..imm()
    };
    let shared = Arc::new(ReasmShared::default());
    let mut t = T::new(cfg.clone());
    t.s = TcpSession::with_shared(&cfg, Arc::clone(&shared));
    t.handshake();
    t.seg(C, 1011, 5001, ACK, b"0123456789");
    t.seg(C, 1031, 5001, ACK, b"ABCDEFGHIJ");
    assert_eq!(t.s.stream(C).memcap_drops, 1);
    assert_eq!(shared.memcap_drops.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(
        shared.mem.load(std::sync::atomic::Ordering::Relaxed),
        10 + SEG_OVERHEAD
    );
    // The dropped segment becomes a gap once acked.
    t.seg(S, 5001, 1041, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 10), d(C, b"0123456789"), Got::G(C, 20)]);
    assert_eq!(shared.mem.load(std::sync::atomic::Ordering::Relaxed), 0);
    // Memory is returned when a session is dropped.
    t.seg(C, 1051, 5001, ACK, b"later");
    assert_eq!(
        shared.mem.load(std::sync::atomic::Ordering::Relaxed),
        5 + SEG_OVERHEAD
    );
    drop(t);
    assert_eq!(shared.mem.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[test]
fn midstream_off_ignores_sessions_without_syn() {
    let mut t = T::new(imm());
    t.seg(C, 1001, 5001, ACK, b"data");
    t.seg(S, 5001, 1005, ACK | SYN, b"");
    assert_eq!(t.s.state, TcpState::None);
    assert_eq!(t.take(), vec![]);
}

#[test]
fn midstream_on_picks_up() {
    let cfg = TcpConfig {
        midstream: true,
        ..imm()
    };
    let mut t = T::new(cfg);
    t.seg(C, 1001, 5001, ACK, b"data");
    assert_eq!(t.s.state, TcpState::Established);
    assert!(t.s.midstream);
    t.seg(S, 5001, 1005, ACK, b"resp");
    t.seg(C, 1005, 5005, ACK, b"more");
    assert_eq!(t.take(), vec![d(C, b"data"), d(S, b"resp"), d(C, b"more")]);
}

#[test]
fn midstream_synack_pickup() {
    let cfg = TcpConfig {
        midstream: true,
        ..imm()
    };
    let mut t = T::new(cfg);
    // The table has swapped the flow: the SYN/ACK travels to the client.
    t.seg(S, 5000, 1001, SYN | ACK, b"");
    assert_eq!(t.s.state, TcpState::SynRecv);
    t.seg(C, 1001, 5001, ACK, b"hi");
    assert_eq!(t.s.state, TcpState::Established);
    assert_eq!(t.take(), vec![d(C, b"hi")]);
}

#[test]
fn rst_closes_and_flushes() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    t.seg(C, 1007, 5001, ACK, b"ghi");
    t.seg(S, 5001, 1004, ACK, b"xy");
    // An out-of-window RST is ignored.
    t.seg(S, 5003 + 1_000_000, 0, RST, b"");
    assert_eq!(t.s.state, TcpState::Established);
    // RST with data: the data counts, then everything is flushed.
    t.seg(S, 5003, 1004, RST | ACK, b"bye");
    assert_eq!(t.s.state_name(), "closed");
    assert_eq!(
        t.take(),
        vec![
            d(C, b"abc"),
            d(S, b"xy"),
            d(S, b"bye"),
            Got::G(C, 3),
            d(C, b"ghi")
        ]
    );
    // Nothing after the reset.
    t.seg(C, 1010, 5006, ACK, b"late");
    assert_eq!(t.take(), vec![]);
}

#[test]
fn rst_to_syn_closes() {
    let mut t = T::new(imm());
    t.seg(C, 1000, 0, SYN, b"");
    // A RST that does not ack the SYN is not valid.
    t.seg(S, 0, 77, RST | ACK, b"");
    assert_eq!(t.s.state, TcpState::SynSent);
    t.seg(S, 0, 1001, RST | ACK, b"");
    assert_eq!(t.s.state, TcpState::Closed);
    assert_eq!(t.s.flags, [SYN, RST | ACK]);
}

#[test]
fn client_rst_after_synack_closes() {
    // zmap / nmap -sS: SYN, SYN/ACK, RST from the scanner.
    let mut t = T::new(imm());
    t.seg(C, 1000, 0, SYN, b"");
    t.seg(S, 5000, 1001, SYN | ACK, b"");
    t.seg(C, 1001, 0, RST, b"");
    assert_eq!(t.s.state, TcpState::Closed);
}

#[test]
fn close_by_client_first() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, FIN | ACK, b"");
    assert_eq!(t.s.state_name(), "close_wait");
    t.seg(S, 5001, 1002, FIN | ACK, b"");
    assert_eq!(t.s.state_name(), "last_ack");
    t.seg(C, 1002, 5002, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
}

#[test]
fn close_by_server_first() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(S, 5001, 1001, FIN | ACK, b"bye");
    assert_eq!(t.s.state_name(), "fin_wait1");
    t.seg(C, 1001, 5005, ACK, b"");
    assert_eq!(t.s.state_name(), "fin_wait2");
    t.seg(C, 1001, 5005, FIN | ACK, b"");
    assert_eq!(t.s.state_name(), "time_wait");
    t.seg(S, 5005, 1002, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
    assert_eq!(t.take(), vec![d(S, b"bye")]);
    // The FIN takes a sequence number but is no data: acking it makes no gap.
    assert_eq!(t.s.stream(S).gaps, 0);
}

#[test]
fn simultaneous_close_goes_through_closing() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(S, 5001, 1001, FIN | ACK, b"");
    t.seg(C, 1001, 0, FIN, b""); // a FIN without ACK
    assert_eq!(t.s.state_name(), "closing");
    t.seg(S, 5002, 1002, ACK, b"");
    assert_eq!(t.s.state_name(), "time_wait");
    t.seg(C, 1002, 5002, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
}

#[test]
fn data_after_fin_is_ignored() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, FIN | ACK, b"abc");
    t.seg(C, 1004, 5001, ACK, b"zzz");
    assert_eq!(t.take(), vec![d(C, b"abc")]);
}

#[test]
fn tcp_fast_open_data_on_syn() {
    let mut t = T::new(imm());
    let mut syn = hdr(1000, 0, SYN);
    syn.options.tfo = true;
    t.seg_h(C, &syn, b"GET /");
    t.seg(S, 5000, 1006, SYN | ACK, b"");
    t.seg(C, 1006, 5001, ACK, b" HTTP");
    assert_eq!(t.s.state, TcpState::Established);
    assert_eq!(t.take(), vec![d(C, b"GET /"), d(C, b" HTTP")]);
    // Without the option the SYN's payload is not stream data.
    let mut t = T::new(imm());
    t.seg(C, 1000, 0, SYN, b"junk");
    assert_eq!(t.take(), vec![]);
}

#[test]
fn simultaneous_open_is_tolerated() {
    let mut t = T::new(imm());
    t.seg(C, 1000, 0, SYN, b"");
    t.seg(S, 5000, 0, SYN, b"");
    assert_eq!(t.s.state, TcpState::SynRecv);
    t.seg(C, 1000, 5001, SYN | ACK, b"");
    t.seg(C, 1001, 5001, ACK, b"x");
    assert_eq!(t.s.state, TcpState::Established);
    assert_eq!(t.take(), vec![d(C, b"x")]);
}

#[test]
fn async_oneside_accepts_client_only() {
    let cfg = TcpConfig {
        async_oneside: true,
        ..imm()
    };
    let mut t = T::new(cfg);
    t.seg(C, 1000, 0, SYN, b"");
    t.seg(C, 1001, 5001, ACK, b"only");
    assert_eq!(t.s.state, TcpState::Established);
    t.seg(C, 1005, 5001, ACK, b"one");
    assert_eq!(t.take(), vec![d(C, b"only"), d(C, b"one")]);
    // Without async-oneside the handshake must complete.
    let mut t = T::new(imm());
    t.seg(C, 1000, 0, SYN, b"");
    t.seg(C, 1001, 5001, ACK, b"only");
    assert_eq!(t.s.state, TcpState::SynSent);
    assert_eq!(t.take(), vec![]);
}

#[test]
fn flush_delivers_buffer_with_gaps() {
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1003, 5001, ACK, b"cd");
    t.seg(S, 5010, 1001, ACK, b"zz");
    t.flush();
    assert_eq!(
        t.take(),
        vec![Got::G(C, 2), d(C, b"cd"), Got::G(S, 9), d(S, b"zz")]
    );
    t.flush();
    assert_eq!(t.take(), vec![]);
}

#[test]
fn state_names() {
    assert_eq!(TcpState::None.name(), "none");
    assert_eq!(TcpState::SynRecv.name(), "syn_recv");
    assert_eq!(TcpState::FinWait2.name(), "fin_wait2");
    assert_eq!(TcpState::Closing.name(), "closing");
}

#[test]
fn rst_must_carry_suricatas_next_seq() {
    // Client FIN then RST one past it: Suricata's client next_seq does not count the FIN.
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, FIN | ACK, b"");
    t.seg(C, 1002, 5001, RST | ACK, b"");
    assert_eq!(t.s.state_name(), "close_wait");
    // Once the server has acked the FIN, next_seq moves and the same RST is valid.
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001, FIN | ACK, b"");
    t.seg(S, 5001, 1002, ACK, b"");
    t.seg(C, 1002, 5001, RST, b"");
    assert_eq!(t.s.state_name(), "closed");
    // A RST acking far beyond what the peer sent is refused.
    let mut t = T::new(imm());
    t.handshake();
    t.seg(C, 1001, 5001 + 10_000_000, RST | ACK, b"");
    assert_eq!(t.s.state_name(), "established");
}

// ---- IDS mode (ACK-gated delivery, the default) ----

fn mem(t: &T) -> usize {
    t.s.shared.mem.load(std::sync::atomic::Ordering::Relaxed)
}

#[test]
fn gated_data_waits_for_its_ack_and_comes_in_one_chunk() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"GET / ");
    t.seg(C, 1007, 5001, ACK | PSH, b"HTTP/1.0\r\n");
    t.seg(C, 1017, 5001, ACK | PSH, b"\r\n");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).pending_len(), 18);
    assert_eq!(mem(&t), 18);
    // A partial ACK releases just what it covers.
    t.seg(S, 5001, 1004, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"GET")]);
    t.seg(S, 5001, 1019, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b" / HTTP/1.0\r\n\r\n")]);
    assert_eq!(t.s.stream(C).delivered, 18);
    assert_eq!(t.s.stream(C).buffered(), 0);
    assert_eq!(mem(&t), 0);
    // An old or repeated ACK releases nothing.
    t.seg(S, 5001, 1010, ACK, b"");
    assert_eq!(t.take(), vec![]);
}

#[test]
fn gated_directions_interleave_in_ack_order() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"USER a\r\n");
    // The server's reply acks the request: the request goes first, then the reply is held.
    t.seg(S, 5001, 1009, ACK | PSH, b"331 ok\r\n");
    assert_eq!(t.take(), vec![d(C, b"USER a\r\n")]);
    // The next request carries the ACK of the reply.
    t.seg(C, 1009, 5009, ACK | PSH, b"PASS b\r\n");
    assert_eq!(t.take(), vec![d(S, b"331 ok\r\n")]);
    // Several replies before the client acks any: one chunk.
    t.seg(S, 5009, 1017, ACK | PSH, b"230-a\r\n");
    t.seg(S, 5016, 1017, ACK | PSH, b"230 b\r\n");
    assert_eq!(t.take(), vec![d(C, b"PASS b\r\n")]);
    t.seg(C, 1017, 5023, ACK, b"");
    assert_eq!(t.take(), vec![d(S, b"230-a\r\n230 b\r\n")]);
}

#[test]
fn gated_out_of_order_and_overlap_first_wins() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1006, 5001, ACK, b"world");
    t.seg(C, 1001, 5001, ACK, b"hello");
    // Retransmission with different bytes over held data: the held bytes win.
    t.seg(C, 1001, 5001, ACK, b"HELLOWORLD!");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).pending_len(), 11);
    t.seg(S, 5001, 1012, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"helloworld!")]);
    assert_eq!(mem(&t), 0);
}

#[test]
fn gated_gap_needs_data_after_the_hole() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    // 1004..1007 lost.
    t.seg(C, 1007, 5001, ACK, b"ghi");
    t.seg(S, 5001, 1010, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"abc"), Got::G(C, 3), d(C, b"ghi")]);
    assert_eq!(t.s.stream(C).gaps, 1);
    // Lost data at the end, acked, nothing after it: no gap (Suricata's GetAppBuffer finds no
    // block), and a later segment after the hole brings the gap with it.
    t.seg(S, 5001, 1020, ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.seg(C, 1020, 5001, ACK, b"zz");
    t.seg(S, 5001, 1022, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 10), d(C, b"zz")]);
    // A gap runs only as far as the ACK while the data after it is not acked.
    t.seg(C, 1030, 5001, ACK, b"late");
    t.seg(S, 5001, 1026, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 4)]);
    t.seg(S, 5001, 1034, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 4), d(C, b"late")]);
}

#[test]
fn gated_bogus_ack_releases_nothing() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    t.seg(S, 5001, 1004 + 10_000_000, ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.seg(S, 5001, 1004, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"abc")]);
}

#[test]
fn gated_flush_goes_to_server_first_then_to_client() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"hello");
    t.seg(S, 5001, 1001, ACK, b"banner");
    assert_eq!(t.take(), vec![]);
    assert!(t.s.flush_needed(C) && t.s.flush_needed(S));
    // Direction by direction, as Suricata's two pseudo packets.
    let mut got = Vec::new();
    t.s.flush_dir(S, &mut |d, c| got.push((d, format!("{c:?}"))));
    assert_eq!(got, vec![(S, format!("{:?}", Chunk::Data(b"banner")))]);
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"hello")]);
    assert_eq!(mem(&t), 0);
    // Both held: to-server first.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(S, 5001, 1001, ACK, b"220 hi");
    t.seg(C, 1001, 5001, ACK, b"EHLO");
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"EHLO"), d(S, b"220 hi")]);
    t.flush();
    assert_eq!(t.take(), vec![]);
}

#[test]
fn gated_flush_stops_at_a_hole_not_acked() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"ab");
    t.seg(C, 1005, 5001, ACK, b"ef");
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"ab")]);
    // The hole acked (here by a RST, which records the ACK but delivers nothing of the peer's
    // stream): gap, then everything after it, acked or not, up to the next hole not acked.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"ab");
    t.seg(C, 1005, 5001, ACK, b"ef");
    t.seg(C, 1009, 5001, ACK, b"ij");
    t.seg(S, 5001, 1006, RST | ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"ab"), Got::G(C, 2), d(C, b"ef")]);
    assert_eq!(t.s.stream(C).buffered(), 2);
    // An ACK only up to the hole's middle: the gap stops there, and the flush declares no more.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"ab");
    t.seg(C, 1005, 5001, ACK, b"ef");
    t.seg(S, 5001, 1004, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"ab"), Got::G(C, 1)]);
    t.flush();
    assert_eq!(t.take(), vec![]);
}

#[test]
fn gated_fin_closed_session_never_delivers_unacked_data() {
    // output-eve-ftp-data: the server's FIN-carrying reply is never acked; the session closes
    // with FIN/ACKs; the client's RST in the closed state is ignored.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"NOTIFY / HTTP/1.1\r\n\r\n");
    t.seg(S, 5001, 1022, FIN | ACK | PSH, b"HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(t.take(), vec![d(C, b"NOTIFY / HTTP/1.1\r\n\r\n")]);
    assert_eq!(t.s.state_name(), "fin_wait1");
    t.seg(C, 1022, 5001, FIN | ACK, b"");
    assert_eq!(t.s.state_name(), "time_wait");
    t.seg(S, 5021, 1023, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
    t.seg(C, 1022, 0, RST, b"");
    assert!(!t.s.closed_by_rst);
    assert!(t.s.flush_needed(S));
    t.flush();
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(S).delivered, 0);
    // Acked data of a closed session did go out.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(S, 5001, 1001, FIN | ACK, b"bye");
    t.seg(C, 1001, 5005, FIN | ACK, b"");
    t.seg(S, 5005, 1002, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
    assert_eq!(t.take(), vec![d(S, b"bye")]);
    assert_eq!(t.s.stream(S).gaps, 0);
}

#[test]
fn gated_rst_delivers_the_senders_stream_and_holds_the_peers() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abc");
    t.seg(S, 5001, 1001, ACK, b"xy");
    assert_eq!(t.take(), vec![]);
    // An out-of-window RST is ignored.
    t.seg(S, 5003 + 1_000_000, 0, RST, b"");
    assert_eq!(t.s.state, TcpState::Established);
    // The server resets: its own stream counts as acked up to the RST (its payload is not
    // stream data); the client's, acked by the RST, waits for the flow end.
    t.seg(S, 5003, 1004, RST | ACK, b"junk");
    assert_eq!(t.s.state_name(), "closed");
    assert!(t.s.closed_by_rst);
    assert_eq!(t.take(), vec![d(S, b"xy")]);
    // Nothing is processed once closed.
    t.seg(C, 1004, 5003, ACK, b"late");
    t.seg(S, 5003, 1008, ACK, b"");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.stream(C).buffered(), 3);
    // Closed by a RST: the flow end delivers what is held, acked or not.
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"abc")]);
    assert_eq!(mem(&t), 0);
    // Unacked data of the RST sender past its RST's sequence number waits for the flush too.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"hello");
    t.seg(S, 5001, 1001, ACK, b"");
    t.seg(C, 1006, 5001, RST, b"");
    assert_eq!(t.take(), vec![d(C, b"hello")]);
}

#[test]
fn gated_ooo_cap_delivers_early_then_declares_gaps() {
    let cfg = TcpConfig {
        max_ooo_bytes: 10,
        ..TcpConfig::default()
    };
    let mut t = T::new(cfg);
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"0123456");
    assert_eq!(t.take(), vec![]);
    // Holding 7 + 7 is over the cap: the held data goes out before its ACK.
    t.seg(C, 1008, 5001, ACK, b"789abcd");
    assert_eq!(t.take(), vec![d(C, b"0123456")]);
    assert_eq!(t.s.stream(C).forced, 1);
    assert_eq!(t.s.shared.forced.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(t.s.stream(C).pending_len(), 7);
    // A segment bigger than the cap with nothing held goes straight out.
    t.seg(S, 5001, 1015, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"789abcd")]);
    t.seg(C, 1015, 5001, ACK, b"0123456789ABCDEF");
    assert_eq!(t.take(), vec![d(C, b"0123456789ABCDEF")]);
    assert_eq!(t.s.stream(C).forced, 2);
    // Out of order past the cap: a gap up to it.
    let mut t = T::new(TcpConfig {
        max_ooo_bytes: 2 * (4 + SEG_OVERHEAD),
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg(C, 1011, 5001, ACK, b"klmn");
    t.seg(C, 1021, 5001, ACK, b"uvwx");
    t.seg(C, 1031, 5001, ACK, b"EFGH");
    // A gap up to the first segment, which then is in order and, still over the cap, goes out.
    assert_eq!(t.take(), vec![Got::G(C, 10), d(C, b"klmn")]);
    assert_eq!(t.s.stream(C).forced, 1);
    assert_eq!(t.s.stream(C).buffered(), 8);
    t.seg(S, 5001, 1035, ACK, b"");
    assert_eq!(
        t.take(),
        vec![Got::G(C, 6), d(C, b"uvwx"), Got::G(C, 6), d(C, b"EFGH")]
    );
    assert_eq!(mem(&t), 0);
}

#[test]
fn gated_depth_caps_delivery() {
    let mut t = T::new(TcpConfig {
        depth: 10,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"1234");
    t.seg(C, 1005, 5001, ACK, b"5678");
    t.seg(S, 5001, 1005, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"1234")]);
    t.seg(C, 1009, 5001, ACK, b"ABCDEFGH");
    // Refused whole; what was acknowledged went out, what was not is dropped with the
    // direction (Suricata's StreamTcpPruneSession on the packet).
    assert!(t.s.stream(C).depth_reached && t.s.stream(C).done);
    assert_eq!(t.s.stream(C).pending_len(), 0);
    assert_eq!(mem(&t), 0);
    t.seg(S, 5001, 1017, ACK, b"");
    t.seg(C, 1009, 5001, ACK, b"AB");
    assert_eq!(t.take(), vec![]);
    // Exactly up to the depth: delivered, then done.
    t.seg(S, 5001, 1017, ACK, b"0123456789");
    t.seg(C, 1017, 5011, ACK, b"");
    assert_eq!(t.take(), vec![d(S, b"0123456789")]);
    assert!(t.s.stream(S).done && !t.s.stream(S).depth_reached);
    assert_eq!(mem(&t), 0);
}

#[test]
fn gated_memcap_drop_then_gap_when_data_follows() {
    let mut t = T::new(TcpConfig {
        memcap: 55,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"abcdef");
    t.seg(C, 1007, 5001, ACK, &[b'x'; 50]);
    assert_eq!(t.s.stream(C).memcap_drops, 1);
    t.seg(S, 5001, 1057, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"abcdef")]);
    t.seg(C, 1057, 5001, ACK, b"mn");
    t.seg(S, 5001, 1059, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 50), d(C, b"mn")]);
    assert_eq!(mem(&t), 0);
}

#[test]
fn gated_tfo_and_midstream() {
    let mut t = T::new(TcpConfig::default());
    let mut syn = hdr(1000, 0, SYN);
    syn.options.tfo = true;
    t.seg_h(C, &syn, b"GET /");
    assert_eq!(t.take(), vec![]);
    // The SYN/ACK acks the SYN's data, but Suricata's SYN_SENT handler does not reassemble:
    // the data goes up with the server's first acknowledgment after the handshake.
    t.seg(S, 5000, 1006, SYN | ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.seg(C, 1006, 5001, ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.seg(S, 5001, 1006, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"GET /")]);
    // Midstream pickup: the first packet's data waits for its ACK too.
    let mut t = T::new(TcpConfig {
        midstream: true,
        ..TcpConfig::default()
    });
    t.seg(C, 1001, 5001, ACK, b"data");
    assert_eq!(t.take(), vec![]);
    t.seg(S, 5001, 1005, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"data")]);
}

#[test]
fn gated_sequence_wraparound() {
    let mut t = T::new(TcpConfig::default());
    let isn = 0xFFFF_FFF0u32;
    t.handshake_at(isn, 7);
    let first = isn.wrapping_add(1);
    let data: Vec<u8> = (0u8..20).collect();
    t.seg(C, first.wrapping_add(10), 8, ACK, &data[10..]);
    t.seg(C, first, 8, ACK, &data[..10]);
    t.seg(S, 8, first.wrapping_add(20), ACK, b"");
    assert_eq!(t.take(), vec![d(C, &data)]);
    assert_eq!(t.s.stream(C).next_offset(), 20);
}

#[test]
fn immediate_mode_flushes_what_a_gated_session_held() {
    // A session switched from IDS to immediate mode mid-way hands over what it held first.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK, b"held");
    assert_eq!(t.take(), vec![]);
    t.cfg = imm();
    t.seg(C, 1005, 5001, ACK, b"now");
    assert_eq!(t.take(), vec![d(C, b"held"), d(C, b"now")]);
    assert_eq!(mem(&t), 0);
}

#[test]
fn over_cap_with_a_buffered_segment_at_the_in_order_point_terminates() {
    // Found by fuzzing: in-order data reaching a buffered segment while over the cap looped.
    let cap = 2 * (10 + SEG_OVERHEAD);
    let mut t = T::new(TcpConfig {
        max_ooo_bytes: cap,
        ..imm()
    });
    t.handshake();
    t.seg(C, 1011, 5001, ACK, b"AAAAAAAAAA"); // 10..20
    t.seg(C, 1031, 5001, ACK, b"BBBBBBBBBB"); // 30..40
    t.seg(C, 1001, 5001, ACK, &[b'x'; 40]); // 0..40
    assert_eq!(
        t.take(),
        vec![
            d(C, &[b'x'; 10]),
            d(C, b"AAAAAAAAAA"),
            d(C, &[b'x'; 10]),
            d(C, b"BBBBBBBBBB")
        ]
    );
    assert_eq!(mem(&t), 0);
    // IDS mode: a gap to a segment that starts where a buffered one does.
    let mut t = T::new(TcpConfig {
        max_ooo_bytes: cap,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg(C, 1011, 5001, ACK, b"AAAAAAAAAA"); // 10..20
    t.seg(C, 1031, 5001, ACK, b"BBBBBBBBBB"); // 30..40
    t.seg(C, 1011, 5001, ACK, &[b'y'; 40]); // 10..50
    t.seg(S, 5001, 1051, ACK, b"");
    assert_eq!(
        t.take(),
        vec![
            Got::G(C, 10),
            d(C, b"AAAAAAAAAA"),
            d(C, &[b'y'; 10]),
            d(C, b"BBBBBBBBBByyyyyyyyyy"),
        ]
    );
    assert_eq!(t.s.stream(C).forced, 2);
    assert_eq!(mem(&t), 0);
}

#[test]
fn gated_partial_acks_over_a_large_hold() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    let data: Vec<u8> = (0..12_000u32).map(|i| (i % 251) as u8).collect();
    for (i, piece) in data.chunks(1000).enumerate() {
        t.seg(C, 1001 + 1000 * i as u32, 5001, ACK, piece);
    }
    assert_eq!(t.s.stream(C).pending_len(), 12_000);
    let mut got = Vec::new();
    for a in [3_000u32, 7_000, 9_500, 12_000] {
        t.seg(S, 5001, 1001 + a, ACK, b"");
        let chunks = t.take();
        assert_eq!(chunks.len(), 1);
        if let Some(Got::D(C, b)) = chunks.first() {
            got.extend_from_slice(b);
        }
        assert_eq!(got.len(), a as usize);
        assert_eq!(mem(&t), 12_000 - a as usize);
    }
    assert_eq!(got, data);
    // Closed by FIN/ACKs with nothing held: no flow-end work.
    t.seg(C, 13_001, 5001, FIN | ACK, b"");
    t.seg(S, 5001, 13_002, FIN | ACK, b"");
    t.seg(C, 13_002, 5002, ACK, b"");
    assert_eq!(t.s.state_name(), "closed");
    assert!(!t.s.flush_needed(C) && !t.s.flush_needed(S));
}

fn with_opts(seq: u32, ack: u32, flags: u8, options: TcpOptions) -> TcpHeader {
    TcpHeader {
        options,
        ..hdr(seq, ack, flags)
    }
}

fn urg(seq: u32, ack: u32, ptr: u16) -> TcpHeader {
    TcpHeader {
        urgent: ptr,
        ..hdr(seq, ack, ACK | PSH | wire::tcpflags::URG)
    }
}

#[test]
fn md5_rst_followed_by_sender_data_is_injected_and_resumes() {
    // security-4710-01: the client sends an MD5-signed RST, then its request.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    let md5 = TcpOptions {
        md5: true,
        ..TcpOptions::default()
    };
    t.seg_h(C, &with_opts(1001, 5001, RST | ACK, md5), b"");
    assert_eq!(t.s.state, TcpState::Closed);
    assert!(t.s.closed_by_rst);
    assert!(t.s.events.is_empty());
    t.seg(C, 1001, 5001, ACK | PSH, b"GET /");
    assert_eq!(t.s.state, TcpState::Established);
    assert!(!t.s.closed_by_rst);
    assert_eq!(t.s.suspected_rst_inject, 1);
    // The event is on this segment only.
    assert!(t.s.events.contains(super::StreamEvent::SuspectedRstInject));
    // Reassembly carries on: the server's ACK releases the request, the reply follows.
    t.seg(S, 5001, 1006, ACK | PSH, b"200");
    assert!(t.s.events.is_empty());
    assert_eq!(t.take(), vec![d(C, b"GET /")]);
    t.seg(C, 1006, 5004, ACK, b"");
    assert_eq!(t.take(), vec![d(S, b"200")]);
    // A second, plain RST closes for good.
    t.seg(C, 1006, 5004, RST | ACK, b"");
    assert_eq!(t.s.state, TcpState::Closed);
    t.seg(C, 1006, 5004, ACK | PSH, b"more");
    assert_eq!(t.s.state, TcpState::Closed);
    assert_eq!(t.s.suspected_rst_inject, 1);
}

#[test]
fn ao_rst_only_the_peer_carrying_on_keeps_it_closed() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    let ao = TcpOptions {
        ao: true,
        ..TcpOptions::default()
    };
    t.seg_h(C, &with_opts(1001, 5001, RST | ACK, ao), b"");
    assert_eq!(t.s.state, TcpState::Closed);
    // The receiver of the RST talking is no sign of injection.
    t.seg(S, 5001, 1001, ACK | PSH, b"late");
    assert_eq!(t.s.state, TcpState::Closed);
    assert_eq!(t.take(), vec![]);
    // Another RST from the sender neither.
    t.seg_h(C, &with_opts(1001, 5001, RST | ACK, ao), b"");
    assert_eq!((t.s.state, t.s.suspected_rst_inject), (TcpState::Closed, 0));
    assert!(t.s.events.is_empty());
    // A plain RST (no option) is trusted: later data from its sender changes nothing.
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, RST | ACK, b"");
    t.seg(C, 1001, 5001, ACK | PSH, b"GET /");
    assert_eq!((t.s.state, t.s.suspected_rst_inject), (TcpState::Closed, 0));
}

#[test]
fn md5_rst_in_immediate_mode_does_not_end_reassembly() {
    let mut t = T::new(imm());
    t.handshake();
    let md5 = TcpOptions {
        md5: true,
        ..TcpOptions::default()
    };
    t.seg_h(S, &with_opts(5001, 1001, RST | ACK, md5), b"");
    assert_eq!(t.s.state, TcpState::Closed);
    t.seg(S, 5001, 1001, ACK | PSH, b"banner");
    assert_eq!(t.s.state, TcpState::Established);
    assert_eq!(t.take(), vec![d(S, b"banner")]);
}

#[test]
fn urgent_inline_is_the_default() {
    let mut t = T::new(TcpConfig::default());
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"/malic");
    t.seg_h(C, &urg(1007, 5001, 1), b"X");
    t.seg(C, 1008, 5001, ACK | PSH, b"ious");
    t.seg(S, 5001, 1012, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"/malicXious")]);
    assert_eq!(t.s.urgent, Urgent::default());
}

#[test]
fn urgent_oob_takes_the_last_byte_out() {
    // tcp-urgp-01-oob and -04-2byte-XY: only the last byte of the urgent segment goes.
    for (urgent, ptr, want) in [(&b"X"[..], 1u16, &b"/malicious"[..]), (b"XY", 2, b"/malicXious")] {
        let mut t = T::new(TcpConfig {
            urgent_policy: UrgentPolicy::Oob,
            ..TcpConfig::default()
        });
        t.handshake();
        let n = urgent.len() as u32;
        t.seg(C, 1001, 5001, ACK | PSH, b"/malic");
        t.seg_h(C, &urg(1007, 5001, ptr), urgent);
        // The receiver acks in raw sequence numbers.
        t.seg(S, 5001, 1007, ACK, b"");
        t.seg(S, 5001, 1007 + n, ACK, b"");
        t.seg(C, 1007 + n, 5001, ACK | PSH, b"ious");
        t.seg(S, 5001, 1011 + n, ACK, b"");
        let got: Vec<u8> = t
            .take()
            .into_iter()
            .flat_map(|g| match g {
                Got::D(C, b) => b,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(t.s.urgent.offset, [1, 0]);
        assert_eq!(t.s.urgent.oob, 1);
        assert_eq!(t.s.stream(C).gaps, 0);
    }
}

#[test]
fn urgent_oob_acks_stay_raw() {
    // Suricata moves the stored segments back, never the receiver's ACK: the ACK of the
    // urgent byte's sequence number releases everything before it, and one ACK later covers
    // the first byte after it.
    let mut t = T::new(TcpConfig {
        urgent_policy: UrgentPolicy::Oob,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg(C, 1001, 5001, ACK | PSH, b"/malic");
    t.seg_h(C, &urg(1007, 5001, 1), b"X");
    t.seg(S, 5001, 1007, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"/malic")]);
    t.seg(S, 5001, 1008, ACK, b"");
    assert_eq!(t.take(), vec![]);
    t.seg(C, 1008, 5001, ACK | PSH, b"ious");
    t.seg(S, 5001, 1009, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"io")]);
    t.seg(S, 5001, 1012, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"us")]);
    assert_eq!(t.s.stream(C).gaps, 0);
}

#[test]
fn urgent_oob_in_immediate_mode_declares_no_gap() {
    let mut t = T::new(TcpConfig {
        urgent_policy: UrgentPolicy::Oob,
        ..imm()
    });
    t.handshake();
    t.seg_h(C, &urg(1001, 5001, 1), b"abX");
    t.seg(S, 5001, 1004, ACK, b"");
    t.seg(C, 1004, 5001, ACK | FIN, b"cd");
    t.seg(S, 5001, 1007, ACK, b"");
    t.flush();
    assert_eq!(t.take(), vec![d(C, b"ab"), d(C, b"cd")]);
    assert_eq!(t.s.stream(C).gaps, 0);
}

#[test]
fn urgent_gap_leaves_a_hole() {
    let mut t = T::new(TcpConfig {
        urgent_policy: UrgentPolicy::Gap,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg_h(C, &urg(1001, 5001, 3), b"abX");
    t.seg(C, 1004, 5001, ACK | PSH, b"cd");
    t.seg(S, 5001, 1006, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"ab"), Got::G(C, 1), d(C, b"cd")]);
    assert_eq!(t.s.urgent.offset, [0, 0]);
    // A lone urgent byte stores nothing; an urgent pointer past the payload is ignored.
    let mut t = T::new(TcpConfig {
        urgent_policy: UrgentPolicy::Gap,
        ..imm()
    });
    t.handshake();
    t.seg_h(C, &urg(1001, 5001, 1), b"X");
    assert_eq!(t.take(), vec![]);
    t.seg_h(C, &urg(1002, 5001, 9), b"ef");
    t.seg(S, 5001, 1004, ACK, b"");
    assert_eq!(t.take(), vec![Got::G(C, 1), d(C, b"ef")]);
}

#[test]
fn urgent_drop_drops_the_segment_inline_only() {
    let drop = TcpConfig {
        urgent_policy: UrgentPolicy::Drop,
        ..imm()
    };
    let mut t = T::new(drop);
    t.handshake();
    t.seg_h(C, &urg(1001, 5001, 1), b"X");
    assert_eq!(t.take(), vec![]);
    assert_eq!(t.s.urgent.dropped, 1);
    assert_eq!(t.s.stream(C).next_seq, 1001);
    // IDS mode: nothing is dropped, the byte stays inline.
    let mut t = T::new(TcpConfig {
        urgent_policy: UrgentPolicy::Drop,
        ..TcpConfig::default()
    });
    t.handshake();
    t.seg_h(C, &urg(1001, 5001, 1), b"X");
    t.seg(S, 5001, 1002, ACK, b"");
    assert_eq!(t.take(), vec![d(C, b"X")]);
    assert_eq!(t.s.urgent.dropped, 0);
}

#[test]
fn urgent_oob_limit_policies() {
    let h = urg(1001, 5001, 2);
    for (limit, want) in [
        (UrgentPolicy::Inline, Some((1001u32, &b"ab"[..]))),
        (UrgentPolicy::Gap, Some((1001, &b"a"[..]))),
        (UrgentPolicy::Drop, None),
    ] {
        let cfg = TcpConfig {
            urgent_policy: UrgentPolicy::Oob,
            urgent_oob_limit_policy: limit,
            ..TcpConfig::default()
        };
        // One below the limit: this byte reaches it (Suricata then keeps it inline only with
        // the inline limit policy).
        let mut u = Urgent {
            offset: [u16::MAX - 1, 0],
            ..Urgent::default()
        };
        let first = u.data(0, &h, 1001 + u32::from(u16::MAX - 1), b"ab", &cfg);
        assert_eq!(u.limit_reached, 1);
        assert_eq!(u.offset[0], u16::MAX);
        let expect_first = match limit {
            UrgentPolicy::Inline => Some((1001, &b"ab"[..])),
            _ => Some((1001, &b"a"[..])),
        };
        assert_eq!(first, expect_first);
        // At the limit.
        let at_limit = 1001 + u32::from(u16::MAX);
        let got = u.data(0, &h, at_limit, b"ab", &cfg);
        assert_eq!(got, want);
        assert_eq!(u.offset[0], u16::MAX);
        assert_eq!(u.dropped, u64::from(limit == UrgentPolicy::Drop));
    }
}

#[test]
fn urgent_offset_follows_a_direction_swap() {
    let mut s = TcpSession::new(&TcpConfig::default());
    s.urgent.offset = [3, 0];
    s.swap_direction();
    assert_eq!(s.urgent.offset, [0, 3]);
}
