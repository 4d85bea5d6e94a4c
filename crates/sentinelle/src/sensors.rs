//! The built-in detectors (`sense`) attached to a worker: they see packets, TCP segments and
//! finished app-layer records, and turn what they find into EVE `alert` events.

use app::{AppEvent, FlowInfo, Record};
use eve::{Envelope, LineBuf};
use flow::Direction;
use sense::brute::{Attempt, BruteConfig, BruteForce, Outcome, Service, SshAuth};
use sense::scan::{ScanConfig, ScanDetector};
use sense::Finding;
use wire::{Packet, Timestamp};

/// Detector settings (config keys `sense.*`).
#[derive(Debug, Clone, Default)]
pub struct SenseConfig {
    pub scan: ScanConfig,
    pub brute: BruteConfig,
    pub sqli: bool,
}

/// Per-flow state the detectors keep.
#[derive(Debug, Default)]
pub struct FlowSense {
    ssh: Option<SshAuth>,
}

pub struct Sensors {
    scan: ScanDetector,
    brute: BruteForce,
    pub sqli: bool,
    pub findings: Vec<Finding>,
}

impl Sensors {
    pub fn new(cfg: &SenseConfig) -> Sensors {
        Sensors {
            scan: ScanDetector::new(cfg.scan.clone()),
            brute: BruteForce::new(cfg.brute.clone()),
            sqli: cfg.sqli,
            findings: Vec::new(),
        }
    }

    pub fn packet(&mut self, ts: Timestamp, pkt: &Packet<'_>, new_flow: bool) {
        self.scan.packet(ts, pkt, new_flow, &mut self.findings);
    }

    /// A TCP segment of an SSH flow (after detection), in capture order.
    pub fn ssh_segment(
        &mut self,
        ts: Timestamp,
        info: &FlowInfo,
        st: &mut FlowSense,
        dir: Direction,
        payload: &[u8],
    ) {
        if !self.brute.cfg.enabled {
            return;
        }
        let ssh = st.ssh.get_or_insert_with(SshAuth::default);
        if let Some(outcome) = ssh.segment(dir == Direction::ToServer, payload) {
            let a = Attempt {
                ts,
                src: info.client,
                dst: info.server,
                dport: info.server_port,
                service: Service::Ssh,
                user: None,
                outcome,
                flow_id: info.id,
            };
            self.brute.attempt(&a, &mut self.findings);
        }
    }

    /// A finished app-layer record.
    pub fn record(&mut self, info: &FlowInfo, ev: &AppEvent) {
        match &ev.record {
            Record::Ftp(f) => {
                let Some(login) = f.login else { return };
                let a = Attempt {
                    ts: ev.ts,
                    src: info.client,
                    dst: info.server,
                    dport: info.server_port,
                    service: Service::Ftp,
                    user: f.user.as_deref(),
                    outcome: if login { Outcome::Success } else { Outcome::Failure },
                    flow_id: info.id,
                };
                self.brute.attempt(&a, &mut self.findings);
            }
            Record::Http(tx) => {
                if let Some(outcome) = http_auth_outcome(tx) {
                    let a = Attempt {
                        ts: ev.ts,
                        src: info.client,
                        dst: info.server,
                        dport: info.server_port,
                        service: Service::HttpAuth,
                        user: None,
                        outcome,
                        flow_id: info.id,
                    };
                    self.brute.attempt(&a, &mut self.findings);
                }
                if self.sqli {
                    sqli(ev.ts, info, tx, &mut self.findings);
                }
            }
            _ => {}
        }
    }

    pub fn expire(&mut self, now: Timestamp) {
        self.scan.expire(now, &mut self.findings);
        self.brute.expire(now, &mut self.findings);
    }

    pub fn finish(&mut self) {
        self.scan.finish(&mut self.findings);
        self.brute.finish(&mut self.findings);
    }

    /// Writes and clears pending findings.
    pub fn write(&mut self, out: &mut LineBuf) -> u64 {
        let n = self.findings.len() as u64;
        for f in self.findings.drain(..) {
            write_alert(out, &f);
        }
        n
    }
}

/// HTTP authentication outcome of a transaction that carried credentials or was refused them.
fn http_auth_outcome(tx: &app::http::HttpTx) -> Option<Outcome> {
    let status = tx.status?;
    let has_auth = tx.request_headers.get(b"authorization").is_some();
    match status {
        401 => Some(Outcome::Failure),
        403 if has_auth => Some(Outcome::Failure),
        200..=399 if has_auth => Some(Outcome::Success),
        _ => None,
    }
}

fn sqli(ts: Timestamp, info: &FlowInfo, tx: &app::http::HttpTx, out: &mut Vec<Finding>) {
    let headers: Vec<(&[u8], &[u8])> = tx.request_headers.iter().collect();
    let findings = sense::scan_request(tx.uri_raw(), &headers, &tx.request_body, tx.content_type());
    let Some(first) = findings.first() else { return };
    let mut metadata = vec![
        ("detector", vec!["sqli".to_string()]),
        ("parameter", vec![first.param.clone()]),
        ("location", vec![format!("{:?}", first.location).to_lowercase()]),
        ("decoded", vec![first.decoded.chars().take(256).collect()]),
        ("fingerprint", vec![first.fingerprint.clone()]),
    ];
    if findings.len() > 1 {
        metadata.push(("parameters", findings.iter().map(|f| f.param.clone()).collect()));
    }
    out.push(Finding {
        ts,
        sid: sense::finding::SID_SQLI,
        rev: 1,
        signature: format!("SENTINELLE SQLI SQL injection in HTTP parameter {}", first.param),
        category: sense::finding::CAT_WEB_ATTACK,
        severity: 1,
        src: info.client,
        sport: Some(info.client_port),
        dst: info.server,
        dport: Some(info.server_port),
        proto: info.proto,
        flow_id: Some(info.id),
        metadata,
    });
}

#[derive(serde::Serialize)]
struct AlertBody<'a> {
    action: &'static str,
    gid: u32,
    signature_id: u32,
    rev: u32,
    signature: &'a str,
    category: &'a str,
    severity: u8,
    metadata: serde_json::Map<String, serde_json::Value>,
}

fn write_alert(out: &mut LineBuf, f: &Finding) {
    let mut env = Envelope::new(f.ts, "alert");
    env.flow_id = f.flow_id;
    env.proto = Some(f.proto);
    env.src = Some((f.src, f.sport));
    env.dst = Some((f.dst, f.dport));
    let metadata = f
        .metadata
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v.clone())))
        .collect();
    let body = AlertBody {
        action: "allowed",
        gid: 1,
        signature_id: f.sid,
        rev: f.rev,
        signature: &f.signature,
        category: f.category,
        severity: f.severity,
        metadata,
    };
    out.begin(&env).field("alert", &body);
}
