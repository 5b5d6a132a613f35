"""Named components supplied by plugins, with a record of which plugin supplied each one."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sigil.errors import PluginError, SigilError


@dataclass(frozen=True)
class Entry:
    """One registered component."""

    name: str
    component: Any
    plugin: str
    #: The config sections or dotted keys the component reads (part of the fingerprint of stages using it).
    reads: tuple[str, ...] = ()


class Registry:
    """An ordered name → component map for one kind of component ("filter", "stage", ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def add(self, name: str, component: Any, plugin: str, reads: Sequence[str] = ()) -> None:
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

    def get(self, name: str) -> Any:
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

    def entry(self, name: str) -> Entry:
        self.get(name)
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)
