"""Mobile offline profiles: their items, associations, validation and publishing.

``OPERATIONS`` are the functions and actions this area adds to the Web API (see
``odata/operations.py``); ``WRITE_CHECKS`` run before every create, update and delete
(see ``store/records.py``).

    profile.py   a profile, its items and associations, read from the store
    rules.py     the profile rules: what a save refuses, what validation reports
    checks.py    the write check applying the rules on every save
    download.py  which rows an item downloads for a user (``download_plan``)
    actions.py   ValidateMobileOfflineProfile, PublishMobileOfflineProfile and
                 RetrieveMobileOfflineRecordIds
    errors.py    one 400 error per rule, with its Dataverse code
"""

from __future__ import annotations

from mock_server.odata.operations import Operation
from mock_server.offline import actions
from mock_server.offline.checks import check_offline_write
from mock_server.offline.download import DownloadPlan, caller_for, download_plan, profile_plan
from mock_server.store.records import WriteCheck

OPERATIONS: tuple[Operation, ...] = actions.OPERATIONS
WRITE_CHECKS: tuple[WriteCheck, ...] = (check_offline_write,)

__all__ = ["OPERATIONS", "WRITE_CHECKS", "DownloadPlan", "caller_for", "download_plan", "profile_plan"]
