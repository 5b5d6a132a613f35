//! Blank out the comments and literal bodies of Rust source while keeping every offset, so the
//! data filters can search code (`unsafe`, `#[cfg(test)]`, `dbg!`) without matching inside
//! comments or strings.
//!
//! This is a native copy of sigil's reference, `sigil/data/rust/lexer.py`, which is one regular
//! expression searched left to right. It follows that expression rule for rule, quirks included,
//! because the two must give identical output on every input:
//!
//! * at each position the alternatives are tried in the regex's order: line comment, block
//!   comment, raw string (`r`, `br`, `cr` + `#`* + `"`), string (optional `b`/`c` prefix), char
//!   (optional `b` prefix); a prefix letter must not follow a word character (`(?<!\w)`);
//! * a string left open at the end of the file runs to the end, except that a lone trailing
//!   backslash makes the string alternative fail there (the search then moves on one character);
//! * the last character of a string is left as is when it is a quote, even an escaped one at EOF;
//! * a char literal is one character or escape (`\u{..}`, `\xHH`, `\` + any character) between
//!   quotes, anything else (a lifetime, a label) is code;
//! * the existing token lexer (`lexer.rs`) stops at the first unterminated literal and has its own
//!   rules for prefixes, so it cannot stand in for this.
//!
//! Offsets in [`Masked::comments`] count characters (Unicode scalar values), as Python does.

/// A source with comments and literal bodies blanked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// Same number of characters as the source; comments and literal contents are spaces
    /// (newlines kept).
    pub code: String,
    /// `(start, end)` character offsets of every comment, doc comments included.
    pub comments: Vec<(usize, usize)>,
}

/// Masks `source`, taking Rust's `char::is_alphanumeric` for what counts as a word character
/// before a literal prefix. Python's `\w` disagrees on a few hundred non-ASCII code points
/// (combining marks, Unicode version); use [`mask_with`] to match it exactly.
pub fn mask(source: &str) -> Masked {
    mask_with(source, char::is_alphanumeric)
}

/// Masks `source`; `is_word` says whether a non-ASCII character is a word character (ASCII ones
/// are `[A-Za-z0-9_]`). It is only asked about the character before a `b`, `c` or `r`.
pub fn mask_with(source: &str, is_word: impl FnMut(char) -> bool) -> Masked {
    let mut scan = Scan { src: source, bytes: source.as_bytes(), is_word };
    scan.run()
}

/// Where one comment or literal was found: its whole extent and the part to blank.
struct Hit {
    start: usize,
    end: usize,
    body_start: usize,
    body_end: usize,
    comment: bool,
}

struct Scan<'a, F> {
    src: &'a str,
    bytes: &'a [u8],
    is_word: F,
}

/// Bytes at which one of the alternatives can start.
const fn candidates() -> [bool; 256] {
    let mut table = [false; 256];
    table[b'/' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[b'b' as usize] = true;
    table[b'c' as usize] = true;
    table[b'r' as usize] = true;
    table
}
const CANDIDATE: [bool; 256] = candidates();

fn is_char_start(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

impl<F: FnMut(char) -> bool> Scan<'_, F> {
    fn run(&mut self) -> Masked {
        let bytes = self.bytes;
        let n = bytes.len();
        let mut out: Vec<u8> = Vec::with_capacity(n);
        let mut comments = Vec::new();
        // Character count of bytes[..counted_to], advanced monotonically for comment offsets.
        let (mut counted_to, mut chars) = (0usize, 0usize);
        let mut cursor = 0; // bytes[..cursor] is already in `out`
        let mut i = 0;
        while i < n {
            if !CANDIDATE[bytes[i] as usize] {
                i += 1;
                continue;
            }
            let Some(hit) = self.match_at(i) else {
                i += 1;
                continue;
            };
            out.extend_from_slice(&bytes[cursor..hit.body_start]);
            for &b in &bytes[hit.body_start..hit.body_end] {
                if b == b'\n' {
                    out.push(b'\n');
                } else if is_char_start(b) {
                    out.push(b' ');
                }
            }
            cursor = hit.body_end;
            if hit.comment {
                chars += count_chars(&bytes[counted_to..hit.start]);
                let start = chars;
                chars += count_chars(&bytes[hit.start..hit.end]);
                counted_to = hit.end;
                comments.push((start, chars));
            }
            i = hit.end;
        }
        out.extend_from_slice(&bytes[cursor..]);
        // Whole characters were copied or replaced by ASCII, so this cannot fail.
        let code = String::from_utf8(out).expect("masking keeps UTF-8 intact");
        Masked { code, comments }
    }

    fn match_at(&mut self, i: usize) -> Option<Hit> {
        let bytes = self.bytes;
        match bytes[i] {
            b'/' => match bytes.get(i + 1) {
                Some(b'/') => {
                    let end = memchr_newline(bytes, i);
                    Some(Hit { start: i, end, body_start: i, body_end: end, comment: true })
                }
                Some(b'*') => {
                    let end = block_comment_end(bytes, i);
                    Some(Hit { start: i, end, body_start: i, body_end: end, comment: true })
                }
                _ => None,
            },
            b'"' => self.string(i, i),
            b'\'' => char_literal(bytes, i, i),
            prefix => {
                // `b`, `c` or `r`: every prefixed alternative needs a non-word character before it.
                if self.word_before(i) {
                    return None;
                }
                let next = bytes.get(i + 1).copied();
                if prefix == b'r' {
                    return raw_string(self.src, i, i + 1);
                }
                if next == Some(b'r') {
                    if let Some(hit) = raw_string(self.src, i, i + 2) {
                        return Some(hit);
                    }
                }
                match next {
                    Some(b'"') => self.string(i, i + 1),
                    Some(b'\'') if prefix == b'b' => char_literal(bytes, i, i + 1),
                    _ => None,
                }
            }
        }
    }

    /// Python's `(?<!\w)` at byte offset `i`.
    fn word_before(&mut self, i: usize) -> bool {
        let Some(&prev) = i.checked_sub(1).and_then(|p| self.bytes.get(p)) else {
            return false;
        };
        if prev.is_ascii() {
            return prev.is_ascii_alphanumeric() || prev == b'_';
        }
        let c = self.src[..i].chars().next_back().expect("a character precedes a non-ASCII byte");
        (self.is_word)(c)
    }

    /// `"(?:[^"\\]|\\.)*(?:"|\Z)` with the opening quote at `quote`.
    fn string(&self, start: usize, quote: usize) -> Option<Hit> {
        let bytes = self.bytes;
        let n = bytes.len();
        let mut k = quote + 1;
        let end = loop {
            match bytes.get(k) {
                None => break n,
                Some(b'"') => break k + 1,
                // A backslash that escapes nothing (last byte) matches neither branch, and
                // neither `"` nor `\Z` follows: the whole alternative fails here.
                Some(b'\\') if k + 1 == n => return None,
                // Skipping one byte of a multi-byte character is harmless: its other bytes are
                // neither quotes nor backslashes.
                Some(b'\\') => k += 2,
                Some(_) => k += 1,
            }
        };
        let body_start = quote + 1;
        // The reference leaves the match's last character alone when it is a quote.
        let body_end = if end > body_start && matches!(bytes[end - 1], b'"' | b'\'') { end - 1 } else { end };
        Some(Hit { start, end, body_start, body_end, comment: false })
    }
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_char_start(b)).count()
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| from + p)
}

/// End of the (nested) block comment opening at `start`, or the end of the source.
fn block_comment_end(bytes: &[u8], start: usize) -> usize {
    let (mut depth, mut i, n) = (0usize, start, bytes.len());
    while i < n {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    n
}

/// `#*"` after a raw prefix ending at `after_prefix`; the body runs to the matching `"#…` or EOF.
fn raw_string(src: &str, start: usize, after_prefix: usize) -> Option<Hit> {
    let bytes = src.as_bytes();
    let hashes = bytes[after_prefix..].iter().take_while(|&&b| b == b'#').count();
    let quote = after_prefix + hashes;
    if bytes.get(quote) != Some(&b'"') {
        return None;
    }
    let body_start = quote + 1;
    let closing = &src[after_prefix..body_start]; // the hashes and the quote, reversed below
    let closing: String = closing.chars().rev().collect();
    let (body_end, end) = match src[body_start..].find(closing.as_str()) {
        Some(p) => (body_start + p, body_start + p + closing.len()),
        None => (src.len(), src.len()),
    };
    Some(Hit { start, end, body_start, body_end, comment: false })
}

/// `'(?:[^'\\\n]|\\(?:u\{[0-9A-Fa-f_]*\}|x[0-9A-Fa-f]{2}|.))'` with the opening quote at `quote`.
fn char_literal(bytes: &[u8], start: usize, quote: usize) -> Option<Hit> {
    let k = quote + 1;
    let close_after = |at: usize| (bytes.get(at) == Some(&b'\'')).then_some(at + 1);
    let end = match *bytes.get(k)? {
        b'\\' => unicode_escape(bytes, k + 1)
            .and_then(close_after)
            .or_else(|| hex_escape(bytes, k + 1).and_then(close_after))
            .or_else(|| close_after(k + 1 + char_len(bytes, k + 1)?))?,
        b'\'' | b'\n' => return None,
        _ => close_after(k + char_len(bytes, k)?)?,
    };
    Some(Hit { start, end, body_start: quote + 1, body_end: end - 1, comment: false })
}

/// Byte length of the character at `at`, if there is one.
fn char_len(bytes: &[u8], at: usize) -> Option<usize> {
    let first = *bytes.get(at)?;
    Some(match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    })
}

/// End of `u\{[0-9A-Fa-f_]*\}` starting at `at`.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'u') || bytes.get(at + 1) != Some(&b'{') {
        return None;
    }
    let digits = bytes[at + 2..].iter().take_while(|b| b.is_ascii_hexdigit() || **b == b'_').count();
    let close = at + 2 + digits;
    (bytes.get(close) == Some(&b'}')).then_some(close + 1)
}

/// End of `x[0-9A-Fa-f]{2}` starting at `at`.
fn hex_escape(bytes: &[u8], at: usize) -> Option<usize> {
    let hex = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
    (bytes.get(at) == Some(&b'x') && hex(at + 1) && hex(at + 2)).then_some(at + 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(source: &str) -> String {
        mask(source).code
    }

    #[test]
    fn blanks_line_and_nested_block_comments() {
        assert_eq!(code("a // b\nc"), "a     \nc");
        assert_eq!(code("/* a /* b */ c */ d"), "                  d");
        assert_eq!(code("x /* open /* never closed */"), "x                           ");
    }

    #[test]
    fn blanks_string_bodies_and_honours_escapes() {
        assert_eq!(code(r#"let s = "a // b"; // real"#), "let s = \"      \";        ");
        assert_eq!(code(r#""escaped \" quote {" {"#), format!("\"{}\" {{", " ".repeat(18)));
        assert_eq!(code("b\"}\" c\"{\""), "b\" \" c\" \"");
    }

    #[test]
    fn raw_strings_close_on_the_same_number_of_hashes() {
        assert_eq!(code(r###"br##""#}"## x"###), "br##\"   \"## x");
        assert_eq!(code(r##"r#"a "q" }"#; x"##), "r#\"       \"#; x");
        // `r#type` is a raw identifier, not a string.
        assert_eq!(code("r#type"), "r#type");
    }

    #[test]
    fn prefixes_need_a_non_word_character_before_them() {
        // `for"` is not a raw string: the `"` starts an ordinary string.
        assert_eq!(code("for\"a\""), "for\" \"");
        assert_eq!(code("xr#\"a\"#"), "xr#\" \"#");
    }

    #[test]
    fn char_literals_versus_lifetimes_and_labels() {
        assert_eq!(code("fn f<'a>(x: &'a str) {}"), "fn f<'a>(x: &'a str) {}");
        assert_eq!(code(r"'}' '\'' '\u{7FFF}' '\x41' b'{'"), "' ' '  ' '        ' '    ' b' '");
        assert_eq!(code("'label: loop { break 'label; }"), "'label: loop { break 'label; }");
    }

    #[test]
    fn non_ascii_counts_as_one_character() {
        let m = mask("/* é */ 'é' \"日本\" // ü");
        assert_eq!(m.code, "        ' ' \"  \"     ");
        assert_eq!(m.comments, vec![(0, 7), (17, 21)]);
    }

    #[test]
    fn unterminated_literals_run_to_the_end() {
        assert_eq!(code("x \"abc"), "x \"   ");
        assert_eq!(code("x r#\"abc"), "x r#\"   ");
        // The reference keeps a trailing quote of an unterminated string (an escaped one here).
        assert_eq!(code("\"ab\\\""), "\"   \"");
        // A lone trailing backslash makes the string fail: the scan moves on and finds the comment.
        assert_eq!(code("\"a // b \\"), "\"a       ");
        assert_eq!(code(""), "");
        assert_eq!(code("\""), "\"");
    }

    #[test]
    fn word_test_is_asked_about_non_ascii_characters_only() {
        let mut asked = Vec::new();
        let m = mask_with("ér\"x\" ar\"y\"", |c| {
            asked.push(c);
            true
        });
        assert_eq!(asked, vec!['é']);
        assert_eq!(m.code, "ér\" \" ar\" \"");
    }
}
