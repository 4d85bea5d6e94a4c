//! `tls.version`: the TLS version of the side being inspected, as Suricata 7's
//! `detect-tls-version.c` reads it (`server_connp.version` to client, `client_connp.version`
//! to server; TLS 1.3 drafts `0x7fXX` count as TLS 1.3). It matches on the TLS transaction.

use app::Record;

/// A match on an app-layer transaction's state rather than on a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxCond {
    /// `tls.version:N` (the 16-bit wire version).
    TlsVersion(u16),
    /// `app-layer-event:PROTO.NAME`.
    AppLayerEvent(super::app_layer_event::AppEventM),
    /// `dcerpc.iface`.
    DceIface(super::dce::IfaceM),
    /// `dcerpc.opnum`.
    DceOpnum(super::dce::OpnumM),
    /// An integer field of a small protocol's transaction (`snmp.version`, ...).
    AppUint(super::app_uint::AppUintM),
    /// `cip_service` on an ENIP transaction.
    Cip(super::enip::CipServiceM),
    /// `ftpbounce` (see [`super::ftpbounce`]).
    Ftpbounce,
}

impl TxCond {
    /// The protocol whose transactions this applies to.
    pub fn proto(&self) -> app::AppProto {
        match self {
            TxCond::TlsVersion(_) => app::AppProto::Tls,
            TxCond::AppLayerEvent(m) => m.proto,
            TxCond::DceIface(_) | TxCond::DceOpnum(_) => app::AppProto::Dcerpc,
            TxCond::AppUint(m) => m.proto(),
            TxCond::Cip(_) => app::AppProto::Enip,
            TxCond::Ftpbounce => app::AppProto::Ftp,
        }
    }

    /// The keyword (for reports).
    pub fn keyword(&self) -> &'static str {
        match self {
            TxCond::TlsVersion(_) => "tls.version",
            TxCond::AppLayerEvent(_) => "app-layer-event",
            TxCond::DceIface(_) => "dcerpc.iface",
            TxCond::DceOpnum(_) => "dcerpc.opnum",
            TxCond::AppUint(m) => super::app_uint::keyword(m.field),
            TxCond::Cip(_) => "cip_service",
            TxCond::Ftpbounce => "ftpbounce",
        }
    }

    /// Whether it matches `rec` inspected from the `to_server` side.
    pub fn matches(&self, rec: &Record, to_server: bool) -> bool {
        match (self, rec) {
            (&TxCond::TlsVersion(want), Record::Tls(t)) => {
                let mut v = if to_server { t.client_version } else { t.version };
                if v >> 8 == 0x7f {
                    v = 0x0304;
                }
                v == want
            }
            (TxCond::AppLayerEvent(m), rec) => m.matches(rec),
            (TxCond::DceIface(m), Record::Dcerpc(t)) => m.matches(t),
            (TxCond::DceOpnum(m), Record::Dcerpc(t)) => m.matches(t),
            (TxCond::DceIface(m), Record::Smb(_)) => super::smb::iface_matches(m, rec),
            (TxCond::DceOpnum(m), Record::Smb(_)) => super::smb::opnum_matches(m, rec),
            (TxCond::AppUint(m), rec) => m.matches(rec, to_server),
            (TxCond::Cip(m), Record::Enip(t)) => m.matches(t),
            (TxCond::Ftpbounce, rec) => super::ftpbounce::matches(rec, to_server),
            _ => false,
        }
    }
}
