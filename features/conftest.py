"""Makes the step definitions visible to every scenario (the plugin's fixtures come from
``harness.plugin``, which the package registers with pytest)."""

from features.steps.device_steps import *  # noqa: F403
from features.steps.entity_steps import *  # noqa: F403
from features.steps.write_steps import *  # noqa: F403
