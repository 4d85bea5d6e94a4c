//! `eve`: EVE JSON, Suricata's event schema, and the outputs that carry it.
//!
//! An event is one JSON object per line. [`LineBuf`] builds lines without intermediate values:
//! the common envelope (`timestamp`, `flow_id`, `event_type`, addresses, ...) is written by
//! [`LineBuf::begin`], each sub-object is serialized straight into the buffer by
//! [`Event::field`], and full buffers go to a shared [`Sink`] in large writes, so workers
//! never contend per event.

mod time;
pub use time::write_timestamp;

use serde::Serialize;
use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use wire::Timestamp;

/// Where finished lines go. Shared by all workers; written in large chunks.
pub struct Sink {
    out: Mutex<Box<dyn Write + Send>>,
}

impl Sink {
    pub fn new(w: Box<dyn Write + Send>) -> Arc<Sink> {
        Arc::new(Sink { out: Mutex::new(w) })
    }

    /// Opens (appending, as Suricata does) `path` for EVE output.
    pub fn file(path: &std::path::Path) -> std::io::Result<Arc<Sink>> {
        let f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Sink::new(Box::new(f)))
    }

    fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut g = self.out.lock().unwrap_or_else(|p| p.into_inner());
        g.write_all(bytes)
    }

    pub fn flush(&self) -> std::io::Result<()> {
        let mut g = self.out.lock().unwrap_or_else(|p| p.into_inner());
        g.flush()
    }
}

/// The envelope every event starts with.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub ts: Timestamp,
    pub flow_id: Option<u64>,
    pub parent_id: Option<u64>,
    pub pcap_cnt: Option<u64>,
    pub event_type: &'a str,
    /// VLAN ids of the flow, outermost first (written as `"vlan":[...]` when not empty).
    pub vlan: &'a [u16],
    /// Source address and, where the protocol has them, port.
    pub src: Option<(IpAddr, Option<u16>)>,
    pub dst: Option<(IpAddr, Option<u16>)>,
    /// IP protocol number; written as Suricata's name ("TCP", "UDP", "ICMP", "IPv6-ICMP", or the number).
    pub proto: Option<u8>,
    pub pkt_src: Option<&'a str>,
    pub tx_id: Option<u64>,
}

impl<'a> Envelope<'a> {
    pub fn new(ts: Timestamp, event_type: &'a str) -> Self {
        Envelope {
            ts,
            flow_id: None,
            parent_id: None,
            pcap_cnt: None,
            event_type,
            vlan: &[],
            src: None,
            dst: None,
            proto: None,
            pkt_src: None,
            tx_id: None,
        }
    }
}

/// Suricata's protocol name for an IP protocol number.
pub fn proto_name(p: u8) -> Option<&'static str> {
    Some(match p {
        1 => "ICMP",
        2 => "IGMP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "IPv6-ICMP",
        132 => "SCTP",
        _ => return None,
    })
}

/// A per-worker buffer of finished lines.
pub struct LineBuf {
    buf: Vec<u8>,
    sink: Arc<Sink>,
    /// Lines written so far.
    pub events: u64,
    /// First write error (kept so the run can report it; later events are still attempted).
    pub error: Option<std::io::Error>,
}

const FLUSH_AT: usize = 256 * 1024;

impl LineBuf {
    pub fn new(sink: Arc<Sink>) -> Self {
        LineBuf {
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            sink,
            events: 0,
            error: None,
        }
    }

    /// Starts an event line with its envelope. Add sub-objects with [`Event::field`]; the line is
    /// finished when the [`Event`] is dropped.
    pub fn begin(&mut self, env: &Envelope<'_>) -> Event<'_> {
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"timestamp\":\"");
        write_timestamp(b, env.ts);
        b.push(b'"');
        if let Some(id) = env.flow_id {
            b.extend_from_slice(b",\"flow_id\":");
            push_u64(b, id);
        }
        if let Some(id) = env.parent_id {
            b.extend_from_slice(b",\"parent_id\":");
            push_u64(b, id);
        }
        if let Some(n) = env.pcap_cnt {
            b.extend_from_slice(b",\"pcap_cnt\":");
            push_u64(b, n);
        }
        b.extend_from_slice(b",\"event_type\":");
        push_str(b, env.event_type);
        if !env.vlan.is_empty() {
            b.extend_from_slice(b",\"vlan\":[");
            for (i, v) in env.vlan.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                push_u64(b, *v as u64);
            }
            b.push(b']');
        }
        if let Some((ip, port)) = env.src {
            b.extend_from_slice(b",\"src_ip\":");
            push_ip(b, ip);
            if let Some(port) = port {
                b.extend_from_slice(b",\"src_port\":");
                push_u64(b, port as u64);
            }
        }
        if let Some((ip, port)) = env.dst {
            b.extend_from_slice(b",\"dest_ip\":");
            push_ip(b, ip);
            if let Some(port) = port {
                b.extend_from_slice(b",\"dest_port\":");
                push_u64(b, port as u64);
            }
        }
        if let Some(p) = env.proto {
            b.extend_from_slice(b",\"proto\":");
            match proto_name(p) {
                Some(n) => push_str(b, n),
                None => {
                    b.push(b'"');
                    push_u64(b, p as u64);
                    b.push(b'"');
                }
            }
        }
        if let Some(s) = env.pkt_src {
            b.extend_from_slice(b",\"pkt_src\":");
            push_str(b, s);
        }
        if let Some(t) = env.tx_id {
            b.extend_from_slice(b",\"tx_id\":");
            push_u64(b, t);
        }
        Event { lb: self }
    }

    /// Hands buffered lines to the sink.
    pub fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        if let Err(e) = self.sink.write_all(&self.buf) {
            self.error.get_or_insert(e);
        }
        self.buf.clear();
    }
}

impl Drop for LineBuf {
    fn drop(&mut self) {
        self.flush();
    }
}

/// An event line being written; closed when dropped.
pub struct Event<'a> {
    lb: &'a mut LineBuf,
}

impl Event<'_> {
    /// Appends `"key": <value serialized>`.
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        let b = &mut self.lb.buf;
        b.push(b',');
        push_str(b, key);
        b.push(b':');
        let mark = b.len();
        if serde_json::to_writer(&mut *b, value).is_err() {
            b.truncate(mark);
            b.extend_from_slice(b"null");
        }
        self
    }

    /// Appends `"key": "<timestamp>"`.
    pub fn timestamp(&mut self, key: &str, ts: Timestamp) -> &mut Self {
        let b = &mut self.lb.buf;
        b.push(b',');
        push_str(b, key);
        b.extend_from_slice(b":\"");
        write_timestamp(b, ts);
        b.push(b'"');
        self
    }
}

impl Drop for Event<'_> {
    fn drop(&mut self) {
        self.lb.buf.extend_from_slice(b"}\n");
        self.lb.events += 1;
        if self.lb.buf.len() >= FLUSH_AT {
            self.lb.flush();
        }
    }
}

fn push_u64(b: &mut Vec<u8>, v: u64) {
    let mut f = itoa::Buffer::new();
    b.extend_from_slice(f.format(v).as_bytes());
}

fn push_str(b: &mut Vec<u8>, s: &str) {
    // Keys and names we write are plain; anything else goes through serde_json's escaping.
    if s.bytes()
        .all(|c| c >= 0x20 && c != b'"' && c != b'\\' && c < 0x7f)
    {
        b.push(b'"');
        b.extend_from_slice(s.as_bytes());
        b.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *b, s);
    }
}

/// Suricata writes IPv6 addresses in full, every group as four hex digits
/// (`fe80:0000:0000:0000:9154:c66f:8d0e:33cb`), and IPv4 in dotted quads.
fn push_ip(b: &mut Vec<u8>, ip: IpAddr) {
    b.push(b'"');
    push_ip_bare(b, ip);
    b.push(b'"');
}

fn push_ip_bare(b: &mut Vec<u8>, ip: IpAddr) {
    match ip {
        IpAddr::V4(a) => {
            let _ = write!(b, "{a}");
        }
        IpAddr::V6(a) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for (i, seg) in a.segments().iter().enumerate() {
                if i > 0 {
                    b.push(b':');
                }
                for shift in [12, 8, 4, 0] {
                    b.push(HEX[((seg >> shift) & 0xf) as usize]);
                }
            }
        }
    }
}

/// An address as EVE writes it.
pub fn ip_string(ip: IpAddr) -> String {
    let mut v = Vec::with_capacity(39);
    push_ip_bare(&mut v, ip);
    String::from_utf8(v).unwrap_or_default()
}

/// Serializes a timestamp the way EVE does (`2026-11-25T07:18:11.786322+0000`).
pub struct Ts(pub Timestamp);

impl Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut v = Vec::with_capacity(32);
        write_timestamp(&mut v, self.0);
        s.serialize_str(std::str::from_utf8(&v).unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn ipv6_is_written_in_full() {
        assert_eq!(
            ip_string("fe80::9154:c66f:8d0e:33cb".parse().unwrap()),
            "fe80:0000:0000:0000:9154:c66f:8d0e:33cb"
        );
        assert_eq!(
            ip_string("::ffff:5.6.7.8".parse().unwrap()),
            "0000:0000:0000:0000:0000:ffff:0506:0708"
        );
        assert_eq!(ip_string("192.168.77.10".parse().unwrap()), "192.168.77.10");
    }

    #[test]
    fn writes_envelope_and_fields() {
        let store = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink::new(Box::new(Shared(store.clone())));
        {
            let mut lb = LineBuf::new(sink);
            let mut env = Envelope::new(Timestamp::from_parts(1_795_936_691, 786_322), "dns");
            env.flow_id = Some(42);
            env.src = Some(("192.168.77.10".parse().unwrap(), Some(51549)));
            env.dst = Some(("198.51.100.53".parse().unwrap(), Some(53)));
            env.proto = Some(17);
            env.tx_id = Some(0);
            lb.begin(&env).field("dns", &serde_json::json!({"type": "query"}));
        }
        let s = String::from_utf8(store.lock().unwrap().clone()).unwrap();
        assert_eq!(
            s,
            "{\"timestamp\":\"2026-11-29T07:18:11.786322+0000\",\"flow_id\":42,\"event_type\":\"dns\",\
             \"src_ip\":\"192.168.77.10\",\"src_port\":51549,\"dest_ip\":\"198.51.100.53\",\"dest_port\":53,\
             \"proto\":\"UDP\",\"tx_id\":0,\"dns\":{\"type\":\"query\"}}\n"
        );
    }
}
