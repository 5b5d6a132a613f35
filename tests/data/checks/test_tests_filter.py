"""Test code is stripped on the syntax tree (with its docs and attributes), test files and compile-fail inputs are
dropped; the stripped file always parses."""

from __future__ import annotations

from sigil.data.checks import tests as tests_check
from sigil.data.records import Drop, Record

LIB = "/// Doc.\npub fn f() -> u8 {\n    1\n}\n"
WITH_TESTS = LIB + "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert_eq!(super::f(), 1, \"}\");\n    }\n}\n"


def outcomes(filter_, records):
    return [v.reason if isinstance(v, Drop) else "kept" for v in filter_.apply(records)]


def test_paths_and_compile_fail_inputs_are_dropped(record) -> None:
    verdicts = outcomes(
        tests_check.TestsFilter(),
        [
            record(LIB, path="crates/a/tests/it.rs"),
            record(LIB, path="src/tests.rs"),
            record("fn main() { let x: u8 = 1u16; }\n", path="compile-fail/mismatch.rs"),
            record(WITH_TESTS),
            record('const S: &str = "#[cfg(test)]";\n'),
        ],
    )
    assert verdicts == ["tests path", "tests path", "compile-fail test input", "kept", "kept"]


def test_strip_mode_rewrites_content(record) -> None:
    (verdict,) = tests_check.TestsFilter().apply([record(WITH_TESTS)])
    assert isinstance(verdict, Record)
    assert verdict.content == LIB
    assert verdict.meta["stripped_test_items"] == 1
    assert verdict.meta["facts"]["test_items"] == 0  # the facts describe the stripped text


def test_out_of_line_test_module_line_no_longer_drops_the_file(record) -> None:
    # bitflags/src/lib.rs, indexmap/src/map.rs: a 64 KB library file ending in `#[cfg(test)] mod tests;`
    lib = "//! Maps.\n\n/// A map.\npub struct Map;\n\n/// The tests.\n#[cfg(test)]\nmod tests;\n"
    (verdict,) = tests_check.TestsFilter().apply([record(lib)])
    assert isinstance(verdict, Record)
    assert verdict.content == "//! Maps.\n\n/// A map.\npub struct Map;\n"
    # the reference's behaviour, still available: strip off, drop on
    (dropped,) = tests_check.TestsFilter(strip=False).apply([record(lib)])
    assert dropped == Drop("test code", "1 test items")


def test_inline_test_functions_are_stripped_with_their_docs(record) -> None:
    source = "pub fn f() {}\n\n/// Checks f.\n#[test]\nfn checks_f() {\n    f();\n}\n\n/// Next.\npub fn g() {}\n"
    (verdict,) = tests_check.TestsFilter().apply([record(source)])
    assert verdict.content == "pub fn f() {}\n\n/// Next.\npub fn g() {}\n"


def test_strip_without_exclude_tests_keeps_test_paths(record) -> None:
    verdicts = tests_check.TestsFilter(drop=False, strip=True).apply(
        [record(WITH_TESTS, path="tests/it.rs"), record("#[cfg(test)]\nmod t {}\n")]
    )
    assert isinstance(verdicts[0], Record) and verdicts[0].content == LIB
    assert isinstance(verdicts[1], Drop) and verdicts[1].reason == "only test code"
