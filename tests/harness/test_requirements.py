"""The packaged requirement catalogue agrees with shared/REQUIREMENTS.md, and its loader rejects bad data."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from harness.requirements import (
    CatalogueError,
    Command,
    Owner,
    catalogue,
    load_catalogue,
    parse_catalogue,
)

SHARED = Path(__file__).parents[3] / "shared"
REQUIREMENTS_MD = SHARED / "REQUIREMENTS.md"
SEED_PAGE = SHARED / "seed" / "mobile-offline-capabilities-and-limitations.md"

SECTION_HEADING = re.compile(r"## (?P<number>\d+)\. (?P<title>.+) \((?P<key>[A-Z]+)\)")
ID_ROW = re.compile(r"\| (?P<id>MO-[A-Z]+-\d{3}) \|")
ANY_ID = re.compile(r"MO-[A-Z]+-\d{3}")
# The table spells commands for people; the catalogue uses the protocol's names.
COMMAND_NAMES = {"Convert Activity → Case": "convert_to_case"}
NONE_CELL = "—"


@dataclass(frozen=True)
class MarkdownRow:
    id: str
    section: str
    cells: tuple[str, ...]

    @property
    def owner(self) -> str:
        return self.cells[-1]


@dataclass(frozen=True)
class Markdown:
    sections: tuple[tuple[str, int, str], ...]  # (key, number, title)
    rows: tuple[MarkdownRow, ...]
    section_decisions: frozenset[str]  # keys of sections with a Decision paragraph
    requirement_decisions: frozenset[str]  # ids named by a Decision paragraph


def _read(path: Path, what: str) -> str:
    if not path.is_file():
        pytest.fail(f"{what} not found at {path}: the shared/ folder must sit beside the repository")
    return path.read_text(encoding="utf-8")


@cache
def _markdown() -> Markdown:
    sections: list[tuple[str, int, str]] = []
    rows: list[MarkdownRow] = []
    section_decisions: set[str] = set()
    requirement_decisions: set[str] = set()
    paragraphs = re.split(r"\n\s*\n", _read(REQUIREMENTS_MD, "The requirement catalogue"))
    for paragraph in paragraphs:
        for line in paragraph.splitlines():
            if heading := SECTION_HEADING.fullmatch(line.strip()):
                sections.append((heading["key"], int(heading["number"]), heading["title"]))
            elif row := ID_ROW.match(line):
                cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
                section = sections[-1][0] if sections else "(before any section)"
                rows.append(MarkdownRow(row["id"], section, cells))
        if paragraph.lstrip().startswith("Decision") and sections:
            # A Decision naming IDs belongs to those requirements, otherwise to its section.
            named = set(ANY_ID.findall(paragraph))
            if named:
                requirement_decisions |= named
            else:
                section_decisions.add(sections[-1][0])
    return Markdown(
        tuple(sections), tuple(rows), frozenset(section_decisions), frozenset(requirement_decisions)
    )


def _entity_rows() -> list[MarkdownRow]:
    # Rows of the entity table have five cells: ID, entity, works offline, not offered, owner.
    return [row for row in _markdown().rows if len(row.cells) == 5]


def _commands(cell: str) -> list[str]:
    if cell == NONE_CELL:
        return []
    return [COMMAND_NAMES.get(name, name.lower()) for name in (part.strip() for part in cell.split(","))]


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(files("harness").joinpath("requirements.json").read_text("utf-8"))
    return loaded


# -- agreement with REQUIREMENTS.md ------------------------------------------------------------------


def test_markdown_has_requirements() -> None:
    markdown = _markdown()
    assert markdown.sections, f"no '## N. Title (KEY)' headings found in {REQUIREMENTS_MD}"
    assert markdown.rows, f"no '| MO-XXX-NNN |' rows found in {REQUIREMENTS_MD}"


def test_markdown_ids_are_unique() -> None:
    ids = [row.id for row in _markdown().rows]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_same_ids_in_the_same_order() -> None:
    in_markdown = [row.id for row in _markdown().rows]
    in_catalogue = list(catalogue().ids)
    assert sorted(set(in_markdown) - set(in_catalogue)) == [], "IDs missing from the catalogue"
    assert sorted(set(in_catalogue) - set(in_markdown)) == [], "IDs not in REQUIREMENTS.md"
    assert in_catalogue == in_markdown


def test_same_owners() -> None:
    in_markdown = {row.id: row.owner for row in _markdown().rows}
    in_catalogue = {r.id: r.owner.value for r in catalogue().requirements}
    assert in_catalogue == in_markdown


def test_same_sections() -> None:
    in_catalogue = tuple((s.key, s.number, s.title) for s in catalogue().sections)
    assert in_catalogue == _markdown().sections


def test_each_requirement_sits_in_its_markdown_section() -> None:
    in_markdown = {row.id: row.section for row in _markdown().rows}
    assert {r.id: r.section for r in catalogue().requirements} == in_markdown


def test_decisions_where_markdown_has_them() -> None:
    markdown = _markdown()
    assert {s.key for s in catalogue().sections if s.decision} == markdown.section_decisions
    assert {r.id for r in catalogue().requirements if r.decision} == markdown.requirement_decisions


def test_entity_rows_match_the_table() -> None:
    rows = _entity_rows()
    assert rows, f"no entity table (ID, entity, works offline, not offered, owner) in {REQUIREMENTS_MD}"
    expected: dict[str, tuple[str | None, list[str], list[str]]] = {}
    actual: dict[str, tuple[str | None, list[str], list[str]]] = {}
    for row in rows:
        _, entity_cell, offline_cell, not_offered_cell, _ = row.cells
        names = re.findall(r"`([a-z_]+)`", entity_cell)
        assert len(names) == 1, f"{row.id}: expected one `logical_name` in {entity_cell!r}"
        expected[row.id] = (names[0], _commands(offline_cell), _commands(not_offered_cell))
        requirement = catalogue().get(row.id)
        assert requirement is not None, row.id
        actual[row.id] = (
            requirement.entity,
            [c.value for c in requirement.offline],
            [c.value for c in requirement.not_offered],
        )
    assert actual == expected


def test_only_entity_rows_name_an_entity() -> None:
    with_entity = [r.id for r in catalogue().requirements if r.entity is not None]
    assert with_entity == [row.id for row in _entity_rows()]


def test_statements_are_one_non_empty_line() -> None:
    for requirement in catalogue().requirements:
        statement = requirement.statement
        assert statement.strip(), requirement.id
        assert "\n" not in statement and "\r" not in statement, requirement.id
        assert statement == statement.strip(), requirement.id


def test_sources_are_headings_of_the_seed_page() -> None:
    headings = {
        " ".join(line.lstrip("#").split())
        for line in _read(SEED_PAGE, "The seed page").splitlines()
        if line.startswith("#")
    }
    unknown = {r.id: r.source for r in catalogue().requirements if r.source not in headings}
    assert unknown == {}


# -- the loaded catalogue ---------------------------------------------------------------------------


def test_catalogue_is_read_once() -> None:
    assert catalogue() is catalogue()


def test_lookups() -> None:
    loaded = catalogue()
    first = loaded.requirements[0]
    assert loaded.get(first.id) is first
    assert first.id in loaded
    assert loaded.get("MO-NOPE-001") is None
    assert "MO-NOPE-001" not in loaded
    assert loaded.ids == tuple(r.id for r in loaded.requirements)
    for section in loaded.sections:
        assert loaded.section(section.key) is section
        members = loaded.by_section(section.key)
        assert members, section.key
        assert all(r.section == section.key for r in members)
    assert sum(len(loaded.by_section(s.key)) for s in loaded.sections) == len(loaded.requirements)
    with pytest.raises(KeyError, match="NOPE"):
        loaded.by_section("NOPE")


def test_typed_values() -> None:
    lead = catalogue().get("MO-ENT-013")
    assert lead is not None
    assert lead.owner is Owner.BOTH
    assert Command.QUALIFY in lead.offline
    assert all(isinstance(c, Command) for r in catalogue().requirements for c in r.offline + r.not_offered)


def test_parse_accepts_the_packaged_document() -> None:
    assert parse_catalogue(_document()) == catalogue()


# -- malformed documents ----------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _requirement(document: dict[str, Any], rid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in document["requirements"] if r["id"] == rid)
    return found


def _set(rid: str, key: str, value: object) -> Mutation:
    return lambda document: _requirement(document, rid).__setitem__(key, value)


def _drop(rid: str, key: str) -> Mutation:
    return lambda document: _requirement(document, rid).__delitem__(key)


def _duplicate(rid: str) -> Mutation:
    return lambda document: document["requirements"].append(copy.deepcopy(_requirement(document, rid)))


def _swap_first_two(document: dict[str, Any]) -> None:
    requirements = document["requirements"]
    requirements[0], requirements[1] = requirements[1], requirements[0]


MALFORMED: dict[str, tuple[Mutation, str]] = {
    "wrong version": (lambda d: d.__setitem__("version", 2), "version must be 1"),
    "unknown top-level key": (lambda d: d.__setitem__("extra", []), "unknown extra"),
    "no requirements": (lambda d: d.__setitem__("requirements", []), "requirements must be a non-empty list"),
    "unknown section": (_set("MO-BR-001", "section", "XYZ"), "MO-BR-001: unknown section 'XYZ'"),
    "version true": (lambda d: d.__setitem__("version", True), "version must be 1"),
    "section not a string": (_set("MO-BR-001", "section", ["BR"]), "MO-BR-001: unknown section ['BR']"),
    "commands not a list": (_set("MO-ENT-001", "offline", "read"), "offline must be a list of commands"),
    "unhashable command": (_set("MO-ENT-001", "offline", [["read"]]), "unknown commands [['read']]"),
    "section disagrees with id": (_set("MO-BR-001", "section", "ENT"), "its id says 'BR'"),
    "duplicate id": (_duplicate("MO-ENT-001"), "MO-ENT-001: duplicate id"),
    "out of order": (_swap_first_two, "out of catalogue order"),
    "bad id": (_set("MO-BR-001", "id", "BR-1"), "id must look like MO-XXX-NNN"),
    "bad owner": (_set("MO-BR-001", "owner", "client"), "owner must be one of C, S, C+S"),
    "missing statement": (_drop("MO-BR-001", "statement"), "MO-BR-001: missing statement"),
    "empty statement": (_set("MO-BR-001", "statement", " "), "statement must be a non-empty string"),
    "two-line statement": (_set("MO-BR-001", "statement", "one\ntwo"), "statement must be one line"),
    "unknown key": (_set("MO-BR-001", "priority", 1), "MO-BR-001: unknown priority"),
    "unknown command": (_set("MO-ENT-001", "offline", ["read", "print"]), "unknown commands ['print']"),
    "command on both sides": (
        _set("MO-ENT-002", "not_offered", ["read"]),
        "read both offline and not offered",
    ),
    "entity without commands": (_drop("MO-ENT-001", "offline"), "go together"),
    "duplicate section": (
        lambda d: d["sections"].append({**d["sections"][0], "number": len(d["sections"]) + 1}),
        "section ENT: duplicate key",
    ),
    "empty section": (
        lambda d: d["sections"].append(
            {"key": "ZZZ", "number": len(d["sections"]) + 1, "title": "Z", "decision": None}
        ),
        "section ZZZ: has no requirements",
    ),
    "section number off": (lambda d: d["sections"][1].__setitem__("number", 7), "number must be 2"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_parse_rejects(name: str) -> None:
    mutate, message = MALFORMED[name]
    document = _document()
    mutate(document)
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(document)
    assert any(message in problem for problem in raised.value.problems), raised.value.problems


def test_parse_reports_every_problem_at_once() -> None:
    document = _document()
    _set("MO-BR-001", "owner", "X")(document)
    _set("MO-BR-002", "section", "XYZ")(document)
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(document)
    assert len(raised.value.problems) == 2
    assert "MO-BR-001" in str(raised.value) and "MO-BR-002" in str(raised.value)


@pytest.mark.parametrize("data", [[], "catalogue", None])
def test_parse_rejects_a_non_object(data: object) -> None:
    with pytest.raises(CatalogueError, match="must be a JSON object"):
        parse_catalogue(data)


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "requirements.json"
    path.write_text(json.dumps(_document()), encoding="utf-8")
    assert load_catalogue(path) == catalogue()


def test_load_rejects_a_malformed_file(tmp_path: Path) -> None:
    document = _document()
    _duplicate("MO-SEC-001")(document)
    path = tmp_path / "requirements.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CatalogueError, match="MO-SEC-001: duplicate id"):
        load_catalogue(path)


def test_load_rejects_text_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "requirements.json"
    path.write_text('{"version": 1, "sections": [', encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid JSON"):
        load_catalogue(path)
