//! Labelled pairs: each folder under `tests/fixtures/score/` holds the same program written
//! idiomatically and unidiomatically. The idiomatic twin must score clearly higher.

use std::fs;
use std::path::Path;

use sigil_evaluator::score::{score_source, Weights};

/// How far above its twin the idiomatic version must score.
const MARGIN: f64 = 0.15;

#[test]
fn idiomatic_twin_scores_clearly_higher_in_every_pair() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/score");
    let mut dirs: Vec<_> = fs::read_dir(&root).expect("fixtures folder").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "need at least 10 labelled pairs, found {}", dirs.len());
    let weights = Weights::default();
    let mut failures = Vec::new();
    for dir in &dirs {
        let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()));
        let good = score_source(&read("idiomatic.rs"), &weights);
        let bad = score_source(&read("unidiomatic.rs"), &weights);
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        println!("{name}: idiomatic {:.3} vs unidiomatic {:.3}", good.idiomatic_score, bad.idiomatic_score);
        assert!(good.parsed && bad.parsed, "{name}: fixtures must parse");
        if good.idiomatic_score < bad.idiomatic_score + MARGIN {
            failures.push(format!("{name}: {:.3} vs {:.3}\n  good {:?}\n  bad {:?}", good.idiomatic_score, bad.idiomatic_score, good.features, bad.features));
        }
        // Documentation: the idiomatic twins document their items, the others do not.
        assert!(good.doc.documented_ratio() > bad.doc.documented_ratio(), "{name}: doc ratio");
    }
    assert!(failures.is_empty(), "pairs without a clear margin:\n{}", failures.join("\n"));
}
