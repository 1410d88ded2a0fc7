"""RetrieveUserPrivileges lists what a user's roles grant (widest depth), team roles at Basic,
follows role changes at once, and needs Read on the user; metadata marks secured columns."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mock_server.seed import ROOT_BUSINESS_UNIT_ID
from tests.conftest import API

from .conftest import Org, User

BASIC, LOCAL, DEEP, GLOBAL = 1, 2, 4, 8
FUNCTION = "Microsoft.Dynamics.CRM.RetrieveUserPrivileges"


def _privileges(client: TestClient, user_id: str, caller: User | None = None) -> dict[str, dict[str, Any]]:
    response = client.get(
        f"{API}/systemusers({user_id})/{FUNCTION}", headers=caller.headers if caller else {}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["@odata.context"].endswith("$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse")
    return {p["PrivilegeName"]: p for p in body["RolePrivileges"]}


def test_privileges_of_the_users_roles_at_their_widest_depth(client: TestClient, org: Org) -> None:
    reader = org.role({"prvReadAccount": BASIC, "prvReadSystemuser": GLOBAL})
    wider = org.role({"prvReadAccount": DEEP, "prvCreateAccount": LOCAL})
    user = org.user(org.a, reader, wider)
    listed = _privileges(client, user.id, user)
    assert {name: p["Depth"] for name, p in listed.items()} == {
        "prvReadAccount": "Deep",
        "prvCreateAccount": "Local",
        "prvReadSystemuser": "Global",
    }
    account = listed["prvReadAccount"]
    assert account["PrivilegeId"] == org.privilege("prvReadAccount")
    assert account["BusinessUnitId"] == org.a
    assert (account["RecordFilterId"], account["RecordFilterUniqueName"]) == (None, None)


def test_team_roles_count_at_basic_depth(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadSystemuser": GLOBAL}))
    org.team(org.b, user.id, roles=(org.role({"prvWriteAccount": GLOBAL}),))
    assert _privileges(client, user.id, user)["prvWriteAccount"]["Depth"] == "Basic"


def test_a_role_change_shows_in_the_next_answer(client: TestClient, org: Org) -> None:
    base = org.role({"prvReadSystemuser": GLOBAL})
    creator = org.role({"prvCreateAccount": BASIC})
    user = org.user(org.a, base)
    assert "prvCreateAccount" not in _privileges(client, user.id, user)
    org.link("systemusers", user.id, "systemuserroles_association", f"roles({creator})")
    assert _privileges(client, user.id, user)["prvCreateAccount"]["Depth"] == "Basic"
    removed = client.delete(f"{API}/systemusers({user.id})/systemuserroles_association({creator})/$ref")
    assert removed.status_code == 204, removed.text
    assert "prvCreateAccount" not in _privileges(client, user.id, user)


def test_the_caller_needs_read_on_the_user(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({"prvReadAccount": GLOBAL}))
    response = client.get(f"{API}/systemusers({user.id})/{FUNCTION}", headers=user.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "0x80040220"
    # The administrator reads anyone's; an unknown user is 404.
    assert "prvReadAccount" in _privileges(client, user.id)
    missing = client.get(f"{API}/systemusers(00000000-0000-0000-0000-0000000000aa)/{FUNCTION}")
    assert missing.status_code == 404


def test_the_function_is_bound_to_users_only(client: TestClient) -> None:
    response = client.get(f"{API}/businessunits({ROOT_BUSINESS_UNIT_ID})/{FUNCTION}")
    assert response.status_code in (400, 404), response.text


def test_metadata_marks_the_secured_columns(client: TestClient) -> None:
    for entity, column in (("account", "fax"), ("contact", "mobilephone")):
        url = (
            f"{API}/EntityDefinitions(LogicalName='{entity}')/Attributes"
            "?$select=LogicalName,IsSecured&$filter=IsSecured eq true"
        )
        response = client.get(url)
        assert response.status_code == 200, response.text
        assert [a["LogicalName"] for a in response.json()["value"]] == [column]
