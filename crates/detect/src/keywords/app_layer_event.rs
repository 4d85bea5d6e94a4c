//! `app-layer-event:PROTO.NAME`: an app-layer decoder event raised on the inspected transaction,
//! as Suricata 7.0.10's `detect-app-layer-event.c` matches it (`DetectEngineAptEventInspect`:
//! the event is set in the transaction's decoder events). Protocol names are Suricata's (`http`
//! means HTTP/1); event names compare case-insensitively, as `SCMapEnumNameToValue` does.
//! An event the protocol's parser here does not raise ([`app::app_events`]), a packet event
//! (no `.`), or a protocol without events is a [`CompileError`]: the rule is skipped.
//!
//! TLS events ([`app::tls::EVENTS`]) are raised on the session's one transaction, which
//! Suricata keeps inspecting after it is logged: their rules are checked on every packet of the
//! flow against the open transaction (`engine/live_events.rs`), not at log time.

use super::CompileError;
use app::{AppProto, Record};

/// The skip-report label: the one `option_name` gives every event keyword, so the load
/// summary groups them as before.
const KEYWORD: &str = "app-layer-event/decode-event/stream-event";

/// A compiled `app-layer-event:PROTO.NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppEventM {
    pub proto: AppProto,
    /// The event's canonical name (from the parser's table).
    pub name: &'static str,
}

impl AppEventM {
    /// Parses and resolves the keyword's argument.
    pub fn compile(arg: &str) -> Result<AppEventM, CompileError> {
        let arg = arg.trim();
        let Some((proto_name, event)) = arg.split_once('.') else {
            return Err(CompileError::new(
                KEYWORD,
                format!("packet event '{arg}' is not supported"),
            ));
        };
        let proto = match proto_name {
            "http" | "http1" => AppProto::Http,
            "http2" => AppProto::Http2,
            "tls" => AppProto::Tls,
            "smtp" => AppProto::Smtp,
            "smb" => AppProto::Smb,
            // The small protocols (`snmp`, `krb5`, `ikev2`/`ike`, ...) by their names.
            p if app::app_events(small_proto(p)).is_some() => small_proto(p),
            _ => {
                return Err(CompileError::new(
                    KEYWORD,
                    format!("events of protocol '{proto_name}' are not supported"),
                ))
            }
        };
        let names = app::app_events(proto).unwrap_or(&[]);
        let Some(&name) = names.iter().find(|n| n.eq_ignore_ascii_case(event)) else {
            return Err(CompileError::new(
                KEYWORD,
                format!("event '{arg}' is not raised by this engine"),
            ));
        };
        Ok(AppEventM { proto, name })
    }

    /// Whether the event is set on `rec` (a transaction of [`Self::proto`]).
    pub fn matches(&self, rec: &Record) -> bool {
        if let (AppProto::Http2, Record::Http2(t)) = (self.proto, rec) {
            // HTTP/2 keeps its events as bits; names are those of `app::http2::EVENTS`.
            return t.events().any(|e| e.name() == self.name);
        }
        let same = matches!(
            (self.proto, rec),
            (AppProto::Http, Record::Http(_))
                | (AppProto::Tls, Record::Tls(_))
                | (AppProto::Smtp, Record::Smtp(_))
                | (AppProto::Smb, Record::Smb(_))
        );
        let same = same || (rec.one_direction().is_some() && rec.app_proto() == self.proto.name());
        same && rec.events().contains(&self.name)
    }
}

/// A small protocol by its `app-layer-event` name (`ikev2` is IKE); `Failed` if unknown.
fn small_proto(name: &str) -> AppProto {
    match name {
        "ikev2" | "ikev1" => AppProto::Ike,
        n => AppProto::from_name(n).unwrap_or(AppProto::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_known_events_only() {
        let m = AppEventM::compile("http.too_many_encoding_layers").unwrap();
        assert_eq!(
            m,
            AppEventM {
                proto: AppProto::Http,
                name: "too_many_encoding_layers"
            }
        );
        let m = AppEventM::compile(" http.Request_Auth_Unrecognized").unwrap();
        assert_eq!(m.name, "request_auth_unrecognized");
        assert_eq!(m.proto, AppProto::Http);
        assert_eq!(
            AppEventM::compile("smtp.MIME_LONG_BOUNDARY").unwrap().name,
            "mime_long_boundary"
        );
        assert_eq!(
            AppEventM::compile("tls.Invalid_Handshake_Message").unwrap(),
            AppEventM {
                proto: AppProto::Tls,
                name: "invalid_handshake_message"
            }
        );
        assert_eq!(
            AppEventM::compile("http2.authority_host_mismatch").unwrap(),
            AppEventM {
                proto: AppProto::Http2,
                name: "authority_host_mismatch"
            }
        );
        // Outdated, unknown, packet-level and other-protocol events are refused.
        for bad in [
            "tls.certificate_missing_element",
            "tls.nope",
            "applayer_mismatch_protocol_both_directions",
            "dns.malformed_data",
            "",
            ".",
            "tls.",
            "http2.nope",
        ] {
            let e = AppEventM::compile(bad).unwrap_err();
            assert_eq!(e.keyword, "app-layer-event/decode-event/stream-event", "{bad}");
        }
    }

    #[test]
    fn matches_the_transaction_events() {
        let m = AppEventM::compile("smtp.mime_long_boundary").unwrap();
        let mut s = app::smtp::SmtpRecord::default();
        assert!(!m.matches(&Record::Smtp(Box::new(s.clone()))));
        s.events.push("mime_long_boundary");
        assert!(m.matches(&Record::Smtp(Box::new(s))));
        // Same name on another protocol's record does not count.
        let t = app::tls::TlsRecord {
            events: vec!["mime_long_boundary"],
            ..Default::default()
        };
        assert!(!m.matches(&Record::Tls(Box::new(t))));
    }
}
