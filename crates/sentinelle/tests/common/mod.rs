//! Helpers shared by the end-to-end tests: run the binary, read EVE files (plain or gzip).

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub fn testdata() -> PathBuf {
    repo().join("testdata")
}

/// A fresh output folder under the target dir, removed first if it exists.
pub fn outdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create outdir");
    d
}

/// Runs sentinelle with `args`; returns (exit code, stderr).
pub fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sentinelle"))
        .args(args)
        .output()
        .expect("spawn sentinelle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Reads an EVE log (`.gz` or plain) into JSON values, skipping unparsable lines.
pub fn read_eve(path: &Path) -> Vec<serde_json::Value> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut s)
            .expect("gunzip");
        s
    } else {
        String::from_utf8_lossy(&raw).into_owned()
    };
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
