"""Parsing a Web API resource path into segments.

``accounts(7c1e...)/contact_customer_accounts/$ref`` becomes three ``Segment``s. Keys in
parentheses are a GUID, ``name='value'`` pairs (alternate keys, ``LogicalName='account'``) or a
Content-ID reference. Names stay case-sensitive, as in Dataverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from mock_server.errors import BadRequest
from mock_server.odata.split import split_outside

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

KeyValue = str | int | float | bool | None


@dataclass(frozen=True)
class Segment:
    """One path segment: a name and, if it had parentheses, its key.

    ``key`` is a lowercase GUID string; ``alternate_key`` the ``name=value`` pairs; ``call``
    is True for an empty ``()`` (a function call with no parameters)."""

    name: str
    key: str | None = None
    alternate_key: tuple[tuple[str, KeyValue], ...] = ()
    call: bool = False
    raw_args: str | None = None

    @property
    def has_key(self) -> bool:
        return self.key is not None or bool(self.alternate_key)


def _split_path(path: str) -> list[str]:
    """Split on ``/`` outside quotes and parentheses."""
    if "'" not in path and path.count("(") == path.count(")"):
        return path.split("/")  # without quotes, no valid key holds a slash
    return split_outside(path, "/")


def parse_key_value(text: str) -> KeyValue:
    text = text.strip()
    if text.startswith("@"):
        return text  # a parameter alias, resolved by whoever reads the parameter
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if GUID.match(text):
        return text.lower()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise BadRequest(f"Bad Request - Error in query syntax: the key value {text} is not valid.") from None


def _split_args(text: str) -> list[str]:
    return split_outside(text, ",", nested=False)


def parse_segment(raw: str) -> Segment:
    if "(" not in raw:
        return Segment(raw)
    if not raw.endswith(")"):
        raise BadRequest(f"Bad Request - Error in query syntax: the segment '{raw}' is not valid.")
    name, inner = raw[: raw.index("(")], raw[raw.index("(") + 1 : -1]
    if inner.strip() == "":
        return Segment(name, call=True)
    if GUID.match(inner.strip()):
        return Segment(name, key=inner.strip().lower(), raw_args=inner)
    pairs: list[tuple[str, KeyValue]] = []
    for arg in _split_args(inner):
        if "=" not in arg:
            raise BadRequest(
                f"Bad Request - Error in query syntax: the key '{inner}' of segment '{name}' is not valid."
            )
        key, value = arg.split("=", 1)
        pairs.append((key.strip(), parse_key_value(value)))
    return Segment(name, alternate_key=tuple(pairs), raw_args=inner)


def parse_path(raw_path: str) -> list[Segment]:
    """Segments of a path below the version prefix; ``raw_path`` is still percent-encoded."""
    path = raw_path.strip("/")
    if not path:
        return []
    return [parse_segment(part) for part in _split_path(unquote(path))]


VERSION_PREFIX = re.compile(r"^api/data/v9\.[0-2]/")


def parse_entity_reference(url: str) -> Segment | None:
    """The entity segment of an ``@odata.bind`` / ``@odata.id`` value: ``/accounts(<id>)``,
    ``accounts(<id>)`` or an absolute URL ending in one. ``None`` if it is not such a URL."""
    text = url.strip()
    if "://" in text:
        rest = text.split("://", 1)[1]
        text = rest[rest.find("/") :] if "/" in rest else ""
    text = VERSION_PREFIX.sub("", text.lstrip("/")).strip("/")
    try:
        segments = [parse_segment(p) for p in _split_path(unquote(text))] if text else []
    except BadRequest:
        return None
    if len(segments) != 1 or not segments[0].has_key:
        return None
    return segments[0]
