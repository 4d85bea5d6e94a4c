//! Integer keywords on the transactions of the small app-layer protocols, as Suricata 7.0.10
//! matches them (`AppLayerTxMatch` on the inspected transaction):
//! - `snmp.version` (`detect-snmp-version.c`, u32 syntax) and `snmp.pdu_type` (equality; a
//!   transaction without a readable PDU has type `0xffffffff`).
//! - `krb5_msg_type` and `krb5_err_code` (`detect-krb5-msgtype.c`, `detect-krb5-errcode.c`:
//!   equality; a transaction without an error code never matches `krb5_err_code`).
//!
//! Each makes the rule a rule of its protocol (`DetectSignatureSetAppProto`), so an `alert ip`
//! rule using one inspects that protocol's transactions only.

use app::{AppProto, Record};
use rules::{UintField, UintMatch};

/// A compiled integer keyword on a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUintM {
    pub field: UintField,
    pub cmp: UintMatch<u64>,
}

/// The protocol whose transactions carry `f`, for the fields this module matches.
pub fn proto_of(f: UintField) -> Option<AppProto> {
    Some(match f {
        UintField::SnmpVersion | UintField::SnmpPduType => AppProto::Snmp,
        UintField::Krb5MsgType | UintField::Krb5ErrCode => AppProto::Krb5,
        UintField::EnipCommand => AppProto::Enip,
        UintField::NfsVersion | UintField::NfsProcedure => AppProto::Nfs,
        _ => return None,
    })
}

/// The keyword name of `f` (for reports).
pub fn keyword(f: UintField) -> &'static str {
    match f {
        UintField::SnmpVersion => "snmp.version",
        UintField::SnmpPduType => "snmp.pdu_type",
        UintField::Krb5MsgType => "krb5_msg_type",
        UintField::Krb5ErrCode => "krb5_err_code",
        UintField::EnipCommand => "enip_command",
        UintField::NfsVersion => "nfs.version",
        UintField::NfsProcedure => "nfs_procedure",
        _ => "integer keyword",
    }
}

impl AppUintM {
    /// `None` when `field` is not a transaction field of this module.
    pub fn compile(field: UintField, cmp: UintMatch<u64>) -> Option<AppUintM> {
        proto_of(field).map(|_| AppUintM { field, cmp })
    }

    pub fn proto(&self) -> AppProto {
        proto_of(self.field).unwrap_or(AppProto::Failed)
    }

    /// Whether the field of `rec` matches.
    pub fn matches(&self, rec: &Record, to_server: bool) -> bool {
        match (self.field, rec) {
            (UintField::SnmpVersion, Record::Snmp(t)) => self.cmp.matches(u64::from(t.version)),
            (UintField::SnmpPduType, Record::Snmp(t)) => self.cmp.matches(u64::from(t.pdu_type_value())),
            (UintField::Krb5MsgType, Record::Krb5(t)) => self.cmp.matches(u64::from(t.msg_type)),
            (UintField::Krb5ErrCode, Record::Krb5(t)) => t
                .error_code
                .and_then(|c| u64::try_from(c).ok())
                .is_some_and(|c| self.cmp.matches(c)),
            (UintField::EnipCommand, Record::Enip(t)) => self.cmp.matches(u64::from(t.command)),
            // Suricata registers both NFS keywords on the request side only (`nfs_request`).
            (UintField::NfsVersion, Record::Nfs(t)) => to_server && self.cmp.matches(u64::from(t.version)),
            (UintField::NfsProcedure, Record::Nfs(t)) => {
                to_server && t.procedures().any(|p| self.cmp.matches(u64::from(p)))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::snmp::SnmpRecord;

    fn snmp(version: u32, pdu: Option<u32>) -> Record {
        Record::Snmp(Box::new(SnmpRecord {
            version,
            info: pdu.map(|p| app::snmp::PduInfo {
                pdu_type: p,
                err: 0,
                trap: None,
                vars: Vec::new(),
            }),
            community: None,
            usm: None,
            encrypted: false,
            to_server: true,
            events: Vec::new(),
        }))
    }

    #[test]
    fn snmp_fields() {
        let v = AppUintM::compile(
            UintField::SnmpVersion,
            UintMatch {
                mode: rules::UintMode::Gt,
                arg1: 1,
                arg2: 0,
            },
        )
        .unwrap();
        assert_eq!(v.proto(), AppProto::Snmp);
        assert!(v.matches(&snmp(2, Some(0)), true));
        assert!(!v.matches(&snmp(1, Some(0)), true));
        let p = AppUintM::compile(UintField::SnmpPduType, UintMatch::eq(1)).unwrap();
        assert!(p.matches(&snmp(2, Some(1)), false));
        assert!(!p.matches(&snmp(2, None), false));
        let none = AppUintM::compile(UintField::SnmpPduType, UintMatch::eq(0xffff_ffff)).unwrap();
        assert!(none.matches(&snmp(2, None), false));
        assert!(AppUintM::compile(UintField::TcpMss, UintMatch::eq(1)).is_none());
    }

    fn krb5(msg_type: u32, error_code: Option<i32>) -> Record {
        Record::Krb5(Box::new(app::krb5::Krb5Record {
            msg_type,
            cname: None,
            realm: None,
            sname: None,
            etype: None,
            ticket_etype: None,
            error_code,
            req_type: None,
            to_server: false,
            events: Vec::new(),
        }))
    }

    #[test]
    fn krb5_fields() {
        let t = AppUintM::compile(UintField::Krb5MsgType, UintMatch::eq(30)).unwrap();
        assert_eq!(t.proto(), AppProto::Krb5);
        assert!(t.matches(&krb5(30, Some(25)), false));
        assert!(!t.matches(&krb5(11, None), false));
        let e = AppUintM::compile(UintField::Krb5ErrCode, UintMatch::eq(25)).unwrap();
        assert!(e.matches(&krb5(30, Some(25)), false));
        assert!(!e.matches(&krb5(30, Some(-25)), false));
        assert!(!e.matches(&krb5(30, None), false));
        let zero = AppUintM::compile(UintField::Krb5ErrCode, UintMatch::eq(0)).unwrap();
        assert!(!zero.matches(&krb5(10, None), false));
    }

    #[test]
    fn nfs_and_enip_fields() {
        let rec = Record::Nfs(Box::new(app::nfs::NfsRecord {
            version: 3,
            procedure: 7,
            additional_procs: vec![21],
            ..Default::default()
        }));
        let v = AppUintM::compile(UintField::NfsVersion, UintMatch::eq(3)).unwrap();
        assert_eq!(v.proto(), AppProto::Nfs);
        assert!(v.matches(&rec, true));
        // Request side only.
        assert!(!v.matches(&rec, false));
        let p = AppUintM::compile(UintField::NfsProcedure, UintMatch::eq(21)).unwrap();
        assert!(p.matches(&rec, true));
        assert!(!AppUintM::compile(UintField::NfsProcedure, UintMatch::eq(6))
            .unwrap()
            .matches(&rec, true));
        let e = AppUintM::compile(UintField::EnipCommand, UintMatch::eq(0x63)).unwrap();
        assert_eq!(e.proto(), AppProto::Enip);
        let enip = Record::Enip(Box::new(app::enip::EnipRecord {
            command: 0x63,
            ..Default::default()
        }));
        assert!(e.matches(&enip, false));
        assert!(!e.matches(&rec, true));
    }
}
