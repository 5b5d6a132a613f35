//! A small Rust lexer: enough of the language's lexical grammar to tell where code ends, find
//! top-level items and spot truncated output without being fooled by comments, strings,
//! raw strings or lifetimes (`&'static str` is a lifetime, not an unterminated char).
//!
//! It is not a parser: it yields identifiers, punctuation, delimiters and literals, and reports
//! the first lexical defect (unterminated literal or comment, unbalanced delimiters).

/// One token, borrowed from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// An identifier or keyword (raw identifiers have their `r#` removed).
    Ident(&'a str),
    /// A lifetime or label such as `'a` or `'static`.
    Lifetime(&'a str),
    /// Any literal: string, byte string, raw string, char, byte, number.
    Literal,
    /// An opening delimiter: `(`, `[` or `{`.
    Open(char),
    /// A closing delimiter: `)`, `]` or `}`.
    Close(char),
    /// Any other punctuation character (multi-character operators come as several).
    Punct(char),
}

/// The first lexical defect of a source, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexDefect {
    UnterminatedString,
    UnterminatedChar,
    UnterminatedBlockComment,
    /// A closing delimiter that does not match the innermost open one, or has none.
    MismatchedDelimiter,
    /// Delimiters still open at the end of the source (typical of truncated output).
    UnclosedDelimiter,
}

impl LexDefect {
    /// A stable, short name used as a pre-filter reason.
    pub fn name(self) -> &'static str {
        match self {
            LexDefect::UnterminatedString => "unterminated_string",
            LexDefect::UnterminatedChar => "unterminated_char",
            LexDefect::UnterminatedBlockComment => "unterminated_comment",
            LexDefect::MismatchedDelimiter => "mismatched_delimiter",
            LexDefect::UnclosedDelimiter => "unclosed_delimiter",
        }
    }
}

/// The tokens of `src` and its first lexical defect. Lexing stops at an unterminated
/// literal or comment; delimiter balance is checked over the whole token stream.
pub fn tokenize(src: &str) -> (Vec<Token<'_>>, Option<LexDefect>) {
    let mut lx = Lexer { src, bytes: src.as_bytes(), pos: 0, tokens: Vec::new() };
    let defect = lx.run().err();
    let defect = defect.or_else(|| check_delimiters(&lx.tokens));
    (lx.tokens, defect)
}

fn check_delimiters(tokens: &[Token<'_>]) -> Option<LexDefect> {
    let mut stack = Vec::new();
    for t in tokens {
        match *t {
            Token::Open(c) => stack.push(c),
            Token::Close(c) => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(want) {
                    return Some(LexDefect::MismatchedDelimiter);
                }
            }
            _ => {}
        }
    }
    (!stack.is_empty()).then_some(LexDefect::UnclosedDelimiter)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token<'a>>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    fn run(&mut self) -> Result<(), LexDefect> {
        while let Some(c) = self.char_at(self.pos) {
            let b = self.bytes[self.pos];
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else if b == b'/' && self.peek(1) == Some(b'/') {
                self.skip_line();
            } else if b == b'/' && self.peek(1) == Some(b'*') {
                self.block_comment()?;
            } else if b == b'"' {
                self.pos += 1;
                self.quoted(b'"', LexDefect::UnterminatedString)?;
                self.tokens.push(Token::Literal);
            } else if b == b'\'' {
                self.quote_or_lifetime()?;
            } else if let Some(prefix_len) = self.string_prefix() {
                self.pos += prefix_len;
                self.prefixed_literal()?;
            } else if b == b'r' && self.peek(1) == Some(b'#') && self.char_at(self.pos + 2).is_some_and(is_ident_start) {
                self.pos += 2;
                let start = self.pos;
                self.ident_tail();
                self.tokens.push(Token::Ident(&self.src[start..self.pos]));
            } else if is_ident_start(c) {
                let start = self.pos;
                self.ident_tail();
                self.tokens.push(Token::Ident(&self.src[start..self.pos]));
            } else if c.is_ascii_digit() {
                self.number();
                self.tokens.push(Token::Literal);
            } else {
                self.pos += c.len_utf8();
                self.tokens.push(match c {
                    '(' | '[' | '{' => Token::Open(c),
                    ')' | ']' | '}' => Token::Close(c),
                    _ => Token::Punct(c),
                });
            }
        }
        Ok(())
    }

    fn skip_line(&mut self) {
        match self.src[self.pos..].find('\n') {
            Some(off) => self.pos += off + 1,
            None => self.pos = self.src.len(),
        }
    }

    fn block_comment(&mut self) -> Result<(), LexDefect> {
        // Block comments nest in Rust.
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return Err(LexDefect::UnterminatedBlockComment),
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// Skips a quoted body after its opening quote, honouring backslash escapes.
    fn quoted(&mut self, quote: u8, defect: LexDefect) -> Result<(), LexDefect> {
        loop {
            match self.peek(0) {
                None => return Err(defect),
                Some(b'\\') => self.pos += 2,
                Some(q) if q == quote => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Length of a literal prefix (`b`, `c`, `r`, `br`, `cr`) that starts a string or byte
    /// literal here, if any.
    fn string_prefix(&self) -> Option<usize> {
        let rest = &self.bytes[self.pos..];
        let starts_literal = |n: usize| matches!(rest.get(n), Some(b'"') | Some(b'#'));
        match rest {
            [b'b' | b'c', b'r', ..] if starts_literal(2) => Some(2),
            [b'r', b'"', ..] => Some(1),
            [b'r', b'#', b'#' | b'"', ..] => Some(1),
            [b'b', b'"' | b'\'', ..] => Some(1),
            [b'c', b'"', ..] => Some(1),
            _ => None,
        }
    }

    /// A literal after its prefix: raw string (`#`* `"`), plain string or byte char.
    fn prefixed_literal(&mut self) -> Result<(), LexDefect> {
        let raw = self.bytes[self.pos - 1] == b'r';
        if raw {
            let mut hashes = 0;
            while self.peek(0) == Some(b'#') {
                hashes += 1;
                self.pos += 1;
            }
            if self.peek(0) != Some(b'"') {
                // `r#` followed by something else: not a literal after all; treat as punctuation.
                self.tokens.push(Token::Punct('#'));
                return Ok(());
            }
            self.pos += 1;
            let closing: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            match self.src[self.pos..].find(&closing) {
                Some(off) => self.pos += off + closing.len(),
                None => return Err(LexDefect::UnterminatedString),
            }
        } else if self.peek(0) == Some(b'\'') {
            self.pos += 1;
            self.quoted(b'\'', LexDefect::UnterminatedChar)?;
        } else {
            self.pos += 1;
            self.quoted(b'"', LexDefect::UnterminatedString)?;
        }
        self.tokens.push(Token::Literal);
        Ok(())
    }

    /// `'` starts a char literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime/label (`'a`, `'static`).
    fn quote_or_lifetime(&mut self) -> Result<(), LexDefect> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.char_at(self.pos) else {
            return Err(LexDefect::UnterminatedChar);
        };
        if c == '\\' {
            self.quoted(b'\'', LexDefect::UnterminatedChar)?;
            self.tokens.push(Token::Literal);
            return Ok(());
        }
        let after = self.pos + c.len_utf8();
        if self.bytes.get(after) == Some(&b'\'') {
            // 'x' — a one-character char literal.
            self.pos = after + 1;
            self.tokens.push(Token::Literal);
            return Ok(());
        }
        if is_ident_start(c) || c.is_ascii_digit() {
            // A lifetime or label: an identifier with no closing quote.
            self.ident_tail();
            self.tokens.push(Token::Lifetime(&self.src[start..self.pos]));
            return Ok(());
        }
        if c == '\n' || c == '\'' {
            return Err(LexDefect::UnterminatedChar);
        }
        // A quote followed by punctuation without a closing quote: rustc rejects it too.
        Err(LexDefect::UnterminatedChar)
    }

    fn ident_tail(&mut self) {
        while let Some(c) = self.char_at(self.pos) {
            if !is_ident_continue(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
    }

    fn number(&mut self) {
        while let Some(c) = self.char_at(self.pos) {
            let exponent_sign = (c == '+' || c == '-')
                && matches!(self.bytes.get(self.pos.wrapping_sub(1)), Some(b'e' | b'E'))
                && !self.src[..self.pos].starts_with("0x");
            // `1..2` is a range, `1.0` a float, `1.max(2)` a method call.
            let decimal_point = c == '.'
                && self.peek(1).is_some_and(|n| n.is_ascii_digit());
            if is_ident_continue(c) || decimal_point || exponent_sign {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_not_unterminated_chars() {
        let (tokens, defect) = tokenize("fn f(s: &'static str) -> &'a str { 'outer: loop { break 'outer; } }");
        assert_eq!(defect, None);
        assert!(tokens.contains(&Token::Lifetime("'static")));
        assert!(tokens.contains(&Token::Lifetime("'outer")));
    }

    #[test]
    fn char_literals_and_escapes() {
        let (_, defect) = tokenize(r"let c = 'x'; let d = '\''; let e = '\u{1F600}'; let f = b'\n'; let g = '{';");
        assert_eq!(defect, None);
    }

    #[test]
    fn delimiters_inside_strings_comments_and_raw_strings_do_not_count() {
        let src = r####"fn main() { let s = "}"; /* { /* nested } */ */ let r = r#"{"a": "}"}"#; // }
        }"####;
        assert_eq!(tokenize(src).1, None);
    }

    #[test]
    fn truncated_code_is_reported() {
        assert_eq!(tokenize("fn main() {\n    let x = 5;\n").1, Some(LexDefect::UnclosedDelimiter));
        assert_eq!(tokenize("fn main() { let s = \"abc").1, Some(LexDefect::UnterminatedString));
        assert_eq!(tokenize("fn main() { /* abc").1, Some(LexDefect::UnterminatedBlockComment));
        assert_eq!(tokenize("fn main() { let x = (1, 2]; }").1, Some(LexDefect::MismatchedDelimiter));
        assert_eq!(tokenize("let r = r##\"abc\"#;").1, Some(LexDefect::UnterminatedString));
    }

    #[test]
    fn raw_identifiers_and_numbers() {
        let (tokens, defect) = tokenize("let r#type = 1.5e-3 + 0x1F + 1..2;");
        assert_eq!(defect, None);
        assert!(tokens.contains(&Token::Ident("type")));
    }
}
