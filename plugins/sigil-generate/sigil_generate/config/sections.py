"""Strict schemas of ``generate`` (how samples are drawn) and ``rsft`` (rejection-sampling fine-tuning).

Every key reaches the code: ``generate`` keys land in :class:`sigil_generate.generator.SamplingSettings` (and
in ``generation.json`` next to the samples), ``rsft`` keys in the keep rule and the per-round trainer config.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sigil.config import InputPath, Section


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
        "when it has none); false: the raw prompt is continued. auto: off for suite problems (code to "
        "continue), on for plain prompts.",
    )
    generator: str = Field(default="hf", description="Registered generator to use (see `sigil plugins`).")
    device: Literal["auto", "cpu", "cuda"] = Field(default="auto", description="Where to generate; auto: a GPU if present.")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="Model dtype for generation; auto: bfloat16 on a GPU, float32 on CPU."
    )

    @field_validator("stop")
    @classmethod
    def _no_empty_stop(cls, value: list[str]) -> list[str]:
        if any(not stop for stop in value):
            raise ValueError("stop sequences must be non-empty strings")
        return value


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
    max_per_prompt: int = Field(default=1, gt=0, description="Keep at most this many samples per prompt (best quality first).")
    dedup: bool = Field(
        default=True, description="Drop a kept sample whose code (whitespace-normalised) was already kept for its prompt."
    )
    train_steps: int = Field(default=50, gt=0, description="Optimizer steps of each round's fine-tune (train.max_steps).")
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
        return self
