"""Business rules on the device (MO-BR-001/002) and a custom table's form commands (MO-CUST-001)."""

from __future__ import annotations

from tests.clients.conftest import Device, Organization

FAIL = 100000001
NEEDS_NOTES = "Describe what failed in Notes before saving a failed inspection."


def test_rules_run_on_the_device_and_a_blocked_save_is_not_queued(
    device: Device, organization: Organization
) -> None:
    device.call("go_offline")
    form = device.call("form_state", entity="new_inspection", values={"new_score": 30})
    assert (form["values"]["new_score"], form["values"]["new_result"]) == (30, FAIL)
    assert form["errors"] == [{"column": "new_notes", "message": NEEDS_NOTES}]
    assert (form["locked"], form["hidden"]) == ([], [])

    blocked = {"new_name": "Blocked inspection", "new_score": 30}
    assert device.refuse("create", entity="new_inspection", values=blocked) == "business_rule_error"
    assert device.client.engine is not None and device.client.engine.store.queue() == []

    saved = device.call("create", entity="new_inspection", values={**blocked, "new_notes": "Leaks"})
    record = device.call("retrieve", entity="new_inspection", record_id=saved["record_id"])["record"]
    assert record["new_result"] == FAIL
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    rows = organization.get("new_inspections?$filter=new_name eq 'Blocked inspection'&$select=new_result")
    assert [row["new_result"] for row in rows["value"]] == [FAIL]


def test_a_custom_tables_form_commands_work_offline(device: Device, organization: Organization) -> None:
    device.call("go_offline")
    created = device.call("create", entity="new_inspection", values={"new_name": "Roof inspection"})
    inspection = {"entity": "new_inspection", "record_id": created["record_id"]}
    offered = device.call("available_commands", context="form", **inspection)["commands"]
    assert {"mark_complete", "refresh", "convert_to_opportunity", "delete"} <= set(offered)

    opportunity = device.call("convert_to_opportunity", **inspection)["record_id"]
    device.call("mark_complete", **inspection)
    refreshed = device.call("refresh", **inspection)["record"]
    assert (refreshed["statecode"], refreshed["statuscode"]) == (1, 2)
    assert device.refuse("mark_complete", **inspection) == "invalid_request"
    local = device.call("retrieve", entity="opportunity", record_id=opportunity)["record"]
    assert local["name"] == "Roof inspection"
    assert local["new_inspectionid"] == {"entity": "new_inspection", "id": created["record_id"]}

    device.call("go_online")
    assert device.call("sync")["errors"] == []
    [row] = organization.get("new_inspections?$filter=new_name eq 'Roof inspection'")["value"]
    assert (row["statecode"], row["statuscode"]) == (1, 2)
    converted = organization.get(
        f"opportunities?$filter=_new_inspectionid_value eq {row['new_inspectionid']}"
    )
    assert [o["name"] for o in converted["value"]] == ["Roof inspection"]
