//! The features the scorer counts: idiomatic signals, anti-patterns and a few plain facts.
//!
//! Each variant's doc says exactly what is counted; the detection itself lives in `walk.rs`.
//! Counts are taken on the tree-sitter syntax tree, so text inside string literals and comments
//! never counts as code (`"{:?}"` is not a `?`), and macro arguments, which tree-sitter leaves as
//! token trees, are scanned token by token for the few patterns that matter there.

/// Whether a feature raises the score, lowers it, or is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Idiomatic signal: adds to the score.
    Signal,
    /// Anti-pattern: subtracts from the score.
    AntiPattern,
    /// Reported in the breakdown, not weighted.
    Info,
}

macro_rules! features {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $polarity:ident; )*) => {
        /// One counted feature. `Feature::ALL` lists them in report order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Feature { $( $(#[doc = $doc])* $variant, )* }

        impl Feature {
            /// Every feature, in the order of the enum.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),*];

            /// The stable name used in reports and weight tables.
            pub const fn name(self) -> &'static str {
                match self { $(Feature::$variant => $name,)* }
            }

            /// Whether the feature raises, lowers or does not affect the score.
            pub const fn polarity(self) -> Polarity {
                match self { $(Feature::$variant => Polarity::$polarity,)* }
            }
        }
    };
}

features! {
    // --- idiomatic signals ---
    /// `?` error propagation: `try_expression` nodes, plus `?` tokens inside macro arguments
    /// (`format!("{}", read()?)`). `{:?}` in a format string is a string literal and never counts.
    TryOperator = "try_operator", Signal;
    /// Functions (and trait method declarations) whose signature mentions `Result` or `Option`,
    /// however nested or qualified (`io::Result<()>`, `Result<Vec<T>, E>`, `Option<&str>` as a
    /// parameter). At most one per function.
    ResultOptionSignatures = "result_option_signatures", Signal;
    /// Method chains that use an iterator or combinator adapter (`map`, `filter`, `collect`, `sum`,
    /// `fold`, `any`, ...): at least two chained calls, or one adapter on a range (`(0..n).map(f)`).
    /// Each chain counts once, at its outermost call.
    IteratorChains = "iterator_chains", Signal;
    /// `match` expressions, on any scrutinee (`match self.x {` included).
    MatchExpressions = "match_expressions", Signal;
    /// `if let` and `while let` conditions (each `let` in a let-chain counts).
    IfLet = "if_let", Signal;
    /// `let ... else` statements.
    LetElse = "let_else", Signal;
    /// `#[derive(...)]` attributes.
    Derives = "derives", Signal;
    /// Trait implementations `impl Trait for Type`, generic ones (`impl<T> Display for W<T>`) included.
    TraitImpls = "trait_impls", Signal;
    /// `impl Trait` in argument or return position.
    ImplTrait = "impl_trait", Signal;
    /// Implementations of `From`, `TryFrom` or `FromStr` (conversions through the standard traits).
    ConversionImpls = "conversion_impls", Signal;
    /// Function parameters taking the borrowed form: `&str`, `&[T]`, `&Path`.
    BorrowedParams = "borrowed_params", Signal;
    /// `const` and `static` items.
    ConstsAndStatics = "consts_and_statics", Signal;
    /// `mod` items (inline or file modules).
    Modules = "modules", Signal;

    // --- anti-patterns ---
    /// `.unwrap()` / `.expect(..)` calls (also inside macro arguments) outside `fn main` and test code
    /// (`#[test]` functions, `#[cfg(test)]` modules).
    UnwrapExpect = "unwrap_expect", AntiPattern;
    /// `.clone()` whose result is only borrowed, a cheap type-free heuristic: `&x.clone()`,
    /// `x.clone().len()` and other borrowing methods (`as_str`, `iter`, `is_empty`, `contains`, ...),
    /// `x.clone().clone()`, and `x.clone()` as a format-macro argument (`println!`, `format!`, ...,
    /// which only borrow). Other clones are counted in `clone_calls` but not judged.
    NeedlessClone = "needless_clone", AntiPattern;
    /// `unsafe` blocks, functions, impls and traits.
    Unsafe = "unsafe", AntiPattern;
    /// `as` casts to a numeric primitive. Without type information we cannot tell where `From`
    /// (lossless) or `TryFrom` (checked) would fit, so every numeric cast counts; weight accordingly.
    NumericAsCasts = "numeric_as_casts", AntiPattern;
    /// Manual index loops: `for i in 0..v.len()` (also `0..=v.len() - 1`, `(0..v.len()).rev()`),
    /// `for i in 0..n` whose body indexes with `i` (`v[i]`), and `while i < v.len()`.
    IndexLoops = "index_loops", AntiPattern;
    /// `return x;` (or `return x`) as the last statement of a function body.
    TrailingReturn = "trailing_return", AntiPattern;
    /// `#[allow(...)]` and `#![allow(...)]` attributes (lints silenced rather than fixed).
    AllowAttributes = "allow_attributes", AntiPattern;
    /// Debug output left in code: `dbg!` anywhere outside tests, and `print!`/`println!`/`eprint!`/
    /// `eprintln!` whose format string uses Debug formatting (`{:?}`, `{x:#?}`) outside `main` and
    /// tests. Plain Display printing is treated as program output, not debugging.
    DebugPrints = "debug_prints", AntiPattern;
    /// `TODO`/`FIXME`/`XXX`/`HACK` in comments, and `todo!()`/`unimplemented!()` calls.
    TodoMarkers = "todo_markers", AntiPattern;
    /// `Box<dyn Error>` (any path, with or without `+ Send + Sync`) in signatures other than `main`
    /// and tests: a typed error belongs in library functions.
    BoxDynError = "box_dyn_error", AntiPattern;
    /// Parameters `&String`, `&Vec<T>`, `&PathBuf`, `&Box<T>` where the borrowed form fits.
    OwnedRefParams = "owned_ref_params", AntiPattern;
    /// `let mut x` where `x` is never assigned, `&mut`-borrowed, used as a method receiver, called,
    /// or named in a macro argument anywhere in the file. Approximation: names, not scopes, so a
    /// shadowed variable that is mutated elsewhere hides an unneeded `mut` (never the reverse).
    UnusedMut = "unused_mut", AntiPattern;
    /// Syntax errors the parser recovered from (`ERROR` and missing nodes).
    SyntaxErrors = "syntax_errors", AntiPattern;

    // --- facts, reported only ---
    /// All `.clone()` calls.
    CloneCalls = "clone_calls", Info;
    /// Function items (free functions and methods) with a body.
    Functions = "functions", Info;
}

/// Per-feature counts for one sample, indexed by `Feature`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts(Vec<usize>);

impl Counts {
    /// All zeros.
    pub fn new() -> Self {
        Self(vec![0; Feature::ALL.len()])
    }

    /// The count of one feature.
    pub fn get(&self, feature: Feature) -> usize {
        self.0.get(feature as usize).copied().unwrap_or(0)
    }

    /// Adds `n` to one feature's count.
    pub fn add(&mut self, feature: Feature, n: usize) {
        if self.0.is_empty() {
            self.0 = vec![0; Feature::ALL.len()];
        }
        self.0[feature as usize] += n;
    }

    /// Adds one to one feature's count.
    pub fn bump(&mut self, feature: Feature) {
        self.add(feature, 1);
    }
}
