"""Strict schemas of ``generate`` (how samples are drawn) and ``rsft`` (rejection-sampling fine-tuning).

Every key reaches the code: ``generate`` keys land in :class:`sigil_generate.generator.SamplingSettings` (and
in ``generation.json`` next to the samples), ``rsft`` keys in the keep rule and the per-round trainer config.
"""

from __future__ import annotations

import string
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sigil import InputPath, Section

#: Placeholders the openai generator fills in its serve command and request model name.
PLACEHOLDERS = ("base", "adapter", "model", "port", "host", "replica")


def _check_placeholders(parts: list[str], allowed: tuple[str, ...]) -> list[str]:
    for part in parts:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(part) if name is not None]
        except ValueError as exc:
            raise ValueError(f"{part!r}: {exc} (write a literal brace as {{{{ or }}}})") from None
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise ValueError(f"{part!r}: unknown placeholder {{{unknown[0]}}}; known: {', '.join(allowed)}")
    return parts


class ServeSection(Section):
    """A server sigil starts for the stage (the ``openai`` generator's managed mode) and stops afterwards."""

    command: list[str] = Field(
        default_factory=list,
        description="The serve command, one argument per item; empty: external mode (openai.base_urls). "
        "Placeholders: {base} (the base model), {adapter} (the PEFT adapter directory, empty without one), {model} "
        "(one model directory: the base, a full fine-tune, or the adapter merged into its base by sigil for servers "
        "without LoRA support), {port}, {host}, {replica} (0, 1, ...: e.g. [env, 'CUDA_VISIBLE_DEVICES={replica}', "
        "vllm, ...] for one replica per GPU). E.g. [vllm, serve, '{base}', --port, '{port}', --enable-lora, "
        "--lora-modules, 'sigil={adapter}'] or [transformers, serve, '{model}', --port, '{port}'].",
    )
    replicas: int = Field(default=1, gt=0, description="Servers to start, on consecutive ports from `port`.")
    host: str = Field(default="127.0.0.1", description="Interface the managed server listens on.")
    port: int = Field(default=8400, gt=0, lt=65536, description="Port of the first replica.")
    health_path: str = Field(default="/health", description="GET path that answers 200 once the server is ready.")
    startup_timeout_s: float = Field(default=600.0, gt=0, description="Longest wait for the server to become healthy.")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables of the server process.")

    @field_validator("command")
    @classmethod
    def _known_placeholders(cls, value: list[str]) -> list[str]:
        return _check_placeholders(value, PLACEHOLDERS)


class OpenAISection(Section):
    """The ``openai`` generator: any OpenAI-compatible ``/v1/completions`` endpoint."""

    base_urls: list[str] = Field(
        default_factory=list,
        description="Endpoints up to the /v1 prefix (e.g. http://127.0.0.1:8000/v1), one per data-parallel replica; "
        "requests are spread over them and a replica that stops answering is skipped (external mode).",
    )
    model: str = Field(
        default="{model}",
        description="The `model` field of each request; placeholders as in openai.serve.command (vLLM with "
        "--lora-modules sigil=...: 'sigil').",
    )
    api_key: str | None = Field(default=None, description="Bearer token; default $OPENAI_API_KEY when set.")
    concurrency: int = Field(default=16, gt=0, description="Requests in flight at once, over all replicas.")
    request_n: bool = Field(
        default=False,
        description="Ask for a prompt's samples in one request (`n`); off: one request per sample with its own "
        "seed (works with servers that ignore `n`).",
    )
    timeout_s: float = Field(default=300.0, gt=0, description="Per-request timeout.")
    max_retries: int = Field(default=6, ge=0, description="Retries of a request on 429, 5xx, timeouts and refused connections.")
    backoff_s: float = Field(default=0.5, ge=0, description="First retry delay; doubles on each retry (with jitter), at most 30 s.")
    serve: ServeSection = Field(default_factory=ServeSection, description="Managed mode: the server sigil starts.")

    @field_validator("model")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return _check_placeholders([value], ("base", "adapter", "model"))[0]


class GenerateSection(Section):
    """How the ``generate`` stage (and each RSFT round) samples completions."""

    prompts: Annotated[str, InputPath()] = Field(
        default="sigil-basic",
        description="A built-in problem suite name (sigil/functional/suites/<name>.jsonl) or a path to a JSONL of "
        "prompts ({prompt, id?, problem?, stop?}) or of suite problems (with tests).",
    )
    limit: int | None = Field(default=None, gt=0, description="Use only the first N prompts (quick runs).")
    n: int = Field(default=1, gt=0, description="Samples per prompt (the `generate` stage; RSFT uses rsft.samples_per_prompt).")
    temperature: float = Field(default=0.8, ge=0, description="Sampling temperature; 0 means greedy decoding.")
    top_p: float = Field(default=0.95, gt=0, le=1, description="Nucleus sampling: keep the smallest token set of this mass.")
    max_new_tokens: int = Field(default=512, gt=0, description="Longest completion in tokens.")
    batch_size: int = Field(default=8, gt=0, description="Sequences generated per forward pass (left-padded).")
    seed: int | None = Field(default=None, description="Sampling seed; default misc.seed. Same seed, same samples.")
    stop: list[str] = Field(
        default_factory=list,
        description="Stop sequences: generation ends at the first one, which is cut off (a suite problem's own "
        "stop_tokens are added).",
    )
    chat_template: bool | Literal["auto"] = Field(
        default="auto",
        description="Render prompts as a chat turn (the tokenizer's template, or sigil-train's default template "
        "when it has none); false: the raw prompt is continued. auto: as the model was trained (its "
        "prompt_format.json: raw code off, instruct/chat on); a model with no record: off for suite problems "
        "(code to continue), on for plain prompts.",
    )
    generator: str = Field(default="hf", description="Registered generator to use (see `sigil plugins`).")
    device: Literal["auto", "cpu", "cuda"] = Field(default="auto", description="Where to generate; auto: a GPU if present.")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="Model dtype for generation; auto: bfloat16 on a GPU, float32 on CPU."
    )
    engine: Literal["auto", "padded", "static", "continuous"] = Field(
        default="auto",
        description="How the hf generator decodes: padded (model.generate over left-padded batches), static "
        "(static KV cache, compiled decode step with CUDA graphs, batches bucketed by prompt length), continuous "
        "(transformers' generate_batch). auto: static on a GPU, padded on CPU (measured: bench/RESULTS.md).",
    )
    data_parallel: int = Field(
        default=1,
        ge=0,
        description="hf: worker processes generating at once, one per GPU (0: every visible GPU; on CPU, that many "
        "processes). Batches are dealt out by index and keep their own seeds: the samples are the same for any count.",
    )
    openai: OpenAISection = Field(default_factory=OpenAISection, description="The openai generator's endpoint.")

    @field_validator("stop")
    @classmethod
    def _no_empty_stop(cls, value: list[str]) -> list[str]:
        if any(not stop for stop in value):
            raise ValueError("stop sequences must be non-empty strings")
        return value

    @model_validator(mode="after")
    def _openai_has_an_endpoint(self) -> GenerateSection:
        if self.generator == "openai" and not self.openai.base_urls and not self.openai.serve.command:
            raise ValueError("the openai generator needs openai.base_urls (external servers) or openai.serve.command (managed)")
        return self


class RsftSection(Section):
    """Rejection-sampling fine-tuning: rounds of generate → verify → keep the good → fine-tune."""

    rounds: int = Field(default=2, gt=0, description="Rounds of generate → verify → keep → fine-tune.")
    samples_per_prompt: int = Field(default=4, gt=0, description="Samples drawn per prompt in each round.")
    min_quality: float | None = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Keep a sample only if the evaluator's per-sample `quality` score (eval.quality_weights) is at "
        "least this; null: no quality threshold.",
    )
    require_compile: bool = Field(default=True, description="Keep only samples that compile.")
    require_tests_pass: bool = Field(
        default=False,
        description="Keep only samples that pass their problem's tests (prompts from a suite with tests).",
    )
    fallback_compile: bool = Field(
        default=False,
        description="With require_tests_pass: a prompt none of whose samples passed its tests, and some of whose samples "
        "did not compile, keeps its compiling samples instead (partial credit; the other rules still apply).",
    )
    max_per_prompt: int = Field(default=1, gt=0, description="Keep at most this many samples per prompt (best quality first).")
    dedup: bool = Field(
        default=True, description="Drop a kept sample whose code (whitespace-normalised) was already kept for its prompt."
    )
    train_steps: int = Field(default=50, gt=0, description="Optimizer steps of each round's fine-tune (unless train_epochs).")
    train_epochs: float | None = Field(
        default=None, gt=0, description="Passes over each round's training records instead of train_steps."
    )
    heldout: str | None = Field(
        default=None,
        description="A problem suite (registered name or path) the model is evaluated on before round 1 and after "
        "every round: one completion per problem, run against its tests. It must share no prompt with "
        "generate.prompts. Per-round metrics then describe the model after that round.",
    )
    heldout_limit: int | None = Field(default=None, gt=0, description="Use only the first N held-out problems.")
    heldout_temperature: float = Field(default=0.0, ge=0, description="Sampling temperature on held-out problems (0: greedy).")
    accumulate: bool = Field(
        default=False, description="Train each round on the kept samples of every round so far, not just its own."
    )
    trainer: str = Field(default="trl", description="Registered trainer that fine-tunes each round (see `sigil plugins`).")

    @model_validator(mode="after")
    def _keeps_something_checkable(self) -> RsftSection:
        if self.min_quality is None and not self.require_compile and not self.require_tests_pass:
            raise ValueError(
                "the keep rule accepts everything: set min_quality, require_compile or require_tests_pass"
            )
        if self.fallback_compile and not self.require_tests_pass:
            raise ValueError("fallback_compile falls back from require_tests_pass: set require_tests_pass: true")
        return self
