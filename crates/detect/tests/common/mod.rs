//! Helpers shared by the detect integration tests: an engine from rule text and one inspection
//! of a transaction.

use app::{AppProto, Record};
use detect::{Engine, FlowDetect, PacketInfo, RuleSource, ThreadCtx};

/// An engine built from `text` (as file `t.rules`) and its load report.
pub fn engine(text: &str) -> (Engine, detect::LoadReport) {
    let src = RuleSource {
        name: "t.rules".into(),
        text: text.as_bytes().to_vec(),
    };
    Engine::build(&[src], &rules::Classifications::default())
}

/// The test packet of a flow whose protocol is `proto` both ways.
pub fn packet(proto: AppProto) -> PacketInfo<'static> {
    let mut p = PacketInfo::test(b"");
    p.app_proto = Some(proto);
    p.app_proto_dir = [Some(proto), Some(proto)];
    p
}

/// Sid and direction of each alert of one inspection of `rec` (tx 0) on packet `p`, sorted.
pub fn inspect(e: &Engine, p: &PacketInfo<'_>, rec: &Record) -> Vec<(u32, bool)> {
    let mut tcx = ThreadCtx::default();
    let mut fd = FlowDetect::default();
    e.inspect_tx(&mut tcx, &mut fd, p, rec, Some(0));
    let mut v: Vec<(u32, bool)> = tcx
        .alerts
        .iter()
        .filter_map(|a| e.meta(a.rule).map(|m| (m.sid, a.to_server)))
        .collect();
    v.sort_unstable();
    v
}
