//! The SQL tokenizer: one parser per leading byte, each producing one [`Token`].
//!
//! A faithful port of libinjection's `libinjection_sqli_tokenize` and its `parse_*` functions
//! (libinjection, Copyright (c) 2012-2016 Nick Galbreath, Copyright 2021 LibInjection,
//! BSD-3-Clause; see `LICENSE-libinjection` in this folder and
//! <https://github.com/libinjection/libinjection>). C pointer arithmetic became index arithmetic
//! with checked accesses: a byte past the end reads as 0, as the C code's NUL terminator would.
//! No allocation: tokens are fixed-size records inside [`SqliState`].

#[cfg(test)]
use super::data::KEYWORDS;
use super::token::{kind, Token, TOKEN_SIZE};

/// Context flag: input as-is.
pub const FLAG_QUOTE_NONE: u32 = 1;
/// Context flag: input follows an opening single quote.
pub const FLAG_QUOTE_SINGLE: u32 = 2;
/// Context flag: input follows an opening double quote.
pub const FLAG_QUOTE_DOUBLE: u32 = 4;
/// Context flag (Sentinelle extension): input follows an opening backtick (MySQL identifier).
pub const FLAG_QUOTE_BACKTICK: u32 = 32;
/// Dialect flag: ANSI SQL comments (`--x` is a comment, `#` an operator).
pub const FLAG_SQL_ANSI: u32 = 8;
/// Dialect flag: MySQL comments (`#` starts a comment, `--x` is two minus signs).
pub const FLAG_SQL_MYSQL: u32 = 16;

/// Number of tokens kept in a fingerprint.
pub const MAX_TOKENS: usize = 5;

/// Tokenizer and folder state for one input and one context (libinjection's `sfilter`).
#[derive(Debug, Clone)]
pub struct SqliState<'a> {
    pub(crate) s: &'a [u8],
    pub(crate) flags: u32,
    pub(crate) pos: usize,
    pub(crate) tokenvec: [Token; 8],
    pub(crate) current: usize,
    pub(crate) fingerprint: [u8; 8],
    pub(crate) fp_len: usize,
    pub(crate) stats_comment_ddx: u32,
    pub(crate) stats_comment_hash: u32,
    pub(crate) stats_tokens: u32,
}

/// Upper-case `word` into a stack buffer and look it up in the keyword table; 0 when absent.
pub(crate) fn lookup_word(word: &[u8]) -> u8 {
    if word.is_empty() || word.len() >= TOKEN_SIZE {
        return kind::NONE;
    }
    let mut buf = [0u8; TOKEN_SIZE];
    let Some(dst) = buf.get_mut(..word.len()) else {
        return kind::NONE;
    };
    for (d, &c) in dst.iter_mut().zip(word) {
        *d = c.to_ascii_uppercase();
    }
    super::table::keywords().get(dst)
}

/// libinjection's `char_is_white`: space, \t \n \v \f \r, NUL (Oracle) and 0xA0 (Latin-1).
#[inline]
pub(crate) fn is_white(ch: u8) -> bool {
    matches!(ch, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0 | 0)
}

/// Length of the prefix of `s` made of bytes in `accept` (NUL is always accepted, as C's
/// `strchr` finds the terminator).
fn span(s: &[u8], accept: &[u8]) -> usize {
    s.iter()
        .position(|&c| c != 0 && !accept.contains(&c))
        .unwrap_or(s.len())
}

/// Bytes that end a bare word (`parse_word`), NUL included.
#[inline]
fn ends_word(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'<'
            | b'>'
            | b':'
            | b'\\'
            | b'?'
            | b'='
            | b'@'
            | b'!'
            | b'#'
            | b'~'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'&'
            | b'|'
            | b'^'
            | b'%'
            | b'('
            | b')'
            | b','
            | b'\''
            | b';'
            | b'\t'
            | b'\n'
            | 0x0b
            | 0x0c
            | b'\r'
            | b'"'
            | 0xa0
            | 0
    )
}

/// Bytes that end a variable name (`parse_var`), NUL included.
#[inline]
fn ends_var(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'<'
            | b'>'
            | b':'
            | b'\\'
            | b'?'
            | b'='
            | b'@'
            | b'!'
            | b'#'
            | b'~'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'&'
            | b'|'
            | b'^'
            | b'%'
            | b'('
            | b')'
            | b','
            | b'\''
            | b';'
            | b'\t'
            | b'\n'
            | 0x0b
            | 0x0c
            | b'\r'
            | b'`'
            | b'"'
            | 0
    )
}

/// Find `c0 c1` in `hay` (libinjection's `memchr2`).
fn find2(hay: &[u8], c0: u8, c1: u8) -> Option<usize> {
    hay.windows(2).position(|w| w[0] == c0 && w[1] == c1)
}

/// The parser chosen by an input byte (libinjection's `char_parse_map`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parser {
    White,
    Operator1,
    Other,
    Char,
    Hash,
    Dash,
    Slash,
    Backslash,
    Operator2,
    String,
    Word,
    Var,
    Number,
    Tick,
    UString,
    QString,
    NqString,
    XString,
    BString,
    EString,
    BWord,
    Money,
}

const fn build_parse_map() -> [Parser; 256] {
    let mut map = [Parser::Word; 256];
    let mut i = 0;
    while i <= 32 {
        map[i] = Parser::White;
        i += 1;
    }
    map[127] = Parser::White;
    map[160] = Parser::White;
    let mut d = b'0';
    while d <= b'9' {
        map[d as usize] = Parser::Number;
        d += 1;
    }
    map[b'!' as usize] = Parser::Operator2;
    map[b'"' as usize] = Parser::String;
    map[b'#' as usize] = Parser::Hash;
    map[b'$' as usize] = Parser::Money;
    map[b'%' as usize] = Parser::Operator1;
    map[b'&' as usize] = Parser::Operator2;
    map[b'\'' as usize] = Parser::String;
    map[b'(' as usize] = Parser::Char;
    map[b')' as usize] = Parser::Char;
    map[b'*' as usize] = Parser::Operator2;
    map[b'+' as usize] = Parser::Operator1;
    map[b',' as usize] = Parser::Char;
    map[b'-' as usize] = Parser::Dash;
    map[b'.' as usize] = Parser::Number;
    map[b'/' as usize] = Parser::Slash;
    map[b':' as usize] = Parser::Operator2;
    map[b';' as usize] = Parser::Char;
    map[b'<' as usize] = Parser::Operator2;
    map[b'=' as usize] = Parser::Operator2;
    map[b'>' as usize] = Parser::Operator2;
    map[b'?' as usize] = Parser::Other;
    map[b'@' as usize] = Parser::Var;
    map[b'B' as usize] = Parser::BString;
    map[b'b' as usize] = Parser::BString;
    map[b'E' as usize] = Parser::EString;
    map[b'e' as usize] = Parser::EString;
    map[b'N' as usize] = Parser::NqString;
    map[b'n' as usize] = Parser::NqString;
    map[b'Q' as usize] = Parser::QString;
    map[b'q' as usize] = Parser::QString;
    map[b'U' as usize] = Parser::UString;
    map[b'u' as usize] = Parser::UString;
    map[b'X' as usize] = Parser::XString;
    map[b'x' as usize] = Parser::XString;
    map[b'[' as usize] = Parser::BWord;
    map[b'\\' as usize] = Parser::Backslash;
    map[b']' as usize] = Parser::Other;
    map[b'^' as usize] = Parser::Operator1;
    map[b'`' as usize] = Parser::Tick;
    map[b'{' as usize] = Parser::Char;
    map[b'|' as usize] = Parser::Operator2;
    map[b'}' as usize] = Parser::Char;
    map[b'~' as usize] = Parser::Operator1;
    map
}

static PARSE_MAP: [Parser; 256] = build_parse_map();

impl<'a> SqliState<'a> {
    /// A fresh state over `s` for the given context flags (0 means `QUOTE_NONE | SQL_ANSI`).
    pub fn new(s: &'a [u8], flags: u32) -> Self {
        let flags = if flags == 0 {
            FLAG_QUOTE_NONE | FLAG_SQL_ANSI
        } else {
            flags
        };
        SqliState {
            s,
            flags,
            pos: 0,
            tokenvec: [Token::EMPTY; 8],
            current: 0,
            fingerprint: [0; 8],
            fp_len: 0,
            stats_comment_ddx: 0,
            stats_comment_hash: 0,
            stats_tokens: 0,
        }
    }

    /// Start over on the same input with other flags (`libinjection_sqli_reset`).
    pub fn reset(&mut self, flags: u32) {
        *self = SqliState::new(self.s, flags);
    }

    /// The token the tokenizer last wrote.
    pub fn current(&self) -> &Token {
        self.tok(self.current)
    }

    /// Token `i` of the folded vector (clamped to the vector's 8 slots).
    pub fn token(&self, i: usize) -> &Token {
        self.tok(i)
    }

    #[inline]
    pub(crate) fn tok(&self, i: usize) -> &Token {
        &self.tokenvec[i.min(7)]
    }

    #[inline]
    pub(crate) fn tok_mut(&mut self, i: usize) -> &mut Token {
        &mut self.tokenvec[i.min(7)]
    }

    #[inline]
    fn cur(&mut self) -> &mut Token {
        let i = self.current;
        self.tok_mut(i)
    }

    /// Input byte `i`, or 0 past the end (the C string's terminator).
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn from(&self, i: usize) -> &'a [u8] {
        self.s.get(i..).unwrap_or(&[])
    }

    #[inline]
    fn slice(&self, start: usize, len: usize) -> &'a [u8] {
        let end = start.saturating_add(len).min(self.s.len());
        self.s.get(start.min(end)..end).unwrap_or(&[])
    }

    fn assign(&mut self, kind: u8, pos: usize, len: usize) {
        let v = self.slice(pos, len);
        self.cur().assign(kind, pos, v);
    }

    /// Produce the next token into the current slot; false at end of input
    /// (`libinjection_sqli_tokenize`).
    pub fn tokenize(&mut self) -> bool {
        let slen = self.s.len();
        if slen == 0 {
            return false;
        }
        *self.cur() = Token::EMPTY;

        if self.pos == 0 && self.flags & (FLAG_QUOTE_SINGLE | FLAG_QUOTE_DOUBLE) != 0 {
            let delim = if self.flags & FLAG_QUOTE_SINGLE != 0 {
                b'\''
            } else {
                b'"'
            };
            self.pos = self.parse_string_core(0, delim, 0);
            self.stats_tokens += 1;
            return true;
        }
        if self.pos == 0 && self.flags & FLAG_QUOTE_BACKTICK != 0 {
            // The rest of a `quoted identifier`: a bare word, as parse_tick makes it.
            self.pos = self.parse_string_core(0, b'`', 0);
            self.cur().kind = kind::BAREWORD;
            self.stats_tokens += 1;
            return true;
        }

        while self.pos < slen {
            let ch = self.at(self.pos);
            self.pos = match PARSE_MAP[usize::from(ch)] {
                Parser::White => self.pos + 1,
                Parser::Operator1 => self.parse_operator1(),
                Parser::Other => self.parse_other(),
                Parser::Char => self.parse_char(),
                Parser::Hash => self.parse_hash(),
                Parser::Dash => self.parse_dash(),
                Parser::Slash => self.parse_slash(),
                Parser::Backslash => self.parse_backslash(),
                Parser::Operator2 => self.parse_operator2(),
                Parser::String => self.parse_string(),
                Parser::Word => self.parse_word(),
                Parser::Var => self.parse_var(),
                Parser::Number => self.parse_number(),
                Parser::Tick => self.parse_tick(),
                Parser::UString => self.parse_ustring(),
                Parser::QString => self.parse_qstring_core(0),
                Parser::NqString => self.parse_nqstring(),
                Parser::XString => self.parse_xstring(),
                Parser::BString => self.parse_bstring(),
                Parser::EString => self.parse_estring(),
                Parser::BWord => self.parse_bword(),
                Parser::Money => self.parse_money(),
            };
            if self.current().kind != kind::NONE {
                self.stats_tokens += 1;
                return true;
            }
        }
        false
    }

    fn parse_operator1(&mut self) -> usize {
        let pos = self.pos;
        let c = self.at(pos);
        self.cur().assign_char(kind::OPERATOR, pos, c);
        pos + 1
    }

    fn parse_other(&mut self) -> usize {
        let pos = self.pos;
        let c = self.at(pos);
        self.cur().assign_char(kind::UNKNOWN, pos, c);
        pos + 1
    }

    fn parse_char(&mut self) -> usize {
        let pos = self.pos;
        let c = self.at(pos);
        self.cur().assign_char(c, pos, c);
        pos + 1
    }

    fn parse_eol_comment(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        match memchr::memchr(b'\n', self.from(pos)) {
            None => {
                self.assign(kind::COMMENT, pos, slen - pos);
                slen
            }
            Some(off) => {
                self.assign(kind::COMMENT, pos, off);
                pos + off + 1
            }
        }
    }

    fn parse_hash(&mut self) -> usize {
        self.stats_comment_hash += 1;
        if self.flags & FLAG_SQL_MYSQL != 0 {
            self.stats_comment_hash += 1;
            self.parse_eol_comment()
        } else {
            let pos = self.pos;
            self.cur().assign_char(kind::OPERATOR, pos, b'#');
            pos + 1
        }
    }

    fn parse_dash(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        let next_dash = self.at(pos + 1) == b'-';
        if (pos + 2 < slen && next_dash && is_white(self.at(pos + 2))) || (pos + 2 == slen && next_dash) {
            self.parse_eol_comment()
        } else if pos + 1 < slen && next_dash && self.flags & FLAG_SQL_ANSI != 0 {
            self.stats_comment_ddx += 1;
            self.parse_eol_comment()
        } else {
            self.cur().assign_char(kind::OPERATOR, pos, b'-');
            pos + 1
        }
    }

    fn parse_slash(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        if pos + 1 == slen || self.at(pos + 1) != b'*' {
            return self.parse_operator1();
        }
        // Skip the opening "/*" and look for "*/".
        let inner = self.from(pos + 2);
        let end = find2(inner, b'*', b'/');
        let clen = match end {
            None => slen - pos,
            Some(off) => off + 4,
        };
        // A nested "/*" (PostgreSQL nests comments) or a MySQL "/*!" comment is unparsable.
        let mut ctype = kind::COMMENT;
        if let Some(off) = end {
            // C: memchr2(cur + 2, ptr - (cur + 1), '/', '*'): scans one byte past "*/"'s '*'.
            let scan = self.slice(pos + 2, off + 1);
            if find2(scan, b'/', b'*').is_some() {
                ctype = kind::EVIL;
            }
        }
        if ctype == kind::COMMENT && pos + 2 < slen && self.at(pos + 2) == b'!' {
            ctype = kind::EVIL;
        }
        self.assign(ctype, pos, clen);
        pos + clen
    }

    fn parse_backslash(&mut self) -> usize {
        let pos = self.pos;
        if pos + 1 < self.s.len() && self.at(pos + 1) == b'N' {
            self.assign(kind::NUMBER, pos, 2);
            pos + 2
        } else {
            let c = self.at(pos);
            self.cur().assign_char(kind::BACKSLASH, pos, c);
            pos + 1
        }
    }

    fn parse_operator2(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        if pos + 1 >= slen {
            return self.parse_operator1();
        }
        if pos + 2 < slen && self.at(pos) == b'<' && self.at(pos + 1) == b'=' && self.at(pos + 2) == b'>' {
            self.assign(kind::OPERATOR, pos, 3);
            return pos + 3;
        }
        let ch = lookup_word(self.slice(pos, 2));
        if ch != kind::NONE {
            self.assign(ch, pos, 2);
            return pos + 2;
        }
        if self.at(pos) == b':' {
            self.assign(kind::COLON, pos, 1);
            pos + 1
        } else {
            self.parse_operator1()
        }
    }

    /// Odd number of backslashes right before `qpos` (not looking before `start`).
    fn is_backslash_escaped(&self, qpos: usize, start: usize) -> bool {
        let mut n = 0usize;
        let mut i = qpos;
        while i > start {
            i -= 1;
            if self.at(i) != b'\\' {
                break;
            }
            n += 1;
        }
        n & 1 == 1
    }

    /// Quoted string starting at `pos`; `offset` skips the opening quote (0 when the quote is
    /// implied by the context). Handles `\'` and `''` escapes.
    fn parse_string_core(&mut self, pos: usize, delim: u8, offset: usize) -> usize {
        let slen = self.s.len();
        let start = pos + offset;
        let open = if offset > 0 { delim } else { 0 };
        let mut search = start;
        loop {
            let found = memchr::memchr(delim, self.from(search)).map(|o| search + o);
            match found {
                None => {
                    self.assign(kind::STRING, start, slen.saturating_sub(start));
                    let t = self.cur();
                    t.str_open = open;
                    t.str_close = 0;
                    return slen;
                }
                Some(q) if self.is_backslash_escaped(q, start) => {
                    search = q + 1;
                }
                Some(q) if q + 1 < slen && self.at(q + 1) == delim => {
                    search = q + 2;
                }
                Some(q) => {
                    self.assign(kind::STRING, start, q - start);
                    let t = self.cur();
                    t.str_open = open;
                    t.str_close = delim;
                    return q + 1;
                }
            }
        }
    }

    fn parse_string(&mut self) -> usize {
        let pos = self.pos;
        let delim = self.at(pos);
        self.parse_string_core(pos, delim, 1)
    }

    fn parse_estring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 >= self.s.len() || self.at(pos + 1) != b'\'' {
            return self.parse_word();
        }
        self.parse_string_core(pos, b'\'', 2)
    }

    fn parse_ustring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 < self.s.len() && self.at(pos + 1) == b'&' && self.at(pos + 2) == b'\'' {
            self.pos += 2;
            let npos = self.parse_string();
            let t = self.cur();
            t.str_open = b'u';
            if t.str_close == b'\'' {
                t.str_close = b'u';
            }
            npos
        } else {
            self.parse_word()
        }
    }

    fn parse_qstring_core(&mut self, offset: usize) -> usize {
        let slen = self.s.len();
        let pos = self.pos + offset;
        if pos >= slen || !matches!(self.at(pos), b'q' | b'Q') || pos + 2 >= slen || self.at(pos + 1) != b'\''
        {
            return self.parse_word();
        }
        let mut ch = self.at(pos + 2);
        // C compares a signed char: bytes >= 0x80 are negative, hence "< 33".
        if (ch as i8) < 33 {
            return self.parse_word();
        }
        ch = match ch {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            c => c,
        };
        match find2(self.from(pos + 3), ch, b'\'') {
            None => {
                self.assign(kind::STRING, pos + 3, slen - pos - 3);
                let t = self.cur();
                t.str_open = b'q';
                t.str_close = 0;
                slen
            }
            Some(off) => {
                self.assign(kind::STRING, pos + 3, off);
                let t = self.cur();
                t.str_open = b'q';
                t.str_close = b'q';
                pos + 3 + off + 2
            }
        }
    }

    fn parse_nqstring(&mut self) -> usize {
        let pos = self.pos;
        if pos + 2 < self.s.len() && self.at(pos + 1) == b'\'' {
            return self.parse_estring();
        }
        self.parse_qstring_core(1)
    }

    fn parse_bstring(&mut self) -> usize {
        self.parse_prefixed_number(b"01")
    }

    fn parse_xstring(&mut self) -> usize {
        self.parse_prefixed_number(b"0123456789ABCDEFabcdef")
    }

    /// `b'0101'` / `x'CAFE'` literals.
    fn parse_prefixed_number(&mut self, digits: &[u8]) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        if pos + 2 >= slen || self.at(pos + 1) != b'\'' {
            return self.parse_word();
        }
        let wlen = span(self.from(pos + 2), digits);
        if pos + 2 + wlen >= slen || self.at(pos + 2 + wlen) != b'\'' {
            return self.parse_word();
        }
        self.assign(kind::NUMBER, pos, wlen + 3);
        pos + 2 + wlen + 1
    }

    /// MS SQL Server `[bracket words]`.
    fn parse_bword(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        match memchr::memchr(b']', self.from(pos)) {
            None => {
                self.assign(kind::BAREWORD, pos, slen - pos);
                slen
            }
            Some(off) => {
                self.assign(kind::BAREWORD, pos, off + 1);
                pos + off + 1
            }
        }
    }

    fn parse_word(&mut self) -> usize {
        let pos = self.pos;
        let rest = self.from(pos);
        let wlen = rest.iter().position(|&c| ends_word(c)).unwrap_or(rest.len());
        self.assign(kind::BAREWORD, pos, wlen);

        // "SELECT.1" or SELECT`col`: split where the part before '.'/'`' is a keyword.
        let stored = *self.current();
        for (i, &delim) in stored.value().iter().enumerate() {
            if delim == b'.' || delim == b'`' {
                let ch = lookup_word(stored.value().get(..i).unwrap_or(&[]));
                if ch != kind::NONE && ch != kind::BAREWORD {
                    *self.cur() = Token::EMPTY;
                    self.assign(ch, pos, i);
                    return pos + i;
                }
            }
        }

        if wlen < TOKEN_SIZE {
            let ch = lookup_word(stored.value());
            self.cur().kind = if ch == kind::NONE { kind::BAREWORD } else { ch };
        }
        pos + wlen
    }

    /// MySQL backtick identifiers: a function name stays a function, anything else is a word.
    fn parse_tick(&mut self) -> usize {
        let pos = self.pos;
        let npos = self.parse_string_core(pos, b'`', 1);
        let ch = lookup_word(self.current().value());
        self.cur().kind = if ch == kind::FUNCTION {
            kind::FUNCTION
        } else {
            kind::BAREWORD
        };
        npos
    }

    fn parse_var(&mut self) -> usize {
        let slen = self.s.len();
        let mut pos = self.pos + 1;
        let count = if pos < slen && self.at(pos) == b'@' {
            pos += 1;
            2
        } else {
            1
        };
        self.cur().count = count;

        if pos < slen {
            let c = self.at(pos);
            if c == b'`' {
                self.pos = pos;
                let npos = self.parse_tick();
                self.cur().kind = kind::VARIABLE;
                return npos;
            } else if c == b'\'' || c == b'"' {
                self.pos = pos;
                let npos = self.parse_string();
                self.cur().kind = kind::VARIABLE;
                return npos;
            }
        }

        let rest = self.from(pos);
        let xlen = rest.iter().position(|&c| ends_var(c)).unwrap_or(rest.len());
        self.assign(kind::VARIABLE, pos, xlen);
        pos + xlen
    }

    fn parse_money(&mut self) -> usize {
        let pos = self.pos;
        let slen = self.s.len();
        if pos + 1 == slen {
            self.cur().assign_char(kind::BAREWORD, pos, b'$');
            return slen;
        }
        let xlen = span(self.from(pos + 1), b"0123456789.,");
        if xlen == 0 {
            if self.at(pos + 1) == b'$' {
                // $$ dollar-quoted string $$
                return match find2(self.from(pos + 2), b'$', b'$') {
                    None => {
                        self.assign(kind::STRING, pos + 2, slen - (pos + 2));
                        let t = self.cur();
                        t.str_open = b'$';
                        t.str_close = 0;
                        slen
                    }
                    Some(off) => {
                        self.assign(kind::STRING, pos + 2, off);
                        let t = self.cur();
                        t.str_open = b'$';
                        t.str_close = b'$';
                        pos + 2 + off + 2
                    }
                };
            }
            // $tag$ ... $tag$ (PostgreSQL)
            let xlen = span(
                self.from(pos + 1),
                b"abcdefghjiklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            );
            if xlen == 0 || pos + xlen + 1 == slen || self.at(pos + xlen + 1) != b'$' {
                self.cur().assign_char(kind::BAREWORD, pos, b'$');
                return pos + 1;
            }
            let tag = self.slice(pos, xlen + 2);
            let body_start = pos + xlen + 2;
            let body = self.from(body_start);
            let found = if tag.len() > body.len() {
                None
            } else {
                body.windows(tag.len()).position(|w| w == tag)
            };
            match found {
                None => {
                    self.assign(kind::STRING, body_start, slen - body_start);
                    let t = self.cur();
                    t.str_open = b'$';
                    t.str_close = 0;
                    slen
                }
                Some(off) => {
                    self.assign(kind::STRING, body_start, off);
                    let t = self.cur();
                    t.str_open = b'$';
                    t.str_close = b'$';
                    body_start + off + xlen + 2
                }
            }
        } else if xlen == 1 && self.at(pos + 1) == b'.' {
            self.parse_word()
        } else {
            self.assign(kind::NUMBER, pos, 1 + xlen);
            pos + 1 + xlen
        }
    }

    fn parse_number(&mut self) -> usize {
        let slen = self.s.len();
        let mut pos = self.pos;

        if self.at(pos) == b'0' && pos + 1 < slen {
            let digits: Option<&[u8]> = match self.at(pos + 1) {
                b'X' | b'x' => Some(b"0123456789ABCDEFabcdef"),
                b'B' | b'b' => Some(b"01"),
                _ => None,
            };
            if let Some(digits) = digits {
                let xlen = span(self.from(pos + 2), digits);
                if xlen == 0 {
                    self.assign(kind::BAREWORD, pos, 2);
                    return pos + 2;
                }
                self.assign(kind::NUMBER, pos, 2 + xlen);
                return pos + 2 + xlen;
            }
        }

        let start = pos;
        while pos < slen && self.at(pos).is_ascii_digit() {
            pos += 1;
        }
        if pos < slen && self.at(pos) == b'.' {
            pos += 1;
            while pos < slen && self.at(pos).is_ascii_digit() {
                pos += 1;
            }
            if pos - start == 1 {
                self.cur().assign_char(kind::DOT, start, b'.');
                return pos;
            }
        }

        let mut have_e = false;
        let mut have_exp = false;
        if pos < slen && matches!(self.at(pos), b'E' | b'e') {
            have_e = true;
            pos += 1;
            if pos < slen && matches!(self.at(pos), b'+' | b'-') {
                pos += 1;
            }
            while pos < slen && self.at(pos).is_ascii_digit() {
                have_exp = true;
                pos += 1;
            }
        }

        // Oracle float/double suffixes: 1.2f, 1.2d.
        if pos < slen && matches!(self.at(pos), b'd' | b'D' | b'f' | b'F') {
            let next = self.at(pos + 1);
            if pos + 1 == slen || is_white(next) || next == b';' || matches!(next, b'u' | b'U') {
                pos += 1;
            }
        }

        let kind = if have_e && !have_exp {
            kind::BAREWORD
        } else {
            kind::NUMBER
        };
        self.assign(kind, start, pos - start);
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: &str) -> Vec<(char, String)> {
        let mut st = SqliState::new(input.as_bytes(), FLAG_QUOTE_NONE | FLAG_SQL_ANSI);
        let mut out = Vec::new();
        while st.tokenize() {
            let t = st.current();
            out.push((
                char::from(t.kind),
                String::from_utf8_lossy(t.value()).into_owned(),
            ));
        }
        out
    }

    fn t(k: char, v: &str) -> (char, String) {
        (k, v.to_string())
    }

    #[test]
    fn keyword_table_is_sorted_and_lookup_is_case_insensitive() {
        assert!(KEYWORDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(lookup_word(b"select"), b'E');
        assert_eq!(lookup_word(b"UnIoN"), b'U');
        assert_eq!(lookup_word(b"sleep"), b'f');
        assert_eq!(lookup_word(b"or"), b'&');
        assert_eq!(lookup_word(b"notakeyword"), 0);
        assert_eq!(lookup_word(b""), 0);
        assert_eq!(lookup_word(&[b'a'; 40]), 0);
    }

    #[test]
    fn classic_tokens() {
        assert_eq!(
            tokens("1' OR '1'='1"),
            vec![t('1', "1"), t('s', " OR "), t('1', "1"), t('s', "="), t('1', "1")]
        );
        assert_eq!(
            tokens("SELECT a FROM b -- x"),
            vec![
                t('E', "SELECT"),
                t('n', "a"),
                t('k', "FROM"),
                t('n', "b"),
                t('c', "-- x")
            ]
        );
        assert_eq!(
            tokens("x'414243' 0x41 b'01' 1.5e3 1e"),
            vec![
                t('1', "x'414243'"),
                t('1', "0x41"),
                t('1', "b'01'"),
                t('1', "1.5e3"),
                t('n', "1e")
            ]
        );
        assert_eq!(tokens("/*! 50000 */"), vec![t('X', "/*! 50000 */")]);
        assert_eq!(tokens("/* /* */"), vec![t('X', "/* /* */")]);
        assert_eq!(tokens("@@version"), vec![t('v', "version")]);
        assert_eq!(tokens("$$abc$$"), vec![t('s', "abc")]);
        assert_eq!(tokens("$foo$abc$foo$ 1"), vec![t('s', "abc"), t('1', "1")]);
        assert_eq!(tokens("q'[abc]'"), vec![t('s', "abc")]);
        assert_eq!(tokens("'it''s'"), vec![t('s', "it''s")]);
        assert_eq!(tokens("'a\\'b'"), vec![t('s', "a\\'b")]);
        assert_eq!(tokens("[col]"), vec![t('n', "[col]")]);
        assert_eq!(tokens("\\N"), vec![t('1', "\\N")]);
        assert_eq!(tokens("a<=>b"), vec![t('n', "a"), t('o', "<=>"), t('n', "b")]);
    }

    #[test]
    fn truncated_inputs_never_panic() {
        for s in [
            "'", "\"", "`", "/*", "/", "-", "--", "$", "$$", "$a", "$a$", "@", "@@", "@`", "q'", "q'(", "n'",
            "N", "x'", "b'0", "0x", "0b", "1e", "1e+", "1.", ".", "u&'", "[", "\\", "<", "<=", ":", "{",
            "e'",
        ] {
            let _ = tokens(s);
        }
    }
}
