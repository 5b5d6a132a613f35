"""Generated samples: what ``sigil eval`` reads and the ``generate`` stage writes.

One JSON object per line. The reference system's ``{"prompt": ..., "gen": ...}`` is accepted as is; sigil
adds ``id``, ``problem`` (the problem or prompt identifier, for pass@k and per-prompt breakdowns) and
``sample`` (the sample's index for its prompt).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sigil.errors import DataError
from sigil.io import read_jsonl


@dataclass
class Sample:
    """One model output for one prompt."""

    id: str
    prompt: str
    gen: str
    problem: str
    sample: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_samples(path: str | Path, *, skip_bad_lines: bool = False, bad_lines: list[str] | None = None) -> list[Sample]:
    """Every sample in a JSONL file; a line without a string ``gen`` is malformed (line number in the error)."""
    samples = []
    problems: dict[str, int] = {}
    for number, record in enumerate(read_jsonl(path, skip_bad_lines=skip_bad_lines, bad_lines=bad_lines), start=1):
        gen = record.get("gen", record.get("completion"))
        prompt = record.get("prompt", "")
        if not isinstance(gen, str) or not isinstance(prompt, str):
            message = f"{path}: sample {number}: needs string fields 'gen' (or 'completion') and 'prompt'"
            if not skip_bad_lines:
                raise DataError(message)
            if bad_lines is not None:
                bad_lines.append(message)
            continue
        problem = str(record.get("problem") or record.get("name") or prompt)
        index = int(record["sample"]) if isinstance(record.get("sample"), int) else problems.get(problem, 0)
        problems[problem] = index + 1
        samples.append(Sample(str(record.get("id") or f"{number}"), prompt, gen, problem, index))
    if not samples:
        raise DataError(f"{path}: no samples")
    return samples


def subsample(samples: list[Sample], n: int | None, seed: int) -> list[Sample]:
    """A seeded random subset of ``n`` samples (all of them when ``n`` is None or not smaller)."""
    if n is None or n >= len(samples):
        return samples
    chosen = sorted(random.Random(seed).sample(range(len(samples)), n))
    return [samples[i] for i in chosen]
