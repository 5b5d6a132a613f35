//! Small, shared questions about tree-sitter nodes: their text, the attributes and comments written
//! before an item, method-call shapes. Kept apart so the detectors read as "what", not "how".

use tree_sitter::Node;

/// The source text a node spans (empty if the span is not valid UTF-8 boundaries, which tree-sitter
/// never produces for a `&str` input).
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Direct children of a node, named and anonymous, in source order.
pub fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// The attributes (`#[...]`) and comments written directly before an item, nearest first.
///
/// tree-sitter-rust attaches neither to the item: both are preceding siblings, so we walk back over
/// them and stop at the first sibling that is something else.
pub fn leading_trivia<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut prev = node.prev_sibling();
    while let Some(p) = prev {
        match p.kind() {
            "attribute_item" | "line_comment" | "block_comment" => out.push(p),
            _ => break,
        }
        prev = p.prev_sibling();
    }
    out
}

/// The path of an attribute node (`derive`, `cfg`, `tokio::test`), as written.
pub fn attribute_path<'s>(attr_item: Node<'_>, src: &'s str) -> &'s str {
    attr_item
        .named_child(0)
        .filter(|a| a.kind() == "attribute")
        .and_then(|a| a.named_child(0))
        .map_or("", |p| text(p, src))
}

/// Whether an item carries `#[test]`-like (`#[test]`, `#[tokio::test]`, `#[bench]`) or `#[cfg(test)]`
/// (`all(test, ..)`, not `not(test)`) attributes.
pub fn is_test_item(item: Node<'_>, src: &str) -> bool {
    // One definition of test code for scoring, stripping and panic counting.
    crate::analysis::has_test_attribute(item, src)
}

/// The last segment of a type or path node: `From` for `From<T>`, `std::convert::From<T>` or `From`.
pub fn last_segment<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    let inner = match node.kind() {
        "generic_type" => node.child_by_field_name("type").unwrap_or(node),
        _ => node,
    };
    match inner.kind() {
        "scoped_type_identifier" | "scoped_identifier" => {
            inner.child_by_field_name("name").map_or("", |n| text(n, src))
        }
        _ => text(inner, src),
    }
}

/// For a method call `recv.name(args)`: `(recv, name, args)`. `None` for plain calls `f(x)`.
pub fn method_call<'t, 's>(call: Node<'t>, src: &'s str) -> Option<(Node<'t>, &'s str, Node<'t>)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let mut function = call.child_by_field_name("function")?;
    // `v.iter().collect::<Vec<_>>()`: the turbofish wraps the method in a `generic_function`.
    if function.kind() == "generic_function" {
        function = function.child_by_field_name("function")?;
    }
    if function.kind() != "field_expression" {
        return None;
    }
    let receiver = function.child_by_field_name("value")?;
    let name = text(function.child_by_field_name("field")?, src);
    let args = call.child_by_field_name("arguments")?;
    Some((receiver, name, args))
}

/// The variable an lvalue or receiver expression is rooted in: `v` for `v`, `v.a.b`, `v[i]`, `*v`,
/// `(v)`. `None` when the root is not a plain identifier (a call result, a literal, `self.x` gives
/// `self`).
pub fn root_identifier<'s>(mut node: Node<'_>, src: &'s str) -> Option<&'s str> {
    loop {
        node = match node.kind() {
            "identifier" | "self" => return Some(text(node, src)),
            "field_expression" => node.child_by_field_name("value")?,
            "index_expression" | "unary_expression" | "parenthesized_expression" | "try_expression" => {
                node.named_child(0)?
            }
            // A method call's receiver may be mutated by the method (`v.iter_mut()`).
            "call_expression" => method_call(node, src)?.0,
            _ => return None,
        };
    }
}

/// Whether any node in the subtree satisfies `pred` (iterative: hostile samples nest deeply).
pub fn any_descendant(node: Node<'_>, pred: &mut dyn FnMut(Node<'_>) -> bool) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if pred(n) {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    false
}
