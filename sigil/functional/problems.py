"""Problem suites: one JSON object per line, in the MultiPL-E / HumanEval-rs layout plus sigil's own fields.

MultiPL-E fields (a MultiPL-E ``humaneval-rs`` file loads as it is):

- ``name``: unique problem name.
- ``prompt``: the start of the program the model continues (doc comment + signature + ``{``).
- ``tests``: the text appended after the completion; for MultiPL-E it closes the function (``}``) and holds a
  ``fn main`` of asserts.
- ``stop_tokens``: strings at which a completion is cut (MultiPL-E uses ``["\\n}"]`` for Rust).

sigil's fields (all optional):

- ``reference`` (or HumanEval's ``canonical_solution``): a completion that passes the tests; the suite
  validator checks it.
- ``broken``: a completion that must fail the tests (default: ``Default::default()`` for function problems,
  an empty body for stdin/stdout problems); it proves the tests can fail.
- ``test_kind``: ``"main"`` (a ``fn main`` of asserts, MultiPL-E's kind, the default), ``"unit"``
  (``#[test]`` functions, built with ``--test``) or ``"io"`` (stdin/stdout ``cases``).
- ``cases``: for ``io`` problems, a list of ``{"input": str, "output": str}``; the output must match exactly
  after trailing whitespace is stripped from each side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sigil.errors import DataError
from sigil.io.jsonl import read_jsonl

TestKind = Literal["main", "unit", "io"]
TEST_KINDS: tuple[str, ...] = ("main", "unit", "io")


@dataclass(frozen=True)
class IoCase:
    """One stdin/stdout case of an ``io`` problem."""

    input: str
    output: str


@dataclass(frozen=True)
class Problem:
    """One problem of a suite."""

    name: str
    prompt: str
    tests: str
    stop_tokens: tuple[str, ...] = ()
    test_kind: TestKind = "main"
    reference: str | None = None
    broken: str | None = None
    cases: tuple[IoCase, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def broken_completion(self) -> str:
        """The completion that must fail this problem's tests (the suite's own ``broken`` or a default)."""
        if self.broken is not None:
            return self.broken
        # A plausible wrong answer that still compiles for any return type implementing Default: tests that
        # only ever expect default values (0, "", empty) would pass it, so it also catches vacuous tests.
        return "" if self.test_kind == "io" else "    Default::default()\n"


@dataclass(frozen=True)
class Suite:
    """A named list of problems loaded from one file."""

    name: str
    path: Path | None
    problems: tuple[Problem, ...]

    def __len__(self) -> int:
        return len(self.problems)

    def get(self, name: str) -> Problem:
        for problem in self.problems:
            if problem.name == name:
                return problem
        raise DataError(f"suite {self.name!r} has no problem named {name!r}")


_KNOWN = {"name", "prompt", "tests", "stop_tokens", "test_kind", "reference", "canonical_solution", "broken", "cases"}


def load_suite(path: str | Path, name: str | None = None) -> Suite:
    """Load a suite file; any malformed line or field is a DataError naming the file, line and field."""
    path = Path(path)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, data in _records_with_lines(path):
        problem = problem_from_record(data, where=f"{path}:{number}")
        if problem.name in seen:
            raise DataError(f"{path}:{number}: field 'name': {problem.name!r} already used on line {seen[problem.name]}")
        seen[problem.name] = number
        problems.append(problem)
    if not problems:
        raise DataError(f"{path}: no problems in the suite file")
    return Suite(name=name or path.stem, path=path, problems=tuple(problems))


def _records_with_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    # read_jsonl skips blank lines, so recover each record's line number by reading the file once more.
    numbers = [i for i, raw in enumerate(_raw_lines(path), start=1) if raw.strip()]
    return list(zip(numbers, read_jsonl(path)))


def _raw_lines(path: Path) -> list[bytes]:
    try:
        return path.read_bytes().splitlines()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a JSONL suite file") from None


def problem_from_record(data: dict[str, Any], where: str = "<record>") -> Problem:
    """Build a Problem from one decoded JSON object, checking every field's type."""

    def text(key: str, required: bool) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise DataError(f"{where}: field {key!r} is missing")
            return None
        if not isinstance(value, str):
            raise DataError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
        return value

    name = text("name", True)
    assert name is not None
    if not name.strip():
        raise DataError(f"{where}: field 'name' is empty")
    prompt = text("prompt", True)
    tests = text("tests", True)
    assert prompt is not None and tests is not None
    stops = data.get("stop_tokens", [])
    if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
        raise DataError(f"{where}: field 'stop_tokens' must be a list of non-empty strings")
    kind = data.get("test_kind", "main")
    if kind not in TEST_KINDS:
        raise DataError(f"{where}: field 'test_kind' must be one of {', '.join(TEST_KINDS)}, got {kind!r}")
    reference = text("reference", False)
    canonical = text("canonical_solution", False)
    if reference is not None and canonical is not None and reference != canonical:
        raise DataError(f"{where}: fields 'reference' and 'canonical_solution' disagree; give one")
    cases: list[IoCase] = []
    raw_cases = data.get("cases")
    if kind == "io":
        if not isinstance(raw_cases, list) or not raw_cases:
            raise DataError(f"{where}: field 'cases' must be a non-empty list for test_kind 'io'")
        for i, case in enumerate(raw_cases):
            if not (isinstance(case, dict) and isinstance(case.get("input"), str) and isinstance(case.get("output"), str)):
                raise DataError(f"{where}: field 'cases[{i}]' must be an object with string 'input' and 'output'")
            cases.append(IoCase(case["input"], case["output"]))
    elif raw_cases is not None:
        raise DataError(f"{where}: field 'cases' is only valid with test_kind 'io'")
    return Problem(
        name=name,
        prompt=prompt,
        tests=tests,
        stop_tokens=tuple(stops),
        test_kind=kind,
        reference=reference if reference is not None else canonical,
        broken=text("broken", False),
        cases=tuple(cases),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


# --- from a problem and a completion to the program that is built and run


def truncate_at_stop(completion: str, stop_tokens: tuple[str, ...] | list[str]) -> str:
    """Cut ``completion`` at the earliest stop token, as MultiPL-E does before assembling the program."""
    cut = len(completion)
    for token in stop_tokens:
        index = completion.find(token)
        if index != -1:
            cut = min(cut, index)
    return completion[:cut]


def assemble(problem: Problem, completion: str, *, truncate: bool = True) -> str:
    """The whole program: prompt + completion (cut at the stop tokens) + tests, MultiPL-E's layout."""
    body = truncate_at_stop(completion, problem.stop_tokens) if truncate else completion
    separator = "" if body.endswith("\n") else "\n"
    return f"{problem.prompt}{body}{separator}{problem.tests}"
