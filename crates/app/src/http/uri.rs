//! Request-URI parsing and normalization, reproducing libhtp 0.5 with Suricata 7's default
//! `IDS` personality (the `http.uri` buffer):
//!
//! - the URI is split into scheme / authority / path / query / fragment (`htp_parse_uri`);
//! - the path is percent-decoded (all `%HH`, plus `%uHHHH` through the Windows-1252 best-fit
//!   map), `\` becomes `/`, encoded separators are decoded, runs of `/` are compressed,
//!   invalid encodings keep their `%`; UTF-8 sequences (overlong ones too) are folded to single
//!   bytes through the best-fit map; then RFC 3986 dot segments are removed;
//! - the query is percent-decoded (`%HH` only, `+` kept); the fragment is decoded like a path
//!   component;
//! - Suricata rebuilds `path ["?" query] ["#" fragment]` (scheme and authority left out).
//!
//! Lowercasing of the path, which libhtp's IDS personality would do, is turned off by Suricata.

use super::bestfit::BESTFIT_1252;

/// Replacement byte for code points without a best-fit mapping.
const REPLACEMENT: u8 = b'?';

/// The components of a raw request URI, borrowed from it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawUri<'a> {
    pub scheme: Option<&'a [u8]>,
    pub hostname: Option<&'a [u8]>,
    pub port: Option<&'a [u8]>,
    pub path: Option<&'a [u8]>,
    pub query: Option<&'a [u8]>,
    pub fragment: Option<&'a [u8]>,
}

/// Splits a request URI like `htp_parse_uri` (no validation).
pub(crate) fn parse_uri(input: &[u8]) -> RawUri<'_> {
    let mut uri = RawUri::default();
    let mut len = input.len();
    while len > 0 && input.get(len - 1) == Some(&b' ') {
        len -= 1;
    }
    let data = input.get(..len).unwrap_or_default();
    if data.is_empty() {
        return uri;
    }
    let mut pos = 0usize;
    if data.first() != Some(&b'/') {
        if let Some(colon) = memchr::memchr(b':', data) {
            uri.scheme = data.get(..colon);
            pos = colon + 1;
        }
    }
    if uri.scheme.is_some()
        && pos + 2 < len
        && data.get(pos) == Some(&b'/')
        && data.get(pos + 1) == Some(&b'/')
        && data.get(pos + 2) != Some(&b'/')
    {
        let start = pos + 2;
        let mut end = start;
        while let Some(&c) = data.get(end) {
            if c == b'?' || c == b'/' || c == b'#' {
                break;
            }
            end += 1;
        }
        let authority = data.get(start..end).unwrap_or_default();
        let host_part = match memchr::memchr(b'@', authority) {
            Some(at) => authority.get(at + 1..).unwrap_or_default(),
            None => authority,
        };
        if host_part.first() == Some(&b'[') {
            match memchr::memchr(b']', host_part) {
                None => uri.hostname = Some(host_part),
                Some(rb) => {
                    uri.hostname = host_part.get(..=rb);
                    let rest = host_part.get(rb + 1..).unwrap_or_default();
                    if let Some(c) = memchr::memchr(b':', rest) {
                        uri.port = rest.get(c + 1..);
                    }
                }
            }
        } else {
            match memchr::memchr(b':', host_part) {
                Some(c) => {
                    uri.port = host_part.get(c + 1..);
                    uri.hostname = host_part.get(..c);
                }
                None => uri.hostname = Some(host_part),
            }
        }
        pos = end;
    }
    let rest = data.get(pos..).unwrap_or_default();
    let path_end = memchr::memchr2(b'?', b'#', rest).unwrap_or(rest.len());
    uri.path = rest.get(..path_end);
    let rest = rest.get(path_end..).unwrap_or_default();
    match rest.first() {
        Some(b'?') => {
            let q = rest.get(1..).unwrap_or_default();
            let q_end = memchr::memchr(b'#', q).unwrap_or(q.len());
            uri.query = q.get(..q_end);
            if let Some(f) = q.get(q_end..) {
                if f.first() == Some(&b'#') {
                    uri.fragment = f.get(1..);
                }
            }
        }
        Some(b'#') => uri.fragment = rest.get(1..),
        _ => {}
    }
    uri
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// libhtp's `x2c` on two bytes known to be hex digits.
fn x2c(a: u8, b: u8) -> u8 {
    (hexval(a).unwrap_or(0) << 4) | hexval(b).unwrap_or(0)
}

fn is_hex(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_hexdigit())
}

/// Best-fit lookup of a 16-bit code point (`bestfit_codepoint` / the `%u` map search).
fn bestfit(codepoint: u32) -> u8 {
    if codepoint < 0x100 {
        return codepoint as u8;
    }
    if codepoint > 0xffff {
        return REPLACEMENT;
    }
    let cp = codepoint as u16;
    match BESTFIT_1252.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(i) => BESTFIT_1252.get(i).map_or(REPLACEMENT, |&(_, b)| b),
        Err(_) => REPLACEMENT,
    }
}

/// `%uHHHH` in a path: `00HH` gives the byte, anything else goes through the best-fit map.
fn decode_u(d: &[u8]) -> u8 {
    let b = |i: usize| d.get(i).copied().unwrap_or(b'0');
    let c1 = x2c(b(0), b(1));
    let c2 = x2c(b(2), b(3));
    if c1 == 0 {
        c2
    } else {
        bestfit((u32::from(c1) << 8) | u32::from(c2))
    }
}

/// `htp_decode_path_inplace` with the IDS personality (u-decoding, backslash conversion,
/// separator decoding and compression on; invalid encodings preserved).
fn decode_path(data: &[u8], out: &mut Vec<u8>) {
    let len = data.len();
    let mut rpos = 0usize;
    let mut prev_sep = false;
    while rpos < len {
        let mut c = data.get(rpos).copied().unwrap_or(0);
        if c == b'%' {
            if rpos + 2 < len {
                let next = data.get(rpos + 1).copied().unwrap_or(0);
                if next == b'u' || next == b'U' {
                    if rpos + 5 < len && (2..6).all(|i| is_hex(data.get(rpos + i))) {
                        c = decode_u(data.get(rpos + 2..rpos + 6).unwrap_or_default());
                        rpos += 6;
                    } else {
                        rpos += 1; // keep the '%'
                    }
                } else if is_hex(data.get(rpos + 1)) && is_hex(data.get(rpos + 2)) {
                    c = x2c(next, data.get(rpos + 2).copied().unwrap_or(0));
                    rpos += 3;
                } else {
                    rpos += 1;
                }
            } else {
                rpos += 1;
            }
        } else {
            rpos += 1;
        }
        if c == b'\\' {
            c = b'/';
        }
        if c == b'/' {
            if !prev_sep {
                out.push(c);
            }
            prev_sep = true;
        } else {
            out.push(c);
            prev_sep = false;
        }
    }
}

/// Bjoern Hoehrmann's UTF-8 DFA, with libhtp's overlong-allowing character classes.
static UTF8_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0x80;
    while i < 0x90 {
        t[i] = 1;
        i += 1;
    }
    while i < 0xa0 {
        t[i] = 9;
        i += 1;
    }
    while i < 0xc0 {
        t[i] = 7;
        i += 1;
    }
    while i < 0xe0 {
        t[i] = 2;
        i += 1;
    }
    while i < 0xf0 {
        t[i] = 3;
        i += 1;
    }
    t[0xed] = 4;
    t[0xf0] = 6;
    t[0xf1] = 6;
    t[0xf2] = 6;
    t[0xf3] = 6;
    t[0xf4] = 5;
    i = 0xf5;
    while i < 0x100 {
        t[i] = 8;
        i += 1;
    }
    t
};

static UTF8_TRANS: [u8; 144] = [
    0, 1, 2, 3, 5, 8, 7, 1, 1, 1, 4, 6, 1, 1, 1, 1, // s0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1,
    1, // s1..s2
    1, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1,
    1, // s3..s4
    1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1,
    1, // s5..s6
    1, 3, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, // s7..s8
];

const UTF8_ACCEPT: u32 = 0;
const UTF8_REJECT: u32 = 1;

/// `htp_utf8_decode_path_inplace`: UTF-8 characters become one best-fit byte each, invalid
/// sequences one `?`; an incomplete sequence at the end is dropped.
fn utf8_bestfit(data: &[u8], out: &mut Vec<u8>) {
    if data.is_ascii() {
        out.extend_from_slice(data);
        return;
    }
    let len = data.len();
    let mut rpos = 0usize;
    let mut state = UTF8_ACCEPT;
    let mut codepoint = 0u32;
    let mut counter = 0u32;
    while rpos < len {
        let byte = data.get(rpos).copied().unwrap_or(0);
        counter += 1;
        let class = u32::from(UTF8_CLASS[usize::from(byte)]);
        codepoint = if state != UTF8_ACCEPT {
            (u32::from(byte) & 0x3f) | (codepoint << 6)
        } else {
            (0xffu32 >> class) & u32::from(byte)
        };
        state = UTF8_TRANS
            .get((state * 16 + class) as usize)
            .map_or(UTF8_REJECT, |&s| u32::from(s));
        match state {
            UTF8_ACCEPT => {
                if counter == 1 {
                    out.push(codepoint as u8);
                } else {
                    out.push(bestfit(codepoint));
                }
                rpos += 1;
                counter = 0;
            }
            UTF8_REJECT => {
                out.push(REPLACEMENT);
                if counter == 1 {
                    rpos += 1;
                }
                state = UTF8_ACCEPT;
                codepoint = 0;
                counter = 0;
            }
            _ => rpos += 1,
        }
    }
}

/// `htp_normalize_uri_path_inplace`: RFC 3986 5.2.4 remove_dot_segments, libhtp's variant.
fn remove_dot_segments(data: &mut Vec<u8>) {
    let len = data.len();
    let at = |d: &Vec<u8>, i: usize| d.get(i).copied();
    let mut rpos = 0usize;
    let mut wpos = 0usize;
    let mut c: Option<u8> = None;
    while rpos < len && wpos < len {
        let ch = match c {
            Some(ch) => ch,
            None => {
                let ch = at(data, rpos).unwrap_or(0);
                rpos += 1;
                ch
            }
        };
        c = Some(ch);
        if ch == b'.' {
            if rpos + 1 < len && at(data, rpos) == Some(b'.') && at(data, rpos + 1) == Some(b'/') {
                c = None;
                rpos += 2;
                continue;
            } else if rpos < len && at(data, rpos) == Some(b'/') {
                c = None;
                rpos += 1;
                continue;
            }
        }
        if ch == b'/' {
            if rpos + 1 < len && at(data, rpos) == Some(b'.') && at(data, rpos + 1) == Some(b'/') {
                rpos += 2;
                continue;
            } else if rpos + 1 == len && at(data, rpos) == Some(b'.') {
                rpos += 1;
                continue;
            }
            if rpos + 2 < len
                && at(data, rpos) == Some(b'.')
                && at(data, rpos + 1) == Some(b'.')
                && at(data, rpos + 2) == Some(b'/')
            {
                rpos += 3;
                while wpos > 0 && at(data, wpos - 1) != Some(b'/') {
                    wpos -= 1;
                }
                wpos = wpos.saturating_sub(1);
                continue;
            } else if rpos + 2 == len && at(data, rpos) == Some(b'.') && at(data, rpos + 1) == Some(b'.') {
                rpos += 2;
                while wpos > 0 && at(data, wpos - 1) != Some(b'/') {
                    wpos -= 1;
                }
                wpos = wpos.saturating_sub(1);
                continue;
            }
        }
        if ch == b'.' && rpos == len {
            rpos += 1;
            continue;
        }
        if ch == b'.' && rpos + 1 == len && at(data, rpos) == Some(b'.') {
            rpos += 2;
            continue;
        }
        if let Some(slot) = data.get_mut(wpos) {
            *slot = ch;
        }
        wpos += 1;
        while rpos < len && at(data, rpos) != Some(b'/') && wpos < len {
            let b = at(data, rpos).unwrap_or(0);
            if let Some(slot) = data.get_mut(wpos) {
                *slot = b;
            }
            wpos += 1;
            rpos += 1;
        }
        c = None;
    }
    data.truncate(wpos);
}

/// `htp_urldecode_inplace` for the query (`%HH` only, `+` kept, invalid `%` kept).
pub(crate) fn urldecode_query(data: &[u8], out: &mut Vec<u8>) {
    let len = data.len();
    let mut rpos = 0usize;
    while rpos < len {
        let c = data.get(rpos).copied().unwrap_or(0);
        if c == b'%' && rpos + 2 < len && is_hex(data.get(rpos + 1)) && is_hex(data.get(rpos + 2)) {
            out.push(x2c(
                data.get(rpos + 1).copied().unwrap_or(0),
                data.get(rpos + 2).copied().unwrap_or(0),
            ));
            rpos += 3;
        } else {
            out.push(c);
            rpos += 1;
        }
    }
}

/// URL-path-context decoding (`%HH` and `%uHHHH`), as used for the fragment and the URI's
/// hostname.
fn urldecode_pathctx(data: &[u8], out: &mut Vec<u8>) {
    let len = data.len();
    let mut rpos = 0usize;
    while rpos < len {
        let mut c = data.get(rpos).copied().unwrap_or(0);
        if c == b'%' && rpos + 2 < len {
            let next = data.get(rpos + 1).copied().unwrap_or(0);
            if next == b'u' || next == b'U' {
                if rpos + 5 < len && (2..6).all(|i| is_hex(data.get(rpos + i))) {
                    let d = data.get(rpos + 2..rpos + 6).unwrap_or_default();
                    let b = |i: usize| d.get(i).copied().unwrap_or(b'0');
                    let c1 = x2c(b(0), b(1));
                    let c2 = x2c(b(2), b(3));
                    c = if c1 == 0 {
                        c2
                    } else {
                        bestfit((u32::from(c1) << 8) | u32::from(c2))
                    };
                    rpos += 6;
                } else {
                    rpos += 1;
                }
            } else if is_hex(data.get(rpos + 1)) && is_hex(data.get(rpos + 2)) {
                c = x2c(next, data.get(rpos + 2).copied().unwrap_or(0));
                rpos += 3;
            } else {
                rpos += 1;
            }
        } else {
            rpos += 1;
        }
        out.push(c);
    }
}

/// Normalizes a request path (decode, UTF-8 best-fit, dot segments) into `out`.
pub(crate) fn normalize_path(path: &[u8], out: &mut Vec<u8>) {
    let mut decoded = Vec::with_capacity(path.len());
    decode_path(path, &mut decoded);
    let start = out.len();
    utf8_bestfit(&decoded, out);
    let mut tail = out.split_off(start);
    remove_dot_segments(&mut tail);
    out.extend_from_slice(&tail);
}

/// What normalization yields besides the URI bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Normalized {
    /// Normalized path alone (file names).
    pub path: Vec<u8>,
    /// Hostname from an absolute URI (decoded, lowercased, trailing dots removed).
    pub hostname: Option<Vec<u8>>,
    /// Port from an absolute URI, when valid.
    pub port: Option<u16>,
}

/// Builds Suricata's normalized URI (`http.uri`) into `out` and returns the other parts.
pub(crate) fn normalize(raw: &RawUri<'_>, out: &mut Vec<u8>) -> Normalized {
    let mut n = Normalized::default();
    if let Some(h) = raw.hostname {
        let mut host = Vec::with_capacity(h.len());
        urldecode_pathctx(h, &mut host);
        host.make_ascii_lowercase();
        while host.last() == Some(&b'.') {
            host.pop();
        }
        n.hostname = Some(host);
    }
    if let Some(p) = raw.port {
        n.port = parse_port(p);
    }
    if let Some(p) = raw.path {
        normalize_path(p, &mut n.path);
        out.extend_from_slice(&n.path);
    }
    if let Some(q) = raw.query {
        out.push(b'?');
        urldecode_query(q, out);
    }
    if let Some(f) = raw.fragment {
        out.push(b'#');
        urldecode_pathctx(f, out);
    }
    n
}

/// `htp_parse_positive_integer_whitespace` in base 10; `None` on error.
pub(crate) fn parse_int_ws(data: &[u8]) -> Option<u64> {
    let is_lws = |c: &u8| *c == b' ' || *c == b'\t';
    let start = data.iter().position(|c| !is_lws(c))?;
    let rest = data.get(start..)?;
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    if !rest.get(digits..)?.iter().all(is_lws) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in rest.get(..digits)? {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(v)
}

/// Port number 1..=65535, as `htp_parse_port`.
pub(crate) fn parse_port(data: &[u8]) -> Option<u16> {
    match parse_int_ws(data) {
        Some(p) if (1..65536).contains(&p) => u16::try_from(p).ok(),
        _ => None,
    }
}

/// Host header parsing (`htp_parse_hostport`): hostname (lowercased only when no port is
/// given, as libhtp does) and port.
pub(crate) fn parse_hostport(value: &[u8]) -> (Option<Vec<u8>>, Option<u16>) {
    let data = value.trim_ascii();
    if data.is_empty() {
        return (None, None);
    }
    if data.first() == Some(&b'[') {
        let Some(rb) = memchr::memchr(b']', data) else {
            return (None, None);
        };
        let host = data.get(..=rb).map(<[u8]>::to_vec);
        let rest = data.get(rb + 1..).unwrap_or_default();
        let port = match rest.first() {
            Some(b':') => parse_port(rest.get(1..).unwrap_or_default()),
            _ => None,
        };
        return (host, port);
    }
    match memchr::memchr(b':', data) {
        None => (Some(data.to_ascii_lowercase()), None),
        Some(c) => {
            let host = data.get(..c).unwrap_or_default().trim_ascii_end();
            (
                Some(host.to_vec()),
                parse_port(data.get(c + 1..).unwrap_or_default()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(uri: &str) -> String {
        let mut out = Vec::new();
        normalize(&parse_uri(uri.as_bytes()), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn splits_components() {
        let u = parse_uri(b"http://user:pw@Example.COM:8080/a/b?x=1#frag");
        assert_eq!(u.scheme, Some(&b"http"[..]));
        assert_eq!(u.hostname, Some(&b"Example.COM"[..]));
        assert_eq!(u.port, Some(&b"8080"[..]));
        assert_eq!(u.path, Some(&b"/a/b"[..]));
        assert_eq!(u.query, Some(&b"x=1"[..]));
        assert_eq!(u.fragment, Some(&b"frag"[..]));
        let u = parse_uri(b"/only?q");
        assert_eq!(u.path, Some(&b"/only"[..]));
        assert_eq!(u.query, Some(&b"q"[..]));
        assert_eq!(u.scheme, None);
        let u = parse_uri(b"[::1]:80");
        assert_eq!(u.scheme, Some(&b"["[..]));
        assert_eq!(parse_uri(b""), RawUri::default());
    }

    #[test]
    fn absolute_uri_host_and_port() {
        let mut out = Vec::new();
        let n = normalize(&parse_uri(b"http://WWW.Example.com.:8080/x"), &mut out);
        assert_eq!(n.hostname.as_deref(), Some(&b"www.example.com"[..]));
        assert_eq!(n.port, Some(8080));
        assert_eq!(out, b"/x");
    }

    #[test]
    fn path_normalization() {
        assert_eq!(norm("/a/./b/../c"), "/a/c");
        assert_eq!(norm("/a//b///c"), "/a/b/c");
        assert_eq!(norm("/a\\b"), "/a/b");
        assert_eq!(norm("/%61%62c"), "/abc");
        assert_eq!(norm("/a%2fb"), "/a/b");
        assert_eq!(norm("/a%2f%2fb"), "/a/b");
        assert_eq!(norm("/%zz%4"), "/%zz%4");
        assert_eq!(norm("/%u0041b"), "/Ab");
        assert_eq!(norm("/%u0100"), "/A");
        // U+2215 best-fits to '/', then separators are compressed; U+4E00 has no mapping.
        assert_eq!(norm("/%u2215x"), "/x");
        assert_eq!(norm("/%u4e00x"), "/?x");
        assert_eq!(norm("/%uzz"), "/%uzz");
        assert_eq!(norm("/../../etc/passwd"), "/etc/passwd");
        assert_eq!(norm("/a/b/.."), "/a");
        // libhtp drops the trailing "/." entirely.
        assert_eq!(norm("/a/."), "/a");
        assert_eq!(norm("/Mixed/CASE"), "/Mixed/CASE");
        assert_eq!(norm("/%2e%2e/x"), "/x");
        assert_eq!(norm("/a%20b"), "/a b");
    }

    #[test]
    fn utf8_best_fit() {
        // U+00E9 (2-byte) -> 0xE9; overlong '/' (C0 AF) -> '/'; invalid -> '?'.
        assert_eq!(normed_bytes(b"/caf\xc3\xa9"), b"/caf\xe9");
        assert_eq!(normed_bytes(b"/a\xc0\xafb"), b"/a/b");
        assert_eq!(normed_bytes(b"/a\xffb"), b"/a?b");
        assert_eq!(normed_bytes(b"/%c3%a9"), b"/\xe9");
        // Incomplete sequence at the end is dropped, as libhtp does.
        assert_eq!(normed_bytes(b"/ab\xc3"), b"/ab");
    }

    fn normed_bytes(p: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        normalize_path(p, &mut out);
        out
    }

    #[test]
    fn query_and_fragment() {
        assert_eq!(norm("/p?a=%41+b&c=%zz"), "/p?a=A+b&c=%zz");
        assert_eq!(norm("/p?x=%2F..%2F"), "/p?x=/../");
        assert_eq!(norm("/p#%41"), "/p#A");
        assert_eq!(norm("/shop/item?id=3%28%2C%29"), "/shop/item?id=3(,)");
    }

    #[test]
    fn host_header() {
        assert_eq!(
            parse_hostport(b" Example.COM "),
            (Some(b"example.com".to_vec()), None)
        );
        assert_eq!(
            parse_hostport(b"Example.COM:8080"),
            (Some(b"Example.COM".to_vec()), Some(8080))
        );
        assert_eq!(parse_hostport(b"h:0"), (Some(b"h".to_vec()), None));
        assert_eq!(parse_hostport(b"h:99999"), (Some(b"h".to_vec()), None));
        assert_eq!(parse_hostport(b"[::1]:81"), (Some(b"[::1]".to_vec()), Some(81)));
        assert_eq!(parse_hostport(b"[::1"), (None, None));
        assert_eq!(parse_hostport(b""), (None, None));
    }

    #[test]
    fn integers() {
        assert_eq!(parse_int_ws(b" 42 "), Some(42));
        assert_eq!(parse_int_ws(b"4 2"), None);
        assert_eq!(parse_int_ws(b""), None);
        assert_eq!(parse_int_ws(b"99999999999999999999999"), None);
    }
}
