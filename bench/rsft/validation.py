"""A validation split for choosing the demo's RSFT settings without looking at the 200 held-out tasks it reports.

``rust-tasks-heldout`` holds 400 tasks (i.i.d. with the training split, no shared text); ``configs/demo.yaml``
reports on the first 200 (``rsft.heldout_limit: 200``). This writes tasks 200-399 as a suite file (renamed
``val-…``), and prints per-family held-out verdicts of rsft runs. How ``rsft.fallback_compile`` was chosen
(bench/RESULTS.md, "Partial credit where nothing passes"), from the repository root::

    python bench/rsft/validation.py write /tmp/val/validation.jsonl
    sigil run configs/demo.yaml -o misc.output_dir=/tmp/val/s42 -o misc.seed=42 --only data      # and --only pretrain
    cp -r /tmp/val/s42 /tmp/val/s42-off                                                          # one copy per variant
    sigil run configs/demo.yaml -o misc.output_dir=/tmp/val/s42-off -o misc.seed=42 --only rsft \\
        -o rsft.heldout=/tmp/val/validation.jsonl -o rsft.fallback_compile=false
    python bench/rsft/validation.py families /tmp/val/s42-off /tmp/val/s42-on

``families`` prints, per task family, how many validation tasks compiled / passed at each round (start first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from sigil.tasks.builtin import default_splits

#: The demo reports on the first 200 held-out tasks; validation is the rest.
REPORTED = 200


def write(path: Path) -> None:
    problems = default_splits().heldout[REPORTED:]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        for problem in problems:
            record = {
                "name": "val-" + problem.name.split("-", 1)[1],
                "prompt": problem.prompt,
                "tests": problem.tests,
                "stop_tokens": list(problem.stop_tokens),
                "test_kind": problem.test_kind,
                "reference": problem.reference,
                **problem.extra,
            }
            out.write(json.dumps(record) + "\n")
    print(f"{path}: {len(problems)} tasks")


def families(runs: list[Path]) -> None:
    for run in runs:
        print("==", run)
        rows: dict[str, list[str]] = {}
        sizes: Counter[str] = Counter()
        for round_dir in sorted((run / "work" / "rsft").glob("round-*")):
            compiled: Counter[str] = Counter()
            passed: Counter[str] = Counter()
            sizes.clear()
            for line in (round_dir / "heldout.jsonl").read_text().splitlines():
                verdict = json.loads(line)
                family = verdict["problem"].split("-", 2)[2]
                sizes[family] += 1
                compiled[family] += verdict["status"] != "compile_error"
                passed[family] += verdict["status"] == "passed"
            for family in sizes:
                rows.setdefault(family, []).append(f"{compiled[family]:>2}/{passed[family]:>2}")
        for family in sorted(rows):
            print(f"  {family:15} n={sizes[family]:<3}", "  ".join(rows[family]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("write", help="write the validation suite").add_argument("path", type=Path)
    commands.add_parser("families", help="per-family verdicts of rsft runs").add_argument("runs", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "write":
        write(args.path)
    else:
        families(args.runs)


if __name__ == "__main__":
    sys.exit(main())
