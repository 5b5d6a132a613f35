"""sigil: fine-tune large language models to write Rust that compiles, passes clippy and reads idiomatically.

This module is sigil's public API: a plugin imports only from here (``from sigil import Record, Filter``) and
writes ``@sigil.hookimpl`` on functions named after the hooks in :mod:`sigil.hookspecs`. Names are loaded on
first use, so ``import sigil`` stays cheap (the CLI starts with it) and importing the API pulls in no
evaluator, torch or datasets.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sigil.hookspecs import Register, hookimpl

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    # errors a plugin raises or catches
    "SigilError": "sigil.errors",
    "ConfigError": "sigil.errors",
    "DataError": "sigil.errors",
    "PluginError": "sigil.errors",
    # config sections and the markers that tell the runner how a key affects results
    "Section": "sigil.config.section",
    "InputPath": "sigil.config.section",
    "NotFingerprinted": "sigil.config.section",
    "StageRef": "sigil.config.section",
    "PipelineConfig": "sigil.config.schema",
    # stages
    "Stage": "sigil.pipeline.stage",
    "StageContext": "sigil.pipeline.stage",
    "StageOutput": "sigil.pipeline.stage",
    "StageResult": "sigil.pipeline.stage",
    "NoOptions": "sigil.pipeline.stage",
    "registry": "sigil.plugins",
    "Kind": "sigil.plugins",
    "Registry": "sigil.plugins",
    "STAGES": "sigil.pipeline.stage",
    "CONFIG_SECTIONS": "sigil.config.section",
    "FILTERS": "sigil.data.filters",
    "FilterFactory": "sigil.data.filters",
    "SCORERS": "sigil.evaluation.scorers",
    "SUITES": "sigil.functional.suite_lookup",
    "TRAINERS": "sigil.training",
    "GENERATORS": "sigil.generation",
    # data: records and filters
    "Record": "sigil.data.records",
    "Drop": "sigil.data.records",
    "Filter": "sigil.data.filters",
    # evaluation: samples, the batch scorers see, scorers
    "Sample": "sigil.evaluation.samples",
    "EvalBatch": "sigil.evaluation.scorers",
    "Scorer": "sigil.evaluation.scorers",
    "EvalConfig": "sigil.evaluation.config",
    "evaluate": "sigil.evaluation.evaluate",
    "make_evaluator": "sigil.evaluation.evaluate",
    # rewards from the evaluator's verdicts (the grpo stage, the verifiers environment)
    "EvaluatorRewards": "sigil.evaluation.rewards",
    "Reward": "sigil.evaluation.rewards",
    "REWARD_COMPONENTS": "sigil.evaluation.rewards",
    "DEFAULT_REWARD_WEIGHTS": "sigil.evaluation.rewards",
    "DEFAULT_CLIPPY_CAP": "sigil.evaluation.rewards",
    "check_reward_scorers": "sigil.evaluation.rewards",
    "check_reward_weights": "sigil.evaluation.rewards",
    "reward_components": "sigil.evaluation.rewards",
    "reward_scorers": "sigil.evaluation.rewards",
    "reward_total": "sigil.evaluation.rewards",
    # functional tests: problems and suites
    "Problem": "sigil.functional.problems",
    "Suite": "sigil.functional.problems",
    "load_suite": "sigil.functional.problems",
    "resolve_suite": "sigil.functional.suite_lookup",
    "assemble": "sigil.functional.problems",
    "truncate_at_stop": "sigil.functional.problems",
    # training and generation seams
    "Trainer": "sigil.training",
    "TrainRequest": "sigil.training",
    "TrainOutcome": "sigil.training",
    "DEFAULT_PROMPT_TEMPLATE": "sigil.training",
    "PROMPT_FORMAT_FILE": "sigil.training",
    "PromptFormat": "sigil.training",
    "Completion": "sigil.generation",
    "GenerationRequest": "sigil.generation",
    "Generator": "sigil.generation",
    "Job": "sigil.generation",
    "ModelRef": "sigil.generation",
    "SamplingSettings": "sigil.generation",
    "build_tiny_model": "sigil.tiny",
    "is_tiny": "sigil.tiny",
    "parse_spec": "sigil.tiny",
    # progress of long work: a bar on a terminal, plain lines elsewhere
    "StepProgress": "sigil.observe.progress",
    "format_eta": "sigil.observe.progress",
    # paired comparisons of verdicts
    "mcnemar_exact": "sigil.stats",
    "bootstrap_interval": "sigil.stats",
    # files: atomic writes and JSONL
    "atomic_writer": "sigil.io",
    "atomic_write_json": "sigil.io",
    "atomic_write_text": "sigil.io",
    "append_jsonl_line": "sigil.io",
    "read_jsonl": "sigil.io",
    "read_jsonl_numbered": "sigil.io",
    "write_jsonl": "sigil.io",
}

__all__ = [
    "CONFIG_SECTIONS",
    "Completion",
    "ConfigError",
    "DEFAULT_CLIPPY_CAP",
    "DEFAULT_PROMPT_TEMPLATE",
    "DEFAULT_REWARD_WEIGHTS",
    "DataError",
    "Drop",
    "EvalBatch",
    "EvalConfig",
    "EvaluatorRewards",
    "FILTERS",
    "Filter",
    "FilterFactory",
    "GENERATORS",
    "GenerationRequest",
    "Generator",
    "InputPath",
    "Job",
    "Kind",
    "ModelRef",
    "NoOptions",
    "NotFingerprinted",
    "PROMPT_FORMAT_FILE",
    "PipelineConfig",
    "PluginError",
    "Problem",
    "PromptFormat",
    "REWARD_COMPONENTS",
    "Record",
    "Register",
    "Registry",
    "Reward",
    "SCORERS",
    "STAGES",
    "SUITES",
    "Sample",
    "SamplingSettings",
    "Scorer",
    "Section",
    "SigilError",
    "Stage",
    "StageContext",
    "StageOutput",
    "StageRef",
    "StageResult",
    "StepProgress",
    "Suite",
    "TRAINERS",
    "TrainOutcome",
    "TrainRequest",
    "Trainer",
    "__version__",
    "append_jsonl_line",
    "assemble",
    "atomic_write_json",
    "atomic_write_text",
    "atomic_writer",
    "bootstrap_interval",
    "build_tiny_model",
    "check_reward_scorers",
    "check_reward_weights",
    "evaluate",
    "format_eta",
    "hookimpl",
    "is_tiny",
    "load_suite",
    "make_evaluator",
    "mcnemar_exact",
    "parse_spec",
    "read_jsonl",
    "read_jsonl_numbered",
    "registry",
    "resolve_suite",
    "reward_components",
    "reward_scorers",
    "reward_total",
    "truncate_at_stop",
    "write_jsonl",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sigil' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # what type checkers see; at run time the names above load on first use
    from sigil.config.schema import PipelineConfig
    from sigil.config.section import CONFIG_SECTIONS, InputPath, NotFingerprinted, Section, StageRef
    from sigil.data.filters import FILTERS, Filter, FilterFactory
    from sigil.data.records import Drop, Record
    from sigil.errors import ConfigError, DataError, PluginError, SigilError
    from sigil.evaluation.config import EvalConfig
    from sigil.evaluation.evaluate import evaluate, make_evaluator
    from sigil.evaluation.rewards import (
        DEFAULT_CLIPPY_CAP,
        DEFAULT_REWARD_WEIGHTS,
        REWARD_COMPONENTS,
        EvaluatorRewards,
        Reward,
        check_reward_scorers,
        check_reward_weights,
        reward_components,
        reward_scorers,
        reward_total,
    )
    from sigil.evaluation.samples import Sample
    from sigil.evaluation.scorers import SCORERS, EvalBatch, Scorer
    from sigil.functional.problems import Problem, Suite, assemble, load_suite, truncate_at_stop
    from sigil.functional.suite_lookup import SUITES, resolve_suite
    from sigil.generation import GENERATORS, Completion, GenerationRequest, Generator, Job, ModelRef, SamplingSettings
    from sigil.io import (
        append_jsonl_line,
        atomic_write_json,
        atomic_write_text,
        atomic_writer,
        read_jsonl,
        read_jsonl_numbered,
        write_jsonl,
    )
    from sigil.observe.progress import StepProgress, format_eta
    from sigil.pipeline.stage import STAGES, NoOptions, Stage, StageContext, StageOutput, StageResult
    from sigil.plugins import Kind, Registry, registry
    from sigil.stats import bootstrap_interval, mcnemar_exact
    from sigil.tiny import build_tiny_model, is_tiny, parse_spec
    from sigil.training import (
        DEFAULT_PROMPT_TEMPLATE,
        PROMPT_FORMAT_FILE,
        TRAINERS,
        PromptFormat,
        Trainer,
        TrainOutcome,
        TrainRequest,
    )
