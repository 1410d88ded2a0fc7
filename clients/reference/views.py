"""Views, categorized search and lookups offline: the system views and quick view forms of the
offline entities, downloaded at sync, run against the local store.

A view is its FetchXML, evaluated here over the device's records: ``filter`` / ``condition``
(the operators below), ``order``, ``attribute``, and ``link-entity`` (outer or inner) to another
offline table. What Dataverse does not offer offline is refused with ``not_available_offline``:
personal views (never downloaded), views of the tables listed in ``WITHOUT_VIEWS``, views that
link a table outside the profile, search in date columns. Categorized search is the table's Quick
Find view with the search text in place of ``{0}``.
"""

from __future__ import annotations

import fnmatch
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from clients.reference import records
from clients.reference.catalog import CommandNotOffered, InvalidRequest, NotAvailableOffline
from clients.reference.webapi import WebApi

Record = dict[str, Any]
KINDS = {0: "public", 4: "quick_find", 64: "lookup"}
QUICK_VIEW_FORM = 6
# REQUIREMENTS MO-VIEW-003: tables whose views Dataverse does not offer offline.
WITHOUT_VIEWS = frozenset(
    {
        "email",
        "task",
        "fax",
        "letter",
        "serviceappointment",
        "campaignresponse",
        "campaignactivity",
        "recurringappointmentmaster",
        "socialactivity",
    }
)


@dataclass(frozen=True)
class View:
    id: str
    entity: str
    name: str
    kind: str  # public, quick_find, lookup, quick_view
    definition: str  # FetchXML, or the form XML of a quick view form

    def listing(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "kind": self.kind}

    def linked_entities(self) -> set[str]:
        if self.kind == "quick_view":
            return set()
        return {str(link.get("name")) for link in ElementTree.fromstring(self.definition).iter("link-entity")}


def download_views(api: WebApi, entities: tuple[str, ...]) -> list[View]:
    """The system views and quick view forms of ``entities`` that work with only these tables
    (none of a kind the user may not read: views are then simply not offered offline)."""
    wanted = set(entities) - WITHOUT_VIEWS
    saved = api.readable_rows(
        "savedqueries?$select=savedqueryid,name,returnedtypecode,querytype,fetchxml"
        "&$filter=statecode eq 0 and (querytype eq 0 or querytype eq 4 or querytype eq 64)",
    )
    forms = api.readable_rows(
        f"systemforms?$select=formid,name,objecttypecode,formxml&$filter=type eq {QUICK_VIEW_FORM}"
    )
    views = [
        View(str(v["savedqueryid"]), v["returnedtypecode"], v["name"], KINDS[v["querytype"]], v["fetchxml"])
        for v in saved
        if v["returnedtypecode"] in wanted
    ]
    views += [
        View(str(f["formid"]), f["objecttypecode"], f["name"], "quick_view", f["formxml"])
        for f in forms
        if f["objecttypecode"] in wanted
    ]
    return sorted(
        (v for v in views if v.linked_entities() <= set(entities)), key=lambda v: (v.entity, v.name)
    )


def encode(views: list[View]) -> str:
    return json.dumps([asdict(v) for v in views])


def decode(text: str) -> list[View]:
    return [View(**v) for v in json.loads(text)]


# --- running a view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What evaluating FetchXML on the device needs: the local records and who the user is."""

    records_of: Callable[[str], list[Record]]
    primary_id: Callable[[str], str]
    user_id: str


def run_fetch(fetch_xml: str, context: Context, text: str | None = None) -> list[Record]:
    """The rows ``fetch_xml`` selects among the local records, in its order, with its columns."""
    entity = ElementTree.fromstring(fetch_xml).find("entity")
    assert entity is not None
    name = str(entity.get("name"))
    primary = context.primary_id(name)
    rows = [
        r
        for r in context.records_of(name)
        if all(_holds(f, r, context, text) for f in entity.findall("filter"))
    ]
    shown: list[Record] = []
    for row in rows:
        out = {primary: row.get(primary)}
        out.update({c: row.get(c) for c in _attributes(entity)})
        shown.append(out)
    for link in entity.findall("link-entity"):
        shown = _join(link, rows, shown, context)
        rows = [r for r in rows if any(s[primary] == r.get(primary) for s in shown)]
    by_id = {r.get(primary): r for r in rows}
    for order in reversed([*entity.findall("order"), ElementTree.Element("order", {"attribute": primary})]):
        column, descending = str(order.get("attribute")), order.get("descending") == "true"
        shown.sort(key=lambda s: _sort_key(by_id[s[primary]].get(column)), reverse=descending)
    return shown


def _attributes(element: ElementTree.Element) -> list[str]:
    return [str(a.get("name")) for a in element.findall("attribute")]


def _join(
    link: ElementTree.Element, rows: list[Record], shown: list[Record], context: Context
) -> list[Record]:
    target, alias = str(link.get("name")), str(link.get("alias") or link.get("name"))
    source_column, target_column = str(link.get("to")), str(link.get("from"))
    linked = {
        _plain(r.get(target_column)): r
        for r in context.records_of(target)
        if all(_holds(f, r, context, None) for f in link.findall("filter"))
    }
    joined = []
    for row, out in zip(rows, shown, strict=True):
        match = linked.get(_plain(row.get(source_column)))
        if match is None and link.get("link-type") != "outer":
            continue
        joined.append({**out, **{f"{alias}.{c}": (match or {}).get(c) for c in _attributes(link)}})
    return joined


def _holds(element: ElementTree.Element, row: Record, context: Context, text: str | None) -> bool:
    parts = [
        _condition(child, row, context, text)
        if child.tag == "condition"
        else _holds(child, row, context, text)
        for child in element
        if child.tag in ("condition", "filter")
    ]
    return any(parts) if element.get("type") == "or" else all(parts)


def _condition(condition: ElementTree.Element, row: Record, context: Context, text: str | None) -> bool:
    operator = str(condition.get("operator"))
    value = _plain(row.get(str(condition.get("attribute"))))
    given = condition.get("value")
    if given == "{0}":
        if text is None:
            return True  # a Quick Find view run as a grid: no search text, no condition
        given = text.replace("*", "%") + "%"
    values = [v.text or "" for v in condition.findall("value")]
    tests: dict[str, Callable[[], bool]] = {
        "eq": lambda: _same(value, given),
        "ne": lambda: not _same(value, given),
        "neq": lambda: not _same(value, given),
        "null": lambda: value is None,
        "not-null": lambda: value is not None,
        "like": lambda: _like(value, given),
        "not-like": lambda: not _like(value, given),
        "begins-with": lambda: _like(value, f"{given}%"),
        "ends-with": lambda: _like(value, f"%{given}"),
        "in": lambda: any(_same(value, v) for v in values),
        "not-in": lambda: not any(_same(value, v) for v in values),
        "gt": lambda: _compare(value, given) > 0,
        "ge": lambda: _compare(value, given) >= 0,
        "lt": lambda: _compare(value, given) < 0,
        "le": lambda: _compare(value, given) <= 0,
        "eq-userid": lambda: value == context.user_id,
        "ne-userid": lambda: value != context.user_id,
    }
    if operator not in tests:
        raise NotAvailableOffline(f"The condition operator '{operator}' is not available offline.")
    return tests[operator]()


def _plain(value: Any) -> Any:
    """A lookup as its id; other values as they are."""
    return str(value["id"]).lower() if records.is_lookup(value) else value


def _same(value: Any, given: str | None) -> bool:
    if value is None or given is None:
        return False
    if isinstance(value, bool):
        return value == (given.lower() in ("1", "true"))
    if isinstance(value, int | float):
        try:
            return float(value) == float(given)
        except ValueError:
            return False
    return str(value).lower() == given.lower()


def _like(value: Any, pattern: str | None) -> bool:
    if value is None or pattern is None:
        return False
    return fnmatch.fnmatchcase(str(value).lower(), pattern.lower().replace("%", "*").replace("_", "?"))


def _compare(value: Any, given: str | None) -> int:
    if value is None or given is None:
        return -2  # nothing compares to null
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(given)
        return (value > number) - (value < number)
    return (str(value) > given) - (str(value) < given)


def _sort_key(value: Any) -> tuple[int, Any]:
    value = _plain(value)
    if value is None:
        return (0, "")
    return (1, value if isinstance(value, int | float) and not isinstance(value, bool) else str(value))


# --- quick view forms, search and lookups -----------------------------------------------------------


def quick_view(view: View, record: Record, primary: str) -> Record:
    """The fields of ``record`` a quick view form shows."""
    fields = [str(c.get("datafieldname")) for c in ElementTree.fromstring(view.definition).iter("control")]
    return {primary: record.get(primary), **{f: record.get(f) for f in fields if f}}


def search(
    views: list[View],
    message: dict[str, Any],
    dates: dict[str, frozenset[str]],
    offline: tuple[str, ...],
    context: Context,
) -> list[Record]:
    """Categorized search of one offline table, through its Quick Find view."""
    entities, mode = message["entities"], message.get("mode", "categorized")
    if mode == "relevance":
        raise CommandNotOffered("Relevance search is not available offline; use categorized search.")
    if len(entities) != 1:
        raise CommandNotOffered("Offline search covers one table per search.")
    entity = entities[0]
    if entity not in offline:
        raise NotAvailableOffline(f"The table '{entity}' is not available offline, so it cannot be searched.")
    fields = message.get("fields")
    if fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
        raise InvalidRequest("'fields' must be a list of column names.")
    quick_find = next((v for v in views if v.entity == entity and v.kind == "quick_find"), None)
    if quick_find is None:
        raise NotAvailableOffline(f"The table '{entity}' has no Quick Find view offline.")
    fetch = ElementTree.fromstring(quick_find.definition)
    find_filter = next(fetch.iter("filter"), None)
    finds = [
        str(c.get("attribute"))
        for f in fetch.iter("filter")
        if f.get("isquickfindfields") == "1"
        for c in f.findall("condition")
    ]
    if find_filter is None or not finds:
        raise NotAvailableOffline(f"The Quick Find view of '{entity}' has no find columns.")
    searched = fields or finds
    for field in searched:
        if field in dates.get(entity, ()):
            raise NotAvailableOffline(f"'{field}' is a date column: date fields are not searchable offline.")
    pattern = str(message["text"]).replace("*", "%") + "%"
    primary = context.primary_id(entity)
    active = [
        r
        for r in run_fetch(ElementTree.tostring(fetch, encoding="unicode"), context)
        if any(_like(_plain(r.get(f)), pattern) for f in searched)
    ]
    held = {r[primary]: r for r in context.records_of(entity)}
    return [{primary: row[primary], **{f: held[row[primary]].get(f) for f in searched}} for row in active]
