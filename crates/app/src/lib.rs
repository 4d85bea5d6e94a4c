//! `app`: application-layer protocol detection and parsing.
//!
//! Each flow gets an [`AppLayer`]: it sniffs the first bytes of each direction to pick the
//! protocol (by content, port only as a hint), then feeds reassembled stream chunks (TCP) or
//! datagrams (UDP) to that protocol's parser. Parsers emit [`AppEvent`]s: the EVE record of a
//! finished transaction, plus the inspection buffers the signature engine will match on.
//!
//! One folder per protocol (`http/`, `dns/`, `tls/`, `ssh/`, `ftp/`, `smtp/`), each with a parser
//! implementing [`Parser`] and a record type that serializes to its EVE sub-object.

pub mod dcerpc;
pub mod detect;
pub mod dns;
pub mod enip;
pub mod ftp;
pub mod http;
pub mod http2;
pub mod ike;
pub mod krb5;
pub mod nfs;
pub mod quic;
pub mod sip;
pub mod smb;
pub mod smtp;
pub mod snmp;
pub mod ssh;
pub mod tls;

mod layer;
pub use layer::{AppConfig, AppLayer, AppStats, Expectations, FtpTransfer, DETECT_BUF_CAP};

use flow::Direction;
use std::net::IpAddr;
use wire::Timestamp;

/// Application protocols, named as Suricata names them in EVE (`app_proto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppProto {
    Http,
    Http2,
    Tls,
    Dns,
    Ssh,
    Ftp,
    FtpData,
    Smtp,
    Smb,
    Dcerpc,
    Dhcp,
    Sip,
    Krb5,
    Snmp,
    Ntp,
    Quic,
    Ike,
    Nfs,
    Enip,
    Rdp,
    Imap,
    Pop3,
    Mqtt,
    Modbus,
    Dnp3,
    Tftp,
    Rfb,
    Telnet,
    Ldap,
    Pgsql,
    Bittorrent,
    /// Detection ran and found nothing it knows.
    Failed,
}

impl AppProto {
    /// Every protocol (but `Failed`), for name lookups.
    pub const ALL: &'static [AppProto] = &[
        AppProto::Http,
        AppProto::Http2,
        AppProto::Tls,
        AppProto::Dns,
        AppProto::Ssh,
        AppProto::Ftp,
        AppProto::FtpData,
        AppProto::Smtp,
        AppProto::Smb,
        AppProto::Dcerpc,
        AppProto::Dhcp,
        AppProto::Sip,
        AppProto::Krb5,
        AppProto::Snmp,
        AppProto::Ntp,
        AppProto::Quic,
        AppProto::Ike,
        AppProto::Nfs,
        AppProto::Enip,
        AppProto::Rdp,
        AppProto::Imap,
        AppProto::Pop3,
        AppProto::Mqtt,
        AppProto::Modbus,
        AppProto::Dnp3,
        AppProto::Tftp,
        AppProto::Rfb,
        AppProto::Telnet,
        AppProto::Ldap,
        AppProto::Pgsql,
        AppProto::Bittorrent,
    ];

    /// Looks a protocol up by its EVE / config name (`ftp-data`, `bittorrent-dht`, `ssl` for tls).
    pub fn from_name(name: &str) -> Option<AppProto> {
        let name = if name.eq_ignore_ascii_case("ssl") {
            "tls"
        } else {
            name
        };
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// The EVE name (`"http"`, `"tls"`, `"ftp-data"`, `"failed"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            AppProto::Http => "http",
            AppProto::Http2 => "http2",
            AppProto::Tls => "tls",
            AppProto::Dns => "dns",
            AppProto::Ssh => "ssh",
            AppProto::Ftp => "ftp",
            AppProto::FtpData => "ftp-data",
            AppProto::Smtp => "smtp",
            AppProto::Smb => "smb",
            AppProto::Dcerpc => "dcerpc",
            AppProto::Dhcp => "dhcp",
            AppProto::Sip => "sip",
            AppProto::Krb5 => "krb5",
            AppProto::Snmp => "snmp",
            AppProto::Ntp => "ntp",
            AppProto::Quic => "quic",
            AppProto::Ike => "ike",
            AppProto::Nfs => "nfs",
            AppProto::Enip => "enip",
            AppProto::Rdp => "rdp",
            AppProto::Imap => "imap",
            AppProto::Pop3 => "pop3",
            AppProto::Mqtt => "mqtt",
            AppProto::Modbus => "modbus",
            AppProto::Dnp3 => "dnp3",
            AppProto::Tftp => "tftp",
            AppProto::Rfb => "rfb",
            AppProto::Telnet => "telnet",
            AppProto::Ldap => "ldap",
            AppProto::Pgsql => "pgsql",
            AppProto::Bittorrent => "bittorrent-dht",
            AppProto::Failed => "failed",
        }
    }
}

/// What a parser knows of the flow it serves.
#[derive(Debug, Clone, Copy)]
pub struct FlowInfo {
    pub id: u64,
    pub client: IpAddr,
    pub server: IpAddr,
    pub client_port: u16,
    pub server_port: u16,
    pub proto: u8,
}

/// Per-call context handed to a parser.
pub struct Cx<'a> {
    pub ts: Timestamp,
    pub flow: &'a FlowInfo,
    /// Records produced by this call are pushed here.
    pub out: &'a mut Vec<AppEvent>,
    /// Cross-flow expectations of this worker (FTP data connections).
    pub expect: &'a mut Expectations,
}

impl Cx<'_> {
    /// Pushes `record` as the next transaction of a parser that numbers its transactions with
    /// `next_id` (advanced here).
    pub fn push_tx(&mut self, dir: Direction, next_id: &mut u64, record: Record) {
        let id = *next_id;
        *next_id += 1;
        self.out.push(AppEvent {
            ts: self.ts,
            dir,
            tx_id: Some(id),
            record,
        });
    }
}

/// A protocol parser for one flow. Stream parsers get `on_data` with in-order bytes per direction
/// and `on_gap` where bytes were lost; datagram parsers get one `on_data` per datagram.
/// Parsers never panic and keep bounded state; garbage puts them in a "give up" state.
pub trait Parser: Send {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>);
    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        let _ = (dir, len, cx);
    }
    /// The flow is over: emit whatever transactions are still open (as Suricata does at shutdown).
    fn on_close(&mut self, cx: &mut Cx<'_>) {
        let _ = cx;
    }
    /// At the end of the flow, direction `dir` has delivered all it will (the flow engine flushes
    /// to-server first, then to-client, as Suricata's flow-timeout pseudo packets do). Parsers
    /// whose Suricata logger runs on that end-of-stream (TLS) log here.
    fn on_eof(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let _ = (dir, cx);
    }
    /// Whether the flow's payload should no longer be inspected by payload rules (Suricata's
    /// `APP_LAYER_PARSER_NO_INSPECTION_PAYLOAD`: TLS once application data flows). Asked after
    /// each `on_data`; once true it stays true.
    fn no_payload_inspection(&self) -> bool {
        false
    }
    /// App-layer events raised so far on the transaction still open (Suricata keeps inspecting
    /// it as it grows: TLS). Detection checks `app-layer-event` rules on it after every packet.
    fn live_events(&self) -> &[&'static str] {
        &[]
    }
    /// The open transaction of [`Parser::live_events`] as it stands now.
    fn live_record(&self) -> Option<Record> {
        None
    }
    /// Asked after each `on_data`: the protocol the flow switches to (STARTTLS, AUTH TLS,
    /// HTTP/2 upgrade). The app layer then detects again from the next bytes; answer once.
    fn upgrade(&mut self) -> Option<AppProto> {
        None
    }
    /// After `upgrade` answered: how many bytes at the end of the last `on_data` chunk belong
    /// to the next protocol (detection starts again from them).
    fn upgrade_leftover(&mut self) -> usize {
        0
    }
    /// After `upgrade` answered: what the parser of the next protocol takes over.
    fn handoff(&mut self) -> Option<Handoff> {
        None
    }
    /// Asked after each `on_data`: the directions (to server, to client) in which the parser
    /// completed a unit whose raw stream should be inspected now (Suricata's
    /// `AppLayerParserTriggerRawStreamReassembly`: an HTTP request or response, a TLS record, a
    /// DNS message over TCP, an SMTP attachment). Answers each completion once.
    fn take_raw_trigger(&mut self) -> [bool; 2] {
        [false; 2]
    }
    /// Called once per packet of direction `dir`, after the packet's stream data was parsed:
    /// parsers whose transactions Suricata inspects per direction as they progress (SMB) emit
    /// here the transactions to inspect from that side now.
    fn on_packet(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let _ = (dir, cx);
    }
    /// Detection's look at the transactions still open, on a packet of direction `dir`
    /// (Suricata's `DetectRunTx`, HTTP/1): hands `f`, in order, each open transaction the parser
    /// worked on in `dir` since the last call for `dir`, or complete in `dir` and not handed
    /// over complete yet; a side handed over complete is not handed over again. The marks of
    /// work done in `dir` are cleared. Transactions already emitted are not seen here.
    fn inspect_open(&mut self, dir: Direction, f: &mut dyn FnMut(&Record)) {
        let _ = (dir, f);
    }
}

/// State a parser hands to the parser of the protocol its flow changes to.
#[derive(Debug, Clone)]
pub enum Handoff {
    /// The HTTP/1.1 request of an `Upgrade: h2c` exchange (it becomes HTTP/2 stream 1).
    H2c(http2::UpgradeRequest),
}

/// An application-layer event: a record to log (and later, to inspect).
#[derive(Debug, Clone)]
pub struct AppEvent {
    pub ts: Timestamp,
    /// Direction of the packet that completed the record. EVE logs protocol records from the
    /// client's point of view (src = client) except `fileinfo`, whose src is the file's sender.
    pub dir: Direction,
    pub tx_id: Option<u64>,
    pub record: Record,
}

/// Every record type the app layer writes, each serializing to its EVE sub-object.
#[derive(Debug, Clone)]
pub enum Record {
    Http(Box<http::HttpTx>),
    /// An HTTP/2 transaction (EVE `event_type` "http", `app_proto` "http2").
    Http2(Box<http2::Http2Tx>),
    Dns(Box<dns::DnsRecord>),
    Tls(Box<tls::TlsRecord>),
    Ssh(Box<ssh::SshRecord>),
    Ftp(Box<ftp::FtpRecord>),
    FtpData(Box<ftp::FtpDataRecord>),
    Smtp(Box<smtp::SmtpRecord>),
    /// A DCERPC/TCP transaction (EVE `dcerpc`).
    Dcerpc(Box<dcerpc::DcerpcRecord>),
    /// An SMB transaction seen from one side, or an SMB frame (inspected, not logged).
    Smb(Box<smb::SmbRecord>),
    /// An SNMP message (EVE `snmp`).
    Snmp(Box<snmp::SnmpRecord>),
    /// A Kerberos 5 message (EVE `krb5`).
    Krb5(Box<krb5::Krb5Record>),
    /// An ENIP PDU (inspected only: Suricata 7 has no ENIP logger).
    Enip(Box<enip::EnipRecord>),
    /// An NFS transaction (inspected only: EVE `nfs` is not written here).
    Nfs(Box<nfs::NfsRecord>),
    /// An IKEv2 message (EVE `ike`).
    Ike(Box<ike::IkeRecord>),
    /// A QUIC packet's transaction (EVE `quic`).
    Quic(Box<quic::QuicRecord>),
    /// A SIP/UDP message (EVE `sip`); with frames on, also a datagram that did not parse
    /// (not logged, see [`sip::SipRecord::is_tx`]).
    Sip(Box<sip::SipRecord>),
    FileInfo(Box<FileInfo>),
    Anomaly(Box<Anomaly>),
}

impl Record {
    /// EVE `event_type`.
    pub fn event_type(&self) -> &'static str {
        match self {
            Record::Http(_) | Record::Http2(_) => "http",
            Record::Dns(_) => "dns",
            Record::Tls(_) => "tls",
            Record::Ssh(_) => "ssh",
            Record::Ftp(_) => "ftp",
            Record::FtpData(_) => "ftp_data",
            Record::Smtp(_) => "smtp",
            Record::Dcerpc(_) => "dcerpc",
            Record::Smb(_) => "smb",
            Record::Snmp(_) => "snmp",
            Record::Krb5(_) => "krb5",
            Record::Enip(_) => "enip",
            Record::Nfs(_) => "nfs",
            Record::Ike(_) => "ike",
            Record::Quic(_) => "quic",
            Record::Sip(_) => "sip",
            Record::FileInfo(_) => "fileinfo",
            Record::Anomaly(_) => "anomaly",
        }
    }

    /// The `app_proto` of the flow that produced the record (`fileinfo` parents log it): the
    /// event type, except `http2` for HTTP/2 transactions.
    pub fn app_proto(&self) -> &'static str {
        match self {
            Record::Http2(_) => "http2",
            r => r.event_type(),
        }
    }

    /// For records of protocols whose transactions each live in one direction (Suricata's
    /// `AppLayerTxData::for_direction`: SNMP, Kerberos, IKE, ...): whether it is the to-server
    /// one. Detection inspects such a record on that side only, and EVE logs it with the
    /// packet's addresses (`LOG_DIR_PACKET`). `None` for the others.
    pub fn one_direction(&self) -> Option<bool> {
        match self {
            Record::Snmp(t) => Some(t.to_server),
            Record::Krb5(t) => Some(t.to_server),
            Record::Enip(t) => Some(t.to_server),
            Record::Ike(t) => Some(t.to_server),
            Record::Quic(t) => Some(t.to_server),
            Record::Sip(t) => Some(t.to_server),
            Record::Smb(t) => Some(t.to_server),
            _ => None,
        }
    }

    /// The app-layer events raised on this transaction (`app-layer-event:PROTO.NAME`), names
    /// from [`app_events`]; empty for records that carry none.
    pub fn events(&self) -> &[&'static str] {
        match self {
            Record::Http(t) => &t.events,
            Record::Tls(t) => &t.events,
            Record::Smtp(t) => &t.events,
            Record::Smb(t) => &t.events,
            Record::Snmp(t) => &t.events,
            Record::Krb5(t) => &t.events,
            Record::Ike(t) => &t.events,
            Record::Quic(t) => &t.events,
            _ => &[],
        }
    }
}

/// The app-layer event names (Suricata 7.0.10's, lower case) a protocol's parser raises on its
/// transactions, for `app-layer-event:PROTO.NAME`; `None` for protocols that raise none here.
pub fn app_events(proto: AppProto) -> Option<&'static [&'static str]> {
    match proto {
        AppProto::Http => Some(http::EVENTS),
        AppProto::Http2 => Some(http2::EVENTS),
        AppProto::Tls => Some(tls::EVENTS),
        AppProto::Smtp => Some(smtp::EVENTS),
        AppProto::Smb => Some(smb::EVENTS),
        AppProto::Snmp => Some(snmp::EVENTS),
        AppProto::Krb5 => Some(krb5::EVENTS),
        AppProto::Ike => Some(ike::EVENTS),
        AppProto::Quic => Some(quic::EVENTS),
        _ => None,
    }
}

/// `fileinfo` record: a file seen in a protocol (HTTP bodies, FTP data, SMTP attachments).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileInfo {
    /// The protocol record the file belongs to (e.g. the HTTP transaction), logged beside it.
    #[serde(skip)]
    pub parent: Option<Box<Record>>,
    /// Left out when empty (HTTP/2 files have no name), as Suricata's JsonBuilder does.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub filename: String,
    pub gaps: bool,
    pub state: &'static str,
    pub stored: bool,
    pub size: u64,
    pub tx_id: u64,
}

/// `anomaly` record (decoder, stream or app-layer events).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Anomaly {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_proto: Option<&'static str>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<&'static str>,
}

#[cfg(test)]
mod raw_trigger_tests;

#[cfg(test)]
pub(crate) mod tests_util {
    //! A parser test bench: a flow, expectations and the records produced.
    use super::*;

    pub const TS: Direction = Direction::ToServer;
    pub const TC: Direction = Direction::ToClient;

    /// The bytes a hex string spells (test fixtures).
    pub fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    pub struct Harness {
        pub flow: FlowInfo,
        pub expect: Expectations,
        pub out: Vec<AppEvent>,
        pub ts: Timestamp,
    }

    impl Harness {
        pub fn new() -> Self {
            Harness {
                flow: FlowInfo {
                    id: 42,
                    client: "192.168.77.10".parse().unwrap(),
                    server: "198.51.100.20".parse().unwrap(),
                    client_port: 48700,
                    server_port: 21,
                    proto: 6,
                },
                expect: Expectations::default(),
                out: Vec::new(),
                ts: Timestamp(1_000_000),
            }
        }

        pub fn cx(&mut self) -> Cx<'_> {
            Cx {
                ts: self.ts,
                flow: &self.flow,
                out: &mut self.out,
                expect: &mut self.expect,
            }
        }

        pub fn feed(&mut self, p: &mut dyn Parser, dir: Direction, data: &[u8]) {
            if data.is_empty() {
                return;
            }
            p.on_data(dir, data, &mut self.cx());
        }

        pub fn close(&mut self, p: &mut dyn Parser) {
            p.on_close(&mut self.cx());
        }

        pub fn gap(&mut self, p: &mut dyn Parser, dir: Direction, len: u32) {
            p.on_gap(dir, len, &mut self.cx());
        }
    }
}
