"""The security package's public surface, pinned."""

from __future__ import annotations

import mock_server.security as security


def test_exported_members() -> None:
    assert sorted(security.__all__) == sorted(
        [
            "IDENTITY_SOURCES",
            "LINK_CHECKS",
            "OPERATIONS",
            "WRITE_CHECKS",
            "Access",
            "load_access",
            "remember_access",
        ]
    )
    assert [op.name for op in security.OPERATIONS] == [
        "GrantAccess",
        "ModifyAccess",
        "RevokeAccess",
        "RetrieveUserPrivileges",
    ]
