"""The data stage judged on real crates: what the filters keep of well-regarded library code, how much generated
code and bindings get through, whether stripped files still parse, and each filter's precision on a
hand-labelled sample.

The registry sample is every crate in ``~/.cargo/registry/src/*/`` (one directory per crate, so each file's
crate is known). Ground truth, independent of the filters under test:

- *well-regarded library source*: files under ``<crate>/src/`` of the crates in :data:`WELL_REGARDED`, minus
  generated files (below). The share kept is measured in characters of the text after test stripping (removing
  a test module is not losing library code) and in files.
- *generated or bindings*: files whose header comments carry a generator marker, and every file of the FFI
  crates in :data:`BINDINGS`.
- *labels*: ``tests/data/fixtures/registry_labels.jsonl``, one row per hand-judged drop (path, filter, reason,
  verdict ``right``/``wrong``); a filter's precision is the share of its labelled drops, still dropped by it in
  this run, that are right.

    python bench/data/bench_registry.py                                   # defaults
    python bench/data/bench_registry.py --config configs/llama8b-phase2.yml
    python bench/data/bench_registry.py --dump before.json                # only the verdicts (any sigil version)
    python bench/data/bench_registry.py --verdicts before.json            # measure saved verdicts
    python bench/data/bench_registry.py --sample 15 --seed 1              # drops to label, with their heads
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

WELL_REGARDED = frozenset(
    """aho-corasick anyhow bitflags bytes cfg-if chrono clap clap_builder clap_lex crossbeam-channel crossbeam-deque
    crossbeam-epoch crossbeam-utils either equivalent fastrand foldhash futures futures-channel futures-core
    futures-executor futures-io futures-util h2 hashbrown heck hex http hyper indexmap itertools itoa lock_api log
    memchr mio nom num-traits once_cell parking_lot parking_lot_core proc-macro2 quote rand rand_core rand_chacha
    rayon rayon-core regex regex-automata regex-syntax scopeguard serde serde_core serde_derive serde_json slab
    smallvec strsim syn tempfile thiserror tokio tokio-util toml toml_edit tracing tracing-core url winnow""".split()
)
BINDINGS = frozenset(
    "libc linux-raw-sys windows-sys pyo3-ffi r-efi core-foundation-sys redox_syscall wasi js-sys".split()
)
LABELS = Path(__file__).resolve().parents[2] / "tests/data/fixtures/registry_labels.jsonl"


def crate_name(directory: str) -> str:
    """``serde_json-1.0.154`` -> ``serde_json`` (the version starts at the last ``-`` followed by a digit)."""
    head, _, tail = directory.rpartition("-")
    return head if head and tail[:1].isdigit() else directory


def registry_root() -> Path:
    roots = sorted(Path.home().glob(".cargo/registry/src/*/"))
    if not roots:
        sys.exit("no ~/.cargo/registry/src/*/: fetch some crates first (cargo fetch in any project)")
    return roots[0]


def run_filters(root: Path, dataset: dict[str, Any]) -> dict[str, Any]:
    """Read and filter the registry with the installed sigil; ``{path: verdict}`` with ``kept`` (the texts kept,
    pieces of a split file joined) or ``filter``/``reason``/``detail``."""
    from sigil.config import validate_config
    from sigil.data.filtering import build_filters, filter_records
    from sigil.data.records import Drop, Record
    from sigil.data.sources import read_source

    config = validate_config({"dataset": {**dataset, "names": [f"dir:{root}"]}}, "bench_registry")
    filters = build_filters(config)
    records, verdicts = [], {}
    for index, item in enumerate(read_source(f"dir:{root}", config.dataset)):
        if isinstance(item, Drop):
            verdicts[getattr(item, "detail", "") or f"#unread{index}"] = {"filter": "read", "reason": item.reason}
        else:
            records.append(item)
    started = time.perf_counter()
    outcomes = filter_records(filters, records, workers=1, progress=False)
    seconds = time.perf_counter() - started
    for record, outcome in zip(records, outcomes):
        if isinstance(outcome, Record):
            chunks = outcome.meta.get("chunks")
            verdicts[record.path] = {"kept": "".join(chunks) if chunks else outcome.content,
                                     "pieces": len(chunks) if chunks else 1}
        else:
            verdicts[record.path] = {"filter": outcome[0], "reason": outcome[1],
                                     "detail": outcome[2] if len(outcome) > 2 else ""}
    return {"filters": [named.name for named in filters], "seconds": round(seconds, 1), "files": len(records),
            "verdicts": verdicts}


def ground_truth(root: Path, paths: list[str]) -> dict[str, dict[str, Any]]:
    """Per file: crate, class (well/bindings/other), generated, library, stripped size, parse before/after."""
    import sigil_evaluator

    texts = [(root / path).read_text(encoding="utf-8", errors="replace") for path in paths]
    facts = sigil_evaluator.analyze_rust(texts, strip_tests=True)
    truth = {}
    for path, text, fact in zip(paths, texts, facts):
        crate = crate_name(path.split("/", 1)[0])
        stripped = text if fact["content"] is None else fact["content"]
        truth[path] = {
            "crate": crate,
            "class": "well" if crate in WELL_REGARDED else "bindings" if crate in BINDINGS else "other",
            "generated": bool(fact["generated_marker"]) or crate in BINDINGS,
            "library": path.split("/")[1:2] == ["src"],
            "stripped_chars": 0 if fact["only_tests"] else len(stripped),
            "removed_tests": fact["removed_tests"],
            "broke_parse": fact["parsed_before"] and not fact["parses_after"],
        }
    return truth


def measure(run: dict[str, Any], truth: dict[str, dict[str, Any]], labels: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = run["verdicts"]
    kept = {path: len(v["kept"]) for path, v in verdicts.items() if "kept" in v}
    library = [p for p, t in truth.items() if t["class"] == "well" and t["library"] and not t["generated"]]
    library_chars = sum(truth[p]["stripped_chars"] for p in library)
    kept_library_chars = sum(kept.get(p, 0) for p in library)
    kept_chars = sum(kept.values())
    generated_kept = sum(chars for path, chars in kept.items() if truth.get(path, {}).get("generated"))
    by_crate = Counter({truth[p]["crate"]: 0 for p in kept if p in truth})
    for path, chars in kept.items():
        if path in truth:
            by_crate[truth[path]["crate"]] += chars
    reasons = Counter(f"{v['filter']}: {v['reason']}" for v in verdicts.values() if "filter" in v)
    library_drops = Counter(f"{verdicts[p]['filter']}: {verdicts[p]['reason']}" for p in library
                            if "filter" in verdicts.get(p, {}))
    precision: dict[str, dict[str, Any]] = {}
    for label in labels:
        verdict = verdicts.get(label["path"], {})
        entry = precision.setdefault(label["filter"], {"labelled": 0, "still_dropped": 0, "right": 0})
        entry["labelled"] += 1
        if verdict.get("filter") == label["filter"]:
            entry["still_dropped"] += 1
            entry["right"] += label["verdict"] == "right"
    for entry in precision.values():
        entry["precision"] = round(entry["right"] / entry["still_dropped"], 3) if entry["still_dropped"] else None
    top = kept_chars and by_crate.most_common(1)[0]
    return {
        "files_read": len(verdicts),
        "files_kept": len(kept),
        "well_regarded_library": {
            "files": len(library), "files_kept": sum(p in kept for p in library),
            "chars": library_chars, "chars_kept": kept_library_chars,
            "share_kept_chars": round(kept_library_chars / library_chars, 4) if library_chars else None,
            "share_kept_files": round(sum(p in kept for p in library) / len(library), 4) if library else None,
            "top_drop_reasons": dict(library_drops.most_common(8)),
        },
        "generated_share_of_kept_chars": round(generated_kept / kept_chars, 4) if kept_chars else None,
        "largest_crate_share_of_kept_chars": [top[0], round(top[1] / kept_chars, 4)] if kept_chars else None,
        "stripped_files": sum(t["removed_tests"] > 0 for t in truth.values()),
        "stripped_files_that_broke_parse": sum(t["broke_parse"] for t in truth.values()),
        "kept_files_that_do_not_parse_after_stripping": sum(
            truth[p]["broke_parse"] for p in kept if p in truth),
        "reasons": dict(reasons.most_common()),
        "precision": precision,
    }


def sample(run: dict[str, Any], root: Path, per_filter: int, seed: int) -> None:
    """Print up to ``per_filter`` drops of each filter with the start of the file, for labelling."""
    drops = defaultdict(list)
    for path, verdict in sorted(run["verdicts"].items()):
        if "filter" in verdict and verdict["filter"] != "read":
            drops[verdict["filter"]].append((path, verdict))
    rng = random.Random(seed)
    for name, items in drops.items():
        for path, verdict in rng.sample(items, min(per_filter, len(items))):
            head = (root / path).read_text(encoding="utf-8", errors="replace")[:300]
            print(json.dumps({"path": path, "filter": name, "reason": verdict["reason"], "detail": verdict["detail"]}))
            print("   | " + head.replace("\n", "\n   | "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="take the dataset section of this pipeline (default: defaults)")
    parser.add_argument("--dump", type=Path, help="write the verdicts here and stop")
    parser.add_argument("--verdicts", type=Path, help="measure verdicts written by --dump instead of running")
    parser.add_argument("--sample", type=int, default=0, help="print this many drops per filter, to label")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the measurements here (JSON)")
    args = parser.parse_args()
    root = registry_root()
    dataset: dict[str, Any] = {"validation_split": 0.0}
    if args.config:
        dataset.update(yaml.safe_load(args.config.read_text()).get("dataset", {}))
        dataset.pop("names", None)
    if args.verdicts:
        run = json.loads(args.verdicts.read_text())
    else:
        run = run_filters(root, dataset)
    if args.dump:
        args.dump.write_text(json.dumps(run))
        return
    if args.sample:
        sample(run, root, args.sample, args.seed)
        return
    paths = sorted(p for p in run["verdicts"] if not p.startswith("#"))
    truth = ground_truth(root, [p for p in paths if (root / p).is_file()])
    labels = [json.loads(line) for line in LABELS.read_text().splitlines()] if LABELS.exists() else []
    result = {"registry": str(root), "crates": len({t["crate"] for t in truth.values()}),
              "config": str(args.config or "defaults"), "filter_seconds": run["seconds"],
              **measure(run, truth, labels)}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
