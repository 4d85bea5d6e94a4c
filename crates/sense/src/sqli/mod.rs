//! libinjection-class SQL injection detection on one raw value.
//!
//! The algorithm is a Rust port of libinjection's SQLi detector (libinjection, Copyright (c)
//! 2012-2016 Nick Galbreath, Copyright 2021 LibInjection, BSD-3-Clause; the notice is in
//! `LICENSE-libinjection` beside this file; <https://github.com/libinjection/libinjection>):
//!
//! 1. [`tokenizer`]: a SQL tokenizer classifies the input into typed tokens (string, number,
//!    operator, logic operator, keyword, function, bare word, comment, union, group, parens, ...).
//! 2. [`fold`](SqliState::fold): tokens are folded into at most five, and their type codes form a
//!    fingerprint such as `s&sos` for `1' OR '1'='1`.
//! 3. The fingerprint is evaluated in several contexts — as-is, as if the input followed a single
//!    quote, as if it followed a double quote, each in ANSI and (when comments suggest it) MySQL
//!    comment dialects — and looked up in libinjection's set of ~8,400 SQLi fingerprints, with its
//!    false-positive reductions for very short fingerprints.
//!
//! Everything works on borrowed bytes and fixed-size arrays: one call allocates nothing.

mod data;
mod extra;
mod fold;
mod table;
pub mod token;
pub mod tokenizer;

#[cfg(test)]
use data::FINGERPRINTS;
use token::kind;
pub use token::Token;
pub use tokenizer::{
    SqliState, FLAG_QUOTE_BACKTICK, FLAG_QUOTE_DOUBLE, FLAG_QUOTE_NONE, FLAG_QUOTE_SINGLE, FLAG_SQL_ANSI,
    FLAG_SQL_MYSQL, MAX_TOKENS,
};

/// A SQLi fingerprint: the type codes of the (at most five) folded tokens, e.g. `s&sos`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    bytes: [u8; MAX_TOKENS],
    len: u8,
}

impl Fingerprint {
    fn from_state(st: &SqliState<'_>) -> Self {
        let mut bytes = [0u8; MAX_TOKENS];
        let len = st.fp_len.min(MAX_TOKENS);
        bytes[..len].copy_from_slice(&st.fingerprint[..len]);
        Fingerprint {
            bytes,
            len: len as u8,
        }
    }

    /// The fingerprint as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The fingerprint as text (type codes are ASCII).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({:?})", self.as_str())
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// Is `fp` (mixed-case type codes) in libinjection's fingerprint set? (`libinjection_sqli_blacklist`)
pub fn is_known_fingerprint(fp: &[u8]) -> bool {
    if fp.is_empty() || fp.len() > MAX_TOKENS {
        return false;
    }
    let mut up = [0u8; MAX_TOKENS];
    for (d, &c) in up.iter_mut().zip(fp) {
        *d = c.to_ascii_uppercase();
    }
    table::fingerprints().get(up.get(..fp.len()).unwrap_or(&[])) == b'F'
}

impl SqliState<'_> {
    /// Tokenize and fold under `flags`, then store and return the fingerprint
    /// (`libinjection_sqli_fingerprint`).
    pub fn fingerprint(&mut self, flags: u32) -> Fingerprint {
        self.reset(flags);
        let mut tlen = self.fold();

        // PHP backquote comment: a trailing empty unterminated `...
        if tlen > 2 {
            let t = self.tok(tlen - 1);
            if t.kind == kind::BAREWORD && t.str_open == b'`' && t.len == 0 && t.str_close == 0 {
                self.tok_mut(tlen - 1).kind = kind::COMMENT;
            }
        }
        tlen = tlen.min(MAX_TOKENS);
        for i in 0..tlen {
            self.fingerprint[i] = self.tok(i).kind;
        }
        self.fp_len = tlen;

        if self.fingerprint[..tlen].contains(&kind::EVIL) {
            self.fingerprint = [0; 8];
            self.fingerprint[0] = kind::EVIL;
            self.fp_len = 1;
            let t0 = self.tok_mut(0);
            t0.val = [0; token::TOKEN_SIZE];
            t0.kind = kind::EVIL;
            t0.val[0] = kind::EVIL;
            t0.len = 1;
            self.tok_mut(1).kind = kind::NONE;
        }
        Fingerprint::from_state(self)
    }

    /// The fingerprint computed by the last [`fingerprint`](Self::fingerprint) call.
    pub fn last_fingerprint(&self) -> Fingerprint {
        Fingerprint::from_state(self)
    }

    /// Number of tokens the tokenizer produced in the last run.
    pub fn token_count(&self) -> u32 {
        self.stats_tokens
    }

    /// Is the current fingerprint SQLi? (`libinjection_sqli_check_fingerprint`)
    pub fn check_fingerprint(&self) -> bool {
        let fp = &self.fingerprint[..self.fp_len.min(MAX_TOKENS)];
        (is_known_fingerprint(fp) || table::fingerprints().get(fp) == b'f') && self.not_whitelist()
    }

    /// libinjection's false-positive reductions for short fingerprints; true means "SQLi".
    fn not_whitelist(&self) -> bool {
        let fp = &self.fingerprint[..self.fp_len.min(MAX_TOKENS)];
        let tlen = fp.len();
        let t0 = self.tok(0);
        let t1 = self.tok(1);

        if tlen > 1 && fp.last() == Some(&kind::COMMENT) {
            // MS SQL audit-log evasion.
            if memchr::memmem::find(self.s, b"sp_password").is_some() {
                return true;
            }
        }

        match tlen {
            2 => {
                if fp[1] == kind::UNION {
                    // "1 union" alone is common in text; only with folding/comments is it SQLi.
                    return self.stats_tokens != 2;
                }
                if t1.first() == b'#' {
                    return false;
                }
                if t0.kind == kind::BAREWORD && t1.kind == kind::COMMENT && t1.first() != b'/' {
                    return false;
                }
                if t0.kind == kind::NUMBER && t1.kind == kind::COMMENT && t1.first() == b'/' {
                    return true;
                }
                if t0.kind == kind::NUMBER && t1.kind == kind::COMMENT {
                    if self.stats_tokens > 2 {
                        return true;
                    }
                    // "1234 --" and "1234/*" are SQLi, "1234-ABCD--" (base64-ish) is not.
                    let at = |i: usize| self.s.get(i).copied().unwrap_or(0);
                    let ch = at(t0.len);
                    // C compares a signed char: bytes >= 0x80 count as "whitespace" too.
                    if (ch as i8) <= 32 {
                        return true;
                    }
                    if ch == b'/' && at(t0.len + 1) == b'*' {
                        return true;
                    }
                    if ch == b'-' && at(t0.len + 1) == b'-' {
                        return true;
                    }
                    return false;
                }
                // Many texts contain "--": only flag when the input ends with it.
                if t1.len > 2 && t1.first() == b'-' {
                    return false;
                }
                true
            }
            3 => {
                if fp == b"sos" && t0.str_open == 0 && t0.len == 0 {
                    // Sentinelle refinement: the value opens with the closing quote and only
                    // concatenates another string (`"^" matches ...`): harmless, and common in
                    // prose that quotes a symbol.
                    return false;
                }
                if fp == b"sos" && t1.len == 1 && matches!(t1.first(), b'~' | b'!') {
                    // Sentinelle refinement: `~` and `!` are unary only, so `'a' ~ 'b'` is no
                    // SQL expression (prose quoting a symbol: `Now, "~" is ...`).
                    return false;
                }
                if fp == b"sos" || fp == b"s&s" {
                    let t2 = self.tok(2);
                    // ...foo' + 'bar...: no opening and no closing quote.
                    return t0.str_open == 0 && t2.str_close == 0 && t0.str_close == t2.str_open;
                }
                if fp == b"s&n" || fp == b"n&1" || fp == b"1&1" || fp == b"1&v" || fp == b"1&s" {
                    // 'sexy and 17' is text, 'sexy and 17<18' is not.
                    return self.stats_tokens != 3;
                }
                if t1.kind == kind::KEYWORD {
                    // Only INTO OUTFILE / INTO DUMPFILE are SQLi here.
                    let v = t1.value();
                    return t1.len >= 5 && v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"INTO"));
                }
                true
            }
            _ => true,
        }
    }

    /// Did the ANSI pass see comments that read differently in MySQL?
    fn reparse_as_mysql(&self) -> bool {
        self.stats_comment_ddx != 0 || self.stats_comment_hash != 0
    }

    /// Run every context; true (with [`last_fingerprint`](Self::last_fingerprint) set) when one
    /// matches (`libinjection_is_sqli`).
    pub fn is_sqli(&mut self) -> bool {
        let s = self.s;
        if s.is_empty() {
            return false;
        }
        self.fingerprint(FLAG_QUOTE_NONE | FLAG_SQL_ANSI);
        if self.check_fingerprint() {
            return true;
        }
        if self.reparse_as_mysql() {
            self.fingerprint(FLAG_QUOTE_NONE | FLAG_SQL_MYSQL);
            if self.check_fingerprint() {
                return true;
            }
        }
        if memchr::memchr(b'\'', s).is_some() {
            self.fingerprint(FLAG_QUOTE_SINGLE | FLAG_SQL_ANSI);
            if self.check_fingerprint() {
                return true;
            }
            if self.reparse_as_mysql() {
                self.fingerprint(FLAG_QUOTE_SINGLE | FLAG_SQL_MYSQL);
                if self.check_fingerprint() {
                    return true;
                }
            }
        }
        if memchr::memchr(b'"', s).is_some() {
            self.fingerprint(FLAG_QUOTE_DOUBLE | FLAG_SQL_MYSQL);
            if self.check_fingerprint() {
                return true;
            }
        }
        // Sentinelle extension: a value inside a MySQL `identifier` (ORDER BY `col`).
        if memchr::memchr(b'`', s).is_some() {
            self.fingerprint(FLAG_QUOTE_BACKTICK | FLAG_SQL_MYSQL);
            if self.check_fingerprint() {
                return true;
            }
        }
        false
    }
}

/// Detect SQL injection in one raw (already decoded) value; `Some(fingerprint)` when it is SQLi.
///
/// Allocation-free; linear in the input length.
pub fn detect(input: &[u8]) -> Option<Fingerprint> {
    let mut st = SqliState::new(input, 0);
    if st.is_sqli() {
        Some(st.last_fingerprint())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(s: &str) -> Option<String> {
        detect(s.as_bytes()).map(|f| f.as_str().to_string())
    }

    #[test]
    fn fingerprint_table_is_sorted() {
        assert!(FINGERPRINTS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(FINGERPRINTS.len(), 8367);
        assert!(is_known_fingerprint(b"s&sos"));
        assert!(is_known_fingerprint(b"X"));
        assert!(!is_known_fingerprint(b""));
        assert!(!is_known_fingerprint(b"nnnnnn"));
    }

    #[test]
    fn classic_payloads() {
        assert_eq!(fp("1' OR '1'='1").as_deref(), Some("s&sos"));
        assert_eq!(
            fp("1 UNION SELECT user, password FROM users").as_deref(),
            Some("1UEnk")
        );
        assert_eq!(fp("' AND SLEEP(5)-- -").as_deref(), Some("s&f(1"));
        assert_eq!(fp("1; DROP TABLE users").as_deref(), Some("1;Tnn"));
        assert_eq!(fp("1'/**/oR/**/1=1-- -").as_deref(), Some("s&1c"));
        assert_eq!(fp("1 uNiOn sElEcT 1,2,3").as_deref(), Some("1UE1"));
        assert_eq!(fp("admin'--").as_deref(), Some("sc"));
        assert_eq!(fp("1 AND 1=1").as_deref(), Some("1&1"));
        assert_eq!(fp("/*!50000union*/").as_deref(), Some("X"));
    }

    #[test]
    fn benign_values() {
        for v in [
            "",
            "hello world",
            "O'Brien",
            "john.doe@example.com",
            "2024-01-15",
            "select a product",
            "rock and roll",
            "1",
            "Tom & Jerry",
            "50% off",
            "C:\\Program Files",
            "I'm here",
            "the union of sets",
        ] {
            assert_eq!(fp(v), None, "{v}");
        }
    }
}
