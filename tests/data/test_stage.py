"""The data stage end to end through the real CLI: artifacts, stats, split, config keys, bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from sigil import hookimpl
from sigil.data.records import Drop
from sigil.data.sources import CORPUS_DIR

LIB = "/// Returns {n}.\npub fn value_{n}() -> u32 {{\n    let base = {n} * 31 + {n} % 7;\n    base + 1000 - {n}\n}}\n"


def jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_known_corpus_stats_and_output_format(tmp_path: Path, run_data) -> None:
    rows = [{"content": LIB.format(n=n) + f"// file {n} with its own body {n * 7919}\n", "path": f"src/m{n}.rs"} for n in range(20)]
    rows += [
        {"content": "fn a() {}", "path": "src/short.rs"},  # too short
        {"content": LIB.format(n=1) + "// file 1 with its own body 7919\n", "path": "src/copy.rs"},  # exact duplicate
        {"content": LIB.format(n=99), "path": "vendor/x/src/lib.rs"},
        {"content": LIB.format(n=98), "path": "tests/it.rs"},
        {"content": LIB.format(n=97).replace("base + 1000", "dbg!(base) + 1000"), "path": "src/debug.rs"},
        {"prompt": "Write a function returning 5.", "gen": LIB.format(n=5) + "// instruct answer body\n"},
    ]
    source = jsonl(tmp_path / "data.jsonl", rows)
    stage = run_data(
        f"  names: ['local:{source}']\n  min_length: 20\n  validation_split: 0.1\n  dedup: exact\n"
        "  exclude_low_quality: true"
    )
    stats = json.loads((stage / "stats.json").read_text())
    (per_source,) = stats["sources"]
    assert per_source["read"] == 26
    assert per_source["reasons"] == {
        "length: too short": 1, "duplicates: exact duplicate": 1, "vendor: vendored path": 1,
        "tests: tests path": 1, "low_quality: debug print": 1,
    }
    assert per_source["passed"] == 21 and per_source["filtered"] == 5
    assert per_source["validation"] == 2 and per_source["train"] == 19
    assert stats["total"]["read"] == 26 and stats["filters"][0] == "vendor"
    assert per_source["dropped_share"]["length"]["files"] == round(1 / 26, 4)

    # every dropped input, with its filter, reason and what decided it
    dropped = read_lines(stage / "dropped.jsonl")
    assert sorted((row["path"], row["filter"], row["reason"]) for row in dropped) == [
        ("src/copy.rs", "duplicates", "exact duplicate"), ("src/debug.rs", "low_quality", "debug print"),
        ("src/short.rs", "length", "too short"), ("tests/it.rs", "tests", "tests path"),
        ("vendor/x/src/lib.rs", "vendor", "vendored path"),
    ]
    assert next(row for row in dropped if row["path"] == "src/copy.rs")["detail"] == "of src/m1.rs"
    assert per_source["examples"]["vendor: vendored path"] == ["vendor/x/src/lib.rs"]  # top reasons with examples

    train, validation = read_lines(stage / "train.jsonl"), read_lines(stage / "validation.jsonl")
    assert len(train) == 19 and len(validation) == 2
    assert not {r["id"] for r in train} & {r["id"] for r in validation}
    assert all(list(r) == ["id", "source", "path", "task", "content", "prompt"] for r in train + validation)
    instruct = [r for r in train + validation if r["task"] == "instruct"]
    assert instruct[0]["prompt"] == "Write a function returning 5." and instruct[0]["path"] is None

    with open(stage / "stats.csv") as handle:
        table = list(csv.DictReader(handle))
    assert [row["source"] for row in table] == [f"local:{source}", "total"]
    assert table[0]["filtered: length: too short"] == "1" and table[0]["passed"] == "21"

    metrics = [json.loads(line) for line in (stage.parent.parent / "metrics.jsonl").read_text().splitlines()]
    logged = [m for m in metrics if m.get("source") == f"local:{source}"]
    assert logged and logged[0]["filtered/length: too short"] == 1 and logged[0]["train"] == 19


def test_real_crates_directory(tmp_path: Path, run_data) -> None:
    # a copy of the bundled corpus as a checkout: .gitignore, target/, and one non-UTF-8 file
    root = tmp_path / "checkout"
    shutil.copytree(CORPUS_DIR / "tiny-rust", root)
    (root / ".gitignore").write_text("target/\n")
    (root / "crates/ledger/src/latin1.rs").write_bytes(b"// caf\xe9\nfn f() {}\n")
    stage = run_data(f"  names: ['dir:{root}']\n  strip_test_modules: true")
    stats = json.loads((stage / "stats.json").read_text())["total"]
    reasons = stats["reasons"]
    assert reasons["read: not UTF-8"] == 1
    assert "vendor: build output path" not in reasons  # target/ was never walked
    assert reasons["vendor: vendored path"] == 1
    assert reasons["tests: tests path"] == 30 and reasons["examples: examples path"] == 12
    assert reasons["duplicates: exact duplicate"] >= 1 and reasons["duplicates: near duplicate"] >= 1
    assert "tests: #[cfg(test)] code" not in reasons  # stripped instead
    train = read_lines(stage / "train.jsonl")
    assert not any("#[cfg(test)]" in r["content"] for r in train)
    template = next(r for r in train if r["path"] == "crates/textkit/src/template.rs")
    assert template["content"].endswith("    Ok(out)\n}\n")
    assert stats["read"] == stats["passed"] + stats["filtered"] == 166


def test_cargo_registry_crates_if_present(tmp_path: Path, run_data) -> None:
    registry = sorted(Path.home().glob(".cargo/registry/src/*/cfg-if-*")) + sorted(Path.home().glob(".cargo/registry/src/*/either-*"))
    if len(registry) < 2:
        pytest.skip("no crates in ~/.cargo/registry/src")
    root = tmp_path / "crates"
    for crate in registry[:2]:
        shutil.copytree(crate, root / crate.name)
    stage = run_data(f"  names: ['{root}']\n  validation_split: 0.0\n  exclude_low_quality: false")
    stats = json.loads((stage / "stats.json").read_text())["total"]
    assert stats["read"] >= 3 and stats["train"] >= 1
    assert stats["read"] == stats["passed"] + stats["filtered"]


def test_parallel_and_serial_filtering_agree(tmp_path: Path, run_data) -> None:
    names = "  names: ['builtin:tiny-rust']\n  strip_test_modules: true\n"
    serial = run_data(names + "  workers: 1", name="serial")
    parallel = run_data(names + "  workers: 2", name="parallel")
    for artifact in ("train.jsonl", "validation.jsonl", "stats.json", "stats.csv"):
        assert (serial / artifact).read_text() == (parallel / artifact).read_text(), artifact
    assert json.loads((parallel / "stage.json").read_text())["metrics"]["workers"] == 2


BASE = "  names: ['builtin:tiny-rust']\n  validation_split: 0.0\n"


def totals(run_data, extra: str, name: str) -> dict:
    stage = run_data(BASE + extra, name=name)
    return json.loads((stage / "stats.json").read_text())["total"]


def prefixes(reasons: dict) -> set[str]:
    return {reason.split(":")[0] for reason in reasons}


ALL_MARKERS = (
    "  exclude_low_quality: true\n  low_quality_markers: [debug_print, todo_macro, todo_comment, unsafe, allow]\n"
    "  dedup: none\n"
)


@pytest.mark.parametrize(
    ("on", "off", "filter_name"),
    [
        ("", "  exclude_tests: false\n  strip_test_modules: false", "tests"),
        ("", "  exclude_examples: false", "examples"),
        ("", "  exclude_benches: false", "benches"),
        ("", "  exclude_vendor: false", "vendor"),
        (ALL_MARKERS, ALL_MARKERS.replace("exclude_low_quality: true", "exclude_low_quality: false"), "low_quality"),
    ],
)
def test_exclude_keys_turn_their_filter_off(run_data, on: str, off: str, filter_name: str) -> None:
    default = totals(run_data, on, "default")
    off = totals(run_data, off, "off")
    assert filter_name in prefixes(default["reasons"])
    assert filter_name not in prefixes(off["reasons"])
    assert off["passed"] > default["passed"]


def test_length_dedup_and_record_keys(run_data) -> None:
    default = totals(run_data, "", "default")
    assert "length: too long" not in default["reasons"]
    assert totals(run_data, "  max_length: 2000\n  split_long_files: false", "short")["reasons"]["length: too long"] > 0
    # split instead: more lines than files, every piece within the bound
    stage = run_data(BASE + "  max_length: 2000", name="split")
    lines = read_lines(stage / "train.jsonl")
    assert len(lines) > json.loads((stage / "stats.json").read_text())["total"]["train"]
    assert all(len(line["content"]) <= 2000 for line in lines) and any(line["id"].endswith("-1") for line in lines)
    assert totals(run_data, "  min_length: 500", "long")["reasons"]["length: too short"] > default["reasons"]["length: too short"]
    # with test modules stripped, the mirrored crates' exact copies survive to the duplicates filter
    strip = "  strip_test_modules: true\n"
    assert "duplicates" not in prefixes(totals(run_data, strip + "  dedup: none", "nodedup")["reasons"])
    near = totals(run_data, strip, "near")["reasons"]
    exact = totals(run_data, strip + "  dedup: exact", "exact")["reasons"]
    assert "duplicates: near duplicate" not in exact and exact["duplicates: exact duplicate"] == near["duplicates: exact duplicate"] > 0
    loose = totals(run_data, strip + "  near_dup_threshold: 0.3", "loose")["reasons"]
    assert loose["duplicates: near duplicate"] > near["duplicates: near duplicate"] > 0
    assert totals(run_data, "  max_records: 10", "few")["read"] == 10


def test_validation_split_and_shuffle_seed(run_data) -> None:
    names = "  names: ['builtin:tiny-rust']\n  validation_split: 0.2\n"
    first = read_lines(run_data(names + "  shuffle_seed: 1", name="s1") / "validation.jsonl")
    again = read_lines(run_data(names + "  shuffle_seed: 1", name="s1b") / "validation.jsonl")
    other = read_lines(run_data(names + "  shuffle_seed: 2", name="s2") / "validation.jsonl")
    assert first == again and {r["id"] for r in first} != {r["id"] for r in other}
    train = read_lines(run_data(names + "  shuffle_seed: 1", name="s1c") / "train.jsonl")
    assert len(first) == round(0.2 * (len(first) + len(train)))
    assert not {r["content"] for r in first} & {r["content"] for r in train}


def test_two_sources_interleave_weights_and_tasks(tmp_path: Path, run_data) -> None:
    a = jsonl(tmp_path / "a.jsonl", [{"content": LIB.format(n=n)} for n in range(100, 160)])
    b = jsonl(tmp_path / "b.jsonl", [{"prompt": f"Write value_{n}.", "gen": LIB.format(n=n)} for n in range(200, 260)])
    base = f"  names: ['{a}', '{b}']\n  validation_split: 0.0\n  dedup: none\n"

    def train(extra: str, name: str) -> list[dict]:
        return read_lines(run_data(base + extra, name=name) / "train.jsonl")

    concat = train("", "concat")
    assert [r["task"] for r in concat] == ["code"] * 60 + ["instruct"] * 60
    interleaved = train("  interleave_mode: interleave", "interleave")
    assert [r["task"] for r in interleaved[:4]] == ["code", "instruct", "code", "instruct"]
    weighted = train("  interleave_mode: weighted\n  dataset_weights: [1.0, 0.0]", "weighted")
    assert {r["task"] for r in weighted} == {"code"} and len(weighted) == 60
    stats = json.loads((tmp_path / "weighted/stages/data/stats.json").read_text())
    assert stats["sources"][1]["not_sampled"] == 60
    tasks = train("  task_weights: {code: 0.0, instruct: 1.0}", "tasks")
    assert {r["task"] for r in tasks} == {"instruct"}


def test_directory_keys_excludes_and_gitignore(tmp_path: Path, run_data) -> None:
    root = tmp_path / "repo"
    (root / "src/generated").mkdir(parents=True)
    for name in ("src/lib.rs", "src/generated/api.rs"):
        (root / name).write_text(LIB.format(n=len(name)))
    (root / ".gitignore").write_text("generated/\n")
    base = f"  names: ['dir:{root}']\n  validation_split: 0.0\n"
    paths = lambda extra, name: [r["path"] for r in read_lines(run_data(base + extra, name=name) / "train.jsonl")]  # noqa: E731
    assert paths("", "a") == ["src/lib.rs"]
    assert sorted(paths("  use_gitignore: false", "b")) == ["src/generated/api.rs", "src/lib.rs"]
    assert paths("  use_gitignore: false\n  excludes: ['/src/lib.rs']", "c") == ["src/generated/api.rs"]


def test_scored_keys_reach_the_filters(config, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from sigil.data.builtin_filters import documented, idiomatic

    monkeypatch.setitem(sys.modules, "sigil_evaluator", types.SimpleNamespace(score=lambda sources, **_: []))
    built = idiomatic(config(prefer_idiomatic=True, idiomatic_quality_ratio=0.7, idiomatic_threshold=0.6,
                             min_idiomatic_score=0.1, workers=3))
    assert (built.prefer, built.ratio, built.threshold, built.min_score, built.threads) == (True, 0.7, 0.6, 0.1, 3)
    assert idiomatic(config(min_idiomatic_score=0.2)).prefer is False
    assert documented(config(prefer_documented=True, min_documented_ratio=0.4)).min_ratio == 0.4
    assert documented(config()) is None


# --- bad input: one clear line, non-zero exit, nothing half-written


def test_everything_filtered_is_a_data_error(tmp_path: Path, run_data, capsys) -> None:
    source = jsonl(tmp_path / "tiny.jsonl", [{"content": "fn a() {}"}, {"content": "fn b() {}"}])
    stage = run_data(f"  names: ['{source}']", expect=1)
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("error: no records left after filtering: all 2 read were dropped (length: too short 2)")
    assert not stage.exists() and not (stage.parent / ".data.partial").exists()


def test_malformed_jsonl_and_missing_source_via_cli(tmp_path: Path, run_data, capsys) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"content": "fn a() {}"}\n{oops\n')
    stage = run_data(f"  names: ['local:{bad}']", expect=1, name="bad")
    assert f"{bad}:2: malformed JSON line" in capsys.readouterr().err
    assert not stage.exists()
    run_data(f"  names: ['local:{tmp_path}/nope.jsonl', 'builtin:tiny-rust']", expect=1, name="missing")
    assert "nope.jsonl: no such file" in capsys.readouterr().err


class BrokenFilter:
    name = "broken"
    scope = "record"

    def apply(self, records):
        return [Drop("x")]  # one verdict, whatever the batch size


class BrokenFilters:
    @hookimpl
    def register_filters(self, register):
        register("broken", lambda config: BrokenFilter())


def test_a_filter_returning_too_few_verdicts_is_named(run_data, plugin, capsys) -> None:
    plugin(BrokenFilters(), name="broken-filters")
    run_data("  names: ['builtin:tiny-rust']", expect=1)
    assert "filter 'broken' returned 1 verdicts for" in capsys.readouterr().err


def test_worker_processes_filter_and_rewrite(record) -> None:
    from sigil.data.checks import tests as tests_check
    from sigil.data.checks.length import LengthFilter
    from sigil.data.filtering import NamedFilter, filter_records

    filters = [NamedFilter("tests", tests_check.TestsFilter(drop=False, strip=True)), NamedFilter("length", LengthFilter(5, 100))]
    records = [record(f"fn f{i}() {{}}\n#[cfg(test)]\nmod t {{}}\n" if i % 2 else "x") for i in range(40)]
    serial = filter_records(filters, records, workers=1, progress=False)
    parallel = filter_records(filters, records, workers=2, progress=False)
    assert serial == parallel
    assert parallel[0][:2] == ("length", "too short") and parallel[1].content == "fn f1() {}\n"


def test_misc_seed_seeds_the_split_unless_shuffle_seed_is_set(run_data) -> None:
    names = "  names: ['builtin:tiny-rust']\n  validation_split: 0.2\n"

    def held_out(extra: str, seed: int, name: str) -> set[str]:
        stage = run_data(names + extra, "-o", f"misc.seed={seed}", name=name)
        return {row["id"] for row in read_lines(stage / "validation.jsonl")}

    assert held_out("", 1, "m1") == held_out("", 1, "m1b")
    assert held_out("", 1, "m1c") != held_out("", 2, "m2")  # misc.seed is documented as seeding splits
    assert held_out("  shuffle_seed: 7\n", 1, "s7a") == held_out("  shuffle_seed: 7\n", 2, "s7b")


def test_a_filter_dropping_a_large_share_is_reported(tmp_path: Path, run_data, capsys) -> None:
    # a template corpus: near-deduplication drops most of it, and the run says so
    rows = [{"content": LIB.format(n=100) * 3 + f"// variant {n}\n", "path": f"src/t{n}.rs"} for n in range(10)]
    source = jsonl(tmp_path / "templates.jsonl", rows)
    stage = run_data(f"  names: ['local:{source}']\n  validation_split: 0.0")
    share = json.loads((stage / "stats.json").read_text())["total"]["dropped_share"]["duplicates"]
    assert share["files"] >= 0.5
    assert "filter 'duplicates' dropped 90% of the files" in capsys.readouterr().err


def test_near_dedup_drops_are_counted_and_a_large_share_names_dataset_dedup(tmp_path: Path, run_data, capsys) -> None:
    """Issue 12: near-deduplication silently dropped 39% of a template corpus. The stats now count its drops and
    their share, and a share over 20% is a one-line warning naming the setting to change."""
    # 10 template files differing in a comment: 9 near duplicates of the first; plus 15 distinct files
    rows = [{"content": LIB.format(n=100) * 3 + f"// variant {n}\n", "path": f"src/t{n}.rs"} for n in range(10)]
    rows += [{"content": LIB.format(n=n) + f"pub fn only_{n}() -> u64 {{ {n} * {n + 1} }}\n" * 3, "path": f"src/u{n}.rs"}
             for n in range(15)]
    source = jsonl(tmp_path / "templates.jsonl", rows)
    stage = run_data(f"  names: ['local:{source}']\n  validation_split: 0.0")
    metrics = json.loads((stage / "stage.json").read_text())["metrics"]
    total = json.loads((stage / "stats.json").read_text())["total"]
    near = total["reasons"]["duplicates: near duplicate"]
    assert metrics["near_duplicates"] == near and near >= 9
    assert metrics["near_duplicate_share"] == total["reason_share"]["duplicates: near duplicate"] == round(near / 25, 4)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "filter 'duplicates' dropped" in line]
    assert len(warnings) == 1 and "change dataset.dedup" in warnings[0]
    assert f"near duplicate {near}" in warnings[0]


def test_a_small_near_dedup_share_is_counted_without_a_warning(tmp_path: Path, run_data, capsys) -> None:
    rows = [{"content": LIB.format(n=100) * 3 + f"// variant {n}\n", "path": f"src/t{n}.rs"} for n in range(2)]
    rows += [{"content": LIB.format(n=n) + f"pub fn only_{n}() -> u64 {{ {n} * {n + 1} }}\n" * 3, "path": f"src/u{n}.rs"}
             for n in range(15)]
    stage = run_data(f"  names: ['local:{jsonl(tmp_path / 'few.jsonl', rows)}']\n  validation_split: 0.0")
    metrics = json.loads((stage / "stage.json").read_text())["metrics"]
    assert metrics["near_duplicates"] == 1 and metrics["near_duplicate_share"] == round(1 / 17, 4)
    assert "dataset.dedup" not in capsys.readouterr().err
