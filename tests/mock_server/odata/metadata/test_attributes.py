"""``EntityDefinitions(...)/Attributes``: keys, casts, type-specific properties and option sets."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.errors import RecordNotFound, ResourceNotFound, UnknownProperty
from mock_server.odata.metadata.attributes import METADATA_TYPES
from mock_server.schema.model import RequiredLevel, metadata_id
from tests.mock_server.odata.metadata.helpers import BASE, entity, get, names, values

ACCOUNT = "EntityDefinitions(LogicalName='account')"
CRM = "Microsoft.Dynamics.CRM"


def attribute(logical: str, name: str, cast: str | None = None, **options: str) -> dict[str, Any]:
    path = f"EntityDefinitions(LogicalName='{logical}')/Attributes(LogicalName='{name}')"
    return get(f"{path}/{CRM}.{cast}" if cast else path, **options)


def test_attributes_collection_matches_the_schema() -> None:
    account = entity("account")
    body = get(f"{ACCOUNT}/Attributes")
    assert body["@odata.context"] == f"{BASE}/$metadata#EntityDefinitions({account.metadata_id})/Attributes"
    assert [a["LogicalName"] for a in body["value"]] == [a.logical_name for a in account.attributes]
    for item, column in zip(body["value"], account.attributes, strict=True):
        assert item["@odata.type"] == f"#{CRM}.{METADATA_TYPES[column.type]}"
        assert item["AttributeType"] == column.type.value
        assert item["EntityLogicalName"] == "account"
        assert item["MetadataId"] == metadata_id("account", column.logical_name)


def test_attribute_by_logical_name() -> None:
    name = attribute("account", "name")
    assert name["@odata.context"].endswith("/Attributes/$entity")
    assert name["@odata.type"] == f"#{CRM}.StringAttributeMetadata"
    assert name["SchemaName"] == "Name"
    assert name["AttributeTypeName"] == {"Value": "StringType"}
    assert name["MaxLength"] == 160
    assert name["IsPrimaryName"] is True and name["IsPrimaryId"] is False
    assert name["IsSecured"] is False and name["IsCustomAttribute"] is False
    assert name["IsValidForCreate"] and name["IsValidForUpdate"] and name["IsValidForRead"]
    assert name["RequiredLevel"] == {
        "Value": "ApplicationRequired",
        "CanBeChanged": True,
        "ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings",
    }
    assert name["DisplayName"]["UserLocalizedLabel"]["Label"] == "Account Name"


def test_select_as_the_python_sdk_sends_it() -> None:
    found = values(
        f"{ACCOUNT}/Attributes",
        select="MetadataId,LogicalName,SchemaName,@odata.type,AttributeType",
        filter="LogicalName eq 'industrycode'",
    )
    assert found == [
        {
            "@odata.type": f"#{CRM}.PicklistAttributeMetadata",
            "MetadataId": metadata_id("account", "industrycode"),
            "LogicalName": "industrycode",
            "SchemaName": "Industrycode",
            "AttributeType": "Picklist",
        }
    ]


def test_attribute_by_metadata_id() -> None:
    found = get(f"{ACCOUNT}/Attributes({metadata_id('account', 'revenue')})", select="LogicalName")
    assert found["LogicalName"] == "revenue"
    assert set(found) == {"@odata.context", "@odata.type", "MetadataId", "LogicalName"}


def test_filter_on_attributes() -> None:
    assert names(f"{ACCOUNT}/Attributes", filter="LogicalName eq 'name'") == {"name"}
    required = names(
        f"{ACCOUNT}/Attributes",
        filter="RequiredLevel/Value eq Microsoft.Dynamics.CRM.AttributeRequiredLevel'SystemRequired'",
    )
    account = entity("account")
    assert required == {
        a.logical_name for a in account.attributes if a.required is RequiredLevel.SYSTEM_REQUIRED
    }
    assert {"accountid", "ownerid", "statecode"} <= required
    assert names(f"{ACCOUNT}/Attributes", filter="isof(Microsoft.Dynamics.CRM.EnumAttributeMetadata)") == {
        "industrycode",
        "accountcategorycode",
        "statecode",
        "statuscode",
    }


@pytest.mark.parametrize(
    ("logical", "cast", "name", "expected"),
    [
        ("account", "StringAttributeMetadata", "telephone1", {"MaxLength": 50, "Format": "Text"}),
        ("account", "MemoAttributeMetadata", "description", {"MaxLength": 2000, "Format": "TextArea"}),
        ("account", "IntegerAttributeMetadata", "numberofemployees", {"MinValue": 0, "MaxValue": 1000000000}),
        ("account", "BigIntAttributeMetadata", "versionnumber", {"IsValidForCreate": False}),
        ("account", "MoneyAttributeMetadata", "revenue", {"MinValue": -922337203685477.0, "Precision": 2}),
        ("account", "BooleanAttributeMetadata", "creditonhold", {"AttributeType": "Boolean"}),
        ("account", "DateTimeAttributeMetadata", "createdon", {"Format": "DateAndTime"}),
        ("account", "PicklistAttributeMetadata", "industrycode", {"AttributeType": "Picklist"}),
        ("account", "StateAttributeMetadata", "statecode", {"AttributeType": "State"}),
        ("account", "StatusAttributeMetadata", "statuscode", {"AttributeType": "Status"}),
        ("account", "LookupAttributeMetadata", "primarycontactid", {"Targets": ["contact"]}),
        (
            "account",
            "LookupAttributeMetadata",
            "ownerid",
            {"AttributeType": "Owner", "Targets": ["systemuser", "team"]},
        ),
        ("contact", "LookupAttributeMetadata", "parentcustomerid", {"AttributeType": "Customer"}),
        ("account", "UniqueIdentifierAttributeMetadata", "accountid", {"IsPrimaryId": True}),
        ("transactioncurrency", "DecimalAttributeMetadata", "exchangerate", {"MaxValue": 100000000000.0}),
        ("competitoraddress", "DoubleAttributeMetadata", "latitude", {"MinValue": -90.0, "MaxValue": 90.0}),
        ("annotation", "EntityNameAttributeMetadata", "objecttypecode", {"AttributeType": "EntityName"}),
    ],
)
def test_casts(logical: str, cast: str, name: str, expected: dict[str, Any]) -> None:
    path = f"EntityDefinitions(LogicalName='{logical}')/Attributes/{CRM}.{cast}"
    body = get(path)
    assert body["@odata.context"].endswith(f"/Attributes/{CRM}.{cast}")
    assert body["value"] and all(a["@odata.type"] == f"#{CRM}.{cast}" for a in body["value"])
    item = next(a for a in body["value"] if a["LogicalName"] == name)
    assert {k: item[k] for k in expected} == expected
    single = attribute(logical, name, cast)
    assert single["LogicalName"] == name and single["@odata.context"].endswith("/$entity")


def test_every_attribute_type_has_a_cast() -> None:
    seen = {
        a["@odata.type"] for e in values("EntityDefinitions", expand="Attributes") for a in e["Attributes"]
    }
    assert seen == {f"#{CRM}.{t}" for t in METADATA_TYPES.values()}


def test_type_specific_properties_need_a_cast() -> None:
    with pytest.raises(UnknownProperty):
        get(f"{ACCOUNT}/Attributes", select="LogicalName,MaxLength")
    cast = values(f"{ACCOUNT}/Attributes/{CRM}.StringAttributeMetadata", select="LogicalName,MaxLength")
    assert {"LogicalName": "name", "MaxLength": 160} in [
        {k: a[k] for k in ("LogicalName", "MaxLength")} for a in cast
    ]
    with pytest.raises(UnknownProperty):
        attribute("account", "industrycode", expand="OptionSet")


def test_cast_to_the_wrong_type_is_404() -> None:
    with pytest.raises(RecordNotFound):
        attribute("account", "name", "PicklistAttributeMetadata")
    with pytest.raises(ResourceNotFound):
        get(f"{ACCOUNT}/Attributes/{CRM}.EntityMetadata")


def test_unknown_attribute_is_404() -> None:
    with pytest.raises(RecordNotFound) as raised:
        attribute("account", "nope")
    assert raised.value.status == 404
    with pytest.raises(ResourceNotFound):
        get(f"{ACCOUNT}/Attributes(LogicalName='name')/Nope")


def option_labels(options: list[dict[str, Any]]) -> dict[int, str]:
    return {o["Value"]: o["Label"]["UserLocalizedLabel"]["Label"] for o in options}


def test_picklist_option_set() -> None:
    body = attribute(
        "account",
        "industrycode",
        "PicklistAttributeMetadata",
        select="LogicalName",
        expand="OptionSet,GlobalOptionSet",
    )
    assert body["GlobalOptionSet"] is None
    option_set = body["OptionSet"]
    assert option_set["@odata.type"] == f"#{CRM}.OptionSetMetadata"
    assert option_set["OptionSetType"] == "Picklist" and option_set["IsGlobal"] is False
    column = entity("account").attribute("industrycode")
    assert column is not None
    assert option_labels(option_set["Options"]) == {o.value: o.label for o in column.options}
    first = option_set["Options"][0]
    assert first["Label"]["LocalizedLabels"][0] == {**first["Label"]["UserLocalizedLabel"]}
    assert first["Label"]["LocalizedLabels"][0]["Label"] == "Accounting"


def test_option_set_select_as_the_python_sdk_sends_it() -> None:
    items = values(
        f"{ACCOUNT}/Attributes/{CRM}.PicklistAttributeMetadata",
        select="LogicalName",
        expand="OptionSet($select=Options)",
    )
    by_name = {i["LogicalName"]: i["OptionSet"] for i in items}
    assert set(by_name["accountcategorycode"]) == {"@odata.type", "MetadataId", "Options"}
    assert option_labels(by_name["accountcategorycode"]["Options"]) == {
        1: "Preferred Customer",
        2: "Standard",
    }


def test_lead_state_and_status_pairs() -> None:
    lead = entity("lead")
    state = attribute("lead", "statecode", "StateAttributeMetadata", expand="OptionSet")["OptionSet"]
    status = attribute("lead", "statuscode", "StatusAttributeMetadata", expand="OptionSet")["OptionSet"]
    assert state["OptionSetType"] == "State" and status["OptionSetType"] == "Status"
    statecode, statuscode = lead.attribute("statecode"), lead.attribute("statuscode")
    assert statecode is not None and statuscode is not None
    assert {o["Value"]: o["DefaultStatus"] for o in state["Options"]} == {
        o.value: o.default_status for o in statecode.options
    }
    assert {o["Value"]: o["State"] for o in status["Options"]} == {
        o.value: o.state for o in statuscode.options
    }
    assert {o["Value"]: o["DefaultStatus"] for o in state["Options"]} == {0: 1, 1: 3, 2: 4}
    assert option_labels(status["Options"])[3] == "Qualified"
    assert all(o["@odata.type"] == f"#{CRM}.StatusOptionMetadata" for o in status["Options"])
    assert all(o["@odata.type"] == f"#{CRM}.StateOptionMetadata" for o in state["Options"])


def test_boolean_option_set() -> None:
    body = attribute("account", "creditonhold", "BooleanAttributeMetadata", expand="OptionSet")
    option_set = body["OptionSet"]
    assert option_set["@odata.type"] == f"#{CRM}.BooleanOptionSetMetadata"
    assert option_set["TrueOption"]["Value"] == 1
    assert option_set["TrueOption"]["Label"]["UserLocalizedLabel"]["Label"] == "Yes"
    assert option_set["FalseOption"]["Value"] == 0
    assert option_set["FalseOption"]["Label"]["UserLocalizedLabel"]["Label"] == "No"


def test_entity_name_attribute_has_no_option_set() -> None:
    body = attribute("annotation", "objecttypecode", "EntityNameAttributeMetadata", expand="OptionSet")
    assert body["OptionSet"] is None


def test_option_set_navigation_segment() -> None:
    path = (
        f"{ACCOUNT}/Attributes(LogicalName='accountcategorycode')/{CRM}.PicklistAttributeMetadata/OptionSet"
    )
    body = get(path, select="Name")
    assert body["Name"] == "account_accountcategorycode"
    with pytest.raises(RecordNotFound):
        get(path.replace("/OptionSet", "/GlobalOptionSet"))


def test_keys() -> None:
    keys = values(f"{ACCOUNT}/Keys")
    assert len(keys) == 1
    key = keys[0]
    assert key["LogicalName"] == "accountnumber_key"
    assert key["KeyAttributes"] == ["accountnumber"]
    assert key["EntityKeyIndexStatus"] == "Active"
    assert key["EntityLogicalName"] == "account"
    assert key["DisplayName"]["UserLocalizedLabel"]["Label"] == "Account Number"
    by_name = get(f"{ACCOUNT}/Keys(LogicalName='accountnumber_key')", select="KeyAttributes")
    assert by_name["KeyAttributes"] == ["accountnumber"]
    assert get(f"{ACCOUNT}/Keys({key['MetadataId']})")["LogicalName"] == "accountnumber_key"
    with pytest.raises(RecordNotFound):
        get(f"{ACCOUNT}/Keys(LogicalName='nope')")
