//! `sense`: built-in detectors that need no rules.
//!
//! Today: SQL injection ([`sqli`]), a libinjection-class tokenizer/fingerprint detector, with
//! the HTTP-side decoding ([`decode`]) and request walking ([`request`]) a web application would
//! apply before its SQL sees a value, plus the line-oriented checker behind
//! `sentinelle sqli-check` ([`check`]).

pub mod check;
pub mod decode;
pub mod json;
pub mod request;
pub mod sqli;

pub use request::{scan_request, scan_request_with, Location, ScanLimits, ScanStats, SqliFinding};
pub use sqli::{detect, Fingerprint};

// Behavioural detectors (brute force, scans) and the finding type they share.
pub mod brute;
pub mod finding;
pub mod scan;
pub use check::{sqli_check, CheckSummary, SqliCheckError};
pub use finding::Finding;
