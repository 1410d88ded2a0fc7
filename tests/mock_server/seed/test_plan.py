"""plan: organisation-wide counts per scale and whole counts with a given mean."""

from __future__ import annotations

import random

import pytest

from mock_server.seed.plan import Plan, count


def test_scale_zero_is_the_administrator_alone() -> None:
    plan = Plan.for_scale(0)
    assert (plan.accounts, plan.users, plan.business_units, plan.products) == (0, 1, 1, 0)


def test_counts_follow_the_documented_ratios() -> None:
    plan = Plan.for_scale(100_000)
    assert plan.accounts == 100_000
    assert plan.child_units == 50 and plan.business_units == 151
    assert plan.users == 5001
    assert plan.positions == 626
    assert (plan.owner_teams, plan.access_teams) == (100, 50)
    assert (plan.products, plan.competitors) == (2000, 500)


def test_small_scales_keep_a_usable_organisation() -> None:
    plan = Plan.for_scale(1)
    assert plan.users == 7 and plan.business_units == 4 and plan.positions == 3
    assert plan.owner_teams == plan.access_teams == plan.products == plan.competitors == 1


def test_negative_scale_is_refused() -> None:
    with pytest.raises(ValueError):
        Plan.for_scale(-5)


@pytest.mark.parametrize("mean", [0.0, 0.25, 1.0, 2.6])
def test_count_averages_its_mean(mean: float) -> None:
    rng = random.Random(1)
    draws = [count(rng, mean) for _ in range(4000)]
    assert {int(mean), int(mean) + 1} >= set(draws)
    assert abs(sum(draws) / len(draws) - mean) < 0.05
