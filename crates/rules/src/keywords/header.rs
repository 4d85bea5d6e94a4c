//! Packet header keywords: `flags`, `fragbits`, `ip_proto`, `id`, `icmp_id`, `icmp_seq`,
//! `window`, `tcp.seq`/`tcp.ack`, `*-csum`, `ipopts`.

use crate::ast::{frag_bits, tcp_flags, FlagsMode, Fragbits, IpProto, TcpFlags};
use crate::error::{OptError, OptResult};
use crate::uint::parse_num;

fn tcp_flag(c: char) -> Option<u8> {
    Some(match c.to_ascii_uppercase() {
        'F' => tcp_flags::FIN,
        'S' => tcp_flags::SYN,
        'R' => tcp_flags::RST,
        'P' => tcp_flags::PSH,
        'A' => tcp_flags::ACK,
        'U' => tcp_flags::URG,
        'C' | '1' => tcp_flags::CWR,
        'E' | '2' => tcp_flags::ECE,
        _ => return None,
    })
}

fn set_mode(slot: &mut Option<FlagsMode>, m: FlagsMode) -> OptResult<()> {
    if slot.is_some() {
        return Err(OptError::arg("more than one flags modifier"));
    }
    *slot = Some(m);
    Ok(())
}

/// `flags:[!+*]FSRPAUCE0[,ignore]`.
pub(crate) fn flags(v: &str) -> OptResult<TcpFlags> {
    let (f, ignore_s) = match v.split_once(',') {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (v.trim(), None),
    };
    let mut mode = None;
    let mut bits = 0u8;
    let mut zero = false;
    for c in f.chars() {
        match c {
            '!' => set_mode(&mut mode, FlagsMode::Not)?,
            '+' => set_mode(&mut mode, FlagsMode::All)?,
            '*' => set_mode(&mut mode, FlagsMode::Any)?,
            '=' => {}
            '0' => zero = true,
            c => bits |= tcp_flag(c).ok_or_else(|| OptError::arg(format!("invalid TCP flag '{c}'")))?,
        }
    }
    if zero && bits != 0 {
        return Err(OptError::arg("'0' (no flags) combined with flags"));
    }
    if !zero && bits == 0 {
        return Err(OptError::arg("no TCP flags given"));
    }
    let mut ignore = 0u8;
    if let Some(i) = ignore_s {
        for c in i.chars() {
            ignore |= tcp_flag(c).ok_or_else(|| OptError::arg(format!("invalid TCP flag '{c}' in mask")))?;
        }
    }
    Ok(TcpFlags {
        mode: mode.unwrap_or(FlagsMode::Exact),
        flags: bits,
        ignore,
    })
}

/// `fragbits:[!+*]MDR`.
pub(crate) fn fragbits(v: &str) -> OptResult<Fragbits> {
    let mut mode = None;
    let mut bits = 0u8;
    for c in v.trim().chars() {
        match c {
            '!' => set_mode(&mut mode, FlagsMode::Not)?,
            '+' => set_mode(&mut mode, FlagsMode::All)?,
            '*' => set_mode(&mut mode, FlagsMode::Any)?,
            'M' | 'm' => bits |= frag_bits::MF,
            'D' | 'd' => bits |= frag_bits::DF,
            'R' | 'r' => bits |= frag_bits::RB,
            c => return Err(OptError::arg(format!("invalid fragbit '{c}'"))),
        }
    }
    if bits == 0 {
        return Err(OptError::arg("no fragbits given"));
    }
    Ok(Fragbits {
        mode: mode.unwrap_or(FlagsMode::Exact),
        bits,
    })
}

const PROTO_NAMES: &[(&str, u8)] = &[
    ("ip", 0),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipencap", 4),
    ("tcp", 6),
    ("egp", 8),
    ("pup", 12),
    ("udp", 17),
    ("idp", 22),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("eigrp", 88),
    ("ospf", 89),
    ("pim", 103),
    ("vrrp", 112),
    ("l2tp", 115),
    ("sctp", 132),
    ("udplite", 136),
];

/// `ip_proto:[!<>]N|name`.
pub(crate) fn ip_proto(v: &str) -> OptResult<IpProto> {
    let t = v.trim();
    let (ctor, rest): (fn(u8) -> IpProto, &str) = if let Some(r) = t.strip_prefix('!') {
        (IpProto::Ne, r)
    } else if let Some(r) = t.strip_prefix('<') {
        (IpProto::Lt, r)
    } else if let Some(r) = t.strip_prefix('>') {
        (IpProto::Gt, r)
    } else {
        (IpProto::Eq, t)
    };
    let rest = rest.trim();
    let n = match parse_num::<u8>(rest) {
        Ok(n) => n,
        Err(_) => PROTO_NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(rest))
            .map(|(_, n)| *n)
            .ok_or_else(|| OptError::arg(format!("unknown IP protocol '{rest}'")))?,
    };
    Ok(ctor(n))
}

/// A plain decimal (or `0x` hex) number of the given type.
pub(crate) fn plain<T: crate::uint::UintType>(v: &str) -> OptResult<T> {
    parse_num::<T>(v)
}

/// `window:[!]N`.
pub(crate) fn window(v: &str) -> OptResult<(bool, u16)> {
    let t = v.trim();
    match t.strip_prefix('!') {
        Some(r) => Ok((true, parse_num::<u16>(r)?)),
        None => Ok((false, parse_num::<u16>(t)?)),
    }
}

/// `*-csum:valid|invalid` -> `true` for valid.
pub(crate) fn csum(v: &str) -> OptResult<bool> {
    match v.trim() {
        "valid" => Ok(true),
        "invalid" => Ok(false),
        o => Err(OptError::arg(format!("expected valid or invalid, got '{o}'"))),
    }
}

/// `ipopts:name`.
pub(crate) fn ipopts(v: &str) -> OptResult<String> {
    let t = v.trim();
    const OPTS: &[&str] = &[
        "rr", "eol", "nop", "ts", "sec", "esec", "lsrr", "lsrre", "ssrr", "satid", "any",
    ];
    if OPTS.contains(&t) {
        Ok(t.to_string())
    } else {
        Err(OptError::arg(format!("unknown IP option '{t}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_flags_forms() {
        assert_eq!(
            flags("S,12").unwrap(),
            TcpFlags {
                mode: FlagsMode::Exact,
                flags: tcp_flags::SYN,
                ignore: tcp_flags::CWR | tcp_flags::ECE
            }
        );
        assert_eq!(flags("AP+").unwrap().mode, FlagsMode::All);
        assert_eq!(flags("+AP").unwrap().flags, tcp_flags::ACK | tcp_flags::PSH);
        assert_eq!(flags("!R").unwrap().mode, FlagsMode::Not);
        assert_eq!(flags("*SF").unwrap().mode, FlagsMode::Any);
        assert_eq!(flags("R,A").unwrap().ignore, tcp_flags::ACK);
        assert_eq!(flags("0").unwrap().flags, 0);
        assert!(flags("S0").is_err());
        assert!(flags("X").is_err());
        assert!(flags("").is_err());
        assert!(flags("+*S").is_err());
    }

    #[test]
    fn fragbits_and_proto() {
        assert_eq!(
            fragbits("M").unwrap(),
            Fragbits {
                mode: FlagsMode::Exact,
                bits: frag_bits::MF
            }
        );
        assert_eq!(fragbits("!D").unwrap().mode, FlagsMode::Not);
        assert!(fragbits("X").is_err());
        assert_eq!(ip_proto("41").unwrap(), IpProto::Eq(41));
        assert_eq!(ip_proto("!tcp").unwrap(), IpProto::Ne(6));
        assert_eq!(ip_proto(">100").unwrap(), IpProto::Gt(100));
        assert_eq!(ip_proto("IPV6-ICMP").unwrap(), IpProto::Eq(58));
        assert!(ip_proto("256").is_err());
        assert!(ip_proto("nope").is_err());
    }

    #[test]
    fn misc() {
        assert_eq!(window("!1024").unwrap(), (true, 1024));
        assert_eq!(window("65535").unwrap(), (false, 65535));
        assert!(window("65536").is_err());
        assert!(csum("valid").unwrap());
        assert!(!csum(" invalid ").unwrap());
        assert!(csum("maybe").is_err());
        assert_eq!(ipopts("lsrr").unwrap(), "lsrr");
        assert!(ipopts("xx").is_err());
        assert_eq!(plain::<u16>("7").unwrap(), 7);
    }
}
