//! `quic.*` and JA3/JA4 rules on QUIC transactions (one direction each).

mod common;

use app::quic::QuicRecord;
use app::{AppProto, Record};
use common::engine;
use detect::Engine;

/// Sid and direction of each alert of one inspection of `rec` on a QUIC flow.
fn alerts(e: &Engine, rec: &Record) -> Vec<(u32, bool)> {
    let mut p = common::packet(AppProto::Quic);
    p.proto = 17;
    common::inspect(e, &p, rec)
}

fn tx(to_server: bool) -> Record {
    Record::Quic(Box::new(QuicRecord {
        version: 0x6b33_43cf,
        is_long: true,
        sni: to_server.then(|| b"example.com".to_vec()),
        ja3: Some(
            if to_server {
                "771,4865,0,29,"
            } else {
                "771,4865,43"
            }
            .into(),
        ),
        ja4: to_server.then(|| "q13d0100h3_1_2".into()),
        to_server,
        ..Default::default()
    }))
}

#[test]
fn quic_buffers_on_their_side() {
    let (e, rep) = engine(
        r#"alert quic any any -> any any (quic.version; content:"|6b 33 43 cf|"; sid:1;)
alert quic any any -> any any (quic.sni; content:"example"; sid:2;)
alert quic any any -> any any (ja3.string; content:"771,4865,0"; sid:3;)
alert quic any any -> any any (ja3s.string; content:"771,4865,43"; sid:4;)
alert quic any any -> any any (ja4.hash; content:"q13d"; sid:5;)
alert udp any any -> any any (quic.version; content:"|6b|"; sid:6;)
alert tls any any -> any any (ja3.string; content:"771,4865,0"; sid:7;)"#,
    );
    assert!(rep.skipped.is_empty(), "{:?}", rep.skipped);
    assert_eq!(
        alerts(&e, &tx(true)),
        vec![(1, true), (2, true), (3, true), (5, true), (6, true)]
    );
    assert_eq!(alerts(&e, &tx(false)), vec![(1, false), (4, false), (6, false)]);
}
