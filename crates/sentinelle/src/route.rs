//! Which worker gets a packet, in `workers` mode.
//!
//! Every packet of a flow must reach the same worker, and so must flows that share state: an FTP
//! control connection and the data connections it announces (the app layer's expectations are
//! per worker). The router therefore hashes the direction-free flow key (5-tuple + VLAN, ICMP
//! errors keyed like the flow they quote) for spread across cores, except for FTP: it watches the
//! control connections (TCP port 21) for `227`/`229` replies and `PORT`/`EPRT` commands, remembers
//! the announced (address, port) for a while, and sends the control connection and any
//! connection to an announced endpoint to the worker of their address pair. Fragments never
//! reach it: the reader reassembles them first. Tunnelled packets go by their outermost addresses, so a
//! carrier's flow and the flows inside it stay on one worker.

use std::net::{IpAddr, Ipv4Addr};

use wire::{Packet, Timestamp, L4};

/// Announced data endpoints are forgotten after this long (packet time).
const PIN_TTL_US: i64 = 60_000_000;
/// At most this many announced endpoints are remembered (oldest forgotten first).
const MAX_PINS: usize = 4096;

pub struct Router {
    workers: u64,
    use_vlan: bool,
    /// Announced FTP data endpoints: (address, port, announced at).
    pins: std::collections::VecDeque<(IpAddr, u16, i64)>,
    pub pinned_flows: u64,
}

impl Router {
    pub fn new(workers: usize, use_vlan: bool) -> Router {
        Router {
            workers: workers.max(1) as u64,
            use_vlan,
            pins: Default::default(),
            pinned_flows: 0,
        }
    }

    /// The worker for a (defragmented) packet.
    pub fn pick(&mut self, ts: Timestamp, p: &Packet<'_>) -> usize {
        let vlan = if self.use_vlan && p.vlan_count > 0 {
            p.vlan[0]
        } else {
            0
        };
        if let Some(t) = &p.tunnel {
            // The carrier may have a flow of its own: keep a tunnel's packets together.
            return (flow::worker_hash(t.root.src, t.root.dst, 0) % self.workers) as usize;
        }
        if let L4::Tcp(t) = &p.l4 {
            if t.src_port == 21 || t.dst_port == 21 {
                self.watch_ftp(ts, p, t.src_port == 21);
                return self.by_pair(p, vlan);
            }
            if !self.pins.is_empty() && self.is_pinned(ts, p, t.src_port, t.dst_port) {
                self.pinned_flows += 1;
                return self.by_pair(p, vlan);
            }
        }
        let key = flow::FlowKey::of(p, self.use_vlan);
        (hash_key(&key) % self.workers) as usize
    }

    fn by_pair(&self, p: &Packet<'_>, vlan: u16) -> usize {
        (flow::worker_hash(p.ip.src, p.ip.dst, vlan) % self.workers) as usize
    }

    fn is_pinned(&mut self, ts: Timestamp, p: &Packet<'_>, sport: u16, dport: u16) -> bool {
        while self
            .pins
            .front()
            .is_some_and(|&(_, _, at)| ts.0 - at > PIN_TTL_US)
        {
            self.pins.pop_front();
        }
        self.pins
            .iter()
            .any(|&(ip, port, _)| (ip == p.ip.dst && port == dport) || (ip == p.ip.src && port == sport))
    }

    /// Notes data endpoints announced on an FTP control connection.
    fn watch_ftp(&mut self, ts: Timestamp, p: &Packet<'_>, from_server: bool) {
        let line = p.payload;
        let announced = if from_server {
            if line.starts_with(b"227") {
                parse_pasv(line).map(|port| (p.ip.src, port))
            } else if line.starts_with(b"229") {
                parse_epsv(line).map(|port| (p.ip.src, port))
            } else {
                None
            }
        } else if line.len() > 5 && line[..5].eq_ignore_ascii_case(b"PORT ") {
            parse_port(&line[5..]).map(|(ip, port)| (IpAddr::V4(ip), port))
        } else if line.len() > 5 && line[..5].eq_ignore_ascii_case(b"EPRT ") {
            parse_eprt(&line[5..])
        } else {
            None
        };
        if let Some((ip, port)) = announced {
            if self.pins.len() >= MAX_PINS {
                self.pins.pop_front();
            }
            self.pins.push_back((ip, port, ts.0));
        }
    }
}

/// A hash of a normalized flow key (the same for both directions).
fn hash_key(k: &flow::FlowKey) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

fn numbers(s: &[u8]) -> Vec<u32> {
    let mut v = Vec::new();
    let mut cur: Option<u32> = None;
    for &b in s.iter().take(256) {
        if b.is_ascii_digit() {
            cur = Some(
                cur.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u32::from(b - b'0')),
            );
        } else if let Some(n) = cur.take() {
            v.push(n);
        }
    }
    v.extend(cur);
    v
}

/// `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` → port.
fn parse_pasv(line: &[u8]) -> Option<u16> {
    let open = line.iter().position(|&b| b == b'(')?;
    let n = numbers(line.get(open..)?);
    let (p1, p2) = (*n.get(4)?, *n.get(5)?);
    port(p1, p2)
}

/// `229 Entering Extended Passive Mode (|||port|)` → port.
fn parse_epsv(line: &[u8]) -> Option<u16> {
    let open = line.iter().position(|&b| b == b'(')?;
    let n = numbers(line.get(open..)?);
    u16::try_from(*n.first()?).ok().filter(|&p| p != 0)
}

/// `h1,h2,h3,h4,p1,p2` → (address, port).
fn parse_port(args: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let n = numbers(args);
    if n.len() < 6 || n[..4].iter().any(|&x| x > 255) {
        return None;
    }
    let ip = Ipv4Addr::new(n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8);
    Some((ip, port(n[4], n[5])?))
}

/// `|1|192.0.2.1|6446|` or `|2|2001:db8::1|6446|` → (address, port).
fn parse_eprt(args: &[u8]) -> Option<(IpAddr, u16)> {
    let text = std::str::from_utf8(args.get(..args.len().min(128))?).ok()?;
    let delim = text.chars().next()?;
    let mut parts = text.trim_end().split(delim).skip(1);
    let _family = parts.next()?;
    let ip: IpAddr = parts.next()?.parse().ok()?;
    let port: u16 = parts.next()?.parse().ok()?;
    Some((ip, port))
}

fn port(p1: u32, p2: u32) -> Option<u16> {
    if p1 > 255 || p2 > 255 {
        return None;
    }
    Some((p1 * 256 + p2) as u16).filter(|&p| p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ftp_announcements() {
        assert_eq!(
            parse_pasv(b"227 Entering Passive Mode (198,51,100,20,156,187).\r\n"),
            Some(40123)
        );
        assert_eq!(
            parse_epsv(b"229 Entering Extended Passive Mode (|||40155|)\r\n"),
            Some(40155)
        );
        assert_eq!(
            parse_port(b"192,168,77,10,19,137\r\n"),
            Some((Ipv4Addr::new(192, 168, 77, 10), 5001))
        );
        assert_eq!(
            parse_eprt(b"|2|2001:db8::1|6446|\r\n"),
            Some(("2001:db8::1".parse().unwrap(), 6446))
        );
        assert_eq!(parse_pasv(b"227 garbage"), None);
        assert_eq!(parse_port(b"300,1,1,1,1,1"), None);
        assert_eq!(parse_eprt(b""), None);
    }
}
