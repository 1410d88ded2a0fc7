"""The private pytest-bdd API the report needs, in one place, so an upgrade breaks only here.

pytest-bdd keeps no public link from a collected test to the scenario it runs: the scenario
template sits in a registry keyed by the test function, and the example row of an outline is
the value of the ``_pytest_bdd_example`` parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bdd.scenario import scenario_wrapper_template_registry

if TYPE_CHECKING:
    import pytest
    from pytest_bdd.parser import ScenarioTemplate

__all__ = ["example_row", "scenario_template"]

EXAMPLE_PARAMETER = "_pytest_bdd_example"


def scenario_template(item: pytest.Item) -> ScenarioTemplate | None:
    """The scenario (as written, placeholders unrendered) a test runs; ``None`` for other tests."""
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:  # not weakly referenceable, so never registered
        return None


def example_row(item: pytest.Item) -> dict[str, str]:
    """The example row of a scenario outline's test (column -> value); empty for a plain scenario."""
    callspec = getattr(item, "callspec", None)
    row = callspec.params.get(EXAMPLE_PARAMETER, {}) if callspec is not None else {}
    return {str(key): str(value) for key, value in row.items()}
