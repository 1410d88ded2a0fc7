"""Mutants of section 8 of the catalogue: custom entities (MO-CUST)."""

from __future__ import annotations

import pytest

from clients.mutants import Mutant
from clients.reference import catalog, driver


def _complete_without_status(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(driver, "COMPLETED_STATE", {"new_inspection": {"statecode": 1}})


def _hide_convert_to_opportunity(patch: pytest.MonkeyPatch) -> None:
    form = tuple(c for c in catalog.CONTEXT_COMMANDS["form"] if c != catalog.Command.CONVERT_TO_OPPORTUNITY)
    patch.setattr(catalog, "CONTEXT_COMMANDS", {**catalog.CONTEXT_COMMANDS, "form": form})


def _offer_custom_commands_on_account(patch: pytest.MonkeyPatch) -> None:
    offline = dict(catalog.OFFLINE_COMMANDS)
    offline["account"] = offline["account"] | catalog.CUSTOM_FORM
    patch.setattr(catalog, "OFFLINE_COMMANDS", offline)


MUTANTS = (
    Mutant(
        name="completes_without_status_reason",
        defect="Mark Complete sets the completed state without its Completed status reason",
        requirements=("MO-CUST-001",),
        apply=_complete_without_status,
    ),
    Mutant(
        name="hides_convert_to_opportunity",
        defect="leaves Convert To Opportunity off a custom table's edit form",
        requirements=("MO-CUST-001",),
        apply=_hide_convert_to_opportunity,
    ),
    Mutant(
        name="offers_custom_commands_on_account",
        defect="offers Mark Complete, Refresh and Convert To Opportunity on account, a system table",
        requirements=("MO-CUST-001",),
        apply=_offer_custom_commands_on_account,
    ),
)
