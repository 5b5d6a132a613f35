"""Built-in plugin: the generated task suites, registered through the public ``register_suites`` hook.

``rust-tasks-train`` (RSFT prompts; its references are the pretraining corpus, read with the data source
``suite:rust-tasks-train``) and ``rust-tasks-heldout`` (evaluation only, i.i.d. with the training split and
sharing no task text with it). Both come from seed :data:`SEED`; see :mod:`sigil.tasks`. ``rust-mixed-train``
is the hand-written ``rust-practical-train`` followed by ``rust-tasks-train``: the RSFT prompts of the GPU-scale
config, whose held-out set is ``rust-practical-eval``.
"""

from __future__ import annotations

from functools import lru_cache

from sigil.functional.problems import Suite
from sigil.functional.suite_lookup import resolve_suite
from sigil.hookspecs import Register, hookimpl
from sigil.tasks import TaskSplits, as_suite, scraped, task_splits

SEED = 0
TRAIN_TASKS = 3000
HELDOUT_TASKS = 400
#: the share of ``rust-tasks-scraped`` programs that carry their family's characteristic mistake
SCRAPED_FLAWED_SHARE = 0.6


@lru_cache(maxsize=1)
def default_splits() -> TaskSplits:
    return task_splits(SEED, TRAIN_TASKS, HELDOUT_TASKS)


def train_suite() -> Suite:
    return as_suite("rust-tasks-train", default_splits().train)


def heldout_suite() -> Suite:
    return as_suite("rust-tasks-heldout", default_splits().heldout)


def scraped_suite() -> Suite:
    return as_suite("rust-tasks-scraped", scraped(default_splits().train, SCRAPED_FLAWED_SHARE, SEED))


def mixed_train_suite() -> Suite:
    # generate.prompts names one suite: this is how an RSFT run practises on both kinds of task. The hand-written
    # problems come first, so `generate.limit` keeps all of them and trims the generated ones.
    return as_suite("rust-mixed-train", resolve_suite("rust-practical-train").problems + default_splits().train)


@hookimpl
def register_suites(register: Register) -> None:
    """``rust-tasks-train`` (3,000 generated tasks), ``rust-tasks-heldout`` (400, i.i.d., no shared text) and
    ``rust-mixed-train`` (``rust-practical-train`` followed by ``rust-tasks-train``: RSFT prompts at scale)."""
    register("rust-tasks-train", train_suite)
    register("rust-tasks-heldout", heldout_suite)
    register("rust-mixed-train", mixed_train_suite)
    register("rust-tasks-scraped", scraped_suite)
