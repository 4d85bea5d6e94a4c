//! What the engine is told about the packet (or stream chunk) it inspects. The caller fills
//! it from its decoded packet and flow; the engine does not depend on how those are built.

use std::net::IpAddr;

/// One inspection: a packet, or a stream chunk / transaction seen "as" a packet of one
/// direction (addresses and ports oriented as that direction's packets are).
#[derive(Debug, Clone, Copy)]
pub struct PacketInfo<'a> {
    /// Packet time, microseconds since the epoch.
    pub ts: i64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    /// IP protocol number.
    pub proto: u8,
    /// The packet travels client → server.
    pub to_server: bool,
    /// Suricata's `FLOW_PKT_ESTABLISHED` for this packet.
    pub established: bool,
    pub has_flow: bool,
    /// First packet of its flow in this direction (IP-only rules are checked only then).
    pub first_in_dir: bool,
    pub tcp_flags: Option<u8>,
    pub tcp_window: Option<u16>,
    pub tcp_seq: Option<u32>,
    pub tcp_ack: Option<u32>,
    /// ICMP type, code, id, seq.
    pub icmp: Option<(u8, u8, u16, u16)>,
    pub ttl: u8,
    pub ip_id: u32,
    /// IP fragment bits (MF=1, DF=2, RB=4) of an IPv4 packet.
    pub fragbits: u8,
    /// The bytes payload keywords see: the packet payload, or the stream chunk.
    pub payload: &'a [u8],
    /// `payload` is reassembled stream data rather than one packet's payload.
    pub stream: bool,
    /// The flow's detected application protocol.
    pub app_proto: Option<app::AppProto>,
    /// Per-direction detected protocols (to server, to client).
    pub app_proto_dir: [Option<app::AppProto>; 2],
    pub flow_id: Option<u64>,
    pub pcap_cnt: Option<u64>,
    /// The IP datagram from its first header byte (empty for stream chunks and transactions).
    pub l3: &'a [u8],
    /// Length of the IP header with options / IPv6 extension headers.
    pub ip_hdr_len: u16,
    /// Length of the TCP header with options (8 for UDP, 0 otherwise).
    pub l4_hdr_len: u16,
    /// IPv4 type of service.
    pub tos: u8,
    /// TCP MSS option.
    pub tcp_mss: Option<u16>,
    /// Checksums verified: bit 0 IPv4 header bad, bit 1 TCP/UDP/ICMP bad.
    pub bad_csum: u8,
    /// TCP stream sizes (client, server) as Suricata's `next_seq - isn`.
    pub stream_size: Option<(u32, u32)>,
    /// Protocol detection finished (in either direction) while handling this packet
    /// (Suricata's `PKT_PROTO_DETECT_TS_DONE | PKT_PROTO_DETECT_TC_DONE`).
    pub proto_detect_done: bool,
    /// The payload of the UDP packet whose handling produced the transaction being inspected
    /// (empty otherwise): the payload part of a rule mixing payload and app-layer keywords is
    /// checked on it, as Suricata's `DetectEngineInspectStreamUDPPayload` does.
    pub tx_payload: &'a [u8],
    /// Direction of the packet `tx_payload` came from.
    pub tx_payload_to_server: bool,
    /// The flow's payload is no longer inspected (Suricata's `PKT_NOPAYLOAD_INSPECTION`, e.g.
    /// encrypted TLS): payload rules and the payload prefilter skip this packet.
    pub no_payload: bool,
    /// Decoder events raised on the packet (`decode-event`).
    pub decode_events: wire::DecodeEvents,
    /// Stream events the packet raised in its TCP session (`stream-event`).
    pub stream_events: flow::tcp::StreamEvents,
}

impl PacketInfo<'_> {
    /// A TCP packet 10.0.0.1:1234 → 10.0.0.2:80 to server, established (for tests).
    pub fn test(payload: &[u8]) -> PacketInfo<'_> {
        PacketInfo {
            ts: 1_000_000,
            src: IpAddr::from([10, 0, 0, 1]),
            dst: IpAddr::from([10, 0, 0, 2]),
            sport: 1234,
            dport: 80,
            proto: 6,
            to_server: true,
            established: true,
            has_flow: true,
            first_in_dir: true,
            tcp_flags: Some(0x18),
            tcp_window: Some(1024),
            tcp_seq: Some(1),
            tcp_ack: Some(1),
            icmp: None,
            ttl: 64,
            ip_id: 1,
            fragbits: 0,
            payload,
            stream: false,
            app_proto: None,
            app_proto_dir: [None, None],
            flow_id: Some(1),
            pcap_cnt: None,
            l3: &[],
            ip_hdr_len: 0,
            l4_hdr_len: 0,
            tos: 0,
            tcp_mss: None,
            bad_csum: 0,
            stream_size: None,
            proto_detect_done: false,
            tx_payload: &[],
            tx_payload_to_server: true,
            no_payload: false,
            decode_events: Default::default(),
            stream_events: Default::default(),
        }
    }
}
