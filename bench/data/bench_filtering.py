"""Parallel vs single-process filtering on a corpus of 100k+ Rust files, in one run.

The corpus is built from the real Rust sources on this machine (``~/.cargo/registry/src`` and, when the
rust-src component is installed, the standard library): each source file is cut into files of about
``--lines`` lines at item boundaries, and the set is repeated with a per-copy header until it holds
``--files`` files. The same records go through sigil's record-scope filters (the built-ins with the default
config: vendor, tests, examples, benches, generated, length) once in this process and once in worker
processes; the corpus-scope duplicates pass, which always runs in the parent, is timed once on its own.

    python bench/data/bench_filtering.py --files 100000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from sigil.config import validate_config
from sigil.data.filtering import build_filters, filter_records
from sigil.data.records import Record


def rust_roots() -> list[Path]:
    roots = [Path.home() / ".cargo/registry/src"]
    try:
        sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip()
        roots.append(Path(sysroot) / "lib/rustlib/src")
    except (OSError, subprocess.CalledProcessError):
        pass
    return [root for root in roots if root.exists()]


def build_corpus(files: int, lines_per_file: int) -> tuple[list[Record], int]:
    pieces: list[tuple[str, str]] = []
    sources = 0
    for root in rust_roots():
        for path in sorted(root.rglob("*.rs")):
            try:
                text = path.read_text()
            except (UnicodeDecodeError, OSError):
                continue
            sources += 1
            relative = path.relative_to(root).as_posix()
            lines = text.splitlines(keepends=True)
            start = 0
            while start < len(lines):
                end = min(len(lines), start + lines_per_file)
                # extend to the end of the current item so pieces are plausible files
                while end < len(lines) and lines[end - 1].strip() not in ("}", ""):
                    end += 1
                pieces.append((f"{relative}#{start}", "".join(lines[start:end])))
                start = end
    records = []
    copy = 0
    while len(records) < files:
        for path, content in pieces:
            if len(records) >= files:
                break
            records.append(Record(content=f"// copy {copy}\n{content}", source="bench", path=path, id=str(len(records))))
        copy += 1
    return records, sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    started = time.perf_counter()
    records, sources = build_corpus(args.files, args.lines)
    build_s = time.perf_counter() - started
    megabytes = sum(len(r.content) for r in records) / 1e6
    print(f"corpus: {len(records)} files ({megabytes:.1f} MB) cut from {sources} real .rs files in {build_s:.1f}s")

    filters = build_filters(validate_config({}, "bench_filtering"))
    record_scope = [f for f in filters if f.filter.scope == "record"]
    corpus_scope = [f for f in filters if f.filter.scope == "corpus"]

    results = {}
    outcomes = {}
    for label, workers in (("single-process", 1), (f"{args.workers} workers", args.workers)):
        clock = time.perf_counter()
        outcomes[label] = filter_records(record_scope, records, workers, progress=False)
        seconds = time.perf_counter() - clock
        kept = sum(isinstance(o, Record) for o in outcomes[label])
        results[label] = {"workers": workers, "seconds": round(seconds, 2), "files_per_s": round(len(records) / seconds),
                          "kept": kept}
        print(f"{label:>15}: {seconds:7.2f}s  {len(records) / seconds:9.0f} files/s  kept {kept}")
    single, parallel = results["single-process"], results[f"{args.workers} workers"]
    assert outcomes["single-process"] == outcomes[f"{args.workers} workers"], "parallel result differs from serial"
    speedup = single["seconds"] / parallel["seconds"]
    print(f"speedup: {speedup:.2f}x with {args.workers} workers (identical outputs)")

    survivors = [o for o in outcomes["single-process"] if isinstance(o, Record)]
    clock = time.perf_counter()
    filter_records(corpus_scope, survivors, 1, progress=False)
    dedup_s = time.perf_counter() - clock
    print(f"duplicates (corpus scope, parent only): {len(survivors)} files in {dedup_s:.2f}s ({len(survivors) / dedup_s:.0f} files/s)")

    if args.json:
        args.json.write_text(json.dumps({
            "files": len(records), "megabytes": round(megabytes, 1), "real_sources": sources,
            "results": results, "speedup": round(speedup, 2),
            "dedup": {"files": len(survivors), "seconds": round(dedup_s, 2)},
            "cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
        }, indent=2))


if __name__ == "__main__":
    main()
