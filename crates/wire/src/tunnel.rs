//! Tunnel headers: GRE (v0 and PPTP's v1), ERSPAN type I/II/III, VXLAN, Geneve, Teredo and
//! IP-in-IP, read the way Suricata 7 reads them, and the switches that turn each off.
//!
//! This module only parses the encapsulation header and says where the inner packet starts and
//! how to decode it ([`Probe`]); the loop that decodes the inner packet, bounds the nesting and
//! reports the carriers lives in `decode.rs` ([`crate::decode_with`]).
//!
//! Suricata semantics kept here:
//! - GRE v0: the checksum/routing, key and sequence flags add to the header; routing SREs are
//!   walked; a recursion count or v1-only flag bits make the header invalid. GRE v1 (PPTP) must
//!   carry PPP (0x880b) with the key flag and no checksum/routing/strict-route/recursion; a zero
//!   payload length carries nothing. Inner protocols: IPv4, IPv6, PPP, 802.1Q (0x8100),
//!   transparent Ethernet bridging (0x6558), ERSPAN (0x88be: type I without the GRE sequence
//!   flag, type II with it); ERSPAN type III (0x22eb) only when enabled (Suricata 7 does not
//!   decode it).
//! - VXLAN (UDP source or destination port in the VXLAN port list): the I flag set and the last
//!   reserved byte zero; the inner Ethernet header is skipped and IPv4, IPv6 and VLAN-tagged
//!   frames are decoded (ARP is not). Geneve likewise, with version 0, zero reserved bits and
//!   option lengths that add up to the header length.
//! - Teredo has no header to recognise, so the payload must look like a whole IPv6 packet: an
//!   optional origin indication (`00 00`, 8 bytes; any other `00 xx` start is rejected), version
//!   6, hop limit not 0, no tiny hop-by-hop packet, and a payload length that ends exactly at the
//!   end of the UDP payload. The inner packet must also decode without error.

use std::net::IpAddr;

/// The kind of encapsulation that carried a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TunnelKind {
    /// GRE version 0 carrying IPv4, IPv6, PPP, a VLAN-tagged or a bridged Ethernet frame.
    Gre,
    /// GRE version 1 (PPTP) carrying PPP.
    Pptp,
    /// ERSPAN type I (GRE 0x88be without the sequence flag): a bare Ethernet frame.
    ErspanI,
    /// ERSPAN type II (GRE 0x88be with the sequence flag): 8-byte header, then Ethernet.
    ErspanII,
    /// ERSPAN type III (GRE 0x22eb).
    ErspanIII,
    /// VXLAN over UDP.
    Vxlan,
    /// Geneve over UDP.
    Geneve,
    /// Teredo: IPv6 over UDP.
    Teredo,
    /// IPv6 in IPv4 (protocol 41, "6in4").
    Ipv6InIpv4,
    /// IPv4 in IPv6 (protocol 4).
    Ipv4InIpv6,
    /// IPv6 in IPv6 (protocol 41).
    Ipv6InIpv6,
    /// IPv4 in IPv4 (protocol 4; not decoded by Suricata 7, off by default).
    Ipv4InIpv4,
}

impl TunnelKind {
    /// A short lowercase name (for logs and stats).
    pub fn as_str(self) -> &'static str {
        match self {
            TunnelKind::Gre => "gre",
            TunnelKind::Pptp => "pptp",
            TunnelKind::ErspanI => "erspan1",
            TunnelKind::ErspanII => "erspan2",
            TunnelKind::ErspanIII => "erspan3",
            TunnelKind::Vxlan => "vxlan",
            TunnelKind::Geneve => "geneve",
            TunnelKind::Teredo => "teredo",
            TunnelKind::Ipv6InIpv4 => "ipv6-in-ipv4",
            TunnelKind::Ipv4InIpv6 => "ipv4-in-ipv6",
            TunnelKind::Ipv6InIpv6 => "ipv6-in-ipv6",
            TunnelKind::Ipv4InIpv4 => "ipv4-in-ipv4",
        }
    }

    /// Whether Suricata gives the carrier of this tunnel a flow of its own (it calls
    /// `FlowSetupPacket` on it): the UDP carriers of VXLAN, Geneve and Teredo, and the IPv4
    /// packet of a 6in4 tunnel. GRE and IPv6 carriers get none.
    pub fn carrier_has_flow(self) -> bool {
        matches!(
            self,
            TunnelKind::Vxlan | TunnelKind::Geneve | TunnelKind::Teredo | TunnelKind::Ipv6InIpv4
        )
    }
}

/// The outermost packet of a tunnel: what Suricata logs as the EVE `tunnel` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TunnelRoot {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IP protocol of the outermost packet (17 for VXLAN/Geneve/Teredo, 47 for GRE, ...).
    pub proto: u8,
    /// TCP/UDP ports of the outermost packet; 0 for other protocols.
    pub src_port: u16,
    pub dst_port: u16,
}

/// How a decapsulated packet was carried. Set on the packet [`crate::decode`] returns (and on
/// the inner carriers [`crate::decode_with`] reports) when it came out of a tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tunnel {
    /// The encapsulation directly around this packet.
    pub kind: TunnelKind,
    /// How many tunnels deep the packet is: 1 inside one tunnel (Suricata's `tunnel.depth`).
    pub depth: u8,
    /// The captured packet's own IP layer.
    pub root: TunnelRoot,
    /// The length Suricata gives this packet (its pseudo-packet length): the bytes from the
    /// start of the data the tunnel header hands on to the end of the carrier's payload. For
    /// VXLAN that starts after the inner Ethernet header; for ERSPAN type II at the ERSPAN
    /// header; for GRE, Geneve, Teredo and IP-in-IP at the inner frame or IP header. Flow byte
    /// counters use it in place of the frame length (see [`crate::Packet::flow_len`]).
    pub len: u32,
}

/// Up to four UDP ports a tunnel is looked for on (Suricata's limit). Zero entries are unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TunnelPorts(pub [u16; 4]);

impl TunnelPorts {
    /// No port list: every UDP packet is looked at (Teredo's `ports: any`).
    pub const ANY: TunnelPorts = TunnelPorts([0; 4]);

    /// A list of one port.
    pub const fn one(port: u16) -> Self {
        TunnelPorts([port, 0, 0, 0])
    }

    /// The first four non-zero ports of `ports` (Suricata ignores the rest, with a warning).
    pub fn from_slice(ports: &[u16]) -> Self {
        let mut out = [0u16; 4];
        for (slot, &p) in out.iter_mut().zip(ports.iter().filter(|&&p| p != 0)) {
            *slot = p;
        }
        TunnelPorts(out)
    }

    /// True when the list is empty (any port).
    pub fn is_any(&self) -> bool {
        self.0 == [0; 4]
    }

    /// True when `sp` or `dp` is in the list (never for an empty list).
    #[inline]
    pub fn has_either(&self, sp: u16, dp: u16) -> bool {
        self.0.iter().any(|&p| p != 0 && (p == sp || p == dp))
    }
}

/// Which tunnels [`crate::decode_with`] opens. [`Default`] is Suricata 7's default
/// configuration (`decoder.*` in suricata.yaml).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TunnelOptions {
    /// GRE v0 and v1 (PPTP). Turning it off also turns off ERSPAN, which GRE carries.
    pub gre: bool,
    /// ERSPAN types I and II inside GRE.
    pub erspan: bool,
    /// ERSPAN type III inside GRE (off: Suricata 7 does not decode it).
    pub erspan_type3: bool,
    /// `decoder.vxlan.enabled`.
    pub vxlan: bool,
    /// `decoder.vxlan.ports` (default 4789; Linux's old default is 8472).
    pub vxlan_ports: TunnelPorts,
    /// `decoder.geneve.enabled`.
    pub geneve: bool,
    /// `decoder.geneve.ports` (default 6081).
    pub geneve_ports: TunnelPorts,
    /// `decoder.teredo.enabled`.
    pub teredo: bool,
    /// `decoder.teredo.ports` (default 3544; [`TunnelPorts::ANY`] looks at every UDP packet).
    pub teredo_ports: TunnelPorts,
    /// IPv6 in IPv4, IPv4 in IPv6 and IPv6 in IPv6.
    pub ip_in_ip: bool,
    /// IPv4 in IPv4 (protocol 4 over IPv4; off: Suricata 7 does not decode it).
    pub ipv4_in_ipv4: bool,
    /// Most tunnels opened inside one another; a tunnel found deeper is left closed, the
    /// packet counted `invalid` and `tunnel_too_deep` (Suricata's `too_many_layers` event).
    pub max_depth: u8,
}

/// Default nesting bound.
pub const MAX_TUNNEL_DEPTH: u8 = 8;

impl TunnelOptions {
    /// Suricata 7's defaults.
    pub const SURICATA: TunnelOptions = TunnelOptions {
        gre: true,
        erspan: true,
        erspan_type3: false,
        vxlan: true,
        vxlan_ports: TunnelPorts::one(4789),
        geneve: true,
        geneve_ports: TunnelPorts::one(6081),
        teredo: true,
        teredo_ports: TunnelPorts::one(3544),
        ip_in_ip: true,
        ipv4_in_ipv4: false,
        max_depth: MAX_TUNNEL_DEPTH,
    };

    /// Every tunnel closed: packets are decoded as captured.
    pub const NONE: TunnelOptions = TunnelOptions {
        gre: false,
        erspan: false,
        erspan_type3: false,
        vxlan: false,
        vxlan_ports: TunnelPorts::ANY,
        geneve: false,
        geneve_ports: TunnelPorts::ANY,
        teredo: false,
        teredo_ports: TunnelPorts::ANY,
        ip_in_ip: false,
        ipv4_in_ipv4: false,
        max_depth: 0,
    };

    /// Every tunnel kind open, on the default ports.
    pub const ALL: TunnelOptions = TunnelOptions {
        erspan_type3: true,
        ipv4_in_ipv4: true,
        ..TunnelOptions::SURICATA
    };

    #[inline]
    pub(crate) fn teredo_on(&self, sp: u16, dp: u16) -> bool {
        self.teredo && (self.teredo_ports.is_any() || self.teredo_ports.has_either(sp, dp))
    }
}

impl Default for TunnelOptions {
    fn default() -> Self {
        TunnelOptions::SURICATA
    }
}

/// Where the packet inside a tunnel header starts and how to decode it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inner<'a> {
    Ipv4(&'a [u8]),
    Ipv6(&'a [u8]),
    /// IPv4 or IPv6 by the version nibble.
    Ip(&'a [u8]),
    /// The payload of an ethertype (an IP packet or a VLAN tag), the Ethernet header skipped.
    Ethertype(u16, &'a [u8]),
    /// A whole Ethernet frame.
    Ethernet(&'a [u8]),
    /// A PPP frame (PPTP).
    Ppp(&'a [u8]),
}

/// An opened tunnel header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Encap<'a> {
    pub kind: TunnelKind,
    pub inner: Inner<'a>,
    /// Suricata's pseudo-packet length (see [`Tunnel::len`]).
    pub len: usize,
    /// A VLAN id carried by the tunnel header (ERSPAN), recorded before the inner frame's.
    pub vlan: Option<u16>,
}

/// What a carrier's payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe<'a> {
    /// Not this tunnel: the packet is an ordinary one.
    No,
    /// The tunnel header is there but carries nothing we decode (ARP, an unknown protocol, a
    /// version we do not read). `invalid`: Suricata flags the carrier invalid.
    Empty {
        kind: TunnelKind,
        invalid: bool,
    },
    Open(Encap<'a>),
}

const GRE_PROTO_PPP: u16 = 0x880b;
const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86dd;
const ETH_ARP: u16 = 0x0806;
const ETH_VLAN: u16 = 0x8100;
const ETH_QINQ: u16 = 0x88a8;
const ETH_QINQ_OLD: u16 = 0x9100;
const ETH_BRIDGE: u16 = 0x6558;
const ETH_ERSPAN: u16 = 0x88be;
const ETH_ERSPAN3: u16 = 0x22eb;

#[inline]
fn be16(d: &[u8], at: usize) -> Option<u16> {
    let b = d.get(at..)?.first_chunk::<2>()?;
    Some(u16::from_be_bytes(*b))
}

#[inline]
fn open<'a>(kind: TunnelKind, inner: Inner<'a>, len: usize) -> Probe<'a> {
    Probe::Open(Encap {
        kind,
        inner,
        len,
        vlan: None,
    })
}

#[inline]
fn empty<'a>(kind: TunnelKind) -> Probe<'a> {
    Probe::Empty { kind, invalid: false }
}

/// Reads a GRE header (the IP payload of a protocol-47 packet).
pub(crate) fn gre<'a>(d: &'a [u8], opts: &TunnelOptions) -> Probe<'a> {
    let bad = Probe::Empty {
        kind: TunnelKind::Gre,
        invalid: true,
    };
    let Some(&[flags, ver, p0, p1]) = d.first_chunk::<4>() else {
        return bad; // GRE_PKT_TOO_SMALL
    };
    let proto = u16::from_be_bytes([p0, p1]);
    let mut hl = 4usize;
    let v1 = match ver & 0x07 {
        0 => {
            if flags & 0x07 != 0 || ver & 0x78 != 0 {
                return bad; // recursion control / v1 flags set
            }
            if flags & 0x20 != 0 {
                hl += 4; // key
            }
            if flags & 0x10 != 0 {
                hl += 4; // sequence number
            }
            if flags & 0xc0 != 0 {
                hl += 4; // checksum + offset
            }
            if hl > d.len() {
                return bad;
            }
            if flags & 0x40 != 0 {
                // Source route entries until the null SRE; each one is at least 4 bytes long,
                // so the walk ends within d.len() / 4 steps.
                loop {
                    let Some(&[af0, af1, _, sre_len]) = d.get(hl..).and_then(|s| s.first_chunk::<4>()) else {
                        return bad;
                    };
                    hl += 4;
                    if af0 == 0 && af1 == 0 && sre_len == 0 {
                        break;
                    }
                    hl += usize::from(sre_len);
                    if hl > d.len() {
                        return bad;
                    }
                }
            }
            false
        }
        1 => {
            // Checksum, routing, strict source route, recursion, other flags: invalid for v1.
            if flags & 0xcf != 0 || ver & 0x78 != 0 || proto != GRE_PROTO_PPP || flags & 0x20 == 0 {
                return bad;
            }
            hl += 4; // key: payload length + call id
            if flags & 0x10 != 0 {
                hl += 4;
            }
            if ver & 0x80 != 0 {
                hl += 4; // acknowledgment number
            }
            if hl > d.len() {
                return bad;
            }
            true
        }
        _ => return bad,
    };
    let Some(inner) = d.get(hl..) else { return bad };
    let kind = if v1 { TunnelKind::Pptp } else { TunnelKind::Gre };
    match proto {
        ETH_IPV4 => open(kind, Inner::Ipv4(inner), inner.len()),
        ETH_IPV6 => open(kind, Inner::Ipv6(inner), inner.len()),
        GRE_PROTO_PPP => {
            if v1 && be16(d, 4) == Some(0) {
                return empty(kind);
            }
            open(kind, Inner::Ppp(inner), inner.len())
        }
        ETH_VLAN => open(kind, Inner::Ethertype(ETH_VLAN, inner), inner.len()),
        ETH_BRIDGE => open(kind, Inner::Ethernet(inner), inner.len()),
        ETH_ERSPAN if opts.erspan && flags & 0x10 == 0 => {
            open(TunnelKind::ErspanI, Inner::Ethernet(inner), inner.len())
        }
        ETH_ERSPAN if opts.erspan => erspan2(inner),
        ETH_ERSPAN3 if opts.erspan_type3 => erspan3(inner),
        _ => empty(kind),
    }
}

/// ERSPAN type II: version 1, a VLAN id, then the mirrored Ethernet frame.
fn erspan2(d: &[u8]) -> Probe<'_> {
    let (Some(vv), Some(frame)) = (be16(d, 0), d.get(8..)) else {
        return empty(TunnelKind::ErspanII); // ERSPAN_HEADER_TOO_SMALL
    };
    if vv >> 12 != 1 {
        return empty(TunnelKind::ErspanII); // ERSPAN_UNSUPPORTED_VERSION
    }
    let vlan = vv & 0x0fff;
    Probe::Open(Encap {
        kind: TunnelKind::ErspanII,
        inner: Inner::Ethernet(frame),
        len: d.len(),
        vlan: (vlan > 0).then_some(vlan),
    })
}

/// ERSPAN type III: version 2, 12-byte header (+8 with the O flag); frame type 0 is Ethernet,
/// 2 an IP packet.
fn erspan3(d: &[u8]) -> Probe<'_> {
    let empty = empty(TunnelKind::ErspanIII);
    let Some(h) = d.first_chunk::<12>() else {
        return empty;
    };
    let vv = u16::from_be_bytes([h[0], h[1]]);
    if vv >> 12 != 2 {
        return empty;
    }
    let hl = if h[11] & 0x01 != 0 { 20 } else { 12 };
    let Some(frame) = d.get(hl..) else { return empty };
    let inner = match (h[10] >> 2) & 0x1f {
        0 => Inner::Ethernet(frame),
        2 => Inner::Ip(frame),
        _ => return empty,
    };
    let vlan = vv & 0x0fff;
    Probe::Open(Encap {
        kind: TunnelKind::ErspanIII,
        inner,
        len: d.len(),
        vlan: (vlan > 0).then_some(vlan),
    })
}

/// What follows an inner Ethernet header in VXLAN and Geneve.
fn after_ethernet(kind: TunnelKind, ethertype: u16, payload: &[u8]) -> Probe<'_> {
    match ethertype {
        ETH_ARP => empty(kind),
        ETH_IPV4 => open(kind, Inner::Ipv4(payload), payload.len()),
        ETH_IPV6 => open(kind, Inner::Ipv6(payload), payload.len()),
        ETH_VLAN | ETH_QINQ | ETH_QINQ_OLD => open(kind, Inner::Ethertype(ethertype, payload), payload.len()),
        _ => Probe::Empty { kind, invalid: true }, // VXLAN_UNKNOWN_PAYLOAD_TYPE
    }
}

/// VXLAN: 8-byte header (I flag, reserved last byte zero), then an Ethernet frame.
pub(crate) fn vxlan(d: &[u8]) -> Probe<'_> {
    let Some((h, frame)) = d.split_first_chunk::<8>() else {
        return Probe::No;
    };
    let Some((eth, payload)) = frame.split_first_chunk::<14>() else {
        return Probe::No;
    };
    if h[0] & 0x08 == 0 || h[7] != 0 {
        return Probe::No;
    }
    after_ethernet(TunnelKind::Vxlan, u16::from_be_bytes([eth[12], eth[13]]), payload)
}

/// Geneve: 8-byte header plus options, the protocol as an ethertype.
pub(crate) fn geneve(d: &[u8]) -> Probe<'_> {
    let Some(h) = d.first_chunk::<8>() else {
        return Probe::No;
    };
    let opt_len = usize::from(h[0] & 0x3f) * 4;
    let hl = 8 + opt_len;
    if d.len() < hl || h[0] >> 6 != 0 || h[1] & 0x3f != 0 || h[7] != 0 {
        return Probe::No;
    }
    // The options' own lengths must add up to the header's option length.
    let mut off = 8usize;
    while off < hl {
        let Some(&olen) = d.get(off + 3) else {
            return Probe::No;
        };
        off += 4 + usize::from(olen & 0x1f) * 4;
    }
    if off != hl {
        return Probe::No;
    }
    let Some(payload) = d.get(hl..) else {
        return Probe::No;
    };
    match u16::from_be_bytes([h[2], h[3]]) {
        ETH_BRIDGE => open(TunnelKind::Geneve, Inner::Ethernet(payload), payload.len()),
        ETH_ARP => empty(TunnelKind::Geneve),
        ETH_IPV4 => open(TunnelKind::Geneve, Inner::Ipv4(payload), payload.len()),
        ETH_IPV6 => open(TunnelKind::Geneve, Inner::Ipv6(payload), payload.len()),
        _ => Probe::Empty {
            kind: TunnelKind::Geneve,
            invalid: true,
        }, // GENEVE_UNKNOWN_PAYLOAD_TYPE
    }
}

/// Teredo: an optional origin indication, then a whole IPv6 packet (Suricata's heuristics).
pub(crate) fn teredo(d: &[u8]) -> Probe<'_> {
    if d.len() < 40 {
        return Probe::No;
    }
    let start = match d.first_chunk::<2>() {
        Some(&[0, 0]) => {
            if d.len() < 8 + 40 {
                return Probe::No;
            }
            8
        }
        // Authentication indication (00 01) or garbage: not a tunnelled packet.
        Some(&[0, _]) => return Probe::No,
        _ => 0,
    };
    let Some(ip6) = d.get(start..) else {
        return Probe::No;
    };
    let Some(h) = ip6.first_chunk::<8>() else {
        return Probe::No;
    };
    let plen = usize::from(u16::from_be_bytes([h[4], h[5]]));
    if h[0] >> 4 != 6 || h[7] == 0 || (h[6] == 0 && plen < 8) || ip6.len() != 40 + plen {
        return Probe::No;
    }
    open(TunnelKind::Teredo, Inner::Ipv6(ip6), ip6.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        let p = TunnelPorts::from_slice(&[0, 8472, 4789, 1, 2, 3]);
        assert_eq!(p, TunnelPorts([8472, 4789, 1, 2]));
        assert!(p.has_either(5, 4789) && p.has_either(8472, 5) && !p.has_either(5, 6));
        assert!(!TunnelPorts::ANY.has_either(0, 0));
        assert!(TunnelPorts::ANY.is_any() && !p.is_any());
        let o = TunnelOptions::SURICATA;
        assert!(o.teredo_on(3544, 1) && o.teredo_on(1, 3544) && !o.teredo_on(1, 2));
        let any = TunnelOptions {
            teredo_ports: TunnelPorts::ANY,
            ..o
        };
        assert!(any.teredo_on(1, 2));
        assert!(!TunnelOptions::NONE.teredo_on(3544, 3544));
        assert_eq!(TunnelOptions::default(), TunnelOptions::SURICATA);
        let all = TunnelOptions::ALL;
        assert_eq!((all.ipv4_in_ipv4, all.erspan_type3, all.gre), (true, true, true));
    }

    #[test]
    fn gre_header_lengths_and_flags() {
        let o = TunnelOptions::SURICATA;
        let ip = [0x45u8, 0, 0, 20];
        // Key + sequence: 12-byte header.
        let mut g = vec![0x30, 0, 0x08, 0x00, 0, 0, 0, 1, 0, 0, 0, 2];
        g.extend_from_slice(&ip);
        assert_eq!(gre(&g, &o), open(TunnelKind::Gre, Inner::Ipv4(&ip), 4));
        // Checksum flag: +4.
        let mut g = vec![0x80, 0, 0x86, 0xdd, 0, 0, 0, 0];
        g.extend_from_slice(&ip);
        assert_eq!(gre(&g, &o), open(TunnelKind::Gre, Inner::Ipv6(&ip), 4));
        // Routing: checksum/offset, one 6-byte SRE, then the null SRE.
        let mut g = vec![0x40, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 2, 9, 9, 0, 0, 0, 0];
        g.extend_from_slice(&ip);
        assert_eq!(gre(&g, &o), open(TunnelKind::Gre, Inner::Ipv4(&ip), 4));
        // An SRE running past the end, a missing null SRE.
        let bad = Probe::Empty {
            kind: TunnelKind::Gre,
            invalid: true,
        };
        assert_eq!(gre(&[0x40, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0, 200], &o), bad);
        assert_eq!(gre(&[0x40, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0, 0], &o), bad);
        // Too small, recursion bits, v1 flags on v0, version 2, header past the end.
        assert_eq!(gre(&[0, 0, 8], &o), bad);
        assert_eq!(gre(&[0x01, 0, 8, 0], &o), bad);
        assert_eq!(gre(&[0, 0x08, 8, 0], &o), bad);
        assert_eq!(gre(&[0, 2, 8, 0], &o), bad);
        assert_eq!(gre(&[0x30, 0, 8, 0, 0, 0, 0, 1], &o), bad);
        // Unknown protocol: GRE without an inner packet, not invalid.
        assert_eq!(gre(&[0, 0, 0x12, 0x34, 1], &o), empty(TunnelKind::Gre));
        // ERSPAN off; ERSPAN III only when enabled.
        let no_erspan = TunnelOptions { erspan: false, ..o };
        assert_eq!(gre(&[0, 0, 0x88, 0xbe, 1], &no_erspan), empty(TunnelKind::Gre));
        assert_eq!(gre(&[0, 0, 0x22, 0xeb, 1], &o), empty(TunnelKind::Gre));
    }

    #[test]
    fn pptp_gre_v1() {
        let o = TunnelOptions::SURICATA;
        // Key + sequence + ack, payload length 5.
        let g = [
            0x30, 0x81, 0x88, 0x0b, 0, 5, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0x03, 0, 0x21, 0x45,
        ];
        let ppp = &g[16..];
        assert_eq!(gre(&g, &o), open(TunnelKind::Pptp, Inner::Ppp(ppp), 5));
        // Zero payload length (an ack-only packet): nothing inside.
        let g = [0x20, 0x81, 0x88, 0x0b, 0, 0, 0, 7, 0, 0, 0, 2];
        assert_eq!(gre(&g, &o), empty(TunnelKind::Pptp));
        let bad = Probe::Empty {
            kind: TunnelKind::Gre,
            invalid: true,
        };
        // No key, wrong protocol, checksum flag, header past the end.
        assert_eq!(gre(&[0x00, 0x01, 0x88, 0x0b, 0, 0, 0, 0], &o), bad);
        assert_eq!(gre(&[0x20, 0x01, 0x08, 0x00, 0, 0, 0, 0], &o), bad);
        assert_eq!(gre(&[0xa0, 0x01, 0x88, 0x0b, 0, 0, 0, 0], &o), bad);
        assert_eq!(gre(&[0x30, 0x01, 0x88, 0x0b, 0, 1, 0, 0], &o), bad);
    }

    #[test]
    fn erspan_headers() {
        let eth = [0xaau8; 14];
        let mut e2 = vec![0x10, 0x17, 0, 1, 0, 0, 0, 0];
        e2.extend_from_slice(&eth);
        let want = Probe::Open(Encap {
            kind: TunnelKind::ErspanII,
            inner: Inner::Ethernet(&eth),
            len: 22,
            vlan: Some(23),
        });
        assert_eq!(erspan2(&e2), want);
        e2[0] = 0x20; // version 2 is type III's
        assert_eq!(erspan2(&e2), empty(TunnelKind::ErspanII));
        assert_eq!(erspan2(&[0x10, 0, 0]), empty(TunnelKind::ErspanII));
        // Type III, frame type 2 (IP), O flag: 8 more bytes.
        let mut e3 = vec![0x20, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x01];
        e3.extend_from_slice(&[0; 8]);
        e3.extend_from_slice(&[0x45, 0]);
        let want = Probe::Open(Encap {
            kind: TunnelKind::ErspanIII,
            inner: Inner::Ip(&[0x45, 0]),
            len: 22,
            vlan: Some(5),
        });
        assert_eq!(erspan3(&e3), want);
        e3[10] = 0x0c; // frame type 3
        assert_eq!(erspan3(&e3), empty(TunnelKind::ErspanIII));
        assert_eq!(erspan3(&e3[..11]), empty(TunnelKind::ErspanIII));
    }

    #[test]
    fn vxlan_and_geneve_headers() {
        let mut v = vec![0x08, 0, 0, 0, 0, 0, 100, 0];
        v.extend_from_slice(&[0; 12]);
        v.extend_from_slice(&[0x08, 0x00, 0x45]);
        assert_eq!(vxlan(&v), open(TunnelKind::Vxlan, Inner::Ipv4(&[0x45]), 1));
        v[20] = 0x81;
        assert_eq!(
            vxlan(&v),
            open(TunnelKind::Vxlan, Inner::Ethertype(0x8100, &[0x45]), 1)
        );
        v[20..22].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(vxlan(&v), empty(TunnelKind::Vxlan));
        v[20..22].copy_from_slice(&[0x12, 0x34]);
        assert_eq!(
            vxlan(&v),
            Probe::Empty {
                kind: TunnelKind::Vxlan,
                invalid: true
            }
        );
        v[0] = 0; // I flag clear
        assert_eq!(vxlan(&v), Probe::No);
        v[0] = 0x08;
        v[7] = 1; // reserved byte
        assert_eq!(vxlan(&v), Probe::No);
        assert_eq!(vxlan(&v[..21]), Probe::No);

        // Geneve with two options (8 + 4 bytes), Ethernet inside.
        let mut g = vec![0x03, 0, 0x65, 0x58, 0, 0, 1, 0];
        g.extend_from_slice(&[0, 1, 2, 1, 0, 0, 0, 0]);
        g.extend_from_slice(&[0, 1, 3, 0]);
        g.extend_from_slice(&[7; 14]);
        assert_eq!(
            geneve(&g),
            open(TunnelKind::Geneve, Inner::Ethernet(&[7; 14]), 14)
        );
        g[11] = 3; // option lengths no longer add up
        assert_eq!(geneve(&g), Probe::No);
        g[11] = 1;
        g[0] = 0x43; // version 1
        assert_eq!(geneve(&g), Probe::No);
        g[0] = 0x03;
        g[1] = 0x01; // reserved flag bit
        assert_eq!(geneve(&g), Probe::No);
        g[1] = 0;
        assert_eq!(geneve(&g[..19]), Probe::No);
        g[2..4].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(geneve(&g), empty(TunnelKind::Geneve));
        g[2..4].copy_from_slice(&[0x12, 0x34]);
        assert_eq!(
            geneve(&g),
            Probe::Empty {
                kind: TunnelKind::Geneve,
                invalid: true
            }
        );
    }

    #[test]
    fn teredo_heuristics() {
        let mut ip6 = vec![0x60, 0, 0, 0, 0, 4, 17, 64];
        ip6.extend_from_slice(&[0; 32]);
        ip6.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(teredo(&ip6), open(TunnelKind::Teredo, Inner::Ipv6(&ip6), 44));
        let mut oi = vec![0, 0, 1, 2, 3, 4, 5, 6];
        oi.extend_from_slice(&ip6);
        assert_eq!(teredo(&oi), open(TunnelKind::Teredo, Inner::Ipv6(&ip6), 44));
        // Authentication indication, short origin indication, trailing byte, hop limit 0,
        // hop-by-hop with too little data, IPv4.
        assert_eq!(teredo(&oi[..47]), Probe::No);
        oi[1] = 1;
        assert_eq!(teredo(&oi), Probe::No);
        let mut t = ip6.clone();
        t.push(0);
        assert_eq!(teredo(&t), Probe::No);
        let mut t = ip6.clone();
        t[7] = 0;
        assert_eq!(teredo(&t), Probe::No);
        let mut t = ip6.clone();
        t[6] = 0;
        assert_eq!(teredo(&t), Probe::No);
        let mut t = ip6.clone();
        t[0] = 0x45;
        assert_eq!(teredo(&t), Probe::No);
        assert_eq!(teredo(&ip6[..39]), Probe::No);
    }
}
