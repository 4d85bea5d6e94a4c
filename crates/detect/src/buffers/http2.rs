//! The `http.*` inspection buffers of an HTTP/2 transaction, for `http` rules (Suricata 7
//! registers these buffers for `ALPROTO_HTTP2` too, through its `rs_http2_tx_get_*` getters).

use app::http2::Http2Tx;
use flow::Direction;
use rules::Buffer;

/// Appends `b` (a borrowed, shared or owned buffer) when there is one.
fn push<T: Into<Vec<u8>>>(out: &mut Vec<Vec<u8>>, b: Option<T>) {
    if let Some(b) = b {
        out.push(b.into());
    }
}

/// Appends the instances of buffer `b` of `tx` on side `to_server` to `out`.
pub fn fetch(b: Buffer, tx: &Http2Tx, to_server: bool, out: &mut Vec<Vec<u8>>) {
    use Buffer::*;
    let dir = if to_server {
        Direction::ToServer
    } else {
        Direction::ToClient
    };
    // Headers of the detect-http-headers-stub.h keywords (`rs_http2_tx_get_header_value`).
    let stub = |name: &[u8], out: &mut Vec<Vec<u8>>| push(out, tx.header_value(dir, name));
    // The direction's body, when it has one.
    let body = || Some(tx.body(dir)).filter(|b| !b.is_empty());
    match b {
        HttpHeader => push(out, tx.header_block(dir)),
        HttpHeaderRaw => push(out, tx.header_block_raw(dir)),
        HttpHeaderNames => push(out, tx.header_names(dir)),
        HttpCookie => push(out, tx.cookie(dir)),
        HttpProtocol => out.push(b"HTTP/2".to_vec()),
        HttpConnection => stub(b"connection", out),
        HttpContentLen => stub(b"content-length", out),
        HttpContentType => stub(b"content-type", out),
        _ => {}
    }
    if to_server {
        match b {
            HttpMethod => push(out, tx.method()),
            HttpUri | HttpUriRaw => push(out, tx.uri()),
            HttpHost => push(out, tx.host()),
            HttpHostRaw => push(out, tx.host_raw()),
            HttpUserAgent => push(out, tx.user_agent()),
            HttpRequestLine => out.push(tx.request_line()),
            HttpRequestBody => push(out, body()),
            HttpAccept => stub(b"accept", out),
            HttpAcceptLang => stub(b"accept-language", out),
            HttpAcceptEnc => stub(b"accept-encoding", out),
            HttpReferer => stub(b"referer", out),
            HttpRequestHeader => out.extend(tx.header_lines(dir)),
            _ => {}
        }
    } else {
        match b {
            HttpStatCode => push(out, tx.stat_code()),
            HttpResponseLine => out.push(tx.response_line()),
            FileData => push(out, body()),
            HttpLocation => stub(b"location", out),
            HttpServer => stub(b"server", out),
            HttpResponseHeader => out.extend(tx.header_lines(dir)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tx_has_only_the_protocol() {
        let tx = Http2Tx::default();
        let mut out = Vec::new();
        for b in [
            Buffer::HttpHeaderNames,
            Buffer::HttpMethod,
            Buffer::HttpUserAgent,
            Buffer::FileData,
        ] {
            fetch(b, &tx, true, &mut out);
            fetch(b, &tx, false, &mut out);
        }
        assert!(out.is_empty());
        fetch(Buffer::HttpProtocol, &tx, true, &mut out);
        assert_eq!(out, vec![b"HTTP/2".to_vec()]);
    }
}
