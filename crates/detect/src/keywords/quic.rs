//! QUIC sticky buffers as Suricata 7.0.10 fills them (`rust/src/quic/detect.rs`,
//! `detect-quic-*.c`, and the QUIC getters of `detect-tls-ja3*.c` / `detect-ja4-hash.c`), each
//! making the rule a `quic` rule:
//! - both directions: `quic.version` (the 4 version bytes of a long header);
//! - to server: `quic.sni`, `quic.ua`, `quic.cyu.hash`, `quic.cyu.string` (one instance per
//!   CYU fingerprint);
//! - in a `quic` rule, `ja3.hash` / `ja3.string` / `ja4.hash` (to server) and `ja3s.hash` /
//!   `ja3s.string` (to client) read the QUIC transaction's hello.
//!
//! A QUIC transaction belongs to one direction, so only its own side has buffers.

use app::Record;
use rules::Buffer;

/// Whether `b` is a `quic.*` buffer.
pub fn is_quic(b: Buffer) -> bool {
    use Buffer::*;
    matches!(b, QuicVersion | QuicSni | QuicUa | QuicCyuHash | QuicCyuString)
}

/// Whether `b` is one of the TLS fingerprint buffers QUIC transactions fill too.
pub fn carries(b: Buffer) -> bool {
    use Buffer::*;
    matches!(b, Ja3Hash | Ja3String | Ja3sHash | Ja3sString | Ja4Hash)
}

/// Which directions `quic.*` buffer `b` exists in: (to server, to client).
pub fn directions(b: Buffer) -> (bool, bool) {
    match b {
        Buffer::QuicVersion => (true, true),
        _ => (true, false),
    }
}

/// Appends the instances of buffer `b` of QUIC record `rec` on the `to_server` side.
pub fn fetch(b: Buffer, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    use Buffer::*;
    let Record::Quic(t) = rec else {
        return;
    };
    match (b, to_server) {
        (QuicVersion, _) => {
            if let Some(v) = t.version_buf() {
                out.push(v.to_vec());
            }
        }
        (QuicSni, true) => out.extend(t.sni.iter().cloned()),
        (QuicUa, true) => out.extend(t.ua.iter().cloned()),
        (QuicCyuHash, true) => out.extend(t.cyu.iter().map(|c| c.hash.as_bytes().to_vec())),
        (QuicCyuString, true) => out.extend(t.cyu.iter().map(|c| c.string.as_bytes().to_vec())),
        (Ja3Hash, true) | (Ja3sHash, false) => out.extend(t.ja3_hash().map(String::into_bytes)),
        (Ja3String, true) | (Ja3sString, false) => out.extend(t.ja3.iter().map(|s| s.as_bytes().to_vec())),
        (Ja4Hash, true) => out.extend(t.ja4.iter().map(|s| s.as_bytes().to_vec())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::quic::{Cyu, QuicRecord};

    fn get(b: Buffer, r: &Record, to_server: bool) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        fetch(b, r, to_server, &mut out);
        out
    }

    #[test]
    fn client_transaction_buffers() {
        let r = Record::Quic(Box::new(QuicRecord {
            version: 0x6b33_43cf,
            is_long: true,
            sni: Some(b"example.com".to_vec()),
            ja3: Some("771,4865,".into()),
            ja4: Some("q13d0100h3_x_y".into()),
            cyu: vec![Cyu {
                string: "43,PAD".into(),
                hash: "h".into(),
            }],
            to_server: true,
            ..Default::default()
        }));
        assert_eq!(
            get(Buffer::QuicVersion, &r, true),
            vec![vec![0x6b, 0x33, 0x43, 0xcf]]
        );
        assert_eq!(get(Buffer::QuicSni, &r, true), vec![b"example.com".to_vec()]);
        assert_eq!(get(Buffer::QuicSni, &r, false), Vec::<Vec<u8>>::new());
        assert_eq!(get(Buffer::QuicUa, &r, true), Vec::<Vec<u8>>::new());
        assert_eq!(get(Buffer::QuicCyuString, &r, true), vec![b"43,PAD".to_vec()]);
        assert_eq!(get(Buffer::QuicCyuHash, &r, true), vec![b"h".to_vec()]);
        assert_eq!(get(Buffer::Ja3String, &r, true), vec![b"771,4865,".to_vec()]);
        assert_eq!(
            get(Buffer::Ja3Hash, &r, true),
            vec![app::tls::ja3_hash("771,4865,").into_bytes()]
        );
        assert_eq!(get(Buffer::Ja3sString, &r, true), Vec::<Vec<u8>>::new());
        assert_eq!(get(Buffer::Ja4Hash, &r, true), vec![b"q13d0100h3_x_y".to_vec()]);
        assert_eq!(directions(Buffer::QuicVersion), (true, true));
        assert_eq!(directions(Buffer::QuicSni), (true, false));
        assert!(is_quic(Buffer::QuicUa) && !is_quic(Buffer::TlsSni));
        assert!(carries(Buffer::Ja3sHash) && !carries(Buffer::TlsSni));
    }

    #[test]
    fn short_header_has_no_version() {
        let r = Record::Quic(Box::new(QuicRecord {
            version: 0x5130_3433,
            is_long: false,
            to_server: false,
            ja3: Some("771,4865,43".into()),
            ..Default::default()
        }));
        assert_eq!(get(Buffer::QuicVersion, &r, false), Vec::<Vec<u8>>::new());
        assert_eq!(get(Buffer::Ja3sString, &r, false), vec![b"771,4865,43".to_vec()]);
        assert_eq!(get(Buffer::Ja3String, &r, false), Vec::<Vec<u8>>::new());
        assert_eq!(get(Buffer::QuicSni, &r, true), Vec::<Vec<u8>>::new());
    }
}
