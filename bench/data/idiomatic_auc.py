"""Does the idiomatic score separate well-regarded library code from FFI bindings? AUC on the registry sample.

Positives: library files (``src/``) of the well-regarded crates of ``bench_registry.py``, test code stripped,
generator-marked files left out; negatives: files of its FFI/bindings crates. AUC = the probability that a
random positive scores above a random negative (ties count half). Files of 200-100,000 characters.

    python bench/data/idiomatic_auc.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import sigil_evaluator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registry import BINDINGS, WELL_REGARDED, crate_name, registry_root  # noqa: E402


def auc(positives: list[float], negatives: list[float]) -> float:
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2
        rank_sum += mean_rank * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def main() -> None:
    root = registry_root()
    groups: dict[str, list[str]] = {"well": [], "bindings": []}
    for path in sorted(root.glob("*/src/**/*.rs")):
        crate = crate_name(path.relative_to(root).parts[0])
        group = "well" if crate in WELL_REGARDED else "bindings" if crate in BINDINGS else None
        text = path.read_text(encoding="utf-8", errors="replace")
        if group and 200 <= len(text) <= 100_000:
            groups[group].append(text)
    rng = random.Random(0)
    sample = {name: rng.sample(texts, min(600, len(texts))) for name, texts in groups.items()}
    facts = {name: sigil_evaluator.analyze_rust(texts, strip_tests=True) for name, texts in sample.items()}
    scores = {}
    for name, texts in sample.items():
        kept = [fact["content"] or text for text, fact in zip(texts, facts[name])
                if not fact["generated_marker"] and not fact["only_tests"]]
        scores[name] = [report["idiomatic_score"] for report in sigil_evaluator.score(kept)]
    medians = {name: sorted(values)[len(values) // 2] for name, values in scores.items()}
    print(json.dumps({"files": {k: len(v) for k, v in scores.items()}, "median": medians,
                      "auc_well_vs_bindings": round(auc(scores["well"], scores["bindings"]), 3)}, indent=1))


if __name__ == "__main__":
    main()
