"""The Python contract sigil relies on: result shape, verdicts, lints, rejections, cache."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sigil_evaluator
from sigil_evaluator import Evaluator, extract_code, prefilter, toolchain_info

KEYS = {
    "status", "compiles", "error_codes", "first_error_kind", "first_error", "rustc_warnings",
    "clippy_warnings", "clippy_errors", "lints", "reject_reason", "cached", "duration_ms", "isolation",
}
CLEAN = "fn main() {\n    let v = [1, 2, 3];\n    println!(\"{}\", v.len());\n}\n"
DIRTY = "fn twice(x: i32) -> i32 {\n    return x * 2;\n}\nfn main() {\n    let unused = 3;\n    println!(\"{}\", twice(4));\n}\n"
BROKEN = "fn main() {\n    let n: i32 = \"five\";\n    println!(\"{}\", n);\n}\n"


def test_exports_and_version() -> None:
    assert sigil_evaluator.__all__ == [
        "FORMULA_VERSION",
        "CheckResult",
        "Evaluator",
        "__version__",
        "analyze_rust",
        "crate_kind",
        "default_weights",
        "extract_code",
        "find_panics",
        "prefilter",
        "run_programs",
        "score",
        "split_rust",
        "toolchain_info",
    ]
    assert sigil_evaluator.__version__ == "0.1.0"


def test_results_have_exactly_the_contract_keys_in_input_order(evaluator: Evaluator) -> None:
    results = evaluator.check([DIRTY, BROKEN, CLEAN])
    assert [set(r) for r in results] == [KEYS] * 3
    assert [r["status"] for r in results] == ["ok", "error", "ok"]
    assert all(r["isolation"] == "bwrap" == evaluator.isolation for r in results)


def test_counts_rustc_and_clippy_warnings_by_lint(evaluator: Evaluator) -> None:
    (r,) = evaluator.check([DIRTY])
    assert r["compiles"] and r["error_codes"] == [] and r["first_error"] is None
    assert r["lints"] == {"clippy::needless_return": 1, "unused_variables": 1}
    assert (r["rustc_warnings"], r["clippy_warnings"]) == (1, 1)


def test_errors_are_coded_and_classified(evaluator: Evaluator) -> None:
    samples = {
        "type_mismatch": BROKEN,
        "unresolved": "fn main() {\n    println!(\"{}\", nothing_here);\n}\n",
        "borrow": "fn main() {\n    let s = String::new();\n    let t = s;\n    println!(\"{} {}\", s, t);\n}\n",
        "syntax": "fn main() {\n    let x = 5\n    println!(\"{}\", x);\n}\n",
        "macro": "fn main() {\n    println!(\"{} {}\", 1);\n}\n",
        "trait": "struct S;\nfn main() {\n    println!(\"{}\", S);\n}\n",
        "lifetime": "fn pick(a: &str, b: &str) -> &str {\n    a\n}\nfn main() {}\n",
    }
    results = evaluator.check(list(samples.values()))
    for kind, r in zip(samples, results):
        assert r["status"] == "error" and not r["compiles"], kind
        assert r["first_error_kind"] == kind, (kind, r["first_error"])
        assert r["first_error"]
    assert results[0]["error_codes"] == ["E0308"]


def test_duplicates_and_libraries(evaluator: Evaluator) -> None:
    lib = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\nfn helper() {}\n"
    a, b, c = evaluator.check([lib, CLEAN, lib])
    assert a["status"] == c["status"] == "ok"
    assert a["lints"] == c["lints"] == {"dead_code": 1}  # the pub fn is exported, the private one is dead


def test_rejections_never_break_the_batch(evaluator: Evaluator) -> None:
    results = evaluator.check(["\x00\x01\x02binary\x00", "fn main() {}\n" * 100_000, "fn main() { \ud800 }", CLEAN])
    assert [r["reject_reason"] for r in results] == ["binary", "too large", "not utf-8", None]
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected", "ok"]


def test_non_string_input_is_a_type_error(evaluator: Evaluator) -> None:
    with pytest.raises(TypeError, match=r"sources\[1\]"):
        evaluator.check([CLEAN, 42])  # type: ignore[list-item]


def test_lint_configuration() -> None:
    src = "fn main() {\n    let x: i32 = 300;\n    let y = x as u8;\n    println!(\"{}\", y);\n    return;\n}\n"
    default, pedantic, quiet = (
        Evaluator(sandbox="none").check([src])[0],
        Evaluator(sandbox="none", pedantic=True).check([src])[0],
        Evaluator(sandbox="none", lints=["-A clippy::needless_return"]).check([src])[0],
    )
    assert "clippy::cast_possible_truncation" not in default["lints"]
    assert pedantic["lints"].get("clippy::cast_possible_truncation") == 1
    assert "clippy::needless_return" in default["lints"] and "clippy::needless_return" not in quiet["lints"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sandbox": "docker"}, "sandbox"),
        ({"edition": "2019"}, "edition"),
        ({"lints": ["--extern evil=/x"]}, "lints"),
        ({"batch_size": 0}, "batch_size"),
        ({"compile_timeout": 0}, "compile_timeout"),
        ({"deps": ["not a dependency"]}, "deps"),
        ({"verdict": "run"}, "verdict"),
        ({"crate_type": "dylib"}, "crate_type"),
    ],
)
def test_bad_settings_name_the_setting(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Evaluator(**kwargs)  # type: ignore[arg-type]


def test_cache_hits_return_the_same_verdict(tmp_path: Path) -> None:
    ev = Evaluator(cache_dir=tmp_path)
    first = ev.check([DIRTY, BROKEN])
    second = Evaluator(cache_dir=tmp_path).check([DIRTY, BROKEN])
    assert [r["cached"] for r in first] == [False, False]
    assert [r["cached"] for r in second] == [True, True]
    drop = ("cached", "duration_ms")
    assert [{k: v for k, v in r.items() if k not in drop} for r in first] == [
        {k: v for k, v in r.items() if k not in drop} for r in second
    ]
    # Another edition is another key.
    assert Evaluator(cache_dir=tmp_path, edition="2018").check([DIRTY])[0]["cached"] is False


def test_cache_survives_concurrent_writers(tmp_path: Path) -> None:
    sources = [CLEAN.replace("1, 2, 3", f"{i}, 2") for i in range(12)]
    out: list[list[dict[str, object]]] = []
    threads = [threading.Thread(target=lambda: out.append(Evaluator(cache_dir=tmp_path, jobs=1).check(sources))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again = Evaluator(cache_dir=tmp_path).check(sources)
    assert all(r["cached"] and r["status"] == "ok" for r in again)


def test_prefilter_and_extract() -> None:
    program = 'fn label(s: &\'static str) -> String {\n    s.to_string()\n}\nfn main() {\n    println!("{}", label("x"));\n}\n'
    assert prefilter(program) is None
    assert prefilter(program[:-3]) == "unclosed_delimiter"
    assert prefilter("fn main() {}") == "too_short"
    # Without `fn main` a sample is a library unless samples must be programs.
    assert prefilter(program.replace("main", "start")) is None
    assert prefilter(program.replace("main", "start"), crate_type="lib") is None
    assert prefilter(program.replace("main", "start"), crate_type="bin") == "no_main"
    assert prefilter(program.replace("main", "start"), check_main=False, crate_type="bin") is None
    with pytest.raises(ValueError, match="crate_type"):
        prefilter(program, crate_type="dylib")  # type: ignore[arg-type]
    assert extract_code(f"Sure!\n```rust\n{program}```\nThat prints x.") == program.strip("\n")


def test_toolchain_info() -> None:
    info = toolchain_info()
    assert info["rustc_version"].startswith("rustc ")
    assert Path(info["clippy_driver"]).is_absolute()


def test_wheel_stands_alone(tmp_path: Path) -> None:
    code = (
        "import sys, sigil_evaluator as s\n"
        "r = s.Evaluator(sandbox='none').check(['fn main() {}'])[0]\n"
        "assert r['status'] == 'ok', r\n"
        "assert 'sigil' not in sys.modules\n"
        "print(s.__file__)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "site-packages" in out.stdout or "dist-packages" in out.stdout


def test_type_stubs_match_the_module() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy.stubtest", "sigil_evaluator"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_error_text_is_capped(evaluator: Evaluator) -> None:
    """A few hundred bytes of macros that make a 4 MB error message store 2 KB of it, and say so."""
    src = 'macro_rules! m0 { () => { "' + "x" * 1000 + '" } }\n'
    for level in range(1, 5):
        src += f"macro_rules! m{level} {{ () => {{ concat!({', '.join([f'm{level - 1}!()'] * 8)}) }} }}\n"
    src += "compile_error!(m4!());\nfn main() {}\n"
    (r,) = evaluator.check([src])
    assert r["status"] == "error" and "[... cut: " in (r["first_error"] or "")
    assert len(json.dumps(r)) < 3000
