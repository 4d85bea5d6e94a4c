use super::*;
use crate::tests_util::{Harness, TC, TS};
use crate::AppEvent;

/// The `quic-v2` case's client and server Initial packets (QUIC v2).
const V2_CLIENT: &[u8] = include_bytes!("testdata/v2_client_initial.bin");
const V2_SERVER: &[u8] = include_bytes!("testdata/v2_server_initial.bin");
/// Chrome's first Initial to cloudflare-quic.com (`ja4-rules-requires-off`, QUIC v1): the
/// ClientHello split over several CRYPTO frames, out of order.
const V1_CHROME: &[u8] = include_bytes!("testdata/v1_chrome_initial.bin");

fn quic(e: &AppEvent) -> &QuicRecord {
    match &e.record {
        Record::Quic(r) => r,
        r => panic!("not quic: {r:?}"),
    }
}

#[test]
fn v2_handshake_as_suricata_logs_it() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    h.feed(&mut p, TS, V2_CLIENT);
    h.feed(&mut p, TC, V2_SERVER);
    assert_eq!(h.out.len(), 2);
    assert_eq!(h.out[0].tx_id, Some(0));
    assert_eq!(h.out[1].tx_id, Some(1));
    let c = quic(&h.out[0]);
    assert!(c.to_server && c.is_long);
    assert_eq!(c.version_buf(), Some([0x6b, 0x33, 0x43, 0xcf]));
    assert_eq!(
        serde_json::to_string(c).unwrap(),
        r#"{"version":"v2","ja3":{"hash":"ea0aece5703cb982b232a0684fc35b16","string":"771,4865-4866-4867,5-10-11-13-65281-23-16-18-43-51-57,29-23-24-25,0"},"extensions":[{"name":"status_request","type":5},{"name":"supported_groups","type":10},{"name":"ec_point_formats","type":11},{"name":"signature_algorithms","type":13,"values":["2052","1027","2055","2053","2054","1025","1281","1537","1283","1539","513","515"]},{"name":"renegotiation_info","type":65281},{"name":"extended_master_secret","type":23},{"name":"alpn","type":16,"values":["h3"]},{"name":"signed_certificate_timestamp","type":18},{"name":"supported_versions","type":43,"values":["Tls13"]},{"name":"key_share","type":51},{"name":"quic_transport_parameters","type":57}]}"#
    );
    let s = quic(&h.out[1]);
    assert!(!s.to_server);
    assert_eq!(s.ja4, None);
    assert_eq!(
        serde_json::to_string(s).unwrap(),
        r#"{"version":"v2","ja3s":{"hash":"f4febc55ea12b31ae17cfb7e614afda8","string":"771,4865,43-51"},"extensions":[{"name":"supported_versions","type":43,"values":["Tls13"]},{"name":"key_share","type":51}]}"#
    );
    // Both hellos seen: everything after is encrypted and makes no transaction.
    h.feed(&mut p, TS, V2_CLIENT);
    h.feed(&mut p, TC, V2_SERVER);
    assert_eq!(h.out.len(), 2);
    assert_eq!(p.errors, 0);
}

#[test]
fn chrome_hello_reassembled_from_crypto_frames() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    h.feed(&mut p, TS, V1_CHROME);
    assert_eq!(h.out.len(), 1);
    let c = quic(&h.out[0]);
    assert_eq!(c.sni.as_deref(), Some(&b"cloudflare-quic.com"[..]));
    assert_eq!(
        c.ja3.as_deref(),
        Some("771,4865-4866-4867,16-0-45-27-10-51-43-57-17513-13,29-23-24,")
    );
    assert_eq!(c.ja3_hash().as_deref(), Some("3cbc33c648fe331404456f48a5a27170"));
    // JA4 over QUIC: `q` prefix, 3 ciphers, 10 extensions, ALPN h3.
    assert_eq!(c.ja4.as_deref(), Some("q13d0310h3_55b375c5d22e_cd85d2d88918"));
    let types: Vec<u16> = c.extv.iter().map(|e| e.etype).collect();
    assert_eq!(types, [16, 0, 45, 27, 10, 51, 43, 57, 17513, 13]);
    assert!(serde_json::to_string(c).unwrap().starts_with(
        r#"{"version":"1","sni":"cloudflare-quic.com","ja3":{"hash":"3cbc33c648fe331404456f48a5a27170""#
    ));
}

#[test]
fn tampered_packet_fails_to_decrypt() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    let mut b = V2_CLIENT.to_vec();
    let last = b.len() - 1;
    b[last] ^= 1;
    h.feed(&mut p, TS, &b);
    assert_eq!(h.out.len(), 1);
    let r = quic(&h.out[0]);
    assert_eq!(r.events, ["failed_decrypt"]);
    assert_eq!(r.ja3, None);
    assert_eq!(serde_json::to_string(r).unwrap(), r#"{"version":"v2"}"#);
    assert_eq!(p.errors, 1);
    // The keys stay: the genuine packet decrypts afterwards.
    h.feed(&mut p, TS, V2_CLIENT);
    assert!(quic(&h.out[1]).ja3.is_some());
}

#[test]
fn truncated_datagrams_never_panic() {
    for n in 0..V1_CHROME.len() {
        let mut h = Harness::new();
        let mut p = QuicParser::new();
        h.feed(&mut p, TS, &V1_CHROME[..n]);
        // The header announces more than a cut datagram holds: no transaction.
        assert!(h.out.is_empty(), "len {n}");
    }
    for n in 0..V2_SERVER.len() {
        let mut h = Harness::new();
        let mut p = QuicParser::new();
        let mut b = V2_SERVER[..n].to_vec();
        b.extend(std::iter::repeat_n(0xa5, V2_SERVER.len() - n));
        h.feed(&mut p, TC, &b);
        assert!(h.out.len() <= 1, "len {n}");
    }
}

#[test]
fn handshake_and_retry_packets() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    // A v1 Handshake packet: header only.
    h.feed(&mut p, TC, &[0xe0, 0, 0, 0, 1, 0, 0, 1, 2, 3]);
    assert_eq!(h.out.len(), 1);
    let r = quic(&h.out[0]);
    assert!(!r.to_server && r.ja3.is_none());
    assert_eq!(serde_json::to_string(r).unwrap(), r#"{"version":"1"}"#);
    // Client Initial sets keys; a server Retry drops them and the client's hello is parsed
    // again with the keys of its next Initial.
    h.feed(&mut p, TS, V2_CLIENT);
    assert!(p.keys.is_some() && p.hello[0]);
    h.feed(&mut p, TC, &[0xc0, 0x6b, 0x33, 0x43, 0xcf, 0, 0, 9, 9]);
    assert!(p.keys.is_none() && !p.hello[0] && p.has_retried);
    h.feed(&mut p, TS, V2_CLIENT);
    assert_eq!(h.out.len(), 4);
    assert!(quic(&h.out[3]).ja3.is_some());
    // Short header and version negotiation.
    h.feed(&mut p, TC, &[0x40, 1, 2, 3]);
    assert_eq!(h.out.len(), 4);
    h.feed(&mut p, TC, &[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(h.out.len(), 5);
    assert_eq!(
        serde_json::to_string(quic(&h.out[4])).unwrap(),
        r#"{"version":"0"}"#
    );
}

/// A gQUIC Q043 public header with version, then one STREAM frame holding a CHLO with an SNI
/// and a UAID tag.
fn gquic_chlo() -> Vec<u8> {
    let mut b = vec![0x09, 1, 2, 3, 4, 5, 6, 7, 8, b'Q', b'0', b'4', b'3', 1];
    b.extend_from_slice(&[0; 12]);
    let mut msg = b"CHLO".to_vec();
    msg.extend_from_slice(&[2, 0, 0, 0]);
    msg.extend_from_slice(b"SNI\0");
    msg.extend_from_slice(&4u32.to_le_bytes());
    msg.extend_from_slice(b"UAID");
    msg.extend_from_slice(&7u32.to_le_bytes());
    msg.extend_from_slice(b"abcdxyz");
    b.push(0xa0);
    b.push(1);
    b.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    b.extend_from_slice(&msg);
    b
}

#[test]
fn gquic_tags_and_cyu() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    h.feed(&mut p, TS, &gquic_chlo());
    assert_eq!(h.out.len(), 1);
    let r = quic(&h.out[0]);
    assert!(!r.is_long);
    assert_eq!(r.version_buf(), None);
    assert_eq!(r.sni.as_deref(), Some(&b"abcd"[..]));
    assert_eq!(r.ua.as_deref(), Some(&b"xyz"[..]));
    assert_eq!(r.cyu.len(), 1);
    assert_eq!(r.cyu[0].string, "43,SNI-UAID");
    assert_eq!(r.cyu[0].hash, crate::tls::ja3_hash("43,SNI-UAID"));
    let j = serde_json::to_string(r).unwrap();
    assert!(
        j.starts_with(r#"{"version":"Q043","sni":"abcd","ua":"xyz","cyu":[{"hash":""#),
        "{j}"
    );
    // An unknown tag: the frame is kept without tags, no SNI and no fingerprint.
    let mut b = gquic_chlo();
    let at = b.windows(4).position(|w| w == b"UAID").unwrap();
    b[at] = b'Z';
    let mut h2 = Harness::new();
    h2.feed(&mut QuicParser::new(), TS, &b);
    assert_eq!(h2.out.len(), 1);
    assert_eq!(
        serde_json::to_string(quic(&h2.out[0])).unwrap(),
        r#"{"version":"Q043"}"#
    );
}

#[test]
fn undecodable_frames_raise_error_on_data() {
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    // A gQUIC packet (no keys) whose CRYPTO frame at offset 0 is a HelloRequest, not a hello.
    let mut b = vec![0x09, 1, 2, 3, 4, 5, 6, 7, 8, b'Q', b'0', b'4', b'3', 1];
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(&[0x06, 0x00, 0x04, 0x00, 0, 0, 0]);
    h.feed(&mut p, TS, &b);
    assert_eq!(h.out.len(), 1);
    assert_eq!(quic(&h.out[0]).events, ["error_on_data"]);
    // A CRYPTO fragment too large to reassemble.
    let mut b = vec![0x09, 1, 2, 3, 4, 5, 6, 7, 8, b'Q', b'0', b'4', b'3', 1];
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(&[0x06, 0x80, 0x01, 0x00, 0x00, 0x01, 0xaa]);
    h.feed(&mut p, TS, &b);
    assert_eq!(quic(&h.out[1]).events, ["crypto_frag_too_long"]);
}

#[test]
fn random_frames_never_panic() {
    // A small LCG: frame bytes biased towards the frame types and small var-ints.
    let mut x: u64 = 0x1234_5678;
    let mut next = || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 33) as u8
    };
    let mut past = Vec::new();
    let mut past_len = 0;
    for _ in 0..3000 {
        let n = usize::from(next()) % 64;
        let b: Vec<u8> = (0..n)
            .map(|_| match next() % 4 {
                0 => next() % 9,
                1 => 0x80 | (next() & 0x3f),
                _ => next(),
            })
            .collect();
        if let Some(frames) = frames::decode(&b, &past, past_len) {
            for f in frames {
                if let Frame::CryptoFrag { offset, data, .. } = f {
                    past = data;
                    past_len = u32::try_from(offset).unwrap_or(0);
                }
            }
        }
        assert!(past.len() < frames::MAX_CRYPTO_FRAG_LEN as usize);
    }
    // Through the parser too (gQUIC public header: frames in the clear).
    let mut h = Harness::new();
    let mut p = QuicParser::new();
    for _ in 0..500 {
        let mut b = vec![0x09, 1, 2, 3, 4, 5, 6, 7, 8, b'Q', b'0', b'4', b'3', 1];
        b.extend_from_slice(&[0; 12]);
        let n = usize::from(next()) % 48;
        b.extend((0..n).map(|_| if next() % 3 == 0 { next() % 9 } else { next() }));
        h.feed(&mut p, if next() % 2 == 0 { TS } else { TC }, &b);
    }
}
