"""From a problem and a completion to the program that is built and run."""

from __future__ import annotations

from sigil.functional.problems import Problem


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
