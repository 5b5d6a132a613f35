"""Where records come from. :func:`read_source` turns one entry of ``dataset.names`` into records.

Accepted names (see docs/data.md):

========================  ===============================================================
``builtin:tiny-rust``     the small corpus bundled with sigil (``sigil/data/corpus/``)
``suite:NAME``            the reference programs of a registered problem suite (prompt + reference + tests)
``dir:PATH``              a tree of Rust sources/crates (``.gitignore`` honoured)
``local:PATH``            JSON Lines (or Parquet / a directory, by what PATH is)
``parquet:PATH``          a Parquet file
``hf:NAME`` / ``hub:NAME``  ``datasets.load_dataset(NAME)``: a hub name or a local dataset directory
``PATH``                  an existing file or directory, by extension; ``org/name`` otherwise means the hub
========================  ===============================================================

A source yields :class:`~sigil.data.records.Record` objects, and :class:`~sigil.data.records.Drop` objects
for inputs it had to skip (a non-UTF-8 file), so that the statistics count them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from sigil.data.config import DatasetConfig
from sigil.data.records import Drop, Record
from sigil.data.sources.directory import read_directory_source
from sigil.data.sources.hub import read_hub_source
from sigil.data.sources.jsonl import read_jsonl_source
from sigil.data.sources.parquet import read_parquet_source
from sigil.errors import DataError, SigilError
from sigil.pipeline.fingerprint import path_digest

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
BUILTIN_CORPORA = ("tiny-rust",)
_PATH_SUFFIXES = (".jsonl", ".json", ".ndjson", ".parquet")


def read_source(name: str, config: DatasetConfig) -> Iterator[Record | Drop]:
    """Records (and skipped inputs) of one source; unknown or missing sources are a one-line DataError."""
    prefix, sep, rest = name.partition(":")
    if sep and prefix == "builtin":
        if rest not in BUILTIN_CORPORA:
            raise DataError(f"{name}: unknown built-in corpus; known: {', '.join(BUILTIN_CORPORA)}")
        return read_directory_source(CORPUS_DIR / rest, config, name)
    if sep and prefix == "suite":
        return _read_suite_source(rest, name)
    if sep and prefix == "dir":
        return read_directory_source(_path(rest), config, name)
    if sep and prefix == "parquet":
        return read_parquet_source(_path(rest), config.columns, name)
    if sep and prefix == "local":
        return _read_path(_path(rest), config, name, must_exist=True)
    if sep and prefix in ("hf", "hub"):
        return read_hub_source(rest, config, name)
    return _read_path(_path(name), config, name, must_exist=_looks_like_path(name))


def _read_suite_source(suite_name: str, name: str) -> Iterator[Record | Drop]:
    """Each problem's whole reference program (what the suite validator checks passes), in suite order."""
    from sigil.functional.problems import assemble
    from sigil.functional.suite_lookup import resolve_suite

    try:
        suite = resolve_suite(suite_name)
    except SigilError as exc:
        raise DataError(f"{name}: {exc}") from None
    for problem in suite.problems:
        if problem.reference is None:
            yield Drop("suite problem without a reference")
            continue
        yield Record(content=assemble(problem, problem.reference), source=name, path=f"{suite_name}/{problem.name}.rs",
                     id=f"{name}/{problem.name}")


def _path(text: str) -> Path:
    if not text:
        raise DataError("a dataset source has an empty path")
    return Path(text).expanduser()


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~")) or name.endswith(_PATH_SUFFIXES) or name.count("/") > 1


def _read_path(path: Path, config: DatasetConfig, name: str, must_exist: bool) -> Iterator[Record | Drop]:
    if path.is_dir():
        return read_directory_source(path, config, name)
    if path.suffix == ".parquet":
        return read_parquet_source(path, config.columns, name)
    if path.exists() or must_exist:
        if not path.exists():
            raise DataError(f"{name}: {path}: no such file or directory")
        return read_jsonl_source(path, config.columns, name)
    return read_hub_source(name, config, name)


def source_fingerprint(name: str) -> str:
    """What the source's content depends on: for local files and trees (a local dataset directory given as
    ``hf:PATH`` too), a digest of every file's bytes; for hub datasets, the name (their revision is the datasets
    cache's business)."""
    prefix, sep, rest = name.partition(":")
    if sep and prefix == "builtin":
        path = CORPUS_DIR / rest
    elif sep and prefix in ("dir", "parquet", "local", "hf", "hub"):
        path = Path(rest).expanduser()
    elif sep and prefix == "suite":  # by content: a generated suite changes with the generator's code
        return _suite_fingerprint(rest, name)
    else:
        path = Path(name).expanduser()
    if not path.exists():
        return name
    return f"{name}:{path_digest(path)}"


def _suite_fingerprint(suite_name: str, name: str) -> str:
    from sigil.functional.problems import assemble
    from sigil.functional.suite_lookup import resolve_suite

    digest = hashlib.blake2b(digest_size=16)
    for problem in resolve_suite(suite_name).problems:
        digest.update(f"{problem.name}\0{assemble(problem, problem.reference or '')}\0".encode())
    return f"{name}:{digest.hexdigest()}"


def check_source(name: str) -> None:
    """Fail before any work when a local source does not exist (hub sources are checked when read)."""
    prefix, sep, rest = name.partition(":")
    if sep and prefix == "builtin":
        if rest not in BUILTIN_CORPORA:
            raise DataError(f"{name}: unknown built-in corpus; known: {', '.join(BUILTIN_CORPORA)}")
        return
    if sep and prefix == "suite":
        from sigil.functional.suite_lookup import resolve_suite

        try:
            resolve_suite(rest)
        except SigilError as exc:
            raise DataError(f"{name}: {exc}") from None
        return
    if sep and prefix in ("dir", "parquet", "local"):
        path = _path(rest)
    elif not sep and _looks_like_path(name):
        path = _path(name)
    else:
        return
    if not path.exists():
        raise DataError(f"{name}: {path}: no such file or directory")
