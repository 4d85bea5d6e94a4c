//! `decode-event:NAME` and `stream-event:NAME`: an event the decoder ([`wire::DecodeEvent`]) or
//! the TCP tracking ([`flow::tcp::StreamEvent`]) raised on the packet, as Suricata 7.0.10's
//! `detect-engine-event.c` matches them (`ENGINE_ISSET_EVENT` on the packet). Names compare
//! case-insensitively. An event this engine does not raise, and `engine-event`, are a
//! [`CompileError`]: the rule is skipped rather than never matching silently.

use super::CompileError;
use flow::tcp::StreamEvent;
use rules::EventKind;
use wire::DecodeEvent;

/// The skip-report label shared by the event keywords.
const KEYWORD: &str = "app-layer-event/decode-event/stream-event";

/// A compiled packet event keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PktEventM {
    Decode(DecodeEvent),
    Stream(StreamEvent),
}

impl PktEventM {
    /// Resolves `decode-event` / `stream-event` arguments.
    pub fn compile(kind: EventKind, name: &str) -> Result<PktEventM, CompileError> {
        let found = match kind {
            EventKind::Decode => DecodeEvent::from_name(name).map(PktEventM::Decode),
            EventKind::Stream => StreamEvent::from_name(name).map(PktEventM::Stream),
            EventKind::Engine | EventKind::AppLayer => {
                return Err(CompileError::new(KEYWORD, "engine-event is not supported"));
            }
        };
        found.ok_or_else(|| {
            CompileError::new(
                KEYWORD,
                format!("event '{}' is not raised by this engine", name.trim()),
            )
        })
    }

    /// Whether the event is set on the packet.
    pub fn matches(self, p: &crate::PacketInfo<'_>) -> bool {
        match self {
            PktEventM::Decode(e) => p.decode_events.contains(e),
            PktEventM::Stream(e) => p.stream_events.contains(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_raised_events_only() {
        assert_eq!(
            PktEventM::compile(EventKind::Decode, "tcp.pkt_too_small").unwrap(),
            PktEventM::Decode(DecodeEvent::TcpPktTooSmall)
        );
        assert_eq!(
            PktEventM::compile(EventKind::Decode, " GRE.pkt_too_small").unwrap(),
            PktEventM::Decode(DecodeEvent::GrePktTooSmall)
        );
        assert_eq!(
            PktEventM::compile(EventKind::Stream, "suspected_rst_inject").unwrap(),
            PktEventM::Stream(StreamEvent::SuspectedRstInject)
        );
        for (k, bad) in [
            (EventKind::Decode, "ipv4.opt_invalid"),
            (EventKind::Decode, "suspected_rst_inject"),
            (EventKind::Stream, "tcp.pkt_too_small"),
            (EventKind::Stream, "3whs_async_wrong_seq"),
            (EventKind::Stream, ""),
            (EventKind::Engine, "decoder.tcp.pkt_too_small"),
        ] {
            let e = PktEventM::compile(k, bad).unwrap_err();
            assert_eq!(e.keyword, KEYWORD, "{bad}");
        }
    }

    #[test]
    fn matches_the_packet_events() {
        let mut p = crate::PacketInfo::test(b"");
        let d = PktEventM::Decode(DecodeEvent::UdpHlenTooSmall);
        let s = PktEventM::Stream(StreamEvent::SuspectedRstInject);
        assert!(!d.matches(&p) && !s.matches(&p));
        p.decode_events.set(DecodeEvent::UdpHlenTooSmall);
        assert!(d.matches(&p) && !s.matches(&p));
        p.stream_events.set(StreamEvent::SuspectedRstInject);
        assert!(s.matches(&p));
        assert!(!PktEventM::Decode(DecodeEvent::UdpPktTooSmall).matches(&p));
    }
}
