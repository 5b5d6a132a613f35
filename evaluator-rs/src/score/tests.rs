//! Behaviour of each detector, the documentation stats, the weights and the formula, through the
//! public API. Each case names the reference implementation's regex bug it guards against, where one
//! applies.

use super::*;

fn report(src: &str) -> ScoreReport {
    score_source(src, &Weights::default())
}

fn count(src: &str, feature: &str) -> f64 {
    let r = report(src);
    *r.features.get(feature).unwrap_or_else(|| panic!("no feature {feature}"))
}

// --- idiomatic signals ---

#[test]
fn question_mark_is_propagation_but_debug_format_is_not() {
    // Reference bug: `{:?}` counted as `?` propagation.
    assert_eq!(count(r#"fn f() { println!("{:?} {:#?} {x:?}", a, b); let s = "what?"; }"#, "try_operator"), 0.0);
    assert_eq!(count("fn f() -> Result<(), E> { let x = g()?; h(x)?.run()?; Ok(()) }", "try_operator"), 3.0);
    // Inside macro arguments tree-sitter keeps tokens; the `?` token still counts.
    assert_eq!(count(r#"fn f() -> Result<String, E> { Ok(format!("{:?}", read()?)) }"#, "try_operator"), 1.0);
}

#[test]
fn result_and_option_in_signatures_including_generics_and_paths() {
    let src = "fn a() -> Result<Vec<T>, E> {} fn b(x: Option<u8>) {} fn c() -> io::Result<()> {}
               fn d() -> u8 { 0 } trait T { fn e(&self) -> Option<&str>; }";
    assert_eq!(count(src, "result_option_signatures"), 4.0);
}

#[test]
fn iterator_chains_count_once_per_chain() {
    assert_eq!(count("fn f(v: &[u8]) -> Vec<u8> { v.iter().map(|x| x * 2).collect::<Vec<_>>() }", "iterator_chains"), 1.0);
    assert_eq!(count("fn f(n: u32) -> u32 { (0..n).map(sq).sum() }", "iterator_chains"), 1.0);
    assert_eq!(count("fn f() -> R { let n = v.iter().map(p).collect::<Result<Vec<_>, _>>()?.len(); }", "iterator_chains"), 1.0);
    assert_eq!(count("fn f(v: &[u8]) -> usize { v.len() + s.trim().len() }", "iterator_chains"), 0.0);
}

#[test]
fn match_if_let_while_let_and_let_else() {
    // Reference bug: `match self.x {` was missed.
    assert_eq!(count("impl S { fn f(&self) { match self.x { _ => {} } } }", "match_expressions"), 1.0);
    let src = "fn f() { if let Some(x) = a {} while let Some(y) = it.next() {} let Some(z) = b else { return }; }";
    assert_eq!(count(src, "if_let"), 2.0);
    assert_eq!(count(src, "let_else"), 1.0);
}

#[test]
fn derives_trait_impls_and_conversions() {
    // Reference bug: generic `impl<T> X for Y` was not a trait impl.
    let src = "#[derive(Debug, Clone)] struct W<T>(T);
               impl<T: Display> Display for W<T> { fn fmt(&self, f: &mut Formatter) -> fmt::Result { Ok(()) } }
               impl<T> W<T> { fn new(t: T) -> Self { W(t) } }
               impl From<u8> for W<u8> { fn from(x: u8) -> Self { W(x) } }
               impl std::convert::TryFrom<i64> for W<u8> { type Error = E; }
               impl FromStr for W<String> {}";
    assert_eq!(count(src, "derives"), 1.0);
    assert_eq!(count(src, "trait_impls"), 4.0);
    assert_eq!(count(src, "conversion_impls"), 3.0);
}

#[test]
fn impl_trait_consts_statics_and_modules() {
    let src = "fn a() -> impl Iterator<Item = u8> { 0..1 } fn b(x: impl AsRef<str>) {}
               const N: usize = 3; static NAME: &str = \"x\"; mod inner { } mod other;";
    assert_eq!(count(src, "impl_trait"), 2.0);
    assert_eq!(count(src, "consts_and_statics"), 2.0);
    assert_eq!(count(src, "modules"), 2.0);
}

#[test]
fn borrowed_and_owned_reference_parameters() {
    let src = "fn f(a: &str, b: &[u8], c: &Path, d: &String, e: &Vec<u8>, g: &mut Vec<u8>, h: &PathBuf, i: &[u8; 4]) {}";
    assert_eq!(count(src, "borrowed_params"), 3.0);
    assert_eq!(count(src, "owned_ref_params"), 3.0);
}

// --- anti-patterns ---

#[test]
fn unwrap_and_expect_outside_main_and_tests_only() {
    let src = r#"
        fn lib(x: Option<u8>) -> u8 { let a = x.unwrap(); let b = y.expect("b"); x.unwrap_or(0) }
        fn show(x: Option<u8>) { println!("{}", x.unwrap()); }
        fn main() { let c = lib(Some(1)).checked_add(1).unwrap(); }
        #[test] fn t() { Some(1).unwrap(); }
        #[cfg(test)] mod tests { fn helper() { Some(1).unwrap(); } }
    "#;
    assert_eq!(count(src, "unwrap_expect"), 3.0);
}

#[test]
fn needless_clone_only_when_the_clone_is_just_borrowed() {
    let src = r#"fn f(s: &String) { g(&s.clone()); let n = s.clone().len(); println!("{}", s.clone()); let t = s.clone(); }"#;
    assert_eq!(count(src, "needless_clone"), 3.0);
    assert_eq!(count(src, "clone_calls"), 4.0);
}

#[test]
fn unsafe_blocks_functions_and_impls() {
    assert_eq!(count("unsafe fn a() {} fn b() { unsafe { a() } } unsafe impl Send for X {}", "unsafe"), 3.0);
    assert_eq!(count(r#"fn f() { let s = "unsafe"; } // unsafe in a comment"#, "unsafe"), 0.0);
}

#[test]
fn numeric_as_casts_but_not_pointer_casts() {
    assert_eq!(count("fn f(x: u32, p: &u8) -> f64 { let a = x as u64; let q = p as *const u8; a as f64 }", "numeric_as_casts"), 2.0);
}

#[test]
fn manual_index_loops() {
    let src = "fn f(v: &[u8], n: usize) {
        for i in 0..v.len() { g(v[i]); }
        for i in (0..v.len()).rev() {}
        for i in 0..n { g(v[i + 1]); }
        let mut i = 0; while i < v.len() { i += 1; }
        for x in v {} for (i, x) in v.iter().enumerate() {} for k in 0..3 { g(k); }
    }";
    assert_eq!(count(src, "index_loops"), 4.0);
}

#[test]
fn explicit_return_only_as_last_statement() {
    assert_eq!(count("fn f() -> u8 { let x = 1; return x; } fn g() -> u8 { return 2 }", "trailing_return"), 2.0);
    assert_eq!(count("fn h(b: bool) -> u8 { if b { return 1; } 2 }", "trailing_return"), 0.0);
}

#[test]
fn allow_attributes_outer_and_inner() {
    assert_eq!(count("#![allow(unused)]\n#[allow(dead_code)] fn f() {} #[cfg(test)] mod t {}", "allow_attributes"), 2.0);
}

#[test]
fn debug_prints_are_dbg_and_debug_formatting_outside_main() {
    let src = r#"
        fn lib(x: u8) { dbg!(x); println!("{:?}", x); eprintln!("{x:#?}"); println!("{} {{:?}}", x); }
        fn main() { println!("{:?}", 1); dbg!(2); }
        #[test] fn t() { dbg!(3); }
    "#;
    assert_eq!(count(src, "debug_prints"), 4.0);
}

#[test]
fn todo_markers_in_comments_and_macros() {
    let src = "// TODO: handle errors\n/* FIXME */ fn f() { todo!() } fn g() { unimplemented!() }\n// TODOS and mastodon are words";
    assert_eq!(count(src, "todo_markers"), 4.0);
}

#[test]
fn box_dyn_error_outside_main() {
    let src = "use std::error::Error;
        fn a() -> Result<(), Box<dyn Error>> { Ok(()) }
        fn b() -> Result<(), Box<dyn std::error::Error + Send + Sync>> { Ok(()) }
        fn c() -> Box<dyn Fn()> { todo!() }
        fn main() -> Result<(), Box<dyn Error>> { Ok(()) }";
    assert_eq!(count(src, "box_dyn_error"), 2.0);
}

#[test]
fn let_mut_never_mutated() {
    let src = r#"fn f() {
        let mut unused = 1;
        let mut assigned = 2; assigned += 1;
        let mut pushed = Vec::new(); pushed.push(1);
        let mut written = String::new(); write!(written, "x");
        let mut borrowed = 0; g(&mut borrowed);
        let mut field = P::default(); field.x = 3;
        let mut closure = || {}; closure();
        let mut only_printed = 5; println!("{only_printed} {}", only_printed);
        let mut in_vec = 1; let v = vec![in_vec];
    }"#;
    // `in_vec` is spared: an arbitrary macro may mutate what it names.
    assert_eq!(count(src, "unused_mut"), 2.0);
}

// --- parsing ---

#[test]
fn broken_code_is_scored_with_recovery() {
    let r = report("fn ok(x: Option<u8>) -> u8 { x.unwrap() }\nfn broken( { let = ; }\nfn late() -> Result<(), E> { g()?; Ok(()) }");
    assert!(!r.parsed);
    assert!(r.features["syntax_errors"] > 0.0);
    assert_eq!(r.features["unwrap_expect"], 1.0);
    assert_eq!(r.features["try_operator"], 1.0);
    assert!(report("fn main() {}").parsed);
}

#[test]
fn hostile_inputs_stay_in_range() {
    let deep = format!("fn f() {{ let x = {}1{}; }}", "(".repeat(50_000), ")".repeat(50_000));
    let long = "fn f() -> u8 { 1 }\n".repeat(20_000);
    for src in ["", "\0\0\u{feff}", "not rust at all ?? {{{{", "}}}} fn", deep.as_str(), long.as_str()] {
        let r = report(src);
        assert!((0.0..=1.0).contains(&r.idiomatic_score), "{}", r.idiomatic_score);
    }
    assert_eq!(report(&long).features["functions"], 20_000.0);
}

// --- documentation ---

#[test]
fn one_doc_comment_documents_one_item_not_the_file() {
    // Reference bug: any doc comment anywhere made the sample "documented".
    let mut src = String::from("/// The first one.\nfn f0() {}\n");
    for i in 1..10 {
        src.push_str(&format!("fn f{i}() {{}}\n"));
    }
    let d = report(&src).doc;
    assert_eq!((d.items, d.documented_items, d.doc_comments), (10, 1, 1));
    assert_eq!(d.documented_ratio(), Some(0.1));
}

#[test]
fn every_doc_comment_form_documents_its_item() {
    let src = r#"//! Crate docs.
/// Line doc.
#[inline]
pub fn a() {}
/** Block doc. */
pub struct B;
#[doc = "Attribute doc."]
pub enum C { X }
// A plain comment is not documentation.
pub trait D { /// Method doc.
 fn m(&self); fn n(&self); }
pub(crate) fn e() {}
/// Constant doc.
pub const K: u8 = 1;
pub mod m { //! Module doc.
}
"#;
    let d = report(src).doc;
    assert!(d.has_module_doc);
    // a, B, C, D, D::m, D::n, e
    assert_eq!((d.items, d.documented_items), (7, 4));
    // a, B, C, D, K, m (pub(crate) e is not public API)
    assert_eq!((d.public_items, d.documented_public_items), (6, 5));
    assert_eq!(d.doc_comments, 7);
}

#[test]
fn trait_impl_methods_and_tests_are_not_doc_items() {
    let src = "/// W.\npub struct W;\nimpl Display for W { fn fmt(&self, f: &mut F) -> R { Ok(()) } }\n#[test] fn t() {}\n#[cfg(test)] mod tests { fn helper() {} }";
    let d = report(src).doc;
    assert_eq!((d.items, d.documented_items), (1, 1));
    assert_eq!(d.public_documented_ratio(), Some(1.0));
}

#[test]
fn examples_in_docs() {
    let src = "/// Adds.\n///\n/// # Examples\n///\n/// ```\n/// assert_eq!(add(1, 2), 3);\n/// ```\npub fn add(a: u8, b: u8) -> u8 { a + b }\n/// ```\n/// x\n/// ```\nfn g() {}";
    let d = report(src).doc;
    assert_eq!(d.examples, 3);
    assert!(d.has_examples);
    assert!(!report("/// No example here.\nfn f() {}").doc.has_examples);
    assert_eq!(report("fn f() {}").doc.public_documented_ratio(), None);
}

// --- weights and formula ---

#[test]
fn weights_reject_unknown_and_invalid_entries() {
    let err = Weights::from_pairs([("unwrap_expect", 0.2), ("unwrap_expcet", 0.1)]).unwrap_err();
    assert_eq!(err, WeightError::Unknown("unwrap_expcet".into()));
    assert!(err.to_string().contains("\"unwrap_expcet\""));
    assert!(Weights::from_pairs([("clone_calls", 1.0)]).is_err(), "reported-only facts have no weight");
    assert!(matches!(Weights::from_pairs([("bias", f64::NAN)]), Err(WeightError::Invalid(..))));
    assert!(matches!(Weights::from_pairs([("unit_lines", 0.0)]), Err(WeightError::Invalid(..))));
    let w = Weights::from_pairs([("unwrap_expect", 0.5)]).unwrap();
    assert_eq!(w.feature(Feature::UnwrapExpect), 0.5);
}

#[test]
fn default_weights_round_trip_by_name() {
    let defaults = Weights::default();
    let pairs = defaults.pairs();
    assert_eq!(Weights::from_pairs(pairs.iter().copied()).unwrap(), defaults);
    let names: Vec<_> = pairs.iter().map(|(n, _)| *n).collect();
    for name in ["bias", "unit_lines", "documentation", "try_operator", "unwrap_expect", "syntax_errors"] {
        assert!(names.contains(&name), "{name}");
    }
    assert!(!names.contains(&"clone_calls"));
}

#[test]
fn weights_change_the_score() {
    let src = "fn f(x: Option<u8>) -> u8 { x.unwrap() }";
    let base = score_source(src, &Weights::default()).idiomatic_score;
    let harsher = score_source(src, &Weights::from_pairs([("unwrap_expect", 0.4)]).unwrap()).idiomatic_score;
    let neutral = score_source(src, &Weights::from_pairs([("unwrap_expect", 0.0)]).unwrap()).idiomatic_score;
    assert!(harsher < base && base < neutral, "{harsher} {base} {neutral}");
    assert_eq!(score_source("", &Weights::default()).idiomatic_score, 0.5);
}

#[test]
fn batch_matches_one_by_one_in_order() {
    let srcs: Vec<String> = (0..40)
        .map(|i| if i % 2 == 0 { format!("fn f{i}() -> Option<u8> {{ Some({i}) }}") } else { format!("fn g{i}() {{ x.unwrap(); }}") })
        .collect();
    let w = Weights::default();
    let one_by_one: Vec<_> = srcs.iter().map(|s| score_source(s, &w)).collect();
    for threads in [0, 1, 3] {
        assert_eq!(score_batch(&srcs, &w, threads), one_by_one);
    }
}
