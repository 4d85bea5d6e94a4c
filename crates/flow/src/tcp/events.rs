//! Stream events: the anomalies Suricata 7.0.10's TCP tracking raises on a packet
//! (`stream-tcp.c` `StreamTcpSetEvent`, matched by rules with `stream-event:NAME`), for the
//! ones this tracker detects.

/// One stream event this tracker raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StreamEvent {
    /// The sender of a RST carrying a TCP MD5 / TCP-AO option carried on
    /// (`STREAM_SUSPECTED_RST_INJECT`, `StreamTcpPacketCheckPostRst`).
    SuspectedRstInject,
    /// A segment of the packet's direction crossed the reassembly depth
    /// (`STREAM_REASSEMBLY_DEPTH_REACHED`, `StreamTcpReassembleHandleSegmentHandleData`). Raised
    /// once per direction: Suricata stops reassembling the direction at the end of that packet.
    ReassemblyDepthReached,
}

impl StreamEvent {
    /// Every event, in bit order.
    pub const ALL: [StreamEvent; 2] = [
        StreamEvent::SuspectedRstInject,
        StreamEvent::ReassemblyDepthReached,
    ];

    /// The rule name (`stream-event:NAME`).
    pub fn name(self) -> &'static str {
        match self {
            StreamEvent::SuspectedRstInject => "suspected_rst_inject",
            StreamEvent::ReassemblyDepthReached => "reassembly_depth_reached",
        }
    }

    /// The event of a rule name, compared case-insensitively as Suricata's
    /// `DetectEngineEventParse` does (`strcasecmp` on `stream.NAME`).
    pub fn from_name(name: &str) -> Option<StreamEvent> {
        let n = name.trim();
        StreamEvent::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(n))
    }

    fn bit(self) -> u64 {
        1u64 << (self as u8)
    }
}

/// The stream events raised on one packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct StreamEvents(u64);

impl StreamEvents {
    pub fn set(&mut self, e: StreamEvent) {
        self.0 |= e.bit();
    }

    pub fn contains(self, e: StreamEvent) -> bool {
        self.0 & e.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_bits() {
        assert_eq!(
            StreamEvent::from_name(" Suspected_RST_Inject"),
            Some(StreamEvent::SuspectedRstInject)
        );
        for bad in [
            "",
            "stream.suspected_rst_inject",
            "pkt_invalid_ack",
            "suspected_rst",
        ] {
            assert_eq!(StreamEvent::from_name(bad), None, "{bad}");
        }
        let mut s = StreamEvents::default();
        assert!(s.is_empty());
        s.set(StreamEvent::SuspectedRstInject);
        assert!(!s.is_empty() && s.contains(StreamEvent::SuspectedRstInject));
        assert!(!s.contains(StreamEvent::ReassemblyDepthReached));
        assert_eq!(
            StreamEvent::from_name("REASSEMBLY_DEPTH_REACHED"),
            Some(StreamEvent::ReassemblyDepthReached)
        );
    }
}
