"""Makes the step definitions of every module in ``features/steps/`` visible to every scenario
(the plugin's fixtures come from ``harness.plugin``, which the package registers with pytest)."""

import importlib
import pkgutil

import features.steps

for _module in pkgutil.iter_modules(features.steps.__path__):
    globals().update(
        {
            name: value
            for name, value in vars(importlib.import_module(f"features.steps.{_module.name}")).items()
            if name.startswith("pytestbdd_")  # the fixtures pytest-bdd makes of step definitions
        }
    )
