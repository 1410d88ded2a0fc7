"""The public surface of ``mock_server.offline``."""

from __future__ import annotations

import mock_server.offline as offline


def test_exported_members() -> None:
    assert sorted(offline.__all__) == [
        "DownloadPlan",
        "OPERATIONS",
        "WRITE_CHECKS",
        "caller_for",
        "download_plan",
        "profile_plan",
    ]
    assert {op.name for op in offline.OPERATIONS} == {
        "ValidateMobileOfflineProfile",
        "PublishMobileOfflineProfile",
        "RetrieveMobileOfflineRecordIds",
    }
    assert all(op.bound_to == "mobileofflineprofile" for op in offline.OPERATIONS)
