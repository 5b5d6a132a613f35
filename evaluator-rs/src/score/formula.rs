//! The idiomatic score: formula `idiomatic-v1` and its weights.
//!
//! # Formula (`idiomatic-v1`)
//!
//! ```text
//! units   = max(1, code_lines / unit_lines)        code_lines: non-blank lines of the sample
//! s(f)    = sat(count(f) / units)                  sat(x) = x / (1 + x), in [0, 1)
//! raw     = bias
//!         + Σ over idiomatic signals  weight(f) · s(f)
//!         − Σ over anti-patterns      weight(f) · s(f)
//!         + documentation · documented_ratio      (0 when the sample has no fn/struct/enum/trait)
//! score   = clamp(raw, 0, 1)
//! ```
//!
//! Why this shape:
//! - **Density, not raw counts**: counts are divided by the sample's size in units of `unit_lines`
//!   (50) non-blank lines, so a long sample is neither rewarded for repeating a good habit nor
//!   punished for length. Samples up to 50 lines use raw counts.
//! - **Saturation**: `sat` gives diminishing returns (1 use → 0.5, 3 → 0.75), so no single habit
//!   dominates and one `unwrap` costs half its weight while ten cost nearly all of it.
//! - **Bias** is the score of a sample that shows nothing either way (`fn main() {}` scores 0.5):
//!   the signals lift it toward 1, the anti-patterns push it toward 0.
//! - Feature definitions are in `features.rs` (one doc comment per feature); `Weights::default()`
//!   is the table below. Changing a default weight or a detector's meaning changes
//!   `FORMULA_VERSION`.
//!
//! | weight | default | | weight | default |
//! |---|---|---|---|---|
//! | `bias` | 0.50 | | `unwrap_expect` | 0.15 |
//! | `unit_lines` | 50 | | `needless_clone` | 0.06 |
//! | `documentation` | 0.05 | | `unsafe` | 0.10 |
//! | `try_operator` | 0.08 | | `numeric_as_casts` | 0.04 |
//! | `result_option_signatures` | 0.06 | | `index_loops` | 0.10 |
//! | `iterator_chains` | 0.07 | | `trailing_return` | 0.05 |
//! | `match_expressions` | 0.04 | | `allow_attributes` | 0.05 |
//! | `if_let` | 0.03 | | `debug_prints` | 0.05 |
//! | `let_else` | 0.02 | | `todo_markers` | 0.03 |
//! | `derives` | 0.04 | | `box_dyn_error` | 0.05 |
//! | `trait_impls` | 0.05 | | `owned_ref_params` | 0.05 |
//! | `impl_trait` | 0.03 | | `unused_mut` | 0.05 |
//! | `conversion_impls` | 0.03 | | `syntax_errors` | 0.00 |
//! | `borrowed_params` | 0.04 | | | |
//! | `consts_and_statics` | 0.02 | | | |
//! | `modules` | 0.02 | | | |
//!
//! Weights are magnitudes: a signal's weight is added, an anti-pattern's subtracted. `syntax_errors`
//! defaults to 0 because the compile check already judges broken code; raise it to make the score
//! itself punish unparsable samples. The reported facts `clone_calls` and `functions` have no weight.

use std::fmt;

use super::docs::DocStats;
use super::features::{Counts, Feature, Polarity};

/// Version of the formula and detector semantics; reported with every score.
pub const FORMULA_VERSION: &str = "idiomatic-v1";

/// The configurable weights of the formula (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Score of a sample with no signal and no anti-pattern.
    pub bias: f64,
    /// Non-blank lines per density unit; counts are divided by `max(1, code_lines / unit_lines)`.
    pub unit_lines: f64,
    /// Weight of `DocStats::documented_ratio` (share of fn/struct/enum/trait items documented).
    pub documentation: f64,
    /// One weight per `Feature`, indexed by it (0 for `Polarity::Info` features, never read).
    features: Vec<f64>,
}

/// A weight table that cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightError {
    /// The name is not a weight of this formula.
    Unknown(String),
    /// The value is NaN or infinite, or `unit_lines` is not positive.
    Invalid(String, f64),
}

impl fmt::Display for WeightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightError::Unknown(name) => {
                let known: Vec<&str> = Weights::default().pairs().into_iter().map(|(n, _)| n).collect();
                write!(f, "unknown weight {name:?} for {FORMULA_VERSION}; known weights: {}", known.join(", "))
            }
            WeightError::Invalid(name, value) => write!(
                f,
                "weight {name:?} = {value} is invalid: weights must be finite, and unit_lines positive"
            ),
        }
    }
}

impl std::error::Error for WeightError {}

impl Default for Weights {
    fn default() -> Self {
        let features = Feature::ALL.iter().map(|f| default_weight(*f)).collect();
        Weights { bias: 0.5, unit_lines: 50.0, documentation: 0.05, features }
    }
}

/// The `idiomatic-v1` default of one feature's weight (0 for reported-only facts).
const fn default_weight(feature: Feature) -> f64 {
    match feature {
        Feature::TryOperator => 0.08,
        Feature::ResultOptionSignatures => 0.06,
        Feature::IteratorChains => 0.07,
        Feature::MatchExpressions => 0.04,
        Feature::IfLet => 0.03,
        Feature::LetElse => 0.02,
        Feature::Derives => 0.04,
        Feature::TraitImpls => 0.05,
        Feature::ImplTrait => 0.03,
        Feature::ConversionImpls => 0.03,
        Feature::BorrowedParams => 0.04,
        Feature::ConstsAndStatics => 0.02,
        Feature::Modules => 0.02,
        Feature::UnwrapExpect => 0.15,
        Feature::NeedlessClone => 0.06,
        Feature::Unsafe => 0.10,
        Feature::NumericAsCasts => 0.04,
        Feature::IndexLoops => 0.10,
        Feature::TrailingReturn => 0.05,
        Feature::AllowAttributes => 0.05,
        Feature::DebugPrints => 0.05,
        Feature::TodoMarkers => 0.03,
        Feature::BoxDynError => 0.05,
        Feature::OwnedRefParams => 0.05,
        Feature::UnusedMut => 0.05,
        Feature::SyntaxErrors => 0.0,
        Feature::CloneCalls | Feature::Functions => 0.0,
    }
}

impl Weights {
    /// The defaults with the named weights replaced. Unknown names, reported-only features, non-finite
    /// values and a non-positive `unit_lines` are refused, naming the offending key.
    pub fn from_pairs<I, S>(pairs: I) -> Result<Self, WeightError>
    where
        I: IntoIterator<Item = (S, f64)>,
        S: AsRef<str>,
    {
        let mut weights = Weights::default();
        for (name, value) in pairs {
            let name = name.as_ref();
            let slot = weights.slot_mut(name).ok_or_else(|| WeightError::Unknown(name.to_owned()))?;
            if !value.is_finite() || (name == "unit_lines" && value <= 0.0) {
                return Err(WeightError::Invalid(name.to_owned(), value));
            }
            *slot = value;
        }
        Ok(weights)
    }

    /// Every weight by name: `bias`, `unit_lines`, `documentation`, then one per weighted feature.
    pub fn pairs(&self) -> Vec<(&'static str, f64)> {
        let fixed = [("bias", self.bias), ("unit_lines", self.unit_lines), ("documentation", self.documentation)];
        let per_feature = Feature::ALL
            .iter()
            .filter(|f| f.polarity() != Polarity::Info)
            .map(|f| (f.name(), self.feature(*f)));
        fixed.into_iter().chain(per_feature).collect()
    }

    /// The weight of one feature.
    pub fn feature(&self, feature: Feature) -> f64 {
        self.features.get(feature as usize).copied().unwrap_or(0.0)
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut f64> {
        match name {
            "bias" => Some(&mut self.bias),
            "unit_lines" => Some(&mut self.unit_lines),
            "documentation" => Some(&mut self.documentation),
            _ => {
                let feature = Feature::ALL.iter().find(|f| f.name() == name && f.polarity() != Polarity::Info)?;
                self.features.get_mut(*feature as usize)
            }
        }
    }
}

/// Applies the formula to one sample's counts.
pub fn idiomatic_score(counts: &Counts, docs: &DocStats, code_lines: usize, weights: &Weights) -> f64 {
    let units = (code_lines as f64 / weights.unit_lines).max(1.0);
    let sat = |x: f64| x / (1.0 + x);
    let mut raw = weights.bias + weights.documentation * docs.documented_ratio().unwrap_or(0.0);
    for feature in Feature::ALL {
        let s = sat(counts.get(*feature) as f64 / units);
        match feature.polarity() {
            Polarity::Signal => raw += weights.feature(*feature) * s,
            Polarity::AntiPattern => raw -= weights.feature(*feature) * s,
            Polarity::Info => {}
        }
    }
    raw.clamp(0.0, 1.0)
}
