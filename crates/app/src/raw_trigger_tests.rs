//! The parsers' requests for raw stream inspection ([`crate::Parser::take_raw_trigger`]), at
//! Suricata's points: HTTP request / response complete, each TLS record, each DNS message over
//! TCP, the end of an SMTP attachment.

use crate::tests_util::Harness;
use crate::Parser;
use flow::Direction::{ToClient, ToServer};

const NONE: [bool; 2] = [false, false];
const TS: [bool; 2] = [true, false];
const TC: [bool; 2] = [false, true];

#[test]
fn http_request_and_response_completion() {
    let mut h = Harness::new();
    let mut p = crate::http::HttpParser::new(&crate::http::HttpConfig::default());
    h.feed(&mut p, ToServer, b"GET / HTTP/1.1\r\nHost: a\r\n");
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToServer, b"\r\n");
    assert_eq!(p.take_raw_trigger(), TS);
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(
        &mut p,
        ToClient,
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab",
    );
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToClient, b"cd");
    assert_eq!(p.take_raw_trigger(), TC);
}

#[test]
fn tls_every_complete_record() {
    let mut h = Harness::new();
    let mut p = crate::tls::TlsParser::new();
    // A ChangeCipherSpec record, cut in two.
    h.feed(&mut p, ToClient, &[0x14, 0x03, 0x03, 0x00]);
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToClient, &[0x01, 0x01]);
    assert_eq!(p.take_raw_trigger(), TC);
    // Application data, once the record is whole.
    h.feed(&mut p, ToServer, &[0x17, 0x03, 0x03, 0x00, 0x02, 0xaa]);
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToServer, &[0xbb]);
    assert_eq!(p.take_raw_trigger(), TS);
    // A record that does not parse asks for nothing.
    h.feed(&mut p, ToServer, &[0x63, 0x03, 0x03, 0x00, 0x01, 0x00]);
    assert_eq!(p.take_raw_trigger(), NONE);
}

#[test]
fn dns_tcp_every_whole_message() {
    let mut h = Harness::new();
    let mut p = crate::dns::DnsParser::new_tcp();
    // A query for "a" (type A), length-prefixed, split inside the message.
    let msg: &[u8] = &[
        0x00, 0x17, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, b'a', 0x00,
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    ];
    h.feed(&mut p, ToServer, &msg[..10]);
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToServer, &msg[10..]);
    assert_eq!(p.take_raw_trigger(), TS);
    // UDP messages do not.
    let mut u = crate::dns::DnsParser::new_udp();
    h.feed(&mut u, ToServer, &msg[2..]);
    assert_eq!(u.take_raw_trigger(), NONE);
}

#[test]
fn smtp_attachment_end() {
    let mut h = Harness::new();
    let mut p = crate::smtp::SmtpParser::new();
    h.feed(&mut p, ToClient, b"220 mx ESMTP\r\n");
    for (c, s) in [
        (&b"EHLO a\r\n"[..], &b"250 mx\r\n"[..]),
        (b"MAIL FROM:<a@b>\r\n", b"250 ok\r\n"),
        (b"RCPT TO:<c@d>\r\n", b"250 ok\r\n"),
        (b"DATA\r\n", b"354 go\r\n"),
    ] {
        h.feed(&mut p, ToServer, c);
        h.feed(&mut p, ToClient, s);
    }
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(
        &mut p,
        ToServer,
        b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n",
    );
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(
        &mut p,
        ToServer,
        b"--XX\r\nContent-Disposition: attachment; filename=\"f.txt\"\r\n\r\nfile body\r\n",
    );
    assert_eq!(p.take_raw_trigger(), NONE);
    h.feed(&mut p, ToServer, b"--XX--\r\n");
    assert_eq!(p.take_raw_trigger(), TS);
    h.feed(&mut p, ToServer, b".\r\n");
    assert_eq!(p.take_raw_trigger(), NONE);
}
