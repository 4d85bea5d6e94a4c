//! IPv4/IPv6 fragment reassembly with a memory cap, a tracker cap and timeouts.
//!
//! Fragments are grouped by (source, destination, identification, protocol); VLAN ids are not
//! part of the key. For IPv6 the protocol is the fragment header's next header.
//!
//! **Overlap policy: BSD** (Suricata's default `bsd` policy). Where fragments overlap, the
//! fragment with the lower offset supplies the bytes; between two fragments at the same offset
//! the one that arrived first wins. So a later fragment never rewrites the start of data already
//! held at or before its own offset, but it does replace the start of a fragment that begins
//! after it. A fragment wholly covered by one already held (at the same or a lower offset) is
//! dropped and counted as an overlap; zero-length fragments are ignored (as Suricata does).
//!
//! The datagram is complete when the fragment at offset 0 and a last fragment (M flag clear)
//! are held and the bytes in between are covered; the end is that of the lowest-offset last
//! fragment, and data past it is ignored. The rebuilt datagram is:
//! - IPv4: the offset-0 fragment's header (options included) with the M flag and fragment
//!   offset cleared (DF kept), total length and header checksum fixed, then the payload;
//! - IPv6: the offset-0 fragment's unfragmentable part (IPv6 header and the extension headers
//!   before the fragment header) with the fragment header removed, the preceding next-header
//!   field set to the fragment header's next header and the payload length fixed, then the
//!   payload.
//!
//! Bounds: `memcap` counts fragment bytes plus a fixed overhead per fragment and per datagram;
//! when a fragment would exceed it, the oldest incomplete datagrams are dropped
//! (`memcap_drops`). At most `max_trackers` datagrams are tracked; a new one beyond that evicts
//! the oldest (`tracker_drops`). A datagram is dropped `timeout_us` after its first fragment
//! (`timeouts`), checked on every insert and by [`Defrag::expire`]. A datagram of more than
//! [`MAX_FRAGMENTS`] fragments, or one that would exceed 65535 bytes, is dropped (`invalid`).

use std::collections::VecDeque;
use std::net::IpAddr;

use hashbrown::HashMap;

use crate::{Packet, Timestamp};

/// Most fragments one datagram may have before it is dropped as invalid.
pub const MAX_FRAGMENTS: usize = 1024;
/// Bytes charged against the memcap per held fragment, beyond its data.
const FRAG_OVERHEAD: usize = 64;
/// Bytes charged against the memcap per datagram in reassembly, beyond its header copy.
const TRACKER_OVERHEAD: usize = 192;
/// Largest IP datagram (IPv4 total length; IPv6 payload length).
const MAX_DATAGRAM: usize = 65535;

#[derive(Debug, Clone, Copy)]
pub struct DefragConfig {
    /// Upper bound on bytes held in incomplete datagrams; beyond it the oldest are dropped.
    pub memcap: usize,
    /// An incomplete datagram older than this (microseconds) is dropped.
    pub timeout_us: i64,
    /// At most this many datagrams in reassembly at once.
    pub max_trackers: usize,
}

impl Default for DefragConfig {
    fn default() -> Self {
        DefragConfig {
            memcap: 32 << 20,
            timeout_us: 60_000_000,
            max_trackers: 65_535,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DefragStats {
    /// Fragments handed to [`Defrag::insert`].
    pub fragments: u64,
    /// Datagrams rebuilt.
    pub reassembled: u64,
    /// Incomplete datagrams dropped by the timeout.
    pub timeouts: u64,
    /// Incomplete datagrams (or single fragments too big to fit) dropped by the memcap.
    pub memcap_drops: u64,
    /// Fragments that overlapped data already held.
    pub overlaps: u64,
    /// Fragments or datagrams rejected as malformed (too long, too many pieces, bad headers).
    pub invalid: u64,
    /// Incomplete datagrams evicted because `max_trackers` was reached.
    pub tracker_drops: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    proto: u8,
}

struct Piece {
    offset: u32,
    data: Vec<u8>,
}

impl Piece {
    fn end(&self) -> u32 {
        self.offset.saturating_add(self.data.len() as u32)
    }
}

struct Tracker {
    first_seen: Timestamp,
    generation: u64,
    /// Sorted by offset; at equal offsets, in arrival order.
    pieces: Vec<Piece>,
    /// IPv4 header / IPv6 unfragmentable part of the first offset-0 fragment (empty until then).
    header: Vec<u8>,
    /// IPv6: index in `header` of the next-header byte that named the fragment header.
    v6_nh_pos: usize,
    /// IPv6: the fragment header's next header.
    v6_next_header: u8,
    is_v6: bool,
    /// Offset and end of the lowest-offset fragment with the M flag clear.
    last: Option<(u32, u32)>,
    /// Bytes charged against the memcap.
    mem: usize,
}

/// Fragment reassembler. Feed it every packet whose `frag` is `Some`.
#[derive(Default)]
pub struct Defrag {
    pub stats: DefragStats,
    cfg: DefragConfig,
    trackers: HashMap<Key, Tracker>,
    /// Trackers in creation order (lazy deletion: entries whose generation no longer matches
    /// a live tracker are skipped and compacted away).
    order: VecDeque<(Timestamp, Key, u64)>,
    mem: usize,
    next_generation: u64,
}

/// What a fragment contributes, extracted from its decoded packet.
struct FragParts<'a> {
    key: Key,
    offset: u32,
    more: bool,
    data: &'a [u8],
    /// For offset-0 fragments: the header to keep, and (IPv6) the next-header field position.
    header: &'a [u8],
    v6_nh_pos: usize,
    v6_next_header: u8,
    is_v6: bool,
}

impl Defrag {
    pub fn new(cfg: DefragConfig) -> Self {
        Defrag {
            cfg,
            ..Defrag::default()
        }
    }

    /// Datagrams currently in reassembly.
    pub fn trackers(&self) -> usize {
        self.trackers.len()
    }

    /// Bytes currently charged against the memcap.
    pub fn memuse(&self) -> usize {
        self.mem
    }

    /// Adds a fragment; returns the whole rebuilt datagram (IP header with fragment fields cleared
    /// and lengths fixed, then the payload) once every piece has arrived. Decode it with
    /// [`crate::decode_ip`].
    pub fn insert(&mut self, ts: Timestamp, pkt: &Packet<'_>) -> Option<Vec<u8>> {
        self.stats.fragments += 1;
        self.expire(ts);
        let Some(f) = frag_parts(pkt) else {
            self.stats.invalid += 1;
            return None;
        };
        if f.data.is_empty() {
            return None;
        }
        let end = f.offset as usize + f.data.len();
        let limit = if f.is_v6 { MAX_DATAGRAM } else { MAX_DATAGRAM - 20 };
        if end > limit {
            self.stats.invalid += 1;
            return None;
        }

        // An existing tracker past its timeout (timestamps out of order) starts over.
        if let Some(t) = self.trackers.get(&f.key) {
            if ts.0.saturating_sub(t.first_seen.0) > self.cfg.timeout_us {
                self.remove(&f.key);
                self.stats.timeouts += 1;
            }
        }

        let header_cost = if f.offset == 0 { f.header.len() } else { 0 };
        let frag_cost = f.data.len() + FRAG_OVERHEAD + header_cost;
        if frag_cost + TRACKER_OVERHEAD > self.cfg.memcap {
            self.stats.memcap_drops += 1;
            return None;
        }
        loop {
            let tracker_cost = if self.trackers.contains_key(&f.key) {
                0
            } else {
                TRACKER_OVERHEAD
            };
            if self.mem + frag_cost + tracker_cost <= self.cfg.memcap || !self.evict_oldest() {
                break;
            }
            self.stats.memcap_drops += 1;
        }
        if !self.trackers.contains_key(&f.key) {
            if self.cfg.max_trackers == 0 {
                self.stats.tracker_drops += 1;
                return None;
            }
            while self.trackers.len() >= self.cfg.max_trackers {
                if !self.evict_oldest() {
                    break;
                }
                self.stats.tracker_drops += 1;
            }
            let generation = self.next_generation;
            self.next_generation += 1;
            self.trackers.insert(
                f.key,
                Tracker {
                    first_seen: ts,
                    generation,
                    pieces: Vec::new(),
                    header: Vec::new(),
                    v6_nh_pos: 0,
                    v6_next_header: 0,
                    is_v6: f.is_v6,
                    last: None,
                    mem: TRACKER_OVERHEAD,
                },
            );
            self.mem += TRACKER_OVERHEAD;
            self.order.push_back((ts, f.key, generation));
            self.compact_order();
        }
        let t = self.trackers.get_mut(&f.key)?;

        // Overlap accounting and the BSD rule's one early drop: a fragment wholly covered by
        // one held at the same or a lower offset contributes nothing.
        let end = end as u32;
        let mut overlap = false;
        let mut covered = false;
        for p in &t.pieces {
            if p.offset >= end {
                break;
            }
            if f.offset < p.end() {
                overlap = true;
                covered |= p.offset <= f.offset && p.end() >= end;
            }
        }
        if overlap {
            self.stats.overlaps += 1;
        }
        if covered {
            return None;
        }
        if t.pieces.len() >= MAX_FRAGMENTS {
            self.stats.invalid += 1;
            self.remove(&f.key);
            return None;
        }
        if f.offset == 0 && t.header.is_empty() {
            t.header.extend_from_slice(f.header);
            t.v6_nh_pos = f.v6_nh_pos;
            t.v6_next_header = f.v6_next_header;
            t.mem += f.header.len();
            self.mem += f.header.len();
        }
        if !f.more && t.last.is_none_or(|(off, _)| f.offset < off) {
            t.last = Some((f.offset, end));
        }
        let pos = t.pieces.partition_point(|p| p.offset <= f.offset);
        t.pieces.insert(
            pos,
            Piece {
                offset: f.offset,
                data: f.data.to_vec(),
            },
        );
        t.mem += f.data.len() + FRAG_OVERHEAD;
        self.mem += f.data.len() + FRAG_OVERHEAD;

        let total = complete_len(t)?;
        let out = rebuild(t, total);
        self.remove(&f.key);
        match out {
            Some(d) => {
                self.stats.reassembled += 1;
                Some(d)
            }
            None => {
                self.stats.invalid += 1;
                None
            }
        }
    }

    /// Drops incomplete datagrams older than the timeout.
    pub fn expire(&mut self, now: Timestamp) {
        while let Some(&(ts, key, generation)) = self.order.front() {
            let live = self
                .trackers
                .get(&key)
                .is_some_and(|t| t.generation == generation);
            if live {
                if now.0.saturating_sub(ts.0) <= self.cfg.timeout_us {
                    break;
                }
                self.remove(&key);
                self.stats.timeouts += 1;
            }
            self.order.pop_front();
        }
    }

    /// Removes the oldest live tracker; false when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((_, key, generation)) = self.order.pop_front() {
            if self
                .trackers
                .get(&key)
                .is_some_and(|t| t.generation == generation)
            {
                self.remove(&key);
                return true;
            }
        }
        false
    }

    fn remove(&mut self, key: &Key) {
        if let Some(t) = self.trackers.remove(key) {
            self.mem = self.mem.saturating_sub(t.mem);
        }
    }

    /// Keeps the creation-order queue within a constant factor of the live trackers.
    fn compact_order(&mut self) {
        if self.order.len() > 2 * self.trackers.len() + 1024 {
            let trackers = &self.trackers;
            self.order
                .retain(|(_, k, g)| trackers.get(k).is_some_and(|t| t.generation == *g));
        }
    }
}

/// Extracts key, offset and data of a fragment; `None` when the packet is not a well-formed
/// fragment as the decoder produces them.
fn frag_parts<'a>(pkt: &Packet<'a>) -> Option<FragParts<'a>> {
    let frag = pkt.frag?;
    let key = Key {
        src: pkt.ip.src,
        dst: pkt.ip.dst,
        id: frag.id,
        proto: pkt.ip.proto,
    };
    let hl = usize::from(pkt.ip.header_len);
    let header = pkt.l3.get(..hl)?;
    let data = pkt.l3.get(hl..)?;
    if pkt.ip.src.is_ipv4() {
        return Some(FragParts {
            key,
            offset: frag.offset,
            more: frag.more,
            data,
            header,
            v6_nh_pos: 0,
            v6_next_header: 0,
            is_v6: false,
        });
    }
    // IPv6: header_len ends with the 8-byte fragment header.
    let fh_off = hl.checked_sub(8).filter(|&o| o >= 40)?;
    let unfrag = header.get(..fh_off)?;
    let next_header = *header.get(fh_off)?;
    // Find the next-header field that names the fragment header.
    let mut pos = 6usize;
    let mut off = 40usize;
    while off < fh_off {
        let nh = *unfrag.get(pos)?;
        let hlen = usize::from(*unfrag.get(off + 1)?);
        let len = match nh {
            51 => (hlen + 2) * 4,
            0 | 43 | 60 => (hlen + 1) * 8,
            _ => return None,
        };
        pos = off;
        off += len;
    }
    if off != fh_off || *unfrag.get(pos)? != 44 {
        return None;
    }
    Some(FragParts {
        key,
        offset: frag.offset,
        more: frag.more,
        data,
        header: unfrag,
        v6_nh_pos: pos,
        v6_next_header: next_header,
        is_v6: true,
    })
}

/// The payload length when the datagram is complete (first and last held, no hole).
fn complete_len(t: &Tracker) -> Option<u32> {
    let (_, total) = t.last?;
    if t.header.is_empty() {
        return None;
    }
    let mut filled = 0u32;
    for p in &t.pieces {
        if filled >= total {
            break;
        }
        if p.offset > filled {
            return None;
        }
        filled = filled.max(p.end());
    }
    (filled >= total).then_some(total)
}

/// Builds the datagram: header fixed up, then the payload with lower offsets winning overlaps.
fn rebuild(t: &Tracker, total: u32) -> Option<Vec<u8>> {
    let total = total as usize;
    let len = t.header.len() + total;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&t.header);
    let mut filled = 0usize;
    for p in &t.pieces {
        if filled >= total {
            break;
        }
        let start = p.offset as usize;
        let end = (start + p.data.len()).min(total);
        if end > filled {
            out.extend_from_slice(p.data.get(filled.checked_sub(start)?..end - start)?);
            filled = end;
        }
    }
    if filled != total {
        return None;
    }
    if t.is_v6 {
        let plen = u16::try_from(len - 40).ok()?;
        *out.get_mut(t.v6_nh_pos)? = t.v6_next_header;
        out.get_mut(4..6)?.copy_from_slice(&plen.to_be_bytes());
    } else {
        let tl = u16::try_from(len).ok()?;
        let hl = t.header.len();
        out.get_mut(2..4)?.copy_from_slice(&tl.to_be_bytes());
        // Keep the reserved and DF bits; clear M and the offset.
        *out.get_mut(6)? &= 0xc0;
        *out.get_mut(7)? = 0;
        out.get_mut(10..12)?.copy_from_slice(&[0, 0]);
        let c = crate::checksum::checksum(out.get(..hl)?);
        out.get_mut(10..12)?.copy_from_slice(&c.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::{decode_ip, DecodeOptions, DecodeStats, L4};

    const A: [u8; 4] = [10, 0, 0, 1];
    const B: [u8; 4] = [10, 0, 0, 2];

    /// An IPv4 fragment of protocol `proto` carrying `data` at byte `offset`.
    fn frag4(proto: u8, id: u16, offset: u16, more: bool, data: &[u8]) -> Vec<u8> {
        let ff = (offset / 8) | if more { 0x2000 } else { 0 };
        ipv4_opts(proto, A, B, id, ff, &[], data)
    }

    fn feed(d: &mut Defrag, ts: i64, datagram: &[u8]) -> Option<Vec<u8>> {
        let mut st = DecodeStats::default();
        let p = decode_ip(datagram, &DecodeOptions::default(), &mut st).unwrap();
        assert!(p.is_fragment());
        d.insert(Timestamp(ts), &p)
    }

    fn udp_datagram() -> (Vec<u8>, Vec<u8>) {
        let payload: Vec<u8> = (0..40u8).collect();
        let mut u = udp(1111, 2222, &payload);
        fix_l4_checksum(&mut u, 6, &addrs4(A, B), 17);
        let whole = ipv4_opts(17, A, B, 77, 0, &[], &u);
        (u, whole)
    }

    #[test]
    fn in_order_rebuilds_exact_datagram() {
        let (u, whole) = udp_datagram();
        let mut d = Defrag::default();
        assert_eq!(feed(&mut d, 1, &frag4(17, 77, 0, true, &u[..16])), None);
        assert_eq!(feed(&mut d, 2, &frag4(17, 77, 16, true, &u[16..32])), None);
        let out = feed(&mut d, 3, &frag4(17, 77, 32, false, &u[32..])).unwrap();
        assert_eq!(out, whole);
        let mut st = DecodeStats::default();
        let p = decode_ip(&out, &DecodeOptions::default(), &mut st).unwrap();
        assert!(p.frag.is_none() && p.ip.checksum_ok);
        assert!(matches!(p.l4, L4::Udp(u) if u.checksum_ok && u.src_port == 1111));
        assert_eq!(p.payload.len(), 40);
        assert_eq!(
            d.stats,
            DefragStats {
                fragments: 3,
                reassembled: 1,
                ..DefragStats::default()
            }
        );
        assert_eq!((d.trackers(), d.memuse()), (0, 0));
    }

    #[test]
    fn out_of_order_and_duplicate() {
        let (u, whole) = udp_datagram();
        let mut d = Defrag::default();
        assert_eq!(feed(&mut d, 1, &frag4(17, 77, 32, false, &u[32..])), None);
        assert_eq!(feed(&mut d, 2, &frag4(17, 77, 16, true, &u[16..32])), None);
        assert_eq!(feed(&mut d, 3, &frag4(17, 77, 16, true, &u[16..32])), None);
        assert_eq!(feed(&mut d, 4, &frag4(17, 77, 0, true, &u[..16])).unwrap(), whole);
        assert_eq!(
            (d.stats.fragments, d.stats.overlaps, d.stats.reassembled),
            (4, 1, 1)
        );
    }

    #[test]
    fn overlaps_follow_bsd_policy() {
        let mut d = Defrag::default();
        // Old at 16..32 'C' (last); new at 8..24 'D' starts before it and wins 16..24.
        feed(&mut d, 1, &frag4(253, 5, 16, false, &[b'C'; 16]));
        feed(&mut d, 2, &frag4(253, 5, 8, true, &[b'D'; 16]));
        // New at 8..16 'X' starts where 'D' starts: the first arrival keeps it (covered, dropped).
        feed(&mut d, 3, &frag4(253, 5, 8, true, &[b'X'; 8]));
        // First piece 0..16 'E' overlaps 'D' at 8..16 and, lower offset, wins there.
        let out = feed(&mut d, 4, &frag4(253, 5, 0, true, &[b'E'; 16])).unwrap();
        let mut want = vec![b'E'; 16];
        want.extend_from_slice(&[b'D'; 8]);
        want.extend_from_slice(&[b'C'; 8]);
        assert_eq!(&out[20..], &want[..]);
        assert_eq!(u16::from_be_bytes([out[2], out[3]]), 52);
        assert_eq!(d.stats.overlaps, 3);
        assert_eq!(d.stats.reassembled, 1);
        // Old at 0..16 'A', new at 8..24 'B' (last): old wins 8..16.
        feed(&mut d, 5, &frag4(253, 6, 0, true, &[b'A'; 16]));
        let out = feed(&mut d, 6, &frag4(253, 6, 8, false, &[b'B'; 16])).unwrap();
        let mut want = vec![b'A'; 16];
        want.extend_from_slice(&[b'B'; 8]);
        assert_eq!(&out[20..], &want[..]);
    }

    #[test]
    fn missing_piece_expires() {
        let (u, _) = udp_datagram();
        let mut d = Defrag::new(DefragConfig {
            timeout_us: 1_000_000,
            ..DefragConfig::default()
        });
        feed(&mut d, 0, &frag4(17, 77, 0, true, &u[..16]));
        feed(&mut d, 10, &frag4(17, 77, 32, false, &u[32..]));
        assert_eq!(d.trackers(), 1);
        assert!(d.memuse() > 0);
        d.expire(Timestamp(1_000_000));
        assert_eq!(d.trackers(), 1);
        d.expire(Timestamp(1_000_001));
        assert_eq!((d.trackers(), d.memuse(), d.stats.timeouts), (0, 0, 1));
        // The late middle piece starts a new datagram that never completes.
        assert_eq!(
            feed(&mut d, 2_000_000, &frag4(17, 77, 16, true, &u[16..32])),
            None
        );
        assert_eq!(d.trackers(), 1);
    }

    #[test]
    fn memcap_drops_oldest_datagram() {
        let one = TRACKER_OVERHEAD + 20 + FRAG_OVERHEAD + 16;
        let mut d = Defrag::new(DefragConfig {
            memcap: one * 2,
            ..DefragConfig::default()
        });
        feed(&mut d, 1, &frag4(253, 1, 0, true, &[1; 16]));
        feed(&mut d, 2, &frag4(253, 2, 0, true, &[2; 16]));
        assert_eq!((d.trackers(), d.memuse()), (2, 2 * one));
        feed(&mut d, 3, &frag4(253, 3, 0, true, &[3; 16]));
        assert_eq!((d.trackers(), d.stats.memcap_drops), (2, 1));
        // Datagram 1 is gone: its last piece alone does not complete it.
        assert_eq!(feed(&mut d, 4, &frag4(253, 1, 16, false, &[1; 8])), None);
        // A fragment bigger than the whole memcap is dropped by itself.
        let mut small = Defrag::new(DefragConfig {
            memcap: 100,
            ..DefragConfig::default()
        });
        assert_eq!(feed(&mut small, 1, &frag4(253, 9, 0, true, &[0; 64])), None);
        assert_eq!((small.trackers(), small.stats.memcap_drops), (0, 1));
    }

    #[test]
    fn max_trackers_evicts_oldest() {
        let mut d = Defrag::new(DefragConfig {
            max_trackers: 2,
            ..DefragConfig::default()
        });
        for id in 1..=3 {
            feed(&mut d, i64::from(id), &frag4(253, id, 0, true, &[0; 8]));
        }
        assert_eq!((d.trackers(), d.stats.tracker_drops), (2, 1));
        assert_eq!(feed(&mut d, 5, &frag4(253, 1, 8, false, &[0; 8])), None);
        assert!(feed(&mut d, 6, &frag4(253, 3, 8, false, &[0; 8])).is_some());
    }

    #[test]
    fn invalid_fragments() {
        let mut d = Defrag::default();
        // Past 65535 bytes.
        assert_eq!(feed(&mut d, 1, &frag4(253, 1, 65528, false, &[0; 16])), None);
        assert_eq!(d.stats.invalid, 1);
        // A packet that is not a fragment.
        let whole = ipv4(253, A, B, b"x");
        let mut st = DecodeStats::default();
        let p = decode_ip(&whole, &DecodeOptions::default(), &mut st).unwrap();
        assert_eq!(d.insert(Timestamp(2), &p), None);
        assert_eq!((d.stats.invalid, d.stats.fragments), (2, 2));
        // Too many pieces.
        for i in 0..=MAX_FRAGMENTS as u16 {
            feed(&mut d, 3, &frag4(253, 2, 8 + i * 8, true, &[0; 8]));
        }
        assert_eq!((d.stats.invalid, d.trackers()), (3, 0));
    }

    #[test]
    fn ipv6_with_unfragmentable_header() {
        let (s, dst) = (v6(1), v6(2));
        let payload: Vec<u8> = (0..30u8).collect();
        let mut u = udp(53, 5353, &payload);
        fix_l4_checksum(&mut u, 6, &addrs6(s, dst), 17);
        // Hop-by-hop (next: fragment) + fragment header; rebuilt: hop-by-hop (next: UDP).
        let hbh = |next: u8| vec![next, 0, 1, 4, 0, 0, 0, 0];
        let frag = |off: u16, more: bool, data: &[u8]| {
            let mut ext = hbh(44);
            ext.extend_from_slice(&[17, 0]);
            ext.extend_from_slice(&(off | u16::from(more)).to_be_bytes());
            ext.extend_from_slice(&0x0102_0304u32.to_be_bytes());
            ipv6(0, s, dst, &ext, data)
        };
        let mut d = Defrag::default();
        assert_eq!(feed(&mut d, 1, &frag(24, false, &u[24..])), None);
        let out = feed(&mut d, 2, &frag(0, true, &u[..24])).unwrap();
        assert_eq!(out, ipv6(0, s, dst, &hbh(17), &u));
        let mut st = DecodeStats::default();
        let p = decode_ip(&out, &DecodeOptions::default(), &mut st).unwrap();
        assert!(matches!(p.l4, L4::Udp(u) if u.checksum_ok && u.dst_port == 5353));
        assert_eq!(p.payload, &payload[..]);
        // Without extension headers before the fragment header.
        let plain = |off: u16, more: bool, data: &[u8]| {
            let mut ext = vec![17, 0];
            ext.extend_from_slice(&(off | u16::from(more)).to_be_bytes());
            ext.extend_from_slice(&9u32.to_be_bytes());
            ipv6(44, s, dst, &ext, data)
        };
        assert_eq!(feed(&mut d, 3, &plain(0, true, &u[..16])), None);
        let out = feed(&mut d, 4, &plain(16, false, &u[16..])).unwrap();
        assert_eq!(out, ipv6(17, s, dst, &[], &u));
        assert_eq!(d.stats.reassembled, 2);
    }
}
