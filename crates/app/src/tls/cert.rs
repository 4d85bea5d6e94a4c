//! X.509 certificate fields as Suricata 7.0.10 logs them (`rust/src/x509/mod.rs`): subject and
//! issuer via x509-parser's `Display`, serial as upper-case hex bytes joined by `:`, SHA-1
//! fingerprint as lower-case hex joined by `:`, validity as Unix seconds.

use sha1::{Digest, Sha1};
use std::fmt::Write;
use x509_parser::prelude::{FromDer, X509Certificate};

/// The logged fields of a certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub fingerprint: String,
    pub not_before: i64,
    pub not_after: i64,
}

/// Decodes one DER certificate; `None` when x509-parser rejects it (Suricata then skips it).
pub fn decode(der: &[u8]) -> Option<CertInfo> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let tbs = &cert.tbs_certificate;
    let mut serial = String::with_capacity(tbs.raw_serial().len() * 3);
    for (i, b) in tbs.raw_serial().iter().enumerate() {
        if i > 0 {
            serial.push(':');
        }
        let _ = write!(serial, "{b:02X}");
    }
    Some(CertInfo {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial,
        fingerprint: fingerprint(der),
        not_before: tbs.validity.not_before.timestamp(),
        not_after: tbs.validity.not_after.timestamp(),
    })
}

/// The app-layer event Suricata 7.0.10 raises when x509-parser rejects `der`
/// (`x509_parse_error_to_errcode` then `TlsDecodeHSCertificateErrSetEvent`); `None` when the
/// certificate decodes.
pub fn decode_error_event(der: &[u8]) -> Option<&'static str> {
    use x509_parser::error::X509Error;
    use x509_parser::nom::Err;
    let e = X509Certificate::from_der(der).err()?;
    Some(match e {
        Err::Incomplete(_) => "certificate_invalid_length",
        Err::Error(e) | Err::Failure(e) => match e {
            X509Error::InvalidVersion => "certificate_invalid_version",
            X509Error::InvalidSerial => "certificate_invalid_serial",
            X509Error::InvalidAlgorithmIdentifier => "certificate_invalid_algorithmidentifier",
            X509Error::InvalidX509Name => "certificate_invalid_x509name",
            X509Error::InvalidDate => "certificate_invalid_date",
            X509Error::InvalidExtensions => "certificate_invalid_extensions",
            X509Error::Der(_) => "certificate_invalid_der",
            _ => "invalid_certificate",
        },
    })
}

/// SHA-1 of the DER bytes, `aa:bb:...`.
pub fn fingerprint(der: &[u8]) -> String {
    let d = Sha1::digest(der);
    let mut s = String::with_capacity(59);
    for (i, b) in d.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC) of Unix seconds, as Suricata's `sc_x509_format_timestamp`.
pub fn format_timestamp(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(-86400), "1969-12-31T00:00:00");
        assert_eq!(format_timestamp(2177367003), "2038-12-31T00:10:03");
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00");
        assert_eq!(format_timestamp(951782400), "2000-02-29T00:00:00");
    }

    #[test]
    fn garbage_is_not_a_cert() {
        assert_eq!(decode(b""), None);
        assert_eq!(decode(b"\x30\x82\xff\xff"), None);
        assert_eq!(fingerprint(b"").len(), 59);
    }
}
