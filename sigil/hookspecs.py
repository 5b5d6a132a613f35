"""Every hook sigil offers, typed and documented.

Plugins implement these with ``@sigil.hookimpl``. Built-in plugins use exactly the same hooks as third-party
ones. Hooks are always called with keyword arguments. The ``register_*`` hooks hand the plugin a ``register``
callback; the host owns the registry, records which plugin supplied each component and refuses duplicate names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    import click

    from sigil.pipeline.stage import StageContext, StageResult

hookspec = pluggy.HookspecMarker("sigil")
hookimpl = pluggy.HookimplMarker("sigil")

class Register(Protocol):
    """``register(name, component, reads=(...))``: add one named component to a registry.

    ``reads`` names the config the component reads: top-level sections (``"license"``) or dotted keys
    (``"eval.idiomatic_weights"``). Every stage that uses the component (see ``Stage.uses``) puts those values in
    its fingerprint, so changing them re-runs the stage and nothing else. Leave it empty only for a component
    that reads no config.
    """

    def __call__(self, name: str, component: object, *, reads: Sequence[str] = ()) -> None: ...


# --------------------------------------------------------------------------------------------------------------
# Components: each hook adds named components to one registry
# --------------------------------------------------------------------------------------------------------------


@hookspec
def register_config_sections(register: Register) -> None:
    """Register the top-level config sections a plugin owns, each with its own strict schema.

    Call ``register(section_name, model)`` where ``model`` is a pydantic model class whose fields are the
    section's keys (unknown keys must be errors: derive from ``sigil.config.Section``). The section then
    becomes valid at the top level of a pipeline YAML, e.g. the training plugin registers ``train``, ``lora``
    and ``bnb_4bit``; sigil's built-in plugins register ``dataset``, ``eval`` and ``sweep`` the same way (the
    kernel's own keys are only ``model_name``, ``misc`` and ``stages``). An unknown top-level key is an error
    listing the installed sections and the installed plugins that are not loaded. A section may set
    ``legacy_keys`` to accept keys the reference system spelled elsewhere (``max_seq_len`` →
    ``train.max_seq_len``).

    :param register: the registry callback; a second plugin registering the same section name is an error.
    """


@hookspec
def register_filters(register: Register) -> None:
    """Register data filters for the ``data`` stage.

    Call ``register(name, factory)``. ``factory(config)`` receives the fully resolved pipeline config
    (``sigil.config.PipelineConfig``) and returns a ``sigil.data.filters.Filter`` or ``None`` when the config
    disables it. Filters run in registration order (built-ins first; use ``tryfirst``/``trylast`` to move a
    plugin's filters). Each dropped record carries the filter's reason string into the statistics.

    Declare what the factory reads: ``register("license", factory, reads=("license",))``; the ``data`` stage's
    fingerprint covers the ``reads`` of every registered filter.

    :param register: the registry callback; duplicate filter names are an error naming both plugins.
    """


@hookspec
def register_scorers(register: Register) -> None:
    """Register scorers that turn evaluated samples into named metrics.

    Call ``register(name, scorer)`` where ``scorer`` follows ``sigil.scoring.Scorer``: it receives the
    samples, their extracted sources and the evaluator's check results and returns one ``dict[str, float]``
    of named metrics per sample (``sigil.evaluation.scorers.EvalBatch``; ``batch.pipeline`` is the full config,
    where a plugin's scorer finds its own section). The config chooses which scorers run (``eval.scorers``).

    Declare the config the scorer reads: ``register("panics", PanicScorer(), reads=("panics",))``; a stage that
    runs the scorer (it is in ``eval.scorers``) has those keys in its fingerprint.

    :param register: the registry callback; duplicate scorer names are an error naming both plugins.
    """


@hookspec
def register_trainers(register: Register) -> None:
    """Register trainers that fine-tune a model for the ``train`` stage.

    Call ``register(name, trainer)`` where ``trainer`` follows ``sigil.training.Trainer``. The stage's
    ``trainer`` option picks one by name. Declare the config it reads with ``reads=(...)``.

    :param register: the registry callback; duplicate trainer names are an error naming both plugins.
    """


@hookspec
def register_generators(register: Register) -> None:
    """Register sample generators (model → completions for prompts) for the ``generate`` stage.

    Call ``register(name, generator)`` where ``generator`` follows ``sigil.generation.Generator``. Declare the
    config it reads with ``reads=(...)``.

    :param register: the registry callback; duplicate generator names are an error naming both plugins.
    """


@hookspec
def register_suites(register: Register) -> None:
    """Register problem suites for functional checks (pass@k) and generation prompts.

    Call ``register(name, path_or_loader)``: a path to a suite JSONL file (MultiPL-E/HumanEval-rs layout plus
    sigil's fields, see ``sigil.functional.problems``) or a callable returning a ``sigil.functional.Suite``.
    ``generate.prompts``, ``eval.functional.suite`` and ``sigil eval --suite`` take these names.

    :param register: the registry callback; duplicate suite names are an error naming both plugins.
    """


@hookspec
def register_stages(register: Register) -> None:
    """Register pipeline stage types usable as ``type:`` in a pipeline's ``stages`` list.

    Call ``register(type_name, stage_class)`` where ``stage_class`` follows ``sigil.pipeline.Stage``: it has
    an ``Options`` model (the stage entry's ``options:``, validated strictly), a ``config_keys`` tuple naming
    the config sections its own code reads, optionally ``uses(config, options)`` naming the components (filters,
    scorers, trainers, generators) it will use, and a ``run(ctx)`` method. Its fingerprint covers its
    ``config_keys``, the ``reads`` of every component it uses, the content of every input file named by a key
    marked ``InputPath``, and the fingerprints of earlier stages; keys marked ``NotFingerprinted`` are left out.

    :param register: the registry callback; duplicate stage types are an error naming both plugins.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``sigil`` command-line interface.

    Called once when the CLI starts, after plugins are loaded. Use ``@cli.command()`` as usual.

    :param cli: the top-level click group.
    """


# --------------------------------------------------------------------------------------------------------------
# Observation: a run announces what it does; loggers listen without the runner knowing them
# --------------------------------------------------------------------------------------------------------------


@hookspec
def on_run_start(run_dir: str, config: dict[str, Any]) -> None:
    """Called once when ``sigil run`` starts, after the config is validated and the run directory exists.

    :param run_dir: the run directory (absolute path).
    :param config: the fully resolved config as plain data (what ``config.resolved.yaml`` holds).
    """


@hookspec
def on_run_end(run_dir: str, status: str) -> None:
    """Called once when a run ends, successfully or not; loggers flush and close here.

    :param run_dir: the run directory.
    :param status: ``"completed"``, ``"failed"`` or ``"interrupted"``.
    """


@hookspec
def on_stage_start(ctx: StageContext) -> None:
    """Called before a stage runs (not when it is skipped because its fingerprint is unchanged).

    :param ctx: the stage's context: name, type, options, directories.
    """


@hookspec
def on_stage_end(ctx: StageContext, result: StageResult | None, error: BaseException | None) -> None:
    """Called after a stage ran, with its result or the error that stopped it.

    :param ctx: the stage's context.
    :param result: the stage's result when it completed, else ``None``.
    :param error: the exception when it failed or was interrupted, else ``None``.
    """


@hookspec
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    """Called for every batch of metrics a stage logs (training loss, evaluation rates, filter counts).

    The built-in JSONL logger writes each call as one line of ``metrics.jsonl``; the TensorBoard logger writes
    numeric values as scalars. Implementations must not modify ``metrics``.

    :param run_dir: the run directory.
    :param stage: the name of the stage that logged them.
    :param step: the step they belong to (training step, RSFT round), or ``None``.
    :param metrics: metric name → value (JSON-serialisable).
    """
