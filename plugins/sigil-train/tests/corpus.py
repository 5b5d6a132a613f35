"""Generated Rust training data in the data stage's JSONL format (deterministic, no downloads)."""

from __future__ import annotations

import json
import random
from pathlib import Path

NAMES = ["parse", "render", "count", "merge", "split", "score", "encode", "decode", "walk", "fold"]
TYPES = ["u32", "u64", "i64", "usize", "f64", "String", "Vec<u8>"]


def rust_function(rng: random.Random, index: int) -> str:
    name = f"{rng.choice(NAMES)}_{index}"
    ty = rng.choice(TYPES)
    body = "\n".join(
        f"    let v{i} = input.len() as u64 * {rng.randint(1, 99)} + {i};" for i in range(rng.randint(1, 6))
    )
    return (
        f"/// {name.replace('_', ' ')} the input.\n"
        f"pub fn {name}(input: &[{ty}]) -> Option<u64> {{\n{body}\n"
        f"    if input.is_empty() {{\n        return None;\n    }}\n    Some(input.len() as u64)\n}}\n"
    )


def records(count: int, seed: int = 0, instruct_every: int = 4, long_every: int = 0) -> list[dict]:
    """``count`` records; every ``instruct_every``-th is a prompt/completion pair, every ``long_every``-th long."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        code = rust_function(rng, index)
        if long_every and index % long_every == 0:
            code = "\n".join(rust_function(rng, index * 100 + k) for k in range(30))
        if instruct_every and index % instruct_every == 1:
            prompt = f"Write a Rust function named {code.split('fn ')[1].split('(')[0]} that counts its input."
            out.append({"id": f"r{index}", "source": "test", "path": None, "task": "instruct",
                        "content": code, "prompt": prompt})
        else:
            out.append({"id": f"r{index}", "source": "test", "path": f"src/f{index}.rs", "task": "code",
                        "content": code, "prompt": None})
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path
