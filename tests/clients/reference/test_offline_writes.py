"""Offline writes reach the server at the next sync, in order, with offline ids resolved
(MO-ENT-031), and rejected writes come back as per-record errors."""

from __future__ import annotations

from pathlib import Path

from tests.clients.conftest import Device, Organization


def test_offline_creates_updates_and_deletes_reach_the_server(
    device: Device, organization: Organization
) -> None:
    existing_account = device.first("account")
    existing_contact = device.first("contact")
    device.call("go_offline")

    account_id = device.call("create", entity="account", values={"name": "Offline Co", "telephone1": "1"})[
        "record_id"
    ]
    contact_id = device.call(
        "create",
        entity="contact",
        values={
            "firstname": "Olive",
            "lastname": "Offline",
            "parentcustomerid": {"entity": "account", "id": account_id},
        },
    )["record_id"]
    device.call("update", entity="account", record_id=account_id, values={"telephone1": "2"})
    task_id = device.call(
        "create",
        entity="task",
        values={"subject": "Call Offline Co", "regardingobjectid": {"entity": "account", "id": account_id}},
    )["record_id"]
    doomed = device.call("create", entity="account", values={"name": "Doomed Co"})["record_id"]
    device.call("delete", entity="account", record_id=doomed)
    device.call(
        "update", entity="account", record_id=existing_account["accountid"], values={"name": "Renamed"}
    )
    device.call("delete", entity="contact", record_id=existing_contact["contactid"])

    assert device.call("retrieve", entity="account", record_id=account_id)["record"]["telephone1"] == "2"
    assert device.refuse("sync") == "offline"
    device.call("go_online")
    result = device.call("sync")
    assert result["errors"] == []
    assert result["uploaded"] == 8

    created = organization.get("accounts?$filter=name eq 'Offline Co'")["value"]
    assert len(created) == 1 and created[0]["telephone1"] == "2"
    server_account_id = created[0]["accountid"]
    contact = organization.get("contacts?$filter=lastname eq 'Offline'")["value"]
    assert len(contact) == 1
    assert contact[0]["_parentcustomerid_value"] == server_account_id
    task = organization.get("tasks?$filter=subject eq 'Call Offline Co'")["value"]
    assert len(task) == 1 and task[0]["_regardingobjectid_value"] == server_account_id
    assert organization.get("accounts?$filter=name eq 'Doomed Co'")["value"] == []
    assert organization.get(f"accounts({existing_account['accountid']})")["name"] == "Renamed"
    assert organization.status(f"contacts({existing_contact['contactid']})") == 404

    # The device now knows the records by their server ids, and the offline ids still resolve.
    local = device.call("retrieve", entity="account", record_id=account_id)["record"]
    assert local["accountid"] == server_account_id
    local_contact = device.call("retrieve", entity="contact", record_id=contact_id)["record"]
    assert local_contact["parentcustomerid"] == {"entity": "account", "id": server_account_id}
    assert device.call("retrieve", entity="task", record_id=task_id)["record"]["subject"] == "Call Offline Co"
    held = {r["accountid"] for r in device.call("local_records", entity="account")["records"]}
    assert server_account_id in held and held == organization.plan("account")


def test_a_later_write_to_a_record_uploaded_earlier_uses_its_server_id(
    device: Device, organization: Organization
) -> None:
    device.call("go_offline")
    offline_id = device.call("create", entity="competitor", values={"name": "Rival"})["record_id"]
    device.call("go_online")
    device.call("sync")
    device.call("go_offline")
    device.call("update", entity="competitor", record_id=offline_id, values={"name": "Rival Inc"})
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    assert [r["name"] for r in organization.get("competitors?$filter=startswith(name,'Rival')")["value"]] == [
        "Rival Inc"
    ]


def test_a_rejected_write_is_a_per_record_error_and_the_rest_still_upload(
    device: Device, organization: Organization
) -> None:
    account = device.first("account")
    device.call("go_offline")
    device.call("update", entity="account", record_id=account["accountid"], values={"nosuchcolumn": 1})
    device.call("create", entity="account", values={"name": "Still Uploaded"})
    device.call("go_online")
    result = device.call("sync")

    assert [(e["entity"], e["record_id"], e["operation"]) for e in result["errors"]] == [
        ("account", account["accountid"], "update")
    ]
    assert result["errors"][0]["code"] == "invalid_request"
    assert result["errors"][0]["message"].startswith("0x")
    assert result["uploaded"] == 1
    assert len(organization.get("accounts?$filter=name eq 'Still Uploaded'")["value"]) == 1
    restored = device.call("retrieve", entity="account", record_id=account["accountid"])["record"]
    assert "nosuchcolumn" not in restored


def test_a_lookup_that_cannot_be_bound_is_refused_at_once(device: Device) -> None:
    device.call("go_offline")
    code = device.refuse(
        "create",
        entity="contact",
        values={"lastname": "X", "parentcustomerid": {"entity": "task", "id": "1"}},
    )
    assert code == "invalid_request"
    assert device.refuse("create", entity="contact", values=["not", "a", "dict"]) == "invalid_request"
    assert device.refuse("retrieve", entity="contact", record_id="missing") == "not_found"


def test_an_offline_update_of_a_record_deleted_on_the_server_does_not_bring_it_back(
    device: Device, organization: Organization
) -> None:
    account = device.first("account")
    organization.admin.delete(f"accounts({account['accountid']})").raise_for_status()
    device.call("go_offline")
    device.call("update", entity="account", record_id=account["accountid"], values={"name": "Zombie"})
    device.call("go_online")
    result = device.call("sync")
    assert [(e["record_id"], e["operation"], e["code"]) for e in result["errors"]] == [
        (account["accountid"], "update", "not_found")
    ]
    assert organization.status(f"accounts({account['accountid']})") == 404
    assert device.refuse("retrieve", entity="account", record_id=account["accountid"]) == "not_found"


def test_an_activity_created_offline_shows_among_the_activities_and_keeps_one_copy(
    device: Device, organization: Organization
) -> None:
    device.call("go_offline")
    task_id = device.call("create", entity="task", values={"subject": "Mirror me"})["record_id"]
    pointer = device.call("retrieve", entity="activitypointer", record_id=task_id)["record"]
    assert (pointer["subject"], pointer["activitytypecode"]) == ("Mirror me", "task")
    device.call("go_online")
    device.call("sync")
    server_id = organization.get("tasks?$filter=subject eq 'Mirror me'")["value"][0]["activityid"]
    pointers = device.call("query", entity="activitypointer", filter={"subject": "Mirror me"})["records"]
    assert [p["activityid"] for p in pointers] == [server_id]
    device.call("go_offline")
    device.call("delete", entity="activitypointer", record_id=server_id)
    assert device.refuse("retrieve", entity="task", record_id=task_id) == "not_found"
    device.call("go_online")
    assert device.call("sync")["errors"] == []
    assert organization.status(f"tasks({server_id})") == 404


def test_the_queue_and_the_records_survive_a_restart_of_the_device(
    organization: Organization, tmp_path: Path
) -> None:
    database = str(tmp_path / "device.sqlite")
    first = Device()
    first.call(
        "configure",
        server_url=organization.server_url,
        token=organization.token,
        database=database,
        **organization.connection,
    )
    first.call("sync")
    first.call("go_offline")
    record_id = first.call("create", entity="position", values={"name": "Field engineer"})["record_id"]
    first.call("shutdown")

    second = Device()
    second.call(
        "configure",
        server_url=organization.server_url,
        token=organization.token,
        database=database,
        **organization.connection,
    )
    assert (
        second.call("retrieve", entity="position", record_id=record_id)["record"]["name"] == "Field engineer"
    )
    assert second.call("sync")["uploaded"] == 1
    assert len(organization.get("positions?$filter=name eq 'Field engineer'")["value"]) == 1
    second.call("shutdown")


def test_a_lookup_given_as_a_bare_id_points_at_the_table_that_holds_it(
    device: Device, organization: Organization
) -> None:
    parent_contact = device.first("contact")
    device.call("go_offline")
    account_id = device.call("create", entity="account", values={"name": "Bare Id Co"})["record_id"]
    to_account = device.call(
        "create", entity="contact", values={"lastname": "Bare", "parentcustomerid": account_id}
    )
    to_contact = device.call(
        "create",
        entity="contact",
        values={"lastname": "Child", "parentcustomerid": parent_contact["contactid"]},
    )
    record = device.call("retrieve", entity="contact", record_id=to_account["record_id"])["record"]
    assert record["parentcustomerid"] == {"entity": "account", "id": account_id}
    record = device.call("retrieve", entity="contact", record_id=to_contact["record_id"])["record"]
    assert record["parentcustomerid"] == {"entity": "contact", "id": parent_contact["contactid"]}
    unknown = {"lastname": "Orphan", "parentcustomerid": "00000000-0000-0000-0000-00000000abcd"}
    assert device.refuse("create", entity="contact", values=unknown) == "invalid_request"

    device.call("go_online")
    assert device.call("sync")["errors"] == []
    [account] = organization.get("accounts?$filter=name eq 'Bare Id Co'")["value"]
    [bare] = organization.get("contacts?$filter=lastname eq 'Bare'")["value"]
    assert bare["_parentcustomerid_value"] == account["accountid"]
    [child] = organization.get("contacts?$filter=lastname eq 'Child'")["value"]
    assert child["_parentcustomerid_value"] == parent_contact["contactid"]


def test_a_failed_create_rolls_back_the_writes_that_depend_on_it(
    device: Device, organization: Organization
) -> None:
    device.call("go_offline")
    account_id = device.call("create", entity="account", values={"name": "Broken Co", "nosuchcolumn": 1})[
        "record_id"
    ]
    contact_id = device.call(
        "create", entity="contact", values={"lastname": "Dependent", "parentcustomerid": account_id}
    )["record_id"]
    independent = device.call("create", entity="account", values={"name": "Independent Co"})["record_id"]
    device.call("go_online")
    result = device.call("sync")

    assert [(e["entity"], e["record_id"], e["code"]) for e in result["errors"]] == [
        ("account", account_id, "invalid_request"),
        ("contact", contact_id, "invalid_request"),
    ]
    assert result["errors"][1]["message"].startswith("Not applied")
    assert result["uploaded"] == 1
    assert organization.get("accounts?$filter=name eq 'Broken Co'")["value"] == []
    assert organization.get("contacts?$filter=lastname eq 'Dependent'")["value"] == []
    assert device.refuse("retrieve", entity="account", record_id=account_id) == "not_found"
    assert device.refuse("retrieve", entity="contact", record_id=contact_id) == "not_found"
    assert (
        device.call("retrieve", entity="account", record_id=independent)["record"]["name"] == "Independent Co"
    )
