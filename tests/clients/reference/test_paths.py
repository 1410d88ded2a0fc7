"""The in-process path and the loopback path give the same results.

The same scripted session (first sync, offline writes, a lead qualified, an appointment turned
into a case, server-side changes, two more syncs) runs against a mock reached through an
in-process transport and against a real server over TLS; the transcripts of replies and the
server's resulting rows must be equal once the ids the device invents offline are named by
their order of appearance.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.clients.conftest import Device, Organization

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _session(organization: Organization) -> tuple[list[Any], set[str]]:
    device = Device()
    invented: set[str] = set()
    transcript: list[Any] = []

    def call(cmd: str, **fields: Any) -> dict[str, Any]:
        reply = device.send(cmd, **fields)
        transcript.append(reply)
        if cmd in ("create", "convert_to_case") and "result" in reply:
            invented.add(reply["result"]["record_id"])
        result: dict[str, Any] = reply.get("result", {})
        return result

    call("configure", **organization.configuration)
    call("sync")
    account = call("query", entity="account")["records"][0]
    lead = call("query", entity="lead", filter={"statecode": 0})["records"][0]
    call("go_offline")
    new_account = call("create", entity="account", values={"name": "Path Co"})["record_id"]
    call(
        "create",
        entity="contact",
        values={"lastname": "Path", "parentcustomerid": {"entity": "account", "id": new_account}},
    )
    appointment = call(
        "create",
        entity="appointment",
        values={
            "subject": "Path visit",
            "regardingobjectid": {"entity": "account", "id": account["accountid"]},
        },
    )["record_id"]
    call("convert_to_case", entity="appointment", record_id=appointment)
    call("qualify", record_id=lead["leadid"])
    call("create", entity="email", values={"subject": "refused"})
    call("retrieve", entity="businessunit", record_id=account["accountid"])
    call("sync")
    call("go_online")
    assert call("sync")["errors"] == []
    organization.admin.patch(
        f"accounts({account['accountid']})", json={"name": "Path renamed"}
    ).raise_for_status()
    call("sync")
    for entity in ("account", "contact", "incident", "lead"):
        rows = call("local_records", entity=entity)["records"]
        transcript.append(sorted(json.dumps(r, sort_keys=True) for r in rows))
    call("shutdown")
    server = [
        organization.get("accounts?$select=name,telephone1&$orderby=name")["value"],
        organization.get("incidents?$select=title,_customerid_value&$orderby=title")["value"],
        organization.get(f"leads({lead['leadid']})?$select=statecode,statuscode"),
    ]
    transcript.append(server)
    return transcript, invented


def _named(transcript: list[Any], invented: set[str]) -> str:
    text = json.dumps(transcript, sort_keys=True)
    names: dict[str, str] = {}
    return GUID.sub(
        lambda m: names.setdefault(m[0], f"<offline {len(names)}>") if m[0] in invented else m[0], text
    )


def test_in_process_and_loopback_give_the_same_results(
    inprocess_organization: Organization, loopback_organization: Organization
) -> None:
    inprocess = _named(*_session(inprocess_organization))
    loopback = _named(*_session(loopback_organization))
    assert "read_only_offline" in inprocess and "not_available_offline" in inprocess
    assert inprocess.replace(inprocess_organization.origin, "<origin>") == loopback.replace(
        loopback_organization.origin, "<origin>"
    )
