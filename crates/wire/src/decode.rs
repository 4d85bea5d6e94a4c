//! Frame decoding: link layer → VLAN → IP → transport, into a borrowed [`Packet`].
//!
//! The hot path of the engine: no allocation, every length checked once, every read
//! bounds-checked (`get`/`first_chunk`), so a malformed frame is a [`DecodeError`], never a
//! panic. Link types: Ethernet (802.1Q / 802.1ad / 0x9100 VLAN tags, the first two recorded;
//! PPPoE session; MPLS with Suricata's label rules and Ethernet pseudowires; NSH), Linux SLL
//! and SLL2, raw IPv4/IPv6, BSD null/loopback.
//!
//! Tunnels (see `tunnel.rs` for the headers): after a packet decodes, [`decode_with`] looks
//! for a tunnel in it (GRE/PPTP/ERSPAN in protocol 47, IP-in-IP in 4 and 41, Teredo, Geneve
//! and VXLAN on their UDP ports, in Suricata's order) and, when the inner packet decodes,
//! continues with it, up to [`TunnelOptions::max_depth`] levels. The innermost packet is
//! returned with [`Packet::tunnel`] set; each carrier is handed to a callback. A carrier whose
//! inner packet does not decode is returned as an ordinary packet (Suricata drops the inner
//! pseudo packet and goes on with the carrier).
//!
//! Semantics follow Suricata's decoder where it matters for detection:
//! - IPv4: the datagram is cut at its total length (Ethernet padding dropped); total length
//!   beyond the captured bytes is an error (`ipv4: truncated`).
//! - IPv6: hop-by-hop, routing, destination options, AH and fragment headers are walked; ESP and
//!   anything else ends the chain (`L4::Other`). An atomic fragment header (offset 0, no M flag)
//!   is skipped and the packet decoded whole.
//! - Fragments: `frag` is set, `payload` is the fragment data (after the IPv4 header / the IPv6
//!   fragment header; for IPv6 `ip.header_len` then ends with the fragment header and
//!   `ip.proto` is the fragment header's next header). A first fragment's transport header is
//!   read for information (ports; checksum not verified, not counted in `tcp`/`udp`); any later
//!   fragment has `L4::Other`. Feed fragments to [`crate::Defrag`] and decode what it rebuilds
//!   with [`decode_ip`].
//! - Checksums (when [`DecodeOptions::checksums`]): IPv4 header, TCP, UDP (0 = none over IPv4),
//!   ICMP, ICMPv6; a failure sets the `*_ok` flag false and counts `bad_checksum`, the packet is
//!   still returned. With checksums off nothing is computed and the flags are true.
//! - TCP options as Suricata parses them: a known option with the wrong length is ignored; an
//!   option length < 2 or past the header ends parsing and counts the packet in `invalid` (the
//!   packet is still returned).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::tunnel::{self, Encap, Inner, Probe, Tunnel, TunnelKind, TunnelOptions, TunnelRoot};

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
    Truncated {
        layer: &'static str,
        have: usize,
        need: usize,
    },
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
    /// Linux cooked captures (SLL and SLL2).
    pub sll: u64,
    /// BSD null/loopback frames.
    pub null: u64,
    /// Raw IP link types (LINKTYPE_RAW, IPV4, IPV6).
    pub raw: u64,
    pub pppoe: u64,
    pub mpls: u64,
    /// GRE headers looked at (valid or not), v0 and v1.
    pub gre: u64,
    /// ERSPAN type I/II/III frames opened.
    pub erspan: u64,
    /// PPP frames (inside PPTP GRE).
    pub ppp: u64,
    /// VXLAN headers recognised.
    pub vxlan: u64,
    /// Geneve headers recognised.
    pub geneve: u64,
    /// Teredo packets decapsulated.
    pub teredo: u64,
    /// NSH headers.
    pub nsh: u64,
    /// IPv6-in-IPv4 (6in4) packets decapsulated.
    pub ipv6_in_ipv4: u64,
    /// IPv4-in-IPv6 packets decapsulated.
    pub ipv4_in_ipv6: u64,
    /// IPv6-in-IPv6 packets decapsulated.
    pub ipv6_in_ipv6: u64,
    /// IPv4-in-IPv4 packets decapsulated (only when enabled).
    pub ipv4_in_ipv4: u64,
    /// Tunnels left closed because they were nested deeper than [`TunnelOptions::max_depth`].
    pub tunnel_too_deep: u64,
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
    /// An RFC 2385 MD5 signature option (kind 19, length 18) is present (it cannot be checked:
    /// the key is out of band).
    pub md5: bool,
    /// An RFC 5925 TCP-AO option (kind 29, length >= 4) is present.
    pub ao: bool,
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
    /// Set when the packet was decapsulated from a tunnel: the kind, depth and outermost packet.
    /// `vlan` then holds only the tags found inside the tunnel (and an ERSPAN header's VLAN), as
    /// in Suricata, where the tunnelled packet does not inherit the carrier's VLAN ids.
    pub tunnel: Option<Tunnel>,
    /// Decoder events raised on the packet ([`crate::DecodeEvent`]).
    pub events: crate::DecodeEvents,
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
    /// The bytes this packet counts for in its flow, given the captured frame's length:
    /// Suricata counts a tunnelled packet by its pseudo-packet length ([`Tunnel::len`]) and any
    /// other packet by the whole frame.
    pub fn flow_len(&self, frame_len: usize) -> usize {
        self.tunnel.map_or(frame_len, |t| t.len as usize)
    }
}

/// Decoding switches.
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Verify IPv4/TCP/UDP/ICMP checksums (`-k none` turns this off).
    pub checksums: bool,
    /// Return a packet whose transport header does not decode (with its
    /// [`crate::DecodeEvent`], [`L4::Other`] and no payload) instead of an error, as Suricata
    /// still runs rules on it. Off: such a frame is a [`DecodeError`].
    pub keep_invalid: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            checksums: true,
            keep_invalid: false,
        }
    }
}

const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86dd;
const ETH_VLAN: u16 = 0x8100;
const ETH_QINQ: u16 = 0x88a8;
const ETH_QINQ_OLD: u16 = 0x9100;
const ETH_PPPOE_SESSION: u16 = 0x8864;
const ETH_MPLS_UC: u16 = 0x8847;
const ETH_MPLS_MC: u16 = 0x8848;

const ETH_NSH: u16 = 0x894f;

const NSH_NEXT_IPV4: u8 = 1;
const NSH_NEXT_IPV6: u8 = 2;
const NSH_NEXT_ETHERNET: u8 = 3;
const NSH_NEXT_MPLS: u8 = 5;

const MPLS_LABEL_IPV4: u32 = 0;
const MPLS_LABEL_IPV6: u32 = 2;
/// Labels below this are reserved; 0 (IPv4) and 2 (IPv6) are read, the others end decoding.
const MPLS_MAX_RESERVED_LABEL: u32 = 15;

/// Link-layer headers (VLAN tags, MPLS stacks, NSH, pseudowire Ethernet) beyond this many in
/// one frame are treated as an invalid frame.
const MAX_LINK_LAYERS: usize = 32;
/// VLAN tags beyond this many are treated as an invalid frame.
const MAX_VLAN_TAGS: usize = 8;
/// MPLS labels beyond this many are treated as an invalid frame.
const MAX_MPLS_LABELS: usize = 16;
/// IPv6 extension headers beyond this many are treated as an invalid packet.
const MAX_IPV6_EXT_HEADERS: usize = 16;

const IPV6_HOPOPTS: u8 = 0;
const IPV6_ROUTING: u8 = 43;
const IPV6_FRAGMENT: u8 = 44;
const IPV6_AH: u8 = 51;
const IPV6_DSTOPTS: u8 = 60;

/// GRE's IP protocol number.
const IPPROTO_GRE: u8 = 47;

#[inline]
fn be16(a: u8, b: u8) -> u16 {
    u16::from_be_bytes([a, b])
}

#[inline]
fn truncated(layer: &'static str, have: usize, need: usize) -> DecodeError {
    DecodeError::Truncated { layer, have, need }
}

#[inline]
fn invalid(layer: &'static str, what: &'static str) -> DecodeError {
    DecodeError::Invalid { layer, what }
}

impl Packet<'_> {
    /// True when the packet is an IP fragment (to be handed to [`crate::Defrag`]).
    pub fn is_fragment(&self) -> bool {
        self.frag.is_some()
    }
}

/// Decodes one captured frame of the given link type, opening tunnels with Suricata's default
/// settings ([`TunnelOptions::SURICATA`]): the packet returned is the innermost one.
///
/// Counts the frame in `stats.pkts`/`stats.bytes`, every layer it passes, and the outcome: a
/// [`DecodeError::Unsupported`] (e.g. ARP) in `stats.unsupported`, any other error in
/// `stats.invalid`.
pub fn decode<'a>(
    link: crate::LinkType,
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    decode_with(link, frame, opts, &TunnelOptions::SURICATA, stats, |_, _| {})
}

/// Decodes one captured frame like [`decode`], opening the tunnels `tunnels` allows, and hands
/// every carrier to `on_carrier`, outermost first, with the kind of tunnel it carries.
///
/// A carrier is a packet whose payload held another packet that decoded: the captured packet
/// of a VXLAN frame (UDP, `tunnel` `None`), then, for a tunnel inside a tunnel, the middle
/// packet (its `tunnel` set). The returned packet is the innermost one that decoded; when a
/// tunnel's inner packet does not decode (ARP in VXLAN, a PPP control frame, a malformed
/// packet), the carrier itself is returned as an ordinary packet. Suricata processes every
/// carrier as a packet of its own (header rules only; no payload inspection) and gives the
/// UDP carriers a flow ([`TunnelKind::carrier_has_flow`]).
pub fn decode_with<'a, F>(
    link: crate::LinkType,
    frame: &'a [u8],
    opts: &DecodeOptions,
    tunnels: &TunnelOptions,
    stats: &mut DecodeStats,
    mut on_carrier: F,
) -> Result<Packet<'a>, DecodeError>
where
    F: FnMut(&Packet<'a>, TunnelKind),
{
    use crate::LinkType;
    stats.pkts += 1;
    stats.bytes += frame.len() as u64;
    let r = match link {
        LinkType::Ethernet => decode_ethernet(frame, opts, stats),
        LinkType::LinuxSll => decode_sll(frame, opts, stats),
        LinkType::LinuxSll2 => decode_sll2(frame, opts, stats),
        LinkType::Null => decode_null(frame, opts, stats),
        LinkType::Raw => {
            stats.raw += 1;
            decode_ip_any(frame, opts, stats)
        }
        LinkType::Ipv4 => {
            stats.raw += 1;
            decode_ipv4(frame, opts, stats)
        }
        LinkType::Ipv6 => {
            stats.raw += 1;
            decode_ipv6(frame, opts, stats)
        }
    };
    count_error(&r, stats);
    r.map(|p| decapsulate(p, opts, tunnels, stats, &mut on_carrier))
}

/// Decodes a bare IP datagram (IPv4 or IPv6 by its version nibble), e.g. one rebuilt by
/// [`crate::Defrag`], opening tunnels with Suricata's defaults.
///
/// Unlike [`decode`] it does not count `pkts`/`bytes` (the datagram is not a captured frame);
/// it counts the layers and errors like [`decode`]. A datagram rebuilt from fragments that
/// came out of a tunnel decodes with `tunnel` `None`: copy the last fragment's [`Tunnel`].
pub fn decode_ip<'a>(
    datagram: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    decode_ip_with(datagram, opts, &TunnelOptions::SURICATA, stats, |_, _| {})
}

/// [`decode_ip`] with the tunnel switches and carrier callback of [`decode_with`].
pub fn decode_ip_with<'a, F>(
    datagram: &'a [u8],
    opts: &DecodeOptions,
    tunnels: &TunnelOptions,
    stats: &mut DecodeStats,
    mut on_carrier: F,
) -> Result<Packet<'a>, DecodeError>
where
    F: FnMut(&Packet<'a>, TunnelKind),
{
    let r = decode_ip_any(datagram, opts, stats);
    count_error(&r, stats);
    r.map(|p| decapsulate(p, opts, tunnels, stats, &mut on_carrier))
}

/// Opens tunnel after tunnel until the packet is not a carrier (or the nesting bound is hit).
fn decapsulate<'a, F>(
    mut pkt: Packet<'a>,
    opts: &DecodeOptions,
    tunnels: &TunnelOptions,
    stats: &mut DecodeStats,
    on_carrier: &mut F,
) -> Packet<'a>
where
    F: FnMut(&Packet<'a>, TunnelKind),
{
    let mut depth = 0u8;
    while let Some((mut inner, enc)) = open_tunnel(&pkt, depth, opts, tunnels, stats) {
        on_carrier(&pkt, enc.kind);
        depth = depth.saturating_add(1);
        let root = match pkt.tunnel {
            Some(t) => t.root,
            None => TunnelRoot {
                src: pkt.ip.src,
                dst: pkt.ip.dst,
                proto: pkt.ip.proto,
                src_port: pkt.src_port(),
                dst_port: pkt.dst_port(),
            },
        };
        if let Some(v) = enc.vlan {
            inner.vlan = [v, inner.vlan[0]];
            inner.vlan_count = inner.vlan_count.saturating_add(1).min(2);
        }
        inner.tunnel = Some(Tunnel {
            kind: enc.kind,
            depth,
            root,
            len: u32::try_from(enc.len).unwrap_or(u32::MAX),
        });
        pkt = inner;
    }
    // Suricata's `DecodeGRE` on a payload shorter than its header.
    if pkt.ip.proto == IPPROTO_GRE && pkt.frag.is_none() && pkt.l4 == L4::Other && pkt.payload.len() < 4 {
        pkt.events.set(crate::DecodeEvent::GrePktTooSmall);
    }
    pkt
}

/// If `pkt` carries a packet that decodes, returns it (tunnel fields not yet set) and the
/// tunnel header; counts the tunnel and any anomaly of it.
fn open_tunnel<'a>(
    pkt: &Packet<'a>,
    depth: u8,
    opts: &DecodeOptions,
    tun: &TunnelOptions,
    stats: &mut DecodeStats,
) -> Option<(Packet<'a>, Encap<'a>)> {
    if pkt.frag.is_some() {
        return None;
    }
    let v4 = pkt.ip.src.is_ipv4();
    // Up to three candidates, in Suricata's order (UDP: Teredo, Geneve, VXLAN).
    let mut probes: [Option<Probe<'a>>; 3] = [None; 3];
    match (pkt.l4, pkt.ip.proto) {
        (L4::Other, 47) if tun.gre => {
            stats.gre += 1;
            probes[0] = Some(tunnel::gre(pkt.payload, tun));
        }
        (L4::Other, 41) if tun.ip_in_ip => {
            let kind = if v4 {
                TunnelKind::Ipv6InIpv4
            } else {
                TunnelKind::Ipv6InIpv6
            };
            probes[0] = Some(Probe::Open(Encap {
                kind,
                inner: Inner::Ipv6(pkt.payload),
                len: pkt.payload.len(),
                vlan: None,
            }));
        }
        (L4::Other, 4) if (v4 && tun.ipv4_in_ipv4) || (!v4 && tun.ip_in_ip) => {
            let kind = if v4 {
                TunnelKind::Ipv4InIpv4
            } else {
                TunnelKind::Ipv4InIpv6
            };
            probes[0] = Some(Probe::Open(Encap {
                kind,
                inner: Inner::Ipv4(pkt.payload),
                len: pkt.payload.len(),
                vlan: None,
            }));
        }
        (L4::Udp(u), _) => {
            let (sp, dp) = (u.src_port, u.dst_port);
            if tun.teredo_on(sp, dp) {
                probes[0] = Some(tunnel::teredo(pkt.payload));
            }
            if tun.geneve && tun.geneve_ports.has_either(sp, dp) {
                probes[1] = Some(tunnel::geneve(pkt.payload));
            }
            if tun.vxlan && tun.vxlan_ports.has_either(sp, dp) {
                probes[2] = Some(tunnel::vxlan(pkt.payload));
            }
        }
        _ => return None,
    }
    for probe in probes.into_iter().flatten() {
        let enc = match probe {
            Probe::No => continue,
            Probe::Empty { kind, invalid } => {
                // A header was recognised but carries nothing we decode.
                match kind {
                    TunnelKind::Vxlan => stats.vxlan += 1,
                    TunnelKind::Geneve => stats.geneve += 1,
                    _ => {}
                }
                if invalid {
                    stats.invalid += 1;
                }
                return None;
            }
            Probe::Open(enc) => enc,
        };
        if depth >= tun.max_depth {
            stats.tunnel_too_deep += 1;
            stats.invalid += 1;
            return None;
        }
        match enc.kind {
            TunnelKind::ErspanI | TunnelKind::ErspanII | TunnelKind::ErspanIII => stats.erspan += 1,
            TunnelKind::Vxlan => stats.vxlan += 1,
            TunnelKind::Geneve => stats.geneve += 1,
            _ => {}
        }
        match decode_inner(enc.inner, opts, stats) {
            // Suricata drops a Teredo packet marked invalid (`PacketTunnelPktSetup`): ordinary
            // UDP, as when it does not decode (not counted invalid then either).
            Ok(inner) if enc.kind == TunnelKind::Teredo && inner.events.l4_failed() => {
                stats.invalid = stats.invalid.saturating_sub(1);
                continue;
            }
            Ok(inner) => {
                match enc.kind {
                    TunnelKind::Teredo => stats.teredo += 1,
                    TunnelKind::Ipv6InIpv4 => stats.ipv6_in_ipv4 += 1,
                    TunnelKind::Ipv4InIpv6 => stats.ipv4_in_ipv6 += 1,
                    TunnelKind::Ipv6InIpv6 => stats.ipv6_in_ipv6 += 1,
                    TunnelKind::Ipv4InIpv4 => stats.ipv4_in_ipv4 += 1,
                    _ => {}
                }
                return Some((inner, enc));
            }
            // Teredo is a guess: a payload that is not a valid IPv6 packet is ordinary UDP,
            // and the next candidate may still match.
            Err(_) if enc.kind == TunnelKind::Teredo => continue,
            Err(DecodeError::Unsupported { .. }) => return None,
            Err(_) => {
                stats.invalid += 1;
                return None;
            }
        }
    }
    None
}

fn decode_inner<'a>(
    inner: Inner<'a>,
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    match inner {
        Inner::Ipv4(d) => decode_ipv4(d, opts, stats),
        Inner::Ipv6(d) => decode_ipv6(d, opts, stats),
        Inner::Ip(d) => decode_ip_any(d, opts, stats),
        Inner::Ethertype(t, d) => decode_ethertype(t, d, opts, stats),
        Inner::Ethernet(d) => decode_ethernet(d, opts, stats),
        Inner::Ppp(d) => decode_ppp(d, opts, stats),
    }
}

/// PPP as Suricata's `DecodePPP` reads it (PPTP): an optional `ff 03` HDLC header, then a one-
/// or two-byte protocol; IPv4, IPv6 and VJ-uncompressed IPv4 are decoded.
fn decode_ppp<'a>(
    d: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.ppp += 1;
    let Some(&first) = d.first() else {
        return Err(truncated("ppp", 0, 1));
    };
    let at = if first == 0xff { 2 } else { 0 };
    let Some(&pb) = d.get(at) else {
        return Err(truncated("ppp", d.len(), at + 1));
    };
    let (proto, data_off) = if pb & 0x01 != 0 {
        (u16::from(pb), at + 1)
    } else {
        match d.get(at + 1) {
            Some(&lo) => (be16(pb, lo), at + 2),
            None => return Err(truncated("ppp", d.len(), at + 2)),
        }
    };
    let data = d.get(data_off..).unwrap_or_default();
    match proto {
        0x21 => decode_ipv4(data, opts, stats),
        0x57 => decode_ipv6(data, opts, stats),
        // VJ uncompressed TCP/IP: an IPv4 header (the protocol byte holds the slot id).
        0x2f if data.first().is_some_and(|b| b >> 4 == 4) => decode_ipv4(data, opts, stats),
        p => Err(DecodeError::Unsupported {
            what: "PPP protocol",
            value: u32::from(p),
        }),
    }
}

#[inline]
fn count_error(r: &Result<Packet<'_>, DecodeError>, stats: &mut DecodeStats) {
    match r {
        Ok(_) => {}
        Err(DecodeError::Unsupported { .. }) => stats.unsupported += 1,
        Err(_) => stats.invalid += 1,
    }
}

fn decode_ip_any<'a>(
    data: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    match data.first().map(|b| b >> 4) {
        Some(4) => decode_ipv4(data, opts, stats),
        Some(6) => decode_ipv6(data, opts, stats),
        Some(v) => Err(DecodeError::Unsupported {
            what: "IP version",
            value: u32::from(v),
        }),
        None => Err(truncated("ip", 0, 1)),
    }
}

fn decode_ethernet<'a>(
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.ethernet += 1;
    let Some((hdr, rest)) = frame.split_first_chunk::<14>() else {
        return Err(truncated("ethernet", frame.len(), 14));
    };
    decode_ethertype(be16(hdr[12], hdr[13]), rest, opts, stats)
}

/// Linux "cooked" capture v1: 16-byte header, protocol (an ethertype) in the last two bytes.
fn decode_sll<'a>(
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.sll += 1;
    let Some((hdr, rest)) = frame.split_first_chunk::<16>() else {
        return Err(truncated("sll", frame.len(), 16));
    };
    decode_ethertype(be16(hdr[14], hdr[15]), rest, opts, stats)
}

/// Linux "cooked" capture v2: 20-byte header, protocol (an ethertype) in the first two bytes.
fn decode_sll2<'a>(
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.sll += 1;
    let Some((hdr, rest)) = frame.split_first_chunk::<20>() else {
        return Err(truncated("sll2", frame.len(), 20));
    };
    decode_ethertype(be16(hdr[0], hdr[1]), rest, opts, stats)
}

/// BSD null/loopback: a 4-byte address family in the capturing host's byte order.
fn decode_null<'a>(
    frame: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.null += 1;
    let Some((fam, rest)) = frame.split_first_chunk::<4>() else {
        return Err(truncated("null", frame.len(), 4));
    };
    // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
    let family = |v: u32| match v {
        2 => Some(false),
        10 | 24 | 28 | 30 => Some(true),
        _ => None,
    };
    let le = u32::from_le_bytes(*fam);
    let be = u32::from_be_bytes(*fam);
    match family(le).or_else(|| family(be)) {
        Some(false) => decode_ipv4(rest, opts, stats),
        Some(true) => decode_ipv6(rest, opts, stats),
        None => Err(DecodeError::Unsupported {
            what: "null address family",
            value: le,
        }),
    }
}

/// Dispatches on an ethertype, peeling VLAN tags (802.1Q, 802.1ad, 0x9100), PPPoE session,
/// MPLS (with Ethernet pseudowires) and NSH headers on the way to IPv4/IPv6.
fn decode_ethertype<'a>(
    mut ethertype: u16,
    mut data: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    let mut vlan = [0u16; 2];
    let mut vlan_count = 0u8;
    let mut tags = 0usize;
    let mut layers = 0usize;
    let mut pkt = loop {
        layers += 1;
        if layers > MAX_LINK_LAYERS {
            return Err(invalid("ethernet", "too many layers"));
        }
        match ethertype {
            ETH_IPV4 => break decode_ipv4(data, opts, stats)?,
            ETH_IPV6 => break decode_ipv6(data, opts, stats)?,
            ETH_VLAN | ETH_QINQ | ETH_QINQ_OLD => {
                if tags == 0 {
                    stats.vlan += 1;
                } else {
                    stats.vlan_qinq += 1;
                }
                let Some((tag, rest)) = data.split_first_chunk::<4>() else {
                    return Err(truncated("vlan", data.len(), 4));
                };
                if let Some(slot) = vlan.get_mut(tags) {
                    *slot = be16(tag[0], tag[1]) & 0x0fff;
                    vlan_count += 1;
                }
                tags += 1;
                if tags > MAX_VLAN_TAGS {
                    return Err(invalid("vlan", "too many tags"));
                }
                ethertype = be16(tag[2], tag[3]);
                data = rest;
            }
            ETH_PPPOE_SESSION => {
                stats.pppoe += 1;
                // ver/type, code, session id, length; then the 2-byte PPP protocol.
                let Some((hdr, rest)) = data.split_first_chunk::<8>() else {
                    return Err(truncated("pppoe", data.len(), 8));
                };
                let ppp_len = usize::from(be16(hdr[4], hdr[5]));
                if hdr[0] != 0x11 || hdr[1] != 0 {
                    return Err(invalid("pppoe", "version/type/code"));
                }
                // The length covers the PPP protocol field and payload; cut any trailer.
                let payload_len = ppp_len.checked_sub(2).ok_or(invalid("pppoe", "length"))?;
                data = rest.get(..payload_len).unwrap_or(rest);
                match be16(hdr[6], hdr[7]) {
                    0x0021 => break decode_ipv4(data, opts, stats)?,
                    0x0057 => break decode_ipv6(data, opts, stats)?,
                    p => {
                        return Err(DecodeError::Unsupported {
                            what: "PPP protocol",
                            value: u32::from(p),
                        })
                    }
                }
            }
            ETH_MPLS_UC | ETH_MPLS_MC => {
                stats.mpls += 1;
                let mut labels = 0usize;
                let label = loop {
                    let Some((lbl, rest)) = data.split_first_chunk::<4>() else {
                        return Err(truncated("mpls", data.len(), 4));
                    };
                    data = rest;
                    labels += 1;
                    if labels > MAX_MPLS_LABELS {
                        return Err(invalid("mpls", "too many labels"));
                    }
                    if lbl[2] & 0x01 != 0 {
                        // Bottom of stack: the 20-bit label says what follows.
                        break (u32::from(lbl[0]) << 12) | (u32::from(lbl[1]) << 4) | u32::from(lbl[2] >> 4);
                    }
                };
                match label {
                    MPLS_LABEL_IPV4 => break decode_ipv4(data, opts, stats)?,
                    MPLS_LABEL_IPV6 => break decode_ipv6(data, opts, stats)?,
                    l if l < MPLS_MAX_RESERVED_LABEL => {
                        return Err(DecodeError::Unsupported {
                            what: "MPLS reserved label",
                            value: l,
                        })
                    }
                    _ => {}
                }
                // Suricata's best guess: the IP version nibble, or 0 for an Ethernet pseudowire
                // behind a 4-byte control word.
                if data.len() < 4 {
                    return Err(truncated("mpls", data.len(), 4));
                }
                match data.first().map(|b| b >> 4) {
                    Some(4) => break decode_ipv4(data, opts, stats)?,
                    Some(6) => break decode_ipv6(data, opts, stats)?,
                    Some(0) => {
                        stats.ethernet += 1;
                        let Some((eth, rest)) = data.get(4..).and_then(|d| d.split_first_chunk::<14>())
                        else {
                            return Err(truncated("mpls pseudowire", data.len(), 18));
                        };
                        ethertype = be16(eth[12], eth[13]);
                        data = rest;
                    }
                    _ => return Err(invalid("mpls", "payload type")),
                }
            }
            ETH_NSH => {
                stats.nsh += 1;
                let Some(h) = data.first_chunk::<8>() else {
                    return Err(truncated("nsh", data.len(), 8));
                };
                if h[0] >> 6 != 0 {
                    return Err(DecodeError::Unsupported {
                        what: "NSH version",
                        value: u32::from(h[0] >> 6),
                    });
                }
                let hl = usize::from(be16(h[0], h[1]) & 0x3f) * 4;
                if hl < 8 || hl >= data.len() {
                    return Err(invalid("nsh", "header length"));
                }
                match h[2] {
                    1 if hl != 24 => return Err(invalid("nsh", "header length")),
                    1 | 2 => {}
                    md => {
                        return Err(DecodeError::Unsupported {
                            what: "NSH MD type",
                            value: u32::from(md),
                        })
                    }
                }
                data = data.get(hl..).unwrap_or_default();
                match h[3] {
                    NSH_NEXT_IPV4 => break decode_ipv4(data, opts, stats)?,
                    NSH_NEXT_IPV6 => break decode_ipv6(data, opts, stats)?,
                    NSH_NEXT_ETHERNET => {
                        stats.ethernet += 1;
                        let Some((eth, rest)) = data.split_first_chunk::<14>() else {
                            return Err(truncated("ethernet", data.len(), 14));
                        };
                        ethertype = be16(eth[12], eth[13]);
                        data = rest;
                    }
                    NSH_NEXT_MPLS => ethertype = ETH_MPLS_UC,
                    next => {
                        return Err(DecodeError::Unsupported {
                            what: "NSH next protocol",
                            value: u32::from(next),
                        })
                    }
                }
            }
            other => {
                return Err(DecodeError::Unsupported {
                    what: "ethertype",
                    value: u32::from(other),
                })
            }
        }
    };
    pkt.vlan = vlan;
    pkt.vlan_count = vlan_count;
    Ok(pkt)
}

/// Where the upper-layer checksum's pseudo-header addresses are.
#[derive(Clone, Copy)]
enum Pseudo<'a> {
    /// IPv4 src+dst (8 bytes).
    V4(&'a [u8]),
    /// IPv6 src+dst (32 bytes).
    V6(&'a [u8]),
}

impl Pseudo<'_> {
    #[inline]
    fn sum(self, proto: u8, len: usize) -> u64 {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        match self {
            Pseudo::V4(a) | Pseudo::V6(a) => crate::checksum::pseudo_header(a, proto, len),
        }
    }
}

fn decode_ipv4<'a>(
    data: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.ipv4 += 1;
    let Some(h) = data.first_chunk::<20>() else {
        return Err(truncated("ipv4", data.len(), 20));
    };
    let [vihl, tos, tl0, tl1, id0, id1, ff0, ff1, ttl, proto, _, _, s0, s1, s2, s3, d0, d1, d2, d3] = *h;
    if vihl >> 4 != 4 {
        return Err(invalid("ipv4", "version"));
    }
    let hl = usize::from(vihl & 0x0f) * 4;
    if hl < 20 {
        return Err(invalid("ipv4", "header length"));
    }
    let total = usize::from(be16(tl0, tl1));
    if total < hl {
        return Err(invalid("ipv4", "total length smaller than header length"));
    }
    // Cut the Ethernet padding / trailer: the datagram ends at its total length.
    let Some(l3) = data.get(..total) else {
        return Err(truncated("ipv4", data.len(), total));
    };
    let Some((header, body)) = l3.split_at_checked(hl) else {
        return Err(truncated("ipv4", l3.len(), hl));
    };
    let checksum_ok = if opts.checksums {
        let ok = crate::checksum::verify(header, 0);
        if !ok {
            stats.bad_checksum += 1;
        }
        ok
    } else {
        true
    };
    let id = be16(id0, id1);
    let ip = IpHeader {
        src: IpAddr::V4(Ipv4Addr::new(s0, s1, s2, s3)),
        dst: IpAddr::V4(Ipv4Addr::new(d0, d1, d2, d3)),
        proto,
        ttl,
        tos,
        id: u32::from(id),
        header_len: hl as u16,
        total_len: total as u16,
        checksum_ok,
    };
    let flags_frag = be16(ff0, ff1);
    let more = flags_frag & 0x2000 != 0;
    let offset = u32::from(flags_frag & 0x1fff) * 8;
    if more || offset != 0 {
        stats.fragments += 1;
        let l4 = if offset == 0 {
            peek_l4(proto, body, false)
        } else {
            L4::Other
        };
        return Ok(Packet {
            vlan: [0; 2],
            vlan_count: 0,
            ip,
            frag: Some(FragInfo {
                offset,
                more,
                id: u32::from(id),
            }),
            l4,
            l3,
            payload: body,
            tunnel: None,
            events: Default::default(),
        });
    }
    let addrs = header.get(12..20).unwrap_or_default();
    let (l4, payload, events) = decode_l4(proto, body, Pseudo::V4(addrs), opts, stats)?;
    Ok(Packet {
        vlan: [0; 2],
        vlan_count: 0,
        ip,
        frag: None,
        l4,
        l3,
        payload,
        tunnel: None,
        events,
    })
}

fn decode_ipv6<'a>(
    data: &'a [u8],
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<Packet<'a>, DecodeError> {
    stats.ipv6 += 1;
    let Some(h) = data.first_chunk::<40>() else {
        return Err(truncated("ipv6", data.len(), 40));
    };
    if h[0] >> 4 != 6 {
        return Err(invalid("ipv6", "version"));
    }
    let total = 40 + usize::from(be16(h[4], h[5]));
    let Some(l3) = data.get(..total) else {
        return Err(truncated("ipv6", data.len(), total));
    };
    let mut src = [0u8; 16];
    src.copy_from_slice(&h[8..24]);
    let mut dst = [0u8; 16];
    dst.copy_from_slice(&h[24..40]);
    let mut ip = IpHeader {
        src: IpAddr::V6(Ipv6Addr::from(src)),
        dst: IpAddr::V6(Ipv6Addr::from(dst)),
        proto: h[6],
        ttl: h[7],
        tos: (h[0] << 4) | (h[1] >> 4),
        id: 0,
        header_len: 40,
        total_len: u16::try_from(total).unwrap_or(u16::MAX),
        checksum_ok: true,
    };
    let walk = walk_ipv6_ext(h[6], l3, 40)?;
    ip.proto = walk.next_header;
    ip.header_len = u16::try_from(walk.offset).unwrap_or(u16::MAX);
    ip.id = walk.frag_id;
    let body = l3.get(walk.offset..).unwrap_or_default();
    if let Some(frag) = walk.frag {
        stats.fragments += 1;
        let l4 = if frag.offset == 0 {
            // Best effort: skip any extension headers in the first fragment's payload.
            match walk_ipv6_ext(walk.next_header, body, 0) {
                Ok(w) if w.frag.is_none() => {
                    peek_l4(w.next_header, body.get(w.offset..).unwrap_or_default(), true)
                }
                _ => L4::Other,
            }
        } else {
            L4::Other
        };
        return Ok(Packet {
            vlan: [0; 2],
            vlan_count: 0,
            ip,
            frag: Some(frag),
            l4,
            l3,
            payload: body,
            tunnel: None,
            events: Default::default(),
        });
    }
    let addrs = l3.get(8..40).unwrap_or_default();
    let (l4, payload, events) = decode_l4(walk.next_header, body, Pseudo::V6(addrs), opts, stats)?;
    Ok(Packet {
        vlan: [0; 2],
        vlan_count: 0,
        ip,
        frag: None,
        l4,
        l3,
        payload,
        tunnel: None,
        events,
    })
}

/// The result of walking an IPv6 extension header chain.
struct Ipv6Walk {
    /// The protocol after the chain (for a fragment: the fragment header's next header).
    next_header: u8,
    /// Offset of that protocol's header (for a fragment: of the fragment data).
    offset: usize,
    /// Set when a fragment header with a non-zero offset or the M flag was found (the walk stops
    /// there: the rest is fragment data).
    frag: Option<FragInfo>,
    /// The fragment header's identification (also for an atomic fragment), else 0.
    frag_id: u32,
}

/// Walks hop-by-hop, routing, destination options, fragment and AH headers from `off` in `buf`.
fn walk_ipv6_ext(mut nh: u8, buf: &[u8], mut off: usize) -> Result<Ipv6Walk, DecodeError> {
    let mut frag_id = 0u32;
    for _ in 0..=MAX_IPV6_EXT_HEADERS {
        let len = match nh {
            IPV6_HOPOPTS | IPV6_ROUTING | IPV6_DSTOPTS | IPV6_AH => {
                let Some(&[next, hlen]) = buf.get(off..).and_then(|b| b.first_chunk::<2>()) else {
                    return Err(truncated(
                        "ipv6 extension header",
                        buf.len().saturating_sub(off),
                        2,
                    ));
                };
                let len = if nh == IPV6_AH {
                    (usize::from(hlen) + 2) * 4
                } else {
                    (usize::from(hlen) + 1) * 8
                };
                if buf.len().saturating_sub(off) < len {
                    return Err(truncated(
                        "ipv6 extension header",
                        buf.len().saturating_sub(off),
                        len,
                    ));
                }
                nh = next;
                len
            }
            IPV6_FRAGMENT => {
                let Some(fh) = buf.get(off..).and_then(|b| b.first_chunk::<8>()) else {
                    return Err(truncated(
                        "ipv6 fragment header",
                        buf.len().saturating_sub(off),
                        8,
                    ));
                };
                let fo = be16(fh[2], fh[3]);
                let offset = u32::from(fo & 0xfff8);
                let more = fo & 1 != 0;
                frag_id = u32::from_be_bytes([fh[4], fh[5], fh[6], fh[7]]);
                nh = fh[0];
                off += 8;
                if offset != 0 || more {
                    let frag = Some(FragInfo {
                        offset,
                        more,
                        id: frag_id,
                    });
                    return Ok(Ipv6Walk {
                        next_header: nh,
                        offset: off,
                        frag,
                        frag_id,
                    });
                }
                // An atomic fragment (offset 0, no M flag) is processed as a whole packet.
                continue;
            }
            _ => {
                return Ok(Ipv6Walk {
                    next_header: nh,
                    offset: off,
                    frag: None,
                    frag_id,
                })
            }
        };
        off += len;
    }
    Err(invalid("ipv6", "too many extension headers"))
}

/// Decodes the transport header of a complete (non-fragment) datagram's payload. With
/// [`DecodeOptions::keep_invalid`], a header that does not decode gives [`L4::Other`], no
/// payload and its decoder event (counted invalid) rather than an error.
#[inline]
fn decode_l4<'a>(
    proto: u8,
    body: &'a [u8],
    pseudo: Pseudo<'_>,
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<(L4, &'a [u8], crate::DecodeEvents), DecodeError> {
    let is_v6 = matches!(pseudo, Pseudo::V6(_));
    match decode_l4_header(proto, body, pseudo, opts, stats) {
        Ok((l4, payload)) => Ok((l4, payload, crate::DecodeEvents::default())),
        Err(e) => match l4_event(proto, is_v6, body) {
            Some(ev) if opts.keep_invalid => {
                stats.invalid += 1;
                let mut events = crate::DecodeEvents::default();
                events.set(ev);
                Ok((L4::Other, &[], events))
            }
            _ => Err(e),
        },
    }
}

/// The decoder event of a transport header that does not decode, checked in the order of
/// Suricata's `DecodeTCPPacket` / `DecodeUDPPacket` / `DecodeICMPV4` / `DecodeICMPV6`.
fn l4_event(proto: u8, is_v6: bool, body: &[u8]) -> Option<crate::DecodeEvent> {
    use crate::DecodeEvent as E;
    match proto {
        ipproto::TCP => {
            let Some(h) = body.first_chunk::<20>() else {
                return Some(E::TcpPktTooSmall);
            };
            let hl = usize::from(h[12] >> 4) * 4;
            if body.len() < hl {
                Some(E::TcpHlenTooSmall)
            } else if hl < 20 {
                Some(E::TcpInvalidOptlen)
            } else {
                None
            }
        }
        ipproto::UDP => {
            let Some(h) = body.first_chunk::<8>() else {
                return Some(E::UdpHlenTooSmall);
            };
            let ulen = usize::from(be16(h[4], h[5]));
            if body.len() < ulen {
                Some(E::UdpPktTooSmall)
            } else if ulen < 8 {
                Some(E::UdpLenInvalid)
            } else {
                None
            }
        }
        ipproto::ICMP if !is_v6 && body.len() < 8 => Some(E::Icmpv4PktTooSmall),
        ipproto::ICMPV6 if is_v6 && body.len() < 8 => Some(E::Icmpv6PktTooSmall),
        _ => None,
    }
}

/// [`decode_l4`] without the invalid-header handling.
#[inline]
fn decode_l4_header<'a>(
    proto: u8,
    body: &'a [u8],
    pseudo: Pseudo<'_>,
    opts: &DecodeOptions,
    stats: &mut DecodeStats,
) -> Result<(L4, &'a [u8]), DecodeError> {
    let is_v6 = matches!(pseudo, Pseudo::V6(_));
    match proto {
        ipproto::TCP => {
            stats.tcp += 1;
            let (mut t, payload, anomaly) = parse_tcp(body)?;
            if anomaly {
                stats.invalid += 1;
            }
            if opts.checksums {
                t.checksum_ok = crate::checksum::verify(body, pseudo.sum(ipproto::TCP, body.len()));
                if !t.checksum_ok {
                    stats.bad_checksum += 1;
                }
            }
            Ok((L4::Tcp(t), payload))
        }
        ipproto::UDP => {
            stats.udp += 1;
            let (mut u, payload) = parse_udp(body)?;
            if opts.checksums {
                let dgram = body.get(..usize::from(u.length)).unwrap_or(body);
                let zero = dgram.get(6..8) == Some(&[0, 0][..]);
                u.checksum_ok =
                    (zero && !is_v6) || crate::checksum::verify(dgram, pseudo.sum(ipproto::UDP, dgram.len()));
                if !u.checksum_ok {
                    stats.bad_checksum += 1;
                }
            }
            Ok((L4::Udp(u), payload))
        }
        ipproto::ICMP if !is_v6 => {
            stats.icmpv4 += 1;
            let (mut i, payload) = parse_icmp(body, "icmpv4", false)?;
            if opts.checksums {
                i.checksum_ok = crate::checksum::verify(body, 0);
                if !i.checksum_ok {
                    stats.bad_checksum += 1;
                }
            }
            Ok((L4::Icmp4(i), payload))
        }
        ipproto::ICMPV6 if is_v6 => {
            stats.icmpv6 += 1;
            let (mut i, payload) = parse_icmp(body, "icmpv6", true)?;
            if opts.checksums {
                i.checksum_ok = crate::checksum::verify(body, pseudo.sum(ipproto::ICMPV6, body.len()));
                if !i.checksum_ok {
                    stats.bad_checksum += 1;
                }
            }
            Ok((L4::Icmp6(i), payload))
        }
        _ => Ok((L4::Other, body)),
    }
}

/// Reads the transport header at the start of a first fragment, for information only: no
/// checksum (it covers the whole datagram), no counters, and `L4::Other` when it does not fit.
fn peek_l4(proto: u8, body: &[u8], is_v6: bool) -> L4 {
    match proto {
        ipproto::TCP => parse_tcp(body).map_or(L4::Other, |(t, _, _)| L4::Tcp(t)),
        ipproto::UDP => match body.first_chunk::<8>() {
            Some(h) => L4::Udp(UdpHeader {
                src_port: be16(h[0], h[1]),
                dst_port: be16(h[2], h[3]),
                length: be16(h[4], h[5]),
                checksum_ok: true,
            }),
            None => L4::Other,
        },
        ipproto::ICMP if !is_v6 => parse_icmp(body, "icmpv4", false).map_or(L4::Other, |(i, _)| L4::Icmp4(i)),
        ipproto::ICMPV6 if is_v6 => parse_icmp(body, "icmpv6", true).map_or(L4::Other, |(i, _)| L4::Icmp6(i)),
        _ => L4::Other,
    }
}

/// Parses a TCP header (checksum not verified: `checksum_ok` is true). The third value tells
/// whether the options carried an anomaly Suricata counts as invalid (bad option length).
fn parse_tcp(seg: &[u8]) -> Result<(TcpHeader, &[u8], bool), DecodeError> {
    let Some(h) = seg.first_chunk::<20>() else {
        return Err(truncated("tcp", seg.len(), 20));
    };
    let [sp0, sp1, dp0, dp1, s0, s1, s2, s3, a0, a1, a2, a3, off, flags, w0, w1, _, _, u0, u1] = *h;
    let hl = usize::from(off >> 4) * 4;
    if hl < 20 {
        return Err(invalid("tcp", "header length"));
    }
    let Some((hdr, payload)) = seg.split_at_checked(hl) else {
        return Err(truncated("tcp", seg.len(), hl));
    };
    let (options, anomaly) = parse_tcp_options(hdr.get(20..).unwrap_or_default());
    let t = TcpHeader {
        src_port: be16(sp0, sp1),
        dst_port: be16(dp0, dp1),
        seq: u32::from_be_bytes([s0, s1, s2, s3]),
        ack: u32::from_be_bytes([a0, a1, a2, a3]),
        flags,
        window: be16(w0, w1),
        urgent: be16(u0, u1),
        header_len: hl as u8,
        options,
        checksum_ok: true,
    };
    Ok((t, payload, anomaly))
}

/// Parses TCP options the way Suricata does: an option of a known kind with the wrong length is
/// ignored; a length that is < 2 or runs past the header stops parsing and is an anomaly, as is
/// an MD5 (19) option not 18 bytes long or an AO (29) option shorter than 4. Window
/// scale values above 14 read as 0 (Suricata's rule).
fn parse_tcp_options(mut o: &[u8]) -> (TcpOptions, bool) {
    let mut r = TcpOptions::default();
    let mut anomaly = false;
    while let Some((&kind, rest)) = o.split_first() {
        match kind {
            0 => break,
            1 => {
                o = rest;
                continue;
            }
            _ => {}
        }
        let Some(&olen) = rest.first() else { break };
        let len = usize::from(olen);
        let (Some(opt), true) = (o.get(..len), len >= 2) else {
            return (r, true);
        };
        let body = opt.get(2..).unwrap_or_default();
        match kind {
            2 => {
                if let (Some(&[a, b]), None) = (body.first_chunk::<2>(), r.mss) {
                    if len == 4 {
                        r.mss = Some(be16(a, b));
                    }
                }
            }
            3 => {
                if let (3, Some(&ws), None) = (len, body.first(), r.wscale) {
                    r.wscale = Some(if ws <= 14 { ws } else { 0 });
                }
            }
            4 => r.sack_permitted |= len == 2,
            5 => r.sack |= (10..=34).contains(&len) && (len - 2) % 8 == 0,
            8 => {
                if let (10, Some(ts), None) = (len, body.first_chunk::<8>(), r.timestamp) {
                    let val = u32::from_be_bytes([ts[0], ts[1], ts[2], ts[3]]);
                    let ecr = u32::from_be_bytes([ts[4], ts[5], ts[6], ts[7]]);
                    r.timestamp = Some((val, ecr));
                }
            }
            34 => r.tfo |= len == 2 || ((4..=18).contains(&len) && len % 2 == 0),
            253 | 254 => r.tfo |= (len == 4 || len == 12) && body.first_chunk::<2>() == Some(&[0xf9, 0x89]),
            19 => {
                anomaly |= len != 18;
                r.md5 |= len == 18;
            }
            29 => {
                anomaly |= len < 4;
                r.ao |= len >= 4;
            }
            _ => {}
        }
        o = o.get(len..).unwrap_or_default();
    }
    (r, anomaly)
}

fn parse_udp(body: &[u8]) -> Result<(UdpHeader, &[u8]), DecodeError> {
    let Some(h) = body.first_chunk::<8>() else {
        return Err(truncated("udp", body.len(), 8));
    };
    let length = be16(h[4], h[5]);
    let ulen = usize::from(length);
    if ulen < 8 {
        return Err(invalid("udp", "length"));
    }
    let Some(payload) = body.get(8..ulen) else {
        return Err(truncated("udp", body.len(), ulen));
    };
    let u = UdpHeader {
        src_port: be16(h[0], h[1]),
        dst_port: be16(h[2], h[3]),
        length,
        checksum_ok: true,
    };
    Ok((u, payload))
}

/// ICMPv4 / ICMPv6: type, code, checksum, then (for query messages) identifier and sequence.
fn parse_icmp<'a>(
    body: &'a [u8],
    layer: &'static str,
    v6: bool,
) -> Result<(IcmpHeader, &'a [u8]), DecodeError> {
    let Some((h, payload)) = body.split_first_chunk::<8>() else {
        return Err(truncated(layer, body.len(), 8));
    };
    let icmp_type = h[0];
    // Messages whose bytes 4..8 are identifier and sequence (what `icmp_id`/`icmp_seq` read):
    // v4 echo, timestamp, information and address mask; v6 echo.
    let query = if v6 {
        matches!(icmp_type, 128 | 129)
    } else {
        matches!(icmp_type, 0 | 8 | 13..=18)
    };
    let (id, seq) = if query {
        (be16(h[4], h[5]), be16(h[6], h[7]))
    } else {
        (0, 0)
    };
    Ok((
        IcmpHeader {
            icmp_type,
            code: h[1],
            id,
            seq,
            checksum_ok: true,
        },
        payload,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::LinkType;

    const A: [u8; 4] = [192, 168, 77, 10];
    const B: [u8; 4] = [198, 51, 100, 10];

    fn syn_frame() -> Vec<u8> {
        // MSS 1460, SACK-permitted, timestamps (1, 0), NOP, window scale 7.
        let opts = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
        let mut t = tcp(40000, 80, 1000, 0, tcpflags::SYN, &opts, &[]);
        fix_l4_checksum(&mut t, 16, &addrs4(A, B), ipproto::TCP);
        eth(0x0800, &ipv4(ipproto::TCP, A, B, &t))
    }

    fn dec(link: LinkType, f: &[u8]) -> (Result<Packet<'_>, DecodeError>, DecodeStats) {
        let mut st = DecodeStats::default();
        let r = decode(link, f, &DecodeOptions::default(), &mut st);
        (r, st)
    }

    #[test]
    fn ethernet_ipv4_tcp_syn_with_options() {
        let f = syn_frame();
        let (r, st) = dec(LinkType::Ethernet, &f);
        let p = r.unwrap();
        assert_eq!(p.ip.src, IpAddr::from(A));
        assert_eq!(p.ip.dst, IpAddr::from(B));
        assert_eq!((p.ip.proto, p.ip.ttl, p.ip.tos, p.ip.id), (6, 64, 0x10, 0x1234));
        assert_eq!((p.ip.header_len, p.ip.total_len), (20, 60));
        assert!(p.ip.checksum_ok);
        assert_eq!(p.frag, None);
        assert_eq!(p.vlan_count, 0);
        let t = *p.tcp().unwrap();
        assert_eq!((t.src_port, t.dst_port, t.seq, t.ack), (40000, 80, 1000, 0));
        assert_eq!(
            (t.flags, t.window, t.urgent, t.header_len),
            (tcpflags::SYN, 65535, 0, 40)
        );
        assert_eq!(
            t.options,
            TcpOptions {
                mss: Some(1460),
                wscale: Some(7),
                sack_permitted: true,
                sack: false,
                timestamp: Some((1, 0)),
                tfo: false,
                md5: false,
                ao: false,
            }
        );
        assert!(t.checksum_ok);
        assert_eq!((p.src_port(), p.dst_port()), (40000, 80));
        assert_eq!(p.l3.len(), 60);
        assert!(p.payload.is_empty());
        let want = DecodeStats {
            pkts: 1,
            bytes: 74,
            ethernet: 1,
            ipv4: 1,
            tcp: 1,
            ..DecodeStats::default()
        };
        assert_eq!(st, want);
    }

    #[test]
    fn bad_checksums_are_flagged_and_counted_only_when_enabled() {
        let mut f = syn_frame();
        f[14 + 20 + 16] ^= 0xff; // TCP checksum
        f[14 + 10] ^= 0x01; // IPv4 header checksum
        let (r, st) = dec(LinkType::Ethernet, &f);
        let p = r.unwrap();
        assert!(!p.ip.checksum_ok);
        assert!(!p.tcp().unwrap().checksum_ok);
        assert_eq!(st.bad_checksum, 2);
        let mut st = DecodeStats::default();
        let p = decode(
            LinkType::Ethernet,
            &f,
            &DecodeOptions {
                checksums: false,
                ..Default::default()
            },
            &mut st,
        )
        .unwrap();
        assert!(p.ip.checksum_ok && p.tcp().unwrap().checksum_ok);
        assert_eq!(st.bad_checksum, 0);
    }

    #[test]
    fn ethernet_padding_is_cut_and_udp_payload_trimmed() {
        let mut u = udp(5353, 53, b"0123456789");
        fix_l4_checksum(&mut u, 6, &addrs4(A, B), ipproto::UDP);
        let mut f = eth(0x0800, &ipv4(ipproto::UDP, A, B, &u));
        f.resize(60, 0xee); // minimum Ethernet frame with padding
        let (r, st) = dec(LinkType::Ethernet, &f);
        let p = r.unwrap();
        assert_eq!(p.l3.len(), 38);
        assert_eq!(p.payload, b"0123456789");
        match p.l4 {
            L4::Udp(u) => assert_eq!(
                (u.src_port, u.dst_port, u.length, u.checksum_ok),
                (5353, 53, 18, true)
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!((st.udp, st.bad_checksum), (1, 0));
    }

    #[test]
    fn udp_zero_checksum_means_none_over_ipv4_only() {
        let u = udp(1, 2, b"x");
        let f = ipv4(ipproto::UDP, A, B, &u);
        let (r, st) = dec(LinkType::Raw, &f);
        assert!(matches!(
            r.unwrap().l4,
            L4::Udp(UdpHeader {
                checksum_ok: true,
                ..
            })
        ));
        assert_eq!((st.raw, st.bad_checksum), (1, 0));
        let f6 = ipv6(ipproto::UDP, v6(1), v6(2), &[], &u);
        let (r, st) = dec(LinkType::Raw, &f6);
        assert!(matches!(
            r.unwrap().l4,
            L4::Udp(UdpHeader {
                checksum_ok: false,
                ..
            })
        ));
        assert_eq!(st.bad_checksum, 1);
    }

    #[test]
    fn vlan_qinq_and_extra_tags() {
        let ip = ipv4(253, A, B, b"data");
        // 802.1ad outer 100, 802.1Q inner 200, then 0x9100 tag 300 (tolerated, not recorded).
        let mut tags = vec![
            0x00, 100, 0x81, 0x00, 0x00, 200, 0x91, 0x00, 0x01, 0x2c, 0x08, 0x00,
        ];
        tags.extend_from_slice(&ip);
        let f = eth(0x88a8, &tags);
        let (r, st) = dec(LinkType::Ethernet, &f);
        let p = r.unwrap();
        assert_eq!((p.vlan, p.vlan_count), ([100, 200], 2));
        assert_eq!((st.vlan, st.vlan_qinq), (1, 2));
        assert_eq!(p.l4, L4::Other);
        assert_eq!(p.payload, b"data");
        // Priority bits are masked off the VLAN id.
        let mut one = vec![0xe0, 0x05, 0x08, 0x00];
        one.extend_from_slice(&ip);
        let fr = eth(0x8100, &one);
        let (r, _) = dec(LinkType::Ethernet, &fr);
        assert_eq!(r.unwrap().vlan, [5, 0]);
        // Nine tags are too many.
        let mut many = Vec::new();
        for _ in 0..9 {
            many.extend_from_slice(&[0, 1, 0x81, 0]);
        }
        many.extend_from_slice(&ip);
        let fr = eth(0x8100, &many);
        let (r, st) = dec(LinkType::Ethernet, &fr);
        assert_eq!(
            r.unwrap_err(),
            DecodeError::Invalid {
                layer: "vlan",
                what: "too many tags"
            }
        );
        assert_eq!(st.invalid, 1);
    }

    #[test]
    fn sll_sll2_null_raw_links() {
        let ip4 = ipv4(253, A, B, b"z");
        let ip6 = ipv6(59, v6(1), v6(2), &[], b"");
        let mut sll = vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00];
        sll.extend_from_slice(&ip4);
        let (r, st) = dec(LinkType::LinuxSll, &sll);
        assert_eq!(r.unwrap().ip.src, IpAddr::from(A));
        assert_eq!(st.sll, 1);
        let mut sll2 = vec![0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0];
        sll2.extend_from_slice(&ip6);
        let (r, _) = dec(LinkType::LinuxSll2, &sll2);
        let p = r.unwrap();
        assert_eq!((p.ip.dst, p.ip.proto, p.l4), (IpAddr::from(v6(2)), 59, L4::Other));
        for fam in [[2u8, 0, 0, 0], [0, 0, 0, 2]] {
            let mut n = fam.to_vec();
            n.extend_from_slice(&ip4);
            assert!(dec(LinkType::Null, &n).0.unwrap().ip.src.is_ipv4());
        }
        for af in [10u8, 24, 28, 30] {
            for fam in [[af, 0, 0, 0], [0, 0, 0, af]] {
                let mut n = fam.to_vec();
                n.extend_from_slice(&ip6);
                assert!(dec(LinkType::Null, &n).0.unwrap().ip.src.is_ipv6());
            }
        }
        let mut n = vec![7, 0, 0, 0];
        n.extend_from_slice(&ip4);
        let (r, st) = dec(LinkType::Null, &n);
        assert_eq!(
            r.unwrap_err(),
            DecodeError::Unsupported {
                what: "null address family",
                value: 7
            }
        );
        assert_eq!((st.unsupported, st.invalid), (1, 0));
        assert!(dec(LinkType::Raw, &ip6).0.unwrap().ip.src.is_ipv6());
        assert!(dec(LinkType::Ipv4, &ip4).0.is_ok());
        assert_eq!(
            dec(LinkType::Ipv4, &ip6).0.unwrap_err(),
            DecodeError::Invalid {
                layer: "ipv4",
                what: "version"
            }
        );
        assert!(dec(LinkType::Ipv6, &ip6).0.is_ok());
    }

    #[test]
    fn pppoe_and_mpls() {
        let ip4 = ipv4(253, A, B, b"z");
        let mut pppoe = vec![0x11, 0x00, 0x12, 0x34];
        pppoe.extend_from_slice(&((ip4.len() + 2) as u16).to_be_bytes());
        pppoe.extend_from_slice(&[0x00, 0x21]);
        pppoe.extend_from_slice(&ip4);
        let fr = eth(0x8864, &pppoe);
        let (r, st) = dec(LinkType::Ethernet, &fr);
        assert_eq!(r.unwrap().payload, b"z");
        assert_eq!(st.pppoe, 1);
        let mut mpls = vec![0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40];
        mpls.extend_from_slice(&ip4);
        let fr = eth(0x8847, &mpls);
        let (r, st) = dec(LinkType::Ethernet, &fr);
        assert_eq!(r.unwrap().payload, b"z");
        assert_eq!(st.mpls, 1);
    }

    #[test]
    fn arp_is_unsupported() {
        let fr = eth(0x0806, &[0; 28]);
        let (r, st) = dec(LinkType::Ethernet, &fr);
        assert_eq!(
            r.unwrap_err(),
            DecodeError::Unsupported {
                what: "ethertype",
                value: 0x806
            }
        );
        assert_eq!((st.unsupported, st.invalid, st.ethernet), (1, 0, 1));
    }

    #[test]
    fn ipv4_options_and_fragments() {
        let mut u = udp(1000, 2000, &[7u8; 24]);
        fix_l4_checksum(&mut u, 6, &addrs4(A, B), ipproto::UDP);
        // Record-route style option padded to 8 bytes.
        let f = ipv4_opts(ipproto::UDP, A, B, 7, 0, &[1, 1, 1, 0, 1, 1, 1, 0], &u);
        let (r, _) = dec(LinkType::Raw, &f);
        let p = r.unwrap();
        assert_eq!(p.ip.header_len, 28);
        assert_eq!(p.payload, &[7u8; 24]);
        // First fragment: ports readable, payload is the fragment data, not counted as UDP.
        let first = ipv4_opts(ipproto::UDP, A, B, 99, 0x2000, &[], &u[..16]);
        let (r, st) = dec(LinkType::Raw, &first);
        let p = r.unwrap();
        assert_eq!(
            p.frag,
            Some(FragInfo {
                offset: 0,
                more: true,
                id: 99
            })
        );
        assert!(p.is_fragment());
        assert_eq!((p.src_port(), p.dst_port()), (1000, 2000));
        assert_eq!(p.payload, &u[..16]);
        assert_eq!((st.fragments, st.udp), (1, 0));
        // Second fragment: offset 16, no L4.
        let second = ipv4_opts(ipproto::UDP, A, B, 99, 2, &[], &u[16..]);
        let p = dec(LinkType::Raw, &second).0.unwrap();
        assert_eq!(
            p.frag,
            Some(FragInfo {
                offset: 16,
                more: false,
                id: 99
            })
        );
        assert_eq!(p.l4, L4::Other);
        assert_eq!(p.payload, &u[16..]);
    }

    #[test]
    fn ipv6_extension_chain_and_fragment_header() {
        let (s, d) = (v6(1), v6(2));
        let mut u = udp(53, 40000, b"answer");
        fix_l4_checksum(&mut u, 6, &addrs6(s, d), ipproto::UDP);
        // Hop-by-hop (8 bytes) -> routing (8 bytes) -> destination options (16 bytes) -> UDP.
        let mut ext = vec![43, 0, 1, 4, 0, 0, 0, 0];
        ext.extend_from_slice(&[60, 0, 0, 0, 0, 0, 0, 0]);
        ext.extend_from_slice(&[17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let f = ipv6(0, s, d, &ext, &u);
        let (r, st) = dec(LinkType::Raw, &f);
        let p = r.unwrap();
        assert_eq!((p.ip.proto, p.ip.header_len, p.ip.total_len), (17, 72, 86));
        assert_eq!(p.payload, b"answer");
        assert!(matches!(
            p.l4,
            L4::Udp(UdpHeader {
                checksum_ok: true,
                src_port: 53,
                ..
            })
        ));
        assert_eq!((st.ipv6, st.udp, st.bad_checksum), (1, 1, 0));
        // Fragment header: offset 8 bytes, M set, id 0xdeadbeef.
        let fh = [17, 0, 0x00, 0x09, 0xde, 0xad, 0xbe, 0xef];
        let f = ipv6(44, s, d, &fh, b"12345678");
        let p = dec(LinkType::Raw, &f).0.unwrap();
        assert_eq!(
            p.frag,
            Some(FragInfo {
                offset: 8,
                more: true,
                id: 0xdead_beef
            })
        );
        assert_eq!((p.ip.proto, p.ip.header_len, p.ip.id), (17, 48, 0xdead_beef));
        assert_eq!((p.l4, p.payload), (L4::Other, &b"12345678"[..]));
        // Atomic fragment (offset 0, no M): decoded whole.
        let fh = [17, 0, 0, 0, 0, 0, 0, 5];
        let f = ipv6(44, s, d, &fh, &u);
        let p = dec(LinkType::Raw, &f).0.unwrap();
        assert_eq!((p.frag, p.ip.id, p.payload), (None, 5, &b"answer"[..]));
        // AH: length field counts 4-byte words minus 2.
        let ah = [17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
        let f = ipv6(51, s, d, &ah, &u);
        assert_eq!(dec(LinkType::Raw, &f).0.unwrap().payload, b"answer");
        // ESP ends the chain.
        let f = ipv6(50, s, d, &[], b"encrypted");
        let p = dec(LinkType::Raw, &f).0.unwrap();
        assert_eq!((p.ip.proto, p.l4, p.payload), (50, L4::Other, &b"encrypted"[..]));
    }

    #[test]
    fn icmp_v4_and_v6_echo() {
        let mut m = vec![8, 0, 0, 0, 0x12, 0x34, 0x00, 0x07, b'p', b'i', b'n', b'g'];
        fix_l4_checksum(&mut m, 2, &[], ipproto::ICMP);
        let f = ipv4(ipproto::ICMP, A, B, &m);
        let (r, st) = dec(LinkType::Raw, &f);
        let p = r.unwrap();
        assert_eq!(
            p.l4,
            L4::Icmp4(IcmpHeader {
                icmp_type: 8,
                code: 0,
                id: 0x1234,
                seq: 7,
                checksum_ok: true
            })
        );
        assert_eq!(p.payload, b"ping");
        assert_eq!(st.icmpv4, 1);
        // Destination unreachable: no id/seq.
        let mut m = vec![3, 3, 0, 0, 0, 0, 0, 0];
        fix_l4_checksum(&mut m, 2, &[], ipproto::ICMP);
        let fr = ipv4(ipproto::ICMP, A, B, &m);
        let p = dec(LinkType::Raw, &fr).0.unwrap();
        assert!(matches!(
            p.l4,
            L4::Icmp4(IcmpHeader {
                icmp_type: 3,
                code: 3,
                id: 0,
                seq: 0,
                checksum_ok: true
            })
        ));
        let (s, d) = (v6(1), v6(2));
        let mut m = vec![128, 0, 0, 0, 0, 9, 0, 1, b'x'];
        fix_l4_checksum(&mut m, 2, &addrs6(s, d), ipproto::ICMPV6);
        let fr = ipv6(58, s, d, &[], &m);
        let (r, st) = dec(LinkType::Raw, &fr);
        let p = r.unwrap();
        assert_eq!(
            p.l4,
            L4::Icmp6(IcmpHeader {
                icmp_type: 128,
                code: 0,
                id: 9,
                seq: 1,
                checksum_ok: true
            })
        );
        assert_eq!((st.icmpv6, st.bad_checksum), (1, 0));
        m[8] = b'y';
        let fr = ipv6(58, s, d, &[], &m);
        let (r, st) = dec(LinkType::Raw, &fr);
        assert!(matches!(
            r.unwrap().l4,
            L4::Icmp6(IcmpHeader {
                checksum_ok: false,
                ..
            })
        ));
        assert_eq!(st.bad_checksum, 1);
    }

    #[test]
    fn tcp_options_edge_cases() {
        // SACK with one block, TFO (kind 34, 8-byte cookie), experimental TFO, wscale 15 -> 0.
        let (o, bad) = parse_tcp_options(&[5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 3, 3, 15]);
        assert!(!bad);
        assert!(o.sack);
        assert_eq!(o.wscale, Some(0));
        let (o, _) = parse_tcp_options(&[34, 10, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(o.tfo);
        let (o, _) = parse_tcp_options(&[254, 4, 0xf9, 0x89]);
        assert!(o.tfo);
        let (o, _) = parse_tcp_options(&[254, 4, 0xf9, 0x88]);
        assert!(!o.tfo);
        // MSS with a wrong length is ignored, parsing goes on.
        let (o, bad) = parse_tcp_options(&[2, 3, 5, 4, 2, 0, 0]);
        assert_eq!((o.mss, o.sack_permitted, bad), (None, true, false));
        // Length 0 / running past the end: anomaly, options so far kept.
        let (o, bad) = parse_tcp_options(&[2, 4, 0, 100, 8, 0]);
        assert_eq!((o.mss, bad), (Some(100), true));
        let (_, bad) = parse_tcp_options(&[8, 10, 0, 0]);
        assert!(bad);
        // MD5 with the wrong length is an anomaly; EOL stops parsing.
        let (o, bad) = parse_tcp_options(&[19, 4, 0, 0]);
        assert_eq!((o.md5, bad), (false, true));
        // A well-formed MD5 option (18 bytes) and a TCP-AO option (keyid, rnextkeyid, MAC).
        let mut md5 = vec![19u8, 18];
        md5.extend_from_slice(&[0xab; 16]);
        let (o, bad) = parse_tcp_options(&md5);
        assert_eq!((o.md5, o.ao, bad), (true, false, false));
        let (o, bad) = parse_tcp_options(&[29, 6, 166, 40, 1, 2, 1, 0]);
        assert_eq!((o.md5, o.ao, bad), (false, true, false));
        let (o, bad) = parse_tcp_options(&[29, 3, 166, 0]);
        assert_eq!((o.ao, bad), (false, true));
        // Truncated MD5 option (length runs past the header).
        let (o, bad) = parse_tcp_options(&[19, 18, 0, 0]);
        assert_eq!((o.md5, bad), (false, true));
        let (o, bad) = parse_tcp_options(&[0, 2, 4, 0, 0]);
        assert_eq!((o.mss, bad), (None, false));
        // A frame whose options are malformed still decodes, counted invalid.
        let mut t = tcp(1, 2, 0, 0, tcpflags::ACK, &[2, 0, 0, 0], b"");
        fix_l4_checksum(&mut t, 16, &addrs4(A, B), ipproto::TCP);
        let fr = ipv4(ipproto::TCP, A, B, &t);
        let (r, st) = dec(LinkType::Raw, &fr);
        assert!(r.is_ok());
        assert_eq!(st.invalid, 1);
    }

    #[test]
    fn malformed_headers_are_errors() {
        let ip = |b: &[u8]| dec(LinkType::Raw, b).0.unwrap_err();
        let mut f = ipv4(253, A, B, b"abcd");
        f[0] = 0x44; // IHL 4
        assert_eq!(
            ip(&f),
            DecodeError::Invalid {
                layer: "ipv4",
                what: "header length"
            }
        );
        let mut f = ipv4(253, A, B, b"abcd");
        f[2..4].copy_from_slice(&16u16.to_be_bytes());
        assert_eq!(
            ip(&f),
            DecodeError::Invalid {
                layer: "ipv4",
                what: "total length smaller than header length"
            }
        );
        let mut f = ipv4(253, A, B, b"abcd");
        f[2..4].copy_from_slice(&100u16.to_be_bytes());
        assert_eq!(
            ip(&f),
            DecodeError::Truncated {
                layer: "ipv4",
                have: 24,
                need: 100
            }
        );
        let mut t = tcp(1, 2, 0, 0, 0, &[], b"");
        t[12] = 0x40;
        assert_eq!(
            ip(&ipv4(6, A, B, &t)),
            DecodeError::Invalid {
                layer: "tcp",
                what: "header length"
            }
        );
        t[12] = 0x60;
        assert_eq!(
            ip(&ipv4(6, A, B, &t)),
            DecodeError::Truncated {
                layer: "tcp",
                have: 20,
                need: 24
            }
        );
        let mut u = udp(1, 2, b"abc");
        u[4..6].copy_from_slice(&7u16.to_be_bytes());
        assert_eq!(
            ip(&ipv4(17, A, B, &u)),
            DecodeError::Invalid {
                layer: "udp",
                what: "length"
            }
        );
        u[4..6].copy_from_slice(&12u16.to_be_bytes());
        assert_eq!(
            ip(&ipv4(17, A, B, &u)),
            DecodeError::Truncated {
                layer: "udp",
                have: 11,
                need: 12
            }
        );
        assert_eq!(
            ip(&ipv4(1, A, B, &[8, 0, 0])),
            DecodeError::Truncated {
                layer: "icmpv4",
                have: 3,
                need: 8
            }
        );
        let f = ipv6(0, v6(1), v6(2), &[17, 1, 0, 0, 0, 0, 0, 0], b"");
        assert_eq!(
            ip(&f),
            DecodeError::Truncated {
                layer: "ipv6 extension header",
                have: 8,
                need: 16
            }
        );
        let mut chain = Vec::new();
        for _ in 0..20 {
            chain.extend_from_slice(&[60, 0, 0, 0, 0, 0, 0, 0]);
        }
        assert_eq!(
            ip(&ipv6(60, v6(1), v6(2), &chain, b"")),
            DecodeError::Invalid {
                layer: "ipv6",
                what: "too many extension headers"
            }
        );
        assert_eq!(
            ip(&[]),
            DecodeError::Truncated {
                layer: "ip",
                have: 0,
                need: 1
            }
        );
        assert_eq!(
            ip(&[0x50]),
            DecodeError::Unsupported {
                what: "IP version",
                value: 5
            }
        );
    }

    #[test]
    fn every_truncation_of_valid_frames_is_an_error_not_a_panic() {
        let mut frames = vec![(LinkType::Ethernet, syn_frame())];
        let mut u = udp(1, 2, b"hello");
        fix_l4_checksum(&mut u, 6, &addrs6(v6(1), v6(2)), 17);
        let ext = [17, 0, 0, 0, 0, 0, 0, 0];
        frames.push((LinkType::Ethernet, eth(0x86dd, &ipv6(60, v6(1), v6(2), &ext, &u))));
        let mut vl = vec![0, 1, 0x08, 0x00];
        vl.extend_from_slice(&ipv4(1, A, B, &[8, 0, 0xf7, 0xff, 0, 0, 0, 0]));
        frames.push((LinkType::Ethernet, eth(0x8100, &vl)));
        for (link, f) in frames {
            assert!(dec(link, &f).0.is_ok());
            for n in 0..f.len() {
                let (r, st) = dec(link, &f[..n]);
                assert!(r.is_err(), "{link:?} cut at {n}");
                assert_eq!(st.invalid, 1);
            }
        }
    }

    #[test]
    fn decode_ip_does_not_count_pkts() {
        let f = ipv4(253, A, B, b"");
        let mut st = DecodeStats::default();
        decode_ip(&f, &DecodeOptions::default(), &mut st).unwrap();
        assert_eq!((st.pkts, st.bytes, st.ipv4, st.raw), (0, 0, 1, 0));
    }
}
