"""Built-in plugin: the ``data`` stage. Read every source, filter, hold out validation, mix, write.

Artifacts (relative to the stage directory): ``train`` → ``train.jsonl``, ``validation`` →
``validation.jsonl`` (format in :mod:`sigil.data.output`), ``dropped`` → ``dropped.jsonl`` (every dropped input,
its filter, reason and detail), ``stats`` → ``stats.json``, ``stats_csv`` → ``stats.csv``. Nothing is written unless the whole stage succeeds, and the runner renames the stage directory
into place only then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from typing import Any

from sigil.config.schema import CoreConfig
from sigil.data.checks.duplicates import NEAR_DUPLICATE as NEAR_REASON
from sigil.data.config import DatasetConfig
from sigil.data.filtering import READ_FILTER, build_filters, filter_records, worker_count
from sigil.data.mixing import combine, hold_out, weight_tasks
from sigil.data.output import write_dropped, write_records
from sigil.data.records import Drop, Record
from sigil.data.sources import check_source, read_source, source_fingerprint
from sigil.data.stats import Stats
from sigil.errors import DataError
from sigil.hookspecs import Register, hookimpl
from sigil.io import atomic_write_json, atomic_write_text
from sigil.observe.progress import track
from sigil.pipeline.stage import NoOptions, StageContext, StageResult

#: The reason under which near-deduplication's drops are counted (the built-in filter is registered as "duplicates").
NEAR_DUPLICATE = f"duplicates: {NEAR_REASON}"


def record_id(source: str, index: int, path: str | None) -> str:
    """A stable id: the same source, position and path always give the same id."""
    return hashlib.blake2b(f"{source}\0{index}\0{path}".encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class DataStage:
    """Loads and filters Rust training data (``dataset`` config section)."""

    Options = NoOptions
    # the scored filters use evaluation's formula weights; misc.seed seeds the split unless shuffle_seed is set
    config_keys = ("dataset", "eval.idiomatic_weights", "misc.seed")
    version = "1"

    @classmethod
    def check(cls, config: CoreConfig, options: NoOptions) -> None:
        for name in config.dataset.names:
            check_source(name)
        if config.dataset.backend == "ray":
            from sigil.ray_backend import check_reachable

            check_reachable(config.dataset.ray, "dataset.ray")

    @classmethod
    def uses(cls, config: CoreConfig, options: NoOptions) -> dict[str, list[str]]:
        """Every registered filter runs (each decides from its config whether it is on)."""
        from sigil.data.filters import FILTERS
        from sigil.plugins import registry

        return {"filters": registry(FILTERS).names()}

    @classmethod
    def inputs_fingerprint(cls, config: CoreConfig, options: NoOptions) -> list[str]:
        """Changed source files re-run the stage even when the config is unchanged."""
        return [source_fingerprint(name) for name in config.dataset.names]

    def run(self, ctx: StageContext[NoOptions]) -> StageResult:
        dataset = ctx.config.dataset

        # --- filters first: a filter that cannot be built (missing scorer) fails before any reading
        filters = build_filters(ctx.config)
        settings = {named.name: setting for named in filters if (setting := getattr(named.filter, "setting", None))}
        stats = Stats(filters=[named.name for named in filters], settings=settings)
        if dataset.backend == "ray":  # and a Ray cluster that cannot be joined, too
            from sigil.ray_backend import connect

            connect(dataset.ray, "dataset.ray")

        # --- read every source (max_records each); inputs a source skipped are counted as filtered
        records: list[Record] = []
        dropped: list[tuple[Record, str, str, str]] = []
        for name in dataset.names:
            source_stats = stats.source(name)
            items = itertools.islice(read_source(name, dataset), dataset.max_records)
            for index, item in enumerate(track(items, f"reading {name}")):
                source_stats.read += 1
                if isinstance(item, Drop):
                    source_stats.reasons[f"{READ_FILTER}: {item.reason}"] += 1
                    unread = Record("", name, item.detail or None, id=record_id(name, index, item.detail or None))
                    dropped.append((unread, READ_FILTER, item.reason, ""))
                else:
                    records.append(dataclasses.replace(item, id=record_id(name, index, item.path)))
        ctx.log.info("read %d records from %d sources", len(records), len(dataset.names))

        # --- filter: record-scope in worker processes for large inputs (or on Ray), then corpus-scope here
        workers = worker_count(dataset.workers, len(records))
        outcomes = filter_records(filters, records, workers, ray=dataset.ray if dataset.backend == "ray" else None)
        kept: dict[str, list[Record]] = {name: [] for name in dataset.names}
        for record, outcome in zip(records, outcomes):
            if isinstance(outcome, Record):
                kept[record.source].append(outcome)
            else:
                stats.source(record.source).drop(f"{outcome[0]}: {outcome[1]}", len(record.content), record.path)
                dropped.append((record, *outcome))
        for name in dataset.names:
            stats.source(name).read_chars = sum(len(r.content) for r in records if r.source == name)
        for name, survivors in kept.items():
            stats.source(name).passed = len(survivors)
        if not any(kept.values()):
            raise DataError(f"no records left after filtering: {_why_empty(stats)}")

        # --- hold out validation (per source, seeded), then mix sources and tasks for training
        seed = ctx.config.misc.seed if dataset.shuffle_seed is None else dataset.shuffle_seed
        train_groups, validation = [], []
        for name, survivors in kept.items():
            train_part, validation_part = hold_out(survivors, dataset.validation_split, seed)
            train_groups.append(train_part)
            validation.extend(validation_part)
            stats.source(name).validation = len(validation_part)
        train = combine(train_groups, dataset.interleave_mode, dataset.dataset_weights, seed)
        train = weight_tasks(train, dataset.task_weights, seed)
        for record in train:
            stats.source(record.source).train += 1
        for name, group in zip(kept, train_groups):
            stats.source(name).not_sampled = len(group) - stats.source(name).train
        if not train:
            raise DataError(f"no training records left after mixing ({_mixing_settings(dataset)})")

        # --- write the dataset and the statistics
        train_lines = write_records(ctx.out_dir / "train.jsonl", train)
        write_records(ctx.out_dir / "validation.jsonl", validation)
        write_dropped(ctx.out_dir / "dropped.jsonl", dropped)
        atomic_write_json(ctx.out_dir / "stats.json", stats.to_json())
        atomic_write_text(ctx.out_dir / "stats.csv", stats.to_csv())

        # --- report
        for line in stats.summary_lines():
            ctx.log.info("%s", line)
        for line in stats.top_reasons():
            ctx.log.info("dropped: %s", line)
        for line in stats.warnings():
            ctx.log.warning("%s", line)
        for source_stats in stats.sources.values():
            ctx.log_metrics(stats.metrics(source_stats))
        total = stats.total()
        ctx.log_metrics(stats.metrics(total))
        return StageResult(
            artifacts={
                "train": "train.jsonl",
                "validation": "validation.jsonl",
                "dropped": "dropped.jsonl",
                "stats": "stats.json",
                "stats_csv": "stats.csv",
            },
            metrics={
                "read": total.read,
                "passed": total.passed,
                "filtered": total.filtered,
                "train": total.train,
                "train_lines": train_lines,
                "validation": total.validation,
                # near-deduplication can quietly drop much of a template corpus: its count and share, always
                "near_duplicates": total.reasons[NEAR_DUPLICATE],
                "near_duplicate_share": total.reason_share().get(NEAR_DUPLICATE, 0.0),
                "workers": workers,
                "backend": dataset.backend,
                # the report lists these (the most frequent drop reasons, each with example paths)
                "dropped_top": stats.top_reasons(),
            },
        )


def _why_empty(stats: Stats) -> str:
    total = stats.total()
    if total.read == 0:
        return "the sources yielded no records (check dataset.names)"
    top = ", ".join(f"{reason} {count}" for reason, count in total.reasons.most_common(3))
    return f"all {total.read} read were dropped ({top}); relax the dataset filters"


def _mixing_settings(dataset: Any) -> str:
    return (
        f"interleave_mode={dataset.interleave_mode}, dataset_weights={dataset.dataset_weights}, "
        f"task_weights={dataset.task_weights}"
    )


@hookimpl
def register_config_sections(register: Register) -> None:
    register("dataset", DatasetConfig)


@hookimpl
def register_stages(register: Register) -> None:
    register("data", DataStage)
