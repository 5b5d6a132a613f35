"""What the ``rsft`` stage and its control arms (``rsft-control``) share, so the arms differ only in what they train on.

- the starting model (:func:`resolve_start`) and the settings that make up a round's budget (:func:`budget`);
- the held-out evaluation of a model (:func:`heldout_verdicts`), one implementation for every arm;
- one round's fine-tune through the registered trainer and a ``TrainRequest`` (:func:`fine_tune`);
- the resumable loop over rounds (:func:`run_rounds`): a finished round (``round.json``) is read back, an
  unfinished one runs, then the model after it is evaluated on the held-out problems and the round's metrics are
  logged with ``step = round``;
- the summary metrics (:func:`summary_metrics`): ``start_heldout_*`` and ``final_heldout_*``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil import StageContext, StageOutput, TrainRequest, atomic_write_json, read_jsonl, write_jsonl
from sigil_generate.model import model_ref, resolve_base
from sigil_generate.prompts import PromptSet
from sigil_generate.rsft.heldout import HeldoutVerdict, evaluate_heldout, heldout_metrics
from sigil_generate.stages.inputs import cache_dir, tiny_texts
from sigil_generate.stages.sampling import SamplingRun

ROUND_DONE = "round.json"
RUN_KEY = "rsft_key.json"
#: The ``rsft`` keys that set a round's budget and what it is measured on (the keep rule is RSFT's own).
BUDGET_KEYS = ("rounds", "samples_per_prompt", "train_steps", "train_epochs", "accumulate", "trainer", "heldout",
               "heldout_limit", "heldout_temperature")
#: Sections every arm must see alike: the prompts and sampling, the trainer's settings, the evaluator's.
BUDGET_SECTIONS = ("generate", "train", "lora", "bnb_4bit", "eval")


@dataclass(frozen=True)
class Start:
    """The model before round 1: an earlier stage's adapter (``stage`` names it), or the base model."""

    stage: str | None
    adapter: Path | None
    base: str


def resolve_start(ctx: StageContext, source: StageOutput | None, prompts: PromptSet) -> Start:
    """``source``'s adapter (None: the base model) and the base it was trained on (a ``sigil-tiny:`` base is built
    from the data stage's text, as the training plugin builds it)."""
    adapter = source.artifact("adapter") if source is not None else None
    base = resolve_base(ctx.config.model_name, adapter, lambda: tiny_texts(ctx, [i.prompt for i in prompts.items]),
                        cache_dir(ctx))
    return Start(source.name if source is not None else None, adapter, base)


def budget(config: Any) -> dict[str, str]:
    """The settings a control arm must share with the rsft stage it mirrors: dotted key → a digest of its value
    (compared key by key; digests, so no value, e.g. an API key, is written into an artifact)."""
    settings = {
        "model_name": config.model_name,
        "misc": {"seed": config.misc.seed},
        "rsft": {key: getattr(config.rsft, key) for key in BUDGET_KEYS},
        **{name: getattr(config, name).model_dump(mode="json") for name in BUDGET_SECTIONS},
    }
    return {key: hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:12]
            for key, value in _flat(settings).items()}


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value:
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def prepare_work_dir(work_dir: Path, key: str, log: Any) -> None:
    """Keep finished rounds of this exact run; discard those of another config or start model."""
    key_path = work_dir / RUN_KEY
    previous = json.loads(key_path.read_text()).get("run_key") if key_path.exists() else None
    if previous == key:
        return
    stale = sorted(work_dir.glob("round-*"))
    if stale:
        log.info("%s: %d rounds in %s belong to another config: discarded", work_dir.name, len(stale), work_dir)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    atomic_write_json(key_path, {"run_key": key})


# --- held-out evaluation


def heldout_verdicts(ctx: StageContext, heldout: PromptSet, generator: Any, base: str, adapter: Path | None,
                     out_dir: Path) -> list[HeldoutVerdict]:
    """The model ``base`` + ``adapter`` on the held-out problems; verdicts in ``out_dir/heldout.jsonl`` (resumable)."""
    config: Any = ctx.config
    out_dir.mkdir(parents=True, exist_ok=True)
    run = SamplingRun(generator, config.generate.generator, model_ref(base, adapter), config.generate,
                      out_dir / "heldout-progress.jsonl", ctx.log, extra_key={"rsft": ctx.fingerprint, "heldout": True})
    return evaluate_heldout(heldout, run, config.rsft, config.misc.seed, config.eval, out_dir)


@dataclass
class Heldout:
    """The held-out problems and the starting model's verdicts on them: what every round is compared with."""

    problems: PromptSet
    baseline: list[HeldoutVerdict]


def heldout_summary(metrics: dict[str, Any]) -> str:
    text = (f"compile {metrics['heldout_compile_rate']} {metrics['heldout_compile_rate_ci95']}, pass@1 "
            f"{metrics['heldout_pass_at_1']} {metrics['heldout_pass_at_1_ci95']} on {metrics['heldout_problems']} problems")
    if "heldout_pass_mcnemar_p" in metrics:
        text += (f"; vs start: pass +{metrics['heldout_pass_gained']}/-{metrics['heldout_pass_lost']} "
                 f"(p={metrics['heldout_pass_mcnemar_p']:.3g}), compile +{metrics['heldout_compile_gained']}/"
                 f"-{metrics['heldout_compile_lost']} (p={metrics['heldout_compile_mcnemar_p']:.3g})")
    return text


# --- one round's fine-tune


def fine_tune(ctx: StageContext, trainer: Any, number: int, round_dir: Path, records: list[dict[str, Any]],
              warm_start: Path | None, base: str) -> tuple[Path | None, dict[str, Any]]:
    """Fine-tune on ``records`` from ``warm_start`` for the round's budget (``rsft.train_steps`` or
    ``rsft.train_epochs``); the new adapter and the trainer's metrics, or ``(None, {})`` without records."""
    if not records:
        return None, {}
    config: Any = ctx.config
    rsft = config.rsft
    train_path = round_dir / "train.jsonl"
    write_jsonl(train_path, records)
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
        run_key=hashlib.sha256(f"{ctx.fingerprint}|{number}".encode() + train_path.read_bytes()).hexdigest()[:16],
        max_steps=None if rsft.train_epochs else rsft.train_steps,
        epochs=rsft.train_epochs,
        warm_start=warm_start,
        # the base the samples came from, so a tiny model is not rebuilt from the training records' text
        base_model=base,
        out_dir=out_dir,
        work_dir=work_dir,
    ))
    return out_dir / outcome.artifacts["adapter"], dict(outcome.metrics)


def training_metrics(outcome: dict[str, Any]) -> dict[str, Any]:
    """The trainer's metrics a round reports."""
    return {name: outcome[name] for name in ("train_loss", "steps") if name in outcome}


# --- the loop over rounds

#: One round's work: ``(number, round_dir, adapter, accumulated records, earlier rounds' records)`` →
#: ``(round record, the training records this round added)``. The round record holds ``metrics`` and ``adapter``
#: (relative to the work dir, or None when the round did not train).
RoundWork = Callable[[int, Path, Path | None, list[dict[str, Any]], list[dict[str, Any]]],
                     tuple[dict[str, Any], list[dict[str, Any]]]]


@dataclass
class Rounds:
    """What the loop leaves: each round's record (its metrics under ``metrics``), the last adapter, the last round's
    directory."""

    records: list[dict[str, Any]]
    adapter: Path | None
    last_dir: Path

    @property
    def history(self) -> list[dict[str, Any]]:
        return [record["metrics"] for record in self.records]


def run_rounds(ctx: StageContext, start: Start, generator: Any, heldout: Heldout | None, work: RoundWork,
               added_file: str, describe: Callable[[dict[str, Any]], str]) -> Rounds:
    """Rounds 1..``rsft.rounds``: each finished round is read back, each other one runs ``work``, then (with
    ``heldout``) the model after it is evaluated on the held-out problems; its metrics go to every logger with
    ``step = round`` and its record to ``round.json``, written last. ``added_file`` is where a round keeps the
    training records it added (read back with a finished round)."""
    config: Any = ctx.config
    records: list[dict[str, Any]] = []
    accumulated: list[dict[str, Any]] = []
    adapter = start.adapter
    round_dir = ctx.work_dir
    for number in range(1, config.rsft.rounds + 1):
        round_dir = ctx.work_dir / f"round-{number:03d}"
        round_dir.mkdir(parents=True, exist_ok=True)
        done_path = round_dir / ROUND_DONE

        # --- a finished round is only read back
        if done_path.exists():
            record = json.loads(done_path.read_text())
            ctx.log.info("round %d: already done, skipped", number)
            added = list(read_jsonl(round_dir / added_file))
        else:
            record, added = work(number, round_dir, adapter, accumulated, records)
            write_jsonl(round_dir / added_file, added)
            if "samples" in record["metrics"]:
                # the x-axis an arm trained another way is compared on (a grpo stage's snapshots, rsft-heldout)
                record["metrics"]["completions_sampled"] = record["metrics"]["samples"] + sum(
                    r["metrics"].get("samples", 0) for r in records)
            if heldout is not None:
                # --- the model after this round's fine-tune, on problems it never trains on
                trained = ctx.work_dir / record["adapter"] if record["adapter"] else adapter
                verdicts = heldout_verdicts(ctx, heldout.problems, generator, start.base, trained, round_dir)
                record["metrics"].update(heldout_metrics(verdicts, heldout.baseline, config.misc.seed + number))
                ctx.log.info("round %d: held-out %s", number, heldout_summary(record["metrics"]))
            ctx.log_metrics(record["metrics"], step=number)
            atomic_write_json(done_path, record)
        if record["adapter"]:
            adapter = ctx.work_dir / record["adapter"]
        accumulated += added
        records.append(record)
        ctx.log.info("round %d: %s", number, describe(record["metrics"]))
    return Rounds(records, adapter, round_dir)


def summary_metrics(start_metrics: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    """``start_heldout_*`` (the model before round 1), ``final_heldout_*`` (after the last round), the rounds trained."""
    return {
        **{f"start_{name}": value for name, value in start_metrics.items() if name != "heldout_problems"},
        **{f"final_{name}": value for name, value in history[-1].items() if name.startswith("heldout_")},
        "rounds": len(history),
        "trained_rounds": sum(1 for m in history if m["trained"]),
    }
