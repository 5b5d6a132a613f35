"""A stage's fingerprint: a hash of exactly what its result depends on, and nothing else.

It covers the stage type and version, its options, the config keys its own code reads (``config_keys``), the
keys read by every component it uses (``uses`` → each component's registered ``reads``), the content of every
local file or directory named by a key marked :class:`~sigil.config.section.InputPath`, and the fingerprints of
earlier stages. Keys marked :class:`~sigil.config.section.NotFingerprinted` (where results go, not what they
are) are left out. The runner skips a stage whose fingerprint is unchanged, so anything a stage reads that is
missing here is a stale result waiting to happen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import to_jsonable_python

from sigil.config.section import InputPath, NotFingerprinted
from sigil.errors import ConfigError

#: Bump when the way fingerprints are computed changes (every stage re-runs once).
SCHEME = "2"


def component_reads(uses: Mapping[str, Iterable[str]], registry: Any) -> list[str]:
    """The config keys read by the components a stage uses: ``uses`` maps a component kind (``"filters"``) to
    the names it will use; ``registry(kind)`` gives each one's registered ``reads``. Unknown names add nothing:
    the stage's own ``check`` reports them."""
    keys: list[str] = []
    for kind, names in uses.items():
        components = registry(kind)
        for name in names:
            if name in components:
                keys.extend(components.entry(name).reads)
    return keys


def config_payload(config: BaseModel, keys: Iterable[str], stage_type: str) -> dict[str, Any]:
    """``{key: value}`` for each key read, values without ``NotFingerprinted`` keys and with input contents."""
    return {key: fingerprint_data(config_value(config, key, stage_type)) for key in sorted(set(keys))}


def config_value(config: BaseModel, key: str, stage_type: str) -> Any:
    """The value at a (dotted) config key, e.g. ``dataset`` or ``eval.idiomatic_weights``."""
    value: Any = config
    for part in key.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
            continue
        fields = type(value).model_fields if isinstance(value, BaseModel) else {}
        if part not in fields:
            raise ConfigError(f"stage type {stage_type!r} depends on unknown config key {key!r}")
        value = _field_view(getattr(value, part), fields[part])
    return value


def fingerprint_data(value: Any) -> Any:
    """JSON data for the fingerprint: models field by field (skipping ``NotFingerprinted`` fields, adding the
    content digest of ``InputPath`` fields), everything else as pydantic would serialise it."""
    if isinstance(value, _WithContent):
        return {"value": fingerprint_data(value.value), "content": value.digests}
    if isinstance(value, BaseModel):
        return {
            name: fingerprint_data(_field_view(getattr(value, name), field))
            for name, field in type(value).model_fields.items()
            if not _marked(field, NotFingerprinted)
        }
    if isinstance(value, dict):
        return {str(key): fingerprint_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [fingerprint_data(item) for item in value]
    return to_jsonable_python(value)


def digest(payload: Any) -> str:
    """The short hash the manifest records."""
    text = json.dumps({"scheme": SCHEME, **payload}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def path_digest(path: Path) -> str:
    """A digest of a file's bytes, or of every file under a directory (relative paths and bytes)."""
    hasher = hashlib.blake2b(digest_size=16)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        hasher.update(str(file.relative_to(path) if file != path else "").encode("utf-8", "surrogateescape") + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
        hasher.update(b"\0")
    return hasher.hexdigest()


class _WithContent:
    """An ``InputPath`` value together with the digests of the local paths it names."""

    def __init__(self, value: Any) -> None:
        self.value = value
        names = value if isinstance(value, list | tuple) else [value]
        self.digests = {
            name: path_digest(Path(name).expanduser())
            for name in names
            if isinstance(name, str) and name and Path(name).expanduser().exists()
        }


def _field_view(value: Any, field: FieldInfo) -> Any:
    return _WithContent(value) if _marked(field, InputPath) else value


def _marked(field: FieldInfo, marker: type) -> bool:
    return any(isinstance(item, marker) for item in field.metadata)


