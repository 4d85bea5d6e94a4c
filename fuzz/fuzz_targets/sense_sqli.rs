#![no_main]
//! Fuzz the SQLi detector: `detect` on raw bytes, the line checker, and `scan_request` with the
//! input split into URI, a header value, a body and a content type.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fp = sense::detect(data);
    if let Some(fp) = fp {
        assert!(!fp.as_str().is_empty() && fp.as_str().len() <= 5);
    }

    let mut out = Vec::new();
    let _ = sense::sqli_check(&data[..data.len().min(4096)], &mut out);

    // Split: [selector][uri \0 header \0 body]
    let (sel, rest) = match data.split_first() {
        Some((s, r)) => (*s, r),
        None => (0, &[][..]),
    };
    let mut parts = rest.splitn(3, |&c| c == 0);
    let uri = parts.next().unwrap_or(&[]);
    let header = parts.next().unwrap_or(&[]);
    let body = parts.next().unwrap_or(&[]);
    let ct: Option<&[u8]> = match sel % 5 {
        0 => None,
        1 => Some(b"application/x-www-form-urlencoded"),
        2 => Some(b"application/json"),
        3 => Some(b"multipart/form-data; boundary=b"),
        _ => Some(header),
    };
    let headers: [(&[u8], &[u8]); 3] = [(b"Cookie", header), (b"User-Agent", header), (b"Referer", uri)];
    let findings = sense::scan_request(uri, &headers, body, ct);
    assert!(findings.len() <= sense::ScanLimits::default().max_findings);
});
