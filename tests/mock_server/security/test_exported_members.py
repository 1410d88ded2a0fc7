"""The security package's public surface, pinned."""

from __future__ import annotations

import mock_server.security as security


def test_exported_members() -> None:
    assert sorted(security.__all__) == sorted(
        ["IDENTITY_SOURCES", "OPERATIONS", "WRITE_CHECKS", "Access", "check_links", "load_access"]
    )
    assert [op.name for op in security.OPERATIONS] == ["GrantAccess", "ModifyAccess", "RevokeAccess"]
