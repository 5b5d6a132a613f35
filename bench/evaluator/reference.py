"""The reference the evaluator must agree with: one sample, alone, through ``clippy-driver``.

    clippy-driver --edition 2021 --error-format=json --emit=metadata --crate-type bin|lib main.rs

No batching, no sandbox, no cache: an independent reading of the JSON diagnostics, used by the
equivalence test and as baseline (b) of the benchmark.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

_MAIN = re.compile(r"^(?:pub(?:\([a-z]+\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+main\b", re.MULTILINE)


def clippy_driver() -> Path:
    """``clippy-driver`` of the active toolchain, by absolute path."""
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip()
    return Path(sysroot) / "bin" / "clippy-driver"


def crate_type(source: str) -> str:
    """``bin`` when the sample defines ``fn main`` at the start of a line, else ``lib``."""
    return "bin" if _MAIN.search(source) else "lib"


def parse(stderr: str) -> dict[str, Any]:
    """Verdict fields from rustc's JSON diagnostics."""
    errors: list[dict[str, Any]] = []
    lints: dict[str, int] = {}
    rustc_w = clippy_w = 0
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
        if d["level"].startswith("error"):
            errors.append(d)
        elif d["level"] == "warning":
            name = code or "warning"
            lints[name] = lints.get(name, 0) + 1
            if name.startswith("clippy::"):
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
        "first_error": errors[0]["message"] if errors else None,
        "rustc_warnings": rustc_w,
        "clippy_warnings": clippy_w,
        "lints": lints,
    }


def check_single(source: str, driver: Path, edition: str = "2021", extra_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """Checks one sample alone and returns its verdict fields."""
    with tempfile.TemporaryDirectory(prefix="sigil-ref-") as d:
        path = Path(d) / "main.rs"
        path.write_text(source)
        proc = subprocess.run(
            [str(driver), "--edition", edition, "--error-format=json", "--emit=metadata", "--crate-type", crate_type(source),
             "--out-dir", d, *extra_args, "main.rs"],
            cwd=d, capture_output=True, text=True, timeout=120,
        )
    return parse(proc.stderr)
