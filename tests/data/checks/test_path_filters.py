"""Vendor/build/lock, examples and benches filters judge path components, not substrings."""

from __future__ import annotations

from sigil.data.checks.paths import DirectoryFilter, VendorFilter
from sigil.data.records import Drop


def verdicts(filter_, record, items):
    return [v.reason if isinstance(v, Drop) else "kept" for v in filter_.apply([record(c, path=p) for p, c in items])]


def test_vendor_build_and_lock_paths(record) -> None:
    items = [
        ("vendor/serde/src/lib.rs", "x"),
        ("crates/a/third_party/b.rs", "x"),
        ("target/debug/build/out.rs", "x"),
        ("Cargo.lock", "x"),
        ("src/vendor_utils.rs", "x"),
        ("src\\target_os.rs", "x"),
        (None, "x"),
    ]
    assert verdicts(VendorFilter(), record, items) == [
        "vendored path", "vendored path", "build output path", "lock file", "kept", "kept", "kept",
    ]


def test_examples_and_benches(record) -> None:
    examples = DirectoryFilter("examples", frozenset({"examples"}), "examples path")
    benches = DirectoryFilter("benches", frozenset({"benches"}), "benches path", bench_attribute=True)
    items = [("crates/a/examples/demo.rs", "fn main() {}"), ("src/examples_util.rs", "fn f() {}")]
    assert verdicts(examples, record, items) == ["examples path", "kept"]
    items = [
        ("benches/speed.rs", "fn b() {}"),
        ("src/lib.rs", "#[bench]\nfn b(b: &mut Bencher) {}"),
        ("src/lib.rs", 'const S: &str = "#[bench]";'),
    ]
    assert verdicts(benches, record, items) == ["benches path", "#[bench] function", "kept"]
