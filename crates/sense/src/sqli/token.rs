//! SQL token types and the fixed-size token record used by the tokenizer and the folder.
//!
//! Ported from libinjection's `stoken_t` (BSD-3-Clause, see `LICENSE-libinjection`): a token keeps
//! a copy of at most [`TOKEN_SIZE`]` - 1` bytes of its text so that folded words ("UNION ALL") can
//! live in it without allocation.

/// Size of a token's value buffer (libinjection: `sizeof(stoken_t.val)`); values keep at most
/// `TOKEN_SIZE - 1` bytes.
pub const TOKEN_SIZE: usize = 32;

/// Token type codes, one byte each; a fingerprint is the string of these codes.
pub mod kind {
    /// No token.
    pub const NONE: u8 = 0;
    /// SQL keyword (`k`).
    pub const KEYWORD: u8 = b'k';
    /// `UNION` and friends (`U`).
    pub const UNION: u8 = b'U';
    /// `GROUP BY`, `ORDER BY`, ... (`B`).
    pub const GROUP: u8 = b'B';
    /// Expression starters such as `SELECT` (`E`).
    pub const EXPRESSION: u8 = b'E';
    /// SQL type names and casts (`t`).
    pub const SQLTYPE: u8 = b't';
    /// Function name (`f`).
    pub const FUNCTION: u8 = b'f';
    /// Bare word (`n`).
    pub const BAREWORD: u8 = b'n';
    /// Number (`1`).
    pub const NUMBER: u8 = b'1';
    /// `@var` / `@@var` (`v`).
    pub const VARIABLE: u8 = b'v';
    /// Quoted string (`s`).
    pub const STRING: u8 = b's';
    /// Operator (`o`).
    pub const OPERATOR: u8 = b'o';
    /// `AND`, `OR`, `&&`, `||` (`&`).
    pub const LOGIC_OPERATOR: u8 = b'&';
    /// Comment (`c`).
    pub const COMMENT: u8 = b'c';
    /// `COLLATE` (`A`).
    pub const COLLATE: u8 = b'A';
    /// `(`.
    pub const LEFTPARENS: u8 = b'(';
    /// `)`.
    pub const RIGHTPARENS: u8 = b')';
    /// `{`.
    pub const LEFTBRACE: u8 = b'{';
    /// `}`.
    pub const RIGHTBRACE: u8 = b'}';
    /// `.`.
    pub const DOT: u8 = b'.';
    /// `,`.
    pub const COMMA: u8 = b',';
    /// `:`.
    pub const COLON: u8 = b':';
    /// `;`.
    pub const SEMICOLON: u8 = b';';
    /// Transact-SQL statement start (`T`).
    pub const TSQL: u8 = b'T';
    /// Unknown character (`?`).
    pub const UNKNOWN: u8 = b'?';
    /// Unparsable, always suspicious (`X`).
    pub const EVIL: u8 = b'X';
    /// Backslash (`\`).
    pub const BACKSLASH: u8 = b'\\';
}

/// One SQL token: its type, where it came from and (a prefix of) its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Offset of the token's text in the input.
    pub pos: usize,
    /// Length of the stored value (at most `TOKEN_SIZE - 1`).
    pub len: usize,
    /// For variables: number of leading `@` (1 or 2).
    pub count: u8,
    /// Token type, one of [`kind`].
    pub kind: u8,
    /// Opening quote of a string (0 when the string was opened by the context).
    pub str_open: u8,
    /// Closing quote of a string (0 when unterminated).
    pub str_close: u8,
    /// Value bytes; only `val[..len]` is meaningful.
    pub val: [u8; TOKEN_SIZE],
}

impl Default for Token {
    fn default() -> Self {
        Token::EMPTY
    }
}

impl Token {
    /// The cleared token.
    pub const EMPTY: Token = Token {
        pos: 0,
        len: 0,
        count: 0,
        kind: kind::NONE,
        str_open: 0,
        str_close: 0,
        val: [0; TOKEN_SIZE],
    };

    /// The stored value (possibly truncated to `TOKEN_SIZE - 1` bytes).
    pub fn value(&self) -> &[u8] {
        self.val.get(..self.len).unwrap_or(&[])
    }

    /// The value as libinjection's C code sees it: up to the first NUL byte.
    pub fn cstr(&self) -> &[u8] {
        let v = self.value();
        match memchr::memchr(0, v) {
            Some(i) => v.get(..i).unwrap_or(&[]),
            None => v,
        }
    }

    /// First byte of the value (0 when empty), libinjection's `val[0]`.
    pub fn first(&self) -> u8 {
        self.val[0]
    }

    /// `st_assign`: set type, position and a copy of (at most 31 bytes of) `value`.
    pub(crate) fn assign(&mut self, kind: u8, pos: usize, value: &[u8]) {
        let last = value.len().min(TOKEN_SIZE - 1);
        self.kind = kind;
        self.pos = pos;
        self.len = last;
        if let (Some(dst), Some(src)) = (self.val.get_mut(..last), value.get(..last)) {
            dst.copy_from_slice(src);
        }
        self.val[last] = 0;
    }

    /// `st_assign_char`: a one-byte token.
    pub(crate) fn assign_char(&mut self, kind: u8, pos: usize, value: u8) {
        self.kind = kind;
        self.pos = pos;
        self.len = 1;
        self.val[0] = value;
        self.val[1] = 0;
    }

    /// `st_is_arithmetic_op`.
    pub(crate) fn is_arithmetic_op(&self) -> bool {
        self.kind == kind::OPERATOR
            && self.len == 1
            && matches!(self.val[0], b'*' | b'/' | b'-' | b'+' | b'%')
    }

    /// `st_is_unary_op`: `+ - ! ~ !! NOT`.
    pub(crate) fn is_unary_op(&self) -> bool {
        if self.kind != kind::OPERATOR {
            return false;
        }
        match self.len {
            1 => matches!(self.val[0], b'+' | b'-' | b'!' | b'~'),
            2 => self.val[0] == b'!' && self.val[1] == b'!',
            3 => self.value().eq_ignore_ascii_case(b"NOT"),
            _ => false,
        }
    }

    /// Case-insensitive comparison of the value with an upper-case word (libinjection's
    /// `cstrcasecmp(WORD, val, len) == 0`).
    pub(crate) fn is_word(&self, upper: &[u8]) -> bool {
        let v = self.value();
        v.len() == upper.len()
            && v.iter()
                .zip(upper)
                .all(|(&a, &b)| a.to_ascii_uppercase() == b && a != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assign_truncates_to_31_bytes() {
        let mut t = Token::EMPTY;
        let long = [b'a'; 40];
        t.assign(kind::BAREWORD, 3, &long);
        assert_eq!(t.len, 31);
        assert_eq!(t.value(), &long[..31]);
        assert_eq!(t.val[31], 0);
        assert_eq!(t.pos, 3);
    }

    #[test]
    fn unary_and_words() {
        let mut t = Token::EMPTY;
        t.assign(kind::OPERATOR, 0, b"not");
        assert!(t.is_unary_op());
        assert!(t.is_word(b"NOT"));
        t.assign(kind::OPERATOR, 0, b"!!");
        assert!(t.is_unary_op());
        t.assign(kind::OPERATOR, 0, b"*");
        assert!(!t.is_unary_op());
        assert!(t.is_arithmetic_op());
        t.assign(kind::BAREWORD, 0, b"a\0b");
        assert_eq!(t.cstr(), b"a");
    }
}
