"""The native masker (``sigil_evaluator.mask_rust``) gives exactly what the Python reference gives, on real
Rust and on the inputs where a lexer is easiest to get wrong."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sigil_evaluator import mask_rust

from sigil.data.rust.lexer import Masked, mask, mask_reference

CORPUS = Path(__file__).resolve().parents[3] / "sigil/data/corpus/tiny-rust"
REGISTRY = Path.home() / ".cargo/registry/src"


def native(source: str) -> Masked:
    code, comments = mask_rust(source)
    return Masked(code, tuple(comments))


def assert_same(source: str, label: str = "") -> None:
    expected = mask_reference(source)
    got = native(source)
    if got != expected:
        diff = next((i for i, (a, b) in enumerate(zip(got.code, expected.code)) if a != b), None)
        pytest.fail(
            f"{label or repr(source[:80])}: native differs from the reference "
            f"(lengths {len(got.code)} vs {len(expected.code)}, first differing offset {diff}, "
            f"comments equal: {got.comments == expected.comments})"
        )


def test_every_file_of_the_tiny_corpus() -> None:
    files = sorted(CORPUS.rglob("*.rs"))
    assert len(files) > 100
    for path in files:
        assert_same(path.read_text(encoding="utf-8"), str(path.relative_to(CORPUS)))


def test_a_sample_of_the_cargo_registry() -> None:
    files = sorted(REGISTRY.rglob("*.rs")) if REGISTRY.is_dir() else []
    if not files:
        pytest.skip(f"no Rust sources under {REGISTRY}")
    for path in files[:: max(1, len(files) // 300)]:
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        assert_same(source, str(path))


TRICKY = [
    "",
    "/* a /* b /* c */ d */ e */ f",
    "/* never /* closed */",
    "/*/ x */ y",
    "/**/ /***/ //",
    "//! doc\n/// item\nfn a() {} /* tail */\n// last line without newline",
    'r"plain" r#"one "# hash"# r###"three "## still"###',
    'br##"bytes "#"##; cr#"c "raw""#; r#"never closed',
    'r#type r#match r#"s"#',
    'b"bytes \\" {" c"nul \\0 }" b"\\x7f"',
    "'a' '\\'' '\\\\' '\\n' '\\u{10FFFF}' '\\u{1_F6_00}' '\\x41' '\\x4' '\\u' '\\u{' '\\\n'",
    "fn f<'a, 'b: 'a>(x: &'a str) -> &'static str { 'outer: loop { break 'outer; } }",
    "b'x' b'\\'' b'\\x00' xb'y' r'a' c'b'",
    "let x = 'ab'; let y = ''; let z = '\n';",
    'let s = "multi\nline\r\nstring";',
    "let é = 'é'; let s = \"日本語 // not a comment\"; // ça, ü\n/* 🦀 */ '🦀'",
    'for"a" ér"x" _r"y" 1r"z" r"ok" éb"q" Яc"w"',
    '"unterminated',
    '"escaped quote at eof\\"',
    "\"apostrophe at eof'",
    '"trailing backslash // then a comment \\',
    'a "x" "y\\',
    'b"',
    "r",
    "r#",
    "'",
    "'a",
    "'\\",
    "/",
    "x /",
    '"\\',
    "///",
    "\r\n\t\x0b\x0c\x85\u2028",
]


@pytest.mark.parametrize("source", TRICKY)
def test_tricky_inputs(source: str) -> None:
    assert_same(source)


def test_random_mixtures_of_lexer_pieces() -> None:
    pieces = [
        "/", "*", '"', "'", "\\", "#", "r", "b", "c", "br", "cr", "x", "u", "{", "}", "_", "a", "1",
        "\n", " ", "é", "日", "🦀", "\u0301", "//", "/*", "*/", "'a", "r#\"", "\"#", "\\u{41}", "\\x41",
    ]  # fmt: skip
    rng = random.Random(20261127)
    for _ in range(5000):
        source = "".join(rng.choices(pieces, k=rng.randint(0, 40)))
        assert_same(source)


def test_non_ascii_word_characters_before_prefixes_follow_python() -> None:
    # Which characters may precede a literal prefix is Python's `\w`. After a word character `r"\" x` is an
    # ordinary string running to the end, after anything else a raw string `\` followed by code, so the two
    # readings mask differently. Every BMP code point (bar surrogates) and a stride of the rest.
    points = [*range(0x80, 0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]
    differing = []
    for prefix in ("r", "br"):
        for point in points:
            source = f'{chr(point)}{prefix}"\\" x'
            if native(source) != mask_reference(source):
                differing.append(source)
    assert not differing, f"{len(differing)} differ, first: {differing[:5]!r}"


def test_mask_falls_back_to_the_reference_for_lone_surrogates() -> None:
    source = 'let s = "\ud800"; // \udfff'
    assert mask(source) == mask_reference(source)
    assert mask(source).code == 'let s = " ";     '
