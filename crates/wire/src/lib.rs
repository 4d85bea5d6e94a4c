//! `wire`: decoding of captured frames into typed, borrowed views, and IP defragmentation.
//!
//! The lowest crate of the pipeline. It owns the shared vocabulary every later stage uses:
//! [`Timestamp`], [`LinkType`], and the decoded packet [`Packet`] whose slices borrow the
//! capture buffer. Decoding never panics: a malformed frame is a [`DecodeError`] and an
//! anomaly counted in [`DecodeStats`]. Tunnels (GRE, ERSPAN, VXLAN, Geneve, Teredo, IP-in-IP)
//! are opened and the innermost packet returned, its [`Packet::tunnel`] telling how it was
//! carried; [`decode_with`] also hands over each carrier.

pub mod checksum;
mod decode;
mod defrag;
mod events;
mod tunnel;

pub use decode::*;
pub use defrag::{Defrag, DefragConfig, DefragStats, MAX_FRAGMENTS};
pub use events::{DecodeEvent, DecodeEvents};
pub use tunnel::{Tunnel, TunnelKind, TunnelOptions, TunnelPorts, TunnelRoot, MAX_TUNNEL_DEPTH};

#[cfg(test)]
mod decap_tests;
#[cfg(test)]
mod event_tests;
#[cfg(test)]
mod testutil;

/// Packet time, microseconds since the Unix epoch (the resolution of EVE timestamps).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_parts(secs: i64, micros: i64) -> Self {
        Timestamp(secs.saturating_mul(1_000_000).saturating_add(micros))
    }
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }
    pub fn subsec_micros(self) -> u32 {
        self.0.rem_euclid(1_000_000) as u32
    }
}

/// Link-layer framing of a capture (libpcap DLT / LINKTYPE values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// LINKTYPE_NULL (0) / LINKTYPE_LOOP (108): 4-byte address family header, host or network order.
    Null,
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// LINKTYPE_RAW (101) and DLT_RAW (12 / 14): raw IPv4 or IPv6, told apart by the version nibble.
    Raw,
    /// LINKTYPE_IPV4 (228).
    Ipv4,
    /// LINKTYPE_IPV6 (229).
    Ipv6,
    /// LINKTYPE_LINUX_SLL (113).
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276).
    LinuxSll2,
}

impl LinkType {
    /// Maps a pcap/pcapng link type number; `None` for a type we cannot decode.
    pub fn from_dlt(dlt: u32) -> Option<LinkType> {
        Some(match dlt {
            0 | 108 => LinkType::Null,
            1 => LinkType::Ethernet,
            12 | 14 | 101 => LinkType::Raw,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            _ => return None,
        })
    }
}
