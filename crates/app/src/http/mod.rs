//! HTTP/1.x: the connection parser ([`HttpParser`]), the transaction record ([`HttpTx`], which
//! serializes to Suricata 7's EVE `http` object and carries the inspection buffers), and the
//! libhtp-compatible URI normalization behind `http.uri`.
//!
//! Files: `parser.rs` (state machines, transactions, files, gaps), `tx.rs` (record, buffers,
//! EVE), `uri.rs` (URI split and normalization), `decompress.rs` (gzip/deflate, bounded),
//! `bestfit.rs` (libhtp's best-fit table).

mod bestfit;
mod decompress;
mod frame;
pub use frame::MAX_FRAME;
mod parser;
mod tx;
mod uri;

#[cfg(test)]
mod tests;

pub use parser::{HttpParser, HttpStats};
pub use tx::{Headers, HttpTx, Progress};

/// The app-layer events of Suricata 7.0.10's `app-layer-htp.c` (`http_decoder_event_table`)
/// that this parser raises, by rule name (`app-layer-event:http.NAME`).
pub const EVENTS: &[&str] = &[
    EV_AUTH_UNRECOGNIZED,
    EV_TOO_MANY_ENCODING_LAYERS,
    EV_INVALID_TE_REQUEST,
    EV_INVALID_TE_RESPONSE,
];

/// libhtp's `HTP_REQUEST_INVALID_T_E` transaction flag, which Suricata turns into this event
/// when the request headers are done (`HTPErrorCheckTxRequestFlags`).
pub(crate) const EV_INVALID_TE_REQUEST: &str = "invalid_transfer_encoding_value_in_request";
/// Known to Suricata 7.0.10's event table, but nothing raises it (`app-layer-htp.c`: "Invalid
/// T-E value in response ... <- nothing to replace it"): rules load and never match, as there.
const EV_INVALID_TE_RESPONSE: &str = "invalid_transfer_encoding_value_in_response";

/// Whether libhtp 0.5.x's `htp_tx_process_request_headers` flags the request
/// `HTP_REQUEST_INVALID_T_E`: a `Transfer-Encoding` header without the `chunked` token, or
/// chunked on a protocol below HTTP/1.1 (`htp_parse_protocol` gives 1.1 only for exactly
/// `HTTP/1.1`; no protocol is 0.9).
fn invalid_request_te(te: Option<&[u8]>, protocol: Option<&[u8]>) -> bool {
    match te {
        None => false,
        Some(v) => !parser::has_token(v, b"chunked") || protocol != Some(&b"HTTP/1.1"[..]),
    }
}

/// An `Authorization` header whose scheme is not Basic, Digest or Bearer
/// (libhtp's `HTP_AUTH_UNRECOGNIZED`).
pub(crate) const EV_AUTH_UNRECOGNIZED: &str = "request_auth_unrecognized";
/// More response `Content-Encoding` layers than libhtp's limit (2, Suricata's default).
pub(crate) const EV_TOO_MANY_ENCODING_LAYERS: &str = "too_many_encoding_layers";
/// libhtp's `response_decompression_layer_limit` as Suricata 7 configures it by default.
const DECOMPRESSION_LAYER_LIMIT: usize = 2;
/// libhtp's `response_lzma_layer_limit` default.
const LZMA_LAYER_LIMIT: usize = 1;

/// Whether libhtp's `htp_tx_state_response_headers` logs "Too many response content encoding
/// layers" for this `Content-Encoding` value: a value that is not exactly one known coding is
/// split on `,` and space, and more than [`DECOMPRESSION_LAYER_LIMIT`] tokens is too many
/// (unless the lzma bomb check stops the walk first).
pub(crate) fn too_many_encoding_layers(ce: &[u8]) -> bool {
    let norzero = |want: &[u8]| {
        let mut it = ce.iter().filter(|&&c| c != 0);
        want.iter()
            .all(|w| it.next().is_some_and(|c| c.eq_ignore_ascii_case(w)))
            && it.next().is_none()
    };
    if [
        &b"gzip"[..],
        b"x-gzip",
        b"deflate",
        b"x-deflate",
        b"lzma",
        b"inflate",
    ]
    .iter()
    .any(|w| norzero(w))
    {
        return false;
    }
    let is_sep = |c: u8| c == b',' || c == b' ';
    let mut input = ce;
    let mut layers = 0usize;
    while !input.is_empty() {
        // get_token: skip leading separators, the token runs to the next separator.
        let Some(start) = input.iter().position(|&c| !is_sep(c)) else {
            break;
        };
        let tok = &input[start..];
        let tok_len = tok.iter().position(|&c| is_sep(c)).unwrap_or(tok.len());
        let tok = &tok[..tok_len];
        layers += 1;
        if layers > DECOMPRESSION_LAYER_LIMIT {
            return true;
        }
        // nblzma counts every token; the bomb check applies to an exact "lzma" token.
        if tok == b"lzma" && layers > LZMA_LAYER_LIMIT {
            return false;
        }
        // The caller advances from the start of its input, not from the token.
        if tok_len + 1 >= input.len() {
            break;
        }
        input = &input[tok_len + 1..];
    }
    false
}

/// Whether libhtp's `htp_parse_authorization` finds the scheme unrecognized.
pub(crate) fn auth_unrecognized(v: &[u8]) -> bool {
    let starts = |p: &[u8]| v.len() >= p.len() && v[..p.len()].eq_ignore_ascii_case(p);
    !(starts(b"basic") || starts(b"digest") || starts(b"bearer"))
}

pub(crate) use decompress::{Coding, Decoder};
pub(crate) use tx::eve_str;

use flow::Direction;

/// Hard bound on a kept body when a limit of 0 ("unlimited") is configured.
pub const HARD_BODY_LIMIT: usize = 16 << 20;

/// HTTP parser settings (Suricata's `app-layer.protocols.http.libhtp.default-config`).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Request body bytes kept for inspection and files (`request-body-limit`, 100 KiB);
    /// 0 means "unlimited", bounded by [`HARD_BODY_LIMIT`].
    pub request_body_limit: usize,
    /// Response body bytes kept (`response-body-limit`, 100 KiB); 0 as above.
    pub response_body_limit: usize,
    /// Longest request/response/header line (libhtp's hard field limit, 18000).
    pub max_line: usize,
    /// Most headers kept per message (libhtp's 1024).
    pub max_headers: usize,
    /// Bytes kept per message for headers and their raw copy.
    pub max_header_bytes: usize,
    /// Most transactions pending in one flow (libhtp's `max-tx`, 512).
    pub max_tx: usize,
    /// Decompression stops past this many output bytes ... (libhtp's bomb limit, 1 MiB)
    pub decompress_bomb_limit: u64,
    /// ... when the output is also this many times the input (2048).
    pub decompress_bomb_ratio: u64,
    /// Hand the connection to HTTP/2 after `101 Switching Protocols` with `Upgrade: h2c`
    /// (Suricata does when its HTTP/2 parser is enabled).
    pub h2c_upgrade: bool,
    /// Keep each message's bytes for the `frame:http1.request` / `frame:http1.response`
    /// keyword (set when a rule uses `frame:`).
    pub frames: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            request_body_limit: 100 * 1024,
            response_body_limit: 100 * 1024,
            max_line: 18000,
            max_headers: 1024,
            max_header_bytes: 256 * 1024,
            max_tx: 512,
            decompress_bomb_limit: 1 << 20,
            decompress_bomb_ratio: 2048,
            h2c_upgrade: true,
            frames: false,
        }
    }
}

impl HttpConfig {
    /// The effective body limit of one direction.
    pub fn body_limit(&self, dir: Direction) -> usize {
        let l = match dir {
            Direction::ToServer => self.request_body_limit,
            Direction::ToClient => self.response_body_limit,
        };
        if l == 0 {
            HARD_BODY_LIMIT
        } else {
            l.min(HARD_BODY_LIMIT)
        }
    }
}
