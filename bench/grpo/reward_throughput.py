"""Reward cost inside GRPO vs the evaluator standalone, on the same completions (CPU).

Runs a pipeline with a ``grpo`` stage in-process (``sigil run``), records every batch the reward function judged,
then evaluates the same completions again with ``sigil.evaluate`` outside training: per GRPO-step batch, and all in
one call. Reports the reward's share of GRPO step time (the stage's own ``reward_time_share``) and completions
verified per second in each setting. Use ``eval.cache_dir: null`` (the default override here) so no run reads
verdicts cached by another.

    nice -n 15 python bench/grpo/reward_throughput.py configs/tiny-grpo.yml --out runs/grpo-bench \
        -o grpo.max_steps=6 -o grpo.num_generations=8
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--out", required=True, help="run directory (an existing one reuses its finished stages)")
    parser.add_argument("-o", dest="overrides", action="append", default=[])
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from sigil_train.grpo import rewards

    from sigil import EvalConfig, Sample, evaluate, make_evaluator
    from sigil.cli import main as sigil_main

    # --- record what the reward function judges, without changing what it does
    batches: list[list[tuple[str, str]]] = []
    judged = rewards.EvaluatorReward.__call__

    def recording(self, prompts, completions, problem, **kwargs):  # type: ignore[no-untyped-def]
        batches.append([(name, rewards.completion_text(c)) for name, c in zip(problem, completions, strict=True)])
        recording.problems = self.problems  # type: ignore[attr-defined]
        recording.eval_config = self.eval_config  # type: ignore[attr-defined]
        return judged(self, prompts, completions, problem, **kwargs)

    rewards.EvaluatorReward.__call__ = recording  # type: ignore[method-assign]
    overrides = ["-o", "eval.cache_dir=null", "-o", f"misc.output_dir={args.out}"]
    for override in args.overrides:
        overrides += ["-o", override]
    assert sigil_main(["run", args.config, *overrides, "--from", "grpo"]) == 0
    run = Path(args.out)
    stage = json.loads((run / "stages" / "grpo" / "stage.json").read_text())["metrics"]
    steps = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    timing = [m for m in steps if m["stage"] == "grpo" and "step_s" in m][-len(batches):]

    # --- the same completions, judged again outside training
    problems, config = recording.problems, recording.eval_config  # type: ignore[attr-defined]
    assert isinstance(config, EvalConfig) and config.cache_dir is None

    def samples(batch: list[tuple[str, str]]) -> list[Sample]:
        return [Sample(str(i), problems[name].prompt, text, name, i, text, problems[name])
                for i, (name, text) in enumerate(batch)]

    evaluator = make_evaluator(config)
    clock = time.monotonic()
    for batch in batches:
        evaluate(samples(batch), config, seed=0, run_tests=True, evaluator=evaluator)
    per_step_s = time.monotonic() - clock
    everything = [pair for batch in batches for pair in batch]
    clock = time.monotonic()
    report = evaluate(samples(everything), config, seed=0, run_tests=True, evaluator=evaluator)
    one_call_s = time.monotonic() - clock

    unfiltered = config.model_copy(update={"prefilter": config.prefilter.model_copy(update={"enabled": False})})
    clock = time.monotonic()
    no_prefilter = evaluate(samples(everything), unfiltered, seed=0, run_tests=True, evaluator=evaluator)
    no_prefilter_s = time.monotonic() - clock
    with open(run / "reward_batches.jsonl", "w") as handle:
        for step, batch in enumerate(batches):
            handle.writelines(json.dumps({"step": step, "problem": name, "completion": text}) + "\n" for name, text in batch)

    result = {
        "config": args.config,
        "overrides": args.overrides,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "steps": len(batches),
        "completions": len(everything),
        "compile_rate": report.metrics.get("compile_rate"),
        "prefiltered": sum(1 for d in report.samples if d["filter_reason"]),
        "grpo": {
            "reward_time_share": stage.get("reward_time_share"),
            "reward_completions_per_s": stage.get("reward_completions_per_s"),
            "step_s": [m["step_s"] for m in timing],
            "reward_s": [m["reward_s"] for m in timing],
        },
        "standalone_per_step_batches": {"seconds": round(per_step_s, 3),
                                        "completions_per_s": round(len(everything) / per_step_s, 2)},
        "standalone_one_call": {"seconds": round(one_call_s, 3),
                                "completions_per_s": round(len(everything) / one_call_s, 2)},
    }
    result["standalone_one_call_no_prefilter"] = {
        "seconds": round(no_prefilter_s, 3), "completions_per_s": round(len(everything) / no_prefilter_s, 2),
        "compile_rate": no_prefilter.metrics.get("compile_rate"),
        "passed": sum(1 for d in no_prefilter.samples if d.get("tests", {}).get("status") == "passed"),
    }
    result["passed"] = sum(1 for d in report.samples if d.get("tests", {}).get("status") == "passed")
    print(json.dumps(result, indent=2))
    (run / "reward_throughput.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
