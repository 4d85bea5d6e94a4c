//! The typed rule AST: a [`Rule`] is its header plus its options in rule order, one
//! [`RuleOption`] variant per keyword with parsed arguments. Content modifiers (`nocase`,
//! `depth`, `http_uri`, `fast_pattern`, ...) are folded into the [`Content`] they modify, and
//! every payload keyword carries the [`BufferRef`] it inspects, sticky buffers and legacy
//! modifiers already resolved.

use crate::buffer::{Buffer, BufferRef};
use crate::net::{Addresses, Ports};
use crate::uint::UintMatch;

/// What a rule does when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Alert,
    Pass,
    Drop,
    Reject,
    RejectSrc,
    RejectDst,
    RejectBoth,
    /// `config` rules change settings (logging) of a flow or transaction, never alert.
    Config,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Alert => "alert",
            Action::Pass => "pass",
            Action::Drop => "drop",
            Action::Reject => "reject",
            Action::RejectSrc => "rejectsrc",
            Action::RejectDst => "rejectdst",
            Action::RejectBoth => "rejectboth",
            Action::Config => "config",
        }
    }
}

/// Application-layer protocols a rule header (or `app-layer-protocol`) can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppProto {
    /// `http`: any HTTP version.
    Http,
    Http1,
    Http2,
    Ftp,
    FtpData,
    Smtp,
    Tls,
    Ssh,
    Imap,
    Smb,
    Dcerpc,
    Dns,
    Modbus,
    Enip,
    Dnp3,
    Nfs,
    Ntp,
    Tftp,
    Ike,
    Krb5,
    Quic,
    Dhcp,
    Snmp,
    Sip,
    Rfb,
    Mqtt,
    Pgsql,
    Telnet,
    Rdp,
    BittorrentDht,
    Irc,
    Jabber,
    Template,
    /// `failed`: protocol detection gave up (only in `app-layer-protocol`).
    Failed,
}

const APP_PROTOS: &[(&str, AppProto)] = &[
    ("http", AppProto::Http),
    ("http1", AppProto::Http1),
    ("http2", AppProto::Http2),
    ("ftp", AppProto::Ftp),
    ("ftp-data", AppProto::FtpData),
    ("smtp", AppProto::Smtp),
    ("tls", AppProto::Tls),
    ("ssl", AppProto::Tls),
    ("ssh", AppProto::Ssh),
    ("imap", AppProto::Imap),
    ("smb", AppProto::Smb),
    ("dcerpc", AppProto::Dcerpc),
    ("dns", AppProto::Dns),
    ("modbus", AppProto::Modbus),
    ("enip", AppProto::Enip),
    ("dnp3", AppProto::Dnp3),
    ("nfs", AppProto::Nfs),
    ("ntp", AppProto::Ntp),
    ("tftp", AppProto::Tftp),
    ("ike", AppProto::Ike),
    ("ikev2", AppProto::Ike),
    ("krb5", AppProto::Krb5),
    ("quic", AppProto::Quic),
    ("dhcp", AppProto::Dhcp),
    ("snmp", AppProto::Snmp),
    ("sip", AppProto::Sip),
    ("rfb", AppProto::Rfb),
    ("mqtt", AppProto::Mqtt),
    ("pgsql", AppProto::Pgsql),
    ("telnet", AppProto::Telnet),
    ("rdp", AppProto::Rdp),
    ("bittorrent-dht", AppProto::BittorrentDht),
    ("irc", AppProto::Irc),
    ("jabber", AppProto::Jabber),
    ("template", AppProto::Template),
    ("failed", AppProto::Failed),
];

impl AppProto {
    /// Looks a protocol up by name (case-insensitive; `ssl` = `tls`, `ikev2` = `ike`).
    pub fn from_name(name: &str) -> Option<AppProto> {
        APP_PROTOS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| *p)
    }
    /// Suricata's name, as EVE writes it in `app_proto`.
    pub fn name(self) -> &'static str {
        APP_PROTOS
            .iter()
            .find(|(_, p)| *p == self)
            .map(|(n, _)| *n)
            .unwrap_or("unknown")
    }
}

/// The protocol field of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `ip` (or `pkthdr`): any IP packet.
    Ip,
    Ipv4,
    Ipv6,
    Tcp,
    /// `tcp-pkt`: TCP, packets only (no stream).
    TcpPkt,
    /// `tcp-stream`: TCP, reassembled stream only.
    TcpStream,
    Udp,
    /// `icmp`: ICMPv4 and ICMPv6.
    Icmp,
    Icmpv4,
    Icmpv6,
    Sctp,
    App(AppProto),
}

impl Protocol {
    /// Parses the header's protocol field (case-insensitive, as Suricata).
    pub fn from_name(name: &str) -> Option<Protocol> {
        let p = match name.to_ascii_lowercase().as_str() {
            "ip" | "pkthdr" => Protocol::Ip,
            "ipv4" | "ip4" => Protocol::Ipv4,
            "ipv6" | "ip6" => Protocol::Ipv6,
            "tcp" => Protocol::Tcp,
            "tcp-pkt" => Protocol::TcpPkt,
            "tcp-stream" => Protocol::TcpStream,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "icmpv4" => Protocol::Icmpv4,
            "icmpv6" => Protocol::Icmpv6,
            "sctp" => Protocol::Sctp,
            other => match AppProto::from_name(other) {
                Some(AppProto::Failed) | None => return None,
                Some(a) => Protocol::App(a),
            },
        };
        Some(p)
    }
}

/// `->` or `<>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `->`: source to destination.
    ToDst,
    /// `<>`: both ways.
    Both,
}

/// A numeric keyword argument that may instead name a `byte_extract`/`byte_math` variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NumArg {
    Value(i64),
    Var(String),
}

/// `fast_pattern`, `fast_pattern:only`, `fast_pattern:OFFSET,LENGTH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FastPattern {
    pub only: bool,
    /// Use only `length` bytes of the pattern starting at `offset` for the prefilter.
    pub chop: Option<(u16, u16)>,
}

/// `content` with its modifiers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Content {
    pub buffer: BufferRef,
    pub pattern: Vec<u8>,
    pub negated: bool,
    pub nocase: bool,
    pub rawbytes: bool,
    pub depth: Option<NumArg>,
    pub offset: Option<NumArg>,
    pub distance: Option<NumArg>,
    pub within: Option<NumArg>,
    pub startswith: bool,
    pub endswith: bool,
    pub fast_pattern: Option<FastPattern>,
    /// `replace:"..."` (IPS): bytes written over the match.
    pub replace: Option<Vec<u8>>,
}

impl Content {
    /// A plain content on `buffer`.
    pub fn new(buffer: BufferRef, pattern: Vec<u8>) -> Self {
        Content {
            buffer,
            pattern,
            negated: false,
            nocase: false,
            rawbytes: false,
            depth: None,
            offset: None,
            distance: None,
            within: None,
            startswith: false,
            endswith: false,
            fast_pattern: None,
            replace: None,
        }
    }
    /// Whether the match is anchored on the previous match in the same buffer.
    pub fn is_relative(&self) -> bool {
        self.distance.is_some() || self.within.is_some()
    }
}

/// Regex flags of `pcre` that are not buffer selectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct PcreFlags {
    /// `i`
    pub caseless: bool,
    /// `s`
    pub dotall: bool,
    /// `m`
    pub multiline: bool,
    /// `x`
    pub extended: bool,
    /// `A`
    pub anchored: bool,
    /// `E`
    pub dollar_endonly: bool,
    /// `G`
    pub ungreedy: bool,
    /// `R`: start where the previous match in the buffer ended.
    pub relative: bool,
    /// `B`: rawbytes (no effect in Suricata).
    pub rawbytes: bool,
    /// `O`: override the configured match limits.
    pub match_limit: bool,
}

/// `pcre:"/re/flags"`, with the buffer chosen by the sticky buffer or a buffer flag.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pcre {
    pub buffer: BufferRef,
    pub negated: bool,
    /// The regex source between the slashes, unchanged.
    pub pattern: String,
    pub flags: PcreFlags,
    /// Capture variables (`, flow:name` / `pkt:name` after the regex, or `(?P<flow_name>...)`).
    pub captures: Vec<String>,
}

/// Byte order of `byte_*` keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    Big,
    Little,
    /// From the DCERPC header of the current PDU.
    Dce,
}

/// Base of a `string` conversion in `byte_*` keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumBase {
    Hex,
    Dec,
    Oct,
}

/// `byte_test` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteTestOp {
    Lt,
    Gt,
    Eq,
    Lte,
    Gte,
    /// `&`: bitwise and is non-zero.
    And,
    /// `^`: bitwise xor is non-zero.
    Xor,
}

/// `byte_test:nbytes, [!]op, value, offset [, relative] [, endian] [, string, base] [, dce] [, bitmask N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ByteTest {
    pub buffer: BufferRef,
    pub nbytes: NumArg,
    pub negated: bool,
    pub op: ByteTestOp,
    pub value: NumArg,
    pub offset: NumArg,
    pub relative: bool,
    pub endian: Option<Endian>,
    pub string: Option<NumBase>,
    pub bitmask: Option<u32>,
}

/// `byte_jump` origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JumpFrom {
    /// From the read position (default).
    Current,
    /// `from_beginning`
    Beginning,
    /// `from_end`
    End,
}

/// `byte_jump:nbytes, offset [, relative] [, multiplier N] [, endian] [, string, base] [, align] [, from_beginning|from_end] [, post_offset N] [, dce] [, bitmask N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ByteJump {
    pub buffer: BufferRef,
    pub nbytes: NumArg,
    pub offset: NumArg,
    pub relative: bool,
    pub multiplier: Option<u32>,
    pub endian: Option<Endian>,
    pub string: Option<NumBase>,
    pub align: bool,
    pub from: JumpFrom,
    pub post_offset: Option<i32>,
    pub bitmask: Option<u32>,
}

/// `byte_extract:nbytes, offset, name [, relative] [, multiplier N] [, endian] [, string [, base]] [, align N] [, dce] [, bitmask N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ByteExtract {
    pub buffer: BufferRef,
    pub nbytes: u8,
    pub offset: i32,
    pub name: String,
    pub relative: bool,
    pub multiplier: Option<u32>,
    pub endian: Option<Endian>,
    pub string: Option<NumBase>,
    pub align: Option<u8>,
    pub bitmask: Option<u32>,
}

/// `byte_math` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteMathOp {
    Add,
    Sub,
    Mul,
    Div,
    Shl,
    Shr,
}

/// `byte_math:bytes N, offset N, oper OP, rvalue N|var, result name [, relative] [, endian E] [, string B] [, bitmask N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ByteMath {
    pub buffer: BufferRef,
    pub nbytes: NumArg,
    pub offset: i32,
    pub op: ByteMathOp,
    pub rvalue: NumArg,
    pub result: String,
    pub relative: bool,
    pub endian: Option<Endian>,
    pub string: Option<NumBase>,
    pub bitmask: Option<u32>,
}

/// `isdataat:[!]N|var [, relative] [, rawbytes]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IsDataAt {
    pub buffer: BufferRef,
    pub negated: bool,
    pub offset: NumArg,
    pub relative: bool,
}

/// `base64_decode:[bytes N] [, offset N] [, relative]` (decodes into [`Buffer::Base64Data`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Base64Decode {
    pub buffer: BufferRef,
    pub bytes: Option<u32>,
    pub offset: Option<u32>,
    pub relative: bool,
}

/// `asn1` checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Asn1 {
    pub bitstring_overflow: bool,
    pub double_overflow: bool,
    pub oversize_length: Option<u32>,
    pub absolute_offset: Option<i32>,
    pub relative_offset: Option<i32>,
}

/// `flow` direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlowDir {
    /// `to_server` / `from_client`
    ToServer,
    /// `to_client` / `from_server`
    ToClient,
}

/// `flow` state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlowState {
    Established,
    NotEstablished,
    Stateless,
}

/// `flow:established,to_server,...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Flow {
    pub dir: Option<FlowDir>,
    pub state: Option<FlowState>,
    /// `only_stream` (`Some(true)`) or `no_stream` (`Some(false)`).
    pub stream: Option<bool>,
    /// `only_frag` (`Some(true)`) or `no_frag` (`Some(false)`).
    pub frag: Option<bool>,
}

/// Command of `flowbits`, `xbits`, `hostbits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitCmd {
    Set,
    Unset,
    Toggle,
    IsSet,
    IsNotSet,
    /// `flowbits:noalert` (same as `noalert;`).
    NoAlert,
}

/// `flowbits:cmd[,name[|name...]]`; several names (`a|b`) with `isset`/`isnotset` mean any of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flowbits {
    pub cmd: BitCmd,
    pub names: Vec<String>,
}

/// Whose bit an `xbits`/`hostbits` keyword addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitTrack {
    IpSrc,
    IpDst,
    IpPair,
    /// hostbits `both`: source and destination host.
    Both,
}

/// `xbits:cmd,name,track ip_src|ip_dst|ip_pair[,expire N]` and `hostbits:cmd,name[,src|dst|both]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Xbits {
    pub cmd: BitCmd,
    pub name: String,
    pub track: BitTrack,
    pub expire: Option<u32>,
}

/// `flowint` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlowintOp {
    Set,
    Add,
    Sub,
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    IsSet,
    IsNotSet,
}

/// `flowint:name, op[, value]`; the value is a number or another flowint's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flowint {
    pub name: String,
    pub op: FlowintOp,
    pub value: Option<NumArg>,
}

/// What a threshold or detection filter counts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Track {
    BySrc,
    ByDst,
    ByRule,
    ByBoth,
    ByFlow,
}

/// `threshold:type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThresholdType {
    Limit,
    Threshold,
    Both,
}

/// `threshold:type T, track K, count N, seconds S`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Threshold {
    pub kind: ThresholdType,
    pub track: Track,
    pub count: u32,
    pub seconds: u32,
}

/// `detection_filter:track K, count N, seconds S`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DetectionFilter {
    pub track: Track,
    pub count: u32,
    pub seconds: u32,
}

/// `tag` scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagScope {
    Session,
    Host,
}

/// `tag` unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagMetric {
    Packets,
    Seconds,
    Bytes,
}

/// `tag:session|host[, count, metric[, src|dst]]` (defaults: 256 packets, as Suricata).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub scope: TagScope,
    pub count: u32,
    pub metric: TagMetric,
    /// For host tags: tag the source (`true`) or destination host.
    pub src: bool,
}

/// `flags` modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagsMode {
    /// Exactly these flags (after masking).
    Exact,
    /// `+`: these flags and maybe others.
    All,
    /// `*`: any of these flags.
    Any,
    /// `!`: not these flags.
    Not,
}

/// TCP flag bits, as on the wire.
pub mod tcp_flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;
}

/// `flags:[+*!]FSRPAUCE0[,mask]` (`0` = no flag set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcpFlags {
    pub mode: FlagsMode,
    pub flags: u8,
    /// Flags to ignore before comparing.
    pub ignore: u8,
}

/// IP fragment bits.
pub mod frag_bits {
    /// More fragments.
    pub const MF: u8 = 0x01;
    /// Don't fragment.
    pub const DF: u8 = 0x02;
    /// Reserved bit.
    pub const RB: u8 = 0x04;
}

/// `fragbits:[+*!]MDR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fragbits {
    pub mode: FlagsMode,
    pub bits: u8,
}

/// `ip_proto:[!<>]N|name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpProto {
    Eq(u8),
    Ne(u8),
    Lt(u8),
    Gt(u8),
}

/// `stream_size` side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamSide {
    Server,
    Client,
    Both,
    Either,
}

/// `stream_size:side, op, value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamSize {
    pub side: StreamSide,
    pub cmp: UintMatch<u32>,
}

/// Source of an event keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `app-layer-event:proto.event`
    AppLayer,
    /// `decode-event:layer.event`
    Decode,
    /// `stream-event:event`
    Stream,
    /// `engine-event:event`
    Engine,
}

/// `app-layer-protocol:[!]proto[,mode]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AppLayerProtocol {
    pub negated: bool,
    pub proto: AppProto,
    /// `final`, `original`, `either`, `to_server`, `to_client` (default: the current one).
    pub mode: Option<AppProtoMode>,
}

/// Which detected protocol `app-layer-protocol` looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppProtoMode {
    Final,
    Original,
    Either,
    ToServer,
    ToClient,
}

/// `target:src_ip|dest_ip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    SrcIp,
    DestIp,
}

/// `reference:type,value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    pub kind: String,
    pub value: String,
}

/// Which checksum a `*-csum` keyword checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Checksum {
    Ipv4,
    Tcpv4,
    Tcpv6,
    Udpv4,
    Udpv6,
    Icmpv4,
    Icmpv6,
}

/// Command of `dataset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetCmd {
    Set,
    Unset,
    IsSet,
    IsNotSet,
}

/// Data type of a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetType {
    String,
    Md5,
    Sha256,
    Ipv4,
    Ip,
}

/// `dataset:cmd,name[, type T][, load F][, save F][, state F][, memcap N][, hashsize N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dataset {
    pub buffer: BufferRef,
    pub cmd: DatasetCmd,
    pub name: String,
    pub kind: Option<DatasetType>,
    pub load: Option<String>,
    pub save: Option<String>,
    pub state: Option<String>,
    pub memcap: Option<u64>,
    pub hashsize: Option<u32>,
}

/// `datarep:name, op, value[, type T][, load F][, memcap N][, hashsize N]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Datarep {
    pub buffer: BufferRef,
    pub name: String,
    pub cmp: UintMatch<u16>,
    pub kind: Option<DatasetType>,
    pub load: Option<String>,
    pub memcap: Option<u64>,
    pub hashsize: Option<u32>,
}

/// Integer keywords of protocol fields, all with [`UintMatch`] syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintField {
    TcpMss,
    TcpWindow,
    Icmpv6Mtu,
    FlowAge,
    DhcpLeasetime,
    DhcpRebindingTime,
    DhcpRenewalTime,
    SnmpVersion,
    /// `snmp.pdu_type:N` (equality only).
    SnmpPduType,
    RfbSectype,
    TlsCertChainLen,
    Http2Window,
    Http2Priority,
    Http2SizeUpdate,
    IkeExchType,
    IkeKeyExchangePayloadLength,
    IkeNoncePayloadLength,
    MqttProtocolVersion,
    /// `nfs_procedure` (inclusive ranges).
    NfsProcedure,
    /// `nfs.version` (inclusive ranges).
    NfsVersion,
    Krb5MsgType,
    Krb5ErrCode,
    EnipCommand,
    DnsOpcode,
    Tos,
    FragOffset,
}

/// One DCERPC operation number or range, `dcerpc.opnum:1,5-7`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpnumRange {
    pub lo: u16,
    pub hi: u16,
}

/// `dcerpc.iface:uuid[,[<>=!]version][,any_frag]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DcerpcIface {
    pub uuid: [u8; 16],
    pub version: Option<UintMatch<u16>>,
    pub any_frag: bool,
}

/// A file-name or file-magic test written with the legacy keywords (`filename:"x"`, `fileext:"exe"`, `filemagic:"PE32"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileMatchKind {
    Name,
    Ext,
    Magic,
}

/// One keyword of a rule, with its parsed arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RuleOption {
    // Meta.
    Msg(String),
    Sid(u32),
    Rev(u32),
    Gid(u32),
    Classtype(String),
    Priority(u8),
    Reference(Reference),
    Metadata(Vec<(String, String)>),
    Target(Target),
    // Payload.
    Content(Content),
    Pcre(Pcre),
    ByteTest(ByteTest),
    ByteJump(ByteJump),
    ByteExtract(ByteExtract),
    ByteMath(ByteMath),
    IsDataAt(IsDataAt),
    /// `bsize`: length of the buffer.
    Bsize {
        buffer: BufferRef,
        cmp: UintMatch<u64>,
    },
    /// `dsize`: payload size.
    Dsize(UintMatch<u16>),
    /// `urilen[:cmp][,norm|raw]`.
    Urilen {
        cmp: UintMatch<u16>,
        raw: bool,
    },
    Base64Decode(Base64Decode),
    Asn1(Asn1),
    Dataset(Dataset),
    Datarep(Datarep),
    /// `prefilter`: use the previous keyword as this rule's prefilter.
    Prefilter,
    // Flow and state.
    Flow(Flow),
    Flowbits(Flowbits),
    Xbits(Xbits),
    Hostbits(Xbits),
    Flowint(Flowint),
    Threshold(Threshold),
    DetectionFilter(DetectionFilter),
    Tag(Tag),
    Noalert,
    StreamSize(StreamSize),
    // Headers.
    Flags(TcpFlags),
    Fragbits(Fragbits),
    Ttl(UintMatch<u8>),
    /// `id`: IPv4 identification.
    IpId(u16),
    IpProto(IpProto),
    Itype(UintMatch<u8>),
    Icode(UintMatch<u8>),
    IcmpId(u16),
    IcmpSeq(u16),
    /// `window:[!]N` (TCP window).
    Window {
        negated: bool,
        size: u16,
    },
    TcpSeq(u32),
    TcpAck(u32),
    Sameip,
    /// `ipopts:name`.
    IpOpts(String),
    /// `*-csum:valid|invalid`.
    Checksum {
        which: Checksum,
        valid: bool,
    },
    Uint {
        field: UintField,
        cmp: UintMatch<u64>,
    },
    // App layer.
    Event {
        kind: EventKind,
        name: String,
    },
    AppLayerProtocol(AppLayerProtocol),
    /// `tls.version:1.2` etc., as the wire value (0x0303).
    TlsVersion(u16),
    /// `ssl_version:sslv3,tls1.0,...` (`!` negates a version).
    SslVersion(Vec<(bool, String)>),
    /// `ssl_state:client_hello|server_hello,...`.
    SslState(Vec<(bool, String)>),
    /// `tls.subject:"..."` / `tls.issuerdn:"..."` / `tls.fingerprint:"..."` string tests.
    TlsField {
        keyword: &'static str,
        negated: bool,
        value: String,
    },
    TlsStore,
    TlsCertExpired,
    TlsCertValid,
    Ftpbounce,
    /// `ftpdata_command:stor|retr`.
    FtpdataCommand(String),
    FileMatch {
        kind: FileMatchKind,
        negated: bool,
        value: Vec<u8>,
    },
    /// `filesize:cmp`.
    Filesize(UintMatch<u64>),
    /// `filestore[:direction,scope]`.
    Filestore {
        direction: Option<String>,
        scope: Option<String>,
    },
    DcerpcIface(DcerpcIface),
    DcerpcOpnum(Vec<OpnumRange>),
    /// `cip_service:service[,class[,[!]attribute]]`, values as Suricata 7.0.10 reads them (see
    /// `keywords::app::cip_service`).
    CipService {
        service: u8,
        class: Option<u16>,
        attribute: Option<u16>,
        /// `!attribute`: Suricata's `matchattribute = 0`.
        attribute_negated: bool,
    },
    /// `ssh.protoversion:2.0|2_compat` and `ssh.softwareversion:"x"`.
    SshVersion {
        software: bool,
        value: String,
    },
    /// `requires:feature X, version >= V` (evaluated by the engine).
    Requires(Vec<(String, String)>),
    /// `config:subsys S, type T, scope C` (for `config` rules).
    Config(Vec<(String, String)>),
    /// `flowvar:name,"content"` / `pktvar:name,"content"`.
    VarMatch {
        flow: bool,
        name: String,
        value: Vec<u8>,
    },
    Bypass,
    /// `l3_proto:ipv4|ipv6`.
    L3Proto(String),
}

impl RuleOption {
    /// The buffer this option inspects, if it is a payload keyword.
    pub fn buffer(&self) -> Option<&BufferRef> {
        match self {
            RuleOption::Content(c) => Some(&c.buffer),
            RuleOption::Pcre(p) => Some(&p.buffer),
            RuleOption::ByteTest(b) => Some(&b.buffer),
            RuleOption::ByteJump(b) => Some(&b.buffer),
            RuleOption::ByteExtract(b) => Some(&b.buffer),
            RuleOption::ByteMath(b) => Some(&b.buffer),
            RuleOption::IsDataAt(b) => Some(&b.buffer),
            RuleOption::Bsize { buffer, .. } => Some(buffer),
            RuleOption::Base64Decode(b) => Some(&b.buffer),
            RuleOption::Dataset(d) => Some(&d.buffer),
            RuleOption::Datarep(d) => Some(&d.buffer),
            _ => None,
        }
    }
}

/// A parsed rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    pub protocol: Protocol,
    pub src: Addresses,
    pub src_ports: Ports,
    pub direction: Direction,
    pub dst: Addresses,
    pub dst_ports: Ports,
    /// Every keyword in rule order (content modifiers folded into their content).
    pub options: Vec<RuleOption>,
    pub sid: u32,
    /// 1 unless `gid` says otherwise.
    pub gid: u32,
    /// 0 unless `rev` says otherwise.
    pub rev: u32,
    pub msg: String,
    pub classtype: Option<String>,
    /// From `priority`; the classtype's priority applies when absent.
    pub priority: Option<u8>,
    pub references: Vec<Reference>,
    pub metadata: Vec<(String, String)>,
    pub target: Option<Target>,
    /// `noalert` or `flowbits:noalert`.
    pub noalert: bool,
    /// Line (1-based) where the rule starts in its file; 0 for a lone rule.
    pub line: usize,
}

impl Rule {
    /// The payload keywords that inspect `buffer`, in rule order.
    pub fn options_on(&self, buffer: Buffer) -> impl Iterator<Item = &RuleOption> {
        self.options
            .iter()
            .filter(move |o| o.buffer().map(|b| b.buffer) == Some(buffer))
    }
    /// All contents, in rule order.
    pub fn contents(&self) -> impl Iterator<Item = &Content> {
        self.options.iter().filter_map(|o| match o {
            RuleOption::Content(c) => Some(c),
            _ => None,
        })
    }
}
