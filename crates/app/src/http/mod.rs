//! HTTP/1.x: the connection parser ([`HttpParser`]), the transaction record ([`HttpTx`], which
//! serializes to Suricata 7's EVE `http` object and carries the inspection buffers), and the
//! libhtp-compatible URI normalization behind `http.uri`.
//!
//! Files: `parser.rs` (state machines, transactions, files, gaps), `tx.rs` (record, buffers,
//! EVE), `uri.rs` (URI split and normalization), `decompress.rs` (gzip/deflate, bounded),
//! `bestfit.rs` (libhtp's best-fit table).

mod bestfit;
mod decompress;
mod parser;
mod tx;
mod uri;

#[cfg(test)]
mod tests;

pub use parser::{HttpParser, HttpStats};
pub use tx::{Headers, HttpTx, Progress};

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
