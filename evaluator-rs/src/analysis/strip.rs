//! Cutting test code out of a file: `#[cfg(test)]` items (inline `mod tests { .. }` and
//! out-of-line `mod tests;`), `#[test]`/`#[tokio::test]`/`#[bench]` functions, test-only `use`,
//! `impl` and `fn` items, each together with its attributes and doc comments, so no comment is
//! left to attach itself to the next item. Whole lines go; a file under `#![cfg(test)]` becomes
//! empty. The result is parsed again and the caller learns whether it still parses.

use tree_sitter::Tree;

use super::{is_test_file, item_start, test_items};
use crate::score::parse;

/// A file without its test code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The source without test items (the input unchanged when `removed == 0`).
    pub source: String,
    /// Test items removed.
    pub removed: usize,
    /// The whole file was test code (`#![cfg(test)]`, or nothing but whitespace left).
    pub only_tests: bool,
    /// The input parsed without syntax errors.
    pub parsed_before: bool,
    /// The output parses without syntax errors (always equal to `parsed_before` when nothing was
    /// removed).
    pub parses: bool,
}

/// `src` without its test code.
pub fn strip_tests(src: &str) -> Stripped {
    strip_tests_with_tree(src).0
}

/// `src` without its test code, and the syntax tree of the result (reused by callers that go on
/// to analyse it; `None` for an empty result).
pub fn strip_tests_with_tree(src: &str) -> (Stripped, Option<Tree>) {
    let Some(tree) = parse(src) else {
        return (Stripped { source: src.to_owned(), removed: 0, only_tests: false, parsed_before: false, parses: false }, None);
    };
    let root = tree.root_node();
    let parsed_before = !root.has_error();
    if is_test_file(root, src) {
        return (Stripped { source: String::new(), removed: 1, only_tests: true, parsed_before, parses: true }, None);
    }
    let items = test_items(root, src);
    if items.is_empty() {
        let stripped = Stripped { source: src.to_owned(), removed: 0, only_tests: false, parsed_before, parses: parsed_before };
        return (stripped, Some(tree));
    }
    let mut out = String::with_capacity(src.len());
    let mut cursor = 0;
    for item in &items {
        let (start, end) = whole_lines(src, item_start(*item, src), item.end_byte());
        let start = start.max(cursor);
        out.push_str(&src[cursor..start]);
        cursor = end;
    }
    out.push_str(&src[cursor..]);
    if out.trim().is_empty() {
        return (Stripped { source: String::new(), removed: items.len(), only_tests: true, parsed_before, parses: true }, None);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    let reparsed = parse(&out);
    let parses = reparsed.as_ref().is_some_and(|t| !t.root_node().has_error());
    (Stripped { source: out, removed: items.len(), only_tests: false, parsed_before, parses }, reparsed)
}

/// Widens `[start, end)` to whole lines when nothing but whitespace (or, after the item, a line
/// comment such as `} // mod tests`) shares them, and takes one blank line before the item along
/// when a blank line or the end of the file follows it, so no double blank line is left.
fn whole_lines(src: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let own_line = src[line_start..start].trim().is_empty();
    if own_line {
        start = line_start;
    }
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i + 1);
    let rest = src[end..line_end].trim();
    if own_line && (rest.is_empty() || (rest.starts_with("//") && !rest.starts_with("///") && !rest.starts_with("//!"))) {
        end = line_end;
        let next_line = src[end..].split('\n').next().unwrap_or("");
        let next_blank = next_line.trim().is_empty();
        let prev_line = if start > 0 {
            let before = &src[..start - 1];
            Some((before.rfind('\n').map_or(0, |i| i + 1), before))
        } else {
            None
        };
        let prev_blank = prev_line.is_some_and(|(from, before)| before[from..].trim().is_empty());
        if prev_blank && (next_blank || next_line.trim_start().starts_with('}')) {
            start = prev_line.map_or(start, |(from, _)| from);
        } else if next_blank && end < src.len() {
            let opens = prev_line.is_none_or(|(from, before)| before[from..].trim_end().ends_with('{'));
            if opens {
                end = (end + next_line.len() + 1).min(src.len());
            }
        }
    }
    (start, end)
}
