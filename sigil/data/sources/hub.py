"""Hugging Face datasets through ``datasets.load_dataset``: streamed, or downloaded once and cached.

``datasets`` is optional (``pip install 'sigil[hub]'``) and imported only when a hub source is read. The same
code path loads hub names (``bigcode/the-stack-smol``) and local dataset directories (``hf:./my-dataset``,
whose data files ``load_dataset`` recognises by extension).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sigil.data.config import DatasetConfig
from sigil.data.records import Drop, Record
from sigil.data.sources.columns import row_to_record
from sigil.errors import DataError


def load_arguments(config: DatasetConfig) -> dict[str, Any]:
    """Keyword arguments for ``load_dataset``: split, streaming, cache directory and download mode."""
    arguments: dict[str, Any] = {"split": config.split, "streaming": config.streaming}
    if config.cache_dir is not None:
        arguments["cache_dir"] = str(Path(config.cache_dir).expanduser())
    if not config.use_cache and not config.streaming:
        arguments["download_mode"] = "force_redownload"
    return arguments


def read_hub_source(dataset: str, config: DatasetConfig, source: str) -> Iterator[Record | Drop]:
    """Yield one record per row of ``dataset`` (a hub name or a local dataset directory)."""
    try:
        import datasets
    except ImportError:
        raise DataError(f"{source}: hub datasets need the `datasets` package: pip install 'sigil[hub]'") from None
    try:
        rows = datasets.load_dataset(dataset, **load_arguments(config))
    except Exception as exc:  # hub, network and builder errors all become one line naming the source
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise DataError(f"{source}: cannot load dataset {dataset!r}: {type(exc).__name__}: {message}") from None
    for number, row in enumerate(rows, start=1):
        yield row_to_record(row, config.columns, source, f"{source} ({config.split}) row {number}")
