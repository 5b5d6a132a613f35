"""Low-quality markers are found in code or comments as appropriate, never inside string literals."""

from __future__ import annotations

import pytest

from sigil.data.checks.low_quality import LowQualityFilter, low_quality_reason


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("// TODO: later\nfn f() {}\n", "TODO/FIXME marker"),
        ("/* FIXME */ fn f() {}\n", "TODO/FIXME marker"),
        ("fn f() -> u8 { todo!() }\n", "TODO/FIXME marker"),
        ("fn f() { dbg!(1); }\n", "debug print"),
        ('fn f() { println!("x"); }\n', "debug print"),
        ("fn f() { unsafe { g() } }\n", "unsafe code"),
        ("pub unsafe fn f() {}\n", "unsafe code"),
        ("#[allow(dead_code)]\nfn f() {}\n", "#[allow] attribute"),
        ("#![allow(clippy::all)]\nfn f() {}\n", "#[allow] attribute"),
        ('fn main() { println!("hello"); }\n', None),
        ('const S: &str = "TODO unsafe dbg!(x) #[allow(x)]";\n', None),
        ("/// This is not unsafe.\nfn f() {}\n", None),
        ("fn todo_list() -> Vec<u8> { Vec::new() }\n", None),
        ("fn f(x: Result<Vec<u8>, String>) -> Option<u8> { x.ok()?.first().copied() }\n", None),
    ],
)
def test_markers(source: str, reason: str | None) -> None:
    assert low_quality_reason(source) == reason


def test_filter_returns_reasons(record) -> None:
    verdicts = LowQualityFilter().apply([record("fn f() {}\n"), record("// XXX\nfn f() {}\n")])
    assert verdicts[0].content == "fn f() {}\n"
    assert verdicts[1].reason == "TODO/FIXME marker"
