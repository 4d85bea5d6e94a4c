//! HTTP/1 transactions inspected as they progress, on Suricata's packets (`DetectRunTx`): on
//! a packet of a direction, each transaction the parser worked on in that direction is
//! inspected from that side (a request once the packet after its parsing comes from the
//! client; in IDS mode the request is parsed on the server's acknowledgement), rules waiting
//! for the progress their buffers need (engine module `progress`). A transaction the parser
//! completes and lets go (to log it) is inspected at once from the packet's side and kept for
//! the next packet of the other direction for its other side; at the flow end every side not
//! inspected yet is.

use app::{AppEvent, AppLayer, Record};
use detect::{Engine, FlowDetect, PacketInfo, ThreadCtx};
use flow::Direction;

/// On a packet of direction `dir` (`base`: the packet oriented client → server, without
/// payload), after the app layer parsed what it carried or acknowledged (`events`: the
/// records it completed).
#[allow(clippy::too_many_arguments)]
pub(super) fn on_packet(
    engine: &Engine,
    tcx: &mut ThreadCtx,
    recs: &mut super::alert_out::TxRecs,
    fd: &mut FlowDetect,
    base: &PacketInfo<'_>,
    dir: Direction,
    app: &mut AppLayer,
    events: &[AppEvent],
) {
    let to_server = dir == Direction::ToServer;
    let want = |side: bool| engine.has_http_tx_rules(side);
    if !want(true) && !want(false) {
        return;
    }
    // Transactions let go earlier whose side of this direction was left for now.
    if fd.txp.has_later(Some(to_server)) {
        let mut later = Vec::new();
        fd.txp.take_later(Some(to_server), &mut later);
        for (side, rec) in &later {
            let from = tcx.alerts.len();
            engine.inspect_tx_side(tcx, fd, base, rec, *side, false);
            recs.keep(&tcx.alerts, from, rec);
        }
    }
    // Transactions completed on this packet.
    for ev in events {
        let Record::Http(tx) = &ev.record else {
            continue;
        };
        for side in [true, false] {
            if tx.side_inspected(side) || !want(side) {
                continue;
            }
            if side == to_server {
                let mut tp = *base;
                tp.ts = ev.ts.0;
                let from = tcx.alerts.len();
                engine.inspect_tx_side(tcx, fd, &tp, &ev.record, side, false);
                recs.keep(&tcx.alerts, from, &ev.record);
            } else {
                fd.txp.defer(side, ev.record.clone());
            }
        }
    }
    // Transactions still open.
    if want(to_server) {
        app.inspect_open(dir, &mut |rec| {
            let from = tcx.alerts.len();
            engine.inspect_tx_side(tcx, fd, base, rec, to_server, false);
            recs.keep(&tcx.alerts, from, rec);
        });
    }
}

/// At the flow end (`base` oriented client → server): every side not inspected yet, of the
/// transactions kept for later and of those the end of the flow completed (`events`).
pub(super) fn end_flow(
    engine: &Engine,
    tcx: &mut ThreadCtx,
    recs: &mut super::alert_out::TxRecs,
    fd: &mut FlowDetect,
    base: &PacketInfo<'_>,
    events: &[AppEvent],
) {
    let mut later = Vec::new();
    fd.txp.take_later(None, &mut later);
    for (side, rec) in &later {
        let from = tcx.alerts.len();
        engine.inspect_tx_side(tcx, fd, base, rec, *side, true);
        recs.keep(&tcx.alerts, from, rec);
    }
    for ev in events {
        let Record::Http(tx) = &ev.record else {
            continue;
        };
        let mut tp = *base;
        tp.ts = ev.ts.0;
        for side in [true, false] {
            if !tx.side_inspected(side) && engine.has_http_tx_rules(side) {
                let from = tcx.alerts.len();
                engine.inspect_tx_side(tcx, fd, &tp, &ev.record, side, true);
                recs.keep(&tcx.alerts, from, &ev.record);
            }
        }
    }
}
