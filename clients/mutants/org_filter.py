"""Mutants of section 12 of the catalogue: the organization data filter (MO-ORG)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from clients.mutants import Mutant
from clients.reference import profile
from clients.reference import sync as reference_sync
from clients.reference.profile import OfflineProfile, ProfileItem
from clients.reference.webapi import WebApi

DEFAULT_DAYS = 10  # the organization's default org data filter


def rewrite_profile_items(patch: pytest.MonkeyPatch, change: Callable[[ProfileItem], ProfileItem]) -> None:
    """The sync reads each item of the user's offline profile through ``change``."""
    read_profile = profile.read_profile

    def rewritten(api: WebApi, user_id: str) -> OfflineProfile:
        return OfflineProfile({e: change(i) for e, i in read_profile(api, user_id).items.items()})

    patch.setattr(reference_sync, "read_profile", rewritten)


def download_all_records_where(patch: pytest.MonkeyPatch, taken: Callable[[ProfileItem], bool]) -> None:
    """The sync reads the items ``taken`` picks as if their rule were All Records."""
    rewrite_profile_items(
        patch, lambda i: dataclasses.replace(i, criteria=profile.ALL_RECORDS) if taken(i) else i
    )


def _one_day_more(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(patch, lambda i: dataclasses.replace(i, days=i.days + 1) if i.days else i)


def _ignore_org_filter(patch: pytest.MonkeyPatch) -> None:
    download_all_records_where(patch, lambda i: i.criteria is None and bool(i.days))


def _default_org_filter(patch: pytest.MonkeyPatch) -> None:
    rewrite_profile_items(patch, lambda i: dataclasses.replace(i, days=DEFAULT_DAYS) if i.days else i)


MUTANTS = (
    Mutant(
        name="downloads_one_day_too_many",
        defect="downloads one day too many under the org data filter",
        requirements=("MO-ORG-001",),
        apply=_one_day_more,
    ),
    Mutant(
        name="ignores_org_filter",
        defect="downloads every row of an entity without a rule, ignoring its org data filter",
        requirements=("MO-ORG-001", "MO-ORG-002"),
        apply=_ignore_org_filter,
    ),
    Mutant(
        name="uses_default_org_filter",
        defect="applies the default 10-day org data filter to every entity, whatever its own",
        requirements=("MO-ORG-002",),
        apply=_default_org_filter,
    ),
)
