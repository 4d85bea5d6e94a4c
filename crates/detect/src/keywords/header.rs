//! Packet header keywords: `flags`, `ttl`, `ip_proto`, `itype`, `icode`, `icmp_id`, `icmp_seq`,
//! `window`, `seq`, `ack`, `id`, `sameip`, `dsize`, `fragbits`, `tcp.mss`-style integers.

use crate::input::PacketInfo;
use rules::{FlagsMode, Fragbits, IpProto, TcpFlags, UintMatch};

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
}
