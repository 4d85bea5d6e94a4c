//! Feeds a TcpSession a sequence of segments described by the input and checks invariants:
//! no panic, data delivered per direction never exceeds the payload fed in that direction, no
//! empty chunk, and all buffered memory is returned when the session is dropped.
//!
//! Input: 1 config byte (midstream, async-oneside, small depth / out-of-order cap / memcap,
//! immediate delivery instead of ACK-gated, two bits of urgent-data policy),
//! 8 bytes of initial sequence numbers, then 8-byte records:
//! [dir | tfo | split | md5 | wscale, tcp flags, seq delta (i16 BE), ack delta (i16 BE),
//! payload length, fill byte (low 2 bits: urgent pointer)].
#![no_main]
use flow::tcp::stream::ReasmShared;
use flow::{Chunk, Direction, TcpConfig, TcpSession, UrgentPolicy};
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use wire::{TcpHeader, TcpOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&conf, rest)) = data.split_first() else {
        return;
    };
    let Some((isns, records)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let cfg = TcpConfig {
        midstream: conf & 1 != 0,
        async_oneside: conf & 2 != 0,
        depth: if conf & 4 != 0 { 300 } else { 0 },
        max_ooo_bytes: if conf & 8 != 0 { 200 } else { 1 << 16 },
        memcap: if conf & 16 != 0 { 300 } else { 1 << 20 },
        ack_gated: conf & 32 == 0,
        urgent_policy: [
            UrgentPolicy::Inline,
            UrgentPolicy::Drop,
            UrgentPolicy::Oob,
            UrgentPolicy::Gap,
        ][usize::from(conf >> 6)],
        urgent_oob_limit_policy: UrgentPolicy::Gap,
    };
    let mut cursor = [
        u32::from_be_bytes([isns[0], isns[1], isns[2], isns[3]]),
        u32::from_be_bytes([isns[4], isns[5], isns[6], isns[7]]),
    ];
    let shared = Arc::new(ReasmShared::default());
    let mut sess = TcpSession::with_shared(&cfg, Arc::clone(&shared));
    let mut fed = [0u64; 2];
    let mut got = [0u64; 2];
    let mut buf = [0u8; 255];
    let check = |d: Direction, c: Chunk<'_>, got: &mut [u64; 2]| match c {
        Chunk::Data(b) => {
            assert!(!b.is_empty());
            got[d.index()] += b.len() as u64;
        }
        Chunk::Gap(n) => assert!(n > 0),
    };
    for r in records.chunks_exact(8) {
        let dir = if r[0] & 1 == 0 {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        let i = dir.index();
        let seq_delta = i16::from_be_bytes([r[2], r[3]]);
        let ack_delta = i16::from_be_bytes([r[4], r[5]]);
        let len = usize::from(r[6]);
        let seq = cursor[i].wrapping_add_signed(i32::from(seq_delta));
        let ack = cursor[1 - i].wrapping_add_signed(i32::from(ack_delta));
        for (k, b) in buf.iter_mut().take(len).enumerate() {
            *b = r[7].wrapping_add(k as u8);
        }
        let payload = &buf[..len];
        let tcp = TcpHeader {
            src_port: 1,
            dst_port: 2,
            seq,
            ack,
            flags: r[1],
            window: u16::from_be_bytes([r[0], r[7]]),
            urgent: u16::from(r[7] & 3),
            header_len: 20,
            options: TcpOptions {
                tfo: r[0] & 2 != 0,
                wscale: Some(r[0] >> 4),
                md5: r[0] & 8 != 0,
                ..TcpOptions::default()
            },
            checksum_ok: true,
        };
        fed[i] += len as u64;
        sess.on_segment(dir, &tcp, payload, &cfg, &mut |d, c| check(d, c, &mut got));
        let end = seq.wrapping_add(len as u32);
        if (end.wrapping_sub(cursor[i]) as i32) > 0 {
            cursor[i] = end;
        }
        assert!(got[0] <= fed[0] && got[1] <= fed[1]);
    }
    if r0_split(records) {
        sess.flush_dir(Direction::ToClient, &mut |d, c| check(d, c, &mut got));
    }
    sess.flush(&mut |d, c| check(d, c, &mut got));
    assert!(got[0] <= fed[0] && got[1] <= fed[1]);
    drop(sess);
    assert_eq!(shared.mem.load(Ordering::Relaxed), 0);
});

/// Whether to flush the to-client side first as well (exercises `flush_dir` in both orders).
fn r0_split(records: &[u8]) -> bool {
    records.first().is_some_and(|b| b & 4 != 0)
}
