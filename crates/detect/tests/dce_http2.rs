//! `dcerpc.*` rules on DCERPC transactions, and `http2` rules on HTTP/2 transactions only.

mod common;

use app::dcerpc::{DcerpcRecord, Iface};
use app::{AppProto, Record};
use common::engine;
use detect::Engine;
use std::sync::Arc;

/// Sid and direction of each alert of one inspection of `rec` on a flow of protocol `proto`.
fn alerts(e: &Engine, proto: AppProto, rec: &Record) -> Vec<(u32, bool)> {
    common::inspect(e, &common::packet(proto), rec)
}

const UUID: [u8; 16] = [
    0x5d, 0x2b, 0x62, 0xaa, 0xee, 0x0a, 0x4a, 0x95, 0x91, 0xae, 0xb0, 0x64, 0xfd, 0xb4, 0x71, 0xfc,
];

fn dce_tx(opnum: u16, stub_ts: &[u8], stub_tc: &[u8]) -> Record {
    Record::Dcerpc(Box::new(DcerpcRecord {
        first_request_seen: true,
        opnum,
        ctxid: 0,
        req_done: true,
        stub_ts: stub_ts.to_vec(),
        stub_tc: stub_tc.to_vec(),
        accepted: Some(Arc::from(vec![Iface {
            uuid: UUID,
            version: 1,
            first_frag: true,
            ..Default::default()
        }])),
        ..Default::default()
    }))
}

#[test]
fn dce_keywords_make_a_tcp_rule_a_dcerpc_rule() {
    let (e, r) = engine(
        r#"alert tcp any any -> any any (flow:to_server,established; dce_iface:5d2b62aa-ee0a-4a95-91ae-b064fdb471fc; dce_opnum:1; dce_stub_data; content:"BwNode"; content:!"|00|"; within:10; distance:2; sid:1;)
alert tcp any any -> any any (dce_iface:5d2b62aa-ee0a-4a95-91ae-b064fdb471fc,>1; sid:2;)
alert tcp any any -> any any (dce_opnum:0-3,9; sid:3;)
alert dcerpc any any -> any any (dce_stub_data; content:"reply"; sid:4;)"#,
    );
    assert_eq!((r.loaded, r.skipped.len()), (4, 0), "{:?}", r.skipped);
    let rec = dce_tx(1, b"..BwNode..xxxxxxxxxx", b"reply");
    // sid 3 has no direction: each side of the transaction alerts (as in Suricata).
    assert_eq!(
        alerts(&e, AppProto::Dcerpc, &rec),
        vec![(1, true), (3, false), (3, true), (4, false)]
    );
    // Stub with a NUL in the window, another opnum.
    let rec = dce_tx(4, b"..BwNode..x\0", b"");
    assert_eq!(alerts(&e, AppProto::Dcerpc, &rec), Vec::<(u32, bool)>::new());
    // Not on another protocol's flow.
    let rec = dce_tx(1, b"..BwNode..xxxxxxxxxx", b"reply");
    assert_eq!(alerts(&e, AppProto::Http, &rec), Vec::<(u32, bool)>::new());
}

#[test]
fn dce_keywords_refuse_other_protocols_buffers() {
    let (_, r) = engine(r#"alert tcp any any -> any any (dce_opnum:1; http.uri; content:"x"; sid:1;)"#);
    assert_eq!(r.loaded, 0);
}

#[test]
fn http2_rules_load_and_match_http2_flows_only() {
    let (e, r) = engine(
        r#"alert http2 any any -> any any (flow:established,to_server; app-layer-event:http2.authority_host_mismatch; sid:1;)
alert http2 any any -> any any (http.uri; content:"/"; sid:2;)
alert http any any -> any any (app-layer-event:http2.userinfo_in_uri; sid:3;)
alert http1 any any -> any any (app-layer-event:http2.userinfo_in_uri; sid:4;)"#,
    );
    // An HTTP/2 event narrows an `http` rule to HTTP/2; `http1` and HTTP/2 events conflict.
    assert_eq!(r.loaded, 3, "{:?}", r.skipped);
    assert_eq!(r.skipped.first().map(|s| s.sid), Some(Some(4)));
    // An HTTP/1 transaction does not match `http2` rules.
    let h1 = Record::Http(Box::default());
    assert_eq!(alerts(&e, AppProto::Http, &h1), Vec::<(u32, bool)>::new());
}
