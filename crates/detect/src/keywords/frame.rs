//! `frame:NAME`: a sticky buffer on one of Suricata 7's app-layer frames. Only the HTTP/1
//! message frames are built here (`http1.request`, `http1.response`: the message's bytes as
//! they came in the stream, first line through body, see `app::http::HttpTx::request_frame`);
//! rules on other frames (`tls.pdu`, `smb.nbss.pdu`, `http2.pdu`, ...) are refused.

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

/// Refuses frames this engine does not build.
pub fn check(b: &BufferRef) -> Result<(), CompileError> {
    let name = b.frame.as_deref().unwrap_or("");
    match http1(name) {
        Some(_) => Ok(()),
        None => Err(CompileError::new(
            "frame",
            format!("frame '{name}' not built here (only http1.request and http1.response)"),
        )),
    }
}

/// Appends the frame `b` names of `rec` seen from `to_server` (a message without a frame,
/// one spoiled by a gap, is no buffer).
pub fn fetch(b: &BufferRef, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    let Some(request) = b.frame.as_deref().and_then(http1) else {
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
