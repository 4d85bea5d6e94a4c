//! The sticky buffers of the small app-layer protocols (SNMP, ...), as Suricata 7.0.10's
//! `GetData` callbacks fill them from a transaction.

use app::{AppProto, Record};
use rules::Buffer;

/// The protocol whose records carry `b`, for the buffers of this module.
pub fn proto_of(b: Buffer) -> Option<AppProto> {
    use Buffer::*;
    Some(match b {
        SnmpCommunity | SnmpUsm => AppProto::Snmp,
        Krb5Cname | Krb5Sname => AppProto::Krb5,
        _ => return None,
    })
}

/// Which directions `b` is registered in (to server, to client), for the buffers of this
/// module.
pub fn directions(b: Buffer) -> Option<(bool, bool)> {
    use Buffer::*;
    Some(match b {
        SnmpCommunity | SnmpUsm => (true, true),
        // `krb5_cname` / `krb5_sname` are registered to client only.
        Krb5Cname | Krb5Sname => (false, true),
        _ => return None,
    })
}

/// Appends the instances of `b` of `rec` to `out`.
pub fn fetch(b: Buffer, rec: &Record, _to_server: bool, out: &mut Vec<Vec<u8>>) {
    use Buffer::*;
    match rec {
        Record::Snmp(t) => {
            // `rs_snmp_tx_get_community` / `rs_snmp_tx_get_usm`.
            let v = match b {
                SnmpCommunity => t.community.as_deref(),
                SnmpUsm => t.usm.as_deref(),
                _ => None,
            };
            if let Some(v) = v {
                out.push(v.as_bytes().to_vec());
            }
        }
        Record::Krb5(t) => {
            // `rs_krb5_tx_get_cname` / `rs_krb5_tx_get_sname`: one buffer per name component.
            let names = match b {
                Krb5Cname => t.cname.as_deref(),
                Krb5Sname => t.sname.as_deref(),
                _ => None,
            };
            for n in names.unwrap_or_default() {
                out.push(n.as_bytes().to_vec());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snmp_buffers() {
        let rec = Record::Snmp(Box::new(app::snmp::SnmpRecord {
            version: 2,
            info: None,
            community: Some("public".into()),
            usm: None,
            encrypted: false,
            to_server: true,
            events: Vec::new(),
        }));
        let mut out = Vec::new();
        fetch(Buffer::SnmpCommunity, &rec, true, &mut out);
        fetch(Buffer::SnmpUsm, &rec, true, &mut out);
        assert_eq!(out, vec![b"public".to_vec()]);
        assert_eq!(proto_of(Buffer::SnmpUsm), Some(AppProto::Snmp));
        assert_eq!(proto_of(Buffer::HttpUri), None);
        assert_eq!(directions(Buffer::SnmpCommunity), Some((true, true)));
    }

    #[test]
    fn krb5_buffers() {
        let rec = Record::Krb5(Box::new(app::krb5::Krb5Record {
            msg_type: 11,
            cname: Some(vec!["robin".into()]),
            realm: None,
            sname: Some(vec!["krbtgt".into(), "CYLERA.LAB".into()]),
            etype: None,
            ticket_etype: None,
            error_code: None,
            req_type: None,
            to_server: false,
            events: Vec::new(),
        }));
        let mut out = Vec::new();
        fetch(Buffer::Krb5Sname, &rec, false, &mut out);
        assert_eq!(out, vec![b"krbtgt".to_vec(), b"CYLERA.LAB".to_vec()]);
        out.clear();
        fetch(Buffer::Krb5Cname, &rec, false, &mut out);
        assert_eq!(out, vec![b"robin".to_vec()]);
        assert_eq!(directions(Buffer::Krb5Cname), Some((false, true)));
    }
}
