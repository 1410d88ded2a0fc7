"""Splitting OData text on a separator that is not inside quotes or parentheses.

URLs (``accounts(name='a/b')/...``), keys (``k1='x,y',k2=1``), ``$expand`` lists, nested query
options and ``Prefer`` headers all need the same split; this is the one place that does it.
"""

from __future__ import annotations

from mock_server.errors import QuerySyntaxError


def split_outside(text: str, separator: str, *, quote: str = "'", nested: bool = True) -> list[str]:
    """The parts of ``text`` between separators that stand outside ``quote``d text and, when
    ``nested``, outside parentheses. Unbalanced quotes or parentheses are a 400."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, ch in enumerate(text):
        if ch == quote:
            quoted = not quoted
        elif quoted:
            continue
        elif nested and ch == "(":
            depth += 1
        elif nested and ch == ")":
            depth -= 1
            if depth < 0:
                break
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if quoted or depth:
        raise QuerySyntaxError(f"Unbalanced quotes or parentheses in '{text}'.")
    parts.append(text[start:])
    return parts
