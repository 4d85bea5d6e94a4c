//! Scenario tests of the HTTP parser: real request/response pairs from the lab captures
//! (compared with Suricata 7's EVE), and hand-made edge cases.

use super::*;
use crate::{AppEvent, Cx, Expectations, FlowInfo, Parser, Record};
use flow::Direction::{self, ToClient, ToServer};
use serde_json::{json, Value};
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr};
use wire::Timestamp;

fn flow_info() -> FlowInfo {
    FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        server: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        client_port: 40000,
        server_port: 80,
        proto: 6,
    }
}

/// One step of a scripted flow.
enum Step<'a> {
    Data(Direction, &'a [u8]),
    Gap(Direction, u32),
}

fn run_cfg(cfg: &HttpConfig, steps: &[Step<'_>], chunk: usize) -> Vec<AppEvent> {
    let info = flow_info();
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut p = HttpParser::new(cfg);
    for s in steps {
        let mut cx = Cx {
            ts: Timestamp(0),
            flow: &info,
            out: &mut out,
            expect: &mut expect,
        };
        match s {
            Step::Data(d, data) => {
                for c in data.chunks(chunk.max(1)) {
                    p.on_data(*d, c, &mut cx);
                }
            }
            Step::Gap(d, n) => p.on_gap(*d, *n, &mut cx),
        }
    }
    let mut cx = Cx {
        ts: Timestamp(0),
        flow: &info,
        out: &mut out,
        expect: &mut expect,
    };
    p.on_close(&mut cx);
    out
}

fn run(steps: &[Step<'_>]) -> Vec<AppEvent> {
    run_cfg(&HttpConfig::default(), steps, usize::MAX)
}

fn txs(evs: &[AppEvent]) -> Vec<&HttpTx> {
    evs.iter()
        .filter_map(|e| match &e.record {
            Record::Http(t) => Some(&**t),
            _ => None,
        })
        .collect()
}

/// Events as JSON: `{"type", "http"|"fileinfo"}` (fileinfo with its parent's http object).
fn as_json(evs: &[AppEvent]) -> Vec<Value> {
    evs.iter()
        .map(|e| match &e.record {
            Record::Http(t) => json!({"type": "http", "tx_id": e.tx_id, "http": t}),
            Record::FileInfo(f) => {
                let parent = match f.parent.as_deref() {
                    Some(Record::Http(t)) => serde_json::to_value(&**t).unwrap_or(Value::Null),
                    _ => Value::Null,
                };
                json!({"type": "fileinfo", "tx_id": Value::Null, "http": parent, "fileinfo": &**f})
            }
            other => json!({"type": other.event_type()}),
        })
        .collect()
}

fn http_json(t: &HttpTx) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------- lab captures

struct LabFlow {
    port: u16,
    c2s: Vec<u8>,
    s2c: Vec<u8>,
}

fn load_flows(name: &str) -> Vec<LabFlow> {
    let path = format!("{}/src/http/testdata/{name}.flows.gz", env!("CARGO_MANIFEST_DIR"));
    let gz = std::fs::read(&path).unwrap_or_default();
    let mut raw = Vec::new();
    let _ = flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut raw);
    let mut flows = Vec::new();
    let mut pos = 0usize;
    while pos + 10 <= raw.len() {
        let port = u16::from_le_bytes([raw[pos], raw[pos + 1]]);
        let a = u32::from_le_bytes([raw[pos + 2], raw[pos + 3], raw[pos + 4], raw[pos + 5]]) as usize;
        let b = u32::from_le_bytes([raw[pos + 6], raw[pos + 7], raw[pos + 8], raw[pos + 9]]) as usize;
        pos += 10;
        let c2s = raw[pos..pos + a].to_vec();
        pos += a;
        let s2c = raw[pos..pos + b].to_vec();
        pos += b;
        flows.push(LabFlow { port, c2s, s2c });
    }
    flows
}

fn load_expected(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/src/http/testdata/{name}.expected.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let s = std::fs::read_to_string(path).unwrap_or_default();
    match serde_json::from_str(&s) {
        Ok(Value::Array(v)) => v,
        _ => Vec::new(),
    }
}

/// Feeds every flow of a capture and compares `http` and `fileinfo` records with Suricata's.
fn check_capture(name: &str, min_flows: usize) {
    let flows = load_flows(name);
    assert!(flows.len() >= min_flows, "{name}: {} flows", flows.len());
    let expected = load_expected(name);
    let mut compared = 0;
    for f in &flows {
        let want: Vec<Value> = expected
            .iter()
            .filter(|e| e["port"] == json!(f.port))
            .map(|e| {
                let mut v = json!({"type": e["type"], "tx_id": e["tx_id"], "http": e["http"]});
                if e["type"] == "fileinfo" {
                    v["fileinfo"] = e["fileinfo"].clone();
                }
                v
            })
            .collect();
        let got = as_json(&run(&[
            Step::Data(ToServer, &f.c2s),
            Step::Data(ToClient, &f.s2c),
        ]));
        assert_eq!(got, want, "{name} flow {}", f.port);
        compared += want.len();
        // The same flow split at every byte gives the same records.
        let steps = [Step::Data(ToServer, &f.c2s[..]), Step::Data(ToClient, &f.s2c[..])];
        if f.c2s.len() + f.s2c.len() < 20_000 {
            let bytewise = as_json(&run_cfg(&HttpConfig::default(), &steps, 1));
            assert_eq!(bytewise, got, "{name} flow {} bytewise", f.port);
        }
    }
    assert!(compared > 0, "{name}: nothing compared");
}

#[test]
fn lab_sqlmap_matches_suricata() {
    check_capture("sqlmap", 50);
}

#[test]
fn lab_scanner_http_matches_suricata() {
    check_capture("scanner-http", 15);
}

#[test]
fn lab_nmap_version_matches_suricata() {
    check_capture("nmap-version", 8);
}

#[test]
fn lab_benign_web_pipelined_matches_suricata() {
    check_capture("benign-web", 1);
}

#[test]
fn lab_benign_web_small_chunks() {
    let flows = load_flows("benign-web");
    let f = &flows[0];
    let steps = [Step::Data(ToServer, &f.c2s[..]), Step::Data(ToClient, &f.s2c[..])];
    let whole = as_json(&run(&steps));
    assert_eq!(whole.len(), 14);
    for chunk in [1usize, 7, 1460] {
        if chunk == 1 {
            // Requests byte by byte, responses in segments.
            let a = run_cfg(&HttpConfig::default(), &steps[..1], 1);
            assert!(txs(&a)
                .iter()
                .all(|t| t.response_progress == Progress::NotStarted));
            continue;
        }
        assert_eq!(
            as_json(&run_cfg(&HttpConfig::default(), &steps, chunk)),
            whole,
            "chunk {chunk}"
        );
    }
}

// ---------------------------------------------------------------- hand-made cases

const REQ: &[u8] = b"GET /index.html HTTP/1.1\r\nHost: www.Example.com\r\nUser-Agent: test/1.0\r\nCookie: a=b\r\nReferer: http://r/\r\n\r\n";

#[test]
fn simple_transaction_buffers() {
    let resp = b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\nSet-Cookie: s=1\r\n\r\nhello";
    let evs = run(&[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    let tx = t[0];
    assert_eq!(tx.method(), b"GET");
    assert_eq!(tx.uri_raw(), b"/index.html");
    assert_eq!(tx.uri, b"/index.html");
    assert_eq!(tx.protocol(), Some(&b"HTTP/1.1"[..]));
    assert_eq!(tx.request_line(), b"GET /index.html HTTP/1.1");
    assert_eq!(tx.host(), Some(&b"www.example.com"[..]));
    assert_eq!(tx.host_raw(), Some(&b"www.Example.com"[..]));
    assert_eq!(tx.user_agent(), Some(&b"test/1.0"[..]));
    assert_eq!(tx.cookie(), Some(&b"a=b"[..]));
    assert_eq!(tx.referer(), Some(&b"http://r/"[..]));
    assert_eq!(
        tx.request_header_block,
        b"Host: www.Example.com\r\nUser-Agent: test/1.0\r\nReferer: http://r/\r\n"
    );
    assert_eq!(tx.request_headers_raw, &REQ[26..]);
    assert_eq!(
        tx.request_start(),
        b"GET /index.html HTTP/1.1\r\nHost: www.Example.com\r\nUser-Agent: test/1.0\r\nCookie: a=b\r\nReferer: http://r/\r\n\r\n"
    );
    assert_eq!(
        tx.request_header_names(),
        b"\r\nHost\r\nUser-Agent\r\nCookie\r\nReferer\r\n\r\n"
    );
    assert_eq!(tx.stat_code(), Some(&b"200"[..]));
    assert_eq!(tx.stat_msg(), Some(&b"OK"[..]));
    assert_eq!(tx.response_line(), b"HTTP/1.1 200 OK");
    assert_eq!(tx.server(), Some(&b"nginx"[..]));
    assert_eq!(tx.response_body, b"hello");
    assert_eq!(
        tx.response_header_block,
        b"Server: nginx\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n"
    );
    let pairs: Vec<(&[u8], &[u8])> = tx.request_headers.iter().collect();
    assert_eq!(pairs[1], (&b"User-Agent"[..], &b"test/1.0"[..]));
    assert_eq!(
        http_json(tx),
        json!({"hostname":"www.example.com","url":"/index.html","http_user_agent":"test/1.0",
               "http_content_type":"text/html","http_refer":"http://r/","http_method":"GET",
               "protocol":"HTTP/1.1","status":200,"length":5})
    );
    // Events: http, then the response body's fileinfo.
    let j = as_json(&evs);
    assert_eq!(j.len(), 2);
    assert_eq!(
        j[1]["fileinfo"],
        json!({"filename":"/index.html","gaps":false,"state":"CLOSED","stored":false,"size":5,"tx_id":0})
    );
    assert_eq!(evs[1].dir, ToClient);
}

#[test]
fn request_without_response_is_flushed_at_close() {
    let evs = run(&[Step::Data(ToServer, REQ)]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    let j = http_json(t[0]);
    assert!(j.get("status").is_none());
    assert_eq!(j["length"], 0);
}

#[test]
fn pipelining_matches_in_order() {
    let reqs = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nHEAD /c HTTP/1.1\r\nHost: h\r\n\r\n";
    let resps = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBBHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
    for chunk in [usize::MAX, 1, 3] {
        let evs = run_cfg(
            &HttpConfig::default(),
            &[Step::Data(ToServer, reqs), Step::Data(ToClient, resps)],
            chunk,
        );
        let t = txs(&evs);
        assert_eq!(t.len(), 3);
        assert_eq!(
            (t[0].tx_id, t[0].uri_raw(), t[0].status),
            (0, &b"/a"[..], Some(200))
        );
        assert_eq!(
            (t[1].tx_id, t[1].uri_raw(), t[1].status),
            (1, &b"/b"[..], Some(404))
        );
        assert_eq!(t[1].response_body, b"BB");
        assert_eq!(
            (t[2].uri_raw(), t[2].status, t[2].response_message_len),
            (&b"/c"[..], Some(200), 0)
        );
        assert_eq!(t[2].response_progress, Progress::Complete);
    }
}

#[test]
fn chunked_response_length_counts_framing() {
    let resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
    let evs = run(&[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t[0].response_body, b"hello world");
    // libhtp: length lines + data + CRLF after data (the last "0\r\n" line included).
    assert_eq!(t[0].response_message_len, 3 + 5 + 2 + 7 + 6 + 2 + 3);
    assert_eq!(t[0].response_progress, Progress::Complete);
    let bytewise = run_cfg(
        &HttpConfig::default(),
        &[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)],
        1,
    );
    assert_eq!(as_json(&bytewise), as_json(&evs));
}

#[test]
fn chunked_request_body() {
    let req = b"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    let resp = b"HTTP/1.1 204 No Content\r\n\r\n";
    let evs = run(&[Step::Data(ToServer, req), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t[0].request_body, b"abc");
    let j = as_json(&evs);
    assert_eq!(j[0]["type"], "fileinfo");
    assert_eq!(j[0]["fileinfo"]["filename"], "/up");
    assert_eq!(j[0]["fileinfo"]["size"], 3);
    assert_eq!(evs[0].dir, ToServer);
    assert_eq!(j[1]["type"], "http");
    assert_eq!(j.len(), 2);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

#[test]
fn gzip_response_is_decompressed() {
    let body = b"<html>compressed body compressed body</html>".repeat(10);
    let gz = gzip(&body);
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gz.len()
    )
    .into_bytes();
    resp.extend_from_slice(&gz);
    for chunk in [usize::MAX, 1, 10] {
        let evs = run_cfg(
            &HttpConfig::default(),
            &[Step::Data(ToServer, REQ), Step::Data(ToClient, &resp)],
            chunk,
        );
        let t = txs(&evs);
        assert_eq!(t[0].response_body, body);
        assert_eq!(t[0].response_message_len, gz.len() as u64);
        let j = as_json(&evs);
        assert_eq!(j[1]["fileinfo"]["size"], body.len());
    }
}

#[test]
fn response_body_limit_truncates_file() {
    let cfg = HttpConfig {
        response_body_limit: 10,
        ..Default::default()
    };
    let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n0123456789abcdefghijklmno";
    let evs = run_cfg(&cfg, &[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)], 5);
    let j = as_json(&evs);
    // The truncated file is logged when the limit is passed, before the http record.
    assert_eq!(j[0]["type"], "fileinfo");
    assert_eq!(j[0]["fileinfo"]["state"], "TRUNCATED");
    assert_eq!(j[0]["fileinfo"]["size"], 10);
    assert_eq!(j[1]["type"], "http");
    assert_eq!(j[1]["http"]["length"], 25);
    assert_eq!(j.len(), 2);
    assert_eq!(txs(&evs)[0].response_body, b"0123456789");
}

#[test]
fn body_until_close() {
    let resp = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall the rest";
    let evs = run(&[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t[0].response_body, b"all the rest");
    let j = as_json(&evs);
    assert_eq!(j[1]["fileinfo"]["state"], "CLOSED");
}

#[test]
fn response_headers_cut_off_by_close_are_finalised() {
    // No blank line after the last header: libhtp has the header and completes the response.
    let resp = b"HTTP/1.0 200 OK\r\nServer:ng1nx\r\n";
    let evs = run(&[Step::Data(ToServer, REQ), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].response_headers.get(b"server"), Some(&b"ng1nx"[..]));
    assert_eq!(t[0].response_header_block, b"Server: ng1nx\r\n");
    assert_eq!(t[0].response_progress, Progress::Complete);
    // A partial header line (no line end) is lost, as in libhtp.
    let evs = run(&[
        Step::Data(ToServer, REQ),
        Step::Data(ToClient, b"HTTP/1.0 200 OK\r\nServer:ng"),
    ]);
    let t = txs(&evs);
    assert_eq!(t[0].response_headers.get(b"server"), None);
    assert!(t[0].response_header_block.is_empty());
}

#[test]
fn head_304_204_have_no_body() {
    let reqs = b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\nHost: h\r\n\r\nGET /z HTTP/1.1\r\n\r\n";
    let resps = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let evs = run(&[Step::Data(ToServer, reqs), Step::Data(ToClient, resps)]);
    let t = txs(&evs);
    let st: Vec<_> = t.iter().map(|t| (t.status, t.response_message_len)).collect();
    assert_eq!(
        st,
        vec![(Some(200), 0), (Some(304), 0), (Some(204), 0), (Some(200), 2)]
    );
}

#[test]
fn continue_100_is_skipped() {
    let req = b"POST /form HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n";
    let resp1 = b"HTTP/1.1 100 Continue\r\n\r\n";
    let body = b"a=bc";
    let resp2 = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let evs = run(&[
        Step::Data(ToServer, req),
        Step::Data(ToClient, resp1),
        Step::Data(ToServer, body),
        Step::Data(ToClient, resp2),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].status, Some(200));
    assert_eq!(t[0].continue_seen, 1);
    assert_eq!(t[0].request_body, b"a=bc");
    assert_eq!(t[0].response_line(), b"HTTP/1.1 200 OK");
}

#[test]
fn connect_tunnel_is_ignored() {
    let req = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01binary";
    let resp = b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03more binary";
    let evs = run(&[
        Step::Data(ToServer, req),
        Step::Data(ToClient, resp),
        Step::Data(ToServer, b"GET / HTTP/1.1\r\n\r\n"),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].host(), Some(&b"example.com"[..]));
    assert_eq!(t[0].port, Some(443));
    assert_eq!(
        http_json(t[0]),
        json!({"hostname":"example.com","http_port":443,"url":"example.com:443","http_method":"CONNECT",
               "protocol":"HTTP/1.1","status":200,"length":0})
    );
}

#[test]
fn refused_connect_resumes_parsing() {
    let req = b"CONNECT x:1 HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n";
    let resp =
        b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let evs = run(&[Step::Data(ToServer, req), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t.len(), 2);
    assert_eq!(t[1].uri_raw(), b"/after");
    assert_eq!(t[1].status, Some(200));
}

#[test]
fn gap_in_body_skips_lost_bytes() {
    let req = b"GET /f HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n";
    let evs = run(&[
        Step::Data(ToServer, req),
        Step::Data(ToClient, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
        Step::Gap(ToClient, 4),
        Step::Data(ToClient, b"xyzHTTP/1.1 404 NF\r\nContent-Length: 1\r\n\r\nZ"),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 2);
    assert!(t[0].gap);
    assert_eq!(t[0].response_body, b"abcxyz");
    assert_eq!(t[0].response_message_len, 10);
    assert_eq!((t[1].status, &t[1].response_body[..]), (Some(404), &b"Z"[..]));
    let j = as_json(&evs);
    assert_eq!(j[1]["fileinfo"]["gaps"], true);
    assert_eq!(j[1]["fileinfo"]["state"], "TRUNCATED");
}

#[test]
fn gap_in_headers_resyncs_on_next_request() {
    let evs = run(&[
        Step::Data(ToServer, b"GET /lost HTTP/1.1\r\nHost: h\r\nX-Partial: "),
        Step::Gap(ToServer, 100),
        Step::Data(
            ToServer,
            b"tail of something\r\n\r\nbinary\x00junk\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n",
        ),
        Step::Data(
            ToClient,
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 2);
    assert!(t[0].gap);
    assert_eq!(t[0].uri_raw(), b"/lost");
    assert_eq!(t[1].uri_raw(), b"/next");
    assert!(!t[1].gap);
}

#[test]
fn gap_past_body_resyncs_responses() {
    let evs = run(&[
        Step::Data(ToServer, b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
        Step::Data(ToClient, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"),
        Step::Gap(ToClient, 20),
        Step::Data(
            ToClient,
            b"some lost tail\r\nHTTP/1.1 302 Found\r\nLocation: /z\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 2);
    assert_eq!(t[1].status, Some(302));
    assert_eq!(http_json(t[1])["redirect"], "/z");
}

#[test]
fn tolerant_syntax_bare_lf_folding_spaces() {
    let req = b"\r\n\r\nGET   /a%2e%2e/b/../c?q=%41  HTTP/1.0\nHost : h.example\nX-Folded: one\n  two\n\ttwo-b\nAccept: a\nAccept: b\nNoColonLine\n\n";
    let resp = b"HTTP/1.0 200 OK\nContent-Length: 1\n\nx";
    let evs = run(&[Step::Data(ToServer, req), Step::Data(ToClient, resp)]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    let tx = t[0];
    assert_eq!(tx.method(), b"GET");
    assert_eq!(tx.uri_raw(), b"/a%2e%2e/b/../c?q=%41");
    assert_eq!(tx.uri, b"/a../c?q=A");
    assert_eq!(tx.protocol(), Some(&b"HTTP/1.0"[..]));
    assert_eq!(tx.host(), Some(&b"h.example"[..]));
    assert_eq!(tx.request_headers.get(b"x-folded"), Some(&b"one  two\ttwo-b"[..]));
    assert_eq!(tx.request_headers.get(b"accept"), Some(&b"a, b"[..]));
    assert_eq!(tx.request_headers.get(b""), Some(&b"NoColonLine"[..]));
    assert_eq!(tx.status, Some(200));
    assert_eq!(tx.response_body, b"x");
}

#[test]
fn absolute_uri_hostname_wins() {
    let req = b"GET http://Proxy.Example:8080/p HTTP/1.1\r\nHost: other\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n";
    let evs = run(&[Step::Data(ToServer, req)]);
    let t = txs(&evs);
    assert_eq!(t[0].uri, b"/p");
    assert_eq!(
        http_json(t[0]),
        json!({"hostname":"proxy.example","http_port":8080,"url":"http://Proxy.Example:8080/p",
               "xff":"1.2.3.4","http_method":"GET","protocol":"HTTP/1.1","length":0})
    );
}

#[test]
fn response_without_request() {
    let evs = run(&[Step::Data(
        ToClient,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    )]);
    let t = txs(&evs);
    assert_eq!(
        http_json(t[0]),
        json!({"url":"/libhtp::request_uri_not_seen","status":200,"length":0})
    );
}

#[test]
fn http09_request() {
    let evs = run(&[
        Step::Data(ToServer, b"GET /old\r\n"),
        Step::Data(ToClient, b"HTTP/1.0 200 OK\r\n\r\nbody"),
    ]);
    let t = txs(&evs);
    assert!(t[0].is_http09);
    assert_eq!(
        http_json(t[0]),
        json!({"url":"/old","http_method":"GET","status":200,"length":4})
    );
}

#[test]
fn response_lines_as_body() {
    let evs = run(&[
        Step::Data(ToServer, REQ),
        Step::Data(ToClient, b"<html>no status line\r\n"),
    ]);
    let t = txs(&evs);
    assert_eq!(t[0].response_body, b"<html>no status line\r\n");
    assert!(t[0].stat_code().is_none());
    assert!(http_json(t[0]).get("status").is_none());
}

#[test]
fn garbage_gives_up_without_panic() {
    let cfg = HttpConfig {
        max_line: 64,
        ..Default::default()
    };
    let long = vec![b'A'; 1000];
    let evs = run_cfg(&cfg, &[Step::Data(ToServer, &long), Step::Data(ToServer, REQ)], 7);
    assert!(txs(&evs).is_empty());
    // Invalid Content-Length: request parsing stops.
    let evs = run(&[Step::Data(
        ToServer,
        b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\nGET /more HTTP/1.1\r\n\r\n",
    )]);
    let t = txs(&evs);
    assert_eq!(t.len(), 1);
    assert!(t[0].error);
    // Bad chunk length in a request.
    let evs = run(&[Step::Data(
        ToServer,
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    )]);
    assert_eq!(txs(&evs).len(), 1);
}

#[test]
fn too_many_transactions_bounded() {
    let cfg = HttpConfig {
        max_tx: 4,
        ..Default::default()
    };
    let reqs = b"GET / HTTP/1.1\r\n\r\n".repeat(10);
    let evs = run_cfg(&cfg, &[Step::Data(ToServer, &reqs)], usize::MAX);
    assert_eq!(txs(&evs).len(), 4);
}

#[test]
fn deterministic_pseudo_random_input_never_panics() {
    // A cheap xorshift fuzz over HTTP-ish alphabets, both directions, with gaps.
    let alphabet = b"GET /HTTP1.0\r\n: chunked Content-Length Transfer-Encoding 0123456789abcdef%u\\.;";
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..300 {
        let n = (next() % 300) as usize;
        let data: Vec<u8> = (0..n)
            .map(|_| {
                let r = next();
                if r % 5 == 0 {
                    (r >> 8) as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect();
        let cut = data.len() / 2;
        let steps = [
            Step::Data(ToServer, &data[..cut]),
            Step::Gap(ToClient, (next() % 50) as u32),
            Step::Data(ToClient, &data[cut..]),
            Step::Gap(ToServer, 3),
            Step::Data(ToServer, &data[cut..]),
        ];
        let _ = run_cfg(&HttpConfig::default(), &steps, (next() % 9 + 1) as usize);
    }
}

#[test]
fn auth_and_encoding_layer_events() {
    let evs = run(&[
        Step::Data(
            Direction::ToServer,
            b"GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: NTLM abc\r\n\r\n",
        ),
        Step::Data(
            Direction::ToClient,
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip, gzip\r\nContent-Length: 0\r\n\r\n",
        ),
        Step::Data(
            Direction::ToServer,
            b"GET /b HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YTpi\r\n\r\n",
        ),
        Step::Data(
            Direction::ToClient,
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, deflate\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    let t = txs(&evs);
    assert_eq!(t.len(), 2);
    assert_eq!(
        t[0].events,
        ["request_auth_unrecognized", "too_many_encoding_layers"]
    );
    assert!(t[1].events.is_empty());
    for e in &t[0].events {
        assert!(super::EVENTS.contains(e));
    }
}

#[test]
fn encoding_layers_like_libhtp() {
    use super::too_many_encoding_layers as many;
    assert!(!many(b"gzip"));
    assert!(!many(b"X-GZIP"));
    assert!(!many(b"gzip, deflate"));
    assert!(many(b"gzip, deflate, gzip"));
    assert!(many(b"gzip,gzip,gzip"));
    assert!(many(b"a b c"));
    // The lzma bomb check stops the walk at the second token.
    assert!(!many(b"gzip, lzma, gzip"));
    // libhtp advances by token length + 1 from where it started, separators included.
    assert!(!many(b",,,,gzip"));
    assert!(!many(b""));
}

#[test]
fn auth_schemes_like_libhtp() {
    use super::auth_unrecognized as unrec;
    for ok in [
        &b"Basic YTpi"[..],
        b"basic",
        b"Digest x",
        b"BEARER t",
        b"basicfoo",
    ] {
        assert!(!unrec(ok), "{ok:?}");
    }
    for bad in [&b"NTLM x"[..], b"", b" Basic x", b"Negotiate"] {
        assert!(unrec(bad), "{bad:?}");
    }
}

#[test]
fn invalid_transfer_encoding_event_like_libhtp() {
    const EV: &str = "invalid_transfer_encoding_value_in_request";
    let events_of = |req: &[u8]| -> Vec<Vec<&'static str>> {
        let evs = run(&[Step::Data(Direction::ToServer, req)]);
        txs(&evs).iter().map(|t| t.events.clone()).collect()
    };
    // Valid chunked on HTTP/1.1 (the token may sit in a list): no event.
    assert_eq!(
        events_of(b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, Chunked \r\n\r\n0\r\n\r\n"),
        [Vec::<&str>::new()]
    );
    // No `chunked` token: the event, and libhtp stops parsing the request side.
    assert_eq!(
        events_of(
            b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\nGET /b HTTP/1.1\r\n\r\n"
        ),
        [vec![EV]]
    );
    // Chunked below HTTP/1.1 (or an unparsable protocol): the event, body still chunked.
    assert_eq!(
        events_of(b"POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        [vec![EV]]
    );
    assert_eq!(
        events_of(b"POST /a http/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        [vec![EV]]
    );
    // An empty value has no token; no header, no event.
    assert_eq!(
        events_of(b"POST /a HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n"),
        [vec![EV]]
    );
    assert_eq!(
        events_of(b"POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
        [Vec::<&str>::new()]
    );
    // Before the Authorization event, as Suricata's HTPErrorCheckTxRequestFlags sets them.
    assert_eq!(
        events_of(b"GET /a HTTP/1.1\r\nAuthorization: NTLM x\r\nTransfer-Encoding: identity\r\n\r\n"),
        [vec![EV, "request_auth_unrecognized"]]
    );
    assert!(super::EVENTS.contains(&EV));
}

/// What [`Parser::inspect_open`] hands over for `dir`: (tx id, request progress, response
/// progress) of each transaction.
fn open_seen(p: &mut HttpParser, dir: Direction) -> Vec<(u64, Progress, Progress)> {
    let mut v = Vec::new();
    p.inspect_open(dir, &mut |r| {
        if let Record::Http(t) = r {
            v.push((t.tx_id, t.request_progress, t.response_progress));
        }
    });
    v
}

#[test]
fn open_transactions_handed_over_per_direction() {
    let info = flow_info();
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut p = HttpParser::new(&HttpConfig::default());
    let mut cx = Cx {
        ts: Timestamp(0),
        flow: &info,
        out: &mut out,
        expect: &mut expect,
    };
    // Request line only: worked on to server, nothing to client.
    p.on_data(ToServer, b"POST /a HTTP/1.1\r\nContent-Length: 4\r\n", &mut cx);
    assert_eq!(open_seen(&mut p, ToClient), vec![]);
    assert_eq!(
        open_seen(&mut p, ToServer),
        vec![(0, Progress::Headers, Progress::NotStarted)]
    );
    // Nothing new: not handed over again.
    assert_eq!(open_seen(&mut p, ToServer), vec![]);
    p.on_data(ToServer, b"\r\nab", &mut cx);
    assert_eq!(
        open_seen(&mut p, ToServer),
        vec![(0, Progress::Body, Progress::NotStarted)]
    );
    // Complete: handed over once more, then never.
    p.on_data(ToServer, b"cd", &mut cx);
    assert_eq!(
        open_seen(&mut p, ToServer),
        vec![(0, Progress::Complete, Progress::NotStarted)]
    );
    assert_eq!(open_seen(&mut p, ToServer), vec![]);
    // The response side of the same transaction, as it comes.
    p.on_data(ToClient, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", &mut cx);
    assert_eq!(open_seen(&mut p, ToServer), vec![]);
    assert_eq!(
        open_seen(&mut p, ToClient),
        vec![(0, Progress::Complete, Progress::Body)]
    );
    p.on_data(ToClient, b"ok", &mut cx);
    // Complete both ways: emitted for logging, gone from the open ones, the request side
    // marked as inspected and the response side not.
    assert_eq!(open_seen(&mut p, ToClient), vec![]);
    let tx = out.iter().find_map(|e| match &e.record {
        Record::Http(t) => Some(t),
        _ => None,
    });
    assert!(tx.is_some_and(|t| t.side_inspected(true) && !t.side_inspected(false)));
}

#[test]
fn response_header_taken_at_chunk_end() {
    let info = flow_info();
    let mut out = Vec::new();
    let mut expect = Expectations::default();
    let mut p = HttpParser::new(&HttpConfig::default());
    let mut cx = Cx {
        ts: Timestamp(0),
        flow: &info,
        out: &mut out,
        expect: &mut expect,
    };
    p.on_data(ToServer, b"GET / HTTP/1.1\r\nHost: a\r\n", &mut cx);
    p.on_data(ToClient, b"HTTP/1.1 200 OK\r\nServer: x\r\n", &mut cx);
    let t = p.open_transactions().next().cloned().unwrap_or_default();
    // libhtp: a response header line is processed as soon as no folding byte follows it;
    // a request header line waits for the next byte.
    assert_eq!(t.response_headers.get(b"server"), Some(&b"x"[..]));
    assert_eq!(t.request_headers.get(b"host"), None);
    // A folded line in the next chunk is then a header of its own (libhtp's invalid folding).
    p.on_data(ToClient, b" more\r\n\r\n", &mut cx);
    let t = p.open_transactions().next().cloned().unwrap_or_default();
    assert_eq!(t.response_headers.get(b"server"), Some(&b"x"[..]));
    assert_eq!(t.response_headers.len(), 2);
}
