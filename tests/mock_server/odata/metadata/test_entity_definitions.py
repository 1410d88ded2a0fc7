"""``EntityDefinitions``: the collection, keys, ``$select``, ``$filter``, ``$expand`` and errors."""

from __future__ import annotations

import pytest

from mock_server.errors import (
    BadRequest,
    DataverseError,
    InvalidQueryOption,
    QuerySyntaxError,
    RecordNotFound,
    ResourceNotFound,
    UnknownProperty,
)
from mock_server.odata.metadata import query_definitions
from mock_server.schema import Ownership, schema
from mock_server.schema.model import metadata_id
from tests.mock_server.odata.metadata.helpers import BASE, entity, get, names, values

ALL = {e.logical_name for e in schema().entities}
ACCOUNT = entity("account")


def test_collection_lists_every_entity() -> None:
    body = get("EntityDefinitions")
    assert body["@odata.context"] == f"{BASE}/$metadata#EntityDefinitions"
    assert {e["LogicalName"] for e in body["value"]} == ALL
    for item in body["value"]:
        entity = schema().entity(item["LogicalName"])
        assert entity is not None
        assert item["MetadataId"] == entity.metadata_id
        assert item["EntitySetName"] == entity.entity_set
        assert item["PrimaryIdAttribute"] == entity.primary_id
        assert "Attributes" not in item  # navigation properties only when expanded


def test_by_logical_name_with_select() -> None:
    body = get("EntityDefinitions(LogicalName='account')", select="LogicalName,SchemaName,EntitySetName")
    assert body == {
        "@odata.context": f"{BASE}/$metadata#EntityDefinitions(LogicalName,SchemaName,EntitySetName)/$entity",
        "MetadataId": ACCOUNT.metadata_id,
        "LogicalName": "account",
        "SchemaName": "Account",
        "EntitySetName": "accounts",
    }


def test_by_metadata_id() -> None:
    body = get(f"EntityDefinitions({ACCOUNT.metadata_id})", select="LogicalName")
    assert body["LogicalName"] == "account"
    assert body["@odata.context"].endswith("#EntityDefinitions(LogicalName)/$entity")


def test_entity_metadata_properties() -> None:
    account = get("EntityDefinitions(LogicalName='account')")
    assert account["ObjectTypeCode"] == 1
    assert account["OwnershipType"] == "UserOwned"
    assert account["PrimaryNameAttribute"] == "name"
    assert account["LogicalCollectionName"] == "accounts"
    assert account["CollectionSchemaName"] == "Accounts"
    assert account["IsOfflineInMobileClient"] == {
        "Value": True,
        "CanBeChanged": True,
        "ManagedPropertyLogicalName": "canmodifymobileofflinevisibility",
    }
    assert account["ChangeTrackingEnabled"] is True
    assert account["IsOptimisticConcurrencyEnabled"] is True
    assert account["IsBPFEntity"] is False
    assert account["IsActivity"] is False
    assert account["IsCustomEntity"] is False
    assert account["HasNotes"] is True
    assert account["HasActivities"] is True
    assert account["IsActivityParty"] is True
    label = account["DisplayName"]["LocalizedLabels"][0]
    assert label["Label"] == "Account" and label["LanguageCode"] == 1033
    assert account["DisplayName"]["UserLocalizedLabel"]["Label"] == "Account"
    assert account["DisplayCollectionName"]["UserLocalizedLabel"]["Label"] == "Accounts"


def test_flags_derived_from_relationships_and_columns() -> None:
    by_name = {e["LogicalName"]: e for e in values("EntityDefinitions")}
    assert by_name["systemuser"]["HasActivities"] is False
    assert by_name["task"]["IsActivity"] is True
    assert by_name["new_inspection"]["IsCustomEntity"] is True
    assert by_name["new_inspection"]["SchemaName"] == "new_inspection"
    assert by_name["lead"]["IsBusinessProcessEnabled"] is True
    assert by_name["account"]["IsBusinessProcessEnabled"] is False
    assert by_name["competitoraddress"]["OwnershipType"] == "None"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("LogicalName eq 'account'", {"account"}),
        ("LogicalName eq 'ACCOUNT'", {"account"}),
        ("ObjectTypeCode eq 1", {"account"}),
        ("ObjectTypeCode eq 4 or ObjectTypeCode eq 2", {"lead", "contact"}),
        ("IsActivity eq true", {e.logical_name for e in schema().entities if e.is_activity}),
        ("IsActivity", {e.logical_name for e in schema().entities if e.is_activity}),
        ("ChangeTrackingEnabled eq true", {e.logical_name for e in schema().entities if e.change_tracking}),
        ("EntitySetName eq 'contacts'", {"contact"}),
        (
            "OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'OrganizationOwned'",
            {e.logical_name for e in schema().entities if e.ownership is Ownership.ORGANIZATION},
        ),
        ("IsActivity eq true and ObjectTypeCode eq 4212", {"task"}),
        ("IsPrivate eq false and (LogicalName eq 'account')", {"account"}),
        ("not (IsActivity eq true) and ObjectTypeCode lt 3", {"account", "contact"}),
        ("ObjectTypeCode ge 10000", {"new_inspection", "new_inspectionprocess"}),
        ("IsOfflineInMobileClient/Value eq true and LogicalName eq 'lead'", {"lead"}),
        ("startswith(LogicalName,'new_')", {"new_inspection", "new_inspectionprocess"}),
        ("contains(EntitySetName, 'PARTIES')", {"activityparty"}),
        (f"MetadataId eq {ACCOUNT.metadata_id}", {"account"}),
        ("PrimaryImageAttribute eq null and LogicalName eq 'task'", {"task"}),
        ("LogicalName eq 'it''s'", set()),
    ],
)
def test_filter(expression: str, expected: set[str]) -> None:
    assert names("EntityDefinitions", filter=expression, select="LogicalName") == expected


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("Nope eq 1", UnknownProperty),
        ("LogicalName eq", QuerySyntaxError),
        ("LogicalName eq 'account' and", QuerySyntaxError),
        ("(LogicalName eq 'account'", QuerySyntaxError),
        ("LogicalName eq 'account')", QuerySyntaxError),
        ("LogicalName eq 'unterminated", QuerySyntaxError),
        ("ObjectTypeCode add 1 eq 2", QuerySyntaxError),
        ("tolower(LogicalName) eq 'account'", QuerySyntaxError),
        ("Attributes/any(a:a/LogicalName eq 'name')", UnknownProperty),
        ("DisplayName/LocalizedLabels/any(l:l/Label eq 'Account')", QuerySyntaxError),
        ("ObjectTypeCode eq 'one'", QuerySyntaxError),
        ("LogicalName", QuerySyntaxError),
        ("IsActivity gt false", QuerySyntaxError),
        ("LogicalName eq 'a' # 1", QuerySyntaxError),
    ],
)
def test_bad_filters_are_400(expression: str, error: type[DataverseError]) -> None:
    with pytest.raises(error) as raised:
        get("EntityDefinitions", filter=expression)
    assert raised.value.status == 400


def test_unknown_entity_is_404_object_does_not_exist() -> None:
    for path in ("EntityDefinitions(LogicalName='nope')", f"EntityDefinitions({metadata_id('nope')})"):
        with pytest.raises(RecordNotFound) as raised:
            get(path)
        assert (raised.value.status, raised.value.code) == (404, "0x80040217")


def test_unknown_key_name_is_400() -> None:
    with pytest.raises(BadRequest):
        get("EntityDefinitions(SchemaName='Account')")
    with pytest.raises(BadRequest):
        get("EntityDefinitions(LogicalName=1)")


def test_unknown_property_in_select_is_400() -> None:
    with pytest.raises(UnknownProperty) as raised:
        get("EntityDefinitions(LogicalName='account')", select="LogicalName,Nope")
    assert "Nope" in raised.value.message and "EntityMetadata" in raised.value.message


def test_unsupported_options_are_refused() -> None:
    for option in ("top", "orderby", "skip", "count"):
        with pytest.raises(InvalidQueryOption):
            get("EntityDefinitions", **{option: "1"})
    assert names("EntityDefinitions", select="LogicalName") == ALL  # custom parameters ignored


def test_unknown_segments_are_resource_not_found() -> None:
    for path in (
        "Entitydefinitions",
        "EntityDefinitions(LogicalName='account')/Nope",
        "EntityDefinitions/Attributes",
        "EntityDefinitions(LogicalName='account')/Microsoft.Dynamics.CRM.Nope",
        "EntityDefinitions/Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
    ):
        with pytest.raises(ResourceNotFound):
            get(path)


def test_expand_attributes_with_select_and_filter() -> None:
    body = get(
        "EntityDefinitions(LogicalName='account')",
        select="LogicalName",
        expand="Attributes($select=LogicalName,AttributeType;$filter=IsPrimaryId or IsPrimaryName eq true)",
    )
    attributes = sorted(body["Attributes"], key=lambda a: a["LogicalName"])
    assert [(a["LogicalName"], a["AttributeType"]) for a in attributes] == [
        ("accountid", "Uniqueidentifier"),
        ("name", "String"),
    ]
    assert set(attributes[0]) == {"@odata.type", "MetadataId", "LogicalName", "AttributeType"}


def test_expand_on_collection_keys_and_relationships() -> None:
    items = values(
        "EntityDefinitions",
        filter="LogicalName eq 'account' or LogicalName eq 'systemuser'",
        select="LogicalName",
        expand="Keys,OneToManyRelationships($select=SchemaName),ManyToOneRelationships,ManyToManyRelationships",
    )
    by_name = {i["LogicalName"]: i for i in items}
    assert [k["LogicalName"] for k in by_name["account"]["Keys"]] == ["accountnumber_key"]
    assert by_name["systemuser"]["Keys"] == []
    assert "Account_Tasks" in {r["SchemaName"] for r in by_name["account"]["OneToManyRelationships"]}
    assert "account_primary_contact" in {
        r["SchemaName"] for r in by_name["account"]["ManyToOneRelationships"]
    }
    assert [r["SchemaName"] for r in by_name["systemuser"]["ManyToManyRelationships"]] == [
        "teammembership_association",
        "systemuserroles_association",
        "systemuserprofiles_association",
    ]


def test_bad_expands() -> None:
    with pytest.raises(UnknownProperty):
        get("EntityDefinitions", expand="Nope")
    with pytest.raises(UnknownProperty):
        get("EntityDefinitions", expand="Attributes($select=MaxLength)")  # needs a cast
    with pytest.raises(InvalidQueryOption):
        get("EntityDefinitions", expand="Attributes($top=1)")
    with pytest.raises(QuerySyntaxError):
        get("EntityDefinitions", expand="Attributes($select=LogicalName")
    with pytest.raises(QuerySyntaxError):
        get("EntityDefinitions", expand="Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata")


def test_filter_on_a_single_item_is_refused() -> None:
    with pytest.raises(InvalidQueryOption):
        get("EntityDefinitions(LogicalName='account')", filter="IsActivity eq false")


def test_responses_are_copies() -> None:
    first = get("EntityDefinitions(LogicalName='account')", expand="Attributes")
    first["DisplayName"]["LocalizedLabels"].clear()
    first["Attributes"][0]["LogicalName"] = "changed"
    again = get("EntityDefinitions(LogicalName='account')", expand="Attributes")
    assert again["DisplayName"]["LocalizedLabels"]
    assert again["Attributes"][0]["LogicalName"] == "accountid"


def test_metadata_ids_are_unique_and_stable() -> None:
    items = values("EntityDefinitions", expand="Attributes,Keys")
    ids = [i["MetadataId"] for i in items]
    ids += [a["MetadataId"] for i in items for a in i["Attributes"]]
    ids += [k["MetadataId"] for i in items for k in i["Keys"]]
    ids += [r["MetadataId"] for r in values("RelationshipDefinitions")]
    assert len(ids) == len(set(ids))
    assert get("EntityDefinitions(LogicalName='task')")["MetadataId"] == metadata_id("task")


def test_query_must_start_at_a_definition_set() -> None:
    with pytest.raises(ResourceNotFound):
        query_definitions([], {}, BASE)
