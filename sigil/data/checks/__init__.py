"""The built-in filters, one idea per module. :mod:`sigil.data.builtin_filters` registers them."""
