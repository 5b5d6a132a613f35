"""Filter statistics per source: read, passed, filtered (by reason), and where the survivors went.

For every source: ``read = passed + filtered`` and ``passed = train + validation + not_sampled``. A reason is
``"<filter>: <reason>"`` (``"length: too short"``); inputs a source had to skip are ``"read: not UTF-8"``.

Each filter's share of what was read is reported too, in files and in characters, and a filter that drops at
least :data:`LOUD_SHARE` of a source is a warning: near-deduplication quietly dropping 39% of a template corpus
is something to be told, not to find out. The warning names the setting that controls the filter when the filter
declares one (its ``setting``), and each reason's share of the files read is in ``stats.json`` (``reason_share``).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: A filter dropping more than this share of a source's files or characters is reported as a warning.
LOUD_SHARE = 0.20
#: Dropped paths kept per reason as examples for the report.
EXAMPLES = 3


@dataclass
class SourceStats:
    """Counts for one source (one entry of ``dataset.names``)."""

    source: str
    read: int = 0
    passed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    train: int = 0
    validation: int = 0
    not_sampled: int = 0
    #: Characters of the records read (skipped inputs have none).
    read_chars: int = 0
    #: Characters dropped, by filter name.
    dropped_chars: Counter[str] = field(default_factory=Counter)
    #: Up to :data:`EXAMPLES` dropped paths per reason (the first ones, in source order).
    examples: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, chars: int, path: str | None) -> None:
        """Counts one dropped record under ``reason`` (``"<filter>: <reason>"``)."""
        self.reasons[reason] += 1
        self.dropped_chars[reason.split(": ", 1)[0]] += chars
        if path is not None and len(self.examples.setdefault(reason, [])) < EXAMPLES:
            self.examples[reason].append(path)

    @property
    def filtered(self) -> int:
        return sum(self.reasons.values())

    def dropped_share(self) -> dict[str, dict[str, float]]:
        """Per filter: the share of the files read and of the characters read that it dropped."""
        files: Counter[str] = Counter()
        for reason, count in self.reasons.items():
            files[reason.split(": ", 1)[0]] += count
        return {
            name: {
                "files": round(count / self.read, 4) if self.read else 0.0,
                "chars": round(self.dropped_chars[name] / self.read_chars, 4) if self.read_chars else 0.0,
            }
            for name, count in files.most_common()
        }

    def reason_share(self) -> dict[str, float]:
        """Per reason: the share of the files read that it dropped."""
        return {reason: round(count / self.read, 4) if self.read else 0.0 for reason, count in self.reasons.most_common()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "passed": self.passed,
            "filtered": self.filtered,
            "reasons": dict(self.reasons.most_common()),
            "train": self.train,
            "validation": self.validation,
            "not_sampled": self.not_sampled,
            "read_chars": self.read_chars,
            "dropped_share": self.dropped_share(),
            "reason_share": self.reason_share(),
            "examples": {reason: self.examples[reason] for reason, _ in self.reasons.most_common() if reason in self.examples},
        }


@dataclass
class Stats:
    """Statistics of one data-stage run."""

    filters: list[str]
    sources: dict[str, SourceStats] = field(default_factory=dict)
    #: Filter name → the config that controls it (named in the warnings).
    settings: dict[str, str] = field(default_factory=dict)

    def source(self, name: str) -> SourceStats:
        if name not in self.sources:
            self.sources[name] = SourceStats(name)
        return self.sources[name]

    def total(self) -> SourceStats:
        total = SourceStats("total")
        for stats in self.sources.values():
            total.read += stats.read
            total.passed += stats.passed
            total.reasons.update(stats.reasons)
            total.train += stats.train
            total.validation += stats.validation
            total.not_sampled += stats.not_sampled
            total.read_chars += stats.read_chars
            total.dropped_chars.update(stats.dropped_chars)
            for reason, paths in stats.examples.items():
                total.examples.setdefault(reason, []).extend(paths[: EXAMPLES - len(total.examples.get(reason, []))])
        return total

    # --- exports

    def to_json(self) -> dict[str, Any]:
        return {
            "filters": self.filters,
            "sources": [stats.as_dict() for stats in self.sources.values()],
            "total": self.total().as_dict(),
        }

    def to_csv(self) -> str:
        """One row per source and a ``total`` row; one column per reason (``filtered: <reason>``)."""
        rows = [*self.sources.values(), self.total()]
        reasons = sorted({reason for stats in rows for reason in stats.reasons})
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            ["source", "read", "passed", "filtered", "train", "validation", "not_sampled"]
            + [f"filtered: {reason}" for reason in reasons]
        )
        for stats in rows:
            writer.writerow(
                [stats.source, stats.read, stats.passed, stats.filtered, stats.train, stats.validation,
                 stats.not_sampled]
                + [stats.reasons.get(reason, 0) for reason in reasons]
            )
        return buffer.getvalue()

    def summary_lines(self) -> list[str]:
        """A concise report: one line per source (and the total when there are several)."""
        rows = list(self.sources.values())
        if len(rows) > 1:
            rows.append(self.total())
        lines = []
        for stats in rows:
            line = (
                f"{stats.source}: read {stats.read}, passed {stats.passed} "
                f"(train {stats.train}, validation {stats.validation}"
                + (f", not sampled {stats.not_sampled}" if stats.not_sampled else "")
                + f"), filtered {stats.filtered}"
            )
            if stats.reasons:
                line += ": " + ", ".join(f"{reason} {count}" for reason, count in stats.reasons.most_common())
                shares = stats.dropped_share()
                line += "; dropped by filter (files/chars): " + ", ".join(
                    f"{name} {share['files']:.0%}/{share['chars']:.0%}" for name, share in shares.items()
                )
            lines.append(line)
        return lines

    def top_reasons(self, count: int = 5) -> list[str]:
        """The most frequent reasons over every source, each with its example paths."""
        total = self.total()
        return [
            f"{reason}: {n}" + (f", e.g. {', '.join(total.examples[reason])}" if total.examples.get(reason) else "")
            for reason, n in total.reasons.most_common(count)
        ]

    def warnings(self) -> list[str]:
        """One line per filter that dropped more than LOUD_SHARE of a source's files or characters."""
        lines = []
        for stats in self.sources.values():
            for name, share in stats.dropped_share().items():
                if max(share["files"], share["chars"]) > LOUD_SHARE:
                    reasons = ", ".join(f"{reason.split(': ', 1)[1]} {count}" for reason, count in
                                        stats.reasons.most_common() if reason.split(": ", 1)[0] == name)
                    setting = self.settings.get(name)
                    advice = f"to keep more, change {setting}" if setting else "docs/data.md names the setting that controls it"
                    lines.append(
                        f"filter {name!r} dropped {share['files']:.0%} of the files ({reasons}) and {share['chars']:.0%} of "
                        f"the characters of {stats.source}; {advice}; dropped.jsonl says which and why"
                    )
        return lines

    def metrics(self, stats: SourceStats) -> dict[str, Any]:
        """Flat metrics for the observation hooks (``on_metrics``)."""
        metrics: dict[str, Any] = {
            "source": stats.source,
            "read": stats.read,
            "passed": stats.passed,
            "filtered": stats.filtered,
            "train": stats.train,
            "validation": stats.validation,
            "not_sampled": stats.not_sampled,
        }
        metrics.update({f"filtered/{reason}": count for reason, count in stats.reasons.items()})
        return metrics
