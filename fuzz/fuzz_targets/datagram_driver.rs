//! Shared driver of the datagram-protocol fuzz targets (SNMP, Kerberos, QUIC, IKE, NFS, ENIP
//! over UDP): the parser alone and behind protocol detection (app::AppLayer::on_udp), the input
//! cut into datagrams `[ctl][len][bytes...]`, ctl bit 0 = direction. Every record produced is
//! serialized as EVE writes it.
use crate::harness;
use app::{AppConfig, AppEvent, AppLayer, Parser};

pub fn drive(data: &[u8], server_port: u16, parser: &mut dyn Parser, check: &dyn Fn(&AppEvent)) {
    let mut b = harness::Bench::new(harness::flow_info(40000, server_port, 17));
    let mut cfg = AppConfig::default();
    cfg.set_enabled(app::AppProto::Enip, true);
    let mut layer = AppLayer::default();
    for (ctl, _, chunk) in harness::records(data) {
        let dir = harness::direction(ctl);
        parser.on_data(dir, chunk, &mut b.cx());
        layer.on_udp(&cfg, dir, chunk, &mut b.cx());
        for e in b.out.drain(..) {
            check(&e);
        }
    }
    parser.on_close(&mut b.cx());
    layer.on_close(&mut b.cx());
    for e in b.out.drain(..) {
        check(&e);
    }
}
