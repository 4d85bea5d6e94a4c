use super::*;
use crate::tests_util::{hex, Harness, TC, TS};

/// A v2c get-next-request and its response (from the `snmp-community` case).
const GETNEXT: &str = "3027020101040b5b52305f4340637469215da11502042b133f85020100020100300730050601010500";
const RESPONSE: &str =
    "3031020101040b5b52305f4340637469215da21f02042b133f850201000201003011300f060a28c46201010101010100020102";

#[test]
fn v2c_request_and_response() {
    let mut h = Harness::new();
    let mut p = SnmpParser::new();
    h.feed(&mut p, TS, &hex(GETNEXT));
    h.feed(&mut p, TC, &hex(RESPONSE));
    assert_eq!(h.out.len(), 2);
    let Record::Snmp(a) = &h.out[0].record else {
        panic!()
    };
    assert_eq!(h.out[0].tx_id, Some(0));
    assert_eq!(a.version, 2);
    assert!(a.to_server);
    assert_eq!(a.community.as_deref(), Some("[R0_C@cti!]"));
    assert_eq!(a.pdu_type_value(), 1);
    assert!(a.events.is_empty());
    assert_eq!(
        serde_json::to_string(a).unwrap(),
        r#"{"version":2,"pdu_type":"get_next_request","vars":["0.1"],"community":"[R0_C@cti!]"}"#
    );
    let Record::Snmp(b) = &h.out[1].record else {
        panic!()
    };
    assert_eq!(h.out[1].tx_id, Some(1));
    assert!(!b.to_server);
    assert_eq!(b.record_dir(), Some(false));
    assert_eq!(
        serde_json::to_string(b).unwrap(),
        r#"{"version":2,"pdu_type":"response","vars":["1.0.8802.1.1.1.1.1.1.0"],"community":"[R0_C@cti!]"}"#
    );
}

impl SnmpRecord {
    fn record_dir(&self) -> Option<bool> {
        Record::Snmp(Box::new(self.clone())).one_direction()
    }
}

#[test]
fn version_mismatch_is_raised() {
    let mut h = Harness::new();
    let mut p = SnmpParser::new();
    h.feed(&mut p, TS, &hex(GETNEXT));
    // The same message as SNMPv1 (version 0).
    let mut v1 = hex(GETNEXT);
    v1[4] = 0;
    h.feed(&mut p, TS, &v1);
    let Record::Snmp(b) = &h.out[1].record else {
        panic!()
    };
    assert_eq!(b.version, 2);
    assert_eq!(b.events, vec!["version_mismatch"]);
}

#[test]
fn envelope_versions() {
    assert_eq!(envelope_version(&hex(GETNEXT)), Some(2));
    assert_eq!(envelope_version(b"\x30\x03\x02\x01\x00"), None);
    assert_eq!(envelope_version(b""), None);
}

#[test]
fn malformed_and_truncated_input() {
    let mut h = Harness::new();
    let mut p = SnmpParser::new();
    let full = hex(RESPONSE);
    for n in 0..full.len() {
        h.feed(&mut p, TC, &full[..n]);
    }
    assert!(h.out.is_empty());
    assert_eq!(p.malformed, full.len() as u64 - 1);
    h.feed(&mut p, TC, b"\x30\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff");
    h.feed(&mut p, TS, &[0x30; 64]);
    assert!(h.out.is_empty());
    // Garbage did not spoil the flow.
    h.feed(&mut p, TC, &full);
    assert_eq!(h.out.len(), 1);
    assert_eq!(h.out[0].tx_id, Some(0));
}

#[test]
fn pdu_type_names() {
    assert_eq!(pdu_type_name(5), "get_bulk_request");
    assert_eq!(pdu_type_name(0x1f), "Unknown(0x1f)");
    assert_eq!(error_name(2), "NoSuchName");
    assert_eq!(trap_name(9), "TrapType(9)");
}
