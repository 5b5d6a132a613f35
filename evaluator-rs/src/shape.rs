//! What a sample looks like from the outside, read from its tree-sitter syntax tree: is it a
//! program (`fn main` at the top level) or a library, does it read other files by path, and can it
//! share a batch crate with other samples without changing what the compiler says about it.
//!
//! The rule behind `solo_reason` is written down, with the rustc/clippy behaviour behind each
//! clause, in docs/evaluation.md ("Batching rule"). In short: a sample is batched only when
//! nothing in it is read at crate scope. Lexical defects (unterminated literals, unbalanced
//! delimiters: what the pre-filter drops as visibly truncated) are read on the same tree.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

/// How a sample is compiled when checked alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrateKind {
    Bin,
    Lib,
}

impl CrateKind {
    pub fn as_flag(self) -> &'static str {
        match self {
            CrateKind::Bin => "bin",
            CrateKind::Lib => "lib",
        }
    }
}

/// The first lexical defect of a sample: what rustc's lexer would stop at.
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

/// Facts about one sample that batching and the pre-filter need.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `Bin` when `fn main` is a top-level item (the `auto` crate type).
    pub kind: CrateKind,
    pub lex_defect: Option<LexDefect>,
    /// tree-sitter had to recover from a syntax error: the sample very likely fails, so it is
    /// batched only with other such samples (a failing member makes rustc skip the late lint
    /// passes for the whole batch, and every error-free member would have to be checked again).
    pub syntax_error: bool,
    /// Why the sample must be checked alone rather than as a module of a batch crate, if so.
    pub solo_reason: Option<&'static str>,
    /// The sample reads a file by a relative path (`include_str!("x")`, `mod x;`, `#[path = "x"]`):
    /// a sample is one file, so this is an error with this reason, without a compiler run. (A read by
    /// an absolute or computed path is checked alone, in a directory holding only the sample, where
    /// the sandbox decides what it can see; it never shares a directory with a batch peer.)
    pub reads_file: Option<&'static str>,
}

/// Attributes whose meaning is crate-global: two samples could both claim the same symbol or
/// language item, or the attribute only means something at the crate root.
const CRATE_GLOBAL_ATTRS: &[&str] =
    &["macro_export", "no_mangle", "export_name", "global_allocator", "panic_handler", "lang", "no_main", "no_std"];

/// Attributes that are crate-global only inside an attribute (elsewhere they are common words).
const CRATE_GLOBAL_ATTRS_IN_ATTRIBUTE: &[&str] = &["used", "link_section", "link", "link_name", "debugger_visualizer"];

/// Lint levels that can turn a lint on (`allow` only turns lints off, see docs/evaluation.md).
const RAISING_LEVELS: &[&str] = &["warn", "deny", "forbid", "expect"];

/// Node kinds read as one opaque token: their text is data, not code.
const OPAQUE: &[&str] = &["line_comment", "block_comment", "string_literal", "raw_string_literal", "char_literal"];

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse(src: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_rust::LANGUAGE.into()).expect("tree-sitter-rust grammar matches the tree-sitter ABI");
            p
        });
        parser.parse(src, None)
    })
}

/// Whether `fn main` is an item at the top level of `src` (not inside a module, impl, function
/// or macro body).
pub fn has_main(src: &str) -> bool {
    parse(src).is_some_and(|t| top_level_main(t.root_node(), src))
}

fn top_level_main(root: Node<'_>, src: &str) -> bool {
    let mut cursor = root.walk();
    let found = root.children(&mut cursor).any(|item| match item.kind() {
        "function_item" => item.child_by_field_name("name").is_some_and(|n| &src[n.byte_range()] == "main"),
        // Error recovery can wrap a top-level `fn main` in an ERROR node: look one level in.
        "ERROR" => {
            let mut c = item.walk();
            let kids: Vec<Node<'_>> = item.children(&mut c).collect();
            kids.windows(2).any(|w| w[0].kind() == "fn" && &src[w[1].byte_range()] == "main")
        }
        _ => false,
    });
    found
}

/// One token of the tree, with where it sits.
#[derive(Debug, Clone, Copy)]
struct Leaf<'s> {
    kind: &'s str,
    text: &'s str,
    /// Source text error recovery skipped just before this token (trimmed; empty almost always).
    skipped: &'s str,
    /// Byte offset in the source.
    start: usize,
    /// An opaque token (literal, comment) that error recovery had to patch (a MISSING closing quote).
    broken: bool,
    /// Inside an attribute (`#[...]`, `#![...]`, also in macro token trees).
    in_attr: bool,
    /// How many inline `mod m { ... }` bodies enclose it.
    mod_depth: usize,
    /// A direct child of the file's top level (for `#![...]`).
    top: bool,
}

/// Looks at a sample once and records everything batching needs to know.
pub fn shape(src: &str, edition: &str) -> Shape {
    let Some(tree) = parse(src) else {
        return Shape { kind: CrateKind::Lib, lex_defect: None, syntax_error: true, solo_reason: Some("unparsable"), reads_file: None };
    };
    let root = tree.root_node();
    let kind = if top_level_main(root, src) { CrateKind::Bin } else { CrateKind::Lib };
    let leaves = leaves(root, src);
    let lex_defect = lexical_defect_of(&leaves, src);
    let file_read = file_read(root, &leaves);
    let reads_file = match file_read {
        Some(FileRead::Relative(why)) => Some(why),
        _ => None,
    };
    // Lexical errors are fatal in rustc and stop the whole batch crate: check such samples alone.
    let solo_reason = if lex_defect.is_some() {
        Some("lexical error")
    } else if file_read.is_some() {
        Some("reads a file by path")
    } else {
        solo_reason(&leaves, root, edition)
    };
    Shape { kind, lex_defect, syntax_error: root.has_error(), solo_reason, reads_file }
}

/// The first lexical defect of `src`, read on its tree (the pre-filter's check for truncated output).
pub fn lexical_defect(src: &str) -> Option<LexDefect> {
    let tree = parse(src)?;
    lexical_defect_of(&leaves(tree.root_node(), src), src)
}

/// What rustc's lexer would stop at: a quote, apostrophe or comment opener that error recovery left
/// outside any literal or comment (as a token, or in text it skipped) is an unterminated one — the
/// first in source order wins, as in rustc — else delimiters that do not pair up. A syntax error
/// that is not lexical (`let x = ;`) is no defect: the pre-filter drops only visibly cut-off code.
fn lexical_defect_of(leaves: &[Leaf<'_>], src: &str) -> Option<LexDefect> {
    let mut delimiters: Vec<char> = Vec::new();
    let mut mismatched = false;
    // Whether closing `c` pairs with the innermost open delimiter.
    let pairs = |c: char, stack: &mut Vec<char>| {
        let want = match c {
            ')' => '(',
            ']' => '[',
            _ => '{',
        };
        stack.pop() == Some(want)
    };
    let tail = leaves.last().map_or(src.trim(), |last| src[last.end()..].trim());
    let pieces = leaves.iter().map(|l| (l.skipped, Some(l))).chain(std::iter::once((tail, None)));
    let mut previous: Option<&Leaf<'_>> = None;
    let mut closing_quote: Option<usize> = None;
    let mut pieces = pieces.peekable();
    while let Some((skipped, leaf)) = pieces.next() {
        if let Some(defect) = unterminated_in(skipped) {
            return Some(defect);
        }
        if !mismatched {
            for c in skipped.chars() {
                match c {
                    '(' | '[' | '{' => delimiters.push(c),
                    ')' | ']' | '}' => mismatched |= !pairs(c, &mut delimiters),
                    _ => {}
                }
            }
        }
        let Some(leaf) = leaf else { break };
        let next = pieces.peek().and_then(|&(skipped, next)| next.filter(|_| skipped.is_empty()));
        match leaf.kind {
            "\"" => return Some(LexDefect::UnterminatedString),
            "string_literal" | "raw_string_literal" if leaf.broken => return Some(LexDefect::UnterminatedString),
            "char_literal" if leaf.broken => return Some(LexDefect::UnterminatedChar),
            "/*" => return Some(LexDefect::UnterminatedBlockComment),
            "block_comment" if leaf.broken || !comment_closed(leaf.text) => return Some(LexDefect::UnterminatedBlockComment),
            // The closing quote of a char literal error recovery split up (`'x'` as three tokens).
            "'" if closing_quote == Some(leaf.start) => {}
            // A `'` is a lifetime or label when a name follows right after it (`'a`), a char when
            // the quote closes right after that (`'a'`); else, or after `b`, it opens an unterminated char.
            "'" => {
                let name = next.filter(|n| n.start == leaf.end() && !OPAQUE.contains(&n.kind) && ident(n).is_some());
                let byte = previous.is_some_and(|p| p.text == "b" && p.end() == leaf.start);
                match name {
                    Some(n) if !byte => {
                        if n.text.chars().count() == 1 && src[n.end()..].starts_with('\'') {
                            closing_quote = Some(n.end());
                        }
                    }
                    _ => return Some(LexDefect::UnterminatedChar),
                }
            }
            "ERROR" => {
                if let Some(defect) = unterminated_in(leaf.text) {
                    return Some(defect);
                }
            }
            "(" | "[" | "{" => delimiters.push(leaf.text.chars().next().unwrap_or('(')),
            ")" | "]" | "}" if !mismatched => mismatched = !pairs(leaf.text.chars().next().unwrap_or(')'), &mut delimiters),
            _ => {}
        }
        previous = Some(leaf);
    }
    if mismatched {
        Some(LexDefect::MismatchedDelimiter)
    } else if !delimiters.is_empty() {
        Some(LexDefect::UnclosedDelimiter)
    } else {
        None
    }
}

/// Whether a block comment's text closes every comment it opens (they nest in Rust).
fn comment_closed(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0);
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"/*" => {
                depth += 1;
                i += 2;
            }
            b"*/" => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return i == bytes.len();
                }
            }
            _ => i += 1,
        }
    }
    false
}

/// An unterminated literal or comment opener in text error recovery skipped.
fn unterminated_in(text: &str) -> Option<LexDefect> {
    let first = [("\"", LexDefect::UnterminatedString), ("'", LexDefect::UnterminatedChar), ("/*", LexDefect::UnterminatedBlockComment)]
        .into_iter()
        .filter_map(|(opener, defect)| text.find(opener).map(|at| (at, defect)))
        .min_by_key(|&(at, _)| at);
    first.map(|(_, defect)| defect)
}

/// The names in `src` used other than by invoking them (`assert_eq` in `macro_rules! assert_eq`
/// or `use m as assert_eq`, not in `assert_eq!(..)`), in order. Text error recovery skipped is
/// read word by word, so nothing the tree could not place is left out.
pub fn uninvoked_names(src: &str) -> Vec<&str> {
    let Some(tree) = parse(src) else { return skipped_uninvoked(src) };
    let leaves = leaves(tree.root_node(), src);
    let mut names = Vec::new();
    for (i, leaf) in leaves.iter().enumerate() {
        names.extend(skipped_uninvoked(leaf.skipped));
        if leaf.kind == "ERROR" {
            names.extend(skipped_uninvoked(leaf.text));
        } else if let Some(name) = ident(leaf).filter(|_| !OPAQUE.contains(&leaf.kind)) {
            if leaves.get(i + 1).is_none_or(|next| next.text != "!" || !next.skipped.is_empty()) {
                names.push(name);
            }
        }
    }
    names.extend(skipped_uninvoked(leaves.last().map_or("", |last| &src[last.end()..])));
    names
}

/// The words of raw text not followed by `!`.
fn skipped_uninvoked(text: &str) -> Vec<&str> {
    let is_word = |c: char| c == '_' || c.is_alphanumeric();
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_word) {
        let tail = &rest[start..];
        let len = tail.find(|c: char| !is_word(c)).unwrap_or(tail.len());
        if !tail[len..].trim_start().starts_with('!') {
            out.push(&tail[..len]);
        }
        rest = &tail[len..];
    }
    out
}

/// The tree's tokens in source order (comments and literals as one opaque token each).
fn leaves<'s>(root: Node<'_>, src: &'s str) -> Vec<Leaf<'s>> {
    let mut out: Vec<Leaf<'s>> = Vec::new();
    // (node, in_attr, mod_depth, top); an explicit stack because hostile samples nest deeply.
    let mut stack = vec![(root, false, 0usize, false)];
    while let Some((node, in_attr, mod_depth, top)) = stack.pop() {
        let kind = node.kind();
        if node.child_count() == 0 || OPAQUE.contains(&kind) {
            if !node.is_missing() {
                let range = node.byte_range();
                let from = out.last().map_or(0, |l| l.end()).min(range.start);
                out.push(Leaf { kind, text: &src[range.clone()], skipped: src[from..range.start].trim(), start: range.start, broken: node.has_error(), in_attr, mod_depth, top });
            }
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let is_root = node.id() == root.id();
        let mut pushed = Vec::with_capacity(children.len());
        for (i, child) in children.iter().enumerate() {
            let prev = |n: usize| i.checked_sub(n).map(|j| children[j].kind());
            let attr_tree = child.kind() == "token_tree"
                && child.child(0).is_some_and(|c| c.kind() == "[")
                && (prev(1) == Some("#") || (prev(1) == Some("!") && prev(2) == Some("#")));
            let child_attr = in_attr || matches!(child.kind(), "attribute_item" | "inner_attribute_item") || attr_tree;
            let child_mod = mod_depth + usize::from(kind == "mod_item" && child.kind() == "declaration_list");
            pushed.push((*child, child_attr, child_mod, is_root));
        }
        stack.extend(pushed.into_iter().rev());
    }
    out
}

impl Leaf<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

fn ident<'s>(leaf: &Leaf<'s>) -> Option<&'s str> {
    let t = leaf.text.strip_prefix("r#").unwrap_or(leaf.text);
    let first = t.chars().next()?;
    (first.is_alphabetic() || first == '_').then_some(t)
}

/// How a sample reads a file at compile time.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FileRead {
    /// By a path relative to the sample's file: refused with this reason.
    Relative(&'static str),
    /// By an absolute or computed path: checked alone.
    Other,
}

/// The path a string-literal token names (`"x"`, `r"x"`, `r#"x"#`), if `leaf` is one.
fn literal_path<'s>(leaf: Option<&Leaf<'s>>) -> Option<&'s str> {
    let leaf = leaf?;
    if !leaf.kind.contains("string_literal") {
        return None;
    }
    Some(leaf.text.trim_start_matches(['r', 'b']).trim_matches('#').trim_matches('"'))
}

/// A read by the path in `lit` (`None`: computed), described by `what`.
fn read_by(lit: Option<&str>, what: &'static str) -> FileRead {
    match lit {
        Some(p) if !p.starts_with('/') => FileRead::Relative(what),
        _ => FileRead::Other,
    }
}

/// Whether the sample reads a file by path, and how.
fn file_read(root: Node<'_>, leaves: &[Leaf<'_>]) -> Option<FileRead> {
    let mut found = None;
    for (i, leaf) in leaves.iter().enumerate() {
        let next = leaves.get(i + 1).map(|l| l.text);
        let prev = i.checked_sub(1).map(|j| leaves[j].text);
        // `name!(lit` / `name![lit` / `name!{lit`: the path is the first token of the call.
        let call_arg = || if next == Some("!") { literal_path(leaves.get(i + 3)) } else { None };
        let read = match ident(leaf) {
            Some("include_str" | "include_bytes") => Some(read_by(call_arg(), "include_str!/include_bytes! reads a file by path")),
            Some("include") if next == Some("!") || next == Some("as") || prev == Some("::") => {
                Some(read_by(call_arg(), "include! reads a file by path"))
            }
            Some("path") if leaf.in_attr && next == Some("=") => {
                Some(read_by(literal_path(leaves.get(i + 2)), "#[path] loads a module from another file"))
            }
            Some("debugger_visualizer") if leaf.in_attr => Some(FileRead::Other),
            _ => None,
        };
        match read {
            // A relative read is refused whatever else the sample does.
            Some(r @ FileRead::Relative(_)) => return Some(r),
            Some(r) => found = Some(r),
            None => {}
        }
    }
    // `mod name;` loads name.rs (or name/mod.rs) next to the sample.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        // (With an absolute `#[path]` somewhere, `found` already sends the sample to a lone check.)
        if node.kind() == "mod_item" && node.child_by_field_name("body").is_none() && !node.has_error() && found.is_none() {
            return Some(FileRead::Relative("`mod name;` loads a module from another file"));
        }
        let mut c = node.walk();
        stack.extend(node.children(&mut c).filter(|n| n.child_count() > 0));
    }
    found
}

fn solo_reason(leaves: &[Leaf<'_>], root: Node<'_>, edition: &str) -> Option<&'static str> {
    let mut cursor = root.walk();
    let items: Vec<Node<'_>> = root.children(&mut cursor).collect();
    if items.iter().any(|n| n.kind() == "inner_attribute_item") {
        return Some("crate-level attribute");
    }
    // `use name;` at the crate root is what `clippy::single_component_path_imports` looks for;
    // in a batch it sits in a module, where the lint reads it differently.
    // (`use {a, b};` too: each name in a root-level brace group is such an import)
    let one = |a: Node<'_>| a.kind() == "identifier" || (a.kind() == "use_as_clause" && a.child_by_field_name("path").is_some_and(|p| p.kind() == "identifier"));
    let single = |n: Node<'_>| {
        n.child_by_field_name("argument").is_some_and(|a| {
            let mut c = a.walk();
            one(a) || (a.kind() == "use_list" && a.named_children(&mut c).any(one))
        })
    };
    if items.iter().any(|n| n.kind() == "use_declaration" && single(*n)) {
        return Some("single-component import at the crate root");
    }
    for (i, leaf) in leaves.iter().enumerate() {
        let prev = |n: usize| i.checked_sub(n).and_then(|j| leaves.get(j)).map(|l| l.text);
        let next = |n: usize| leaves.get(i + n).map(|l| l.text);
        if !OPAQUE.contains(&leaf.kind) && !leaf.text.is_ascii() {
            return Some("non-ASCII identifier");
        }
        // `#!` `[` anywhere at the top (also spelled out inside a macro call at the top level).
        if leaf.text == "#" && leaf.top && next(1) == Some("!") {
            return Some("crate-level attribute");
        }
        if leaf.in_attr {
            if leaf.kind == "metavariable" {
                return Some("attribute built by a macro");
            }
            if let Some(name) = ident(leaf) {
                if RAISING_LEVELS.contains(&name) {
                    return Some("lint level raised by an attribute");
                }
                if CRATE_GLOBAL_ATTRS_IN_ATTRIBUTE.contains(&name) {
                    return Some("crate-global attribute");
                }
            }
        }
        if leaf.kind == "metavariable" && leaf.text == "$crate" {
            return Some("crate-root path");
        }
        match ident(leaf) {
            Some("crate") if next(1) == Some("::") || prev(1) == Some("extern") || prev(1) == Some("$") => {
                return Some("crate-root path");
            }
            // `super::super::x` climbs one module per `super`: past the sample's own inline modules
            // it would reach the batch root (alone: "too many leading `super` keywords").
            Some("super") => {
                let mut climbs = 1;
                let mut j = i;
                while j >= 2 && leaves[j - 1].text == "::" && leaves[j - 2].text == "super" {
                    climbs += 1;
                    j -= 2;
                }
                if climbs > leaf.mod_depth {
                    return Some("super at crate root");
                }
            }
            // Foreign declarations are checked against each other crate-wide
            // (`clashing_extern_declarations`), so two samples' blocks would interact.
            Some("extern") if next(1) == Some("{") || (next(2) == Some("{") && leaves.get(i + 1).is_some_and(|l| l.kind.contains("string"))) => {
                return Some("extern block");
            }
            Some("main") if prev(1) != Some("fn") => return Some("refers to main"),
            Some(name) if CRATE_GLOBAL_ATTRS.contains(&name) => return Some("crate-global attribute"),
            Some(name) if name.starts_with("__sigil") => return Some("reserved name"),
            // Edition 2015 resolves `use` paths (and `::x`) from the crate root, which in a batch
            // is the batch's root, not the sample.
            Some("use") if edition == "2015" => return Some("edition 2015 path"),
            _ => {}
        }
        if edition == "2015" && leaf.text == "::" && !prev(1).is_some_and(|p| ident(&Leaf { text: p, ..*leaf }).is_some() || p == ">") {
            return Some("edition 2015 path");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solo(src: &str) -> Option<&'static str> {
        shape(src, "2021").solo_reason
    }

    #[test]
    fn finds_top_level_main_only() {
        assert!(has_main("use std::io;\nfn main() {}"));
        assert!(has_main("pub fn main() -> Result<(), String> { Ok(()) }"));
        assert!(!has_main("struct S; impl S { fn main() {} }"));
        assert!(!has_main("// fn main() {}\nfn helper() {}"));
        assert!(!has_main("const S: &str = \"fn main() {}\";"));
        assert!(!has_main("macro_rules! m { () => { fn main() {} } }"));
    }

    #[test]
    fn plain_programs_batch() {
        let s = shape("fn main() { let v: Vec<&'static str> = vec![]; }\nmod t { use super::*; }", "2021");
        assert_eq!(s.kind, CrateKind::Bin);
        assert_eq!(s.solo_reason, None);
        assert!(!s.syntax_error);
        assert_eq!(solo("#[allow(dead_code)]\nfn f() {}\nfn main() { let s = \"zähler\"; // ü\n}"), None);
        assert_eq!(solo("pub(crate) fn f() {} fn main() { x.expect(\"warn\"); log::warn!(\"x\"); }"), None);
        assert_eq!(solo("extern \"C\" fn cb(x: i32) -> i32 { x }\nfn main() {}"), None);
        assert_eq!(solo("#[derive(Debug)]\n#[serde(deny_unknown_fields)]\nstruct S;"), None);
    }

    #[test]
    fn crate_scope_samples_go_alone() {
        assert_eq!(solo("#![no_std]\nfn f() {}"), Some("crate-level attribute"));
        assert_eq!(solo("#![allow(dead_code)]\nfn main() {}"), Some("crate-level attribute"));
        assert_eq!(solo("#![deny(non_ascii_idents)]\nfn main() {}"), Some("crate-level attribute"));
        assert_eq!(solo("#[warn(clippy::redundant_clone)]\nfn f() {}\nfn main() {}"), Some("lint level raised by an attribute"));
        assert_eq!(solo("#[cfg_attr(test, deny(x))]\nfn f() {}"), Some("lint level raised by an attribute"));
        assert_eq!(solo("fn main() { #![deny(warnings)] }"), Some("lint level raised by an attribute"));
        assert_eq!(solo("macro_rules! m { ($l:ident) => { #[$l(x)] fn f() {} } }"), Some("attribute built by a macro"));
        assert_eq!(solo("m! { #[deny(x)] fn f() {} }"), Some("lint level raised by an attribute"));
        assert_eq!(solo("fn main() { let zähler = 1; }"), Some("non-ASCII identifier"));
        assert_eq!(solo("fn f() {} fn main() { crate::f(); }"), Some("crate-root path"));
        assert_eq!(solo("macro_rules! m { () => { $crate::f() } }"), Some("crate-root path"));
        assert_eq!(solo("fn main() { super::main(); }"), Some("super at crate root"));
        assert_eq!(solo("mod inner { fn f() { super::g() } }\nfn g() {}"), None);
        assert_eq!(solo("mod a { mod b { fn f() { super::super::g() } } }\nfn g() {}"), None);
        assert_eq!(solo("mod a { use super::super::io; }"), Some("super at crate root"));
        assert_eq!(solo("use regex;\nfn main() {}"), Some("single-component import at the crate root"));
        assert_eq!(solo("use std::io;\nfn main() {}"), None);
        assert_eq!(solo("#[macro_export] macro_rules! m { () => {} }"), Some("crate-global attribute"));
        assert_eq!(solo("fn main() { main() }"), Some("refers to main"));
        assert_eq!(solo("fn main() {"), Some("lexical error"));
        assert_eq!(solo("extern \"C\" { fn abs(x: i32) -> i32; }\nfn main() {}"), Some("extern block"));
        assert_eq!(solo("extern crate core;\nfn main() {}"), Some("crate-root path"));
        assert_eq!(solo("#[used]\nstatic X: u8 = 0;"), Some("crate-global attribute"));
        assert_eq!(solo("fn __sigil_entry() {}"), Some("reserved name"));
        assert_eq!(shape("use std::io;\nfn main() {}", "2015").solo_reason, Some("edition 2015 path"));
        // generic-array's impl_serde.rs: clippy's single_component_path_imports fires on a root-level
        // brace group of single names alone, not inside a batch's module
        assert_eq!(shape("use {A, B};\nfn main() {}", "2021").solo_reason, Some("single-component import at the crate root"));
        assert_eq!(shape("use {std::io, std::fmt};\nfn main() {}", "2021").solo_reason, None);
        assert_eq!(shape("fn main() { let v = ::std::vec::Vec::<u8>::new(); }", "2015").solo_reason, Some("edition 2015 path"));
        assert_eq!(shape("fn main() { let v = std::vec::Vec::<u8>::new(); }", "2015").solo_reason, None);
    }

    #[test]
    fn file_reads_are_found() {
        let reads = |s: &str| shape(s, "2021").reads_file;
        assert!(reads("fn main() { let s = include_str!(\"../s1/main.rs\"); }").is_some());
        // Absolute or computed paths: compiled alone, where the sandbox decides (and no peer is near).
        for alone in [
            "fn main() { let s = include_str!(\"/etc/passwd\"); }",
            "fn main() { let s = include_str!(\"/src/s1/main.rs\"); }",
            "fn main() { let s = include_str!(concat!(\"../s1\", \"/main.rs\")); }",
            "#[path = \"/etc/hostname\"]\nmod host;\nfn main() {}",
            "use std::include_str as inc;\nfn main() { let s = inc!(\"x\"); }",
        ] {
            let s = shape(alone, "2021");
            assert_eq!((s.reads_file, s.solo_reason), (None, Some("reads a file by path")), "{alone}");
        }
        assert!(reads("fn main() { let s = std::include_bytes!(\"x\"); }").is_some());
        assert!(reads("fn main() { let s = r#include_str!(\"x\"); }").is_some());
        assert!(reads("#[allow(dead_code)]\nmod helpers;\nfn main() {}").is_some());
        assert!(reads("include!(\"x.rs\");").is_some());
        assert!(reads("mod helpers;\nfn main() {}").is_some());
        assert!(reads("#[path = \"x.rs\"] mod m;").is_some());
        assert!(reads("mod inner { pub fn f() {} }\nfn main() { let include = 1; }").is_none());
        assert!(reads("fn main() { println!(\"include_str!\"); }").is_none());
    }

    #[test]
    fn lexical_defects() {
        let defect = |s: &str| lexical_defect(s).map(LexDefect::name);
        assert_eq!(defect("fn f(s: &'static str) -> &'a str { 'outer: loop { break 'outer; } }"), None);
        assert_eq!(defect(r"fn f() { let c = 'x'; let d = '\''; let e = '\u{1F600}'; let f = b'\n'; let g = '{'; }"), None);
        let src = r####"fn main() { let s = "}"; /* { /* nested } */ */ let r = r#"{"a": "}"}"#; // }
        }"####;
        assert_eq!(defect(src), None);
        assert_eq!(defect("fn main() { let r#type = 1.5e-3 + 0x1F; let r = 1..2; }"), None);
        assert_eq!(defect("fn main() {\n    let x = 5;\n"), Some("unclosed_delimiter"));
        assert_eq!(defect("fn main() { let s = \"abc"), Some("unterminated_string"));
        assert_eq!(defect("fn main() { /* abc"), Some("unterminated_comment"));
        assert_eq!(defect("fn main() { /* a /* b */"), Some("unterminated_comment"));
        assert_eq!(defect("fn main() { let x = (1, 2]; }"), Some("mismatched_delimiter"));
        assert_eq!(defect("let r = r##\"abc\"#;"), Some("unterminated_string"));
        assert_eq!(defect("fn main() { let c = '"), Some("unterminated_char"));
        assert_eq!(defect("fn main() { let c = b'a"), Some("unterminated_char"));
        assert_eq!(defect("fn main() {\n'    let x = 1;\n}\n"), Some("unterminated_char"));
        // A syntax error that is not lexical is no defect.
        assert_eq!(defect("fn main() { let x = ; }"), None);
    }

    #[test]
    fn names_used_without_invoking_them() {
        assert_eq!(uninvoked_names("fn main() { assert_eq!(1, 1); }"), vec!["fn", "main"]);
        assert!(uninvoked_names("macro_rules! assert_eq { () => {} }").contains(&"assert_eq"));
        assert!(uninvoked_names("use m as assert;").contains(&"assert"));
        // Text error recovery skips is read word by word.
        assert!(uninvoked_names("fn main() { let s = \"x; macro_rules! assert { () => {} }").contains(&"assert"));
    }

    #[test]
    fn syntax_errors_are_seen() {
        assert!(shape("fn main() { let x = ; }", "2021").syntax_error);
        assert!(!shape("fn main() { let x = 1; }", "2021").syntax_error);
    }
}
