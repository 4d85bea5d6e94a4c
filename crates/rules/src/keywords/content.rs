//! `content` strings (with `|hex|` blocks and `\` escapes), the numeric arguments of content
//! modifiers, `fast_pattern`, and `pcre:"/re/flags"` with Suricata's flags.

use crate::ast::{FastPattern, NumArg, PcreFlags};
use crate::buffer::Buffer;
use crate::error::{OptError, OptResult};

/// Longest content pattern (Suricata stores the length in 16 bits).
pub const MAX_CONTENT: usize = u16::MAX as usize;

/// Decodes a content string the way `DetectContentDataParse` does: `|41 42|` hex blocks
/// (spaces and commas allowed inside), `\` escaping `:` `;` `\` `"`, no bare `"`.
pub(crate) fn decode(s: &str) -> OptResult<Vec<u8>> {
    if s.is_empty() {
        return Err(OptError::arg("empty content"));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut bin = false;
    let mut escape = false;
    let mut bin_count = 0usize;
    let mut hi: Option<u8> = None;
    for &b in s.as_bytes() {
        if b == b'|' {
            bin_count += 1;
            if bin {
                if hi.is_some() {
                    return Err(OptError::arg(format!("incomplete hex code in content '{s}'")));
                }
                bin = false;
            } else {
                bin = true;
            }
        } else if !escape && b == b'\\' {
            escape = true;
        } else if bin {
            if let Some(d) = (b as char).to_digit(16) {
                let d = d as u8;
                match hi.take() {
                    Some(h) => out.push(h << 4 | d),
                    None => hi = Some(d),
                }
            } else if b != b' ' && b != b',' {
                return Err(OptError::arg(format!(
                    "invalid hex code '{}' in content '{s}'",
                    b as char
                )));
            }
        } else if escape {
            if matches!(b, b':' | b';' | b'\\' | b'"') {
                out.push(b);
            } else {
                return Err(OptError::arg(format!(
                    "'\\{}' is not a valid escape in content",
                    b as char
                )));
            }
            escape = false;
        } else if b == b'"' {
            return Err(OptError::arg("unescaped double quote inside content"));
        } else {
            out.push(b);
        }
    }
    if !bin_count.is_multiple_of(2) {
        return Err(OptError::arg(format!("unbalanced '|' in content '{s}'")));
    }
    if out.is_empty() {
        return Err(OptError::arg("content decodes to nothing"));
    }
    if out.len() > MAX_CONTENT {
        return Err(OptError::arg("content longer than 65535 bytes"));
    }
    Ok(out)
}

fn is_var_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
}

/// A modifier value: a decimal number (within `min..=max`) or a byte variable name.
pub(crate) fn num_arg(v: &str, min: i64, max: i64) -> OptResult<NumArg> {
    let t = v.trim();
    if let Ok(n) = t.parse::<i64>() {
        if n < min || n > max {
            return Err(OptError::arg(format!("value {n} out of range {min}..={max}")));
        }
        return Ok(NumArg::Value(n));
    }
    if is_var_name(t) {
        return Ok(NumArg::Var(t.to_string()));
    }
    Err(OptError::arg(format!("invalid value '{v}'")))
}

/// `fast_pattern`, `fast_pattern:only`, `fast_pattern:offset,length`.
pub(crate) fn fast_pattern(v: Option<&str>) -> OptResult<FastPattern> {
    let Some(v) = v else {
        return Ok(FastPattern::default());
    };
    let t = v.trim();
    if t == "only" {
        return Ok(FastPattern {
            only: true,
            chop: None,
        });
    }
    let (a, b) = t
        .split_once(',')
        .ok_or_else(|| OptError::arg(format!("invalid fast_pattern '{v}'")))?;
    let off = a
        .trim()
        .parse::<u16>()
        .map_err(|_| OptError::arg(format!("invalid fast_pattern offset '{a}'")))?;
    let len = b
        .trim()
        .parse::<u16>()
        .map_err(|_| OptError::arg(format!("invalid fast_pattern length '{b}'")))?;
    Ok(FastPattern {
        only: false,
        chop: Some((off, len)),
    })
}

/// A parsed `pcre` argument, before it is bound to a buffer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PcreArg {
    pub pattern: String,
    pub flags: PcreFlags,
    /// Buffer selected by a flag (`U`, `H`, `P`, ...), if any.
    pub buffer: Option<Buffer>,
    pub captures: Vec<String>,
}

/// Parses `/re/flags[, flow:var, pkt:var]` (quotes already removed by the framework).
pub(crate) fn pcre(v: &str) -> OptResult<PcreArg> {
    // Capture variable names after the regex: ", flow:name, pkt:name".
    let mut body = v;
    let mut captures = Vec::new();
    let cut = [v.find("flow:"), v.find("pkt:")].into_iter().flatten().min();
    if let Some(cut) = cut {
        let head = v.get(..cut).unwrap_or("");
        let trimmed = head.trim_end_matches([',', ' ']);
        if trimmed.len() < head.len() && cut > 1 {
            body = trimmed;
            for c in v.get(cut..).unwrap_or("").split(',') {
                let c = c.trim().trim_end_matches('"');
                if !c.is_empty() {
                    captures.push(c.to_string());
                }
            }
        }
    }
    let body = body.trim();
    let rest = body
        .strip_prefix('/')
        .ok_or_else(|| OptError::arg("pcre must start with '/'"))?;
    // The closing slash is the last one that is not escaped by a lone backslash.
    let bytes = rest.as_bytes();
    let mut end = None;
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes.get(i) == Some(&b'/') {
            let mut bs: usize = 0;
            let mut j = i;
            while j > 0 && bytes.get(j - 1) == Some(&b'\\') {
                bs += 1;
                j -= 1;
            }
            if bs.is_multiple_of(2) {
                end = Some(i);
                break;
            }
        }
    }
    let end = end.ok_or_else(|| OptError::arg("pcre has no closing '/'"))?;
    let pattern = rest.get(..end).unwrap_or("");
    let flag_str = rest.get(end + 1..).unwrap_or("");
    let mut flags = PcreFlags::default();
    let mut buffer: Option<Buffer> = None;
    for f in flag_str.chars() {
        let sel = match f {
            'A' => {
                flags.anchored = true;
                None
            }
            'E' => {
                flags.dollar_endonly = true;
                None
            }
            'G' => {
                flags.ungreedy = true;
                None
            }
            'i' => {
                flags.caseless = true;
                None
            }
            'm' => {
                flags.multiline = true;
                None
            }
            's' => {
                flags.dotall = true;
                None
            }
            'x' => {
                flags.extended = true;
                None
            }
            'O' => {
                flags.match_limit = true;
                None
            }
            'R' => {
                flags.relative = true;
                None
            }
            'B' => {
                if buffer.is_some() {
                    return Err(OptError::arg("pcre flag 'B' is inconsistent with a buffer flag"));
                }
                flags.rawbytes = true;
                None
            }
            'U' => Some(Buffer::HttpUri),
            'V' => Some(Buffer::HttpUserAgent),
            'W' => Some(Buffer::HttpHost),
            'Z' => Some(Buffer::HttpHostRaw),
            'H' => Some(Buffer::HttpHeader),
            'I' => Some(Buffer::HttpUriRaw),
            'D' => Some(Buffer::HttpHeaderRaw),
            'M' => Some(Buffer::HttpMethod),
            'C' => Some(Buffer::HttpCookie),
            'P' => Some(Buffer::HttpRequestBody),
            'Q' => Some(Buffer::FileData),
            'Y' => Some(Buffer::HttpStatMsg),
            'S' => Some(Buffer::HttpStatCode),
            other => return Err(OptError::arg(format!("unknown pcre flag '{other}'"))),
        };
        if let Some(b) = sel {
            if flags.rawbytes
                && !matches!(
                    b,
                    Buffer::HttpHeaderRaw
                        | Buffer::HttpRequestBody
                        | Buffer::FileData
                        | Buffer::HttpStatMsg
                        | Buffer::HttpStatCode
                )
            {
                return Err(OptError::arg(format!("pcre flag '{f}' is inconsistent with 'B'")));
            }
            if buffer.is_some() {
                return Err(OptError::arg("only one pcre flag may select a buffer"));
            }
            buffer = Some(b);
        }
    }
    if buffer == Some(Buffer::HttpHost)
        && !flags.caseless
        && pattern.bytes().any(|b| b.is_ascii_uppercase())
        && !has_escape_upper_only(pattern)
    {
        return Err(OptError::arg("pcre on the host buffer ('W') must be lowercase"));
    }
    Ok(PcreArg {
        pattern: pattern.to_string(),
        flags,
        buffer,
        captures,
    })
}

/// Suricata's `DetectPcreHasUpperCase` ignores letters right after a backslash (`\S`, `\D`).
fn has_escape_upper_only(re: &str) -> bool {
    let b = re.as_bytes();
    let mut escaped = false;
    for &c in b {
        if escaped {
            escaped = false;
            continue;
        }
        if c == b'\\' {
            escaped = true;
        } else if c.is_ascii_uppercase() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decoding() {
        assert_eq!(decode("abc").unwrap(), b"abc");
        assert_eq!(decode("|41 42|C|0d0a|").unwrap(), b"ABC\r\n");
        assert_eq!(decode("a|3a,20|b").unwrap(), b"a: b");
        assert_eq!(decode(r#"a\;b\"c\\d\:"#).unwrap(), b"a;b\"c\\d:");
        assert!(decode("|4|").is_err());
        assert!(decode("|41").is_err());
        assert!(decode("|4G|").is_err());
        assert!(decode(r"\x").is_err());
        assert!(decode("a\"b").is_err());
        assert!(decode("").is_err());
        assert!(decode("||").is_err());
        assert_eq!(decode("é").unwrap(), "é".as_bytes());
    }

    #[test]
    fn numeric_args() {
        assert_eq!(num_arg(" 10 ", 0, 100).unwrap(), NumArg::Value(10));
        assert_eq!(num_arg("-5", -100, 100).unwrap(), NumArg::Value(-5));
        assert_eq!(num_arg("rec_len", 0, 100).unwrap(), NumArg::Var("rec_len".into()));
        assert!(num_arg("-1", 0, 100).is_err());
        assert!(num_arg("1x", 0, 100).is_err());
        assert!(num_arg("", 0, 100).is_err());
    }

    #[test]
    fn fast_pattern_forms() {
        assert_eq!(fast_pattern(None).unwrap(), FastPattern::default());
        assert_eq!(
            fast_pattern(Some("only")).unwrap(),
            FastPattern {
                only: true,
                chop: None
            }
        );
        assert_eq!(
            fast_pattern(Some("3, 4")).unwrap(),
            FastPattern {
                only: false,
                chop: Some((3, 4))
            }
        );
        assert!(fast_pattern(Some("3")).is_err());
        assert!(fast_pattern(Some("x,1")).is_err());
    }

    #[test]
    fn pcre_forms() {
        let p = pcre("/^GET\\/x/Ui").unwrap();
        assert_eq!(p.pattern, "^GET\\/x");
        assert_eq!(p.buffer, Some(Buffer::HttpUri));
        assert!(p.flags.caseless);
        let p = pcre("/a\\/b/smixAEGROB").unwrap();
        assert_eq!(p.pattern, "a\\/b");
        let f = p.flags;
        assert!(f.dotall && f.multiline && f.extended && f.anchored && f.dollar_endonly && f.ungreedy);
        assert!(f.relative && f.match_limit && f.rawbytes);
        for (fl, b) in [
            ("P", Buffer::HttpRequestBody),
            ("Q", Buffer::FileData),
            ("H", Buffer::HttpHeader),
            ("D", Buffer::HttpHeaderRaw),
            ("M", Buffer::HttpMethod),
            ("C", Buffer::HttpCookie),
            ("S", Buffer::HttpStatCode),
            ("Y", Buffer::HttpStatMsg),
            ("I", Buffer::HttpUriRaw),
            ("V", Buffer::HttpUserAgent),
            ("Z", Buffer::HttpHostRaw),
        ] {
            assert_eq!(pcre(&format!("/x/{fl}")).unwrap().buffer, Some(b));
        }
        assert_eq!(pcre("/x/W").unwrap().buffer, Some(Buffer::HttpHost));
        assert!(pcre("/X/W").is_err());
        assert!(pcre("/\\S/W").is_ok());
        assert!(pcre("/x/UH").is_err());
        assert!(pcre("/x/BU").is_err());
        assert!(pcre("/x/k").is_err());
        assert!(pcre("x/i").is_err());
        assert!(pcre("/x").is_err());
        let p = pcre("/(?P<flow_x>a)/, flow:x").unwrap();
        assert_eq!(p.captures, vec!["flow:x".to_string()]);
        assert_eq!(p.pattern, "(?P<flow_x>a)");
        // A trailing escaped slash is part of the regex.
        assert_eq!(pcre("/a\\\\/").unwrap().pattern, "a\\\\");
    }
}
