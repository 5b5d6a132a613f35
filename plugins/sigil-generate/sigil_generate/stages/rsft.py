"""The ``rsft`` stage: rejection-sampling fine-tuning (expert iteration).

Each round: sample ``rsft.samples_per_prompt`` completions per prompt from the current model → verify them
(compile + clippy + scorers, and tests when asked) → keep the good ones (``sigil_generate.rsft.keep``) → write
them as training records → fine-tune with the registered trainer, warm-starting from the current adapter →
the next round samples from the new adapter.

Resumable per round: each round works in ``<work dir>/round-NNN/`` and writes ``round.json`` last; a re-run skips
finished rounds, and an interrupted round resumes its sampling batch by batch and its training from the
trainer's own checkpoints. Work made under another stage fingerprint (config, prompt files, start model) is discarded.

Artifacts: ``adapter`` (the last trained adapter), ``samples`` (the last round's samples), ``rounds`` (per-round
metrics), ``start`` (the starting model's stage and the round budget) and, with ``rsft.heldout``, ``heldout_start``
(the starting model's held-out verdicts): the last two let a control arm (``rsft-control``) mirror this stage.
Per-round metrics also go to every logger with ``step = round``. The round loop, the fine-tune and the held-out
evaluation are shared with the control arms (``sigil_generate.rsft.rounds``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sigil import GENERATORS, TRAINERS, NoOptions, SigilError, StageContext, StageResult, atomic_write_json, registry
from sigil_generate.model import model_ref
from sigil_generate.prompts import load_prompts
from sigil_generate.rsft.heldout import VERDICTS, check_heldout, heldout_metrics
from sigil_generate.rsft.keep import normalise, select
from sigil_generate.rsft.records import training_records
from sigil_generate.rsft.rounds import (
    Heldout,
    budget,
    fine_tune,
    heldout_summary,
    heldout_verdicts,
    prepare_work_dir,
    resolve_start,
    run_rounds,
    summary_metrics,
    training_metrics,
)
from sigil_generate.rsft.verify import check_tests_possible, verify
from sigil_generate.stages.inputs import adapter_input
from sigil_generate.stages.sampling import (
    GeneratedSample,
    SamplingRun,
    sample_prompts,
    sampling_settings,
    write_samples,
)

#: Each round's kept records (in its round directory).
KEPT = "kept.jsonl"
#: Artifacts a control arm (``rsft-control``) reads: the starting model and budget, the start's held-out verdicts.
START = "start.json"
HELDOUT_START = "heldout-start.jsonl"


class RsftStage:
    """Rounds of generate → verify → keep → fine-tune; publishes the final adapter and last samples."""

    Options = NoOptions
    #: Everything that changes the samples, the verdicts or the trained weights.
    config_keys = ("model_name", "misc", "eval", "generate", "rsft", "train", "lora", "bnb_4bit")
    version = "1"

    @classmethod
    def check(cls, config: Any, options: NoOptions) -> None:
        """Prompts, test requirements, trainer and generator: checked before any stage of the run starts."""
        prompts = load_prompts(config.generate.prompts, config.generate.limit)
        if config.rsft.require_tests_pass:
            check_tests_possible(config.eval, prompts.is_suite)
        if config.rsft.heldout:
            check_heldout(load_prompts(config.rsft.heldout, config.rsft.heldout_limit), prompts)
        registry(TRAINERS).get(config.rsft.trainer)
        registry(GENERATORS).get(config.generate.generator)

    @classmethod
    def uses(cls, config: Any, options: NoOptions) -> dict[str, list[str]]:
        """The scorers judge the samples, the generator writes them, the trainer learns from the kept ones."""
        return {
            "scorers": list(config.eval.scorers),
            "generators": [config.generate.generator],
            "trainers": [config.rsft.trainer],
        }

    def run(self, ctx: StageContext[NoOptions]) -> StageResult:
        config: Any = ctx.config  # plugin sections are added to the config model at load time
        rsft, section = config.rsft, config.generate
        prompts = load_prompts(section.prompts, section.limit)
        trainer = registry(TRAINERS).get(rsft.trainer)
        generator = registry(GENERATORS).get(section.generator)

        # --- starting point: the latest sft/rsft adapter, or the base model
        start = resolve_start(ctx, adapter_input(ctx), prompts)
        # finished rounds and partial work are kept only under the same fingerprint: options, every config key this
        # stage and its scorers, generator and trainer read, the prompt files' content, the upstream adapter; not
        # where the run directory lives
        prepare_work_dir(ctx.work_dir, ctx.fingerprint, ctx.log)

        # --- the starting model on the held-out problems: what every round is compared with
        heldout: Heldout | None = None
        start_metrics: dict[str, Any] = {}
        if rsft.heldout:
            problems = load_prompts(rsft.heldout, rsft.heldout_limit)
            baseline = heldout_verdicts(ctx, problems, generator, start.base, start.adapter, ctx.work_dir / "round-000")
            heldout = Heldout(problems, baseline)
            start_metrics = heldout_metrics(baseline, None, config.misc.seed)
            ctx.log_metrics({**start_metrics, "completions_sampled": 0}, step=0)
            ctx.log.info("round 0 (start): %s", heldout_summary(start_metrics))

        # --- the rounds: generate → verify → keep → fine-tune (→ held-out), each resumable
        def work(number: int, round_dir: Path, adapter: Path | None, accumulated: list[dict[str, Any]],
                 earlier: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
            seen: dict[str, set[str]] = {}
            for record in earlier:
                for problem, code in record["kept_codes"]:
                    seen.setdefault(problem, set()).add(code)
            return self._run_round(ctx, number, round_dir, prompts, generator, trainer, start.base, adapter,
                                   accumulated, seen)

        rounds = run_rounds(ctx, start, generator, heldout, work, KEPT, summary)

        # --- publish the final adapter, the last round's samples, and what a control arm needs to mirror this stage
        if rounds.adapter is None:
            raise SigilError(
                f"rsft: no sample was kept in any of {rsft.rounds} rounds, so nothing was trained; loosen the keep rule "
                "(rsft.min_quality, rsft.require_compile) or start from a trained adapter"
            )
        shutil.copytree(rounds.adapter, ctx.out_dir / "adapter")
        shutil.copy(rounds.last_dir / "samples.jsonl", ctx.out_dir / "samples.jsonl")
        history = rounds.history
        atomic_write_json(ctx.out_dir / "rounds.json", history)
        atomic_write_json(ctx.out_dir / START, {"stage": start.stage, "budget": budget(config)})
        artifacts = {"adapter": "adapter", "samples": "samples.jsonl", "rounds": "rounds.json", "start": START}
        if heldout is not None:
            shutil.copy(ctx.work_dir / "round-000" / VERDICTS, ctx.out_dir / HELDOUT_START)
            artifacts["heldout_start"] = HELDOUT_START
        final = history[-1]
        metrics = {
            **summary_metrics(start_metrics, history),
            "kept_total": sum(m["kept"] for m in history),
            # the samples of round N come from the model before round N's fine-tune: name them by that
            "last_round_samples_compile_rate": final["compile_rate"],
            "last_round_samples_avg_quality": final["avg_quality"],
            "first_round_samples_compile_rate": history[0]["compile_rate"],
            "first_round_samples_avg_quality": history[0]["avg_quality"],
        }
        return StageResult(artifacts=artifacts, metrics=metrics)

    def _run_round(
        self,
        ctx: StageContext,
        number: int,
        round_dir: Path,
        prompts: Any,
        generator: Any,
        trainer: Any,
        base: str,
        adapter: Path | None,
        accumulated: list[dict[str, Any]],
        seen: dict[str, set[str]],
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        config: Any = ctx.config
        rsft = config.rsft

        # --- generate from the current model (each round draws with its own seed)
        samples, chat = sample_round(ctx, number, round_dir, prompts, generator, base, adapter)

        # --- verify and keep the good
        checked = verify(samples, config.eval, config.misc.seed, run_tests=rsft.require_tests_pass)
        decision = select(checked.verdicts, rsft, seen if rsft.accumulate else None)
        by_id = {(s.item.problem, s.sample): s for s in samples}
        kept_samples = [by_id[(v.problem, v.sample)] for v in decision.kept]
        kept_records = training_records(kept_samples, chat, number)

        # --- fine-tune on the kept samples (and earlier rounds' with rsft.accumulate), from the current adapter
        train_records = (accumulated + kept_records) if rsft.accumulate else kept_records
        new_adapter, outcome = fine_tune(ctx, trainer, number, round_dir, train_records, adapter, base)
        if not train_records:
            ctx.log.warning("round %d: no sample kept; the model is not trained this round", number)

        metrics: dict[str, Any] = {
            "round": number,
            "samples": len(samples),
            "compile_rate": checked.metrics.get("compile_rate"),
            "avg_quality": checked.metrics.get("avg_quality"),
            "avg_clippy_warnings": checked.metrics.get("avg_clippy_warnings"),
            "avg_idiomatic_score": checked.metrics.get("avg_idiomatic_score"),
            "doc_comment_rate": checked.metrics.get("doc_comment_rate"),
            "kept": len(kept_records),
            "kept_prompts": len({v.problem for v in decision.kept}),
            "kept_fallback": decision.fallback,
            "train_records": len(train_records),
            "trained": bool(train_records),
            **{f"rejected_{reason.replace(' ', '_')}": count for reason, count in sorted(decision.rejected.items())},
        }
        if "pass_rate" in checked.metrics:
            metrics["pass_rate"] = checked.metrics["pass_rate"]
        # what went wrong in this round's samples, as count mappings (the report tabulates them by round)
        for name in ("error_types", "error_codes", "clippy_lints"):
            metrics[name] = checked.metrics.get(name, {})
        metrics.update(training_metrics(outcome))
        record = {
            "metrics": metrics,
            # relative to the work dir, so a moved run directory still resumes
            "adapter": str(new_adapter.relative_to(ctx.work_dir)) if new_adapter else None,
            "kept_codes": [[v.problem, normalise(v.code)] for v in decision.kept],
        }
        return record, kept_records


def sample_round(ctx: StageContext, number: int, round_dir: Path, prompts: Any, generator: Any, base: str,
                 adapter: Path | None) -> tuple[list[GeneratedSample], bool]:
    """``rsft.samples_per_prompt`` samples per prompt from the current model under the round's own seed, saved as
    ``round_dir/samples.jsonl`` (resumable batch by batch); and whether they were drawn through the chat template."""
    config: Any = ctx.config
    section = config.generate
    ref = model_ref(base, adapter)
    settings = sampling_settings(section, config.misc.seed, prompts.is_suite, seed_offset=number - 1,
                                 trained=ref.prompt_format)
    run = SamplingRun(generator, section.generator, ref, section, round_dir / "progress.jsonl",
                      ctx.log, extra_key={"rsft": ctx.fingerprint})
    samples = sample_prompts(prompts, config.rsft.samples_per_prompt, settings, run)
    write_samples(round_dir / "samples.jsonl", samples)
    return samples, settings.chat_template


def summary(metrics: dict[str, Any]) -> str:
    return (
        f"compile_rate {metrics['compile_rate']}, avg_quality {metrics['avg_quality']}, kept {metrics['kept']} "
        f"of {metrics['samples']}, trained on {metrics['train_records']} records"
    )
