"""Steps about building a mobile offline profile as the administrator, through the Web API
(REQUIREMENTS sections 12-14): its entities and their data download rules, the relationships
between them, the organization's relationship limit, validation, publishing and assigning it.

Every write is kept with the server's answer, so the steps that follow can say whether the
server accepted it or refused it (with which code and message), and what the server holds
afterwards.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any

import httpx
from pytest_bdd import given, parsers, then, when

from harness.dataverse import Dataverse
from harness.device import Device

ACTIONS = "Microsoft.Dynamics.CRM."
DEFAULT_RELATIONSHIP_LIMIT = 10  # REQUIREMENTS MO-PROF-001: the page's value, the setting's default
RETURN_ROW = {"Prefer": "return=representation"}
# A data download rule, or one option of a rule, as the profile editor names it.
RULES: dict[str, dict[str, Any]] = {
    "no data download rule": {"recorddistributioncriteria": None},
    "Download related data only": {"recorddistributioncriteria": 0},
    "All records": {"recorddistributioncriteria": 1},
    "Other data filter": {"recorddistributioncriteria": 2},
    "my records": {"recordsownedbyme": True},
    "my team's records": {"recordsownedbymyteam": True},
    "my business unit's records": {"recordsownedbymybusinessunit": True},
}
OPTIONS = ("recordsownedbyme", "recordsownedbymyteam", "recordsownedbymybusinessunit")
A_CUSTOM_FILTER = "a custom filter"  # the filter of "Custom data filter", here on another rule
CUSTOM_DATA_FILTER = 3
QUOTED_LIST = r'"[^"]+"(?:(?:, | and | or )"[^"]+")*'  # "a", "b" and "c"
RULE_LIST = rf"(?P<rules>{QUOTED_LIST})"
NAME_LIST = rf"(?P<names>{QUOTED_LIST})"


class Quoted:
    """The parse type of a step field between double quotes: it never holds a quote itself."""

    pattern = r'[^"]+'

    def __call__(self, text: str) -> str:
        return text


TYPES = {"Q": Quoted()}


def step(pattern: str) -> parsers.parse:
    """A step pattern whose ``{name:Q}`` fields stop at the closing quote."""
    return parsers.parse(pattern, extra_types=TYPES)


def quoted_names(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


@dataclass
class OfflineProfileDraft:
    """The offline profile a scenario builds, and the server's answers to its writes."""

    organization: Dataverse
    profile_id: str
    name: str
    items: dict[str, str] = field(default_factory=dict)  # entity -> profile item id
    answers: list[httpx.Response] = field(default_factory=list)  # since the last verdict
    refusal: dict[str, Any] | None = None  # the error of the last refused write
    relationship_limit: int | None = None
    report: dict[str, Any] | None = None  # the last ValidateMobileOfflineProfile answer

    def write(self, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        """One write as the administrator; its answer is kept for the verdict steps."""
        headers = RETURN_ROW if method == "POST" else {}
        answer = self.organization.admin.request(method, path, json=body, headers=headers)
        self.answers.append(answer)
        return answer

    def add_item(self, entity: str, rules: list[str], fetch_xml: str | None = None) -> httpx.Response:
        body: dict[str, Any] = {
            "name": f"{entity} ({self.name})",
            "regardingobjectid@odata.bind": f"/mobileofflineprofiles({self.profile_id})",
            "selectedentitytypecode": entity,
            **rule_columns(entity, rules),
        }
        if fetch_xml is not None:
            body.update(recorddistributioncriteria=CUSTOM_DATA_FILTER, profileitementityfilter=fetch_xml)
        answer = self.write("POST", "mobileofflineprofileitems", body)
        if answer.status_code == 201:
            self.items[entity] = str(answer.json()["mobileofflineprofileitemid"])
        return answer

    def item_id(self, entity: str) -> str:
        assert entity in self.items, f"the profile has no {entity} entity; it has {sorted(self.items)}"
        return self.items[entity]

    def update_item(self, entity: str, columns: dict[str, Any]) -> httpx.Response:
        return self.write("PATCH", f"mobileofflineprofileitems({self.item_id(entity)})", columns)

    def add_relationship(self, entity: str, relationship: str) -> httpx.Response:
        body = {
            "name": relationship,
            "mobileofflineprofileitemid@odata.bind": f"/mobileofflineprofileitems({self.item_id(entity)})",
            "selectedrelationshipsschema": relationship,
        }
        return self.write("POST", "mobileofflineprofileitemassociations", body)

    def item(self, entity: str) -> dict[str, Any]:
        row: dict[str, Any] = self.organization.get(f"mobileofflineprofileitems({self.item_id(entity)})")
        return row

    def relationships(self, entity: str) -> list[str]:
        rows = self.organization.get(
            "mobileofflineprofileitemassociations?$select=selectedrelationshipsschema"
            f"&$filter=_mobileofflineprofileitemid_value eq {self.item_id(entity)}"
        )["value"]
        return sorted(str(row["selectedrelationshipsschema"]) for row in rows)

    def verdict(self) -> list[httpx.Response]:
        """The answers since the last verdict (at least one), which the verdict consumes."""
        answers, self.answers = self.answers, []
        assert answers, "no profile write since the last check"
        return answers


def rule_columns(entity: str, rules: list[str]) -> dict[str, Any]:
    """The profile item columns of the named rules and options."""
    columns: dict[str, Any] = {}
    for rule in rules:
        if rule == A_CUSTOM_FILTER:
            columns["profileitementityfilter"] = active_rows_filter(entity)
        else:
            assert rule in RULES, f"no rule {rule!r}; known: {', '.join([*RULES, A_CUSTOM_FILTER])}"
            columns.update(RULES[rule])
    return columns


def active_rows_filter(entity: str) -> str:
    return (
        f'<fetch><entity name="{entity}"><filter type="and">'
        '<condition attribute="statecode" operator="eq" value="0" /></filter></entity></fetch>'
    )


def custom_filter(entity: str, conditions: list[list[str]]) -> str:
    """A FetchXML filter of the table's conditions (attribute, operator, value), one filter each."""
    header, *rows = conditions
    assert header == ["attribute", "operator", "value"], header
    parts = []
    for attribute, operator, value in rows:
        value_part = f' value="{value}"' if value else ""
        parts.append(f'<condition attribute="{attribute}" operator="{operator}"{value_part} />')
    return f'<fetch><entity name="{entity}"><filter type="and">{"".join(parts)}</filter></entity></fetch>'


def accepted(answer: httpx.Response) -> None:
    request = f"{answer.request.method} {answer.request.url.path}"
    assert answer.status_code < 400, f"{request} was refused: {answer.status_code} {answer.text[:500]}"


# --- the profile and its entities ----------------------------------------------------------------


@given(step('a new offline profile "{name:Q}"'), target_fixture="offline_profile")
def new_offline_profile(organization: Dataverse, name: str) -> OfflineProfileDraft:
    created = organization.call("POST", "mobileofflineprofiles", json={"name": name}, headers=RETURN_ROW)
    return OfflineProfileDraft(organization, str(created["mobileofflineprofileid"]), name)


@given(parsers.re(rf'the admin adds "(?P<entity>[^"]+)" to the profile with {RULE_LIST}'))
def profile_has_entity(offline_profile: OfflineProfileDraft, entity: str, rules: str) -> None:
    accepted(offline_profile.add_item(entity, quoted_names(rules)))
    offline_profile.answers.clear()


@when(parsers.re(rf'the admin adds "(?P<entity>[^"]+)" to the profile with {RULE_LIST}'))
def admin_adds_entity(offline_profile: OfflineProfileDraft, entity: str, rules: str) -> None:
    offline_profile.add_item(entity, quoted_names(rules))


@given(step('the admin adds "{entity:Q}" to the profile with a "Custom data filter" of'))
def profile_has_custom_filter(
    offline_profile: OfflineProfileDraft, entity: str, datatable: list[list[str]]
) -> None:
    accepted(offline_profile.add_item(entity, [], custom_filter(entity, datatable)))
    offline_profile.answers.clear()


@when(step('the admin adds "{entity:Q}" to the profile with a "Custom data filter" of'))
def admin_adds_custom_filter(
    offline_profile: OfflineProfileDraft, entity: str, datatable: list[list[str]]
) -> None:
    offline_profile.add_item(entity, [], custom_filter(entity, datatable))


@when(step('the admin changes the custom data filter of the profile\'s "{entity:Q}" to'))
def admin_changes_custom_filter(
    offline_profile: OfflineProfileDraft, entity: str, datatable: list[list[str]]
) -> None:
    offline_profile.update_item(entity, {"profileitementityfilter": custom_filter(entity, datatable)})


@given(step('the profile\'s "{entity:Q}" has no org data filter'))
def profile_entity_without_org_filter(offline_profile: OfflineProfileDraft, entity: str) -> None:
    accepted(offline_profile.update_item(entity, {"dayssincerecordlastmodified": None}))
    offline_profile.answers.clear()


@given(step('the admin sets the org data filter of the profile\'s "{entity:Q}" to {days:d} days'))
@when(step('the admin sets the org data filter of the profile\'s "{entity:Q}" to {days:d} days'))
def admin_sets_org_filter(offline_profile: OfflineProfileDraft, entity: str, days: int) -> None:
    accepted(offline_profile.update_item(entity, {"dayssincerecordlastmodified": days}))
    offline_profile.answers.clear()


@then(
    step('the profile\'s "{entity:Q}" has an org data filter of records modified in the last {days:d} days')
)
def profile_entity_org_filter(offline_profile: OfflineProfileDraft, entity: str, days: int) -> None:
    stored = offline_profile.item(entity).get("dayssincerecordlastmodified")
    assert stored == days, f"the server's org data filter of {entity} is {stored} days, expected {days}"


@then(step('the profile\'s "{entity:Q}" still has only the rule "{rule:Q}"'))
def profile_entity_rule(offline_profile: OfflineProfileDraft, entity: str, rule: str) -> None:
    item = offline_profile.item(entity)
    expected = {"recorddistributioncriteria": None, **dict.fromkeys(OPTIONS, False), **RULES[rule]}
    held = {column: item.get(column) for column in expected}
    held.update({option: bool(item.get(option)) for option in OPTIONS})
    assert not item.get("profileitementityfilter"), f"{entity} keeps a custom filter"
    assert held == expected, f"the server holds {held} for {entity}"


# --- relationships -----------------------------------------------------------------------------


@given(step('the admin adds the relationship "{relationship:Q}" to the profile\'s "{entity:Q}"'))
def profile_has_relationship(offline_profile: OfflineProfileDraft, relationship: str, entity: str) -> None:
    accepted(offline_profile.add_relationship(entity, relationship))
    offline_profile.answers.clear()


@when(step('the admin adds the relationship "{relationship:Q}" to the profile\'s "{entity:Q}"'))
def admin_adds_relationship(offline_profile: OfflineProfileDraft, relationship: str, entity: str) -> None:
    offline_profile.add_relationship(entity, relationship)


@when(parsers.re(rf'the admin adds the relationships {NAME_LIST} to the profile\'s "(?P<entity>[^"]+)"'))
def admin_adds_relationships(offline_profile: OfflineProfileDraft, names: str, entity: str) -> None:
    for relationship in quoted_names(names):
        offline_profile.add_relationship(entity, relationship)


def many_to_one_relationships(organization: Dataverse, entity: str) -> list[str]:
    """The entity's many-to-one relationships to other entities, as the server's metadata lists them."""
    rows = organization.get(
        f"EntityDefinitions(LogicalName='{entity}')/ManyToOneRelationships"
        "?$select=SchemaName,ReferencedEntity,ReferencingEntity"
    )["value"]
    return sorted(str(r["SchemaName"]) for r in rows if r["ReferencedEntity"] != r["ReferencingEntity"])


def relationship_definition(organization: Dataverse, relationship: str) -> dict[str, Any]:
    """The server's definition of a 1:N or N:N relationship, by schema name."""
    rows = organization.get(f"RelationshipDefinitions?$filter=SchemaName eq '{relationship}'")["value"]
    assert len(rows) == 1, f"the server has no relationship {relationship!r}"
    found: dict[str, Any] = rows[0]
    return found


def related_entities(organization: Dataverse, relationship: str) -> set[str]:
    definition = relationship_definition(organization, relationship)
    if "ReferencingAttribute" in definition:
        return {definition["ReferencedEntity"], definition["ReferencingEntity"]}
    return {definition["Entity1LogicalName"], definition["Entity2LogicalName"]}


@when(
    step(
        "the admin adds every entity the relationships of the profile's "
        '"{entity:Q}" lead to, with "{rule:Q}"'
    )
)
def admin_adds_related(offline_profile: OfflineProfileDraft, entity: str, rule: str) -> None:
    """A profile is published only when the entity at the other end of each of its relationships
    is one of its entities too."""
    for relationship in offline_profile.relationships(entity):
        for other in sorted(related_entities(offline_profile.organization, relationship) - {entity}):
            if other not in offline_profile.items:
                offline_profile.add_item(other, [rule])


def relationship_limit(offline_profile: OfflineProfileDraft) -> int:
    assert offline_profile.relationship_limit is not None, "the scenario has not read the limit"
    return offline_profile.relationship_limit


def organization_row(organization: Dataverse) -> dict[str, Any]:
    [row] = organization.get("organizations?$select=mobileofflinemaxrelationships")["value"]
    result: dict[str, Any] = row
    return result


@given("the organization keeps the default relationship limit per profile entity")
def default_relationship_limit(offline_profile: OfflineProfileDraft) -> None:
    configured = organization_row(offline_profile.organization).get("mobileofflinemaxrelationships")
    assert configured in (None, DEFAULT_RELATIONSHIP_LIMIT), f"the organization's limit is {configured}"
    offline_profile.relationship_limit = configured or DEFAULT_RELATIONSHIP_LIMIT


@given(step("the organization sets the relationship limit per profile entity to {limit:d}"))
def configured_relationship_limit(offline_profile: OfflineProfileDraft, limit: int) -> None:
    organization = offline_profile.organization
    row = organization_row(organization)
    organization.call(
        "PATCH", f"organizations({row['organizationid']})", json={"mobileofflinemaxrelationships": limit}
    )
    offline_profile.relationship_limit = organization_row(organization)["mobileofflinemaxrelationships"]
    assert offline_profile.relationship_limit == limit


@when(step('the admin adds as many relationships to the profile\'s "{entity:Q}" as the limit allows'))
def admin_fills_relationships(offline_profile: OfflineProfileDraft, entity: str) -> None:
    candidates = many_to_one_relationships(offline_profile.organization, entity)
    limit = relationship_limit(offline_profile)
    assert len(candidates) > limit, f"{entity} has only {len(candidates)} relationships to try"
    for relationship in candidates[:limit]:
        offline_profile.add_relationship(entity, relationship)


@when(step('the admin adds one relationship more to the profile\'s "{entity:Q}"'))
def admin_adds_one_more(offline_profile: OfflineProfileDraft, entity: str) -> None:
    candidates = many_to_one_relationships(offline_profile.organization, entity)
    offline_profile.add_relationship(entity, candidates[relationship_limit(offline_profile)])


@then(step('the profile\'s "{entity:Q}" has as many relationships as the limit allows'))
def profile_entity_at_limit(offline_profile: OfflineProfileDraft, entity: str) -> None:
    held = offline_profile.relationships(entity)
    assert len(held) == relationship_limit(offline_profile), f"the server holds {len(held)}: {held}"


@then(parsers.re(rf'the profile\'s "(?P<entity>[^"]+)" has only the relationships? {NAME_LIST}'))
def profile_entity_relationships(offline_profile: OfflineProfileDraft, entity: str, names: str) -> None:
    held = offline_profile.relationships(entity)
    assert held == sorted(quoted_names(names)), f"the server holds the relationships {held} for {entity}"


@then(step('the profile\'s "{entity:Q}" has no relationships'))
def profile_entity_has_none(offline_profile: OfflineProfileDraft, entity: str) -> None:
    held = offline_profile.relationships(entity)
    assert held == [], f"the server holds the relationships {held} for {entity}"


# --- the server's answers ----------------------------------------------------------------------


@then("the server accepts it")
@then("the server accepts them all")
def server_accepts(offline_profile: OfflineProfileDraft) -> None:
    for answer in offline_profile.verdict():
        accepted(answer)


@then(step('the server refuses it with "{code:Q}"'))
def server_refuses(offline_profile: OfflineProfileDraft, code: str) -> None:
    *earlier, last = offline_profile.verdict()
    for answer in earlier:
        accepted(answer)
    assert last.status_code == 400, f"the server answered {last.status_code}: {last.text[:500]}"
    error: dict[str, Any] = last.json()["error"]
    assert error["code"].lower() == code.lower(), f"refused with {error}, expected {code}"
    offline_profile.refusal = error


def refusal_message(offline_profile: OfflineProfileDraft) -> str:
    assert offline_profile.refusal is not None, "no write has been refused"
    return str(offline_profile.refusal["message"])


@then(step('the refusal says "{text:Q}"'))
def refusal_says(offline_profile: OfflineProfileDraft, text: str) -> None:
    message = refusal_message(offline_profile)
    assert text in message, f"the refusal says {message!r}"


@then("the refusal names the relationship limit")
def refusal_names_limit(offline_profile: OfflineProfileDraft) -> None:
    message = refusal_message(offline_profile)
    expected = f"at most {relationship_limit(offline_profile)}"
    assert expected in message, f"the refusal says {message!r}, not {expected!r}"


# --- validation, publishing, assigning ---------------------------------------------------------


@when("the admin validates the profile")
def admin_validates(offline_profile: OfflineProfileDraft) -> None:
    path = f"mobileofflineprofiles({offline_profile.profile_id})/{ACTIONS}ValidateMobileOfflineProfile"
    offline_profile.report = offline_profile.organization.call("POST", path)


def findings(offline_profile: OfflineProfileDraft, kind: str) -> list[dict[str, Any]]:
    assert offline_profile.report is not None, "the profile has not been validated"
    found: list[dict[str, Any]] = offline_profile.report[kind]
    return found


def warned(offline_profile: OfflineProfileDraft, code: str, entity: str) -> list[dict[str, Any]]:
    return [
        w
        for w in findings(offline_profile, "Warnings")
        if w["ErrorCode"].lower() == code.lower() and w["EntityName"] == entity
    ]


@then(step('validation warns "{code:Q}" about the profile\'s "{entity:Q}"'))
def validation_warns(offline_profile: OfflineProfileDraft, code: str, entity: str) -> None:
    found = warned(offline_profile, code, entity)
    assert len(found) == 1, f"warnings: {findings(offline_profile, 'Warnings')}"
    assert found[0]["Severity"] == "Warning" and found[0]["Message"], found[0]


@then(step('validation gives no "{code:Q}" warning about the profile\'s "{entity:Q}"'))
def validation_does_not_warn(offline_profile: OfflineProfileDraft, code: str, entity: str) -> None:
    assert warned(offline_profile, code, entity) == [], f"warnings: {findings(offline_profile, 'Warnings')}"


@then("validation reports no errors")
def validation_reports_no_errors(offline_profile: OfflineProfileDraft) -> None:
    assert findings(offline_profile, "Errors") == []
    assert offline_profile.report is not None and offline_profile.report["IsValid"] is True


@given("the admin publishes the profile and assigns it to the user")
@when("the admin publishes the profile and assigns it to the user")
def admin_publishes_and_assigns(offline_profile: OfflineProfileDraft, device: Device) -> None:
    organization = offline_profile.organization
    path = f"mobileofflineprofiles({offline_profile.profile_id})/{ACTIONS}PublishMobileOfflineProfile"
    organization.call("POST", path)
    assert device.user_id is not None, "sign the user in first"
    organization.call(
        "PATCH",
        f"systemusers({device.user_id})",
        json={"mobileofflineprofileid@odata.bind": f"/mobileofflineprofiles({offline_profile.profile_id})"},
    )


@then(step('the custom data filter of the profile\'s "{entity:Q}" has {count:d} filters'))
def custom_filter_count(offline_profile: OfflineProfileDraft, entity: str, count: int) -> None:
    fetch = ElementTree.fromstring(str(offline_profile.item(entity)["profileitementityfilter"]))
    filters = [child for top in fetch.iterfind("entity/filter") for child in top]
    assert len(filters) == count, f"the server holds {len(filters)} filters for {entity}"
