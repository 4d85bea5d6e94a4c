//! Fuzzes the rule parser on arbitrary bytes: whole files (comments, continuations, invalid
//! UTF-8) through `parse_bytes`, and the same input as one rule, with an address/port variable
//! taken from the input so that variable expansion is exercised too. It must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (rules, errors) = rules::parse_bytes(data);
    // Every rule or error accounts for at least one line.
    let lines = data.split(|&b| b == b'\n').count();
    assert!(rules.len() + errors.len() <= lines);
    for e in &errors {
        let _ = e.to_string();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rules::parse_rule(text);
        // The first line as a variable value, the rest as a rule using it.
        if let Some((var, rule)) = text.split_once('\n') {
            let mut vars = rules::Vars::default();
            vars.set(rules::VarKind::Address, "HOME_NET", var);
            vars.set(rules::VarKind::Port, "HTTP_PORTS", var);
            let _ = rules::parse_file_with_vars(rule, &vars);
        }
    }
});
