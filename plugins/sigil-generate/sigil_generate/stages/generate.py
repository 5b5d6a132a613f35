"""The ``generate`` stage: sample ``generate.n`` completions per prompt from the base model or a trained adapter.

Reads top to bottom: prompts → model reference (latest sft/rsft/grpo adapter, or the base) → sample (resumable per
sample; the generator loads or serves the model) → write.
"""

from __future__ import annotations

from typing import Any

from sigil import GENERATORS, NoOptions, StageContext, StageResult, atomic_write_json, registry
from sigil_generate.model import model_ref, resolve_base
from sigil_generate.prompts import load_prompts
from sigil_generate.stages.inputs import adapter_input, cache_dir, tiny_texts
from sigil_generate.stages.sampling import SamplingRun, sample_prompts, sampling_settings, write_samples

SAMPLES = "samples.jsonl"
GENERATION_INFO = "generation.json"


class GenerateStage:
    """Writes artifact ``samples`` (samples.jsonl) and ``generation`` (the settings and model used)."""

    Options = NoOptions
    config_keys = ("model_name", "misc", "generate")
    version = "1"

    @classmethod
    def check(cls, config: Any, options: NoOptions) -> None:
        """The prompts and the generator exist: checked before any stage of the run starts."""
        load_prompts(config.generate.prompts, config.generate.limit)
        registry(GENERATORS).get(config.generate.generator)

    @classmethod
    def uses(cls, config: Any, options: NoOptions) -> dict[str, list[str]]:
        return {"generators": [config.generate.generator]}

    def run(self, ctx: StageContext[NoOptions]) -> StageResult:
        section = ctx.config.generate  # type: ignore[attr-defined]  # a plugin section, added at load time

        # --- prompts
        prompts = load_prompts(section.prompts, section.limit)

        # --- model: the latest trained adapter, or the base model
        source = adapter_input(ctx)
        adapter_dir = source.artifact("adapter") if source is not None else None
        base = resolve_base(
            ctx.config.model_name, adapter_dir, lambda: tiny_texts(ctx, [i.prompt for i in prompts.items]), cache_dir(ctx)
        )
        ctx.log.info("sampling %d x %d from %s%s", len(prompts.items), section.n, base,
                     f" + adapter {adapter_dir}" if adapter_dir else "")

        # --- how to sample: `chat_template: auto` prompts the model as its training did (its prompt-format record)
        ref = model_ref(base, adapter_dir)
        settings = sampling_settings(section, ctx.config.misc.seed, prompts.is_suite, trained=ref.prompt_format)
        ctx.log.info("prompts %s (generate.chat_template: %s; trained format: %s)",
                     "wrapped in the template" if settings.chat_template else "as raw text", section.chat_template,
                     ref.prompt_format.kind if ref.prompt_format else "no record")

        # --- sample, resumable sample by sample; the generator loads (or serves) the model itself
        run = SamplingRun(
            generator=registry(GENERATORS).get(section.generator),
            generator_name=section.generator,
            model=ref,
            options=section,
            progress_path=ctx.work_dir / "progress.jsonl",
            log=ctx.log,
            extra_key={"start": source.fingerprint if source else "base"},
        )
        samples = sample_prompts(prompts, section.n, settings, run)

        # --- write
        write_samples(ctx.out_dir / SAMPLES, samples)
        info = {
            "prompts": prompts.source,
            "suite": prompts.is_suite,
            "prompt_count": len(prompts.items),
            "n": section.n,
            "settings": settings.to_json(),
            "generator": section.generator,
            "base_model": base,
            "adapter": str(adapter_dir) if adapter_dir else None,
            "adapter_stage": source.name if source else None,
            "model": ref.to_json(),
        }
        atomic_write_json(ctx.out_dir / GENERATION_INFO, info)
        metrics = {
            "samples": len(samples),
            "prompts": len(prompts.items),
            "empty_completions": sum(1 for s in samples if not s.completion.strip()),
            "avg_completion_chars": round(sum(len(s.completion) for s in samples) / max(len(samples), 1), 1),
        }
        ctx.log_metrics(metrics)
        return StageResult(artifacts={"samples": SAMPLES, "generation": GENERATION_INFO}, metrics=metrics)
