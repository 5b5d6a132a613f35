//! Python face of `analysis`: converts arguments and results, releases the GIL around the
//! parallel work. All logic lives in `analysis/` (plain Rust).

use std::num::NonZeroUsize;
use std::thread;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use crate::analysis::{analyze, analyze_tree, panic_sites, split_items, strip_tests_with_tree, Facts, Stripped};

/// Sources analysed per detached run; between runs Ctrl-C is noticed.
const CHUNK: usize = 1024;

struct Analysed {
    stripped: Option<Stripped>,
    facts: Facts,
}

fn analyse_one(src: &str, strip: bool) -> Analysed {
    if !strip {
        return Analysed { stripped: None, facts: analyze(src) };
    }
    let (stripped, tree) = strip_tests_with_tree(src);
    let facts = match tree {
        Some(tree) => analyze_tree(&tree, &stripped.source),
        None => analyze(&stripped.source),
    };
    Analysed { stripped: Some(stripped), facts }
}

/// Facts about each Rust source (see `analysis::Facts`); with `strip_tests`, the source without its
/// test code first (`content`, or None when nothing was removed) and the facts of what is left.
#[pyfunction]
#[pyo3(signature = (sources, strip_tests = false, threads = None))]
fn analyze_rust<'py>(
    py: Python<'py>,
    sources: Vec<String>,
    strip_tests: bool,
    threads: Option<usize>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = match threads {
        None => cores,
        Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => n.min(cores),
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok();
    let mut results = Vec::with_capacity(sources.len());
    for chunk in sources.chunks(CHUNK) {
        let run = || chunk.par_iter().map(|s| analyse_one(s, strip_tests)).collect::<Vec<_>>();
        results.extend(py.detach(|| match (&pool, threads) {
            (_, 1) => chunk.iter().map(|s| analyse_one(s, strip_tests)).collect(),
            (Some(pool), _) => pool.install(run),
            (None, _) => run(),
        }));
        py.check_signals()?;
    }
    results.into_iter().map(|a| analysed_dict(py, a)).collect()
}

fn analysed_dict(py: Python<'_>, a: Analysed) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    if let Some(s) = a.stripped {
        d.set_item("content", (s.removed > 0).then_some(s.source))?;
        d.set_item("removed_tests", s.removed)?;
        d.set_item("only_tests", s.only_tests)?;
        d.set_item("parsed_before", s.parsed_before)?;
        d.set_item("parses_after", s.parses)?;
    }
    let f = a.facts;
    d.set_item("parsed", f.parsed)?;
    d.set_item("chars", f.chars)?;
    d.set_item("code_chars", f.code_chars)?;
    d.set_item("test_items", f.test_items)?;
    d.set_item("bench_fns", f.bench_fns)?;
    d.set_item("unsafe_code", f.unsafe_code)?;
    d.set_item("todo_comments", f.todo_comments)?;
    d.set_item("todo_macros", f.todo_macros)?;
    d.set_item("debug_prints", f.debug_prints)?;
    d.set_item("allow_attributes", f.allow_attributes)?;
    d.set_item("has_main", f.has_main)?;
    d.set_item("generated_marker", f.generated_marker)?;
    d.set_item("foreign_items", f.foreign_items)?;
    d.set_item("declaration_chars", f.declaration_chars)?;
    d.set_item("body_chars", f.body_chars)?;
    d.set_item("literal_chars", f.literal_chars)?;
    Ok(d)
}

/// `source` split at top-level item boundaries into pieces of at most `max_chars` characters (an
/// item longer than that is a piece of its own); the pieces concatenated are `source`.
#[pyfunction]
fn split_rust(py: Python<'_>, source: String, max_chars: usize) -> PyResult<Vec<String>> {
    if max_chars == 0 {
        return Err(PyValueError::new_err("max_chars must be at least 1"));
    }
    Ok(py.detach(|| split_items(&source, max_chars)))
}

/// Panicking calls of `apis` (method names like `unwrap`, macros like `panic!`) and, with
/// `indexing`, index expressions: `{"sites": [(api, offset, line, place)], "lines": {place: n}}`.
#[pyfunction]
#[pyo3(signature = (source, apis, indexing = false))]
fn find_panics<'py>(py: Python<'py>, source: String, apis: Vec<String>, indexing: bool) -> PyResult<Bound<'py, PyDict>> {
    let scan = py.detach(|| panic_sites(&source, &apis, indexing));
    let d = PyDict::new(py);
    let sites: Vec<(String, usize, usize, &str)> =
        scan.sites.into_iter().map(|s| (s.api, s.offset, s.line, s.place.as_str())).collect();
    d.set_item("sites", sites)?;
    let lines = PyDict::new(py);
    lines.set_item("library", scan.lines.0)?;
    lines.set_item("main", scan.lines.1)?;
    lines.set_item("test", scan.lines.2)?;
    d.set_item("lines", lines)?;
    Ok(d)
}

/// Adds `analyze_rust`, `split_rust` and `find_panics` to the native module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(analyze_rust, module)?)?;
    module.add_function(wrap_pyfunction!(split_rust, module)?)?;
    module.add_function(wrap_pyfunction!(find_panics, module)?)?;
    Ok(())
}
