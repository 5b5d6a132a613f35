"""The suite format: MultiPL-E records load as they are; bad input is one line naming file, line and field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sigil.errors import DataError
from sigil.functional.problems import assemble, load_suite, truncate_at_stop


def write(tmp_path: Path, lines: list[object] | list[str], name: str = "suite.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines))
    return path


def test_multiple_record_loads_with_defaults(tmp_path: Path, multiple_record: dict[str, object]) -> None:
    suite = load_suite(write(tmp_path, [multiple_record]))
    problem = suite.get("HumanEval_x_add")
    assert problem.test_kind == "main" and problem.reference is None
    assert problem.stop_tokens == ("\n}",)
    assert problem.extra["language"] == "rs"


def test_canonical_solution_is_the_reference(tmp_path: Path, multiple_record: dict[str, object]) -> None:
    suite = load_suite(write(tmp_path, [{**multiple_record, "canonical_solution": "    a + b\n"}]))
    assert suite.problems[0].reference == "    a + b\n"


def test_assemble_cuts_at_stop_tokens_like_multiple(multiple_record: dict[str, object]) -> None:
    completion = "    a + b\n}\n\nfn unrelated() {}\n"
    assert truncate_at_stop(completion, ["\n}"]) == "    a + b"
    from sigil.functional.problems import problem_from_record

    program = assemble(problem_from_record(multiple_record), completion)
    assert program == f"{multiple_record['prompt']}    a + b\n{multiple_record['tests']}"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"name": None}, "suite.jsonl:2: field 'name' is missing"),
        ({"name": "b", "prompt": 3}, "suite.jsonl:2: field 'prompt' must be a string"),
        ({"name": "b", "stop_tokens": "\n}"}, "field 'stop_tokens' must be a list"),
        ({"name": "b", "test_kind": "doc"}, "field 'test_kind' must be one of main, unit, io"),
        ({"name": "b", "test_kind": "io"}, "field 'cases' must be a non-empty list"),
        ({"name": "b", "test_kind": "io", "cases": [{"input": 1}]}, "field 'cases[0]'"),
        ({"name": "b", "cases": []}, "field 'cases' is only valid with test_kind 'io'"),
        ({"name": "b", "reference": "1", "canonical_solution": "2"}, "'reference' and 'canonical_solution' disagree"),
        ({}, "suite.jsonl:2: field 'name': 'HumanEval_x_add' already used on line 1"),
        ("{not json", "suite.jsonl:2: malformed JSON line"),
    ],
)
def test_bad_records_name_file_line_and_field(
    tmp_path: Path, multiple_record: dict[str, object], patch: dict[str, object] | str, message: str
) -> None:
    line: object = patch if isinstance(patch, str) else {k: v for k, v in {**multiple_record, **patch}.items() if v is not None}
    path = write(tmp_path, [multiple_record, line])  # type: ignore[list-item]
    with pytest.raises(DataError, match=re.escape(message)):
        load_suite(path)


def test_missing_empty_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_suite(tmp_path / "absent.jsonl")
    with pytest.raises(DataError, match="no problems"):
        load_suite(write(tmp_path, [], "empty.jsonl"))
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"name": "\xe9"}\n')
    with pytest.raises(DataError, match="latin1.jsonl:1: malformed JSON line: not UTF-8"):
        load_suite(bad)


def test_builtin_suite_shape() -> None:
    from sigil.functional.builtin_suites import SUITES_DIR

    suite = load_suite(SUITES_DIR / "sigil_basic.jsonl")
    assert len(suite) >= 40
    kinds = {p.test_kind for p in suite.problems}
    assert kinds == {"main", "unit", "io"}
    assert all(p.reference is not None for p in suite.problems)
