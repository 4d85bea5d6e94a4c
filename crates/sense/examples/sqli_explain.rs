//! Print, for each input line, the fingerprint under every libinjection context and whether
//! each is a known SQLi fingerprint: a tool for studying misses and false positives.
//!
//! `cargo run -p sense --example sqli_explain < values.txt`

use std::io::{BufRead, Write};

use sense::sqli::{
    is_known_fingerprint, SqliState, FLAG_QUOTE_BACKTICK, FLAG_QUOTE_DOUBLE, FLAG_QUOTE_NONE,
    FLAG_QUOTE_SINGLE, FLAG_SQL_ANSI, FLAG_SQL_MYSQL,
};

fn main() -> std::io::Result<()> {
    let contexts = [
        ("none/ansi", FLAG_QUOTE_NONE | FLAG_SQL_ANSI),
        ("none/mysql", FLAG_QUOTE_NONE | FLAG_SQL_MYSQL),
        ("single/ansi", FLAG_QUOTE_SINGLE | FLAG_SQL_ANSI),
        ("single/mysql", FLAG_QUOTE_SINGLE | FLAG_SQL_MYSQL),
        ("double/mysql", FLAG_QUOTE_DOUBLE | FLAG_SQL_MYSQL),
        ("tick/mysql", FLAG_QUOTE_BACKTICK | FLAG_SQL_MYSQL),
    ];
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().split(b'\n') {
        let line = line?;
        let verdict = sense::detect(&line);
        write!(out, "{}", verdict.map_or("-".to_string(), |f| f.to_string()))?;
        for (name, flags) in contexts {
            let mut st = SqliState::new(&line, flags);
            let fp = st.fingerprint(flags);
            let known = if is_known_fingerprint(fp.as_bytes()) {
                "*"
            } else {
                ""
            };
            write!(out, "\t{name}={fp}{known}")?;
        }
        writeln!(out, "\t{}", String::from_utf8_lossy(&line))?;
    }
    Ok(())
}
