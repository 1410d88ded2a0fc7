"""Mutants of section 14 of the catalogue: profile filter rules (MO-RULE)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ElementTree

import pytest

from clients.mutants import Mutant
from clients.mutants.org_filter import download_all_records_where, rewrite_profile_items
from clients.reference import profile
from clients.reference.profile import Selection
from clients.reference.webapi import EntityInfo


def _download_all_without_rule(patch: pytest.MonkeyPatch) -> None:
    download_all_records_where(patch, lambda i: i.criteria is None and not i.days)


def _org_filter_on_all_records(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(
        patch, lambda i: dataclasses.replace(i, criteria=None) if i.criteria == profile.ALL_RECORDS else i
    )


def _relate_to_every_readable_row(patch: pytest.MonkeyPatch) -> None:
    through = Selection._through
    patch.setattr(
        Selection,
        "_through",
        lambda selection, r, source_ids: through(
            selection, r, selection._where(selection.metadata[r.source], None) if source_ids else source_ids
        ),
    )


def _related_only_as_all_records(patch: pytest.MonkeyPatch) -> None:
    download_all_records_where(patch, lambda i: i.criteria == profile.RELATED_ONLY)


def _ignore_my_team(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(patch, lambda i: dataclasses.replace(i, my_team=False))


def _intersect_owner_options(patch: pytest.MonkeyPatch) -> None:
    owned = Selection._owned
    patch.setattr(
        Selection,
        "_owned",
        lambda selection, item, info: (
            [" and ".join(found)] if (found := owned(selection, item, info)) else []
        ),
    )


def _ignore_custom_filter(patch: pytest.MonkeyPatch) -> None:
    download_all_records_where(patch, lambda i: i.criteria == profile.CUSTOM_FILTER)


def _first_custom_condition(patch: pytest.MonkeyPatch) -> None:
    ids_only = profile._ids_only

    def first_condition(fetch_xml: str, info: EntityInfo) -> str:
        fetch = ElementTree.fromstring(ids_only(fetch_xml, info))
        for found in fetch.iter("filter"):
            for condition in found.findall("condition")[1:]:
                found.remove(condition)
        return ElementTree.tostring(fetch, encoding="unicode")

    patch.setattr(profile, "_ids_only", first_condition)


MUTANTS = (
    Mutant(
        name="downloads_all_without_rule",
        defect="downloads every row of an entity that has no filter rule at all",
        requirements=("MO-RULE-001",),
        apply=_download_all_without_rule,
    ),
    Mutant(
        name="applies_org_filter_to_all_records",
        defect="limits All Records to the rows modified within the org data filter's days",
        requirements=("MO-RULE-002",),
        apply=_org_filter_on_all_records,
    ),
    Mutant(
        name="relates_to_every_readable_row",
        defect="downloads the rows related to every row the user may read, not only to the downloaded ones",
        requirements=("MO-RULE-003",),
        apply=_relate_to_every_readable_row,
    ),
    Mutant(
        name="treats_related_only_as_all_records",
        defect="downloads every readable row of an entity set to download related data only",
        requirements=("MO-RULE-003",),
        apply=_related_only_as_all_records,
    ),
    Mutant(
        name="ignores_my_team_records",
        defect="leaves out my team's records under Other Data Filter",
        requirements=("MO-RULE-004",),
        apply=_ignore_my_team,
    ),
    Mutant(
        name="intersects_owner_options",
        defect="downloads the rows in every chosen set of Other Data Filter, not in any of them",
        requirements=("MO-RULE-004",),
        apply=_intersect_owner_options,
    ),
    Mutant(
        name="ignores_custom_filter",
        defect="downloads every readable row of an entity with a custom data filter",
        requirements=("MO-RULE-005",),
        apply=_ignore_custom_filter,
    ),
    Mutant(
        name="applies_first_custom_filter_only",
        defect="applies only the first filter of a custom data filter",
        requirements=("MO-RULE-005",),
        apply=_first_custom_condition,
    ),
)
