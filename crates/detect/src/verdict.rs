//! What `pass` and `drop`/`reject` rules do besides alerting, as Suricata's
//! `PacketAlertFinalize` and `RuleActionToFlow` (detect-engine-alert.c): the alerts of one
//! packet are taken in action order (pass first); a matching pass rule ends the list, so
//! nothing after it alerts, and it is not logged itself. A pass or drop match of a rule whose
//! type acts on flows (IP-only, protocol-detection-only, app-layer, or a payload rule that
//! matched stream data) also marks the flow: no further detection runs on it.

use crate::{Engine, FlowDetect, ThreadCtx};
use rules::Action;

/// What a rule decided for a whole flow. The first decision wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowAction {
    #[default]
    None,
    /// Suricata's `FLOW_ACTION_PASS`: the flow is no longer inspected.
    Pass,
    /// Suricata's `FLOW_ACTION_DROP` (IDS mode too): the flow is no longer inspected, and gets
    /// no end-of-flow reassembly.
    Drop,
}

fn is_drop(a: Action) -> bool {
    matches!(
        a,
        Action::Drop | Action::Reject | Action::RejectSrc | Action::RejectDst | Action::RejectBoth
    )
}

impl Engine {
    /// Whether rule `idx` is a `pass` rule (its matches are never logged).
    pub fn is_pass(&self, idx: u32) -> bool {
        self.meta(idx).is_some_and(|m| m.action == Action::Pass)
    }

    /// Applies the pass and drop actions to the alerts one packet produced,
    /// `tcx.alerts[start..]`: a matching pass rule removes them all (it sorts before every
    /// other action), and a pass or drop that acts on flows sets `fd.action` (when `fd` is
    /// the packet's flow).
    pub fn finalize(&self, tcx: &mut ThreadCtx, fd: Option<&mut FlowDetect>, start: usize) {
        let Some(new) = tcx.alerts.get(start..) else {
            return;
        };
        if new.is_empty() {
            return;
        }
        // The pass rule processed first: the lowest in evaluation order.
        let pass = new
            .iter()
            .filter(|a| self.is_pass(a.rule))
            .min_by_key(|a| self.rank_of(a.rule))
            .map(|a| (a.rule, a.stream));
        let mut decided = FlowAction::None;
        match pass {
            Some((rule, stateful)) => {
                if self.applies_to_flow(rule, stateful) {
                    decided = FlowAction::Pass;
                }
                tcx.alerts.truncate(start);
            }
            None => {
                for a in new {
                    let drop = self.meta(a.rule).is_some_and(|m| is_drop(m.action));
                    if drop && self.applies_to_flow(a.rule, a.stream) {
                        decided = FlowAction::Drop;
                        break;
                    }
                }
            }
        }
        if let Some(fd) = fd {
            if fd.action == FlowAction::None && decided != FlowAction::None {
                fd.action = decided;
                for p in fd.pending.iter_mut().chain(fd.mixed_buf.iter_mut()) {
                    *p = Vec::new();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, FlowAction, FlowDetect, PacketInfo, RuleSource, ThreadCtx};

    fn build(text: &str) -> Engine {
        let src = RuleSource {
            name: "t.rules".into(),
            text: text.as_bytes().to_vec(),
        };
        let (e, report) = Engine::build(&[src], &rules::Classifications::default());
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        e
    }

    fn sids(e: &Engine, tcx: &ThreadCtx) -> Vec<u32> {
        let mut v: Vec<u32> = tcx
            .alerts
            .iter()
            .filter_map(|a| e.meta(a.rule).map(|m| m.sid))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn ip_only_pass_removes_the_packets_alerts_and_passes_the_flow() {
        let e = build(
            "alert tcp-pkt any any -> any any (content:\"abc\"; flow:to_server; sid:1;)\n\
             pass ip any any -> 10.0.0.2 any (sid:2;)\n",
        );
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let p = PacketInfo::test(b"xabcx");
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        assert_eq!(sids(&e, &tcx), vec![1, 2]);
        e.finalize(&mut tcx, Some(&mut fd), 0);
        assert!(tcx.alerts.is_empty());
        assert_eq!(fd.action, FlowAction::Pass);
    }

    #[test]
    fn packet_pass_keeps_the_flow_inspected() {
        let e = build(
            "alert tcp-pkt any any -> any any (content:\"abc\"; flow:to_server; sid:1;)\n\
             pass tcp-pkt any any -> any any (content:\"x\"; sid:2;)\n",
        );
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        e.inspect_packet(&mut tcx, &mut fd, &PacketInfo::test(b"xabcx"), true);
        e.finalize(&mut tcx, Some(&mut fd), 0);
        assert!(tcx.alerts.is_empty());
        assert_eq!(fd.action, FlowAction::None);
        // A packet without the pass rule's content alerts.
        e.inspect_packet(&mut tcx, &mut fd, &PacketInfo::test(b"abc"), true);
        e.finalize(&mut tcx, Some(&mut fd), 0);
        assert_eq!(sids(&e, &tcx), vec![1]);
    }

    #[test]
    fn rule_types_follow_suricata() {
        let e = build(
            "alert tcp any any -> any 80 (sid:1;)
alert tcp any any -> any any (flags:S; content:\"GET\"; sid:2;)
alert tcp any any -> any any (content:\"GET\"; sid:3;)
alert tcp any any -> any any (content:\"GET\"; depth:3; sid:4;)
",
        );
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        // IP-only (ports allowed): the first packet of a direction only.
        let mut p = PacketInfo::test(b"GET /");
        p.tcp_flags = Some(0x02);
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        // `flags` makes sid 2 packet-only; sid 4's depth adds packet inspection to the
        // stream; sid 3 waits for the stream.
        assert_eq!(sids(&e, &tcx), vec![1, 2, 4]);
        tcx.alerts.clear();
        p.first_in_dir = false;
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        assert_eq!(sids(&e, &tcx), vec![2, 4]);
        // Packet keywords with a stream-only rule: refused, as Suricata does.
        let src = RuleSource {
            name: "t.rules".into(),
            text: b"alert tcp any any -> any any (flow:only_stream; flags:S; content:\"a\"; sid:5;)".to_vec(),
        };
        let (_, report) = Engine::build(&[src], &rules::Classifications::default());
        assert_eq!(report.skipped.len(), 1);
    }

    #[test]
    fn app_layer_drop_marks_the_flow_and_still_alerts() {
        let e = build("drop http any any -> any any (sid:1;)\n");
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(app::AppProto::Http);
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        e.finalize(&mut tcx, Some(&mut fd), 0);
        assert_eq!(sids(&e, &tcx), vec![1]);
        assert_eq!(fd.action, FlowAction::Drop);
        // Only the alerts from `start` on are this packet's.
        let mut fd2 = FlowDetect::default();
        e.finalize(&mut tcx, Some(&mut fd2), 1);
        assert_eq!(fd2.action, FlowAction::None);
    }
}
