"""Business process flows: seeded definitions, stage moves with Dataverse's consistency errors,
branches the server resolves, RetrieveActivePath and RetrieveProcessInstances (MO-BPF-001,
MO-BPF-003, MO-BPF-004)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mock_server.seed.processes import INSPECTION_FLOW, LEAD_FLOW, process_id, stage_id
from tests.conftest import API
from tests.mock_server.logic.helpers import create, error, get, patch

SCHEDULE, INSPECT, FOLLOW_UP, CLOSE = (
    stage_id(INSPECTION_FLOW, s) for s in ("Schedule", "Inspect", "Follow-up", "Close")
)
QUALIFY, DEVELOP, PROPOSE, LEAD_CLOSE = (
    stage_id(LEAD_FLOW, s) for s in ("Qualify", "Develop", "Propose", "Close")
)
SET = "new_inspectionprocesses"


NO_FLOW = "00000000-0000-0000-0000-000000000000"  # processid that skips the default flow on create


def _inspection_instance(client: TestClient, **values: Any) -> tuple[str, str]:
    inspection = create(client, "new_inspections", {"new_name": "Boiler", "processid": NO_FLOW, **values})
    instance = create(
        client,
        SET,
        {"name": "Boiler", "bpf_new_inspectionid@odata.bind": f"/new_inspections({inspection})"},
    )
    return inspection, instance


def move(client: TestClient, instance: str, *stages: str, entity_set: str = SET, **extra: Any) -> Any:
    return patch(
        client,
        entity_set,
        instance,
        {
            "activestageid@odata.bind": f"/processstages({stages[-1]})",
            "traversedpath": ",".join(stages),
            **extra,
        },
    )


def active_path(client: TestClient, instance: str) -> list[str]:
    response = client.get(f"{API}/RetrieveActivePath(ProcessInstanceId=@p1)?@p1={instance}")
    assert response.status_code == 200, response.text
    assert response.json()["@odata.context"].endswith("$metadata#processstages")
    return [s["processstageid"] for s in response.json()["value"]]


def test_definitions_are_seeded_with_fixed_ids(client: TestClient) -> None:
    flows = client.get(
        f"{API}/workflows?$filter=category eq 4&$select=name,uniquename,primaryentity,statecode"
    ).json()
    by_unique = {f["uniquename"]: f for f in flows["value"]}
    assert by_unique[INSPECTION_FLOW]["workflowid"] == process_id(INSPECTION_FLOW)
    assert by_unique[LEAD_FLOW]["primaryentity"] == "lead"
    stages = client.get(
        f"{API}/processstages?$filter=_processid_value eq {process_id(LEAD_FLOW)}"
        "&$select=stagename,primaryentitytypecode,stageorder,stagecategory&$orderby=stageorder"
    ).json()["value"]
    assert [(s["stagename"], s["primaryentitytypecode"]) for s in stages] == [
        ("Qualify", "lead"),
        ("Develop", "opportunity"),
        ("Propose", "opportunity"),
        ("Close", "opportunity"),
    ]


def test_seeded_leads_and_inspections_have_instances(client: TestClient) -> None:
    leads = client.get(f"{API}/leads?$select=leadid,statecode").json()["value"]
    instances = client.get(
        f"{API}/leadtoopportunitysalesprocesses?$select=_bpf_leadid_value,statuscode"
    ).json()["value"]
    assert {i["_bpf_leadid_value"] for i in instances} == {lead["leadid"] for lead in leads}
    inspections = client.get(f"{API}/new_inspections/$count").text
    assert client.get(f"{API}/{SET}/$count").text == inspections


def test_a_new_instance_starts_at_the_first_stage(client: TestClient) -> None:
    _, instance = _inspection_instance(client)
    row = get(
        client, SET, instance, "_activestageid_value,traversedpath,_processid_value,statecode,statuscode"
    )
    assert (row["_activestageid_value"], row["traversedpath"]) == (SCHEDULE, SCHEDULE)
    assert row["_processid_value"] == process_id(INSPECTION_FLOW)
    assert (row["statecode"], row["statuscode"]) == (0, 1)
    assert active_path(client, instance) == [SCHEDULE, INSPECT, CLOSE]


def test_next_previous_and_set_active_stage(client: TestClient) -> None:
    _, instance = _inspection_instance(client)
    assert move(client, instance, SCHEDULE, INSPECT).status_code == 204
    assert get(client, SET, instance, "traversedpath")["traversedpath"] == f"{SCHEDULE},{INSPECT}"
    assert move(client, instance, SCHEDULE).status_code == 204  # previous stage
    assert move(client, instance, SCHEDULE, INSPECT).status_code == 204
    assert move(client, instance, SCHEDULE, INSPECT, CLOSE).status_code == 204
    assert get(client, SET, instance, "_activestageid_value")["_activestageid_value"] == CLOSE


def test_consistency_errors(client: TestClient) -> None:
    _, instance = _inspection_instance(client)
    error(
        patch(client, SET, instance, {"activestageid@odata.bind": f"/processstages({INSPECT})"}),
        400,
        "0x80060455",
    )
    cleared = client.delete(f"{API}/{SET}({instance})/activestageid/$ref")
    error(cleared, 400, "0x80060449")
    error(move(client, instance, SCHEDULE, INSPECT, CLOSE), 400, "0x80040203")  # two stages at once
    error(
        patch(
            client,
            SET,
            instance,
            {
                "activestageid@odata.bind": f"/processstages({INSPECT})",
                "traversedpath": f"{SCHEDULE},{CLOSE}",
            },
        ),
        400,
        "0x80060455",
    )
    assert get(client, SET, instance, "traversedpath")["traversedpath"] == SCHEDULE


def test_the_server_resolves_the_branch(client: TestClient) -> None:
    inspection, instance = _inspection_instance(client, new_result=100000001, new_notes="Cracked")
    assert active_path(client, instance) == [SCHEDULE, INSPECT, FOLLOW_UP, CLOSE]
    assert move(client, instance, SCHEDULE, INSPECT).status_code == 204
    # a client that does not evaluate branches (offline) moves to the default next stage...
    assert move(client, instance, SCHEDULE, INSPECT, CLOSE).status_code == 204
    # ...and the server puts the instance on the branch the record's values pick
    row = get(client, SET, instance, "_activestageid_value,traversedpath")
    assert row["_activestageid_value"] == FOLLOW_UP
    assert row["traversedpath"] == f"{SCHEDULE},{INSPECT},{FOLLOW_UP}"
    assert patch(client, "new_inspections", inspection, {"new_result": 100000000}).status_code == 204
    assert active_path(client, instance) == [SCHEDULE, INSPECT, FOLLOW_UP, CLOSE]  # traversed stays


def test_finish_only_at_the_last_stage_and_abort_anywhere(client: TestClient) -> None:
    _, instance = _inspection_instance(client)
    error(patch(client, SET, instance, {"statecode": 1, "statuscode": 2}), 400, "0x80040203")
    assert patch(client, SET, instance, {"statecode": 1, "statuscode": 3}).status_code == 204
    assert patch(client, SET, instance, {"statecode": 0, "statuscode": 1}).status_code == 204
    assert move(client, instance, SCHEDULE, INSPECT).status_code == 204
    assert move(client, instance, SCHEDULE, INSPECT, CLOSE).status_code == 204
    assert patch(client, SET, instance, {"statecode": 1, "statuscode": 2}).status_code == 204
    row = get(client, SET, instance, "statuscode,completedon")
    assert row["statuscode"] == 2 and row["completedon"]


def test_multi_entity_flow_moves_to_the_opportunity_and_branches_on_its_value(client: TestClient) -> None:
    lead = create(
        client,
        "leads",
        {"subject": "Big fleet", "lastname": "Mulder", "estimatedamount": 250000, "processid": NO_FLOW},
    )
    instance = create(
        client,
        "leadtoopportunitysalesprocesses",
        {"name": "Big fleet", "bpf_leadid@odata.bind": f"/leads({lead})"},
    )
    sets = "leadtoopportunitysalesprocesses"
    error(move(client, instance, QUALIFY, DEVELOP, entity_set=sets), 400, "0x80040203")  # no opportunity yet
    response = client.post(
        f"{API}/leads({lead})/Microsoft.Dynamics.CRM.QualifyLead",
        json={"CreateAccount": False, "CreateContact": False, "CreateOpportunity": True, "Status": 3},
    )
    assert response.status_code == 200, response.text
    opportunity = response.json()["value"][0]["opportunityid"]
    row = get(client, sets, instance, "_bpf_opportunityid_value,_activestageid_value")
    # qualifying carries the flow to the opportunity but leaves the stage at Qualify (MO-BPF-004)
    assert (row["_bpf_opportunityid_value"], row["_activestageid_value"]) == (opportunity, QUALIFY)
    assert active_path(client, instance) == [QUALIFY, DEVELOP, PROPOSE, LEAD_CLOSE]
    assert move(client, instance, QUALIFY, DEVELOP, entity_set=sets).status_code == 204
    assert patch(client, "opportunities", opportunity, {"estimatedvalue": 500}).status_code == 204
    assert active_path(client, instance) == [QUALIFY, DEVELOP, LEAD_CLOSE]


def test_retrieve_process_instances_lists_a_records_flows_newest_first(client: TestClient) -> None:
    inspection, first = _inspection_instance(client)
    second = create(
        client, SET, {"name": "Again", "bpf_new_inspectionid@odata.bind": f"/new_inspections({inspection})"}
    )
    assert move(client, first, SCHEDULE, INSPECT).status_code == 204
    response = client.get(
        f"{API}/RetrieveProcessInstances(EntityId=@p1,EntityLogicalName='new_inspection')?@p1={inspection}"
    )
    assert response.status_code == 200, response.text
    processes = response.json()["Processes"]
    assert [p["businessprocessflowinstanceid"] for p in processes] == [first, second]
    assert processes[0]["processstageid"] == INSPECT
    assert processes[0]["processdefinitionid"] == process_id(INSPECTION_FLOW)
    missing = "00000000-0000-0000-0000-0000000000bb"
    error(client.get(f"{API}/RetrieveActivePath(ProcessInstanceId=@p1)?@p1={missing}"), 404, "0x80060370")


def test_an_instance_gets_the_flow_name_and_must_belong_to_the_flows_table(client: TestClient) -> None:
    inspection = create(client, "new_inspections", {"new_name": "Named", "processid": NO_FLOW})
    instance = create(client, SET, {"bpf_new_inspectionid@odata.bind": f"/new_inspections({inspection})"})
    assert get(client, SET, instance, "name")["name"] == "Inspection Process"
    response = client.post(
        f"{API}/{SET}",
        json={
            "bpf_new_inspectionid@odata.bind": f"/new_inspections({inspection})",
            "processid@odata.bind": f"/workflows({process_id(LEAD_FLOW)})",
        },
    )
    error(response, 400, "0x80040203")


def _instances(client: TestClient, entity_set: str, lookup: str, record: str) -> list[dict[str, Any]]:
    url = f"{API}/{entity_set}?$filter=_{lookup}_value eq {record}&$select=_activestageid_value,traversedpath"
    rows: list[dict[str, Any]] = client.get(url).json()["value"]
    return rows


def test_creating_a_record_starts_its_default_flow(client: TestClient) -> None:
    """Dataverse starts the default flow when a record of its first table is created."""
    inspection = create(client, "new_inspections", {"new_name": "Auto"})
    (instance,) = _instances(client, SET, "bpf_new_inspectionid", inspection)
    assert (instance["_activestageid_value"], instance["traversedpath"]) == (SCHEDULE, SCHEDULE)
    row = get(client, "new_inspections", inspection, "processid,stageid,traversedpath")
    assert (row["processid"], row["stageid"], row["traversedpath"]) == (
        process_id(INSPECTION_FLOW),
        SCHEDULE,
        SCHEDULE,
    )
    lead = create(client, "leads", {"subject": "Auto", "lastname": "Lead"})
    (lead_instance,) = _instances(client, "leadtoopportunitysalesprocesses", "bpf_leadid", lead)
    assert lead_instance["_activestageid_value"] == QUALIFY
    # An opportunity is not the first table of the lead-to-opportunity flow: no instance.
    account = create(client, "accounts", {"name": "Customer"})
    opportunity = create(
        client, "opportunities", {"name": "Deal", "customerid_account@odata.bind": f"/accounts({account})"}
    )
    assert _instances(client, "leadtoopportunitysalesprocesses", "bpf_opportunityid", opportunity) == []


def test_a_record_can_name_its_flow_or_none(client: TestClient) -> None:
    skipped = create(client, "new_inspections", {"new_name": "Skipped", "processid": NO_FLOW})
    assert _instances(client, SET, "bpf_new_inspectionid", skipped) == []
    assert get(client, "new_inspections", skipped, "processid")["processid"] is None
    named = create(client, "new_inspections", {"new_name": "Named", "processid": process_id(INSPECTION_FLOW)})
    assert len(_instances(client, SET, "bpf_new_inspectionid", named)) == 1
    wrong = client.post(
        f"{API}/new_inspections", json={"new_name": "Wrong", "processid": process_id(LEAD_FLOW)}
    )
    error(wrong, 400, "0x80040203")


def test_a_stage_move_is_copied_onto_the_record(client: TestClient) -> None:
    inspection, instance = _inspection_instance(client)
    assert move(client, instance, SCHEDULE, INSPECT).status_code == 204
    row = get(client, "new_inspections", inspection, "processid,stageid,traversedpath")
    assert (row["processid"], row["stageid"], row["traversedpath"]) == (
        process_id(INSPECTION_FLOW),
        INSPECT,
        f"{SCHEDULE},{INSPECT}",
    )
    assert move(client, instance, SCHEDULE).status_code == 204  # back one stage
    row = get(client, "new_inspections", inspection, "stageid,traversedpath")
    assert (row["stageid"], row["traversedpath"]) == (SCHEDULE, SCHEDULE)


def test_entity_definitions_mark_the_instance_tables(client: TestClient) -> None:
    url = f"{API}/EntityDefinitions?$filter=IsBPFEntity eq true&$select=LogicalName"
    names = {e["LogicalName"] for e in client.get(url).json()["value"]}
    assert names == {"new_inspectionprocess", "leadtoopportunitysalesprocess"}
    lead = client.get(f"{API}/EntityDefinitions(LogicalName='lead')?$select=IsBPFEntity").json()
    assert lead["IsBPFEntity"] is False
