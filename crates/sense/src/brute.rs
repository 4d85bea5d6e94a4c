//! Password brute-force detection for FTP, SSH and HTTP authentication.
//!
//! Attempts come from the protocol layer: FTP's clear-text dialogue (`USER`, `PASS`, then 230 or
//! 530), HTTP's 401/403 answers to requests carrying credentials, and for SSH, whose
//! authentication is encrypted, the inference [`SshAuth`] makes from packet sizes the way network
//! monitors such as Zeek do. Per (attacker, victim, service) a sliding window counts failures;
//! one alert when the count reaches the threshold, one when a login succeeds after failures (the
//! password was found), and a summary when the attacker goes quiet or the input ends.

use crate::finding::*;
use hashbrown::HashMap;
use std::net::IpAddr;
use wire::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Ftp,
    Ssh,
    HttpAuth,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Ftp => "ftp",
            Service::Ssh => "ssh",
            Service::HttpAuth => "http-auth",
        }
    }
    fn sid_base(self) -> u32 {
        match self {
            Service::Ftp => 9_200_101,
            Service::Ssh => 9_200_111,
            Service::HttpAuth => 9_200_121,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Service::Ftp => "FTP",
            Service::Ssh => "SSH",
            Service::HttpAuth => "HTTP authentication",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Failure,
    Success,
}

/// One authentication attempt and how it ended.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub ts: Timestamp,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub dport: u16,
    pub service: Service,
    pub user: Option<String>,
    pub outcome: Outcome,
    pub flow_id: u64,
}

#[derive(Debug, Clone)]
pub struct BruteConfig {
    pub enabled: bool,
    /// Failures within `window_us` that make a brute force.
    pub threshold: u32,
    pub window_us: i64,
    /// A key quiet for this long is summarized and forgotten.
    pub idle_us: i64,
    pub max_keys: usize,
    /// Distinct user names remembered per key.
    pub max_users: usize,
}

impl Default for BruteConfig {
    fn default() -> Self {
        BruteConfig {
            enabled: true,
            threshold: 10,
            window_us: 300_000_000,
            idle_us: 300_000_000,
            max_keys: 16_384,
            max_users: 16,
        }
    }
}

#[derive(Default)]
struct Key {
    first: Timestamp,
    last: Timestamp,
    dport: u16,
    /// Failure times inside the window (bounded by the threshold: older ones are dropped).
    recent: std::collections::VecDeque<i64>,
    failures: u64,
    successes: u64,
    users: Vec<String>,
    alerted: bool,
    success_reported: bool,
    flows: Vec<u64>,
    flow_count: u64,
    success_user: Option<String>,
}

pub struct BruteForce {
    pub cfg: BruteConfig,
    keys: HashMap<(IpAddr, IpAddr, Service), Key>,
    pub dropped_keys: u64,
}

impl BruteForce {
    pub fn new(cfg: BruteConfig) -> Self {
        BruteForce {
            cfg,
            keys: HashMap::new(),
            dropped_keys: 0,
        }
    }

    pub fn attempt(&mut self, a: &Attempt, out: &mut Vec<Finding>) {
        if !self.cfg.enabled {
            return;
        }
        let k = (a.src, a.dst, a.service);
        if !self.keys.contains_key(&k) && self.keys.len() >= self.cfg.max_keys {
            self.evict_oldest(out);
        }
        let cfg = &self.cfg;
        let e = self.keys.entry(k).or_default();
        if e.first.0 == 0 && e.last.0 == 0 {
            e.first = a.ts;
        }
        e.last = a.ts;
        e.dport = a.dport;
        if !e.flows.contains(&a.flow_id) {
            e.flow_count += 1;
            if e.flows.len() < 64 {
                e.flows.push(a.flow_id);
            }
        }
        if let Some(u) = a.user.as_deref() {
            if e.users.len() < cfg.max_users && !e.users.iter().any(|x| x == u) {
                e.users.push(u.chars().take(64).collect());
            }
        }
        match a.outcome {
            Outcome::Failure => {
                e.failures += 1;
                e.recent.push_back(a.ts.0);
                while e.recent.front().is_some_and(|&t| a.ts.0 - t > cfg.window_us) {
                    e.recent.pop_front();
                }
                while e.recent.len() > cfg.threshold as usize {
                    e.recent.pop_front();
                }
                if !e.alerted && e.recent.len() as u32 >= cfg.threshold {
                    e.alerted = true;
                    out.push(finding(
                        a,
                        e,
                        0,
                        format!(
                            "SENTINELLE BRUTEFORCE {} password guessing ({} failed logins)",
                            a.service.label(),
                            e.recent.len()
                        ),
                    ));
                }
            }
            Outcome::Success => {
                e.successes += 1;
                if e.success_user.is_none() {
                    e.success_user = a.user.clone();
                }
                if e.alerted && !e.success_reported {
                    e.success_reported = true;
                    out.push(finding(
                        a,
                        e,
                        1,
                        format!(
                            "SENTINELLE BRUTEFORCE {} login succeeded after {} failures",
                            a.service.label(),
                            e.failures
                        ),
                    ));
                }
            }
        }
    }

    /// Summarizes and forgets keys quiet for `idle_us`.
    pub fn expire(&mut self, now: Timestamp, out: &mut Vec<Finding>) {
        let idle = self.cfg.idle_us;
        self.keys.retain(|k, e| {
            if now.0 - e.last.0 <= idle {
                return true;
            }
            if e.alerted {
                out.push(summary(k, e));
            }
            false
        });
    }

    pub fn finish(&mut self, out: &mut Vec<Finding>) {
        let mut v: Vec<_> = self.keys.drain().filter(|(_, e)| e.alerted).collect();
        v.sort_by_key(|(k, _)| *k);
        for (k, e) in v {
            out.push(summary(&k, &e));
        }
    }

    fn evict_oldest(&mut self, out: &mut Vec<Finding>) {
        let mut lasts: Vec<(i64, (IpAddr, IpAddr, Service))> =
            self.keys.iter().map(|(k, e)| (e.last.0, *k)).collect();
        lasts.sort_unstable();
        for (_, k) in lasts.into_iter().take((self.cfg.max_keys / 8).max(1)) {
            if let Some(e) = self.keys.remove(&k) {
                self.dropped_keys += 1;
                if e.alerted {
                    out.push(summary(&k, &e));
                }
            }
        }
    }
}

fn finding(a: &Attempt, e: &Key, offset: u32, signature: String) -> Finding {
    let mut metadata = vec![
        ("detector", vec!["bruteforce".to_string()]),
        ("service", vec![a.service.name().to_string()]),
        ("failures", vec![e.failures.to_string()]),
        ("sessions", vec![e.flow_count.to_string()]),
    ];
    if !e.users.is_empty() {
        metadata.push(("users", e.users.clone()));
    }
    if offset == 1 {
        metadata.push(("outcome", vec!["success".to_string()]));
        if let Some(u) = &e.success_user {
            metadata.push(("success_user", vec![u.clone()]));
        }
    }
    Finding {
        ts: a.ts,
        sid: a.service.sid_base() + offset,
        rev: 1,
        signature,
        category: if offset == 1 { CAT_ADMIN } else { CAT_USER },
        severity: if offset == 1 { 1 } else { 2 },
        src: a.src,
        sport: None,
        dst: a.dst,
        dport: Some(a.dport),
        proto: 6,
        flow_id: Some(a.flow_id),
        metadata,
    }
}

fn summary(k: &(IpAddr, IpAddr, Service), e: &Key) -> Finding {
    let (src, dst, service) = *k;
    let mut metadata = vec![
        ("detector", vec!["bruteforce".to_string()]),
        ("service", vec![service.name().to_string()]),
        ("failures", vec![e.failures.to_string()]),
        ("successes", vec![e.successes.to_string()]),
        ("sessions", vec![e.flow_count.to_string()]),
        (
            "duration_s",
            vec![format!("{:.3}", (e.last.0 - e.first.0) as f64 / 1e6)],
        ),
        (
            "outcome",
            vec![if e.successes > 0 { "success" } else { "failure" }.to_string()],
        ),
    ];
    if !e.users.is_empty() {
        metadata.push(("users", e.users.clone()));
    }
    if let Some(u) = &e.success_user {
        metadata.push(("success_user", vec![u.clone()]));
    }
    Finding {
        ts: e.last,
        sid: service.sid_base() + 2,
        rev: 1,
        signature: format!(
            "SENTINELLE BRUTEFORCE {} summary: {} failures, {}",
            service.label(),
            e.failures,
            if e.successes > 0 {
                "login succeeded"
            } else {
                "no success"
            }
        ),
        category: CAT_USER,
        severity: if e.successes > 0 { 1 } else { 2 },
        src,
        sport: None,
        dst,
        dport: Some(e.dport),
        proto: 6,
        flow_id: None,
        metadata,
    }
}

/// Infers SSH authentication results from the sizes of encrypted packets, per flow.
///
/// Until both sides have sent `SSH_MSG_NEWKEYS` the transport is clear and we walk its binary
/// packets. After that, each client packet is a request and each server packet an answer: the
/// first pair is the `ssh-userauth` service request/accept, then each client request is an
/// authentication attempt. `USERAUTH_FAILURE` answers all have one size (they list the allowed
/// methods); `USERAUTH_SUCCESS` is a single byte of payload, so its packet is markedly smaller.
/// We learn the failure size from the answers and call an answer at least 16 bytes shorter a
/// success. After a success (or 64 packets) we stop looking.
#[derive(Debug, Default, Clone)]
pub struct SshAuth {
    newkeys: [bool; 2],
    enc_pkts: [u32; 2],
    fail_len: Option<usize>,
    pending: bool,
    done: bool,
    pub failures: u32,
    pub success: bool,
}

impl SshAuth {
    /// Feeds one TCP segment's payload (`to_server` tells the direction). Returns the outcome of
    /// an authentication attempt when this segment reveals one.
    pub fn segment(&mut self, to_server: bool, payload: &[u8]) -> Option<Outcome> {
        if self.done || payload.is_empty() {
            return None;
        }
        let d = usize::from(!to_server);
        if !self.newkeys[d] {
            if payload.starts_with(b"SSH-") {
                return None;
            }
            // Walk clear-text binary packets: u32 length, padding length, message type.
            let mut p = payload;
            while p.len() >= 6 {
                let len = u32::from_be_bytes([p[0], p[1], p[2], p[3]]) as usize;
                if p[5] == 21 {
                    self.newkeys[d] = true;
                    break;
                }
                match p.get(4 + len..) {
                    Some(rest) if len > 0 => p = rest,
                    _ => break,
                }
            }
            return None;
        }
        self.enc_pkts[d] = self.enc_pkts[d].saturating_add(1);
        if self.enc_pkts[0] + self.enc_pkts[1] > 64 {
            self.done = true;
            return None;
        }
        if to_server {
            // The first encrypted client packet is the service request.
            if self.enc_pkts[0] >= 2 {
                self.pending = true;
            }
            return None;
        }
        if self.enc_pkts[1] < 2 || !self.pending {
            return None;
        }
        self.pending = false;
        let len = payload.len();
        match self.fail_len {
            None => {
                self.fail_len = Some(len);
                self.failures += 1;
                Some(Outcome::Failure)
            }
            Some(f) if len == f => {
                self.failures += 1;
                Some(Outcome::Failure)
            }
            Some(f) if len + 16 <= f => {
                self.success = true;
                self.done = true;
                Some(Outcome::Success)
            }
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clear_pkt(msg: u8, len: usize) -> Vec<u8> {
        // u32 length, padding length, message type, then filler.
        let mut v = (len as u32 - 4).to_be_bytes().to_vec();
        v.push(4);
        v.push(msg);
        v.resize(len, 0);
        v
    }

    /// Replays one hydra session's segment sizes (from hydra-ssh.pcap): banners, KEXINIT,
    /// ECDH, NEWKEYS, then encrypted sizes; returns the outcomes seen.
    fn replay(tail: &[(bool, usize)]) -> (Vec<Outcome>, SshAuth) {
        let mut s = SshAuth::default();
        let mut out = Vec::new();
        let mut feed = |to_server: bool, p: &[u8], s: &mut SshAuth| {
            if let Some(o) = s.segment(to_server, p) {
                out.push(o);
            }
        };
        feed(true, b"SSH-2.0-libssh_0.10.6\r\n", &mut s);
        feed(false, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n", &mut s);
        feed(true, &clear_pkt(20, 904), &mut s);
        feed(false, &clear_pkt(20, 1112), &mut s);
        feed(true, &clear_pkt(30, 48), &mut s);
        // Server: ECDH reply and NEWKEYS in one segment.
        let mut both = clear_pkt(31, 508);
        both.extend(clear_pkt(21, 16));
        feed(false, &both, &mut s);
        feed(true, &clear_pkt(21, 16), &mut s);
        for &(to_server, n) in [(true, 44), (false, 44), (true, 68), (false, 52)]
            .iter()
            .chain(tail)
        {
            feed(to_server, &vec![0xAA; n], &mut s);
        }
        (out, s)
    }

    #[test]
    fn ssh_failed_session() {
        let (o, s) = replay(&[
            (true, 84),
            (false, 52),
            (true, 76),
            (false, 52),
            (true, 76),
            (false, 76),
        ]);
        assert_eq!(o, vec![Outcome::Failure, Outcome::Failure, Outcome::Failure]);
        assert!(!s.success);
        assert_eq!(s.failures, 3);
    }

    #[test]
    fn ssh_successful_session() {
        let (o, s) = replay(&[(true, 76), (false, 52), (true, 84), (false, 28)]);
        assert_eq!(o, vec![Outcome::Failure, Outcome::Failure, Outcome::Success]);
        assert!(s.success);
    }

    #[test]
    fn ssh_garbage_never_panics() {
        let mut s = SshAuth::default();
        for i in 0..200u32 {
            let v: Vec<u8> = (0..(i % 37)).map(|j| (j * 7 + i) as u8).collect();
            let _ = s.segment(i % 3 == 0, &v);
        }
    }

    fn attempt(t: i64, outcome: Outcome, user: &str) -> Attempt {
        Attempt {
            ts: Timestamp(t * 1_000_000),
            src: "203.0.113.66".parse().unwrap(),
            dst: "192.168.77.20".parse().unwrap(),
            dport: 21,
            service: Service::Ftp,
            user: Some(user.to_string()),
            outcome,
            flow_id: t as u64 / 5,
        }
    }

    #[test]
    fn one_alert_at_threshold_then_success_then_summary() {
        let mut b = BruteForce::new(BruteConfig::default());
        let mut out = Vec::new();
        for t in 0..43 {
            b.attempt(&attempt(t, Outcome::Failure, "alice"), &mut out);
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].sid, 9_200_101);
        assert_eq!(out[0].meta("failures").unwrap(), ["10"]);
        assert_eq!(out[0].meta("users").unwrap(), ["alice"]);
        b.attempt(&attempt(43, Outcome::Success, "alice"), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].sid, 9_200_102);
        assert_eq!(out[1].severity, 1);
        assert_eq!(out[1].meta("success_user").unwrap(), ["alice"]);
        b.finish(&mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(out[2].sid, 9_200_103);
        assert_eq!(out[2].meta("failures").unwrap(), ["43"]);
        assert_eq!(out[2].meta("outcome").unwrap(), ["success"]);
    }

    #[test]
    fn slow_failures_outside_the_window_do_not_trip() {
        let mut b = BruteForce::new(BruteConfig {
            window_us: 60_000_000,
            idle_us: 10_000_000_000,
            ..Default::default()
        });
        let mut out = Vec::new();
        for t in 0..30 {
            b.attempt(&attempt(t * 10, Outcome::Failure, "bob"), &mut out);
        }
        assert!(out.is_empty(), "{out:?}");
        b.finish(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_lone_success_is_not_an_alert() {
        let mut b = BruteForce::new(BruteConfig::default());
        let mut out = Vec::new();
        b.attempt(&attempt(1, Outcome::Failure, "carol"), &mut out);
        b.attempt(&attempt(2, Outcome::Success, "carol"), &mut out);
        b.finish(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn keys_are_capped() {
        let mut b = BruteForce::new(BruteConfig {
            max_keys: 16,
            ..Default::default()
        });
        let mut out = Vec::new();
        for i in 0..1000u32 {
            let src = std::net::IpAddr::from(std::net::Ipv4Addr::from(0xC633_6400 + i));
            let a = Attempt {
                src,
                ..attempt(i as i64, Outcome::Failure, "x")
            };
            b.attempt(&a, &mut out);
        }
        assert!(b.keys.len() <= 16);
        assert!(b.dropped_keys >= 984);
    }
}
