"""Every step of every scenario matches exactly one step definition.

pytest-bdd picks one definition silently when two match a step, so an ambiguous pattern would
run the wrong code without a word (a ``{name}`` that swallows the rest of a longer sentence, for
example). This check renders every scenario with each of its example rows and counts matches.
"""

from __future__ import annotations

from pathlib import Path

from pytest_bdd.feature import get_features
from pytest_bdd.steps import step_function_context_registry

import features.conftest  # noqa: F401  (imports every step module, filling the registry)

FEATURES = Path(__file__).parents[2] / "features"


def test_each_step_has_exactly_one_definition() -> None:
    definitions = list(step_function_context_registry.values())
    problems: list[str] = []
    scenarios = 0
    for feature in get_features([str(FEATURES)]):
        for template in feature.scenarios.values():
            contexts = [context for examples in template.examples for context in examples.as_contexts()]
            for context in contexts or [{}]:
                scenarios += 1
                for step in template.render(context).steps:
                    matches = [
                        d for d in definitions if d.type == step.type and d.parser.is_matching(step.name)
                    ]
                    if len(matches) != 1:
                        problems.append(
                            f"{feature.rel_filename}: {step.keyword} {step.name}: {len(matches)} matches"
                        )
    assert scenarios > 0, "no scenario found"
    assert problems == []
