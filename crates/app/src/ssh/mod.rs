//! SSH: the version banners of both sides, the key exchange init (for HASSH), and the point
//! where encryption starts (NEWKEYS), after which nothing more is parsed.
//!
//! Mirrors Suricata 7.0.10's `rust/src/ssh`: one transaction per flow, logged once both sides
//! sent NEWKEYS or when the flow ends. The banner is the first line of each direction and must
//! start with `SSH-` (anything else ends parsing of that side). HASSH (MD5 over the client's or
//! server's kex, cipher, MAC and compression lists) is computed only when enabled.
//!
//! Inspection buffers: [`SshSide::proto_version`] (`ssh.proto`), [`SshSide::software_version`]
//! (`ssh.software`), [`Hassh::hash`] / [`Hassh::string`] (`ssh.hassh*`).

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use md5::{Digest, Md5};

/// Longest banner line kept (Suricata's `SSH_MAX_BANNER_LEN`).
pub const MAX_BANNER_LEN: usize = 256;
/// Largest KEXINIT record reassembled for HASSH (`SSH_MAX_REASSEMBLED_RECORD_LEN`).
pub const MAX_KEX_RECORD: usize = 65535;
const RECORD_HEADER_LEN: usize = 6;
const MSG_KEXINIT: u8 = 20;
const MSG_NEWKEYS: u8 = 21;

/// HASSH of one side.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Hassh {
    /// Lower-case hex MD5 of `string`.
    pub hash: String,
    pub string: String,
}

/// One side of the connection as logged by EVE (`ssh.client` / `ssh.server`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SshSide {
    pub proto_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub software_version: String,
    /// Text after the software version (not logged by Suricata 7).
    #[serde(skip)]
    pub comments: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hassh: Option<Hassh>,
}

/// EVE `ssh` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SshRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<SshSide>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<SshSide>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    #[default]
    Banner,
    /// Banner longer than the limit: skip to the end of its line.
    BannerWaitEol,
    Records,
    /// NEWKEYS seen: the rest is encrypted.
    Encrypted,
    /// Malformed: stop parsing this side.
    Error,
}

#[derive(Debug, Default)]
struct Side {
    phase: Phase,
    /// Partial banner line or partial record header / KEXINIT record.
    buf: Vec<u8>,
    /// Bytes of the current record still to skip.
    skip: u32,
    info: Option<SshSide>,
}

/// Per-flow SSH parser.
#[derive(Debug)]
pub struct SshParser {
    sides: [Side; 2],
    hassh: bool,
    logged: bool,
    /// Anomalies seen (invalid banner, long banner, invalid record, long kex record).
    pub events: u32,
}

impl SshParser {
    pub fn new(hassh: bool) -> Self {
        SshParser {
            sides: Default::default(),
            hassh,
            logged: false,
            events: 0,
        }
    }

    /// The record as it stands (what `ssh.*` keywords inspect).
    pub fn record(&self) -> SshRecord {
        SshRecord {
            client: self.sides[0].info.clone(),
            server: self.sides[1].info.clone(),
        }
    }

    fn side_data(&mut self, dir: Direction, mut data: &[u8]) {
        let hassh = self.hassh;
        let side = &mut self.sides[dir.index()];
        while !data.is_empty() {
            match side.phase {
                Phase::Encrypted | Phase::Error => return,
                Phase::Banner => {
                    let nl = memchr::memchr(b'\n', data);
                    let take = nl.map(|p| p + 1).unwrap_or(data.len());
                    let room = MAX_BANNER_LEN.saturating_sub(side.buf.len());
                    side.buf.extend_from_slice(&data[..take.min(room)]);
                    data = &data[take..];
                    if nl.is_none() {
                        if side.buf.len() >= MAX_BANNER_LEN {
                            // Long banner without end of line: keep what we have.
                            self.events += 1;
                            if !parse_banner(&side.buf, &mut side.info) {
                                side.phase = Phase::Error;
                                return;
                            }
                            side.buf.clear();
                            side.phase = Phase::BannerWaitEol;
                        }
                        continue;
                    }
                    let line = std::mem::take(&mut side.buf);
                    if !parse_banner(&line, &mut side.info) {
                        self.events += 1;
                        side.phase = Phase::Error;
                        return;
                    }
                    side.phase = Phase::Records;
                }
                Phase::BannerWaitEol => match memchr::memchr(b'\n', data) {
                    Some(p) => {
                        data = &data[p + 1..];
                        side.phase = Phase::Records;
                    }
                    None => return,
                },
                Phase::Records => {
                    if side.skip > 0 {
                        let n = (side.skip as usize).min(data.len());
                        side.skip -= n as u32;
                        data = &data[n..];
                        continue;
                    }
                    // Gather the header (and the whole record for a KEXINIT when HASSH is on).
                    let need_hdr = RECORD_HEADER_LEN.saturating_sub(side.buf.len());
                    if need_hdr > 0 {
                        let n = need_hdr.min(data.len());
                        side.buf.extend_from_slice(&data[..n]);
                        data = &data[n..];
                        if side.buf.len() < RECORD_HEADER_LEN {
                            return;
                        }
                    }
                    let pkt_len = u32::from_be_bytes([side.buf[0], side.buf[1], side.buf[2], side.buf[3]]);
                    let msg = side.buf[5];
                    if pkt_len < 2 {
                        self.events += 1;
                        side.phase = Phase::Error;
                        return;
                    }
                    let body = (pkt_len - 2) as usize;
                    if msg == MSG_NEWKEYS {
                        side.buf.clear();
                        side.phase = Phase::Encrypted;
                        return;
                    }
                    if msg == MSG_KEXINIT && hassh && side.info.as_ref().is_some_and(|i| i.hassh.is_none()) {
                        if body > MAX_KEX_RECORD {
                            self.events += 1;
                        } else {
                            let want = RECORD_HEADER_LEN + body;
                            let n = want.saturating_sub(side.buf.len()).min(data.len());
                            side.buf.extend_from_slice(&data[..n]);
                            data = &data[n..];
                            if side.buf.len() < want {
                                return;
                            }
                            let server = dir == Direction::ToClient;
                            if let Some(h) = kex_hassh(&side.buf[RECORD_HEADER_LEN..], server) {
                                if let Some(info) = side.info.as_mut() {
                                    info.hassh = Some(h);
                                }
                            }
                            side.buf.clear();
                            continue;
                        }
                    }
                    side.buf.clear();
                    side.skip = body as u32;
                }
            }
        }
    }

    fn emit(&mut self, cx: &mut Cx<'_>, dir: Direction) {
        if self.logged || (self.sides[0].info.is_none() && self.sides[1].info.is_none()) {
            return;
        }
        self.logged = true;
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir,
            tx_id: Some(0),
            record: Record::Ssh(Box::new(self.record())),
        });
    }
}

/// Parses `SSH-protoversion-softwareversion SP comments CR LF`.
fn parse_banner(line: &[u8], out: &mut Option<SshSide>) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(rest) = line.strip_prefix(b"SSH-") else {
        return false;
    };
    let Some(dash) = memchr::memchr(b'-', rest) else {
        return false;
    };
    if dash == 0 {
        return false;
    }
    let proto = &rest[..dash];
    let after = &rest[dash + 1..];
    let sw_end = after
        .iter()
        .position(|&c| c == b' ' || c == b'\r' || c == b'\n')
        .unwrap_or(after.len());
    let comments = after.get(sw_end + 1..).unwrap_or_default();
    *out = Some(SshSide {
        proto_version: String::from_utf8_lossy(proto).into_owned(),
        software_version: String::from_utf8_lossy(&after[..sw_end]).into_owned(),
        comments: String::from_utf8_lossy(comments).into_owned(),
        hassh: None,
    });
    true
}

/// HASSH of a KEXINIT payload (after the record header): kex;enc;mac;comp of the sender's
/// direction.
fn kex_hassh(payload: &[u8], server: bool) -> Option<Hassh> {
    let mut p = payload.get(16..)?; // cookie
    let mut lists: [&[u8]; 10] = [&[]; 10];
    for l in lists.iter_mut() {
        let len = u32::from_be_bytes(p.get(..4)?.try_into().ok()?) as usize;
        *l = p.get(4..4usize.checked_add(len)?)?;
        p = &p[4 + len..];
    }
    let (enc, mac, comp) = if server {
        (lists[3], lists[5], lists[7])
    } else {
        (lists[2], lists[4], lists[6])
    };
    let mut s = Vec::with_capacity(lists[0].len() + enc.len() + mac.len() + comp.len() + 3);
    for (i, part) in [lists[0], enc, mac, comp].iter().enumerate() {
        if i > 0 {
            s.push(b';');
        }
        s.extend_from_slice(part);
    }
    let digest = Md5::digest(&s);
    let hash = digest.iter().map(|b| format!("{b:02x}")).collect();
    Some(Hassh {
        hash,
        string: String::from_utf8_lossy(&s).into_owned(),
    })
}

impl Parser for SshParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        self.side_data(dir, data);
        if self.sides.iter().all(|s| s.phase == Phase::Encrypted) {
            self.emit(cx, dir);
        }
    }

    fn on_gap(&mut self, dir: Direction, _len: u32, _cx: &mut Cx<'_>) {
        let side = &mut self.sides[dir.index()];
        if side.phase != Phase::Encrypted {
            side.phase = Phase::Error;
        }
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.emit(cx, Direction::ToServer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_util::Harness;

    fn rec(pkt: &[u8], msg: u8) -> Vec<u8> {
        let mut v = ((pkt.len() + 2) as u32).to_be_bytes().to_vec();
        v.push(0);
        v.push(msg);
        v.extend_from_slice(pkt);
        v
    }

    fn kexinit(lists: [&str; 10]) -> Vec<u8> {
        let mut p = vec![0u8; 16];
        for l in lists {
            p.extend_from_slice(&(l.len() as u32).to_be_bytes());
            p.extend_from_slice(l.as_bytes());
        }
        p.push(0);
        p.extend_from_slice(&[0, 0, 0, 0]);
        rec(&p, MSG_KEXINIT)
    }

    fn session() -> (Vec<u8>, Vec<u8>) {
        let mut c = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n".to_vec();
        c.extend(kexinit([
            "curve25519-sha256",
            "ssh-ed25519",
            "aes128-ctr",
            "aes256-ctr",
            "hmac-sha2-256",
            "hmac-sha1",
            "none",
            "zlib",
            "",
            "",
        ]));
        c.extend(rec(&[], MSG_NEWKEYS));
        c.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
        let mut s = b"SSH-2.0-OpenSSH_9.2p1\r\n".to_vec();
        s.extend(kexinit([
            "curve25519-sha256",
            "ssh-ed25519",
            "aes128-ctr",
            "aes256-ctr",
            "hmac-sha2-256",
            "hmac-sha1",
            "none",
            "zlib",
            "",
            "",
        ]));
        s.extend(rec(&[], MSG_NEWKEYS));
        (c, s)
    }

    #[test]
    fn banners_and_newkeys_emit_once() {
        let (c, s) = session();
        let mut h = Harness::new();
        let mut p = SshParser::new(false);
        h.feed(&mut p, Direction::ToClient, &s);
        assert!(h.out.is_empty());
        h.feed(&mut p, Direction::ToServer, &c);
        assert_eq!(h.out.len(), 1);
        let Record::Ssh(r) = &h.out[0].record else {
            panic!()
        };
        let json = serde_json::to_string(&**r).unwrap();
        assert_eq!(
            json,
            r#"{"client":{"proto_version":"2.0","software_version":"OpenSSH_9.2p1"},"server":{"proto_version":"2.0","software_version":"OpenSSH_9.2p1"}}"#
        );
        assert_eq!(r.client.as_ref().unwrap().comments, "Debian-2+deb12u3");
        h.close(&mut p);
        assert_eq!(h.out.len(), 1);
    }

    #[test]
    fn hassh_when_enabled() {
        let (c, s) = session();
        let mut h = Harness::new();
        let mut p = SshParser::new(true);
        h.feed(&mut p, Direction::ToServer, &c);
        h.feed(&mut p, Direction::ToClient, &s);
        let Record::Ssh(r) = &h.out[0].record else {
            panic!()
        };
        let ch = r.client.as_ref().unwrap().hassh.as_ref().unwrap();
        assert_eq!(ch.string, "curve25519-sha256;aes128-ctr;hmac-sha2-256;none");
        let sh = r.server.as_ref().unwrap().hassh.as_ref().unwrap();
        assert_eq!(sh.string, "curve25519-sha256;aes256-ctr;hmac-sha1;zlib");
        let digest = Md5::digest(b"curve25519-sha256;aes128-ctr;hmac-sha2-256;none");
        assert_eq!(
            ch.hash,
            digest.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        assert_eq!(ch.hash.len(), 32);
    }

    #[test]
    fn split_at_every_byte() {
        let (c, s) = session();
        let mut whole = Harness::new();
        let mut p = SshParser::new(true);
        whole.feed(&mut p, Direction::ToServer, &c);
        whole.feed(&mut p, Direction::ToClient, &s);
        let Record::Ssh(expected) = &whole.out[0].record else {
            panic!()
        };
        for cut in 0..c.len().max(s.len()) {
            let mut h = Harness::new();
            let mut p = SshParser::new(true);
            let (c1, c2) = c.split_at(cut.min(c.len()));
            let (s1, s2) = s.split_at(cut.min(s.len()));
            h.feed(&mut p, Direction::ToServer, c1);
            h.feed(&mut p, Direction::ToClient, s1);
            h.feed(&mut p, Direction::ToServer, c2);
            h.feed(&mut p, Direction::ToClient, s2);
            assert_eq!(h.out.len(), 1, "cut {cut}");
            let Record::Ssh(r) = &h.out[0].record else {
                panic!()
            };
            assert_eq!(r, expected, "cut {cut}");
        }
    }

    #[test]
    fn server_only_logged_at_close() {
        let mut h = Harness::new();
        let mut p = SshParser::new(false);
        h.feed(&mut p, Direction::ToClient, b"SSH-2.0-OpenSSH_9.2p1\r\n");
        h.feed(&mut p, Direction::ToServer, b"\x00\x01garbage");
        assert!(h.out.is_empty());
        h.close(&mut p);
        let Record::Ssh(r) = &h.out[0].record else {
            panic!()
        };
        assert_eq!(
            serde_json::to_string(&**r).unwrap(),
            r#"{"server":{"proto_version":"2.0","software_version":"OpenSSH_9.2p1"}}"#
        );
    }

    #[test]
    fn malformed_inputs() {
        let mut h = Harness::new();
        let mut p = SshParser::new(true);
        h.feed(&mut p, Direction::ToServer, b"HELLO\r\n");
        h.feed(&mut p, Direction::ToClient, &[b'A'; 1000]);
        h.close(&mut p);
        assert!(h.out.is_empty());
        assert!(p.events >= 2);
        // truncated KEXINIT and bogus lengths never panic
        let mut p = SshParser::new(true);
        let mut d = b"SSH-1.99-Cisco-1.25\n".to_vec();
        d.extend_from_slice(&[0, 0, 0, 40, 4, 20, 1, 2, 3]);
        h.feed(&mut p, Direction::ToServer, &d);
        h.feed(&mut p, Direction::ToServer, &[0xff; 64]);
        assert_eq!(p.record().client.unwrap().proto_version, "1.99");
        assert_eq!(kex_hassh(&[0u8; 20], false), None);
    }
}
