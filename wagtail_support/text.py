"""Characters no text of the app may hold: NUL (PostgreSQL refuses it in text and JSON) and lone UTF-16
surrogates (no database or e-mail can encode them). The one place that finds and removes them."""

import re

UNSAFE = re.compile("[\x00\ud800-\udfff]")


def has_unsafe_characters(value):
    return isinstance(value, str) and UNSAFE.search(value) is not None


def without_unsafe_characters(value):
    """``value`` without NUL and lone surrogates (for search queries, which are never refused)."""
    return UNSAFE.sub("", value or "")
