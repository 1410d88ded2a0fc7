"""Declared exceptions: the failures a client knowingly ships, and whether each declaration held.

A client team certifies with an expectations file (``--expectations FILE``, YAML, schema
``schema/expectations-v1.json``): each entry names a requirement ID or a scenario id, a reason,
an issue link and an expiry date. Every scenario an entry in force matches is marked
``xfail(strict=True)``, so it is an expected failure when it fails and an unexpected pass when it
passes. After the run each entry is reviewed: ``held`` (its scenarios all failed as declared),
``unexpected_pass``, ``unmatched`` (no scenario of the run is or checks that id) or ``expired``
(its date has passed; it was not applied, so its scenarios count as plain failures). Anything but
``held`` makes the run not conformant: an unexpected pass is news, not noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.report.document import packaged_schema, schema_problems
from harness.report.model import Outcome, ScenarioRecord

__all__ = ["BROKEN_DECLARATIONS", "Expectation", "Expectations", "ExpectationsError", "declarations_hold"]

BROKEN_DECLARATIONS = frozenset({"unexpected_pass", "unmatched", "expired"})


class ExpectationsError(Exception):
    """An expectations file that cannot be used: missing, not YAML, or against its schema."""


@dataclass(frozen=True)
class Expectation:
    """One declared exception."""

    id: str
    reason: str
    issue: str
    expires: dt.date

    def matches(self, scenario_id: str, requirements: Iterable[str]) -> bool:
        return self.id == scenario_id or self.id in requirements

    def in_force(self, today: dt.date) -> bool:
        return today <= self.expires

    @property
    def xfail_reason(self) -> str:
        return f"declared exception {self.id}: {self.reason} ({self.issue}, until {self.expires})"


@dataclass(frozen=True)
class Expectations:
    """The entries of one expectations file, judged against the run's start date."""

    path: Path
    entries: tuple[Expectation, ...]
    today: dt.date

    @classmethod
    def load(cls, path: Path, today: dt.date) -> Expectations:
        """Read and check ``path``; ``ExpectationsError`` saying what is wrong with it."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ExpectationsError(f"cannot read {path}: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            raise ExpectationsError(f"{path} is not YAML: {exc}") from None
        data = _dates_as_text(data)
        problems = schema_problems(packaged_schema("expectations-v1.json"), data)
        if problems:
            raise ExpectationsError(f"{path} breaks the expectations schema: " + "; ".join(problems[:5]))
        ids = [entry["id"] for entry in data["exceptions"]]
        if twice := sorted({i for i in ids if ids.count(i) > 1}):
            raise ExpectationsError(f"{path} declares {', '.join(twice)} more than once")
        entries = tuple(
            Expectation(e["id"], e["reason"], e["issue"], dt.date.fromisoformat(e["expires"]))
            for e in data["exceptions"]
        )
        return cls(path, entries, today)

    def declared(self, scenario_id: str, requirements: Iterable[str]) -> Expectation | None:
        """The entry in force that declares this scenario failing, if any (a scenario id first)."""
        requirements = tuple(requirements)
        matching = [
            e for e in self.entries if e.in_force(self.today) and e.matches(scenario_id, requirements)
        ]
        return min(matching, key=lambda e: e.id != scenario_id, default=None)

    def unmatched(self, collected: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
        """The ids of the entries that match none of the ``collected`` (scenario id, requirements)."""
        collected = [(sid, tuple(requirements)) for sid, requirements in collected]
        return [e.id for e in self.entries if not any(e.matches(sid, rids) for sid, rids in collected)]

    def review(self, records: Iterable[ScenarioRecord], unmatched: Iterable[str]) -> list[dict[str, Any]]:
        """Each entry, with the scenarios it matched and its status; ``unmatched`` are the ids
        that matched nothing the run collected."""
        records, unmatched = list(records), set(unmatched)
        reviewed = []
        for entry in self.entries:
            matched = [r for r in records if self.declared(r.id, r.requirements) is entry]
            outcomes = {r.outcome for r in matched}
            if not entry.in_force(self.today):
                status = "expired"
                matched = [r for r in records if entry.matches(r.id, r.requirements)]
            elif entry.id in unmatched:
                status = "unmatched"
            elif not matched:
                status = "not_run"
            elif Outcome.UNEXPECTED_PASS in outcomes:
                status = "unexpected_pass"
            elif outcomes == {Outcome.EXPECTED_FAILURE}:
                status = "held"
            else:
                status = "not_judged"
            reviewed.append(
                {
                    "id": entry.id,
                    "reason": entry.reason,
                    "issue": entry.issue,
                    "expires": entry.expires.isoformat(),
                    "status": status,
                    "scenarios": [r.id for r in matched],
                }
            )
        return reviewed


def declarations_hold(reviewed: Iterable[dict[str, Any]], records: Iterable[ScenarioRecord]) -> bool:
    """Whether the run's declarations held: no entry passed, matched nothing or expired, and
    every expected failure was declared by an entry."""
    reviewed = list(reviewed)
    if any(entry["status"] in BROKEN_DECLARATIONS for entry in reviewed):
        return False
    declared = {sid for entry in reviewed for sid in entry["scenarios"]}
    return all(r.id in declared for r in records if r.outcome is Outcome.EXPECTED_FAILURE)


def _dates_as_text(data: Any) -> Any:
    """YAML reads ``2027-03-31`` as a date; the schema checks dates as text."""
    if isinstance(data, dict):
        return {key: _dates_as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(value) for value in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data

