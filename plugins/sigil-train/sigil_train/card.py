"""Model cards in the Hugging Face format (YAML front matter + Markdown) for adapters and exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sigil.io import atomic_write_text


def write_model_card(path: Path, config: Any, request: Any, choices: dict[str, Any], curve: dict[str, Any],
                     evaluation: dict[str, Any] | None = None) -> None:
    """Write ``README.md``: base model, data and filter statistics, config, training curve, evaluation."""
    train = config.train
    front = {
        "base_model": config.model_name,
        "library_name": "peft" if train.adapter in ("qlora", "lora") else "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["sigil", "rust", "sft", train.adapter],
    }
    data = choices.get("data", {})
    sections = [
        f"# {config.model_name} — sigil {train.adapter} fine-tune" + (f" (phase {request.phase})" if request.phase else ""),
        "Trained with [sigil](https://github.com/sigil) to write Rust that compiles, passes clippy and reads "
        "idiomatically.",
        "## Base model\n\n" + f"- name: `{config.model_name}`\n- loaded from: `{choices.get('base_model_path')}`\n"
        f"- adapter: `{train.adapter}`; attention: `{choices.get('attn_implementation')}`; "
        f"dtype: `{choices.get('dtype')}`\n- warm start: `{config.train.load_from or 'none'}`",
        "## Data\n\n" + _data_table(data) + f"\n\nTraining file: `{request.train_path}`",
        "## Configuration\n\n```yaml\n" + yaml.safe_dump(
            {key: getattr(config, key).model_dump(mode="json") for key in ("train", "lora", "bnb_4bit")}
            | {"model_name": config.model_name, "dataset": config.dataset.model_dump(mode="json")},
            sort_keys=False,
        ) + "```",
        "## Training curve\n\n" + _curve(curve),
        "## Evaluation\n\n" + (evaluation_section(evaluation) if evaluation else NOT_EVALUATED),
    ]
    text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + "\n\n".join(sections) + "\n"
    atomic_write_text(path, text)


def _data_table(data: dict[str, Any]) -> str:
    rows = ["| split | records | code | instruct | examples | chunked | dropped (too long) | rows | tokens | fill |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for split, stats in data.items():
        if not stats:
            continue
        rows.append(
            f"| {split} | {stats.get('records')} | {stats.get('code_records')} | {stats.get('instruct_records')} | "
            f"{stats.get('examples')} | {stats.get('chunked_records')} | {stats.get('dropped_too_long')} | "
            f"{stats.get('rows')} | {stats.get('tokens')} | {stats.get('fill')} |"
        )
    return "\n".join(rows)


def _curve(curve: dict[str, Any]) -> str:
    if not curve:
        return "No training steps were logged."
    lines = [f"- {key.replace('_', ' ')}: {value}" for key, value in curve.items() if key != "eval_losses"]
    for step, loss in curve.get("eval_losses", []):
        lines.append(f"- eval loss at step {step}: {loss:.4f}")
    return "\n".join(lines)


#: What a card says before any evaluation; `sigil export` replaces it with the run's latest evaluation.
NOT_EVALUATED = "Not evaluated yet: run the evaluate stage."


def evaluation_section(evaluation: dict[str, Any]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in evaluation.items())
