use super::*;
use crate::tests_util::{Harness, TC, TS};

/// An AS-REQ and the KRB-ERROR (preauth required) answering it, each with its TCP record mark
/// (from the `krb5-krb5_msg_type` case).
const AS_REQ: &[u8] = include_bytes!("asreq.bin");
const ERROR: &[u8] = include_bytes!("err.bin");

fn recs(h: &Harness) -> Vec<&Krb5Record> {
    h.out
        .iter()
        .filter_map(|e| match &e.record {
            Record::Krb5(r) => Some(&**r),
            _ => None,
        })
        .collect()
}

#[test]
fn tcp_request_and_error() {
    let mut h = Harness::new();
    let mut p = Krb5Parser::new_tcp();
    h.feed(&mut p, TS, AS_REQ);
    h.feed(&mut p, TC, ERROR);
    let r = recs(&h);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].msg_type, 10);
    assert!(r[0].to_server);
    assert_eq!(
        serde_json::to_string(r[0]).unwrap(),
        r#"{"msg_type":"KRB_AS_REQ","cname":"robin","realm":"CYLERA.LAB","sname":"krbtgt/CYLERA.LAB","encryption":"<none>","weak_encryption":false}"#
    );
    assert_eq!(r[1].msg_type, 30);
    assert_eq!(r[1].error_code, Some(25));
    assert!(!r[1].to_server);
    assert_eq!(
        serde_json::to_string(r[1]).unwrap(),
        r#"{"msg_type":"KRB_ERROR","failed_request":"KRB_AS_REQ","error_code":"KDC_ERR_PREAUTH_REQUIRED","cname":"<empty>","realm":"<empty>","sname":"krbtgt/CYLERA.LAB","encryption":"<none>","weak_encryption":false}"#
    );
    assert_eq!(h.out[1].tx_id, Some(1));
}

#[test]
fn tcp_records_split_anywhere() {
    for cut in 1..AS_REQ.len() {
        let mut h = Harness::new();
        let mut p = Krb5Parser::new_tcp();
        h.feed(&mut p, TS, &AS_REQ[..cut]);
        assert!(recs(&h).is_empty(), "cut {cut}");
        h.feed(&mut p, TS, &AS_REQ[cut..]);
        assert_eq!(recs(&h).len(), 1, "cut {cut}");
    }
    // Two records in one chunk, then an empty record.
    let mut both = AS_REQ.to_vec();
    both.extend_from_slice(AS_REQ);
    both.extend_from_slice(&[0, 0, 0, 0]);
    let mut h = Harness::new();
    let mut p = Krb5Parser::new_tcp();
    h.feed(&mut p, TS, &both);
    assert_eq!(recs(&h).len(), 2);
}

#[test]
fn udp_messages_and_garbage() {
    let mut h = Harness::new();
    let mut p = Krb5Parser::new_udp();
    h.feed(&mut p, TS, &AS_REQ[4..]);
    // Truncated messages make no transaction.
    for n in 1..ERROR.len() - 4 {
        h.feed(&mut p, TC, &ERROR[4..4 + n]);
    }
    assert_eq!(recs(&h).len(), 1);
    // The 1- and 2-byte ones have no whole header: malformed.
    assert_eq!(p.malformed, 2);
    // A universal-class element is ignored, a bad header counted.
    h.feed(&mut p, TS, b"\x30\x03\x02\x01\x05");
    h.feed(&mut p, TS, b"\xff");
    assert_eq!(p.malformed, 3);
    h.feed(&mut p, TC, &ERROR[4..]);
    let r = recs(&h);
    assert_eq!(r.len(), 2);
    // The request memory was reset by the truncated error messages' tags.
    assert_eq!(r[1].req_type, None);
    assert!(serde_json::to_string(r[1])
        .unwrap()
        .contains(r#""failed_request":"UNKNOWN""#));
}

#[test]
fn tcp_oversized_record_or_bad_header_ends_parsing() {
    let mut h = Harness::new();
    let mut p = Krb5Parser::new_tcp();
    h.feed(&mut p, TS, &[0x7f, 0, 0, 0, 1]);
    h.feed(&mut p, TS, AS_REQ);
    assert!(recs(&h).is_empty());
    let mut p = Krb5Parser::new_tcp();
    h.feed(&mut p, TS, &[0, 0, 0, 1, 0xff]);
    h.feed(&mut p, TS, AS_REQ);
    assert!(recs(&h).is_empty());
}

#[test]
fn weak_encryption_table() {
    assert!(!weak_encryption(18));
    assert!(weak_encryption(23));
    assert!(weak_encryption(-1));
}
