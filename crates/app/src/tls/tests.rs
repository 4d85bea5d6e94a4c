//! TLS parser tests on streams from real captures, against Suricata 7.0.10's EVE output.

use super::*;
use crate::{Expectations, FlowInfo};
use std::net::{IpAddr, Ipv4Addr};
use wire::Timestamp;

const BENIGN_C: &[u8] = include_bytes!("testdata/benign.c.bin");
const BENIGN_S: &[u8] = include_bytes!("testdata/benign.s.bin");
const NMAP_C: &[u8] = include_bytes!("testdata/nmap.c.bin");
const NMAP_S: &[u8] = include_bytes!("testdata/nmap.s.bin");
const NMAP_SHORT_C: &[u8] = include_bytes!("testdata/nmap_short.c.bin");
const NMAP_SHORT_S: &[u8] = include_bytes!("testdata/nmap_short.s.bin");
const HRR_C: &[u8] = include_bytes!("testdata/tls13_hrr.c.bin");
const HRR_S: &[u8] = include_bytes!("testdata/tls13_hrr.s.bin");
const CF_C: &[u8] = include_bytes!("testdata/tls13_cf.c.bin");
const CF_S: &[u8] = include_bytes!("testdata/tls13_cf.s.bin");
const BADCERT_C: &[u8] = include_bytes!("testdata/badcert.c.bin");
const BADCERT_S: &[u8] = include_bytes!("testdata/badcert.s.bin");

/// Suricata's `tls` object for benign-web.pcap, flow 60852.
const BENIGN_EVE: &str = r#"{"subject":"CN=www.debian.org, O=Lab Hosting","issuerdn":"CN=www.debian.org, O=Lab Hosting","serial":"6B:A3:FB:1D:11:FD:2D:B5:E8:6D:1B:84:D9:D7:8F:BC:4E:DC:EE:2F","fingerprint":"87:cf:41:ec:cc:9f:00:f4:ad:10:46:ae:21:7b:31:75:cf:9b:2f:08","sni":"www.python.org","version":"TLS 1.2","notbefore":"2026-11-25T07:18:07","notafter":"2029-02-27T07:18:07","ja3":{"hash":"0149f47eabf9a20d0893e2a44e5a6323","string":"771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2"},"ja3s":{"hash":"263c859c5391203d774bc0599793d915","string":"771,49200,65281-0-11-16-23"}}"#;

/// Suricata's `tls` object for nmap-version.pcap, flow 35666.
const NMAP_EVE: &str = r#"{"subject":"CN=intranet.corner-shop.lan, O=Lab Hosting","issuerdn":"CN=intranet.corner-shop.lan, O=Lab Hosting","serial":"6C:15:CF:D0:03:63:A1:B7:20:A3:6D:FF:48:1F:CD:2D:AA:ED:4E:65","fingerprint":"4a:ee:5d:8c:fb:6e:93:9a:4b:38:a9:0a:d5:69:53:62:72:e7:ba:53","version":"TLS 1.2","notbefore":"2026-11-25T07:18:08","notafter":"2029-02-27T07:18:08","ja3":{"hash":"b3e88a126e6e0179ae465227a52f60ad","string":"771,4866-4867-4865-51-57-53-47-49196-49200-163-159-52393-52392-52394-49327-49325-49315-49311-49245-49249-49239-49235-49195-49199-162-158-49326-49324-49314-49310-49244-49248-49238-49234-49188-49192-107-106-49267-49271-196-195-49187-49191-103-64-49266-49270-190-189-49162-49172-56-136-135-49161-49171-50-154-153-69-68-157-49313-49309-49233-156-49312-49308-49232-61-192-60-186-132-150-65-255,11-10-35-22-23-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2"},"ja3s":{"hash":"fa0eef812608dbe3c36e58b290ebfb45","string":"771,53,65281-35-22-23"}}"#;

fn flow() -> FlowInfo {
    FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(192, 168, 77, 10)),
        server: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 10)),
        client_port: 60852,
        server_port: 443,
        proto: 6,
    }
}

enum Step<'a> {
    Data(Direction, &'a [u8]),
    Gap(Direction),
    Close,
}

/// Runs steps through a parser, returning the TLS records emitted.
fn run(p: &mut TlsParser, steps: &[Step<'_>]) -> Vec<TlsRecord> {
    let f = flow();
    let mut out = Vec::new();
    let mut ex = Expectations::default();
    let mut cx = Cx {
        ts: Timestamp(0),
        flow: &f,
        out: &mut out,
        expect: &mut ex,
    };
    for s in steps {
        match s {
            Step::Data(d, b) => p.on_data(*d, b, &mut cx),
            Step::Gap(d) => p.on_gap(*d, 10, &mut cx),
            Step::Close => p.on_close(&mut cx),
        }
    }
    out.into_iter()
        .map(|e| match e.record {
            Record::Tls(r) => {
                assert_eq!(e.tx_id, Some(0));
                *r
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn json(r: &TlsRecord) -> String {
    serde_json::to_string(r).unwrap()
}

/// Length of the first record of a stream.
fn first_record(s: &[u8]) -> usize {
    5 + usize::from(u16::from_be_bytes([s[3], s[4]]))
}

use Direction::{ToClient as TC, ToServer as TS};

/// Client's first record, the server's data, then the client's rest, then close.
fn session(c: &[u8], s: &[u8]) -> Vec<TlsRecord> {
    session_with(TlsParser::new(), c, s)
}

fn session_with(mut p: TlsParser, c: &[u8], s: &[u8]) -> Vec<TlsRecord> {
    let n = first_record(c).min(c.len());
    run(
        &mut p,
        &[
            Step::Data(TS, &c[..n]),
            Step::Data(TC, s),
            Step::Data(TS, &c[n..]),
            Step::Close,
        ],
    )
}

#[test]
fn tls12_matches_suricata_benign_web() {
    let r = session(BENIGN_C, BENIGN_S);
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), BENIGN_EVE);
    assert_eq!(r[0].sni(), Some(&b"www.python.org"[..]));
    assert_eq!(r[0].ja3_hash(), Some("0149f47eabf9a20d0893e2a44e5a6323"));
    assert_eq!(r[0].ja3s_hash(), Some("263c859c5391203d774bc0599793d915"));
    assert_eq!(r[0].cert_subject(), Some("CN=www.debian.org, O=Lab Hosting"));
    assert_eq!(
        r[0].cert_serial(),
        Some("6B:A3:FB:1D:11:FD:2D:B5:E8:6D:1B:84:D9:D7:8F:BC:4E:DC:EE:2F")
    );
    assert_eq!(r[0].certs().count(), 1);
    assert_eq!(
        r[0].certs().next().map(cert_fingerprint).as_deref(),
        r[0].cert_fingerprint()
    );
    assert_eq!(r[0].version_str(), "TLS 1.2");
    // curl's ClientHello: 0x1301.. ciphers, ALPN h2.
    assert_eq!(r[0].ja4_hash(), Some("t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"));
}

#[test]
fn tls12_matches_suricata_nmap() {
    let r = session(NMAP_C, NMAP_S);
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), NMAP_EVE);
    assert_eq!(r[0].ja4_hash(), Some("t13i781000_ab95583b6d39_d41ae481755e"));
}

#[test]
fn logged_when_certificate_seen() {
    // The event comes with the server flight, before the client's next records or close.
    let mut p = TlsParser::new();
    let n = first_record(BENIGN_C);
    assert!(run(&mut p, &[Step::Data(TS, &BENIGN_C[..n])]).is_empty());
    let r = run(&mut p, &[Step::Data(TC, BENIGN_S)]);
    assert_eq!(r.len(), 1);
    assert!(p.handshake_done());
    // Nothing more, ever.
    assert!(run(&mut p, &[Step::Data(TS, &BENIGN_C[n..]), Step::Close]).is_empty());
    assert!(p.stats.app_bytes > 0);
}

#[test]
fn split_at_every_byte() {
    let n = first_record(BENIGN_C);
    for cut in 0..BENIGN_S.len() {
        let mut p = TlsParser::new();
        let r = run(
            &mut p,
            &[
                Step::Data(TS, &BENIGN_C[..n]),
                Step::Data(TC, &BENIGN_S[..cut]),
                Step::Data(TC, &BENIGN_S[cut..]),
            ],
        );
        assert_eq!(r.len(), 1, "server cut {cut}");
        assert_eq!(json(&r[0]), BENIGN_EVE, "server cut {cut}");
    }
    // Client cuts within the ClientHello record (a later client CCS before the server's
    // records would make Suricata skip them).
    for cut in 0..=n {
        let mut p = TlsParser::new();
        let mut r = run(&mut p, &[Step::Data(TS, &BENIGN_C[..cut])]);
        r.extend(run(
            &mut p,
            &[
                Step::Data(TC, BENIGN_S),
                Step::Data(TS, &BENIGN_C[cut..]),
                Step::Close,
            ],
        ));
        assert_eq!(r.len(), 1, "client cut {cut}");
        if cut >= n {
            assert_eq!(json(&r[0]), BENIGN_EVE, "client cut {cut}");
        } else {
            // The certificate arrived before the ClientHello was complete: logged without it.
            assert_eq!(r[0].sni(), None, "client cut {cut}");
        }
    }
}

#[test]
fn one_byte_at_a_time() {
    let mut p = TlsParser::new();
    let n = first_record(BENIGN_C);
    let mut steps: Vec<Step<'_>> = BENIGN_C[..n].chunks(1).map(|c| Step::Data(TS, c)).collect();
    steps.extend(BENIGN_S.chunks(1).map(|c| Step::Data(TC, c)));
    let r = run(&mut p, &steps);
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), BENIGN_EVE);
}

#[test]
fn client_app_data_first_ends_the_handshake() {
    // The whole client stream before any server byte: its application data marks the
    // handshake done, and Suricata's logger runs then, with the client's side only (the
    // ClientHello has a session ticket extension, so it is logged).
    let mut p = TlsParser::new();
    let r = run(
        &mut p,
        &[Step::Data(TS, NMAP_C), Step::Data(TC, NMAP_S), Step::Close],
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].version_str(), "UNDETERMINED");
    assert_eq!(r[0].ja3_hash(), Some("b3e88a126e6e0179ae465227a52f60ad"));
    assert_eq!(r[0].cert_subject(), None);
}

#[test]
fn lone_client_hello_without_ticket_is_not_logged() {
    // nmap's short probe: ClientHello without session ticket extension, server alert.
    let mut p = TlsParser::new();
    let r = run(
        &mut p,
        &[
            Step::Data(TS, NMAP_SHORT_C),
            Step::Data(TC, NMAP_SHORT_S),
            Step::Close,
        ],
    );
    assert!(r.is_empty());
    assert_eq!(p.record().ja3_string().map(|s| s.split(',').count()), Some(5));
}

#[test]
fn incomplete_handshake_with_ticket_logged_at_close() {
    // ClientHello with a session ticket extension only: Suricata logs it when the flow ends.
    let n = first_record(NMAP_C);
    let mut p = TlsParser::with_config(TlsConfig {
        ja3: false,
        ja4: false,
        log_ja4: false,
    });
    let r = run(&mut p, &[Step::Data(TS, &NMAP_C[..n])]);
    assert!(r.is_empty());
    let r = run(&mut p, &[Step::Close]);
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), r#"{"version":"UNDETERMINED"}"#);
}

#[test]
fn tls13_with_hello_retry() {
    // Conformance case bug-5758: HelloRetryRequest, CCS, second ClientHello, TLS 1.3.
    let p = TlsParser::with_config(TlsConfig {
        ja3: false,
        ja4: true,
        log_ja4: false,
    });
    let r = session_with(p, HRR_C, HRR_S);
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), r#"{"sni":"ftp.nluug.nl","version":"TLS 1.3"}"#);
    // Suricata adds the second ClientHello's values to JA4: counts saturate the 2 digits.
    assert!(r[0].ja4_hash().is_some_and(|j| j.starts_with("t13d")));
}

#[test]
fn tls13_chrome_ja4() {
    // Conformance case ja4-rules-requires-off: Chrome to cloudflare-quic.com, with GREASE.
    let mut p = TlsParser::with_config(TlsConfig {
        ja3: true,
        ja4: true,
        log_ja4: true,
    });
    let n = first_record(CF_C);
    let r = run(
        &mut p,
        &[
            Step::Data(TS, &CF_C[..n]),
            Step::Data(TC, CF_S),
            Step::Data(TS, &CF_C[n..]),
        ],
    );
    assert_eq!(r.len(), 1);
    // The JA4 FoxIO documents for Chrome.
    assert_eq!(r[0].ja4_hash(), Some("t13d1516h2_8daaf6152771_e5627efa2ab1"));
    let j = json(&r[0]);
    assert!(
        j.starts_with(r#"{"sni":"cloudflare-quic.com","version":"TLS 1.3","ja3":{"hash":""#),
        "{j}"
    );
    assert!(
        j.ends_with(r#""ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1"}"#),
        "{j}"
    );
    // GREASE removed from JA3: no 0x?a?a values.
    let ja3 = r[0].ja3_string().unwrap();
    for v in ja3.split([',', '-']) {
        let v: u32 = v.parse().unwrap();
        assert!(!(v <= 0xffff && is_grease(v as u16)), "{ja3}");
    }
    assert_eq!(r[0].ja3_hash().map(str::len), Some(32));
    assert_eq!(r[0].ja3s_string(), Some("771,4865,51-43"));
}

#[test]
fn grease_in_ja3() {
    // A minimal ClientHello with GREASE cipher, extension, group and version.
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0u8; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0, 4, 0x0a, 0x0a, 0x13, 0x01]); // ciphers
    body.extend_from_slice(&[1, 0]); // compression
    let exts: Vec<u8> = [
        &[0x1a, 0x1a, 0, 0][..],                     // GREASE ext, empty
        &[0, 10, 0, 6, 0, 4, 0x2a, 0x2a, 0, 29][..], // groups: GREASE, x25519
        &[0, 11, 0, 2, 1, 0][..],                    // point formats
        &[0, 43, 0, 5, 4, 0x3a, 0x3a, 3, 4][..],     // versions: GREASE, 1.3
    ]
    .concat();
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let mut rec = vec![22, 3, 1];
    rec.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    rec.extend_from_slice(&[1, 0]);
    rec.extend_from_slice(&(body.len() as u16).to_be_bytes());
    rec.extend_from_slice(&body);
    let mut p = TlsParser::new();
    run(&mut p, &[Step::Data(TS, &rec)]);
    let r = p.record();
    assert_eq!(r.ja3_string(), Some("771,4865,10-11-43,29,0"));
    assert_eq!(r.ja3_hash(), Some(ja3_hash("771,4865,10-11-43,29,0").as_str()));
    assert_eq!(r.client_version, 0x0304);
    // 1 cipher, 3 extensions (GREASE not counted), no ALPN, no SNI.
    assert!(r.ja4_hash().unwrap().starts_with("t13i010300_"));
}

#[test]
fn bad_certificate_does_not_panic() {
    // bug-1450-02: a certificate message with bogus lengths.
    let mut p = TlsParser::new();
    let r = run(
        &mut p,
        &[Step::Data(TS, BADCERT_C), Step::Data(TC, BADCERT_S), Step::Close],
    );
    // Logged at close thanks to the session ticket extension; no certificate fields.
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].cert_subject(), None);
    assert!(p.stats.anomalies > 0);
}

#[test]
fn handshake_split_across_records() {
    // Re-frame the server's handshake messages into 100-byte records.
    let s = BENIGN_S;
    let mut msgs = Vec::new();
    let mut pos = 0;
    while pos + 5 <= s.len() && s[pos] == 22 {
        let l = first_record(&s[pos..]);
        msgs.extend_from_slice(&s[pos + 5..pos + l]);
        pos += l;
    }
    let mut reframed = Vec::new();
    for chunk in msgs.chunks(100) {
        reframed.extend_from_slice(&[22, 3, 3]);
        reframed.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        reframed.extend_from_slice(chunk);
    }
    let n = first_record(BENIGN_C);
    let mut p = TlsParser::new();
    let r = run(
        &mut p,
        &[Step::Data(TS, &BENIGN_C[..n]), Step::Data(TC, &reframed)],
    );
    assert_eq!(r.len(), 1);
    assert_eq!(json(&r[0]), BENIGN_EVE);
}

#[test]
fn truncated_server_flight() {
    // curl's ClientHello has no session ticket extension: logged only once the certificate
    // record (ending at 1919) is complete.
    let n = first_record(BENIGN_C);
    for cut in 0..BENIGN_S.len() {
        let mut p = TlsParser::new();
        let r = run(
            &mut p,
            &[
                Step::Data(TS, &BENIGN_C[..n]),
                Step::Data(TC, &BENIGN_S[..cut]),
                Step::Close,
            ],
        );
        assert_eq!(r.len(), usize::from(cut >= 1919), "cut {cut}");
    }
}

#[test]
fn gap_stops_parsing() {
    let mut p = TlsParser::new();
    let n = first_record(NMAP_C);
    let r = run(
        &mut p,
        &[
            Step::Data(TS, &NMAP_C[..n]),
            Step::Gap(TC),
            Step::Data(TC, NMAP_S),
        ],
    );
    assert!(p.failed());
    assert!(r.is_empty());
    // Logged at close (session ticket extension), without the server's data.
    let r = run(&mut p, &[Step::Close]);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].cert_subject(), None);
    assert_eq!(r[0].version_str(), "UNDETERMINED");
}

#[test]
fn invalid_records_fail() {
    for bad in [
        &[0x16, 3, 3, 0, 0][..],                // zero length
        &[0x16, 9, 9, 0, 5, 1, 2, 3, 4, 5][..], // bad version
        &[0x30, 3, 3, 0, 1, 0][..],             // unknown type
        &[0x16, 3, 3, 0x50, 0][..],             // too long
        &[0x16, 3, 3, 0, 2, 1, 0][..],          // handshake record < 4
    ] {
        let mut p = TlsParser::new();
        run(&mut p, &[Step::Data(TS, bad)]);
        assert!(p.failed(), "{bad:?}");
    }
    // Unknown record type after TLS 1.0 records is tolerated.
    let mut p = TlsParser::new();
    run(
        &mut p,
        &[
            Step::Data(TS, &[0x15, 3, 1, 0, 2, 1, 0]),
            Step::Data(TS, &[0x30, 3, 1, 0, 1, 0]),
        ],
    );
    assert!(!p.failed());
}

#[test]
fn sslv2_client_hello_framing() {
    // SSLv2 CLIENT-HELLO announcing TLS 1.0, then a TLS alert from the server.
    let hello = [0x80, 0x0b, 0x01, 0x03, 0x01, 0, 3, 0, 0, 0, 0, 0, 0x2f];
    let mut p = TlsParser::new();
    let r = run(
        &mut p,
        &[
            Step::Data(TS, &hello),
            Step::Data(TC, &[0x15, 3, 1, 0, 2, 2, 40]),
            Step::Close,
        ],
    );
    assert!(!p.failed());
    assert!(r.is_empty());
    assert_eq!(p.record().client_version, 0x0301);
    assert!(probe(&hello));
}

#[test]
fn probes() {
    assert!(probe(BENIGN_C));
    assert!(probe_to_server(BENIGN_C));
    assert!(probe_to_client(BENIGN_S));
    assert!(!probe_to_server(&[0x17, 3, 3]));
    assert!(!probe(b"GET / HTTP/1.1\r\n"));
    assert!(!probe(b"SSH-2.0-OpenSSH"));
    assert!(!probe(&[0x16, 3]));
}

#[test]
fn garbage_never_panics() {
    let mut x: u32 = 0x9e37_79b9;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for len in 0..400usize {
        let mut data: Vec<u8> = (0..len).map(|_| (next() & 0xff) as u8).collect();
        // Make some of them look like TLS.
        if len >= 5 && len % 2 == 0 {
            data[0] = 22;
            data[1] = 3;
            data[2] = (len % 4) as u8;
            data[3] = 0;
            data[4] = (len - 5).min(255) as u8;
        }
        let mut p = TlsParser::new();
        let _ = run(
            &mut p,
            &[Step::Data(TS, &data), Step::Data(TC, &data), Step::Close],
        );
    }
    // Mutations of a real handshake.
    for i in 0..BENIGN_S.len().min(2400) {
        let mut s = BENIGN_S.to_vec();
        s[i] ^= (next() & 0xff) as u8 | 1;
        let mut p = TlsParser::new();
        let r = run(
            &mut p,
            &[Step::Data(TS, BENIGN_C), Step::Data(TC, &s), Step::Close],
        );
        assert!(r.len() <= 1);
    }
}

#[test]
fn bad_certificate_raises_suricata_events() {
    // bug-1450-02: Suricata 7.0.10 alerts on tls.invalid_handshake_message and
    // tls.invalid_certificate for this session.
    let mut p = TlsParser::new();
    run(
        &mut p,
        &[Step::Data(TS, BADCERT_C), Step::Data(TC, BADCERT_S), Step::Close],
    );
    let mut ev = p.events().to_vec();
    ev.sort_unstable();
    assert_eq!(ev, ["invalid_certificate", "invalid_handshake_message"]);
    // The record carries the events raised before it was logged.
    let r = run(
        &mut TlsParser::new(),
        &[Step::Data(TS, BADCERT_C), Step::Data(TC, BADCERT_S), Step::Close],
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].events, p.events());
}

#[test]
fn record_errors_raise_their_event() {
    for (bad, want) in [
        (&[0x16, 3, 3, 0, 0][..], "invalid_record_length"),
        (&[0x16, 9, 9, 0, 5, 1, 2, 3, 4, 5][..], "invalid_record_version"),
        (&[0x30, 3, 3, 0, 1, 0][..], "invalid_record_type"),
        (&[0x16, 3, 3, 0x50, 0][..], "invalid_record_length"),
        (&[0x16, 3, 3, 0, 2, 1, 0][..], "invalid_ssl_record"),
        // A handshake record whose message header is cut short.
        (
            &[0x16, 3, 3, 0, 6, 1, 0, 0, 1, 9, 9][..],
            "invalid_handshake_message",
        ),
        // Unknown handshake message type before ChangeCipherSpec.
        (
            &[0x16, 3, 3, 0, 5, 99, 0, 0, 1, 0][..],
            "invalid_handshake_message",
        ),
    ] {
        let mut p = TlsParser::new();
        run(&mut p, &[Step::Data(TS, bad)]);
        assert_eq!(p.events(), [want], "{bad:?}");
        assert!(EVENTS.contains(&want));
    }
    // The tolerated unknown record after TLS 1.0 still raises its event.
    let mut p = TlsParser::new();
    run(
        &mut p,
        &[
            Step::Data(TS, &[0x15, 3, 1, 0, 2, 1, 0]),
            Step::Data(TS, &[0x30, 3, 1, 0, 1, 0]),
        ],
    );
    assert_eq!(p.events(), ["invalid_record_type"]);
    // A clean session raises none.
    let mut p = TlsParser::new();
    let r = session_with(TlsParser::new(), BENIGN_C, BENIGN_S);
    assert!(r.iter().all(|r| r.events.is_empty()));
    run(&mut p, &[Step::Data(TS, BENIGN_C)]);
    assert!(p.events().is_empty());
}

#[test]
fn certificate_decode_errors_map_like_suricata() {
    // Header cut short: nom's Incomplete, Suricata's ERR_INVALID_LENGTH (bug-1450-03's
    // certificate gives this too).
    for der in [&[0x30, 0x82][..], &[][..]] {
        assert_eq!(cert::decode_error_event(der), Some("certificate_invalid_length"));
    }
    // Body shorter than announced: x509-parser's InvalidCertificate.
    assert_eq!(
        cert::decode_error_event(&[0x30, 0x82, 0x01, 0x00, 0x30]),
        Some("invalid_certificate")
    );
    // Wrong tag, or a SEQUENCE that is no TBSCertificate: DER errors.
    assert_eq!(
        cert::decode_error_event(&[0x04, 0x01, 0x00]),
        Some("certificate_invalid_der")
    );
    assert_eq!(
        cert::decode_error_event(&[0x30, 0x03, 0x02, 0x01, 0x01]),
        Some("certificate_invalid_der")
    );
    // Every name is one rules may use.
    for e in [
        "certificate_invalid_length",
        "invalid_certificate",
        "certificate_invalid_der",
    ] {
        assert!(EVENTS.contains(&e));
    }
}
