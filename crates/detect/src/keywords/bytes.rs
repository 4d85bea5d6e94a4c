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

fn nbytes_ok(n: i64, string: bool) -> Result<usize, CompileError> {
    let max = if string { 23 } else { 8 };
    if n <= 0 || n > max {
        return Err(CompileError::new("byte_*", format!("bad byte count {n}")));
    }
    Ok(n as usize)
}

fn fixed(n: Num) -> Result<i64, CompileError> {
    match n {
        Num::Val(v) => Ok(v),
        Num::Var(_) => Err(CompileError::new(
            "byte_*",
            "variable byte count is not supported",
        )),
    }
}

#[derive(Clone, Debug)]
pub struct ByteTestM {
    pub nbytes: usize,
    pub negated: bool,
    pub op: ByteTestOp,
    pub value: Num,
    pub offset: Num,
    pub relative: bool,
    pub rd: Reader,
}

impl ByteTestM {
    pub fn compile(b: &ByteTest, vars: &VarTable) -> Result<Self, CompileError> {
        Ok(ByteTestM {
            nbytes: nbytes_ok(fixed(num(&b.nbytes, vars)?)?, b.string.is_some())?,
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
        let Some(v) = self.rd.read(buf, base + self.offset.get(vars), self.nbytes) else {
            return false;
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
    pub nbytes: usize,
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
        Ok(ByteJumpM {
            nbytes: nbytes_ok(fixed(num(&b.nbytes, vars)?)?, b.string.is_some())?,
            offset: num(&b.offset, vars)?,
            relative: b.relative,
            multiplier: u64::from(b.multiplier.unwrap_or(1)),
            align: b.align,
            from: b.from,
            post_offset: i64::from(b.post_offset.unwrap_or(0)),
            rd: Reader::new(b.endian, b.string, b.bitmask)?,
        })
    }

    /// The new inspection position, or `None` when the jump leaves the buffer.
    pub fn eval(&self, buf: &[u8], prev: usize, vars: &[u64]) -> Option<usize> {
        let base = if self.relative { prev as i64 } else { 0 };
        let at = base + self.offset.get(vars);
        let v = self.rd.read(buf, at, self.nbytes)?;
        let mut v = v.checked_mul(self.multiplier)?;
        if self.align && v % 4 != 0 {
            v += 4 - v % 4;
        }
        let v = i64::try_from(v).ok()?;
        let origin = match self.from {
            JumpFrom::Beginning => 0,
            JumpFrom::End => buf.len() as i64,
            JumpFrom::Current => at + self.nbytes as i64,
        };
        let pos = origin.checked_add(v)?.checked_add(self.post_offset)?;
        if pos < 0 || pos > buf.len() as i64 {
            return None;
        }
        Some(pos as usize)
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
    pub nbytes: usize,
    pub offset: i64,
    pub op: ByteMathOp,
    pub rvalue: Num,
    pub slot: usize,
    pub relative: bool,
    pub rd: Reader,
}

impl ByteMathM {
    pub fn compile(b: &ByteMath, vars: &VarTable, slot: usize) -> Result<Self, CompileError> {
        Ok(ByteMathM {
            nbytes: nbytes_ok(fixed(num(&b.nbytes, vars)?)?, b.string.is_some())?,
            offset: i64::from(b.offset),
            op: b.op,
            rvalue: num(&b.rvalue, vars)?,
            slot,
            relative: b.relative,
            rd: Reader::new(b.endian, b.string, b.bitmask)?,
        })
    }

    pub fn eval(&self, buf: &[u8], prev: usize, vars: &mut [u64]) -> bool {
        let base = if self.relative { prev as i64 } else { 0 };
        let Some(v) = self.rd.read(buf, base + self.offset, self.nbytes) else {
            return false;
        };
        let r = self.rvalue.get(vars) as u64;
        let out = match self.op {
            ByteMathOp::Add => v.checked_add(r),
            ByteMathOp::Sub => v.checked_sub(r),
            ByteMathOp::Mul => v.checked_mul(r),
            ByteMathOp::Div => v.checked_div(r),
            ByteMathOp::Shl => u32::try_from(r).ok().and_then(|s| v.checked_shl(s)),
            ByteMathOp::Shr => u32::try_from(r).ok().and_then(|s| v.checked_shr(s)),
        };
        match (out, vars.get_mut(self.slot)) {
            (Some(o), Some(slot)) => {
                *slot = o;
                true
            }
            _ => false,
        }
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
    fn jump() {
        let j = ByteJumpM {
            nbytes: 1,
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
    }
}
