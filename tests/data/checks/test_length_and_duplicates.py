"""Length bounds and exact/near-duplicate removal across a corpus."""

from __future__ import annotations

from sigil.data.checks.duplicates import DuplicatesFilter, lsh_bands, signature, similarity
from sigil.data.checks.length import LengthFilter
from sigil.data.records import Drop, Record
from sigil.data.sources import CORPUS_DIR


def test_min_length_counts_code_not_comments(record) -> None:
    stub = "// " + "licence text " * 20 + "\n//! Docs of a re-export module.\npub use a::b;\n"
    code = "pub fn f(x: u8) -> u8 { x }\n"
    verdicts = LengthFilter(15, 1000).apply([record(stub), record(code)])
    assert verdicts[0] == Drop("too short", "11 code characters")  # pubusea::b;
    assert isinstance(verdicts[1], Record)


def test_long_files_are_split_at_item_boundaries(record) -> None:
    items = [f"/// Item {i}.\npub fn f{i}() -> u32 {{\n    {i}\n}}\n" for i in range(30)]
    text = "//! A long module.\n\n" + "\n".join(items)
    (verdict,) = LengthFilter(10, 200).apply([record(text)])
    chunks = verdict.meta["chunks"]
    assert "".join(chunks) == text and len(chunks) > 1
    assert all(len(chunk) <= 200 for chunk in chunks)
    assert all(chunk.lstrip("\n").startswith(("/// Item", "//! A long")) for chunk in chunks)
    # the reference's behaviour: drop
    assert LengthFilter(10, 200, split=False).apply([record(text)])[0].reason == "too long"


def _module() -> str:
    return (CORPUS_DIR / "tiny-rust/crates/ledger/src/transfer.rs").read_text()


def test_exact_duplicates_ignore_trailing_whitespace_and_line_endings(record) -> None:
    text = _module()
    copy = text.replace("\n", "   \r\n")
    verdicts = DuplicatesFilter(mode="exact").apply([record(text), record(copy, path="other.rs")])
    assert isinstance(verdicts[0], Record)
    assert verdicts[1] == Drop("exact duplicate", "of src/lib.rs")


def test_near_duplicates_are_dropped_and_different_files_kept(record) -> None:
    text = _module()
    lines = text.splitlines()
    near = "\n".join(lines[:10] + ["// a fork's comment"] + lines[10:]).replace("Creates", "Builds")
    other = (CORPUS_DIR / "tiny-rust/crates/geometry/src/circle.rs").read_text()
    verdicts = DuplicatesFilter(mode="near", threshold=0.85).apply([record(text), record(near), record(other)])
    assert [type(v).__name__ for v in verdicts] == ["Record", "Drop", "Record"]
    assert verdicts[1].reason == "near duplicate"
    # exact mode keeps the near copy
    assert isinstance(DuplicatesFilter(mode="exact").apply([record(text), record(near)])[1], Record)


def test_threshold_controls_what_is_near(record) -> None:
    text = _module()
    half = "\n".join(text.splitlines()[: len(text.splitlines()) // 2])
    estimate = similarity(signature(text), signature(half))
    assert 0.3 < estimate < 0.8
    loose = DuplicatesFilter(mode="near", threshold=0.25).apply([record(text), record(half)])
    strict = DuplicatesFilter(mode="near", threshold=0.95).apply([record(text), record(half)])
    assert isinstance(loose[1], Drop) and isinstance(strict[1], Record)


def test_lsh_bands_fit_the_signature() -> None:
    for threshold in (0.5, 0.85, 0.95):
        bands, rows = lsh_bands(threshold)
        assert bands * rows <= 128
        # the S-curve's midpoint sits near the threshold
        assert abs((1 / bands) ** (1 / rows) - threshold) < 0.15
