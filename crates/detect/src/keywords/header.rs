//! Packet header keywords: `flags`, `ttl`, `ip_proto`, `itype`, `icode`, `icmp_id`, `icmp_seq`,
//! `window`, `seq`, `ack`, `id`, `sameip`, `dsize`, `fragbits`, `tcp.mss`-style integers,
//! `stream_size`, the `*-csum` checksum tests and the header sticky buffers (`ipv4.hdr`,
//! `ipv6.hdr`, `tcp.hdr`, `udp.hdr`).

use crate::input::PacketInfo;
use rules::{
    Buffer, Checksum, FlagsMode, Fragbits, IpProto, StreamSide, StreamSize, TcpFlags, UintField, UintMatch,
};

/// Whether `b` is a packet header buffer this engine fills.
pub fn is_header_buffer(b: Buffer) -> bool {
    matches!(
        b,
        Buffer::Ipv4Hdr | Buffer::Ipv6Hdr | Buffer::TcpHdr | Buffer::UdpHdr | Buffer::IpSrc | Buffer::IpDst
    )
}

/// The bytes of header buffer `b` of a packet (`None`: the packet has no such header, as
/// Suricata's `GetData` returning NULL). Stream chunks and transactions have no headers.
pub fn header_bytes<'a>(b: Buffer, pkt: &PacketInfo<'a>) -> Option<&'a [u8]> {
    if pkt.stream || pkt.l3.is_empty() {
        return None;
    }
    let ip = usize::from(pkt.ip_hdr_len);
    let l4 = usize::from(pkt.l4_hdr_len);
    match b {
        Buffer::Ipv4Hdr if pkt.src.is_ipv4() => pkt.l3.get(..ip),
        Buffer::Ipv6Hdr if pkt.src.is_ipv6() => pkt.l3.get(..ip),
        Buffer::TcpHdr if pkt.proto == 6 && l4 > 0 => pkt.l3.get(ip..ip.checked_add(l4)?),
        Buffer::UdpHdr if pkt.proto == 17 && l4 > 0 => pkt.l3.get(ip..ip.checked_add(l4)?),
        // `ip.src` / `ip.dst` (detect-ipaddr.c): the packet's raw address, 4 or 16 bytes.
        Buffer::IpSrc if pkt.src.is_ipv4() => pkt.l3.get(12..16),
        Buffer::IpDst if pkt.src.is_ipv4() => pkt.l3.get(16..20),
        Buffer::IpSrc => pkt.l3.get(8..24),
        Buffer::IpDst => pkt.l3.get(24..40),
        _ => None,
    }
}

/// The integer fields this engine matches.
pub fn uint_supported(f: UintField) -> bool {
    matches!(f, UintField::TcpMss | UintField::TcpWindow | UintField::Tos)
}

/// `tcp.mss` (only packets carrying the option), `tcp.window`, `tos` (IPv4 only).
pub fn uint_match(f: UintField, m: &UintMatch<u64>, pkt: &PacketInfo<'_>) -> bool {
    if pkt.stream || pkt.l3.is_empty() {
        return false;
    }
    let v = match f {
        UintField::TcpMss => pkt.tcp_mss.map(u64::from),
        UintField::TcpWindow => pkt.tcp_window.map(u64::from),
        UintField::Tos => pkt.src.is_ipv4().then_some(u64::from(pkt.tos)),
        _ => None,
    };
    v.is_some_and(|v| m.matches(v))
}

/// `stream_size`: `next_seq - isn` of the client and/or server side (`detect-stream_size.c`).
pub fn stream_size_match(s: &StreamSize, pkt: &PacketInfo<'_>) -> bool {
    let Some((client, server)) = pkt.stream_size else {
        return false;
    };
    match s.side {
        StreamSide::Server => s.cmp.matches(server),
        StreamSide::Client => s.cmp.matches(client),
        StreamSide::Both => s.cmp.matches(server) && s.cmp.matches(client),
        StreamSide::Either => s.cmp.matches(server) || s.cmp.matches(client),
    }
}

/// `*-csum:valid|invalid` on real packets of the keyword's protocol (`detect-csum.c`).
pub fn checksum_match(which: Checksum, valid: bool, pkt: &PacketInfo<'_>) -> bool {
    if pkt.stream || pkt.l3.is_empty() {
        return false;
    }
    let v4 = pkt.src.is_ipv4();
    let applies = match which {
        Checksum::Ipv4 => v4,
        Checksum::Tcpv4 => v4 && pkt.proto == 6,
        Checksum::Tcpv6 => !v4 && pkt.proto == 6,
        Checksum::Udpv4 => v4 && pkt.proto == 17,
        Checksum::Udpv6 => !v4 && pkt.proto == 17,
        Checksum::Icmpv4 => v4 && pkt.proto == 1,
        Checksum::Icmpv6 => !v4 && pkt.proto == 58,
    };
    if !applies {
        return false;
    }
    let bad = if which == Checksum::Ipv4 {
        pkt.bad_csum & 1 != 0
    } else {
        pkt.bad_csum & 2 != 0
    };
    bad != valid
}

/// `flags`: TCP flags after masking the ignored bits (`detect-flags.c`).
pub fn flags_match(f: &TcpFlags, pkt: &PacketInfo<'_>) -> bool {
    let Some(got) = pkt.tcp_flags else { return false };
    let got = got & !f.ignore;
    match f.mode {
        FlagsMode::Exact => got == f.flags,
        FlagsMode::All => got & f.flags == f.flags,
        FlagsMode::Any => got & f.flags != 0 || (f.flags == 0 && got == 0),
        FlagsMode::Not => got & f.flags != f.flags,
    }
}

/// `fragbits`.
pub fn fragbits_match(f: &Fragbits, bits: u8) -> bool {
    match f.mode {
        FlagsMode::Exact => bits == f.bits,
        FlagsMode::All => bits & f.bits == f.bits,
        FlagsMode::Any => bits & f.bits != 0,
        FlagsMode::Not => bits & f.bits == 0,
    }
}

pub fn ip_proto_match(p: &IpProto, proto: u8) -> bool {
    match *p {
        IpProto::Eq(v) => proto == v,
        IpProto::Ne(v) => proto != v,
        IpProto::Lt(v) => proto < v,
        IpProto::Gt(v) => proto > v,
    }
}

/// `dsize`: only packets with a payload-bearing protocol are tested (`detect-dsize.c`).
pub fn dsize_match(m: &UintMatch<u16>, pkt: &PacketInfo<'_>) -> bool {
    if pkt.stream {
        return false;
    }
    let len = u16::try_from(pkt.payload.len()).unwrap_or(u16::MAX);
    m.matches(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::tcp_flags::*;

    #[test]
    fn tcp_flags() {
        let mut p = PacketInfo::test(b"");
        p.tcp_flags = Some(SYN | ECE | CWR);
        let f = TcpFlags {
            mode: FlagsMode::Exact,
            flags: SYN,
            ignore: ECE | CWR,
        };
        assert!(flags_match(&f, &p));
        let f = TcpFlags {
            mode: FlagsMode::Exact,
            flags: SYN,
            ignore: 0,
        };
        assert!(!flags_match(&f, &p));
        let f = TcpFlags {
            mode: FlagsMode::All,
            flags: SYN | ACK,
            ignore: 0,
        };
        assert!(!flags_match(&f, &p));
        p.tcp_flags = None;
        assert!(!flags_match(&f, &p));
    }

    fn tcp_pkt(l3: &[u8]) -> PacketInfo<'_> {
        let mut p = PacketInfo::test(b"");
        p.l3 = l3;
        p.ip_hdr_len = 20;
        p.l4_hdr_len = 20;
        p
    }

    #[test]
    fn header_buffers() {
        let l3: Vec<u8> = (0u8..44).collect();
        let p = tcp_pkt(&l3);
        assert_eq!(header_bytes(Buffer::Ipv4Hdr, &p), Some(&l3[..20]));
        assert_eq!(header_bytes(Buffer::TcpHdr, &p), Some(&l3[20..40]));
        assert_eq!(header_bytes(Buffer::UdpHdr, &p), None);
        assert_eq!(header_bytes(Buffer::Ipv6Hdr, &p), None);
        // Truncated: the TCP header claims more than the packet holds.
        let p = tcp_pkt(&l3[..30]);
        assert_eq!(header_bytes(Buffer::TcpHdr, &p), None);
        let mut p = tcp_pkt(&l3);
        p.stream = true;
        assert_eq!(header_bytes(Buffer::Ipv4Hdr, &p), None);
    }

    #[test]
    fn uints_sizes_checksums() {
        let l3 = [0u8; 40];
        let mut p = tcp_pkt(&l3);
        let lt = UintMatch {
            mode: rules::UintMode::Lt,
            arg1: 536u64,
            arg2: 0,
        };
        assert!(!uint_match(UintField::TcpMss, &lt, &p));
        p.tcp_mss = Some(500);
        assert!(uint_match(UintField::TcpMss, &lt, &p));
        p.tcp_mss = Some(1460);
        assert!(!uint_match(UintField::TcpMss, &lt, &p));
        let ss = StreamSize {
            side: StreamSide::Server,
            cmp: UintMatch {
                mode: rules::UintMode::Lt,
                arg1: 1111,
                arg2: 0,
            },
        };
        assert!(!stream_size_match(&ss, &p));
        p.stream_size = Some((5000, 100));
        assert!(stream_size_match(&ss, &p));
        let ss = StreamSize {
            side: StreamSide::Both,
            ..ss
        };
        assert!(!stream_size_match(&ss, &p));
        assert!(checksum_match(Checksum::Tcpv4, true, &p));
        assert!(!checksum_match(Checksum::Tcpv4, false, &p));
        assert!(!checksum_match(Checksum::Udpv4, true, &p));
        p.bad_csum = 2;
        assert!(checksum_match(Checksum::Tcpv4, false, &p));
        assert!(checksum_match(Checksum::Ipv4, true, &p));
    }
}
