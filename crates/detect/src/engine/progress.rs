//! Transaction inspection as the transaction progresses (HTTP/1), as Suricata's `DetectRunTx`
//! does: on each packet of a direction, the transactions the parser worked on in that
//! direction are inspected from that side; a rule is evaluated once the side reached the
//! progress its buffers need (the inspect engines' progress: request line, headers, body or
//! end of the message), then never again on that side of that transaction
//! ([`crate::TxProgress`]). The caller hands the transactions over (module `txprogress` keeps
//! the ones whose side is left for a later packet).
//!
//! Approximations: bodies (`http.request_body`, `file_data`, ...), frames, `app-layer-event`
//! and the payload part of mixed rules are inspected once the side is complete (Suricata
//! inspects big bodies in parts as they grow); a rule whose flowbits or header did not match
//! is evaluated again on a later packet (as Suricata), one whose `xbits` did not is not.

use super::{CRule, Engine};
use crate::buffers;
use crate::{FlowDetect, PacketInfo, ThreadCtx};
use app::http::Progress;
use app::{AppProto, Record};
use rules::Buffer;

/// How far a side must have progressed for buffer `b` to be inspected (the inspect engine's
/// progress), and for a buffer that did not match to be given up on (Suricata's
/// `DETECT_ENGINE_INSPECT_SIG_CANT_MATCH`; before that the rule is evaluated again).
fn levels(b: Buffer) -> (Progress, Progress) {
    use Buffer::*;
    match b {
        // Set from the request / status line.
        HttpUri | HttpUriRaw | HttpMethod | HttpRequestLine | HttpProtocol | HttpResponseLine
        | HttpStatCode | HttpStatMsg => (Progress::Headers, Progress::Headers),
        // One header: inspected as soon as it is there (libhtp adds headers one by one),
        // given up once the headers are done.
        HttpCookie | HttpUserAgent | HttpHost | HttpHostRaw | HttpAccept | HttpAcceptLang | HttpAcceptEnc
        | HttpConnection | HttpContentLen | HttpContentType | HttpLocation | HttpServer | HttpReferer => {
            (Progress::Headers, Progress::Body)
        }
        // Each header (`http.request_header` / `http.response_header`): inspected as headers
        // come, never given up before the side is over.
        HttpRequestHeader | HttpResponseHeader => (Progress::Headers, Progress::Complete),
        // Whole header blocks: once the headers are done.
        HttpHeader | HttpHeaderRaw | HttpHeaderNames | HttpStart => (Progress::Body, Progress::Body),
        // Bodies, files, frames: the end of the message.
        _ => (Progress::Complete, Progress::Complete),
    }
}

/// The progress of the side whose records carry buffer `b` in a rule inspected from side
/// `to_server`.
fn have(tx: &app::http::HttpTx, b: Buffer, to_server: bool) -> Progress {
    let (ts, tc) = buffers::directions_in(b, Some(AppProto::Http));
    let side = if ts && tc { to_server } else { ts };
    if side {
        tx.request_progress
    } else {
        tx.response_progress
    }
}

/// Whether side `to_server` of `rec` is complete (any record but an HTTP/1 one is).
pub(super) fn side_complete(rec: &Record, to_server: bool) -> bool {
    match rec {
        Record::Http(tx) => tx.side_complete(to_server),
        _ => true,
    }
}

/// Whether rule `r`, inspected from side `to_server`, can be evaluated on `rec` as it stands.
pub(super) fn ready(r: &CRule, rec: &Record, to_server: bool) -> bool {
    let Record::Http(tx) = rec else {
        return true;
    };
    if r.mixed || !r.c.tx_conds.is_empty() {
        return tx.side_complete(to_server);
    }
    r.c.bufs
        .iter()
        .all(|(b, _)| buffer_ready(b.buffer, rec, to_server))
}

/// Whether buffer `b` of `rec`, in a rule inspected from side `to_server`, can be inspected.
pub(super) fn buffer_ready(b: Buffer, rec: &Record, to_server: bool) -> bool {
    match rec {
        Record::Http(tx) => have(tx, b, to_server) >= levels(b).0,
        _ => true,
    }
}

/// Whether rule `r`, evaluated from side `to_server` without matching, is given up on that
/// side of `rec` (else it is evaluated again as the transaction progresses).
pub(super) fn settled(r: &CRule, rec: &Record, to_server: bool) -> bool {
    let Record::Http(tx) = rec else {
        return true;
    };
    tx.side_complete(to_server)
        || r.c
            .bufs
            .iter()
            .all(|(b, _)| have(tx, b.buffer, to_server) >= levels(b.buffer).1)
}

impl Engine {
    /// Whether any rule inspects HTTP/1 transactions from side `to_server`.
    pub fn has_http_tx_rules(&self, to_server: bool) -> bool {
        self.tx
            .iter()
            .find(|(p, _)| *p == AppProto::Http)
            .and_then(|(_, g)| g.get(usize::from(!to_server)))
            .is_some_and(|g| !g.always.is_empty() || !g.mpm.is_empty())
    }

    /// Inspects side `to_server` of the HTTP/1 transaction `rec` as far as it has progressed:
    /// the rules not evaluated yet on that side whose buffers it has reached (all of them when
    /// the flow ends: `eof`). When the side is complete (or the flow ends) its state is
    /// dropped: it is not inspected again. `pkt` addresses are oriented client → server.
    /// Other records are inspected whole ([`Engine::inspect_tx`]).
    pub fn inspect_tx_side(
        &self,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        pkt: &PacketInfo<'_>,
        rec: &Record,
        to_server: bool,
        eof: bool,
    ) {
        let Record::Http(tx) = rec else {
            self.inspect_tx(tcx, fd, pkt, rec, None);
            return;
        };
        let id = tx.tx_id;
        self.inspect_tx_at(tcx, fd, pkt, rec, Some(id), Some((to_server, eof)));
        if eof || tx.side_complete(to_server) {
            fd.txp.finish(id, to_server);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, FlowDetect, PacketInfo, RuleSource, ThreadCtx};

    fn engine(rules: &str) -> Engine {
        let src = RuleSource {
            name: "t.rules".into(),
            text: rules.as_bytes().to_vec(),
        };
        let (e, rep) = Engine::build(&[src], &rules::Classifications::default());
        assert_eq!(rep.skipped.len(), 0, "{:?}", rep.skipped);
        e
    }

    /// An HTTP/1 transaction parsed from `req` / `res` (either may be cut short).
    fn tx(req: &[u8], res: &[u8]) -> Record {
        let mut p = app::http::HttpParser::new(&app::http::HttpConfig::default());
        let flow = app::FlowInfo {
            id: 1,
            client: "10.0.0.1".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])),
            server: "10.0.0.2".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])),
            client_port: 1234,
            server_port: 80,
            proto: 6,
        };
        let mut out = Vec::new();
        let mut expect = app::Expectations::default();
        let mut cx = app::Cx {
            ts: wire::Timestamp(0),
            flow: &flow,
            out: &mut out,
            expect: &mut expect,
        };
        use app::Parser;
        p.on_data(flow::Direction::ToServer, req, &mut cx);
        p.on_data(flow::Direction::ToClient, res, &mut cx);
        let mut got = None;
        for dir in [flow::Direction::ToServer, flow::Direction::ToClient] {
            p.inspect_open(dir, &mut |r| {
                if got.is_none() {
                    got = Some(r.clone());
                }
            });
        }
        match (got, out.into_iter().find(|e| matches!(e.record, Record::Http(_)))) {
            (Some(r), _) => r,
            (None, Some(e)) => e.record,
            (None, None) => Record::Http(Box::default()),
        }
    }

    fn pkt() -> PacketInfo<'static> {
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(AppProto::Http);
        p.sport = 1234;
        p.dport = 80;
        p
    }

    const RULES: &str = "alert http any any -> any any (msg:\"u\"; http.uri; content:\"/a\"; sid:1;)\n\
        alert http any any -> any any (msg:\"h\"; http.user_agent; content:\"x\"; sid:2;)\n\
        alert http any any -> any any (msg:\"s\"; flow:to_client; http.stat_code; content:\"200\"; sid:3;)\n\
        alert http any any -> any any (msg:\"b\"; flow:to_client; file_data; content:\"body\"; sid:4;)\n";

    fn sids(e: &Engine, tcx: &mut ThreadCtx) -> Vec<u32> {
        let mut v: Vec<u32> = tcx
            .alerts
            .drain(..)
            .filter_map(|a| e.meta(a.rule).map(|m| m.sid))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn rules_wait_for_their_progress_and_alert_once() {
        let e = engine(RULES);
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let p = pkt();
        // Request line only: the URI rule, not the header one.
        let r = tx(b"GET /a HTTP/1.1\r\nUser-Agent: x\r\n", b"");
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, true, false);
        assert_eq!(sids(&e, &mut tcx), vec![1]);
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, true, false);
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        assert!(fd.txp.done(0, true, 0));
        // Headers done: the header rule; the URI rule does not alert again.
        let r = tx(b"GET /a HTTP/1.1\r\nUser-Agent: x\r\n\r\n", b"");
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, true, false);
        assert_eq!(sids(&e, &mut tcx), vec![2]);
        // The request is complete: its state is gone (the parser hands it over no more).
        assert!(!fd.txp.done(0, true, 0));
        // Response headers: the status rule; the body rule waits for the end of the body.
        let full = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
        let r = tx(b"GET /a HTTP/1.1\r\n\r\n", &full[..full.len() - 2]);
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, false, false);
        assert_eq!(sids(&e, &mut tcx), vec![3]);
        let r = tx(b"GET /a HTTP/1.1\r\n\r\n", full);
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, false, false);
        assert_eq!(sids(&e, &mut tcx), vec![4]);
    }

    #[test]
    fn no_match_is_final_and_complete_side_forgotten() {
        let e = engine(
            "alert http any any -> any any (msg:\"u\"; http.uri; content:\"/b\"; content:\"q\"; sid:1;)\n\
             alert http any any -> any any (msg:\"h\"; http.user_agent; content:\"x\"; sid:2;)\n\
             alert http any any -> any any (msg:\"s\"; http.stat_code; content:\"200\"; sid:3;)",
        );
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let p = pkt();
        // Request line: the URI rule is evaluated (no match) and not again.
        let r = tx(b"GET /b HTTP/1.1\r\n", b"");
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, true, false);
        assert!(tcx.alerts.is_empty());
        assert!(fd.txp.done(0, true, 0));
        assert!(!fd.txp.done(0, true, 1));
        let r = tx(b"GET /b HTTP/1.1\r\nUser-Agent: y\r\n\r\n", b"");
        e.inspect_tx_side(&mut tcx, &mut fd, &p, &r, true, false);
        assert!(tcx.alerts.is_empty());
        assert!(!fd.txp.done(0, true, 0));
        assert!(e.has_http_tx_rules(true) && e.has_http_tx_rules(false));
        assert!(
            !engine("alert http any any -> any any (msg:\"u\"; http.uri; content:\"/a\"; sid:1;)")
                .has_http_tx_rules(false)
        );
    }

    #[test]
    fn buffer_levels() {
        assert_eq!(levels(Buffer::HttpUri), (Progress::Headers, Progress::Headers));
        assert_eq!(
            levels(Buffer::HttpStatCode),
            (Progress::Headers, Progress::Headers)
        );
        assert_eq!(levels(Buffer::HttpUserAgent), (Progress::Headers, Progress::Body));
        assert_eq!(
            levels(Buffer::HttpResponseHeader),
            (Progress::Headers, Progress::Complete)
        );
        assert_eq!(levels(Buffer::HttpHeader), (Progress::Body, Progress::Body));
        assert_eq!(levels(Buffer::FileData), (Progress::Complete, Progress::Complete));
        assert_eq!(
            levels(Buffer::HttpRequestBody),
            (Progress::Complete, Progress::Complete)
        );
        assert!(Progress::Headers < Progress::Body && Progress::Body < Progress::Complete);
    }
}
