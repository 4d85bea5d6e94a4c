//! Loads and compiles a rules file (default: ET Open's all.rules.gz) and prints the time it
//! took and the load report. Run in release:
//! `cargo run --release -p detect --example load_et [-- FILE]`.

use std::io::Read;
use std::time::Instant;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/rules/et-open");
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{dir}/all.rules.gz"));
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let text = if path.ends_with(".gz") {
        let mut out = Vec::new();
        if let Err(e) = flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out) {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
        out
    } else {
        raw
    };
    let classes = std::fs::read_to_string(format!("{dir}/classification.config")).unwrap_or_default();
    let (classes, _) = rules::Classifications::parse(&classes);
    let start = Instant::now();
    let src = detect::RuleSource {
        name: path.clone(),
        text,
    };
    let (engine, report) = detect::Engine::build(&[src], &classes);
    println!(
        "{path}: load+compile {:.3} s; {}",
        start.elapsed().as_secs_f64(),
        report.summary()
    );
    println!(
        "engine: {} rules, ruleset_id {}",
        engine.len(),
        engine.ruleset_id()
    );
}
