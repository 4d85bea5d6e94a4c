//! Conformance of the Rust port with libinjection's own test suite.
//!
//! `tests/data/libinjection-tests.txt` concatenates libinjection's `tests/test-tokens-*`,
//! `test-folding-*` and `test-sqli-*` files (libinjection, Copyright (c) 2012-2016 Nick Galbreath,
//! Copyright 2021 LibInjection, BSD-3-Clause; see `src/sqli/LICENSE-libinjection`). Each case is
//! run the way libinjection's `testdriver.c` runs it and the printed tokens or fingerprint must
//! match exactly.

use sense::sqli::{SqliState, Token, FLAG_QUOTE_NONE, FLAG_SQL_ANSI};

fn rtrim(s: &[u8]) -> &[u8] {
    let mut end = s.len();
    while end > 0 && matches!(s[end - 1], b' ' | b'\n' | b'\t' | b'\r') {
        end -= 1;
    }
    &s[..end]
}

fn split_once<'a>(s: &'a [u8], pat: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let i = s.windows(pat.len()).position(|w| w == pat)?;
    Some((&s[..i], &s[i + pat.len()..]))
}

fn print_token(out: &mut Vec<u8>, t: &Token) {
    out.push(t.kind);
    out.push(b' ');
    let print_string = |out: &mut Vec<u8>| {
        if t.str_open != 0 {
            out.push(t.str_open);
        }
        out.extend_from_slice(t.cstr());
        if t.str_close != 0 {
            out.push(t.str_close);
        }
    };
    match t.kind {
        b's' => print_string(out),
        b'v' => {
            for _ in 0..t.count.min(2) {
                out.push(b'@');
            }
            print_string(out)
        }
        _ => out.extend_from_slice(t.cstr()),
    }
    out.push(b'\n');
}

fn run_case(name: &str, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let flags = FLAG_QUOTE_NONE | FLAG_SQL_ANSI;
    if name.starts_with("test-tokens-") {
        let mut st = SqliState::new(input, flags);
        while st.tokenize() {
            print_token(&mut out, st.current());
        }
    } else if name.starts_with("test-folding-") {
        let mut st = SqliState::new(input, flags);
        let n = st.fold();
        for i in 0..n {
            print_token(&mut out, st.token(i));
        }
    } else {
        if let Some(fp) = sense::detect(input) {
            out.extend_from_slice(fp.as_bytes());
        }
    }
    rtrim(&out).to_vec()
}

#[test]
fn libinjection_test_suite() {
    let data: &[u8] = include_bytes!("data/libinjection-tests.txt");
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut rest_all = data;
    while let Some(start) = rest_all.strip_prefix(b"=== ") {
        let (chunk, next) = split_once(start, b"\n=== ").unwrap_or((start, b""));
        rest_all = if next.is_empty() {
            b""
        } else {
            &start[chunk.len() + 1..]
        };
        let (name, body) = split_once(chunk, b"\n").unwrap_or((chunk, b""));
        let name = String::from_utf8_lossy(name).into_owned();
        let Some((_, rest)) = split_once(body, b"--INPUT--\n") else {
            continue;
        };
        // The last line's newline went to the "\n=== " separator.
        let Some((input, expected)) = split_once(rest, b"--EXPECTED--") else {
            continue;
        };
        let expected = expected.strip_prefix(b"\n").unwrap_or(expected);
        let input = rtrim(input);
        let expected = rtrim(expected);
        let got = run_case(&name, input);
        cases += 1;
        if got != expected {
            failures.push(format!(
                "{name}\nINPUT:\n{}\nEXPECTED:\n{}\nGOT:\n{}\n",
                String::from_utf8_lossy(input),
                String::from_utf8_lossy(expected),
                String::from_utf8_lossy(&got)
            ));
        }
    }
    assert_eq!(cases, 417);
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
