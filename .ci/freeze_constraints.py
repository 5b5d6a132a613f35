"""Print constraints.txt: the exact version of every package sigil, its plugins and test tools pull in.

Run by `make constraints` in a .venv where `make test` just passed; `make install` installs with these pins,
so a fresh machine gets the versions CI last passed with. The project's own distributions are left out
(they install from this tree), and so is anything only the interpreter happened to have.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

#: Installer tools: the venv's own pip/setuptools build the project; pinning them would fight the venv module.
INSTALLERS = {"pip", "setuptools", "wheel", "distribute"}


def own_distributions() -> dict[str, set[str]]:
    """The project's distributions (root, evaluator, plugins) → the extras `make` installs with them."""
    names = {"sigil": {"test"}, "sigil-evaluator": set()}
    for pyproject in (ROOT / "plugins").glob("*/pyproject.toml"):
        match = re.search(r'^name\s*=\s*"([^"]+)"', pyproject.read_text(), re.MULTILINE)
        if match:
            names[match.group(1)] = set()
    return names


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(roots: dict[str, set[str]]) -> dict[str, str]:
    """Every installed distribution reachable from ``roots`` through requirements whose markers hold."""
    pins: dict[str, str] = {}
    todo = [(name, extras) for name, extras in roots.items()]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        key = (canonical(name), frozenset(extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            sys.exit(f"freeze_constraints: {name} is required but not installed; run `make install-test` first")
        pins[canonical(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                todo.append((requirement.name, set(requirement.extras)))
    return pins


def main() -> None:
    roots = own_distributions()
    own = {canonical(name) for name in roots}
    pins = closure(roots)
    print("# The versions CI last passed with (`make constraints` after a green `make test`); `make install` uses them.")
    for name in sorted(pins):
        if name not in own and name not in INSTALLERS:
            print(f"{name}=={pins[name].split('+')[0]}")


if __name__ == "__main__":
    main()
