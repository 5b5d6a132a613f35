"""sigil's rewards as a ``verifiers`` environment (verifiers 0.4, ``verifiers.v1``): the taskset id is
``sigil-verifiers``.

    vf-eval sigil-verifiers --model M --client.base-url http://127.0.0.1:8000/v1 -n 3 -r 2 --no-push
    vf-eval sigil-verifiers --env.taskset.suite rust-tasks-heldout --env.taskset.limit 20 ...

verifiers finds the taskset, its environment class and its default harness through this module's ``__all__``. In Python,
:func:`load_environment` builds the same environment from keyword arguments.
"""

from __future__ import annotations

from typing import Any

import verifiers.v1 as vf

from sigil_verifiers.env import SigilRustEnv, SigilRustEnvConfig
from sigil_verifiers.harness import SigilChatHarness, SigilChatHarnessConfig
from sigil_verifiers.taskset import (
    SigilRustData,
    SigilRustTask,
    SigilRustTaskConfig,
    SigilRustTaskset,
    SigilRustTasksetConfig,
)

#: The id verifiers knows this taskset by (``vf-eval sigil-verifiers``, ``--env.taskset.id``).
TASKSET_ID = "sigil-verifiers"

__all__ = [
    "TASKSET_ID",
    "SigilChatHarness",
    "SigilChatHarnessConfig",
    "SigilRustEnv",
    "SigilRustEnvConfig",
    "SigilRustData",
    "SigilRustTask",
    "SigilRustTaskConfig",
    "SigilRustTaskset",
    "SigilRustTasksetConfig",
    "load_environment",
]


def load_environment(suite: str = "rust-tasks-train", limit: int | None = None, weights: dict[str, float] | None = None,
                     clippy_cap: int | None = None, eval: dict[str, Any] | None = None, **env: Any) -> vf.Env:
    """The environment: a single-agent env over the suite's problems, rewarded by sigil's evaluator.

    :param suite: a registered suite name or a suite JSONL file; ``limit``: the first N problems.
    :param weights: reward weights (default ``sigil.DEFAULT_REWARD_WEIGHTS``); ``clippy_cap``: lints counted at most.
    :param eval: settings of sigil's ``eval`` section (sandbox, cache_dir, ...).
    :param env: other fields of verifiers' env config (``max_concurrent_agents``, ``timeout``, ...).
    """
    task = {key: value for key, value in {"weights": weights, "clippy_cap": clippy_cap, "eval": eval}.items()
            if value is not None}
    taskset = {"id": TASKSET_ID, "suite": suite, "limit": limit, "task": task}
    return vf.load_environment(vf.resolve_env_config({**env, "taskset": taskset}))
