//! Shared driver of the datagram-protocol fuzz targets (SNMP, Kerberos, QUIC, IKE, NFS, ENIP
//! over UDP): the parser alone and behind protocol detection (app::AppLayer::on_udp), the input
//! cut into datagrams `[ctl][len][bytes...]`, ctl bit 0 = direction. Every record produced is
//! serialized as EVE writes it.
use app::{AppConfig, AppEvent, AppLayer, Cx, Expectations, FlowInfo, Parser};
use flow::Direction;

pub fn drive(data: &[u8], server_port: u16, parser: &mut dyn Parser, check: &dyn Fn(&AppEvent)) {
    let info = FlowInfo {
        id: 1,
        client: "10.0.0.1".parse().unwrap(),
        server: "10.0.0.2".parse().unwrap(),
        client_port: 40000,
        server_port,
        proto: 17,
    };
    let mut cfg = AppConfig::default();
    cfg.set_enabled(app::AppProto::Enip, true);
    let mut expect = Expectations::default();
    let mut out = Vec::new();
    let mut layer = AppLayer::default();
    let mut rest = data;
    while let [ctl, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (chunk, next) = tail.split_at(n);
        rest = next;
        let dir = if ctl & 1 == 0 {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        let mut cx = Cx {
            ts: wire::Timestamp(0),
            flow: &info,
            out: &mut out,
            expect: &mut expect,
        };
        parser.on_data(dir, chunk, &mut cx);
        layer.on_udp(&cfg, dir, chunk, &mut cx);
        for e in out.drain(..) {
            check(&e);
        }
    }
    let mut cx = Cx {
        ts: wire::Timestamp(0),
        flow: &info,
        out: &mut out,
        expect: &mut expect,
    };
    parser.on_close(&mut cx);
    layer.on_close(&mut cx);
    for e in out.drain(..) {
        check(&e);
    }
}
