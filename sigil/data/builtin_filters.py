"""Built-in plugin: the data filters every sigil install has, registered through the public hook.

Order matters and is the registration order: path-based filters first (cheap, and they explain most drops in
a crate tree), then test stripping (which rewrites content and analyses what is left), generated code and
bindings, length (measured after stripping), content markers, documentation; the corpus-scope filters
(duplicates, per-crate cap, idiomatic share) run last, over every source.
Each factory returns ``None`` when the config turns its filter off.
"""

from __future__ import annotations

from sigil.config import PipelineConfig
from sigil.data.checks.crate_cap import CrateCapFilter
from sigil.data.checks.duplicates import DuplicatesFilter
from sigil.data.checks.generated import GeneratedFilter
from sigil.data.checks.length import LengthFilter
from sigil.data.checks.low_quality import LowQualityFilter
from sigil.data.checks.paths import DirectoryFilter, VendorFilter
from sigil.data.checks.scored import DocumentedFilter, IdiomaticFilter, native_scorer
from sigil.data.checks.tests import TestsFilter
from sigil.data.filters import Filter
from sigil.data.rust import native
from sigil.hookspecs import Register, hookimpl


def vendor(config: PipelineConfig) -> Filter | None:
    return VendorFilter() if config.dataset.exclude_vendor else None


def tests(config: PipelineConfig) -> Filter | None:
    dataset = config.dataset
    if not (dataset.exclude_tests or dataset.strip_test_modules):
        return None
    native()  # fail before any work when the analysis is missing
    return TestsFilter(drop=dataset.exclude_tests, strip=dataset.strip_test_modules)


def generated(config: PipelineConfig) -> Filter | None:
    return GeneratedFilter() if config.dataset.exclude_generated else None


def examples(config: PipelineConfig) -> Filter | None:
    if not config.dataset.exclude_examples:
        return None
    return DirectoryFilter("examples", frozenset({"examples"}), "examples path")


def benches(config: PipelineConfig) -> Filter | None:
    if not config.dataset.exclude_benches:
        return None
    return DirectoryFilter("benches", frozenset({"benches"}), "benches path")


def length(config: PipelineConfig) -> Filter | None:
    dataset = config.dataset
    return LengthFilter(dataset.min_length, dataset.max_length, split=dataset.split_long_files)


def low_quality(config: PipelineConfig) -> Filter | None:
    dataset = config.dataset
    if not dataset.exclude_low_quality or not dataset.low_quality_markers:
        return None
    return LowQualityFilter(markers=tuple(dataset.low_quality_markers))


def documented(config: PipelineConfig) -> Filter | None:
    if not config.dataset.prefer_documented:
        return None
    native_scorer()  # fail before any work when the scorer is missing
    return DocumentedFilter(min_ratio=config.dataset.min_documented_ratio, weights=config.eval.idiomatic_weights)


def duplicates(config: PipelineConfig) -> Filter | None:
    if config.dataset.dedup == "none":
        return None
    return DuplicatesFilter(mode=config.dataset.dedup, threshold=config.dataset.near_dup_threshold)


def crate_cap(config: PipelineConfig) -> Filter | None:
    share = config.dataset.max_crate_share
    return None if share is None else CrateCapFilter(max_share=share)


def idiomatic(config: PipelineConfig) -> Filter | None:
    dataset = config.dataset
    if dataset.min_idiomatic_score <= 0 and not dataset.prefer_idiomatic:
        return None
    native_scorer()
    return IdiomaticFilter(
        min_score=dataset.min_idiomatic_score,
        prefer=dataset.prefer_idiomatic,
        ratio=dataset.idiomatic_quality_ratio,
        threshold=dataset.idiomatic_threshold,
        threads=dataset.workers,
        weights=config.eval.idiomatic_weights,
    )


@hookimpl(tryfirst=True)
def register_filters(register: Register) -> None:
    """The built-in filters, in the order they run."""
    register("vendor", vendor, reads=("dataset",))
    register("tests", tests, reads=("dataset",))
    register("examples", examples, reads=("dataset",))
    register("benches", benches, reads=("dataset",))
    register("generated", generated, reads=("dataset",))
    register("length", length, reads=("dataset",))
    register("low_quality", low_quality, reads=("dataset",))
    register("documented", documented, reads=("dataset", "eval.idiomatic_weights"))
    register("duplicates", duplicates, reads=("dataset",))
    register("crate_cap", crate_cap, reads=("dataset",))
    register("idiomatic", idiomatic, reads=("dataset", "eval.idiomatic_weights"))
