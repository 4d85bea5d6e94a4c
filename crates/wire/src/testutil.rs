//! Packet builders for the unit tests (valid checksums unless a test breaks them).

use crate::checksum;

pub const MAC_HDR: [u8; 12] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
];

/// Ethernet header + `ethertype` + `payload`.
pub fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = MAC_HDR.to_vec();
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An IPv4 header (+options) and payload with a correct header checksum.
pub fn ipv4_opts(
    proto: u8,
    src: [u8; 4],
    dst: [u8; 4],
    id: u16,
    flags_frag: u16,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    let hl = 20 + options.len();
    let total = (hl + payload.len()) as u16;
    let mut h = vec![0x40 | (hl / 4) as u8, 0x10];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&flags_frag.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(options);
    let c = checksum::checksum(&h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

pub fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    ipv4_opts(proto, src, dst, 0x1234, 0x4000, &[], payload)
}

/// An IPv6 header; `ext` is the raw extension header bytes between it and the payload.
pub fn ipv6(next: u8, src: [u8; 16], dst: [u8; 16], ext: &[u8], payload: &[u8]) -> Vec<u8> {
    let plen = (ext.len() + payload.len()) as u16;
    let mut h = vec![0x60, 0x00, 0x00, 0x00];
    h.extend_from_slice(&plen.to_be_bytes());
    h.extend_from_slice(&[next, 64]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(ext);
    h.extend_from_slice(payload);
    h
}

pub fn v6(last: u8) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = last;
    a
}

/// A TCP segment with options and payload; checksum left zero (see [`fix_l4_checksum`]).
pub fn tcp(sp: u16, dp: u16, seq: u32, ack: u32, flags: u8, options: &[u8], payload: &[u8]) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    let hl = 20 + options.len();
    let mut t = Vec::new();
    t.extend_from_slice(&sp.to_be_bytes());
    t.extend_from_slice(&dp.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.push(((hl / 4) as u8) << 4);
    t.push(flags);
    t.extend_from_slice(&65535u16.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(options);
    t.extend_from_slice(payload);
    t
}

pub fn udp(sp: u16, dp: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend_from_slice(&sp.to_be_bytes());
    u.extend_from_slice(&dp.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

/// Fills in the checksum of the upper-layer message `l4` (at `pos` within it) for the given
/// pseudo-header addresses (IPv4: 8 bytes; IPv6: 32 bytes; empty: no pseudo-header, ICMPv4).
pub fn fix_l4_checksum(l4: &mut [u8], pos: usize, addrs: &[u8], proto: u8) {
    l4[pos] = 0;
    l4[pos + 1] = 0;
    let init = if addrs.is_empty() {
        0
    } else {
        checksum::pseudo_header(addrs, proto, l4.len() as u32)
    };
    let c = !checksum::fold(checksum::sum(l4, init));
    l4[pos..pos + 2].copy_from_slice(&c.to_be_bytes());
}

pub fn addrs4(src: [u8; 4], dst: [u8; 4]) -> Vec<u8> {
    let mut a = src.to_vec();
    a.extend_from_slice(&dst);
    a
}

pub fn addrs6(src: [u8; 16], dst: [u8; 16]) -> Vec<u8> {
    let mut a = src.to_vec();
    a.extend_from_slice(&dst);
    a
}
