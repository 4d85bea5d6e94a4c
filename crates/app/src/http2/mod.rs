//! HTTP/2 (RFC 9113) as Suricata 7.0.10 parses and logs it: the connection parser
//! ([`Http2Parser`]), its transaction ([`Http2Tx`], one per stream plus one per frame of stream
//! 0, which serializes to the EVE `http` object with its `http2` sub-object and carries the
//! inspection buffers), and HPACK ([`hpack`], with its Huffman code).
//!
//! A flow becomes HTTP/2 by the client connection preface (prior knowledge), or by an HTTP/1.1
//! `Upgrade: h2c` answered with `101 Switching Protocols`: the HTTP/1 parser then hands the
//! request over ([`UpgradeRequest`]) and it becomes stream 1.
//!
//! Files: `frame.rs` (frame header and payloads), `hpack.rs` + `huffman.rs` (header blocks),
//! `parser.rs` (connection state, streams, bodies), `tx.rs` (record, buffers, EVE).
//!
//! Differences from Suricata: `br` bodies are not decompressed (kept as they are); byte-range
//! reassembly of `Content-Range` bodies into one file is not done.

pub mod frame;
pub mod hpack;
mod huffman;
mod parser;
mod tx;

#[cfg(test)]
mod tests;

pub use parser::{Http2Parser, Http2Stats};
pub use tx::{Http2Event, Http2Tx, TxState};

/// The app-layer event names this parser raises (`app-layer-event:http2.NAME`), those of
/// [`Http2Event::ALL`].
pub const EVENTS: &[&str] = &[
    "invalid_frame_header",
    "invalid_client_magic",
    "invalid_frame_data",
    "invalid_header",
    "invalid_frame_length",
    "extra_header_data",
    "long_frame_data",
    "stream_id_reuse",
    "invalid_http1_settings",
    "failed_decompression",
    "invalid_range",
    "header_integer_overflow",
    "too_many_streams",
    "authority_host_mismatch",
    "userinfo_in_uri",
    "reassembly_limit_reached",
];

use flow::Direction;

/// HTTP/2 parser settings (Suricata's `app-layer.protocols.http2.*`, body limits as HTTP/1's).
#[derive(Debug, Clone)]
pub struct Http2Config {
    /// Most open transactions (`max-streams`, 4096); past it the parser stops.
    pub max_streams: usize,
    /// Most bytes held by one HPACK dynamic table (`max-table-size`, 65536).
    pub max_table_size: usize,
    /// Most bytes of a header block reassembled from CONTINUATION frames
    /// (`max-reassembly-size`, 102400).
    pub max_reassembly: usize,
    /// Header fields kept per transaction and direction.
    pub max_headers: usize,
    /// Header fields kept in all open transactions of a flow.
    pub max_fields_held: usize,
    /// Request body bytes kept (0 = [`crate::http::HARD_BODY_LIMIT`]).
    pub request_body_limit: usize,
    /// Response body bytes kept (0 = [`crate::http::HARD_BODY_LIMIT`]).
    pub response_body_limit: usize,
    /// Decompression bomb bounds (as HTTP/1).
    pub decompress_bomb_limit: u64,
    pub decompress_bomb_ratio: u64,
}

impl Default for Http2Config {
    fn default() -> Self {
        Http2Config {
            max_streams: 4096,
            max_table_size: 65536,
            max_reassembly: 102400,
            max_headers: 1024,
            max_fields_held: 65536,
            request_body_limit: 100 * 1024,
            response_body_limit: 100 * 1024,
            decompress_bomb_limit: 1 << 20,
            decompress_bomb_ratio: 2048,
        }
    }
}

impl Http2Config {
    /// The effective body limit of one direction.
    pub fn body_limit(&self, dir: Direction) -> usize {
        let l = match dir {
            Direction::ToServer => self.request_body_limit,
            Direction::ToClient => self.response_body_limit,
        };
        let hard = crate::http::HARD_BODY_LIMIT;
        if l == 0 {
            hard
        } else {
            l.min(hard)
        }
    }
}

/// The HTTP/1.1 request of an `Upgrade: h2c` exchange, handed to the HTTP/2 parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpgradeRequest {
    /// Request method (None when the request was not seen).
    pub method: Option<Vec<u8>>,
    /// Raw request URI.
    pub uri: Option<Vec<u8>>,
    /// Request headers as the HTTP/1 parser kept them (repeated names merged), in order.
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
}
