"""Vendor/build/lock, examples and benches filters judge path components relative to the crate; a directory
below src/ is a module whatever its name."""

from __future__ import annotations

from sigil.data.checks.paths import DirectoryFilter, VendorFilter
from sigil.data.records import Drop


def verdicts(filter_, record, items, crate=None):
    records = [record(c, path=p, crate=crate) for p, c in items]
    return [v.reason if isinstance(v, Drop) else "kept" for v in filter_.apply(records)]


def test_vendor_build_and_lock_paths(record) -> None:
    items = [
        ("vendor/serde/src/lib.rs", "x"),
        ("crates/a/third_party/b.rs", "x"),
        ("target/debug/build/out.rs", "x"),
        ("repo/target/release/build/x/out/bindings.rs", "x"),
        ("Cargo.lock", "x"),
        ("src/vendor_utils.rs", "x"),
        ("src\\target_os.rs", "x"),
        (None, "x"),
    ]
    assert verdicts(VendorFilter(), record, items) == [
        "vendored path", "vendored path", "build output path", "build output path", "lock file", "kept", "kept",
        "kept",
    ]


def test_modules_named_like_build_dirs_are_kept(record) -> None:
    # cc/src/target/*.rs is a module about compile targets; r-efi/src/vendor/ is a public module
    assert verdicts(VendorFilter(), record, [("cc-1.11.3/src/target/apple.rs", "x")], crate="cc-1.11.3") == ["kept"]
    assert verdicts(VendorFilter(), record, [("r-efi-6.0.0/src/vendor/intel.rs", "x")], crate="r-efi-6.0.0") == [
        "kept"]
    assert verdicts(VendorFilter(), record, [("cc-1.11.3/target/debug/x.rs", "x")], crate="cc-1.11.3") == [
        "build output path"]


def test_examples_and_benches(record) -> None:
    examples = DirectoryFilter("examples", frozenset({"examples"}), "examples path")
    benches = DirectoryFilter("benches", frozenset({"benches"}), "benches path")
    items = [("crates/a/examples/demo.rs", "fn main() {}"), ("src/examples_util.rs", "fn f() {}"),
             ("src/examples/mod.rs", "pub mod x;")]
    assert verdicts(examples, record, items) == ["examples path", "kept", "kept"]
    assert verdicts(benches, record, [("benches/speed.rs", "fn b() {}")]) == ["benches path"]
