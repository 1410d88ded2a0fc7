"""Mutants of section 13 of the catalogue: profile limits (MO-PROF). The server enforces the
limits as the profile is built; a device goes wrong by following the relationships of the profile
it reads otherwise than they stand."""

from __future__ import annotations

import dataclasses

import pytest

from clients.mutants import Mutant
from clients.mutants.org_filter import rewrite_profile_items
from clients.reference import profile
from clients.reference.profile import Selection

DOCUMENTED_LIMIT = 10  # the page's relationship limit, which an organization may raise


def _follow_ten_relationships(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(
        patch, lambda i: dataclasses.replace(i, relationships=i.relationships[:DOCUMENTED_LIMIT])
    )


def _follow_one_relationship(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(patch, lambda i: dataclasses.replace(i, relationships=i.relationships[:1]))


def _follow_one_level(patch: pytest.MonkeyPatch) -> None:
    ids = Selection.ids
    patch.setattr(
        Selection,
        "ids",
        lambda selection, entity, visiting=frozenset(): (
            frozenset()
            if visiting and selection.profile.items[entity].criteria == profile.RELATED_ONLY
            else ids(selection, entity, visiting)
        ),
    )


def _follow_self_references(patch: pytest.MonkeyPatch) -> None:
    ids = Selection.ids

    def with_parents(
        selection: Selection, entity: str, visiting: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        found = ids(selection, entity, visiting)
        info = selection.metadata[entity]
        for key in info.navigations:
            column, target = key.split(":", 1)
            if target == entity:
                found |= selection.api.lookup_values(info.entity_set, info.primary_id, column, found)
        return found

    patch.setattr(Selection, "ids", with_parents)


MUTANTS = (
    Mutant(
        name="follows_ten_relationships",
        defect="follows at most 10 relationships per profile entity, though the organization allows more",
        requirements=("MO-PROF-001",),
        apply=_follow_ten_relationships,
    ),
    Mutant(
        name="follows_one_relationship_per_entity",
        defect="follows only one relationship of each profile entity",
        requirements=("MO-PROF-002",),
        apply=_follow_one_relationship,
    ),
    Mutant(
        name="follows_one_level_of_related_data",
        defect="downloads nothing for an entity related only to another related-only entity",
        requirements=("MO-PROF-003",),
        apply=_follow_one_level,
    ),
    Mutant(
        name="follows_self_references",
        defect="also downloads the rows a downloaded row points to through a relationship to its own table",
        requirements=("MO-PROF-004",),
        apply=_follow_self_references,
    ),
)
