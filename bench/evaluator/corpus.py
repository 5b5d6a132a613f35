"""Deterministic generator of a realistic Rust sample corpus for the evaluator benchmark.

Each sample is a standalone program (or, sometimes, a library) of 20-150 lines assembled from
small components - structs with impls, traits, collections, iterators, error enums - with
randomised names and constants. A sample is one of: clean, clippy-dirty (lints injected into
components), or failing with one error of a chosen class (syntax, unresolved name, type mismatch,
borrow, trait, lifetime, macro, deny-by-default lint). A few use constructs that must be
checked alone (``crate::`` paths, crate attributes).

    python bench/evaluator/corpus.py --n 600 --seed 0 --out corpus.jsonl

Same ``n`` and ``seed`` give the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ERROR_CLASSES = ("syntax", "unresolved", "type_mismatch", "borrow", "trait", "lifetime", "macro", "deny_lint")


@dataclass
class Sample:
    """One generated sample and what it was built to be."""

    id: str
    category: str  # clean | dirty | error:<class> | lib | solo
    source: str


# --- components -------------------------------------------------------------------------------
# Each component returns (items, main_lines). ``dirty`` asks for a clippy/rustc lint to be
# injected; the lint chosen depends on the component.


def _sum(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    body = "    let mut total = 0;\n    for x in v {\n        total += x;\n    }\n"
    if dirty:
        body += "    return total;\n"
    else:
        body += "    total\n"
    items = f"fn sum_{n}(v: &[i64]) -> i64 {{\n{body}}}\n"
    nums = ", ".join(str(r.randint(-50, 50)) for _ in range(r.randint(3, 7)))
    return items, [f"let total_{n} = sum_{n}(&[{nums}]);", f'println!("sum_{n} = {{}}", total_{n});']


def _point(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    clone = ".clone()" if dirty else ""
    items = (
        f"#[derive(Debug, Clone, Copy, PartialEq)]\nstruct Point{n} {{\n    x: f64,\n    y: f64,\n}}\n\n"
        f"impl Point{n} {{\n    fn new(x: f64, y: f64) -> Self {{\n        Point{n} {{ x, y }}\n    }}\n\n"
        f"    fn dist(&self, other: &Point{n}) -> f64 {{\n        let dx = self.x - other.x;\n        let dy = self.y - other.y;\n"
        f"        (dx * dx + dy * dy).sqrt()\n    }}\n}}\n"
    )
    a, b = r.randint(0, 9), r.randint(0, 9)
    return items, [
        f"let p{n} = Point{n}::new({a}.0, {b}.0);",
        f"let q{n} = p{n}{clone};",
        f'println!("dist = {{:.2}}", p{n}.dist(&q{n}));',
    ]


def _words(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    check = "if text.len() == 0 {\n        return HashMap::new();\n    }\n    " if dirty else ""
    items = (
        f"fn word_counts_{n}(text: &str) -> HashMap<String, usize> {{\n    {check}let mut counts = HashMap::new();\n"
        f"    for w in text.split_whitespace() {{\n        *counts.entry(w.to_lowercase()).or_insert(0) += 1;\n    }}\n    counts\n}}\n"
    )
    words = " ".join(r.choice(["the", "cat", "sat", "on", "a", "mat", "dog"]) for _ in range(r.randint(4, 9)))
    return items, [f'let wc_{n} = word_counts_{n}("{words}");', f'println!("{{}} distinct", wc_{n}.len());']


def _shape(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    cmp = " == true" if dirty else ""
    items = (
        f"enum Shape{n} {{\n    Circle(f64),\n    Rect(f64, f64),\n    Square(f64),\n}}\n\n"
        f"fn area_{n}(s: &Shape{n}) -> f64 {{\n    match s {{\n        Shape{n}::Circle(r) => std::f64::consts::PI * r * r,\n"
        f"        Shape{n}::Rect(w, h) => w * h,\n        Shape{n}::Square(a) => a * a,\n    }}\n}}\n\n"
        f"fn is_big_{n}(s: &Shape{n}) -> bool {{\n    area_{n}(s) > 10.0\n}}\n"
    )
    v = r.randint(1, 6)
    return items, [
        f"let shapes_{n} = [Shape{n}::Circle({v}.0), Shape{n}::Rect(2.0, {v}.5), Shape{n}::Square(1.5)];",
        f"for s in shapes_{n}.iter() {{",
        f"    if is_big_{n}(s){cmp} {{",
        f'        println!("big: {{:.1}}", area_{n}(s));',
        "    }",
        "}",
    ]


def _parse(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    closure = ".map(|x| double_{n}(x))" if dirty else ".map(double_{n})"
    items = (
        f"fn double_{n}(x: i32) -> i32 {{\n    x * 2\n}}\n\n"
        f"fn parse_all_{n}(items: &[&str]) -> Result<Vec<i32>, std::num::ParseIntError> {{\n"
        f"    items.iter().map(|s| s.trim().parse::<i32>()).collect()\n}}\n"
    )
    return items, [
        f'match parse_all_{n}(&["{r.randint(1, 9)}", " {r.randint(10, 99)}", "7"]) {{',
        "    Ok(v) => {",
        f"        let doubled: Vec<i32> = v.into_iter(){closure.format(n=n)}.collect();",
        '        println!("{:?}", doubled);',
        "    }",
        '    Err(e) => println!("bad input: {}", e),',
        "}",
    ]


def _stack(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    extra = "\n    fn is_empty(&self) -> bool {\n        self.items.len() == 0\n    }\n" if dirty else ""
    items = (
        f"struct Stack{n}<T> {{\n    items: Vec<T>,\n}}\n\nimpl<T: std::fmt::Debug> Stack{n}<T> {{\n"
        f"    fn new() -> Self {{\n        Stack{n} {{ items: Vec::new() }}\n    }}\n\n"
        f"    fn push(&mut self, item: T) {{\n        self.items.push(item);\n    }}\n\n"
        f"    fn pop(&mut self) -> Option<T> {{\n        self.items.pop()\n    }}\n\n"
        f"    fn len(&self) -> usize {{\n        self.items.len()\n    }}\n{extra}}}\n"
    )
    k = r.randint(2, 6)
    lines = [f"let mut st_{n} = Stack{n}::new();", f"for i in 0..{k} {{", f"    st_{n}.push(i * {r.randint(2, 9)});", "}"]
    lines += [f"while let Some(top) = st_{n}.pop() {{", '    print!("{} ", top);', "}", f'println!("left {{}}", st_{n}.len());']
    if dirty:
        lines.append(f'println!("empty {{}}", st_{n}.is_empty());')
    return items, lines


def _matrix(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    if dirty:
        loop = "    for i in 0..a.len() {\n        out.push(a[i] * b[i]);\n    }\n"
    else:
        loop = "    for (x, y) in a.iter().zip(b) {\n        out.push(x * y);\n    }\n"
    items = f"fn hadamard_{n}(a: &[f64], b: &[f64]) -> Vec<f64> {{\n    let mut out = Vec::with_capacity(a.len());\n{loop}    out\n}}\n"
    return items, [f"let h_{n} = hadamard_{n}(&[1.0, 2.0, {r.randint(3, 9)}.0], &[0.5, 0.25, 2.0]);", f'println!("{{:?}}", h_{n});']


def _animal(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    unused = "        let unused = 3;\n" if dirty else ""
    items = (
        f"trait Speak{n} {{\n    fn name(&self) -> String;\n    fn speak(&self) -> String {{\n        format!(\"{{}} makes a sound\", self.name())\n    }}\n}}\n\n"
        f"struct Dog{n};\nstruct Cat{n} {{\n    lives: u8,\n}}\n\n"
        f"impl Speak{n} for Dog{n} {{\n    fn name(&self) -> String {{\n{unused}        \"dog\".to_string()\n    }}\n}}\n\n"
        f"impl Speak{n} for Cat{n} {{\n    fn name(&self) -> String {{\n        format!(\"cat with {{}} lives\", self.lives)\n    }}\n}}\n"
    )
    return items, [
        f"let zoo_{n}: Vec<Box<dyn Speak{n}>> = vec![Box::new(Dog{n}), Box::new(Cat{n} {{ lives: {r.randint(1, 9)} }})];",
        f"for a in &zoo_{n} {{",
        '    println!("{}", a.speak());',
        "}",
    ]


def _largest(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    mut = "mut " if dirty else ""
    items = (
        f"fn largest_{n}<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {{\n    let mut it = items.iter();\n"
        f"    let {mut}best = *it.next()?;\n    let best = it.fold(best, |acc, &x| if x > acc {{ x }} else {{ acc }});\n    Some(best)\n}}\n"
    )
    nums = ", ".join(str(r.randint(0, 100)) for _ in range(5))
    return items, [f'println!("{{:?}}", largest_{n}(&[{nums}]));', f'println!("{{:?}}", largest_{n}(&[1.5, 0.5]));']


def _fib(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    if dirty:
        cond = "    if n == 0 {\n        return 0;\n    } else {\n        if n == 1 {\n            return 1;\n        }\n    }\n"
    else:
        cond = "    if n < 2 {\n        return n;\n    }\n"
    items = f"fn fib_{n}(n: u64) -> u64 {{\n{cond}    fib_{n}(n - 1) + fib_{n}(n - 2)\n}}\n"
    return items, [f'println!("fib = {{}}", fib_{n}({r.randint(5, 15)}));']


def _sorting(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    param = "&Vec<Person{n}>" if dirty else "&[Person{n}]"
    items = (
        f"#[derive(Debug, Clone)]\nstruct Person{n} {{\n    name: String,\n    age: u32,\n}}\n\n"
        f"fn oldest_{n}(people: {param.format(n=n)}) -> Option<&Person{n}> {{\n    people.iter().max_by_key(|p| p.age)\n}}\n\n"
        f"fn sorted_names_{n}(people: &[Person{n}]) -> Vec<String> {{\n    let mut v: Vec<&Person{n}> = people.iter().collect();\n"
        f"    v.sort_by(|a, b| a.name.cmp(&b.name));\n    v.iter().map(|p| p.name.clone()).collect()\n}}\n"
    )
    names = r.sample(["Ann", "Bob", "Cid", "Dee", "Eve", "Fay"], 3)
    people = ", ".join(f'Person{n} {{ name: "{nm}".to_string(), age: {r.randint(18, 80)} }}' for nm in names)
    return items, [
        f"let people_{n} = vec![{people}];",
        f'println!("{{:?}}", oldest_{n}(&people_{n}).map(|p| &p.name));',
        f'println!("{{:?}}", sorted_names_{n}(&people_{n}));',
    ]


def _gcd(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    tmp = "        let t = b.clone();\n" if dirty else "        let t = b;\n"
    items = f"fn gcd_{n}(mut a: u64, mut b: u64) -> u64 {{\n    while b != 0 {{\n{tmp}        b = a % b;\n        a = t;\n    }}\n    a\n}}\n"
    return items, [f'println!("gcd = {{}}", gcd_{n}({r.randint(10, 500)}, {r.randint(10, 500)}));']


def _inventory(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    get = "        match self.stock.get(item) {\n            Some(q) => *q,\n            None => 0,\n        }\n" if dirty else "        self.stock.get(item).copied().unwrap_or(0)\n"
    items = (
        f"struct Inventory{n} {{\n    stock: BTreeMap<String, u32>,\n}}\n\nimpl Inventory{n} {{\n"
        f"    fn add(&mut self, item: &str, qty: u32) {{\n        *self.stock.entry(item.to_string()).or_insert(0) += qty;\n    }}\n\n"
        f"    fn count(&self, item: &str) -> u32 {{\n{get}    }}\n}}\n"
    )
    return items, [
        f"let mut inv_{n} = Inventory{n} {{ stock: BTreeMap::new() }};",
        f'inv_{n}.add("apple", {r.randint(1, 9)});',
        f'inv_{n}.add("pear", {r.randint(1, 9)});',
        f'println!("apples: {{}}", inv_{n}.count("apple"));',
    ]


def _errors(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    unused_import = "" if not dirty else ""
    items = (
        f"#[derive(Debug)]\nenum AppError{n} {{\n    Parse(std::num::ParseIntError),\n    Negative(i64),\n}}\n\n"
        f"impl From<std::num::ParseIntError> for AppError{n} {{\n    fn from(e: std::num::ParseIntError) -> Self {{\n        AppError{n}::Parse(e)\n    }}\n}}\n\n"
        f"impl fmt::Display for AppError{n} {{\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {{\n        match self {{\n"
        f"            AppError{n}::Parse(e) => write!(f, \"parse error: {{}}\", e),\n            AppError{n}::Negative(v) => write!(f, \"negative: {{}}\", v),\n        }}\n    }}\n}}\n\n"
        f"fn checked_{n}(s: &str) -> Result<i64, AppError{n}> {{\n    let v: i64 = s.parse()?;\n    if v < 0 {{\n        return Err(AppError{n}::Negative(v));\n    }}\n    Ok(v)\n}}\n"
    )
    lines = [f'for s in ["{r.randint(1, 99)}", "-4", "x"] {{', f"    match checked_{n}(s) {{", '        Ok(v) => println!("ok {}", v),', '        Err(e) => println!("{}", e),', "    }", "}"]
    if dirty:
        lines.insert(0, f"let unused_{n} = {r.randint(1, 9)};")
    return items + unused_import, lines


def _chars(r: random.Random, n: str, dirty: bool) -> tuple[str, list[str]]:
    filt = ".filter(|c| c.is_alphabetic() == true)" if dirty else ".filter(|c| c.is_alphabetic())"
    items = f"fn letters_{n}(s: &str) -> usize {{\n    s.chars(){filt}.count()\n}}\n\nfn vowels_{n}(s: &str) -> usize {{\n    s.chars().filter(|c| \"aeiou\".contains(*c)).count()\n}}\n"
    word = r.choice(["rustacean", "borrowck", "lifetime", "iterator", "closure"])
    return items, [f'println!("{{}} {{}}", letters_{n}("{word} 42"), vowels_{n}("{word}"));']


COMPONENTS = [_sum, _point, _words, _shape, _parse, _stack, _matrix, _animal, _largest, _fib, _sorting, _gcd, _inventory, _errors, _chars]
HEADER = "use std::collections::{BTreeMap, HashMap};\nuse std::fmt;\n"

# --- error injection ---------------------------------------------------------------------------


def _inject_error(r: random.Random, kind: str, main_lines: list[str], items: list[str]) -> None:
    """Adds one error of class ``kind`` to the program (in main or as a new item)."""
    k = r.randint(100, 999)
    if kind == "syntax":
        choice = r.randint(0, 2)
        if choice == 0:
            main_lines.insert(r.randint(0, len(main_lines)), f"let broken_{k} = {k}")  # missing `;`
            main_lines.append(f'println!("{{}}", broken_{k});')
        elif choice == 1:
            items.append(f"fn bad_{k}(x: i32) -> i32 {{\n    let y = x * 2 +;\n    y\n}}\n")
        else:
            items.append(f"struct S{k} {{\n    a: i32\n    b: i32,\n}}\n")
    elif kind == "unresolved":
        choice = r.randint(0, 2)
        if choice == 0:
            main_lines.append(f"let v_{k} = compute_{k}({k});")
            main_lines.append(f'println!("{{}}", v_{k});')
        elif choice == 1:
            main_lines.append(f'println!("{{}}", missing_var_{k});')
        else:
            main_lines.append(f"let m_{k}: HashSet<i32> = HashSet::new();")
            main_lines.append(f'println!("{{}}", m_{k}.len());')
    elif kind == "type_mismatch":
        choice = r.randint(0, 1)
        if choice == 0:
            main_lines.append(f'let n_{k}: i32 = "{k}";')
            main_lines.append(f'println!("{{}}", n_{k});')
        else:
            items.append(f"fn ratio_{k}(a: i32, b: i32) -> f64 {{\n    a / b\n}}\n")
            main_lines.append(f'println!("{{}}", ratio_{k}(3, 2));')
    elif kind == "borrow":
        choice = r.randint(0, 1)
        if choice == 0:
            main_lines += [f"let mut v_{k} = vec![1, 2, 3];", f"let first_{k} = &v_{k}[0];", f"v_{k}.push({k});", f'println!("{{}}", first_{k});']
        else:
            main_lines += [f'let s_{k} = String::from("x{k}");', f"let t_{k} = s_{k};", f'println!("{{}} {{}}", s_{k}, t_{k});']
    elif kind == "trait":
        choice = r.randint(0, 1)
        if choice == 0:
            items.append(f"struct Opaque{k} {{\n    v: i32,\n}}\n")
            main_lines += [f"let o_{k} = Opaque{k} {{ v: {k} }};", f'println!("{{}} {{}}", o_{k}, o_{k}.v);']
        else:
            items.append(f"fn total_{k}<T>(items: &[T]) -> T {{\n    let mut acc = items[0];\n    for x in &items[1..] {{\n        acc = acc + *x;\n    }}\n    acc\n}}\n")
            main_lines.append(f'println!("{{}}", total_{k}(&[1, 2]));')
    elif kind == "lifetime":
        choice = r.randint(0, 1)
        if choice == 0:
            items.append(f"fn longest_{k}(a: &str, b: &str) -> &str {{\n    if a.len() > b.len() {{ a }} else {{ b }}\n}}\n")
            main_lines.append(f'println!("{{}}", longest_{k}("ab", "c"));')
        else:
            items.append(f"fn dangle_{k}() -> &'static str {{\n    let s = String::from(\"temp\");\n    &s\n}}\n")
            main_lines.append(f'println!("{{}}", dangle_{k}());')
    elif kind == "macro":
        choice = r.randint(0, 1)
        if choice == 0:
            main_lines.append(f'println!("{{}} and {{}}", {k});')
        else:
            main_lines.append(f"let w_{k} = vec_of_{k}![1, 2];")
            main_lines.append(f'println!("{{:?}}", w_{k});')
    elif kind == "deny_lint":
        main_lines += [f"let arr_{k} = [1, 2, 3];", f'println!("{{}}", arr_{k}[{r.randint(3, 9)}]);']
    else:
        raise ValueError(kind)


def _program(r: random.Random, idx: int, dirty: bool, error: str | None, lib: bool = False) -> str:
    n_components = r.randint(2, 5)
    items: list[str] = []
    main_lines: list[str] = []
    for j, comp in enumerate(r.sample(COMPONENTS, n_components)):
        it, ml = comp(r, f"{idx}x{j}", dirty and r.random() < 0.6)
        items.append(it)
        main_lines += ml
    if error:
        _inject_error(r, error, main_lines, items)
    if lib:
        # A library: public entry points instead of main, some helpers left private.
        body = "\n".join("    " + ln for ln in main_lines)
        items.append(f"/// Runs the demo.\npub fn run_{idx}() {{\n{body}\n}}\n")
        return "#![allow(dead_code)]\n" + HEADER + "\n" + "\n".join(items) if r.random() < 0.3 else HEADER + "\n" + "\n".join(items)
    body = "\n".join("    " + ln for ln in main_lines)
    return HEADER + "\n" + "\n".join(items) + f"\nfn main() {{\n{body}\n}}\n"


def _solo(r: random.Random, idx: int) -> str:
    """Programs that depend on being the crate root; the evaluator must check them alone."""
    src = _program(r, idx, dirty=r.random() < 0.5, error=None)
    if r.random() < 0.5:
        return "#![warn(clippy::pedantic)]\n" + src
    return src.replace("fn main() {\n", f"fn helper_{idx}() -> u32 {{\n    {idx}\n}}\n\nfn main() {{\n    println!(\"{{}}\", crate::helper_{idx}());\n", 1)


def generate(n: int = 600, seed: int = 0) -> list[Sample]:
    """``n`` samples: ~35% clean, ~25% dirty, ~30% failing (every class), ~7% libraries, ~3% solo."""
    r = random.Random(seed)
    out: list[Sample] = []
    for i in range(n):
        x = r.random()
        if x < 0.35:
            out.append(Sample(f"s{i:04d}", "clean", _program(r, i, dirty=False, error=None)))
        elif x < 0.60:
            out.append(Sample(f"s{i:04d}", "dirty", _program(r, i, dirty=True, error=None)))
        elif x < 0.90:
            kind = ERROR_CLASSES[i % len(ERROR_CLASSES)]
            out.append(Sample(f"s{i:04d}", f"error:{kind}", _program(r, i, dirty=r.random() < 0.5, error=kind)))
        elif x < 0.97:
            out.append(Sample(f"s{i:04d}", "lib", _program(r, i, dirty=r.random() < 0.5, error=None, lib=True)))
        else:
            out.append(Sample(f"s{i:04d}", "solo", _solo(r, i)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    samples = generate(args.n, args.seed)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    with tmp.open("w") as f:
        for s in samples:
            f.write(json.dumps({"id": s.id, "category": s.category, "gen": s.source}) + "\n")
    tmp.replace(args.out)
    lines = [s.source.count("\n") + 1 for s in samples]
    print(f"wrote {len(samples)} samples to {args.out} (lines {min(lines)}-{max(lines)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
