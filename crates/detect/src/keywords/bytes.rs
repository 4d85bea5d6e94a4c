//! `byte_test`, `byte_jump`, `byte_extract`, `byte_math`: read a number from the buffer (binary
//! big/little endian, or an ASCII string in base 8/10/16) and test it, move the inspection
//! pointer, or store it in a rule variable, as Suricata's `detect-byte*.c`.

use super::content::Num;
use super::{num, CompileError, VarTable};
use rules::{ByteExtract, ByteJump, ByteMath, ByteMathOp, ByteTest, ByteTestOp, Endian, JumpFrom, NumBase};

/// How the number is read.
#[derive(Clone, Copy, Debug)]
pub struct Reader {
    pub little: bool,
    pub string: Option<NumBase>,
    pub bitmask: Option<u32>,
}

impl Reader {
    fn new(
        endian: Option<Endian>,
        string: Option<NumBase>,
        bitmask: Option<u32>,
    ) -> Result<Reader, CompileError> {
        if endian == Some(Endian::Dce) {
            return Err(CompileError::new("byte_*", "dce byte order is not supported"));
        }
        Ok(Reader {
            little: endian == Some(Endian::Little),
            string,
            bitmask,
        })
    }

    /// Reads `n` bytes at `at`.
    pub fn read(&self, buf: &[u8], at: i64, n: usize) -> Option<u64> {
        if at < 0 {
            return None;
        }
        let at = at as usize;
        let bytes = buf.get(at..at.checked_add(n)?)?;
        let mut v: u64 = match self.string {
            None => {
                if n == 0 || n > 8 {
                    return None;
                }
                let mut v: u64 = 0;
                if self.little {
                    for &b in bytes.iter().rev() {
                        v = (v << 8) | u64::from(b);
                    }
                } else {
                    for &b in bytes {
                        v = (v << 8) | u64::from(b);
                    }
                }
                v
            }
            Some(base) => parse_str(bytes, base)?,
        };
        if let Some(mask) = self.bitmask {
            v &= u64::from(mask);
            if mask != 0 {
                v >>= mask.trailing_zeros();
            }
        }
        Some(v)
    }
}

fn parse_str(b: &[u8], base: NumBase) -> Option<u64> {
    let radix = match base {
        NumBase::Hex => 16,
        NumBase::Dec => 10,
        NumBase::Oct => 8,
    };
    let s = std::str::from_utf8(b).ok()?;
    let s = s.trim_start();
    let s = if radix == 16 {
        s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s)
    } else {
        s
    };
    // strtoull reads the leading digits; Suricata then refuses trailing characters.
    u64::from_str_radix(s, radix).ok()
}

/// `strtoull` on the rest of a buffer, as Suricata's `ByteExtractString` does for a string
/// count of 0: leading white space, an optional sign (`-` wraps), `0x` before hex digits, then
/// as many digits as there are. `None` when there is no digit or the value overflows.
fn parse_str_prefix(b: &[u8], base: NumBase) -> Option<u64> {
    let radix: u32 = match base {
        NumBase::Hex => 16,
        NumBase::Dec => 10,
        NumBase::Oct => 8,
    };
    let mut i = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(b.len());
    let mut neg = false;
    if let Some(&c @ (b'+' | b'-')) = b.get(i) {
        neg = c == b'-';
        i += 1;
    }
    if radix == 16
        && b.get(i) == Some(&b'0')
        && matches!(b.get(i + 1), Some(b'x' | b'X'))
        && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
    {
        i += 2;
    }
    let mut v: u64 = 0;
    let mut digits = 0usize;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        v = v.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
        digits += 1;
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

fn nbytes_ok(n: i64, string: bool) -> Result<usize, CompileError> {
    let max = if string { 23 } else { 8 };
    if n <= 0 || n > max {
        return Err(CompileError::new("byte_*", format!("bad byte count {n}")));
    }
    Ok(n as usize)
}

#[derive(Clone, Debug)]
pub struct ByteTestM {
    /// Bytes to read: a number or a `byte_extract` variable (1..=8, or 1..=23 as a string).
    pub nbytes: Num,
    pub negated: bool,
    pub op: ByteTestOp,
    pub value: Num,
    pub offset: Num,
    pub relative: bool,
    pub rd: Reader,
}

impl ByteTestM {
    pub fn compile(b: &ByteTest, vars: &VarTable) -> Result<Self, CompileError> {
        let nbytes = num(&b.nbytes, vars)?;
        match nbytes {
            // A string of count 0 is read as far as it has digits (Suricata's `strtoull` on
            // the buffer; ET Open uses it).
            Num::Val(0) if b.string.is_some() => {}
            Num::Val(n) => {
                nbytes_ok(n, b.string.is_some())?;
            }
            Num::Var(_) => {}
        }
        Ok(ByteTestM {
            nbytes,
            negated: b.negated,
            op: b.op,
            value: num(&b.value, vars)?,
            offset: num(&b.offset, vars)?,
            relative: b.relative,
            rd: Reader::new(b.endian, b.string, b.bitmask)?,
        })
    }

    pub fn eval(&self, buf: &[u8], prev: usize, vars: &[u64]) -> bool {
        let base = if self.relative { prev as i64 } else { 0 };
        let max = if self.rd.string.is_some() { 23 } else { 8 };
        let n = self.nbytes.get(vars);
        let at = base + self.offset.get(vars);
        let v = match (n, self.rd.string) {
            (0, Some(radix)) if at >= 0 => {
                let Some(v) = buf
                    .get(at as usize..)
                    .and_then(|rest| parse_str_prefix(rest, radix))
                else {
                    return false;
                };
                v
            }
            _ => {
                if !(1..=max).contains(&n) {
                    return false;
                }
                let Some(v) = self.rd.read(buf, at, n as usize) else {
                    return false;
                };
                v
            }
        };
        let t = self.value.get(vars) as u64;
        let r = match self.op {
            ByteTestOp::Lt => v < t,
            ByteTestOp::Gt => v > t,
            ByteTestOp::Eq => v == t,
            ByteTestOp::Lte => v <= t,
            ByteTestOp::Gte => v >= t,
            ByteTestOp::And => v & t != 0,
            ByteTestOp::Xor => v ^ t != 0,
        };
        r != self.negated
    }
}

#[derive(Clone, Debug)]
pub struct ByteJumpM {
    /// Bytes to read: a number or a `byte_extract` variable, 0..=8 (0..=23 as a string).
    pub nbytes: Num,
    pub offset: Num,
    pub relative: bool,
    pub multiplier: u64,
    pub align: bool,
    pub from: JumpFrom,
    pub post_offset: i64,
    pub rd: Reader,
}

impl ByteJumpM {
    pub fn compile(b: &ByteJump, vars: &VarTable) -> Result<Self, CompileError> {
        let nbytes = num(&b.nbytes, vars)?;
        if let Num::Val(n) = nbytes {
            let max = if b.string.is_some() { 23 } else { 8 };
            if !(0..=max).contains(&n) {
                return Err(CompileError::new("byte_jump", format!("bad byte count {n}")));
            }
        }
        Ok(ByteJumpM {
            nbytes,
            offset: num(&b.offset, vars)?,
            relative: b.relative,
            multiplier: u64::from(b.multiplier.unwrap_or(1)),
            align: b.align,
            from: b.from,
            post_offset: i64::from(b.post_offset.unwrap_or(0)),
            rd: Reader::new(b.endian, b.string, b.bitmask)?,
        })
    }

    /// The new inspection position, or `None` when there is nothing to read or the jump goes
    /// past the end (`DetectBytejumpDoMatch`: a jump before the start lands on the start).
    pub fn eval(&self, buf: &[u8], prev: usize, vars: &[u64]) -> Option<usize> {
        if buf.is_empty() {
            return None;
        }
        let n = self.nbytes.get(vars);
        let max = if self.rd.string.is_some() { 23 } else { 8 };
        if !(0..=max).contains(&n) {
            return None;
        }
        let blen = buf.len() as i64;
        let mut at = self.offset.get(vars);
        if self.relative {
            at = at.saturating_add(prev as i64);
            if n != 0 && blen.saturating_sub(at) <= 0 {
                return None;
            }
        }
        if at < 0 || n > blen.saturating_sub(at) {
            return None;
        }
        let v = if n == 0 {
            if self.rd.string.is_some() {
                return None;
            }
            0
        } else {
            self.rd.read(buf, at, n as usize)?
        };
        let mut v = v.wrapping_mul(self.multiplier);
        if self.align && v % 4 != 0 {
            v = v.wrapping_add(4 - v % 4);
        }
        let v = (v as i64).wrapping_add(self.post_offset);
        let pos = match self.from {
            JumpFrom::Beginning => v,
            JumpFrom::End => blen.wrapping_add(v),
            JumpFrom::Current => at.wrapping_add(v).wrapping_add(n),
        };
        if pos > blen {
            return None;
        }
        Some(pos.max(0) as usize)
    }
}

#[derive(Clone, Debug)]
pub struct ByteExtractM {
    pub nbytes: usize,
    pub offset: i64,
    pub slot: usize,
    pub relative: bool,
    pub multiplier: u64,
    pub align: u64,
    pub rd: Reader,
}

impl ByteExtractM {
    pub fn compile(b: &ByteExtract, slot: usize) -> Result<Self, CompileError> {
        Ok(ByteExtractM {
            nbytes: nbytes_ok(i64::from(b.nbytes), b.string.is_some())?,
            offset: i64::from(b.offset),
            slot,
            relative: b.relative,
            multiplier: u64::from(b.multiplier.unwrap_or(1)),
            align: u64::from(b.align.unwrap_or(0)),
            rd: Reader::new(b.endian, b.string, b.bitmask)?,
        })
    }

    /// Stores the value and returns the new inspection position (after the bytes read).
    pub fn eval(&self, buf: &[u8], prev: usize, vars: &mut [u64]) -> Option<usize> {
        let base = if self.relative { prev as i64 } else { 0 };
        let at = base + self.offset;
        let v = self.rd.read(buf, at, self.nbytes)?;
        let mut v = v.checked_mul(self.multiplier)?;
        if self.align > 1 && v % self.align != 0 {
            v += self.align - v % self.align;
        }
        *vars.get_mut(self.slot)? = v;
        usize::try_from(at).ok()?.checked_add(self.nbytes)
    }
}

#[derive(Clone, Debug)]
pub struct ByteMathM {
    /// Bytes to read: a number or a variable (1..=4, or 1..=10 as a string).
    pub nbytes: Num,
    pub offset: i64,
    pub op: ByteMathOp,
    pub rvalue: Num,
    pub slot: usize,
    pub relative: bool,
    /// Reads without bitmask: byte_math masks the result of the operation.
    pub rd: Reader,
    pub bitmask: Option<u32>,
}

impl ByteMathM {
    pub fn compile(b: &ByteMath, vars: &VarTable, slot: usize) -> Result<Self, CompileError> {
        let nbytes = num(&b.nbytes, vars)?;
        let max = if b.string.is_some() { 10 } else { 4 };
        if let Num::Val(n) = nbytes {
            if !(1..=max).contains(&n) {
                return Err(CompileError::new("byte_math", format!("bad byte count {n}")));
            }
        }
        Ok(ByteMathM {
            nbytes,
            offset: i64::from(b.offset),
            op: b.op,
            rvalue: num(&b.rvalue, vars)?,
            slot,
            relative: b.relative,
            rd: Reader::new(b.endian, b.string, None)?,
            bitmask: b.bitmask,
        })
    }

    /// Stores the result and returns the position after the bytes read
    /// (`DetectByteMathDoMatch`: wrapping arithmetic, the bitmask applied to the result).
    pub fn eval(&self, buf: &[u8], prev: usize, vars: &mut [u64]) -> Option<usize> {
        if buf.is_empty() {
            return None;
        }
        let max = if self.rd.string.is_some() { 10 } else { 4 };
        let n = self.nbytes.get(vars);
        if !(1..=max).contains(&n) {
            return None;
        }
        let blen = buf.len() as i64;
        let at = if self.relative {
            let at = (prev as i64).saturating_add(self.offset);
            if blen.saturating_sub(at) <= 0 {
                return None;
            }
            at
        } else {
            self.offset
        };
        if at < 0 || n > blen.saturating_sub(at) {
            return None;
        }
        let v = self.rd.read(buf, at, n as usize)?;
        let r = self.rvalue.get(vars) as u64;
        let mut out = match self.op {
            ByteMathOp::Add => v.wrapping_add(r),
            ByteMathOp::Sub => v.wrapping_sub(r),
            ByteMathOp::Mul => v.wrapping_mul(r),
            ByteMathOp::Div => v.checked_div(r)?,
            ByteMathOp::Shl => u32::try_from(r).ok().and_then(|s| v.checked_shl(s)).unwrap_or(0),
            ByteMathOp::Shr => u32::try_from(r).ok().and_then(|s| v.checked_shr(s)).unwrap_or(0),
        };
        if let Some(mask) = self.bitmask {
            out &= u64::from(mask);
            if out != 0 && mask != 0 {
                out >>= mask.trailing_zeros();
            }
        }
        *vars.get_mut(self.slot)? = out;
        usize::try_from(at).ok()?.checked_add(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads() {
        let be = Reader {
            little: false,
            string: None,
            bitmask: None,
        };
        let le = Reader { little: true, ..be };
        assert_eq!(be.read(&[1, 2], 0, 2), Some(0x0102));
        assert_eq!(le.read(&[1, 2], 0, 2), Some(0x0201));
        assert_eq!(be.read(&[1, 2], 1, 2), None);
        assert_eq!(be.read(&[1, 2], -1, 1), None);
        let s = Reader {
            string: Some(NumBase::Dec),
            ..be
        };
        assert_eq!(s.read(b"123x", 0, 3), Some(123));
        assert_eq!(s.read(b"12x", 0, 3), None);
        let m = Reader {
            bitmask: Some(0xf0),
            ..be
        };
        assert_eq!(m.read(&[0xab], 0, 1), Some(0xa));
    }

    #[test]
    fn string_count_zero_reads_all_digits() {
        assert_eq!(parse_str_prefix(b"12345 rest", NumBase::Dec), Some(12345));
        assert_eq!(parse_str_prefix(b" \t+42x", NumBase::Dec), Some(42));
        assert_eq!(parse_str_prefix(b"-1", NumBase::Dec), Some(u64::MAX));
        assert_eq!(parse_str_prefix(b"0x1fz", NumBase::Hex), Some(0x1f));
        assert_eq!(parse_str_prefix(b"0xz", NumBase::Hex), Some(0));
        assert_eq!(parse_str_prefix(b"x1", NumBase::Dec), None);
        assert_eq!(parse_str_prefix(b"", NumBase::Dec), None);
        assert_eq!(parse_str_prefix(b"99999999999999999999999", NumBase::Dec), None);
        let t = |rule: &str, buf: &[u8]| {
            let r = rules::parse_rule(&format!("alert tcp any any -> any any ({rule} sid:1;)")).unwrap();
            let Some(rules::RuleOption::ByteTest(b)) = r
                .options
                .iter()
                .find(|o| matches!(o, rules::RuleOption::ByteTest(_)))
            else {
                panic!("no byte_test in {rule}");
            };
            ByteTestM::compile(b, &VarTable::default())
                .unwrap()
                .eval(buf, 0, &[])
        };
        assert!(t("byte_test:0,>,1000,0,string,dec;", b"100000 bytes"));
        assert!(!t("byte_test:0,>,1000,0,string,dec;", b"999 bytes"));
        assert!(!t("byte_test:0,=,0,0,string,dec;", b"abc"));
        assert!(t("byte_test:0,=,0,0,string,dec;", b"0"));
    }

    #[test]
    fn jump() {
        let j = ByteJumpM {
            nbytes: Num::Val(1),
            offset: Num::Val(0),
            relative: false,
            multiplier: 1,
            align: false,
            from: JumpFrom::Current,
            post_offset: 0,
            rd: Reader {
                little: false,
                string: None,
                bitmask: None,
            },
        };
        assert_eq!(j.eval(&[2, 0, 0, 9], 0, &[]), Some(3));
        assert_eq!(j.eval(&[9, 0], 0, &[]), None);
        assert_eq!(j.eval(&[], 0, &[]), None);
        // 0 bytes read: a pure move by post_offset; before the start lands on the start.
        let z = ByteJumpM {
            nbytes: Num::Val(0),
            relative: true,
            post_offset: -7,
            ..j.clone()
        };
        assert_eq!(z.eval(&[0; 10], 9, &[]), Some(2));
        assert_eq!(z.eval(&[0; 10], 5, &[]), Some(0));
        // Relative with nothing left to read.
        assert_eq!(z.eval(&[0; 10], 10, &[]), Some(3));
        let v = ByteJumpM {
            nbytes: Num::Var(0),
            ..j
        };
        assert_eq!(v.eval(&[0, 2, 0, 0], 0, &[2]), Some(4));
        assert_eq!(v.eval(&[0, 2, 0, 0], 0, &[9]), None);
    }
}
