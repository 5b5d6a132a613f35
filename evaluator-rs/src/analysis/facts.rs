//! What the data filters need to know about a file, from one walk over its syntax tree.
//!
//! Counts are taken on the tree, so `unsafe` in a doc comment, `TODO` in a string or `println!`
//! inside a test module never count. Test code (what `strip_tests` would remove) is skipped by
//! every marker count: a filter judges the library code that would be kept.

use tree_sitter::Node;

use super::{is_test_file, item_start};
use crate::score::parse;
use crate::score::syntax::{attribute_path, text};

/// Facts about one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Parsed without syntax errors.
    pub parsed: bool,
    /// Characters (Unicode scalar values) of the file.
    pub chars: usize,
    /// Non-whitespace characters outside comments: the length of the code itself.
    pub code_chars: usize,
    /// Test-only items (`#[cfg(test)]`, `#[test]`, `#[bench]`), outermost only; a file under
    /// `#![cfg(test)]` counts one.
    pub test_items: usize,
    /// `#[bench]` functions.
    pub bench_fns: usize,
    /// `unsafe` blocks, and `unsafe fn`/`impl`/`trait` items (not `unsafe fn(..)` pointer types).
    pub unsafe_code: usize,
    /// `TODO`, `FIXME`, `XXX` or `HACK` words in comments.
    pub todo_comments: usize,
    /// `todo!()` and `unimplemented!()` calls.
    pub todo_macros: usize,
    /// `dbg!` calls, and `print!`/`println!` calls in a file without a top-level `fn main` and without
    /// any `println!("cargo:..")` instruction (build-script code talks to Cargo on stdout;
    /// `eprintln!` is diagnostics).
    pub debug_prints: usize,
    /// `#[allow(..)]` and `#![allow(..)]` attributes.
    pub allow_attributes: usize,
    /// A top-level `fn main`.
    pub has_main: bool,
    /// The generator marker in the file's header comments ("@generated", "automatically
    /// generated", "DO NOT EDIT", ...), as written.
    pub generated_marker: Option<String>,
    /// Function and static declarations inside `extern` blocks, and `fn` declarations in item-level
    /// macro calls without bodies (`link!(.. fn Name(..) -> T)`).
    pub foreign_items: usize,
    /// Code characters of declarations without logic: `extern` blocks, `const`/`static` items,
    /// type aliases, `#[repr(C)]` structs and unions, and item-level macro calls (`s! { .. }`,
    /// `link!(..)`), which is how bindings are written.
    pub declaration_chars: usize,
    /// Code characters inside function bodies.
    pub body_chars: usize,
    /// Code characters of number, string and char literals (tables are mostly literals).
    pub literal_chars: usize,
    // `print!`/`println!` calls outside `main` and tests, and `cargo:` instructions among them: a file
    // that talks to Cargo is build-script code, whose other prints (`println!("{cmd}")`) are for Cargo too.
    stdout_prints: usize,
    cargo_instructions: usize,
}

/// Analyses one file.
pub fn analyze(src: &str) -> Facts {
    match parse(src) {
        Some(tree) => analyze_tree(&tree, src),
        None => Facts { chars: src.chars().count(), ..Facts::default() },
    }
}

/// What the attributes written before a node say about it (collected while scanning siblings in
/// order: `prev_sibling` is linear in tree-sitter, and bindings files have thousands of items).
#[derive(Clone, Copy, Default)]
struct Attached {
    test: bool,
    bench: bool,
    repr_c: bool,
}

struct Frame<'t> {
    node: Node<'t>,
    in_test: bool,
    /// The parent is the file or a module body: the node is a module-level item.
    module_level: bool,
    /// The parent is a function item (the node may be its body).
    in_fn_item: bool,
    attached: Attached,
}

/// Analyses one file whose syntax tree is already built.
pub fn analyze_tree(tree: &tree_sitter::Tree, src: &str) -> Facts {
    let mut facts = Facts { chars: src.chars().count(), ..Facts::default() };
    let root = tree.root_node();
    facts.parsed = !root.has_error();
    let mut comments: Vec<(usize, usize)> = Vec::new();
    let mut declarations: Vec<(usize, usize)> = Vec::new();
    let mut bodies: Vec<(usize, usize)> = Vec::new();
    facts.has_main = {
        let mut cursor = root.walk();
        let found = root.named_children(&mut cursor).any(|c| {
            c.kind() == "function_item" && c.child_by_field_name("name").is_some_and(|n| text(n, src) == "main")
        });
        found
    };
    if is_test_file(root, src) {
        facts.test_items = 1;
    }
    facts.generated_marker = generated_marker(root, src);

    // One iterative walk; test subtrees are skipped for markers but their comments still count as
    // comments (so code_chars is the code of the whole file).
    let mut stack = vec![Frame { node: root, in_test: facts.test_items > 0, module_level: false, in_fn_item: false, attached: Attached::default() }];
    while let Some(frame) = stack.pop() {
        let Frame { node, in_test, module_level, in_fn_item, attached } = frame;
        let kind = node.kind();
        let mut child_in_test = in_test;
        match kind {
            "line_comment" | "block_comment" => {
                comments.push((node.start_byte(), node.end_byte()));
                if !in_test {
                    facts.todo_comments += todo_words(text(node, src));
                }
                continue;
            }
            "attribute_item" | "inner_attribute_item" if !in_test && attribute_path(node, src) == "allow" => {
                facts.allow_attributes += 1;
            }
            _ => {}
        }
        if !in_test && attached.test && is_item(kind) {
            facts.test_items += 1;
            facts.bench_fns += usize::from(kind == "function_item" && attached.bench);
            child_in_test = true;
        }
        if !child_in_test {
            match kind {
                "unsafe_block" => facts.unsafe_code += 1,
                "function_item" | "impl_item" | "trait_item" if has_unsafe_modifier(node) => facts.unsafe_code += 1,
                "macro_invocation" => facts.macro_call(node, src),
                "foreign_mod_item" => {
                    facts.foreign_items += count_kind(node, &["function_signature_item", "static_item"]);
                }
                _ => {}
            }
            if is_literal(kind) {
                facts.literal_chars += code_len(text(node, src));
            }
            if module_level && is_declaration(node, src, attached) {
                declarations.push((node.start_byte(), node.end_byte()));
                if kind == "macro_invocation" {
                    // `link!("kernel32.dll" "system" fn CloseHandle(..) -> BOOL)`: declared, not defined
                    facts.foreign_items += count_fn_tokens(node);
                }
            } else if kind == "block" && in_fn_item {
                bodies.push((node.start_byte(), node.end_byte()));
            }
        }
        // `link!(..);` at module level is a macro call inside an expression statement
        let children_module_level = kind == "source_file"
            || (kind == "declaration_list" && module_level_body(node))
            || (kind == "expression_statement" && module_level);
        let mut cursor = node.walk();
        let mut pending = Attached::default();
        for child in node.children(&mut cursor) {
            let child_kind = child.kind();
            let child_attached = pending;
            match child_kind {
                "attribute_item" => {
                    let path = attribute_path(child, src);
                    pending.test |= super::is_test_attribute(child, src);
                    pending.bench |= path == "bench";
                    pending.repr_c |= path == "repr" && text(child, src).contains('C');
                }
                "line_comment" | "block_comment" => {}
                _ => pending = Attached::default(),
            }
            stack.push(Frame {
                node: child,
                in_test: child_in_test,
                module_level: children_module_level,
                in_fn_item: kind == "function_item",
                attached: child_attached,
            });
        }
    }
    if facts.cargo_instructions == 0 {
        facts.debug_prints += facts.stdout_prints;
    }
    comments.sort_unstable();
    facts.code_chars = code_outside(src, (0, src.len()), &comments);
    facts.declaration_chars = declarations.into_iter().map(|span| code_outside(src, span, &comments)).sum();
    facts.body_chars = bodies.into_iter().map(|span| code_outside(src, span, &comments)).sum();
    facts
}

/// Non-whitespace characters of `src[start..end]` outside the (sorted) comment spans.
fn code_outside(src: &str, (start, end): (usize, usize), comments: &[(usize, usize)]) -> usize {
    let first = comments.partition_point(|c| c.0 < start);
    let commented: usize =
        comments[first..].iter().take_while(|c| c.1 <= end).map(|&(s, e)| code_len(&src[s..e])).sum();
    code_len(&src[start..end]).saturating_sub(commented)
}

/// A `declaration_list` that is a module's body (not an impl's or a trait's).
fn module_level_body(node: Node<'_>) -> bool {
    node.parent().is_some_and(|p| p.kind() == "mod_item")
}

impl Facts {
    fn macro_call(&mut self, node: Node<'_>, src: &str) {
        let name = node.child_by_field_name("macro").map_or("", |m| {
            let t = text(m, src);
            t.rsplit("::").next().unwrap_or(t)
        });
        match name {
            "todo" | "unimplemented" => self.todo_macros += 1,
            "dbg" => self.debug_prints += 1,
            // stdout only: `eprintln!` is how libraries report (rayon's "aborting", cc's warnings)
            "print" | "println" if !self.has_main => {
                if is_cargo_instruction(node, src) {
                    self.cargo_instructions += 1;
                } else {
                    self.stdout_prints += 1;
                }
            }
            _ => {}
        }
    }
}

/// `println!("cargo:rustc-cfg=..")` and `println!("cargo::..")`: a build script talking to Cargo.
fn is_cargo_instruction(node: Node<'_>, src: &str) -> bool {
    let Some(tt) = (0..node.named_child_count()).filter_map(|i| node.named_child(i as u32)).find(|c| c.kind() == "token_tree")
    else {
        return false;
    };
    let first = tt.named_child(0);
    first.is_some_and(|f| {
        let t = text(f, src);
        matches!(f.kind(), "string_literal" | "raw_string_literal") && t.trim_start_matches(['r', '#', '"']).starts_with("cargo:")
    })
}

fn is_item(kind: &str) -> bool {
    matches!(
        kind,
        "function_item"
            | "mod_item"
            | "impl_item"
            | "use_declaration"
            | "const_item"
            | "static_item"
            | "struct_item"
            | "enum_item"
            | "trait_item"
            | "type_item"
            | "union_item"
            | "macro_definition"
            | "macro_invocation"
            | "extern_crate_declaration"
            | "foreign_mod_item"
    )
}

fn is_literal(kind: &str) -> bool {
    matches!(
        kind,
        "integer_literal" | "float_literal" | "string_literal" | "raw_string_literal" | "char_literal"
    )
}

fn has_unsafe_modifier(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| match c.kind() {
        "unsafe" => true,
        "function_modifiers" => {
            let mut inner = c.walk();
            let unsafe_mod = c.children(&mut inner).any(|m| m.kind() == "unsafe");
            unsafe_mod
        }
        _ => false,
    });
    found
}

fn count_kind(node: Node<'_>, kinds: &[&str]) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        if kinds.contains(&x.kind()) {
            n += 1;
        }
        let mut cursor = x.walk();
        stack.extend(x.named_children(&mut cursor));
    }
    n
}

/// Module-level declarations without logic, the shape of bindings and tables.
fn is_declaration(node: Node<'_>, src: &str, attached: Attached) -> bool {
    match node.kind() {
        "foreign_mod_item" | "const_item" | "static_item" | "type_item" => true,
        // item-level macro calls (`s! { .. }`, `link!(..)`), except the ones that wrap ordinary code
        // (`cfg_if!`, tokio's `cfg_rt! { .. }`): a `fn` with a body among their tokens
        // (`cfg_if!` and `bitflags!` hold module glue and flag sets, not bindings)
        "macro_invocation" => {
            let name = node.child_by_field_name("macro").map_or("", |m| text(m, src));
            let name = name.rsplit("::").next().unwrap_or(name);
            !matches!(name, "cfg_if" | "bitflags") && !wraps_function_bodies(node, src)
        }
        "struct_item" | "union_item" => attached.repr_c,
        _ => false,
    }
}

/// `fn` tokens among a macro call's tokens (at any depth).
fn count_fn_tokens(node: Node<'_>) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += usize::from(x.kind() == "fn");
        let mut cursor = x.walk();
        stack.extend(x.children(&mut cursor).filter(|c| c.kind() == "token_tree" || c.kind() == "fn"));
    }
    n
}

/// Whether a macro call's tokens hold a function with a body (`fn name(..) .. { .. }`), at any depth.
fn wraps_function_bodies(node: Node<'_>, src: &str) -> bool {
    let mut stack: Vec<Node<'_>> = Vec::new();
    let mut cursor = node.walk();
    stack.extend(node.children(&mut cursor).filter(|c| c.kind() == "token_tree"));
    while let Some(tt) = stack.pop() {
        let mut inner = tt.walk();
        let mut after_fn = false;
        for tok in tt.children(&mut inner) {
            match tok.kind() {
                "fn" => after_fn = true,
                ";" => after_fn = false,
                "token_tree" => {
                    if after_fn && text(tok, src).starts_with('{') {
                        return true;
                    }
                    stack.push(tok);
                }
                _ => {}
            }
        }
    }
    false
}

/// Non-whitespace characters.
fn code_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn todo_words(comment: &str) -> usize {
    comment
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| matches!(*w, "TODO" | "FIXME" | "XXX" | "HACK"))
        .count()
}

/// Phrases a code generator writes at the top of its output (in plain comments or module docs).
const GENERATED_PHRASES: &[&str] = &[
    "@generated",
    "automatically generated",
    "auto-generated",
    "autogenerated",
    "do not edit",
    "this is generated code",
    "this file is generated",
    "this file was generated",
];

/// The generator marker among the comments that open the file (before its first item; inner
/// attributes and doc comments may come first).
fn generated_marker(root: Node<'_>, src: &str) -> Option<String> {
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        match child.kind() {
            "line_comment" | "block_comment" => {
                let body = text(child, src);
                let lower = body.to_lowercase();
                if GENERATED_PHRASES.iter().any(|p| lower.contains(p)) {
                    return Some(body.lines().next().unwrap_or("").trim().chars().take(120).collect());
                }
            }
            "inner_attribute_item" | "attribute_item" => {}
            _ => return None,
        }
    }
    None
}

/// The file split at top-level item boundaries into pieces of at most `max_chars` characters
/// each (an item longer than that is one piece of its own). Each item keeps its attributes and
/// doc comments; what precedes the first item (inner docs and attributes, `use` lines) goes with
/// the first piece. Concatenated, the pieces are the file.
pub fn split_items(src: &str, max_chars: usize) -> Vec<String> {
    let Some(tree) = parse(src) else { return vec![src.to_owned()] };
    let root = tree.root_node();
    let mut cuts = vec![0usize];
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if matches!(child.kind(), "line_comment" | "block_comment" | "attribute_item" | "inner_attribute_item") {
            continue;
        }
        let start = item_start(child, src);
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let start = if src[line_start..start].trim().is_empty() { line_start } else { start };
        if start > *cuts.last().unwrap_or(&0) {
            cuts.push(start);
        }
    }
    cuts.push(src.len());
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut piece_chars = 0;
    for window in cuts.windows(2) {
        let (a, b) = (window[0], window[1]);
        let n = src[a..b].chars().count();
        if piece_chars > 0 && piece_chars + n > max_chars {
            pieces.push(src[piece_start..a].to_owned());
            piece_start = a;
            piece_chars = 0;
        }
        piece_chars += n;
    }
    if piece_start < src.len() || pieces.is_empty() {
        pieces.push(src[piece_start..].to_owned());
    }
    pieces
}
