//! `xbits`: named bits kept per host (`track ip_src` / `ip_dst`, Suricata's host bits) or per
//! IP pair (`track ip_pair`, either order), each with an expiry (`expire N` seconds, default
//! 30), as Suricata 7's `detect-xbits.c`, `host-bit.c` and `ippair-bit.c` do: `set` adds an
//! absent bit (a present one, even expired, keeps its time), `toggle` removes a present bit or
//! adds it, `unset` removes it; `isset` is true for a bit whose expiry is not before the packet's
//! second (an expired bit is removed when checked), `isnotset` the opposite. A host or pair
//! whose bits all expired is freed with them at each new second of packet time, as Suricata's
//! host and IP-pair timeout pass does when its flow manager keeps up. The bits are shared by
//! every flow, so the table lives in the engine behind a mutex taken only by rules that use
//! them, and is bounded ([`MAX_XBITS`]).

use super::bits::BitNames;
use super::{CompileError, Compiled};
use hashbrown::HashMap;
use rules::{BitCmd, BitTrack, Xbits};
use std::net::IpAddr;

/// Most bits held (hosts and pairs together).
pub const MAX_XBITS: usize = 65_536;
/// Suricata's `DETECT_XBITS_EXPIRE_DEFAULT` (seconds).
pub const EXPIRE_DEFAULT: u32 = 30;

/// Whose bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XTrack {
    Src,
    Dst,
    Pair,
}

/// `xbits:isset` / `isnotset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XbitCond {
    pub name: u32,
    pub track: XTrack,
    pub isset: bool,
}

/// What a matching rule does to a bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XOp {
    Set,
    Unset,
    Toggle,
}

/// `xbits:set` / `unset` / `toggle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XbitPost {
    pub name: u32,
    pub track: XTrack,
    pub op: XOp,
    pub expire: u32,
}

pub fn compile(x: &Xbits, names: &mut BitNames, c: &mut Compiled) -> Result<(), CompileError> {
    let track = match x.track {
        BitTrack::IpSrc => XTrack::Src,
        BitTrack::IpDst => XTrack::Dst,
        BitTrack::IpPair => XTrack::Pair,
        BitTrack::Both => return Err(CompileError::new("xbits", "track 'both' is not an xbits track")),
    };
    // Host bits and pair bits are separate stores; the name space is shared.
    let name = names.id(&format!("\0xbit:{}", x.name));
    let expire = x.expire.unwrap_or(EXPIRE_DEFAULT);
    let op = match x.cmd {
        BitCmd::IsSet | BitCmd::IsNotSet => {
            c.xbit_conds.push(XbitCond {
                name,
                track,
                isset: x.cmd == BitCmd::IsSet,
            });
            return Ok(());
        }
        BitCmd::Set => XOp::Set,
        BitCmd::Unset => XOp::Unset,
        BitCmd::Toggle => XOp::Toggle,
        BitCmd::NoAlert => return Err(CompileError::new("xbits", "xbits has no noalert command")),
    };
    c.xbit_posts.push(XbitPost {
        name,
        track,
        op,
        expire,
    });
    Ok(())
}

/// Whose bits: one host, or one pair of hosts (lower address first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Host(IpAddr),
    Pair(IpAddr, IpAddr),
}

fn owner(track: XTrack, src: IpAddr, dst: IpAddr) -> Owner {
    match track {
        XTrack::Src => Owner::Host(src),
        XTrack::Dst => Owner::Host(dst),
        XTrack::Pair => {
            let (a, b) = if src <= dst { (src, dst) } else { (dst, src) };
            Owner::Pair(a, b)
        }
    }
}

/// Packet time (microseconds) → Suricata's `SCTIME_SECS`.
fn secs(ts_us: i64) -> i64 {
    ts_us.div_euclid(1_000_000)
}

/// The bits of every host and pair: per owner, (name, expiry second).
#[derive(Debug, Default)]
pub struct XbitTable {
    owners: HashMap<Owner, Vec<(u32, i64)>>,
    count: usize,
    /// Last second the table was pruned.
    pruned: i64,
    /// Second of the previous access (the time the timeout pass sees).
    last: i64,
    /// Bits not added because the table was full of live bits.
    pub dropped: u64,
}

impl XbitTable {
    /// Bits held.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Suricata's host and IP-pair timeout pass (`HostTimeoutHash` / `IPPairTimeoutHash`, run
    /// by the flow manager once per second of packet time): an owner whose every bit has an
    /// expiry not after `now` is freed with its bits.
    fn prune(&mut self, now: i64) {
        // The pass runs beside detection: it sees a new second only after the packet that
        // brought it, so it judges by the previous access's second.
        let at = std::mem::replace(&mut self.last, now);
        if at <= self.pruned {
            return;
        }
        self.pruned = at;
        let now = at;
        let before = self.owners.len();
        self.owners.retain(|_, bits| bits.iter().any(|&(_, e)| e > now));
        if self.owners.len() != before {
            self.count = self.owners.values().map(Vec::len).sum();
        }
    }

    /// Whether the condition holds for a packet `src` → `dst` at `ts_us`.
    pub fn check(&mut self, c: &XbitCond, src: IpAddr, dst: IpAddr, ts_us: i64) -> bool {
        let now = secs(ts_us);
        self.prune(now);
        let o = owner(c.track, src, dst);
        let mut live = false;
        if let Some(bits) = self.owners.get_mut(&o) {
            if let Some(pos) = bits.iter().position(|&(n, _)| n == c.name) {
                if bits.get(pos).is_some_and(|&(_, e)| e < now) {
                    bits.swap_remove(pos);
                    self.count = self.count.saturating_sub(1);
                } else {
                    live = true;
                }
            }
        }
        live == c.isset
    }

    /// Applies a change for a packet `src` → `dst` at `ts_us`.
    pub fn apply(&mut self, p: &XbitPost, src: IpAddr, dst: IpAddr, ts_us: i64) {
        let now = secs(ts_us);
        self.prune(now);
        let o = owner(p.track, src, dst);
        let exp = now.saturating_add(i64::from(p.expire));
        let present = self
            .owners
            .get(&o)
            .and_then(|bits| bits.iter().position(|&(n, _)| n == p.name));
        match (p.op, present) {
            (XOp::Unset | XOp::Toggle, Some(pos)) => {
                if let Some(bits) = self.owners.get_mut(&o) {
                    bits.swap_remove(pos);
                    self.count = self.count.saturating_sub(1);
                }
            }
            (XOp::Unset, None) | (XOp::Set, Some(_)) => {}
            (XOp::Set | XOp::Toggle, None) => {
                if self.count >= MAX_XBITS {
                    self.dropped += 1;
                    return;
                }
                self.owners.entry(o).or_default().push((p.name, exp));
                self.count += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    fn post(track: XTrack, op: XOp, expire: u32) -> XbitPost {
        XbitPost {
            name: 1,
            track,
            op,
            expire,
        }
    }

    fn isset(track: XTrack) -> XbitCond {
        XbitCond {
            name: 1,
            track,
            isset: true,
        }
    }

    #[test]
    fn pair_bits_ignore_order_and_expire_after_their_second() {
        let mut t = XbitTable::default();
        t.apply(&post(XTrack::Pair, XOp::Set, 10), A, B, 5_000_000);
        assert!(t.check(&isset(XTrack::Pair), B, A, 14_900_000));
        // Second 16 > expiry 15: gone, and removed.
        assert!(!t.check(&isset(XTrack::Pair), A, B, 16_000_000));
        assert!(t.is_empty());
        let not = XbitCond {
            isset: false,
            ..isset(XTrack::Pair)
        };
        assert!(t.check(&not, A, B, 16_000_000));
    }

    #[test]
    fn host_bits_follow_the_tracked_address() {
        let mut t = XbitTable::default();
        t.apply(&post(XTrack::Src, XOp::Set, 30), A, B, 0);
        // The bit belongs to host A: ip_dst of a packet B -> A sees it.
        assert!(t.check(&isset(XTrack::Dst), B, A, 1_000_000));
        assert!(!t.check(&isset(XTrack::Src), B, A, 1_000_000));
        // set on a present bit keeps its expiry; toggle removes it.
        t.apply(&post(XTrack::Src, XOp::Set, 100), A, B, 20_000_000);
        assert!(!t.check(&isset(XTrack::Src), A, B, 31_000_000));
        t.apply(&post(XTrack::Src, XOp::Toggle, 5), A, B, 40_000_000);
        assert!(t.check(&isset(XTrack::Src), A, B, 44_000_000));
        t.apply(&post(XTrack::Src, XOp::Toggle, 5), A, B, 44_000_000);
        assert!(!t.check(&isset(XTrack::Src), A, B, 44_000_000));
        t.apply(&post(XTrack::Src, XOp::Set, 5), A, B, 45_000_000);
        t.apply(&post(XTrack::Src, XOp::Unset, 5), A, B, 45_000_000);
        assert!(t.is_empty());
    }

    #[test]
    fn table_is_bounded() {
        let mut t = XbitTable::default();
        for i in 0..(MAX_XBITS as u32 + 10) {
            let p = XbitPost {
                name: i,
                track: XTrack::Src,
                op: XOp::Set,
                expire: 60,
            };
            t.apply(&p, A, B, 0);
        }
        assert_eq!(t.len(), MAX_XBITS);
        assert_eq!(t.dropped, 10);
        // Once they expired, their host is freed by the timeout pass, which judges by the
        // second of the access before (here: 100, seen at 101).
        t.apply(&post(XTrack::Pair, XOp::Set, 1), A, B, 100_000_000);
        assert_eq!((t.len(), t.dropped), (MAX_XBITS, 11));
        t.apply(&post(XTrack::Pair, XOp::Set, 1), A, B, 101_000_000);
        assert_eq!(t.len(), 1);
    }
}
