//! sigil's native evaluator: compile + clippy verdicts for Rust samples, checked in batches inside
//! a bubblewrap sandbox and cached on disk. The modules below are plain Rust; the optional
//! `python` feature adds the thin PyO3 layer at the bottom of this file, which maturin builds
//! into `sigil_evaluator._native`.

pub mod analysis;
pub mod batch;
pub mod cache;
pub mod deps;
pub mod diagnostics;
pub mod evaluator;
pub mod exec;
pub mod extract;
pub mod prefilter;
pub mod result;
pub mod sandbox;
pub mod score;
pub mod shape;
pub mod toolchain;

pub use evaluator::{Config, Evaluator};
pub use result::{SampleResult, Status};

#[cfg(feature = "python")]
mod py_analysis;
#[cfg(feature = "python")]
mod py_exec;
#[cfg(feature = "python")]
mod py_score;

// ---------------------------------------------------------------------------------------------
// Python bindings: type conversion only. Parallel work runs with the GIL released (`py.detach`);
// the calling thread re-attaches briefly between units of work to let Ctrl-C through.
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "python")]
mod py {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::Duration;

    use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyTypeError, PyValueError};
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyDict, PyString};

    use crate::evaluator::{Config, Evaluator, SetupError};
    use crate::prefilter::PrefilterConfig;
    use crate::result::SampleResult;
    use crate::toolchain::Toolchain;

    /// Compile + clippy checks of Rust samples, batched, sandboxed and cached.
    #[pyclass(name = "Evaluator", module = "sigil_evaluator._native", frozen)]
    pub struct PyEvaluator {
        inner: Arc<Evaluator>,
    }

    #[pymethods]
    impl PyEvaluator {
        #[new]
        #[pyo3(signature = (edition="2021", lints=None, pedantic=false, sandbox="bwrap", jobs=None, batch_size=32, compile_timeout=60.0, cache_dir=None, deps=None, verdict="check", crate_type="auto"))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            py: Python<'_>,
            edition: &str,
            lints: Option<Vec<String>>,
            pedantic: bool,
            sandbox: &str,
            jobs: Option<usize>,
            batch_size: usize,
            compile_timeout: f64,
            cache_dir: Option<PathBuf>,
            deps: Option<Vec<String>>,
            verdict: &str,
            crate_type: &str,
        ) -> PyResult<Self> {
            let verdict = crate::batch::VerdictMode::parse(verdict).map_err(PyValueError::new_err)?;
            let crate_type = crate::evaluator::CrateType::parse(crate_type).map_err(PyValueError::new_err)?;
            let sandbox = match sandbox {
                "bwrap" => true,
                "none" => false,
                other => return Err(PyValueError::new_err(format!("sandbox: {other:?} is not one of \"bwrap\", \"none\""))),
            };
            if !(compile_timeout.is_finite() && compile_timeout > 0.0) {
                return Err(PyValueError::new_err("compile_timeout: must be a positive number of seconds"));
            }
            if jobs == Some(0) {
                return Err(PyValueError::new_err("jobs: must be at least 1 (or None for all cores)"));
            }
            let config = Config {
                edition: edition.to_string(),
                lints,
                pedantic,
                sandbox,
                jobs,
                batch_size,
                compile_timeout: Duration::from_secs_f64(compile_timeout),
                cache_dir,
                deps,
                verdict,
                crate_type,
                ..Config::default()
            };
            // Building a dependency set can take minutes: do not hold the GIL meanwhile.
            let built = py.detach(|| Evaluator::new(config));
            match built {
                Ok(ev) => Ok(PyEvaluator { inner: Arc::new(ev) }),
                Err(SetupError::Config(m)) => Err(PyValueError::new_err(m)),
                Err(SetupError::Environment(m)) => Err(PyRuntimeError::new_err(m)),
            }
        }

        /// The isolation every check runs under: "bwrap" or "none".
        #[getter]
        fn isolation(&self) -> &'static str {
            self.inner.isolation()
        }

        /// rustc and clippy versions, e.g. "rustc 1.95.0 (...) + clippy 0.1.95 (...)".
        #[getter]
        fn toolchain_version(&self) -> String {
            self.inner.toolchain.version_line()
        }

        /// Number of worker threads.
        #[getter]
        fn jobs(&self) -> usize {
            self.inner.jobs()
        }

        /// What "compiles" means: "check" (`cargo check`) or "build" (`cargo build`).
        #[getter]
        fn verdict(&self) -> &'static str {
            self.inner.config.verdict.name()
        }

        /// How samples are compiled: "auto", "bin" or "lib".
        #[getter]
        fn crate_type(&self) -> &'static str {
            self.inner.config.crate_type.name()
        }

        /// Compiler runs so far: batches, singles, rustc verdict checks, timeouts, members checked
        /// again, cache entries rejected as wrong.
        fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            use std::sync::atomic::Ordering::Relaxed;
            let s = self.inner.stats();
            let d = PyDict::new(py);
            d.set_item("batches", s.batches.load(Relaxed))?;
            d.set_item("singles", s.singles.load(Relaxed))?;
            d.set_item("rustc_verdicts", s.rustc_verdicts.load(Relaxed))?;
            d.set_item("timeouts", s.timeouts.load(Relaxed))?;
            d.set_item("redone", s.redone.load(Relaxed))?;
            d.set_item("cache_rejected", s.cache_rejected.load(Relaxed))?;
            Ok(d)
        }

        /// Checks `sources`; one result dict per source, in order.
        fn check<'py>(&self, py: Python<'py>, sources: Vec<Bound<'py, PyAny>>) -> PyResult<Vec<Bound<'py, PyDict>>> {
            let mut inputs = Vec::with_capacity(sources.len());
            for (i, obj) in sources.iter().enumerate() {
                inputs.push(if let Ok(s) = obj.cast::<PyString>() {
                    s.to_str().map(str::to_owned).map_err(|_| "not utf-8".to_string())
                } else if let Ok(b) = obj.cast::<PyBytes>() {
                    std::str::from_utf8(b.as_bytes()).map(str::to_owned).map_err(|_| "not utf-8".to_string())
                } else {
                    return Err(PyTypeError::new_err(format!("sources[{i}]: expected str, got {}", obj.get_type().name()?)));
                });
            }
            let ev = Arc::clone(&self.inner);
            let mut interrupt: Option<PyErr> = None;
            let outcome = py.detach(|| {
                ev.check(&inputs, &mut || {
                    Python::attach(|py| match py.check_signals() {
                        Ok(()) => false,
                        Err(e) => {
                            interrupt = Some(e);
                            true
                        }
                    })
                })
            });
            match outcome {
                Ok(results) => results.iter().map(|r| result_dict(py, r)).collect(),
                Err(_) => Err(interrupt.unwrap_or_else(|| PyKeyboardInterrupt::new_err("check interrupted"))),
            }
        }

        fn __repr__(&self) -> String {
            let c = &self.inner.config;
            format!(
                "Evaluator(edition={:?}, isolation={:?}, jobs={}, batch_size={}, cache={})",
                c.edition,
                self.inner.isolation(),
                self.inner.jobs(),
                c.batch_size,
                c.cache_dir.is_some()
            )
        }
    }

    fn result_dict<'py>(py: Python<'py>, r: &SampleResult) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let v = &r.verdict;
        d.set_item("status", r.status.as_str())?;
        d.set_item("compiles", v.compiles)?;
        d.set_item("error_codes", &v.error_codes)?;
        d.set_item("first_error_kind", &v.first_error_kind)?;
        d.set_item("first_error", &v.first_error)?;
        d.set_item("rustc_warnings", v.rustc_warnings)?;
        d.set_item("clippy_warnings", v.clippy_warnings)?;
        d.set_item("clippy_errors", v.clippy_errors)?;
        d.set_item("lints", &v.lints)?;
        d.set_item("reject_reason", &r.reject_reason)?;
        d.set_item("cached", r.cached)?;
        d.set_item("duration_ms", r.duration_ms)?;
        d.set_item("isolation", &r.isolation)?;
        Ok(d)
    }

    /// The Rust code in a model reply (```rust fence, untagged fence, or bare text).
    #[pyfunction]
    fn extract_code(text: &str) -> String {
        crate::extract::extract_code(text)
    }

    /// Why `source` would be set aside before compiling, or None.
    #[pyfunction]
    #[pyo3(signature = (source, min_length=50, min_lines=3, check_main=true, check_incomplete=true, crate_type="auto"))]
    fn prefilter(source: &str, min_length: usize, min_lines: usize, check_main: bool, check_incomplete: bool, crate_type: &str) -> PyResult<Option<String>> {
        let crate_type = crate::evaluator::CrateType::parse(crate_type).map_err(PyValueError::new_err)?;
        Ok(crate::prefilter::prefilter(source, &PrefilterConfig { min_length, min_lines, check_main, check_incomplete, crate_type }))
    }

    /// How `source` is compiled under `crate_type="auto"`: "bin" with a top-level `fn main`, else "lib".
    #[pyfunction]
    fn crate_kind(source: &str) -> &'static str {
        crate::shape::shape(source, "2021").kind.as_flag()
    }

    /// Versions and paths of the toolchain the evaluator uses.
    #[pyfunction]
    fn toolchain_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let tc = Toolchain::discover().map_err(PyRuntimeError::new_err)?;
        let d = PyDict::new(py);
        d.set_item("rustc_version", &tc.rustc_version)?;
        d.set_item("clippy_version", &tc.clippy_version)?;
        d.set_item("sysroot", tc.sysroot.to_string_lossy())?;
        d.set_item("clippy_driver", tc.clippy_driver.to_string_lossy())?;
        Ok(d)
    }

    #[pymodule]
    #[pyo3(name = "_native")]
    fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add_class::<PyEvaluator>()?;
        m.add_function(wrap_pyfunction!(extract_code, m)?)?;
        m.add_function(wrap_pyfunction!(prefilter, m)?)?;
        m.add_function(wrap_pyfunction!(crate_kind, m)?)?;
        m.add_function(wrap_pyfunction!(toolchain_info, m)?)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        crate::py_score::register(m)?;
        crate::py_exec::register(m)?;
        crate::py_analysis::register(m)?;
        Ok(())
    }
}
