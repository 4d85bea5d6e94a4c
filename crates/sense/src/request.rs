//! Walk the pieces of an HTTP request and run the SQLi detector on every value an application
//! could pass to SQL.
//!
//! Inspected: query-string parameters (names and values), `application/x-www-form-urlencoded`
//! bodies, `multipart/form-data` text fields, JSON bodies (string leaves and keys, bounded
//! depth), cookies and a few headers that applications log or store (User-Agent, Referer,
//! X-Forwarded-For and its cousins). Every value is decoded as the server would decode it
//! (see [`crate::decode`]) before detection. All work is bounded by [`ScanLimits`]; what the
//! limits cut is counted in [`ScanStats`].

use crate::decode::{Plus, ValueDecoder};
use crate::json::{scan_strings, JsonItem, JsonLimits};

/// Where in the request a value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// URI query string.
    Query,
    /// Form body (urlencoded or multipart).
    Body,
    /// JSON body.
    Json,
    /// `Cookie` header.
    Cookie,
    /// Another request header.
    Header,
}

impl Location {
    /// Lower-case name, as used in events (`query`, `body`, `json`, `cookie`, `header`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Body => "body",
            Location::Json => "json",
            Location::Cookie => "cookie",
            Location::Header => "header",
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One SQL injection found in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliFinding {
    /// Parameter name (decoded), JSON path, cookie name or header name.
    pub param: String,
    /// Where the parameter was.
    pub location: Location,
    /// The decoded value that matched (lossy UTF-8, cut to [`ScanLimits::max_report_len`]).
    pub decoded: String,
    /// The libinjection fingerprint, e.g. `s&sos`.
    pub fingerprint: String,
}

/// Bounds on the work done for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Most values inspected per request.
    pub max_params: usize,
    /// Most findings returned per request.
    pub max_findings: usize,
    /// Longest value inspected (bytes); longer values are cut.
    pub max_value_len: usize,
    /// Most body bytes inspected.
    pub max_body_len: usize,
    /// JSON nesting kept in paths.
    pub max_json_depth: usize,
    /// Longest `decoded` text kept in a finding (bytes).
    pub max_report_len: usize,
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits {
            max_params: 512,
            max_findings: 32,
            max_value_len: 16 * 1024,
            max_body_len: 1024 * 1024,
            max_json_depth: 32,
            max_report_len: 1024,
        }
    }
}

/// Counters of what one or more scans inspected and dropped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanStats {
    /// Values run through the detector.
    pub values_scanned: u64,
    /// Values skipped because `max_params` was reached.
    pub values_dropped: u64,
    /// Values cut to `max_value_len`.
    pub values_truncated: u64,
    /// Bodies cut to `max_body_len`.
    pub bodies_truncated: u64,
    /// Findings dropped because `max_findings` was reached.
    pub findings_dropped: u64,
    /// JSON strings nested deeper than `max_json_depth`.
    pub json_too_deep: u64,
}

/// Headers whose values are inspected (case-insensitive), with the name reported.
const HEADERS: &[&str] = &[
    "User-Agent",
    "Referer",
    "X-Forwarded-For",
    "X-Real-IP",
    "X-Client-IP",
    "True-Client-IP",
];

/// Body encodings understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind<'a> {
    Form,
    Json,
    Multipart(&'a [u8]),
    Other,
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    s.get(start..end.max(start)).unwrap_or(&[])
}

/// `boundary=` parameter of a multipart content type.
fn multipart_boundary(ct: &[u8]) -> Option<&[u8]> {
    let lower_pos = ct.windows(9).position(|w| w.eq_ignore_ascii_case(b"boundary="))?;
    let rest = ct.get(lower_pos + 9..)?;
    let b = if rest.first() == Some(&b'"') {
        let inner = rest.get(1..)?;
        let end = memchr::memchr(b'"', inner).unwrap_or(inner.len());
        inner.get(..end)?
    } else {
        let end = rest
            .iter()
            .position(|&c| c == b';' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest.get(..end)?
    };
    (!b.is_empty()).then_some(b)
}

fn body_kind<'a>(content_type: Option<&'a [u8]>, body: &[u8]) -> BodyKind<'a> {
    match content_type {
        Some(ct) if contains_ci(ct, b"application/x-www-form-urlencoded") => BodyKind::Form,
        Some(ct) if contains_ci(ct, b"json") => BodyKind::Json,
        Some(ct) if contains_ci(ct, b"multipart/form-data") => {
            multipart_boundary(ct).map_or(BodyKind::Other, BodyKind::Multipart)
        }
        Some(_) => BodyKind::Other,
        None => {
            // No content type: sniff JSON, then a urlencoded-looking body.
            let t = trim(body);
            match t.first() {
                Some(b'{' | b'[') => BodyKind::Json,
                Some(_)
                    if memchr::memchr(b'=', t).is_some()
                        && !t.iter().any(|c| matches!(c, b'\n' | b'\r' | 0)) =>
                {
                    BodyKind::Form
                }
                _ => BodyKind::Other,
            }
        }
    }
}

/// The scanning context for one request.
struct Scan<'l> {
    limits: &'l ScanLimits,
    stats: ScanStats,
    decoder: ValueDecoder,
    findings: Vec<SqliFinding>,
    values: usize,
}

impl Scan<'_> {
    fn cut<'v>(&mut self, v: &'v [u8]) -> &'v [u8] {
        if v.len() > self.limits.max_value_len {
            self.stats.values_truncated += 1;
            v.get(..self.limits.max_value_len).unwrap_or(v)
        } else {
            v
        }
    }

    fn report(&mut self, param: String, location: Location, decoded: &[u8], fp: &str) {
        if self.findings.len() >= self.limits.max_findings {
            self.stats.findings_dropped += 1;
            return;
        }
        let cut = decoded.get(..self.limits.max_report_len).unwrap_or(decoded);
        self.findings.push(SqliFinding {
            param,
            location,
            decoded: String::from_utf8_lossy(cut).into_owned(),
            fingerprint: fp.to_string(),
        });
    }

    /// Check one value; `name` is produced lazily (only for findings).
    fn check<N: FnOnce(&mut ValueDecoder) -> String>(
        &mut self,
        location: Location,
        value: &[u8],
        plus: Option<Plus>,
        name: N,
    ) -> bool {
        if value.is_empty() {
            return false;
        }
        if self.values >= self.limits.max_params {
            self.stats.values_dropped += 1;
            return false;
        }
        self.values += 1;
        self.stats.values_scanned += 1;
        let value = self.cut(value);
        let hit = match plus {
            Some(p) => self.decoder.detect(value, p, false),
            None => crate::sqli::detect(value).map(|fingerprint| crate::decode::DecodedHit {
                fingerprint,
                decoded: value.to_vec(),
            }),
        };
        match hit {
            Some(h) => {
                let param = name(&mut self.decoder);
                self.report(param, location, &h.decoded, h.fingerprint.as_str());
                true
            }
            None => false,
        }
    }

    /// `a=1&b=2` (query strings, form bodies).
    fn urlencoded(&mut self, data: &[u8], location: Location) {
        for pair in data.split(|&c| c == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (name, value) = match memchr::memchr(b'=', pair) {
                Some(i) => (pair.get(..i).unwrap_or(&[]), pair.get(i + 1..).unwrap_or(&[])),
                None => (pair, &[][..]),
            };
            let name_hit = self.check(location, name, Some(Plus::Space), |d| {
                d.decode_lossy(name, Plus::Space)
            });
            if !name_hit {
                self.check(location, value, Some(Plus::Space), |d| {
                    d.decode_lossy(name, Plus::Space)
                });
            }
        }
    }

    fn cookies(&mut self, header: &[u8]) {
        for pair in header.split(|&c| c == b';') {
            let pair = trim(pair);
            if pair.is_empty() {
                continue;
            }
            let (name, value) = match memchr::memchr(b'=', pair) {
                Some(i) => (pair.get(..i).unwrap_or(&[]), pair.get(i + 1..).unwrap_or(&[])),
                None => (&[][..], pair),
            };
            let name = trim(name);
            let value = trim(value);
            let value = value
                .strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(value);
            self.check(Location::Cookie, value, Some(Plus::Keep), |d| {
                d.decode_lossy(name, Plus::Keep)
            });
        }
    }

    fn json(&mut self, body: &[u8]) {
        let jl = JsonLimits {
            max_depth: self.limits.max_json_depth,
            max_items: self.limits.max_params,
            max_path: 256,
        };
        let js = scan_strings(body, &jl, |_item: JsonItem, path, text| {
            self.check(Location::Json, text, None, |_| path.to_string());
        });
        self.stats.json_too_deep += js.too_deep;
        self.stats.values_dropped += js.items_dropped;
    }

    fn multipart(&mut self, body: &[u8], boundary: &[u8]) {
        let mut delim = Vec::with_capacity(boundary.len() + 4);
        delim.extend_from_slice(b"--");
        delim.extend_from_slice(boundary);
        let finder = memchr::memmem::Finder::new(&delim);
        let starts: Vec<usize> = finder.find_iter(body).take(self.limits.max_params + 1).collect();
        for w in starts.windows(2) {
            let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                continue;
            };
            let part = body.get(a + delim.len()..b).unwrap_or(&[]);
            let Some(hend) = memchr::memmem::find(part, b"\r\n\r\n")
                .map(|i| (i, 4))
                .or_else(|| memchr::memmem::find(part, b"\n\n").map(|i| (i, 2)))
            else {
                continue;
            };
            let headers = part.get(..hend.0).unwrap_or(&[]);
            let mut content = part.get(hend.0 + hend.1..).unwrap_or(&[]);
            content = content
                .strip_suffix(b"\r\n")
                .or_else(|| content.strip_suffix(b"\n"))
                .unwrap_or(content);
            if contains_ci(headers, b"filename=") {
                continue; // file upload content is not a parameter
            }
            let name = contains_ci(headers, b"name=\"")
                .then(|| {
                    let p = headers
                        .windows(6)
                        .position(|w| w.eq_ignore_ascii_case(b"name=\""))?;
                    let rest = headers.get(p + 6..)?;
                    let end = memchr::memchr(b'"', rest)?;
                    rest.get(..end)
                })
                .flatten()
                .unwrap_or(&[]);
            self.check(Location::Body, content, Some(Plus::Keep), |_| {
                String::from_utf8_lossy(name).into_owned()
            });
        }
    }
}

/// Scan a request with default [`ScanLimits`].
///
/// `uri` is the request target (`/path?query`), `headers` the request headers as sent,
/// `body` the (possibly partial) request body and `content_type` its `Content-Type`.
pub fn scan_request(
    uri: &[u8],
    headers: &[(&[u8], &[u8])],
    body: &[u8],
    content_type: Option<&[u8]>,
) -> Vec<SqliFinding> {
    let mut stats = ScanStats::default();
    scan_request_with(
        uri,
        headers,
        body,
        content_type,
        &ScanLimits::default(),
        &mut stats,
    )
}

/// Scan a request under explicit limits, adding to `stats`.
pub fn scan_request_with(
    uri: &[u8],
    headers: &[(&[u8], &[u8])],
    body: &[u8],
    content_type: Option<&[u8]>,
    limits: &ScanLimits,
    stats: &mut ScanStats,
) -> Vec<SqliFinding> {
    let mut scan = Scan {
        limits,
        stats: ScanStats::default(),
        decoder: ValueDecoder::new(),
        findings: Vec::new(),
        values: 0,
    };

    // Query string: after the first '?', up to a fragment.
    if let Some(q) = memchr::memchr(b'?', uri) {
        let query = uri.get(q + 1..).unwrap_or(&[]);
        let query = match memchr::memchr(b'#', query) {
            Some(h) => query.get(..h).unwrap_or(query),
            None => query,
        };
        scan.urlencoded(query, Location::Query);
    }

    // Body.
    let body = if body.len() > limits.max_body_len {
        scan.stats.bodies_truncated += 1;
        body.get(..limits.max_body_len).unwrap_or(body)
    } else {
        body
    };
    if !body.is_empty() {
        match body_kind(content_type, body) {
            BodyKind::Form => scan.urlencoded(body, Location::Body),
            BodyKind::Json => scan.json(body),
            BodyKind::Multipart(boundary) => scan.multipart(body, boundary),
            BodyKind::Other => {}
        }
    }

    // Cookies and selected headers.
    for (name, value) in headers {
        let name = trim(name);
        if name.eq_ignore_ascii_case(b"cookie") {
            scan.cookies(value);
        } else if let Some(h) = HEADERS.iter().find(|h| name.eq_ignore_ascii_case(h.as_bytes())) {
            scan.check(Location::Header, trim(value), Some(Plus::Keep), |_| {
                (*h).to_string()
            });
        }
    }

    stats.values_scanned += scan.stats.values_scanned;
    stats.values_dropped += scan.stats.values_dropped;
    stats.values_truncated += scan.stats.values_truncated;
    stats.bodies_truncated += scan.stats.bodies_truncated;
    stats.findings_dropped += scan.stats.findings_dropped;
    stats.json_too_deep += scan.stats.json_too_deep;
    scan.findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(param: &str, location: Location, decoded: &str, fp: &str) -> SqliFinding {
        SqliFinding {
            param: param.to_string(),
            location,
            decoded: decoded.to_string(),
            fingerprint: fp.to_string(),
        }
    }

    #[test]
    fn query_string() {
        let got = scan_request(b"/shop/item?id=1%27%20OR%20%271%27=%271&x=2#frag", &[], b"", None);
        assert_eq!(got, vec![f("id", Location::Query, "1' OR '1'='1", "s&sos")]);
        // Injection in the parameter name, '+' as space.
        let got = scan_request(b"/?1'+OR+SLEEP(5)--+-", &[], b"", None);
        assert_eq!(
            got,
            vec![f(
                "1' OR SLEEP(5)-- -",
                Location::Query,
                "1' OR SLEEP(5)-- -",
                "s&f(1"
            )]
        );
        assert_eq!(
            scan_request(b"/search?q=O%27Brien&lang=en&page=2", &[], b"", None),
            vec![]
        );
        assert_eq!(scan_request(b"/no-query", &[], b"", None), vec![]);
        assert_eq!(scan_request(b"/?&&=&", &[], b"", None), vec![]);
    }

    #[test]
    fn form_and_multipart_bodies() {
        let ct: &[u8] = b"application/x-www-form-urlencoded; charset=UTF-8";
        let got = scan_request(b"/login", &[], b"user=admin&pass=x%27+or+1%3D1--+", Some(ct));
        assert_eq!(got, vec![f("pass", Location::Body, "x' or 1=1-- ", "s&1c")]);
        // Sniffed form body without a content type.
        let got = scan_request(b"/login", &[], b"id=1+UNION+SELECT+1,2", None);
        assert_eq!(got, vec![f("id", Location::Body, "1 UNION SELECT 1,2", "1UE1")]);
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n1' AND SLEEP(5)-- -\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n1' OR '1'='1\r\n--XyZ--\r\n";
        let got = scan_request(b"/up", &[], body, Some(b"multipart/form-data; boundary=XyZ"));
        assert_eq!(got, vec![f("q", Location::Body, "1' AND SLEEP(5)-- -", "s&f(1")]);
        // Other content types are not parsed.
        assert_eq!(
            scan_request(b"/", &[], b"a=1' or '1'='1", Some(b"text/plain")),
            vec![]
        );
    }

    #[test]
    fn json_body() {
        let body =
            br#"{"search":{"q":"1' UNION SELECT password FROM users-- -","n":5},"tags":["ok","O'Neil"]}"#;
        let got = scan_request(b"/api", &[], body, Some(b"application/json"));
        assert_eq!(
            got,
            vec![f(
                "search.q",
                Location::Json,
                "1' UNION SELECT password FROM users-- -",
                "sUEnk"
            )]
        );
        // Truncated JSON still yields its last string.
        let got = scan_request(b"/api", &[], br#"[{"id":"1 AND 1=1"#, None);
        assert_eq!(got, vec![f("[0].id", Location::Json, "1 AND 1=1", "1&1")]);
    }

    #[test]
    fn cookies_and_headers() {
        let headers: &[(&[u8], &[u8])] = &[
            (b"Host", b"example.com"),
            (b"cookie", b"session=abc123; id=1%20AND%201%3D1; theme=\"dark\""),
            (b"User-Agent", b"Mozilla/5.0' AND SLEEP(5)#"),
            (b"Referer", b"https://example.com/search?q=O'Brien"),
            (b"X-Forwarded-For", b"10.0.0.1, 10.0.0.2"),
        ];
        let got = scan_request(b"/", headers, b"", None);
        assert_eq!(
            got,
            vec![
                f("id", Location::Cookie, "1 AND 1=1", "1&1"),
                f(
                    "User-Agent",
                    Location::Header,
                    "Mozilla/5.0' AND SLEEP(5)#",
                    "s&f(1"
                ),
            ]
        );
    }

    #[test]
    fn limits_are_counted() {
        let limits = ScanLimits {
            max_findings: 1,
            max_params: 5,
            max_value_len: 16,
            max_body_len: 8,
            max_report_len: 4,
            ..ScanLimits::default()
        };
        let mut stats = ScanStats::default();
        let got = scan_request_with(
            b"/?a=1%27+OR+%271&b=1+AND+1=1&c=x&d=1+UNION+SELECT+1,2,3,4,5,6,7",
            &[],
            b"e=1+AND+1=1",
            Some(b"application/x-www-form-urlencoded"),
            &limits,
            &mut stats,
        );
        assert_eq!(got, vec![f("a", Location::Query, "1' O", "s&s")]);
        assert_eq!(
            stats,
            ScanStats {
                values_scanned: 5,
                values_dropped: 5,
                values_truncated: 0,
                bodies_truncated: 1,
                findings_dropped: 1,
                json_too_deep: 0,
            }
        );
        assert_eq!(Location::Json.to_string(), "json");
    }

    #[test]
    fn garbage_never_panics() {
        let inputs: &[&[u8]] = &[b"", b"?", b"%", b"%u", b"?%u12", b"?a=%", b"?\xff\xfe=\xff'"];
        for uri in inputs {
            for ct in [
                None,
                Some(&b"multipart/form-data; boundary="[..]),
                Some(b"application/json"),
            ] {
                let _ = scan_request(uri, &[(b"cookie", b";;=;="), (b"referer", b"")], uri, ct);
            }
        }
    }
}
