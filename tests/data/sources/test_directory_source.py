"""Walking a tree of crates: .gitignore honoured (nested, negation, anchoring), excludes, non-UTF-8 skipped."""

from __future__ import annotations

from pathlib import Path

from sigil.data.config import DatasetConfig
from sigil.data.records import Drop, Record
from sigil.data.sources import read_source
from sigil.data.sources.gitignore import IgnoreRules


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def read(root: Path, **config: object) -> tuple[list[str], list[str]]:
    items = list(read_source(f"dir:{root}", DatasetConfig(**config)))
    return [i.path for i in items if isinstance(i, Record)], [i.reason for i in items if isinstance(i, Drop)]


def test_gitignore_rules_nested_and_negated(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".gitignore": "target/\n*.gen.rs\n/root_only.rs\n!keep.gen.rs\n",
            "root_only.rs": "fn a() {}",
            "src/lib.rs": "fn a() {}",
            "src/root_only.rs": "fn a() {}",
            "src/x.gen.rs": "fn a() {}",
            "src/keep.gen.rs": "fn a() {}",
            "target/debug/out.rs": "fn a() {}",
            "crates/b/.gitignore": "/generated\n",
            "crates/b/generated/g.rs": "fn a() {}",
            "crates/b/src/generated/h.rs": "fn a() {}",
            "crates/b/README.md": "not rust",
            ".git/objects/x.rs": "fn a() {}",
        },
    )
    paths, _ = read(root)
    assert paths == ["crates/b/src/generated/h.rs", "src/keep.gen.rs", "src/lib.rs", "src/root_only.rs"]
    paths, _ = read(root, use_gitignore=False)
    assert "target/debug/out.rs" in paths and "root_only.rs" in paths and ".git/objects/x.rs" not in paths


def test_excludes_apply_even_without_gitignore(tmp_path: Path) -> None:
    root = tree(tmp_path, {"src/lib.rs": "fn a() {}", "src/bindings/ffi.rs": "fn a() {}", "build.rs": "fn main() {}"})
    paths, _ = read(root, excludes=["bindings/", "/build.rs"])
    assert paths == ["src/lib.rs"]


def test_non_utf8_and_huge_files_are_skipped_and_counted(tmp_path: Path) -> None:
    root = tree(tmp_path, {"a.rs": "fn a() {}", "b.rs": b"fn b() { \xff }", "c.rs": "x" * 500, "\ufeffd.rs": "\ufefffn d() {}"})
    paths, reasons = read(root, min_length=1, max_length=100, split_long_files=False)
    assert paths == ["a.rs", "\ufeffd.rs"]
    assert sorted(reasons) == ["not UTF-8", "too large to read"]
    records = [i for i in read_source(f"dir:{root}", DatasetConfig(min_length=1, max_length=100)) if isinstance(i, Record)]
    assert records[2].content == "fn d() {}"  # the byte-order mark is not code
    assert records[1].path == "c.rs"  # long files are read when they can be split


def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", {"src/lib.rs": "fn a() {}"})
    (root / "src" / "loop").symlink_to(root, target_is_directory=True)
    paths, _ = read(root)
    assert paths == ["src/lib.rs"]


def test_gitignore_patterns() -> None:
    rules = IgnoreRules().extended(["docs/**/gen", "a/**", "\\#hash", "foo/*.rs", "[Tt]emp*", "**/deep", "trail\\ "], "")
    cases = {
        ("docs/gen", True): True, ("docs/a/b/gen", True): True, ("a/x/y", False): True, ("#hash", False): True,
        ("foo/x.rs", False): True, ("foo/y/x.rs", False): False, ("sub/Temp1", False): True, ("z/deep", False): True,
        ("trail ", False): True, ("other.rs", False): False,
    }
    assert {case: rules.ignored(*case) for case in cases} == cases
