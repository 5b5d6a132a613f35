//! `sigil-scoring-bench SAMPLES_DIR [REPEATS] [THREADS]`: times `score_batch` over every `*.rs` in
//! the folder and prints one JSON object (seconds per whole batch: min and median of REPEATS runs,
//! after one warm-up run).

// The benchmark uses only part of the module's public API.
#[allow(dead_code, unused_imports)]
#[path = "../../../evaluator-rs/src/score/mod.rs"]
mod score;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use std::{env, fs};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().collect();
    let Some(dir) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: sigil-scoring-bench SAMPLES_DIR [REPEATS] [THREADS]");
        return ExitCode::from(2);
    };
    let repeats: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20);
    let threads: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(2);
    let mut paths: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rs")).collect(),
        Err(e) => {
            eprintln!("{}: cannot read samples folder: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    for p in &paths {
        match fs::read_to_string(p) {
            Ok(s) => sources.push(s),
            Err(e) => {
                eprintln!("{}: cannot read sample: {e}", p.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let weights = score::Weights::default();
    let warm = score::score_batch(&sources, &weights, threads);
    let mut times: Vec<f64> = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            let reports = score::score_batch(&sources, &weights, threads);
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(reports.len(), sources.len());
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let lines: usize = warm.iter().map(|r| r.lines).sum();
    let mean_score = warm.iter().map(|r| r.idiomatic_score).sum::<f64>() / warm.len().max(1) as f64;
    let unparsed = warm.iter().filter(|r| !r.parsed).count();
    println!(
        "{{\"samples\": {}, \"lines\": {lines}, \"threads\": {threads}, \"repeats\": {}, \"min_s\": {:.6}, \"median_s\": {:.6}, \"mean_score\": {mean_score:.4}, \"unparsed\": {unparsed}}}",
        sources.len(),
        times.len(),
        times[0],
        times[times.len() / 2]
    );
    ExitCode::SUCCESS
}
