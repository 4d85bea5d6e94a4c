//! Frame decoding: link layer → VLAN → IP → transport. (Interface fixed; bodies to be written.)

use std::net::IpAddr;

/// IP protocol numbers we decode.
pub mod ipproto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;
}

/// TCP flag bits as in the header's flags byte.
pub mod tcpflags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;
}

/// Why a frame could not be decoded. Each variant names the layer that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{layer}: truncated ({have} bytes, need {need})")]
    Truncated { layer: &'static str, have: usize, need: usize },
    #[error("{layer}: invalid {what}")]
    Invalid { layer: &'static str, what: &'static str },
    #[error("unsupported {what} {value:#x}")]
    Unsupported { what: &'static str, value: u32 },
}

/// Counters of what the decoder saw and what it rejected (Suricata's `decoder.*` stats).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DecodeStats {
    pub pkts: u64,
    pub bytes: u64,
    pub ethernet: u64,
    pub vlan: u64,
    pub vlan_qinq: u64,
    pub ipv4: u64,
    pub ipv6: u64,
    pub tcp: u64,
    pub udp: u64,
    pub icmpv4: u64,
    pub icmpv6: u64,
    pub fragments: u64,
    /// Frames rejected with a [`DecodeError`] or carrying an anomaly (bad header length, ...).
    pub invalid: u64,
    pub unsupported: u64,
    /// IPv4/TCP/UDP/ICMP checksums that did not verify (only counted when validation is on).
    pub bad_checksum: u64,
}

/// The IP layer of a decoded packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpHeader {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Transport protocol (IPv6: after the extension header chain).
    pub proto: u8,
    pub ttl: u8,
    pub tos: u8,
    /// IPv4 identification, or the IPv6 fragment header's identification (0 when none).
    pub id: u32,
    /// Length of the IP header including IPv4 options / IPv6 extension headers.
    pub header_len: u16,
    /// Total datagram length per the header (IPv4 total length; IPv6 40 + payload length).
    pub total_len: u16,
    /// IPv4 header checksum verified (true when not checked).
    pub checksum_ok: bool,
}

/// A fragment's place in its datagram; present when the packet is an IP fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragInfo {
    /// Byte offset of this fragment's payload in the datagram payload.
    pub offset: u32,
    pub more: bool,
    pub id: u32,
}

/// Parsed TCP options that the flow engine and rules look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpOptions {
    pub mss: Option<u16>,
    pub wscale: Option<u8>,
    pub sack_permitted: bool,
    pub sack: bool,
    /// (TSval, TSecr)
    pub timestamp: Option<(u32, u32)>,
    pub tfo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    /// Flags byte (see [`tcpflags`]).
    pub flags: u8,
    pub window: u16,
    pub urgent: u16,
    pub header_len: u8,
    pub options: TcpOptions,
    pub checksum_ok: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub length: u16,
    pub checksum_ok: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpHeader {
    pub icmp_type: u8,
    pub code: u8,
    /// Echo identifier / sequence when the message is an echo request or reply.
    pub id: u16,
    pub seq: u16,
    pub checksum_ok: bool,
}

/// The transport layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L4 {
    Tcp(TcpHeader),
    Udp(UdpHeader),
    Icmp4(IcmpHeader),
    Icmp6(IcmpHeader),
    /// Any other protocol, or a non-first fragment (ports unknown).
    Other,
}

/// A decoded packet; every slice borrows the frame it was decoded from.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// VLAN ids outermost first; `vlan_count` tells how many are set (0–2).
    pub vlan: [u16; 2],
    pub vlan_count: u8,
    pub ip: IpHeader,
    pub frag: Option<FragInfo>,
    pub l4: L4,
    /// The IP datagram from the IP header's first byte to the end of the IP payload (trailer cut).
    pub l3: &'a [u8],
    /// The transport payload (the IP payload for `L4::Other`; for a fragment, the fragment's payload).
    pub payload: &'a [u8],
}

impl Packet<'_> {
    pub fn src_port(&self) -> u16 {
        match self.l4 {
            L4::Tcp(t) => t.src_port,
            L4::Udp(u) => u.src_port,
            _ => 0,
        }
    }
    pub fn dst_port(&self) -> u16 {
        match self.l4 {
            L4::Tcp(t) => t.dst_port,
            L4::Udp(u) => u.dst_port,
            _ => 0,
        }
    }
    pub fn tcp(&self) -> Option<&TcpHeader> {
        match &self.l4 {
            L4::Tcp(t) => Some(t),
            _ => None,
        }
    }
}

/// Decoding switches.
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Verify IPv4/TCP/UDP/ICMP checksums (`-k none` turns this off).
    pub checksums: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { checksums: true }
    }
}

/// Decodes one captured frame of the given link type.
pub fn decode<'a>(
    link: crate::LinkType,
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    let _ = (link, frame, opts, stats);
    Err(DecodeError::Unsupported { what: "decoder", value: 0 })
}

/// Decodes a bare IP datagram (IPv4 or IPv6 by its version nibble), e.g. one rebuilt by [`crate::Defrag`].
pub fn decode_ip<'a>(
    datagram: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    let _ = (datagram, opts, stats);
    Err(DecodeError::Unsupported { what: "decoder", value: 0 })
}
