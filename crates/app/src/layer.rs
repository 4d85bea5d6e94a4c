//! Per-flow app-layer state: protocol detection, then dispatch to the protocol's parser.
//! (Interface fixed; bodies to be written.)

use crate::{AppProto, Cx};
use flow::{Chunk, Direction};

/// App-layer settings (from the config file / `--set app-layer.*`).
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    pub http: crate::http::HttpConfig,
}

/// Counters of the app layer of one worker.
#[derive(Debug, Default, Clone)]
pub struct AppStats {
    pub detected: u64,
    pub failed: u64,
    pub tx: u64,
}

/// Cross-flow expectations of one worker: FTP data connections announced by PASV/PORT/EPSV/EPRT,
/// claimed by the flow that opens them.
#[derive(Debug, Default)]
pub struct Expectations {}

/// The app-layer state of one flow.
#[derive(Default)]
pub struct AppLayer {
    proto: Option<AppProto>,
}

impl AppLayer {
    /// The flow's protocol, once detected (`Some(Failed)` when detection gave up).
    pub fn proto(&self) -> Option<AppProto> {
        self.proto
    }

    /// Protocols detected per direction (Suricata's `app_proto_ts` / `app_proto_tc`, logged when
    /// they differ from `app_proto`).
    pub fn proto_by_dir(&self) -> [Option<AppProto>; 2] {
        [self.proto, self.proto]
    }

    /// Feeds one in-order chunk of a TCP stream.
    pub fn on_tcp(&mut self, cfg: &AppConfig, dir: Direction, chunk: Chunk<'_>, cx: &mut Cx<'_>) {
        let _ = (cfg, dir, chunk, cx);
    }

    /// Feeds one UDP datagram's payload.
    pub fn on_udp(&mut self, cfg: &AppConfig, dir: Direction, payload: &[u8], cx: &mut Cx<'_>) {
        let _ = (cfg, dir, payload, cx);
    }

    /// The flow ends: parsers flush open transactions.
    pub fn on_close(&mut self, cx: &mut Cx<'_>) {
        let _ = cx;
    }
}
