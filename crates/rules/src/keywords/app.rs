//! App-layer and miscellaneous keywords: events, `app-layer-protocol`, TLS versions and
//! states, `dataset`/`datarep`, DCERPC, CIP, `urilen`, `requires`, `config`, `flowvar`,
//! `filestore`.

use crate::ast::{
    AppLayerProtocol, AppProto, AppProtoMode, Datarep, Dataset, DatasetCmd, DatasetType, DcerpcIface,
    OpnumRange,
};
use crate::buffer::BufferRef;
use crate::error::{OptError, OptResult};
use crate::keywords::split_args;
use crate::uint::{parse_num, parse_uint, UintMatch, UintMode};

/// An event name: `proto.event` or `event` (letters, digits, `_`, `.`, `-`).
pub(crate) fn event(v: &str) -> OptResult<String> {
    let t = v.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(OptError::arg(format!("invalid event name '{v}'")));
    }
    Ok(t.to_string())
}

/// `app-layer-protocol:[!]proto[,mode]` (the `!` is removed by the framework).
pub(crate) fn app_layer_protocol(v: &str, negated: bool) -> OptResult<AppLayerProtocol> {
    let (p, m) = match v.split_once(',') {
        Some((p, m)) => (p.trim(), Some(m.trim())),
        None => (v.trim(), None),
    };
    let proto = AppProto::from_name(p).ok_or_else(|| OptError::arg(format!("unknown protocol '{p}'")))?;
    let mode = match m {
        None => None,
        Some("final") => Some(AppProtoMode::Final),
        Some("original") => Some(AppProtoMode::Original),
        Some("either") => Some(AppProtoMode::Either),
        Some("to_server") => Some(AppProtoMode::ToServer),
        Some("to_client") => Some(AppProtoMode::ToClient),
        Some(o) => return Err(OptError::arg(format!("invalid mode '{o}'"))),
    };
    Ok(AppLayerProtocol { negated, proto, mode })
}

/// `tls.version:1.0|1.1|1.2|1.3|3|0xNNNN`.
pub(crate) fn tls_version(v: &str) -> OptResult<u16> {
    Ok(match v.trim() {
        "1.0" => 0x0301,
        "1.1" => 0x0302,
        "1.2" => 0x0303,
        "1.3" => 0x0304,
        "3" | "3.0" => 0x0300,
        o => parse_num::<u16>(o).map_err(|_| OptError::arg(format!("invalid TLS version '{o}'")))?,
    })
}

/// A comma list of names with optional `!` (`ssl_version`, `ssl_state`); `|` also separates.
pub(crate) fn name_list(v: &str, allowed: &[&str]) -> OptResult<Vec<(bool, String)>> {
    let mut out = Vec::new();
    for p in v.split([',', '|']) {
        let p = p.trim();
        let (neg, name) = match p.strip_prefix('!') {
            Some(n) => (true, n.trim()),
            None => (false, p),
        };
        let name = name.to_ascii_lowercase();
        if !allowed.contains(&name.as_str()) {
            return Err(OptError::arg(format!("unknown value '{p}'")));
        }
        out.push((neg, name));
    }
    Ok(out)
}

pub(crate) const SSL_VERSIONS: &[&str] = &["sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"];
pub(crate) const SSL_STATES: &[&str] = &[
    "client_hello",
    "server_hello",
    "client_keyx",
    "server_keyx",
    "unknown",
];

fn dataset_type(s: &str) -> OptResult<DatasetType> {
    Ok(match s {
        "string" => DatasetType::String,
        "md5" => DatasetType::Md5,
        "sha256" => DatasetType::Sha256,
        "ipv4" => DatasetType::Ipv4,
        "ip" | "ipv6" => DatasetType::Ip,
        o => return Err(OptError::arg(format!("invalid dataset type '{o}'"))),
    })
}

fn kv(p: &str) -> (&str, &str) {
    match p.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((k, v)) => (k, v.trim()),
        None => (p, ""),
    }
}

fn set_name(s: &str) -> OptResult<String> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(OptError::arg(format!("invalid set name '{s}'")));
    }
    Ok(s.to_string())
}

/// `dataset:cmd,name[, type T, load F, save F, state F, memcap N, hashsize N]`.
pub(crate) fn dataset(v: &str) -> OptResult<Dataset> {
    let mut parts = split_args(v);
    let cmd = match parts.next().unwrap_or("") {
        "set" => DatasetCmd::Set,
        "unset" => DatasetCmd::Unset,
        "isset" => DatasetCmd::IsSet,
        "isnotset" => DatasetCmd::IsNotSet,
        o => return Err(OptError::arg(format!("invalid dataset command '{o}'"))),
    };
    let name = set_name(parts.next().unwrap_or(""))?;
    let mut d = Dataset {
        buffer: BufferRef::payload(),
        cmd,
        name,
        kind: None,
        load: None,
        save: None,
        state: None,
        memcap: None,
        hashsize: None,
    };
    for p in parts {
        match kv(p) {
            ("type", t) => d.kind = Some(dataset_type(t)?),
            ("load", f) if !f.is_empty() => d.load = Some(f.to_string()),
            ("save", f) if !f.is_empty() => d.save = Some(f.to_string()),
            ("state", f) if !f.is_empty() => d.state = Some(f.to_string()),
            ("memcap", n) => d.memcap = Some(parse_num::<u64>(n)?),
            ("hashsize", n) => d.hashsize = Some(parse_num::<u32>(n)?),
            _ => return Err(OptError::arg(format!("unknown dataset option '{p}'"))),
        }
    }
    Ok(d)
}

/// `datarep:name, op, value[, type T, load F, memcap N, hashsize N]`.
pub(crate) fn datarep(v: &str) -> OptResult<Datarep> {
    let parts: Vec<&str> = split_args(v).collect();
    let name = set_name(parts.first().copied().unwrap_or(""))?;
    let op = parts.get(1).copied().unwrap_or("");
    let val = parts.get(2).copied().unwrap_or("");
    let mode = match op {
        ">" => UintMode::Gt,
        "<" => UintMode::Lt,
        "=" | "==" => UintMode::Eq,
        ">=" => UintMode::Gte,
        "<=" => UintMode::Lte,
        o => return Err(OptError::arg(format!("invalid datarep operator '{o}'"))),
    };
    let cmp = UintMatch {
        mode,
        arg1: parse_num::<u16>(val)?,
        arg2: 0,
    };
    let mut d = Datarep {
        buffer: BufferRef::payload(),
        name,
        cmp,
        kind: None,
        load: None,
        memcap: None,
        hashsize: None,
    };
    for p in parts.iter().skip(3) {
        match kv(p) {
            ("type", t) => d.kind = Some(dataset_type(t)?),
            ("load", f) if !f.is_empty() => d.load = Some(f.to_string()),
            ("memcap", n) => d.memcap = Some(parse_num::<u64>(n)?),
            ("hashsize", n) => d.hashsize = Some(parse_num::<u32>(n)?),
            _ => return Err(OptError::arg(format!("unknown datarep option '{p}'"))),
        }
    }
    Ok(d)
}

/// A UUID `12345678-1234-abcd-ef00-0123456789ab` to its 16 bytes (as written).
fn uuid(s: &str) -> OptResult<[u8; 16]> {
    let groups: Vec<&str> = s.split('-').collect();
    if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
        return Err(OptError::arg(format!("invalid UUID '{s}'")));
    }
    let hex: String = groups.concat();
    let mut out = [0u8; 16];
    for (i, slot) in out.iter_mut().enumerate() {
        let pair = hex
            .get(i * 2..i * 2 + 2)
            .ok_or_else(|| OptError::arg("invalid UUID"))?;
        *slot = u8::from_str_radix(pair, 16).map_err(|_| OptError::arg(format!("invalid UUID '{s}'")))?;
    }
    Ok(out)
}

/// `dcerpc.iface:uuid[,[<>=!]version][,any_frag]`.
pub(crate) fn dcerpc_iface(v: &str) -> OptResult<DcerpcIface> {
    let mut parts = split_args(v);
    let uuid = uuid(parts.next().unwrap_or(""))?;
    let mut d = DcerpcIface {
        uuid,
        version: None,
        any_frag: false,
    };
    for p in parts {
        if p == "any_frag" {
            d.any_frag = true;
        } else {
            d.version = Some(parse_uint::<u16>(p)?);
        }
    }
    Ok(d)
}

/// `dcerpc.opnum:1,5-7`.
pub(crate) fn dcerpc_opnum(v: &str) -> OptResult<Vec<OpnumRange>> {
    let mut out = Vec::new();
    for p in split_args(v) {
        let r = match p.split_once('-') {
            Some((a, b)) => {
                let (lo, hi) = (parse_num::<u16>(a)?, parse_num::<u16>(b)?);
                if lo > hi {
                    return Err(OptError::arg(format!("invalid opnum range '{p}'")));
                }
                OpnumRange { lo, hi }
            }
            None => {
                let n = parse_num::<u16>(p)?;
                OpnumRange { lo: n, hi: n }
            }
        };
        out.push(r);
    }
    Ok(out)
}

/// `cip_service:service[,class[,[!]attribute]]` as Suricata 7.0.10's `DetectCipServiceParse`
/// reads it: comma-separated tokens (empty ones skipped, as `strtok_r` does), each starting with
/// a digit (the attribute may start with `!`), range-checked on its leading digits (service <=
/// 127, class and attribute <= 65535), but *stored* from at most its first two digits
/// (`sscanf("%2hhu")`): `cip_service:16,246,6` matches class 24. Returns (service, class,
/// attribute, attribute negated).
pub(crate) fn cip_service(v: &str) -> OptResult<(u8, Option<u16>, Option<u16>, bool)> {
    let mut vals = [0u8; 3];
    let mut n = 0usize;
    let mut negated = false;
    for token in v.split(',').filter(|t| !t.is_empty()) {
        if n > 2 {
            return Err(OptError::arg("too many cip_service parameters"));
        }
        let mut t = token;
        if n == 2 {
            if let Some(rest) = t.strip_prefix('!') {
                negated = true;
                t = rest;
            }
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(OptError::arg(format!("cip_service parameter error '{token}'")));
        }
        // `atol` of the leading digits, saturating.
        let num = t.bytes().take(digits).fold(0u64, |a, d| {
            a.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        let max = if n == 0 { 127 } else { 65535 };
        if num > max {
            return Err(OptError::arg(format!("invalid cip_service value {num}")));
        }
        let stored = t
            .bytes()
            .take(digits.min(2))
            .fold(0u8, |a, d| a.wrapping_mul(10).wrapping_add(d - b'0'));
        if let Some(slot) = vals.get_mut(n) {
            *slot = stored;
        }
        n += 1;
    }
    if n == 0 {
        return Err(OptError::arg("no cip_service tokens"));
    }
    Ok((
        vals[0],
        (n > 1).then_some(u16::from(vals[1])),
        (n > 2).then_some(u16::from(vals[2])),
        negated,
    ))
}

/// `urilen:cmp[,norm|raw]` -> (comparison, raw).
pub(crate) fn urilen(v: &str) -> OptResult<(UintMatch<u16>, bool)> {
    let (c, kind) = match v.split_once(',') {
        Some((c, k)) => (c, Some(k.trim())),
        None => (v, None),
    };
    let raw = match kind {
        None | Some("norm") => false,
        Some("raw") => true,
        Some(o) => return Err(OptError::arg(format!("expected norm or raw, got '{o}'"))),
    };
    Ok((parse_uint::<u16>(c)?, raw))
}

/// `key value, key value` lists (`requires`, `config`).
pub(crate) fn key_values(v: &str) -> OptResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for p in split_args(v) {
        let (k, val) = kv(p);
        if k.is_empty() || val.is_empty() {
            return Err(OptError::arg(format!("expected 'key value', got '{p}'")));
        }
        out.push((k.to_string(), val.to_string()));
    }
    Ok(out)
}

/// `flowvar:name,"content"` / `pktvar:name,"content"`.
pub(crate) fn var_match(v: &str) -> OptResult<(String, Vec<u8>)> {
    let (n, c) = v
        .split_once(',')
        .ok_or_else(|| OptError::arg("expected name,\"content\""))?;
    let c = c.trim();
    let inner = c
        .strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .ok_or_else(|| OptError::arg("content must be quoted"))?;
    Ok((set_name(n.trim())?, crate::keywords::content::decode(inner)?))
}

/// `filestore[:direction[,scope]]`.
pub(crate) fn filestore(v: Option<&str>) -> OptResult<(Option<String>, Option<String>)> {
    let Some(v) = v else { return Ok((None, None)) };
    let mut parts = split_args(v);
    let d = parts.next().filter(|s| !s.is_empty());
    let s = parts.next();
    if let Some(d) = d {
        if !matches!(d, "request" | "to_server" | "response" | "to_client" | "both") {
            return Err(OptError::arg(format!("invalid filestore direction '{d}'")));
        }
    }
    if let Some(s) = s {
        if !matches!(s, "file" | "tx" | "ssn" | "flow") {
            return Err(OptError::arg(format!("invalid filestore scope '{s}'")));
        }
    }
    Ok((d.map(str::to_string), s.map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_protocols() {
        assert_eq!(
            event("http.invalid_transfer_encoding_value_in_request")
                .unwrap()
                .len(),
            47
        );
        assert!(event("a b").is_err());
        let p = app_layer_protocol("tls", true).unwrap();
        assert!(p.negated);
        assert_eq!(p.proto, AppProto::Tls);
        assert_eq!(
            app_layer_protocol("http,final", false).unwrap().mode,
            Some(AppProtoMode::Final)
        );
        assert!(app_layer_protocol("gopher", false).is_err());
        assert_eq!(tls_version("1.2").unwrap(), 0x0303);
        assert_eq!(tls_version("0x0304").unwrap(), 0x0304);
        assert!(tls_version("9.9").is_err());
        assert_eq!(
            name_list("tls1.2,!sslv3", SSL_VERSIONS).unwrap(),
            vec![(false, "tls1.2".to_string()), (true, "sslv3".to_string())]
        );
        assert!(name_list("tls9", SSL_VERSIONS).is_err());
    }

    #[test]
    fn datasets() {
        let d = dataset("isset,ua-seen,type string,load datasets.csv,memcap 88074,hashsize 1").unwrap();
        assert_eq!(d.cmd, DatasetCmd::IsSet);
        assert_eq!(d.name, "ua-seen");
        assert_eq!(d.kind, Some(DatasetType::String));
        assert_eq!(d.load.as_deref(), Some("datasets.csv"));
        assert_eq!((d.memcap, d.hashsize), (Some(88074), Some(1)));
        assert!(dataset("frob,x").is_err());
        assert!(dataset("set,x,type blob").is_err());
        let r = datarep("dns_md5, >, 200, load dns_md5.rep, type md5").unwrap();
        assert_eq!(
            r.cmp,
            UintMatch {
                mode: UintMode::Gt,
                arg1: 200,
                arg2: 0
            }
        );
        assert_eq!(r.kind, Some(DatasetType::Md5));
        assert!(datarep("x, ~, 1").is_err());
    }

    #[test]
    fn dcerpc_and_misc() {
        let i = dcerpc_iface("12345678-1234-abcd-ef00-0123456789ab,>1,any_frag").unwrap();
        assert_eq!(i.uuid[0], 0x12);
        assert_eq!(i.uuid[15], 0xab);
        assert!(i.any_frag);
        assert_eq!(i.version.map(|v| v.mode), Some(UintMode::Gt));
        assert!(dcerpc_iface("1234").is_err());
        assert_eq!(
            dcerpc_opnum("1, 5-7").unwrap(),
            vec![OpnumRange { lo: 1, hi: 1 }, OpnumRange { lo: 5, hi: 7 }]
        );
        assert!(dcerpc_opnum("7-5").is_err());
        assert_eq!(cip_service("10").unwrap(), (10, None, None, false));
        assert_eq!(cip_service("10,2,3").unwrap(), (10, Some(2), Some(3), false));
        // Suricata stores at most two digits of each value (`sscanf("%2hhu")`).
        assert_eq!(cip_service("16,246,!6").unwrap(), (16, Some(24), Some(6), true));
        assert_eq!(cip_service("100").unwrap(), (10, None, None, false));
        assert_eq!(cip_service("1,,2").unwrap(), (1, Some(2), None, false));
        assert!(cip_service("128").is_err());
        assert!(cip_service("1,65536").is_err());
        assert!(cip_service("1,2,3,4").is_err());
        assert!(cip_service("1, 2").is_err());
        assert!(cip_service("!1").is_err());
        assert!(cip_service(",").is_err());
        assert!(urilen(">10,raw").unwrap().1);
        assert!(urilen("5,weird").is_err());
        assert_eq!(
            key_values("feature geoip, version >= 7.0.3").unwrap(),
            vec![
                ("feature".into(), "geoip".into()),
                ("version".into(), ">= 7.0.3".into())
            ]
        );
        assert!(key_values("lonely").is_err());
        assert_eq!(
            var_match("x,\"a|41|\"").unwrap(),
            ("x".to_string(), b"aA".to_vec())
        );
        assert!(var_match("x,abc").is_err());
        assert_eq!(
            filestore(Some("to_server,flow")).unwrap().1.as_deref(),
            Some("flow")
        );
        assert!(filestore(Some("up")).is_err());
    }
}
