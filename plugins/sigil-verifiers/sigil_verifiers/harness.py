"""The default harness of the taskset: one chat completion, asked in-process through the rollout's interception
endpoint.

verifiers' own tool-less chat harness (``null``) runs a PEP 723 script under ``uv`` in the rollout's runtime, which
installs the script's dependencies from PyPI on first use. A single-turn problem needs no program: verifiers'
``Harness.launch`` contract allows the loop to run in-process as long as every model call goes through ``endpoint``
with bearer ``secret``, so the interception server records the turn in the trace and applies the run's model and
sampling exactly as for any harness.
"""

from __future__ import annotations

from typing import Any

import httpx
import verifiers.v1 as vf


class SigilChatHarnessConfig(vf.HarnessConfig):
    """Knobs of the single-turn chat harness."""

    timeout_s: float = 600.0
    """Seconds to wait for the model's answer (the interception server waits on the model server)."""


class SigilChatHarness(vf.Harness[SigilChatHarnessConfig]):
    """Ask the model once: the task's prompt (and system prompt, when set) as chat messages; its answer is the
    completion the task scores."""

    APPENDS_SYSTEM_PROMPT = True
    EXECUTES_CODE = False  # the model runs nothing: sigil's sandbox builds and runs the program when scoring
    NEEDS_CONTAINER = False

    async def launch(
        self,
        ctx: vf.ModelContext,
        trace: vf.Trace,
        runtime: vf.Runtime,
        endpoint: str,
        secret: str,
        mcp_urls: dict[str, str],
        data: vf.TaskData,
    ) -> vf.ProgramResult:
        system, prompt = self.resolve_prompt(data)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        if isinstance(prompt, str):
            messages.append({"role": "user", "content": prompt})
        else:
            messages += [message.model_dump(exclude_none=True) for message in prompt or []]
        async with httpx.AsyncClient(timeout=self.config.timeout_s) as client:
            response = await client.post(f"{endpoint.rstrip('/')}/chat/completions",
                                         json={"model": ctx.model, "messages": messages},
                                         headers={"Authorization": f"Bearer {secret}"})
        if response.status_code != 200:
            return vf.ProgramResult(1, "", f"chat completion: HTTP {response.status_code}: {response.text[:2000]}")
        return vf.ProgramResult(0, response.text, "")
