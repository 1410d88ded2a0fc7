"""Field-level security: secured columns read as null and refuse writes unless a field security
profile (held by the user or one of the user's teams) allows them; administrators see all."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API

from .conftest import Org

GLOBAL = 8
ALLOWED, NOT_ALLOWED = 4, 0
GRANTS = {"prvReadContact": GLOBAL, "prvCreateContact": GLOBAL, "prvWriteContact": GLOBAL}


def _profile(org: Org, read: int, create: int, update: int) -> str:
    profile = org.create("fieldsecurityprofiles", {"name": "Mobile numbers"})
    org.create(
        "fieldpermissions",
        {
            "fieldsecurityprofileid@odata.bind": f"/fieldsecurityprofiles({profile})",
            "entityname": "contact",
            "attributelogicalname": "mobilephone",
            "canread": read,
            "cancreate": create,
            "canupdate": update,
        },
    )
    return profile


def test_secured_columns_read_as_null_without_a_profile(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role(GRANTS))
    contact = org.create("contacts", {"lastname": "Secret", "mobilephone": "+1 555 0100", "telephone1": "1"})
    row = client.get(f"{API}/contacts({contact})?$select=mobilephone,telephone1", headers=user.headers).json()
    assert row["mobilephone"] is None and row["telephone1"] == "1"
    listed = client.get(f"{API}/contacts?$select=mobilephone", headers=user.headers).json()["value"]
    assert [r["mobilephone"] for r in listed] == [None]
    everything = client.get(f"{API}/contacts({contact})", headers=user.headers).json()
    assert everything["mobilephone"] is None and everything["lastname"] == "Secret"
    admin = client.get(f"{API}/contacts({contact})?$select=mobilephone").json()
    assert admin["mobilephone"] == "+1 555 0100"
    # a single-property read is a read like any other
    assert client.get(f"{API}/contacts({contact})/mobilephone", headers=user.headers).status_code == 204
    assert client.get(f"{API}/contacts({contact})/mobilephone").json()["value"] == "+1 555 0100"


def test_writes_to_secured_columns_need_the_permission(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role(GRANTS))
    refused = client.post(f"{API}/contacts", json={"lastname": "x", "mobilephone": "1"}, headers=user.headers)
    assert (
        refused.status_code == 403
        and "AttributePrivilegeCreateIsMissing" in refused.json()["error"]["message"]
    )
    contact = org.create("contacts", {"lastname": "Plain"}, user.headers)
    refused = client.patch(f"{API}/contacts({contact})", json={"mobilephone": "2"}, headers=user.headers)
    assert refused.status_code == 403
    # Other columns stay writable.
    assert (
        client.patch(f"{API}/contacts({contact})", json={"lastname": "P"}, headers=user.headers).status_code
        == 204
    )


def test_a_profile_grants_read_and_update_through_a_team(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role(GRANTS))
    contact = org.create("contacts", {"lastname": "Shared", "mobilephone": "+1 555 0101"})
    profile = _profile(org, ALLOWED, NOT_ALLOWED, ALLOWED)
    org.team(org.a, user.id)
    team = org.team(org.a, user.id)
    org.link("teams", team, "teamprofiles_association", f"fieldsecurityprofiles({profile})")
    row = client.get(f"{API}/contacts({contact})?$select=mobilephone", headers=user.headers).json()
    assert row["mobilephone"] == "+1 555 0101"
    ok = client.patch(f"{API}/contacts({contact})", json={"mobilephone": "3"}, headers=user.headers)
    assert ok.status_code == 204
    refused = client.post(f"{API}/contacts", json={"lastname": "x", "mobilephone": "1"}, headers=user.headers)
    assert refused.status_code == 403


def test_a_user_profile_with_read_only(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role(GRANTS))
    contact = org.create("contacts", {"lastname": "Direct", "mobilephone": "+1 555 0102"})
    profile = _profile(org, ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
    org.link("systemusers", user.id, "systemuserprofiles_association", f"fieldsecurityprofiles({profile})")
    row = client.get(f"{API}/contacts({contact})?$select=mobilephone", headers=user.headers).json()
    assert row["mobilephone"] == "+1 555 0102"
    assert (
        client.patch(
            f"{API}/contacts({contact})", json={"mobilephone": "4"}, headers=user.headers
        ).status_code
        == 403
    )
