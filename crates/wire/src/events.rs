//! Decoder events: the anomalies Suricata 7.0.10's decoders raise on a packet
//! (`decode-events.c`, matched by rules with `decode-event:NAME`), for the ones this decoder
//! detects. A packet whose transport header does not decode (too short, bad length) is still
//! returned when [`crate::DecodeOptions::keep_invalid`] is set, with [`L4::Other`](crate::L4),
//! no payload and its event, so that rules can run on it as Suricata runs them (no flow).

/// One decoder event this decoder raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DecodeEvent {
    /// TCP segment shorter than the 20-byte header (`TCP_PKT_TOO_SMALL`).
    TcpPktTooSmall,
    /// TCP data offset beyond the segment (`TCP_HLEN_TOO_SMALL`).
    TcpHlenTooSmall,
    /// TCP data offset below 5 words (`TCP_INVALID_OPTLEN`: Suricata's option length wraps).
    TcpInvalidOptlen,
    /// UDP datagram shorter than the 8-byte header (`UDP_HLEN_TOO_SMALL`).
    UdpHlenTooSmall,
    /// UDP length beyond the IP payload (`UDP_PKT_TOO_SMALL`).
    UdpPktTooSmall,
    /// UDP length below 8 (`UDP_LEN_INVALID`).
    UdpLenInvalid,
    /// ICMPv4 message shorter than 8 bytes (`ICMPV4_PKT_TOO_SMALL`).
    Icmpv4PktTooSmall,
    /// ICMPv6 message shorter than 8 bytes (`ICMPV6_PKT_TOO_SMALL`).
    Icmpv6PktTooSmall,
    /// GRE payload shorter than the 4-byte header (`GRE_PKT_TOO_SMALL`).
    GrePktTooSmall,
}

impl DecodeEvent {
    /// Every event, in bit order.
    pub const ALL: [DecodeEvent; 9] = [
        DecodeEvent::TcpPktTooSmall,
        DecodeEvent::TcpHlenTooSmall,
        DecodeEvent::TcpInvalidOptlen,
        DecodeEvent::UdpHlenTooSmall,
        DecodeEvent::UdpPktTooSmall,
        DecodeEvent::UdpLenInvalid,
        DecodeEvent::Icmpv4PktTooSmall,
        DecodeEvent::Icmpv6PktTooSmall,
        DecodeEvent::GrePktTooSmall,
    ];

    /// The rule name (`decode-event:NAME`).
    pub fn name(self) -> &'static str {
        match self {
            DecodeEvent::TcpPktTooSmall => "tcp.pkt_too_small",
            DecodeEvent::TcpHlenTooSmall => "tcp.hlen_too_small",
            DecodeEvent::TcpInvalidOptlen => "tcp.invalid_optlen",
            DecodeEvent::UdpHlenTooSmall => "udp.hlen_too_small",
            DecodeEvent::UdpPktTooSmall => "udp.pkt_too_small",
            DecodeEvent::UdpLenInvalid => "udp.len_invalid",
            DecodeEvent::Icmpv4PktTooSmall => "icmpv4.pkt_too_small",
            DecodeEvent::Icmpv6PktTooSmall => "icmpv6.pkt_too_small",
            DecodeEvent::GrePktTooSmall => "gre.pkt_too_small",
        }
    }

    /// The event of a rule name, compared case-insensitively as Suricata's
    /// `DetectEngineEventParse` does (`strcasecmp` on `decoder.NAME`).
    pub fn from_name(name: &str) -> Option<DecodeEvent> {
        let n = name.trim();
        DecodeEvent::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(n))
    }

    /// Whether the event means the transport header did not decode.
    pub fn l4_failed(self) -> bool {
        !matches!(self, DecodeEvent::GrePktTooSmall)
    }

    fn bit(self) -> u64 {
        1u64 << (self as u8)
    }
}

/// The decoder events raised on one packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DecodeEvents(u64);

impl DecodeEvents {
    pub fn set(&mut self, e: DecodeEvent) {
        self.0 |= e.bit();
    }

    pub fn contains(self, e: DecodeEvent) -> bool {
        self.0 & e.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The transport header did not decode: the packet has no ports, payload or flow.
    pub fn l4_failed(self) -> bool {
        DecodeEvent::ALL
            .into_iter()
            .any(|e| e.l4_failed() && self.contains(e))
    }

    /// The events set, in bit order.
    pub fn iter(self) -> impl Iterator<Item = DecodeEvent> {
        DecodeEvent::ALL.into_iter().filter(move |e| self.contains(*e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in DecodeEvent::ALL {
            assert_eq!(DecodeEvent::from_name(e.name()), Some(e));
        }
        assert_eq!(
            DecodeEvent::from_name(" TCP.Pkt_Too_Small"),
            Some(DecodeEvent::TcpPktTooSmall)
        );
        for bad in [
            "",
            "tcp",
            "tcp.",
            "ipv4.pkt_too_small",
            "decoder.gre.pkt_too_small",
        ] {
            assert_eq!(DecodeEvent::from_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn set_and_query() {
        let mut s = DecodeEvents::default();
        assert!(s.is_empty() && !s.l4_failed());
        s.set(DecodeEvent::GrePktTooSmall);
        assert!(!s.is_empty() && !s.l4_failed());
        assert!(s.contains(DecodeEvent::GrePktTooSmall));
        assert!(!s.contains(DecodeEvent::TcpPktTooSmall));
        s.set(DecodeEvent::UdpLenInvalid);
        assert!(s.l4_failed());
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![DecodeEvent::UdpLenInvalid, DecodeEvent::GrePktTooSmall]
        );
    }
}
