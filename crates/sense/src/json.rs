//! A small tolerant JSON scanner that reports string leaves (and object keys) with their path.
//!
//! It never builds a tree: one pass over the bytes with a bounded path stack. Malformed or
//! truncated JSON is scanned as far as it makes sense (an unterminated string is reported as
//! it stands), which is what an IDS wants from a body that may be cut by a body limit.
//! Nesting deeper than the limit is still scanned, but the path stops growing and the event is
//! counted.

/// What a string in the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonItem {
    /// An object key.
    Key,
    /// A string value.
    Value,
}

/// Counters of what the scanner could not keep.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JsonScanStats {
    /// Strings seen deeper than the depth limit (reported with a truncated path).
    pub too_deep: u64,
    /// Strings not reported because the item limit was reached.
    pub items_dropped: u64,
}

/// Limits for [`scan_strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonLimits {
    /// Deepest nesting whose keys go into the path.
    pub max_depth: usize,
    /// Most strings reported.
    pub max_items: usize,
    /// Longest path reported (bytes); longer paths are cut.
    pub max_path: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits {
            max_depth: 32,
            max_items: 512,
            max_path: 256,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    is_object: bool,
    expect_key: bool,
    index: u64,
    /// Length of `path` before this frame's current element was appended.
    path_len: usize,
}

/// Decode one JSON string starting after its opening quote; returns the index after the closing
/// quote (or the end of input). Escapes are decoded, invalid ones kept literally.
fn read_string(s: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    out.clear();
    while let Some(&c) = s.get(i) {
        match c {
            b'"' => return i + 1,
            b'\\' => {
                let e = s.get(i + 1).copied();
                i += 2;
                match e {
                    Some(b'n') => out.push(b'\n'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b'b') => out.push(8),
                    Some(b'f') => out.push(12),
                    Some(b'u') => {
                        let hex = |j: usize| -> Option<u32> {
                            let h = s.get(j..j + 4)?;
                            let t = std::str::from_utf8(h).ok()?;
                            u32::from_str_radix(t, 16).ok()
                        };
                        match hex(i) {
                            Some(hi) => {
                                i += 4;
                                let mut cp = hi;
                                if (0xD800..0xDC00).contains(&hi)
                                    && s.get(i) == Some(&b'\\')
                                    && s.get(i + 1) == Some(&b'u')
                                {
                                    if let Some(lo) = hex(i + 2) {
                                        if (0xDC00..0xE000).contains(&lo) {
                                            cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                            i += 6;
                                        }
                                    }
                                }
                                let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
                                let mut buf = [0u8; 4];
                                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            None => out.extend_from_slice(b"\\u"),
                        }
                    }
                    Some(other) => out.push(other),
                    None => return s.len(),
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    s.len()
}

fn push_path_key(path: &mut String, key: &[u8], max_path: usize) {
    if path.len() >= max_path {
        return;
    }
    if !path.is_empty() {
        path.push('.');
    }
    let text = String::from_utf8_lossy(key);
    for ch in text.chars() {
        if path.len() + ch.len_utf8() > max_path {
            break;
        }
        path.push(ch);
    }
}

fn push_path_index(path: &mut String, index: u64, max_path: usize) {
    use std::fmt::Write;
    if path.len() < max_path {
        let _ = write!(path, "[{index}]");
    }
}

/// Scan `doc` and call `f(item, path, text)` for every string; returns what was dropped.
pub fn scan_strings<F>(doc: &[u8], limits: &JsonLimits, mut f: F) -> JsonScanStats
where
    F: FnMut(JsonItem, &str, &[u8]),
{
    let mut stats = JsonScanStats::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut extra_depth: usize = 0;
    let mut path = String::new();
    let mut text = Vec::new();
    let mut items = 0usize;
    let mut i = 0usize;

    while let Some(&c) = doc.get(i) {
        match c {
            b'{' | b'[' => {
                if stack.len() >= limits.max_depth {
                    extra_depth = extra_depth.saturating_add(1);
                } else {
                    stack.push(Frame {
                        is_object: c == b'{',
                        expect_key: c == b'{',
                        index: 0,
                        path_len: path.len(),
                    });
                    if c == b'[' {
                        push_path_index(&mut path, 0, limits.max_path);
                    }
                }
                i += 1;
            }
            b'}' | b']' => {
                if extra_depth > 0 {
                    extra_depth -= 1;
                } else if let Some(fr) = stack.pop() {
                    path.truncate(fr.path_len);
                }
                i += 1;
            }
            b',' => {
                if extra_depth == 0 {
                    if let Some(fr) = stack.last_mut() {
                        path.truncate(fr.path_len);
                        if fr.is_object {
                            fr.expect_key = true;
                        } else {
                            fr.index = fr.index.saturating_add(1);
                            let idx = fr.index;
                            push_path_index(&mut path, idx, limits.max_path);
                        }
                    }
                }
                i += 1;
            }
            b':' => {
                if extra_depth == 0 {
                    if let Some(fr) = stack.last_mut() {
                        fr.expect_key = false;
                    }
                }
                i += 1;
            }
            b'"' => {
                i = read_string(doc, i + 1, &mut text);
                let is_key = extra_depth == 0 && stack.last().is_some_and(|fr| fr.is_object && fr.expect_key);
                if is_key {
                    if let Some(fr) = stack.last() {
                        path.truncate(fr.path_len);
                    }
                    push_path_key(&mut path, &text, limits.max_path);
                }
                if extra_depth > 0 {
                    stats.too_deep += 1;
                }
                if items < limits.max_items {
                    items += 1;
                    let item = if is_key { JsonItem::Key } else { JsonItem::Value };
                    f(item, &path, &text);
                } else {
                    stats.items_dropped += 1;
                }
            }
            _ => i += 1,
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(doc: &str) -> Vec<(JsonItem, String, String)> {
        let mut v = Vec::new();
        scan_strings(doc.as_bytes(), &JsonLimits::default(), |item, path, text| {
            v.push((item, path.to_string(), String::from_utf8_lossy(text).into_owned()))
        });
        v
    }

    fn val(path: &str, text: &str) -> (JsonItem, String, String) {
        (JsonItem::Value, path.to_string(), text.to_string())
    }

    fn key(path: &str, text: &str) -> (JsonItem, String, String) {
        (JsonItem::Key, path.to_string(), text.to_string())
    }

    #[test]
    fn paths_and_escapes() {
        assert_eq!(
            collect(r#"{"user":{"name":"O\u0027Brien","tags":["a","b\"c"]},"n":1,"e":"\ud83d\ude00"}"#),
            vec![
                key("user", "user"),
                key("user.name", "name"),
                val("user.name", "O'Brien"),
                key("user.tags", "tags"),
                val("user.tags[0]", "a"),
                val("user.tags[1]", "b\"c"),
                key("n", "n"),
                key("e", "e"),
                val("e", "😀"),
            ]
        );
        assert_eq!(
            collect(r#"["x",["y"]]"#),
            vec![val("[0]", "x"), val("[1][0]", "y")]
        );
    }

    #[test]
    fn truncated_and_malformed() {
        assert_eq!(collect(r#"{"a":"1' OR"#), vec![key("a", "a"), val("a", "1' OR")]);
        assert_eq!(collect(r#"{"a":"\"#), vec![key("a", "a"), val("a", "")]);
        assert_eq!(collect(r#"}}]]"x"#), vec![val("", "x")]);
        assert_eq!(collect(r#""\u12""#), vec![val("", "\\u12")]);
        assert_eq!(collect(""), vec![]);
    }

    #[test]
    fn depth_and_item_limits() {
        let limits = JsonLimits {
            max_depth: 2,
            max_items: 2,
            max_path: 8,
        };
        let mut seen = Vec::new();
        let stats = scan_strings(br#"[[["deep"]],"b","c"]"#, &limits, |_, p, t| {
            seen.push((p.to_string(), t.to_vec()))
        });
        assert_eq!(
            seen,
            vec![
                ("[0][0]".to_string(), b"deep".to_vec()),
                ("[1]".to_string(), b"b".to_vec())
            ]
        );
        assert_eq!(
            stats,
            JsonScanStats {
                too_deep: 1,
                items_dropped: 1
            }
        );
    }
}
