//! Documentation statistics: doc comments, which items carry them, and examples in them.
//!
//! Doc comments are `///`, `//!`, `/** */`, `/*! */` and `#[doc = "..."]` / `#![doc = "..."]`.
//! An item is documented when a doc comment or doc attribute is written directly before it (other
//! attributes and plain comments in between are fine); a module is also documented by a `//!` at
//! the top of its body. One doc comment somewhere in a file documents only the item it precedes.

use tree_sitter::Node;

use super::syntax::{attribute_path, leading_trivia, text};

/// Documentation counts for one sample.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocStats {
    /// Doc comment lines and doc attributes: each `///` or `//!` line, each `/** */` block and each
    /// `#[doc = ...]` counts once.
    pub doc_comments: usize,
    /// `fn`, `struct`, `enum`, `trait` and `union` items (methods included; methods of trait impls,
    /// which inherit the trait's docs, and test code excluded).
    pub items: usize,
    /// Those of `items` that are documented.
    pub documented_items: usize,
    /// Items declared plain `pub` (fn, struct, enum, trait, union, type, const, static, mod), outside
    /// test code. `pub(crate)` and narrower are not public API.
    pub public_items: usize,
    /// Those of `public_items` that are documented.
    pub documented_public_items: usize,
    /// Whether the crate or a module has an inner doc comment (`//!`, `/*! */`, `#![doc]`).
    pub has_module_doc: bool,
    /// Code examples in doc comments: fenced blocks (```` ``` ````, counted per opening fence) and
    /// `# Example(s)` headings.
    pub examples: usize,
    /// Whether `examples > 0`.
    pub has_examples: bool,
    // Fences and headings seen so far; a fenced block usually spans several `///` nodes.
    fences: usize,
    headings: usize,
}

impl DocStats {
    /// Share of `items` documented; `None` when the sample has no such items.
    pub fn documented_ratio(&self) -> Option<f64> {
        ratio(self.documented_items, self.items)
    }

    /// Share of `public_items` documented; `None` when the sample has no public items.
    pub fn public_documented_ratio(&self) -> Option<f64> {
        ratio(self.documented_public_items, self.public_items)
    }

    /// Counts a comment or attribute node if it is documentation.
    pub(super) fn record_trivia(&mut self, node: Node<'_>, src: &str) {
        let Some(doc) = doc_kind(node, src) else { return };
        self.doc_comments += 1;
        if doc == DocKind::Inner {
            self.has_module_doc = true;
        }
        let body = text(node, src);
        self.fences += body.matches("```").count();
        self.headings += usize::from(body.contains("# Example"));
        // Every other fence opens a block; an unclosed last fence still opens one.
        self.examples = self.fences.div_ceil(2) + self.headings;
        self.has_examples = self.examples > 0;
    }

    /// Records a documentable item (one of the kinds in `items` / `public_items`).
    pub(super) fn record_item(&mut self, item: Node<'_>, src: &str, in_trait_impl: bool) {
        let kind = item.kind();
        let documented = is_documented(item, src);
        let counts_as_item = matches!(
            kind,
            "function_item" | "function_signature_item" | "struct_item" | "enum_item" | "trait_item" | "union_item"
        ) && !in_trait_impl;
        if counts_as_item {
            self.items += 1;
            self.documented_items += usize::from(documented);
        }
        let is_pub = item
            .named_child(0)
            .filter(|c| c.kind() == "visibility_modifier")
            .is_some_and(|v| text(v, src) == "pub");
        if is_pub && !in_trait_impl {
            self.public_items += 1;
            self.documented_public_items += usize::from(documented);
        }
    }
}

/// Item kinds `record_item` cares about.
pub(super) fn is_documentable(kind: &str) -> bool {
    matches!(
        kind,
        "function_item"
            | "function_signature_item"
            | "struct_item"
            | "enum_item"
            | "trait_item"
            | "union_item"
            | "type_item"
            | "const_item"
            | "static_item"
            | "mod_item"
    )
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    /// Documents the next item.
    Outer,
    /// Documents the enclosing module or crate.
    Inner,
}

fn doc_kind(node: Node<'_>, src: &str) -> Option<DocKind> {
    match node.kind() {
        "line_comment" | "block_comment" => {
            if node.child_by_field_name("outer").is_some() {
                Some(DocKind::Outer)
            } else if node.child_by_field_name("inner").is_some() {
                Some(DocKind::Inner)
            } else {
                None
            }
        }
        "attribute_item" => (attribute_path(node, src) == "doc").then_some(DocKind::Outer),
        "inner_attribute_item" => (attribute_path(node, src) == "doc").then_some(DocKind::Inner),
        _ => None,
    }
}

fn is_documented(item: Node<'_>, src: &str) -> bool {
    if leading_trivia(item)
        .into_iter()
        .any(|t| doc_kind(t, src) == Some(DocKind::Outer))
    {
        return true;
    }
    // `mod m { //! docs ... }`: inner docs open the body.
    let Some(body) = item.child_by_field_name("body").filter(|_| item.kind() == "mod_item") else {
        return false;
    };
    let mut cursor = body.walk();
    let documented = body
        .named_children(&mut cursor)
        .take_while(|c| matches!(c.kind(), "line_comment" | "block_comment" | "inner_attribute_item"))
        .any(|c| doc_kind(c, src) == Some(DocKind::Inner));
    documented
}
