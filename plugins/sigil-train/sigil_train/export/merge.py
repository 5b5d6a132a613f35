"""Merge a LoRA adapter into its base model and save a standalone model with its model card.

An adapter trained with QLoRA learned against 4-bit weights; merging it into the 4-bit weights would
re-quantise the sum and lose most of the update, so sigil always merges into the base loaded in bf16
(or fp32) and says so: the merged model differs slightly from the quantised model the adapter saw.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sigil import PROMPT_FORMAT_FILE, SigilError
from sigil_train.card import exported_card
from sigil_train.model.load import SIGIL_META

QLORA_WARNING = (
    "warning: this adapter was trained with QLoRA against 4-bit weights; it is merged into the base loaded in "
    "{dtype}, not into 4-bit weights (merging into 4-bit would re-quantise and lose the update). Expect small "
    "differences from the quantised model used in training."
)


def find_adapter(path: Path, stage: str | None) -> Path:
    """An adapter directory, or the ``adapter`` artifact of a run directory's last (or named) sft stage."""
    if (path / "adapter_config.json").exists() or (path / SIGIL_META).exists():
        return path
    stages = path / "stages"
    if not stages.is_dir():
        raise SigilError(f"{path}: neither an adapter directory nor a run directory")
    manifest = json.loads((path / "manifest.json").read_text()) if (path / "manifest.json").exists() else {}
    names = [name for name, record in manifest.get("stages", {}).items() if record.get("type") in ("sft", "rsft")
             and record.get("status") == "completed"]
    if stage is not None:
        names = [name for name in names if name == stage]
    if not names:
        raise SigilError(f"{path}: no completed sft/rsft stage{f' named {stage!r}' if stage else ''} to export")
    adapter = stages / names[-1] / "adapter"
    if not adapter.is_dir():
        raise SigilError(f"{adapter}: missing (was the stage directory removed?)")
    return adapter


#: Evaluation metrics copied into an exported model card (the targets users steer by, then the rest of note).
CARD_METRICS = ("compile_rate", "compile_rate_filtered", "avg_clippy_warnings", "clippy_samples", "avg_idiomatic_score",
                "doc_comment_rate", "avg_doc_comments", "pass_at_k", "total_samples", "isolation", "toolchain")


def latest_evaluation(run_dir: Path, adapter_dir: Path) -> dict[str, Any] | None:
    """The metrics of the last completed evaluate stage that ran after the stage that wrote ``adapter_dir``."""
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.exists():
        return None
    stages = list(json.loads(manifest_path.read_text()).get("stages", {}).items())
    names = [name for name, _ in stages]
    trained = adapter_dir.parent.name
    later = stages[names.index(trained) + 1:] if trained in names else []
    evaluated = [record for _, record in later if record.get("type") == "evaluate" and record.get("status") == "completed"]
    if not evaluated:
        return None
    metrics = evaluated[-1].get("metrics", {})
    return {key: metrics[key] for key in CARD_METRICS if key in metrics}


def export_merged(adapter_dir: Path, out_dir: Path, dtype: str, warn: Any,
                  evaluation: dict[str, Any] | None = None) -> Path:
    """Merge ``adapter_dir`` into its base and write the model, tokenizer and card to ``out_dir`` atomically;
    ``evaluation`` (the run's latest evaluation of this adapter) fills the card's evaluation section."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    meta = json.loads((adapter_dir / SIGIL_META).read_text()) if (adapter_dir / SIGIL_META).exists() else {}
    if out_dir.exists():
        raise SigilError(f"{out_dir}: already exists; choose a new directory")
    torch_dtype = getattr(torch, dtype)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent if out_dir.parent.exists() else None))
    try:
        if meta.get("adapter") == "full" or not (adapter_dir / "adapter_config.json").exists():
            model = AutoModelForCausalLM.from_pretrained(adapter_dir, dtype=torch_dtype)
        else:
            if meta.get("adapter") == "qlora":
                warn(QLORA_WARNING.format(dtype=dtype))
            adapter_config = json.loads((adapter_dir / "adapter_config.json").read_text())
            base = meta.get("base_model_path") or adapter_config.get("base_model_name_or_path")
            if not base:
                raise SigilError(f"{adapter_dir}: the adapter does not say which base model it belongs to")
            model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
            model = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
        model.save_pretrained(staging)
        AutoTokenizer.from_pretrained(adapter_dir).save_pretrained(staging)
        card = adapter_dir / "README.md"
        if card.exists():
            (staging / "README.md").write_text(str(exported_card(card, adapter_dir, dtype, evaluation)))
        if (adapter_dir / PROMPT_FORMAT_FILE).exists():  # the exported model is prompted as it was trained
            shutil.copy2(adapter_dir / PROMPT_FORMAT_FILE, staging / PROMPT_FORMAT_FILE)
        (staging / SIGIL_META).write_text(json.dumps({**meta, "merged_from": str(adapter_dir), "dtype": dtype}) + "\n")
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out_dir))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir
