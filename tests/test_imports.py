"""Import rules (house style 16 and 17): the kernel imports nothing above it, plugins import only ``sigil``'s
public API, and no plugin imports another. Read from the source (every import, also inside functions and
``TYPE_CHECKING`` blocks), so a lazy import cannot hide a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sigil

ROOT = Path(__file__).resolve().parents[1]
#: The kernel: what every run needs, and nothing that knows a stage, section or plugin by name.
KERNEL = ("sigil.config", "sigil.pipeline", "sigil.plugins", "sigil.hookspecs", "sigil.io", "sigil.errors")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def in_kernel(module: str) -> bool:
    return any(module == kernel or module.startswith(kernel + ".") for kernel in KERNEL)


KERNEL_FILES = sorted(path for path in (ROOT / "sigil").rglob("*.py") if in_kernel(module_name(path)))
PLUGIN_FILES = sorted(ROOT.glob("plugins/*/sigil_*/**/*.py"))
PLUGIN_PACKAGES = sorted({path.relative_to(ROOT).parts[2] for path in PLUGIN_FILES})


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` for every import statement in the file; relative imports are resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    if path.parts[-3:-2] and path.relative_to(ROOT).parts[0] == "plugins":
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[2:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module, [alias.name for alias in node.names]))
    return found


def test_the_lists_are_not_empty():
    assert len(KERNEL_FILES) >= 10 and len(PLUGIN_FILES) >= 10
    assert set(PLUGIN_PACKAGES) >= {"sigil_train", "sigil_generate", "sigil_license_filter", "sigil_panic_scorer"}


@pytest.mark.parametrize("path", KERNEL_FILES, ids=[str(p.relative_to(ROOT)) for p in KERNEL_FILES])
def test_kernel_imports_nothing_above_it(path: Path):
    wrong = []
    for line, module, names in imports(path):
        if module == "sigil":  # the package itself: only its version and kernel modules
            wrong += [f"line {line}: from sigil import {name}" for name in names
                      if name != "__version__" and not in_kernel(f"sigil.{name}")]
        elif module.startswith("sigil.") and not in_kernel(module):
            wrong.append(f"line {line}: {module}")
        elif module.startswith("sigil_"):
            wrong.append(f"line {line}: {module} (a plugin)")
    assert not wrong, f"{path.relative_to(ROOT)} imports above the kernel: {'; '.join(wrong)}"


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=[str(p.relative_to(ROOT)) for p in PLUGIN_FILES])
def test_plugins_import_only_the_public_api_and_not_each_other(path: Path):
    own = path.relative_to(ROOT).parts[2]
    wrong = []
    for line, module, names in imports(path):
        if module.startswith("sigil."):
            wrong.append(f"line {line}: {module} (import from `sigil` itself)")
        elif module == "sigil":
            wrong += [f"line {line}: sigil.{name} is not public" for name in names if name not in sigil.__all__]
        elif module.split(".")[0] in PLUGIN_PACKAGES and module.split(".")[0] != own:
            wrong.append(f"line {line}: {module} (another plugin)")
    assert not wrong, f"{path.relative_to(ROOT)}: {'; '.join(wrong)}"


def test_every_public_name_resolves():
    for name in sigil.__all__:
        assert getattr(sigil, name) is not None, name


def test_all_lists_every_export():
    assert set(sigil.__all__) == {"Register", "__version__", "hookimpl", *sigil._EXPORTS}


def test_importing_the_api_stays_cheap():
    """``import sigil`` (every CLI start) loads the names lazily: no evaluator, data or evaluation modules."""
    import subprocess
    import sys

    code = "import sys, sigil; print(sorted(m for m in sys.modules if m.startswith(('sigil.', 'torch', 'datasets'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert eval(loaded) == ["sigil.hookspecs"]
