//! One pass over the syntax tree that feeds both the feature counts and the documentation stats.
//!
//! The walk is iterative with an explicit stack (hostile samples nest deeply) and carries each
//! node's parent and grandparent, because tree-sitter's `Node::parent` re-walks from the root.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

use super::docs::{is_documentable, DocStats};
use super::features::{Counts, Feature};
use super::syntax::{
    any_descendant, attribute_path, children, is_test_item, last_segment, method_call, root_identifier, text,
};

/// Where a node sits: decides whether `unwrap`, prints and docs are judged.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    /// Inside a `#[test]` function or a `#[cfg(test)]` module.
    in_test: bool,
    /// Inside the crate-level `fn main`.
    in_main: bool,
    /// Directly inside the body of `impl Trait for Type`.
    in_trait_impl: bool,
}

struct Frame<'t> {
    node: Node<'t>,
    parent: Option<Node<'t>>,
    grandparent: Option<Node<'t>>,
    ctx: Context,
}

/// Iterator and combinator adapters: a method chain using one of these is an "iterator chain".
const ADAPTERS: &[&str] = &[
    "map", "filter", "filter_map", "flat_map", "flatten", "fold", "try_fold", "collect", "sum", "product", "any",
    "all", "find", "find_map", "position", "enumerate", "zip", "take_while", "skip_while", "map_while", "for_each",
    "try_for_each", "rev", "cloned", "copied", "windows", "chunks", "partition", "step_by", "scan", "inspect",
    "max_by_key", "min_by_key", "max_by", "min_by", "and_then", "ok_or", "ok_or_else", "unwrap_or_else",
    "unwrap_or_default", "map_err", "peekable", "chain", "skip", "take", "count",
];

/// Methods that only borrow their receiver: cloning right before calling one is needless.
const BORROWING_METHODS: &[&str] = &[
    "len", "is_empty", "iter", "as_str", "as_ref", "as_slice", "as_bytes", "as_path", "contains", "contains_key",
    "starts_with", "ends_with", "get", "first", "last", "keys", "values", "chars", "bytes", "lines", "to_string",
    "to_owned", "clone", "trim", "split", "find", "eq", "cmp",
];

/// Macros whose arguments are only borrowed (format machinery).
const FORMAT_MACROS: &[&str] = &[
    "println", "print", "eprintln", "eprint", "format", "write", "writeln", "panic", "assert", "assert_eq",
    "assert_ne", "debug_assert", "format_args", "info", "warn", "error", "debug", "trace",
];

const PRINT_MACROS: &[&str] = &["println", "print", "eprintln", "eprint"];

const NUMERIC_TYPES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
];

/// What one walk found.
pub struct Findings {
    pub counts: Counts,
    pub docs: DocStats,
}

/// Walks the whole tree once.
pub fn walk(tree: &Tree, src: &str) -> Findings {
    let mut w = Walker { src, counts: Counts::new(), docs: DocStats::default(), mut_lets: Vec::new(), mutated: HashSet::new() };
    let mut stack = vec![Frame { node: tree.root_node(), parent: None, grandparent: None, ctx: Context::default() }];
    while let Some(frame) = stack.pop() {
        let Some(child_ctx) = w.visit(&frame) else { continue };
        let mut cursor = frame.node.walk();
        for child in frame.node.children(&mut cursor) {
            stack.push(Frame { node: child, parent: Some(frame.node), grandparent: frame.parent, ctx: child_ctx });
        }
    }
    let unused = w.mut_lets.iter().filter(|name| !w.mutated.contains(*name)).count();
    w.counts.add(Feature::UnusedMut, unused);
    Findings { counts: w.counts, docs: w.docs }
}

struct Walker<'s> {
    src: &'s str,
    counts: Counts,
    docs: DocStats,
    /// Names bound by `let mut name`.
    mut_lets: Vec<&'s str>,
    /// Names seen in a position that may mutate them.
    mutated: HashSet<&'s str>,
}

impl<'s> Walker<'s> {
    /// Counts what this node shows; returns the context for its children, or `None` to skip them.
    fn visit(&mut self, frame: &Frame<'_>) -> Option<Context> {
        let (node, ctx, src) = (frame.node, frame.ctx, self.src);
        if node.is_error() || node.is_missing() {
            self.counts.bump(Feature::SyntaxErrors);
        }
        if is_documentable(node.kind()) && !ctx.in_test && !is_test_item(node, src) {
            self.docs.record_item(node, src, ctx.in_trait_impl);
        }
        let mut child_ctx = Context { in_trait_impl: false, ..ctx };
        match node.kind() {
            "function_item" | "function_signature_item" => {
                let is_main = node.kind() == "function_item"
                    && frame.parent.is_some_and(|p| p.kind() == "source_file")
                    && node.child_by_field_name("name").is_some_and(|n| text(n, src) == "main");
                child_ctx.in_main |= is_main;
                child_ctx.in_test |= is_test_item(node, src);
                self.function(node, child_ctx);
            }
            "impl_item" => {
                if let Some(tr) = node.child_by_field_name("trait") {
                    self.counts.bump(Feature::TraitImpls);
                    if matches!(last_segment(tr, src), "From" | "TryFrom" | "FromStr") {
                        self.counts.bump(Feature::ConversionImpls);
                    }
                    child_ctx.in_trait_impl = true;
                }
                child_ctx.in_test |= is_test_item(node, src);
            }
            "declaration_list" => child_ctx.in_trait_impl = ctx.in_trait_impl,
            "mod_item" => {
                self.counts.bump(Feature::Modules);
                child_ctx.in_test |= is_test_item(node, src);
            }
            "line_comment" | "block_comment" => {
                self.docs.record_trivia(node, src);
                self.counts.add(Feature::TodoMarkers, todo_words(text(node, src)));
                return None;
            }
            "attribute_item" | "inner_attribute_item" => {
                match attribute_path(node, src) {
                    "derive" => self.counts.bump(Feature::Derives),
                    "allow" => self.counts.bump(Feature::AllowAttributes),
                    "doc" => self.docs.record_trivia(node, src),
                    _ => {}
                }
                return None;
            }
            "macro_invocation" => {
                self.macro_invocation(node, ctx);
                return None;
            }
            // Token soup; nothing in a macro definition is code yet.
            "macro_definition" => return None,
            "try_expression" => self.counts.bump(Feature::TryOperator),
            "match_expression" => self.counts.bump(Feature::MatchExpressions),
            "let_condition" => self.counts.bump(Feature::IfLet),
            "let_declaration" => self.let_declaration(node),
            "call_expression" => self.call(frame),
            "for_expression" if is_index_for_loop(node, src) => self.counts.bump(Feature::IndexLoops),
            "while_expression" if node.child_by_field_name("condition").is_some_and(|c| is_len_bound(c, src)) => {
                self.counts.bump(Feature::IndexLoops);
            }
            "type_cast_expression"
                if node.child_by_field_name("type").is_some_and(|t| NUMERIC_TYPES.contains(&text(t, src))) =>
            {
                self.counts.bump(Feature::NumericAsCasts);
            }
            "abstract_type" => self.counts.bump(Feature::ImplTrait),
            "const_item" | "static_item" => self.counts.bump(Feature::ConstsAndStatics),
            "assignment_expression" | "compound_assignment_expr" => {
                if let Some(name) = node.child_by_field_name("left").and_then(|l| root_identifier(l, src)) {
                    self.mutated.insert(name);
                }
            }
            "reference_expression" if children(node).iter().any(|c| c.kind() == "mutable_specifier") => {
                if let Some(name) = node.child_by_field_name("value").and_then(|v| root_identifier(v, src)) {
                    self.mutated.insert(name);
                }
            }
            "unsafe" if !node.is_named() => self.counts.bump(Feature::Unsafe),
            _ => {}
        }
        Some(child_ctx)
    }

    /// Signature-level signals of a function or trait method declaration.
    fn function(&mut self, node: Node<'_>, ctx: Context) {
        let src = self.src;
        if node.kind() == "function_item" {
            self.counts.bump(Feature::Functions);
        }
        let params = node.child_by_field_name("parameters");
        let ret = node.child_by_field_name("return_type");
        let sig: Vec<Node<'_>> = params.into_iter().chain(ret).collect();
        if sig.iter().any(|s| {
            any_descendant(*s, &mut |n| n.kind() == "type_identifier" && matches!(text(n, src), "Result" | "Option"))
        }) {
            self.counts.bump(Feature::ResultOptionSignatures);
        }
        if !ctx.in_main && !ctx.in_test {
            for s in &sig {
                let mut n = 0;
                any_descendant(*s, &mut |t| {
                    n += usize::from(is_box_dyn_error(t, src));
                    false
                });
                self.counts.add(Feature::BoxDynError, n);
            }
        }
        for param in params.iter().flat_map(|p| children(*p)) {
            match param.child_by_field_name("type").map(|t| borrow_form(t, src)) {
                Some(Some(true)) => self.counts.bump(Feature::BorrowedParams),
                Some(Some(false)) => self.counts.bump(Feature::OwnedRefParams),
                _ => {}
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            if ends_with_return(body) {
                self.counts.bump(Feature::TrailingReturn);
            }
        }
    }

    fn let_declaration(&mut self, node: Node<'_>) {
        if node.child_by_field_name("alternative").is_some() {
            self.counts.bump(Feature::LetElse);
        }
        let is_mut = children(node).iter().any(|c| c.kind() == "mutable_specifier");
        if let Some(pat) = node.child_by_field_name("pattern").filter(|p| is_mut && p.kind() == "identifier") {
            self.mut_lets.push(text(pat, self.src));
        }
    }

    fn call(&mut self, frame: &Frame<'_>) {
        let (node, ctx, src) = (frame.node, frame.ctx, self.src);
        let Some((receiver, name, args)) = method_call(node, src) else {
            // Calling a local closure needs `mut` when it is `FnMut`.
            if let Some(f) = node.child_by_field_name("function").filter(|f| f.kind() == "identifier") {
                self.mutated.insert(text(f, src));
            }
            return;
        };
        // Any method may take `&mut self`; without types we must assume it does.
        if let Some(root) = root_identifier(receiver, src) {
            self.mutated.insert(root);
        }
        let no_args = args.named_child_count() == 0;
        match name {
            "unwrap" | "expect" if !ctx.in_main && !ctx.in_test => self.counts.bump(Feature::UnwrapExpect),
            "clone" if no_args => {
                self.counts.bump(Feature::CloneCalls);
                if self.clone_is_only_borrowed(frame) {
                    self.counts.bump(Feature::NeedlessClone);
                }
            }
            _ => {}
        }
        if is_chain_top(frame) && is_iterator_chain(node, src) {
            self.counts.bump(Feature::IteratorChains);
        }
    }

    fn clone_is_only_borrowed(&self, frame: &Frame<'_>) -> bool {
        let (Some(parent), grandparent) = (frame.parent, frame.grandparent) else { return false };
        match parent.kind() {
            "reference_expression" => true,
            "field_expression" => grandparent
                .and_then(|g| method_call(g, self.src))
                .is_some_and(|(_, m, _)| BORROWING_METHODS.contains(&m)),
            _ => false,
        }
    }

    fn macro_invocation(&mut self, node: Node<'_>, ctx: Context) {
        let src = self.src;
        let name = node.child_by_field_name("macro").map_or("", |m| last_segment(m, src));
        let tokens = macro_tokens(node);
        match name {
            "dbg" if !ctx.in_test => self.counts.bump(Feature::DebugPrints),
            "todo" | "unimplemented" => self.counts.bump(Feature::TodoMarkers),
            _ if PRINT_MACROS.contains(&name) && !ctx.in_main && !ctx.in_test => {
                let fmt = tokens.iter().find(|t| t.kind() == "string_literal" || t.kind() == "raw_string_literal");
                if fmt.is_some_and(|f| uses_debug_format(text(*f, src))) {
                    self.counts.bump(Feature::DebugPrints);
                }
            }
            _ => {}
        }
        let texts: Vec<&str> = tokens.iter().map(|t| text(*t, src)).collect();
        for (i, tok) in tokens.iter().enumerate() {
            let at = |k: usize| texts.get(i + k).copied().unwrap_or("");
            match tok.kind() {
                "?" => self.counts.bump(Feature::TryOperator),
                "identifier" => {
                    // For `unused_mut`: format macros only borrow their arguments, `write!`/`writeln!`
                    // mutate their first; any other macro may expand to anything, so assume it mutates.
                    let first_arg = i == 1;
                    let borrows_only = FORMAT_MACROS.contains(&name) && !matches!(name, "write" | "writeln");
                    if !borrows_only && (first_arg || !matches!(name, "write" | "writeln")) {
                        self.mutated.insert(texts[i]);
                    }
                    if at(1) == "!" {
                        match texts[i] {
                            "todo" | "unimplemented" => self.counts.bump(Feature::TodoMarkers),
                            "dbg" if !ctx.in_test => self.counts.bump(Feature::DebugPrints),
                            _ => {}
                        }
                    }
                }
                "." => match (at(1), at(2), at(3)) {
                    ("unwrap", "(", ")") | ("expect", "(", _) if !ctx.in_main && !ctx.in_test => {
                        self.counts.bump(Feature::UnwrapExpect);
                    }
                    ("clone", "(", ")") => {
                        self.counts.bump(Feature::CloneCalls);
                        if FORMAT_MACROS.contains(&name) {
                            self.counts.bump(Feature::NeedlessClone);
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

/// The leaf tokens of a macro's arguments, in order; string and char literals stay whole.
fn macro_tokens(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let Some(tt) = children(node).into_iter().find(|c| c.kind() == "token_tree") else { return out };
    let mut stack = vec![tt];
    while let Some(n) = stack.pop() {
        if n.child_count() == 0 || matches!(n.kind(), "string_literal" | "raw_string_literal" | "char_literal") {
            out.push(n);
        } else {
            let mut cursor = n.walk();
            let kids: Vec<_> = n.children(&mut cursor).collect();
            stack.extend(kids.into_iter().rev());
        }
    }
    out
}

/// Whether a format string has a Debug placeholder: `{:?}`, `{x:?}`, `{:#?}`, `{0:>8?}`.
fn uses_debug_format(lit: &str) -> bool {
    let bytes = lit.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let Some(len) = lit[i..].find('}') else { return false };
            let spec = &lit[i + 1..i + len];
            if spec.contains(':') && spec.ends_with('?') {
                return true;
            }
            i += len;
        }
        i += 1;
    }
    false
}

/// Occurrences of TODO-like markers as whole uppercase words.
fn todo_words(comment: &str) -> usize {
    ["TODO", "FIXME", "XXX", "HACK"]
        .iter()
        .map(|w| {
            comment
                .match_indices(w)
                .filter(|(i, _)| {
                    let before = comment[..*i].chars().next_back();
                    let after = comment[i + w.len()..].chars().next();
                    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !is_word(before) && !is_word(after)
                })
                .count()
        })
        .sum()
}

/// `Box<dyn Error>` with any path to `Error` and any extra bounds.
fn is_box_dyn_error(node: Node<'_>, src: &str) -> bool {
    node.kind() == "generic_type"
        && last_segment(node, src) == "Box"
        && node.child_by_field_name("type_arguments").is_some_and(|args| {
            any_descendant(args, &mut |n| {
                n.kind() == "dynamic_type"
                    && n.child_by_field_name("trait").is_some_and(|t| last_segment(t, src) == "Error")
            })
        })
}

/// For a parameter type: `Some(true)` for `&str`/`&[T]`/`&Path`, `Some(false)` for
/// `&String`/`&Vec<T>`/`&PathBuf`/`&Box<T>`, `None` otherwise (including `&mut`, where the owned
/// form may be needed to grow it).
fn borrow_form(ty: Node<'_>, src: &str) -> Option<bool> {
    if ty.kind() != "reference_type" || children(ty).iter().any(|c| c.kind() == "mutable_specifier") {
        return None;
    }
    let inner = ty.child_by_field_name("type")?;
    match inner.kind() {
        "primitive_type" if text(inner, src) == "str" => Some(true),
        "array_type" if inner.child_by_field_name("length").is_none() => Some(true),
        "type_identifier" | "scoped_type_identifier" | "generic_type" => match last_segment(inner, src) {
            "Path" => Some(true),
            "String" | "Vec" | "PathBuf" | "Box" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a block's last statement is `return ...` (with or without `;`).
fn ends_with_return(body: Node<'_>) -> bool {
    let mut cursor = body.walk();
    let last = body
        .named_children(&mut cursor)
        .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
        .last();
    match last {
        Some(n) if n.kind() == "return_expression" => true,
        Some(n) if n.kind() == "expression_statement" => n.named_child(0).is_some_and(|e| e.kind() == "return_expression"),
        _ => false,
    }
}

/// `for i in 0..v.len()`, `(0..v.len()).rev()`, or `for i in 0..n { .. v[i] .. }`.
fn is_index_for_loop(node: Node<'_>, src: &str) -> bool {
    let Some(mut value) = node.child_by_field_name("value") else { return false };
    loop {
        value = match value.kind() {
            "parenthesized_expression" => match value.named_child(0) {
                Some(v) => v,
                None => return false,
            },
            "call_expression" => match method_call(value, src) {
                Some((recv, "rev" | "step_by" | "into_iter", _)) => recv,
                _ => return false,
            },
            _ => break,
        };
    }
    if value.kind() != "range_expression" {
        return false;
    }
    let mut cursor = value.walk();
    let bounds: Vec<_> = value.named_children(&mut cursor).collect();
    if let [_, upper] = bounds[..] {
        if any_descendant(upper, &mut |n| is_len_call(n, src)) {
            return true;
        }
    }
    let (Some(pat), Some(body)) = (node.child_by_field_name("pattern"), node.child_by_field_name("body")) else {
        return false;
    };
    if pat.kind() != "identifier" {
        return false;
    }
    let var = text(pat, src);
    any_descendant(body, &mut |n| {
        n.kind() == "index_expression"
            && n.named_child(1)
                .is_some_and(|idx| any_descendant(idx, &mut |m| m.kind() == "identifier" && text(m, src) == var))
    })
}

/// `i < v.len()` or `i <= v.len() - 1` somewhere in a loop condition.
fn is_len_bound(cond: Node<'_>, src: &str) -> bool {
    any_descendant(cond, &mut |n| {
        n.kind() == "binary_expression"
            && n.child_by_field_name("operator").is_some_and(|op| matches!(text(op, src), "<" | "<="))
            && n.child_by_field_name("right").is_some_and(|r| any_descendant(r, &mut |m| is_len_call(m, src)))
    })
}

fn is_len_call(n: Node<'_>, src: &str) -> bool {
    method_call(n, src).is_some_and(|(_, name, _)| name == "len")
}

/// Whether a method call is the outermost call of its chain (not the receiver of another call,
/// looking through `?`).
fn is_chain_top(frame: &Frame<'_>) -> bool {
    match (frame.parent.map(|p| p.kind()), frame.grandparent.map(|g| g.kind())) {
        (Some("field_expression"), Some("call_expression" | "generic_function")) => false,
        // `a.iter().map(f).collect()?.len()`: the outer call sees through the `?`.
        (Some("try_expression"), Some("field_expression")) => false,
        _ => true,
    }
}

fn is_iterator_chain(top: Node<'_>, src: &str) -> bool {
    let mut names = Vec::new();
    let mut cur = top;
    loop {
        if let Some((recv, name, _)) = method_call(cur, src) {
            names.push(name);
            cur = recv;
        } else if cur.kind() == "try_expression" {
            match cur.named_child(0) {
                Some(inner) => cur = inner,
                None => break,
            }
        } else {
            break;
        }
    }
    let on_range = cur.kind() == "range_expression"
        || (cur.kind() == "parenthesized_expression" && cur.named_child(0).is_some_and(|c| c.kind() == "range_expression"));
    names.iter().any(|n| ADAPTERS.contains(n)) && (names.len() >= 2 || on_range)
}
