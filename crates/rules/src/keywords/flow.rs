//! Flow and state keywords: `flow`, `flowbits`, `xbits`, `hostbits`, `flowint`, `threshold`,
//! `detection_filter`, `tag`, `stream_size`.

use crate::ast::{
    BitCmd, BitTrack, DetectionFilter, Flow, FlowDir, FlowState, Flowbits, Flowint, FlowintOp, NumArg,
    StreamSide, StreamSize, Tag, TagMetric, TagScope, Threshold, ThresholdType, Track, Xbits,
};
use crate::error::{OptError, OptResult};
use crate::keywords::split_args;
use crate::uint::{parse_num, parse_uint};

fn once<T>(slot: &mut Option<T>, v: T, what: &str) -> OptResult<()> {
    if slot.is_some() {
        return Err(OptError::arg(format!(
            "conflicting or repeated flow option '{what}'"
        )));
    }
    *slot = Some(v);
    Ok(())
}

/// `flow:to_server,established,...`.
pub(crate) fn flow(v: &str) -> OptResult<Flow> {
    let mut f = Flow::default();
    let mut n = 0;
    for p in split_args(v) {
        n += 1;
        if n > 5 {
            return Err(OptError::arg("too many flow options"));
        }
        match p.to_ascii_lowercase().as_str() {
            "to_server" | "from_client" => once(&mut f.dir, FlowDir::ToServer, p)?,
            "to_client" | "from_server" => once(&mut f.dir, FlowDir::ToClient, p)?,
            "established" => once(&mut f.state, FlowState::Established, p)?,
            "not_established" => once(&mut f.state, FlowState::NotEstablished, p)?,
            "stateless" => once(&mut f.state, FlowState::Stateless, p)?,
            "only_stream" => once(&mut f.stream, true, p)?,
            "no_stream" => once(&mut f.stream, false, p)?,
            "only_frag" => once(&mut f.frag, true, p)?,
            "no_frag" => once(&mut f.frag, false, p)?,
            _ => return Err(OptError::arg(format!("unknown flow option '{p}'"))),
        }
    }
    Ok(f)
}

fn bit_cmd(s: &str) -> OptResult<BitCmd> {
    Ok(match s {
        "set" => BitCmd::Set,
        "unset" => BitCmd::Unset,
        "toggle" => BitCmd::Toggle,
        "isset" => BitCmd::IsSet,
        "isnotset" => BitCmd::IsNotSet,
        "noalert" => BitCmd::NoAlert,
        o => return Err(OptError::arg(format!("unknown command '{o}'"))),
    })
}

fn bit_name(s: &str) -> OptResult<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == ',') {
        return Err(OptError::arg(format!("invalid bit name '{s}'")));
    }
    Ok(s.to_string())
}

/// `flowbits:cmd[,name]` (`isset`/`isnotset` accept `a|b`, `set`/`unset`/`toggle` accept `a&b`).
pub(crate) fn flowbits(v: &str) -> OptResult<Flowbits> {
    let (cmd_s, name) = match v.split_once(',') {
        Some((c, n)) => (c.trim(), Some(n.trim())),
        None => (v.trim(), None),
    };
    let cmd = bit_cmd(cmd_s)?;
    let names = match (cmd, name) {
        (BitCmd::NoAlert, None) => Vec::new(),
        (BitCmd::NoAlert, Some(_)) => return Err(OptError::arg("noalert takes no name")),
        (_, None) => return Err(OptError::arg("missing flowbit name")),
        (BitCmd::IsSet | BitCmd::IsNotSet, Some(n)) => {
            n.split('|').map(bit_name).collect::<OptResult<_>>()?
        }
        (_, Some(n)) => n.split('&').map(bit_name).collect::<OptResult<_>>()?,
    };
    Ok(Flowbits { cmd, names })
}

/// `xbits:cmd,name,track ip_src|ip_dst|ip_pair[,expire N]`.
pub(crate) fn xbits(v: &str) -> OptResult<Xbits> {
    let parts: Vec<&str> = split_args(v).collect();
    let cmd = bit_cmd(parts.first().copied().unwrap_or(""))?;
    if cmd == BitCmd::NoAlert {
        return Err(OptError::arg("xbits has no noalert command"));
    }
    let name = bit_name(parts.get(1).copied().unwrap_or(""))?;
    let mut track = None;
    let mut expire = None;
    for p in parts.iter().skip(2) {
        if let Some(t) = p.strip_prefix("track") {
            track = Some(match t.trim() {
                "ip_src" => BitTrack::IpSrc,
                "ip_dst" => BitTrack::IpDst,
                "ip_pair" => BitTrack::IpPair,
                o => return Err(OptError::arg(format!("invalid xbits track '{o}'"))),
            });
        } else if let Some(e) = p.strip_prefix("expire") {
            let n = parse_num::<u32>(e)?;
            if n == 0 {
                return Err(OptError::arg("expire must be greater than 0"));
            }
            expire = Some(n);
        } else {
            return Err(OptError::arg(format!("unknown xbits option '{p}'")));
        }
    }
    let track = track.ok_or_else(|| OptError::arg("xbits needs 'track'"))?;
    Ok(Xbits {
        cmd,
        name,
        track,
        expire,
    })
}

/// `hostbits:cmd,name[,src|dst|both][,expire N]` (default: the source host).
pub(crate) fn hostbits(v: &str) -> OptResult<Xbits> {
    let parts: Vec<&str> = split_args(v).collect();
    let cmd = bit_cmd(parts.first().copied().unwrap_or(""))?;
    if cmd == BitCmd::NoAlert {
        return Err(OptError::arg("hostbits has no noalert command"));
    }
    let name = bit_name(parts.get(1).copied().unwrap_or(""))?;
    let mut track = BitTrack::IpSrc;
    let mut expire = None;
    for p in parts.iter().skip(2) {
        match *p {
            "src" => track = BitTrack::IpSrc,
            "dst" => track = BitTrack::IpDst,
            "both" => track = BitTrack::Both,
            o => {
                if let Some(e) = o.strip_prefix("expire") {
                    expire = Some(parse_num::<u32>(e)?);
                } else {
                    return Err(OptError::arg(format!("unknown hostbits option '{o}'")));
                }
            }
        }
    }
    Ok(Xbits {
        cmd,
        name,
        track,
        expire,
    })
}

/// `flowint:name, op[, value]`.
pub(crate) fn flowint(v: &str) -> OptResult<Flowint> {
    let parts: Vec<&str> = split_args(v).collect();
    let name = bit_name(parts.first().copied().unwrap_or(""))?;
    let op_s = parts.get(1).copied().unwrap_or("");
    let op = match op_s {
        "=" => FlowintOp::Set,
        "+" | "+=" => FlowintOp::Add,
        "-" | "-=" => FlowintOp::Sub,
        "==" => FlowintOp::Eq,
        "!=" => FlowintOp::Ne,
        "<" => FlowintOp::Lt,
        "<=" => FlowintOp::Lte,
        ">" => FlowintOp::Gt,
        ">=" => FlowintOp::Gte,
        "isset" => FlowintOp::IsSet,
        "notset" | "isnotset" => FlowintOp::IsNotSet,
        o => return Err(OptError::arg(format!("invalid flowint operator '{o}'"))),
    };
    let value = parts.get(2).copied();
    let value = match (op, value) {
        (FlowintOp::IsSet | FlowintOp::IsNotSet, None) => None,
        (FlowintOp::IsSet | FlowintOp::IsNotSet, Some(_)) => {
            return Err(OptError::arg("isset/notset take no value"));
        }
        (_, None) | (_, Some("")) => return Err(OptError::arg("missing flowint value")),
        (_, Some(x)) => Some(match parse_num::<u32>(x) {
            Ok(n) => NumArg::Value(i64::from(n)),
            Err(_) => NumArg::Var(bit_name(x)?),
        }),
    };
    if parts.len() > 3 {
        return Err(OptError::arg("too many flowint arguments"));
    }
    Ok(Flowint { name, op, value })
}

fn track(s: &str) -> OptResult<Track> {
    Ok(match s.trim() {
        "by_src" => Track::BySrc,
        "by_dst" => Track::ByDst,
        "by_rule" => Track::ByRule,
        "by_both" => Track::ByBoth,
        "by_flow" => Track::ByFlow,
        o => return Err(OptError::arg(format!("invalid track '{o}'"))),
    })
}

/// Common `key value` list of `threshold` and `detection_filter`.
fn counting(v: &str, with_type: bool) -> OptResult<(Option<ThresholdType>, Track, u32, u32)> {
    let (mut kind, mut tr, mut count, mut secs) = (None, None, None, None);
    for p in split_args(v) {
        let (k, val) = p.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((p, ""));
        let val = val.trim();
        match k {
            "type" if with_type => {
                kind = Some(match val {
                    "limit" => ThresholdType::Limit,
                    "threshold" => ThresholdType::Threshold,
                    "both" => ThresholdType::Both,
                    o => return Err(OptError::arg(format!("invalid threshold type '{o}'"))),
                })
            }
            "track" => tr = Some(track(val)?),
            "count" => count = Some(parse_num::<u32>(val)?),
            "seconds" => secs = Some(parse_num::<u32>(val)?),
            _ => return Err(OptError::arg(format!("unknown option '{p}'"))),
        }
    }
    let tr = tr.ok_or_else(|| OptError::arg("missing 'track'"))?;
    let count = count.ok_or_else(|| OptError::arg("missing 'count'"))?;
    let secs = secs.ok_or_else(|| OptError::arg("missing 'seconds'"))?;
    if count == 0 {
        return Err(OptError::arg("count must be greater than 0"));
    }
    Ok((kind, tr, count, secs))
}

/// `threshold:type T, track K, count N, seconds S`.
pub(crate) fn threshold(v: &str) -> OptResult<Threshold> {
    let (kind, track, count, seconds) = counting(v, true)?;
    let kind = kind.ok_or_else(|| OptError::arg("missing 'type'"))?;
    Ok(Threshold {
        kind,
        track,
        count,
        seconds,
    })
}

/// `detection_filter:track K, count N, seconds S`.
pub(crate) fn detection_filter(v: &str) -> OptResult<DetectionFilter> {
    let (_, track, count, seconds) = counting(v, false)?;
    Ok(DetectionFilter {
        track,
        count,
        seconds,
    })
}

/// `tag:session|host[, count, metric[, src|dst]]`.
pub(crate) fn tag(v: &str) -> OptResult<Tag> {
    let parts: Vec<&str> = split_args(v).collect();
    let scope = match parts.first().copied().unwrap_or("") {
        "session" => TagScope::Session,
        "host" => TagScope::Host,
        o => return Err(OptError::arg(format!("invalid tag type '{o}'"))),
    };
    let mut t = Tag {
        scope,
        count: 256,
        metric: TagMetric::Packets,
        src: true,
    };
    if let Some(c) = parts.get(1) {
        t.count = parse_num::<u32>(c)?;
        t.metric = match parts.get(2).copied() {
            Some("packets") => TagMetric::Packets,
            Some("seconds") => TagMetric::Seconds,
            Some("bytes") => TagMetric::Bytes,
            o => return Err(OptError::arg(format!("invalid tag metric '{}'", o.unwrap_or("")))),
        };
    }
    match parts.get(3).copied() {
        None => {}
        Some("src") => t.src = true,
        Some("dst") => t.src = false,
        Some(o) => return Err(OptError::arg(format!("invalid tag direction '{o}'"))),
    }
    if parts.len() > 4 {
        return Err(OptError::arg("too many tag arguments"));
    }
    Ok(t)
}

/// `stream_size:server|client|both|either, op, value`.
pub(crate) fn stream_size(v: &str) -> OptResult<StreamSize> {
    let parts: Vec<&str> = split_args(v).collect();
    if parts.len() != 3 {
        return Err(OptError::arg("expected side, operator, value"));
    }
    let side = match parts.first().copied().unwrap_or("") {
        "server" => StreamSide::Server,
        "client" => StreamSide::Client,
        "both" => StreamSide::Both,
        "either" => StreamSide::Either,
        o => return Err(OptError::arg(format!("invalid stream_size side '{o}'"))),
    };
    let op = parts.get(1).copied().unwrap_or("");
    if !matches!(op, "<" | ">" | "=" | "!=" | "<=" | ">=") {
        return Err(OptError::arg(format!("invalid stream_size operator '{op}'")));
    }
    let cmp = parse_uint::<u32>(&format!("{op}{}", parts.get(2).copied().unwrap_or("")))?;
    Ok(StreamSize { side, cmp })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uint::{UintMatch, UintMode};

    #[test]
    fn flow_options() {
        let f = flow("established, to_server").unwrap();
        assert_eq!(f.dir, Some(FlowDir::ToServer));
        assert_eq!(f.state, Some(FlowState::Established));
        assert_eq!(
            flow("from_server,only_stream").unwrap().dir,
            Some(FlowDir::ToClient)
        );
        assert!(flow("to_server,to_client").is_err());
        assert!(flow("sideways").is_err());
    }

    #[test]
    fn bits() {
        assert_eq!(
            flowbits("set,ET.foo").unwrap(),
            Flowbits {
                cmd: BitCmd::Set,
                names: vec!["ET.foo".into()]
            }
        );
        assert_eq!(
            flowbits("isset,a|b").unwrap().names,
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(
            flowbits("noalert").unwrap(),
            Flowbits {
                cmd: BitCmd::NoAlert,
                names: vec![]
            }
        );
        assert!(flowbits("set").is_err());
        assert!(flowbits("bogus,x").is_err());
        assert!(flowbits("isset,a b").is_err());
        let x = xbits("set,ET.x, track ip_src, expire 360").unwrap();
        assert_eq!(
            x,
            Xbits {
                cmd: BitCmd::Set,
                name: "ET.x".into(),
                track: BitTrack::IpSrc,
                expire: Some(360)
            }
        );
        assert_eq!(xbits("isset,a,track ip_pair").unwrap().track, BitTrack::IpPair);
        assert!(xbits("isset,a").is_err());
        assert!(xbits("isset,a,track ip_any").is_err());
        assert_eq!(hostbits("set,a,dst").unwrap().track, BitTrack::IpDst);
    }

    #[test]
    fn flowint_forms() {
        let f = flowint("ET.dll, +, 1").unwrap();
        assert_eq!(
            f,
            Flowint {
                name: "ET.dll".into(),
                op: FlowintOp::Add,
                value: Some(NumArg::Value(1))
            }
        );
        assert_eq!(flowint("a,>=,b").unwrap().value, Some(NumArg::Var("b".into())));
        assert_eq!(flowint("a,isset").unwrap().value, None);
        assert!(flowint("a,+").is_err());
        assert!(flowint("a,%,1").is_err());
        assert!(flowint("a,isset,1").is_err());
    }

    #[test]
    fn counting_keywords() {
        let t = threshold("type limit, track by_src, count 1, seconds 3600").unwrap();
        assert_eq!(
            t,
            Threshold {
                kind: ThresholdType::Limit,
                track: Track::BySrc,
                count: 1,
                seconds: 3600
            }
        );
        assert!(threshold("track by_src, count 1, seconds 60").is_err());
        assert!(threshold("type limit, track by_src, count 0, seconds 60").is_err());
        let d = detection_filter("track by_dst,count 15,seconds 2").unwrap();
        assert_eq!(
            d,
            DetectionFilter {
                track: Track::ByDst,
                count: 15,
                seconds: 2
            }
        );
        assert!(detection_filter("track by_dst,count 15").is_err());
    }

    #[test]
    fn tag_and_stream_size() {
        let t = tag("session,5,packets").unwrap();
        assert_eq!(
            t,
            Tag {
                scope: TagScope::Session,
                count: 5,
                metric: TagMetric::Packets,
                src: true
            }
        );
        assert_eq!(tag("session").unwrap().count, 256);
        assert!(!tag("host,10,seconds,dst").unwrap().src);
        assert!(tag("session,5").is_err());
        assert!(tag("forever").is_err());
        let s = stream_size("server,<,50").unwrap();
        assert_eq!(s.side, StreamSide::Server);
        assert_eq!(
            s.cmp,
            UintMatch {
                mode: UintMode::Lt,
                arg1: 50,
                arg2: 0
            }
        );
        assert_eq!(stream_size("client,=,1").unwrap().cmp, UintMatch::eq(1));
        assert!(stream_size("client,~,1").is_err());
        assert!(stream_size("client,<").is_err());
    }
}
