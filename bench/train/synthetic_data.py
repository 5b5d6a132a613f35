"""Benchmark data: documents of realistic lengths (random token ids), and generated Rust for the parity run."""

from __future__ import annotations

import random

from sigil_train.data.encode import Example


def random_documents(count: int, vocab: int, seed: int = 0, median_tokens: int = 700) -> list[list[int]]:
    """Token-id documents with log-normal lengths (median ``median_tokens``, long tail past 2048), ids >= 3.

    The lengths, not the ids, decide speed: padding waste in the baseline, row fill in packing.
    """
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        length = int(min(8192, max(32, rng.lognormvariate(mu=__import__("math").log(median_tokens), sigma=0.9))))
        docs.append([rng.randrange(3, vocab) for _ in range(length)])
    return docs


def chunked_examples(docs: list[list[int]], max_seq_len: int, bos: int = 1, eos: int = 2) -> list[Example]:
    """sigil's treatment: bos + doc + eos, cut into max_seq_len chunks (nothing dropped)."""
    examples = []
    for doc in docs:
        ids = [bos, *doc, eos]
        for start in range(0, len(ids), max_seq_len):
            chunk = ids[start:start + max_seq_len]
            if len(chunk) > 1:
                examples.append(Example(chunk, list(chunk)))
    return examples


def truncated_examples(docs: list[list[int]], max_seq_len: int, bos: int = 1, eos: int = 2) -> list[dict]:
    """The plain-HF baseline's treatment: bos + doc + eos truncated to max_seq_len, one example each."""
    return [{"input_ids": [bos, *doc, eos][:max_seq_len]} for doc in docs]


def rust_corpus(count: int, seed: int = 0) -> list[str]:
    """Generated Rust source files (structs, impls, functions, tests) for the loss-parity run."""
    rng = random.Random(seed)
    nouns = ["Parser", "Buffer", "Cache", "Graph", "Token", "Span", "Queue", "Index", "Table", "Frame"]
    fields = ["len", "cap", "head", "tail", "count", "depth", "width", "offset", "limit", "weight"]
    types = ["usize", "u32", "u64", "i64", "f64", "bool", "String", "Vec<u8>", "Option<usize>"]
    files = []
    for _ in range(count):
        parts = ["use std::collections::HashMap;\nuse std::fmt;\n"]
        for _ in range(rng.randint(1, 4)):
            name = rng.choice(nouns) + rng.choice(["", "Set", "Map", "Ref", "Builder"])
            chosen = rng.sample(fields, rng.randint(2, 5))
            body = "\n".join(f"    pub {f}: {rng.choice(types)}," for f in chosen)
            parts.append(f"/// A {name.lower()} of the pipeline.\n#[derive(Debug, Clone, PartialEq)]\npub struct {name} {{\n{body}\n}}\n")
            methods = []
            for f in chosen[:3]:
                methods.append(
                    f"    /// Returns the {f}.\n    pub fn {f}(&self) -> usize {{\n"
                    f"        self.{f} as usize * {rng.randint(1, 9)} + {rng.randint(0, 99)}\n    }}\n"
                )
            parts.append(f"impl {name} {{\n" + "\n".join(methods) + "}\n")
            parts.append(
                f"impl fmt::Display for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n"
                f"        write!(f, \"{name}({{}})\", self.{chosen[0]})\n    }}\n}}\n"
            )
        parts.append(
            "pub fn index(words: &[&str]) -> HashMap<String, usize> {\n    let mut map = HashMap::new();\n"
            "    for word in words {\n        *map.entry(word.to_string()).or_insert(0) += 1;\n    }\n    map\n}\n"
        )
        files.append("\n".join(parts))
    return files
