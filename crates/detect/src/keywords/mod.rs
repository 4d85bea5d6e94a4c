//! One file per keyword family, and the registry that compiles a parsed [`Rule`]'s options
//! into matchers: payload steps per inspection buffer ([`Step`]), packet/flow conditions
//! ([`Cond`]), post-match actions ([`Post`]) and rate limits. A keyword this engine cannot
//! enforce exactly is a [`CompileError`] naming it; the rule is then skipped, never loaded
//! weaker.

pub mod app_layer_event;
pub mod app_uint;
pub mod asn1;
pub mod base64;
pub mod bits;
pub mod bytes;
pub mod content;
pub mod dataset;
pub mod dce;
pub mod enip;
pub mod events;
pub mod file;
pub mod frame;
pub mod ftpbounce;
pub mod header;
pub mod pcre;
pub mod quic;
pub mod sip;
pub mod smb;
pub mod tls_version;
pub mod transform;
pub mod xbits;

use crate::buffers;
use base64::Base64DecodeM;
use bits::{BitNames, Post};
use bytes::{ByteExtractM, ByteJumpM, ByteMathM, ByteTestM};
use content::{ContentM, Num};
use pcre::PcreM;
use rules::{
    AppLayerProtocol, BitCmd, Buffer, BufferRef, Checksum, DetectionFilter, Flow, FlowintOp, Fragbits,
    IpProto, NumArg, Rule, RuleOption, StreamSize, TcpFlags, Threshold, UintField, UintMatch,
};

/// The keywords this engine matches (the rest of `rules::keywords()` parse but make a rule be
/// skipped). Used for the load report and `--list-keywords`.
pub const SUPPORTED: &[&str] = &[
    "msg",
    "sid",
    "rev",
    "gid",
    "classtype",
    "priority",
    "reference",
    "metadata",
    "target",
    "content",
    "nocase",
    "depth",
    "offset",
    "distance",
    "within",
    "startswith",
    "endswith",
    "fast_pattern",
    "rawbytes",
    "pcre",
    "byte_test",
    "byte_jump",
    "byte_extract",
    "byte_math",
    "isdataat",
    "bsize",
    "dsize",
    "urilen",
    "prefilter",
    "flow",
    "flowbits",
    "flowint",
    "threshold",
    "detection_filter",
    "noalert",
    "tag",
    "flags",
    "fragbits",
    "ttl",
    "id",
    "ip_proto",
    "itype",
    "icode",
    "icmp_id",
    "icmp_seq",
    "window",
    "seq",
    "ack",
    "sameip",
    "app-layer-protocol",
    "requires",
    "ipv4.hdr",
    "ipv6.hdr",
    "tcp.hdr",
    "udp.hdr",
    "tcp.mss",
    "tcp.window",
    "tos",
    "stream_size",
    "ipv4-csum",
    "tcpv4-csum",
    "tcpv6-csum",
    "udpv4-csum",
    "udpv6-csum",
    "icmpv4-csum",
    "icmpv6-csum",
    "base64_decode",
    "base64_data",
    "tls.version",
    "dcerpc.iface",
    "dcerpc.opnum",
    "xbits",
    "app-layer-event",
    "dataset",
    "datarep",
    "ip.src",
    "ip.dst",
    "snmp.version",
    "snmp.pdu_type",
    "krb5_msg_type",
    "krb5_err_code",
    "ftpbounce",
    "asn1",
];

/// Why a rule cannot be loaded exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keyword '{keyword}': {reason}")]
pub struct CompileError {
    pub keyword: String,
    pub reason: String,
}

impl CompileError {
    pub fn new(keyword: &str, reason: impl Into<String>) -> Self {
        CompileError {
            keyword: keyword.to_string(),
            reason: reason.into(),
        }
    }
}

/// Names of `byte_extract` / `byte_math` variables of one rule, in slot order.
#[derive(Default, Debug)]
pub struct VarTable {
    names: Vec<String>,
}

impl VarTable {
    fn slot(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    fn add(&mut self, name: &str) -> usize {
        match self.slot(name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        }
    }
}

/// Resolves a numeric argument.
pub fn num(a: &NumArg, vars: &VarTable) -> Result<Num, CompileError> {
    match a {
        NumArg::Value(v) => Ok(Num::Val(*v)),
        NumArg::Var(n) => vars
            .slot(n)
            .map(Num::Var)
            .ok_or_else(|| CompileError::new("byte_extract", format!("unknown variable '{n}'"))),
    }
}

/// One payload keyword, in buffer order.
#[derive(Debug)]
pub enum Step {
    Content(ContentM),
    Pcre(Box<PcreM>),
    ByteTest(ByteTestM),
    ByteJump(ByteJumpM),
    ByteExtract(ByteExtractM),
    ByteMath(ByteMathM),
    IsDataAt {
        offset: Num,
        relative: bool,
        negated: bool,
    },
    Bsize(UintMatch<u64>),
    /// `base64_decode`, with the rule's `base64_data` keywords.
    Base64Decode(Box<Base64DecodeM>),
    /// `dataset` (whole buffer; see [`dataset`]).
    Dataset(Box<dataset::DatasetM>),
    /// `datarep` (whole buffer).
    Datarep(Box<dataset::DatarepM>),
    /// `asn1`: always the last step of the payload list (see [`asn1`]).
    Asn1(Box<asn1::Asn1M>),
}

impl Step {
    /// Whether this keyword is anchored on the previous match.
    pub fn relative(&self) -> bool {
        match self {
            Step::Content(c) => c.is_relative(),
            Step::Pcre(p) => p.relative,
            Step::ByteTest(b) => b.relative,
            Step::ByteJump(b) => b.relative,
            Step::ByteExtract(b) => b.relative,
            Step::ByteMath(b) => b.relative,
            Step::IsDataAt { relative, .. } => *relative,
            // `base64_decode` does not set `DETECT_CONTENT_RELATIVE_NEXT` on the keyword before
            // it: a failed decode does not make that keyword look for its next occurrence.
            Step::Bsize(_) | Step::Base64Decode(_) | Step::Dataset(_) | Step::Datarep(_) | Step::Asn1(_) => {
                false
            }
        }
    }
}

/// The payload keywords on one buffer, with Suricata's `RELATIVE_NEXT` flags precomputed.
#[derive(Debug, Default)]
pub struct StepList {
    pub steps: Vec<Step>,
    pub rel_next: Vec<bool>,
}

impl StepList {
    fn finish(&mut self) {
        self.rel_next = (0..self.steps.len())
            .map(|i| self.steps.get(i + 1).is_some_and(Step::relative))
            .collect();
    }
}

/// A packet or flow condition.
#[derive(Debug)]
pub enum Cond {
    Flow(Flow),
    Dsize(UintMatch<u16>),
    Flags(TcpFlags),
    Fragbits(Fragbits),
    Ttl(UintMatch<u8>),
    IpId(u16),
    IpProto(IpProto),
    Itype(UintMatch<u8>),
    Icode(UintMatch<u8>),
    IcmpId(u16),
    IcmpSeq(u16),
    Window {
        negated: bool,
        size: u16,
    },
    Seq(u32),
    Ack(u32),
    Sameip,
    /// Any of these flowbits is set (`isset`), or (`negated`) none is... see [`bits`].
    Flowbits {
        names: Vec<u32>,
        isset: bool,
    },
    Flowint {
        name: u32,
        op: FlowintOp,
        value: u32,
    },
    AppProto(AppLayerProtocol),
    /// An integer field of the packet (`tcp.mss`, `tcp.window`, `tos`).
    Uint {
        field: UintField,
        cmp: UintMatch<u64>,
    },
    StreamSize(StreamSize),
    /// `*-csum:valid|invalid`.
    Checksum {
        which: Checksum,
        valid: bool,
    },
    /// `decode-event` / `stream-event`: see [`events`].
    PktEvent(events::PktEventM),
}

/// A rule compiled into matchers.
#[derive(Debug, Default)]
pub struct Compiled {
    pub conds: Vec<Cond>,
    /// Payload (packet or stream) keywords.
    pub payload: Option<StepList>,
    /// App-layer buffers and their keywords, in first-use order.
    pub bufs: Vec<(BufferRef, StepList)>,
    /// Packet header buffers (`ipv4.hdr`, `tcp.hdr`, ...) and their keywords.
    pub hdr_bufs: Vec<(Buffer, StepList)>,
    pub post: Vec<Post>,
    pub threshold: Option<Threshold>,
    pub detection_filter: Option<DetectionFilter>,
    pub nvars: usize,
    pub flow: Option<Flow>,
    pub has_dsize: bool,
    /// Protocol implied by `app-layer-protocol` (not negated).
    pub app_layer_protocol: Option<rules::AppProto>,
    /// `base64_data` keywords, until they are attached to the rule's `base64_decode`.
    pub base64_data: Option<StepList>,
    /// App-layer transaction matches (`tls.version`, `app-layer-event`).
    pub tx_conds: Vec<tls_version::TxCond>,
    /// `xbits` checks (`isset` / `isnotset`).
    pub xbit_conds: Vec<xbits::XbitCond>,
    /// `xbits` changes (`set` / `unset` / `toggle`), run when the rule matched.
    pub xbit_posts: Vec<xbits::XbitPost>,
}

fn list_for<'a>(c: &'a mut Compiled, b: &BufferRef) -> Result<&'a mut StepList, CompileError> {
    if b.buffer == Buffer::Base64Data {
        if !b.transforms.is_empty() {
            return Err(CompileError::new(
                "base64_data",
                "transforms on base64_data are not supported",
            ));
        }
        return Ok(c.base64_data.get_or_insert_with(StepList::default));
    }
    if b.buffer == Buffer::Payload {
        if !b.transforms.is_empty() {
            return Err(CompileError::new(
                "pkt_data",
                "transforms on the payload are not supported",
            ));
        }
        return Ok(c.payload.get_or_insert_with(StepList::default));
    }
    if header::is_header_buffer(b.buffer) {
        if !b.transforms.is_empty() {
            return Err(CompileError::new(
                b.buffer.name(),
                "transforms on header buffers are not supported",
            ));
        }
        let i = match c.hdr_bufs.iter().position(|(r, _)| *r == b.buffer) {
            Some(i) => i,
            None => {
                c.hdr_bufs.push((b.buffer, StepList::default()));
                c.hdr_bufs.len() - 1
            }
        };
        return match c.hdr_bufs.get_mut(i) {
            Some((_, l)) => Ok(l),
            None => Err(CompileError::new("buffer", "internal")),
        };
    }
    if b.buffer == Buffer::Frame {
        frame::check(b)?;
    }
    if !buffers::supported(b.buffer) {
        return Err(CompileError::new(
            b.buffer.name(),
            "buffer not supported by this engine",
        ));
    }
    for t in &b.transforms {
        transform::check(t)?;
    }
    let i = match c.bufs.iter().position(|(r, _)| r == b) {
        Some(i) => i,
        None => {
            c.bufs.push((b.clone(), StepList::default()));
            c.bufs.len() - 1
        }
    };
    match c.bufs.get_mut(i) {
        Some((_, l)) => Ok(l),
        None => Err(CompileError::new("buffer", "internal")),
    }
}

/// Compiles every option of `rule` (datasets in a registry of their own).
pub fn compile(rule: &Rule, names: &mut BitNames) -> Result<Compiled, CompileError> {
    compile_with(rule, names, &mut dataset::Registry::default(), "")
}

/// Compiles every option of `rule`, from `rule_file`; `dataset`/`datarep` sets come from (and
/// go to) `sets`.
pub fn compile_with(
    rule: &Rule,
    names: &mut BitNames,
    sets: &mut dataset::Registry,
    rule_file: &str,
) -> Result<Compiled, CompileError> {
    let mut c = Compiled::default();
    let mut vars = VarTable::default();
    let mut asn1 = None;
    for opt in &rule.options {
        match opt {
            RuleOption::Msg(_)
            | RuleOption::Sid(_)
            | RuleOption::Rev(_)
            | RuleOption::Gid(_)
            | RuleOption::Classtype(_)
            | RuleOption::Priority(_)
            | RuleOption::Reference(_)
            | RuleOption::Metadata(_)
            | RuleOption::Target(_)
            | RuleOption::Prefilter
            | RuleOption::Noalert
            | RuleOption::Tag(_) => {}
            RuleOption::Requires(_) => {}
            RuleOption::Content(x) => {
                let m = ContentM::compile(x, &vars)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::Content(m));
            }
            RuleOption::Pcre(x) => {
                let m = PcreM::compile(x)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::Pcre(Box::new(m)));
            }
            RuleOption::ByteTest(x) => {
                let m = ByteTestM::compile(x, &vars)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::ByteTest(m));
            }
            RuleOption::ByteJump(x) => {
                let m = ByteJumpM::compile(x, &vars)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::ByteJump(m));
            }
            RuleOption::ByteExtract(x) => {
                let slot = vars.add(&x.name);
                let m = ByteExtractM::compile(x, slot)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::ByteExtract(m));
            }
            RuleOption::ByteMath(x) => {
                let m = ByteMathM::compile(x, &vars, vars.names.len())?;
                let slot = vars.add(&x.result);
                let m = ByteMathM { slot, ..m };
                list_for(&mut c, &x.buffer)?.steps.push(Step::ByteMath(m));
            }
            RuleOption::IsDataAt(x) => {
                let offset = num(&x.offset, &vars)?;
                list_for(&mut c, &x.buffer)?.steps.push(Step::IsDataAt {
                    offset,
                    relative: x.relative,
                    negated: x.negated,
                });
            }
            RuleOption::Base64Decode(x) => {
                let m = Base64DecodeM::compile(x)?;
                list_for(&mut c, &x.buffer)?
                    .steps
                    .push(Step::Base64Decode(Box::new(m)));
            }
            RuleOption::Dataset(x) => {
                let m = dataset::DatasetM::compile(x, sets, rule_file)?;
                list_for(&mut c, &x.buffer)?
                    .steps
                    .push(Step::Dataset(Box::new(m)));
            }
            RuleOption::Datarep(x) => {
                let m = dataset::DatarepM::compile(x, sets, rule_file)?;
                list_for(&mut c, &x.buffer)?
                    .steps
                    .push(Step::Datarep(Box::new(m)));
            }
            RuleOption::TlsVersion(v) => c.tx_conds.push(tls_version::TxCond::TlsVersion(*v)),
            RuleOption::DcerpcIface(x) => c
                .tx_conds
                .push(tls_version::TxCond::DceIface(dce::IfaceM::compile(x))),
            RuleOption::DcerpcOpnum(x) => c
                .tx_conds
                .push(tls_version::TxCond::DceOpnum(dce::OpnumM::compile(x))),
            RuleOption::CipService {
                service,
                class,
                attribute,
                attribute_negated,
            } => c
                .tx_conds
                .push(tls_version::TxCond::Cip(enip::CipServiceM::compile(
                    *service,
                    *class,
                    *attribute,
                    *attribute_negated,
                ))),
            RuleOption::Event {
                kind: rules::EventKind::AppLayer,
                name,
            } => c.tx_conds.push(tls_version::TxCond::AppLayerEvent(
                app_layer_event::AppEventM::compile(name)?,
            )),
            RuleOption::Event { kind, name } => c
                .conds
                .push(Cond::PktEvent(events::PktEventM::compile(*kind, name)?)),
            RuleOption::Xbits(x) => xbits::compile(x, names, &mut c)?,
            RuleOption::Ftpbounce => c.tx_conds.push(tls_version::TxCond::Ftpbounce),
            RuleOption::Asn1(a) => {
                if asn1.is_some() {
                    return Err(CompileError::new("asn1", "more than one asn1"));
                }
                asn1 = Some(asn1::Asn1M::compile(a)?);
            }
            RuleOption::FileMatch { kind, negated, value } => {
                file::compile_match(*kind, *negated, value, &mut c, &vars)?
            }
            RuleOption::Bsize { buffer, cmp } => {
                list_for(&mut c, buffer)?.steps.push(Step::Bsize(*cmp));
            }
            RuleOption::Urilen { cmp, raw } => {
                let b = BufferRef::plain(if *raw { Buffer::HttpUriRaw } else { Buffer::HttpUri });
                let m = UintMatch {
                    mode: cmp.mode,
                    arg1: u64::from(cmp.arg1),
                    arg2: u64::from(cmp.arg2),
                };
                list_for(&mut c, &b)?.steps.push(Step::Bsize(m));
            }
            RuleOption::Dsize(m) => {
                c.has_dsize = true;
                c.conds.push(Cond::Dsize(*m));
            }
            RuleOption::Flow(f) => {
                if f.frag.is_some() {
                    return Err(CompileError::new("flow", "only_frag/no_frag are not supported"));
                }
                c.flow = Some(*f);
                c.conds.push(Cond::Flow(*f));
            }
            RuleOption::Flowbits(f) => bits::compile_flowbits(f, names, &mut c)?,
            RuleOption::Flowint(f) => bits::compile_flowint(f, names, &mut c)?,
            RuleOption::Threshold(t) => {
                if c.threshold.is_some() || c.detection_filter.is_some() {
                    return Err(CompileError::new("threshold", "more than one threshold"));
                }
                c.threshold = Some(*t);
            }
            RuleOption::DetectionFilter(d) => {
                if c.threshold.is_some() || c.detection_filter.is_some() {
                    return Err(CompileError::new("detection_filter", "more than one threshold"));
                }
                c.detection_filter = Some(*d);
            }
            RuleOption::Flags(f) => c.conds.push(Cond::Flags(*f)),
            RuleOption::Fragbits(f) => c.conds.push(Cond::Fragbits(*f)),
            RuleOption::Ttl(t) => c.conds.push(Cond::Ttl(*t)),
            RuleOption::IpId(i) => c.conds.push(Cond::IpId(*i)),
            RuleOption::IpProto(p) => c.conds.push(Cond::IpProto(*p)),
            RuleOption::Itype(t) => c.conds.push(Cond::Itype(*t)),
            RuleOption::Icode(t) => c.conds.push(Cond::Icode(*t)),
            RuleOption::IcmpId(i) => c.conds.push(Cond::IcmpId(*i)),
            RuleOption::IcmpSeq(i) => c.conds.push(Cond::IcmpSeq(*i)),
            RuleOption::Window { negated, size } => c.conds.push(Cond::Window {
                negated: *negated,
                size: *size,
            }),
            RuleOption::TcpSeq(s) => c.conds.push(Cond::Seq(*s)),
            RuleOption::TcpAck(s) => c.conds.push(Cond::Ack(*s)),
            RuleOption::Sameip => c.conds.push(Cond::Sameip),
            RuleOption::AppLayerProtocol(a) => {
                if a.mode.is_some() {
                    return Err(CompileError::new("app-layer-protocol", "modes are not supported"));
                }
                if !a.negated {
                    c.app_layer_protocol = Some(a.proto);
                }
                c.conds.push(Cond::AppProto(*a));
            }
            RuleOption::Uint { field, cmp } if app_uint::proto_of(*field).is_some() => {
                if let Some(m) = app_uint::AppUintM::compile(*field, *cmp) {
                    c.tx_conds.push(tls_version::TxCond::AppUint(m));
                }
            }
            RuleOption::Uint { field, cmp } if header::uint_supported(*field) => {
                c.conds.push(Cond::Uint {
                    field: *field,
                    cmp: *cmp,
                });
            }
            RuleOption::StreamSize(x) => c.conds.push(Cond::StreamSize(*x)),
            RuleOption::Checksum { which, valid } => c.conds.push(Cond::Checksum {
                which: *which,
                valid: *valid,
            }),
            other => {
                return Err(CompileError::new(
                    option_name(other),
                    "keyword not supported by this engine",
                ));
            }
        }
    }
    attach_base64_data(&mut c)?;
    ftpbounce::check(&c)?;
    if let Some(a) = asn1 {
        // Suricata's packet match list runs after the whole payload list, from its offset.
        // Without payload keywords (no offset of the rule's own) or in an app-layer rule it
        // is not enforced here.
        let Some(list) = c
            .payload
            .as_mut()
            .filter(|_| c.bufs.is_empty() && c.tx_conds.is_empty())
        else {
            return Err(CompileError::new(
                "asn1",
                "only supported after payload keywords in a packet/stream rule",
            ));
        };
        list.steps.push(Step::Asn1(Box::new(a)));
    }
    if let Some(p) = c.payload.as_mut() {
        p.finish();
    }
    for (_, l) in c.bufs.iter_mut() {
        l.finish();
    }
    for (_, l) in c.hdr_bufs.iter_mut() {
        l.finish();
    }
    c.nvars = vars.names.len();
    let _ = BitCmd::Set;
    Ok(c)
}

/// Moves the `base64_data` keywords into the rule's (single) `base64_decode` step.
fn attach_base64_data(c: &mut Compiled) -> Result<(), CompileError> {
    let Some(mut data) = c.base64_data.take() else {
        return Ok(());
    };
    data.finish();
    let lists = c
        .payload
        .iter_mut()
        .chain(c.bufs.iter_mut().map(|(_, l)| l))
        .chain(c.hdr_bufs.iter_mut().map(|(_, l)| l));
    let mut steps: Vec<&mut Base64DecodeM> = Vec::new();
    for l in lists {
        // Keywords after `base64_decode` in its list are never checked: `base64_data` is a
        // terminal list (its match is the list's match, its failure the step's).
        for s in l.steps.iter_mut() {
            if let Step::Base64Decode(b) = s {
                steps.push(b);
            }
        }
    }
    match steps.as_mut_slice() {
        [one] => {
            one.data = Some(Box::new(data));
            Ok(())
        }
        [] => Err(CompileError::new(
            "base64_data",
            "base64_data without base64_decode",
        )),
        _ => Err(CompileError::new(
            "base64_decode",
            "more than one base64_decode with base64_data",
        )),
    }
}

/// The keyword name of an option (for reports).
pub fn option_name(o: &RuleOption) -> &'static str {
    match o {
        RuleOption::Xbits(_) => "xbits",
        RuleOption::Hostbits(_) => "hostbits",
        RuleOption::Base64Decode(_) => "base64_decode",
        RuleOption::Asn1(_) => "asn1",
        RuleOption::Dataset(_) => "dataset",
        RuleOption::Datarep(_) => "datarep",
        RuleOption::StreamSize(_) => "stream_size",
        RuleOption::IpOpts(_) => "ipopts",
        RuleOption::Checksum { .. } => "*-csum",
        RuleOption::Uint { .. } => "integer keyword",
        RuleOption::Event { .. } => "app-layer-event/decode-event/stream-event",
        RuleOption::TlsVersion(_) => "tls.version",
        RuleOption::SslVersion(_) => "ssl_version",
        RuleOption::SslState(_) => "ssl_state",
        RuleOption::TlsField { keyword, .. } => keyword,
        RuleOption::TlsStore => "tls.store",
        RuleOption::TlsCertExpired | RuleOption::TlsCertValid => "tls_cert_*",
        RuleOption::Ftpbounce => "ftpbounce",
        RuleOption::FtpdataCommand(_) => "ftpdata_command",
        RuleOption::FileMatch { .. } => "filename/fileext/filemagic",
        RuleOption::Filesize(_) => "filesize",
        RuleOption::Filestore { .. } => "filestore",
        RuleOption::DcerpcIface(_) => "dcerpc.iface",
        RuleOption::DcerpcOpnum(_) => "dcerpc.opnum",
        RuleOption::CipService { .. } => "cip_service",
        RuleOption::SshVersion { .. } => "ssh.protoversion/softwareversion",
        RuleOption::Config(_) => "config",
        RuleOption::VarMatch { .. } => "flowvar/pktvar",
        RuleOption::Bypass => "bypass",
        RuleOption::L3Proto(_) => "l3_proto",
        _ => "keyword",
    }
}
