//! The parts of an EVE `alert` record beyond the `alert` object, as Suricata's
//! `output-json-alert.c` writes them: the transaction's app-layer object (`AlertAddAppLayer`),
//! `app_proto_ts`/`_tc` (`EveAddAppProto`), the `flow` object (`EveAddFlow` plus the alert's
//! 5-tuple) and, on demand, `payload`, `payload_printable`, `stream`, `packet` and
//! `packet_info`. Built only when an alert is written.

use app::{AppLayer, AppProto, Record};

/// What alert records carry on demand: Suricata's `outputs.eve-log.types.alert.payload`
/// (`payload`, base64), `payload-printable` and `packet` (all off by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertOutput {
    pub payload: bool,
    pub payload_printable: bool,
    pub packet: bool,
}

/// The settings keys of [`AlertOutput`], under `outputs.eve-log.types.alert.`.
pub const ALERT_OUTPUT_KEYS: &[&str] = &[
    "outputs.eve-log.types.alert.payload",
    "outputs.eve-log.types.alert.payload-printable",
    "outputs.eve-log.types.alert.packet",
];

impl AlertOutput {
    /// Reads the keys of [`ALERT_OUTPUT_KEYS`] (booleans; the error names the key).
    pub fn from_settings(s: &crate::config::Settings) -> anyhow::Result<AlertOutput> {
        let mut o = AlertOutput::default();
        for (key, flag) in [
            (ALERT_OUTPUT_KEYS[0], &mut o.payload),
            (ALERT_OUTPUT_KEYS[1], &mut o.payload_printable),
            (ALERT_OUTPUT_KEYS[2], &mut o.packet),
        ] {
            if let Some(v) = s.bool(key)? {
                *flag = v;
            }
        }
        Ok(o)
    }
}

/// The flow of the alert's packet, as it stands when the alert is written (after the packet).
#[derive(Debug, Clone, Copy)]
pub struct AlertFlow {
    /// (to server, to client).
    pub pkts: [u64; 2],
    pub bytes: [u64; 2],
    pub start: wire::Timestamp,
}

/// Everything an alert record may need besides the alert: the flow, its app layer, the
/// packet's payload and raw frame.
#[derive(Clone, Copy, Default)]
pub struct AlertCtx<'a> {
    pub flow: Option<AlertFlow>,
    pub app: Option<&'a AppLayer>,
    pub payload: &'a [u8],
    /// The captured frame and its pcap link type number (`packet`, `packet_info.linktype`).
    pub frame: Option<(&'a [u8], u32)>,
}

/// Transactions (their records as inspected) that raised alerts, kept until the alerts are
/// written; at most [`MAX_TX_RECS`].
#[derive(Default)]
pub struct TxRecs {
    recs: Vec<(u64, Record)>,
    pub dropped: u64,
}

const MAX_TX_RECS: usize = 64;

impl TxRecs {
    /// After an inspection that started with `from` alerts pending: keeps `rec` for the alerts
    /// it added that name a transaction (the first record per transaction id wins).
    pub fn keep(&mut self, alerts: &[detect::Alert], from: usize, rec: &Record) {
        let Some(new) = alerts.get(from..) else { return };
        for a in new {
            let Some(id) = a.tx_id else { continue };
            if self.recs.iter().any(|(i, _)| *i == id) {
                continue;
            }
            if self.recs.len() >= MAX_TX_RECS {
                self.dropped = self.dropped.saturating_add(1);
                continue;
            }
            self.recs.push((id, rec.clone()));
        }
    }

    pub fn get(&self, tx_id: u64) -> Option<&Record> {
        self.recs.iter().find(|(i, _)| *i == tx_id).map(|(_, r)| r)
    }

    pub fn clear(&mut self) {
        self.recs.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }
}

/// Whether Suricata's `AlertAddAppLayer` logs this flow protocol's transaction as `rec`.
fn logs_record(proto: AppProto, rec: &Record) -> bool {
    matches!(
        (proto, rec),
        (AppProto::Http, Record::Http(_))
            | (AppProto::Http2, Record::Http2(_))
            | (AppProto::Dns, Record::Dns(_))
            | (AppProto::Tls, Record::Tls(_))
            | (AppProto::Ssh, Record::Ssh(_))
            | (AppProto::Smtp, Record::Smtp(_))
            | (AppProto::FtpData, Record::FtpData(_))
            | (AppProto::Sip, Record::Sip(_))
            | (AppProto::Ike, Record::Ike(_))
            | (AppProto::Quic, Record::Quic(_))
            | (AppProto::Snmp, Record::Snmp(_))
    )
}

/// The app-layer object of a transaction alert (`AlertAddAppLayer`), the protocol record's
/// own object; DNS in Suricata 7's alert form (`{"version":2,"query":[...]}` or `"answer"`).
pub fn write_app_layer(e: &mut eve::Event<'_>, proto: Option<AppProto>, rec: Option<&Record>) {
    let (Some(proto), Some(rec)) = (proto, rec) else {
        return;
    };
    if !logs_record(proto, rec) {
        return;
    }
    if let Record::Dns(d) = rec {
        let Ok(mut v) = serde_json::to_value(d) else {
            return;
        };
        if let Some(o) = v.as_object_mut() {
            o.remove("version");
        }
        let mut m = serde_json::Map::new();
        m.insert("version".into(), 2.into());
        if v.get("type").and_then(|t| t.as_str()) == Some("query") {
            m.insert("query".into(), serde_json::Value::Array(vec![v]));
        } else {
            m.insert("answer".into(), v);
        }
        e.field("dns", &m);
        return;
    }
    crate::worker::write_body(e, rec);
}

/// `app_proto_ts` / `app_proto_tc` when they differ from the flow's (`EveAddAppProto`).
pub fn write_app_proto_dirs(e: &mut eve::Event<'_>, app: &AppLayer) {
    let Some(p) = app.proto() else { return };
    let [ts, tc] = app.proto_by_dir();
    if let Some(ts) = ts.filter(|&x| x != p) {
        e.field("app_proto_ts", ts.name());
    }
    if let Some(tc) = tc.filter(|&x| x != p) {
        e.field("app_proto_tc", tc.name());
    }
}

#[derive(serde::Serialize)]
struct FlowOut {
    pkts_toserver: u64,
    pkts_toclient: u64,
    bytes_toserver: u64,
    bytes_toclient: u64,
    start: eve::Ts,
    src_ip: String,
    dest_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dest_port: Option<u16>,
}

/// The alert's `flow` object: the flow's counters and start, then the alert's addresses
/// oriented client → server (Suricata swaps them back for a to-client packet).
pub fn write_flow(e: &mut eve::Event<'_>, f: &AlertFlow, a: &detect::Alert) {
    let ports = matches!(a.proto, 6 | 17 | 132) && (a.sport > 0 || a.dport > 0);
    let (src, dst, sp, dp) = if a.to_server {
        (a.src, a.dst, a.sport, a.dport)
    } else {
        (a.dst, a.src, a.dport, a.sport)
    };
    let body = FlowOut {
        pkts_toserver: f.pkts[0],
        pkts_toclient: f.pkts[1],
        bytes_toserver: f.bytes[0],
        bytes_toclient: f.bytes[1],
        start: eve::Ts(f.start),
        src_ip: eve::ip_string(src),
        dest_ip: eve::ip_string(dst),
        src_port: ports.then_some(sp),
        dest_port: ports.then_some(dp),
    };
    e.field("flow", &body);
}

/// `payload`, `payload_printable` and `stream` (when either payload key is on), then `packet`
/// and `packet_info` (when `packet` is on).
pub fn write_payload(e: &mut eve::Event<'_>, o: &AlertOutput, a: &detect::Alert, cx: &AlertCtx<'_>) {
    if o.payload || o.payload_printable {
        if o.payload {
            e.field("payload", &base64(cx.payload));
        }
        if o.payload_printable {
            e.field("payload_printable", &printable(cx.payload));
        }
        // Suricata's state/stream matches on TCP.
        let stream = a.proto == 6 && (a.stream || a.tx_id.is_some());
        e.field("stream", &u8::from(stream));
    }
    if o.packet {
        if let Some((frame, linktype)) = cx.frame {
            e.field("packet", &base64(frame));
            e.field("packet_info", &serde_json::json!({ "linktype": linktype }));
        }
    }
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3).saturating_mul(4));
    for c in data.chunks(3) {
        let b0 = c.first().copied().unwrap_or(0);
        let b1 = c.get(1).copied().unwrap_or(0);
        let b2 = c.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let sym = |s: u32| char::from(T[(n >> s & 63) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if c.len() > 1 { sym(6) } else { '=' });
        out.push(if c.len() > 2 { sym(0) } else { '=' });
    }
    out
}

/// Suricata's `PrintStringsToBuffer`: printable ASCII, `\n` and `\r` kept, others `.`.
pub fn printable(data: &[u8]) -> String {
    data.iter()
        .map(|&b| {
            if b.is_ascii_graphic() || matches!(b, b' ' | b'\n' | b'\r') {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0x00, 0x80]), "/wCA");
    }

    #[test]
    fn printable_masks_binary() {
        assert_eq!(printable(b"GET /\r\n\x00\x7f\xffa\tb"), "GET /\r\n...a.b");
        assert_eq!(printable(b""), "");
    }
}
