//! End-to-end: every lab capture with the full ET Open ruleset must give Suricata 7.0.10's
//! alert counts per signature id (testdata/pcaps/NAME.expected.json), and the conformance
//! cases known to pass must keep passing.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

/// Alert counts per signature id in an EVE file.
fn alert_counts(eve: &Path) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for e in common::read_eve(eve) {
        if e["event_type"] == "alert" {
            let sid = e["alert"]["signature_id"].to_string();
            *m.entry(sid).or_insert(0) += 1;
        }
    }
    m
}

fn expected(path: &Path) -> BTreeMap<String, u64> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("expected.json")).expect("json");
    v["alerts"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

/// Captures whose per-sid counts are exact (all of testdata/pcaps today).
const EXACT: &[&str] = &[
    "benign-web",
    "hydra-ftp",
    "hydra-ssh",
    "nmap-syn",
    "nmap-version",
    "scanner-http",
    "sqlmap",
    "urlhaus-dns",
    "zmap",
];

#[test]
fn et_open_alert_counts_match_suricata() {
    let td = common::testdata();
    let rules = td.join("rules/et-open/all.rules.gz");
    let mut failures = Vec::new();
    for name in EXACT {
        let pcap = td.join(format!("pcaps/{name}.pcap"));
        let out = common::outdir(&format!("et-open-{name}"));
        let (code, err) = common::run(&[
            "-r",
            pcap.to_str().unwrap(),
            "-S",
            rules.to_str().unwrap(),
            "-l",
            out.to_str().unwrap(),
            // Only the signature engine: the built-in detectors have their own tests.
            "--set",
            "sense.sqli.enabled=false",
            "--set",
            "sense.scan.enabled=false",
            "--set",
            "sense.bruteforce.enabled=false",
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.contains("rules loaded"), "{name}: no load summary in {err}");
        let got = alert_counts(&out.join("eve.json"));
        let want = expected(&td.join(format!("pcaps/{name}.expected.json")));
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Conformance cases that pass today; the set must not shrink.
const CONFORMANCE_PASSING: &[&str] = &[
    "base64-issue-5223",
    "base64-issue-5223-6",
    "bug-1045",
    "bug-1401-01",
    "bug-1401-02",
    "bug-1401-04",
    "bug-1449-01",
    "bug-1450-02",
    "bug-1450-03",
    "bug-1450-04",
    "bug-1450-05",
    "bug-2158",
    "bug-2491-01",
    "bug-2511",
    "bug-2736-02",
    "bug-3286-01-no-evasion",
    "bug-3616",
    "bug-3616-urldecode",
    "bug-4199",
    "bug-4376",
    "bug-4623",
    "bug-5197",
    "bug-5633-gre-01",
    "bug-5633-gre-02",
    "bug-5758",
    "bug-5780-01-http2-header",
    "bug-6244-tcp-rst-with-data",
    "bug-6402-01",
    "bug-7851-01",
    "bug-docs-5030-01",
    "bug-docs-5030-02",
    "cond-log-http-testmyids",
    "datarep-02",
    "datasets-02-load",
    "datasets-03-set",
    "datasets-04-http-dns",
    "datasets-09-load",
    "datasets-memcap-01",
    "dcerpc-issue-7187-01",
    "decode-erspan-typeII-01",
    "decode-nsh-type2",
    "decode-too-small",
    "detect-app-layer-protocol-01",
    "detect-bsize-0",
    "detect-bytejump-05",
    "detect-bytemath-01",
    "detect-bytemath-05",
    "detect-bytemath-mult-04",
    "detect-bytetest-01",
    "detect-bytetest-02",
    "detect-bytetest-03",
    "detect-bytetest-04",
    "detect-chksum-02",
    "detect-content-ends-with-negated-02",
    "detect-engine-proto",
    "detect-icmp-id-02",
    "detect-itype",
    "detect-to_uppercase-01",
    "detect-xor",
    "dns-udp-z-flag-fp",
    "drop-protocol-change",
    "enip-alert",
    "enip-keywords",
    "eve-metadata-03-noalert",
    "eve-metadata-04-flowvar",
    "flowbit-oring",
    "flowint-isnotset",
    "http-async",
    "http-auth-bearer",
    "http-auth-unrecognized",
    "http-close-headers",
    "http-encoding-gzip-uncompressed",
    "http-encoding-identity",
    "http-ipv6",
    "http-missing-protocol",
    "http-not09-file",
    "http-protocol-inspect-v2",
    "http-raw-header",
    "http-request-header",
    "http-request-header-multi",
    "http-request-line",
    "http-sticky-start",
    "http-urldecode-body",
    "http2-authority-mismatch",
    "ikev2-weak-dh",
    "ipv4-hdr-keyword",
    "ipv6-hdr-keyword-01",
    "ipv6-hdr-keyword-02",
    "issue-3267-tcphdr",
    "issue-4220-01-ids",
    "ja4-rules-requires-off",
    "krb5-krb5_msg_type",
    "nfs4-01",
    "output-eve-ftp-data",
    "prefilter-multibuf-multipkts",
    "quic-v2",
    "security-4710-01",
    "security-4710-02",
    "sip-body-frames",
    "sip-request-line",
    "sip-response-line",
    "sip-stat-msg",
    "sip-tcp-protocol",
    "sip-tcp-response-line",
    "sip-tcp-uri",
    "sip-uri",
    "smb-dce_iface",
    "smb-eicar-file",
    "smb-eicar-file-nbss-more-ffsmb",
    "smb-eicar-file-segmentation-postheader",
    "smb-eicar-file-segmentation-random",
    "smb-eicar-overlap",
    "smb-filename",
    "smb-named-pipe-ascii",
    "smb-named-pipe-unicode",
    "smb2-03-rule",
    "smb2-frames-gap-payload-logging",
    "smb2-named-pipe-unicode",
    "smtp-eve",
    "smtp-file-data-01",
    "snmp-community",
    "ssh-hassh-only",
    "ssh-hassh-reassembled",
    "ssh-newkeys",
    "streamsize-keyword",
    "streamsize-keyword-02-prefilter",
    "tcp-fastopen-01",
    "tcp-fastopen-03",
    "tcp-fastopen-08",
    "tcp-mss-keyword",
    "tcp-split-handshake-01-4whs",
    "tcp-split-handshake-02-5whs",
    "tcp-urgp-01-oob",
    "tcp-urgp-04-2byte-XY",
    "threshold-config-byrule",
    "transform-strip-pseudo-headers",
    "truncate-applayer-test-01",
    "truncate-applayer-test-02",
    "udp-hdr-keyword",
    "vxlan-decoder-02",
];

#[test]
fn conformance_cases_keep_passing() {
    let root = common::testdata().join("conformance");
    let tsv = std::fs::read_to_string(root.join("cases.tsv")).expect("cases.tsv");
    let mut failures = Vec::new();
    let mut seen = 0;
    for line in tsv.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        let (Some(name), Some(pcap), Some(rules)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if !CONFORMANCE_PASSING.contains(&name) {
            continue;
        }
        seen += 1;
        let args: Vec<&str> = f.next().unwrap_or("").split_whitespace().collect();
        let out = common::outdir(&format!("conf-{name}"));
        let pcap = root.join(pcap);
        let rules = root.join(rules);
        let mut argv = vec![
            "-r",
            pcap.to_str().unwrap(),
            "-S",
            rules.to_str().unwrap(),
            "-l",
            out.to_str().unwrap(),
        ];
        argv.extend(args);
        let (code, err) = common::run(&argv);
        let case_dir = rules.parent().unwrap();
        let want = expected(&case_dir.join("expected.json"));
        let got = alert_counts(&out.join("eve.json"));
        if code != 0 || got != want {
            failures.push(format!(
                "{name}: rc {code}, got {got:?}, want {want:?} ({})",
                err.lines().last().unwrap_or("")
            ));
        }
    }
    assert_eq!(seen, CONFORMANCE_PASSING.len(), "cases missing from cases.tsv");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const EXPLAIN_RULES: &str = r#"alert http any any -> any any (msg:"uri"; http.method; content:"GET"; http.uri; content:"about"; pcre:"/\.html$/"; sid:1;)
alert tcp any any -> any 80 (msg:"stream"; flow:to_server; content:"GET"; depth:3; content:"/about.html"; distance:0; sid:2;)
alert tcp-pkt any any -> any 80 (msg:"hdr"; flags:S; tcp.hdr; content:"|00 50|"; offset:2; depth:2; sid:3;)
"#;

/// Runs benign-web.pcap with `rules` (written to a file) and extra args; returns the alerts.
fn alerts_with(name: &str, rules: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = common::outdir(name);
    let rf = out.join("test.rules");
    std::fs::write(&rf, rules).expect("write rules");
    let pcap = common::testdata().join("pcaps/benign-web.pcap");
    let log = out.join("log");
    let mut argv = vec![
        "-r",
        pcap.to_str().unwrap(),
        "-S",
        rf.to_str().unwrap(),
        "-l",
        log.to_str().unwrap(),
    ];
    argv.extend_from_slice(extra);
    let (code, err) = common::run(&argv);
    assert_eq!(code, 0, "{err}");
    common::read_eve(&log.join("eve.json"))
        .into_iter()
        .filter(|e| e["event_type"] == "alert")
        .collect()
}

fn first_explain(alerts: &[serde_json::Value], sid: u64) -> serde_json::Value {
    alerts
        .iter()
        .find(|e| e["alert"]["signature_id"] == sid)
        .map(|e| e["alert"]["explain"].clone())
        .unwrap_or_else(|| panic!("no alert for sid {sid}"))
}

#[test]
fn explain_gives_buffer_and_offsets_per_match() {
    for flag in [&["--explain"][..], &["--set", "detect.explain=true"][..]] {
        let alerts = alerts_with("explain", EXPLAIN_RULES, flag);
        assert_eq!(
            first_explain(&alerts, 1),
            serde_json::json!([
                {"keyword": "content", "buffer": "http.method", "offset": 0, "length": 3},
                {"keyword": "content", "buffer": "http.uri", "offset": 1, "length": 5},
                {"keyword": "pcre", "buffer": "http.uri", "offset": 6, "length": 5},
            ])
        );
        // With `depth` the rule inspects packets too (Suricata's `SIG_FLAG_REQUIRE_PACKET`):
        // take its alert on stream data.
        let stream = alerts
            .iter()
            .filter(|e| e["alert"]["signature_id"] == 2)
            .map(|e| e["alert"]["explain"].clone())
            .find(|x| x[0]["buffer"] == "stream")
            .expect("a stream alert for sid 2");
        let hits = stream.as_array().expect("explain array");
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0]["buffer"], "stream");
        assert_eq!(hits[0]["length"], 3);
        assert_eq!(hits[1]["length"], 11);
        // The second content is relative to the first: it starts after it.
        assert!(hits[1]["offset"].as_u64() >= hits[0]["offset"].as_u64().map(|o| o + 3));
        assert_eq!(
            first_explain(&alerts, 3),
            serde_json::json!([{"keyword": "content", "buffer": "tcp.hdr", "offset": 2, "length": 2}])
        );
    }
    // Without the option, no explain field.
    let alerts = alerts_with("no-explain", EXPLAIN_RULES, &[]);
    assert!(!alerts.is_empty());
    assert!(alerts.iter().all(|e| e["alert"].get("explain").is_none()));
}

#[test]
fn ruleset_id_is_a_stable_hash_of_the_rule_texts() {
    let ids = |alerts: &[serde_json::Value]| -> std::collections::BTreeSet<String> {
        alerts
            .iter()
            .map(|e| e["alert"]["ruleset_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let a = ids(&alerts_with("rsid-a", EXPLAIN_RULES, &[]));
    let b = ids(&alerts_with("rsid-b", EXPLAIN_RULES, &[]));
    assert_eq!(a.len(), 1, "one id per run: {a:?}");
    assert_eq!(a, b, "same rules, same id");
    let id = a.iter().next().cloned().unwrap_or_default();
    assert_eq!(id.len(), 16);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    // One character of one rule changed (a msg): another id.
    let changed = EXPLAIN_RULES.replace("msg:\"uri\"", "msg:\"url\"");
    assert_ne!(changed, EXPLAIN_RULES);
    let c = ids(&alerts_with("rsid-c", &changed, &[]));
    assert_eq!(c.len(), 1);
    assert_ne!(a, c, "changed rule text, new id");
}
