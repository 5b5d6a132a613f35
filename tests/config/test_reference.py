"""docs/config.md is generated from the schema: it documents every key that validation accepts."""

import os
import subprocess
import sys
from pathlib import Path

from sigil.config import CoreConfig
from sigil.config.loader import model_in_annotation
from sigil.config.reference import render_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def key_paths(model, prefix=""):
    for name, field in model.model_fields.items():
        yield f"{prefix}{name}"
        nested = model_in_annotation(field.annotation)
        if nested is not None:
            yield from key_paths(nested, f"{prefix}{name}[]." if name == "stages" else f"{prefix}{name}.")


def test_every_core_key_is_in_the_rendered_reference():
    text = render_reference(CoreConfig)
    for path in key_paths(CoreConfig):
        if path not in {"dataset", "misc", "dataset.columns"}:
            assert f"`{path}`" in text, path


def test_committed_docs_match_the_schema_with_all_installed_plugins():
    environment = {k: v for k, v in os.environ.items() if k != "SIGIL_LOAD_PLUGINS"}
    result = subprocess.run(
        [sys.executable, "-m", "sigil.cli", "config", "reference"], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    assert DOCS.read_text() == result.stdout, "docs/config.md is stale: run `sigil config reference > docs/config.md`"
