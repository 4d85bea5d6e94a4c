//! `app-layer-event` rules on a transaction that is still open: Suricata's
//! `DetectEngineAptEventInspect` runs on every packet that inspects the transaction, until the
//! transaction is complete, so an event raised after the transaction was logged (TLS: one
//! transaction per session, logged when the handshake is done) still alerts. Such rules are
//! kept out of the log-time transaction groups and checked here on every packet of a flow
//! whose parser has raised events ([`app::Parser::live_events`]), each rule alerting at most
//! once per flow (Suricata marks the transaction inspected for a rule that matched).
//!
//! Only TLS is inspected this way: the other protocols' events are all known when their
//! transaction is complete, and their rules stay in the transaction groups.

use super::{conds_ok, side_packet, CRule, Engine};
use crate::buffers;
use crate::inspect::inspect;
use crate::keywords::{self, tls_version::TxCond};
use crate::{FlowDetect, PacketInfo, ThreadCtx};
use app::{AppProto, Record};

/// Whether rule `r` is checked on the open transaction rather than at log time.
pub(super) fn is_live(r: &CRule) -> bool {
    r.app == Some(AppProto::Tls)
        && r.c
            .tx_conds
            .iter()
            .any(|t| matches!(t, TxCond::AppLayerEvent(m) if m.proto == AppProto::Tls))
}

impl Engine {
    /// Whether any loaded rule needs [`Engine::inspect_live_events`].
    pub fn has_live_event_rules(&self) -> bool {
        self.live.iter().any(|l| !l.is_empty())
    }

    /// Checks the live-event rules of the sides in `sides` (`true` = to server) against the
    /// open transaction of protocol `proto` whose raised events are `events`; `record` builds
    /// the transaction (called at most once, only when a rule's events are all set). `pkt`
    /// addresses are oriented client → server; they are swapped for the to-client side.
    #[allow(clippy::too_many_arguments)]
    pub fn inspect_live_events(
        &self,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        pkt: &PacketInfo<'_>,
        sides: &[bool],
        proto: AppProto,
        events: &[&'static str],
        record: &dyn Fn() -> Option<Record>,
        tx_id: Option<u64>,
    ) {
        if events.is_empty() || proto != AppProto::Tls {
            return;
        }
        let mut rec: Option<Option<Record>> = None;
        for &to_server in sides {
            let Some(list) = self.live.get(usize::from(!to_server)) else {
                continue;
            };
            if list.is_empty() {
                continue;
            }
            let side_pkt = side_packet(pkt, to_server);
            for &i in list {
                if fd.live_alerted.contains(&i) {
                    continue;
                }
                let Some(r) = self.rules.get(i as usize) else {
                    continue;
                };
                // Cheap test first: every event the rule names is raised.
                let all_set = r.c.tx_conds.iter().all(|t| match t {
                    TxCond::AppLayerEvent(m) => m.proto == proto && events.contains(&m.name),
                    TxCond::TlsVersion(_)
                    | TxCond::DceIface(_)
                    | TxCond::DceOpnum(_)
                    | TxCond::AppUint(_)
                    | TxCond::Cip(_)
                    | TxCond::Ftpbounce => true,
                });
                if !all_set || !self.header_ok(r, &side_pkt) || !conds_ok(r, &side_pkt, &fd.vars) {
                    continue;
                }
                let Some(rec) = rec.get_or_insert_with(record).as_ref() else {
                    return;
                };
                if !r.c.tx_conds.iter().all(|t| t.matches(rec, to_server)) || !self.xbits_ok(r, &side_pkt) {
                    continue;
                }
                if r.mixed && !self.mixed_ok(i, r, tcx, fd, pkt, to_server) {
                    continue;
                }
                if !self.live_bufs_ok(r, rec, to_server, tcx) {
                    continue;
                }
                // At most once per rule: bounded by the ruleset's live rules.
                fd.live_alerted.push(i);
                self.on_match(i, r, tcx, fd, &side_pkt, tx_id, Vec::new());
            }
        }
    }

    /// Every sticky-buffer list of `r` matches one instance of its buffer in `rec`.
    fn live_bufs_ok(&self, r: &CRule, rec: &Record, to_server: bool, tcx: &mut ThreadCtx) -> bool {
        tcx.vars.clear();
        tcx.vars.resize(r.c.nvars, 0);
        let mut insts = Vec::new();
        for ((bref, list), id) in r.c.bufs.iter().zip(&r.buf_ids) {
            let (ts, tc) = buffers::directions(bref.buffer);
            let side = if ts && tc { to_server } else { ts };
            insts.clear();
            buffers::fetch(bref.buffer, rec, side, &mut insts);
            if let Some(b) = self.bufs.get(*id as usize) {
                for t in &b.transforms {
                    for x in insts.iter_mut() {
                        *x = keywords::transform::apply(t, x);
                    }
                }
            }
            if !insts.iter().any(|b| inspect(list, b, &mut tcx.vars)) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tests::sids;
    use crate::{BuildOptions, Engine, FlowDetect, PacketInfo, RuleSource, ThreadCtx};
    use app::{AppProto, Record};

    const RULES: &str = r#"alert tls any any -> any any (msg:"hs"; flow:established; app-layer-event:tls.invalid_handshake_message; sid:1;)
alert tls any any -> any any (msg:"cert"; flow:established,to_client; app-layer-event:tls.invalid_certificate; sid:2;)
alert tls any any -> any any (msg:"both"; app-layer-event:tls.invalid_certificate; app-layer-event:tls.invalid_handshake_message; tls.sni; content:"example"; sid:3;)
alert tls any any -> any any (msg:"sni"; tls.sni; content:"example"; sid:4;)
"#;

    fn engine() -> Engine {
        let src = RuleSource {
            name: "t.rules".into(),
            text: RULES.as_bytes().to_vec(),
        };
        let (e, r) = Engine::build_with(
            &[src],
            &rules::Classifications::default(),
            BuildOptions::default(),
        );
        assert_eq!((r.loaded, r.skipped.len()), (4, 0), "{:?}", r.skipped);
        e
    }

    fn rec(events: &[&'static str]) -> Option<Record> {
        Some(Record::Tls(Box::new(app::tls::TlsRecord {
            sni: Some(b"www.example.com".to_vec()),
            events: events.to_vec(),
            ..Default::default()
        })))
    }

    #[test]
    fn event_rules_alert_once_per_flow_when_their_events_are_set() {
        let e = engine();
        assert!(e.has_live_event_rules());
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(AppProto::Tls);
        let hs = ["invalid_handshake_message"];
        let live = |e: &Engine,
                    tcx: &mut ThreadCtx,
                    fd: &mut FlowDetect,
                    p: &PacketInfo<'_>,
                    s: &[bool],
                    ev: &[&'static str]| {
            let ev2 = ev.to_vec();
            e.inspect_live_events(tcx, fd, p, s, AppProto::Tls, ev, &|| rec(&ev2), Some(0));
        };
        // No events: nothing, and the record is not even built.
        e.inspect_live_events(
            &mut tcx,
            &mut fd,
            &p,
            &[true],
            AppProto::Tls,
            &[],
            &|| panic!("built"),
            Some(0),
        );
        assert!(tcx.alerts.is_empty());
        live(&e, &mut tcx, &mut fd, &p, &[true], &hs);
        assert_eq!(sids(&e, &mut tcx), vec![1]);
        // Later packets: sid 1 does not alert again.
        live(&e, &mut tcx, &mut fd, &p, &[true, false], &hs);
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        // Both events: sid 3 (with its sni content) alerts; sid 2 only from the to-client side.
        let both = ["invalid_handshake_message", "invalid_certificate"];
        live(&e, &mut tcx, &mut fd, &p, &[true], &both);
        assert_eq!(sids(&e, &mut tcx), vec![3]);
        live(&e, &mut tcx, &mut fd, &p, &[false], &both);
        assert_eq!(sids(&e, &mut tcx), vec![2]);
        assert_eq!(fd.live_alerted.len(), 3);
        // Not established: the flow condition fails.
        let mut fd = FlowDetect::default();
        p.established = false;
        live(&e, &mut tcx, &mut fd, &p, &[true, false], &hs);
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        // Another protocol's open transaction is not looked at.
        p.established = true;
        e.inspect_live_events(
            &mut tcx,
            &mut fd,
            &p,
            &[true],
            AppProto::Http,
            &hs,
            &|| rec(&hs),
            Some(0),
        );
        assert!(tcx.alerts.is_empty());
    }

    #[test]
    fn event_rules_stay_out_of_the_logged_transaction() {
        let e = engine();
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(AppProto::Tls);
        let r = rec(&["invalid_handshake_message", "invalid_certificate"]).unwrap();
        e.inspect_tx(&mut tcx, &mut fd, &p, &r, Some(0));
        // Only the plain sni rule: the event rules are checked on the open transaction.
        assert_eq!(sids(&e, &mut tcx), vec![4]);
    }
}
