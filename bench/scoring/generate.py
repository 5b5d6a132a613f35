"""Generates Rust samples of 20-150 lines for the scoring benchmark.

Samples are assembled from parametrised function templates in both idiomatic and unidiomatic
styles (plus a few with syntax errors), so the scorer and the compile check see the mix an RSFT
data stage sees. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

GOOD = [
    """/// Sums the even values.
pub fn {name}(values: &[i64]) -> i64 {{
    values.iter().filter(|v| *v % 2 == 0).sum()
}}
""",
    """/// Parses a comma-separated list of numbers.
pub fn {name}(text: &str) -> Result<Vec<u32>, std::num::ParseIntError> {{
    text.split(',').map(|p| p.trim().parse::<u32>()).collect()
}}
""",
    """/// The longest word, if any.
pub fn {name}(text: &str) -> Option<&str> {{
    text.split_whitespace().max_by_key(|w| w.len())
}}
""",
    """/// A labelled point.
#[derive(Debug, Clone, PartialEq)]
pub struct {Type} {{
    /// Label.
    pub label: String,
    /// Coordinates.
    pub xy: (f64, f64),
}}

impl std::fmt::Display for {Type} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        write!(f, "{{}} at ({{}}, {{}})", self.label, self.xy.0, self.xy.1)
    }}
}}
""",
    """/// Reads a number from the environment, with a default.
pub fn {name}(key: &str) -> u64 {{
    let Ok(raw) = std::env::var(key) else {{ return {n} }};
    match raw.parse() {{
        Ok(v) => v,
        Err(_) => {n},
    }}
}}
""",
    """/// Word frequencies.
pub fn {name}(text: &str) -> std::collections::HashMap<&str, usize> {{
    let mut counts = std::collections::HashMap::new();
    for word in text.split_whitespace() {{
        *counts.entry(word).or_insert(0) += 1;
    }}
    counts
}}
""",
    """/// Converts from a raw code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct {Type}(u8);

impl TryFrom<u32> for {Type} {{
    type Error = std::num::TryFromIntError;

    fn try_from(raw: u32) -> Result<Self, Self::Error> {{
        Ok({Type}(u8::try_from(raw)?))
    }}
}}
""",
    """/// Running maximum of a sequence.
pub fn {name}(values: &[i32]) -> Vec<i32> {{
    values
        .iter()
        .scan(i32::MIN, |best, &v| {{
            *best = (*best).max(v);
            Some(*best)
        }})
        .collect()
}}
""",
]

BAD = [
    """pub fn {name}(values: &Vec<i64>) -> i64 {{
    let mut total = 0;
    for i in 0..values.len() {{
        if values[i] % 2 == 0 {{
            total = total + values[i];
        }}
    }}
    return total;
}}
""",
    """pub fn {name}(text: &String) -> Vec<u32> {{
    let mut out = Vec::new();
    let parts: Vec<&str> = text.split(",").collect();
    for i in 0..parts.len() {{
        out.push(parts[i].trim().parse::<u32>().unwrap());
    }}
    println!("{{:?}}", out);
    return out;
}}
""",
    """pub fn {name}(text: String) -> String {{
    let mut best = String::new();
    let words: Vec<String> = text.split(" ").map(|s| s.to_string()).collect();
    for i in 0..words.len() {{
        if words[i].len() > best.len() {{
            best = words[i].clone();
        }}
    }}
    return best.clone();
}}
""",
    """#[allow(dead_code)]
pub fn {name}(key: &str) -> u64 {{
    // TODO: handle missing keys
    let raw = std::env::var(key).unwrap();
    let v = raw.parse::<i64>().expect("not a number") as u64;
    return v;
}}
""",
    """pub fn {name}(a: &Vec<f64>, b: &Vec<f64>) -> Result<f64, Box<dyn std::error::Error>> {{
    let mut dot = 0.0;
    let mut unused = {n};
    let mut i = 0;
    while i < a.len() {{
        dot = dot + a[i] * b[i];
        i = i + 1;
    }}
    Ok(dot)
}}
""",
    """pub fn {name}(v: &Vec<i32>) -> i32 {{
    let mut m = v[0];
    for i in 1..v.len() {{
        if v[i] > m {{
            m = v[i].clone();
        }}
    }}
    dbg!(m);
    return m as i32;
}}
""",
]

BROKEN = [
    """pub fn {name}(x: u32) -> u32 {{
    let y = x +;
    y * {n}
}}
""",
    """pub fn {name}(v: &[u8]) -> usize {{
    v.iter().filter(|b| **b > {n}).count(
}}
""",
]


def sample(rng: random.Random, index: int) -> str:
    """One sample of 20-150 lines: templates in one style until the target length, then `main`."""
    target = rng.randint(26, 132)  # templates overshoot by at most ~16 lines
    style = rng.random()
    pool = GOOD if style < 0.45 else BAD if style < 0.9 else GOOD + BAD
    lines = [f"//! Generated sample {index}.\n"] if pool is GOOD else []
    names = []
    k = 0
    while sum(part.count("\n") for part in lines) < target - 6:
        template = rng.choice(pool)
        name = f"f{index}_{k}"
        lines.append(template.format(name=name, Type=f"T{index}x{k}", n=rng.randint(1, 99)) + "\n")
        if "{name}" in template:
            names.append(name)
        k += 1
    if style >= 0.95:
        lines.append(rng.choice(BROKEN).format(name=f"broken{index}", n=rng.randint(1, 9)))
    lines.append("fn main() {\n    println!(\"sample %d: %d functions\");\n}\n" % (index, len(names)))
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write sample_NNNN.rs files into")
    parser.add_argument("-n", type=int, default=600, help="number of samples (default 600)")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.n):
        (args.out / f"sample_{i:04d}.rs").write_text(sample(rng, i), encoding="utf-8")


if __name__ == "__main__":
    main()
