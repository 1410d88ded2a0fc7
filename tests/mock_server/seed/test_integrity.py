"""Seeded data obeys the schema and the platform's rules: lookups resolve, options are valid,
derived columns follow ``store.derive``, timestamps sit in the window and ownership is spread."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from mock_server.schema import AttributeType, Ownership, schema
from mock_server.seed import ADMIN_USER_ID, ROOT_BUSINESS_UNIT_ID
from mock_server.store.derive import computed_columns, pointer_row

from .conftest import NOW, Rows

ENTITIES = schema().entities
NOW_NAIVE = NOW.replace(tzinfo=None)


def _ids(rows: Rows) -> dict[str, set[str]]:
    return {e.logical_name: {r[e.primary_id] for r in rows[e.logical_name]} for e in ENTITIES}


def _index(rows: Rows, entity: str) -> dict[str, dict[str, Any]]:
    key = schema().entity(entity).primary_id  # type: ignore[union-attr]
    return {r[key]: r for r in rows[entity]}


@pytest.mark.parametrize("entity", [e.logical_name for e in ENTITIES])
def test_every_lookup_points_to_an_existing_row_of_a_valid_target(rows: Rows, entity: str) -> None:
    ids = _ids(rows)
    definition = schema().entity(entity)
    assert definition is not None
    for attribute in definition.lookups:
        targets = {t.entity for t in attribute.targets}
        for row in rows[entity]:
            value = row[attribute.logical_name]
            if value is None:
                continue
            if len(targets) > 1:
                target = row[attribute.target_column]
                assert target in targets, (entity, attribute.logical_name, target)
            else:
                (target,) = targets
            assert value in ids[target], (entity, attribute.logical_name, target, value)


def test_intersect_rows_join_existing_records(rows: Rows) -> None:
    ids = _ids(rows)
    for relationship in schema().many_to_many:
        pairs = rows[relationship.intersect_entity]
        assert len({tuple(p.values()) for p in pairs}) == len(pairs)
        for pair in pairs:
            assert pair[f"{relationship.entity1}id"] in ids[relationship.entity1]
            assert pair[f"{relationship.entity2}id"] in ids[relationship.entity2]
    assert rows["new_inspection_contact"] and rows["teammembership"] and rows["contactleads"]


def test_every_activity_has_its_pointer_row(rows: Rows) -> None:
    pointers = _index(rows, "activitypointer")
    activities = [(a.logical_name, r) for a in schema().activity_types() for r in rows[a.logical_name]]
    assert len(pointers) == len(activities) > 0
    for name, row in activities:
        pointer = pointers[row["activityid"]]
        assert pointer["activitytypecode"] == name
        expected = pointer_row(row)
        assert {k: pointer[k] for k in expected} == expected


def _valid(entity: str, attribute: str, value: Any) -> bool:
    definition = schema().entity(entity)
    found = definition.attribute(attribute) if definition else None
    return found is not None and found.option(int(value)) is not None


@pytest.mark.parametrize("entity", [e.logical_name for e in ENTITIES])
def test_choices_are_options_and_status_belongs_to_state(rows: Rows, entity: str) -> None:
    definition = schema().entity(entity)
    assert definition is not None
    choices = [a for a in definition.attributes if a.type.is_choice or a.type is AttributeType.BOOLEAN]
    for row in rows[entity]:
        for attribute in choices:
            value = row[attribute.logical_name]
            if value is None:
                assert attribute.type is not AttributeType.STATE, (entity, row)
                continue
            assert _valid(entity, attribute.logical_name, value), (entity, attribute.logical_name, value)
        if definition.attribute("statecode") is not None:
            status = definition.attribute("statuscode").option(row["statuscode"])  # type: ignore[union-attr]
            assert status is not None and status.state == row["statecode"], (entity, row)


def test_states_vary_where_the_platform_has_several(rows: Rows) -> None:
    for entity in ("lead", "opportunity", "incident", "task", "email", "appointment", "new_inspection"):
        assert len({r["statecode"] for r in rows[entity]}) > 1, entity
    assert {r["statecode"] for r in rows["lead"]} == {0, 1, 2}


def test_modified_within_sixty_days_and_created_before(rows: Rows) -> None:
    earliest = NOW_NAIVE - timedelta(days=60)
    modified = []
    for entity in ENTITIES:
        for row in rows[entity.logical_name]:
            assert earliest <= row["modifiedon"] <= NOW_NAIVE, (entity.logical_name, row["modifiedon"])
            assert row["createdon"] <= row["modifiedon"]
            assert row["modifiedon"].tzinfo is None and row["modifiedon"].microsecond == 0
            assert row["createdby"] is not None and row["modifiedby"] is not None
            modified.append(row["modifiedon"])
    recent = sum(1 for m in modified if m >= NOW_NAIVE - timedelta(days=10))
    assert 0 < recent < len(modified)  # a "last 10 days" filter selects a real subset


def test_rows_are_owned_by_users_and_teams_with_their_business_unit(rows: Rows) -> None:
    users, teams = _index(rows, "systemuser"), _index(rows, "team")
    kinds: Counter[str] = Counter()
    owners: set[str] = set()
    for entity in (e for e in ENTITIES if e.ownership is Ownership.USER):
        for row in rows[entity.logical_name]:
            kind = row["ownerid__target"]
            kinds[kind] += 1
            owners.add(row["ownerid"])
            principal = users[row["ownerid"]] if kind == "systemuser" else teams[row["ownerid"]]
            assert row["owningbusinessunit"] == principal["businessunitid"]
            assert row["owninguser"] == (row["ownerid"] if kind == "systemuser" else None)
            assert row["owningteam"] == (row["ownerid"] if kind == "team" else None)
            if kind == "team":
                assert principal["teamtype"] == 0  # only owner teams own rows
    assert kinds["systemuser"] > kinds["team"] > 0
    assert len(owners) > 5


@pytest.mark.parametrize("entity", [e.logical_name for e in ENTITIES])
def test_derived_columns_follow_the_shared_rule(rows: Rows, entity: str) -> None:
    definition = schema().entity(entity)
    assert definition is not None
    for row in rows[entity]:
        derived = computed_columns(definition, row)
        assert {k: row[k] for k in derived} == derived


def test_derived_values_are_present(rows: Rows) -> None:
    assert all(r["fullname"] for r in rows["contact"] + rows["lead"] + rows["systemuser"])
    assert all(r["ticketnumber"].startswith("CAS-") for r in rows["incident"])
    lines = rows["opportunityproduct"]
    assert all(r["extendedamount"] == round(r["quantity"] * r["priceperunit"], 4) for r in lines)
    documents = [r for r in rows["annotation"] if r["isdocument"]]
    assert documents and len(documents) < len(rows["annotation"])
    assert all(r["filename"] and r["mimetype"] and r["filesize"] > 0 for r in documents)
    assert rows["activitymimeattachment"]
    assert {r["objecttypecode"] for r in rows["activitymimeattachment"]} <= {"email", "appointment"}


@pytest.mark.parametrize("entity", [e.logical_name for e in ENTITIES])
def test_text_fits_the_column(rows: Rows, entity: str) -> None:
    definition = schema().entity(entity)
    assert definition is not None
    texts = [a for a in definition.attributes if a.type in (AttributeType.STRING, AttributeType.MEMO)]
    for row in rows[entity]:
        for attribute in texts:
            value = row[attribute.logical_name]
            limit = attribute.max_length or 0
            assert value is None or len(value) <= limit, (entity, attribute.logical_name)


def test_business_units_form_a_tree_of_three_levels(rows: Rows) -> None:
    units = _index(rows, "businessunit")
    depth = {}
    for unit_id, unit in units.items():
        level, parent = 0, unit["parentbusinessunitid"]
        while parent is not None:
            level, parent = level + 1, units[parent]["parentbusinessunitid"]
        depth[unit_id] = level
    assert depth[ROOT_BUSINESS_UNIT_ID] == 0
    assert set(depth.values()) == {0, 1, 2}


def test_managers_sit_in_the_same_or_the_parent_business_unit(rows: Rows) -> None:
    users, units = _index(rows, "systemuser"), _index(rows, "businessunit")
    assert users[ADMIN_USER_ID]["parentsystemuserid"] is None
    for user in users.values():
        if user["systemuserid"] == ADMIN_USER_ID:
            continue
        manager = users[user["parentsystemuserid"]]
        home = user["businessunitid"]
        assert manager["businessunitid"] in (home, units[home]["parentbusinessunitid"])
    assert all(u["positionid"] for u in users.values() if u["systemuserid"] != ADMIN_USER_ID)
    assert any(p["parentpositionid"] is None for p in rows["position"])
    assert sum(1 for p in rows["position"] if p["parentpositionid"]) == len(rows["position"]) - 1


def test_teams_and_memberships(rows: Rows) -> None:
    teams = rows["team"]
    assert {t["teamtype"] for t in teams} == {0, 1}
    default = {t["businessunitid"]: t["teamid"] for t in teams if t["isdefault"]}
    assert set(default) == {u["businessunitid"] for u in rows["businessunit"]}
    members = {(m["systemuserid"], m["teamid"]) for m in rows["teammembership"]}
    for user in rows["systemuser"]:
        assert (user["systemuserid"], default[user["businessunitid"]]) in members


def test_sales_records_relate_like_a_sales_org(rows: Rows) -> None:
    contacts, opportunities = _index(rows, "contact"), _index(rows, "opportunity")
    accounts = _index(rows, "account")
    assert all(c["parentcustomerid__target"] == "account" for c in contacts.values())
    for account in accounts.values():
        if account["primarycontactid"]:
            assert contacts[account["primarycontactid"]]["parentcustomerid"] == account["accountid"]
    assert any(a["parentaccountid"] for a in accounts.values())
    qualified = [lead for lead in rows["lead"] if lead["statecode"] == 1]
    assert qualified
    for lead in qualified:
        assert opportunities[lead["qualifyingopportunityid"]]["originatingleadid"] == lead["leadid"]
    lines = Counter(line["opportunityid"] for line in rows["opportunityproduct"])
    assert set(lines) == set(opportunities)
    for line in rows["opportunityproduct"]:
        assert line["ownerid"] == opportunities[line["opportunityid"]]["ownerid"]
        if line["productid"]:
            assert line["uomid"] is not None
    assert {o["customerid__target"] for o in opportunities.values()} == {"account", "contact"}


def test_activities_have_parties_and_regard_customer_records(rows: Rows) -> None:
    regarding = Counter(p["regardingobjectid__target"] for p in rows["activitypointer"])
    assert {"account", "contact", "opportunity", "incident"} <= set(regarding)
    parties = Counter((p["activityid__target"], p["participationtypemask"]) for p in rows["activityparty"])
    assert parties[("email", 1)] == len(rows["email"])
    assert parties[("email", 2)] >= len(rows["email"])
    assert parties[("appointment", 7)] == len(rows["appointment"])
    assert parties[("appointment", 5)] >= len(rows["appointment"])
    completed_emails = [e for e in rows["email"] if e["statecode"] == 1]
    assert all(e["statuscode"] == (3 if e["directioncode"] else 4) for e in completed_emails)


def test_connections_come_in_reciprocal_pairs(rows: Rows) -> None:
    connections = rows["connection"]
    assert connections and len(connections) % 2 == 0
    masters = {(c["record1id"], c["record2id"]) for c in connections if c["ismaster"]}
    reciprocals = {(c["record2id"], c["record1id"]) for c in connections if not c["ismaster"]}
    assert masters == reciprocals
    assert all(c["record1roleid"] and c["record2roleid"] for c in connections)
