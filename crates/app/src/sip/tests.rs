use super::*;
use crate::tests_util::Harness;

const REGISTER: &[u8] = b"REGISTER sip:sip.cybercity.dk SIP/2.0\r\n\
From: <sip:voi18063@sip.cybercity.dk>;tag=903df0a\r\n\
To: <sip:voi18063@sip.cybercity.dk>\r\n\
Content-Length: 0\r\n\
\r\n";

const INVITE: &[u8] = b"INVITE sip:francisco@bestel.com:55060 SIP/2.0\r\n\
Via: SIP/2.0/UDP 200.57.7.195\r\n\
Content-Length:   4  \r\n\
\r\n\
v=0\n";

const TRYING: &[u8] = b"SIP/2.0 100 Trying\r\nVia: x\r\nContent-Length: 0\r\n\r\n";

fn run(p: &mut SipParser, msgs: &[(Direction, &[u8])]) -> Vec<AppEvent> {
    let mut h = Harness::new();
    for (d, m) in msgs {
        h.feed(p, *d, m);
    }
    h.out
}

fn sip(e: &AppEvent) -> &SipRecord {
    match &e.record {
        Record::Sip(r) => r,
        r => panic!("not sip: {r:?}"),
    }
}

#[test]
fn request_parts_and_frames() {
    let l = parse_request(INVITE).unwrap();
    assert_eq!(l.line_len, 47);
    assert_eq!(l.headers_len, 31 + 23);
    assert_eq!(l.body_offset, 103);
    let r = SipRecord {
        msg: INVITE.to_vec(),
        to_server: true,
        layout: Some(l),
        line: take_line(INVITE),
    };
    assert_eq!(r.method(), Some(&b"INVITE"[..]));
    assert_eq!(r.uri(), Some(&b"sip:francisco@bestel.com:55060"[..]));
    assert_eq!(r.version(true), Some(&b"SIP/2.0"[..]));
    assert_eq!(r.version(false), None);
    assert_eq!(r.code(), None);
    assert_eq!(
        r.line(),
        Some(&b"INVITE sip:francisco@bestel.com:55060 SIP/2.0"[..])
    );
    assert_eq!(r.frame("pdu"), Some(INVITE));
    assert_eq!(
        r.frame("request.line"),
        Some(&b"INVITE sip:francisco@bestel.com:55060 SIP/2.0\r\n"[..])
    );
    assert_eq!(
        r.frame("request.headers"),
        Some(&b"Via: SIP/2.0/UDP 200.57.7.195\r\nContent-Length:   4  \r\n"[..])
    );
    assert_eq!(r.frame("request.body"), Some(&b"v=0\n"[..]));
    assert_eq!(r.frame("response.line"), None);
    assert_eq!(r.frame("request.nope"), None);
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"method":"INVITE","uri":"sip:francisco@bestel.com:55060","version":"SIP/2.0","request_line":"INVITE sip:francisco@bestel.com:55060 SIP/2.0"}"#
    );
}

#[test]
fn response_parts_and_json() {
    let l = parse_response(TRYING).unwrap();
    let r = SipRecord {
        msg: TRYING.to_vec(),
        to_server: false,
        layout: Some(l),
        line: take_line(TRYING),
    };
    assert_eq!(r.code(), Some(&b"100"[..]));
    assert_eq!(r.reason(), Some(&b"Trying"[..]));
    assert_eq!(r.version(false), Some(&b"SIP/2.0"[..]));
    assert_eq!(r.method(), None);
    assert_eq!(r.frame("response.body"), None);
    assert_eq!(
        r.frame("response.headers"),
        Some(&b"Via: x\r\nContent-Length: 0\r\n"[..])
    );
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"version":"SIP/2.0","code":"100","reason":"Trying","response_line":"SIP/2.0 100 Trying"}"#
    );
}

#[test]
fn suricata_quirks() {
    // Empty method.
    let l = parse_request(b" sip:x SIP/2.0\r\n\r\n").unwrap();
    assert_eq!(
        l.start,
        StartLine::Request {
            method: 0..0,
            uri: 1..6,
            version: 7..14
        }
    );
    // Any 3 bytes of UTF-8 as status code, an empty reason.
    assert!(parse_response(b"SIP/2.0 abc \r\n\r\n").is_ok());
    assert_eq!(
        parse_response(b"SIP/2.0 \xff00 OK\r\n\r\n"),
        Err(SipError::Invalid)
    );
    // A header value byte outside the set: incomplete.
    assert_eq!(
        parse_request(b"A sip:x SIP/2.0\r\nX: \x01\r\n\r\n"),
        Err(SipError::Incomplete)
    );
    // Folded header value.
    let m = b"A sip:x SIP/2.0\r\nX: a\r\n b\r\n\r\nBODY";
    let l = parse_request(m).unwrap();
    assert_eq!(l.headers_len, 10);
    assert_eq!(l.body_offset, 29);
    // The line stops at a '#' of the URI.
    assert_eq!(take_line(b"A sip:x#y SIP/2.0\r\n"), Some(0..7));
}

#[test]
fn truncated_and_malformed() {
    for n in 0..REGISTER.len() {
        assert_eq!(
            parse_request(&REGISTER[..n]),
            Err(SipError::Incomplete),
            "cut at {n}"
        );
    }
    assert!(parse_request(REGISTER).is_ok());
    for n in 0..TRYING.len() {
        assert_eq!(
            parse_response(&TRYING[..n]),
            Err(SipError::Incomplete),
            "cut at {n}"
        );
    }
    assert_eq!(parse_request(b"HTTP/1.1 200 OK\r\n\r\n"), Err(SipError::Invalid));
    assert_eq!(parse_response(b"HTTP/1.1 200 OK\r\n\r\n"), Err(SipError::Invalid));
    assert_eq!(parse_request(b"GET / HTTP/1.0\r\n\r\n"), Err(SipError::Invalid));
    assert_eq!(
        parse_request(b"A sip:x SIP/2.0\nX: y\r\n\r\n"),
        Err(SipError::Invalid)
    );
    assert_eq!(
        parse_request(b"A sip:x SIP/2.0\r\nX y\r\n\r\n"),
        Err(SipError::Invalid)
    );
    assert_eq!(
        parse_request(b"A sip:x SIP/2.0\r\nX: y\nZ\r\n\r\n"),
        Err(SipError::Invalid)
    );
    assert_eq!(parse_request(b"A  sip:x SIP/2.0\r\n\r\n"), Err(SipError::Invalid));
    assert_eq!(parse_request(b"A sip:x SIP/\r\n\r\n"), Err(SipError::Invalid));
    assert_eq!(take_line(b""), None);
    assert_eq!(take_line(b"\r\n"), None);
    assert_eq!(take_line(b"abc"), None);
}

#[test]
fn transactions_count_parsed_messages() {
    let mut p = SipParser::new(false);
    let out = run(
        &mut p,
        &[
            (Direction::ToServer, REGISTER),
            (Direction::ToClient, TRYING),
            // A request sent to the client, a response to the server: no transaction.
            (Direction::ToClient, REGISTER),
            (Direction::ToServer, TRYING),
            (Direction::ToServer, INVITE),
        ],
    );
    assert_eq!(out.len(), 3);
    assert_eq!(
        out.iter().map(|e| e.tx_id).collect::<Vec<_>>(),
        vec![Some(0), Some(1), Some(2)]
    );
    assert_eq!(sip(&out[1]).is_request(), Some(false));
    assert_eq!(sip(&out[2]).method(), Some(&b"INVITE"[..]));
    assert_eq!(out[0].record.event_type(), "sip");
}

#[test]
fn frames_keep_datagrams_that_do_not_parse() {
    let mut p = SipParser::new(true);
    let out = run(
        &mut p,
        &[(Direction::ToServer, TRYING), (Direction::ToServer, REGISTER)],
    );
    assert_eq!(out.len(), 2);
    let bad = sip(&out[0]);
    assert_eq!(out[0].tx_id, None);
    assert!(!bad.is_tx());
    assert_eq!(bad.is_request(), None);
    assert_eq!(bad.frame("pdu"), Some(TRYING));
    assert_eq!(bad.frame("request.line"), None);
    assert_eq!(bad.line(), None);
    assert_eq!(serde_json::to_string(bad).unwrap(), "{}");
    assert_eq!(out[1].tx_id, Some(0));
}

#[test]
fn mutated_messages_never_panic() {
    let mut p = SipParser::new(true);
    for base in [REGISTER, INVITE, TRYING] {
        for at in 0..base.len() {
            for b in [0u8, b'\r', b'\n', b' ', b':', b'#', 0xff] {
                let mut m = base.to_vec();
                m[at] = b;
                for d in [Direction::ToServer, Direction::ToClient] {
                    for e in run(&mut p, &[(d, &m), (d, &m[..at])]) {
                        let r = sip(&e);
                        let _ = serde_json::to_string(r).unwrap();
                        for f in FRAMES {
                            let _ = r.frame(f);
                        }
                        let _ = (r.method(), r.uri(), r.code(), r.reason(), r.line());
                    }
                }
            }
        }
    }
}
