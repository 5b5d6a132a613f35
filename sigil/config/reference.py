"""The config reference (docs/config.md) rendered from the schema, so docs and validation never disagree."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sigil.config.loader import model_in_annotation


def render_reference(model: type[BaseModel]) -> str:
    """Markdown: one table per section, one row per key with its type, default and description."""
    lines = [
        "# Config reference",
        "",
        "Generated from the schema by `sigil config reference` (with every built-in plugin installed); do not",
        "edit by hand. Every key is validated: an unknown key is an error naming the file and the key path.",
        "",
        "## Top level",
        "",
        *_table(model, prefix=""),
    ]
    for name, field in model.model_fields.items():
        section = model_in_annotation(field.annotation)
        if section is not None:
            key = f"{name}[]" if name == "stages" else name
            lines += ["", f"## `{key}`", "", *(_doc(section)), *_table(section, prefix=f"{key}.")]
    return "\n".join(lines) + "\n"


def _doc(model: type[BaseModel]) -> list[str]:
    doc = (model.__doc__ or "").strip()
    return [doc, ""] if doc else []


def _table(model: type[BaseModel], prefix: str) -> list[str]:
    rows = ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        nested = model_in_annotation(field.annotation)
        if prefix == "" and nested is not None and name != "stages":
            continue  # sections get their own table
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{prefix}{name}` | {_type_name(field.annotation)} | {_default(field)} | {description} |")
        if nested is not None and prefix:
            rows += _table(nested, prefix=f"{prefix}{name}.")[2:]
    return rows


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    text = text or str(annotation).replace("typing.", "")
    return text.replace("|", "\\|")


def _default(field: Any) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif field.default_factory is not None:
        value = field.default_factory()
    else:
        return "required"
    if isinstance(value, BaseModel):
        return "(section)"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return "`" + json.dumps([item.model_dump(exclude_defaults=True) for item in value]) + "`"
    return "`" + json.dumps(value) + "`"
