"""Load the prompts of ``generate.prompts``.

- A name without a path separator or ``.jsonl`` suffix is a registered problem suite (``register_suites``;
  ``sigil-basic`` ships with sigil).
- A JSONL file whose first record has ``tests`` is a problem suite (loaded by :func:`sigil.functional.problems.load_suite`,
  so its problems keep their tests and stop tokens).
- Any other JSONL file holds plain prompts: ``{"prompt": str, "id"?: str, "problem"?: str, "stop"?: [str]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sigil import DataError, Problem, SigilError, Suite, load_suite, read_jsonl, resolve_suite


@dataclass(frozen=True)
class PromptItem:
    """One prompt: its problem name (unique in the set), text, stop sequences and suite problem if any."""

    problem: str
    prompt: str
    stop: tuple[str, ...] = ()
    suite_problem: Problem | None = None


@dataclass(frozen=True)
class PromptSet:
    """The prompts of one source, in file order."""

    source: str
    items: tuple[PromptItem, ...]
    #: True when the prompts are suite problems: code to continue, with tests after the completion.
    is_suite: bool


def load_prompts(spec: str, limit: int | None = None) -> PromptSet:
    """The prompts named by ``generate.prompts`` (the first ``limit`` of them)."""
    prompt_set = _load_all(spec)
    if limit is not None:
        prompt_set = PromptSet(prompt_set.source, prompt_set.items[:limit], prompt_set.is_suite)
    return prompt_set


def _load_all(spec: str) -> PromptSet:
    if "/" not in spec and not spec.endswith(".jsonl"):
        try:
            return _suite_prompts(resolve_suite(spec), spec)
        except SigilError as exc:
            raise DataError(f"generate.prompts: {exc} (or give a .jsonl path)") from None
    path = Path(spec).expanduser()
    if not path.is_file():
        raise DataError(f"generate.prompts: {path}: no such file")
    first = next(iter(read_jsonl(path)), None)
    if first is None:
        raise DataError(f"{path}: no prompts")
    if "tests" in first:
        return _suite_prompts(load_suite(path), str(path))
    return PromptSet(source=str(path), items=_plain_prompts(path), is_suite=False)


def _suite_prompts(suite: Suite, source: str) -> PromptSet:
    items = tuple(PromptItem(problem=p.name, prompt=p.prompt, stop=p.stop_tokens, suite_problem=p) for p in suite.problems)
    return PromptSet(source=source, items=items, is_suite=True)


def _plain_prompts(path: Path) -> tuple[PromptItem, ...]:
    items: list[PromptItem] = []
    seen: set[str] = set()
    for number, record in enumerate(read_jsonl(path), start=1):
        prompt = record.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise DataError(f"{path}: prompt {number}: field 'prompt' must be a non-empty string")
        name = record.get("problem", record.get("id", f"prompt-{number}"))
        if not isinstance(name, (str, int)) or isinstance(name, bool):
            raise DataError(f"{path}: prompt {number}: field 'problem'/'id' must be a string")
        name = str(name)
        if name in seen:
            raise DataError(f"{path}: prompt {number}: field 'problem'/'id': {name!r} is used twice")
        seen.add(name)
        stop = record.get("stop", [])
        if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
            raise DataError(f"{path}: prompt {number}: field 'stop' must be a list of non-empty strings")
        items.append(PromptItem(problem=name, prompt=prompt, stop=tuple(stop)))
    return tuple(items)
