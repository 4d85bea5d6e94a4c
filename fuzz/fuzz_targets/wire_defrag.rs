//! Fuzzes IP reassembly with a sequence of fragments described by the input: each record is
//! `[flags, id, offset_hi, offset_lo, len]` then `len` payload bytes; flags bit 0 = IPv6,
//! bit 1 = more fragments, bits 2-3 = protocol, bits 4-7 = timestamp step. Small memcap and
//! tracker limits so eviction paths run. Rebuilt datagrams must decode as non-fragments.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{decode_ip, DecodeOptions, DecodeStats, Defrag, DefragConfig, Timestamp};

fn ipv4_frag(proto: u8, id: u8, offset: u16, more: bool, data: &[u8]) -> Vec<u8> {
    let total = (20 + data.len()) as u16;
    let ff = ((offset / 8) & 0x1fff) | if more { 0x2000 } else { 0 };
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&[0, id]);
    h.extend_from_slice(&ff.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    h.extend_from_slice(data);
    h
}

fn ipv6_frag(proto: u8, id: u8, offset: u16, more: bool, data: &[u8]) -> Vec<u8> {
    let plen = (8 + data.len()) as u16;
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&plen.to_be_bytes());
    h.extend_from_slice(&[44, 64]);
    h.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    h.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    let fo = (offset & 0xfff8) | u16::from(more);
    h.extend_from_slice(&[proto, 0]);
    h.extend_from_slice(&fo.to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, id]);
    h.extend_from_slice(data);
    h
}

fuzz_target!(|data: &[u8]| {
    let mut d = Defrag::new(DefragConfig {
        memcap: 64 << 10,
        timeout_us: 1_000_000,
        max_trackers: 8,
    });
    let opts = DecodeOptions::default();
    let mut st = DecodeStats::default();
    let mut ts = 0i64;
    let mut rest = data;
    while let Some((hdr, tail)) = rest.split_first_chunk::<5>() {
        let [flags, id, hi, lo, len] = *hdr;
        let len = usize::from(len).min(tail.len());
        let (payload, tail) = tail.split_at(len);
        rest = tail;
        ts += i64::from(flags >> 4) * 100_000;
        let proto = [6u8, 17, 253, 58][usize::from((flags >> 2) & 3)];
        let offset = u16::from_be_bytes([hi, lo]);
        let more = flags & 2 != 0;
        let pkt = if flags & 1 == 0 {
            ipv4_frag(proto, id, offset, more, payload)
        } else {
            ipv6_frag(proto, id, offset, more, payload)
        };
        let Ok(p) = decode_ip(&pkt, &opts, &mut st) else {
            continue;
        };
        if p.frag.is_none() {
            continue;
        }
        if let Some(whole) = d.insert(Timestamp(ts), &p) {
            assert!(whole.len() <= 65535 + 40);
            if let Ok(q) = decode_ip(&whole, &opts, &mut st) {
                assert!(q.frag.is_none());
            }
        }
        assert!(d.memuse() <= 64 << 10);
        assert!(d.trackers() <= 8);
    }
    d.expire(Timestamp(ts + 2_000_000));
    assert_eq!((d.trackers(), d.memuse()), (0, 0));
});
