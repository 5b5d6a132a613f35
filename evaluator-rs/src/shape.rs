//! What a sample looks like from the outside, decided at the token level: is it a program
//! (`fn main` at the top level) or a library, and can it share a batch crate with others
//! without changing what the compiler says about it.

use crate::lexer::{tokenize, LexDefect, Token};

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

/// Token-level facts about one sample.
#[derive(Debug, Clone)]
pub struct Shape {
    pub kind: CrateKind,
    pub lex_defect: Option<LexDefect>,
    /// Why the sample must be checked alone rather than as a module of a batch crate, if so.
    pub solo_reason: Option<&'static str>,
}

/// Identifiers whose presence makes a sample depend on being the crate root or on crate-global
/// namespaces that two samples could both claim.
const CRATE_GLOBAL_ATTRS: &[&str] =
    &["macro_export", "no_mangle", "export_name", "global_allocator", "panic_handler", "lang", "no_main", "no_std"];

/// Whether `fn main` appears at the top level of `src` (not inside a module, impl or function).
pub fn has_main(src: &str) -> bool {
    top_level_main(&tokenize(src).0)
}

fn top_level_main(tokens: &[Token<'_>]) -> bool {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Open(_) => depth += 1,
            Token::Close(_) => depth = depth.saturating_sub(1),
            Token::Ident("fn") if depth == 0 && tokens.get(i + 1) == Some(&Token::Ident("main")) => return true,
            _ => {}
        }
    }
    false
}

/// Looks at a sample once and records everything batching needs to know.
pub fn shape(src: &str) -> Shape {
    let (tokens, lex_defect) = tokenize(src);
    let kind = if top_level_main(&tokens) { CrateKind::Bin } else { CrateKind::Lib };
    // Lexical errors are fatal in rustc and stop the whole batch crate: check such samples alone.
    let solo_reason = if lex_defect.is_some() { Some("lexical error") } else { solo_reason(&tokens) };
    Shape { kind, lex_defect, solo_reason }
}

fn solo_reason(tokens: &[Token<'_>]) -> Option<&'static str> {
    // One entry per open delimiter: does it open an inline module body?
    let mut stack: Vec<bool> = Vec::new();
    let mut module_depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        let prev = |n: usize| i.checked_sub(n).and_then(|j| tokens.get(j)).copied();
        let next = |n: usize| tokens.get(i + n).copied();
        match *t {
            Token::Open(c) => {
                let opens_module =
                    c == '{' && prev(2) == Some(Token::Ident("mod")) && matches!(prev(1), Some(Token::Ident(_)));
                module_depth += usize::from(opens_module);
                stack.push(opens_module);
            }
            Token::Close(_) => {
                let closes_module = stack.pop() == Some(true);
                module_depth -= usize::from(closes_module);
            }
            // `#![...]` at the top: crate-level attributes mean something else on a module, except
            // lint levels, which cover the same items either way. (A crate-level lint such as
            // `missing_docs` for the crate itself would then point at the batch root: such a
            // diagnostic cannot be attributed and the batch is split down to single checks.)
            Token::Punct('#') if stack.is_empty() && next(1) == Some(Token::Punct('!')) => {
                let lint_level = matches!(next(3), Some(Token::Ident("allow" | "warn" | "deny" | "forbid" | "expect")));
                if next(2) == Some(Token::Open('[')) && !lint_level {
                    return Some("crate-level attribute");
                }
            }
            Token::Ident("crate") => {
                let is_path = next(1) == Some(Token::Punct(':')) && next(2) == Some(Token::Punct(':'));
                if is_path || prev(1) == Some(Token::Punct('$')) || prev(1) == Some(Token::Ident("extern")) {
                    return Some("crate-root path");
                }
            }
            Token::Ident("super") if module_depth == 0 => return Some("super at crate root"),
            // Foreign declarations are checked against each other crate-wide
            // (`clashing_extern_declarations`), so two samples' blocks would interact.
            Token::Ident("extern") if next(1) == Some(Token::Open('{')) || next(2) == Some(Token::Open('{')) => {
                return Some("extern block");
            }
            Token::Ident("main") if prev(1) != Some(Token::Ident("fn")) => return Some("refers to main"),
            Token::Ident(name) if CRATE_GLOBAL_ATTRS.contains(&name) => return Some("crate-global attribute"),
            Token::Ident(name) if name.starts_with("__sigil") => return Some("reserved name"),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_main_only() {
        assert!(has_main("use std::io;\nfn main() {}"));
        assert!(has_main("pub fn main() -> Result<(), String> { Ok(()) }"));
        assert!(!has_main("struct S; impl S { fn main() {} }"));
        assert!(!has_main("// fn main() {}\nfn helper() {}"));
        assert!(!has_main("const S: &str = \"fn main() {}\";"));
    }

    #[test]
    fn plain_programs_batch() {
        let s = shape("#![allow(dead_code)]\nfn main() { let v: Vec<&'static str> = vec![]; }\nmod t { use super::*; }");
        assert_eq!(s.kind, CrateKind::Bin);
        assert_eq!(s.solo_reason, None);
    }

    #[test]
    fn root_dependent_programs_go_alone() {
        assert!(shape("#![no_std]\nfn f() {}").solo_reason.is_some());
        assert!(shape("#![warn(clippy::pedantic)]\nfn main() {}").solo_reason.is_none());
        assert!(shape("fn f() {} fn main() { crate::f(); }").solo_reason.is_some());
        assert!(shape("fn main() { super::main(); }").solo_reason.is_some());
        assert!(shape("#[macro_export] macro_rules! m { () => {} }").solo_reason.is_some());
        assert!(shape("fn main() { main() }").solo_reason.is_some());
        assert!(shape("fn main() {").solo_reason.is_some());
        assert!(shape("pub(crate) fn f() {} fn main() {}").solo_reason.is_none());
        assert!(shape("extern \"C\" { fn abs(x: i32) -> i32; }\nfn main() {}").solo_reason.is_some());
        assert!(shape("extern \"C\" fn cb(x: i32) -> i32 { x }\nfn main() {}").solo_reason.is_none());
    }
}
