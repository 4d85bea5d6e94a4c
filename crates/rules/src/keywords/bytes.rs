//! Byte keywords: `byte_test`, `byte_jump`, `byte_extract`, `byte_math`, `isdataat`,
//! `base64_decode`, `asn1`. Parsers return the keyword without its buffer; the rule parser
//! binds the current sticky buffer.

use crate::ast::{
    Asn1, Base64Decode, ByteExtract, ByteJump, ByteMath, ByteMathOp, ByteTest, ByteTestOp, Endian, IsDataAt,
    JumpFrom, NumArg, NumBase,
};
use crate::buffer::BufferRef;
use crate::error::{OptError, OptResult};
use crate::keywords::content::num_arg;
use crate::keywords::split_args;
use crate::uint::parse_num;

const MAX_OFFSET: i64 = 65_535;

fn base(s: &str) -> Option<NumBase> {
    match s {
        "hex" => Some(NumBase::Hex),
        "dec" => Some(NumBase::Dec),
        "oct" => Some(NumBase::Oct),
        _ => None,
    }
}

fn check_nbytes(n: &NumArg, string: bool) -> OptResult<()> {
    if let NumArg::Value(v) = n {
        let max = if string { 23 } else { 8 };
        if *v < 0 || *v > max {
            return Err(OptError::arg(format!(
                "number of bytes {v} out of range 0..={max}"
            )));
        }
    }
    Ok(())
}

/// Value after a keyword inside an argument (`multiplier 4`, `bitmask 0x0f`).
fn kv<'a>(part: &'a str, key: &str) -> Option<&'a str> {
    let rest = part.strip_prefix(key)?;
    if rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        Some(rest.trim())
    } else {
        None
    }
}

/// `byte_test`.
pub(crate) fn byte_test(v: &str) -> OptResult<ByteTest> {
    let parts: Vec<&str> = split_args(v).collect();
    if parts.len() < 4 {
        return Err(OptError::arg("expected nbytes, operator, value, offset"));
    }
    let nbytes = num_arg(parts.first().copied().unwrap_or(""), 0, 23)?;
    let mut op_s = parts.get(1).copied().unwrap_or("");
    let mut negated = false;
    if let Some(r) = op_s.strip_prefix('!') {
        negated = true;
        op_s = r.trim_start();
    }
    let op = match op_s {
        "<" => ByteTestOp::Lt,
        ">" => ByteTestOp::Gt,
        "=" | "" => ByteTestOp::Eq,
        "<=" => ByteTestOp::Lte,
        ">=" => ByteTestOp::Gte,
        "&" => ByteTestOp::And,
        "^" => ByteTestOp::Xor,
        other => return Err(OptError::arg(format!("invalid byte_test operator '{other}'"))),
    };
    if op_s.is_empty() && !negated {
        return Err(OptError::arg("missing byte_test operator"));
    }
    let vs = parts.get(2).copied().unwrap_or("");
    let value = match parse_num::<u64>(vs) {
        Ok(n) => NumArg::Value(i64::try_from(n).map_err(|_| OptError::arg("value too large"))?),
        Err(_) => num_arg(vs, 0, i64::MAX)?,
    };
    // Suricata parses the byte_test offset as any 32-bit signed value.
    let offset = num_arg(
        parts.get(3).copied().unwrap_or(""),
        i64::from(i32::MIN),
        i64::from(i32::MAX),
    )?;
    let mut t = ByteTest {
        buffer: BufferRef::payload(),
        nbytes,
        negated,
        op,
        value,
        offset,
        relative: false,
        endian: None,
        string: None,
        bitmask: None,
    };
    let mut string = false;
    for p in parts.iter().skip(4) {
        match *p {
            "relative" => t.relative = true,
            "big" => set_endian(&mut t.endian, Endian::Big)?,
            "little" => set_endian(&mut t.endian, Endian::Little)?,
            "dce" => set_endian(&mut t.endian, Endian::Dce)?,
            "string" => string = true,
            s if base(s).is_some() => t.string = base(s),
            s => {
                if let Some(m) = kv(s, "bitmask") {
                    t.bitmask = Some(parse_num::<u32>(m)?);
                } else {
                    return Err(OptError::arg(format!("unknown byte_test option '{s}'")));
                }
            }
        }
    }
    finish_string(string, &mut t.string, t.endian)?;
    check_nbytes(&t.nbytes, t.string.is_some())?;
    Ok(t)
}

fn set_endian(slot: &mut Option<Endian>, e: Endian) -> OptResult<()> {
    if slot.is_some() {
        return Err(OptError::arg("endianness given twice"));
    }
    *slot = Some(e);
    Ok(())
}

/// `string` without a base means decimal; a base without `string` is an error.
fn finish_string(string: bool, base: &mut Option<NumBase>, endian: Option<Endian>) -> OptResult<()> {
    if string {
        if base.is_none() {
            *base = Some(NumBase::Dec);
        }
        if endian == Some(Endian::Dce) {
            return Err(OptError::arg("'string' cannot be combined with 'dce'"));
        }
    } else if base.is_some() {
        return Err(OptError::arg("a number base needs 'string'"));
    }
    Ok(())
}

/// `byte_jump`.
pub(crate) fn byte_jump(v: &str) -> OptResult<ByteJump> {
    let parts: Vec<&str> = split_args(v).collect();
    if parts.len() < 2 {
        return Err(OptError::arg("expected nbytes, offset"));
    }
    let nbytes = num_arg(parts.first().copied().unwrap_or(""), 0, 23)?;
    let offset = num_arg(parts.get(1).copied().unwrap_or(""), -MAX_OFFSET, MAX_OFFSET)?;
    let mut j = ByteJump {
        buffer: BufferRef::payload(),
        nbytes,
        offset,
        relative: false,
        multiplier: None,
        endian: None,
        string: None,
        align: false,
        from: JumpFrom::Current,
        post_offset: None,
        bitmask: None,
    };
    let mut string = false;
    for p in parts.iter().skip(2) {
        match *p {
            "relative" => j.relative = true,
            "big" => set_endian(&mut j.endian, Endian::Big)?,
            "little" => set_endian(&mut j.endian, Endian::Little)?,
            "dce" => set_endian(&mut j.endian, Endian::Dce)?,
            "string" => string = true,
            "align" => j.align = true,
            "from_beginning" => j.from = JumpFrom::Beginning,
            "from_end" => j.from = JumpFrom::End,
            s if base(s).is_some() => j.string = base(s),
            s => {
                if let Some(m) = kv(s, "multiplier") {
                    j.multiplier = Some(parse_num::<u32>(m)?);
                } else if let Some(m) = kv(s, "post_offset") {
                    j.post_offset = Some(
                        m.parse::<i32>()
                            .map_err(|_| OptError::arg(format!("invalid post_offset '{m}'")))?,
                    );
                } else if let Some(m) = kv(s, "bitmask") {
                    j.bitmask = Some(parse_num::<u32>(m)?);
                } else {
                    return Err(OptError::arg(format!("unknown byte_jump option '{s}'")));
                }
            }
        }
    }
    finish_string(string, &mut j.string, j.endian)?;
    if j.nbytes != NumArg::Value(0) || j.from != JumpFrom::End {
        check_nbytes(&j.nbytes, j.string.is_some())?;
    }
    Ok(j)
}

/// `byte_extract`.
pub(crate) fn byte_extract(v: &str) -> OptResult<ByteExtract> {
    let parts: Vec<&str> = split_args(v).collect();
    if parts.len() < 3 {
        return Err(OptError::arg("expected nbytes, offset, name"));
    }
    let nb = parts.first().copied().unwrap_or("");
    let nbytes = parse_num::<u8>(nb)?;
    let off = parts.get(1).copied().unwrap_or("");
    let offset = off
        .parse::<i32>()
        .map_err(|_| OptError::arg(format!("invalid offset '{off}'")))?;
    let name = parts.get(2).copied().unwrap_or("");
    if name.is_empty()
        || name
            .bytes()
            .any(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'))
    {
        return Err(OptError::arg(format!("invalid variable name '{name}'")));
    }
    let mut e = ByteExtract {
        buffer: BufferRef::payload(),
        nbytes,
        offset,
        name: name.to_string(),
        relative: false,
        multiplier: None,
        endian: None,
        string: None,
        align: None,
        bitmask: None,
    };
    let mut string = false;
    for p in parts.iter().skip(3) {
        match *p {
            "relative" => e.relative = true,
            "big" => set_endian(&mut e.endian, Endian::Big)?,
            "little" => set_endian(&mut e.endian, Endian::Little)?,
            "dce" => set_endian(&mut e.endian, Endian::Dce)?,
            "string" => string = true,
            s if base(s).is_some() => e.string = base(s),
            s => {
                if let Some(m) = kv(s, "multiplier") {
                    e.multiplier = Some(parse_num::<u32>(m)?);
                } else if let Some(m) = kv(s, "align") {
                    let a = parse_num::<u8>(m)?;
                    if a != 2 && a != 4 {
                        return Err(OptError::arg("align must be 2 or 4"));
                    }
                    e.align = Some(a);
                } else if let Some(m) = kv(s, "bitmask") {
                    e.bitmask = Some(parse_num::<u32>(m)?);
                } else {
                    return Err(OptError::arg(format!("unknown byte_extract option '{s}'")));
                }
            }
        }
    }
    finish_string(string, &mut e.string, e.endian)?;
    check_nbytes(&NumArg::Value(i64::from(e.nbytes)), e.string.is_some())?;
    Ok(e)
}

/// `byte_math`.
pub(crate) fn byte_math(v: &str) -> OptResult<ByteMath> {
    let mut nbytes = None;
    let mut offset = None;
    let mut op = None;
    let mut rvalue = None;
    let mut result = None;
    let mut relative = false;
    let mut endian = None;
    let mut string = None;
    let mut bitmask = None;
    for p in split_args(v) {
        if p == "relative" {
            relative = true;
        } else if p == "dce" {
            set_endian(&mut endian, Endian::Dce)?;
        } else if let Some(x) = kv(p, "bytes") {
            nbytes = Some(num_arg(x, 1, 10)?);
        } else if let Some(x) = kv(p, "offset") {
            offset = Some(
                x.parse::<i32>()
                    .map_err(|_| OptError::arg(format!("invalid offset '{x}'")))?,
            );
        } else if let Some(x) = kv(p, "oper") {
            op = Some(match x {
                "+" => ByteMathOp::Add,
                "-" => ByteMathOp::Sub,
                "*" => ByteMathOp::Mul,
                "/" => ByteMathOp::Div,
                "<<" => ByteMathOp::Shl,
                ">>" => ByteMathOp::Shr,
                o => return Err(OptError::arg(format!("invalid byte_math operator '{o}'"))),
            });
        } else if let Some(x) = kv(p, "rvalue") {
            rvalue = Some(match parse_num::<u32>(x) {
                Ok(n) => NumArg::Value(i64::from(n)),
                Err(_) => num_arg(x, 0, i64::from(u32::MAX))?,
            });
        } else if let Some(x) = kv(p, "result") {
            result = Some(x.to_string());
        } else if let Some(x) = kv(p, "endian") {
            let e = match x {
                "big" => Endian::Big,
                "little" => Endian::Little,
                "dce" => Endian::Dce,
                o => return Err(OptError::arg(format!("invalid endian '{o}'"))),
            };
            set_endian(&mut endian, e)?;
        } else if let Some(x) = kv(p, "string") {
            string = Some(base(x).ok_or_else(|| OptError::arg(format!("invalid string base '{x}'")))?);
        } else if let Some(x) = kv(p, "bitmask") {
            bitmask = Some(parse_num::<u32>(x)?);
        } else {
            return Err(OptError::arg(format!("unknown byte_math option '{p}'")));
        }
    }
    let m = ByteMath {
        buffer: BufferRef::payload(),
        nbytes: nbytes.ok_or_else(|| OptError::arg("byte_math needs 'bytes'"))?,
        offset: offset.ok_or_else(|| OptError::arg("byte_math needs 'offset'"))?,
        op: op.ok_or_else(|| OptError::arg("byte_math needs 'oper'"))?,
        rvalue: rvalue.ok_or_else(|| OptError::arg("byte_math needs 'rvalue'"))?,
        result: result.ok_or_else(|| OptError::arg("byte_math needs 'result'"))?,
        relative,
        endian,
        string,
        bitmask,
    };
    if string.is_some() && endian.is_some() {
        return Err(OptError::arg("'string' cannot be combined with 'endian'"));
    }
    Ok(m)
}

/// `isdataat:[!]N|var[,relative][,rawbytes]`.
pub(crate) fn isdataat(v: &str) -> OptResult<IsDataAt> {
    let mut parts = split_args(v);
    let first = parts.next().unwrap_or("");
    let (negated, first) = match first.strip_prefix('!') {
        Some(r) => (true, r.trim()),
        None => (false, first),
    };
    let offset = num_arg(first, 0, MAX_OFFSET)?;
    let mut relative = false;
    for p in parts {
        match p {
            "relative" => relative = true,
            "rawbytes" => {}
            o => return Err(OptError::arg(format!("unknown isdataat option '{o}'"))),
        }
    }
    Ok(IsDataAt {
        buffer: BufferRef::payload(),
        negated,
        offset,
        relative,
    })
}

/// `base64_decode[:bytes N][, offset N][, relative]`.
pub(crate) fn base64_decode(v: Option<&str>) -> OptResult<Base64Decode> {
    let mut d = Base64Decode {
        buffer: BufferRef::payload(),
        bytes: None,
        offset: None,
        relative: false,
    };
    let Some(v) = v else { return Ok(d) };
    for p in split_args(v) {
        if p == "relative" {
            d.relative = true;
        } else if let Some(x) = kv(p, "bytes") {
            let n = parse_num::<u32>(x)?;
            if n == 0 {
                return Err(OptError::arg("bytes must be greater than 0"));
            }
            d.bytes = Some(n);
        } else if let Some(x) = kv(p, "offset") {
            d.offset = Some(parse_num::<u32>(x)?);
        } else if !p.is_empty() {
            return Err(OptError::arg(format!("unknown base64_decode option '{p}'")));
        }
    }
    Ok(d)
}

/// `asn1:bitstring_overflow, double_overflow, oversize_length N, absolute_offset N, relative_offset N`.
pub(crate) fn asn1(v: &str) -> OptResult<Asn1> {
    let mut a = Asn1::default();
    for p in split_args(v) {
        if p == "bitstring_overflow" {
            a.bitstring_overflow = true;
        } else if p == "double_overflow" {
            a.double_overflow = true;
        } else if let Some(x) = kv(p, "oversize_length") {
            a.oversize_length = Some(parse_num::<u32>(x)?);
        } else if let Some(x) = kv(p, "absolute_offset") {
            a.absolute_offset = Some(
                x.parse::<i32>()
                    .map_err(|_| OptError::arg("invalid absolute_offset"))?,
            );
        } else if let Some(x) = kv(p, "relative_offset") {
            a.relative_offset = Some(
                x.parse::<i32>()
                    .map_err(|_| OptError::arg("invalid relative_offset"))?,
            );
        } else {
            return Err(OptError::arg(format!("unknown asn1 option '{p}'")));
        }
    }
    if a == Asn1::default() {
        return Err(OptError::arg("asn1 needs at least one check"));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_test_forms() {
        let t = byte_test("4, >, 0x1000, 0, relative, little").unwrap();
        assert_eq!(t.nbytes, NumArg::Value(4));
        assert_eq!(t.op, ByteTestOp::Gt);
        assert_eq!(t.value, NumArg::Value(4096));
        assert_eq!(t.offset, NumArg::Value(0));
        assert!(t.relative && !t.negated);
        assert_eq!(t.endian, Some(Endian::Little));
        let t = byte_test("2,!&,0x80,-2,relative,string,hex,bitmask 0x0f").unwrap();
        assert!(t.negated);
        assert_eq!(t.op, ByteTestOp::And);
        assert_eq!(t.offset, NumArg::Value(-2));
        assert_eq!(t.string, Some(NumBase::Hex));
        assert_eq!(t.bitmask, Some(15));
        let t = byte_test("1,=,len,0,string").unwrap();
        assert_eq!(t.value, NumArg::Var("len".into()));
        assert_eq!(t.string, Some(NumBase::Dec));
        assert!(byte_test("9,=,1,0").is_err());
        assert!(byte_test("4,=,1").is_err());
        assert!(byte_test("4,~,1,0").is_err());
        assert!(byte_test("4,=,1,0,bogus").is_err());
        assert!(byte_test("4,=,1,0,hex").is_err());
        assert!(byte_test("4,=,1,0,big,little").is_err());
    }

    #[test]
    fn byte_jump_forms() {
        let j = byte_jump("4,0,relative,little,multiplier 2,post_offset -1,align,from_beginning").unwrap();
        assert_eq!(j.nbytes, NumArg::Value(4));
        assert!(j.relative && j.align);
        assert_eq!(j.multiplier, Some(2));
        assert_eq!(j.post_offset, Some(-1));
        assert_eq!(j.from, JumpFrom::Beginning);
        assert_eq!(byte_jump("0,0,from_end").unwrap().from, JumpFrom::End);
        assert!(byte_jump("4").is_err());
        assert!(byte_jump("4,0,post_offset x").is_err());
    }

    #[test]
    fn byte_extract_and_math() {
        let e = byte_extract("2,3,record_len,relative,little").unwrap();
        assert_eq!((e.nbytes, e.offset, e.name.as_str()), (2, 3, "record_len"));
        assert!(e.relative);
        assert!(byte_extract("2,3").is_err());
        assert!(byte_extract("2,3,a b").is_err());
        assert!(byte_extract("2,3,x,align 3").is_err());
        let m = byte_math("bytes 2, offset 0, oper *, rvalue 4, result x, relative, endian little").unwrap();
        assert_eq!(m.op, ByteMathOp::Mul);
        assert_eq!(m.rvalue, NumArg::Value(4));
        assert_eq!(m.result, "x");
        assert_eq!(m.endian, Some(Endian::Little));
        let m = byte_math("bytes rlen, offset 1, oper <<, rvalue other, result y").unwrap();
        assert_eq!(m.nbytes, NumArg::Var("rlen".into()));
        assert_eq!(m.rvalue, NumArg::Var("other".into()));
        assert!(byte_math("bytes 2, offset 0, oper %, rvalue 4, result x").is_err());
        assert!(byte_math("bytes 2, offset 0, rvalue 4, result x").is_err());
    }

    #[test]
    fn isdataat_base64_asn1() {
        let i = isdataat("!1,relative").unwrap();
        assert!(i.negated && i.relative);
        assert_eq!(i.offset, NumArg::Value(1));
        assert_eq!(
            isdataat("len,rawbytes").unwrap().offset,
            NumArg::Var("len".into())
        );
        assert!(isdataat("1,sideways").is_err());
        let b = base64_decode(Some("bytes 30, offset 0, relative")).unwrap();
        assert_eq!((b.bytes, b.offset, b.relative), (Some(30), Some(0), true));
        assert_eq!(base64_decode(None).unwrap().bytes, None);
        assert!(base64_decode(Some("bytes 0")).is_err());
        let a = asn1("double_overflow, bitstring_overflow, relative_offset 0, oversize_length 100").unwrap();
        assert!(a.double_overflow && a.bitstring_overflow);
        assert_eq!(a.relative_offset, Some(0));
        assert_eq!(a.oversize_length, Some(100));
        assert!(asn1("nope").is_err());
    }
}
