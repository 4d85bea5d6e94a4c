//! `flow`: the bidirectional flow table and TCP stream reassembly.
//!
//! A [`FlowTable`] maps packets to [`Flow`]s, keeps per-direction counters, expires flows by
//! per-state timeouts and evicts under its memory cap. A TCP flow carries a [`TcpSession`] that
//! tracks the handshake and reassembles each direction, delivering in-order [`Chunk`]s of data
//! and explicit gaps, so a protocol parser never silently loses sync. By default (Suricata's IDS
//! mode, [`TcpConfig::ack_gated`]) a direction's data is delivered once the other side has
//! acknowledged it.
//!
//! Semantics follow Suricata 7 (`flow-hash.c`, `flow.c`, `stream-tcp.c`): see [`key`] for what
//! makes a flow, [`table`] for directions, counters, timeouts and eviction, [`tcp`] for the TCP
//! state machine and [`tcp::stream`] for the reassembly policy.

pub mod key;
pub mod table;
pub mod tcp;

use std::net::IpAddr;
use wire::{Packet, Timestamp};

pub use table::FlowTable;
pub use tcp::stream::Stream as TcpStream;
pub use tcp::TcpSession;

/// Which way a packet travels within its flow. The client is the side that opened the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    ToServer = 0,
    ToClient = 1,
}

impl Direction {
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn reverse(self) -> Direction {
        match self {
            Direction::ToServer => Direction::ToClient,
            Direction::ToClient => Direction::ToServer,
        }
    }
}

/// Normalized (direction-free) flow key: both packets of a conversation map to the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub addrs: [IpAddr; 2],
    pub ports: [u16; 2],
    pub proto: u8,
    /// Outer VLAN id (0 when untagged or when VLANs are not used for tracking).
    pub vlan: u16,
    /// Inner VLAN id (QinQ), 0 when none.
    pub vlan_inner: u16,
}

impl FlowKey {
    /// The key of a packet (ICMPv4 destination unreachable maps to the flow of the packet it
    /// quotes; see [`key`]).
    pub fn of(pkt: &Packet<'_>, use_vlan: bool) -> FlowKey {
        key::key_of(pkt, use_vlan).0
    }
}

/// Hash of the unordered address pair (and VLAN): the same for both directions of a flow, for all
/// fragments of a datagram and for an FTP control connection and its data connections. Workers
/// are chosen by it.
pub fn worker_hash(src: IpAddr, dst: IpAddr, vlan: u16) -> u64 {
    key::pair_hash(src, dst, vlan)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    New,
    Established,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Timeout,
    /// Evicted to stay under the memory cap or flow count cap.
    Forced,
    /// Still open at the end of the capture / at shutdown.
    Shutdown,
}

#[derive(Debug, Clone)]
pub struct TcpConfig {
    /// Pick up sessions whose handshake we did not see (`stream.midstream`).
    pub midstream: bool,
    /// Bytes reassembled per direction before we stop (`stream.reassembly.depth`, 0 = unlimited).
    pub depth: u64,
    /// Bytes held per flow direction (out-of-order data; in IDS mode also data waiting for its
    /// ACK) before we deliver early / declare a gap.
    pub max_ooo_bytes: usize,
    /// Upper bound on all buffered segment bytes of one table.
    pub memcap: usize,
    /// Treat a missing SYN/ACK as established when the client ACKs (`stream.async-oneside`).
    pub async_oneside: bool,
    /// IDS mode, Suricata's default (`stream.inline: no`): a direction's data reaches the app
    /// layer only once the other side has acknowledged it, in one chunk per ACK however many
    /// segments it came in; see [`tcp::stream`] and [`TcpSession::flush_dir`]. `false`:
    /// in-order data is delivered as soon as it arrives (no copy).
    pub ack_gated: bool,
    /// What to do with urgent (URG) data (`stream.reassembly.urgent.policy`).
    pub urgent_policy: UrgentPolicy,
    /// With [`UrgentPolicy::Oob`], what to do once 65535 bytes of one direction were taken out
    /// of band (`stream.reassembly.urgent.oob-limit-policy`: inline, drop or gap).
    pub urgent_oob_limit_policy: UrgentPolicy,
}

/// Suricata's handling of TCP urgent data (`enum TcpStreamUrgentHandling`). Only the last
/// byte of a segment whose urgent pointer falls inside its payload is urgent (RFC 6093, 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrgentPolicy {
    /// Urgent data is ordinary stream data (the default).
    #[default]
    Inline,
    /// Inline (IPS) mode: a segment with the URG flag is dropped, the stream never sees it.
    /// In IDS mode this is the same as `Inline`.
    Drop,
    /// The urgent byte is taken out of the stream; the following data closes up behind it.
    Oob,
    /// The urgent byte is left out, leaving a one-byte gap in the stream.
    Gap,
}

impl UrgentPolicy {
    /// Parses the setting value (`inline`, `drop`, `oob`, `gap`).
    pub fn from_name(s: &str) -> Option<UrgentPolicy> {
        match s {
            "inline" => Some(UrgentPolicy::Inline),
            "drop" => Some(UrgentPolicy::Drop),
            "oob" => Some(UrgentPolicy::Oob),
            "gap" => Some(UrgentPolicy::Gap),
            _ => None,
        }
    }
}

impl Default for TcpConfig {
    fn default() -> Self {
        TcpConfig {
            midstream: false,
            depth: 1 << 20,
            max_ooo_bytes: 1 << 20,
            memcap: 256 << 20,
            async_oneside: false,
            ack_gated: true,
            urgent_policy: UrgentPolicy::Inline,
            urgent_oob_limit_policy: UrgentPolicy::Inline,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FlowConfig {
    /// Timeouts in microseconds by state: new, established, closed (Suricata's defaults per protocol).
    pub tcp_timeouts: [i64; 3],
    pub udp_timeouts: [i64; 3],
    pub other_timeouts: [i64; 3],
    /// Most flows held at once; the least recently seen is evicted beyond it.
    pub max_flows: usize,
    pub use_vlan: bool,
    pub tcp: TcpConfig,
}

impl Default for FlowConfig {
    fn default() -> Self {
        const S: i64 = 1_000_000;
        FlowConfig {
            tcp_timeouts: [60 * S, 3600 * S, 120 * S],
            udp_timeouts: [30 * S, 300 * S, 30 * S],
            other_timeouts: [30 * S, 300 * S, 30 * S],
            max_flows: 1 << 20,
            use_vlan: true,
            tcp: TcpConfig::default(),
        }
    }
}

/// A piece of one direction's reassembled stream, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'a> {
    Data(&'a [u8]),
    /// `len` bytes are missing here and will never arrive (the receiver moved past them).
    Gap(u32),
}

/// TCP connection state (Suricata's names, as logged in `tcp.state`; see [`TcpState::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TcpState {
    None,
    SynSent,
    SynRecv,
    Established,
    FinWait1,
    FinWait2,
    TimeWait,
    LastAck,
    CloseWait,
    Closing,
    Closed,
}

/// One flow. `S` is the state a later stage keeps per flow (the app layer's).
#[derive(Debug)]
pub struct Flow<S> {
    /// Suricata-style flow id (positive, < 2^53, stable for the flow's life).
    pub id: u64,
    pub key: FlowKey,
    /// The client: source of the first packet (or of the SYN when midstream picks up a SYN/ACK).
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub proto: u8,
    pub vlan: [u16; 2],
    pub vlan_count: u8,
    pub start: Timestamp,
    pub last: Timestamp,
    pub pkts: [u64; 2],
    pub bytes: [u64; 2],
    pub state: FlowState,
    /// ICMP type/code seen to server and to client (first packet each way), for flow logs.
    pub icmp: [Option<(u8, u8)>; 2],
    /// The TCP session, once a packet that may start one was seen (a SYN; with midstream, any
    /// ACK). `None` for a TCP flow means Suricata would log `tcp_flags` "00" and no state.
    pub tcp: Option<TcpSession>,
    pub app: S,
    /// Each direction has seen a packet that counts for the flow state (ICMP errors do not).
    seen: [bool; 2],
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FlowStats {
    pub created: u64,
    pub timed_out: u64,
    pub evicted: u64,
    pub active: u64,
    pub tcp_sessions: u64,
    pub tcp_gaps: u64,
    pub tcp_reassembly_memcap_drops: u64,
    /// IDS mode: data delivered before its ACK because a direction held `max_ooo_bytes`.
    pub tcp_unacked_forced: u64,
    /// A SYN reused the tuple of a finished TCP session: the old flow ended (reason timeout).
    pub tcp_reuse: u64,
    /// ICMP error packets that matched no flow (they never create one).
    pub icmp_error_no_flow: u64,
}
