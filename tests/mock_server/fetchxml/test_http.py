"""``GET /<entityset>?fetchXml=`` end to end, through the HTTP app and with dynamics-web-api."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from starlette.testclient import TestClient

from mock_server.auth import DEFAULT_ADMIN_TOKEN
from tests.conftest import API, LiveServer
from tests.mock_server.fetchxml.conftest import Mock

COOKIE = "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"
PROBE = "<fetch count='1'><entity name='account'><attribute name='name'/></entity></fetch>"
NODE_MODULES = Path(__file__).parents[2] / "interop" / "node" / "node_modules"


def get(client: TestClient, entity_set: str, xml: str) -> dict[str, object]:
    response = client.get(f"{API}/{entity_set}?fetchXml={quote(xml)}")
    body: dict[str, object] = response.json()
    body["status"] = response.status_code
    return body


@pytest.fixture(scope="module")
def http(mock: Mock) -> TestClient:
    return mock.client


def test_paging_over_http_until_the_cookie_disappears(http: TestClient) -> None:
    xml = (
        "<fetch count='4'><entity name='account'><attribute name='name'/><order attribute='name'/>"
        "</entity></fetch>"
    )
    names: list[str] = []
    request = xml
    for _ in range(10):
        response = http.get(f"{API}/accounts?fetchXml={quote(request)}")
        assert response.status_code == 200 and response.headers["odata-version"] == "4.0"
        body = response.json()
        names += [row["name"] for row in body["value"]]
        if COOKIE not in body:
            break
        info = re.search(r'pagingcookie="(<cookie page="(\d+)".+</cookie>)', unquote(unquote(body[COOKIE])))
        assert info is not None
        request = xml.replace(
            "<fetch", f'<fetch page="{int(info[2]) + 1}" paging-cookie="{escape(info[1])}"', 1
        )
    everything = http.get(f"{API}/accounts?$select=name&$orderby=name").json()["value"]
    assert names == [row["name"] for row in everything]


def test_errors_over_http(http: TestClient) -> None:
    missing = get(http, "accounts", "<fetch><entity name='account'><attribute name='x'/></entity></fetch>")
    assert missing["status"] == 400
    assert missing["error"] == {
        "code": "0x80041103",
        "message": "'account' entity doesn't contain attribute with Name = 'x'.",
    }
    assert get(http, "contacts", PROBE)["status"] == 400
    assert get(http, "accounts", "<fetch")["status"] == 400


@pytest.mark.interop
def test_dynamics_web_api_fetch_all(live_server: LiveServer) -> None:
    assert NODE_MODULES.joinpath("dynamics-web-api").is_dir(), "run scripts/setup first"
    env = {
        **os.environ,
        "DATAVERSE_URL": live_server.origin,
        "DATAVERSE_TOKEN": DEFAULT_ADMIN_TOKEN,
        "NODE_EXTRA_CA_CERTS": str(live_server.ca_file),
        "NODE_PATH": str(NODE_MODULES),
    }
    script = Path(__file__).with_name("fetch_all.cjs")
    result = subprocess.run(
        ["node", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    with live_server.http() as client:
        everything = [
            row["name"] for row in client.get("accounts?$select=name&$orderby=name").json()["value"]
        ]
    assert out["names"] == everything and len(everything) > 6
    assert out["pagingInfo"]["page"] == 1 and out["pagingInfo"]["nextPage"] == 2
