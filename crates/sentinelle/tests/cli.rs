//! End-to-end behaviour of the command line: bad input is reported with its place, what was read
//! before an error is still logged, and the run modes agree.

mod common;

use std::collections::BTreeMap;

fn records(eve: &std::path::Path) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for mut e in common::read_eve(eve) {
        let obj = e.as_object_mut().unwrap();
        if obj.get("event_type").and_then(|t| t.as_str()) == Some("stats") {
            continue;
        }
        // Timestamps of flow records and ids may differ with scheduling; the records must not.
        for k in ["timestamp", "flow_id", "parent_id", "pcap_cnt", "pkt_src"] {
            obj.remove(k);
        }
        *m.entry(e.to_string()).or_default() += 1;
    }
    m
}

#[test]
fn truncated_capture_reports_offset_and_keeps_events() {
    let src = common::testdata().join("pcaps/benign-web.pcap");
    let data = std::fs::read(&src).unwrap();
    let out = common::outdir("truncated");
    let cut = out.join("cut.pcap");
    // Cut in the middle of a record, two thirds in.
    std::fs::write(&cut, &data[..data.len() * 2 / 3 + 7]).unwrap();
    let logs = out.join("logs");
    let (code, err) = common::run(&["-r", cut.to_str().unwrap(), "-l", logs.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("truncated") && err.contains("offset"), "{err}");
    let events = common::read_eve(&logs.join("eve.json"));
    let dns = events.iter().filter(|e| e["event_type"] == "dns").count();
    let flows = events.iter().filter(|e| e["event_type"] == "flow").count();
    assert!(dns > 10 && flows > 5, "dns {dns} flows {flows}");
}

#[test]
fn garbage_capture_is_an_error_naming_the_file() {
    let out = common::outdir("garbage");
    let bad = out.join("bad.pcap");
    std::fs::write(&bad, b"this is not a capture file at all, not even close").unwrap();
    let logs = out.join("logs");
    let (code, err) = common::run(&["-r", bad.to_str().unwrap(), "-l", logs.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("bad.pcap"), "{err}");
}

#[test]
fn bad_settings_are_rejected_with_the_key() {
    let pcap = common::testdata().join("pcaps/hydra-ssh.pcap");
    let out = common::outdir("badset");
    let (code, err) = common::run(&[
        "-r",
        pcap.to_str().unwrap(),
        "-l",
        out.to_str().unwrap(),
        "--set",
        "stream.midstream=perhaps",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("stream.midstream"), "{err}");
    let (code, err) = common::run(&[
        "-r",
        pcap.to_str().unwrap(),
        "-l",
        out.to_str().unwrap(),
        "--set",
        "stream.reassembly.depth=9zb",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("stream.reassembly.depth"), "{err}");
}

#[test]
fn single_and_workers_write_the_same_records() {
    // Flows spread over workers by 5-tuple; FTP data must follow its control connection, and the
    // per-attacker detectors (scans, brute force) must see all of an attacker's traffic.
    for name in [
        "benign-web",
        "hydra-ftp",
        "hydra-ssh",
        "nmap-syn",
        "zmap",
        "sqlmap",
    ] {
        let pcap = common::testdata().join(format!("pcaps/{name}.pcap"));
        let a = common::outdir(&format!("mode-single-{name}"));
        let b = common::outdir(&format!("mode-workers-{name}"));
        let (c1, e1) = common::run(&[
            "-r",
            pcap.to_str().unwrap(),
            "-l",
            a.to_str().unwrap(),
            "--runmode",
            "single",
        ]);
        let (c2, e2) = common::run(&[
            "-r",
            pcap.to_str().unwrap(),
            "-l",
            b.to_str().unwrap(),
            "--runmode",
            "workers",
            "--workers",
            "3",
        ]);
        assert_eq!((c1, c2), (0, 0), "{e1}\n{e2}");
        let ra = records(&a.join("eve.json"));
        let rb = records(&b.join("eve.json"));
        assert!(ra.len() > 5, "{name}: only {} records", ra.len());
        assert_eq!(ra, rb, "{name}");
    }
}

#[test]
fn folder_input_reads_every_capture() {
    let out = common::outdir("folder");
    let dir = out.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for n in ["hydra-ssh", "zmap"] {
        std::fs::copy(
            common::testdata().join(format!("pcaps/{n}.pcap")),
            dir.join(format!("{n}.pcap")),
        )
        .unwrap();
    }
    let logs = out.join("logs");
    let (code, err) = common::run(&["-r", dir.to_str().unwrap(), "-l", logs.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let events = common::read_eve(&logs.join("eve.json"));
    assert!(events.iter().any(|e| e["event_type"] == "ssh"));
    assert!(events
        .iter()
        .any(|e| e["dest_port"] == 80 && e["event_type"] == "flow"));
}

#[test]
fn sqli_check_reads_lines_from_files_and_stdin() {
    let out = common::outdir("sqli-check");
    let f = out.join("values.txt");
    std::fs::write(&f, "1' OR '1'='1\nO'Brien\n").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sentinelle"))
        .args(["sqli-check", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("sqli\t") && lines[0].ends_with("\t1' OR '1'='1"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "safe\t\tO'Brien");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sentinelle"))
        .arg("sqli-check")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"id=5 UNION SELECT password FROM users--\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(String::from_utf8(o.stdout).unwrap().starts_with("sqli\t"));
}

#[test]
fn listing_keywords_into_a_closed_pipe_is_not_a_panic() {
    let out = common::outdir("list-keywords");
    let err = out.join("stderr.txt");
    // The reader (`true`) is gone before the listing starts, so its first write hits EPIPE.
    let script = format!(
        "(sleep 0.3; {} --list-keywords 2>{}) | true; exit ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_sentinelle"),
        err.display()
    );
    let status = std::process::Command::new("bash")
        .args(["-c", &script])
        .status()
        .unwrap();
    let stderr = std::fs::read_to_string(&err).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sentinelle"))
        .arg("--list-keywords")
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("content:")), "{text}");
    assert!(text.lines().count() > 100);
}

/// Alert counts per signature id in an EVE file.
fn alert_sids(eve: &std::path::Path) -> BTreeMap<u64, usize> {
    let mut m = BTreeMap::new();
    for e in common::read_eve(eve) {
        if e["event_type"] == "alert" {
            if let Some(sid) = e["alert"]["signature_id"].as_u64() {
                *m.entry(sid).or_insert(0) += 1;
            }
        }
    }
    m
}

#[test]
fn rule_files_and_variables_come_from_the_config() {
    let td = common::testdata();
    let dir = common::outdir("cfg-rules");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    // sid 1 needs the client in $HOME_NET, sid 2 the server on one of $WEB_PORTS.
    std::fs::write(
        dir.join("rules/a.rules"),
        "alert http $HOME_NET any -> any any (msg:\"home client\"; flow:to_server; http.method; content:\"GET\"; sid:1;)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("extra.rules"),
        "alert tcp any any -> any $WEB_PORTS (msg:\"web port\"; flow:to_server; content:\"GET \"; depth:4; sid:2;)\n",
    )
    .unwrap();
    let cfg = dir.join("s.yaml");
    std::fs::write(
        &cfg,
        format!(
            "vars:\n  address-groups:\n    HOME_NET: \"[192.168.77.0/24]\"\n  port-groups:\n    WEB_PORTS: \"[80,8080]\"\ndefault-rule-path: {}\nrule-files:\n  - a.rules\n",
            dir.join("rules").display()
        ),
    )
    .unwrap();
    let pcap = td.join("pcaps/benign-web.pcap");
    let run = |name: &str, extra: &[&str]| {
        let out = common::outdir(name);
        let mut argv = vec![
            "-c",
            cfg.to_str().unwrap(),
            "-r",
            pcap.to_str().unwrap(),
            "-l",
            out.to_str().unwrap(),
        ];
        argv.extend_from_slice(extra);
        let (code, err) = common::run(&argv);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("not used"), "{err}");
        alert_sids(&out.join("eve.json"))
    };
    let extra = dir.join("extra.rules");
    let extra = extra.to_str().unwrap();
    // The config's rule file, plus one added with -s.
    let both = run("cfg-rules-a", &["-s", extra]);
    assert_eq!(both.keys().copied().collect::<Vec<_>>(), vec![1, 2], "{both:?}");
    assert_eq!(both.get(&1), Some(&15), "one per request: {both:?}");
    // -S replaces the config's rule files.
    let only = run("cfg-rules-b", &["-S", extra]);
    assert_eq!(only.keys().copied().collect::<Vec<_>>(), vec![2]);
    // Another HOME_NET (as --set, after the config): the client is no longer home.
    let away = run(
        "cfg-rules-c",
        &["--set", "vars.address-groups.HOME_NET=[10.0.0.0/8]"],
    );
    assert!(away.is_empty(), "{away:?}");
    // A variable that does not parse is an error naming the key.
    let out = common::outdir("cfg-rules-d");
    let (code, err) = common::run(&[
        "-c",
        cfg.to_str().unwrap(),
        "-r",
        pcap.to_str().unwrap(),
        "-l",
        out.to_str().unwrap(),
        "--set",
        "vars.port-groups.WEB_PORTS=[80,",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("vars.port-groups.WEB_PORTS"), "{err}");
}
