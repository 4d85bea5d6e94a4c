//! Line-oriented SQLi checking, the engine of `sentinelle sqli-check [FILE...]`.
//!
//! Each input line is one value. It is checked as-is and after percent-decoding (double
//! encoding and `%uXXXX` included, `+` kept literal), and one line is written per input:
//! `sqli\tFINGERPRINT\tINPUT` or `safe\t\tINPUT`. Lines longer than [`MAX_LINE`] are checked on
//! their first `MAX_LINE` bytes, and the input echoed is cut the same way.

use std::io::{BufRead, Write};

use crate::decode::{Plus, ValueDecoder};

/// Longest line kept (bytes); the rest of a longer line is skipped and counted.
pub const MAX_LINE: usize = 1024 * 1024;

/// Errors of [`sqli_check`], naming the line where they happened.
#[derive(Debug, thiserror::Error)]
pub enum SqliCheckError {
    /// Reading input failed.
    #[error("sqli-check: reading input line {line}: {source}")]
    Read {
        /// 1-based line number.
        line: u64,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing output failed.
    #[error("sqli-check: writing result for line {line}: {source}")]
    Write {
        /// 1-based line number.
        line: u64,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What [`sqli_check`] saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CheckSummary {
    /// Lines read.
    pub lines: u64,
    /// Lines detected as SQLi.
    pub sqli: u64,
    /// Lines longer than [`MAX_LINE`] (checked on their prefix).
    pub truncated: u64,
}

/// Read one line (without its `\n` / `\r\n`) into `buf`, keeping at most `MAX_LINE` bytes.
/// Returns `Ok(None)` at end of input, else whether the line was cut.
fn read_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut any = false;
    let mut cut = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done, used) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (chunk.get(..i).unwrap_or(&[]), true, i + 1),
            None => (chunk, false, chunk.len()),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        if part.len() > room {
            cut = true;
        }
        buf.extend_from_slice(part.get(..room.min(part.len())).unwrap_or(&[]));
        input.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(cut))
}

/// Check every line of `input`, writing one result line per input line to `output`.
pub fn sqli_check<R: BufRead, W: Write>(mut input: R, mut output: W) -> Result<CheckSummary, SqliCheckError> {
    let mut summary = CheckSummary::default();
    let mut decoder = ValueDecoder::new();
    let mut line = Vec::new();
    loop {
        let lineno = summary.lines + 1;
        let cut = match read_line(&mut input, &mut line) {
            Ok(Some(cut)) => cut,
            Ok(None) => break,
            Err(source) => return Err(SqliCheckError::Read { line: lineno, source }),
        };
        summary.lines = lineno;
        if cut {
            summary.truncated += 1;
        }
        let res = match decoder.detect(&line, Plus::Keep, true) {
            Some(hit) => {
                summary.sqli += 1;
                output
                    .write_all(b"sqli\t")
                    .and_then(|_| output.write_all(hit.fingerprint.as_bytes()))
                    .and_then(|_| output.write_all(b"\t"))
            }
            None => output.write_all(b"safe\t\t"),
        }
        .and_then(|_| output.write_all(&line))
        .and_then(|_| output.write_all(b"\n"));
        res.map_err(|source| SqliCheckError::Write { line: lineno, source })?;
    }
    output.flush().map_err(|source| SqliCheckError::Write {
        line: summary.lines,
        source,
    })?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> (String, CheckSummary) {
        let mut out = Vec::new();
        let s = sqli_check(input, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), s)
    }

    #[test]
    fn lines_and_format() {
        let (out, s) = run(b"1' OR '1'='1\r\nO'Brien\n\n1%27%20AND%20SLEEP(5)--%20-");
        assert_eq!(
            out,
            "sqli\ts&sos\t1' OR '1'='1\nsafe\t\tO'Brien\nsafe\t\t\nsqli\ts&f(1\t1%27%20AND%20SLEEP(5)--%20-\n"
        );
        assert_eq!(
            s,
            CheckSummary {
                lines: 4,
                sqli: 2,
                truncated: 0
            }
        );
        let (out, s) = run(b"");
        assert_eq!(out, "");
        assert_eq!(s.lines, 0);
    }

    #[test]
    fn long_lines_are_cut() {
        let mut input = vec![b'a'; MAX_LINE + 10];
        input.extend_from_slice(b"\nselect 1\n");
        let (out, s) = run(&input);
        assert_eq!(s.lines, 2);
        assert_eq!(s.truncated, 1);
        assert!(out.ends_with("safe\t\tselect 1\n"));
        assert_eq!(
            out.len(),
            "safe\t\t".len() + MAX_LINE + 1 + "safe\t\tselect 1\n".len()
        );
    }

    struct FailWriter;
    impl Write for FailWriter {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_errors_name_the_line() {
        let err = sqli_check(&b"x\n"[..], FailWriter).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sqli-check: writing result for line 1: disk full"
        );
    }
}
