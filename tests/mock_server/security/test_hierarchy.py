"""Manager hierarchy security: a manager reads and writes direct reports' rows, only reads the
rows of deeper reports, up to the organization's depth; off by default."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_server.seed import ORGANIZATION_ID
from tests.conftest import API

from .conftest import Org, names

BASIC = 1
GRANTS = {"prvReadAccount": BASIC, "prvWriteAccount": BASIC}


def _enable(client: TestClient, depth: int | None = None) -> None:
    body: dict[str, object] = {"ishierarchicalsecuritymodelenabled": True, "hierarchicalsecuritymodel": 0}
    if depth is not None:
        body["maximumdepthforhierarchysecuritymodel"] = depth
    assert client.patch(f"{API}/organizations({ORGANIZATION_ID})", json=body).status_code == 204


def test_managers_reach_their_reports_rows(client: TestClient, org: Org) -> None:
    role = org.role(GRANTS)
    boss = org.user(org.a, role)
    report = org.user(org.a, role, manager=boss.id)
    deeper = org.user(org.a, role, manager=report.id)
    too_deep = org.user(org.a, role, manager=deeper.id)
    direct_row = org.account("Report's", report.id)
    deeper_row = org.account("Deeper's", deeper.id)
    org.account("Too deep", too_deep.id)
    assert names(client, f"{API}/accounts", boss.headers) == set()  # disabled by default
    _enable(client, depth=2)
    assert names(client, f"{API}/accounts", boss.headers) == {"Report's", "Deeper's"}
    assert names(client, f"{API}/accounts", report.headers) == {"Report's", "Deeper's", "Too deep"}
    ok = client.patch(f"{API}/accounts({direct_row})", json={"name": "Report's 2"}, headers=boss.headers)
    assert ok.status_code == 204
    refused = client.patch(f"{API}/accounts({deeper_row})", json={"name": "x"}, headers=boss.headers)
    assert refused.status_code == 403
    _enable(client, depth=3)
    assert names(client, f"{API}/accounts", boss.headers) == {"Report's 2", "Deeper's", "Too deep"}


def test_hierarchy_needs_the_read_privilege(client: TestClient, org: Org) -> None:
    _enable(client)
    boss = org.user(org.a)
    report = org.user(org.a, org.role(GRANTS), manager=boss.id)
    org.account("Report's", report.id)
    assert client.get(f"{API}/accounts", headers=boss.headers).status_code == 403


def test_position_hierarchy_reaches_lower_positions(client: TestClient, org: Org) -> None:
    role = org.role(GRANTS)
    top = org.create("positions", {"name": "Director"})
    middle = org.create("positions", {"name": "Manager", "parentpositionid@odata.bind": f"/positions({top})"})
    bottom = org.create("positions", {"name": "Rep", "parentpositionid@odata.bind": f"/positions({middle})"})
    director, manager, rep = (org.user(org.a, role), org.user(org.b, role), org.user(org.a1, role))
    for user, position in ((director, top), (manager, middle), (rep, bottom)):
        bind = {"positionid@odata.bind": f"/positions({position})"}
        assert client.patch(f"{API}/systemusers({user.id})", json=bind).status_code == 204
    managers = org.account("Manager's", manager.id)
    reps = org.account("Rep's", rep.id)
    body = {"ishierarchicalsecuritymodelenabled": True, "hierarchicalsecuritymodel": 1}
    assert client.patch(f"{API}/organizations({ORGANIZATION_ID})", json=body).status_code == 204
    assert names(client, f"{API}/accounts", director.headers) == {"Manager's", "Rep's"}
    assert names(client, f"{API}/accounts", manager.headers) == {"Manager's", "Rep's"}
    assert names(client, f"{API}/accounts", rep.headers) == {"Rep's"}
    write = {"name": "Renamed"}
    assert (
        client.patch(f"{API}/accounts({managers})", json=write, headers=director.headers).status_code == 204
    )
    assert client.patch(f"{API}/accounts({reps})", json=write, headers=director.headers).status_code == 403


def test_hierarchy_covers_the_reports_teams_and_shares(client: TestClient, org: Org) -> None:
    role = org.role(GRANTS)
    boss = org.user(org.a, role)
    report = org.user(org.a, role, manager=boss.id)
    team = org.team(org.b, report.id)
    org.account("Report's team's", team, "teams")
    shared = org.account("Shared with the report", org.user(org.b).id)
    grant = {
        "Target": {"accountid": shared, "@odata.type": "Microsoft.Dynamics.CRM.account"},
        "PrincipalAccess": {
            "Principal": {"systemuserid": report.id, "@odata.type": "Microsoft.Dynamics.CRM.systemuser"},
            "AccessMask": "ReadAccess",
        },
    }
    assert client.post(f"{API}/GrantAccess", json=grant).status_code == 204
    _enable(client)
    assert names(client, f"{API}/accounts", boss.headers) == {"Report's team's", "Shared with the report"}
    # The share is read-only to the report, so it stays read-only to the manager.
    write = client.patch(f"{API}/accounts({shared})", json={"name": "x"}, headers=boss.headers)
    assert write.status_code == 403
