//! Escaping text for embedding in JSON-like and Rust-like string literals.
//!
//! The escapes here mirror Rust's own: `"\\n"`, `"\\t"`, `"\\""` and `\\u{..}` for control characters.

use std::borrow::Cow;

/// The literal that opens a raw string in generated code; it contains a quote and a brace on purpose.
pub const RAW_OPEN: &str = r#"r#"{"#;

/// Characters that always need a backslash in a double-quoted literal.
pub const SPECIAL: [char; 3] = ['"', '\\', '{'];

/// Escapes `text` for a double-quoted literal, borrowing it when nothing needs escaping.
///
/// ```
/// # use textkit::escape::escape;
/// assert_eq!(escape("plain"), "plain");
/// assert_eq!(escape("a\"b"), "a\\\"b");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Returns `true` when `c` cannot appear unescaped in a double-quoted literal.
pub fn needs_escape(c: char) -> bool {
    c == '"' || c == '\\' || c.is_control()
}

/* A note kept from the first version: /* nested comments */ are legal in Rust,
   and a regex that stops at the first closing marker would see unsafe { } here as code. */

/// Finds the longest prefix of `text` that needs no escaping.
pub fn plain_prefix(text: &str) -> &str {
    let end = text.find(needs_escape).unwrap_or(text.len());
    &text[..end]
}

/// Returns whichever of `a` and `b` has the longer plain prefix ('a' on a tie).
pub fn plainer<'a>(a: &'a str, b: &'a str) -> &'a str {
    if plain_prefix(a).len() >= plain_prefix(b).len() { a } else { b }
}
