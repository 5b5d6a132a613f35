//! Idiomatic and documentation scoring of Rust samples on a syntax tree.
//!
//! Samples are parsed with tree-sitter-rust, which recovers from syntax errors, so code that does
//! not compile (or not even parse fully) still gets a breakdown: what it does well, what it does
//! badly, how well it is documented, and one score in [0, 1] (formula in `formula.rs`).
//!
//! Plain Rust: no Python types here; `py_score.rs` converts.

mod docs;
mod features;
mod formula;
pub(crate) mod syntax;
mod walk;

use std::cell::RefCell;
use std::collections::BTreeMap;

use rayon::prelude::*;

pub use docs::DocStats;
pub use features::{Feature, Polarity};
pub use formula::{WeightError, Weights, FORMULA_VERSION};

/// The scoring of one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport {
    /// The idiomatic score, in [0, 1].
    pub idiomatic_score: f64,
    /// `false` when the parser had to recover from syntax errors (the counts are then best effort).
    pub parsed: bool,
    /// Lines in the sample.
    pub lines: usize,
    /// Count of every feature, by `Feature::name` (all features are always present).
    pub features: BTreeMap<&'static str, f64>,
    /// Documentation statistics.
    pub doc: DocStats,
}

thread_local! {
    // A parser per thread: `Parser` is not `Sync`, and creating one per sample costs more than parsing
    // a small sample.
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

/// Scores one sample.
pub fn score_source(src: &str, weights: &Weights) -> ScoreReport {
    let lines = src.lines().count();
    let code_lines = src.lines().filter(|l| !l.trim().is_empty()).count();
    let tree = parse(src);
    let Some(tree) = tree else {
        // Only when the parser was given no language or cancelled; neither happens here.
        return ScoreReport { idiomatic_score: 0.0, parsed: false, lines, features: BTreeMap::new(), doc: DocStats::default() };
    };
    let found = walk::walk(&tree, src);
    let idiomatic_score = formula::idiomatic_score(&found.counts, &found.docs, code_lines, weights);
    let features = Feature::ALL.iter().map(|f| (f.name(), found.counts.get(*f) as f64)).collect();
    ScoreReport { idiomatic_score, parsed: !tree.root_node().has_error(), lines, features, doc: found.docs }
}

/// Scores many samples in parallel on `threads` worker threads (0: one per core). Results are in
/// input order.
pub fn score_batch(srcs: &[String], weights: &Weights, threads: usize) -> Vec<ScoreReport> {
    let run = || srcs.par_iter().map(|s| score_source(s, weights)).collect();
    if threads == 1 {
        return srcs.iter().map(|s| score_source(s, weights)).collect();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        // The global pool still works when a dedicated one cannot be started.
        Err(_) => run(),
    }
}

/// Parses `src` with this thread's parser (`None` only if the parser has no language, which
/// cannot happen here). Shared by scoring and `analysis`.
pub fn parse(src: &str) -> Option<tree_sitter::Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        parser.parse(src, None)
    })
}

fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    // The grammar is compiled in; the only failure is an ABI mismatch, a build error, not a runtime one.
    parser
        .set_language(&tree_sitter_rust::LANGUAGE.into())
        .expect("tree-sitter-rust grammar matches the tree-sitter ABI");
    parser
}

#[cfg(test)]
mod tests;
