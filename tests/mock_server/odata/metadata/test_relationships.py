"""Relationship metadata: per entity and through ``RelationshipDefinitions``; option-set
definitions; and that no input makes the metadata layer raise anything but a DataverseError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.errors import DataverseError, RecordNotFound, UnknownProperty
from mock_server.odata.metadata import query_definitions
from mock_server.odata.url import parse_path
from mock_server.schema import schema
from tests.mock_server.odata.metadata.helpers import BASE, get, names, values

CRM = "Microsoft.Dynamics.CRM"
ONE_TO_MANY = f"#{CRM}.OneToManyRelationshipMetadata"
MANY_TO_MANY = f"#{CRM}.ManyToManyRelationshipMetadata"


def test_one_to_many_of_account() -> None:
    items = values("EntityDefinitions(LogicalName='account')/OneToManyRelationships")
    tasks = next(r for r in items if r["SchemaName"] == "Account_Tasks")
    assert tasks["@odata.type"] == ONE_TO_MANY
    assert tasks["RelationshipType"] == "OneToManyRelationship"
    assert (tasks["ReferencedEntity"], tasks["ReferencedAttribute"]) == ("account", "accountid")
    assert (tasks["ReferencingEntity"], tasks["ReferencingAttribute"]) == ("task", "regardingobjectid")
    assert tasks["ReferencedEntityNavigationPropertyName"] == "Account_Tasks"
    assert tasks["ReferencingEntityNavigationPropertyName"] == "regardingobjectid_account_task"
    assert all(r["ReferencedEntity"] == "account" for r in items)


def test_many_to_one_of_account() -> None:
    items = values(
        "EntityDefinitions(LogicalName='account')/ManyToOneRelationships",
        select="SchemaName,ReferencingAttribute",
    )
    assert {"account_primary_contact", "owner_accounts", "team_owner_accounts"} <= {
        r["SchemaName"] for r in items
    }
    owner = get("RelationshipDefinitions(SchemaName='owner_accounts')")
    assert owner["ReferencingEntityNavigationPropertyName"] == "ownerid"
    assert owner["ReferencedEntityNavigationPropertyName"] is None  # no collection navigation


def test_many_to_many() -> None:
    items = values("EntityDefinitions(LogicalName='team')/ManyToManyRelationships")
    assert [i["SchemaName"] for i in items] == [
        "teammembership_association",
        "teamroles_association",
        "teamprofiles_association",
    ]
    relationship = items[0]
    assert relationship["@odata.type"] == MANY_TO_MANY
    assert relationship["RelationshipType"] == "ManyToManyRelationship"
    assert relationship["SchemaName"] == "teammembership_association"
    assert (relationship["Entity1LogicalName"], relationship["Entity2LogicalName"]) == ("systemuser", "team")
    assert relationship["IntersectEntityName"] == "teammembership"
    assert relationship["Entity1NavigationPropertyName"] == "teammembership_association"
    assert relationship["Entity2NavigationPropertyName"] == "teammembership_association"
    assert relationship["Entity1IntersectAttribute"] == "systemuserid"


def test_relationship_definitions_collection_and_keys() -> None:
    s = schema()
    body = get("RelationshipDefinitions", select="SchemaName")
    assert body["@odata.context"] == f"{BASE}/$metadata#RelationshipDefinitions(SchemaName)"
    assert len(body["value"]) == len(s.one_to_many) + len(s.many_to_many)
    relationship = get("RelationshipDefinitions(SchemaName='account_primary_contact')")
    assert relationship["ReferencingAttribute"] == "primarycontactid"
    by_id = get(f"RelationshipDefinitions({relationship['MetadataId']})", select="SchemaName")
    assert by_id["SchemaName"] == "account_primary_contact"
    with pytest.raises(RecordNotFound):
        get("RelationshipDefinitions(SchemaName='nope')")


def test_relationship_filters_and_casts() -> None:
    many = "RelationshipType eq Microsoft.Dynamics.CRM.RelationshipType'ManyToManyRelationship'"
    expected = {m.schema_name for m in schema().many_to_many}
    assert names("RelationshipDefinitions", "SchemaName", filter=many) == expected
    assert (
        names("RelationshipDefinitions", "SchemaName", filter=f"isof({CRM}.ManyToManyRelationshipMetadata)")
        == expected
    )
    assert names(f"RelationshipDefinitions/{CRM}.ManyToManyRelationshipMetadata", "SchemaName") == expected
    assert names("RelationshipDefinitions", "SchemaName", filter="SchemaName eq 'competitor_addresses'") == {
        "competitor_addresses"
    }
    cast = f"RelationshipDefinitions/{CRM}.OneToManyRelationshipMetadata"
    contact_children = names(
        cast, "SchemaName", filter="ReferencedEntity eq 'contact' and ReferencingEntity eq 'account'"
    )
    assert contact_children == {"account_primary_contact"}


def test_derived_properties_need_a_cast_on_relationship_definitions() -> None:
    with pytest.raises(UnknownProperty):
        get("RelationshipDefinitions", select="ReferencedEntity")
    with pytest.raises(UnknownProperty):
        get("EntityDefinitions(LogicalName='team')/ManyToManyRelationships", select="ReferencedEntity")


def test_every_relationship_references_known_entities() -> None:
    known = {e.logical_name for e in schema().entities}
    for r in values(f"RelationshipDefinitions/{CRM}.OneToManyRelationshipMetadata"):
        assert {r["ReferencedEntity"], r["ReferencingEntity"]} <= known
        assert r["ReferencedAttribute"]


def test_global_option_sets_are_empty() -> None:
    body = get("GlobalOptionSetDefinitions")
    assert body == {"@odata.context": f"{BASE}/$metadata#GlobalOptionSetDefinitions", "value": []}
    with pytest.raises(RecordNotFound):
        get("GlobalOptionSetDefinitions(Name='nope')")


ROOT_PATHS = [
    "EntityDefinitions",
    "EntityDefinitions(LogicalName='account')",
    "EntityDefinitions(LogicalName='account')/Attributes",
    f"EntityDefinitions(LogicalName='lead')/Attributes/{CRM}.StatusAttributeMetadata",
    "RelationshipDefinitions",
]
text = st.text(alphabet=st.sampled_from(list("ab()/,:'=$; -.eq01LogicalNameIsActivity&*")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(ROOT_PATHS), option=st.sampled_from(["$filter", "$select", "$expand"]), value=text
)
def test_malformed_options_raise_only_dataverse_errors(path: str, option: str, value: str) -> None:
    with contextlib.suppress(DataverseError):
        query_definitions(parse_path(path), {option: value}, BASE)


@settings(max_examples=300, deadline=None)
@given(suffix=text)
def test_malformed_paths_raise_only_dataverse_errors(suffix: str) -> None:
    with contextlib.suppress(DataverseError):
        query_definitions(parse_path(f"EntityDefinitions{suffix}"), {}, BASE)
