//! SIP sticky buffers as Suricata 7.0.10 fills them (`rust/src/sip/detect.rs`,
//! `detect-sip-*.c`), each making the rule a `sip` rule:
//! - to server: `sip.method`, `sip.uri`, `sip.request_line`;
//! - to client: `sip.stat_code`, `sip.stat_msg`, `sip.response_line`;
//! - both: `sip.protocol` (the request's or the response's version).
//!
//! A SIP transaction is one message, so only its own side has buffers. An empty part (an
//! empty method or reason) is no buffer, as there.

use app::sip::SipRecord;
use app::Record;
use rules::Buffer;

/// Whether `b` is a SIP buffer.
pub fn is_sip(b: Buffer) -> bool {
    use Buffer::*;
    matches!(
        b,
        SipMethod | SipUri | SipProtocol | SipStatCode | SipStatMsg | SipRequestLine | SipResponseLine
    )
}

/// Which directions SIP buffer `b` exists in: (to server, to client).
pub fn directions(b: Buffer) -> (bool, bool) {
    use Buffer::*;
    match b {
        SipMethod | SipUri | SipRequestLine => (true, false),
        SipStatCode | SipStatMsg | SipResponseLine => (false, true),
        _ => (true, true),
    }
}

fn part(tx: &SipRecord, b: Buffer, to_server: bool) -> Option<&[u8]> {
    use Buffer::*;
    match (b, to_server) {
        (SipMethod, true) => tx.method(),
        (SipUri, true) => tx.uri(),
        (SipProtocol, _) => tx.version(to_server),
        (SipStatCode, false) => tx.code(),
        (SipStatMsg, false) => tx.reason(),
        (SipRequestLine, true) if tx.is_request() == Some(true) => tx.line(),
        (SipResponseLine, false) if tx.is_request() == Some(false) => tx.line(),
        _ => None,
    }
}

/// Appends the instance of SIP buffer `b` of `rec` on the `to_server` side (none when absent
/// or empty).
pub fn fetch(b: Buffer, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    if let Record::Sip(tx) = rec {
        if let Some(x) = part(tx, b, to_server).filter(|x| !x.is_empty()) {
            out.push(x.to_vec());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::sip::{parse_request, parse_response};

    fn rec(msg: &[u8], to_server: bool) -> Record {
        let layout = if to_server {
            parse_request(msg).ok()
        } else {
            parse_response(msg).ok()
        };
        let line = layout.as_ref().map(|l| 0..l.line_len.saturating_sub(2));
        Record::Sip(Box::new(SipRecord {
            msg: msg.to_vec(),
            to_server,
            layout,
            line,
        }))
    }

    fn get(b: Buffer, r: &Record, to_server: bool) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        fetch(b, r, to_server, &mut out);
        out
    }

    #[test]
    fn request_buffers() {
        let r = rec(b"REGISTER sip:a.dk SIP/2.0\r\nTo: x\r\n\r\n", true);
        assert_eq!(get(Buffer::SipMethod, &r, true), vec![b"REGISTER".to_vec()]);
        assert_eq!(get(Buffer::SipUri, &r, true), vec![b"sip:a.dk".to_vec()]);
        assert_eq!(get(Buffer::SipProtocol, &r, true), vec![b"SIP/2.0".to_vec()]);
        assert_eq!(
            get(Buffer::SipRequestLine, &r, true),
            vec![b"REGISTER sip:a.dk SIP/2.0".to_vec()]
        );
        assert!(get(Buffer::SipProtocol, &r, false).is_empty());
        assert!(get(Buffer::SipResponseLine, &r, false).is_empty());
        assert!(get(Buffer::SipStatCode, &r, true).is_empty());
    }

    #[test]
    fn response_buffers_and_empty_parts() {
        let r = rec(b"SIP/2.0 100 \r\n\r\n", false);
        assert_eq!(get(Buffer::SipStatCode, &r, false), vec![b"100".to_vec()]);
        assert!(get(Buffer::SipStatMsg, &r, false).is_empty());
        assert_eq!(get(Buffer::SipProtocol, &r, false), vec![b"SIP/2.0".to_vec()]);
        assert_eq!(
            get(Buffer::SipResponseLine, &r, false),
            vec![b"SIP/2.0 100 ".to_vec()]
        );
        let empty_method = rec(b" sip:x SIP/2.0\r\n\r\n", true);
        assert!(get(Buffer::SipMethod, &empty_method, true).is_empty());
        let bad = rec(b"garbage", true);
        assert!(get(Buffer::SipUri, &bad, true).is_empty());
        assert!(get(Buffer::SipProtocol, &bad, true).is_empty());
    }

    #[test]
    fn directions_as_suricata_registers_them() {
        assert_eq!(directions(Buffer::SipUri), (true, false));
        assert_eq!(directions(Buffer::SipStatMsg), (false, true));
        assert_eq!(directions(Buffer::SipProtocol), (true, true));
        assert!(is_sip(Buffer::SipResponseLine));
        assert!(!is_sip(Buffer::HttpUri));
    }
}
