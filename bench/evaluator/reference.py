"""The reference the evaluator must agree with: one sample, alone, through ``clippy-driver``, and its
compile verdict from ``rustc`` alone.

    clippy-driver --edition 2021 --error-format=json --emit=metadata --crate-type bin|lib main.rs
    rustc         --edition 2021 --error-format=json --emit=metadata --crate-type bin|lib main.rs

No batching, no sandbox, no cache: an independent reading of the JSON diagnostics, used by the
equivalence and differential tests and as baseline (b) of the benchmark. The crate type is the
evaluator's ``auto`` rule (``sigil_evaluator.crate_kind``: a top-level ``fn main`` makes a program).

What the reference says a sample is:
- ``compiles``: rustc's verdict (clippy's deny-level lints are not compile errors); ``error_codes`` and
  ``first_error``: clippy-driver's, or none when rustc compiles what clippy-driver failed. With ``rustc_verdict="always"`` rustc runs for every sample (the differential
  tester: it checks the evaluator's rule for when rustc must be asked); with ``"on_error"`` only
  when clippy-driver reports an error that is not a clippy lint; with ``"never"`` not at all (the
  benchmark's "one clippy-driver per sample" baseline).
- ``rustc_warnings``, ``clippy_warnings``, ``clippy_errors``, ``lints``: clippy-driver's lints.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Literal

import sigil_evaluator

#: What the evaluator keeps of a message (sigil_evaluator's diagnostics::MAX_MESSAGE_BYTES).
MAX_MESSAGE_BYTES = 2048

FIELDS = ("compiles", "error_codes", "first_error", "rustc_warnings", "clippy_warnings", "clippy_errors", "lints")

#: How the evaluator words a sample it refuses because it reads a file by path.
READS_FILE = "sample reads a file by path"


def sysroot() -> Path:
    return Path(subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip())


def clippy_driver() -> Path:
    """``clippy-driver`` of the active toolchain, by absolute path."""
    return sysroot() / "bin" / "clippy-driver"


def crate_type(source: str) -> str:
    """``bin`` when the sample has a top-level ``fn main``, else ``lib`` (the evaluator's ``auto``)."""
    return sigil_evaluator.crate_kind(source)


def cap(message: str) -> str:
    data = message.encode()
    if len(data) <= MAX_MESSAGE_BYTES:
        return message
    end = MAX_MESSAGE_BYTES
    while end > 0 and (data[end] & 0xC0) == 0x80:
        end -= 1
    return f"{data[:end].decode()} [... cut: {len(data) - end} more bytes]"


def parse(stderr: str) -> dict[str, Any]:
    """Verdict fields from one run's JSON diagnostics; clippy lints at error level are lints."""
    errors: list[dict[str, Any]] = []
    lints: dict[str, int] = {}
    rustc_w = clippy_w = clippy_e = 0
    for line in stderr.splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if d.get("$message_type", "diagnostic") != "diagnostic":
            continue
        code = (d.get("code") or {}).get("code")
        if not d["spans"] and code is None and (d["message"].startswith("aborting due to") or d["message"].endswith("emitted")):
            continue
        is_error = d["level"].startswith("error")
        if is_error and not (code or "").startswith("clippy::"):
            errors.append(d)
        elif is_error or d["level"] == "warning":
            name = code or "warning"
            lints[name] = lints.get(name, 0) + 1
            if is_error:
                clippy_e += 1
            elif name.startswith("clippy::"):
                clippy_w += 1
            else:
                rustc_w += 1
    codes: list[str] = []
    for e in errors:
        c = (e.get("code") or {}).get("code")
        if c and c not in codes:
            codes.append(c)
    return {
        "compiles": not errors,
        "error_codes": codes,
        "first_error": cap(errors[0]["message"]) if errors else None,
        "rustc_warnings": rustc_w,
        "clippy_warnings": clippy_w,
        "clippy_errors": clippy_e,
        "lints": lints,
    }


def _run(program: Path, source: str, kind: str, edition: str, emit: str, extra_args: tuple[str, ...], timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="sigil-ref-") as d:
        (Path(d) / "main.rs").write_text(source)
        proc = subprocess.run(
            [str(program), "--edition", edition, "--error-format=json", f"--emit={emit}", "--crate-type", kind,
             "--out-dir", d, *extra_args, "main.rs"],
            cwd=d, capture_output=True, text=True, timeout=timeout,
        )
    return proc.stderr


def check_single(
    source: str,
    driver: Path,
    edition: str = "2021",
    extra_args: tuple[str, ...] = (),
    *,
    verdict: Literal["check", "build"] = "check",
    kind: str | None = None,
    rustc_verdict: Literal["always", "on_error", "never"] = "on_error",
    timeout: float = 120,
) -> dict[str, Any]:
    """Checks one sample alone and returns its verdict fields."""
    kind = kind or crate_type(source)
    emit = "metadata" if verdict == "check" else "obj"
    got = parse(_run(driver, source, kind, edition, emit, extra_args, timeout))
    if rustc_verdict == "always" or (rustc_verdict == "on_error" and not got["compiles"]):
        rustc = driver.parent / "rustc"
        compiled = parse(_run(rustc, source, kind, edition, emit, extra_args, timeout))
        # The verdict is rustc's. Error codes and first error are clippy-driver's, the lone run every
        # result is compared with, unless rustc compiles what clippy-driver failed (clippy's doing).
        got["compiles"] = compiled["compiles"]
        if compiled["compiles"]:
            got.update({k: compiled[k] for k in ("error_codes", "first_error")})
    return got


def mismatch(got: dict[str, Any], want: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields where the evaluator's result differs from the reference (empty: they agree).

    A sample the evaluator refuses for reading a file by path fails by rule (docs/evaluation.md), without a
    compiler run: only ``compiles`` is compared, and it must be false. (Alone, the file it names is missing,
    unless it names the reference's own file name, ``main.rs``, which is no part of the sample.)
    """
    if (got.get("first_error") or "").startswith(READS_FILE):
        return {} if not got["compiles"] else {"compiles": (got["compiles"], want["compiles"])}
    return {f: (got[f], want[f]) for f in FIELDS if got[f] != want[f]}
