//! Python face of `score`: converts arguments and results and releases the GIL around the parallel
//! work. All scoring logic lives in `score/` (plain Rust).

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::thread;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::score::{score_batch, DocStats, ScoreReport, Weights, FORMULA_VERSION};

/// Samples scored per detached run. Between runs we re-attach to notice Ctrl-C, which then raises
/// `KeyboardInterrupt` instead of waiting for the whole batch.
const CHUNK: usize = 1024;

/// Scores Rust sources for idiomatic style and documentation, in parallel with the GIL released.
///
/// `weights` overrides entries of `default_weights()` (unknown names raise `ValueError`); `threads`
/// bounds the worker threads (default and maximum: the number of CPUs). Returns one dict per source,
/// in order.
#[pyfunction]
#[pyo3(signature = (sources, weights = None, threads = None))]
fn score<'py>(
    py: Python<'py>,
    sources: Vec<String>,
    weights: Option<HashMap<String, f64>>,
    threads: Option<usize>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let weights = Weights::from_pairs(weights.unwrap_or_default()).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = match threads {
        None => cores,
        Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => n.min(cores),
    };
    let mut reports = Vec::with_capacity(sources.len());
    for chunk in sources.chunks(CHUNK) {
        reports.extend(py.detach(|| score_batch(chunk, &weights, threads)));
        py.check_signals()?;
    }
    reports.iter().map(|r| report_dict(py, r)).collect()
}

/// The weights of the current formula by name, with their defaults.
#[pyfunction]
fn default_weights() -> HashMap<&'static str, f64> {
    Weights::default().pairs().into_iter().collect()
}

fn report_dict<'py>(py: Python<'py>, report: &ScoreReport) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("idiomatic_score", report.idiomatic_score)?;
    dict.set_item("parsed", report.parsed)?;
    dict.set_item("lines", report.lines)?;
    dict.set_item("features", &report.features)?;
    dict.set_item("doc", doc_dict(py, &report.doc)?)?;
    dict.set_item("formula_version", FORMULA_VERSION)?;
    Ok(dict)
}

fn doc_dict<'py>(py: Python<'py>, doc: &DocStats) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("doc_comments", doc.doc_comments)?;
    dict.set_item("items", doc.items)?;
    dict.set_item("documented_items", doc.documented_items)?;
    dict.set_item("public_items", doc.public_items)?;
    dict.set_item("documented_public_items", doc.documented_public_items)?;
    dict.set_item("has_module_doc", doc.has_module_doc)?;
    dict.set_item("examples", doc.examples)?;
    dict.set_item("has_examples", doc.has_examples)?;
    dict.set_item("documented_ratio", doc.documented_ratio())?;
    dict.set_item("public_documented_ratio", doc.public_documented_ratio())?;
    Ok(dict)
}

/// Adds `score`, `default_weights` and `FORMULA_VERSION` to the native module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(score, module)?)?;
    module.add_function(wrap_pyfunction!(default_weights, module)?)?;
    module.add("FORMULA_VERSION", FORMULA_VERSION)?;
    Ok(())
}
