"""Finding and stripping #[cfg(test)] items with real brace matching (strings, comments, chars, raw strings)."""

from __future__ import annotations

from sigil.data.rust.test_code import find_test_items, has_cfg_test, has_test_attribute, strip_test_items

TRICKY = r'''//! Docs that mention #[cfg(test)] mod fake { are not code.
use std::fmt;

/// Adds one; a "}" in docs is fine.
pub fn add_one<'a>(x: &'a i32) -> Result<i32, String> {
    let s = "#[cfg(test)] mod fake { ";
    let r = r#"}"#;
    let c = '{';
    let q = '\'';
    'outer: loop { break 'outer; }
    Ok(*x + 1)
}

#[allow(dead_code)]
#[cfg(test)]
mod tests {
    use super::*;
    /* nested /* comment with } */ still } */
    #[test]
    fn it_works() {
        let brace = "}";
        let raw = r##"}"#}"##;
        assert_eq!(add_one(&1), Ok(2), "{}", brace);
    }
}

pub fn after() -> &'static str {
    "kept"
}
'''


def test_strip_removes_the_test_module_and_its_attributes_only() -> None:
    stripped, removed = strip_test_items(TRICKY)
    assert removed == 1
    assert "mod tests" not in stripped
    assert "#[allow(dead_code)]" not in stripped
    assert "it_works" not in stripped
    assert 'let s = "#[cfg(test)] mod fake { ";' in stripped  # the string is not a module
    assert stripped.rstrip().endswith('pub fn after() -> &\'static str {\n    "kept"\n}')
    assert "\n\n\n" not in stripped


def test_cfg_attribute_in_strings_and_comments_is_not_test_code() -> None:
    source = '//! #[cfg(test)]\nconst S: &str = "#[cfg(test)] #[test]";\n/* #[test] */\n'
    assert find_test_items(source) == []
    assert not has_cfg_test(source)
    assert not has_test_attribute(source)


def test_reference_regex_bug_character_class_does_not_match() -> None:
    # the reference's `#[cfg\(test\)]` was a character class matching "#c", "#f", ...
    assert not has_cfg_test("#[cfg(feature = \"std\")]\nfn f() {}\n")
    assert not has_cfg_test("#[cfg(not(test))]\nfn f() {}\n")
    assert has_cfg_test("#[ cfg ( test ) ]\nmod t {}\n")


def test_cfg_all_with_test_counts_but_any_does_not() -> None:
    assert has_cfg_test('#[cfg(all(test, feature = "x"))]\nmod t {}\n')
    assert not has_cfg_test('#[cfg(any(test, feature = "x"))]\nmod t {}\n')


def test_out_of_line_modules_and_other_items_are_stripped() -> None:
    source = "pub fn a() {}\n\n#[cfg(test)]\nmod tests;\n\n#[cfg(test)]\nconst TABLE: [u8; 2] = [1, 2];\n\n#[cfg(test)]\nimpl A {\n    fn helper() {}\n}\n"
    stripped, removed = strip_test_items(source)
    assert removed == 3
    assert stripped == "pub fn a() {}\n"


def test_inner_cfg_test_makes_the_whole_file_test_code() -> None:
    assert strip_test_items("#![cfg(test)]\nfn helper() {}\n") == ("", 1)


def test_test_attribute_variants() -> None:
    for attribute in ("#[test]", "#[tokio::test]", "#[tokio::test(flavor = \"multi_thread\")]", "# [ test ]"):
        assert has_test_attribute(f"{attribute}\nfn t() {{}}\n"), attribute
    assert not has_test_attribute("#[testing]\nfn t() {}\n")
