//! `frame:NAME`: a sticky buffer on one of Suricata 7's app-layer frames. Built here:
//! - the HTTP/1 message frames (`http1.request`, `http1.response`: the message's bytes as
//!   they came in the stream, first line through body, see `app::http::HttpTx::request_frame`);
//! - the SIP frames (`sip.pdu`, `sip.request.line`, `sip.request.headers`, `sip.request.body`
//!   and the `response` ones, see `app::sip::SipRecord::frame`): each datagram has them.
//!
//! Rules on other frames (`tls.pdu`, `smb.nbss.pdu`, `http2.pdu`, ...) are refused.

use super::CompileError;
use app::Record;
use rules::BufferRef;

/// Which HTTP/1 frame a frame name is: `Some(true)` the request, `Some(false)` the response.
fn http1(name: &str) -> Option<bool> {
    let (proto, kind) = name.split_once('.')?;
    if !(proto.eq_ignore_ascii_case("http1") || proto.eq_ignore_ascii_case("http")) {
        return None;
    }
    match kind {
        k if k.eq_ignore_ascii_case("request") => Some(true),
        k if k.eq_ignore_ascii_case("response") => Some(false),
        _ => None,
    }
}

/// The SIP frame a frame name is (Suricata's `SIPFrameType` names, matched exactly as its
/// `ffi_id_from_name` does).
fn sip(name: &str) -> Option<&'static str> {
    let (proto, kind) = name.split_once('.')?;
    if !proto.eq_ignore_ascii_case("sip") {
        return None;
    }
    app::sip::FRAMES.iter().copied().find(|f| *f == kind)
}

/// The protocol whose records carry frame `b` (`None` for a frame not built here).
pub fn proto(b: &BufferRef) -> Option<app::AppProto> {
    let name = b.frame.as_deref()?;
    if http1(name).is_some() {
        Some(app::AppProto::Http)
    } else if sip(name).is_some() {
        Some(app::AppProto::Sip)
    } else if super::smb::frame(name).is_some() {
        Some(app::AppProto::Smb)
    } else {
        None
    }
}

/// Refuses frames this engine does not build.
pub fn check(b: &BufferRef) -> Result<(), CompileError> {
    let name = b.frame.as_deref().unwrap_or("");
    match proto(b) {
        Some(_) => Ok(()),
        None => Err(CompileError::new(
            "frame",
            format!("frame '{name}' not built here (only http1.request, http1.response, the sip and the smb frames)"),
        )),
    }
}

/// Appends the frame `b` names of `rec` seen from `to_server` (a message without a frame,
/// one spoiled by a gap, is no buffer).
pub fn fetch(b: &BufferRef, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    let Some(name) = b.frame.as_deref() else {
        return;
    };
    if let Some(kind) = super::smb::frame(name) {
        super::smb::fetch_frame(kind, rec, to_server, out);
        return;
    }
    if let Some(kind) = sip(name) {
        if let Record::Sip(tx) = rec {
            if let Some(f) = tx.frame(kind).filter(|_| tx.to_server == to_server) {
                out.push(f.to_vec());
            }
        }
        return;
    }
    let Some(request) = http1(name) else {
        return;
    };
    if let Record::Http(tx) = rec {
        let f = match (request, to_server) {
            (true, true) => &tx.request_frame,
            (false, false) => &tx.response_frame,
            _ => return,
        };
        if !f.is_empty() {
            out.push(f.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(name: &str) -> BufferRef {
        let mut b = BufferRef::plain(rules::Buffer::Frame);
        b.frame = Some(name.to_string());
        b
    }

    #[test]
    fn only_http1_message_frames_are_built() {
        assert!(check(&frame("http1.request")).is_ok());
        assert!(check(&frame("http.response")).is_ok());
        assert!(check(&frame("HTTP1.Request")).is_ok());
        assert_eq!(check(&frame("tls.pdu")).unwrap_err().keyword, "frame");
        assert!(check(&frame("sip.pdu")).is_ok());
        assert!(check(&frame("sip.request.line")).is_ok());
        assert!(check(&frame("sip.response.body")).is_ok());
        assert!(check(&frame("sip.request_line")).is_err());
        assert!(check(&frame("sip.Pdu")).is_err());
        assert_eq!(proto(&frame("sip.pdu")), Some(app::AppProto::Sip));
        assert_eq!(proto(&frame("http1.request")), Some(app::AppProto::Http));
        assert_eq!(proto(&frame("tls.pdu")), None);
        assert!(check(&frame("http1")).is_err());
        assert!(check(&frame("http1.request.x")).is_err());
        assert!(check(&BufferRef::plain(rules::Buffer::Frame)).is_err());
    }

    #[test]
    fn frames_come_from_their_side() {
        let mut tx = app::http::HttpTx::default();
        tx.request_frame = b"GET / HTTP/1.1\r\n\r\n".to_vec();
        let rec = Record::Http(Box::new(tx));
        let mut out = Vec::new();
        fetch(&frame("http1.request"), &rec, false, &mut out);
        fetch(&frame("http1.response"), &rec, false, &mut out);
        assert!(out.is_empty());
        fetch(&frame("http1.request"), &rec, true, &mut out);
        assert_eq!(out, vec![b"GET / HTTP/1.1\r\n\r\n".to_vec()]);
    }
}

#[cfg(test)]
mod sip_tests {
    use super::*;
    use app::sip::{parse_request, parse_response, SipRecord};

    fn frame(name: &str) -> BufferRef {
        let mut b = BufferRef::plain(rules::Buffer::Frame);
        b.frame = Some(name.to_string());
        b
    }

    fn rec(msg: &[u8], to_server: bool) -> Record {
        let layout = if to_server {
            parse_request(msg).ok()
        } else {
            parse_response(msg).ok()
        };
        Record::Sip(Box::new(SipRecord {
            msg: msg.to_vec(),
            to_server,
            layout,
            line: None,
        }))
    }

    fn get(name: &str, r: &Record, to_server: bool) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        fetch(&frame(name), r, to_server, &mut out);
        out
    }

    #[test]
    fn sip_frames_of_a_request() {
        let r = rec(b"ACK sip:a SIP/2.0\r\nVia: x\r\n\r\nv=0\r\n", true);
        assert_eq!(
            get("sip.pdu", &r, true),
            vec![b"ACK sip:a SIP/2.0\r\nVia: x\r\n\r\nv=0\r\n".to_vec()]
        );
        assert_eq!(
            get("sip.request.line", &r, true),
            vec![b"ACK sip:a SIP/2.0\r\n".to_vec()]
        );
        assert_eq!(get("sip.request.headers", &r, true), vec![b"Via: x\r\n".to_vec()]);
        assert_eq!(get("sip.request.body", &r, true), vec![b"v=0\r\n".to_vec()]);
        assert!(get("sip.pdu", &r, false).is_empty());
        assert!(get("sip.response.line", &r, true).is_empty());
    }

    #[test]
    fn sip_frames_of_a_response_and_of_garbage() {
        let r = rec(b"SIP/2.0 200 OK\r\n\r\n", false);
        assert_eq!(
            get("sip.response.line", &r, false),
            vec![b"SIP/2.0 200 OK\r\n".to_vec()]
        );
        assert_eq!(get("sip.response.headers", &r, false), vec![Vec::<u8>::new()]);
        assert!(get("sip.response.body", &r, false).is_empty());
        // A datagram that did not parse has its pdu frame only.
        let g = rec(b"SIP/2.0 200 OK\r\n\r\n", true);
        assert_eq!(get("sip.pdu", &g, true), vec![b"SIP/2.0 200 OK\r\n\r\n".to_vec()]);
        assert!(get("sip.request.line", &g, true).is_empty());
    }
}
