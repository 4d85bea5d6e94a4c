//! Parses a rules file (default: ET Open's all.rules) and prints the time it took, the
//! counts, and the failures grouped by keyword. Run in release:
//! `cargo run --release -p rules --example parse_et [-- FILE]`.

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/rules/et-open/all.rules.gz"
        )
        .to_string()
    });
    let text = match std::fs::read(&path) {
        Ok(t) if path.ends_with(".gz") => {
            use std::io::Read;
            let mut out = Vec::new();
            if let Err(e) = flate2::read::GzDecoder::new(&t[..]).read_to_end(&mut out) {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
            out
        }
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let (rules, errors) = rules::parse_bytes(&text);
    let elapsed = start.elapsed();
    println!(
        "{path}: {} rules parsed, {} errors, in {:.3} s",
        rules.len(),
        errors.len(),
        elapsed.as_secs_f64()
    );
    let mut by_kw: BTreeMap<String, Vec<&rules::RuleError>> = BTreeMap::new();
    for e in &errors {
        by_kw
            .entry(e.keyword.clone().unwrap_or_else(|| format!("({})", e.kind)))
            .or_default()
            .push(e);
    }
    for (kw, errs) in &by_kw {
        println!("  {kw}: {}", errs.len());
        for e in errs.iter().take(3) {
            println!("    {e}");
        }
    }
}
