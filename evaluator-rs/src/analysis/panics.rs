//! Where Rust code can panic: calls of `.unwrap()`, `.expect(..)`, `panic!` and friends (the APIs
//! are the caller's list), and optionally `expr[index]`, each tagged with its place: `test` (a
//! test-only item), `main` (the top-level `fn main`) or `library` (everything else).
//!
//! Found on the syntax tree, so text in strings and comments never counts. Macro arguments, which
//! tree-sitter leaves as token trees, are scanned token by token (`println!("{}", x.unwrap())`
//! calls `unwrap`). Without types, a user's own method named `expect` counts like `Option::expect`.

use tree_sitter::Node;

use super::{is_test_file, item_start, test_items};
use crate::score::parse;
use crate::score::syntax::text;

/// Where a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Library,
    Main,
    Test,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Library => "library",
            Place::Main => "main",
            Place::Test => "test",
        }
    }
}

/// One place that can panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicSite {
    /// The API as the caller named it (`unwrap`, `panic!`), or `[]` for indexing.
    pub api: String,
    /// Character offset in the source.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    pub place: Place,
}

/// Every site, in source order, and the code lines of each place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanicScan {
    pub sites: Vec<PanicSite>,
    /// Non-blank lines whose first character outside comments and literal bodies is in the place:
    /// `(library, main, test)`.
    pub lines: (usize, usize, usize),
}

/// Keywords that can precede `[` inside a macro's tokens without it being an index.
const KEYWORDS: &[&str] = &[
    "as", "box", "break", "const", "continue", "dyn", "else", "enum", "fn", "for", "if", "impl", "in", "let", "loop",
    "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "type", "unsafe", "use",
    "where", "while", "yield",
];

/// Scans `src` for calls of `apis` (method names, or macro names ending in `!`) and, with
/// `indexing`, index expressions.
pub fn panic_sites(src: &str, apis: &[String], indexing: bool) -> PanicScan {
    let Some(tree) = parse(src) else { return PanicScan::default() };
    let root = tree.root_node();
    let places = place_spans(root, src);
    let place_at = |byte: usize| -> Place {
        let k = places.partition_point(|&(start, _, _)| start <= byte);
        if k > 0 && byte < places[k - 1].1 {
            places[k - 1].2
        } else {
            Place::Library
        }
    };
    let methods: Vec<&str> = apis.iter().filter(|a| !a.ends_with('!')).map(String::as_str).collect();
    let macros: Vec<&str> = apis.iter().filter_map(|a| a.strip_suffix('!')).collect();
    let api_of = |name: &str, is_macro: bool| -> Option<String> {
        if is_macro {
            macros.contains(&name).then(|| format!("{name}!"))
        } else {
            methods.contains(&name).then(|| name.to_owned())
        }
    };

    let mut hits: Vec<(usize, String)> = Vec::new();
    let mut noncode: Vec<(usize, usize)> = Vec::new();
    // A string left open runs to the end of the file (as rustc lexes it); tree-sitter recovers with a
    // lone `"` token inside an ERROR node and parses what follows as code.
    let mut unterminated = src.len();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "\"" && node.parent().is_some_and(|p| p.is_error()) {
            unterminated = unterminated.min(node.start_byte());
        }
        match node.kind() {
            "line_comment" | "block_comment" => {
                noncode.push((node.start_byte(), node.end_byte()));
                continue;
            }
            "string_content" | "escape_sequence" => noncode.push((node.start_byte(), node.end_byte())),
            "char_literal" if node.end_byte() > node.start_byte() + 2 => {
                noncode.push((node.start_byte() + 1, node.end_byte() - 1));
            }
            "call_expression" => {
                if let Some(name) = method_name(node, src) {
                    if let Some(api) = api_of(name.0, false) {
                        hits.push((name.1, api));
                    }
                }
            }
            "scoped_identifier" => {
                // the path form `Option::unwrap` (not the macro of `std::panic!`, not a prefix `a::b::c`)
                let parent_kind = node.parent().map_or("", |p| p.kind());
                if parent_kind != "macro_invocation" && parent_kind != "scoped_identifier" && parent_kind != "use_declaration" && parent_kind != "scoped_use_list" {
                    if let Some(name) = node.child_by_field_name("name") {
                        if let Some(api) = api_of(text(name, src), false) {
                            hits.push((name.start_byte(), api));
                        }
                    }
                }
            }
            "macro_invocation" => {
                if let Some(m) = node.child_by_field_name("macro") {
                    let name = match m.kind() {
                        "scoped_identifier" => m.child_by_field_name("name").map_or("", |n| text(n, src)),
                        _ => text(m, src),
                    };
                    if let Some(api) = api_of(name, true) {
                        hits.push((node.start_byte(), api));
                    }
                }
                let mut cursor = node.walk();
                for tt in node.children(&mut cursor).filter(|c| c.kind() == "token_tree") {
                    scan_tokens(tt, src, &api_of, indexing, &mut hits, &mut noncode);
                }
                continue; // the token trees are scanned
            }
            "index_expression" if indexing => {
                let is_full_range = node
                    .named_child(1)
                    .is_some_and(|i| i.kind() == "range_expression" && text(i, src).trim() == "..");
                if !is_full_range {
                    if let Some(open) = child_of_kind(node, "[") {
                        hits.push((open.start_byte(), "[]".to_owned()));
                    }
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    hits.retain(|h| h.0 < unterminated);
    if unterminated < src.len() {
        noncode.push((unterminated, src.len()));
    }
    hits.sort_by_key(|h| h.0);
    hits.dedup();

    // character offsets and lines
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let char_offset = CharOffsets::new(src);
    let sites = hits
        .into_iter()
        .map(|(byte, api)| PanicSite {
            api,
            offset: char_offset.of(byte),
            line: line_starts.partition_point(|&s| s <= byte),
            place: place_at(byte),
        })
        .collect();

    // code lines per place: the first byte of each line that is neither whitespace nor non-code
    noncode.sort_unstable();
    let mut lines = (0, 0, 0);
    let mut k = 0;
    for (i, &start) in line_starts.iter().enumerate() {
        let end = line_starts.get(i + 1).copied().unwrap_or(src.len());
        for (off, ch) in src[start..end].char_indices() {
            if ch.is_whitespace() {
                continue;
            }
            let byte = start + off;
            while k < noncode.len() && noncode[k].1 <= byte {
                k += 1;
            }
            // noncode spans may overlap (a comment inside a token tree is seen once); check all that start before
            let covered = noncode[k..].iter().take_while(|s| s.0 <= byte).any(|s| byte < s.1);
            if covered {
                continue;
            }
            match place_at(byte) {
                Place::Library => lines.0 += 1,
                Place::Main => lines.1 += 1,
                Place::Test => lines.2 += 1,
            }
            break;
        }
    }
    PanicScan { sites, lines }
}

/// `(name, byte)` of a method call's method: `x.name(..)` or `x.name::<T>(..)`.
fn method_name<'s>(call: Node<'_>, src: &'s str) -> Option<(&'s str, usize)> {
    let mut function = call.child_by_field_name("function")?;
    if function.kind() == "generic_function" {
        function = function.child_by_field_name("function")?;
    }
    if function.kind() != "field_expression" {
        return None;
    }
    let field = function.child_by_field_name("field")?;
    Some((text(field, src), field.start_byte()))
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).find(|c| c.kind() == kind);
    found
}

/// Scans a macro's token tree: `. name (`, `:: name` (not followed by `!` or `::`), `name ! (`,
/// and with `indexing`, `[` after a name, `)`, `]` or `?`.
fn scan_tokens(
    tree: Node<'_>,
    src: &str,
    api_of: &dyn Fn(&str, bool) -> Option<String>,
    indexing: bool,
    hits: &mut Vec<(usize, String)>,
    noncode: &mut Vec<(usize, usize)>,
) {
    let mut stack = vec![tree];
    while let Some(tt) = stack.pop() {
        let mut cursor = tt.walk();
        let tokens: Vec<Node<'_>> = tt.children(&mut cursor).collect();
        for (i, tok) in tokens.iter().enumerate() {
            let kind = tok.kind();
            match kind {
                "token_tree" => {
                    stack.push(*tok);
                    if indexing && i > 0 && text(*tok, src).starts_with('[') && !text(*tok, src).starts_with("[..]") {
                        let prev = tokens[i - 1];
                        let prev_text = text(prev, src);
                        let before_prev = if i > 1 { text(tokens[i - 2], src) } else { "" };
                        let indexes = match prev.kind() {
                            "identifier" => !KEYWORDS.contains(&prev_text) && before_prev != "!" && before_prev != "'",
                            "?" => true,
                            "token_tree" => prev_text.starts_with('(') || (prev_text.starts_with('[') && before_prev != "#"),
                            _ => false,
                        };
                        if indexes && before_prev != "#" {
                            hits.push((tok.start_byte(), "[]".to_owned()));
                        }
                    }
                }
                "line_comment" | "block_comment" => noncode.push((tok.start_byte(), tok.end_byte())),
                "string_literal" | "raw_string_literal" => {
                    let mut inner = tok.walk();
                    for part in tok.children(&mut inner) {
                        if matches!(part.kind(), "string_content" | "escape_sequence") {
                            noncode.push((part.start_byte(), part.end_byte()));
                        }
                    }
                }
                "identifier" => {
                    let name = text(*tok, src);
                    let prev = if i > 0 { text(tokens[i - 1], src) } else { "" };
                    let next = tokens.get(i + 1).map_or("", |n| text(*n, src));
                    let next_kind = tokens.get(i + 1).map_or("", |n| n.kind());
                    if next == "!" && prev != "$" {
                        if let Some(api) = api_of(name, true) {
                            hits.push((tok.start_byte(), api));
                        }
                    } else if prev == "." && next_kind == "token_tree" && next.starts_with('(') {
                        if let Some(api) = api_of(name, false) {
                            hits.push((tokens[i - 1].start_byte(), api));
                        }
                    } else if prev == "::" && next != "!" && next != "::" {
                        if let Some(api) = api_of(name, false) {
                            hits.push((tok.start_byte(), api));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Disjoint `(start, end, place)` byte spans of test code and of the top-level `fn main`, sorted.
fn place_spans(root: Node<'_>, src: &str) -> Vec<(usize, usize, Place)> {
    if is_test_file(root, src) {
        return vec![(0, src.len(), Place::Test)];
    }
    let mut spans: Vec<(usize, usize, Place)> =
        test_items(root, src).into_iter().map(|n| (item_start(n, src), n.end_byte(), Place::Test)).collect();
    let mut cursor = root.walk();
    let mut recovered: Vec<Node<'_>> = Vec::new();
    if root.is_error() {
        recovered.push(root);
    }
    for child in root.named_children(&mut cursor) {
        let is_main = child.kind() == "function_item"
            && child.child_by_field_name("name").is_some_and(|n| text(n, src) == "main");
        if is_main {
            spans.push((child.start_byte(), child.end_byte(), Place::Main));
        } else if child.is_error() {
            recovered.push(child);
        }
    }
    // `fn main() {` or `#[test] fn t() {` never closed: tree-sitter recovers with an ERROR node (the
    // root itself when nothing parses) holding the attributes, `fn`, the name, ...; the body runs to
    // the end of that node
    for node in recovered {
        let mut inner = node.walk();
        let tokens: Vec<Node<'_>> = node.children(&mut inner).take(16).collect();
        let attributes = tokens.iter().take_while(|t| t.kind() == "attribute_item").count();
        let is_test = tokens[..attributes].iter().any(|a| super::is_test_attribute(*a, src));
        if let Some(k) = tokens.iter().position(|t| t.kind() == "fn") {
            if is_test && k <= attributes + 2 {
                spans.push((node.start_byte(), node.end_byte(), Place::Test));
            } else if tokens.get(k + 1).is_some_and(|n| text(*n, src) == "main") {
                spans.push((tokens[k].start_byte(), node.end_byte(), Place::Main));
            }
        }
    }
    spans.sort_by_key(|s| (s.0, s.2 != Place::Test));
    let mut disjoint: Vec<(usize, usize, Place)> = Vec::new();
    for span in spans {
        if disjoint.last().is_none_or(|last| span.0 >= last.1) {
            disjoint.push(span);
        }
    }
    disjoint
}

/// Byte offset → character offset, for callers that index strings by character (Python).
struct CharOffsets {
    /// Byte offsets of every non-ASCII character, with the number of extra bytes before and at it.
    multi: Vec<(usize, usize)>,
}

impl CharOffsets {
    fn new(src: &str) -> Self {
        let mut extra = 0;
        let multi = src
            .char_indices()
            .filter(|(_, c)| c.len_utf8() > 1)
            .map(|(i, c)| {
                extra += c.len_utf8() - 1;
                (i, extra)
            })
            .collect();
        Self { multi }
    }

    fn of(&self, byte: usize) -> usize {
        let k = self.multi.partition_point(|&(i, _)| i < byte);
        byte - if k == 0 { 0 } else { self.multi[k - 1].1 }
    }
}
