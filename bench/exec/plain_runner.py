"""The MultiPL-E way, unsandboxed: one ``rustc`` then one run per sample, with only a wall-clock timeout.

This is the baseline ``bench_exec.py`` compares sigil's executor with (it lives here, not in ``sigil``: nothing
in sigil runs it). It isolates nothing: use it only on trusted programs (the benchmark's own corpus).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from sigil.functional.problems import IoCase, TestKind
from sigil.functional.results import SampleResult

_PANIC = re.compile(r"panicked at [^\n]*:\n(.*?)(?:\nnote: |\n\n|\Z)", re.S)
_LIBTEST = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed")


def run_plain(
    source: str,
    kind: TestKind = "main",
    cases: tuple[IoCase, ...] = (),
    *,
    optimize: bool = False,
    edition: str = "2021",
    timeout_s: float = 10.0,
    compile_timeout_s: float = 60.0,
) -> SampleResult:
    """Compile ``source`` with rustc and run it without any isolation."""
    rustc = shutil.which("rustc") or "rustc"
    with tempfile.TemporaryDirectory(prefix="sigil-plain-") as tmp:
        src = Path(tmp) / "main.rs"
        exe = Path(tmp) / "main"
        src.write_text(source, encoding="utf-8")
        cmd = [rustc, f"--edition={edition}", "-o", str(exe), str(src)]
        if optimize:
            cmd.insert(1, "-O")
        if kind == "unit":
            cmd.insert(1, "--test")
        start = time.perf_counter()
        try:
            built = subprocess.run(cmd, capture_output=True, text=True, timeout=compile_timeout_s, cwd=tmp)
        except subprocess.TimeoutExpired:
            return SampleResult("timeout", 0, _total(kind, cases), "compile timed out", time.perf_counter() - start)
        build_s = time.perf_counter() - start
        if built.returncode != 0:
            first = next((ln for ln in built.stderr.splitlines() if ln.startswith("error")), built.stderr[:200])
            return SampleResult("compile_error", 0, _total(kind, cases), first, build_s)
        start = time.perf_counter()
        if kind == "io":
            result = _run_io(str(exe), cases, timeout_s, tmp)
        else:
            args = [str(exe), "--test-threads=1"] if kind == "unit" else [str(exe)]
            result = _run_once(args, None, timeout_s, tmp, kind)
        return SampleResult(result.status, result.tests_passed, result.tests_total, result.message, build_s,
                            time.perf_counter() - start)


def _total(kind: TestKind, cases: tuple[IoCase, ...]) -> int:
    return len(cases) if kind == "io" else 1


def _run_io(exe: str, cases: tuple[IoCase, ...], timeout_s: float, cwd: str) -> SampleResult:
    passed = 0
    first_failure: SampleResult | None = None
    for case in cases:
        outcome = _run_once([exe], case.input, timeout_s, cwd, "io", expected=case.output)
        if outcome.status == "passed":
            passed += 1
        elif first_failure is None:
            first_failure = outcome
    if first_failure is None:
        return SampleResult("passed", passed, len(cases))
    return SampleResult(first_failure.status, passed, len(cases), first_failure.message)


def _run_once(args: list[str], stdin: str | None, timeout_s: float, cwd: str, kind: TestKind,
              expected: str | None = None) -> SampleResult:
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, start_new_session=True,
                            env={**os.environ, "RUST_BACKTRACE": "0"})
    try:
        out, err = proc.communicate(stdin.encode() if stdin is not None else b"", timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return SampleResult("timeout", 0, 1, f"wall-clock limit of {timeout_s}s")
    stdout, stderr = out.decode(errors="replace"), err.decode(errors="replace")
    if kind == "unit":
        counts = _LIBTEST.search(stdout)
        passed, failed = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 1)
        total = passed + failed
        if proc.returncode == 0 and counts:
            return SampleResult("passed", passed, total)
        panic = _PANIC.search(stdout) or _PANIC.search(stderr)
        return SampleResult("failed" if proc.returncode == 101 else "signal", passed, max(total, 1),
                            panic.group(1).strip() if panic else stderr[-300:])
    if proc.returncode < 0:
        return SampleResult("signal", 0, 1, signal.Signals(-proc.returncode).name)
    if proc.returncode != 0:
        panic = _PANIC.search(stderr)
        return SampleResult("failed", 0, 1, panic.group(1).strip() if panic else f"exit code {proc.returncode}")
    if expected is not None and stdout.rstrip() != expected.rstrip():
        return SampleResult("failed", 0, 1, f"expected output {expected!r}, got {stdout[:200]!r}")
    return SampleResult("passed", 1, 1)
