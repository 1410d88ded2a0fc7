"""The suite and the requirement catalogue agree: every catalogue ID has a tagged scenario, and
every requirement tag in the feature files names an ID of the catalogue."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd.feature import get_features

from harness.plugin import REQUIREMENT_TAG
from harness.requirements import catalogue

FEATURES = Path(__file__).parents[2] / "features"


def requirement_tags() -> set[str]:
    tags: set[str] = set()
    for feature in get_features([str(FEATURES)]):
        for scenario in feature.scenarios.values():
            tags |= {tag for tag in scenario.tags if REQUIREMENT_TAG.match(tag)}
    return tags


def test_every_requirement_tag_is_in_the_catalogue() -> None:
    assert requirement_tags() - set(catalogue().ids) == set()


def test_every_requirement_has_a_scenario() -> None:
    assert sorted(set(catalogue().ids) - requirement_tags()) == []
