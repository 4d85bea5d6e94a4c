//! Meta keywords: `msg`, `sid`, `rev`, `gid`, `classtype`, `priority`, `reference`,
//! `metadata`, `target`. They describe the rule and never match.

use crate::ast::{Reference, Target};
use crate::error::{OptError, OptResult};
use crate::uint::parse_num;

/// `msg`: drops the backslash of every escape, as Suricata does (`\"` -> `"`, `\;` -> `;`).
pub(crate) fn msg(v: &str) -> OptResult<String> {
    let mut out = String::with_capacity(v.len());
    let mut esc = false;
    for c in v.chars() {
        if !esc && c == '\\' {
            esc = true;
            continue;
        }
        esc = false;
        out.push(c);
    }
    Ok(out)
}

/// `sid`, `rev`, `gid`: a non-negative 32-bit number (`sid:0` is rejected, as Suricata).
pub(crate) fn id(v: &str, nonzero: bool) -> OptResult<u32> {
    let t = v.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OptError::arg(format!("invalid number '{v}'")));
    }
    let n = parse_num::<u32>(t)?;
    if nonzero && n == 0 {
        return Err(OptError::arg("must not be 0"));
    }
    Ok(n)
}

/// `priority`: 1..=255.
pub(crate) fn priority(v: &str) -> OptResult<u8> {
    let n = id(v, true)?;
    u8::try_from(n).map_err(|_| OptError::arg(format!("priority out of range '{v}'")))
}

/// `classtype`: a name of letters, digits, `-` and `_`.
pub(crate) fn classtype(v: &str) -> OptResult<String> {
    let t = v.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(OptError::arg(format!("invalid classtype '{v}'")));
    }
    Ok(t.to_string())
}

/// `reference:type,value`.
pub(crate) fn reference(v: &str) -> OptResult<Reference> {
    let (k, val) = v
        .split_once(',')
        .ok_or_else(|| OptError::arg("expected type,value"))?;
    let (k, val) = (k.trim(), val.trim());
    if k.is_empty() || val.is_empty() {
        return Err(OptError::arg("empty reference type or value"));
    }
    Ok(Reference {
        kind: k.to_string(),
        value: val.to_string(),
    })
}

/// `metadata:key value, key value`. An entry without a value keeps an empty value.
pub(crate) fn metadata(v: &str) -> OptResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for part in v.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, val) = match part.split_once(|c: char| c.is_ascii_whitespace()) {
            Some((k, val)) => (k, val.trim()),
            None => (part, ""),
        };
        out.push((k.to_string(), val.to_string()));
    }
    Ok(out)
}

/// `target:src_ip|dest_ip`.
pub(crate) fn target(v: &str) -> OptResult<Target> {
    match v.trim() {
        "src_ip" => Ok(Target::SrcIp),
        "dest_ip" => Ok(Target::DestIp),
        other => Err(OptError::arg(format!(
            "expected src_ip or dest_ip, got '{other}'"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_values() {
        assert_eq!(msg(r#"a \"b\" \; c\\d"#).unwrap(), r#"a "b" ; c\d"#);
        assert_eq!(id("2001", true).unwrap(), 2001);
        assert!(id("0", true).is_err());
        assert_eq!(id("0", false).unwrap(), 0);
        assert!(id("-1", false).is_err());
        assert!(id("4294967296", false).is_err());
        assert!(id("12a", false).is_err());
        assert_eq!(priority("3").unwrap(), 3);
        assert!(priority("256").is_err());
        assert_eq!(classtype(" trojan-activity ").unwrap(), "trojan-activity");
        assert!(classtype("a b").is_err());
        assert_eq!(
            reference("url,example.com/a,b").unwrap(),
            Reference {
                kind: "url".into(),
                value: "example.com/a,b".into()
            }
        );
        assert!(reference("cve").is_err());
        assert_eq!(
            metadata("affected_product Windows, created_at 2020_01_01,flag").unwrap(),
            vec![
                ("affected_product".into(), "Windows".into()),
                ("created_at".into(), "2020_01_01".into()),
                ("flag".into(), String::new())
            ]
        );
        assert_eq!(target("dest_ip").unwrap(), Target::DestIp);
        assert!(target("dst").is_err());
    }
}
