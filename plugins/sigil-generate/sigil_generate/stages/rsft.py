"""The ``rsft`` stage: rejection-sampling fine-tuning (expert iteration).

Each round: sample ``rsft.samples_per_prompt`` completions per prompt from the current model → verify them
(compile + clippy + scorers, and tests when asked) → keep the good ones (``sigil_generate.rsft.keep``) → write
them as training records → fine-tune with the registered trainer, warm-starting from the current adapter →
the next round samples from the new adapter.

Resumable per round: each round works in ``<work dir>/round-NNN/`` and writes ``round.json`` last; a re-run skips
finished rounds, and an interrupted round resumes its sampling batch by batch and its training from the
trainer's own checkpoints. Work made under another stage fingerprint (config, prompt files, start model) is discarded.

Artifacts: ``adapter`` (the last trained adapter), ``samples`` (the last round's samples), ``rounds`` (per-round
metrics). Per-round metrics also go to every logger with ``step = round``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from sigil import (
    GENERATORS,
    TRAINERS,
    NoOptions,
    SigilError,
    StageContext,
    StageResult,
    TrainRequest,
    atomic_write_json,
    read_jsonl,
    registry,
    write_jsonl,
)
from sigil_generate.model import model_ref, resolve_base
from sigil_generate.prompts import load_prompts
from sigil_generate.rsft.heldout import HeldoutVerdict, check_heldout, evaluate_heldout, heldout_metrics
from sigil_generate.rsft.keep import normalise, select
from sigil_generate.rsft.records import training_records
from sigil_generate.rsft.verify import check_tests_possible, verify
from sigil_generate.stages.inputs import adapter_input, cache_dir, tiny_texts
from sigil_generate.stages.sampling import SamplingRun, sample_prompts, sampling_settings, write_samples

ROUND_DONE = "round.json"
RUN_KEY = "rsft_key.json"


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
        source = adapter_input(ctx)
        adapter: Path | None = source.artifact("adapter") if source is not None else None
        base = resolve_base(
            config.model_name, adapter, lambda: tiny_texts(ctx, [i.prompt for i in prompts.items]), cache_dir(ctx)
        )
        # finished rounds and partial work are kept only under the same fingerprint: options, every config key this
        # stage and its scorers, generator and trainer read, the prompt files' content, the upstream adapter; not
        # where the run directory lives
        key = ctx.fingerprint
        prepare_work_dir(ctx.work_dir, key, ctx.log)

        # --- the starting model on the held-out problems: what every round is compared with
        heldout = load_prompts(rsft.heldout, rsft.heldout_limit) if rsft.heldout else None
        baseline: list[HeldoutVerdict] | None = None
        start_metrics: dict[str, Any] = {}
        if heldout is not None:
            baseline = self._heldout(ctx, heldout, generator, base, adapter, key, ctx.work_dir / "round-000")
            start_metrics = heldout_metrics(baseline, None, config.misc.seed)
            ctx.log_metrics(start_metrics, step=0)
            ctx.log.info("round 0 (start): %s", heldout_summary(start_metrics))

        history: list[dict[str, Any]] = []
        accumulated: list[dict[str, Any]] = []
        seen: dict[str, set[str]] = {}
        last_samples: Path | None = None
        for number in range(1, rsft.rounds + 1):
            round_dir = ctx.work_dir / f"round-{number:03d}"
            round_dir.mkdir(parents=True, exist_ok=True)
            done_path = round_dir / ROUND_DONE

            # --- a finished round is only read back
            if done_path.exists():
                record = json.loads(done_path.read_text())
                ctx.log.info("round %d: already done, skipped", number)
                kept_records = list(read_jsonl(round_dir / "kept.jsonl"))
            else:
                record, kept_records = self._run_round(
                    ctx, number, round_dir, prompts, generator, trainer, base, adapter, key, accumulated, seen
                )
                if heldout is not None and baseline is not None:
                    # --- the model after this round's fine-tune, on problems it never trains on
                    trained = ctx.work_dir / record["adapter"] if record["adapter"] else adapter
                    verdicts = self._heldout(ctx, heldout, generator, base, trained, key, round_dir)
                    record["metrics"].update(heldout_metrics(verdicts, baseline, config.misc.seed + number))
                    ctx.log.info("round %d: held-out %s", number, heldout_summary(record["metrics"]))
                ctx.log_metrics(record["metrics"], step=number)
                atomic_write_json(done_path, record)
            if record["adapter"]:
                adapter = ctx.work_dir / record["adapter"]
            accumulated += kept_records
            for kept in record["kept_codes"]:
                seen.setdefault(kept[0], set()).add(kept[1])
            last_samples = round_dir / "samples.jsonl"
            history.append(record["metrics"])
            ctx.log.info("round %d: %s", number, summary(record["metrics"]))

        # --- publish the final adapter and the last round's samples
        if adapter is None:
            raise SigilError(
                f"rsft: no sample was kept in any of {rsft.rounds} rounds, so nothing was trained; loosen the keep rule "
                "(rsft.min_quality, rsft.require_compile) or start from a trained adapter"
            )
        shutil.copytree(adapter, ctx.out_dir / "adapter")
        assert last_samples is not None
        shutil.copy(last_samples, ctx.out_dir / "samples.jsonl")
        atomic_write_json(ctx.out_dir / "rounds.json", history)
        final = history[-1]
        metrics = {
            **{f"start_{name}": value for name, value in start_metrics.items() if name != "heldout_problems"},
            **{f"final_{name}": value for name, value in final.items() if name.startswith("heldout_")},
            "rounds": rsft.rounds,
            "trained_rounds": sum(1 for m in history if m["trained"]),
            "kept_total": sum(m["kept"] for m in history),
            # the samples of round N come from the model before round N's fine-tune: name them by that
            "last_round_samples_compile_rate": final["compile_rate"],
            "last_round_samples_avg_quality": final["avg_quality"],
            "first_round_samples_compile_rate": history[0]["compile_rate"],
            "first_round_samples_avg_quality": history[0]["avg_quality"],
        }
        return StageResult(artifacts={"adapter": "adapter", "samples": "samples.jsonl", "rounds": "rounds.json"}, metrics=metrics)

    def _heldout(self, ctx: StageContext, heldout: Any, generator: Any, base: str, adapter: Path | None, key: str,
                 out_dir: Path) -> list[HeldoutVerdict]:
        config: Any = ctx.config
        out_dir.mkdir(parents=True, exist_ok=True)
        run = SamplingRun(generator, config.generate.generator, model_ref(base, adapter), config.generate,
                          out_dir / "heldout-progress.jsonl", ctx.log, extra_key={"rsft": key, "heldout": True})
        return evaluate_heldout(heldout, run, config.rsft, config.misc.seed, config.eval, out_dir)

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
        key: str,
        accumulated: list[dict[str, Any]],
        seen: dict[str, set[str]],
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        config: Any = ctx.config
        rsft, section = config.rsft, config.generate

        # --- generate from the current model (each round draws with its own seed)
        ref = model_ref(base, adapter)
        settings = sampling_settings(section, config.misc.seed, prompts.is_suite, seed_offset=number - 1,
                                     trained=ref.prompt_format)
        run = SamplingRun(generator, section.generator, ref, section, round_dir / "progress.jsonl",
                          ctx.log, extra_key={"rsft": key})
        samples = sample_prompts(prompts, rsft.samples_per_prompt, settings, run)
        write_samples(round_dir / "samples.jsonl", samples)

        # --- verify and keep the good
        checked = verify(samples, config.eval, config.misc.seed, run_tests=rsft.require_tests_pass)
        decision = select(checked.verdicts, rsft, seen if rsft.accumulate else None)
        by_id = {(s.item.problem, s.sample): s for s in samples}
        kept_samples = [by_id[(v.problem, v.sample)] for v in decision.kept]
        kept_records = training_records(kept_samples, settings.chat_template, number)
        write_jsonl(round_dir / "kept.jsonl", kept_records)

        # --- fine-tune on the kept samples (and earlier rounds' with rsft.accumulate), from the current adapter
        train_records = (accumulated + kept_records) if rsft.accumulate else kept_records
        outcome_metrics: dict[str, Any] = {}
        new_adapter: Path | None = None
        if train_records:
            train_path = round_dir / "train.jsonl"
            write_jsonl(train_path, train_records)
            out_dir, work_dir = round_dir / "train-out", round_dir / "train-work"
            out_dir.mkdir(parents=True, exist_ok=True)
            work_dir.mkdir(parents=True, exist_ok=True)
            # the trainer's metrics are logged under "<stage>-round<N>", so each round's loss curve stays its own
            round_ctx = dataclasses.replace(ctx, spec=ctx.spec.model_copy(update={"name": f"{ctx.spec.name}-round{number}"}))
            outcome = trainer.train(TrainRequest(
                config=config,
                ctx=round_ctx,
                train_path=train_path,
                validation_path=None,
                phase=None,
                # the round's start adapter is fixed by the key and the earlier rounds: no path in it, so a moved
                # run directory still resumes
                run_key=hashlib.sha256(f"{key}|{number}".encode() + train_path.read_bytes()).hexdigest()[:16],
                max_steps=None if rsft.train_epochs else rsft.train_steps,
                epochs=rsft.train_epochs,
                warm_start=adapter,
                # the base the samples came from, so a tiny model is not rebuilt from the kept samples' text
                base_model=base,
                out_dir=out_dir,
                work_dir=work_dir,
            ))
            new_adapter = out_dir / outcome.artifacts["adapter"]
            outcome_metrics = outcome.metrics
        else:
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
            "train_records": len(train_records),
            "trained": bool(train_records),
            **{f"rejected_{reason.replace(' ', '_')}": count for reason, count in sorted(decision.rejected.items())},
        }
        if "pass_rate" in checked.metrics:
            metrics["pass_rate"] = checked.metrics["pass_rate"]
        # what went wrong in this round's samples, as count mappings (the report tabulates them by round)
        for name in ("error_types", "error_codes", "clippy_lints"):
            metrics[name] = checked.metrics.get(name, {})
        for name in ("train_loss", "steps"):
            if name in outcome_metrics:
                metrics[name] = outcome_metrics[name]
        record = {
            "metrics": metrics,
            # relative to the work dir, so a moved run directory still resumes
            "adapter": str(new_adapter.relative_to(ctx.work_dir)) if new_adapter else None,
            "kept_codes": [[v.problem, normalise(v.code)] for v in decision.kept],
        }
        return record, kept_records


def prepare_work_dir(work_dir: Path, key: str, log: Any) -> None:
    """Keep finished rounds of this exact run; discard those of another config or start model."""
    key_path = work_dir / RUN_KEY
    previous = json.loads(key_path.read_text()).get("run_key") if key_path.exists() else None
    if previous == key:
        return
    stale = sorted(work_dir.glob("round-*"))
    if stale:
        log.info("rsft: %d rounds in %s belong to another config: discarded", len(stale), work_dir)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    atomic_write_json(key_path, {"run_key": key})



def heldout_summary(metrics: dict[str, Any]) -> str:
    text = (f"compile {metrics['heldout_compile_rate']} {metrics['heldout_compile_rate_ci95']}, pass@1 "
            f"{metrics['heldout_pass_at_1']} {metrics['heldout_pass_at_1_ci95']} on {metrics['heldout_problems']} problems")
    if "heldout_pass_mcnemar_p" in metrics:
        text += (f"; vs start: pass +{metrics['heldout_pass_gained']}/-{metrics['heldout_pass_lost']} "
                 f"(p={metrics['heldout_pass_mcnemar_p']:.3g}), compile +{metrics['heldout_compile_gained']}/"
                 f"-{metrics['heldout_compile_lost']} (p={metrics['heldout_compile_mcnemar_p']:.3g})")
    return text


def summary(metrics: dict[str, Any]) -> str:
    return (
        f"compile_rate {metrics['compile_rate']}, avg_quality {metrics['avg_quality']}, kept {metrics['kept']} "
        f"of {metrics['samples']}, trained on {metrics['train_records']} records"
    )
