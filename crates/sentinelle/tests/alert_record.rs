//! EVE `alert` records carry what Suricata 7.0.10's do: the alert's `flow` object, the
//! transaction's app-layer object, and on demand (`outputs.eve-log.types.alert.*`) the payload
//! and the packet.

mod common;

use serde_json::Value;

/// The alerts of a run, by (signature id, pcap_cnt).
fn alerts(eve: &std::path::Path) -> Vec<Value> {
    common::read_eve(eve)
        .into_iter()
        .filter(|e| e["event_type"] == "alert")
        .collect()
}

fn find(v: &[Value], sid: u64, pcap_cnt: u64) -> &Value {
    v.iter()
        .find(|e| e["alert"]["signature_id"] == sid && e["pcap_cnt"] == pcap_cnt)
        .unwrap_or_else(|| panic!("no alert {sid} at packet {pcap_cnt}"))
}

fn run_benign_web(name: &str, extra: &[&str]) -> Vec<Value> {
    let td = common::testdata();
    let out = common::outdir(name);
    let pcap = td.join("pcaps/benign-web.pcap");
    let rules = td.join("rules/et-open/all.rules.gz");
    let mut args = vec![
        "-r",
        pcap.to_str().unwrap_or_default(),
        "-S",
        rules.to_str().unwrap_or_default(),
        "-l",
        out.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(extra);
    let (code, err) = common::run(&args);
    assert_eq!(code, 0, "{err}");
    alerts(&out.join("eve.json"))
}

#[test]
fn flow_and_http_objects_equal_suricatas() {
    let ours = run_benign_web("alert-record-flow", &[]);
    let reference = alerts(&common::testdata().join("pcaps/benign-web.eve.json.gz"));
    // ET POLICY curl User-Agent Outbound on the second request of the first HTTP flow.
    let r = find(&reference, 2013028, 32);
    let o = find(&ours, 2013028, 32);
    for field in ["flow", "http", "app_proto", "direction", "tx_id"] {
        assert_eq!(o[field], r[field], "{field}");
    }
    assert_eq!(o["flow"]["pkts_toserver"], 11);
    assert_eq!(o["flow"]["bytes_toclient"], 19844);
    assert_eq!(o["http"]["url"], "/about.html");
    // Every alert of the capture: the same flow and http objects as Suricata's.
    for r in &reference {
        let sid = r["alert"]["signature_id"].as_u64().unwrap_or(0);
        let o = find(&ours, sid, r["pcap_cnt"].as_u64().unwrap_or(0));
        assert_eq!(o["flow"], r["flow"], "flow of {sid}");
        assert_eq!(o["http"], r["http"], "http of {sid}");
    }
    // Off by default, as in Suricata's configuration.
    assert!(ours
        .iter()
        .all(|e| e.get("payload").is_none() && e.get("packet").is_none()));
}

#[test]
fn payload_and_packet_on_demand() {
    let ours = run_benign_web(
        "alert-record-payload",
        &[
            "--set",
            "outputs.eve-log.types.alert.payload=yes",
            "--set",
            "outputs.eve-log.types.alert.payload-printable=yes",
            "--set",
            "outputs.eve-log.types.alert.packet=yes",
        ],
    );
    let o = find(&ours, 2013028, 11);
    // Packet 11 is the client's bare ACK on which the request was inspected (a transaction
    // match on TCP: stream 1); its payload is empty.
    assert_eq!(o["stream"], 1);
    assert_eq!(o["payload"], "");
    assert_eq!(o["payload_printable"], "");
    assert_eq!(o["packet_info"]["linktype"], 1);
    // The whole Ethernet frame (66 bytes), as in the capture.
    assert_eq!(
        o["packet"],
        "2t8ZzdhpsiIK8Zf7CABFAAA08QFAAEAGEdLAqE0KxjNkCqBwAFBkrJfpkqMtEYAQAD8xQQAAAQEICmEePDOInIpT"
    );
}

#[test]
fn yaml_list_form_of_the_alert_types() {
    let dir = common::outdir("alert-record-yaml");
    let cfg = dir.join("s.yaml");
    std::fs::write(
        &cfg,
        "outputs:\n  - eve-log:\n      enabled: yes\n      types:\n        - alert:\n            payload-printable: yes\n        - http\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ours = run_benign_web("alert-record-yaml-out", &["-c", cfg.to_str().unwrap_or_default()]);
    let o = find(&ours, 2013028, 11);
    assert_eq!(o["payload_printable"], "");
    assert!(o.get("payload").is_none() && o.get("packet").is_none());
    assert_eq!(o["stream"], 1);
}
