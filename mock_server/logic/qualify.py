"""``QualifyLead``: the bound action that turns an open lead into an account, a contact and an
opportunity and closes the lead as qualified.

``POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`` with ``CreateAccount``,
``CreateContact``, ``CreateOpportunity`` and ``Status`` (required), and optionally
``OpportunityCurrencyId``, ``OpportunityCustomerId``, ``SourceCampaignId`` (accepted, not stored:
the mock has no campaigns) and ``ProcessInstanceId``. New records copy the lead's columns and
point back to it through ``originatingleadid``; the lead gets ``parentaccountid``,
``parentcontactid`` and ``qualifyingopportunityid``. The lead-to-opportunity flow instance
(the one named, or the lead's active one) is carried to the new opportunity through
``bpf_opportunityid``; its stage does not move. The request's transaction makes it all or nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.responses import Response

from mock_server.errors import BadRequest, InvalidArgument
from mock_server.logic.states import LeadIsClosed
from mock_server.odata.context import Call
from mock_server.odata.operations import Invocation, Operation
from mock_server.odata.serialize import json_response
from mock_server.schema import Entity, schema
from mock_server.store import records
from mock_server.store.tables import tables

Row = dict[str, Any]
QUALIFIED = 1
BPF_TABLE = "leadtoopportunitysalesprocess"


def _entity(name: str) -> Entity:
    found = schema().entity(name)
    assert found is not None
    return found


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise BadRequest(f"QualifyLead needs the Edm.Boolean parameter '{name}'.")
    return value


def reference(call: Call, value: Any, name: str, allowed: tuple[str, ...]) -> tuple[Entity, str] | None:
    """An entity-reference parameter (``{"accountid": "...", "@odata.type": "...account"}``)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(f"The parameter '{name}' must be an entity reference object.")
    declared = str(value.get("@odata.type", "")).lstrip("#").removeprefix("Microsoft.Dynamics.CRM.")
    candidates = (declared,) if declared else allowed
    for candidate in candidates:
        entity = schema().entity(candidate)
        if entity is not None and candidate in allowed and value.get(entity.primary_id):
            row_id = str(value[entity.primary_id]).lower()
            records.require_row(call.conn, entity, row_id)
            return entity, row_id
    raise BadRequest(f"The parameter '{name}' must reference one of: {', '.join(allowed)}.")


def qualify_lead(call: Call, invocation: Invocation) -> Response:
    body = call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with the QualifyLead parameters.")
    create_account, create_contact = _flag(body, "CreateAccount"), _flag(body, "CreateContact")
    create_opportunity = _flag(body, "CreateOpportunity")
    lead_entity = _entity("lead")
    status = body.get("Status")
    statuscode = lead_entity.attribute("statuscode")
    assert statuscode is not None
    option = statuscode.option(status) if isinstance(status, int) else None
    if option is None or option.state != QUALIFIED:
        raise InvalidArgument(
            f"{status} is not a valid status code for state code LeadState.Qualified on lead."
        )
    assert invocation.record_id is not None
    lead_id = invocation.record_id
    lead = records.require_row(call.conn, lead_entity, lead_id)
    if lead["statecode"] != 0:
        raise LeadIsClosed(
            lead_entity,
            lead_id,
            "closed",
            f"The lead with Id = {lead_id} is already closed (statecode {lead['statecode']}); "
            "only an open lead can be qualified. Reactivate it first.",
        )
    customer = reference(
        call, body.get("OpportunityCustomerId"), "OpportunityCustomerId", ("account", "contact")
    )
    currency = reference(
        call, body.get("OpportunityCurrencyId"), "OpportunityCurrencyId", ("transactioncurrency",)
    )
    instance = reference(call, body.get("ProcessInstanceId"), "ProcessInstanceId", (BPF_TABLE,))

    created: list[tuple[Entity, str]] = []
    writer = call.writer
    lead_update: Row = {"statecode": QUALIFIED, "statuscode": status}
    account_id = contact_id = None
    if create_account:
        account = _entity("account")
        account_id = records.insert_record(
            writer,
            account,
            {
                "name": lead["companyname"] or lead["fullname"] or lead["subject"],
                "telephone1": lead["telephone1"],
                "emailaddress1": lead["emailaddress1"],
                "transactioncurrencyid": lead["transactioncurrencyid"],
                "originatingleadid": lead_id,
            },
        )
        created.append((account, account_id))
        lead_update["parentaccountid"] = account_id
    if create_contact:
        contact = _entity("contact")
        values: Row = {
            "firstname": lead["firstname"],
            "lastname": lead["lastname"] or lead["fullname"] or lead["subject"],
            "emailaddress1": lead["emailaddress1"],
            "telephone1": lead["telephone1"],
            "transactioncurrencyid": lead["transactioncurrencyid"],
            "originatingleadid": lead_id,
        }
        if account_id is not None:
            values |= {"parentcustomerid": account_id, "parentcustomerid__target": "account"}
        contact_id = records.insert_record(writer, contact, values)
        created.append((contact, contact_id))
        lead_update["parentcontactid"] = contact_id
    if create_opportunity:
        opportunity = _entity("opportunity")
        if customer is None:
            customer = (
                (_entity("account"), account_id)
                if account_id
                else (_entity("contact"), contact_id)
                if contact_id
                else None
            )
        values = {
            "name": lead["subject"] or lead["fullname"],
            "estimatedvalue": lead["estimatedamount"],
            "description": lead["description"],
            "transactioncurrencyid": currency[1] if currency else lead["transactioncurrencyid"],
            "originatingleadid": lead_id,
            "parentaccountid": account_id,
            "parentcontactid": contact_id,
        }
        if customer is not None:
            values |= {"customerid": customer[1], "customerid__target": customer[0].logical_name}
        opportunity_id = records.insert_record(writer, opportunity, values)
        created.append((opportunity, opportunity_id))
        lead_update["qualifyingopportunityid"] = opportunity_id
        _carry_process(call, lead_id, opportunity_id, instance[1] if instance else None)
    records.update_record(writer, lead_entity, lead_id, lead_update)
    return json_response(
        {
            "@odata.context": f"{call.base_url}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)",
            "value": [
                {"@odata.type": f"#Microsoft.Dynamics.CRM.{e.logical_name}", e.primary_id: row_id}
                for e, row_id in created
            ],
        }
    )


def _carry_process(call: Call, lead_id: str, opportunity_id: str, instance_id: str | None) -> None:
    """Point the lead's flow instance at the new opportunity, leaving its stage where it is."""
    bpf = _entity(BPF_TABLE)
    if instance_id is None:
        table = tables()[BPF_TABLE]
        found = call.conn.execute(
            select(table.c.businessprocessflowinstanceid)
            .where(table.c.bpf_leadid == lead_id, table.c.statecode == 0)
            .order_by(table.c.modifiedon.desc())
        ).first()
        if found is None:
            return
        instance_id = str(found[0])
    records.update_record(call.writer, bpf, instance_id, {"bpf_opportunityid": opportunity_id})


OPERATIONS = (Operation("QualifyLead", qualify_lead, bound_to="lead"),)
