"""Module-wide fixtures: the seeded database of ``seed.py`` and a runner of filters over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.store.database import Database
from tests.mock_server.odata.filter.seed import NAMES, Run, runner, seeded


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    db = seeded()
    yield db
    db.close()


@pytest.fixture(scope="module")
def run(database: Database) -> Run:
    """``run(entity, filter_text, aliases=None, **scope_overrides)`` -> names of the selected rows."""
    return runner(database, NAMES)
