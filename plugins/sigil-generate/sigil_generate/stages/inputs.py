"""What a generating stage reads from earlier stages: the adapter to sample from, the tiny-model text, caches."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sigil import ConfigError, StageContext, StageOutput, read_jsonl

#: Stage types whose ``adapter`` artifact a generating stage samples from.
ADAPTER_STAGES = ("sft", "rsft", "grpo")


def adapter_input(ctx: StageContext) -> StageOutput | None:
    """The stage whose adapter to sample from: ``inputs.model`` if named, else the latest sft/rsft/grpo stage, else
    None (the base model)."""
    try:
        return ctx.input("model", ADAPTER_STAGES)
    except ConfigError:
        if "model" in ctx.spec.inputs:
            raise
        return None


def tiny_texts(ctx: StageContext, fallback: list[str]) -> Iterator[str]:
    """The text a ``sigil-tiny:`` base builds its tokenizer from: the latest data stage's training split, read as
    the training plugin reads it (so both build the same model); ``fallback`` when there is no data stage."""
    try:
        data = ctx.input("dataset", ("data",))
    except ConfigError:
        yield from fallback
        return
    for record in read_jsonl(data.artifact("train")):
        yield (record.get("prompt") or "") + str(record.get("content") or "")


def cache_dir(ctx: StageContext) -> Path:
    """sigil's cache root as the training plugin resolves it (tiny models must land in the same place):
    ``dataset.cache_dir``, else ``$SIGIL_CACHE_DIR``, else ``~/.cache/sigil``."""
    configured = ctx.config.dataset.cache_dir
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("SIGIL_CACHE_DIR") or Path.home() / ".cache" / "sigil")
