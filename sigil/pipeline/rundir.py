"""The run directory: resolved config, manifest, one directory per completed stage, a lock.

Layout::

    <run dir>/config.resolved.yaml   the config as validated, defaults filled in
    <run dir>/manifest.json          versions, seed, and each stage's status, fingerprint and timings
    <run dir>/metrics.jsonl          every metric logged, one JSON object a line
    <run dir>/stages/<name>/         a completed stage's artifacts and its stage.json
    <run dir>/work/<name>/           a stage's resumable work (checkpoints), kept across crashes

A stage writes into ``stages/.<name>.partial/`` and is renamed into place only when it completes, so a
crash or Ctrl-C never leaves a half-written stage that a re-run would mistake for a finished one.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import json
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

    @contextlib.contextmanager
    def locked(self) -> Iterator[RunDir]:
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
        try:
            return json.loads(self.manifest_path.read_text())
        except (FileNotFoundError, ValueError):
            return {"stages": {}}

    def start_manifest(self, seed: int, source: str) -> None:
        manifest = self.manifest()
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
        """The stage's last completed result, if any."""
        record_path = self.stages_dir / name / "stage.json"
        try:
            record = json.loads(record_path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return StageOutput(
            name=name,
            type=record["type"],
            dir=record_path.parent,
            fingerprint=record["fingerprint"],
            artifacts=record.get("artifacts", {}),
            metrics=record.get("metrics", {}),
        )

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
