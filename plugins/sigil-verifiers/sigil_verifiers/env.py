"""The environment class verifiers picks for this taskset: a single agent whose runtime defaults to the local one.

verifiers' own single-agent env defaults every agent to a Prime sandbox (a remote box reached through a tunnel,
which needs a Prime account). The model runs nothing here (the harness asks one chat completion; sigil's sandbox
builds and tests the answer), so a local ``subprocess`` runtime is enough; ``--env.agent.runtime.type`` still
picks another.
"""

from __future__ import annotations

import verifiers.v1 as vf


class SigilRustEnvConfig(vf.EnvConfig):
    """The one ``agent`` seat (``--env.agent.*``), on the local runtime by default."""

    agent: vf.AgentConfig = vf.AgentConfig(runtime=vf.SubprocessConfig())


class SigilRustEnv(vf.Env[SigilRustEnvConfig]):
    """One agent answers each problem once per rollout."""

    async def run(self, task: vf.Task, agents: vf.Agents) -> None:
        await agents.agent.run(task)
