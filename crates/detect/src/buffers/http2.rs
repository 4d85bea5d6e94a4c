//! The `http.*` inspection buffers of an HTTP/2 transaction, for `http` rules (Suricata 7
//! registers these buffers for `ALPROTO_HTTP2` too, through its `rs_http2_tx_get_*` getters).

use app::http2::Http2Tx;
use flow::Direction;
use rules::Buffer;

fn push(out: &mut Vec<Vec<u8>>, b: Option<&[u8]>) {
    if let Some(b) = b {
        out.push(b.to_vec());
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
    let stub = |name: &[u8], out: &mut Vec<Vec<u8>>| {
        if let Some(v) = tx.header_value(dir, name) {
            out.push(v.into_owned());
        }
    };
    match b {
        HttpHeader => {
            if let Some(v) = tx.header_block(dir) {
                out.push(v);
            }
        }
        HttpHeaderRaw => {
            if let Some(v) = tx.header_block_raw(dir) {
                out.push(v);
            }
        }
        HttpHeaderNames => {
            if let Some(v) = tx.header_names(dir) {
                out.push(v);
            }
        }
        HttpCookie => {
            if let Some(v) = tx.cookie(dir) {
                out.push(v.into_owned());
            }
        }
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
            HttpHost => {
                if let Some(v) = tx.host() {
                    out.push(v.into_owned());
                }
            }
            HttpHostRaw => {
                if let Some(v) = tx.host_raw() {
                    out.push(v.into_owned());
                }
            }
            HttpUserAgent => {
                if let Some(v) = tx.user_agent() {
                    out.push(v.into_owned());
                }
            }
            HttpRequestLine => out.push(tx.request_line()),
            HttpRequestBody => {
                let body = tx.body(dir);
                if !body.is_empty() {
                    out.push(body.to_vec());
                }
            }
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
            FileData => {
                let body = tx.body(dir);
                if !body.is_empty() {
                    out.push(body.to_vec());
                }
            }
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
