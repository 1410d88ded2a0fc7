"""N:N links need AppendTo on the record the request names and Append on the one it links,
checked when the link is written: a refused link writes nothing, in a request or in a $batch
change set, and the rest of a batch that continues on error goes on."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.test_batch import change_set, part

from .conftest import Org, User

BASIC, LOCAL, DEEP, GLOBAL = 1, 2, 4, 8
READ = {"prvReadContact": GLOBAL, "prvReadLead": GLOBAL}


def _lead_and_contact(org: Org, owner: str) -> tuple[str, str]:
    lead = org.create(
        "leads", {"subject": "Lead", "lastname": "L", "ownerid@odata.bind": f"/systemusers({owner})"}
    )
    contact = org.create("contacts", {"lastname": "C", "ownerid@odata.bind": f"/systemusers({owner})"})
    return lead, contact


def _link(client: TestClient, user: User, contact: str, lead: str) -> dict[str, object]:
    response = client.post(
        f"{API}/contacts({contact})/contactleads_association/$ref",
        json={"@odata.id": f"{API}/leads({lead})"},
        headers=user.headers,
    )
    return {"status": response.status_code, **(response.json().get("error", {}) if response.content else {})}


def _linked(client: TestClient, contact: str) -> list[str]:
    rows = client.get(f"{API}/contacts({contact})/contactleads_association?$select=leadid").json()["value"]
    return [r["leadid"] for r in rows]


def test_associate_needs_append_to_on_the_target_and_append_on_the_related(
    client: TestClient, org: Org
) -> None:
    user = org.user(org.a, org.role(READ))
    lead, contact = _lead_and_contact(org, user.id)
    refused = _link(client, user, contact, lead)
    assert refused["status"] == 403 and refused["code"] == "0x80040220"
    assert "is missing prvAppendToContact privilege" in str(refused["message"])
    org.link(
        "systemusers",
        user.id,
        "systemuserroles_association",
        f"roles({org.role({'prvAppendToContact': BASIC})})",
    )
    refused = _link(client, user, contact, lead)
    assert refused["status"] == 403 and "is missing prvAppendLead privilege" in str(refused["message"])
    assert _linked(client, contact) == []
    org.link(
        "systemusers", user.id, "systemuserroles_association", f"roles({org.role({'prvAppendLead': BASIC})})"
    )
    assert _link(client, user, contact, lead)["status"] == 204
    assert _linked(client, contact) == [lead]


def test_associate_needs_access_to_both_rows(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role({**READ, "prvAppendToContact": BASIC, "prvAppendLead": BASIC}))
    peer = org.user(org.a)
    lead, _ = _lead_and_contact(org, peer.id)
    _, contact = _lead_and_contact(org, user.id)
    refused = _link(client, user, contact, lead)
    assert refused["status"] == 403
    assert str(refused["message"]).startswith(
        f"SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: {lead}"
    )
    assert "AccessRights: AppendAccess" in str(refused["message"])
    assert _linked(client, contact) == []


def test_disassociate_is_checked_too(client: TestClient, org: Org) -> None:
    user = org.user(org.a, org.role(READ))
    lead, contact = _lead_and_contact(org, user.id)
    org.link("contacts", contact, "contactleads_association", f"leads({lead})")
    response = client.delete(
        f"{API}/contacts({contact})/contactleads_association({lead})/$ref", headers=user.headers
    )
    assert response.status_code == 403 and "prvAppendToContact" in response.json()["error"]["message"]
    assert _linked(client, contact) == [lead]


def _batch(client: TestClient, user: User, chunks: list[str], prefer: str | None = None) -> str:
    body = "".join(f"--batch_L\r\n{c}" for c in chunks) + "--batch_L--\r\n"
    headers = {**user.headers, "Content-Type": "multipart/mixed; boundary=batch_L"}
    if prefer:
        headers["Prefer"] = prefer
    response = client.post(f"{API}/$batch", content=body.encode(), headers=headers)
    assert response.status_code == 200
    return response.text


def test_a_refused_link_rolls_back_its_change_set_and_a_batch_goes_on(client: TestClient, org: Org) -> None:
    grants = {**READ, "prvWriteContact": BASIC, "prvAppendToContact": BASIC}
    user = org.user(org.a, org.role(grants))
    lead, contact = _lead_and_contact(org, user.id)
    ref = {"@odata.id": f"{API}/leads({lead})"}
    chunks = [
        change_set(
            "changeset_L",
            [
                part("PATCH", f"contacts({contact})", {"firstname": "Changed"}, "1"),
                part("POST", f"contacts({contact})/contactleads_association/$ref", ref, "2"),
            ],
        ),
        part("PATCH", f"contacts({contact})", {"jobtitle": "After"}),
    ]
    text = _batch(client, user, chunks, prefer="odata.continue-on-error")
    assert "HTTP/1.1 403 Forbidden" in text and "prvAppendLead" in text
    row = client.get(f"{API}/contacts({contact})?$select=firstname,jobtitle").json()
    assert row["firstname"] is None  # the change set's update was rolled back
    assert row["jobtitle"] == "After"  # the request after it still ran
    assert _linked(client, contact) == []


def test_role_links_take_their_own_privileges(client: TestClient, org: Org) -> None:
    user = org.user(
        org.a,
        org.role(
            {
                "prvReadRole": GLOBAL,
                "prvReadSystemUser": GLOBAL,
                "prvAssignRole": GLOBAL,
                "prvWriteSystemUser": GLOBAL,
            }
        ),
    )
    peer = org.user(org.a)
    role = org.role({"prvReadAccount": BASIC})
    response = client.post(
        f"{API}/systemusers({peer.id})/systemuserroles_association/$ref",
        json={"@odata.id": f"{API}/roles({role})"},
        headers=user.headers,
    )
    assert response.status_code == 204, response.text
    assert client.get(f"{API}/accounts", headers=peer.headers).status_code == 200
