"""Built-in plugin: the ``data`` stage (placeholder: the data-stage work replaces it)."""

from __future__ import annotations

from sigil.hookspecs import Register, hookimpl
from sigil.pipeline.stage import NoOptions, StageContext, StageResult


class DataStage:
    Options = NoOptions
    config_keys = ("dataset",)
    version = "0"

    def run(self, ctx: StageContext) -> StageResult:
        (ctx.out_dir / "train.jsonl").write_text("")
        return StageResult(artifacts={"train": "train.jsonl"})


@hookimpl
def register_stages(register: Register) -> None:
    register("data", DataStage)
