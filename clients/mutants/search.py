"""Mutants of section 6 of the catalogue: offline search (MO-SRCH). Each wraps the reference
client's search (``views.search(views, message, dates, offline, context)``)."""

from __future__ import annotations

import pytest

from clients.mutants import Mutant
from clients.reference import views


def _answer_empty_outside_profile(patch: pytest.MonkeyPatch) -> None:
    search = views.search
    patch.setattr(
        views,
        "search",
        lambda found, message, dates, offline, context: (
            []
            if any(entity not in offline for entity in message["entities"])
            else search(found, message, dates, offline, context)
        ),
    )


def _search_each_table(patch: pytest.MonkeyPatch) -> None:
    search = views.search
    patch.setattr(
        views,
        "search",
        lambda found, message, dates, offline, context: [
            row
            for entity in message["entities"]
            for row in search(found, {**message, "entities": [entity]}, dates, offline, context)
        ],
    )


def _search_relevance_as_categorized(patch: pytest.MonkeyPatch) -> None:
    search = views.search
    patch.setattr(
        views,
        "search",
        lambda found, message, dates, offline, context: search(
            found, {**message, "mode": "categorized"}, dates, offline, context
        ),
    )


def _search_dates(patch: pytest.MonkeyPatch) -> None:
    search = views.search
    patch.setattr(
        views,
        "search",
        lambda found, message, dates, offline, context: search(found, message, {}, offline, context),
    )


MUTANTS = (
    Mutant(
        name="finds_nothing_outside_profile",
        defect="answers a search of a table outside the profile with no results instead of refusing it",
        requirements=("MO-SRCH-001",),
        apply=_answer_empty_outside_profile,
    ),
    Mutant(
        name="searches_several_tables",
        defect="searches several tables at once offline",
        requirements=("MO-SRCH-002",),
        apply=_search_each_table,
    ),
    Mutant(
        name="searches_relevance_offline",
        defect="runs a relevance search offline as a categorized one",
        requirements=("MO-SRCH-003",),
        apply=_search_relevance_as_categorized,
    ),
    Mutant(
        name="searches_date_fields",
        defect="searches date columns offline",
        requirements=("MO-SRCH-004",),
        apply=_search_dates,
    ),
)
