"""Option values the generator may write, read from the schema rather than spelled out here.

Generators say which states they want and how often (``{1: 25, 2: 20}``); this module checks
those against the entity definitions once, then answers draws from a seeded ``Random``. A
picklist or state/status value that is not an option of its attribute can therefore never be
written: a wrong weight table fails on first use instead of producing silently invalid rows.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from mock_server.schema import schema
from mock_server.store.derive import default_state_status, status_for_state


def _attribute_values(entity: str, attribute: str) -> tuple[int, ...]:
    definition = schema().entity(entity)
    found = definition.attribute(attribute) if definition else None
    if found is None or not found.options:
        raise ValueError(f"{entity}.{attribute} has no options in the schema")
    return tuple(o.value for o in found.options)


@cache
def option_values(entity: str, attribute: str) -> tuple[int, ...]:
    """Every valid value of a picklist, state, status or boolean attribute, in schema order."""
    return _attribute_values(entity, attribute)


@cache
def statuses_of(entity: str, state: int) -> tuple[int, ...]:
    """The status reasons belonging to ``state``, the state's default status first."""
    definition = schema().entity(entity)
    status = definition.attribute("statuscode") if definition else None
    if definition is None or status is None or state not in option_values(entity, "statecode"):
        raise ValueError(f"{entity} has no state {state}")
    default = status_for_state(definition, state)
    values = [o.value for o in status.options if o.state == state]
    values.sort(key=lambda v: v != default)  # stable: the default first, then schema order
    return tuple(values)


@dataclass(frozen=True)
class Weighted:
    """A validated weighted choice among option values, ready for ``Random.choices``."""

    values: tuple[int, ...]
    cum_weights: tuple[float, ...]

    def draw(self, rng: random.Random) -> int:
        # What ``rng.choices(values, cum_weights=...)`` does, without its per-call overhead.
        cum = self.cum_weights
        return self.values[bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


def weighted(entity: str, attribute: str, weights: Mapping[int, float] | None = None) -> Weighted:
    """A draw over ``attribute``'s options; ``weights`` (value -> weight) must name valid options.
    Without weights every option is equally likely."""
    valid = option_values(entity, attribute)
    table = dict(weights) if weights is not None else dict.fromkeys(valid, 1.0)
    unknown = [v for v in table if v not in valid]
    if unknown:
        raise ValueError(f"{entity}.{attribute}: {unknown} are not options (valid: {valid})")
    values = tuple(table)
    return Weighted(values, tuple(accumulate(float(table[v]) for v in values)))


@dataclass(frozen=True)
class StateStatus:
    """A weighted draw of a (statecode, statuscode) pair that belongs together.

    Within a state the default status gets ``default_share`` of the draws and the other
    status reasons of that state split the rest evenly.
    """

    states: Weighted
    by_state: Mapping[int, Weighted]

    def draw(self, rng: random.Random) -> tuple[int, int]:
        state = self.states.draw(rng)
        return state, self.by_state[state].draw(rng)

    def draw_in(self, rng: random.Random, state: int) -> tuple[int, int]:
        """A pair with a given state (it must be one of the weighted states)."""
        return state, self.by_state[state].draw(rng)


def state_status(entity: str, weights: Mapping[int, float], default_share: float = 0.7) -> StateStatus:
    """Pairs for ``entity`` with states drawn by ``weights`` (statecode -> weight)."""
    states = weighted(entity, "statecode", weights)
    by_state: dict[int, Weighted] = {}
    for state in states.values:
        statuses = statuses_of(entity, state)
        if len(statuses) == 1:
            share: dict[int, float] = {statuses[0]: 1.0}
        else:
            rest = (1.0 - default_share) / (len(statuses) - 1)
            share = {s: (default_share if i == 0 else rest) for i, s in enumerate(statuses)}
        by_state[state] = weighted(entity, "statuscode", share)
    return StateStatus(states, by_state)


@cache
def default_pair(entity: str) -> tuple[int, int]:
    """The state a new row starts in and that state's default status (the write path's rule)."""
    definition = schema().entity(entity)
    state, status = default_state_status(definition) if definition else (None, None)
    if state is None or status is None:
        raise ValueError(f"{entity} has no state/status pair")
    return state, status


@cache
def checked(entity: str, attribute: str, value: int) -> int:
    """``value``, after making sure it is an option of ``entity.attribute``."""
    if value not in option_values(entity, attribute):
        raise ValueError(f"{value} is not an option of {entity}.{attribute}")
    return value
