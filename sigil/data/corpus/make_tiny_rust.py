"""Writes ``tiny-rust/``, the small corpus bundled with sigil (``builtin:tiny-rust``).

Run ``python sigil/data/corpus/make_tiny_rust.py`` to regenerate it (deterministic). The corpus is a handful
of small std-only crates: documented, idiomatic modules (structs, parsing with error enums, registries with
iterator adaptors, traits), plus what a real tree also holds so every filter has work to do: unit-test
modules, tests/, examples/, benches/, vendored code, build output, TODOs, debug prints, unsafe blocks,
#[allow]s, undocumented files, tiny files, exact copies and near copies.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tiny-rust"

# (crate, [(type name, description, [(field, type)], numeric field or None)])
CRATES: list[tuple[str, list[tuple[str, str, list[tuple[str, str]], str | None]]]] = [
    ("ledger", [
        ("Account", "a customer account holding a balance in cents", [("id", "u64"), ("owner", "String"), ("balance_cents", "i64")], "balance_cents"),
        ("Transfer", "a movement of money between two accounts", [("from", "u64"), ("to", "u64"), ("amount_cents", "i64")], "amount_cents"),
        ("Invoice", "a bill sent to a customer", [("number", "u32"), ("customer", "String"), ("total_cents", "i64")], "total_cents"),
        ("Currency", "an ISO 4217 currency with its minor unit", [("code", "String"), ("minor_units", "u8")], None),
        ("Budget", "a spending limit for one category", [("category", "String"), ("limit_cents", "i64"), ("spent_cents", "i64")], "spent_cents"),
    ]),
    ("telemetry", [
        ("Sensor", "a physical sensor reporting one value", [("id", "u32"), ("label", "String"), ("reading", "f64")], "reading"),
        ("Sample", "one timestamped measurement", [("timestamp_ms", "u64"), ("value", "f64")], "value"),
        ("Threshold", "an alert threshold on a metric", [("metric", "String"), ("limit", "f64")], "limit"),
        ("Gauge", "a named value that goes up and down", [("name", "String"), ("value", "i64")], "value"),
        ("Histogram", "bucketed counts of observations", [("name", "String"), ("buckets", "u16"), ("count", "u64")], "count"),
    ]),
    ("geometry", [
        ("Point", "a point in the plane", [("x", "f64"), ("y", "f64")], "x"),
        ("Size", "the width and height of a box", [("width", "f64"), ("height", "f64")], "width"),
        ("Circle", "a circle given by its centre and radius", [("cx", "f64"), ("cy", "f64"), ("radius", "f64")], "radius"),
        ("Segment", "a line segment between two points", [("x1", "f64"), ("y1", "f64"), ("x2", "f64"), ("y2", "f64")], "x2"),
        ("Grid", "a grid of cells", [("columns", "u32"), ("rows", "u32")], "columns"),
    ]),
    ("taskq", [
        ("Job", "a unit of work waiting in a queue", [("id", "u64"), ("name", "String"), ("priority", "u8")], "priority"),
        ("Worker", "a worker that executes jobs", [("id", "u32"), ("host", "String"), ("capacity", "u16")], "capacity"),
        ("Schedule", "a recurring schedule in seconds", [("name", "String"), ("interval_secs", "u64")], "interval_secs"),
        ("Lease", "a time-limited claim on a job", [("job", "u64"), ("worker", "u32"), ("expires_ms", "u64")], "expires_ms"),
        ("RetryPolicy", "how often and how long to retry a failed job", [("max_attempts", "u32"), ("backoff_ms", "u64")], "backoff_ms"),
    ]),
    ("netkit", [
        ("Endpoint", "a host and port to connect to", [("host", "String"), ("port", "u16")], "port"),
        ("Packet", "a datagram with a sequence number", [("sequence", "u32"), ("payload_len", "u16")], "payload_len"),
        ("Route", "a forwarding rule from a prefix to a gateway", [("prefix", "String"), ("gateway", "String"), ("metric", "u32")], "metric"),
        ("Header", "an HTTP header", [("name", "String"), ("value", "String")], None),
        ("RateLimit", "a token-bucket rate limit", [("capacity", "u32"), ("refill_per_sec", "u32")], "capacity"),
    ]),
    ("textkit", [
        ("Token", "a lexical token with its byte offset", [("kind", "String"), ("offset", "usize")], "offset"),
        ("Span", "a byte range in a source text", [("start", "usize"), ("end", "usize")], "end"),
        ("Word", "a word with its frequency", [("text", "String"), ("count", "u32")], "count"),
        ("Style", "a text style", [("name", "String"), ("bold", "bool"), ("size", "u8")], "size"),
        ("Glyph", "a rendered character with its advance width", [("character", "char"), ("advance", "f32")], "advance"),
    ]),
]

COPY_TYPES = {"u8", "u16", "u32", "u64", "usize", "i64", "f32", "f64", "bool", "char"}
SAMPLE = {"u8": "7", "u16": "443", "u32": "42", "u64": "1001", "usize": "12", "i64": "-250", "f32": "1.5",
          "f64": "2.5", "bool": "true", "char": "'x'", "String": '"alpha"'}
SAMPLE_TEXT = {"u8": "7", "u16": "443", "u32": "42", "u64": "1001", "usize": "12", "i64": "-250", "f32": "1.5",
               "f64": "2.5", "bool": "true", "char": "x", "String": "alpha"}


def snake(name: str) -> str:
    out = ""
    for index, char in enumerate(name):
        if char.isupper() and index:
            out += "_"
        out += char.lower()
    return out


def sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


# --- pieces of a module


def struct_block(name: str, description: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"/// {sentence(description)}", "#[derive(Debug, Clone, PartialEq)]", f"pub struct {name} {{"]
    for field, ty in fields:
        lines.append(f"    {field}: {ty},")
    lines.append("}")
    return "\n".join(lines)


def impl_block(name: str, fields: list[tuple[str, str]], numeric: str | None) -> str:
    params = ", ".join(f"{field}: {'impl Into<String>' if ty == 'String' else ty}" for field, ty in fields)
    inits = ", ".join(f"{field}: {field}.into()" if ty == "String" else field for field, ty in fields)
    lines = [f"impl {name} {{", f"    /// Creates a `{name}` from its parts.", f"    pub fn new({params}) -> Self {{",
             f"        Self {{ {inits} }}", "    }"]
    for field, ty in fields:
        lines.append("")
        lines.append(f"    /// Returns the {field.replace('_', ' ')}.")
        if ty == "String":
            lines.append(f"    pub fn {field}(&self) -> &str {{\n        &self.{field}\n    }}")
        else:
            lines.append(f"    pub fn {field}(&self) -> {ty} {{\n        self.{field}\n    }}")
    if numeric:
        ty = dict(fields)[numeric]
        lines.append("")
        lines.append(f"    /// Returns a copy with the {numeric.replace('_', ' ')} replaced.")
        lines.append(f"    #[must_use]\n    pub fn with_{numeric}(mut self, {numeric}: {ty}) -> Self {{\n"
                     f"        self.{numeric} = {numeric};\n        self\n    }}")
    lines.append("}")
    return "\n".join(lines)


def display_block(name: str, fields: list[tuple[str, str]]) -> str:
    placeholders = ", ".join("{}" for _ in fields)
    args = ", ".join(f"self.{field}" for field, _ in fields)
    return (f"impl fmt::Display for {name} {{\n"
            f"    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n"
            f"        write!(f, \"{name}({placeholders})\", {args})\n    }}\n}}")


def parse_block(name: str, fields: list[tuple[str, str]]) -> str:
    error = f"Parse{name}Error"
    count = len(fields)
    lets = []
    for index, (field, ty) in enumerate(fields):
        if ty == "String":
            lets.append(f"        let {field} = parts[{index}].to_string();")
        else:
            lets.append(f"        let {field} = parts[{index}]\n            .parse::<{ty}>()\n"
                        f"            .map_err(|_| {error}::InvalidField(\"{field}\"))?;")
    body = "\n".join(lets)
    names = ", ".join(field for field, _ in fields)
    return f"""/// Why a `{name}` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum {error} {{
    /// The input did not have exactly {count} comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}}

impl fmt::Display for {error} {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            Self::FieldCount(found) => write!(f, "expected {count} fields, found {{found}}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{{field}}`"),
        }}
    }}
}}

impl std::error::Error for {error} {{}}

impl FromStr for {name} {{
    type Err = {error};

    /// Parses `{names}` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {{
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != {count} {{
            return Err({error}::FieldCount(parts.len()));
        }}
{body}
        Ok(Self {{ {names} }})
    }}
}}"""


def registry_block(name: str, fields: list[tuple[str, str]], numeric: str | None) -> str:
    registry = f"{name}Registry"
    key, key_ty = fields[0]
    key_arg = "&str" if key_ty == "String" else key_ty
    key_cmp = f"item.{key} == {key}" if key_ty != "String" else f"item.{key} == {key}"
    lines = [f"""/// An ordered collection of [`{name}`] values.
#[derive(Debug, Default, Clone)]
pub struct {registry} {{
    items: Vec<{name}>,
}}

impl {registry} {{
    /// Creates an empty registry.
    pub fn new() -> Self {{
        Self::default()
    }}

    /// Adds an item at the end.
    pub fn push(&mut self, item: {name}) {{
        self.items.push(item);
    }}

    /// Returns how many items the registry holds.
    pub fn len(&self) -> usize {{
        self.items.len()
    }}

    /// Returns `true` when the registry holds no items.
    pub fn is_empty(&self) -> bool {{
        self.items.is_empty()
    }}

    /// Finds the first item whose {key.replace('_', ' ')} matches.
    pub fn find(&self, {key}: {key_arg}) -> Option<&{name}> {{
        self.items.iter().find(|item| {key_cmp})
    }}

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &{name}> + '_ {{
        self.items.iter()
    }}"""]
    if numeric:
        ty = dict(fields)[numeric]
        if ty in ("f32", "f64"):
            lines.append(f"""
    /// Returns the sum of every item's {numeric.replace('_', ' ')}.
    pub fn total_{numeric}(&self) -> {ty} {{
        self.items.iter().map(|item| item.{numeric}).sum()
    }}

    /// Returns the item with the largest {numeric.replace('_', ' ')}, if any.
    pub fn max_by_{numeric}(&self) -> Option<&{name}> {{
        self.items
            .iter()
            .max_by(|a, b| a.{numeric}.total_cmp(&b.{numeric}))
    }}""")
        else:
            lines.append(f"""
    /// Returns the sum of every item's {numeric.replace('_', ' ')}.
    pub fn total_{numeric}(&self) -> u128 {{
        self.items.iter().map(|item| item.{numeric} as u128).sum()
    }}

    /// Returns the items whose {numeric.replace('_', ' ')} is at least `minimum`.
    pub fn at_least(&self, minimum: {ty}) -> impl Iterator<Item = &{name}> + '_ {{
        self.items.iter().filter(move |item| item.{numeric} >= minimum)
    }}""")
    lines.append("}")
    lines.append(f"""
impl<'a> IntoIterator for &'a {registry} {{
    type Item = &'a {name};
    type IntoIter = std::slice::Iter<'a, {name}>;

    fn into_iter(self) -> Self::IntoIter {{
        self.items.iter()
    }}
}}

impl FromIterator<{name}> for {registry} {{
    fn from_iter<I: IntoIterator<Item = {name}>>(iter: I) -> Self {{
        Self {{ items: iter.into_iter().collect() }}
    }}
}}""")
    return "\n".join(lines)


def sample_args(fields: list[tuple[str, str]]) -> str:
    return ", ".join(SAMPLE[ty] for _, ty in fields)


def tests_block(name: str, fields: list[tuple[str, str]], with_parse: bool) -> str:
    field, ty = fields[0]
    expected = SAMPLE[ty]
    getter = f"item.{field}()"
    lines = ["#[cfg(test)]", "mod tests {", "    use super::*;", "", "    #[test]", "    fn new_keeps_fields() {",
             f"        let item = {name}::new({sample_args(fields)});",
             f"        assert_eq!({getter}, {expected});", "    }", "",
             "    #[test]", "    fn display_is_braced() {",
             f"        let text = {name}::new({sample_args(fields)}).to_string();",
             "        // a brace in a string must not end the module: \"}\"",
             f"        assert!(text.starts_with(\"{name}(\"), \"unexpected {{}} in {{text}}\", '}}');",
             "    }"]
    if with_parse:
        text = ", ".join(SAMPLE_TEXT[t] for _, t in fields)
        lines += ["", "    #[test]", "    fn parses_its_own_fields() {",
                  f"        let parsed: {name} = \"{text}\".parse().expect(\"valid input\");",
                  f"        assert_eq!(parsed, {name}::new({sample_args(fields)}));",
                  f"        assert!(\"\".parse::<{name}>().is_err());", "    }"]
    lines.append("}")
    return "\n".join(lines)


def module(crate: str, name: str, description: str, fields: list[tuple[str, str]], numeric: str | None,
           rng: random.Random, *, tests: bool, parse: bool, registry: bool) -> str:
    uses = ["use std::fmt;"]
    if parse:
        uses.append("use std::str::FromStr;")
    parts = [f"//! {sentence(description)[:-1]}: the `{name}` type" + (" and its registry." if registry else "."),
             "", "\n".join(uses), "", struct_block(name, description, fields), "", impl_block(name, fields, numeric),
             "", display_block(name, fields)]
    if parse:
        parts += ["", parse_block(name, fields)]
    if registry:
        parts += ["", registry_block(name, fields, numeric)]
    if tests:
        parts += ["", tests_block(name, fields, parse)]
    return "\n".join(parts) + "\n"


# --- low-quality rewrites: each leaves a marker a filter should catch


def undocumented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("///", "//!"))) + "\n"


def with_todo(text: str, name: str) -> str:
    return text.replace(f"impl {name} {{\n", f"// TODO: validate inputs before constructing\nimpl {name} {{\n", 1)


def with_debug_print(text: str, name: str) -> str:
    return text.replace("        Self { ", "        println!(\"creating a new value\");\n        Self { ", 1)


def with_dbg(text: str) -> str:
    return text.replace("        Self { ", "        dbg!(\"new\");\n        Self { ", 1)


def with_unsafe(text: str, name: str) -> str:
    return text.rstrip("\n") + f"""

/// Returns the first byte of the value's display form without a bounds check.
pub fn first_display_byte(value: &{name}) -> u8 {{
    let text = value.to_string();
    // SAFETY: Display output always starts with the type name, so it is never empty.
    unsafe {{ *text.as_bytes().get_unchecked(0) }}
}}
"""


def with_allow(text: str) -> str:
    return "#![allow(dead_code, clippy::new_without_default)]\n" + text


def near_copy(text: str, name: str) -> str:
    # a fork that renamed a doc line and a parameter: near-duplicate, not exact
    return text.replace("/// Creates a `", "/// Builds a new `", 1).replace("Returns the", "Gets the", 1)


def lib_rs(crate: str, modules: list[str], names: list[str]) -> str:
    title = crate.replace("-", " ")
    lines = [f"//! `{crate}`: small, dependency-free building blocks for {title} code.", "//!",
             "//! Every type implements `Display`, and the text forms round-trip through `FromStr`", "//! where noted.",
             ""]
    lines += [f"pub mod {m};" for m in modules]
    lines.append("")
    lines += [f"pub use {m}::{n};" for m, n in zip(modules, names)]
    return "\n".join(lines) + "\n"


def integration_test(crate: str, module_name: str, name: str, fields: list[tuple[str, str]]) -> str:
    return f"""use {crate.replace('-', '_')}::{module_name}::{name};

#[test]
fn round_trips_through_display() {{
    let value = {name}::new({sample_args(fields)});
    let text = value.to_string();
    assert!(text.contains("{name}"));
}}

#[test]
fn clones_are_equal() {{
    let value = {name}::new({sample_args(fields)});
    assert_eq!(value.clone(), value);
}}
"""


def example(crate: str, module_name: str, name: str, fields: list[tuple[str, str]]) -> str:
    return f"""//! Prints a `{name}` built from sample values.

use {crate.replace('-', '_')}::{module_name}::{name};

fn main() {{
    let value = {name}::new({sample_args(fields)});
    println!("{{value}}");
}}
"""


def bench(crate: str, module_name: str, name: str, fields: list[tuple[str, str]]) -> str:
    return f"""#![feature(test)]

extern crate test;

use test::Bencher;
use {crate.replace('-', '_')}::{module_name}::{name};

#[bench]
fn display(b: &mut Bencher) {{
    let value = {name}::new({sample_args(fields)});
    b.iter(|| value.to_string());
}}
"""


# Files whose literals and comments would fool a regex: braces, `#[cfg(test)]` and `unsafe` inside strings,
# raw strings, char literals next to lifetimes, nested block comments.
HANDWRITTEN = {
    "crates/textkit/src/escape.rs": r'''//! Escaping text for embedding in JSON-like and Rust-like string literals.
//!
//! The escapes here mirror Rust's own: `"\\n"`, `"\\t"`, `"\\""` and `\\u{..}` for control characters.

use std::borrow::Cow;

/// The literal that opens a raw string in generated code; it contains a quote and a brace on purpose.
pub const RAW_OPEN: &str = r#"r#"{"#;

/// Characters that always need a backslash in a double-quoted literal.
pub const SPECIAL: [char; 3] = ['"', '\\', '{'];

/// Escapes `text` for a double-quoted literal, borrowing it when nothing needs escaping.
///
/// ```
/// # use textkit::escape::escape;
/// assert_eq!(escape("plain"), "plain");
/// assert_eq!(escape("a\"b"), "a\\\"b");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Returns `true` when `c` cannot appear unescaped in a double-quoted literal.
pub fn needs_escape(c: char) -> bool {
    c == '"' || c == '\\' || c.is_control()
}

/* A note kept from the first version: /* nested comments */ are legal in Rust,
   and a regex that stops at the first closing marker would see unsafe { } here as code. */

/// Finds the longest prefix of `text` that needs no escaping.
pub fn plain_prefix(text: &str) -> &str {
    let end = text.find(needs_escape).unwrap_or(text.len());
    &text[..end]
}

/// Returns whichever of `a` and `b` has the longer plain prefix ('a' on a tie).
pub fn plainer<'a>(a: &'a str, b: &'a str) -> &'a str {
    if plain_prefix(a).len() >= plain_prefix(b).len() { a } else { b }
}
''',
    "crates/textkit/src/template.rs": r'''//! A tiny `{name}` template renderer.

use std::collections::HashMap;
use std::fmt;

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// A `{` was never closed.
    Unclosed(usize),
    /// A placeholder named a value that was not supplied.
    Missing(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unclosed(at) => write!(f, "unclosed '{{' at byte {at}"),
            Self::Missing(name) => write!(f, "no value for {{{name}}}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Replaces every `{name}` in `template` with its value; `{{` and `}}` stand for literal braces.
pub fn render(template: &str, values: &HashMap<&str, String>) -> Result<String, RenderError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(if tail.starts_with('{') { '{' } else { '}' });
            rest = &tail[2..];
            offset += open + 2;
            continue;
        }
        let close = tail.find('}').ok_or(RenderError::Unclosed(offset + open))?;
        let name = &tail[1..close];
        let value = values.get(name).ok_or_else(|| RenderError::Missing(name.to_string()))?;
        out.push_str(value);
        rest = &tail[close + 1..];
        offset += open + close + 1;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> HashMap<&'static str, String> {
        HashMap::from([("name", "world".to_string())])
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(render("hello {name}", &values()).unwrap(), "hello world");
    }

    #[test]
    fn keeps_escaped_braces() {
        // an unbalanced brace in a raw string and in a char literal: r"}" and '}'
        let template = r"{{literal}} {name}";
        assert_eq!(render(template, &values()).unwrap(), "{literal} world");
        assert_eq!('}', '}');
    }

    #[test]
    fn reports_missing_values() {
        let error = render("{other}", &values()).unwrap_err();
        assert_eq!(error, RenderError::Missing("other".into()));
    }
}
''',
}


def main() -> None:
    rng = random.Random(7)
    shutil.rmtree(OUT, ignore_errors=True)
    files: dict[str, str] = {}
    for crate, types in CRATES:
        modules, names = [], []
        for index, (name, description, fields, numeric) in enumerate(types):
            module_name = snake(name)
            modules.append(module_name)
            names.append(name)
            parse = index % 2 == 0 or rng.random() < 0.4
            registry = index % 3 != 1
            base = module(crate, name, description, fields, numeric, rng, tests=False, parse=parse, registry=registry)
            tested = module(crate, name, description, fields, numeric, rng, tests=True, parse=parse, registry=registry)
            files[f"crates/{crate}/src/{module_name}.rs"] = tested if index % 2 == 0 else base
            # plain and low-quality variants live in sibling "contrib" and "legacy" crates, as forks do
            variant = index % 6
            legacy = f"crates/{crate}-legacy/src/{module_name}.rs"
            if variant == 0:
                files[legacy] = with_todo(base, name)
            elif variant == 1:
                files[legacy] = with_debug_print(base, name)
            elif variant == 2:
                files[legacy] = with_unsafe(base, name)
            elif variant == 3:
                files[legacy] = with_allow(base)
            elif variant == 4:
                files[legacy] = undocumented(base)
            else:
                files[legacy] = with_dbg(base)
            files[f"crates/{crate}-contrib/src/{module_name}_ext.rs"] = module(
                crate, name + "Set" if registry else name, description, fields, numeric, rng,
                tests=index % 3 == 0, parse=not parse, registry=not registry)
            files[f"crates/{crate}/tests/{module_name}.rs"] = integration_test(crate, module_name, name, fields)
            if index < 2:
                files[f"crates/{crate}/examples/{module_name}_demo.rs"] = example(crate, module_name, name, fields)
            if index == 0:
                files[f"crates/{crate}/benches/{module_name}.rs"] = bench(crate, module_name, name, fields)
                # an exact copy of a clean module, as a mirrored crate would hold it
                files[f"crates/{crate}-mirror/src/{module_name}.rs"] = base
            if index == 1:
                files[f"crates/{crate}-fork/src/{module_name}.rs"] = near_copy(base, name)
        files[f"crates/{crate}/src/lib.rs"] = lib_rs(crate, modules, names)
        files[f"crates/{crate}/src/prelude.rs"] = f"pub use crate::{modules[0]}::{names[0]};\n"
    files.update(HANDWRITTEN)
    # vendored dependency and build output that a walker of a real checkout meets
    files["vendor/itoa-lite/src/lib.rs"] = module("itoa-lite", "Buffer", "a stack buffer for integer formatting",
                                                  [("len", "usize")], "len", rng, tests=False, parse=False, registry=False)
    files["crates/ledger/target/debug/build/ledger-1a2b/out/generated.rs"] = (
        "// @generated by build.rs: do not edit\npub const BUILD_ID: &str = \"1a2b\";\npub const FEATURES: &[&str] = &[];\n")
    for relative, text in sorted(files.items()):
        path = OUT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(files)} files, {sum(len(t) for t in files.values())} bytes to {OUT}")


if __name__ == "__main__":
    main()
