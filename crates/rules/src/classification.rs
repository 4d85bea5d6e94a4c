//! `classification.config` (`config classification: name,description,priority`) and
//! `reference.config` (`config reference: system url-prefix`). Bad lines are reported with
//! their line number and skipped.

use hashbrown::HashMap;

/// Most entries read from one file (a cap on memory for a hostile file).
pub const MAX_ENTRIES: usize = 65_536;

/// One classtype.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classtype {
    pub name: String,
    pub description: String,
    pub priority: u8,
}

/// A line of a config file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConfigLineError {
    pub line: usize,
    pub message: String,
}

/// The classtype table. Names are matched case-insensitively (Suricata lowercases them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classifications {
    map: HashMap<String, Classtype>,
}

impl Classifications {
    /// Parses a classification.config text; later definitions of a name replace earlier ones.
    pub fn parse(text: &str) -> (Self, Vec<ConfigLineError>) {
        let mut map = HashMap::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = config_line(line, "classification") else {
                continue;
            };
            let parsed = (|| {
                let mut parts = rest.splitn(3, ',');
                let name = parts.next()?.trim();
                let desc = parts.next()?.trim();
                let prio = parts.next()?.trim().parse::<u8>().ok()?;
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return None;
                }
                Some(Classtype {
                    name: name.to_ascii_lowercase(),
                    description: desc.to_string(),
                    priority: prio,
                })
            })();
            match parsed {
                Some(c) if map.len() < MAX_ENTRIES || map.contains_key(&c.name) => {
                    map.insert(c.name.clone(), c);
                }
                Some(_) => errors.push(ConfigLineError {
                    line: i + 1,
                    message: "too many entries".into(),
                }),
                None => errors.push(ConfigLineError {
                    line: i + 1,
                    message: format!(
                        "expected 'config classification: name,description,priority', got '{}'",
                        line.trim()
                    ),
                }),
            }
        }
        (Classifications { map }, errors)
    }

    /// Looks a classtype up.
    pub fn get(&self, name: &str) -> Option<&Classtype> {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.map.get(name.to_ascii_lowercase().as_str())
        } else {
            self.map.get(name)
        }
    }

    /// (description, priority) of a classtype.
    pub fn describe(&self, name: &str) -> Option<(&str, u8)> {
        self.get(name).map(|c| (c.description.as_str(), c.priority))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The reference system table (`cve` -> `http://cve.mitre.org/...`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    map: HashMap<String, String>,
}

impl References {
    /// Parses a reference.config text.
    pub fn parse(text: &str) -> (Self, Vec<ConfigLineError>) {
        let mut map = HashMap::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = config_line(line, "reference") else {
                continue;
            };
            match rest.split_once(|c: char| c.is_ascii_whitespace()) {
                Some((sys, url)) if !sys.is_empty() && !url.trim().is_empty() => {
                    if map.len() < MAX_ENTRIES {
                        map.insert(sys.to_ascii_lowercase(), url.trim().to_string());
                    } else {
                        errors.push(ConfigLineError {
                            line: i + 1,
                            message: "too many entries".into(),
                        });
                    }
                }
                _ => errors.push(ConfigLineError {
                    line: i + 1,
                    message: format!("expected 'config reference: system url', got '{}'", line.trim()),
                }),
            }
        }
        (References { map }, errors)
    }

    /// The URL prefix of a reference system.
    pub fn url_prefix(&self, system: &str) -> Option<&str> {
        self.map
            .get(system.to_ascii_lowercase().as_str())
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The text after `config KIND:` on a non-comment line; `None` for comments and blank lines.
/// A line that is not a `config KIND:` line yields `Some("")`, which the callers report.
fn config_line<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    let rest = t
        .strip_prefix("config")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix(kind));
    match rest.and_then(|r| r.trim_start().strip_prefix(':')) {
        Some(r) => Some(r.trim()),
        None => Some(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_file() {
        let text = "# comment\n\nconfig classification: trojan-activity,A Network Trojan was detected, 1\n\
                    config classification: Bad-Unknown,Potentially Bad Traffic, 2\n\
                    config classification: broken\nnonsense\n";
        let (c, errs) = Classifications::parse(text);
        assert_eq!(c.len(), 2);
        assert_eq!(
            c.describe("trojan-activity"),
            Some(("A Network Trojan was detected", 1))
        );
        assert_eq!(c.describe("bad-unknown"), Some(("Potentially Bad Traffic", 2)));
        assert_eq!(c.describe("BAD-UNKNOWN"), Some(("Potentially Bad Traffic", 2)));
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), vec![5, 6]);
        assert!(c.get("nope").is_none());
    }

    #[test]
    fn reference_file() {
        let (r, errs) = References::parse(
            "config reference: cve       http://cve.mitre.org/?name=\n#x\nconfig reference: bad\n",
        );
        assert_eq!(r.url_prefix("CVE"), Some("http://cve.mitre.org/?name="));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs.first().map(|e| e.line), Some(3));
    }
}
