"""The lexer blanks comments and literal bodies exactly, and never mistakes lifetimes for char literals."""

from __future__ import annotations

import pytest

from sigil.data.rust import mask


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('let s = "a // b"; // real', 'let s = "' + " " * 6 + '"; ' + " " * 7),
        ('let r = r#"a "quoted" }"#; x', 'let r = r#"            "#; x'),
        ("fn f<'a>(x: &'a str) -> &'a str { x }", "fn f<'a>(x: &'a str) -> &'a str { x }"),
        ("let c = '}'; let q = '\\''; let u = '\\u{7FFF}';", "let c = ' '; let q = '  '; let u = '        ';"),
        ("/* a /* b */ c */ d", "                  d"),
        ('let b = b"}"; let br = br##""#}"##;', 'let b = b" "; let br = br##"   "##;'),
        ("r#type + 'label: loop { break 'label; }", "r#type + 'label: loop { break 'label; }"),
        ("let x = '{'; let y: &'static str = \"}\";", "let x = ' '; let y: &'static str = \" \";"),
        ("let e = 'é';", "let e = ' ';"),
        ('let c = c"nul{";', 'let c = c"    ";'),
        ('"escaped \\" quote {" {', '"' + " " * 18 + '" {'),
    ],
)
def test_mask_blanks_comments_and_literals(source: str, expected: str) -> None:
    assert mask(source).code == expected


def test_mask_keeps_length_and_newlines() -> None:
    source = 'fn a() {\n    /* one\n two */ let s = "x\ny";\n}\n'
    code = mask(source).code
    assert len(code) == len(source)
    assert code.count("\n") == source.count("\n")


def test_comment_spans_cover_line_block_and_doc_comments() -> None:
    source = "//! crate doc\n/// item doc\nfn a() {} /* tail */\n"
    masked = mask(source)
    assert [source[start:end] for start, end in masked.comments] == ["//! crate doc", "/// item doc", "/* tail */"]


def test_unterminated_literal_runs_to_end_of_file() -> None:
    assert mask('let s = "never closed {').code == 'let s = "' + " " * 14
