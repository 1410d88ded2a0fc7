"""A seeded mock with a few known rows, and a runner of FetchXML against it.

Until ``?fetchXml=`` is routed, queries run through ``run_fetchxml``/``fetchxml_response`` with
a ``Call`` built the way the Web API builds one (its connection, writer and caller), on the
same database the HTTP client writes to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

from mock_server.app import MockState, Settings, create_app
from mock_server.fetchxml import fetchxml_response, run_fetchxml
from mock_server.odata.context import Call
from mock_server.odata.prefer import parse_prefer
from mock_server.odata.query_options import parse_query_string
from mock_server.schema import Entity, schema
from mock_server.store.records import Writer
from tests.conftest import ADMIN_HEADERS, API
from tests.mock_server.test_webapi_records import create

BASE = "https://testserver/api/data/v9.2/"


@dataclass
class Mock:
    """The app, its HTTP client, and the ids of the rows the tests made, by name."""

    client: TestClient
    state: MockState
    ids: dict[str, str]

    def call(self, conn: Any, prefer: str = "", query: str = "") -> Call:
        caller = self.state.caller(conn, ADMIN_HEADERS["Authorization"])
        return Call(
            method="GET",
            conn=conn,
            writer=Writer(conn, self.state.db, self.state.seed, caller),
            caller=caller,
            preferences=parse_prefer([prefer]),
            options=parse_query_string(query),
            headers={},
            body=b"",
            base_url=BASE,
            url=f"{BASE}x",
            content_ids={},
        )

    def run(self, xml: str, entity: str | None = None, prefer: str = "", query: str = "") -> dict[str, Any]:
        """The body answering ``xml`` on the entity set of ``entity`` (by default the one it names)."""
        with self.state.db.transaction() as conn:
            return run_fetchxml(self.call(conn, prefer, query), _entity(entity or _named(xml)), xml)

    def respond(self, xml: str, prefer: str = "") -> Response:
        with self.state.db.transaction() as conn:
            return fetchxml_response(self.call(conn, prefer), _entity(_named(xml)), xml)

    def names(self, xml: str, key: str = "name") -> list[str]:
        return [row.get(key, "") for row in self.run(xml)["value"]]

    def odata(self, entity_set: str, query: str) -> list[dict[str, Any]]:
        response = self.client.get(f"{API}/{entity_set}?{query}")
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["value"]
        return rows


def _named(xml: str) -> str:
    match = re.search(r"<entity name=['\"](\w+)['\"]", xml)
    return match[1] if match else "account"


def _entity(name: str) -> Entity:
    entity = schema().entity(name)
    assert entity is not None
    return entity


def fetch(entity: str, inner: str, attributes: str = "<attribute name='name'/>", **fetch_attrs: str) -> str:
    """A FetchXML document: ``<fetch {fetch_attrs}><entity name>{attributes}{inner}</entity></fetch>``."""
    extra = "".join(f" {k.replace('_', '-')}='{v}'" for k, v in fetch_attrs.items())
    return f"<fetch{extra}><entity name='{entity}'>{attributes}{inner}</entity></fetch>"


def seed_rows(client: TestClient) -> dict[str, str]:
    """Accounts, contacts and tasks named FX..., with known values, made through the Web API."""
    ids: dict[str, str] = {}
    accounts: list[tuple[str, dict[str, object]]] = [
        (
            "FX Alpha",
            {"numberofemployees": 10, "revenue": 100.5, "creditonhold": True, "address1_city": "Oslo"},
        ),
        (
            "FX Beta",
            {"numberofemployees": 20, "revenue": 2000, "creditonhold": False, "address1_city": "Rome"},
        ),
        ("FX Gamma", {"numberofemployees": 30, "industrycode": 1}),
        ("FX Delta_1", {"numberofemployees": 40, "address1_city": "Oslo"}),
    ]
    for name, values in accounts:
        ids[name] = create(client, "accounts", {"name": name, **values})
    for child, parent in (("FX Delta_1", "FX Alpha"), ("FX Gamma", "FX Delta_1")):
        bind = {"parentaccountid@odata.bind": f"/accounts({ids[parent]})"}
        assert client.patch(f"{API}/accounts({ids[child]})", json=bind).status_code == 204
    contacts: tuple[tuple[str, str | None, str | None], ...] = (
        ("Ann", "FX Alpha", "1990-05-17T00:00:00Z"),
        ("Bob", "FX Alpha", None),
        ("Cid", "FX Beta", "1985-01-02T10:30:00Z"),
        ("Dee", None, None),
    )
    for first, employer, birthdate in contacts:
        body: dict[str, object] = {"firstname": first, "lastname": "FX", "birthdate": birthdate}
        if employer:
            body["parentcustomerid_account@odata.bind"] = f"/accounts({ids[employer]})"
        ids[first] = create(client, "contacts", body)
    bind = {"primarycontactid@odata.bind": f"/contacts({ids['Ann']})"}
    assert client.patch(f"{API}/accounts({ids['FX Alpha']})", json=bind).status_code == 204
    for subject, regarding in (("FX call Alpha", "FX Alpha"), ("FX call Alpha again", "FX Alpha")):
        ids[subject] = create(
            client,
            "tasks",
            {"subject": subject, "regardingobjectid_account_task@odata.bind": f"/accounts({ids[regarding]})"},
        )
    return ids


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    """One seeded mock (5 generated accounts) plus the FX rows, shared by a module's tests."""
    app = create_app(Settings(scale=5))
    with TestClient(app, base_url="https://testserver", headers=ADMIN_HEADERS) as client:
        yield Mock(client, app.state.mock, seed_rows(client))
