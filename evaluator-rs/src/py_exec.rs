//! Python face of `exec`: converts programs and verdicts and releases the GIL while programs are
//! built and run. All execution logic lives in `exec/` (plain Rust).

use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::exec::{ExecConfig, Executor, IoCase, Kind, Program, ProgramResult};

/// Programs built and run per detached call; between calls we re-attach so Ctrl-C raises
/// `KeyboardInterrupt` instead of waiting for the whole list.
const CHUNK: usize = 256;

/// Builds and runs whole Rust programs in the sandbox and judges their tests.
///
/// `programs`: dicts with `source` (str), `kind` ("main", "unit" or "io", default "main") and, for
/// "io", `cases`: a list of `{"input": str, "output": str}`. Returns
/// `{"isolation": "bwrap" | "none", "results": [dict per program, in order]}`; each result has
/// `status`, `tests_passed`, `tests_total`, `message`, `build_s`, `run_s`, `batched`.
#[pyfunction]
#[pyo3(signature = (programs, *, optimize=false, edition="2021", jobs=None, batch_size=16, compile_timeout=60.0, run_timeout=10.0, run_cpu_seconds=5, run_memory_mb=512, output_bytes=1048576, max_processes=64, sandbox="bwrap"))]
#[allow(clippy::too_many_arguments)]
fn run_programs<'py>(
    py: Python<'py>,
    programs: Vec<Bound<'py, PyDict>>,
    optimize: bool,
    edition: &str,
    jobs: Option<usize>,
    batch_size: usize,
    compile_timeout: f64,
    run_timeout: f64,
    run_cpu_seconds: u64,
    run_memory_mb: u64,
    output_bytes: usize,
    max_processes: u64,
    sandbox: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let no_sandbox = match sandbox {
        "bwrap" => false,
        "none" => true,
        other => return Err(PyValueError::new_err(format!("sandbox: {other:?} is not one of \"bwrap\", \"none\""))),
    };
    for (name, value) in [("compile_timeout", compile_timeout), ("run_timeout", run_timeout)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(PyValueError::new_err(format!("{name}: must be a positive number of seconds")));
        }
    }
    if jobs == Some(0) || batch_size == 0 || run_cpu_seconds == 0 || run_memory_mb == 0 {
        return Err(PyValueError::new_err("jobs, batch_size, run_cpu_seconds and run_memory_mb must be at least 1"));
    }
    let inputs = programs.iter().enumerate().map(|(i, d)| program_from(i, d)).collect::<PyResult<Vec<_>>>()?;
    let defaults = ExecConfig::default();
    let config = ExecConfig {
        optimize,
        edition: edition.to_string(),
        jobs: jobs.unwrap_or(defaults.jobs),
        batch_size,
        compile_timeout: Duration::from_secs_f64(compile_timeout),
        run_timeout: Duration::from_secs_f64(run_timeout),
        run_cpu_seconds,
        run_memory_bytes: run_memory_mb << 20,
        output_bytes,
        max_processes,
        no_sandbox,
        ..defaults
    };
    let executor = py.detach(|| Executor::new(config)).map_err(PyRuntimeError::new_err)?;
    let mut results = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(CHUNK) {
        results.extend(py.detach(|| executor.run(chunk)).map_err(PyRuntimeError::new_err)?);
        py.check_signals()?;
    }
    let out = PyDict::new(py);
    out.set_item("isolation", executor.isolation_name())?;
    out.set_item("results", results.iter().map(|r| result_dict(py, r)).collect::<PyResult<Vec<_>>>()?)?;
    Ok(out)
}

fn program_from(i: usize, d: &Bound<'_, PyDict>) -> PyResult<Program> {
    let field = |key: &str| d.get_item(key);
    let source: String = field("source")?
        .ok_or_else(|| PyValueError::new_err(format!("programs[{i}]: missing 'source'")))?
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("programs[{i}].source: expected str")))?;
    let kind = match field("kind")? {
        None => Kind::Main,
        Some(k) => {
            let k: String = k.extract().map_err(|_| PyTypeError::new_err(format!("programs[{i}].kind: expected str")))?;
            Kind::parse(&k).map_err(|e| PyValueError::new_err(format!("programs[{i}].kind: {e}")))?
        }
    };
    let mut cases = Vec::new();
    if let Some(list) = field("cases")? {
        let list: Vec<Bound<'_, PyDict>> = list.extract().map_err(|_| PyTypeError::new_err(format!("programs[{i}].cases: expected a list of dicts")))?;
        for (j, case) in list.iter().enumerate() {
            let text = |key: &str| -> PyResult<Vec<u8>> {
                let s: String = case
                    .get_item(key)?
                    .ok_or_else(|| PyValueError::new_err(format!("programs[{i}].cases[{j}]: missing {key:?}")))?
                    .extract()
                    .map_err(|_| PyTypeError::new_err(format!("programs[{i}].cases[{j}].{key}: expected str")))?;
                Ok(s.into_bytes())
            };
            cases.push(IoCase { input: text("input")?, output: text("output")? });
        }
    }
    if kind == Kind::Io && cases.is_empty() {
        return Err(PyValueError::new_err(format!("programs[{i}]: kind \"io\" needs at least one case")));
    }
    Ok(Program { source, kind, cases })
}

fn result_dict<'py>(py: Python<'py>, r: &ProgramResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("status", r.status.as_str())?;
    d.set_item("tests_passed", r.tests_passed)?;
    d.set_item("tests_total", r.tests_total)?;
    d.set_item("message", &r.message)?;
    d.set_item("build_s", r.build_time.as_secs_f64())?;
    d.set_item("run_s", r.run_time.as_secs_f64())?;
    d.set_item("batched", r.batched)?;
    Ok(d)
}

/// Adds `run_programs` to the native module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(run_programs, module)?)?;
    Ok(())
}
