"""Model cards the Hugging Face Hub understands, for adapters and exports.

A card is huggingface_hub's ``ModelCard``: metadata (``ModelCardData``: base model, datasets, license, library,
tags, ``model-index`` with the evaluation results) as YAML front matter, then Markdown sections. sigil edits both
as data: metadata through ``card.data``, the body as an ordered list of ``## `` sections (``sigil export`` replaces
the Evaluation section and adds an Export one), never by replacing strings in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import EvalResult, ModelCard, ModelCardData

from sigil import atomic_write_text

#: What a card says before any evaluation; `sigil export` fills the section from the run's latest evaluation.
NOT_EVALUATED = "Not evaluated yet: run the evaluate stage."

#: Evaluation metrics that become ``model-index`` results (numbers the Hub shows), with their display names.
INDEXED_METRICS = {
    "compile_rate": "Compile rate",
    "avg_clippy_warnings": "Clippy warnings per compiling sample",
    "avg_idiomatic_score": "Idiomatic score",
    "doc_comment_rate": "Doc comment rate",
}

#: ``dataset.names`` entries that are Hub dataset ids (``owner/name``), as opposed to local files and prefixes.
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def card_data(config: Any, evaluation: dict[str, Any] | None = None, library: str | None = None) -> ModelCardData:
    """The card's metadata for a run's config (and, when known, its evaluation)."""
    train = config.train
    datasets = [name for name in config.dataset.names if _HUB_ID.match(name) and not Path(name).exists()]
    data = ModelCardData(
        base_model=config.model_name,
        datasets=datasets or None,
        license=train.license,
        library_name=library or ("peft" if train.adapter in ("qlora", "lora") else "transformers"),
        pipeline_tag="text-generation",
        tags=["sigil", "rust", "code", "sft", train.adapter],
        model_name=model_name(config),
    )
    if evaluation:
        data.eval_results = eval_results(evaluation)
    return data


def model_name(config: Any) -> str:
    return f"{config.model_name.rsplit('/', 1)[-1]}-sigil-{config.train.adapter}"


def eval_results(evaluation: dict[str, Any]) -> list[EvalResult]:
    """``model-index`` entries: the headline metrics and each pass@k of one evaluation."""
    suite = str(evaluation.get("suite") or "samples")
    common: dict[str, Any] = dict(task_type="text-generation", task_name="Rust code generation",
                  dataset_type=f"sigil/{suite}", dataset_name=f"sigil {suite}")
    results = [EvalResult(**common, metric_type=key, metric_name=name, metric_value=evaluation[key])
               for key, name in INDEXED_METRICS.items() if isinstance(evaluation.get(key), (int, float))]
    for k, value in (evaluation.get("pass_at_k") or {}).items():
        if isinstance(value, (int, float)):
            results.append(EvalResult(**common, metric_type=f"pass@{k}", metric_name=f"pass@{k}", metric_value=value))
    return results


def model_card(config: Any, request: Any, choices: dict[str, Any], curve: dict[str, Any]) -> ModelCard:
    """The card of a freshly trained adapter (or full model): metadata, then what was trained on what, and how."""
    train = config.train
    data = choices.get("data", {})
    length = (f"{train.num_epochs:g} epochs ({curve.get('steps')} optimizer steps)" if train.num_epochs is not None
              else f"{curve.get('steps')} optimizer steps (train.max_steps)")
    sections = [
        f"# {config.model_name} — sigil {train.adapter} fine-tune" + (f" (phase {request.phase})" if request.phase else ""),
        "Trained with sigil to write Rust that compiles, passes clippy and reads idiomatically.",
        "## Base model\n\n" + f"- name: `{config.model_name}`\n- loaded from: `{choices.get('base_model_path')}`\n"
        f"- adapter: `{train.adapter}`; attention: `{choices.get('attn_implementation')}`; "
        f"dtype: `{choices.get('dtype')}`\n- warm start: `{request.warm_start or 'none'}`",
        "## Data\n\n" + _data_table(data) + f"\n\nTraining file: `{request.train_path}`",
        "## Configuration\n\n" + f"Trained for {length}.\n\n```yaml\n" + yaml.safe_dump(
            {key: getattr(config, key).model_dump(mode="json") for key in ("train", "lora", "bnb_4bit")}
            | {"model_name": config.model_name, "dataset": config.dataset.model_dump(mode="json")},
            sort_keys=False,
        ) + "```",
        "## Training curve\n\n" + _curve(curve),
        "## Evaluation\n\n" + NOT_EVALUATED,
    ]
    return ModelCard("---\n" + card_data(config).to_yaml() + "\n---\n\n" + "\n\n".join(sections) + "\n")


def write_model_card(path: Path, config: Any, request: Any, choices: dict[str, Any], curve: dict[str, Any]) -> None:
    """Write ``README.md`` next to the adapter: base model, data and filter statistics, config, training curve."""
    atomic_write_text(path, str(model_card(config, request, choices, curve)))


# --- the body as data: an ordered list of (heading, text) sections


def sections(card: ModelCard) -> list[tuple[str, str]]:
    """``card.text`` split at its ``## `` headings: ``[("", preamble), (heading, text), ...]``."""
    parts = re.split(r"^## (.+)$", card.text, flags=re.MULTILINE)
    found = [("", parts[0])]
    found += [(heading.strip(), text) for heading, text in zip(parts[1::2], parts[2::2])]
    return found


def set_section(card: ModelCard, heading: str, text: str) -> None:
    """Replace the body's ``## heading`` section with ``text`` (append it when the card has none)."""
    body = sections(card)
    entry = (heading, f"\n\n{text.strip()}\n\n")
    if any(name == heading for name, _ in body):
        body = [entry if name == heading else (name, old) for name, old in body]
    else:
        body.append(entry)
    card.text = body[0][1] + "".join(f"## {name}{text}" for name, text in body[1:])


def record_evaluation(card: ModelCard, evaluation: dict[str, Any]) -> None:
    """Put an evaluation into a card: ``model-index`` results in the metadata, every figure in the body."""
    data: Any = card.data  # a ModelCardData; huggingface_hub types it as the CardData base
    if not data.model_name:
        data.model_name = "sigil fine-tune"
    data.eval_results = eval_results(evaluation)
    set_section(card, "Evaluation", evaluation_section(evaluation))


def exported_card(card_path: Path, adapter_dir: Path, dtype: str, evaluation: dict[str, Any] | None) -> ModelCard:
    """An adapter's card as a merged model's: a transformers model now, with the run's latest evaluation."""
    card = ModelCard.load(card_path)
    card.data.library_name = "transformers"
    card.data.tags = [tag for tag in (card.data.tags or []) if tag not in ("qlora", "lora")] + ["merged"]
    if evaluation:
        record_evaluation(card, evaluation)
    set_section(card, "Export", f"Merged from `{adapter_dir}` in {dtype} by `sigil export`.")
    return card


def evaluation_section(evaluation: dict[str, Any]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in evaluation.items())


def _data_table(data: dict[str, Any]) -> str:
    rows = ["| split | records | code | instruct | chat | examples | chunked | dropped (too long) | rows | tokens | fill |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for split, stats in data.items():
        if not stats:
            continue
        rows.append(
            f"| {split} | {stats.get('records')} | {stats.get('code_records')} | {stats.get('instruct_records')} | "
            f"{stats.get('chat_records', 0)} | {stats.get('examples')} | {stats.get('chunked_records')} | "
            f"{stats.get('dropped_too_long')} | {stats.get('rows')} | {stats.get('tokens')} | {stats.get('fill')} |"
        )
    return "\n".join(rows)


def _curve(curve: dict[str, Any]) -> str:
    if not curve:
        return "No training steps were logged."
    lines = [f"- {key.replace('_', ' ')}: {value}" for key, value in curve.items() if key != "eval_losses"]
    for step, loss in curve.get("eval_losses", []):
        lines.append(f"- eval loss at step {step}: {loss:.4f}")
    return "\n".join(lines)
