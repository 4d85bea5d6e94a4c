//! DCERPC keywords as Suricata 7.0.10 matches them on DCERPC/TCP transactions
//! (`rust/src/dcerpc/detect.rs`, `detect-dce-*.c`):
//! - `dcerpc.iface:UUID[,<>=!VERSION][,any_frag]` (`dce_iface`): the request's context was
//!   accepted by the last BIND_ACK for that interface (`match_backuuid`, quirks included);
//! - `dcerpc.opnum:N[-M][,...]` (`dce_opnum`): the request's operation number;
//! - `dcerpc.stub_data` (`dce_stub_data`): a sticky buffer, the request stub data to server and
//!   the response stub data to client (filled in `buffers.rs` by [`fetch`]).
//!
//! Each makes the rule a `dcerpc` rule (`DetectSignatureSetAppProto(s, ALPROTO_DCERPC)`), so an
//! `alert tcp` rule using them inspects DCERPC transactions only. Suricata also applies them to
//! DCERPC carried by SMB, which is not parsed here.

use app::dcerpc::DcerpcRecord;
use app::Record;
use rules::{DcerpcIface, OpnumRange, UintMatch};

/// A compiled `dcerpc.iface`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfaceM {
    pub uuid: [u8; 16],
    pub version: Option<UintMatch<u16>>,
    pub any_frag: bool,
}

impl IfaceM {
    pub fn compile(x: &DcerpcIface) -> IfaceM {
        IfaceM {
            uuid: x.uuid,
            version: x.version,
            any_frag: x.any_frag,
        }
    }

    /// Suricata's `rs_dcerpc_iface_match` on a transaction whose request was parsed. As there,
    /// the answer is that of the last accepted interface tried: an interface skipped for not
    /// being from a first fragment (without `any_frag`) leaves it "matched".
    pub fn matches(&self, tx: &DcerpcRecord) -> bool {
        if !tx.first_request_seen {
            return false;
        }
        let Some(list) = tx.accepted.as_deref() else {
            return false;
        };
        let mut ret = false;
        for u in list {
            ret = true;
            if !self.any_frag && !u.first_frag {
                continue;
            }
            if u.result != 0 {
                continue;
            }
            if u.uuid != self.uuid || u.ctxid != tx.ctxid {
                ret = false;
                continue;
            }
            if let Some(v) = self.version {
                if !v.matches(u.version) {
                    ret = false;
                }
            }
            if ret {
                return true;
            }
        }
        ret
    }
}

/// A compiled `dcerpc.opnum`: any of the numbers or (inclusive) ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpnumM {
    pub ranges: Vec<OpnumRange>,
}

impl OpnumM {
    pub fn compile(ranges: &[OpnumRange]) -> OpnumM {
        OpnumM {
            ranges: ranges.to_vec(),
        }
    }

    pub fn matches(&self, tx: &DcerpcRecord) -> bool {
        tx.first_request_seen && self.ranges.iter().any(|r| r.lo <= tx.opnum && tx.opnum <= r.hi)
    }
}

/// The `dcerpc.stub_data` instance of `rec` on the `to_server` side (none when empty).
pub fn fetch(rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    if let Record::Dcerpc(tx) = rec {
        let s = tx.stub(to_server);
        if !s.is_empty() {
            out.push(s.to_vec());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::dcerpc::Iface;
    use rules::UintMode;
    use std::sync::Arc;

    const UUID: [u8; 16] = [
        0x5d, 0x2b, 0x62, 0xaa, 0xee, 0x0a, 0x4a, 0x95, 0x91, 0xae, 0xb0, 0x64, 0xfd, 0xb4, 0x71, 0xfc,
    ];

    fn iface(ctxid: u16, uuid: [u8; 16], version: u16, first_frag: bool) -> Iface {
        Iface {
            ctxid,
            uuid,
            version,
            first_frag,
            ..Default::default()
        }
    }

    fn tx(accepted: Vec<Iface>, ctxid: u16, opnum: u16) -> DcerpcRecord {
        DcerpcRecord {
            first_request_seen: true,
            accepted: Some(Arc::from(accepted)),
            ctxid,
            opnum,
            ..Default::default()
        }
    }

    fn m(version: Option<UintMatch<u16>>, any_frag: bool) -> IfaceM {
        IfaceM {
            uuid: UUID,
            version,
            any_frag,
        }
    }

    #[test]
    fn iface_needs_an_accepted_context_of_the_request() {
        let t = tx(vec![iface(0, UUID, 1, true)], 0, 1);
        assert!(m(None, false).matches(&t));
        // Another context id, another UUID, no request, no BIND_ACK: no match.
        assert!(!m(None, false).matches(&tx(vec![iface(1, UUID, 1, true)], 0, 1)));
        let mut other = UUID;
        other[15] ^= 1;
        assert!(!m(None, false).matches(&tx(vec![iface(0, other, 1, true)], 0, 1)));
        let mut t2 = t.clone();
        t2.first_request_seen = false;
        assert!(!m(None, false).matches(&t2));
        t2 = t.clone();
        t2.accepted = None;
        assert!(!m(None, false).matches(&t2));
        assert!(!m(None, false).matches(&tx(vec![], 0, 1)));
    }

    #[test]
    fn iface_version_comparison() {
        let t = tx(vec![iface(0, UUID, 3, true)], 0, 1);
        let gt = |n| {
            Some(UintMatch {
                mode: UintMode::Gt,
                arg1: n,
                arg2: 0,
            })
        };
        assert!(m(gt(2), false).matches(&t));
        assert!(!m(gt(3), false).matches(&t));
        assert!(m(Some(UintMatch::eq(3)), false).matches(&t));
    }

    #[test]
    fn iface_first_fragment_quirk() {
        // The only accepted interface is from a non-first fragment: without any_frag it is
        // skipped, which Suricata reports as a match.
        let t = tx(vec![iface(0, [0; 16], 1, false)], 0, 1);
        assert!(m(None, false).matches(&t));
        assert!(!m(None, true).matches(&t));
        // Skipped first, then a mismatch: no match.
        let t = tx(vec![iface(0, [0; 16], 1, false), iface(5, UUID, 1, true)], 0, 1);
        assert!(!m(None, false).matches(&t));
    }

    #[test]
    fn opnum_lists_and_ranges() {
        let o = OpnumM::compile(&[OpnumRange { lo: 1, hi: 1 }, OpnumRange { lo: 5, hi: 7 }]);
        for (n, want) in [
            (0, false),
            (1, true),
            (4, false),
            (5, true),
            (7, true),
            (8, false),
        ] {
            assert_eq!(o.matches(&tx(vec![], 0, n)), want, "{n}");
        }
        let mut t = tx(vec![], 0, 1);
        t.first_request_seen = false;
        assert!(!o.matches(&t));
    }

    #[test]
    fn stub_data_by_side() {
        let t = DcerpcRecord {
            stub_ts: b"req".to_vec(),
            ..Default::default()
        };
        let rec = Record::Dcerpc(Box::new(t));
        let mut out = Vec::new();
        fetch(&rec, true, &mut out);
        assert_eq!(out, vec![b"req".to_vec()]);
        out.clear();
        fetch(&rec, false, &mut out);
        assert!(out.is_empty());
    }
}
