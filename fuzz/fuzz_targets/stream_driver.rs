//! Shared driver of the line-protocol fuzz targets (FTP, SMTP, SSH): the parser alone and behind
//! protocol detection (app::AppLayer), with the input cut into chunks: each chunk is
//! `[ctl][len][bytes...]`, ctl bit 0 = direction, bit 1 = a gap.
use app::{AppConfig, AppLayer, Cx, Expectations, FlowInfo, Parser};
use flow::{Chunk, Direction};

pub fn drive(data: &[u8], server_port: u16, parser: &mut dyn Parser) {
    let info = FlowInfo {
        id: 1,
        client: "10.0.0.1".parse().unwrap(),
        server: "10.0.0.2".parse().unwrap(),
        client_port: 40000,
        server_port,
        proto: 6,
    };
    let mut cfg = AppConfig::default();
    cfg.ssh_hassh = true;
    cfg.smb_file_data = true;
    cfg.smb_frames = true;
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
        if ctl & 2 != 0 {
            parser.on_gap(dir, u32::from(*len), &mut cx);
            layer.on_tcp(&cfg, dir, Chunk::Gap(u32::from(*len)), &mut cx);
        } else {
            parser.on_data(dir, chunk, &mut cx);
            layer.on_tcp(&cfg, dir, Chunk::Data(chunk), &mut cx);
        }
        let _ = parser.upgrade();
        // The packet acknowledging the chunk travels the other way.
        parser.on_packet(dir.reverse(), &mut cx);
        layer.on_packet(dir.reverse(), &mut cx);
        if out.len() > 4096 {
            out.clear();
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
}
