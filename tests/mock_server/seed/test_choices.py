"""choices: option values come from the schema and bad weight tables fail on first use."""

from __future__ import annotations

import random

import pytest

from mock_server.seed.choices import checked, default_pair, state_status, statuses_of, weighted


def test_statuses_of_a_state_start_with_its_default() -> None:
    assert statuses_of("lead", 2) == (4, 5, 6, 7)
    assert statuses_of("task", 0)[0] == 2
    assert statuses_of("incident", 1) == (5, 1000)


def test_default_pair_is_the_first_state_and_its_default_status() -> None:
    assert default_pair("account") == (0, 1)
    assert default_pair("task") == (0, 2)


def test_pairs_always_belong_together() -> None:
    rng = random.Random(3)
    pairs = state_status("opportunity", {0: 1, 1: 1, 2: 1})
    drawn = {pairs.draw(rng) for _ in range(500)}
    assert drawn == {(0, 1), (0, 2), (1, 3), (2, 4), (2, 5)}


def test_weights_follow_the_table() -> None:
    rng = random.Random(5)
    draw = weighted("lead", "leadqualitycode", {1: 9, 3: 1})
    values = [draw.draw(rng) for _ in range(2000)]
    assert set(values) == {1, 3}
    assert values.count(1) > 5 * values.count(3)


@pytest.mark.parametrize(
    ("entity", "attribute", "weights"),
    [("lead", "statecode", {3: 1}), ("account", "industrycode", {0: 1}), ("account", "name", {1: 1})],
)
def test_invalid_weight_tables_are_refused(entity: str, attribute: str, weights: dict[int, float]) -> None:
    with pytest.raises(ValueError):
        weighted(entity, attribute, weights)


def test_checked_values() -> None:
    assert checked("phonecall", "statuscode", 4) == 4
    with pytest.raises(ValueError):
        checked("phonecall", "statuscode", 5)
