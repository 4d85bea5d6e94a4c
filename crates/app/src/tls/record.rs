//! The EVE `tls` object as Suricata 7.0.10 writes it in `extended` mode
//! (`src/output-json-tls.c`): subject, issuerdn, session_resumed, serial, fingerprint, sni,
//! version, notbefore, notafter, ja3, ja3s, ja4 (only when asked for), client.

use super::cert::format_timestamp;
use crate::dns::eve_string;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Suricata's `SSLVersionToString`.
pub fn version_name(version: u16) -> String {
    match version {
        0 => "UNDETERMINED".into(),
        0x0200 => "SSLv2".into(),
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv1".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        0x7f01 => "TLS 1.3 draft-<16".into(),
        v @ 0x7f10..=0x7f1c => format!("TLS 1.3 draft-{}", v & 0xff),
        v @ (0xfb14 | 0xfb15 | 0xfb16 | 0xfb17 | 0xfb1a) => {
            format!("TLS 1.3 draft-{}-fb", v & 0xff)
        }
        v => format!("0x{v:04x}"),
    }
}

/// A JA3 or JA3S value: Suricata logs the object when either part exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ja3Info {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
}

/// Fields of the first certificate one side sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertFields {
    pub subject: Option<String>,
    pub issuerdn: Option<String>,
    pub serial: Option<String>,
    pub fingerprint: Option<String>,
    /// Unix seconds; `None` when absent or 0 (Suricata skips 0).
    pub notbefore: Option<i64>,
    pub notafter: Option<i64>,
}

impl CertFields {
    fn present(&self) -> bool {
        self.subject.is_some() || self.issuerdn.is_some()
    }
}

/// One TLS session's record (Suricata keeps a single transaction per TLS flow).
#[derive(Debug, Clone, Default)]
pub struct TlsRecord {
    /// The server's first certificate.
    pub server_cert: CertFields,
    /// The client's first certificate (logged under `client`).
    pub client_cert: CertFields,
    /// `session_resumed: true` (only without a server certificate, not TLS 1.3).
    pub session_resumed: bool,
    /// SNI from the ClientHello (bytes up to the first NUL).
    pub sni: Option<Vec<u8>>,
    /// The server side's version (Suricata's `server_connp.version`), logged as `version`.
    pub version: u16,
    /// The client side's version (hello or supported_versions).
    pub client_version: u16,
    pub ja3: Option<Ja3Info>,
    pub ja3s: Option<Ja3Info>,
    /// JA4 of the ClientHello, when computed.
    pub ja4: Option<String>,
    /// Log `ja4` (Suricata 7: only when the output asks for it).
    pub log_ja4: bool,
    /// The server's certificate chain, DER (`tls.certs`).
    pub certs: Vec<Vec<u8>>,
    /// `from_proto` when TLS started inside another protocol (STARTTLS).
    pub from_proto: Option<&'static str>,
    /// App-layer events raised so far (names of [`super::EVENTS`], each once), for
    /// `app-layer-event:tls.NAME`. Not logged.
    pub events: Vec<&'static str>,
}

impl TlsRecord {
    /// `tls.sni`
    pub fn sni(&self) -> Option<&[u8]> {
        self.sni.as_deref()
    }
    /// `tls.cert_subject`
    pub fn cert_subject(&self) -> Option<&str> {
        self.server_cert.subject.as_deref()
    }
    /// `tls.cert_issuer`
    pub fn cert_issuer(&self) -> Option<&str> {
        self.server_cert.issuerdn.as_deref()
    }
    /// `tls.cert_serial`
    pub fn cert_serial(&self) -> Option<&str> {
        self.server_cert.serial.as_deref()
    }
    /// `tls.cert_fingerprint`
    pub fn cert_fingerprint(&self) -> Option<&str> {
        self.server_cert.fingerprint.as_deref()
    }
    /// `tls.certs`: each DER certificate of the server's chain.
    pub fn certs(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.certs.iter().map(|c| c.as_slice())
    }
    /// `tls.version` (numeric, the server side's).
    pub fn version(&self) -> u16 {
        self.version
    }
    /// The logged version string.
    pub fn version_str(&self) -> String {
        version_name(self.version)
    }
    /// `ja3.hash`
    pub fn ja3_hash(&self) -> Option<&str> {
        self.ja3.as_ref()?.hash.as_deref()
    }
    /// `ja3.string`
    pub fn ja3_string(&self) -> Option<&str> {
        self.ja3.as_ref()?.string.as_deref()
    }
    /// `ja3s.hash`
    pub fn ja3s_hash(&self) -> Option<&str> {
        self.ja3s.as_ref()?.hash.as_deref()
    }
    /// `ja3s.string`
    pub fn ja3s_string(&self) -> Option<&str> {
        self.ja3s.as_ref()?.string.as_deref()
    }
    /// `ja4.hash`
    pub fn ja4_hash(&self) -> Option<&str> {
        self.ja4.as_deref()
    }
}

struct ClientJ<'a>(&'a CertFields);
impl Serialize for ClientJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &c.subject {
            m.serialize_entry("subject", v)?;
        }
        if let Some(v) = &c.issuerdn {
            m.serialize_entry("issuerdn", v)?;
        }
        if let Some(v) = &c.fingerprint {
            m.serialize_entry("fingerprint", v)?;
        }
        if let Some(v) = &c.serial {
            m.serialize_entry("serial", v)?;
        }
        if let Some(t) = c.notbefore {
            m.serialize_entry("notbefore", &format_timestamp(t))?;
        }
        if let Some(t) = c.notafter {
            m.serialize_entry("notafter", &format_timestamp(t))?;
        }
        m.end()
    }
}

impl Serialize for TlsRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = &self.server_cert;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &c.subject {
            m.serialize_entry("subject", v)?;
        }
        if let Some(v) = &c.issuerdn {
            m.serialize_entry("issuerdn", v)?;
        }
        if self.session_resumed {
            m.serialize_entry("session_resumed", &true)?;
        }
        if let Some(v) = &c.serial {
            m.serialize_entry("serial", v)?;
        }
        if let Some(v) = &c.fingerprint {
            m.serialize_entry("fingerprint", v)?;
        }
        if let Some(v) = &self.sni {
            m.serialize_entry("sni", &eve_string(v))?;
        }
        m.serialize_entry("version", &version_name(self.version))?;
        if let Some(t) = c.notbefore {
            m.serialize_entry("notbefore", &format_timestamp(t))?;
        }
        if let Some(t) = c.notafter {
            m.serialize_entry("notafter", &format_timestamp(t))?;
        }
        if let Some(j) = &self.ja3 {
            m.serialize_entry("ja3", j)?;
        }
        if let Some(j) = &self.ja3s {
            m.serialize_entry("ja3s", j)?;
        }
        if self.log_ja4 {
            if let Some(j) = &self.ja4 {
                m.serialize_entry("ja4", j)?;
            }
        }
        if self.client_cert.present() {
            m.serialize_entry("client", &ClientJ(&self.client_cert))?;
        }
        if let Some(p) = self.from_proto {
            m.serialize_entry("from_proto", p)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(version_name(0), "UNDETERMINED");
        assert_eq!(version_name(0x0301), "TLSv1");
        assert_eq!(version_name(0x0304), "TLS 1.3");
        assert_eq!(version_name(0x7f1c), "TLS 1.3 draft-28");
        assert_eq!(version_name(0x7f10), "TLS 1.3 draft-16");
        assert_eq!(version_name(0xfb1a), "TLS 1.3 draft-26-fb");
        assert_eq!(version_name(0x1234), "0x1234");
    }

    #[test]
    fn minimal_record() {
        let r = TlsRecord::default();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"version":"UNDETERMINED"}"#
        );
        let r = TlsRecord {
            sni: Some(b"a.b".to_vec()),
            version: 0x0304,
            ja4: Some("t13d".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"sni":"a.b","version":"TLS 1.3"}"#
        );
        let r = TlsRecord { log_ja4: true, ..r };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"sni":"a.b","version":"TLS 1.3","ja4":"t13d"}"#
        );
    }
}
