//! The built-in detectors (`sense`) attached to a worker: they see packets, TCP segments and
//! finished app-layer records, and turn what they find into EVE `alert` events.
//!
//! SQL injection is judged per request, in the worker. Scans and brute force are judged per
//! attacker, and an attacker's flows spread over workers (flows are hashed by 5-tuple), so
//! workers only reduce packets to [`Observation`]s (a probe, an authentication attempt) and one
//! [`Aggregator`] judges them all: inline in `single` mode, on its own thread in `workers` mode.

use app::{AppEvent, FlowInfo, Record};
use eve::{Envelope, LineBuf};
use flow::Direction;
use sense::brute::{Attempt, BruteConfig, BruteForce, Outcome, Service, SshAuth};
use sense::scan::{Probe, ScanConfig, ScanDetector};
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

/// What a worker's detectors observed that must be judged per attacker across all workers:
/// port probes and authentication attempts.
#[derive(Debug, Clone)]
pub enum Observation {
    Probe(Timestamp, Probe),
    Attempt(Attempt),
    /// Packet time moved on (lets the aggregator expire quiet sources).
    Tick(Timestamp),
}

/// The detectors that aggregate per attacker (scans, brute force). One per run: inside the
/// worker in `single` mode, on a thread of its own in `workers` mode.
pub struct Aggregator {
    scan: ScanDetector,
    brute: BruteForce,
    pub findings: Vec<Finding>,
}

impl Aggregator {
    pub fn new(cfg: &SenseConfig) -> Aggregator {
        Aggregator {
            scan: ScanDetector::new(cfg.scan.clone()),
            brute: BruteForce::new(cfg.brute.clone()),
            findings: Vec::new(),
        }
    }

    pub fn observe(&mut self, o: &Observation) {
        match o {
            Observation::Probe(ts, p) => self.scan.probe(*ts, p, &mut self.findings),
            Observation::Attempt(a) => self.brute.attempt(a, &mut self.findings),
            Observation::Tick(now) => self.expire(*now),
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

    /// Writes and clears pending findings; returns how many.
    pub fn write(&mut self, out: &mut LineBuf) -> u64 {
        write_findings(&mut self.findings, out)
    }
}

impl Observation {
    fn ts(&self) -> Timestamp {
        match self {
            Observation::Probe(ts, _) | Observation::Tick(ts) => *ts,
            Observation::Attempt(a) => a.ts,
        }
    }
}

/// A worker's observations since its last report, and how far its packet time has got.
pub struct Report {
    pub worker: usize,
    pub observations: Vec<Observation>,
    /// The worker will report nothing older than this again (`i64::MAX`: it has finished).
    pub mark: Timestamp,
}

/// Merges the workers' observation streams back into packet-time order, so the aggregator
/// judges an attacker's attempts in the order they happened whatever the thread scheduling: an
/// observation is released once every worker has reported past its time.
pub struct Merge {
    queues: Vec<std::collections::VecDeque<Observation>>,
    marks: Vec<Timestamp>,
}

/// Observations held for ordering beyond which the oldest are released regardless (a worker that
/// stopped reporting must not make the others' observations pile up).
const MERGE_CAP: usize = 1 << 20;

impl Merge {
    pub fn new(workers: usize) -> Merge {
        Merge {
            queues: (0..workers).map(|_| Default::default()).collect(),
            marks: vec![Timestamp(i64::MIN); workers],
        }
    }

    /// Takes a report and passes every observation that is now in order to `agg`.
    pub fn report(&mut self, r: Report, agg: &mut Aggregator) {
        if let (Some(q), Some(m)) = (self.queues.get_mut(r.worker), self.marks.get_mut(r.worker)) {
            q.extend(r.observations);
            *m = (*m).max(r.mark);
        }
        let watermark = self.marks.iter().copied().min().unwrap_or(Timestamp(i64::MAX));
        let held: usize = self.queues.iter().map(|q| q.len()).sum();
        self.release(watermark, held.saturating_sub(MERGE_CAP), agg);
    }

    /// Releases everything (end of input).
    pub fn finish(&mut self, agg: &mut Aggregator) {
        self.release(Timestamp(i64::MAX), 0, agg);
    }

    /// Releases, oldest first, observations at or before `watermark`, and at least `force` more.
    fn release(&mut self, watermark: Timestamp, mut force: usize, agg: &mut Aggregator) {
        loop {
            let next = self
                .queues
                .iter()
                .enumerate()
                .filter_map(|(i, q)| q.front().map(|o| (o.ts(), i)))
                .min();
            let Some((ts, i)) = next else { return };
            if ts > watermark && force == 0 {
                return;
            }
            force = force.saturating_sub(1);
            if let Some(o) = self.queues.get_mut(i).and_then(|q| q.pop_front()) {
                agg.observe(&o);
            }
        }
    }
}

/// Where a worker's observations go.
pub enum ObservationSink {
    /// Judged on the spot (single mode).
    Local(Box<Aggregator>),
    /// Reported to the aggregator thread (workers mode) after every batch of packets.
    Remote {
        worker: usize,
        batch: Vec<Observation>,
        tx: crossbeam_channel::Sender<Report>,
    },
}

/// The detectors attached to one worker.
pub struct Sensors {
    sink: ObservationSink,
    scan: bool,
    brute: bool,
    pub sqli: bool,
    /// Findings made by the worker itself (SQL injection, per request).
    pub findings: Vec<Finding>,
}

impl Sensors {
    pub fn new(cfg: &SenseConfig, sink: ObservationSink) -> Sensors {
        Sensors {
            sink,
            scan: cfg.scan.enabled,
            brute: cfg.brute.enabled,
            sqli: cfg.sqli,
            findings: Vec::new(),
        }
    }

    fn observe(&mut self, o: Observation) {
        match &mut self.sink {
            ObservationSink::Local(agg) => agg.observe(&o),
            ObservationSink::Remote { batch, .. } => batch.push(o),
        }
    }

    pub fn packet(&mut self, ts: Timestamp, pkt: &Packet<'_>, new_flow: bool) {
        if self.scan {
            if let Some(p) = Probe::of(pkt, new_flow) {
                self.observe(Observation::Probe(ts, p));
            }
        }
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
        if !self.brute {
            return;
        }
        let ssh = st.ssh.get_or_insert_with(SshAuth::default);
        if let Some(outcome) = ssh.segment(dir == Direction::ToServer, payload) {
            self.observe(Observation::Attempt(Attempt {
                ts,
                src: info.client,
                dst: info.server,
                dport: info.server_port,
                service: Service::Ssh,
                user: None,
                outcome,
                flow_id: info.id,
            }));
        }
    }

    /// A finished app-layer record.
    pub fn record(&mut self, info: &FlowInfo, ev: &AppEvent) {
        match &ev.record {
            Record::Ftp(f) if self.brute => {
                let Some(login) = f.login else { return };
                self.observe(Observation::Attempt(Attempt {
                    ts: ev.ts,
                    src: info.client,
                    dst: info.server,
                    dport: info.server_port,
                    service: Service::Ftp,
                    user: f.user.clone(),
                    outcome: if login { Outcome::Success } else { Outcome::Failure },
                    flow_id: info.id,
                }));
            }
            Record::Http(tx) => {
                if self.brute {
                    if let Some(outcome) = http_auth_outcome(tx) {
                        self.observe(Observation::Attempt(Attempt {
                            ts: ev.ts,
                            src: info.client,
                            dst: info.server,
                            dport: info.server_port,
                            service: Service::HttpAuth,
                            user: None,
                            outcome,
                            flow_id: info.id,
                        }));
                    }
                }
                if self.sqli {
                    sqli(ev.ts, info, tx, &mut self.findings);
                }
            }
            _ => {}
        }
    }

    pub fn expire(&mut self, now: Timestamp) {
        match &mut self.sink {
            ObservationSink::Local(agg) => agg.expire(now),
            ObservationSink::Remote { .. } => self.observe(Observation::Tick(now)),
        }
    }

    /// Hands observations to the aggregator thread, promising none older than `mark` will follow.
    pub fn report(&mut self, mark: Timestamp) {
        if let ObservationSink::Remote { worker, batch, tx } = &mut self.sink {
            let observations = std::mem::take(batch);
            let _ = tx.send(Report {
                worker: *worker,
                observations,
                mark,
            });
        }
    }

    /// End of input: local aggregation finishes; remote observations are handed over.
    pub fn finish(&mut self) {
        match &mut self.sink {
            ObservationSink::Local(agg) => agg.finish(),
            ObservationSink::Remote { .. } => self.report(Timestamp(i64::MAX)),
        }
    }

    /// Writes and clears pending findings (the worker's own, and the local aggregator's).
    pub fn write(&mut self, out: &mut LineBuf) -> u64 {
        let mut n = write_findings(&mut self.findings, out);
        if let ObservationSink::Local(agg) = &mut self.sink {
            n += agg.write(out);
        }
        n
    }
}

fn write_findings(findings: &mut Vec<Finding>, out: &mut LineBuf) -> u64 {
    let n = findings.len() as u64;
    for f in findings.drain(..) {
        write_alert(out, &f);
    }
    n
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
    let body = crate::detection::AlertBody {
        action: "allowed",
        gid: 1,
        signature_id: f.sid,
        rev: f.rev,
        signature: &f.signature,
        category: f.category,
        severity: f.severity,
        metadata,
        ruleset_id: None,
        explain: None,
    };
    out.begin(&env).field("alert", &body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{Cx, Expectations, Parser};

    /// Runs one HTTP request/response pair through the real HTTP parser.
    fn tx(request: &str, response: &str) -> Box<app::http::HttpTx> {
        let info = FlowInfo {
            id: 1,
            client: "203.0.113.66".parse().unwrap(),
            server: "192.168.77.20".parse().unwrap(),
            client_port: 40000,
            server_port: 80,
            proto: 6,
        };
        let mut out = Vec::new();
        let mut expect = Expectations::default();
        let mut p = app::http::HttpParser::new(&Default::default());
        let mut cx = Cx {
            ts: Timestamp(0),
            flow: &info,
            out: &mut out,
            expect: &mut expect,
        };
        p.on_data(Direction::ToServer, request.as_bytes(), &mut cx);
        p.on_data(Direction::ToClient, response.as_bytes(), &mut cx);
        p.on_close(&mut cx);
        out.into_iter()
            .find_map(|e| match e.record {
                Record::Http(t) => Some(t),
                _ => None,
            })
            .expect("an http record")
    }

    const BASIC: &str = "GET /admin HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";
    const PLAIN: &str = "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n";

    #[test]
    fn http_auth_outcomes() {
        let denied = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
        let forbidden = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(http_auth_outcome(&tx(BASIC, denied)), Some(Outcome::Failure));
        assert_eq!(http_auth_outcome(&tx(PLAIN, denied)), Some(Outcome::Failure));
        assert_eq!(http_auth_outcome(&tx(BASIC, forbidden)), Some(Outcome::Failure));
        // A 403 without credentials is an access rule, not a failed login.
        assert_eq!(http_auth_outcome(&tx(PLAIN, forbidden)), None);
        assert_eq!(http_auth_outcome(&tx(BASIC, ok)), Some(Outcome::Success));
        assert_eq!(http_auth_outcome(&tx(PLAIN, ok)), None);
    }

    #[test]
    fn http_basic_auth_guessing_trips_and_succeeds() {
        let cfg = SenseConfig::default();
        let mut s = Sensors::new(&cfg, ObservationSink::Local(Box::new(Aggregator::new(&cfg))));
        let info = FlowInfo {
            id: 7,
            client: "203.0.113.66".parse().unwrap(),
            server: "192.168.77.20".parse().unwrap(),
            client_port: 40000,
            server_port: 80,
            proto: 6,
        };
        let denied = tx(BASIC, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        let ok = tx(BASIC, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        for i in 0..12 {
            let ev = AppEvent {
                ts: Timestamp(i * 1_000_000),
                dir: Direction::ToClient,
                tx_id: Some(0),
                record: Record::Http(denied.clone()),
            };
            s.record(&info, &ev);
        }
        let ev = AppEvent {
            ts: Timestamp(13_000_000),
            dir: Direction::ToClient,
            tx_id: Some(0),
            record: Record::Http(ok),
        };
        s.record(&info, &ev);
        s.finish();
        let ObservationSink::Local(agg) = &s.sink else {
            panic!()
        };
        let sids: Vec<u32> = agg.findings.iter().map(|f| f.sid).collect();
        assert_eq!(sids, vec![9_200_121, 9_200_122, 9_200_123]);
        assert_eq!(agg.findings[0].meta("service").unwrap(), ["http-auth"]);
        assert_eq!(agg.findings[2].meta("failures").unwrap(), ["12"]);
    }
}
