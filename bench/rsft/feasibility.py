"""Does RSFT on sigil's generated tasks make a tiny model write more correct Rust on held-out tasks? (CPU study)

Standalone on purpose (plain torch/transformers/tokenizers + sigil's task generator and sandboxed test runner),
so the recipe can be measured before every knob is wired into the ``rsft`` stage:

  pretrain a tiny Llama on the training split's reference programs
  → evaluate the held-out split (greedy, one completion per task: compile rate and pass@1)
  → R rounds of: sample the training prompts at temperature T → run their tests in the sandbox → keep what
    passes (deduplicated per prompt, accumulated over rounds) → fine-tune E epochs → evaluate the held-out split
  → two controls with the same number of training records and epochs per round: (a) the gold references of
    the same prompts, (b) the model's own samples, unfiltered.

Every held-out verdict is saved per task, so rounds and arms are compared pairwise (exact McNemar test).

    python bench/rsft/feasibility.py --seed 1 --out runs/feasibility-s1
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from sigil.functional.problems import Problem

EOS = "<|endoftext|>"
DEVICE = "cpu"


# ---------------------------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------------------------


def train_tokenizer(texts: list[str], vocab: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    # Newlines are tokens of their own: a prompt ends with "{\n", and with GPT-2's whitespace-run rule that "\n"
    # would be a token seen in training only before "}" (in training text it merges with the next line's
    # indentation), so the model closed every function at once.
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split("\n", behavior="isolated"),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=[EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=EOS, eos_token=EOS, pad_token=EOS)


def new_model(tokenizer, args):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(args.seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=args.hidden, intermediate_size=args.intermediate,
                         num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.heads,
                         max_position_embeddings=1024, tie_word_embeddings=True,
                         bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.eos_token_id)
    return LlamaForCausalLM(config)


def packed_rows(tokenizer, texts: list[str], seq: int, rng: random.Random) -> list[list[int]]:
    """Shuffle the texts, join them with EOS and cut the stream into rows of ``seq`` tokens."""
    order = list(texts)
    rng.shuffle(order)
    stream: list[int] = []
    for ids in tokenizer(order)["input_ids"]:
        stream += ids + [tokenizer.eos_token_id]
    return [stream[i:i + seq] for i in range(0, len(stream) - seq + 1, seq)] or [stream]


def train(model, tokenizer, texts: list[str], *, steps: int | None, epochs: float | None, lr: float, batch: int,
          seq: int, seed: int, log: str, check=None, check_every: int = 0) -> dict:
    """AdamW (0.9, 0.95), weight decay 0.1, clip 1.0, 5% warm-up, cosine to 10% of peak. Budget by steps or epochs."""
    rng = random.Random(seed)
    rows: list[list[int]] = []
    if steps is None:
        assert epochs is not None
        rows_per_epoch = len(packed_rows(tokenizer, texts, seq, random.Random(0)))
        steps = max(1, math.ceil(epochs * rows_per_epoch / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    warm = max(1, steps // 20)
    model.train()
    started, tokens, losses = time.time(), 0, []
    for step in range(steps):
        factor = (step + 1) / warm if step < warm else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, steps - warm)))
        for group in opt.param_groups:
            group["lr"] = lr * factor
        while len(rows) < batch:
            rows += packed_rows(tokenizer, texts, seq, rng)
        chunk, rows = rows[:batch], rows[batch:]
        width = max(len(r) for r in chunk)
        ids = torch.full((len(chunk), width), tokenizer.eos_token_id)
        labels = torch.full((len(chunk), width), -100)
        for i, r in enumerate(chunk):
            ids[i, :len(r)] = torch.tensor(r)
            labels[i, :len(r)] = torch.tensor(r)
        loss = model(input_ids=ids.to(DEVICE), labels=labels.to(DEVICE)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens += int((labels != -100).sum())
        losses.append(float(loss.detach()))
        if (step + 1) % 50 == 0 or step + 1 == steps:
            print(f"  [{log}] step {step + 1}/{steps} loss {sum(losses[-50:]) / len(losses[-50:]):.3f} "
                  f"{tokens / (time.time() - started):.0f} tok/s", flush=True)
        if check is not None and check_every and (step + 1) % check_every == 0 and step + 1 < steps:
            model.eval()
            stop = check(step + 1)
            model.train()
            if stop:
                steps = step + 1
                break
    model.eval()
    return {"steps": steps, "final_loss": sum(losses[-20:]) / len(losses[-20:]), "tokens": tokens,
            "seconds": round(time.time() - started, 1)}


@torch.no_grad()
def sample(model, tokenizer, problems: list[Problem], *, n: int, temperature: float, max_new: int, batch: int,
           seed: int) -> list[list[str]]:
    """``n`` completions per problem, cut at the problem's stop tokens (left padding, per-row early stop)."""
    torch.manual_seed(seed)
    tokenizer.padding_side = "left"
    jobs = [(i, p) for i, p in enumerate(problems) for _ in range(n)]
    out: list[list[str]] = [[] for _ in problems]
    for start in range(0, len(jobs), batch):
        chunk = jobs[start:start + batch]
        enc = tokenizer([p.prompt for _, p in chunk], return_tensors="pt", padding=True)
        ids, mask = enc["input_ids"].to(DEVICE), enc["attention_mask"].to(DEVICE)
        past = None
        done = torch.zeros(len(chunk), dtype=torch.bool)
        generated = [[] for _ in chunk]
        texts = [""] * len(chunk)
        position = mask.long().cumsum(-1) - 1
        position.clamp_(min=0)
        step_ids, step_pos = ids, position
        for _ in range(max_new):
            result = model(input_ids=step_ids, attention_mask=mask, position_ids=step_pos, past_key_values=past, use_cache=True)
            past = result.past_key_values
            logits = result.logits[:, -1, :]
            if temperature > 0:
                token = torch.multinomial(torch.softmax(logits / temperature, -1), 1).squeeze(1)
            else:
                token = logits.argmax(-1)
            for row, t in enumerate(token.tolist()):
                if done[row]:
                    continue
                if t == tokenizer.eos_token_id:
                    done[row] = True
                    continue
                generated[row].append(t)
                # append the token's text and look for a stop in the tail only: decoding the whole row every
                # step made sampling quadratic in its length (the final text is decoded whole below)
                texts[row] += tokenizer.decode([t])
                if any(stop in texts[row][-(len(stop) + 24):] for stop in chunk[row][1].stop_tokens):
                    done[row] = True
            if bool(done.all()):
                break
            step_ids = token.unsqueeze(1)
            mask = torch.cat([mask, torch.ones(len(chunk), 1, dtype=mask.dtype, device=mask.device)], dim=1)
            step_pos = step_pos[:, -1:] + 1
        from sigil import truncate_at_stop

        for (index, problem), ids_row in zip(chunk, generated):
            out[index].append(truncate_at_stop(tokenizer.decode(ids_row), problem.stop_tokens))
    return out


# ---------------------------------------------------------------------------------------------------------------
# verification and evaluation
# ---------------------------------------------------------------------------------------------------------------

def run_tests(pairs: list[tuple[Problem, str]]) -> list[str]:
    from sigil.functional import ExecOptions, run_completions

    options = ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=2, compile_timeout=60.0)
    return [r.status for r in run_completions(pairs, options).results]


@dataclass
class Evaluation:
    compiled: list[bool]
    passed: list[bool]
    completions: list[str]

    def summary(self, baseline: Evaluation | None) -> dict:
        # the rsft stage's own statistics (one implementation): exact McNemar, seeded percentile bootstrap
        from sigil import bootstrap_interval, mcnemar_exact

        n = len(self.passed)
        data = {"n": n, "compile_rate": sum(self.compiled) / n, "pass_at_1": sum(self.passed) / n,
                "pass_at_1_ci95": bootstrap_interval(self.passed), "compile_ci95": bootstrap_interval(self.compiled)}
        if baseline is not None:
            data["pass_mcnemar"] = mcnemar_exact(baseline.passed, self.passed)
            data["compile_mcnemar"] = mcnemar_exact(baseline.compiled, self.compiled)
        return data


def evaluate(model, tokenizer, problems: list[Problem], args) -> Evaluation:
    completions = [c[0] for c in sample(model, tokenizer, problems, n=1, temperature=0.0, max_new=args.max_new,
                                        batch=args.gen_batch, seed=0)]
    statuses = run_tests(list(zip(problems, completions)))
    return Evaluation([s != "compile_error" for s in statuses], [s == "passed" for s in statuses], completions)


# ---------------------------------------------------------------------------------------------------------------
# the experiment
# ---------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--task-seed", type=int, default=0)
    parser.add_argument("--train-tasks", type=int, default=3000)
    parser.add_argument("--heldout", type=int, default=300)
    parser.add_argument("--rsft-prompts", type=int, default=400)
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--pretrain-steps", type=int, default=500)
    parser.add_argument("--calibrate", type=int, default=60)
    parser.add_argument("--start-pass", type=float, default=0.10)
    parser.add_argument("--check-every", type=int, default=50)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--rsft-lr", type=float, default=5e-4)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--intermediate", type=int, default=688)
    parser.add_argument("--vocab", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--max-new", type=int, default=96)
    parser.add_argument("--gen-batch", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--arms", default="rsft,gold,unfiltered")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pretrained", type=Path, nargs="*", help="state-dict files from --pretrain-only, by budget")
    parser.add_argument("--tokenizer", type=Path, help="the tokenizer directory written by --write-corpus")
    parser.add_argument("--write-corpus", action="store_true", help="write corpus.json and the tokenizer to --out")
    parser.add_argument("--pretrain-only", type=Path, help="a --write-corpus directory: pretrain on a GPU, save to --out")
    parser.add_argument("--budgets", default="100,200,300", help="--pretrain-only: one run per step budget")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    global DEVICE
    if args.write_corpus:
        from sigil.tasks import reference_program, task_splits

        corpus = [reference_program(p) for p in task_splits(args.task_seed, args.train_tasks, args.heldout).train]
        (args.out / "corpus.json").write_text(json.dumps(corpus))
        train_tokenizer(corpus, args.vocab).save_pretrained(str(args.out / "tokenizer"))
        return
    if args.pretrain_only:
        from transformers import PreTrainedTokenizerFast

        DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
        corpus = json.loads((args.pretrain_only / "corpus.json").read_text())
        tokenizer = PreTrainedTokenizerFast.from_pretrained(str(args.pretrain_only / "tokenizer"))
        for budget in [int(b) for b in args.budgets.split(",")]:
            model = new_model(tokenizer, args).to(DEVICE)
            fit = train(model, tokenizer, corpus, steps=budget, epochs=None, lr=args.lr, batch=args.batch, seq=args.seq,
                        seed=args.seed, log=f"pretrain s{args.seed} {budget}")
            state = {k: v.detach().to("cpu", torch.bfloat16) for k, v in model.state_dict().items()}
            torch.save({"model": state, "meta": {"seed": args.seed, "device": DEVICE, **fit}},
                       args.out / f"pre-s{args.seed}-{budget}.pt")
        return
    started = time.time()
    timings: dict[str, float] = {}

    def mark(name: str, since: float) -> None:
        timings[name] = round(time.time() - since, 1)
        print(f"== {name}: {timings[name]} s (total {time.time() - started:.0f} s)", flush=True)

    from sigil.tasks import reference_program, task_splits

    splits = task_splits(args.task_seed, args.train_tasks, args.heldout)
    corpus = [reference_program(p) for p in splits.train]
    heldout = list(splits.heldout)
    rsft_prompts = list(splits.train[: args.rsft_prompts])

    # --- the starting model: pretrained here, or pretrained elsewhere (--pretrained, one file per step budget)
    t = time.time()
    if args.pretrained:
        from transformers import PreTrainedTokenizerFast

        tokenizer = PreTrainedTokenizerFast.from_pretrained(str(args.tokenizer))
        model = new_model(tokenizer, args)
        calibration = rsft_prompts[: args.calibrate]
        checks: list[dict] = []
        for path in args.pretrained:
            state = torch.load(path, map_location="cpu")
            model.load_state_dict({k: v.float() for k, v in state["model"].items()})
            model.eval()
            result = evaluate(model, tokenizer, calibration, args)
            checks.append({"file": str(path), **state["meta"], "train_prompt_pass": sum(result.passed) / len(calibration),
                           "train_prompt_compile": sum(result.compiled) / len(calibration)})
            print("  calibration", checks[-1], flush=True)
            if checks[-1]["train_prompt_pass"] >= args.start_pass:
                break
        pre = {"calibration": checks, **checks[-1]}
        params = sum(p.numel() for p in model.parameters())
    else:
        tokenizer = train_tokenizer(corpus, args.vocab)
        model = new_model(tokenizer, args)
        params = sum(p.numel() for p in model.parameters())
        pre = train(model, tokenizer, corpus, steps=args.pretrain_steps, epochs=None, lr=args.lr, batch=args.batch,
                    seq=args.seq, seed=args.seed, log="pretrain")
    print(f"vocab {len(tokenizer)}, {params / 1e6:.2f}M parameters", flush=True)
    mark("pretrain", t)
    base_state = {k: v.clone() for k, v in model.state_dict().items()}

    t = time.time()
    base = evaluate(model, tokenizer, heldout, args)
    mark("evaluate base", t)
    report: dict = {"args": vars(args),
                    "parameters": params, "pretrain": pre, "repeats_skipped": splits.repeats_skipped,
                    "base": base.summary(None), "arms": {}, "timings": timings}
    print("base", json.dumps(base.summary(None)), flush=True)

    rsft_counts: list[int] = []
    for arm in args.arms.split(","):
        model.load_state_dict(base_state)
        kept: list[str] = []
        seen: dict[str, set[str]] = {}
        rounds = []
        for number in range(1, args.rounds + 1):
            t = time.time()
            completions = [] if arm == "gold" else sample(  # the gold arm trains on references: nothing to sample
                model, tokenizer, rsft_prompts, n=args.samples, temperature=args.temperature, max_new=args.max_new,
                batch=args.gen_batch, seed=args.seed * 1000 + number)
            mark(f"{arm} round {number} sample", t)
            t = time.time()
            pairs = [(p, c) for p, cs in zip(rsft_prompts, completions) for c in cs]
            statuses = run_tests(pairs) if arm == "rsft" else []
            mark(f"{arm} round {number} verify", t)
            new: list[str] = []
            reasons = {"passed": 0, "failed": 0, "compile_error": 0, "duplicate": 0, "other": 0}
            if arm == "rsft":
                for (problem, completion), status in zip(pairs, statuses):
                    key = " ".join(completion.split())
                    if status != "passed":
                        reasons[status if status in reasons else "other"] += 1
                    elif key in seen.setdefault(problem.name, set()):
                        reasons["duplicate"] += 1
                    else:
                        seen[problem.name].add(key)
                        reasons["passed"] += 1
                        new.append(problem.prompt + completion + ("\n" if not completion.endswith("\n") else "") + problem.tests)
                rsft_counts.append(len(new))
            else:
                budget = rsft_counts[number - 1] if number - 1 < len(rsft_counts) else 0
                rng = random.Random(args.seed * 7 + number)
                if arm == "gold":
                    chosen = rng.sample(rsft_prompts, min(budget, len(rsft_prompts)))
                    new = [reference_program(p) for p in chosen]
                    while len(new) < budget:
                        new.append(reference_program(rng.choice(rsft_prompts)))
                else:
                    picks = rng.sample(pairs, min(budget, len(pairs)))
                    new = [p.prompt + c + ("\n" if not c.endswith("\n") else "") + p.tests for p, c in picks]
            kept += new
            t = time.time()
            fit = train(model, tokenizer, kept, steps=None, epochs=args.epochs, lr=args.rsft_lr, batch=args.batch,
                        seq=args.seq, seed=args.seed * 100 + number, log=f"{arm} r{number}") if kept else {}
            mark(f"{arm} round {number} train", t)
            t = time.time()
            result = evaluate(model, tokenizer, heldout, args)
            mark(f"{arm} round {number} evaluate", t)
            summary = {"round": number, "new_records": len(new), "train_records": len(kept), "kept_by_reason": reasons,
                       "train": fit, **result.summary(base)}
            rounds.append(summary)
            print(arm, json.dumps(summary), flush=True)
            (args.out / f"{arm}-round{number}-heldout.jsonl").write_text("".join(
                json.dumps({"task": p.name, "family": p.extra["family"], "compiled": cp, "passed": ps, "completion": c}) + "\n"
                for p, cp, ps, c in zip(heldout, result.compiled, result.passed, result.completions)))
            report["arms"][arm] = rounds
            (args.out / "report.json").write_text(json.dumps(report, indent=1, default=str))
    (args.out / "base-heldout.jsonl").write_text("".join(
        json.dumps({"task": p.name, "family": p.extra["family"], "compiled": cp, "passed": ps, "completion": c}) + "\n"
        for p, cp, ps, c in zip(heldout, base.compiled, base.passed, base.completions)))
    report["total_s"] = round(time.time() - started, 1)
    report["load_average"] = os.getloadavg()
    (args.out / "report.json").write_text(json.dumps(report, indent=1, default=str))
    print("done", report["total_s"], "s", flush=True)


if __name__ == "__main__":
    main()
