"""Kept samples → training records in the data stage's format (``{"id","source","path","task","content","prompt"}``).

With the chat template on, a record is ``task: instruct``: the training plugin renders its ``prompt`` with the
same template the sample was generated under, and puts the loss on ``content`` (the completion) only. With it
off, the record is ``task: code``: for a suite problem the whole program (prompt + completion cut at its stop
tokens + tests), otherwise prompt + completion. The training
plugin's instruct path always applies a template, so raw continuation is trained as plain code (the loss then
also covers the prompt; see docs/rsft.md).
"""

from __future__ import annotations

from typing import Any

from sigil import assemble
from sigil_generate.stages.sampling import GeneratedSample

SOURCE = "rsft"


def training_records(samples: list[GeneratedSample], chat_template: bool, round_number: int,
                     source: str = SOURCE) -> list[dict[str, Any]]:
    """One record per kept sample (``source``: what the records are, e.g. a control arm's ``gold``)."""
    records = []
    for sample in samples:
        record_id = f"{source}-r{round_number}/{sample.id}"
        if chat_template:
            records.append({"id": record_id, "source": source, "path": None, "task": "instruct",
                            "content": sample.completion, "prompt": sample.item.prompt})
        elif sample.item.suite_problem is not None:
            # the whole program the verdict was about (prompt + completion + tests): the shape a suite's
            # reference programs have in a pretraining corpus (data source ``suite:NAME``)
            records.append({"id": record_id, "source": source, "path": None, "task": "code",
                            "content": assemble(sample.item.suite_problem, sample.completion), "prompt": None})
        else:
            records.append({"id": record_id, "source": source, "path": None, "task": "code",
                            "content": sample.item.prompt + sample.completion, "prompt": None})
    return records
