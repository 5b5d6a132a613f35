"""The tests filter drops test code, or strips #[cfg(test)] items and keeps the rest."""

from __future__ import annotations

from sigil.data.checks import tests as tests_check
from sigil.data.records import Drop, Record

LIB = "/// Doc.\npub fn f() -> u8 {\n    1\n}\n"
WITH_TESTS = LIB + "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert_eq!(super::f(), 1, \"}\");\n    }\n}\n"


def test_drop_mode(record) -> None:
    verdicts = tests_check.TestsFilter(drop=True).apply(
        [
            record(LIB, path="crates/a/tests/it.rs"),
            record(LIB, path="src/tests.rs"),
            record(WITH_TESTS),
            record("#[test]\nfn integration() {}\n", path="src/check.rs"),
            record(LIB),
            record('const S: &str = "#[cfg(test)]";\n'),
        ]
    )
    reasons = [v.reason if isinstance(v, Drop) else "kept" for v in verdicts]
    assert reasons == ["tests path", "tests path", "#[cfg(test)] code", "#[test] function", "kept", "kept"]


def test_strip_mode_rewrites_content(record) -> None:
    (verdict,) = tests_check.TestsFilter(drop=True, strip=True).apply([record(WITH_TESTS)])
    assert isinstance(verdict, Record)
    assert verdict.content == LIB
    assert verdict.meta["stripped_test_items"] == 1


def test_strip_without_exclude_tests_keeps_test_paths(record) -> None:
    verdicts = tests_check.TestsFilter(drop=False, strip=True).apply(
        [record(WITH_TESTS, path="tests/it.rs"), record("#[cfg(test)]\nmod t {}\n")]
    )
    assert isinstance(verdicts[0], Record) and verdicts[0].content == LIB
    assert verdicts[1] == Drop("only test code")
