//! SQLi detector benchmark on the corpus: detection rate on sqlmap payloads, false-positive
//! rate on benign parameter values, and lookups per second.
//!
//! `cargo run -p sense --release --example sqli_bench [-- --show]` (`--show` lists misses and
//! false positives).

use std::time::{Duration, Instant};

use sense::decode::{Plus, ValueDecoder};

fn lines(name: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(data) => data
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect(),
        Err(e) => {
            eprintln!("sqli_bench: reading {path}: {e}");
            std::process::exit(2);
        }
    }
}

/// Run `f` over `values` repeatedly for about `budget`; returns calls per second.
fn rate<F: FnMut(&[u8]) -> bool>(values: &[Vec<u8>], budget: Duration, mut f: F) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    let mut hits = 0u64;
    while start.elapsed() < budget {
        for v in values {
            hits += u64::from(f(v));
        }
        calls += values.len() as u64;
    }
    std::hint::black_box(hits);
    calls as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let show = std::env::args().any(|a| a == "--show");
    let attacks = lines("sqli-attacks.txt");
    let benign = lines("benign-params.txt");
    let mut dec = ValueDecoder::new();

    let mut detected = 0usize;
    for a in &attacks {
        match dec.detect(a, Plus::Keep, true) {
            Some(_) => detected += 1,
            None if show => println!("MISS\t{}", String::from_utf8_lossy(a)),
            None => {}
        }
    }
    let mut fps = 0usize;
    for b in &benign {
        if let Some(h) = dec.detect(b, Plus::Keep, true) {
            fps += 1;
            if show {
                println!("FP\t{}\t{}", h.fingerprint, String::from_utf8_lossy(b));
            }
        }
    }
    println!(
        "detection: {detected}/{} = {:.2}%",
        attacks.len(),
        100.0 * detected as f64 / attacks.len().max(1) as f64
    );
    println!(
        "false positives: {fps}/{} = {:.3}%",
        benign.len(),
        100.0 * fps as f64 / benign.len().max(1) as f64
    );

    let budget = Duration::from_millis(1500);
    let short: Vec<Vec<u8>> = benign.iter().filter(|v| v.len() <= 32).cloned().collect();
    let all: Vec<Vec<u8>> = attacks.iter().chain(benign.iter()).cloned().collect();
    let avg = |v: &[Vec<u8>]| v.iter().map(Vec::len).sum::<usize>() as f64 / v.len().max(1) as f64;
    println!(
        "detect(), short benign values ({} values, avg {:.1} B): {:.0} lookups/s",
        short.len(),
        avg(&short),
        rate(&short, budget, |v| sense::detect(v).is_some())
    );
    println!(
        "detect(), whole corpus ({} values, avg {:.1} B): {:.0} lookups/s",
        all.len(),
        avg(&all),
        rate(&all, budget, |v| sense::detect(v).is_some())
    );
    println!(
        "decode + detect, whole corpus: {:.0} lookups/s",
        rate(&all, budget, |v| dec.detect(v, Plus::Keep, true).is_some())
    );
}
