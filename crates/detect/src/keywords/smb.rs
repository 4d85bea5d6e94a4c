//! SMB buffers and matches on SMB transactions (Suricata 7.0.10's `rust/src/smb/detect.rs`,
//! `detect-smb-share.c`):
//! - `smb.share` / `smb_share` and `smb.named_pipe` / `smb_named_pipe`: the share name of a
//!   tree connect, to server only; `smb.share` while the share is not known to be a named
//!   pipe (a response saying so turns it into `smb.named_pipe`);
//! - `file.name` / `file.data` on SMB file transfers (a write travels to the server, a read to
//!   the client);
//! - `dcerpc.stub_data`, `dcerpc.opnum` and `dcerpc.iface` on DCERPC calls over named pipes
//!   (`rs_smb_tx_get_dce_iface`: a REQUEST, and an interface of the session's last BIND that
//!   the BIND_ACK accepted, whatever the context id);
//! - `frame:nbss.*`, `frame:smb1.*`, `frame:smb2.*`, `frame:smb3.*` (`pdu`, `hdr`, `data`).

use app::smb::SmbRecord;
use app::Record;
use rules::Buffer;

/// The SMB frames built (Suricata's `SMBFrameType` names).
pub const FRAMES: &[&str] = &[
    "nbss.pdu",
    "nbss.hdr",
    "nbss.data",
    "smb1.pdu",
    "smb1.hdr",
    "smb1.data",
    "smb2.pdu",
    "smb2.hdr",
    "smb2.data",
    "smb3.pdu",
    "smb3.hdr",
    "smb3.data",
];

/// The frame a `frame:` name is, if an SMB one (`smb.` prefix optional, as Suricata accepts
/// `smb.nbss.pdu` and `nbss.pdu` in SMB rules).
pub fn frame(name: &str) -> Option<&'static str> {
    let n = name.strip_prefix("smb.").unwrap_or(name);
    FRAMES.iter().copied().find(|f| f.eq_ignore_ascii_case(n))
}

/// Whether `b` is an SMB-only buffer.
pub fn is_smb(b: Buffer) -> bool {
    matches!(b, Buffer::SmbShare | Buffer::SmbNamedPipe)
}

fn smb(rec: &Record) -> Option<&SmbRecord> {
    match rec {
        Record::Smb(s) => Some(s),
        _ => None,
    }
}

/// Appends the instances of `b` of an SMB record seen from `to_server`.
pub fn fetch(b: Buffer, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    let Some(s) = smb(rec) else { return };
    if s.to_server != to_server {
        return;
    }
    match b {
        Buffer::SmbShare if to_server => {
            if let Some(x) = &s.share {
                out.push(x.clone());
            }
        }
        Buffer::SmbNamedPipe if to_server => {
            if let Some(x) = &s.named_pipe {
                out.push(x.clone());
            }
        }
        Buffer::FileName => {
            if let Some(f) = s.file.as_ref().filter(|f| f.to_server == to_server) {
                out.push(f.name.clone());
            }
        }
        Buffer::FileData => {
            if let Some(f) = s
                .file
                .as_ref()
                .filter(|f| f.to_server == to_server && !f.data.is_empty())
            {
                out.push(f.data.clone());
            }
        }
        Buffer::DcerpcStubData => {
            if let Some(d) = &s.dcerpc {
                let stub = if to_server { &d.stub_ts } else { &d.stub_tc };
                if !stub.is_empty() {
                    out.push(stub.clone());
                }
            }
        }
        _ => {}
    }
}

/// Appends the frame `name` of an SMB frame record seen from `to_server`.
pub fn fetch_frame(name: &'static str, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    let Some(s) = smb(rec) else { return };
    if let Some((n, b)) = &s.frame {
        if *n == name && s.to_server == to_server {
            out.push(b.clone());
        }
    }
}

/// `rs_smb_tx_get_dce_iface`.
pub fn iface_matches(m: &super::dce::IfaceM, rec: &Record) -> bool {
    let Some(d) = smb(rec).and_then(|s| s.dcerpc.as_ref()) else {
        return false;
    };
    if !d.request {
        return false;
    }
    d.ifaces
        .iter()
        .any(|i| i.result == 0 && i.uuid == m.uuid && m.version.is_none_or(|v| v.matches(i.version)))
}

/// `rs_smb_tx_match_dce_opnum`.
pub fn opnum_matches(m: &super::dce::OpnumM, rec: &Record) -> bool {
    let Some(d) = smb(rec).and_then(|s| s.dcerpc.as_ref()) else {
        return false;
    };
    d.request && m.ranges.iter().any(|r| r.lo <= d.opnum && d.opnum <= r.hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::smb::{SmbDcerpc, SmbFile};

    fn rec(s: SmbRecord) -> Record {
        Record::Smb(Box::new(s))
    }

    #[test]
    fn share_and_pipe_to_server_only() {
        let r = rec(SmbRecord {
            to_server: true,
            share: Some(b"\\\\h\\C$".to_vec()),
            ..Default::default()
        });
        let mut out = Vec::new();
        fetch(Buffer::SmbShare, &r, true, &mut out);
        fetch(Buffer::SmbNamedPipe, &r, true, &mut out);
        fetch(Buffer::SmbShare, &r, false, &mut out);
        assert_eq!(out, vec![b"\\\\h\\C$".to_vec()]);
    }

    #[test]
    fn files_on_their_side() {
        let r = rec(SmbRecord {
            to_server: false,
            file: Some(SmbFile {
                name: b"a.txt".to_vec(),
                data: b"hello".to_vec(),
                to_server: false,
            }),
            ..Default::default()
        });
        let mut out = Vec::new();
        fetch(Buffer::FileData, &r, true, &mut out);
        assert!(out.is_empty());
        fetch(Buffer::FileData, &r, false, &mut out);
        fetch(Buffer::FileName, &r, false, &mut out);
        assert_eq!(out, vec![b"hello".to_vec(), b"a.txt".to_vec()]);
    }

    #[test]
    fn frames_by_name() {
        assert_eq!(frame("smb2.data"), Some("smb2.data"));
        assert_eq!(frame("smb.nbss.pdu"), Some("nbss.pdu"));
        assert_eq!(frame("smb2.pdux"), None);
        let r = rec(SmbRecord {
            to_server: false,
            frame: Some(("smb2.data", b"xy".to_vec())),
            ..Default::default()
        });
        let mut out = Vec::new();
        fetch_frame("smb2.data", &r, true, &mut out);
        fetch_frame("smb2.hdr", &r, false, &mut out);
        assert!(out.is_empty());
        fetch_frame("smb2.data", &r, false, &mut out);
        assert_eq!(out, vec![b"xy".to_vec()]);
    }

    #[test]
    fn dce_needs_a_request_and_an_accepted_iface() {
        let uuid = [
            0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd, 0xef, 0, 1, 0x23, 0x45, 0x67, 0x89, 0xab,
        ];
        let m = super::super::dce::IfaceM {
            uuid,
            version: None,
            any_frag: false,
        };
        let mut d = SmbDcerpc {
            request: true,
            opnum: 10,
            ifaces: vec![app::dcerpc::Iface {
                uuid,
                version: 1,
                result: 0,
                ..Default::default()
            }],
            ..Default::default()
        };
        let r = |d: &SmbDcerpc| {
            rec(SmbRecord {
                dcerpc: Some(d.clone()),
                ..Default::default()
            })
        };
        assert!(iface_matches(&m, &r(&d)));
        let o = super::super::dce::OpnumM {
            ranges: vec![rules::OpnumRange { lo: 9, hi: 11 }],
        };
        assert!(opnum_matches(&o, &r(&d)));
        d.ifaces[0].result = 2;
        assert!(!iface_matches(&m, &r(&d)));
        d.ifaces[0].result = 0;
        d.request = false;
        assert!(!iface_matches(&m, &r(&d)));
        assert!(!opnum_matches(&o, &r(&d)));
    }
}
