//! Errors of the rule parser: every failure names the line, the sid when it is known, the
//! keyword at fault and what was wrong, so the engine can report it and skip the rule.

use std::fmt;

/// What kind of failure a [`RuleError`] is. The engine uses it to count and group failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The rule header (action, protocol, addresses, ports, direction) is malformed.
    Header,
    /// The option list is malformed (missing `;`, unbalanced parenthesis, bad quoting).
    Syntax,
    /// The keyword is not known, or known but not supported by this engine.
    UnsupportedKeyword,
    /// A keyword's argument is invalid.
    InvalidArgument,
    /// Keywords are combined in a way Suricata rejects (a modifier without a content, ...).
    InvalidCombination,
    /// An address or port variable is not defined, or loops.
    UnknownVariable,
    /// The rule is valid but lacks something mandatory (`sid`).
    Missing,
    /// A size limit was hit (rule too long, too many options).
    TooLarge,
}

impl ErrorKind {
    /// A short, stable name for reports (`unsupported-keyword`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Header => "header",
            ErrorKind::Syntax => "syntax",
            ErrorKind::UnsupportedKeyword => "unsupported-keyword",
            ErrorKind::InvalidArgument => "invalid-argument",
            ErrorKind::InvalidCombination => "invalid-combination",
            ErrorKind::UnknownVariable => "unknown-variable",
            ErrorKind::Missing => "missing",
            ErrorKind::TooLarge => "too-large",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule that could not be loaded.
///
/// `line` is the 1-based line in the file where the rule starts (0 when parsing a lone rule
/// string). The file name is added by the caller, which knows it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}{}: {kind}: {message}", SidFmt(*sid), KwFmt(keyword.as_deref()))]
pub struct RuleError {
    pub line: usize,
    pub sid: Option<u32>,
    pub keyword: Option<String>,
    pub kind: ErrorKind,
    pub message: String,
}

struct SidFmt(Option<u32>);
impl fmt::Display for SidFmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, " sid {s}"),
            None => Ok(()),
        }
    }
}

struct KwFmt<'a>(Option<&'a str>);
impl fmt::Display for KwFmt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(k) => write!(f, " keyword '{k}'"),
            None => Ok(()),
        }
    }
}

/// Error of one keyword's argument parser, before it is placed in a rule (line, sid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OptError {
    pub kind: ErrorKind,
    pub message: String,
}

impl OptError {
    pub(crate) fn arg(message: impl Into<String>) -> Self {
        OptError {
            kind: ErrorKind::InvalidArgument,
            message: message.into(),
        }
    }
    pub(crate) fn combo(message: impl Into<String>) -> Self {
        OptError {
            kind: ErrorKind::InvalidCombination,
            message: message.into(),
        }
    }
    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        OptError {
            kind: ErrorKind::UnsupportedKeyword,
            message: message.into(),
        }
    }
}

/// Shorthand result of keyword argument parsers.
pub(crate) type OptResult<T> = Result<T, OptError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_everything() {
        let e = RuleError {
            line: 12,
            sid: Some(2000001),
            keyword: Some("lua".into()),
            kind: ErrorKind::UnsupportedKeyword,
            message: "not supported".into(),
        };
        assert_eq!(
            e.to_string(),
            "line 12 sid 2000001 keyword 'lua': unsupported-keyword: not supported"
        );
        let e = RuleError {
            sid: None,
            keyword: None,
            kind: ErrorKind::Header,
            ..e
        };
        assert_eq!(e.to_string(), "line 12: header: not supported");
    }
}
