"""The Web API operations of mobile offline profiles.

``POST mobileofflineprofiles(<id>)/Microsoft.Dynamics.CRM.ValidateMobileOfflineProfile`` reports
the profile's errors and warnings without changing it. ``POST mobileofflineprofiles(<id>)/
Microsoft.Dynamics.CRM.PublishMobileOfflineProfile`` validates it and, when there is no error,
publishes it: the profile, its items and their associations get ``componentstate`` 0
(Published), ``isvalidated`` true and ``publishedon`` now; a profile with errors is refused
with the first error. The names are the mock's (Dataverse publishes profiles through its
solution APIs); see FIDELITY.md.

``GET mobileofflineprofiles(<id>)/Microsoft.Dynamics.CRM.RetrieveMobileOfflineRecordIds(UserId=<guid>,
EntityName='account')`` answers which rows the profile downloads for a user (both parameters
optional: the caller, every entity), per entity, as ``download.py`` selects them.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mock_server.clock import format_instant
from mock_server.errors import BadRequest, RecordNotFound
from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.odata.serialize import json_response
from mock_server.offline.download import caller_for, profile_plan
from mock_server.offline.profile import OfflineProfile, load_profile, offline_settings
from mock_server.offline.rules import Finding, validate_profile
from mock_server.schema import schema
from mock_server.store import records

PUBLISHED = 0


def _profile(call: Call, invocation: Invocation) -> OfflineProfile:
    assert invocation.record_id is not None
    profile = load_profile(call.conn, invocation.record_id)
    if profile is None:
        raise RecordNotFound("mobileofflineprofile", invocation.record_id)
    return profile


def _report(call: Call, name: str, errors: list[Finding], warnings: list[Finding]) -> dict[str, Any]:
    return {
        "@odata.context": f"{call.base_url}$metadata#Microsoft.Dynamics.CRM.{name}Response",
        "IsValid": not errors,
        "Errors": [f.to_json() for f in errors],
        "Warnings": [f.to_json() for f in warnings],
    }


def validate(call: Call, invocation: Invocation) -> Response:
    errors, warnings = validate_profile(_profile(call, invocation), offline_settings(call.conn))
    return json_response(_report(call, "ValidateMobileOfflineProfile", errors, warnings))


def publish(call: Call, invocation: Invocation) -> Response:
    profile = _profile(call, invocation)
    errors, warnings = validate_profile(profile, offline_settings(call.conn))
    if errors:
        assert errors[0].violation is not None
        raise errors[0].violation
    now = call.caller.now.replace(tzinfo=None)
    published = {"componentstate": PUBLISHED, "isvalidated": True, "publishedon": now}
    targets = [("mobileofflineprofile", profile.id)]
    for item in profile.items:
        targets.append(("mobileofflineprofileitem", item.id))
        targets.extend(("mobileofflineprofileitemassociation", a.id) for a in item.associations)
    for logical_name, row_id in targets:
        entity = schema().entity(logical_name)
        assert entity is not None
        records.update_record(call.writer, entity, row_id, dict(published))
    body = _report(call, "PublishMobileOfflineProfile", errors, warnings)
    body["PublishedOn"] = format_instant(call.caller.now)
    return json_response(body)


def _optional(call: Call, invocation: Invocation, name: str) -> Any:
    if any(key == name for key, _ in invocation.segment.alternate_key):
        return invocation.parameter(call, name)
    return None


def record_ids(call: Call, invocation: Invocation) -> Response:
    profile = _profile(call, invocation)
    user_id = _optional(call, invocation, "UserId") or call.caller.user_id
    entity_name = _optional(call, invocation, "EntityName")
    plans = profile_plan(profile, caller_for(call.conn, str(user_id), call.caller))
    if entity_name is not None and entity_name not in plans:
        raise BadRequest(f"The entity '{entity_name}' is not in the mobile offline profile '{profile.name}'.")
    entities = [
        {
            "EntityName": entity,
            "ProfileItemId": plan.item.id,
            "RecordIds": plan.row_ids(call.conn),
        }
        for entity, plan in sorted(plans.items())
        if entity_name is None or entity == entity_name
    ]
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#Microsoft.Dynamics.CRM."
            "RetrieveMobileOfflineRecordIdsResponse",
            "UserId": str(user_id),
            "Entities": entities,
        }
    )


OPERATIONS = (
    Operation("ValidateMobileOfflineProfile", validate, bound_to="mobileofflineprofile"),
    Operation("PublishMobileOfflineProfile", publish, bound_to="mobileofflineprofile"),
    Operation(
        "RetrieveMobileOfflineRecordIds", record_ids, bound_to="mobileofflineprofile", is_function=True
    ),
)
