"""Built-in plugin: the generated task suites, registered through the public ``register_suites`` hook.

``rust-tasks-train`` (RSFT prompts; its references are the pretraining corpus, read with the data source
``suite:rust-tasks-train``) and ``rust-tasks-heldout`` (evaluation only, i.i.d. with the training split and
sharing no task text with it). Both come from seed :data:`SEED`; see :mod:`sigil.tasks`.
"""

from __future__ import annotations

from functools import lru_cache

from sigil.functional.problems import Suite
from sigil.hookspecs import Register, hookimpl
from sigil.tasks import TaskSplits, as_suite, task_splits

SEED = 0
TRAIN_TASKS = 3000
HELDOUT_TASKS = 400


@lru_cache(maxsize=1)
def default_splits() -> TaskSplits:
    return task_splits(SEED, TRAIN_TASKS, HELDOUT_TASKS)


def train_suite() -> Suite:
    return as_suite("rust-tasks-train", default_splits().train)


def heldout_suite() -> Suite:
    return as_suite("rust-tasks-heldout", default_splits().heldout)


@hookimpl
def register_suites(register: Register) -> None:
    """``rust-tasks-train`` (3,000 generated tasks) and ``rust-tasks-heldout`` (400, i.i.d., no shared text)."""
    register("rust-tasks-train", train_suite)
    register("rust-tasks-heldout", heldout_suite)
