//! Whole-corpus tests: every active ET Open rule parses, the conformance cases' rules parse,
//! and ET Open's classification.config covers every classtype the rules use.

use std::collections::HashSet;

use rules::{Classifications, RuleOption};

// ET Open (gzipped) and the conformance cases are committed under testdata/.
const ET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/rules/et-open/all.rules.gz"
);
const CLASSIFICATION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/rules/et-open/classification.config"
);
const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/conformance/cases");

fn read(path: &str) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if path.ends_with(".gz") {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        return Some(out);
    }
    Some(raw)
}

#[test]
fn et_open_all_rules_parse() {
    let Some(data) = read(ET) else { return };
    let (rules, errors) = rules::parse_bytes(&data);
    for e in errors.iter().take(20) {
        eprintln!("{e}");
    }
    assert_eq!(errors.len(), 0);
    assert_eq!(rules.len(), 24_827);
    // The count matches the active (uncommented) lines of the file.
    let text = String::from_utf8_lossy(&data);
    let active = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(rules.len(), active);
    // sids are unique, and each rule knows its line.
    let sids: HashSet<u32> = rules.iter().map(|r| r.sid).collect();
    assert_eq!(sids.len(), rules.len());
    assert!(rules
        .iter()
        .all(|r| r.line > 0 && !r.msg.is_empty() && r.classtype.is_some()));
    // Some corpus-wide facts that pin the buffer resolution down.
    let contents: usize = rules.iter().map(|r| r.contents().count()).sum();
    let pcres = rules
        .iter()
        .flat_map(|r| &r.options)
        .filter(|o| matches!(o, RuleOption::Pcre(_)))
        .count();
    assert!(contents > 60_000, "{contents}");
    assert_eq!(pcres, 4511);
    let fast: usize = rules
        .iter()
        .map(|r| r.contents().filter(|c| c.fast_pattern.is_some()).count())
        .sum();
    assert_eq!(fast, 11_060);
    let uri = rules
        .iter()
        .flat_map(|r| r.contents())
        .filter(|c| c.buffer.buffer == rules::Buffer::HttpUri)
        .count();
    assert!(uri > 7_000, "{uri}");
}

#[test]
fn et_open_classtypes_are_defined() {
    let (Some(data), Some(conf)) = (read(ET), read(CLASSIFICATION)) else {
        return;
    };
    let (classes, errors) = Classifications::parse(&String::from_utf8_lossy(&conf));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(classes.len() >= 40);
    assert_eq!(
        classes.describe("trojan-activity"),
        Some(("A Network Trojan was detected", 1))
    );
    let (rules, _) = rules::parse_bytes(&data);
    for r in &rules {
        let c = r.classtype.as_deref().unwrap_or("");
        assert!(classes.get(c).is_some(), "sid {} classtype {c}", r.sid);
    }
}

#[test]
fn conformance_rules_parse() {
    let dir = std::fs::read_dir(CASES).unwrap_or_else(|e| panic!("{CASES}: {e}"));
    let mut files = 0;
    let mut total = 0;
    for entry in dir.flatten() {
        let path = entry.path().join("test.rules");
        let Ok(data) = std::fs::read(&path) else { continue };
        files += 1;
        let (rules, errors) = rules::parse_bytes(&data);
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        total += rules.len();
    }
    assert_eq!(files, 140);
    assert_eq!(total, 382);
}
