"""Finding panicking calls in tricky Rust, and the scorer's metrics under each configuration."""

from __future__ import annotations

import math

import pytest
from sigil_panic_scorer import PanicsSection, find_panics, score_source

DEFAULT_APIS = PanicsSection().apis


def apis_found(source: str, apis: list[str] = DEFAULT_APIS, indexing: bool = False) -> list[str]:
    return [site.api for site in find_panics(source, apis, indexing=indexing).sites]


@pytest.mark.parametrize(
    "line",
    [
        'let s = "x.unwrap() and panic!(\\"no\\")";',
        "// x.unwrap() is fine here, and so is panic!()",
        "/* outer /* nested x.unwrap() */ still a comment: todo!() */",
        "/// Doc: call `.expect(\"msg\")` at your peril",
        'let s = r#"he said "x.unwrap()" and panic!("no")"#;',
        'let b = br"x.unwrap()";',
        "let c = '\"'; let d = '.';",  # a quote in a char literal must not start a string
        "let v = x.unwrap_or(0) + y.unwrap_or_default() + z.unwrap_or_else(|| 1) + w.expect_err(\"e\").len();",
        "let r = x.map_or(0, |v| v).checked_add(1);",
        "macro_rules! todo { () => {} }",
        "let _ = std::panic::catch_unwind(|| ());",
        "let _ = my_panic!(\"not std\") + not_todo!();",
        "#[expect(clippy::needless_return)] fn f() {}",
        "#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]",
        "let r = 0..expect_len();",
        "fn unwrap(self) -> u8 { 0 }",
    ],
)
def test_not_a_panicking_call(line: str) -> None:
    assert apis_found(f"pub fn lib() {{\n    {line}\n}}\n") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("let a = x.unwrap();", ["unwrap"]),
        ("let a = x\n        .unwrap ();", ["unwrap"]),
        ('let a = x.expect("present");', ["expect"]),
        ("let a = x.parse::<u8>().unwrap() + y.unwrap();", ["unwrap", "unwrap"]),
        ("let a = v.iter().map(Option::unwrap).sum::<u8>();", ["unwrap"]),
        ("let a = Result::<u8, ()>::expect(r, \"m\");", ["expect"]),
        ('panic!("boom {}", 1);', ["panic!"]),
        ('std::panic!("boom");', ["panic!"]),
        ("core::unreachable! {}", ["unreachable!"]),
        ("todo!(); unimplemented![];", ["todo!", "unimplemented!"]),
        ('println!("{}", x.unwrap());', ["unwrap"]),  # inside a macro's arguments: still a call
        ('let s = "a"; let n = s.len() + x.unwrap(); // and .unwrap() again in a comment', ["unwrap"]),
    ],
)
def test_panicking_calls(line: str, expected: list[str]) -> None:
    assert apis_found(f"pub fn lib() {{\n    {line}\n}}\n") == expected


def test_configured_apis_replace_the_defaults() -> None:
    source = 'pub fn f(x: Option<u8>) -> u8 {\n    assert!(x.is_some());\n    assert_eq!(1, 1);\n    x.unwrap()\n}\n'
    assert apis_found(source, ["assert!", "assert_eq!"]) == ["assert!", "assert_eq!"]
    assert apis_found(source, ["unwrap"]) == ["unwrap"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("let a = v[0] + v[i + 1];", 2),
        ("let a = m[0][1];", 2),
        ("let a = f()[0] + &s[1..];", 2),
        ("let a = x?[0];", 1),
        ("let a = &v[..];", 0),  # a full range cannot panic
        ("let a: [u8; 4] = [0; 4];", 0),
        ("let a: &[u8] = &[1, 2];", 0),
        ("let a: &'static [u8] = &[];", 0),
        ("let a: &mut [u8] = &mut b;", 0),
        ("let [x, y] = pair;", 0),
        ("for x in [1, 2] {}", 0),
        ("let v = vec![1, 2];", 0),
        ("let b: Box<[u8]> = Box::new([1]);", 0),
        ('let s = "v[0]";', 0),
        ("return [1, 2];", 0),
    ],
)
def test_indexing_when_asked(line: str, expected: int) -> None:
    source = f"#[inline]\npub fn lib() {{\n    {line}\n}}\n"
    assert apis_found(source, [], indexing=True) == ["[]"] * expected
    assert apis_found(source, [], indexing=False) == []


def test_impl_for_slice_is_not_indexing() -> None:
    source = "#[derive(Debug)]\nstruct S;\nimpl Tr for [u8] {}\nimpl<T> Tr for Vec<[T; 2]> where [T]: Sized {}\n"
    assert apis_found(source, [], indexing=True) == []


LIBRARY_AND_FRIENDS = """\
//! A small library.

/// Parses a number.
pub fn parse(s: &str) -> u32 {
    s.trim().parse().unwrap()
}

fn main() {
    let n = parse("7").checked_mul(6).expect("fits in u32");
    println!("{n}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(parse("1").checked_add(1).unwrap(), 2);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn outside_the_test_module() {
    None::<u8>.unwrap();
}
"""


def test_places() -> None:
    scan = find_panics(LIBRARY_AND_FRIENDS, DEFAULT_APIS)
    assert [(site.api, site.line, site.place) for site in scan.sites] == [
        ("unwrap", 5, "library"), ("expect", 9, "main"), ("unwrap", 19, "test"), ("unwrap", 25, "test")]
    assert scan.lines == {"library": 3, "main": 4, "test": 12}  # the //! and /// lines are comments


@pytest.mark.parametrize(
    ("allow_in_main", "allow_in_tests", "calls", "lines"),
    [(True, True, 1, 3), (False, True, 2, 7), (True, False, 3, 15), (False, False, 4, 19)],
)
def test_metrics_follow_the_config(allow_in_main: bool, allow_in_tests: bool, calls: int, lines: int) -> None:
    section = PanicsSection(allow_in_main=allow_in_main, allow_in_tests=allow_in_tests, per_lines=100)
    assert score_source(LIBRARY_AND_FRIENDS, section) == {
        "panic_calls": calls, "panic_free": 0.0, "panic_density": pytest.approx(calls * 100 / lines)}


def test_fn_main_only_at_the_top_level() -> None:
    source = "pub mod app {\n    pub fn main() {\n        None::<u8>.unwrap();\n    }\n}\n"
    assert [site.place for site in find_panics(source, ["unwrap"]).sites] == ["library"]


def test_whole_file_under_cfg_test() -> None:
    source = "#![cfg(test)]\nfn helper() -> u8 {\n    Some(1).unwrap()\n}\n"
    assert [site.place for site in find_panics(source, ["unwrap"]).sites] == ["test"]


def test_clean_code_and_code_only_in_main() -> None:
    clean = "pub fn half(x: u32) -> Option<u32> {\n    x.checked_div(2)\n}\n"
    assert score_source(clean, PanicsSection()) == {"panic_calls": 0.0, "panic_free": 1.0, "panic_density": 0.0}
    only_main = 'fn main() {\n    let n: u8 = "1".parse().unwrap();\n    println!("{n}");\n}\n'
    scores = score_source(only_main, PanicsSection())
    assert scores["panic_calls"] == 0.0 and scores["panic_free"] == 1.0
    assert math.isnan(scores["panic_density"])  # no library code to normalise by
    assert all(math.isnan(value) for value in score_source("  \n", PanicsSection()).values())


def test_unterminated_and_hostile_input() -> None:
    assert apis_found('pub fn f() {\n    let s = "never closed .unwrap();\n') == []
    assert apis_found("pub fn f() {\n    /* never closed x.unwrap();\n") == []
    unclosed_main = find_panics("fn main() {\n    x.unwrap();\n", ["unwrap"])
    assert [site.place for site in unclosed_main.sites] == ["main"]  # its body runs to the end of the file
    big = "pub fn f(v: &[u8]) -> u8 {\n" + "    v[0];\n" * 20_000 + "}\n"
    assert len(find_panics(big, DEFAULT_APIS, indexing=True).sites) == 20_000
    many_mains = "fn main() { x.unwrap(); }\n" * 20_000  # each top-level: still one pass over the braces
    assert find_panics(many_mains, ["unwrap"]).count({"main"}) == 20_000
    unclosed_tests = "#[test]\nfn t() {\n    x.unwrap();\n" * 5_000  # the first runs to the end of the file
    assert find_panics(unclosed_tests, ["unwrap"]).count({"test"}) == 5_000


# --- agreement with the native tree-sitter scorer, an independent parser, on what both count


def _native_score():
    import sigil_evaluator

    return sigil_evaluator.score


@pytest.mark.parametrize(
    "source",
    [
        LIBRARY_AND_FRIENDS,
        'pub fn f(x: Option<u8>) -> u8 {\n    // x.unwrap()\n    let s = "x.unwrap()";\n    x.unwrap_or(0) + s.len() as u8\n}\n',
        'pub fn g(x: Result<u8, ()>) -> u8 {\n    println!("{}", x.unwrap());\n    x.expect("again")\n}\n',
        "pub fn h(v: Vec<Option<u8>>) -> u8 {\n    v.into_iter().flatten().next().unwrap()\n}\n",
    ],
)
def test_unwrap_expect_agrees_with_the_native_scorer(source: str) -> None:
    [report] = _native_score()([source])
    assert find_panics(source, ["unwrap", "expect"]).count({"library"}) == report["features"]["unwrap_expect"]
