"""Runs launched on several processes (``torchrun ... sigil run``): rank 0 leads, the other ranks follow.

Rank 0 runs the pipeline as a single process would: it holds the run directory's lock, writes the manifest,
commits every stage and is the only one whose metrics reach the loggers. A stage type that sets
``distributed = True`` (training) is run by every rank at the same time, so that its processes can form one
process group; every other stage is run by rank 0 alone, with the distributed variables hidden from it, while
the other ranks wait for its committed result. A follower writes nothing in the run directory except into its
own scratch directory under ``work/``, which it removes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sigil.errors import SigilError
from sigil.pipeline.rundir import RunDir
from sigil.pipeline.stage import StageOutput

if TYPE_CHECKING:
    from sigil.pipeline.runner import PlannedStage

#: Variables torchrun sets; hidden from stages that rank 0 runs alone.
DISTRIBUTED_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR", "MASTER_PORT")
#: How often a follower looks for rank 0's progress, and how long it waits at most for one stage.
POLL_S = 1.0
WAIT_LIMIT_S = float(os.environ.get("SIGIL_FOLLOWER_TIMEOUT_S", 24 * 3600))


def process_rank() -> int:
    """This process's rank in a multi-process launch (0 when launched alone)."""
    return int(os.environ.get("RANK", "0"))


def is_distributed(planned: PlannedStage) -> bool:
    return bool(getattr(planned.stage_type, "distributed", False))


@contextlib.contextmanager
def single_process_env(active: bool) -> Iterator[None]:
    """Hide torchrun's variables while rank 0 runs a stage alone, so libraries do not wait for other ranks."""
    if not active or "WORLD_SIZE" not in os.environ:
        yield
        return
    saved = {name: os.environ.pop(name) for name in DISTRIBUTED_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def follower_scratch(run_dir: RunDir, name: str, rank: int) -> tuple[Path, Path]:
    """A follower's private output directory for a distributed stage, and the stage's shared work directory."""
    scratch = run_dir.path / "work" / name / f".rank-{rank}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    return scratch, run_dir.path / "work" / name


def wait_for_leader(run_dir: RunDir, name: str, fingerprint: str, not_before: float) -> StageOutput:
    """Rank 0's committed result of ``name`` with ``fingerprint``, finished in this launch; fails if rank 0 stops."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        manifest = run_dir.manifest()
        record = manifest.get("stages", {}).get(name, {})
        if (
            record.get("status") == "completed"
            and record.get("fingerprint") == fingerprint
            and record.get("finished_at", 0.0) >= not_before
        ):
            output = run_dir.completed(name)
            if output is not None and output.fingerprint == fingerprint:
                return output
        if manifest.get("launch", 0.0) >= not_before and manifest.get("status") in ("failed", "interrupted"):
            raise SigilError(f"rank 0 stopped ({manifest['status']}) before completing stage {name!r}")
        time.sleep(POLL_S)
    raise SigilError(f"stage {name!r}: rank 0 did not complete it within {WAIT_LIMIT_S:.0f} s")
