"""The run directory: resolved config, manifest, one directory per completed stage, a lock.

Layout::

    <run dir>/config.resolved.yaml   the config as validated, defaults filled in
    <run dir>/manifest.json          versions, seed, and each stage's status, fingerprint and timings
    <run dir>/metrics.jsonl          every metric logged, one JSON object a line
    <run dir>/stages/<name>/         a completed stage's artifacts and its stage.json
    <run dir>/work/<name>/           a stage's resumable work (checkpoints), kept across crashes

A stage writes into ``stages/.<name>.partial/`` and is renamed into place only when it completes, so a
crash or Ctrl-C never leaves a half-written stage that a re-run would mistake for a finished one.

Damaged state is never trusted and never silently dropped. Every file here is written atomically, so damage
comes from outside (a hand edit, a failing disk, a copy cut short):

- a ``manifest.json`` that is not a JSON object with a ``stages`` mapping is moved aside to
  ``manifest.json.damaged-<time>`` (its bytes are kept) and the stage history is **rebuilt from the stage
  directories**: each completed stage's ``stage.json`` holds the same record the manifest had. Only the records
  of failed or interrupted attempts are lost, and a warning says so. Rebuilding rather than refusing because
  the stage directories are the source of truth for what is reused, and they are intact.
- a ``stage.json`` of the wrong shape makes that stage not completed: a warning names it and the stage runs
  again (its directory is replaced only when the new run completes).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sigil.errors import SigilError
from sigil.io import atomic_write_json, atomic_write_text
from sigil.pipeline.stage import StageOutput

log = logging.getLogger(__name__)

#: Distributions whose versions are recorded in every manifest (those installed).
RECORDED_DISTRIBUTIONS = (
    "sigil",
    "sigil-evaluator",
    "pluggy",
    "pydantic",
    "torch",
    "transformers",
    "peft",
    "trl",
    "bitsandbytes",
    "datasets",
    "accelerate",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RunDir:
    """One run directory. Use :meth:`locked` so two runs never write the same directory at once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self.stages_dir = self.path / "stages"
        self.manifest_path = self.path / "manifest.json"

    def check(self) -> None:
        """Fail with one line before any work when the run directory cannot be one (``misc.output_dir``)."""
        from sigil.io import check_writable

        for path in (self.path, self.stages_dir):
            if path.exists() and not path.is_dir():
                raise SigilError(f"misc.output_dir: {path} is a file, not a directory")
        check_writable(self.path, "misc.output_dir")

    @contextlib.contextmanager
    def locked(self) -> Iterator[RunDir]:
        self.check()
        self.stages_dir.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SigilError(f"{self.path}: another sigil run is using this run directory") from None
            yield self

    # --- config and manifest

    def write_config(self, config_data: dict[str, Any]) -> None:
        atomic_write_text(self.path / "config.resolved.yaml", yaml.safe_dump(config_data, sort_keys=False))

    def manifest(self) -> dict[str, Any]:
        """The manifest; a missing one starts from the stage directories, a damaged one is set aside first."""
        try:
            text = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return {"stages": self.stages_from_directories()}
        problem = None
        try:
            manifest = json.loads(text)
        except (ValueError, RecursionError) as exc:
            problem = f"not JSON ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
        else:
            if not isinstance(manifest, dict) or not isinstance(manifest.get("stages", {}), dict):
                problem = "not an object with a 'stages' mapping"
            elif not all(isinstance(record, dict) for record in manifest.get("stages", {}).values()):
                problem = "a stage record is not an object"
        if problem is None:
            manifest.setdefault("stages", {})
            return manifest
        aside = self.manifest_path.with_name(f"manifest.json.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        os.replace(self.manifest_path, aside)
        stages = self.stages_from_directories()
        log.warning(
            "%s: %s; kept as %s and rebuilt from the %d completed stage(s) in %s (records of failed or "
            "interrupted attempts are lost)", self.manifest_path, problem, aside.name, len(stages), self.stages_dir,
        )
        return {"stages": stages}

    def stages_from_directories(self) -> dict[str, dict[str, Any]]:
        """Each completed stage's record, read from its ``stage.json`` (oldest first, as they ran)."""
        records = []
        if self.stages_dir.is_dir():
            for path in self.stages_dir.iterdir():
                if path.is_dir() and not path.name.startswith(".") and (record := self._stage_record(path.name)):
                    records.append((path.name, record))
        records.sort(key=lambda item: (item[1].get("finished_at", 0), item[0]))
        return dict(records)

    def start_manifest(self, seed: int, source: str) -> None:
        manifest = self.manifest()
        manifest.pop("finished", None)  # an earlier run's end; a report written during this run must not show it
        manifest.update(
            started=now(),
            launch=time.time(),  # for the other ranks of a multi-process launch: results newer than this are ours
            status="running",
            config_file=source,
            seed=seed,
            python=sys.version.split()[0],
            platform=platform.platform(),
            versions=installed_versions(),
        )
        atomic_write_json(self.manifest_path, manifest, sort_keys=False)  # stages in pipeline order

    def update_manifest(self, **fields: Any) -> None:
        manifest = self.manifest()
        manifest.update(fields)
        atomic_write_json(self.manifest_path, manifest, sort_keys=False)  # stages in pipeline order

    def record_stage(self, name: str, record: dict[str, Any]) -> None:
        manifest = self.manifest()
        manifest.setdefault("stages", {})[name] = record
        atomic_write_json(self.manifest_path, manifest, sort_keys=False)  # stages in pipeline order

    # --- stages

    def completed(self, name: str) -> StageOutput | None:
        """The stage's last completed result, if any (a damaged ``stage.json`` is none, with a warning)."""
        record_path = self.stages_dir / name / "stage.json"
        record = self._stage_record(name)
        if record is None:
            return None
        return StageOutput(
            name=name,
            type=record["type"],
            dir=record_path.parent,
            fingerprint=record["fingerprint"],
            artifacts=record.get("artifacts", {}),
            metrics=record.get("metrics", {}),
        )

    def _stage_record(self, name: str) -> dict[str, Any] | None:
        record_path = self.stages_dir / name / "stage.json"
        try:
            record = json.loads(record_path.read_bytes())
        except FileNotFoundError:
            return None
        except (ValueError, RecursionError, OSError):
            record = None
        if (
            isinstance(record, dict)
            and isinstance(record.get("type"), str)
            and isinstance(record.get("fingerprint"), str)
            and isinstance(record.get("artifacts", {}), dict)
            and isinstance(record.get("metrics", {}), dict)
        ):
            return record
        log.warning("%s: damaged (not a stage record): stage %s counts as not completed and runs again",
                    record_path, name)
        return None

    def begin_stage(self, name: str) -> tuple[Path, Path]:
        """A fresh partial output directory and the stage's persistent work directory."""
        partial = self.stages_dir / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        work = self.path / "work" / name
        work.mkdir(parents=True, exist_ok=True)
        return partial, work

    def commit_stage(self, name: str, partial: Path, record: dict[str, Any]) -> StageOutput:
        """Write stage.json and swap the partial directory into place."""
        atomic_write_json(partial / "stage.json", record)
        final = self.stages_dir / name
        old = self.stages_dir / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(partial, final)
        shutil.rmtree(old, ignore_errors=True)
        completed = self.completed(name)
        assert completed is not None
        return completed

    def discard_partial(self, name: str) -> None:
        shutil.rmtree(self.stages_dir / f".{name}.partial", ignore_errors=True)


def installed_versions() -> dict[str, str]:
    versions = {}
    for distribution in RECORDED_DISTRIBUTIONS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[distribution] = importlib.metadata.version(distribution)
    return versions
