"""Mutants of section 11 of the catalogue: security (MO-SEC)."""

from __future__ import annotations

import pytest

from clients.mutants import Mutant
from clients.reference import profile, records
from clients.reference.profile import Selection


def _all_records_as_mine(patch: pytest.MonkeyPatch) -> None:
    where = Selection._where
    mine = f"{profile.CRM}EqualUserId(PropertyName='ownerid')"
    patch.setattr(
        Selection, "_where", lambda selection, info, condition: where(selection, info, condition or mine)
    )


def _store_secured_columns(patch: pytest.MonkeyPatch) -> None:
    from_server = records.from_server
    patch.setattr(records, "from_server", lambda row, secured=frozenset(): from_server(row))


def _store_readable_secured_columns(patch: pytest.MonkeyPatch) -> None:
    from_server = records.from_server
    patch.setattr(
        records,
        "from_server",
        lambda row, secured=frozenset(): from_server(
            row, frozenset(c for c in secured if row.get(c) is None)
        ),
    )


MUTANTS = (
    Mutant(
        name="treats_all_records_as_my_records",
        defect="downloads only the user's own rows where the profile takes every row the user may read",
        requirements=("MO-SEC-001", "MO-SEC-002", "MO-RULE-002"),
        apply=_all_records_as_mine,
    ),
    Mutant(
        name="stores_secured_columns",
        defect="stores columns under field-level security on the device",
        requirements=("MO-SEC-003", "MO-SEC-004"),
        apply=_store_secured_columns,
    ),
    Mutant(
        name="stores_readable_secured_columns",
        defect="stores a secured column on the device whenever the server lets the user read it",
        requirements=("MO-SEC-003", "MO-SEC-004"),
        apply=_store_readable_secured_columns,
    ),
)
