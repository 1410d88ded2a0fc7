"""Reading a FetchXML text into elements safely, and reading elements strictly.

The text is parsed with the standard library's ElementTree, but only after refusing what
makes XML dangerous or expensive: DTDs and entity declarations (``<!DOCTYPE``, ``<!ENTITY``),
documents over ``MAX_CHARS``, trees deeper than ``MAX_DEPTH`` or with more than
``MAX_ELEMENTS`` elements. Element helpers then check each element the way Dataverse's schema
does: an attribute or a child element that is not declared for it is an error, not ignored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from mock_server.fetchxml.errors import MalformedFetchXml

MAX_CHARS = 262_144
MAX_DEPTH = 40
MAX_ELEMENTS = 5_000
TRUE, FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


def load(text: str) -> ET.Element:
    """The root element of a FetchXML text, or ``MalformedFetchXml``."""
    if len(text) > MAX_CHARS:
        raise MalformedFetchXml(
            f"The FetchXML is {len(text)} characters long; the mock accepts at most {MAX_CHARS}."
        )
    if not text.strip():
        raise MalformedFetchXml("The FetchXML is empty; send a <fetch> element.")
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise MalformedFetchXml(
            "The FetchXML contains a DTD or an entity declaration, which is not allowed; remove "
            "<!DOCTYPE ...> and <!ENTITY ...>."
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MalformedFetchXml(f"The FetchXML is not well-formed XML: {exc}.") from None
    except ValueError as exc:  # text that cannot be encoded (lone surrogates), odd declarations
        raise MalformedFetchXml(f"The FetchXML cannot be read as XML: {exc}.") from None
    _check_shape(root)
    return root


def _check_shape(root: ET.Element) -> None:
    count = 0
    pending: list[tuple[ET.Element, int]] = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise MalformedFetchXml(f"The FetchXML nests elements deeper than {MAX_DEPTH} levels.")
        if count > MAX_ELEMENTS:
            raise MalformedFetchXml(f"The FetchXML has more than {MAX_ELEMENTS} elements.")
        pending.extend((child, depth + 1) for child in element)


def attributes(element: ET.Element, allowed: frozenset[str]) -> dict[str, str]:
    """An element's attributes; one that is not in ``allowed`` is an error."""
    for name in element.attrib:
        if name not in allowed:
            raise MalformedFetchXml(
                f"The '{name}' attribute is not declared on <{element.tag}>; "
                f"it takes {', '.join(sorted(allowed)) or 'no attributes'}."
            )
    return dict(element.attrib)


def children(element: ET.Element, allowed: frozenset[str]) -> Iterator[ET.Element]:
    """An element's child elements; another element or text between them is an error."""
    _no_text(element, element.text)
    for child in element:
        if child.tag not in allowed:
            raise MalformedFetchXml(
                f"The element <{child.tag}> is not allowed in <{element.tag}>; "
                f"it takes {', '.join(f'<{a}>' for a in sorted(allowed)) or 'no child elements'}."
            )
        _no_text(element, child.tail)
        yield child


def _no_text(element: ET.Element, text: str | None) -> None:
    if text is not None and text.strip():
        raise MalformedFetchXml(f"<{element.tag}> cannot contain text ('{text.strip()[:40]}').")


def flag(element: ET.Element, name: str, default: bool = False) -> bool:
    """A boolean attribute: ``true``/``false`` or ``1``/``0``."""
    raw = element.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in TRUE | FALSE:
        raise MalformedFetchXml(
            f"The '{name}' attribute of <{element.tag}> must be true or false, found '{raw}'."
        )
    return value in TRUE


def whole_number(element: ET.Element, name: str, low: int, high: int) -> int | None:
    """A whole-number attribute within ``[low, high]``, or None when absent."""
    raw = element.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12) or not low <= int(text) <= high:
        raise MalformedFetchXml(
            f"The '{name}' attribute of <{element.tag}> must be a whole number from {low} to {high}, "
            f"found '{raw}'."
        )
    return int(text)
