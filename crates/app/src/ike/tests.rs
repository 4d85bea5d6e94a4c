use super::*;
use crate::tests_util::{Harness, TC, TS};

/// An IKE_SA_INIT request proposing a 1024-bit MODP group (the `ikev2-weak-dh` case).
const SA_INIT: &[u8] = include_bytes!("sa_init.bin");

#[test]
fn sa_init_with_weak_dh() {
    let mut h = Harness::new();
    let mut p = IkeParser::new();
    h.feed(&mut p, TS, SA_INIT);
    assert_eq!(h.out.len(), 1);
    let Record::Ike(r) = &h.out[0].record else {
        panic!()
    };
    assert!(r.to_server);
    assert!(r.events.contains(&"weak_crypto_dh"));
    assert_eq!(
        serde_json::to_string(r).unwrap(),
        r#"{"version_major":2,"version_minor":0,"init_spi":"61d3693ce12af528","resp_spi":"0000000000000000","message_id":0,"exchange_type":34,"role":"initiator","payload":["Nonce","KeyExchange","SecurityAssociation","NoNextPayload"],"ikev2":{"errors":0}}"#
    );
}

#[test]
fn responder_logs_chosen_algorithms() {
    let mut h = Harness::new();
    let mut p = IkeParser::new();
    // The same message sent back by the responder (initiator flag cleared).
    let mut resp = SA_INIT.to_vec();
    resp[19] &= !FLAG_INITIATOR;
    h.feed(&mut p, TC, &resp);
    let Record::Ike(r) = &h.out[0].record else {
        panic!()
    };
    let c = r.chosen.as_ref().unwrap();
    assert_eq!(c.alg_dh, "Modp1024");
    assert!(serde_json::to_string(r)
        .unwrap()
        .contains(r#""role":"responder""#));
}

#[test]
fn truncated_and_foreign_input() {
    let mut h = Harness::new();
    let mut p = IkeParser::new();
    for n in 0..SA_INIT.len() {
        let mut cx_out = Harness::new();
        cx_out.feed(&mut p, TS, &SA_INIT[..n]);
        // A whole header makes a transaction even when the payloads are cut.
        assert_eq!(cx_out.out.len(), usize::from(n >= 28), "len {n}");
    }
    // IKEv1 makes no transaction; another major version counts as an error.
    let mut v1 = SA_INIT.to_vec();
    v1[17] = 0x10;
    h.feed(&mut p, TS, &v1);
    let mut v3 = SA_INIT.to_vec();
    v3[17] = 0x30;
    let before = p.errors;
    h.feed(&mut p, TS, &v3);
    assert!(h.out.is_empty());
    assert_eq!(p.errors, before + 1);
}
