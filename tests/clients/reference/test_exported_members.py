"""The package's public surface is small and pinned."""

from __future__ import annotations

import clients.reference


def test_exported_members() -> None:
    assert sorted(clients.reference.__all__) == [
        "Catalog",
        "Command",
        "OFFLINE_COMMANDS",
        "ReferenceClient",
    ]
    for name in clients.reference.__all__:
        assert getattr(clients.reference, name) is not None
