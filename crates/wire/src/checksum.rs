//! Internet checksum (RFC 1071): one's-complement sums over big-endian 16-bit words.
//!
//! Used by the decoder to verify IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums, by the
//! defragmenter to fix a rebuilt IPv4 header, and by anyone who emits packets (RST, forged DNS
//! answers). The sum is accumulated 8 bytes at a time in a `u64` and folded once at the end.

/// Adds `data` to a running one's-complement sum `acc`, as big-endian 16-bit words (an odd
/// trailing byte is padded with a zero byte). Fold the result with [`fold`].
#[inline]
pub fn sum(data: &[u8], mut acc: u64) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        if let Ok(a) = <[u8; 8]>::try_from(c) {
            let w = u64::from_be_bytes(a);
            // Two 32-bit halves; 2^16 ≡ 1 (mod 0xffff) so 32-bit words fold to the same sum.
            acc = acc.wrapping_add(w >> 32).wrapping_add(w & 0xffff_ffff);
        }
    }
    let mut rest = chunks.remainder();
    while let Some((pair, tail)) = rest.split_first_chunk::<2>() {
        acc = acc.wrapping_add(u64::from(u16::from_be_bytes(*pair)));
        rest = tail;
    }
    if let Some(&last) = rest.first() {
        acc = acc.wrapping_add(u64::from(last) << 8);
    }
    acc
}

/// Folds a running sum into 16 bits (one's-complement addition of the carries).
#[inline]
pub fn fold(mut acc: u64) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// The checksum field value for `data` (whose checksum field must be zero): `!fold(sum)`.
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    !fold(sum(data, 0))
}

/// True when `data`, checksum field included, sums to 0xffff (the receiver's check).
#[inline]
pub fn verify(data: &[u8], initial: u64) -> bool {
    fold(sum(data, initial)) == 0xffff
}

/// The pseudo-header contribution for an upper-layer checksum: the address bytes (IPv4: the 8
/// bytes src+dst; IPv6: the 32 bytes src+dst), the protocol number and the upper-layer length.
#[inline]
pub fn pseudo_header(addrs: &[u8], proto: u8, len: u32) -> u64 {
    sum(addrs, 0) + u64::from(proto) + u64::from(len >> 16) + u64::from(len & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to ddf2 (before complement).
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(fold(sum(&data, 0)), 0xddf2);
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn odd_length_and_chunk_boundaries() {
        // The 8-byte fast path must agree with a word-by-word reference for every length.
        let data: Vec<u8> = (0..41u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            let d = &data[..n];
            let mut reference = 0u64;
            for (i, b) in d.iter().enumerate() {
                reference += if i % 2 == 0 {
                    u64::from(*b) << 8
                } else {
                    u64::from(*b)
                };
            }
            assert_eq!(fold(sum(d, 0)), fold(reference), "length {n}");
        }
    }

    #[test]
    fn ipv4_header_roundtrip() {
        // A real IPv4 header (checksum 0xb861 from the classic example).
        let mut h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
            0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&h), 0xb861);
        h[10] = 0xb8;
        h[11] = 0x61;
        assert!(verify(&h, 0));
        h[11] = 0x62;
        assert!(!verify(&h, 0));
    }
}
