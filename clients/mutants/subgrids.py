"""Mutants of section 9 of the catalogue: subgrids and relationships (MO-SUB)."""

from __future__ import annotations

from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import subgrids
from clients.reference.catalog import ReadOnlyOffline
from clients.reference.driver import ReferenceClient


def _offer_add_existing_on_many_to_many(patch: pytest.MonkeyPatch) -> None:
    subgrid_commands = subgrids.subgrid_commands
    patch.setattr(
        subgrids,
        "subgrid_commands",
        lambda catalog, found, entity: (
            subgrid_commands(catalog, found, entity)
            + ([subgrids.ADD_EXISTING] if found.kind == subgrids.MANY_TO_MANY else [])
        ),
    )


def _ignore_read_only_refusal(patch: pytest.MonkeyPatch) -> None:
    add_existing = ReferenceClient.add_existing

    def quietly(client: ReferenceClient, message: dict[str, Any]) -> dict[str, Any]:
        try:
            return add_existing(client, message)
        except ReadOnlyOffline:
            return {}

    patch.setattr(ReferenceClient, "add_existing", quietly)


MUTANTS = (
    Mutant(
        name="shows_add_existing_on_many_to_many",
        defect="shows Add Existing on the subgrid of an N:N relationship offline",
        requirements=("MO-SUB-001",),
        apply=_offer_add_existing_on_many_to_many,
    ),
    Mutant(
        name="accepts_add_existing_on_many_to_many",
        defect="answers Add Existing on an N:N subgrid as done, though it changed nothing",
        requirements=("MO-SUB-002",),
        apply=_ignore_read_only_refusal,
    ),
)
