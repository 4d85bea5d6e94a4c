//! The inspection buffers of app-layer records: which [`Buffer`]s this engine can fill, and
//! their bytes for one record and direction (HTTP request or response side, DNS request,
//! TLS client or server side, SSH client or server banner).

use app::Record;
use rules::Buffer;

mod http2;
mod small;

/// Whether the engine can fill `b` from a record.
pub fn supported(b: Buffer) -> bool {
    use Buffer::*;
    matches!(
        b,
        Payload
            | HttpUri
            | HttpUriRaw
            | HttpMethod
            | HttpProtocol
            | HttpStart
            | HttpRequestLine
            | HttpResponseLine
            | HttpRequestBody
            | HttpHeader
            | HttpHeaderRaw
            | HttpHeaderNames
            | HttpCookie
            | HttpUserAgent
            | HttpHost
            | HttpHostRaw
            | HttpAccept
            | HttpAcceptLang
            | HttpAcceptEnc
            | HttpConnection
            | HttpContentLen
            | HttpContentType
            | HttpLocation
            | HttpServer
            | HttpReferer
            | HttpStatCode
            | HttpStatMsg
            | HttpRequestHeader
            | HttpResponseHeader
            | FileData
            | FileName
            | Frame
            | DnsQuery
            | TlsSni
            | TlsCerts
            | TlsCertIssuer
            | TlsCertSubject
            | TlsCertSerial
            | TlsCertFingerprint
            | Ja3Hash
            | Ja3String
            | Ja3sHash
            | Ja3sString
            | SshProto
            | SshSoftware
            | SshHassh
            | SshHasshString
            | SshHasshServer
            | SshHasshServerString
            | DcerpcStubData
    ) || small::proto_of(b).is_some()
        || crate::keywords::sip::is_sip(b)
        || crate::keywords::quic::is_quic(b)
        || b == Ja4Hash
        || crate::keywords::smb::is_smb(b)
}

/// The protocol whose records carry `b`.
pub fn proto_of(b: Buffer) -> Option<app::AppProto> {
    use Buffer::*;
    Some(match b {
        DnsQuery => app::AppProto::Dns,
        TlsSni | TlsCerts | TlsCertIssuer | TlsCertSubject | TlsCertSerial | TlsCertFingerprint | Ja3Hash
        | Ja3String | Ja3sHash | Ja3sString | Ja4Hash => app::AppProto::Tls,
        SshProto | SshSoftware | SshHassh | SshHasshString | SshHasshServer | SshHasshServerString => {
            app::AppProto::Ssh
        }
        DcerpcStubData => app::AppProto::Dcerpc,
        b if crate::keywords::smb::is_smb(b) => app::AppProto::Smb,
        Payload => return None,
        b if small::proto_of(b).is_some() => return small::proto_of(b),
        b if crate::keywords::sip::is_sip(b) => app::AppProto::Sip,
        b if crate::keywords::quic::is_quic(b) => app::AppProto::Quic,
        _ => app::AppProto::Http,
    })
}

/// The protocol whose records carry `b` in a rule of protocol `app`: the file buffers exist
/// in every protocol carrying files, so they take the rule's (see [`crate::keywords::file`]).
pub fn proto_in(b: Buffer, app: Option<app::AppProto>) -> Option<app::AppProto> {
    match (b, app) {
        (Buffer::FileData | Buffer::FileName, Some(p)) if crate::keywords::file::carries(p, b) => Some(p),
        // The JA3/JA4 buffers of a `quic` rule read its QUIC transactions.
        (b, Some(app::AppProto::Quic)) if crate::keywords::quic::carries(b) => Some(app::AppProto::Quic),
        // DCERPC over SMB named pipes.
        (Buffer::DcerpcStubData, Some(app::AppProto::Smb)) => Some(app::AppProto::Smb),
        _ => proto_of(b),
    }
}

/// The protocol whose records carry buffer `b` (a frame: its protocol) in a rule of
/// protocol `app`.
pub fn proto_in_ref(b: &rules::BufferRef, app: Option<app::AppProto>) -> Option<app::AppProto> {
    if b.buffer == Buffer::Frame {
        return crate::keywords::frame::proto(b);
    }
    proto_in(b.buffer, app)
}

/// Which directions buffer `b` exists in for records of `app`: (to server, to client).
pub fn directions_in(b: Buffer, app: Option<app::AppProto>) -> (bool, bool) {
    match app {
        Some(p) if crate::keywords::file::carries(p, b) => crate::keywords::file::directions(p),
        _ => directions(b),
    }
}

/// Which directions a buffer exists in: (to server, to client).
pub fn directions(b: Buffer) -> (bool, bool) {
    use Buffer::*;
    if let Some(d) = small::directions(b) {
        return d;
    }
    if crate::keywords::sip::is_sip(b) {
        return crate::keywords::sip::directions(b);
    }
    if crate::keywords::quic::is_quic(b) {
        return crate::keywords::quic::directions(b);
    }
    if crate::keywords::smb::is_smb(b) {
        // `smb.share` / `smb.named_pipe` are registered to server only.
        return (true, false);
    }
    match b {
        HttpUri | HttpUriRaw | HttpMethod | HttpRequestLine | HttpRequestBody | HttpUserAgent | HttpHost
        | HttpHostRaw | HttpAccept | HttpAcceptLang | HttpAcceptEnc | HttpReferer | HttpRequestHeader
        | DnsQuery | TlsSni | Ja3Hash | Ja3String | Ja4Hash | SshHassh | SshHasshString => (true, false),
        HttpResponseLine | HttpLocation | HttpServer | HttpStatCode | HttpStatMsg | HttpResponseHeader
        | FileData | TlsCertIssuer | TlsCertSubject | TlsCertSerial | TlsCertFingerprint | Ja3sHash
        | Ja3sString | SshHasshServer | SshHasshServerString => (false, true),
        _ => (true, true),
    }
}

fn push(out: &mut Vec<Vec<u8>>, b: Option<&[u8]>) {
    if let Some(b) = b {
        out.push(b.to_vec());
    }
}

fn push_nonempty(out: &mut Vec<Vec<u8>>, b: Option<&[u8]>) {
    if let Some(b) = b.filter(|b| !b.is_empty()) {
        out.push(b.to_vec());
    }
}

/// Appends the instances of buffer `b` (with its frame name) of `rec` in direction
/// `to_server` to `out`.
pub fn fetch_ref(b: &rules::BufferRef, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    if b.buffer == Buffer::Frame {
        crate::keywords::frame::fetch(b, rec, to_server, out);
    } else {
        fetch(b.buffer, rec, to_server, out);
    }
}

/// Appends the instances of buffer `b` of `rec` in direction `to_server` to `out`. A header
/// present with an empty value is an empty buffer (libhtp's value is an empty `bstr`, which
/// Suricata inspects: `bsize:0` and negated contents match it); an absent one is no buffer.
pub fn fetch(b: Buffer, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    use Buffer::*;
    match rec {
        Record::Http(tx) => {
            let h = |n: &[u8]| {
                if to_server {
                    tx.request_headers.get(n)
                } else {
                    tx.response_headers.get(n)
                }
            };
            if to_server {
                match b {
                    HttpUri => push_nonempty(out, tx.has_uri().then_some(tx.uri.as_slice())),
                    HttpUriRaw => push_nonempty(out, tx.has_uri().then_some(tx.uri_raw())),
                    HttpMethod => push_nonempty(out, Some(tx.method())),
                    HttpRequestLine => push_nonempty(out, Some(tx.request_line())),
                    HttpRequestBody => push_nonempty(out, Some(tx.request_body.as_slice())),
                    HttpUserAgent => push(out, tx.user_agent()),
                    HttpHost => push_nonempty(out, tx.host()),
                    HttpHostRaw => push_nonempty(out, tx.host_raw()),
                    HttpAccept => push(out, h(b"accept")),
                    HttpAcceptLang => push(out, h(b"accept-language")),
                    HttpAcceptEnc => push(out, h(b"accept-encoding")),
                    HttpReferer => push(out, h(b"referer")),
                    HttpCookie => push(out, h(b"cookie")),
                    HttpProtocol => push_nonempty(out, tx.protocol()),
                    HttpHeader => push_nonempty(out, Some(tx.request_header_block.as_slice())),
                    HttpHeaderRaw => push_nonempty(out, Some(tx.request_headers_raw.as_slice())),
                    HttpHeaderNames if !tx.request_headers.is_empty() => out.push(tx.request_header_names()),
                    HttpStart if !tx.request_line().is_empty() => out.push(tx.request_start()),
                    HttpRequestHeader => {
                        for (n, v) in tx.request_headers.iter() {
                            let mut x = Vec::with_capacity(n.len() + v.len() + 2);
                            x.extend_from_slice(n);
                            x.extend_from_slice(b": ");
                            x.extend_from_slice(v);
                            out.push(x);
                        }
                    }
                    _ => {}
                }
            } else {
                match b {
                    HttpResponseLine => push_nonempty(out, Some(tx.response_line())),
                    HttpStatCode => push_nonempty(out, tx.stat_code()),
                    HttpStatMsg => push_nonempty(out, tx.stat_msg()),
                    HttpLocation => push(out, h(b"location")),
                    HttpServer => push(out, h(b"server")),
                    HttpCookie => push(out, h(b"set-cookie")),
                    HttpProtocol => push_nonempty(out, tx.response_protocol()),
                    HttpHeader => push_nonempty(out, Some(tx.response_header_block.as_slice())),
                    HttpHeaderRaw => push_nonempty(out, Some(tx.response_headers_raw.as_slice())),
                    HttpHeaderNames if !tx.response_headers.is_empty() => {
                        out.push(tx.response_header_names())
                    }
                    HttpStart if !tx.response_line().is_empty() => out.push(tx.response_start()),
                    FileData => push_nonempty(out, Some(tx.response_body.as_slice())),
                    HttpResponseHeader => {
                        for (n, v) in tx.response_headers.iter() {
                            let mut x = Vec::with_capacity(n.len() + v.len() + 2);
                            x.extend_from_slice(n);
                            x.extend_from_slice(b": ");
                            x.extend_from_slice(v);
                            out.push(x);
                        }
                    }
                    _ => {}
                }
            }
            match b {
                HttpConnection => push(out, h(b"connection")),
                HttpContentLen => push(out, h(b"content-length")),
                HttpContentType => push(out, h(b"content-type")),
                _ => {}
            }
        }
        Record::FtpData(_) | Record::Smtp(_) => crate::keywords::file::fetch(b, rec, to_server, out),
        Record::Smb(_) => crate::keywords::smb::fetch(b, rec, to_server, out),
        Record::Http2(tx) => http2::fetch(b, tx, to_server, out),
        Record::Dcerpc(_) if b == DcerpcStubData => crate::keywords::dce::fetch(rec, to_server, out),
        Record::Snmp(_) | Record::Krb5(_) => small::fetch(b, rec, to_server, out),
        Record::Sip(_) => crate::keywords::sip::fetch(b, rec, to_server, out),
        Record::Quic(_) => crate::keywords::quic::fetch(b, rec, to_server, out),
        Record::Dns(d) if b == DnsQuery && to_server => {
            for n in d.query_names() {
                out.push(n.to_vec());
            }
        }
        Record::Tls(t) => {
            let c = &t.server_cert;
            match b {
                TlsSni if to_server => push(out, t.sni()),
                // The server's chain; the client's (to-server side) is not kept by the parser,
                // so rules inspecting that side are refused at load.
                TlsCerts if !to_server => {
                    for c in t.certs() {
                        out.push(c.to_vec());
                    }
                }
                TlsCertSubject if !to_server => push(out, c.subject.as_deref().map(str::as_bytes)),
                TlsCertIssuer if !to_server => push(out, c.issuerdn.as_deref().map(str::as_bytes)),
                TlsCertSerial if !to_server => push(out, c.serial.as_deref().map(str::as_bytes)),
                TlsCertFingerprint if !to_server => push(out, c.fingerprint.as_deref().map(str::as_bytes)),
                Ja3Hash if to_server => push(
                    out,
                    t.ja3.as_ref().and_then(|j| j.hash.as_deref()).map(str::as_bytes),
                ),
                Ja3String if to_server => push(
                    out,
                    t.ja3
                        .as_ref()
                        .and_then(|j| j.string.as_deref())
                        .map(str::as_bytes),
                ),
                Ja4Hash if to_server => push(out, t.ja4_hash().map(str::as_bytes)),
                Ja3sHash if !to_server => push(
                    out,
                    t.ja3s.as_ref().and_then(|j| j.hash.as_deref()).map(str::as_bytes),
                ),
                Ja3sString if !to_server => push(
                    out,
                    t.ja3s
                        .as_ref()
                        .and_then(|j| j.string.as_deref())
                        .map(str::as_bytes),
                ),
                _ => {}
            }
        }
        Record::Ssh(s) => {
            let side = if to_server {
                s.client.as_ref()
            } else {
                s.server.as_ref()
            };
            let Some(side) = side else { return };
            match b {
                SshProto => push_nonempty(out, Some(side.proto_version.as_bytes())),
                SshSoftware => push_nonempty(out, Some(side.software_version.as_bytes())),
                SshHassh | SshHasshServer => push(out, side.hassh.as_ref().map(|h| h.hash.as_bytes())),
                SshHasshString | SshHasshServerString => {
                    push(out, side.hassh.as_ref().map(|h| h.string.as_bytes()))
                }
                _ => {}
            }
        }
        _ => {}
    }
}
