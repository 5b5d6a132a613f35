"""Diagnostic after the RSFT study: does fine-tuning ~50 programs at lr 5e-4 harm the seed-2 start by itself?

51 gold references of training prompts (first 400, seeded sample), 3 epochs (9 steps) at lr 5e-4 and at 1e-4, each
from the same start; the first 100 held-out tasks, greedy. Run from the repository root after the study (it reads
the study's tokenizer and pretrained file): ``python bench/rsft/diag_gold_lr.py``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import torch
from transformers import PreTrainedTokenizerFast

sys.path.insert(0, str(Path(__file__).parent))
import feasibility as study  # noqa: E402

from sigil.tasks import reference_program, task_splits  # noqa: E402


def main() -> None:
    torch.set_num_threads(2)
    args = SimpleNamespace(seed=2, hidden=256, intermediate=688, layers=4, heads=4, max_new=96, gen_batch=50)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(".exp/data/tokenizer")
    model = study.new_model(tokenizer, args)
    start = {k: v.float() for k, v in torch.load(".exp/pre/pre-s2-400.pt")["model"].items()}
    splits = task_splits(0, 3000, 300)
    heldout = list(splits.heldout[:100])
    gold = [reference_program(p) for p in random.Random(7).sample(list(splits.train[:400]), 51)]

    def evaluate(tag: str) -> study.Evaluation:
        began = time.time()
        result = study.evaluate(model, tokenizer, heldout, args)
        print(tag, "compile", sum(result.compiled), "pass", sum(result.passed), "of", len(heldout),
              f"{time.time() - began:.0f}s", flush=True)
        return result

    model.load_state_dict(start)
    model.eval()
    base = evaluate("base")
    for lr in (5e-4, 1e-4):
        model.load_state_dict(start)
        fit = study.train(model, tokenizer, gold, steps=None, epochs=3, lr=lr, batch=8, seq=256, seed=5, log=f"gold lr {lr}")
        summary = evaluate(f"gold51 3ep lr {lr} ({fit['steps']} steps)").summary(base)
        print(" mcnemar compile", summary["compile_mcnemar"], "pass", summary["pass_mcnemar"], flush=True)


if __name__ == "__main__":
    main()
