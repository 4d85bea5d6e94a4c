//! Inspection buffers (what a `content` or `pcre` looks at) and buffer transforms.
//!
//! A buffer is selected by a sticky-buffer keyword (`http.uri;`, `dns.query;`, `file.data;`,
//! ...), by a legacy content modifier placed after the content (`content:"x"; http_uri;`), or
//! by a pcre buffer flag (`/x/U`). Without any, the content inspects the packet or stream
//! payload ([`Buffer::Payload`]). Transforms (`to_lowercase;`, `dotprefix;`, ...) follow a
//! sticky buffer and change the bytes inspected, so a buffer with transforms is a distinct
//! inspection target ([`BufferRef`]).

/// Every inspection buffer of Suricata 7, by its canonical keyword name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Buffer {
    /// The packet payload / reassembled stream (`pkt_data`, or no buffer at all).
    Payload,
    // Packet headers.
    Ipv4Hdr,
    Ipv6Hdr,
    TcpHdr,
    UdpHdr,
    Icmpv4Hdr,
    Icmpv6Hdr,
    IpSrc,
    IpDst,
    // HTTP.
    HttpUri,
    HttpUriRaw,
    HttpMethod,
    HttpProtocol,
    HttpStart,
    HttpRequestLine,
    HttpResponseLine,
    HttpRequestBody,
    HttpHeader,
    HttpHeaderRaw,
    HttpHeaderNames,
    HttpCookie,
    HttpUserAgent,
    HttpHost,
    HttpHostRaw,
    HttpAccept,
    HttpAcceptLang,
    HttpAcceptEnc,
    HttpConnection,
    HttpContentLen,
    HttpContentType,
    HttpLocation,
    HttpServer,
    HttpReferer,
    HttpStatCode,
    HttpStatMsg,
    HttpRequestHeader,
    HttpResponseHeader,
    Http2HeaderName,
    // Files.
    FileData,
    FileName,
    FileMagic,
    // DNS.
    DnsQuery,
    // TLS and fingerprints.
    TlsSni,
    TlsCerts,
    TlsCertIssuer,
    TlsCertSubject,
    TlsCertSerial,
    TlsCertFingerprint,
    TlsRandom,
    TlsRandomTime,
    TlsRandomBytes,
    Ja3Hash,
    Ja3String,
    Ja3sHash,
    Ja3sString,
    Ja4Hash,
    // SSH.
    SshProto,
    SshSoftware,
    SshHassh,
    SshHasshString,
    SshHasshServer,
    SshHasshServerString,
    // DCERPC / SMB / Kerberos.
    DcerpcStubData,
    SmbNamedPipe,
    SmbShare,
    SmbNtlmsspUser,
    SmbNtlmsspDomain,
    Krb5Cname,
    Krb5Sname,
    // SIP.
    SipMethod,
    SipUri,
    SipProtocol,
    SipStatCode,
    SipStatMsg,
    SipRequestLine,
    SipResponseLine,
    // Others.
    RfbName,
    SnmpUsm,
    SnmpCommunity,
    MqttConnectClientid,
    MqttConnectUsername,
    MqttConnectPassword,
    MqttConnectWilltopic,
    MqttConnectWillmessage,
    MqttPublishTopic,
    MqttPublishMessage,
    MqttSubscribeTopic,
    MqttUnsubscribeTopic,
    QuicVersion,
    QuicSni,
    QuicUa,
    QuicCyuHash,
    QuicCyuString,
    IkeInitSpi,
    IkeRespSpi,
    IkeVendor,
    IkeNoncePayload,
    IkeKeyExchangePayload,
    Dnp3Data,
    /// Data decoded by the last `base64_decode`.
    Base64Data,
    /// An app-layer frame (`frame:NAME;`), the name is in [`BufferRef::frame`].
    Frame,
}

/// A sticky-buffer keyword: canonical name, its buffer, legacy aliases, description.
pub(crate) struct StickyDef {
    pub name: &'static str,
    pub buffer: Buffer,
    pub aliases: &'static [&'static str],
    pub desc: &'static str,
}

macro_rules! sticky {
    ($($name:literal => $b:ident [$($alias:literal),*] $desc:literal;)*) => {
        pub(crate) const STICKY: &[StickyDef] = &[
            $(StickyDef { name: $name, buffer: Buffer::$b, aliases: &[$($alias),*], desc: $desc },)*
        ];
    };
}

sticky! {
    "pkt_data" => Payload [] "reset the inspection to the packet/stream payload";
    "ipv4.hdr" => Ipv4Hdr [] "sticky buffer: the IPv4 header";
    "ipv6.hdr" => Ipv6Hdr [] "sticky buffer: the IPv6 header";
    "tcp.hdr" => TcpHdr [] "sticky buffer: the TCP header";
    "udp.hdr" => UdpHdr [] "sticky buffer: the UDP header";
    "icmpv4.hdr" => Icmpv4Hdr [] "sticky buffer: the ICMPv4 header";
    "icmpv6.hdr" => Icmpv6Hdr [] "sticky buffer: the ICMPv6 header";
    "ip.src" => IpSrc [] "sticky buffer: the source IP address";
    "ip.dst" => IpDst [] "sticky buffer: the destination IP address";
    "http.uri" => HttpUri ["http.uri.normalized"] "sticky buffer: the normalized HTTP request URI";
    "http.uri.raw" => HttpUriRaw [] "sticky buffer: the raw HTTP request URI";
    "http.method" => HttpMethod [] "sticky buffer: the HTTP request method";
    "http.protocol" => HttpProtocol ["http_protocol"] "sticky buffer: the HTTP protocol string";
    "http.start" => HttpStart ["http_start"] "sticky buffer: HTTP start line and headers";
    "http.request_line" => HttpRequestLine ["http_request_line"] "sticky buffer: the HTTP request line";
    "http.response_line" => HttpResponseLine ["http_response_line"] "sticky buffer: the HTTP response line";
    "http.request_body" => HttpRequestBody [] "sticky buffer: the HTTP request body";
    "http.header" => HttpHeader [] "sticky buffer: the normalized HTTP headers";
    "http.header.raw" => HttpHeaderRaw [] "sticky buffer: the raw HTTP headers";
    "http.header_names" => HttpHeaderNames ["http_header_names"] "sticky buffer: the HTTP header names";
    "http.cookie" => HttpCookie [] "sticky buffer: the HTTP Cookie / Set-Cookie headers";
    "http.user_agent" => HttpUserAgent [] "sticky buffer: the HTTP User-Agent header";
    "http.host" => HttpHost [] "sticky buffer: the normalized HTTP host";
    "http.host.raw" => HttpHostRaw [] "sticky buffer: the raw HTTP host";
    "http.accept" => HttpAccept ["http_accept"] "sticky buffer: the HTTP Accept header";
    "http.accept_lang" => HttpAcceptLang ["http_accept_lang"] "sticky buffer: the HTTP Accept-Language header";
    "http.accept_enc" => HttpAcceptEnc ["http_accept_enc"] "sticky buffer: the HTTP Accept-Encoding header";
    "http.connection" => HttpConnection ["http_connection"] "sticky buffer: the HTTP Connection header";
    "http.content_len" => HttpContentLen ["http_content_len"] "sticky buffer: the HTTP Content-Length header";
    "http.content_type" => HttpContentType ["http_content_type"] "sticky buffer: the HTTP Content-Type header";
    "http.location" => HttpLocation [] "sticky buffer: the HTTP Location header";
    "http.server" => HttpServer [] "sticky buffer: the HTTP Server header";
    "http.referer" => HttpReferer ["http_referer"] "sticky buffer: the HTTP Referer header";
    "http.stat_code" => HttpStatCode [] "sticky buffer: the HTTP response status code";
    "http.stat_msg" => HttpStatMsg [] "sticky buffer: the HTTP response status message";
    "http.request_header" => HttpRequestHeader [] "sticky buffer: one HTTP request header, name: value";
    "http.response_header" => HttpResponseHeader [] "sticky buffer: one HTTP response header, name: value";
    "http2.header_name" => Http2HeaderName [] "sticky buffer: one HTTP/2 header name";
    "file.data" => FileData ["file_data"] "sticky buffer: file data (HTTP bodies, SMTP attachments, ...)";
    "http.response_body" => FileData [] "sticky buffer: the HTTP response body (Suricata 7: the file_data buffer)";
    "file.name" => FileName [] "sticky buffer: the file name";
    "file.magic" => FileMagic [] "sticky buffer: the file magic";
    "dns.query" => DnsQuery ["dns_query"] "sticky buffer: the DNS query name";
    "tls.sni" => TlsSni ["tls_sni"] "sticky buffer: the TLS SNI";
    "tls.certs" => TlsCerts [] "sticky buffer: each TLS certificate";
    "tls.cert_issuer" => TlsCertIssuer ["tls_cert_issuer"] "sticky buffer: the TLS certificate issuer";
    "tls.cert_subject" => TlsCertSubject ["tls_cert_subject"] "sticky buffer: the TLS certificate subject";
    "tls.cert_serial" => TlsCertSerial ["tls_cert_serial"] "sticky buffer: the TLS certificate serial";
    "tls.cert_fingerprint" => TlsCertFingerprint ["tls_cert_fingerprint"] "sticky buffer: the TLS certificate SHA1 fingerprint";
    "tls.random" => TlsRandom [] "sticky buffer: the TLS random";
    "tls.random_time" => TlsRandomTime [] "sticky buffer: the first 4 bytes of the TLS random";
    "tls.random_bytes" => TlsRandomBytes [] "sticky buffer: the last 28 bytes of the TLS random";
    "ja3.hash" => Ja3Hash ["ja3_hash"] "sticky buffer: the JA3 hash";
    "ja3.string" => Ja3String ["ja3_string"] "sticky buffer: the JA3 string";
    "ja3s.hash" => Ja3sHash [] "sticky buffer: the JA3S hash";
    "ja3s.string" => Ja3sString [] "sticky buffer: the JA3S string";
    "ja4.hash" => Ja4Hash ["ja4_hash"] "sticky buffer: the JA4 hash";
    "ssh.proto" => SshProto ["ssh_proto"] "sticky buffer: the SSH protocol version";
    "ssh.software" => SshSoftware ["ssh_software"] "sticky buffer: the SSH software string";
    "ssh.hassh" => SshHassh ["ssh-hassh"] "sticky buffer: the SSH client HASSH";
    "ssh.hassh.string" => SshHasshString ["ssh-hassh-string"] "sticky buffer: the SSH client HASSH string";
    "ssh.hassh.server" => SshHasshServer ["ssh-hassh-server"] "sticky buffer: the SSH server HASSH";
    "ssh.hassh.server.string" => SshHasshServerString ["ssh-hassh-server-string"] "sticky buffer: the SSH server HASSH string";
    "dcerpc.stub_data" => DcerpcStubData ["dce_stub_data"] "sticky buffer: the DCERPC stub data";
    "smb.named_pipe" => SmbNamedPipe ["smb_named_pipe"] "sticky buffer: the SMB named pipe";
    "smb.share" => SmbShare ["smb_share"] "sticky buffer: the SMB share name";
    "smb.ntlmssp_user" => SmbNtlmsspUser [] "sticky buffer: the SMB NTLMSSP user";
    "smb.ntlmssp_domain" => SmbNtlmsspDomain [] "sticky buffer: the SMB NTLMSSP domain";
    "krb5.cname" => Krb5Cname ["krb5_cname"] "sticky buffer: the Kerberos 5 client name";
    "krb5.sname" => Krb5Sname ["krb5_sname"] "sticky buffer: the Kerberos 5 server name";
    "sip.method" => SipMethod [] "sticky buffer: the SIP method";
    "sip.uri" => SipUri [] "sticky buffer: the SIP URI";
    "sip.protocol" => SipProtocol [] "sticky buffer: the SIP protocol";
    "sip.stat_code" => SipStatCode [] "sticky buffer: the SIP status code";
    "sip.stat_msg" => SipStatMsg [] "sticky buffer: the SIP status message";
    "sip.request_line" => SipRequestLine [] "sticky buffer: the SIP request line";
    "sip.response_line" => SipResponseLine [] "sticky buffer: the SIP response line";
    "rfb.name" => RfbName [] "sticky buffer: the RFB desktop name";
    "snmp.usm" => SnmpUsm [] "sticky buffer: the SNMP usm";
    "snmp.community" => SnmpCommunity [] "sticky buffer: the SNMP community";
    "mqtt.connect.clientid" => MqttConnectClientid [] "sticky buffer: the MQTT CONNECT client id";
    "mqtt.connect.username" => MqttConnectUsername [] "sticky buffer: the MQTT CONNECT username";
    "mqtt.connect.password" => MqttConnectPassword [] "sticky buffer: the MQTT CONNECT password";
    "mqtt.connect.willtopic" => MqttConnectWilltopic [] "sticky buffer: the MQTT CONNECT will topic";
    "mqtt.connect.willmessage" => MqttConnectWillmessage [] "sticky buffer: the MQTT CONNECT will message";
    "mqtt.publish.topic" => MqttPublishTopic [] "sticky buffer: the MQTT PUBLISH topic";
    "mqtt.publish.message" => MqttPublishMessage [] "sticky buffer: the MQTT PUBLISH message";
    "mqtt.subscribe.topic" => MqttSubscribeTopic [] "sticky buffer: an MQTT SUBSCRIBE topic";
    "mqtt.unsubscribe.topic" => MqttUnsubscribeTopic [] "sticky buffer: an MQTT UNSUBSCRIBE topic";
    "quic.version" => QuicVersion [] "sticky buffer: the QUIC version";
    "quic.sni" => QuicSni [] "sticky buffer: the QUIC SNI";
    "quic.ua" => QuicUa [] "sticky buffer: the QUIC user agent";
    "quic.cyu.hash" => QuicCyuHash [] "sticky buffer: the QUIC CYU hash";
    "quic.cyu.string" => QuicCyuString [] "sticky buffer: the QUIC CYU string";
    "ike.init_spi" => IkeInitSpi [] "sticky buffer: the IKE initiator SPI";
    "ike.resp_spi" => IkeRespSpi [] "sticky buffer: the IKE responder SPI";
    "ike.vendor" => IkeVendor [] "sticky buffer: an IKE vendor id";
    "ike.nonce_payload" => IkeNoncePayload [] "sticky buffer: the IKE nonce payload";
    "ike.key_exchange_payload" => IkeKeyExchangePayload [] "sticky buffer: the IKE key exchange payload";
    "dnp3.data" => Dnp3Data [] "sticky buffer: the reassembled DNP3 application buffer";
    "base64_data" => Base64Data [] "sticky buffer: the data decoded by base64_decode";
}

/// Legacy content modifiers (`content:"x"; http_uri;`): they move the previous content.
pub(crate) const MODIFIERS: &[(&str, Buffer)] = &[
    ("http_uri", Buffer::HttpUri),
    ("http_raw_uri", Buffer::HttpUriRaw),
    ("http_header", Buffer::HttpHeader),
    ("http_raw_header", Buffer::HttpHeaderRaw),
    ("http_cookie", Buffer::HttpCookie),
    ("http_method", Buffer::HttpMethod),
    ("http_client_body", Buffer::HttpRequestBody),
    // Suricata 7 registers http_server_body / http.response_body as the file_data buffer.
    ("http_server_body", Buffer::FileData),
    ("http_stat_msg", Buffer::HttpStatMsg),
    ("http_stat_code", Buffer::HttpStatCode),
    ("http_user_agent", Buffer::HttpUserAgent),
    ("http_host", Buffer::HttpHost),
    ("http_raw_host", Buffer::HttpHostRaw),
];

impl Buffer {
    /// Whether each selection of this buffer in a rule is a list of its own (Suricata 7.0.10's
    /// `DetectBufferTypeSupportsMultiInstance`): `http.request_header; content:"a";
    /// http.request_header; content:"b";` matches when one instance has "a" and any has "b".
    pub fn multi_instance(self) -> bool {
        use Buffer::*;
        matches!(
            self,
            DnsQuery
                | FileData
                | FileMagic
                | FileName
                | HttpRequestHeader
                | HttpResponseHeader
                | Http2HeaderName
                | IkeVendor
                | Krb5Cname
                | Krb5Sname
                | MqttSubscribeTopic
                | MqttUnsubscribeTopic
                | QuicCyuHash
                | QuicCyuString
                | TlsCertSubject
                | TlsCerts
        )
    }

    /// Looks a buffer up by its sticky-buffer keyword (canonical name or legacy alias).
    pub fn from_name(name: &str) -> Option<Buffer> {
        sticky_by_name(name)
    }

    /// The canonical (dotted) keyword name of this buffer.
    pub fn name(self) -> &'static str {
        STICKY
            .iter()
            .find(|d| d.buffer == self)
            .map(|d| d.name)
            .unwrap_or("frame")
    }

    /// Whether this buffer is an application-layer buffer (the rule needs a parsed protocol).
    pub fn is_app_layer(self) -> bool {
        !matches!(
            self,
            Buffer::Payload
                | Buffer::Ipv4Hdr
                | Buffer::Ipv6Hdr
                | Buffer::TcpHdr
                | Buffer::UdpHdr
                | Buffer::Icmpv4Hdr
                | Buffer::Icmpv6Hdr
                | Buffer::IpSrc
                | Buffer::IpDst
                | Buffer::Base64Data
        )
    }
}

/// A buffer transform (Suricata 7 `detect-transform-*.c`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Transform {
    CompressWhitespace,
    StripWhitespace,
    StripPseudoHeaders,
    ToMd5,
    ToSha1,
    ToSha256,
    DotPrefix,
    UrlDecode,
    HeaderLowercase,
    ToLowercase,
    ToUppercase,
    /// `pcrexform:"re"`: the buffer becomes the first capture of the regex.
    PcreXform(String),
    /// `xor:"hexkey"`: the buffer XORed with the repeating key.
    Xor(Vec<u8>),
}

/// Transforms without an argument: keyword name, value, description.
pub(crate) const TRANSFORMS: &[(&str, Transform, &str)] = &[
    (
        "compress_whitespace",
        Transform::CompressWhitespace,
        "transform: compress runs of whitespace to one",
    ),
    (
        "strip_whitespace",
        Transform::StripWhitespace,
        "transform: strip all whitespace",
    ),
    (
        "strip_pseudo_headers",
        Transform::StripPseudoHeaders,
        "transform: strip HTTP/2 pseudo headers",
    ),
    ("to_md5", Transform::ToMd5, "transform: MD5 of the buffer"),
    ("to_sha1", Transform::ToSha1, "transform: SHA1 of the buffer"),
    (
        "to_sha256",
        Transform::ToSha256,
        "transform: SHA256 of the buffer",
    ),
    (
        "dotprefix",
        Transform::DotPrefix,
        "transform: prepend a dot (domain suffix matching)",
    ),
    (
        "url_decode",
        Transform::UrlDecode,
        "transform: decode %XX and + in the buffer",
    ),
    (
        "header_lowercase",
        Transform::HeaderLowercase,
        "transform: lowercase the header names",
    ),
    (
        "to_lowercase",
        Transform::ToLowercase,
        "transform: lowercase the buffer",
    ),
    (
        "to_uppercase",
        Transform::ToUppercase,
        "transform: uppercase the buffer",
    ),
];

/// What a payload keyword inspects: a buffer, the transforms applied to it in order, and for
/// [`Buffer::Frame`] the frame name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BufferRef {
    pub buffer: Buffer,
    pub transforms: Vec<Transform>,
    pub frame: Option<String>,
    /// Which selection of a [`Buffer::multi_instance`] buffer this is in the rule (0 for the
    /// first, and for every other buffer): separate selections are separate lists.
    pub instance: u16,
}

impl BufferRef {
    /// A buffer without transforms.
    pub fn plain(buffer: Buffer) -> Self {
        BufferRef {
            buffer,
            transforms: Vec::new(),
            frame: None,
            instance: 0,
        }
    }
    /// The payload buffer.
    pub fn payload() -> Self {
        Self::plain(Buffer::Payload)
    }
}

impl Default for BufferRef {
    fn default() -> Self {
        Self::payload()
    }
}

/// Looks up a sticky-buffer keyword (by canonical name or alias, lowercase).
pub(crate) fn sticky_by_name(name: &str) -> Option<Buffer> {
    STICKY
        .iter()
        .find(|d| d.name == name || d.aliases.contains(&name))
        .map(|d| d.buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup() {
        assert_eq!(sticky_by_name("file_data"), Some(Buffer::FileData));
        assert_eq!(sticky_by_name("file.data"), Some(Buffer::FileData));
        assert_eq!(sticky_by_name("dns_query"), Some(Buffer::DnsQuery));
        assert_eq!(sticky_by_name("http_uri"), None); // a modifier, not a sticky buffer
        assert_eq!(Buffer::HttpUri.name(), "http.uri");
        assert_eq!(Buffer::Frame.name(), "frame");
        assert!(Buffer::HttpUri.is_app_layer() && !Buffer::Payload.is_app_layer());
    }

    #[test]
    fn names_are_unique() {
        let mut all: Vec<&str> = STICKY
            .iter()
            .flat_map(|d| std::iter::once(d.name).chain(d.aliases.iter().copied()))
            .collect();
        all.extend(MODIFIERS.iter().map(|m| m.0));
        all.extend(TRANSFORMS.iter().map(|t| t.0));
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
