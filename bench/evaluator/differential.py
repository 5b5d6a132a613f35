"""Differential tester: a sample's batched result must equal its lone ``clippy-driver`` result (verdict from
``rustc`` alone), whatever its batch-mates.

    python bench/evaluator/differential.py --n 5000 --batch-sizes 32 64 --out bench/evaluator/differential.json

Draws a large, varied corpus - the benchmark corpus (clean, clippy-dirty and failing programs), files from the
local cargo registry (real library code, lint-heavy, mostly failing for want of their crate), and generated
adversarial programs for every class where crate scope can leak into a sample's result (inner attributes, lint
levels raised by attributes, non-ASCII identifiers and confusables, MIR-lint triggers, clippy and rustc
deny-level lints, `crate::`/`$crate` paths, macros, `#![no_main]`, file reads, syntax and lexical errors,
libraries) - shuffles it, checks it with the evaluator at each batch size, and compares every sample's verdict,
error codes, first error and lints by name with the reference (``reference.check_single``). A mismatch is shrunk
to a minimal pair (the sample and one batch-mate that changes its result, or the sample alone) and reported.

Exit status 1 when any sample mismatches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import reference  # noqa: E402
from sigil_evaluator import Evaluator  # noqa: E402


@dataclass
class Sample:
    id: str
    category: str
    source: str


# --- adversarial programs -----------------------------------------------------------------------

LINT_LEVELS = ("allow", "warn", "deny", "forbid", "expect")
RUSTC_LINTS = ("dead_code", "unused_variables", "unused_mut", "non_snake_case", "unused_imports", "warnings", "unused",
               "non_ascii_idents", "uncommon_codepoints", "missing_docs", "unreachable_pub", "unsafe_code",
               "arithmetic_overflow", "unconditional_panic", "overflowing_literals", "unused_results", "trivial_casts")
CLIPPY_LINTS = ("clippy::all", "clippy::pedantic", "clippy::nursery", "clippy::redundant_clone", "clippy::large_stack_frames",
                "clippy::missing_const_for_fn", "clippy::needless_return", "clippy::approx_constant", "clippy::eq_op",
                "clippy::multiple_inherent_impl", "clippy::disallowed_script_idents", "clippy::restriction",
                "clippy::module_name_repetitions", "clippy::must_use_candidate", "clippy::unwrap_used")
IDENTS = ("zähler", "größe", "café", "naïve", "\u0430", "\u0440", "\u03b1", "\u0435\u0445", "データ", "x\u00b2")
CONFUSABLE_ASCII = ("a", "p", "e", "x", "o", "c")

BODIES = (
    # MIR-lint triggers: rustc reports them only once optimized MIR is built (or under `build`).
    "let limit: u8 = 255;\n    let next = limit + 1;\n    println!(\"{next}\");",
    "let a = [1, 2, 3];\n    let i = 7;\n    println!(\"{}\", a[i]);",
    "let d = 0;\n    println!(\"{}\", 10 / d);",
    "let x: i32 = i32::MAX;\n    let y = x * 2;\n    println!(\"{y}\");",
    # clippy deny-level lints (correctness group).
    "let pi = 3.14159;\n    println!(\"{pi}\");",
    "let x = 5;\n    println!(\"{}\", x == x);",
    "let v = [1u8; 4];\n    println!(\"{}\", v[9]);",
    "let e = 2.718281828;\n    println!(\"{e}\");",
    # rustc deny-by-default lints.
    "let x: u8 = 256;\n    println!(\"{x}\");",
    "let s = 1u32 << 40;\n    println!(\"{s}\");",
    # ordinary lints.
    "let s = String::from(\"a\");\n    let t = s.clone();\n    println!(\"{t}\");",
    "let mut unused = 3;\n    let v: Vec<i32> = Vec::new();\n    println!(\"{}\", v.len());",
    "let v = vec![1, 2, 3];\n    for i in 0..v.len() {\n        println!(\"{}\", v[i]);\n    }",
    "let n = Some(3);\n    if n.is_some() {\n        println!(\"{}\", n.unwrap());\n    }",
    # hard errors.
    "let n: i32 = \"five\";\n    println!(\"{n}\");",
    "println!(\"{}\", missing_name);",
    "let s = String::new();\n    let t = s;\n    println!(\"{s} {t}\");",
    # clean.
    "let total: i32 = (1..=10).sum();\n    println!(\"{total}\");",
)

ITEMS = (
    "pub struct S;\nimpl S {\n    pub fn a(&self) -> u8 {\n        1\n    }\n}\nimpl S {\n    pub fn b(&self) -> u8 {\n        2\n    }\n}\n",
    "fn helper(v: &[i32]) -> usize {\n    v.len()\n}\n",
    "const fn twice(x: u8) -> u8 {\n    x * 2\n}\nconst BIG: u8 = twice(200);\n",
    "#[derive(Debug, Clone)]\nstruct Point {\n    x: f64,\n    y: f64,\n}\n",
    "pub fn unused_pub() {}\n",
    "fn never_used() {}\n",
    "macro_rules! sq {\n    ($x:expr) => {\n        $x * $x\n    };\n}\n",
    "trait Shape {\n    fn area(&self) -> f64;\n}\nstruct Sq(f64);\nimpl Shape for Sq {\n    fn area(&self) -> f64 {\n        self.0 * self.0\n    }\n}\n",
    "fn big() -> [u8; 100000] {\n    [0; 100000]\n}\n",
    "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert_eq!(1 + 1, 2);\n    }\n}\n",
    "mod inner {\n    pub fn f() -> u8 {\n        super::g()\n    }\n}\nfn g() -> u8 {\n    2\n}\n",
    "static mut COUNTER: u32 = 0;\nfn bump() -> u32 {\n    unsafe {\n        COUNTER += 1;\n        COUNTER\n    }\n}\n",
    "struct Foo<T>(T);\nimpl<T> Foo<T> {\n    const BAD: () = assert!(std::mem::size_of::<T>() == 1, \"size\");\n}\nfn use_it() {\n    let () = Foo::<u32>::BAD;\n}\n",
)


def _attr(r: random.Random, inner: bool) -> str:
    level = r.choice(LINT_LEVELS)
    lint = r.choice(RUSTC_LINTS + CLIPPY_LINTS)
    bang = "!" if inner else ""
    if r.random() < 0.15:
        return f"#{bang}[cfg_attr(all(), {level}({lint}))]\n"
    return f"#{bang}[{level}({lint})]\n"


def _program(r: random.Random, body: str, items: list[str], main: bool = True) -> str:
    text = "".join(items)
    if main:
        text += f"fn main() {{\n    {body}\n}}\n"
    else:
        text += f"pub fn run() {{\n    {body}\n}}\n"
    return text


def adversarial(n: int, seed: int) -> list[Sample]:
    """Generated programs for every class where crate scope could leak into a sample's result."""
    r = random.Random(seed)
    out: list[Sample] = []
    classes: list[tuple[str, Callable[[], str]]] = []

    def plain() -> str:
        return _program(r, r.choice(BODIES), r.sample(ITEMS, r.randint(0, 2)), main=r.random() < 0.8)

    def inner_attr() -> str:
        head = "".join(_attr(r, True) for _ in range(r.randint(1, 2)))
        if r.random() < 0.2:
            head += r.choice(("#![no_main]\n", "#![no_std]\n", "#![recursion_limit = \"64\"]\n", "#![crate_type = \"lib\"]\n"))
        return head + plain()

    def outer_attr() -> str:
        items = r.sample(ITEMS, r.randint(1, 2))
        k = r.randrange(len(items))
        items[k] = _attr(r, False) + items[k]
        return _program(r, r.choice(BODIES), items)

    def nested_attr() -> str:
        body = "#![" + r.choice(LINT_LEVELS) + "(" + r.choice(RUSTC_LINTS + CLIPPY_LINTS) + ")]\n    " + r.choice(BODIES)
        return _program(r, body, r.sample(ITEMS, r.randint(0, 1)))

    def non_ascii() -> str:
        name = r.choice(IDENTS)
        body = f"let {name} = {r.randint(1, 9)};\n    println!(\"{{}}\", {name});\n    " + r.choice(BODIES)
        head = _attr(r, True) if r.random() < 0.3 else ""
        return head + _program(r, body, r.sample(ITEMS, r.randint(0, 1)))

    def confusable() -> str:
        ascii_name = r.choice(CONFUSABLE_ASCII)
        return _program(r, f"let {ascii_name} = 1;\n    println!(\"{{}}\", {ascii_name});\n    " + r.choice(BODIES), [])

    def crate_paths() -> str:
        body = r.choice(("println!(\"{}\", crate::helper(&[1]));", "let v = sq!(3);\n    println!(\"{v}\");"))
        items = [ITEMS[1], ITEMS[6]]
        if r.random() < 0.5:
            items.append("#[macro_export]\nmacro_rules! cm {\n    () => {\n        $crate::helper(&[])\n    };\n}\n")
        return _program(r, body, items)

    def macros() -> str:
        return r.choice((
            "macro_rules! r {\n    () => {\n        r!()\n    };\n}\nfn main() {\n    r!();\n}\n",
            "macro_rules! make {\n    ($n:ident) => {\n        fn $n() -> u8 {\n            1\n        }\n    };\n}\nmake!(one);\nfn main() {\n    println!(\"{}\", one());\n}\n",
            "macro_rules! lvl {\n    ($l:ident) => {\n        #[$l(clippy::redundant_clone)]\n        fn f() -> String {\n            let s = String::new();\n            s.clone()\n        }\n    };\n}\nlvl!(warn);\nfn main() {\n    println!(\"{}\", f());\n}\n",
            "fn main() {\n    println!(\"{} {}\", 1);\n}\n",
        )) + ("" if r.random() < 0.7 else "fn extra() {}\n")

    def reads_file() -> str:
        return r.choice((
            "fn main() {\n    let s = include_str!(\"../s1/main.rs\");\n    println!(\"{}\", s.len());\n}\n",
            "fn main() {\n    let s = include_bytes!(\"main.rs\");\n    println!(\"{}\", s.len());\n}\n",
            "mod helpers;\nfn main() {\n    helpers::run();\n}\n",
            "#[path = \"../s0/main.rs\"]\nmod peer;\nfn main() {}\n",
            "fn main() {\n    let s = include_str!(\"/src/s1/main.rs\");\n    println!(\"{}\", s.len());\n}\n",
            "fn main() {\n    let s = include_str!(concat!(\"../s\", \"2/main.rs\"));\n    println!(\"{}\", s.len());\n}\n",
        ))

    def syntax() -> str:
        return r.choice((
            "fn main() {\n    let x = (1, 2;\n    println!(\"{:?}\", x);\n}\n",
            "fn main() {\n    let x = 5\n    println!(\"{}\", x);\n}\n",
            "fn main() {\n    let s = \"unterminated;\n}\n",
            "fn main() {\n    if true {\n        println!(\"x\");\n",
            "fn main() {\n    let v = vec![1, 2, 3;\n}\n",
            "fn main() -> {\n    0\n}\n",
        ))

    classes = [("plain", plain), ("inner_attr", inner_attr), ("outer_attr", outer_attr), ("nested_attr", nested_attr),
               ("non_ascii", non_ascii), ("confusable", confusable), ("crate_paths", crate_paths), ("macros", macros),
               ("reads_file", reads_file), ("syntax", syntax)]
    weights = [4, 3, 3, 1, 2, 2, 1, 1, 1, 2]
    for i in range(n):
        name, make = r.choices(classes, weights)[0]
        out.append(Sample(f"adv-{seed}-{i}", f"adversarial:{name}", make()))
    return out


def registry(n: int, seed: int, max_bytes: int = 12_000) -> list[Sample]:
    """Source files of crates in the local cargo registry (real code, mostly failing alone: their crate is missing)."""
    roots = list((Path.home() / ".cargo" / "registry" / "src").glob("*"))
    files = sorted(p for root in roots for p in root.glob("*/src/**/*.rs") if p.stat().st_size <= max_bytes)
    r = random.Random(seed)
    r.shuffle(files)
    out = []
    for path in files:
        if len(out) >= n:
            break
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        out.append(Sample(f"reg-{path.parent.name}-{path.name}-{len(out)}", "registry", text))
    return out


def mixed_corpus(n: int, seed: int) -> list[Sample]:
    """About 40% benchmark corpus, 20% registry files, 40% adversarial programs; unique sources."""
    bench = [Sample(s.id, s.category, s.source) for s in corpus.generate(int(n * 0.45), seed=seed)]
    reg = registry(int(n * 0.22), seed)
    adv = adversarial(n, seed)
    seen: set[str] = set()
    out: list[Sample] = []
    for s in bench + reg + adv:
        if s.source not in seen and len(out) < n:
            seen.add(s.source)
            out.append(s)
    return out


# --- comparison and shrinking -------------------------------------------------------------------


def reference_results(samples: list[Sample], jobs: int, **kwargs: Any) -> list[dict[str, Any]]:
    driver = reference.clippy_driver()
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda s: reference.check_single(s.source, driver, rustc_verdict="always", **kwargs), samples))


def shrink(sample: Sample, mates: list[Sample], want: dict[str, Any], make: Callable[[], Evaluator]) -> list[str]:
    """The smallest set of batch-mates found that still changes ``sample``'s result: [] when it is wrong alone."""

    def wrong(with_mates: list[Sample]) -> bool:
        got = make().check([sample.source] + [m.source for m in with_mates])[0]
        return bool(reference.mismatch(got, want))

    if wrong([]):
        return []
    if not wrong(mates):
        return [m.id for m in mates]  # not reproducible in one batch: report the whole context
    # Delta debugging over the mates: keep a half that still reproduces, then try dropping single mates.
    current = mates
    while len(current) > 1:
        half = len(current) // 2
        left, right = current[:half], current[half:]
        if wrong(left):
            current = left
        elif wrong(right):
            current = right
        else:
            break
    changed = True
    while changed and len(current) > 1:
        changed = False
        for i in range(len(current)):
            trial = current[:i] + current[i + 1 :]
            if wrong(trial):
                current, changed = trial, True
                break
    return [m.id for m in current]


@dataclass
class Mismatch:
    id: str
    category: str
    batch_size: int
    fields: dict[str, Any]
    minimal_mates: list[str]


def differential(samples: list[Sample], batch_sizes: Iterable[int], seed: int, jobs: int, *, verdict: str = "check",
                 sandbox: str = "bwrap", shrink_limit: int = 5, log: Callable[[str], None] = print) -> dict[str, Any]:
    t0 = time.monotonic()
    want = reference_results(samples, jobs, verdict=verdict)
    ref_s = time.monotonic() - t0
    log(f"reference: {len(samples)} samples alone in {ref_s:.0f} s")
    by_id = {s.id: s for s in samples}
    mismatches: list[Mismatch] = []
    runs = []
    for size in batch_sizes:
        order = list(range(len(samples)))
        random.Random(seed * 1000 + size).shuffle(order)
        shuffled = [samples[i] for i in order]

        def make(size: int = size) -> Evaluator:
            return Evaluator(batch_size=size, jobs=jobs, sandbox=sandbox, compile_timeout=60, verdict=verdict)

        ev = make()
        t = time.monotonic()
        got = ev.check([s.source for s in shuffled])
        secs = time.monotonic() - t
        stats = ev.stats()
        runs.append({"batch_size": size, "seconds": round(secs, 1), "stats": stats})
        log(f"batch size {size}: {len(samples)} samples in {secs:.0f} s, {stats}")
        bad = [(pos, reference.mismatch(g, want[order[pos]])) for pos, g in enumerate(got)]
        bad = [(pos, fields) for pos, fields in bad if fields]
        for k, (pos, fields) in enumerate(bad):
            s = shuffled[pos]
            # The batch-mates it could have met: the samples around it in the shuffled order.
            lo, hi = max(0, pos - 2 * size), min(len(shuffled), pos + 2 * size)
            mates = [m for m in shuffled[lo:hi] if m.id != s.id]
            mates_ids = shrink(s, mates, want[order[pos]], make) if k < shrink_limit else ["(not shrunk)"]
            mismatches.append(Mismatch(s.id, s.category, size, {f: list(v) for f, v in fields.items()}, mates_ids))
            log(f"MISMATCH {s.id} ({s.category}) at batch size {size}: {fields}; minimal mates: {mates_ids}")
    categories: dict[str, int] = {}
    for s in samples:
        key = s.category.split(":")[0] if not s.category.startswith("adversarial") else s.category
        categories[key] = categories.get(key, 0) + 1
    return {
        "samples": len(samples),
        "checks": len(samples) * len(list(batch_sizes)),
        "categories": categories,
        "reference_compiles": sum(w["compiles"] for w in want),
        "reference_clippy_errors": sum(w["clippy_errors"] > 0 for w in want),
        "reference_seconds": round(ref_s, 1),
        "runs": runs,
        "mismatches": [asdict(m) for m in mismatches],
        "minimal_pairs": [[by_id[m.id].source] + [by_id[x].source for x in m.minimal_mates if x in by_id] for m in mismatches[:shrink_limit]],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--verdict", choices=["check", "build"], default="check")
    ap.add_argument("--sandbox", choices=["bwrap", "none"], default="bwrap")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    samples = mixed_corpus(args.n, args.seed)
    started = dt.datetime.now(dt.UTC)
    report = differential(samples, args.batch_sizes, args.seed, args.jobs, verdict=args.verdict, sandbox=args.sandbox)
    report.update(
        command="python bench/evaluator/differential.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        date=started.isoformat(timespec="seconds"),
        machine=f"{platform.node()} ({os.cpu_count()} cores, shared)",
        toolchain=Evaluator(sandbox="none").toolchain_version,
    )
    print(json.dumps({k: v for k, v in report.items() if k != "minimal_pairs"}, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 1 if report["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
