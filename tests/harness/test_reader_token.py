"""The token a container client is given before any scenario signs it in: it acts as a seeded
user with the Read Only role, never as the administrator, so the mock's admin API refuses it."""

from __future__ import annotations

import pytest

from harness.dataverse import DataverseCallFailed, embedded_inprocess


def test_the_reader_token_is_a_readers_and_opens_no_admin_api() -> None:
    with embedded_inprocess() as dataverse, dataverse.serving_clients():
        token = dataverse.reader_token()
        assert token and token != dataverse.admin_token
        me = dataverse.call("GET", "WhoAmI", token=token)["UserId"]
        roles = dataverse.get(f"systemusers({me})/systemuserroles_association?$select=name")["value"]
        assert [role["name"] for role in roles] == ["Read Only"]
        assert dataverse.call("GET", "accounts?$top=1&$select=name", token=token)["value"]
        with pytest.raises(DataverseCallFailed, match=r"answered 403.*needs the admin token"):
            dataverse.call("POST", f"{dataverse.origin}/_mock/reset", token=token)
