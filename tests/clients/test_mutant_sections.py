"""The mutants of sections 5 to 14: each is named, described and tied to the catalogue."""

from __future__ import annotations

import pytest

from clients.mutants import (
    Mutant,
    custom_entities,
    notes,
    org_filter,
    profile_limits,
    profile_rules,
    search,
    security,
    subgrids,
    sync,
    views,
)
from harness.requirements import catalogue

MODULES = (
    views,
    search,
    notes,
    custom_entities,
    subgrids,
    sync,
    security,
    org_filter,
    profile_limits,
    profile_rules,
)
MUTANTS = [mutant for module in MODULES for mutant in module.MUTANTS]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_a_mutant_is_named_described_and_tied_to_the_catalogue(mutant: Mutant) -> None:
    assert mutant.name.isidentifier()
    assert mutant.defect.strip() and "\n" not in mutant.defect
    known = {requirement.id for requirement in catalogue().requirements}
    assert mutant.requirements and set(mutant.requirements) <= known


def test_mutant_names_are_unique() -> None:
    names = [mutant.name for mutant in MUTANTS]
    assert len(names) == len(set(names))
