//! Shared driver of the line-protocol fuzz targets (FTP, SMTP, SSH): the parser alone and behind
//! protocol detection (app::AppLayer), with the input cut into chunks: each chunk is
//! `[ctl][len][bytes...]`, ctl bit 0 = direction, bit 1 = a gap.
use crate::harness;
use app::{AppConfig, AppLayer, Parser};
use flow::Chunk;

pub fn drive(data: &[u8], server_port: u16, parser: &mut dyn Parser) {
    let mut b = harness::Bench::new(harness::flow_info(40000, server_port, 6));
    let mut cfg = AppConfig::default();
    cfg.ssh_hassh = true;
    cfg.smb_file_data = true;
    cfg.smb_frames = true;
    cfg.set_enabled(app::AppProto::Enip, true);
    let mut layer = AppLayer::default();
    for (ctl, len, chunk) in harness::records(data) {
        let dir = harness::direction(ctl);
        let mut cx = b.cx();
        if ctl & 2 != 0 {
            parser.on_gap(dir, u32::from(len), &mut cx);
            layer.on_tcp(&cfg, dir, Chunk::Gap(u32::from(len)), &mut cx);
        } else {
            parser.on_data(dir, chunk, &mut cx);
            layer.on_tcp(&cfg, dir, Chunk::Data(chunk), &mut cx);
        }
        let _ = parser.upgrade();
        // The packet acknowledging the chunk travels the other way.
        parser.on_packet(dir.reverse(), &mut cx);
        layer.on_packet(dir.reverse(), &mut cx);
        if b.out.len() > 4096 {
            b.out.clear();
        }
    }
    parser.on_close(&mut b.cx());
    layer.on_close(&mut b.cx());
}
