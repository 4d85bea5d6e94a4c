//! Integer comparisons shared by many keywords (`dsize`, `ttl`, `itype`, `bsize`, ...), with
//! Suricata's syntax and meaning (rust/src/detect/uint.rs): `N`, `=N`, `<N`, `<=N`, `>N`,
//! `>=N`, `!N`, `!=N`, and `A-B` / `A<>B`, a range that excludes both ends.

use crate::error::{OptError, OptResult};

/// How a value is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintMode {
    Eq,
    Lt,
    Lte,
    Gt,
    Gte,
    /// `arg1 < v < arg2` (both ends excluded).
    Range,
    Ne,
}

/// A parsed integer comparison; `arg2` is only meaningful for [`UintMode::Range`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UintMatch<T> {
    pub mode: UintMode,
    pub arg1: T,
    pub arg2: T,
}

/// Unsigned integer types a comparison can be made on.
pub trait UintType: Copy + Ord + std::str::FromStr + Default {
    const MIN: Self;
    const MAX: Self;
    fn to_u64(self) -> u64;
    fn from_u64(v: u64) -> Option<Self>;
}

macro_rules! uint_type {
    ($($t:ty),*) => {$(
        impl UintType for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn to_u64(self) -> u64 { self as u64 }
            fn from_u64(v: u64) -> Option<Self> { <$t>::try_from(v).ok() }
        }
    )*};
}
uint_type!(u8, u16, u32, u64);

impl<T: UintType> UintMatch<T> {
    /// An equality test.
    pub fn eq(v: T) -> Self {
        UintMatch {
            mode: UintMode::Eq,
            arg1: v,
            arg2: T::MIN,
        }
    }

    /// Evaluates the comparison (a convenience for the matcher and for tests).
    pub fn matches(&self, v: T) -> bool {
        match self.mode {
            UintMode::Eq => v == self.arg1,
            UintMode::Ne => v != self.arg1,
            UintMode::Lt => v < self.arg1,
            UintMode::Lte => v <= self.arg1,
            UintMode::Gt => v > self.arg1,
            UintMode::Gte => v >= self.arg1,
            UintMode::Range => v > self.arg1 && v < self.arg2,
        }
    }
}

fn digits(s: &str) -> (&str, &str) {
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    (s.get(..end).unwrap_or(""), s.get(end..).unwrap_or(""))
}

fn num<T: UintType>(d: &str, whole: &str) -> OptResult<T> {
    if d.is_empty() {
        return Err(OptError::arg(format!("expected a number in '{whole}'")));
    }
    d.parse::<T>()
        .map_err(|_| OptError::arg(format!("number out of range in '{whole}'")))
}

/// Parses a comparison the way Suricata's `detect_parse_uint` does (units `kb`, `mb`, `gb`
/// are accepted after a plain number, as Suricata does).
pub fn parse_uint<T: UintType>(input: &str) -> OptResult<UintMatch<T>> {
    let s = input.trim_matches(' ');
    let (d, rest) = digits(s);
    if !d.is_empty() {
        let r = rest.trim_start_matches(' ');
        let range_rest = r.strip_prefix("<>").or_else(|| r.strip_prefix('-'));
        if let Some(r2) = range_rest {
            let a: T = num(d, input)?;
            let (d2, tail) = digits(r2.trim_start_matches(' '));
            let b: T = num(d2, input)?;
            if !tail.trim_matches(' ').is_empty() {
                return Err(OptError::arg(format!("trailing characters in '{input}'")));
            }
            if b <= a || b.to_u64() - a.to_u64() <= 1 {
                return Err(OptError::arg(format!("empty range in '{input}'")));
            }
            return Ok(UintMatch {
                mode: UintMode::Range,
                arg1: a,
                arg2: b,
            });
        }
        let v = with_unit::<T>(d, rest, input)?;
        return Ok(UintMatch::eq(v));
    }
    let (mode, rest) = if let Some(r) = s.strip_prefix(">=") {
        (UintMode::Gte, r)
    } else if let Some(r) = s.strip_prefix("<=") {
        (UintMode::Lte, r)
    } else if let Some(r) = s.strip_prefix('>') {
        (UintMode::Gt, r)
    } else if let Some(r) = s.strip_prefix('<') {
        (UintMode::Lt, r)
    } else if let Some(r) = s.strip_prefix("!=") {
        (UintMode::Ne, r)
    } else if let Some(r) = s.strip_prefix('!') {
        (UintMode::Ne, r)
    } else if let Some(r) = s.strip_prefix('=') {
        (UintMode::Eq, r)
    } else {
        return Err(OptError::arg(format!("invalid comparison '{input}'")));
    };
    let (d, tail) = digits(rest.trim_start_matches(' '));
    let v: T = if mode == UintMode::Eq {
        with_unit(d, tail, input)?
    } else {
        num(d, input)?
    };
    if mode != UintMode::Eq && !tail.trim_matches(' ').is_empty() {
        return Err(OptError::arg(format!("trailing characters in '{input}'")));
    }
    let impossible = match mode {
        UintMode::Lt | UintMode::Gte => v == T::MIN,
        UintMode::Lte | UintMode::Gt => v == T::MAX,
        _ => false,
    };
    if impossible {
        return Err(OptError::arg(format!(
            "comparison can never or always match: '{input}'"
        )));
    }
    Ok(UintMatch {
        mode,
        arg1: v,
        arg2: T::MIN,
    })
}

fn with_unit<T: UintType>(d: &str, rest: &str, input: &str) -> OptResult<T> {
    let v: T = num(d, input)?;
    let rest = rest.trim_matches(' ');
    let mult: u64 = match rest.to_ascii_lowercase().as_str() {
        "" => return Ok(v),
        "kb" => 1024,
        "mb" => 1024 * 1024,
        "gb" => 1024 * 1024 * 1024,
        _ => return Err(OptError::arg(format!("trailing characters in '{input}'"))),
    };
    v.to_u64()
        .checked_mul(mult)
        .and_then(T::from_u64)
        .ok_or_else(|| OptError::arg(format!("number out of range in '{input}'")))
}

/// Parses a plain unsigned number (decimal, or hex with `0x`), trimming blanks.
pub fn parse_num<T: UintType>(input: &str) -> OptResult<T> {
    let s = input.trim();
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse::<u64>().ok()
    } else {
        None
    };
    v.and_then(T::from_u64)
        .ok_or_else(|| OptError::arg(format!("invalid number '{input}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_uint::<u16>("  12 ").unwrap(), UintMatch::eq(12));
        assert_eq!(parse_uint::<u16>("=12").unwrap(), UintMatch::eq(12));
        assert_eq!(
            parse_uint::<u16>("<100").unwrap(),
            UintMatch {
                mode: UintMode::Lt,
                arg1: 100,
                arg2: 0
            }
        );
        assert_eq!(
            parse_uint::<u16>("> 2 ").unwrap(),
            UintMatch {
                mode: UintMode::Gt,
                arg1: 2,
                arg2: 0
            }
        );
        assert_eq!(
            parse_uint::<u8>("! 1").unwrap(),
            UintMatch {
                mode: UintMode::Ne,
                arg1: 1,
                arg2: 0
            }
        );
        assert_eq!(parse_uint::<u8>("!=1").unwrap().mode, UintMode::Ne);
        assert_eq!(parse_uint::<u8>(">=3").unwrap().mode, UintMode::Gte);
        assert_eq!(parse_uint::<u8>("<=3").unwrap().mode, UintMode::Lte);
        let r = parse_uint::<u16>(" 1 <> 3 ").unwrap();
        assert_eq!(
            r,
            UintMatch {
                mode: UintMode::Range,
                arg1: 1,
                arg2: 3
            }
        );
        assert!(r.matches(2) && !r.matches(1) && !r.matches(3));
        assert_eq!(parse_uint::<u8>("1-3").unwrap().mode, UintMode::Range);
        assert_eq!(parse_uint::<u64>("2kb").unwrap(), UintMatch::eq(2048));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "x",
            "1<>2",
            "3-1",
            "<0",
            ">255",
            "8<<20",
            "> 8 <> 20",
            "1 2",
            "256",
            "<",
            "5kbx",
        ] {
            assert!(parse_uint::<u8>(bad).is_err(), "{bad}");
        }
        assert!(parse_uint::<u8>("1kb").is_err());
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_num::<u32>(" 42 ").unwrap(), 42);
        assert_eq!(parse_num::<u32>("0x1F").unwrap(), 31);
        assert!(parse_num::<u8>("256").is_err());
        assert!(parse_num::<u8>("-1").is_err());
        assert!(parse_num::<u8>("").is_err());
    }
}
