"""Two real third-party Dataverse clients, unmodified, against ``mock-dataverse serve`` over TLS:
Microsoft's Python SDK and the npm package dynamics-web-api."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken

from mock_server.auth import DEFAULT_ADMIN_TOKEN
from mock_server.seed import ADMIN_USER_ID
from tests.conftest import LiveServer

pytestmark = pytest.mark.interop
NODE_DIR = Path(__file__).parent / "node"


class StaticToken:
    """The smallest azure-core TokenCredential: always the mock's admin token."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(DEFAULT_ADMIN_TOKEN, int(time.time()) + 3600)


def test_microsoft_python_sdk(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from PowerPlatform.Dataverse.client import DataverseClient
    from PowerPlatform.Dataverse.models import UpsertItem

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(live_server.ca_file))
    with DataverseClient(live_server.origin, StaticToken()) as client:
        account_id = client.records.create("account", {"name": "SDK Contoso", "accountnumber": "SDK-1"})
        many = client.records.create("account", [{"name": "SDK Bulk 1"}, {"name": "SDK Bulk 2"}])
        contact_id = client.records.create(
            "contact",
            {"lastname": "SDK Ada", "parentcustomerid_account@odata.bind": f"/accounts({account_id})"},
        )
        record = client.records.retrieve("account", account_id, select=["name", "accountnumber"])
        assert record is not None and record["name"] == "SDK Contoso" and record.etag
        client.records.update(
            "account",
            account_id,
            {"name": "SDK Contoso 2", "primarycontactid@odata.bind": f"/contacts({contact_id})"},
        )
        client.records.upsert(
            "account", [UpsertItem(alternate_key={"accountnumber": "SDK-1"}, record={"name": "SDK Upserted"})]
        )
        client.records.upsert(
            "account",
            [UpsertItem(alternate_key={"accountnumber": "SDK-9"}, record={"name": "SDK Created By Upsert"})],
        )
        pages = list(
            client.records.list_pages(
                "account",
                select=["name"],
                filter="startswith(name,'SDK')",
                orderby=["name asc"],
                top=50,
                page_size=2,
                count=True,
            )
        )
        names = [r["name"] for page in pages for r in page]
        assert names == sorted(["SDK Upserted", "SDK Bulk 1", "SDK Bulk 2", "SDK Created By Upsert"])
        assert len(pages) == 2
        expanded = client.records.retrieve(
            "account", account_id, select=["name"], expand=["primarycontactid($select=lastname)"]
        )
        assert expanded is not None and expanded["primarycontactid"]["lastname"] == "SDK Ada"
        client.records.delete("account", many[0])
        assert client.records.retrieve("account", many[0]) is None
    with live_server.http() as http:
        body = http.get(f"accounts({account_id})?$select=name,_primarycontactid_value").json()
        assert (body["name"], body["_primarycontactid_value"]) == ("SDK Upserted", contact_id)
        count = http.get("accounts/$count?$filter=startswith(name,'SDK')").text
        assert count == "3"


def run_node(server: LiveServer, script: str) -> dict[str, Any]:
    """Run a Node script of ``tests/interop/node`` against the server; its JSON output."""
    assert (NODE_DIR / "node_modules" / "dynamics-web-api").is_dir(), "run scripts/setup first"
    env = {
        **os.environ,
        "DATAVERSE_URL": server.origin,
        "DATAVERSE_TOKEN": DEFAULT_ADMIN_TOKEN,
        "NODE_EXTRA_CA_CERTS": str(server.ca_file),
    }
    result = subprocess.run(
        ["node", script], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_dynamics_web_api(live_server: LiveServer) -> None:
    out = run_node(live_server, "crud.cjs")
    assert out["representationName"] == "Node Representation"
    assert out["retrievedById"] == out["retrievedByKey"] == "Node Contoso"
    assert out["updated"] is True
    assert out["page1"] == ["Node Contoso 2", "Node Representation"]
    assert out["count"] == 3
    assert out["page2"] == ["Node Upserted"]
    assert out["all"] == ["Node Upserted", "Node Representation", "Node Contoso 2"]
    assert out["expandedPrimary"] == "Node Ada"
    assert out["expandedChildren"] == ["Node Ada"]
    assert out["countFiltered"] == 3
    assert out["deleted"] is True
    assert out["who"] == ADMIN_USER_ID
    assert out["missing"] == {"status": 404, "code": "0x80040217"}
    with live_server.http() as http:
        assert http.get(f"accounts({out['upsertId']})").status_code == 404
        assert http.get("accounts(accountnumber='NODE-1')?$select=name").json()["name"] == "Node Contoso 2"


def test_dynamics_web_api_batch_with_a_change_set_failing_halfway(live_server: LiveServer) -> None:
    out = run_node(live_server, "batch.cjs")
    assert out["good"] == ["object", "string", "string", "boolean"]
    assert out["bad"] == [{"status": 400, "code": "0x0"}]
    with live_server.http() as http:
        account = http.get(
            "accounts?$filter=name eq 'Node Batch Account'&$select=name"
            "&$expand=primarycontactid($select=fullname)"
        ).json()["value"]
        assert [a["primarycontactid"]["fullname"] for a in account] == ["Bobby Node Batch Bob"]
        assert http.get("accounts/$count?$filter=startswith(name,'Node Halfway')").text == "0"


def test_microsoft_python_sdk_batch_with_a_change_set(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PowerPlatform.Dataverse.client import DataverseClient

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(live_server.ca_file))
    with DataverseClient(live_server.origin, StaticToken()) as client:
        batch = client.batch.new()
        batch.records.create("account", {"name": "PyBatch Outside"})
        with batch.changeset() as change_set:
            contact = change_set.records.create("contact", {"lastname": "PyBatch Bob"})
            change_set.records.create(
                "account", {"name": "PyBatch Inside", "primarycontactid@odata.bind": contact}
            )
            change_set.records.update("contact", contact, {"firstname": "Bobby"})
        result = batch.execute()
        assert [r.status_code for r in result.responses] == [204, 204, 204, 204]
        assert [r.content_id for r in result.responses[1:]] == ["1", "2", "3"]
        assert all(r.entity_id for r in result.responses[:3])

        failing = client.batch.new()
        with failing.changeset() as change_set:
            change_set.records.create("account", {"name": "PyHalfway 1"})
            change_set.records.create("account", {"name": "PyHalfway 2", "numberofemployees": "many"})
        outcome = failing.execute()
        assert [r.status_code for r in outcome.responses] == [400]
    with live_server.http() as http:
        inside = http.get(
            "accounts?$filter=name eq 'PyBatch Inside'&$expand=primarycontactid($select=fullname)"
        )
        assert [a["primarycontactid"]["fullname"] for a in inside.json()["value"]] == ["Bobby PyBatch Bob"]
        assert http.get("accounts/$count?$filter=startswith(name,'PyHalfway')").text == "0"


def test_microsoft_python_sdk_fetchxml_with_paging(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PowerPlatform.Dataverse.client import DataverseClient

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(live_server.ca_file))
    with live_server.http() as http:
        listed = http.get("contacts?$select=contactid&$orderby=contactid").json()["value"]
    expected = [r["contactid"] for r in listed]
    xml = (
        '<fetch count="7"><entity name="contact"><attribute name="fullname" />'
        '<order attribute="contactid" /></entity></fetch>'
    )
    with DataverseClient(live_server.origin, StaticToken()) as client:
        pages = list(client.query.fetchxml(xml).execute_pages())
    assert len(pages) == -(-len(expected) // 7) > 1
    assert [r["contactid"] for page in pages for r in page] == expected
