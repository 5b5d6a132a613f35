"""A seeded generator of small std-only Rust tasks, each with a prompt, a reference and tests.

Why it exists: to show that generate → verify → keep → fine-tune makes a model better, the held-out tasks must
come from the same distribution as the tasks RSFT practises on (same families, same mix), differing only in the
drawn instance: names, constants, test inputs and expected values. A hand-written suite cannot give that; this
generator can, at any size, deterministically from a seed.

Every task is a :class:`sigil.functional.Problem` in the MultiPL-E layout the functional harness runs: the
prompt is the program up to the opening brace of the function (or method) to write, with a doc comment saying
what it must do; the reference is the body; the tests close the item and add a ``fn main`` of ``assert``s whose
expected values were computed here, in Python, for the drawn constants and inputs. ``extra`` carries the
family and split.

Splits (:func:`task_splits`): one stream of draws from one seeded generator. The first ``train`` distinct tasks
(by prompt text) are the training split; later draws whose prompt text equals no training task form the
held-out split, until it has ``heldout`` tasks. So held-out tasks are i.i.d. draws from the training
distribution, conditioned only on not repeating a training task's text (the number of repeats skipped is
reported). The pretraining corpus is the training split's reference programs (:func:`reference_program`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from sigil.functional.problems import Problem, Suite

# --------------------------------------------------------------------------------------------------------------
# Names and small helpers
# --------------------------------------------------------------------------------------------------------------

#: Function names are a verb and a noun from fixed stems: a measured study found that random name suffixes left
#: a tiny model unable to reproduce names (0 of 200 programs compiled), while fixed stems were learnable.
VERBS = ("compute", "get", "find", "calc", "make", "eval", "score", "pick")
NOUNS = ("total", "value", "level", "price", "weight", "count", "size", "rate", "score", "amount")
TYPES = ("Item", "Order", "Point", "Cell", "Block", "Ticket", "Bin", "Entry", "Node", "Card")
FIELDS = ("a", "b", "x", "y", "width", "height", "cost", "qty", "left", "right")
TRAITS = ("Measure", "Weigh", "Rate", "Size")
VARIANT_SETS = (
    ("Red", "Green", "Blue"),
    ("North", "South", "West"),
    ("Small", "Medium", "Large"),
    ("Low", "Mid", "High"),
    ("Cat", "Dog", "Bird"),
)
WORDS = ("ab", "cd", "abc", "rust", "go", "zig", "cat", "dog", "sun", "moon", "tree", "io")
LETTERS = "abcdefghijklmnoprstuvw"
FN_STOP = ("\n}",)
METHOD_STOP = ("\n    }",)
FN_TESTS_HEAD = "}\n\nfn main() {\n"
METHOD_TESTS_HEAD = "    }\n}\n\nfn main() {\n"


def _fn_name(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def _two(rng: random.Random, pool: tuple[str, ...]) -> tuple[str, str]:
    first, second = rng.sample(pool, 2)
    return first, second


def _ints(rng: random.Random, n: int, lo: int = -20, hi: int = 20) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _slice(values: list[int]) -> str:
    return "&[" + ", ".join(str(v) for v in values) + "]"


def _vec(values: list[int]) -> str:
    return "vec![" + ", ".join(str(v) for v in values) + "]" if values else "Vec::<i64>::new()"


def _rust_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _asserts(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines) + "}\n"


@dataclass(frozen=True)
class Drawn:
    """One drawn task before it becomes a Problem."""

    prompt: str
    reference: str
    tests: str
    stop: tuple[str, ...]
    #: a plausible wrong body: the family's characteristic mistake (a compile error or a wrong answer), what a
    #: scraped corpus holds beside correct code (required: a family without one would put an empty body there)
    flawed: str


# --------------------------------------------------------------------------------------------------------------
# Families: each draws names, constants and test inputs and computes the expected values
# --------------------------------------------------------------------------------------------------------------


def affine(rng: random.Random) -> Drawn:
    name, a, b = _fn_name(rng), rng.randint(2, 9), rng.choice([n for n in range(-9, 10) if n])
    said, op = (f"plus {b}", f"+ {b}") if b > 0 else (f"minus {-b}", f"- {-b}")
    prompt = f"/// Return `x` times {a} {said}.\nfn {name}(x: i64) -> i64 {{\n"
    xs = _ints(rng, 3)
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({x}), {x * a + b});" for x in xs])
    return Drawn(prompt, f"    x * {a} {op}\n", tests, FN_STOP, flawed=f"    x * {a}\n")  # drops the offset


def clamp(rng: random.Random) -> Drawn:
    name, lo = _fn_name(rng), rng.randint(-10, 5)
    hi = lo + rng.randint(3, 15)
    prompt = f"/// Clamp `x` into the range {lo} to {hi}, both included.\nfn {name}(x: i64) -> i64 {{\n"
    xs = [lo - rng.randint(1, 9), rng.randint(lo, hi), hi + rng.randint(1, 9)]
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({x}), {min(max(x, lo), hi)});" for x in xs])
    return Drawn(prompt, f"    x.clamp({lo}, {hi})\n", tests, FN_STOP, flawed=f"    x.max({lo})\n")  # no upper bound


def sum_above(rng: random.Random) -> Drawn:
    name, t = _fn_name(rng), rng.randint(-5, 8)
    prompt = f"/// Sum the values of `v` that are greater than {t}.\nfn {name}(v: &[i64]) -> i64 {{\n"
    cases = [_ints(rng, rng.randint(2, 6)) for _ in range(2)] + [[]]
    if not any(sum(x for x in v if x > t) for v in cases):
        # every expected sum 0: `Default::default()` would pass. One more case, drawn without the rng so the
        # tasks after this one stay the same.
        cases.append([t + 1 if t != -1 else t + 2])
    tests = FN_TESTS_HEAD + _asserts(
        [f"assert_eq!({name}({_slice(v)}), {sum(x for x in v if x > t)});" for v in cases]
    )
    # counts instead of summing
    return Drawn(prompt, f"    v.iter().filter(|&&x| x > {t}).sum()\n", tests, FN_STOP,
                 flawed=f"    v.iter().filter(|&&x| x > {t}).count() as i64\n")


def count_char(rng: random.Random) -> Drawn:
    name, c = _fn_name(rng), rng.choice(LETTERS)
    prompt = f"/// Count how many times the character '{c}' occurs in `s`.\nfn {name}(s: &str) -> usize {{\n"
    texts = ["".join(rng.choice(LETTERS[:8] + c * 3) for _ in range(rng.randint(3, 9))) for _ in range(2)] + [""]
    if not any(c in text for text in texts):
        texts[0] += c  # every expected count 0 would let `Default::default()` pass (drawn without the rng)
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({_rust_str(s)}), {s.count(c)});" for s in texts])
    # compares a &char with a char: E0277
    return Drawn(prompt, f"    s.chars().filter(|&c| c == '{c}').count()\n", tests, FN_STOP,
                 flawed=f"    s.chars().filter(|c| c == '{c}').count()\n")


def scale_all(rng: random.Random) -> Drawn:
    name, k = _fn_name(rng), rng.randint(2, 7)
    prompt = f"/// Return every value of `v` multiplied by {k}.\nfn {name}(v: &[i64]) -> Vec<i64> {{\n"
    cases = [_ints(rng, rng.randint(1, 4)) for _ in range(2)] + [[]]
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({_slice(v)}), {_vec([x * k for x in v])});" for v in cases])
    # no collect: an iterator where a Vec is due, E0308
    return Drawn(prompt, f"    v.iter().map(|x| x * {k}).collect()\n", tests, FN_STOP, flawed=f"    v.iter().map(|x| x * {k})\n")


def struct_method(rng: random.Random) -> Drawn:
    type_name, (f1, f2), method, k = rng.choice(TYPES), _two(rng, FIELDS), rng.choice(NOUNS), rng.randint(2, 9)
    prompt = (
        f"struct {type_name} {{\n    {f1}: i64,\n    {f2}: i64,\n}}\n\nimpl {type_name} {{\n"
        f"    /// Return `{f1}` times {k} plus `{f2}`.\n    fn {method}(&self) -> i64 {{\n"
    )
    pairs = [(rng.randint(-9, 9), rng.randint(-9, 9)) for _ in range(3)]
    tests = METHOD_TESTS_HEAD + _asserts([
        f"assert_eq!({type_name} {{ {f1}: {a}, {f2}: {b} }}.{method}(), {a * k + b});" for a, b in pairs
    ])
    # a field without self.: E0425
    return Drawn(prompt, f"        self.{f1} * {k} + self.{f2}\n", tests, METHOD_STOP, flawed=f"        self.{f1} * {k} + {f2}\n")


def enum_match(rng: random.Random) -> Drawn:
    type_name, variants, name = rng.choice(TYPES), rng.choice(VARIANT_SETS), _fn_name(rng)
    values = [rng.randint(0, 99) for _ in variants]
    listing = "".join(f"    {v},\n" for v in variants)
    said = ", ".join(f"{value} for `{v}`" for v, value in zip(variants, values))
    prompt = f"enum {type_name} {{\n{listing}}}\n\n/// Return {said}.\nfn {name}(x: {type_name}) -> u32 {{\n"
    arms = "".join(f"        {type_name}::{v} => {value},\n" for v, value in zip(variants, values))
    reference = f"    match x {{\n{arms}    }}\n"
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({type_name}::{v}), {value});" for v, value in zip(variants, values)])
    # the last variant forgotten: a non-exhaustive match, E0004
    flawed = f"    match x {{\n{arms.rsplit('        ', 1)[0]}    }}\n"
    return Drawn(prompt, reference, tests, FN_STOP, flawed=flawed)


def label(rng: random.Random) -> Drawn:
    name, prefix, sep = _fn_name(rng), rng.choice(WORDS), rng.choice(("-", "_", ":", "#"))
    prompt = f"/// Return the text `{prefix}{sep}` followed by `n`, e.g. `{prefix}{sep}7` for 7.\nfn {name}(n: u32) -> String {{\n"
    ns = [rng.randint(0, 999) for _ in range(3)]
    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({n}), {_rust_str(f'{prefix}{sep}{n}')});" for n in ns])
    return Drawn(prompt, f'    format!("{prefix}{sep}{{}}", n)\n', tests, FN_STOP,
                 flawed=f'    format!("{prefix}{{}}", n)\n')  # the separator dropped


def parse_add(rng: random.Random) -> Drawn:
    name, k = _fn_name(rng), rng.randint(1, 50)
    prompt = (
        f"/// Parse `s` as an integer and return it plus {k}; a parse error is returned unchanged.\n"
        f"fn {name}(s: &str) -> Result<i64, std::num::ParseIntError> {{\n"
    )
    ns = _ints(rng, 2, -99, 99)
    bad = rng.choice(("x", "", "1a", "two"))
    tests = FN_TESTS_HEAD + _asserts(
        [f"assert_eq!({name}({_rust_str(str(n))}), Ok({n + k}));" for n in ns] + [f"assert!({name}({_rust_str(bad)}).is_err());"]
    )
    # unwrap instead of ?: panics on the bad input
    return Drawn(prompt, f"    let n: i64 = s.parse()?;\n    Ok(n + {k})\n", tests, FN_STOP,
                 flawed=f"    let n: i64 = s.parse().unwrap();\n    Ok(n + {k})\n")


def word_counts(rng: random.Random) -> Drawn:
    name, min_len = _fn_name(rng), rng.randint(2, 4)
    prompt = (
        "use std::collections::HashMap;\n\n"
        f"/// Count how often each word of `words` with at least {min_len} characters occurs.\n"
        f"fn {name}(words: &[&str]) -> HashMap<String, usize> {{\n"
    )
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 7))]
    long_word = rng.choice([w for w in WORDS if len(w) >= min_len])
    words[rng.randrange(len(words)):rng.randrange(len(words))] = [long_word, long_word]  # something to count
    counts: dict[str, int] = {}
    for word in words:
        if len(word) >= min_len:
            counts[word] = counts.get(word, 0) + 1
    probe = rng.choice(sorted(counts))
    expected = f"Some(&{counts[probe]})" if probe in counts else "None"
    listing = "&[" + ", ".join(_rust_str(w) for w in words) + "]"
    tests = FN_TESTS_HEAD + _asserts([
        f"let counts = {name}({listing});",
        f"assert_eq!(counts.len(), {len(counts)});",
        f"assert_eq!(counts.get({_rust_str(probe)}), {expected});",
    ])
    reference = (
        "    let mut counts = HashMap::new();\n"
        f"    for word in words.iter().filter(|w| w.len() >= {min_len}) {{\n"
        "        *counts.entry(word.to_string()).or_insert(0) += 1;\n"
        "    }\n"
        "    counts\n"
    )
    # counts start at 1, not 0
    return Drawn(prompt, reference, tests, FN_STOP, flawed=reference.replace("or_insert(0)", "or_insert(1)"))


def first_multiple(rng: random.Random) -> Drawn:
    name, k = _fn_name(rng), rng.randint(2, 7)
    prompt = f"/// Return the first value of `v` divisible by {k}, or `None` when there is none.\nfn {name}(v: &[i64]) -> Option<i64> {{\n"
    cases = [_ints(rng, rng.randint(2, 5), 1, 30) for _ in range(2)] + [[k * rng.randint(1, 4) + 1]]
    cases[0].insert(rng.randint(0, len(cases[0])), k * rng.randint(1, 5))  # one case has an answer
    lines = []
    for v in cases:
        found = next((x for x in v if x % k == 0), None)
        lines.append(f"assert_eq!({name}({_slice(v)}), {'None' if found is None else f'Some({found})'});")
    tests = FN_TESTS_HEAD + _asserts(lines)
    # no copied(): an Option<&i64> where an Option<i64> is due, E0308
    return Drawn(prompt, f"    v.iter().copied().find(|x| x % {k} == 0)\n", tests, FN_STOP,
                 flawed=f"    v.iter().find(|&&x| x % {k} == 0)\n")


def trait_impl(rng: random.Random) -> Drawn:
    trait, type_name, field_name = rng.choice(TRAITS), rng.choice(TYPES), rng.choice(FIELDS)
    method, k = rng.choice(NOUNS), rng.randint(1, 20)
    prompt = (
        f"trait {trait} {{\n    fn {method}(&self) -> i64;\n}}\n\nstruct {type_name} {{\n    {field_name}: i64,\n}}\n\n"
        f"impl {trait} for {type_name} {{\n    /// Return `{field_name}` squared minus {k}.\n    fn {method}(&self) -> i64 {{\n"
    )
    xs = _ints(rng, 3, -9, 9)
    tests = METHOD_TESTS_HEAD + _asserts(
        [f"assert_eq!({type_name} {{ {field_name}: {x} }}.{method}(), {x * x - k});" for x in xs]
    )
    # plus instead of minus
    return Drawn(prompt, f"        self.{field_name} * self.{field_name} - {k}\n", tests, METHOD_STOP,
                 flawed=f"        self.{field_name} * self.{field_name} + {k}\n")


def display(rng: random.Random) -> Drawn:
    type_name, (f1, f2) = rng.choice(TYPES), _two(rng, FIELDS)
    open_, close = rng.choice((("(", ")"), ("[", "]"), ("<", ">"), ("", "")))
    sep = rng.choice((", ", ";", " x ", "/"))
    shape = f"{open_}{f1}{sep}{f2}{close}"
    prompt = (
        f"use std::fmt;\n\nstruct {type_name} {{\n    {f1}: i32,\n    {f2}: i32,\n}}\n\n"
        f"impl fmt::Display for {type_name} {{\n    /// Write the value as `{shape}`.\n"
        "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n"
    )
    pairs = [(rng.randint(-9, 99), rng.randint(-9, 99)) for _ in range(2)]
    tests = METHOD_TESTS_HEAD + _asserts([
        f"assert_eq!({type_name} {{ {f1}: {a}, {f2}: {b} }}.to_string(), {_rust_str(f'{open_}{a}{sep}{b}{close}')});"
        for a, b in pairs
    ])
    reference = f'        write!(f, "{open_}{{}}{sep}{{}}{close}", self.{f1}, self.{f2})\n'
    # the fields without self.: E0425
    flawed = f'        write!(f, "{open_}{{}}{sep}{{}}{close}", {f1}, {f2})\n'
    return Drawn(prompt, reference, tests, METHOD_STOP, flawed=flawed)


def fizz(rng: random.Random) -> Drawn:
    name = _fn_name(rng)
    p, q = rng.sample((2, 3, 5, 7), 2)
    w1, w2 = (word.capitalize() for word in _two(rng, WORDS))
    prompt = (
        f"/// Return \"{w1}\" when `n` is divisible by {p}, otherwise \"{w2}\" when it is divisible by {q},\n"
        f"/// otherwise `n` as text.\nfn {name}(n: u32) -> String {{\n"
    )
    ns = [p * rng.randint(1, 9), q * rng.randint(1, 9), rng.choice([n for n in range(1, 60) if n % p and n % q])]

    def expect(n: int) -> str:
        return w1 if n % p == 0 else w2 if n % q == 0 else str(n)

    tests = FN_TESTS_HEAD + _asserts([f"assert_eq!({name}({n}), {_rust_str(expect(n))});" for n in ns])
    reference = (
        f"    if n % {p} == 0 {{\n        \"{w1}\".to_string()\n    }} else if n % {q} == 0 {{\n"
        f"        \"{w2}\".to_string()\n    }} else {{\n        n.to_string()\n    }}\n"
    )
    # string literals where a String is due: E0308
    flawed = f"    if n % {p} == 0 {{\n        \"{w1}\"\n    }} else if n % {q} == 0 {{\n        \"{w2}\"\n    }} else {{\n        n.to_string()\n    }}\n"
    return Drawn(prompt, reference, tests, FN_STOP, flawed=flawed)


def spread(rng: random.Random) -> Drawn:
    name, k = _fn_name(rng), rng.randint(1, 9)
    prompt = (
        f"/// Return the largest value of `v` minus the smallest, plus {k}; {k} when `v` is empty.\n"
        f"fn {name}(v: &[i64]) -> i64 {{\n"
    )
    cases = [_ints(rng, rng.randint(1, 5)) for _ in range(2)] + [[]]
    tests = FN_TESTS_HEAD + _asserts(
        [f"assert_eq!({name}({_slice(v)}), {(max(v) - min(v) if v else 0) + k});" for v in cases]
    )
    reference = (
        "    match (v.iter().max(), v.iter().min()) {\n"
        f"        (Some(hi), Some(lo)) => hi - lo + {k},\n"
        f"        _ => {k},\n"
        "    }\n"
    )
    # unwraps: panics on the empty slice
    flawed = f"    v.iter().max().unwrap() - v.iter().min().unwrap() + {k}\n"
    return Drawn(prompt, reference, tests, FN_STOP, flawed=flawed)


def replace_char(rng: random.Random) -> Drawn:
    name = _fn_name(rng)
    c, d = rng.sample(LETTERS, 2)
    prompt = f"/// Return `s` with every '{c}' replaced by '{d}'.\nfn {name}(s: &str) -> String {{\n"
    texts = ["".join(rng.choice(LETTERS[:6] + c * 2) for _ in range(rng.randint(2, 8))) for _ in range(3)]
    tests = FN_TESTS_HEAD + _asserts(
        [f"assert_eq!({name}({_rust_str(s)}), {_rust_str(s.replace(c, d))});" for s in texts]
    )
    return Drawn(prompt, f"    s.replace('{c}', \"{d}\")\n", tests, FN_STOP,
                 flawed=f"    s.replace('{d}', \"{c}\")\n")  # the two characters swapped


#: Every family, drawn with equal probability.
FAMILIES: dict[str, Callable[[random.Random], Drawn]] = {
    "affine": affine,
    "clamp": clamp,
    "sum_above": sum_above,
    "count_char": count_char,
    "scale_all": scale_all,
    "struct_method": struct_method,
    "enum_match": enum_match,
    "label": label,
    "parse_add": parse_add,
    "word_counts": word_counts,
    "first_multiple": first_multiple,
    "trait_impl": trait_impl,
    "display": display,
    "fizz": fizz,
    "spread": spread,
    "replace_char": replace_char,
}


# --------------------------------------------------------------------------------------------------------------
# Drawing and splitting
# --------------------------------------------------------------------------------------------------------------


def draw_task(rng: random.Random) -> tuple[str, Drawn]:
    """One task: a family chosen uniformly, then its instance."""
    family = rng.choice(sorted(FAMILIES))
    return family, FAMILIES[family](rng)


@dataclass(frozen=True)
class TaskSplits:
    """The training and held-out tasks of one seed, and how many held-out draws repeated a training task."""

    train: tuple[Problem, ...]
    heldout: tuple[Problem, ...]
    repeats_skipped: int


def task_splits(seed: int, train: int, heldout: int) -> TaskSplits:
    """Draw ``train`` distinct training tasks, then ``heldout`` held-out tasks whose prompt text is new.

    :param seed: the generator's seed; the same seed and sizes give the same tasks, byte for byte.
    :param train: number of training tasks (RSFT prompts; their references are the pretraining corpus).
    :param heldout: number of held-out tasks (evaluation only).
    """
    if train < 0 or heldout < 0:
        raise ValueError("split sizes must be non-negative")
    rng = random.Random(seed)
    seen: set[str] = set()
    train_tasks: list[Problem] = []
    heldout_tasks: list[Problem] = []
    repeats, draws = 0, 0
    limit = 50 * (train + heldout) + 1000  # the task space is far larger; this only stops a runaway loop
    while len(train_tasks) < train or len(heldout_tasks) < heldout:
        draws += 1
        if draws > limit:
            raise RuntimeError(f"task_splits: only {len(seen)} distinct tasks in {limit} draws")
        family, drawn = draw_task(rng)
        in_train = len(train_tasks) < train
        if drawn.prompt in seen:
            repeats += 0 if in_train else 1
            continue
        seen.add(drawn.prompt)
        split = "train" if in_train else "heldout"
        target = train_tasks if in_train else heldout_tasks
        target.append(_problem(f"{split}-{len(target):05d}-{family}", drawn, family, split, seed))
    return TaskSplits(tuple(train_tasks), tuple(heldout_tasks), repeats)


def _problem(name: str, drawn: Drawn, family: str, split: str, seed: int) -> Problem:
    return Problem(
        name=name,
        prompt=drawn.prompt,
        tests=drawn.tests,
        stop_tokens=drawn.stop,
        test_kind="main",
        reference=drawn.reference,
        extra={"family": family, "split": split, "seed": seed, "flawed": drawn.flawed},
    )


def scraped(problems: tuple[Problem, ...], share: float, seed: int) -> tuple[Problem, ...]:
    """The tasks as a scraped corpus would hold them: a seeded ``share`` of them carry their family's flawed body
    (:attr:`Drawn.flawed`) as the reference, the rest their correct one.

    Why: a model pretrained on correct references only is weak because it is undertrained, and more training on
    any correct data fixes that as well as RSFT does (measured: bench/RESULTS.md, issue 12). Real corpora also
    hold wrong code, which more pretraining does not remove: a model learns to write the mistakes at the rate
    they occur. Verification is what can select them out. The draw uses its own generator, so the tasks
    themselves stay those of :func:`task_splits`.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError("share must be within 0 and 1")
    rng = random.Random(f"scraped-{seed}")
    return tuple(replace(p, reference=p.extra["flawed"]) if rng.random() < share else p for p in problems)


def reference_program(problem: Problem) -> str:
    """The whole program a reference makes: prompt + reference body + tests (what the pretraining corpus holds)."""
    assert problem.reference is not None
    return problem.prompt + problem.reference + problem.tests


def as_suite(name: str, problems: tuple[Problem, ...]) -> Suite:
    return Suite(name=name, path=None, problems=problems)
