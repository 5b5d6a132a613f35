import json
from pathlib import Path

import pytest

from sigil import hookimpl

GOOD = '''/// Adds two numbers.
fn add(a: i32, b: i32) -> i32 {
    a + b
}

fn main() {
    println!("{}", add(1, 2));
}
'''
TYPE_ERROR = 'fn main() {\n    let x: i32 = "s";\n    println!("{}", x);\n}\n'
CLIPPY_DIRTY = 'fn main() {\n    let v = vec![1, 2, 3];\n    for i in 0..v.len() {\n        println!("{}", v[i]);\n    }\n}\n'
TOO_SHORT = "fn main(){}"


@pytest.fixture
def samples_file(tmp_path: Path) -> Path:
    path = tmp_path / "samples.jsonl"
    rows = [
        {"prompt": "add", "gen": f"Here you go:\n```rust\n{GOOD}```\n"},
        {"prompt": "bad", "gen": TYPE_ERROR},
        {"prompt": "loop", "gen": CLIPPY_DIRTY},
        {"prompt": "short", "gen": TOO_SHORT},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.fixture
def line_scorer(plugin):
    """A scorer registered in code (as a test or a notebook would), not through an installed plugin: ``lines``."""

    class LineCount:
        def score(self, batch):
            return [{"lines": float(len(source.splitlines()))} for source in batch.sources]

    class Plugin:
        @hookimpl
        def register_scorers(self, register):
            register("lines", LineCount())

    plugin(Plugin(), name="line-scorer")
    return "lines"
