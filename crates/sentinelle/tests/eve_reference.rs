//! Differential test of protocol records against Suricata 7.0.10's EVE for every committed
//! capture (testdata/pcaps and testdata/conformance), keyed exactly as tools/eve-diff.py keys
//! them: per event type, the multiset of identifying fields. Each capture runs as its reference
//! was made (same rules, same arguments: rules change what Suricata logs, e.g. a `drop` match or a
//! `config` logging rule). Recall and precision per type over the whole set must reach the floors
//! below.

mod common;

use serde_json::Value;
use std::collections::HashMap;

/// Per-type floors for (recall, precision) over the whole set.
/// Measured at the time of writing: dns, tls, ssh, ftp, smtp exact; http 284/286 (recall 0.993,
/// precision 0.996); flow 1941/1945 (0.998 both).
const FLOORS: &[(&str, f64, f64)] = &[
    ("dns", 1.0, 1.0),
    ("http", 0.99, 0.99),
    ("tls", 1.0, 1.0),
    ("ssh", 1.0, 1.0),
    ("flow", 0.99, 0.99),
    ("ftp", 1.0, 1.0),
    ("smtp", 1.0, 1.0),
];

fn g<'a>(e: &'a Value, path: &str) -> &'a Value {
    let mut v = e;
    for k in path.split('.') {
        v = v.get(k).unwrap_or(&Value::Null);
    }
    v
}

/// The identifying key of a record, as eve-diff.py computes it.
fn key(e: &Value) -> Option<(String, String)> {
    let t = e.get("event_type")?.as_str()?;
    let k: Vec<&Value> = match t {
        "dns" => {
            let d = g(e, "dns");
            vec![g(d, "type"), g(d, "rrname"), g(d, "rrtype"), g(d, "rcode")]
        }
        "http" => vec![
            g(e, "http.hostname"),
            g(e, "http.url"),
            g(e, "http.http_method"),
            g(e, "http.status"),
            g(e, "http.http_user_agent"),
        ],
        "tls" => vec![g(e, "tls.sni"), g(e, "tls.version"), g(e, "tls.subject")],
        "ssh" => vec![
            g(e, "ssh.client.software_version"),
            g(e, "ssh.server.software_version"),
        ],
        "flow" => vec![
            g(e, "proto"),
            g(e, "app_proto"),
            g(e, "src_ip"),
            g(e, "dest_ip"),
            g(e, "src_port"),
            g(e, "dest_port"),
        ],
        "smtp" => vec![g(e, "smtp.helo"), g(e, "smtp.mail_from")],
        "ftp" => vec![g(e, "ftp.command"), g(e, "ftp.command_data")],
        _ => return None,
    };
    Some((t.to_string(), serde_json::to_string(&k).ok()?))
}

type Counts = HashMap<String, HashMap<String, i64>>;

fn count(events: &[Value], scope: &str, into: &mut Counts) {
    for e in events {
        if let Some((t, k)) = key(e) {
            // Keys are scoped by capture so equal records of different captures never pair up.
            *into
                .entry(t)
                .or_default()
                .entry(format!("{scope}|{k}"))
                .or_default() += 1;
        }
    }
}

/// (capture, extra args, reference EVE) for every committed case, run as the reference was:
/// lab captures with full ET Open, conformance cases with their own rules and arguments.
fn cases() -> Vec<(String, std::path::PathBuf, Vec<String>, std::path::PathBuf)> {
    let td = common::testdata();
    let mut v = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(td.join("pcaps"))
        .expect("testdata/pcaps")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    names.sort();
    for p in names {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        let eve = td.join("pcaps").join(format!("{stem}.eve.json.gz"));
        let rules = td
            .join("rules/et-open/all.rules.gz")
            .to_string_lossy()
            .into_owned();
        v.push((stem, p, vec!["-S".to_string(), rules], eve));
    }
    let root = td.join("conformance");
    let tsv = std::fs::read_to_string(root.join("cases.tsv")).expect("cases.tsv");
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, pcap) = (f[0], root.join(f[1]));
        let dir = pcap.parent().unwrap().to_path_buf();
        let mut args: Vec<String> = vec!["-S".into(), root.join(f[2]).to_string_lossy().into_owned()];
        let extra: Vec<String> = f
            .get(3)
            .map(|a| a.replace("${TEST_DIR}", &dir.to_string_lossy()))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        args.extend(extra);
        v.push((name.to_string(), pcap, args, dir.join("eve.json.gz")));
    }
    v
}

#[test]
fn protocol_records_match_suricata() {
    let mut refc = Counts::new();
    let mut cand = Counts::new();
    let mut failures = Vec::new();
    for (name, pcap, args, reference) in cases() {
        let out = common::outdir(&format!("eve-ref-{name}"));
        let mut a = vec!["-r".to_string(), pcap.to_string_lossy().into_owned()];
        a.push("-l".into());
        a.push(out.to_string_lossy().into_owned());
        a.extend(args);
        let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
        let (code, err) = common::run(&a);
        if code != 0 {
            failures.push(format!(
                "{name}: exit {code}: {}",
                err.lines().last().unwrap_or("")
            ));
        }
        count(&common::read_eve(&reference), &name, &mut refc);
        let eve = out.join("eve.json");
        if eve.exists() {
            count(&common::read_eve(&eve), &name, &mut cand);
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    let mut report = String::new();
    let mut below = Vec::new();
    report.push_str(&format!(
        "{:8} {:>8} {:>8} {:>8} {:>7} {:>7}\n",
        "type", "ref", "cand", "match", "recall", "prec"
    ));
    for &(t, min_r, min_p) in FLOORS {
        let empty = HashMap::new();
        let r = refc.get(t).unwrap_or(&empty);
        let c = cand.get(t).unwrap_or(&empty);
        let nr: i64 = r.values().sum();
        let nc: i64 = c.values().sum();
        let m: i64 = r.iter().map(|(k, n)| (*n).min(*c.get(k).unwrap_or(&0))).sum();
        let rec = if nr > 0 { m as f64 / nr as f64 } else { 1.0 };
        let prec = if nc > 0 { m as f64 / nc as f64 } else { 1.0 };
        report.push_str(&format!("{t:8} {nr:>8} {nc:>8} {m:>8} {rec:>7.3} {prec:>7.3}\n"));
        if rec < min_r || prec < min_p {
            below.push(format!(
                "{t}: recall {rec:.3} (floor {min_r}), precision {prec:.3} (floor {min_p})"
            ));
            let mut missing: Vec<_> = r
                .iter()
                .filter(|(k, n)| **n > *c.get(*k).unwrap_or(&0))
                .take(5)
                .collect();
            missing.sort();
            for (k, _) in missing {
                report.push_str(&format!("   missing: {k}\n"));
            }
            let mut extra: Vec<_> = c
                .iter()
                .filter(|(k, n)| **n > *r.get(*k).unwrap_or(&0))
                .take(5)
                .collect();
            extra.sort();
            for (k, _) in extra {
                report.push_str(&format!("   extra: {k}\n"));
            }
        }
    }
    eprintln!("{report}");
    assert!(failures.is_empty(), "runs that failed:\n{}", failures.join("\n"));
    assert!(
        below.is_empty(),
        "below the floors:\n{}\n{report}",
        below.join("\n")
    );
}
