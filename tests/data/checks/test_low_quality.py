"""Low-quality markers come from the syntax tree: never inside strings, comments (except TODO notes) or tests;
by default only debug prints and todo!/unimplemented! drop a file, the other markers are opt-in."""

from __future__ import annotations

import pytest

from sigil.data.checks.low_quality import MARKERS, LowQualityFilter
from sigil.data.records import Drop

ALL = tuple(MARKERS)


def reason(record, source: str, markers: tuple[str, ...] = ALL) -> str | None:
    (verdict,) = LowQualityFilter(markers=markers).apply([record(source)])
    return verdict.reason if isinstance(verdict, Drop) else None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("// TODO: later\nfn f() {}\n", "TODO/FIXME comment"),
        ("/* FIXME */ fn f() {}\n", "TODO/FIXME comment"),
        ("fn f() -> u8 { todo!() }\n", "todo!/unimplemented! call"),
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
        ("pub type Callback = unsafe extern \"C\" fn(*mut u8);\n", None),  # a fn-pointer type is not unsafe code
        ("#[cfg(test)]\nmod tests {\n    // TODO\n    fn t() { dbg!(1); unsafe {} }\n}\n", None),  # test code is not judged
    ],
)
def test_markers(record, source: str, expected: str | None) -> None:
    assert reason(record, source) == expected


def test_build_script_cargo_instructions_are_not_debug_prints(record) -> None:
    build = 'fn emit(cfg: &str) {\n    println!("cargo:rustc-cfg={cfg}");\n    println!("cargo::rerun-if-changed=build.rs");\n}\n'
    assert reason(record, build) is None
    assert reason(record, build.replace("cargo:", "checking ")) == "debug print"
    # other prints of a file that talks to Cargo are for Cargo too (cc, pyo3-build-config: println!("{cmd}"))
    assert reason(record, build.replace("{cfg}\");", "{cfg}\");\n    println!(\"{cmd}\");")) is None


def test_defaults_keep_unsafe_todo_notes_and_allow(record) -> None:
    mature = (
        "// TODO: use simd here\n#[allow(clippy::cast_possible_truncation)]\npub fn f(p: *const u8) -> u8 {\n"
        "    match *p { 0 => unsafe { *p }, 1 => 2, _ => unimplemented!() }\n}\n"
        "pub fn abort() {\n    eprintln!(\"aborting\");\n}\n"
    )
    (verdict,) = LowQualityFilter().apply([record(mature)])
    assert not isinstance(verdict, Drop)
    assert reason(record, mature, ("unsafe",)) == "unsafe code"


def test_drops_carry_a_detail(record) -> None:
    (verdict,) = LowQualityFilter().apply([record("fn f() { dbg!(1); dbg!(2); }\n")])
    assert verdict == Drop("debug print", "2 debug prints")
