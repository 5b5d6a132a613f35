//! Questions the data stage and the scorers ask about Rust source, answered on the one tree-sitter
//! parse the scorer already uses: which items are test-only (and the file without them), how much
//! of a file is code rather than comments, which markers it carries (`unsafe`, TODO, debug prints,
//! `#[allow]`), whether it looks generated or like FFI bindings, where its top-level items start
//! (to split long files), and where it can panic.
//!
//! Plain Rust: no Python types here; `py_analysis.rs` converts.

pub mod facts;
pub mod panics;
pub mod strip;

use tree_sitter::Node;

pub use facts::{analyze, analyze_tree, split_items, Facts};
pub use panics::{panic_sites, PanicSite, PanicScan, Place};
pub use strip::{strip_tests, strip_tests_with_tree, Stripped};

use crate::score::syntax::{attribute_path, text};

/// Whether an attribute (`attribute_item` or `inner_attribute_item`) makes what it is attached to
/// test-only: `#[cfg(test)]`, `#[cfg(all(.., test, ..))]`, `#[test]`, `#[tokio::test]` and friends,
/// `#[bench]`. `#[cfg(not(test))]` and `#[cfg(any(test, ..))]` are not.
pub fn is_test_attribute(attr: Node<'_>, src: &str) -> bool {
    let path = attribute_path(attr, src);
    if path == "test" || path == "bench" || path.ends_with("::test") {
        return true;
    }
    path == "cfg" && cfg_arguments(attr, src).is_some_and(|args| is_test_predicate(&args))
}

/// The compacted text inside `cfg( .. )` of an attribute node.
fn cfg_arguments(attr: Node<'_>, src: &str) -> Option<String> {
    let attribute = attr.named_child(0).filter(|a| a.kind() == "attribute")?;
    let args = attribute.child_by_field_name("arguments")?;
    let compact: String = text(args, src).chars().filter(|c| !c.is_whitespace()).collect();
    compact.strip_prefix('(')?.strip_suffix(')').map(str::to_owned)
}

/// `test`, or `all(..)` with `test` among its top-level terms.
pub fn is_test_predicate(predicate: &str) -> bool {
    if predicate == "test" {
        return true;
    }
    let Some(inner) = predicate.strip_prefix("all(").and_then(|p| p.strip_suffix(')')) else { return false };
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = inner.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                if &inner[start..i] == "test" {
                    return true;
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    &inner[start..] == "test"
}

/// Whether a node is an item-level attribute or comment written before an item.
fn is_trivia(kind: &str) -> bool {
    matches!(kind, "attribute_item" | "line_comment" | "block_comment")
}

/// Whether a comment node is an inner doc comment (`//!`, `/*! */`): it documents the enclosing
/// module, never the next item.
fn is_inner_doc(node: Node<'_>) -> bool {
    matches!(node.kind(), "line_comment" | "block_comment") && node.child_by_field_name("inner").is_some()
}

/// The start of an item together with what belongs to it: the attributes, doc comments and
/// plain comments written directly before it (a blank line before a plain comment ends the run;
/// inner doc comments belong to the module and end it too).
pub fn item_start(item: Node<'_>, src: &str) -> usize {
    let mut start = item.start_byte();
    let mut prev = item.prev_sibling();
    while let Some(p) = prev {
        if !is_trivia(p.kind()) || is_inner_doc(p) {
            break;
        }
        let gap = &src[p.end_byte()..start];
        let is_plain_comment = p.kind() != "attribute_item" && p.child_by_field_name("outer").is_none();
        if is_plain_comment && gap.matches('\n').count() > 1 {
            break;
        }
        start = p.start_byte();
        prev = p.prev_sibling();
    }
    start
}

/// Whether one of the attributes written before `item` makes it test-only.
pub fn has_test_attribute(item: Node<'_>, src: &str) -> bool {
    let mut prev = item.prev_sibling();
    while let Some(p) = prev {
        if !is_trivia(p.kind()) {
            break;
        }
        if p.kind() == "attribute_item" && is_test_attribute(p, src) {
            return true;
        }
        prev = p.prev_sibling();
    }
    false
}

/// Whether a file is test-only as a whole: an inner `#![cfg(test)]` at its top.
pub fn is_test_file(root: Node<'_>, src: &str) -> bool {
    let mut cursor = root.walk();
    let found = root
        .named_children(&mut cursor)
        .any(|c| c.kind() == "inner_attribute_item" && attribute_path(c, src) == "cfg" && is_test_attribute_inner(c, src));
    found
}

fn is_test_attribute_inner(attr: Node<'_>, src: &str) -> bool {
    cfg_arguments(attr, src).is_some_and(|args| is_test_predicate(&args))
}

/// Every test-only item (outermost only), in source order.
pub fn test_items<'t>(root: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(container) = stack.pop() {
        let mut cursor = container.walk();
        let mut pending_test = false; // a test attribute since the last item
        for child in container.named_children(&mut cursor) {
            match child.kind() {
                "attribute_item" => {
                    pending_test |= is_test_attribute(child, src);
                    continue;
                }
                "line_comment" | "block_comment" => continue,
                _ => {}
            }
            let is_test = std::mem::take(&mut pending_test);
            if child.kind() == "inner_attribute_item" || child.is_error() {
                continue;
            }
            if is_test {
                out.push(child);
            } else if matches!(child.kind(), "mod_item" | "impl_item" | "trait_item") {
                if let Some(body) = child.child_by_field_name("body").filter(|b| b.kind() == "declaration_list") {
                    stack.push(body);
                }
            }
        }
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

#[cfg(test)]
mod tests;
