"""``$select``, ``$filter`` and ``$expand`` on metadata, checked against the metadata types.

Metadata queries take only these three options (no paging, ``$top`` or ``$orderby``), nested
inside ``$expand`` too: ``$expand=Attributes($select=LogicalName;$filter=IsPrimaryId eq true)``.
Names are checked against the declared type, as Dataverse does: ``MaxLength`` is selectable only
after a cast to ``StringAttributeMetadata``, ``OptionSet`` expandable only on choice types.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_server.errors import InvalidQueryOption, QuerySyntaxError, UnknownProperty
from mock_server.odata.metadata.catalog import properties
from mock_server.odata.metadata.common import Node, navigations
from mock_server.odata.metadata.filters import Predicate, compile_filter
from mock_server.odata.split import split_outside

SUPPORTED = ("$select", "$filter", "$expand")


@dataclass(frozen=True)
class Options:
    """Parsed options for one level of a metadata response."""

    select: tuple[str, ...] | None = None
    filter: Predicate | None = None
    expand: tuple[tuple[str, Options], ...] = ()


def _split(text: str, separator: str) -> list[str]:
    return split_outside(text, separator)


def parse_options(query: Mapping[str, str], type_name: str) -> Options:
    """Options of the request itself; other ``$`` options are refused, custom parameters
    (``LabelLanguages`` and the like) ignored."""
    for name in query:
        if name.startswith("$") and name not in SUPPORTED:
            raise InvalidQueryOption(f"The query parameter {name} is not supported")
    return _options({k: v for k, v in query.items() if k in SUPPORTED}, type_name)


def _options(raw: Mapping[str, str], type_name: str) -> Options:
    known = properties(type_name)
    select: tuple[str, ...] | None = None
    if "$select" in raw:
        names = tuple(n.strip() for n in raw["$select"].split(","))
        if any(not n for n in names):
            raise QuerySyntaxError(f"Empty property name in '$select={raw['$select']}'.")
        # Annotations such as ``@odata.type`` (the Python SDK selects it) are always returned.
        names = tuple(n for n in names if not n.startswith("@"))
        for name in names:
            if name != "*" and name not in known:
                raise UnknownProperty(type_name, name)
        select = None if "*" in names else names
    predicate = compile_filter(raw["$filter"], type_name, known) if raw.get("$filter", "").strip() else None
    expand = (
        tuple(_expand(item.strip(), type_name) for item in _split(raw["$expand"], ","))
        if "$expand" in raw
        else ()
    )
    return Options(select, predicate, expand)


def _expand(item: str, type_name: str) -> tuple[str, Options]:
    """One ``$expand`` item: ``Name`` or ``Name($select=...;$filter=...;$expand=...)``."""
    name, inner = item, ""
    if "(" in item:
        if not item.endswith(")"):
            raise QuerySyntaxError(f"Syntax error in '$expand' item '{item}'.")
        name, inner = item[: item.index("(")].strip(), item[item.index("(") + 1 : -1]
    if not name:
        raise QuerySyntaxError("Empty navigation property name in $expand.")
    if "/" in name:
        raise QuerySyntaxError(
            f"Paths and type casts in $expand ('{name}') are not supported in metadata queries."
        )
    declared = navigations(type_name).get(name)
    if declared is None:
        raise UnknownProperty(type_name, name)
    target, is_collection = declared
    raw: dict[str, str] = {}
    for part in (p.strip() for p in _split(inner, ";") if p.strip()):
        option, _, value = part.partition("=")
        option = option.strip()
        if option not in SUPPORTED:
            raise InvalidQueryOption(
                f"The query option '{option}' is not supported inside $expand of '{name}'."
            )
        raw[option] = value
    if "$filter" in raw and not is_collection:
        raise InvalidQueryOption(
            f"$filter cannot be applied to the single-valued navigation property '{name}'."
        )
    return name, _options(raw, target)


def matches(options: Options, node: Node) -> bool:
    return options.filter is None or options.filter(node.data)


def project(node: Node, type_name: str, options: Options) -> dict[str, Any]:
    """The JSON of ``node`` as its declared type ``type_name``: selected properties (all if no
    ``$select``; ``MetadataId`` always), ``@odata.type`` when the item carries one, and expansions.
    Values are copied so callers may change the result freely."""
    wanted = None if options.select is None else {"MetadataId", *options.select}
    out: dict[str, Any] = {
        key: copy.deepcopy(value)
        for key, value in node.data.items()
        if key.startswith("@") or wanted is None or key in wanted
    }
    declared = navigations(type_name)
    for name, nested in options.expand:
        target, _ = declared[name]
        link = node.links.get(name)
        if isinstance(link, tuple):
            out[name] = [project(n, target, nested) for n in link if matches(nested, n)]
        else:
            out[name] = None if link is None else project(link, target, nested)
    return out
