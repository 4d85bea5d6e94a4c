//! Settings: Suricata-style dotted keys from a YAML file (`-c`) and `--set key=value`, applied
//! to the typed configuration of each stage. Unknown keys are kept and reported, never fatal,
//! so a Suricata command line runs unchanged.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Flattened settings, `a.b.c -> value`, later sources overriding earlier ones.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    map: BTreeMap<String, String>,
}

impl Settings {
    /// Loads a YAML config file and flattens it (`stream: {midstream: true}` -> `stream.midstream`).
    pub fn load_yaml(&mut self, path: &Path) -> Result<()> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading config {}", path.display()))?;
        let v: serde_json::Value = serde_saphyr::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: invalid YAML: {e}", path.display()))?;
        flatten("", &v, &mut self.map);
        Ok(())
    }

    /// Applies one `key=value` (from `--set`).
    pub fn set(&mut self, kv: &str) -> Result<()> {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--set {kv:?}: expected key=value")
        };
        let k = k.trim();
        if k.is_empty() {
            bail!("--set {kv:?}: empty key");
        }
        self.map.insert(k.to_string(), v.trim().to_string());
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|s| s.as_str())
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" | "enabled" => Ok(true),
                "no" | "false" | "off" | "0" | "disabled" => Ok(false),
                _ => bail!("setting {key}: {v:?} is not a boolean"),
            })
            .transpose()
    }

    pub fn size(&self, key: &str) -> Result<Option<u64>> {
        self.get(key)
            .map(|v| parse_size(v).with_context(|| format!("setting {key}")))
            .transpose()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(|k| k.as_str())
    }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            out.insert(prefix.to_string(), v.to_string());
            // Suricata's lists of one-key maps (`outputs: - eve-log: types: - alert: ...`)
            // also read as maps: `outputs.eve-log.types.alert.payload`.
            for item in items {
                if item.is_object() && !prefix.is_empty() {
                    flatten(prefix, item, out);
                }
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Parses Suricata sizes: `4096`, `8kb`, `200KiB`, `1mb`, `2gb`.
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().with_context(|| format!("{s:?} is not a size"))?;
    let mult: u64 = match unit.trim() {
        "" | "b" => 1,
        "kb" | "kib" | "k" => 1 << 10,
        "mb" | "mib" | "m" => 1 << 20,
        "gb" | "gib" | "g" => 1 << 30,
        _ => bail!("{s:?}: unknown size unit"),
    };
    n.checked_mul(mult).with_context(|| format!("{s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8kb").unwrap(), 8192);
        assert_eq!(parse_size("200kb").unwrap(), 204_800);
        assert_eq!(parse_size("1mb").unwrap(), 1 << 20);
        assert_eq!(parse_size("0").unwrap(), 0);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn set_and_yaml_flatten() {
        let mut s = Settings::default();
        s.set("stream.midstream=true").unwrap();
        assert_eq!(s.bool("stream.midstream").unwrap(), Some(true));
        assert!(s.set("novalue").is_err());
        let dir = std::env::temp_dir().join(format!("sntl-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("c.yaml");
        std::fs::write(
            &p,
            "stream:\n  reassembly:\n    depth: 8kb\nvlan:\n  use-for-tracking: false\n",
        )
        .unwrap();
        s.load_yaml(&p).unwrap();
        assert_eq!(s.size("stream.reassembly.depth").unwrap(), Some(8192));
        assert_eq!(s.bool("vlan.use-for-tracking").unwrap(), Some(false));
        std::fs::write(&p, "stream: [unclosed\n").unwrap();
        let err = s.load_yaml(&p).unwrap_err().to_string();
        assert!(err.contains("c.yaml"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
