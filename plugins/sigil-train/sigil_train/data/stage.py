"""The ``sft_data`` stage: training records from JSONL files as they are, for chat and instruction datasets.

The ``data`` stage reads Rust sources and filters files; a chat or instruction dataset is already what should be
trained on. This stage checks every record (``messages``, ShareGPT ``conversations``, ``instruction``/``input``/
``output``, ``prompt``/``content``, ``content``) and publishes the ``train``/``validation`` artifacts an ``sft``
stage reads (``inputs: {dataset: <this stage>}``). A bad record stops the run here, naming file, line and
field, before any model is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from sigil import ConfigError, InputPath, Section, StageContext, StageResult, write_jsonl
from sigil_train.data.records import read_records


class SftDataOptions(Section):
    """Options of an ``sft_data`` stage entry."""

    train: Annotated[str, InputPath()] = Field(description="JSONL of training records (any shape sigil reads).")
    validation: Annotated[str | None, InputPath()] = Field(default=None, description="JSONL of validation records.")


class SftDataStage:
    """Checked training records from JSONL files: ``train`` and (optionally) ``validation`` artifacts."""

    Options = SftDataOptions
    config_keys = ()
    version = "1"

    @classmethod
    def check(cls, config: object, options: SftDataOptions) -> None:
        for key in ("train", "validation"):
            path = getattr(options, key)
            if path is not None and not Path(path).is_file():
                raise ConfigError(f"options.{key}: {path}: no such file")

    def run(self, ctx: StageContext[SftDataOptions]) -> StageResult:
        artifacts, metrics = {}, {}
        for key in ("train", "validation"):
            path = getattr(ctx.options, key)
            if path is None:
                continue
            records = list(read_records(Path(path)))
            if not records and key == "train":
                raise ConfigError(f"options.train: {path}: no records")
            write_jsonl(ctx.out_dir / f"{key}.jsonl", records)
            artifacts[key] = f"{key}.jsonl"
            tasks = [record.get("task", "instruct" if record.get("prompt") is not None else "code") for record in records]
            metrics[f"{key}_records"] = len(records)
            metrics.update({f"{key}_{task}_records": tasks.count(task) for task in sorted(set(tasks))})
        ctx.log.info("sft_data: %s", ", ".join(f"{k} {v}" for k, v in metrics.items()))
        ctx.log_metrics(metrics)
        return StageResult(artifacts=artifacts, metrics=metrics)
