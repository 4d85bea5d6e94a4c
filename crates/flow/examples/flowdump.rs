//! Reads a classic pcap, runs the flow table and TCP sessions over it, and prints one line per
//! ended flow (tab-separated: src sport dst dport proto pkts_ts pkts_tc bytes_ts bytes_tc
//! flow_state reason tcp_state flags_ts flags_tc start_us gaps) — to compare with Suricata's EVE
//! flow records. Usage: `cargo run -p flow --example flowdump -- FILE.pcap [midstream] [async] [noexpire]`.

use flow::{EndReason, Flow, FlowConfig, FlowState, FlowTable, TcpConfig};
use wire::{DecodeOptions, DecodeStats, LinkType, Timestamp, L4};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: flowdump FILE.pcap [midstream] [async] [noexpire]");
        return;
    };
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            return;
        }
    };
    let midstream = args.iter().any(|a| a == "midstream");
    let async_oneside = args.iter().any(|a| a == "async");
    let no_expire = args.iter().any(|a| a == "noexpire");
    // suricata.yaml defaults: tcp new 60 s, established 600 s, closed 60 s; udp 30/300; other 30/300.
    const S: i64 = 1_000_000;
    let cfg = FlowConfig {
        tcp_timeouts: [60 * S, 600 * S, 60 * S],
        udp_timeouts: [30 * S, 300 * S, 30 * S],
        other_timeouts: [30 * S, 300 * S, 30 * S],
        tcp: TcpConfig {
            midstream,
            async_oneside,
            ..TcpConfig::default()
        },
        ..FlowConfig::default()
    };
    let mut table: FlowTable<()> = FlowTable::new(cfg.clone());
    let Some(hdr) = data.get(..24) else { return };
    let magic = u32::from_le_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
    let nanos = magic == 0xa1b2_3c4d;
    let link = LinkType::from_dlt(u32::from_le_bytes([hdr[20], hdr[21], hdr[22], hdr[23]]))
        .unwrap_or(LinkType::Ethernet);
    let mut off = 24;
    let mut stats = DecodeStats::default();
    let mut ended: Vec<(Flow<()>, EndReason)> = Vec::new();
    let mut last_expire = i64::MIN;
    let mut now = Timestamp(0);
    while let Some(rec) = data.get(off..off + 16) {
        let secs = i64::from(u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]));
        let frac = i64::from(u32::from_le_bytes([rec[4], rec[5], rec[6], rec[7]]));
        let incl = u32::from_le_bytes([rec[8], rec[9], rec[10], rec[11]]) as usize;
        let Some(frame) = data.get(off + 16..off + 16 + incl) else {
            break;
        };
        off += 16 + incl;
        now = Timestamp::from_parts(secs, if nanos { frac / 1000 } else { frac });
        if !no_expire && now.0.saturating_sub(last_expire) >= S {
            last_expire = now.0;
            table.expire(now, &mut ended);
            for (f, r) in ended.drain(..) {
                print_flow(&f, r);
            }
        }
        let Ok(pkt) = wire::decode(
            link,
            frame,
            &DecodeOptions {
                checksums: false,
                ..Default::default()
            },
            &mut stats,
        ) else {
            continue;
        };
        if pkt.frag.is_some() {
            continue;
        }
        if let Some((f, d)) = table.packet(&pkt, now, frame.len(), &mut ended) {
            if let (Some(s), L4::Tcp(t)) = (f.tcp.as_mut(), &pkt.l4) {
                s.on_segment(d, t, pkt.payload, &cfg.tcp, &mut |_, _| {});
            }
        }
        for (f, r) in ended.drain(..) {
            print_flow(&f, r);
        }
    }
    let _ = now;
    table.drain(&mut ended);
    for (f, r) in ended.drain(..) {
        print_flow(&f, r);
    }
    eprintln!("{:?}", table.stats);
}

fn print_flow(f: &Flow<()>, r: EndReason) {
    let state = match f.state {
        FlowState::New => "new",
        FlowState::Established => "established",
        FlowState::Closed => "closed",
    };
    let reason = match r {
        EndReason::Timeout => "timeout",
        EndReason::Forced => "forced",
        EndReason::Shutdown => "shutdown",
    };
    let (ts, fl0, fl1, gaps) = match &f.tcp {
        Some(t) => (
            t.state_name(),
            t.flags[0],
            t.flags[1],
            t.streams[0].gaps + t.streams[1].gaps,
        ),
        None => ("-", 0, 0, 0),
    };
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:02x}\t{:02x}\t{}\t{}",
        f.src,
        f.sport,
        f.dst,
        f.dport,
        f.proto,
        f.pkts[0],
        f.pkts[1],
        f.bytes[0],
        f.bytes[1],
        state,
        reason,
        ts,
        fl0,
        fl1,
        f.start.0,
        gaps
    );
}
