"""The one module that talks to pluggy: the plugin manager, built-in plugins, entry points, and the registries
of named components they supply (``Registry``).

Environment variables:

- ``SIGIL_LOAD_PLUGINS``: comma-separated entry-point names of the third-party plugins to load (empty: none).
  Unset: every installed plugin of entry-point group ``sigil`` is loaded. Built-ins always load.
- ``SIGIL_TRACE_HOOKS``: when set to a non-empty value, every hook call is printed to stderr.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast, overload

import pluggy

from sigil import __version__, hookspecs
from sigil.errors import PluginError, SigilError

ENTRY_POINT_GROUP = "sigil"

#: Built-in plugins, registered through the same hooks as third-party ones. Order is registration order.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "sigil.data.builtin_filters",
    "sigil.data.stage",
    "sigil.evaluation.builtin_scorers",
    "sigil.functional.builtin_suites",
    "sigil.tasks.builtin",
    "sigil.evaluation.stage",
    "sigil.report.stage",
    "sigil.gate",
    "sigil.observe.metrics_jsonl",
    "sigil.observe.tensorboard",
    "sigil.observe.run_log",
    "sigil.cli.run",
    "sigil.cli.config_show",
    "sigil.cli.plugins_list",
    "sigil.cli.eval",
    "sigil.cli.report",
    "sigil.cli.sweep",
    "sigil.cli.suites",
)

#: Component kinds: the registry called ``kind`` is filled by the hook ``register_<kind>``.
COMPONENT_KINDS: tuple[str, ...] = (
    "config_sections",
    "filters",
    "scorers",
    "trainers",
    "generators",
    "suites",
    "stages",
)

# --------------------------------------------------------------------------------------------------------------
# Registries: named components and the plugin that supplied each
# --------------------------------------------------------------------------------------------------------------


T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered component."""

    name: str
    component: T
    plugin: str
    #: The config sections or dotted keys the component reads (part of the fingerprint of stages using it).
    reads: tuple[str, ...] = ()


class Kind(Generic[T]):
    """A component kind and the type its components follow: ``registry(TRAINERS).get(name)`` is a ``Trainer``.

    Each kind is declared beside its protocol (``TRAINERS`` in :mod:`sigil.training`, ``SCORERS`` in
    :mod:`sigil.evaluation.scorers`, ...), so the kernel names no component type. The type is what the hook's
    documentation promises; pluggy cannot check what a plugin registers, so a component that breaks its
    protocol fails where it is used, naming the plugin that supplied it where the caller checks.
    """

    def __init__(self, name: str) -> None:
        if name not in COMPONENT_KINDS:
            raise ValueError(f"unknown component kind {name!r}; known: {', '.join(COMPONENT_KINDS)}")
        self.name = name

    def __repr__(self) -> str:
        return f"Kind({self.name!r})"


class Registry(Generic[T]):
    """An ordered name → component map for one kind of component ("filter", "stage", ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}

    def add(self, name: str, component: T, plugin: str, reads: Sequence[str] = ()) -> None:
        """Add a component; a name that is already taken is an error naming both plugins."""
        if not isinstance(name, str) or not name:
            raise PluginError(f"plugin {plugin!r} registered a {self.kind} without a name")
        if isinstance(reads, str) or not all(isinstance(key, str) and key for key in reads):
            raise PluginError(
                f"plugin {plugin!r} registered {self.kind} {name!r} with reads={reads!r}; "
                "expected a tuple of config section names or dotted keys, e.g. reads=('license',)"
            )
        if name in self._entries:
            first = self._entries[name].plugin
            raise PluginError(
                f"{self.kind} {name!r} is registered twice: by plugin {first!r} and by plugin {plugin!r}"
            )
        self._entries[name] = Entry(name, component, plugin, tuple(reads))

    def get(self, name: str) -> T:
        """The component called ``name``; an unknown name is an error listing close matches."""
        try:
            return self._entries[name].component
        except KeyError:
            raise SigilError(self.unknown_message(name)) from None

    def unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(name, self._entries, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        known = ", ".join(self._entries) or "none"
        return f"unknown {self.kind} {name!r}{hint}; known: {known}"

    def entry(self, name: str) -> Entry[T]:
        self.get(name)
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Entry[T]]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)


pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
pm.add_hookspecs(hookspecs)


@dataclass
class PluginInfo:
    """What ``sigil plugins`` shows about one plugin."""

    name: str
    distribution: str | None
    version: str | None
    builtin: bool
    components: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _LoadState:
    loaded: bool = False
    distributions: dict[str, tuple[str, str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


_state = _LoadState()


def load_plugins() -> None:
    """Register the built-in plugins and the installed third-party ones. Safe to call many times."""
    if _state.loaded:
        return
    _state.loaded = True
    for module_name in BUILTIN_PLUGINS:
        if pm.get_plugin(module_name) is None:
            pm.register(importlib.import_module(module_name), name=module_name)
    _load_entry_points()
    if os.environ.get("SIGIL_TRACE_HOOKS"):
        pm.trace.root.setwriter(lambda message: sys.stderr.write(message))
        pm.enable_tracing()


def _load_entry_points() -> None:
    allow = _allow_list()
    seen: set[str] = set()
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if allow is not None and entry_point.name not in allow:
            continue
        seen.add(entry_point.name)
        if pm.get_plugin(entry_point.name) is not None:
            continue
        distribution = entry_point.dist.name if entry_point.dist else None
        try:
            module = entry_point.load()
            pm.register(module, name=entry_point.name)
            pm.check_pending()
        except Exception as exc:  # a broken plugin must not stop sigil
            if pm.get_plugin(entry_point.name) is not None:
                pm.unregister(name=entry_point.name)
            _report_failure(f"plugin {entry_point.name!r} ({distribution}) skipped: {type(exc).__name__}: {exc}")
            continue
        if entry_point.dist is not None:
            _state.distributions[entry_point.name] = (entry_point.dist.name, entry_point.dist.version)
    for missing in sorted((allow or set()) - seen):
        _report_failure(f"SIGIL_LOAD_PLUGINS names {missing!r}, but no installed plugin has that name")


def _allow_list() -> set[str] | None:
    value = os.environ.get("SIGIL_LOAD_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _report_failure(message: str) -> None:
    first_line = message.splitlines()[0] if message else message
    _state.failures.append(first_line)
    sys.stderr.write(f"sigil: warning: {first_line}\n")


def unloaded_plugins() -> list[str]:
    """Installed plugins (entry points of group ``sigil``) that ``SIGIL_LOAD_PLUGINS`` left out."""
    allow = _allow_list()
    if allow is None:
        return []
    return sorted({ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)} - allow)


def plugin_load_failures() -> list[str]:
    """One line for each third-party plugin that failed to load and was skipped."""
    return list(_state.failures)


@overload
def registry(kind: Kind[T]) -> Registry[T]: ...


@overload
def registry(kind: str) -> Registry[object]: ...


def registry(kind: Kind[T] | str) -> Registry[T] | Registry[object]:
    """Collect one kind of component from every plugin, recording which plugin supplied each.

    Pass the typed kind (``registry(SCORERS)``) to get components of its protocol's type; a kind named by a
    string (what a stage's ``uses`` returns) gives plain objects, enough for names and ``reads``.

    Each plugin's ``register_<kind>`` implementation is called on its own (in pluggy's call order) so that
    the registry knows whom each component came from and can name both plugins on a duplicate.
    """
    name = kind.name if isinstance(kind, Kind) else kind
    if name not in COMPONENT_KINDS:
        raise ValueError(f"unknown component kind {name!r}")
    load_plugins()
    result: Registry[object] = Registry(name.removesuffix("s").replace("_", " "))
    hook_name = f"register_{name}"
    hook_impls = getattr(pm.hook, hook_name).get_hookimpls()
    plugins = [impl.plugin for impl in hook_impls]
    for impl in reversed(hook_impls):  # pluggy calls the last-registered first, tryfirst/trylast respected
        others = [plugin for plugin in plugins if plugin is not impl.plugin]
        caller = pm.subset_hook_caller(hook_name, remove_plugins=others)

        def register(name: str, component: object, *, reads: Sequence[str] = (), _plugin: str = impl.plugin_name) -> None:
            result.add(name, component, _plugin, reads)

        caller(register=register)
    # The one place a component's type is taken on trust: the hook's documented contract (see Kind).
    return cast("Registry[T]", result) if isinstance(kind, Kind) else result


def hook() -> pluggy.HookRelay:
    """The hook relay (``hook().on_metrics(...)``), with plugins loaded. Always call hooks with keywords."""
    load_plugins()
    return pm.hook


def plugin_infos() -> list[PluginInfo]:
    """Every registered plugin with its distribution, version and the components it provides."""
    load_plugins()
    infos: dict[str, PluginInfo] = {}
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        builtin = name in BUILTIN_PLUGINS
        dist, version = _state.distributions.get(name, ("sigil", __version__) if builtin else (None, None))
        infos[name] = PluginInfo(name=name, distribution=dist, version=version, builtin=builtin)
    for kind in COMPONENT_KINDS:
        for entry in registry(kind):
            infos[entry.plugin].components.setdefault(kind, []).append(entry.name)
    return list(infos.values())


def register_plugin(plugin: object, name: str | None = None) -> str:
    """Register a plugin object (module, class or instance) at run time, e.g. from a test or a notebook."""
    load_plugins()
    registered = pm.register(plugin, name=name)
    if registered is None:
        raise PluginError(f"plugin {name or plugin!r} is already registered")
    pm.check_pending()
    return registered


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered with :func:`register_plugin`."""
    pm.unregister(name=name)

