"""Mutants of section 1 of the catalogue: offline entities and commands (MO-ENT)."""

from __future__ import annotations

import pytest

from clients.mutants import Mutant
from clients.reference import catalog


def _offer_create_on_email(patch: pytest.MonkeyPatch) -> None:
    offline = dict(catalog.OFFLINE_COMMANDS)
    offline["email"] = offline["email"] | {catalog.Command.CREATE}
    patch.setattr(catalog, "OFFLINE_COMMANDS", offline)


MUTANTS = (
    Mutant(
        name="offers_create_on_email",
        defect="offers Create on email offline",
        requirements=("MO-ENT-012",),
        apply=_offer_create_on_email,
    ),
)
