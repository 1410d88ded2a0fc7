"""CloseIncident resolves a case through an incidentresolution activity; a case that is no
longer active cannot be resolved again (0x800404cf)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import API
from tests.mock_server.logic.helpers import create, error, get


def _case(client: TestClient) -> str:
    account = create(client, "accounts", {"name": "Resolvers"})
    return create(
        client, "incidents", {"title": "Leak", "customerid_account@odata.bind": f"/accounts({account})"}
    )


def close(client: TestClient, case: str, status: int = 5, **extra: Any) -> Any:
    resolution = {
        "subject": "Fixed the leak",
        "incidentid@odata.bind": f"/incidents({case})",
        "timespent": 30,
    }
    return client.post(
        f"{API}/CloseIncident", json={"IncidentResolution": resolution | extra, "Status": status}
    )


def test_close_incident_resolves_the_case_and_records_the_resolution(client: TestClient) -> None:
    case = _case(client)
    response = close(client, case, 1000, description="Told them how")
    assert response.status_code == 204, response.text
    row = get(client, "incidents", case, "statecode,statuscode")
    assert (row["statecode"], row["statuscode"]) == (1, 1000)
    found = client.get(f"{API}/incidentresolutions?$filter=_incidentid_value eq {case}").json()["value"]
    assert len(found) == 1
    assert (found[0]["subject"], found[0]["timespent"], found[0]["statecode"]) == ("Fixed the leak", 30, 1)


def test_a_resolved_case_answers_case_already_resolved(client: TestClient) -> None:
    case = _case(client)
    assert close(client, case).status_code == 204
    error(close(client, case), 400, "0x800404cf")
    assert (
        len(client.get(f"{API}/incidentresolutions?$filter=_incidentid_value eq {case}").json()["value"]) == 1
    )


def test_a_canceled_case_cannot_be_resolved(client: TestClient) -> None:
    case = _case(client)
    assert client.patch(f"{API}/incidents({case})", json={"statecode": 2}).status_code == 204
    error(close(client, case), 400, "0x800404cf")


def test_close_incident_checks_its_parameters(client: TestClient) -> None:
    case = _case(client)
    error(close(client, case, 6), 400, "0x80040203")
    error(client.post(f"{API}/CloseIncident", json={"Status": 5}), 400, "0x0")
    error(
        client.post(f"{API}/CloseIncident", json={"IncidentResolution": {"subject": "x"}, "Status": 5}),
        400,
        "0x0",
    )
    assert get(client, "incidents", case, "statecode")["statecode"] == 0
    assert client.get(f"{API}/CloseIncident").status_code == 404


def _opportunity(client: TestClient) -> str:
    return create(client, "opportunities", {"name": "Pumps", "estimatedvalue": 1000})


def close_opportunity(client: TestClient, action: str, opportunity: str, status: int) -> Any:
    close = {
        "subject": "Done",
        "opportunityid@odata.bind": f"/opportunities({opportunity})",
        "actualrevenue": 900,
    }
    return client.post(f"{API}/{action}", json={"OpportunityClose": close, "Status": status})


def test_win_and_lose_opportunity(client: TestClient) -> None:
    won, lost = _opportunity(client), _opportunity(client)
    assert close_opportunity(client, "WinOpportunity", won, 3).status_code == 204
    assert close_opportunity(client, "LoseOpportunity", lost, 5).status_code == 204
    assert [get(client, "opportunities", o, "statecode,statuscode")["statuscode"] for o in (won, lost)] == [
        3,
        5,
    ]
    closes = client.get(f"{API}/opportunitycloses?$filter=_opportunityid_value eq {won}").json()["value"]
    assert [(c["subject"], c["actualrevenue"], c["statecode"]) for c in closes] == [("Done", 900, 1)]
    error(close_opportunity(client, "LoseOpportunity", won, 4), 400, "0x80040515")
    error(close_opportunity(client, "WinOpportunity", _opportunity(client), 4), 400, "0x80040203")
