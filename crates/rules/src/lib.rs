//! `rules`: the Suricata 7 rule language, parsed to a typed AST. No matching.
//!
//! A rule `action proto src sport -> dst dport (options)` becomes a [`Rule`]: the header with
//! address and port groups resolved against a [`Vars`] table (Suricata's default
//! suricata.yaml values unless overridden), and the options in rule order as [`RuleOption`]s,
//! one variant per keyword. Content modifiers are folded into their [`Content`], and every
//! payload keyword carries the [`BufferRef`] it inspects (sticky buffers, legacy modifiers such
//! as `http_uri`, and pcre buffer flags resolved), so the `detect` crate can compile a rule
//! without re-reading its text.
//!
//! A rule that cannot be loaded exactly (unknown or unsupported keyword, bad argument) is a
//! [`RuleError`] naming line, sid and keyword; [`parse_file`] reports it and goes on, it never
//! loads a weaker rule. [`keywords()`] lists every keyword for `--list-keywords`;
//! [`Classifications`] reads classification.config.
//!
//! ```
//! let (rules, errors) = rules::parse_file(
//!     "alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"x\"; http.uri; content:\"/a\"; sid:1;)\n",
//! );
//! assert!(errors.is_empty());
//! let c = rules[0].contents().next().unwrap();
//! assert_eq!(c.buffer.buffer, rules::Buffer::HttpUri);
//! ```

mod ast;
mod buffer;
mod classification;
mod error;
mod keywords;
mod net;
mod parser;
mod uint;
mod vars;

pub use ast::*;
pub use buffer::{Buffer, BufferRef, Transform};
pub use classification::{Classifications, Classtype, ConfigLineError, References};
pub use error::{ErrorKind, RuleError};
pub use keywords::{keywords, KeywordInfo};
pub use net::{parse_addresses, parse_ports, Addresses, IpSet, NetError, Ports, RangeSet};
pub use parser::{RuleParser, MAX_OPTIONS, MAX_RULE_LEN};
pub use uint::{UintMatch, UintMode};
pub use vars::{VarKind, Vars};

/// Parses one rule with the default variables.
pub fn parse_rule(text: &str) -> Result<Rule, RuleError> {
    RuleParser::default().parse_rule(text, 0)
}

/// Parses a rules file with the default variables; bad rules are returned as errors and
/// parsing continues.
pub fn parse_file(text: &str) -> (Vec<Rule>, Vec<RuleError>) {
    RuleParser::default().parse_file(text)
}

/// Parses a rules file with the given variables.
pub fn parse_file_with_vars(text: &str, vars: &Vars) -> (Vec<Rule>, Vec<RuleError>) {
    RuleParser::new(vars.clone()).parse_file(text)
}

/// Parses rules from raw bytes; a rule that is not valid UTF-8 is an error.
pub fn parse_bytes(data: &[u8]) -> (Vec<Rule>, Vec<RuleError>) {
    RuleParser::default().parse_file_bytes(data)
}
