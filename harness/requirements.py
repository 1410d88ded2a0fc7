"""The requirement catalogue as typed data: the one place the suite learns the requirement IDs.

Scenarios are tagged ``@MO-XXX-NNN``; the pytest plugin registers one marker per ID and rejects
tags it does not know, and the reports group results by requirement and section and show the
owner, the statement and any decision. All of them read the IDs from here, and this module reads
them from ``requirements.json`` beside it (package data), so nobody keeps a second list by hand.
A test holds the file to the catalogue in ``shared/REQUIREMENTS.md``.

The document::

    {"version": 1,
     "sections":     [{"key", "number", "title", "decision"}, ...],   # in catalogue order
     "requirements": [{"id", "section", "statement", "owner", "source",
                       "decision"?,                                   # where the page is ambiguous
                       "entity"?, "offline"?, "not_offered"?}, ...]}  # the entity/command rows

``source`` is the heading of the Microsoft page section a requirement comes from, with its
whitespace collapsed. A document that breaks any rule (unknown section, duplicate ID, an ID out of
catalogue order, a multi-line statement, an unknown owner or command, ...) raises one
``CatalogueError`` that lists every problem found, each with its location.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "CATALOGUE_VERSION",
    "Catalogue",
    "CatalogueError",
    "Command",
    "Owner",
    "Requirement",
    "Section",
    "catalogue",
    "load_catalogue",
    "parse_catalogue",
]

CATALOGUE_VERSION = 1

ID_PATTERN = re.compile(r"MO-(?P<section>[A-Z]+)-(?P<number>\d{3})")
SECTION_KEY_PATTERN = re.compile(r"[A-Z]+")

_SECTION_KEYS = frozenset({"key", "number", "title", "decision"})
_REQUIRED_KEYS = frozenset({"id", "section", "statement", "owner", "source"})
_ENTITY_KEYS = frozenset({"entity", "offline", "not_offered"})
_REQUIREMENT_KEYS = _REQUIRED_KEYS | _ENTITY_KEYS | {"decision"}


class Owner(StrEnum):
    """Which side a requirement is checked on."""

    CLIENT = "C"  # through the client driver protocol
    SERVER = "S"  # through the mock server's Web API / admin API
    BOTH = "C+S"  # both take part, usually in a sync round trip


class Command(StrEnum):
    """A command of the entity table: what a client offers, or refuses, for an entity offline."""

    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE = "delete"
    QUALIFY = "qualify"
    DISQUALIFY = "disqualify"
    CONVERT_TO_CASE = "convert_to_case"


_OWNERS = tuple(owner.value for owner in Owner)
_COMMANDS = tuple(command.value for command in Command)


class CatalogueError(ValueError):
    """The requirement catalogue document is malformed; ``problems`` lists every fault found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("malformed requirement catalogue:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Section:
    """A section of the catalogue; ``key`` is the middle part of its IDs (``ENT`` in MO-ENT-001)."""

    key: str
    number: int
    title: str
    decision: str | None = None


@dataclass(frozen=True)
class Requirement:
    """One requirement. ``entity``, ``offline`` and ``not_offered`` are set on entity-table rows only."""

    id: str
    section: str
    statement: str
    owner: Owner
    source: str
    decision: str | None = None
    entity: str | None = None
    offline: tuple[Command, ...] = ()
    not_offered: tuple[Command, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The sections and requirements, in catalogue order, with lookups by ID and by section."""

    version: int
    sections: tuple[Section, ...]
    requirements: tuple[Requirement, ...]
    _by_id: Mapping[str, Requirement] = field(init=False, repr=False, compare=False)
    _sections: Mapping[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the indexes are derived once, here, and never change afterwards.
        object.__setattr__(self, "_by_id", MappingProxyType({r.id: r for r in self.requirements}))
        object.__setattr__(self, "_sections", MappingProxyType({s.key: s for s in self.sections}))

    @property
    def ids(self) -> tuple[str, ...]:
        """Every requirement ID, in catalogue order."""
        return tuple(self._by_id)

    def get(self, requirement_id: str) -> Requirement | None:
        """The requirement with this ID, or ``None`` when the catalogue has no such ID."""
        return self._by_id.get(requirement_id)

    def __contains__(self, requirement_id: object) -> bool:
        return requirement_id in self._by_id

    def section(self, key: str) -> Section:
        """The section with this key; ``KeyError`` for an unknown key."""
        try:
            return self._sections[key]
        except KeyError:
            raise KeyError(f"no section {key!r} in the requirement catalogue") from None

    def by_section(self, key: str) -> tuple[Requirement, ...]:
        """The requirements of one section, in catalogue order; ``KeyError`` for an unknown key."""
        self.section(key)
        return tuple(r for r in self.requirements if r.section == key)


def parse_catalogue(data: object) -> Catalogue:
    """Check a decoded catalogue document and build the ``Catalogue``; ``CatalogueError`` if malformed."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise CatalogueError([f"the document must be a JSON object, not {type(data).__name__}"])
    top = frozenset({"version", "sections", "requirements"})
    _check_keys(data, top, top, "the document", problems)
    if type(data.get("version")) is not int or data["version"] != CATALOGUE_VERSION:
        problems.append(f"version must be {CATALOGUE_VERSION}, not {data.get('version')!r}")
    sections = _parse_sections(data.get("sections"), problems)
    requirements = _parse_requirements(data.get("requirements"), sections, problems)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(CATALOGUE_VERSION, tuple(sections), tuple(requirements))


def load_catalogue(source: Traversable) -> Catalogue:
    """Read and parse a catalogue file; ``CatalogueError`` if it is not JSON or is malformed."""
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogueError([f"{source} is not valid JSON: {exc}"]) from exc
    return parse_catalogue(data)


@cache
def catalogue() -> Catalogue:
    """The project's catalogue, read once per process from the packaged ``requirements.json``."""
    return load_catalogue(files("harness").joinpath("requirements.json"))


def _check_keys(
    item: Mapping[str, Any],
    required: frozenset[str],
    allowed: frozenset[str],
    where: str,
    problems: list[str],
) -> None:
    if missing := sorted(required - item.keys()):
        problems.append(f"{where}: missing {', '.join(missing)}")
    if unknown := sorted(item.keys() - allowed):
        problems.append(f"{where}: unknown {', '.join(unknown)}")


def _text(value: object, where: str, problems: list[str], *, optional: bool = False) -> str | None:
    """A non-empty single-line string (or ``None`` where that is allowed)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be a non-empty string, not {value!r}")
        return None
    if value != value.strip() or "\n" in value or "\r" in value:
        problems.append(f"{where} must be one line without surrounding whitespace")
    return value


def _parse_sections(raw: object, problems: list[str]) -> list[Section]:
    if not isinstance(raw, list) or not raw:
        problems.append("sections must be a non-empty list")
        return []
    sections: list[Section] = []
    for position, item in enumerate(raw):
        where = f"sections[{position}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        _check_keys(item, _SECTION_KEYS, _SECTION_KEYS, where, problems)
        key, number = item.get("key"), item.get("number")
        if not isinstance(key, str) or not SECTION_KEY_PATTERN.fullmatch(key):
            problems.append(f"{where}: key must be upper-case letters, not {key!r}")
            continue
        where = f"section {key}"
        if any(section.key == key for section in sections):
            problems.append(f"{where}: duplicate key")
        if isinstance(number, bool) or number != position + 1:
            problems.append(f"{where}: number must be {position + 1} (its position), not {number!r}")
        title = _text(item.get("title"), f"{where}: title", problems)
        decision = _text(item.get("decision"), f"{where}: decision", problems, optional=True)
        sections.append(Section(key, position + 1, title or "", decision))
    return sections


def _parse_requirements(raw: object, sections: list[Section], problems: list[str]) -> list[Requirement]:
    if not isinstance(raw, list) or not raw:
        problems.append("requirements must be a non-empty list")
        return []
    order = {section.key: index for index, section in enumerate(sections)}
    requirements: list[Requirement] = []
    seen: set[str] = set()
    listed: set[str] = set()  # the sections requirements name, valid or not
    previous: tuple[int, int] | None = None
    for position, item in enumerate(raw):
        where = f"requirements[{position}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        rid = item.get("id")
        if not isinstance(rid, str) or (match := ID_PATTERN.fullmatch(rid)) is None:
            problems.append(f"{where}: id must look like MO-XXX-NNN, not {rid!r}")
            continue
        where = rid
        _check_keys(item, _REQUIRED_KEYS, _REQUIREMENT_KEYS, where, problems)
        if rid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(rid)
        section = item.get("section")
        if isinstance(section, str):
            listed.add(section)
        if not isinstance(section, str) or section not in order:
            problems.append(f"{where}: unknown section {section!r}")
        elif section != match["section"]:
            problems.append(
                f"{where}: listed under section {section!r}, but its id says {match['section']!r}"
            )
        else:
            rank = (order[section], int(match["number"]))
            if previous is not None and rank <= previous:
                problems.append(f"{where}: out of catalogue order (sections in order, ids ascending)")
            previous = rank
        owner = item.get("owner")
        if owner not in _OWNERS:
            problems.append(f"{where}: owner must be one of C, S, C+S, not {owner!r}")
        statement = _text(item.get("statement"), f"{where}: statement", problems)
        source = _text(item.get("source"), f"{where}: source", problems)
        decision = _text(item.get("decision"), f"{where}: decision", problems, optional=True)
        entity, offline, not_offered = _parse_entity_row(item, where, problems)
        if owner in _OWNERS and isinstance(section, str):
            requirements.append(
                Requirement(
                    rid,
                    section,
                    statement or "",
                    Owner(owner),
                    source or "",
                    decision,
                    entity,
                    offline,
                    not_offered,
                )
            )
    problems.extend(f"section {key}: has no requirements" for key in order if key not in listed)
    return requirements


def _parse_entity_row(
    item: Mapping[str, Any], where: str, problems: list[str]
) -> tuple[str | None, tuple[Command, ...], tuple[Command, ...]]:
    present = _ENTITY_KEYS & item.keys()
    if not present:
        return None, (), ()
    if present != _ENTITY_KEYS:
        problems.append(
            f"{where}: entity, offline and not_offered go together; missing {sorted(_ENTITY_KEYS - present)}"
        )
        return None, (), ()
    entity = item["entity"]
    if not isinstance(entity, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", entity):
        problems.append(f"{where}: entity must be a logical name (lower case), not {entity!r}")
        entity = None
    offline = _commands(item["offline"], f"{where}: offline", problems)
    not_offered = _commands(item["not_offered"], f"{where}: not_offered", problems)
    if not offline:
        problems.append(f"{where}: offline must name at least one command")
    if both := sorted(set(offline) & set(not_offered)):
        problems.append(f"{where}: {', '.join(both)} both offline and not offered")
    return entity, offline, not_offered


def _commands(raw: object, where: str, problems: list[str]) -> tuple[Command, ...]:
    if not isinstance(raw, list):
        problems.append(f"{where} must be a list of commands")
        return ()
    if unknown := [c for c in raw if c not in _COMMANDS]:
        problems.append(f"{where}: unknown commands {unknown!r} (known: {', '.join(_COMMANDS)})")
    commands = tuple(Command(c) for c in raw if c in _COMMANDS)
    if len(set(commands)) != len(commands):
        problems.append(f"{where}: a command is listed twice")
    return commands
