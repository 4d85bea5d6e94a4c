//! The keyword registry: every keyword Suricata 7 knows, how its argument is framed (required,
//! optional or none; quoted or not; `!` handled by the framework), whether we parse it, and a
//! one-line description for `--list-keywords`. Argument parsers live in the submodules, one
//! per keyword family.

pub(crate) mod app;
pub(crate) mod bytes;
pub(crate) mod content;
pub(crate) mod flow;
pub(crate) mod header;
pub(crate) mod meta;

use std::sync::OnceLock;

use hashbrown::HashMap;

use crate::buffer::{Buffer, MODIFIERS, STICKY, TRANSFORMS};

/// Whether a keyword takes an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// `nocase;` (an argument is an error).
    None,
    /// `fast_pattern;` or `fast_pattern:only;`.
    Optional,
    /// `sid:1;` (no argument is an error).
    Required,
}

/// How the framework treats double quotes around the argument (Suricata's
/// `SIGMATCH_QUOTES_*` flags). Without quote support, a leading quote is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quotes {
    No,
    Optional,
    Mandatory,
}

/// What kind of keyword this is, for dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A keyword with its own parser, dispatched by canonical name.
    Option,
    Sticky(Buffer),
    Modifier(Buffer),
    Transform(usize),
}

/// One registry entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub desc: &'static str,
    pub arg: Arg,
    pub quotes: Quotes,
    pub negation: bool,
    pub supported: bool,
    pub kind: Kind,
}

/// A keyword as listed by `--list-keywords`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeywordInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    /// Parsed to a typed option (rules using an unsupported keyword fail to load).
    pub supported: bool,
}

use Arg::{None as N, Optional as O, Required as R};
use Quotes::{Mandatory as QM, No as QN, Optional as QO};

/// (name, aliases, arg, quotes, handles `!`, supported, description)
type Row = (
    &'static str,
    &'static [&'static str],
    Arg,
    Quotes,
    bool,
    bool,
    &'static str,
);

const OPTIONS: &[Row] = &[
    (
        "msg",
        &[],
        R,
        QM,
        false,
        true,
        "information about the rule and the possible alert",
    ),
    ("sid", &[], R, QN, false, true, "set rule ID"),
    ("rev", &[], R, QN, false, true, "set version of the rule"),
    (
        "gid",
        &[],
        R,
        QN,
        false,
        true,
        "give different groups of signatures another id value",
    ),
    (
        "classtype",
        &[],
        R,
        QN,
        false,
        true,
        "classification of the rule (classification.config)",
    ),
    (
        "priority",
        &[],
        R,
        QN,
        false,
        true,
        "rules with a higher priority will be examined first",
    ),
    (
        "reference",
        &[],
        R,
        QN,
        false,
        true,
        "places where information about the rule can be found",
    ),
    (
        "metadata",
        &[],
        R,
        QN,
        false,
        true,
        "key value pairs, for logging",
    ),
    (
        "target",
        &[],
        R,
        QN,
        false,
        true,
        "which side is the target of the attack (src_ip|dest_ip)",
    ),
    ("content", &[], R, QM, true, true, "match on payload content"),
    (
        "uricontent",
        &[],
        R,
        QM,
        true,
        true,
        "legacy: content on the HTTP URI buffer",
    ),
    (
        "nocase",
        &[],
        N,
        QN,
        false,
        true,
        "content modifier: case-insensitive match",
    ),
    (
        "rawbytes",
        &[],
        N,
        QN,
        false,
        true,
        "content modifier: no effect (Snort compatibility)",
    ),
    (
        "depth",
        &[],
        R,
        QN,
        false,
        true,
        "content modifier: how far into the buffer to search",
    ),
    (
        "offset",
        &[],
        R,
        QN,
        false,
        true,
        "content modifier: where in the buffer to start searching",
    ),
    (
        "distance",
        &[],
        R,
        QN,
        false,
        true,
        "content modifier: start relative to the previous match",
    ),
    (
        "within",
        &[],
        R,
        QN,
        false,
        true,
        "content modifier: end relative to the previous match",
    ),
    (
        "startswith",
        &[],
        N,
        QN,
        false,
        true,
        "content modifier: match at the start of the buffer",
    ),
    (
        "endswith",
        &[],
        N,
        QN,
        false,
        true,
        "content modifier: match at the end of the buffer",
    ),
    (
        "fast_pattern",
        &[],
        O,
        QN,
        false,
        true,
        "content modifier: use this content in the prefilter",
    ),
    (
        "replace",
        &[],
        R,
        QM,
        true,
        true,
        "IPS: replace the previous content's match",
    ),
    ("pcre", &[], R, QO, true, true, "match on a regular expression"),
    (
        "byte_test",
        &[],
        R,
        QN,
        false,
        true,
        "extract bytes and compare them with a value",
    ),
    (
        "byte_jump",
        &[],
        R,
        QN,
        false,
        true,
        "extract bytes and move the detection pointer",
    ),
    (
        "byte_extract",
        &[],
        R,
        QN,
        false,
        true,
        "extract bytes into a variable",
    ),
    (
        "byte_math",
        &[],
        R,
        QN,
        false,
        true,
        "extract bytes, compute, store into a variable",
    ),
    (
        "isdataat",
        &[],
        R,
        QN,
        false,
        true,
        "check there is data at a position",
    ),
    (
        "bsize",
        &[],
        R,
        QN,
        false,
        true,
        "match on the length of a buffer",
    ),
    (
        "dsize",
        &[],
        R,
        QN,
        false,
        true,
        "match on the size of the packet payload",
    ),
    (
        "urilen",
        &[],
        R,
        QN,
        false,
        true,
        "match on the length of the HTTP URI",
    ),
    (
        "base64_decode",
        &[],
        O,
        QN,
        false,
        true,
        "decode base64 data into base64_data",
    ),
    (
        "asn1",
        &[],
        R,
        QN,
        false,
        true,
        "check ASN.1 encoding for known anomalies",
    ),
    (
        "dataset",
        &[],
        R,
        QN,
        false,
        true,
        "match the buffer against a dataset",
    ),
    (
        "datarep",
        &[],
        R,
        QN,
        false,
        true,
        "match the buffer's reputation in a dataset",
    ),
    (
        "prefilter",
        &[],
        N,
        QN,
        false,
        true,
        "use the previous keyword as prefilter",
    ),
    (
        "flow",
        &[],
        R,
        QN,
        false,
        true,
        "match on direction and state of the flow",
    ),
    ("flowbits", &[], R, QN, false, true, "set and check flow bits"),
    (
        "xbits",
        &[],
        R,
        QN,
        false,
        true,
        "set and check bits on hosts or ip pairs",
    ),
    ("hostbits", &[], R, QN, false, true, "set and check host bits"),
    (
        "flowint",
        &[],
        R,
        QN,
        false,
        true,
        "operate on a per-flow integer",
    ),
    (
        "threshold",
        &[],
        R,
        QN,
        false,
        true,
        "control the rule's alert frequency",
    ),
    (
        "detection_filter",
        &[],
        R,
        QN,
        false,
        true,
        "alert only after a threshold of matches",
    ),
    (
        "tag",
        &[],
        R,
        QN,
        false,
        true,
        "tag the following packets of the session or host",
    ),
    (
        "noalert",
        &[],
        N,
        QN,
        false,
        true,
        "no alert will be generated by the rule",
    ),
    (
        "stream_size",
        &[],
        R,
        QN,
        false,
        true,
        "match on the number of bytes of a stream",
    ),
    ("flags", &["tcp.flags"], R, QN, false, true, "match on TCP flags"),
    (
        "fragbits",
        &[],
        R,
        QN,
        false,
        true,
        "match on the IP fragmentation bits",
    ),
    (
        "fragoffset",
        &[],
        R,
        QN,
        false,
        true,
        "match on the IP fragment offset",
    ),
    ("ttl", &[], R, QN, false, true, "match on the IP time-to-live"),
    ("tos", &[], R, QO, true, true, "match on the IP TOS field"),
    ("id", &[], R, QN, false, true, "match on the IPv4 ID"),
    (
        "ip_proto",
        &[],
        R,
        QO,
        false,
        true,
        "match on the IP protocol number",
    ),
    ("ipopts", &[], R, QN, false, true, "check if an IP option is set"),
    ("itype", &[], R, QN, false, true, "match on the ICMP type"),
    ("icode", &[], R, QN, false, true, "match on the ICMP code"),
    ("icmp_id", &[], R, QN, false, true, "match on the ICMP id"),
    (
        "icmp_seq",
        &[],
        R,
        QN,
        false,
        true,
        "match on the ICMP sequence number",
    ),
    (
        "window",
        &["tcp.window"],
        R,
        QN,
        false,
        true,
        "match on the TCP window size",
    ),
    (
        "tcp.seq",
        &["seq"],
        R,
        QN,
        false,
        true,
        "match on the TCP sequence number",
    ),
    (
        "tcp.ack",
        &["ack"],
        R,
        QN,
        false,
        true,
        "match on the TCP acknowledgement number",
    ),
    ("tcp.mss", &[], R, QN, false, true, "match on the TCP MSS option"),
    (
        "icmpv6.mtu",
        &[],
        R,
        QN,
        false,
        true,
        "match on the ICMPv6 MTU field",
    ),
    (
        "sameip",
        &[],
        N,
        QN,
        false,
        true,
        "source and destination addresses are the same",
    ),
    (
        "ipv4-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the IPv4 checksum (valid|invalid)",
    ),
    (
        "tcpv4-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the TCP/IPv4 checksum",
    ),
    (
        "tcpv6-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the TCP/IPv6 checksum",
    ),
    (
        "udpv4-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the UDP/IPv4 checksum",
    ),
    (
        "udpv6-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the UDP/IPv6 checksum",
    ),
    (
        "icmpv4-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the ICMPv4 checksum",
    ),
    (
        "icmpv6-csum",
        &[],
        R,
        QN,
        false,
        true,
        "check the ICMPv6 checksum",
    ),
    (
        "flow.age",
        &[],
        R,
        QN,
        false,
        true,
        "match on the flow's age in seconds",
    ),
    (
        "app-layer-event",
        &[],
        R,
        QN,
        false,
        true,
        "match on events of the app-layer parsers",
    ),
    (
        "decode-event",
        &[],
        R,
        QN,
        false,
        true,
        "match on packet decoder events",
    ),
    (
        "stream-event",
        &[],
        R,
        QN,
        false,
        true,
        "match on stream engine events",
    ),
    ("engine-event", &[], R, QN, false, true, "match on engine events"),
    (
        "app-layer-protocol",
        &[],
        R,
        QO,
        true,
        true,
        "match on the detected app-layer protocol",
    ),
    ("tls.version", &[], R, QN, false, true, "match on the TLS version"),
    (
        "ssl_version",
        &[],
        R,
        QN,
        false,
        true,
        "match on the SSL/TLS record version",
    ),
    (
        "ssl_state",
        &[],
        R,
        QN,
        false,
        true,
        "match on the state of the SSL connection",
    ),
    (
        "tls.subject",
        &[],
        R,
        QM,
        true,
        true,
        "match the TLS certificate subject",
    ),
    (
        "tls.issuerdn",
        &[],
        R,
        QM,
        true,
        true,
        "match the TLS certificate issuer DN",
    ),
    (
        "tls.fingerprint",
        &[],
        R,
        QM,
        true,
        true,
        "match the TLS certificate SHA1 fingerprint",
    ),
    (
        "tls_store",
        &["tls.store"],
        N,
        QN,
        false,
        true,
        "store the TLS certificate on disk",
    ),
    (
        "tls_cert_expired",
        &[],
        N,
        QN,
        false,
        true,
        "match expired TLS certificates",
    ),
    (
        "tls_cert_valid",
        &[],
        N,
        QN,
        false,
        true,
        "match valid TLS certificates",
    ),
    (
        "tls.cert_chain_len",
        &[],
        R,
        QN,
        false,
        true,
        "match the TLS certificate chain length",
    ),
    ("ftpbounce", &[], N, QN, false, true, "detect FTP bounce attacks"),
    (
        "ftpdata_command",
        &[],
        R,
        QN,
        false,
        true,
        "match the FTP command that opened the data channel",
    ),
    ("filename", &[], R, QO, true, true, "match on the file name"),
    (
        "fileext",
        &[],
        R,
        QO,
        true,
        true,
        "match on the file name extension",
    ),
    ("filemagic", &[], R, QM, true, true, "match on the file magic"),
    ("filesize", &[], R, QN, false, true, "match on the file size"),
    (
        "filestore",
        &[],
        O,
        QN,
        false,
        true,
        "store files to disk if the rule matches",
    ),
    (
        "dcerpc.iface",
        &["dce_iface"],
        R,
        QN,
        false,
        true,
        "match the DCERPC interface UUID",
    ),
    (
        "dcerpc.opnum",
        &["dce_opnum"],
        R,
        QN,
        false,
        true,
        "match the DCERPC operation number",
    ),
    ("cip_service", &[], R, QN, false, true, "match on the CIP service"),
    (
        "enip_command",
        &[],
        R,
        QN,
        false,
        true,
        "match on the ENIP command",
    ),
    (
        "krb5_msg_type",
        &[],
        R,
        QN,
        false,
        true,
        "match the Kerberos 5 message type",
    ),
    (
        "krb5_err_code",
        &[],
        R,
        QN,
        false,
        true,
        "match the Kerberos 5 error code",
    ),
    (
        "nfs_procedure",
        &[],
        R,
        QN,
        false,
        true,
        "match the NFS procedure",
    ),
    (
        "nfs.version",
        &["nfs_version"],
        R,
        QN,
        false,
        true,
        "match the NFS version",
    ),
    (
        "ssh.protoversion",
        &[],
        R,
        QO,
        false,
        true,
        "match the SSH protocol version",
    ),
    (
        "ssh.softwareversion",
        &[],
        R,
        QO,
        false,
        true,
        "match the SSH software version",
    ),
    ("snmp.version", &[], R, QN, false, true, "match the SNMP version"),
    (
        "snmp.pdu_type",
        &[],
        R,
        QN,
        false,
        true,
        "match the SNMP PDU type",
    ),
    (
        "dhcp.leasetime",
        &[],
        R,
        QN,
        false,
        true,
        "match the DHCP lease time",
    ),
    (
        "dhcp.rebinding_time",
        &[],
        R,
        QN,
        false,
        true,
        "match the DHCP rebinding time",
    ),
    (
        "dhcp.renewal_time",
        &[],
        R,
        QN,
        false,
        true,
        "match the DHCP renewal time",
    ),
    (
        "rfb.sectype",
        &[],
        R,
        QN,
        false,
        true,
        "match the RFB security type",
    ),
    (
        "mqtt.protocol_version",
        &[],
        R,
        QN,
        false,
        true,
        "match the MQTT protocol version",
    ),
    (
        "http2.window",
        &[],
        R,
        QN,
        false,
        true,
        "match the HTTP/2 window update increment",
    ),
    (
        "http2.priority",
        &[],
        R,
        QN,
        false,
        true,
        "match the HTTP/2 priority weight",
    ),
    (
        "http2.size_update",
        &[],
        R,
        QN,
        false,
        true,
        "match the HTTP/2 table size update",
    ),
    (
        "ike.exchtype",
        &[],
        R,
        QN,
        false,
        true,
        "match the IKE exchange type",
    ),
    (
        "ike.key_exchange_payload_length",
        &[],
        R,
        QN,
        false,
        true,
        "match the IKE key exchange payload length",
    ),
    (
        "ike.nonce_payload_length",
        &[],
        R,
        QN,
        false,
        true,
        "match the IKE nonce payload length",
    ),
    (
        "dns.opcode",
        &[],
        R,
        QN,
        false,
        true,
        "match the DNS header opcode",
    ),
    (
        "requires",
        &[],
        R,
        QN,
        false,
        true,
        "require a Suricata version or feature",
    ),
    ("config", &[], R, QN, false, true, "settings for config rules"),
    (
        "flowvar",
        &[],
        R,
        QN,
        false,
        true,
        "match a flow variable's content",
    ),
    (
        "pktvar",
        &[],
        R,
        QN,
        false,
        true,
        "match a packet variable's content",
    ),
    (
        "bypass",
        &[],
        N,
        QN,
        false,
        true,
        "bypass the flow when the rule matches",
    ),
    (
        "l3_proto",
        &[],
        R,
        QN,
        false,
        true,
        "match the layer 3 protocol (ipv4|ipv6)",
    ),
    (
        "frame",
        &[],
        R,
        QN,
        false,
        true,
        "sticky buffer: an app-layer frame",
    ),
    (
        "pcrexform",
        &[],
        R,
        QM,
        false,
        true,
        "transform: the first capture of a regex",
    ),
    ("xor", &[], R, QM, false, true, "transform: XOR with a key"),
    // Known to Suricata, not supported here: a rule using one fails to load.
    (
        "alert",
        &[],
        N,
        QN,
        false,
        false,
        "force an alert for a noalert rule",
    ),
    ("lua", &["luajit"], R, QN, false, false, "match via a lua script"),
    ("geoip", &[], R, QN, false, false, "match on the country of an IP"),
    ("iprep", &[], R, QN, false, false, "match on IP reputation"),
    ("modbus", &[], R, QN, false, false, "match on Modbus requests"),
    (
        "dnp3_func",
        &[],
        R,
        QN,
        false,
        false,
        "match on DNP3 function codes",
    ),
    (
        "dnp3_ind",
        &[],
        R,
        QN,
        false,
        false,
        "match on DNP3 internal indicators",
    ),
    ("dnp3_obj", &[], R, QN, false, false, "match on DNP3 objects"),
    (
        "rpc",
        &[],
        R,
        QN,
        false,
        false,
        "match RPC procedure numbers and version",
    ),
    (
        "tls_cert_notbefore",
        &[],
        R,
        QN,
        false,
        false,
        "match the TLS certificate notBefore",
    ),
    (
        "tls_cert_notafter",
        &[],
        R,
        QN,
        false,
        false,
        "match the TLS certificate notAfter",
    ),
    (
        "filemd5",
        &[],
        R,
        QN,
        false,
        false,
        "match the file MD5 against a list",
    ),
    (
        "filesha1",
        &[],
        R,
        QN,
        false,
        false,
        "match the file SHA1 against a list",
    ),
    (
        "filesha256",
        &[],
        R,
        QN,
        false,
        false,
        "match the file SHA256 against a list",
    ),
    ("nfq_set_mark", &[], R, QN, false, false, "set the NFQUEUE mark"),
    ("template2", &[], R, QN, false, false, "template keyword"),
    (
        "http2.frametype",
        &[],
        R,
        QN,
        false,
        false,
        "match the HTTP/2 frame type",
    ),
    (
        "http2.errorcode",
        &[],
        R,
        QN,
        false,
        false,
        "match the HTTP/2 error code",
    ),
    (
        "http2.settings",
        &[],
        R,
        QN,
        false,
        false,
        "match HTTP/2 settings",
    ),
    (
        "ike.chosen_sa_attribute",
        &[],
        R,
        QN,
        false,
        false,
        "match an IKE chosen SA attribute",
    ),
    (
        "mqtt.type",
        &[],
        R,
        QN,
        false,
        false,
        "match the MQTT packet type",
    ),
    (
        "mqtt.flags",
        &[],
        R,
        QN,
        false,
        false,
        "match the MQTT header flags",
    ),
    ("mqtt.qos", &[], R, QN, false, false, "match the MQTT QOS"),
    (
        "mqtt.reason_code",
        &["mqtt.connack.return_code"],
        R,
        QN,
        false,
        false,
        "match the MQTT reason code",
    ),
    (
        "mqtt.connect.flags",
        &[],
        R,
        QN,
        false,
        false,
        "match the MQTT CONNECT flags",
    ),
    (
        "mqtt.connack.session_present",
        &[],
        R,
        QN,
        false,
        false,
        "match the MQTT CONNACK session present flag",
    ),
    (
        "krb5.ticket_encryption",
        &[],
        R,
        QN,
        false,
        false,
        "match the Kerberos 5 ticket encryption",
    ),
    (
        "rfb.secresult",
        &[],
        R,
        QN,
        false,
        false,
        "match the RFB security result",
    ),
];

fn build() -> Vec<Spec> {
    let mut v = Vec::with_capacity(OPTIONS.len() + STICKY.len() + MODIFIERS.len() + TRANSFORMS.len());
    for &(name, aliases, arg, quotes, negation, supported, desc) in OPTIONS {
        v.push(Spec {
            name,
            aliases,
            desc,
            arg,
            quotes,
            negation,
            supported,
            kind: Kind::Option,
        });
    }
    for d in STICKY {
        v.push(Spec {
            name: d.name,
            aliases: d.aliases,
            desc: d.desc,
            arg: N,
            quotes: QN,
            negation: false,
            supported: true,
            kind: Kind::Sticky(d.buffer),
        });
    }
    for &(name, buffer) in MODIFIERS {
        v.push(Spec {
            name,
            aliases: &[],
            desc: "content modifier (legacy): the previous content inspects this HTTP buffer",
            arg: N,
            quotes: QN,
            negation: false,
            supported: true,
            kind: Kind::Modifier(buffer),
        });
    }
    for (i, (name, _, desc)) in TRANSFORMS.iter().enumerate() {
        v.push(Spec {
            name,
            aliases: &[],
            desc,
            arg: N,
            quotes: QN,
            negation: false,
            supported: true,
            kind: Kind::Transform(i),
        });
    }
    v
}

struct Registry {
    specs: Vec<Spec>,
    by_name: HashMap<&'static str, usize>,
}

fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let specs = build();
        let mut by_name = HashMap::with_capacity(specs.len() * 2);
        for (i, s) in specs.iter().enumerate() {
            by_name.insert(s.name, i);
            for a in s.aliases {
                by_name.insert(*a, i);
            }
        }
        Registry { specs, by_name }
    })
}

/// Looks a keyword up by name or alias (case-insensitive, as Suricata).
pub(crate) fn lookup(name: &str) -> Option<&'static Spec> {
    let reg = registry();
    let idx = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        reg.by_name.get(name.to_ascii_lowercase().as_str()).copied()
    } else {
        reg.by_name.get(name).copied()
    };
    idx.and_then(|i| reg.specs.get(i))
}

/// Every keyword, sorted by name, for `--list-keywords`.
pub fn keywords() -> Vec<KeywordInfo> {
    let mut v: Vec<KeywordInfo> = registry()
        .specs
        .iter()
        .map(|s| KeywordInfo {
            name: s.name,
            aliases: s.aliases,
            description: s.desc,
            supported: s.supported,
        })
        .collect();
    v.sort_unstable_by_key(|k| k.name);
    v
}

/// Splits a comma-separated argument list, trimming each part.
pub(crate) fn split_args(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        assert_eq!(lookup("CONTENT").map(|s| s.name), Some("content"));
        assert_eq!(
            lookup("dns_query").map(|s| s.kind),
            Some(Kind::Sticky(Buffer::DnsQuery))
        );
        assert_eq!(
            lookup("http_uri").map(|s| s.kind),
            Some(Kind::Modifier(Buffer::HttpUri))
        );
        assert_eq!(lookup("tcp.flags").map(|s| s.name), Some("flags"));
        assert!(matches!(
            lookup("to_lowercase").map(|s| s.kind),
            Some(Kind::Transform(_))
        ));
        assert!(lookup("nosuchkeyword").is_none());
        assert_eq!(lookup("lua").map(|s| s.supported), Some(false));
    }

    #[test]
    fn keyword_list() {
        let k = keywords();
        assert!(k.len() > 250);
        let mut names: Vec<&str> = k.iter().map(|k| k.name).collect();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate keyword names");
        assert!(k.iter().any(|k| k.name == "http.uri" && k.supported));
        assert!(k.iter().any(|k| k.name == "geoip" && !k.supported));
        assert!(k.iter().all(|k| !k.description.is_empty()));
    }
}
