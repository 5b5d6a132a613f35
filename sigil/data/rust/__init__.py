"""Just enough Rust lexing for data filtering: blank out comments and literals, find and strip test code."""

from sigil.data.rust.lexer import Masked, mask
from sigil.data.rust.test_code import find_test_items, has_test_attribute, matching_bracket, strip_test_items

__all__ = ["Masked", "find_test_items", "has_test_attribute", "mask", "matching_bracket", "strip_test_items"]
