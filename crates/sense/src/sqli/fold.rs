//! Token folding: reduce the token stream to at most five "meaningful" tokens.
//!
//! A port of libinjection's `libinjection_sqli_fold` and `syntax_merge_words` (libinjection,
//! Copyright (c) 2012-2016 Nick Galbreath, Copyright 2021 LibInjection, BSD-3-Clause; see
//! `LICENSE-libinjection`). Folding merges multi-word keywords ("UNION ALL", "ORDER BY"),
//! collapses arithmetic (`1+1` → `1`), drops unary operators and redundant parentheses, and keeps
//! a trailing comment, so that equivalent injections share one fingerprint.

use super::token::{kind, Token, TOKEN_SIZE};
use super::tokenizer::{lookup_word, SqliState, MAX_TOKENS};

/// Types that may start a merged phrase.
fn mergeable_first(k: u8) -> bool {
    matches!(
        k,
        kind::KEYWORD
            | kind::BAREWORD
            | kind::OPERATOR
            | kind::UNION
            | kind::FUNCTION
            | kind::EXPRESSION
            | kind::TSQL
            | kind::SQLTYPE
    )
}

/// Words that are functions when followed by `(` although usually seen as names.
const FUNCTION_LIKE_WORDS: &[&[u8]] = &[
    b"USER_ID",
    b"USER_NAME",
    b"DATABASE",
    b"PASSWORD",
    b"USER",
    b"CURRENT_USER",
    b"CURRENT_DATE",
    b"CURRENT_TIME",
    b"CURRENT_TIMESTAMP",
    b"LOCALTIME",
    b"LOCALTIMESTAMP",
];

impl SqliState<'_> {
    /// Merge `a` and `b` into `a` when "A B" is a known phrase (`syntax_merge_words`).
    fn merge_words(&mut self, a: usize, b: usize) -> bool {
        let ta = *self.tok(a);
        let tb = *self.tok(b);
        if !mergeable_first(ta.kind) {
            return false;
        }
        if !(mergeable_first(tb.kind) || tb.kind == kind::LOGIC_OPERATOR) {
            return false;
        }
        let sz1 = ta.len;
        let sz2 = tb.len;
        let sz3 = sz1 + sz2 + 1;
        if sz3 >= TOKEN_SIZE {
            return false;
        }
        let mut tmp = [0u8; TOKEN_SIZE];
        tmp[..sz1].copy_from_slice(ta.value());
        tmp[sz1] = b' ';
        tmp[sz1 + 1..sz3].copy_from_slice(tb.value());
        // C looks up a NUL-terminated copy; a value with an embedded NUL never matches.
        let ch = lookup_word(&tmp[..sz3]);
        if ch != kind::NONE {
            let pos = ta.pos;
            self.tok_mut(a).assign(ch, pos, &tmp[..sz3]);
            true
        } else {
            false
        }
    }

    /// Copy token `src` over token `dst` (`st_copy`).
    fn copy_tok(&mut self, dst: usize, src: usize) {
        let t = *self.tok(src);
        *self.tok_mut(dst) = t;
    }

    fn kind_at(&self, i: usize) -> u8 {
        self.tok(i).kind
    }

    /// Tokenize into slot `pos` until `pos - left` reaches `want`; comments are remembered in
    /// `last_comment` instead of taking a slot.
    fn fill(&mut self, more: &mut bool, pos: &mut usize, left: usize, want: usize, last_comment: &mut Token) {
        while *more && *pos <= MAX_TOKENS && pos.saturating_sub(left) < want {
            self.current = *pos;
            *more = self.tokenize();
            if *more {
                if self.current().kind == kind::COMMENT {
                    *last_comment = *self.current();
                } else {
                    last_comment.kind = kind::NONE;
                    *pos += 1;
                }
            }
        }
    }

    /// Fold the token stream; returns the number of tokens in the fingerprint
    /// (`libinjection_sqli_fold`).
    pub fn fold(&mut self) -> usize {
        let mut last_comment = Token::EMPTY;
        let mut pos: usize = 0;
        let mut left: usize = 0;
        let mut more;

        // Skip leading comments, '(' , SQL types and unary operators.
        self.current = 0;
        loop {
            more = self.tokenize();
            let c = self.current();
            if !(c.kind == kind::COMMENT
                || c.kind == kind::LEFTPARENS
                || c.kind == kind::SQLTYPE
                || c.is_unary_op())
            {
                break;
            }
            if !more {
                break;
            }
        }
        if !more {
            return 0;
        }
        pos += 1;

        loop {
            if pos >= MAX_TOKENS {
                let k = |i: usize| self.kind_at(i);
                use kind::*;
                if (k(0) == NUMBER
                    && (k(1) == OPERATOR || k(1) == COMMA)
                    && k(2) == LEFTPARENS
                    && k(3) == NUMBER
                    && k(4) == RIGHTPARENS)
                    || (k(0) == BAREWORD
                        && k(1) == OPERATOR
                        && k(2) == LEFTPARENS
                        && (k(3) == BAREWORD || k(3) == NUMBER)
                        && k(4) == RIGHTPARENS)
                    || (k(0) == NUMBER
                        && k(1) == RIGHTPARENS
                        && k(2) == COMMA
                        && k(3) == LEFTPARENS
                        && k(4) == NUMBER)
                    || (k(0) == BAREWORD
                        && k(1) == RIGHTPARENS
                        && k(2) == OPERATOR
                        && k(3) == LEFTPARENS
                        && k(4) == BAREWORD)
                {
                    if pos > MAX_TOKENS {
                        self.copy_tok(1, MAX_TOKENS);
                        pos = 2;
                    } else {
                        pos = 1;
                    }
                    left = 0;
                }
            }

            if !more || left >= MAX_TOKENS {
                left = pos;
                break;
            }

            // Get up to two tokens.
            self.fill(&mut more, &mut pos, left, 2, &mut last_comment);
            if pos.saturating_sub(left) < 2 {
                left = pos;
                continue;
            }

            let a = *self.tok(left);
            let b = *self.tok(left + 1);
            if a.kind == kind::STRING && b.kind == kind::STRING {
                // "foo" "bar" is valid SQL: keep one string.
                pos -= 1;
                continue;
            } else if a.kind == kind::SEMICOLON && b.kind == kind::SEMICOLON {
                pos -= 1;
                continue;
            } else if (a.kind == kind::OPERATOR || a.kind == kind::LOGIC_OPERATOR)
                && (b.is_unary_op() || b.kind == kind::SQLTYPE)
            {
                pos -= 1;
                left = 0;
                continue;
            } else if (a.kind == kind::LEFTPARENS && b.is_unary_op()) || self.merge_words(left, left + 1) {
                pos -= 1;
                left = left.saturating_sub(1);
                continue;
            } else if a.kind == kind::SEMICOLON
                && b.kind == kind::FUNCTION
                && b.val[0].eq_ignore_ascii_case(&b'I')
                && b.val[1].eq_ignore_ascii_case(&b'F')
            {
                // T-SQL "; IF ..." is a statement, not the IF() function.
                self.tok_mut(left + 1).kind = kind::TSQL;
                continue;
            } else if (a.kind == kind::BAREWORD || a.kind == kind::VARIABLE)
                && b.kind == kind::LEFTPARENS
                && FUNCTION_LIKE_WORDS.iter().any(|w| a.is_word(w))
            {
                self.tok_mut(left).kind = kind::FUNCTION;
                continue;
            } else if a.kind == kind::KEYWORD && (a.is_word(b"IN") || a.is_word(b"NOT IN")) {
                self.tok_mut(left).kind = if b.kind == kind::LEFTPARENS {
                    kind::OPERATOR
                } else {
                    kind::BAREWORD
                };
                continue;
            } else if a.kind == kind::OPERATOR && (a.is_word(b"LIKE") || a.is_word(b"NOT LIKE")) {
                if b.kind == kind::LEFTPARENS {
                    self.tok_mut(left).kind = kind::FUNCTION;
                }
            } else if a.kind == kind::SQLTYPE
                && matches!(
                    b.kind,
                    kind::BAREWORD
                        | kind::NUMBER
                        | kind::SQLTYPE
                        | kind::LEFTPARENS
                        | kind::FUNCTION
                        | kind::VARIABLE
                        | kind::STRING
                )
            {
                self.copy_tok(left, left + 1);
                pos -= 1;
                left = 0;
                continue;
            } else if a.kind == kind::COLLATE && b.kind == kind::BAREWORD {
                if b.cstr().contains(&b'_') {
                    self.tok_mut(left + 1).kind = kind::SQLTYPE;
                    left = 0;
                }
            } else if a.kind == kind::BACKSLASH {
                if b.is_arithmetic_op() {
                    // T-SQL parses '\%1' as '0 % 1'.
                    self.tok_mut(left).kind = kind::NUMBER;
                } else {
                    self.copy_tok(left, left + 1);
                    pos -= 1;
                }
                left = 0;
                continue;
            } else if (a.kind == kind::LEFTPARENS && b.kind == kind::LEFTPARENS)
                || (a.kind == kind::RIGHTPARENS && b.kind == kind::RIGHTPARENS)
            {
                pos -= 1;
                left = 0;
                continue;
            } else if a.kind == kind::LEFTBRACE && b.kind == kind::BAREWORD {
                if b.len == 0 {
                    // MySQL "{ ``": too odd to parse, mark as evil.
                    self.tok_mut(left + 1).kind = kind::EVIL;
                    return left + 2;
                }
                // ODBC "{foo expr}" → expr
                left = 0;
                pos = pos.saturating_sub(2);
                continue;
            } else if b.kind == kind::RIGHTBRACE {
                pos -= 1;
                left = 0;
                continue;
            }

            // No two-token fold: get a third token.
            self.fill(&mut more, &mut pos, left, 3, &mut last_comment);
            if pos.saturating_sub(left) < 3 {
                left = pos;
                continue;
            }

            let a = *self.tok(left);
            let b = *self.tok(left + 1);
            let c = *self.tok(left + 2);
            use kind::*;
            // Three-token folds that keep only the first token: 1+1, - x -, AND x OR,
            // @v=1, a=b, x::int, a,b.
            let keep_first = (a.kind == NUMBER && b.kind == OPERATOR && c.kind == NUMBER)
                || (a.kind == OPERATOR && b.kind != LEFTPARENS && c.kind == OPERATOR)
                || (a.kind == LOGIC_OPERATOR && c.kind == LOGIC_OPERATOR)
                || (a.kind == VARIABLE
                    && b.kind == OPERATOR
                    && matches!(c.kind, VARIABLE | NUMBER | BAREWORD))
                || (matches!(a.kind, BAREWORD | NUMBER)
                    && b.kind == OPERATOR
                    && matches!(c.kind, NUMBER | BAREWORD))
                || (matches!(a.kind, BAREWORD | NUMBER | VARIABLE | STRING)
                    && b.kind == OPERATOR
                    && b.cstr() == b"::"
                    && c.kind == SQLTYPE)
                || (matches!(a.kind, BAREWORD | NUMBER | STRING | VARIABLE)
                    && b.kind == COMMA
                    && matches!(c.kind, NUMBER | BAREWORD | STRING | VARIABLE));
            if keep_first {
                pos -= 2;
                left = 0;
                continue;
            } else if matches!(a.kind, EXPRESSION | GROUP | COMMA) && b.is_unary_op() && c.kind == LEFTPARENS
            {
                // SELECT + (  → SELECT (
                self.copy_tok(left + 1, left + 2);
                pos -= 1;
                left = 0;
                continue;
            } else if matches!(a.kind, KEYWORD | EXPRESSION | GROUP)
                && b.is_unary_op()
                && matches!(c.kind, NUMBER | BAREWORD | VARIABLE | STRING | FUNCTION)
            {
                // select - 1 → select 1
                self.copy_tok(left + 1, left + 2);
                pos -= 1;
                left = 0;
                continue;
            } else if a.kind == COMMA
                && b.is_unary_op()
                && matches!(c.kind, NUMBER | BAREWORD | VARIABLE | STRING)
            {
                // ", -1" → ",1" and back up to fold "1,1".
                self.copy_tok(left + 1, left + 2);
                left = 0;
                pos = pos.saturating_sub(3);
                continue;
            } else if a.kind == COMMA && b.is_unary_op() && c.kind == FUNCTION {
                self.copy_tok(left + 1, left + 2);
                pos -= 1;
                left = 0;
                continue;
            } else if a.kind == BAREWORD && b.kind == DOT && c.kind == BAREWORD {
                // db.table
                pos = pos.saturating_sub(2);
                left = 0;
                continue;
            } else if a.kind == EXPRESSION && b.kind == DOT && c.kind == BAREWORD {
                self.copy_tok(left + 1, left + 2);
                pos -= 1;
                left = 0;
                continue;
            } else if a.kind == FUNCTION && b.kind == LEFTPARENS && c.kind != RIGHTPARENS {
                // USER(foo): USER() takes no argument, so this is a name.
                if a.is_word(b"USER") {
                    self.tok_mut(left).kind = BAREWORD;
                }
            }

            left += 1;
        }

        if left < MAX_TOKENS && last_comment.kind == kind::COMMENT {
            *self.tok_mut(left) = last_comment;
            left += 1;
        }
        left.min(MAX_TOKENS)
    }
}
