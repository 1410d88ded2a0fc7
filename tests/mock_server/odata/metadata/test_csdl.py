"""The ``$metadata`` CSDL parses as EDMX 4.0 and agrees with the schema; the service document
lists every entity set."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mock_server.odata.metadata import render_csdl, service_document
from mock_server.schema import schema
from tests.mock_server.odata.metadata.helpers import BASE

EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


def parse(annotations: bool = False) -> ET.Element:
    return ET.fromstring(render_csdl(BASE, annotations=annotations))


@pytest.fixture(scope="module")
def body() -> ET.Element:
    node = parse().find(f"{EDMX}DataServices/{EDM}Schema")
    assert node is not None
    return node


@pytest.fixture(scope="module")
def types(body: ET.Element) -> dict[str, ET.Element]:
    return {t.attrib["Name"]: t for t in body.findall(f"{EDM}EntityType")}


def props(entity_type: ET.Element) -> dict[str, str]:
    return {p.attrib["Name"]: p.attrib["Type"] for p in entity_type.findall(f"{EDM}Property")}


def navs(entity_type: ET.Element) -> dict[str, ET.Element]:
    return {n.attrib["Name"]: n for n in entity_type.findall(f"{EDM}NavigationProperty")}


def test_document_is_edmx_4_with_the_crm_namespace(body: ET.Element) -> None:
    root = parse()
    assert root.tag == f"{EDMX}Edmx"
    assert root.attrib["Version"] == "4.0"
    assert body.attrib == {"Namespace": "Microsoft.Dynamics.CRM", "Alias": "mscrm"}
    assert render_csdl(BASE).startswith('<?xml version="1.0" encoding="utf-8"?>')


def test_document_is_cached() -> None:
    assert render_csdl(BASE) is render_csdl("http://other/api/data/v9.2")


def test_base_types(types: dict[str, ET.Element]) -> None:
    assert types["crmbaseentity"].attrib["Abstract"] == "true"
    assert types["principal"].attrib["BaseType"] == "mscrm.crmbaseentity"
    assert props(types["principal"]) == {"ownerid": "Edm.Guid"}
    assert types["systemuser"].attrib["BaseType"] == "mscrm.principal"
    assert types["team"].attrib["BaseType"] == "mscrm.principal"
    assert types["account"].attrib["BaseType"] == "mscrm.crmbaseentity"


def test_every_entity_has_a_type_with_its_primary_key(types: dict[str, ET.Element]) -> None:
    for e in schema().entities:
        entity_type = types[e.logical_name]
        refs = [r.attrib["Name"] for r in entity_type.findall(f"{EDM}Key/{EDM}PropertyRef")]
        assert refs == [e.primary_id]
        key = next(p for p in entity_type.findall(f"{EDM}Property") if p.attrib["Name"] == e.primary_id)
        assert key.attrib == {"Name": e.primary_id, "Type": "Edm.Guid", "Nullable": "false"}


def test_every_attribute_is_a_property_lookups_as_value_guids(types: dict[str, ET.Element]) -> None:
    for e in schema().entities:
        declared = props(types[e.logical_name])
        for a in e.attributes:
            if a.is_lookup:
                assert declared[f"_{a.logical_name}_value"] == "Edm.Guid"
                assert a.logical_name not in declared
            else:
                assert a.logical_name in declared
        assert len(declared) == len(e.attributes)


@pytest.mark.parametrize(
    ("entity", "name", "edm"),
    [
        ("account", "name", "Edm.String"),
        ("account", "description", "Edm.String"),
        ("account", "numberofemployees", "Edm.Int32"),
        ("account", "industrycode", "Edm.Int32"),
        ("account", "statecode", "Edm.Int32"),
        ("account", "versionnumber", "Edm.Int64"),
        ("account", "revenue", "Edm.Decimal"),
        ("account", "creditonhold", "Edm.Boolean"),
        ("account", "createdon", "Edm.DateTimeOffset"),
        ("account", "_primarycontactid_value", "Edm.Guid"),
        ("account", "_ownerid_value", "Edm.Guid"),
        ("transactioncurrency", "exchangerate", "Edm.Decimal"),
        ("competitoraddress", "latitude", "Edm.Double"),
        ("annotation", "objecttypecode", "Edm.String"),
    ],
)
def test_property_types(types: dict[str, ET.Element], entity: str, name: str, edm: str) -> None:
    assert props(types[entity])[name] == edm


def test_decimals_have_variable_scale(types: dict[str, ET.Element]) -> None:
    revenue = next(p for p in types["account"].findall(f"{EDM}Property") if p.attrib["Name"] == "revenue")
    assert revenue.attrib["Scale"] == "Variable"


def test_member_names_are_unique_per_type(types: dict[str, ET.Element]) -> None:
    for entity_type in types.values():
        members = [
            m.attrib["Name"] for m in entity_type if m.tag in (f"{EDM}Property", f"{EDM}NavigationProperty")
        ]
        assert len(members) == len(set(members)), entity_type.attrib["Name"]


def test_single_valued_navigation(types: dict[str, ET.Element]) -> None:
    nav = navs(types["account"])["primarycontactid"]
    assert nav.attrib["Type"] == "mscrm.contact"
    assert nav.attrib["Partner"] == "account_primary_contact"
    constraint = nav.find(f"{EDM}ReferentialConstraint")
    assert constraint is not None
    assert constraint.attrib == {"Property": "_primarycontactid_value", "ReferencedProperty": "contactid"}


def test_collection_navigation(types: dict[str, ET.Element]) -> None:
    nav = navs(types["contact"])["account_primary_contact"]
    assert nav.attrib["Type"] == "Collection(mscrm.account)"
    assert nav.attrib["Partner"] == "primarycontactid"
    assert navs(types["account"])["Account_Tasks"].attrib["Type"] == "Collection(mscrm.task)"


def test_polymorphic_owner_navigation_points_to_principal(types: dict[str, ET.Element]) -> None:
    nav = navs(types["account"])["ownerid"]
    assert nav.attrib["Type"] == "mscrm.principal"
    constraint = nav.find(f"{EDM}ReferentialConstraint")
    assert constraint is not None
    assert constraint.attrib == {"Property": "_ownerid_value", "ReferencedProperty": "ownerid"}


def test_many_to_many_navigation(types: dict[str, ET.Element]) -> None:
    assert navs(types["systemuser"])["teammembership_association"].attrib["Type"] == "Collection(mscrm.team)"
    assert navs(types["team"])["teammembership_association"].attrib["Type"] == "Collection(mscrm.systemuser)"


def test_navigations_match_the_registry(types: dict[str, ET.Element]) -> None:
    for e in schema().entities:
        assert set(navs(types[e.logical_name])) == {n.name for n in schema().navigations(e.logical_name)}


def test_navigation_types_exist_and_partners_are_symmetric(types: dict[str, ET.Element]) -> None:
    for name, entity_type in types.items():
        for nav in navs(entity_type).values():
            target = nav.attrib["Type"].removeprefix("Collection(").removesuffix(")").removeprefix("mscrm.")
            assert target in types, (name, nav.attrib)
            partner = nav.attrib.get("Partner")
            if partner is not None:
                back = navs(types[target])[partner]
                assert back.attrib.get("Partner") == nav.attrib["Name"], (name, nav.attrib)
            for constraint in nav.findall(f"{EDM}ReferentialConstraint"):
                assert constraint.attrib["Property"] in props(entity_type)
                target_props = {**props(types[target]), **props(types["principal"])}
                assert constraint.attrib["ReferencedProperty"] in target_props


def test_container_has_an_entity_set_per_entity(body: ET.Element, types: dict[str, ET.Element]) -> None:
    container = body.find(f"{EDM}EntityContainer")
    assert container is not None
    assert container.attrib["Name"] == "System"
    sets = {s.attrib["Name"]: s for s in container.findall(f"{EDM}EntitySet")}
    assert set(sets) == {e.entity_set for e in schema().entities}
    by_set = {e.entity_set: e for e in schema().entities}
    for name, entity_set in sets.items():
        logical = by_set[name].logical_name
        assert entity_set.attrib["EntityType"] == f"Microsoft.Dynamics.CRM.{logical}"
        for binding in entity_set.findall(f"{EDM}NavigationPropertyBinding"):
            assert binding.attrib["Path"] in navs(types[logical])
            assert binding.attrib["Target"] in sets
    accounts = {b.attrib["Path"]: b.attrib["Target"] for b in sets["accounts"]}
    assert accounts["primarycontactid"] == "contacts"
    assert "ownerid" not in accounts  # polymorphic: no single target set


def test_who_am_i(body: ET.Element) -> None:
    response = body.find(f"{EDM}ComplexType[@Name='WhoAmIResponse']")
    assert response is not None
    assert {p.attrib["Name"]: p.attrib["Type"] for p in response} == {
        "BusinessUnitId": "Edm.Guid",
        "UserId": "Edm.Guid",
        "OrganizationId": "Edm.Guid",
    }
    function = body.find(f"{EDM}Function[@Name='WhoAmI']")
    assert function is not None
    result = function.find(f"{EDM}ReturnType")
    assert result is not None and result.attrib["Type"] == "mscrm.WhoAmIResponse"
    imports = body.findall(f"{EDM}EntityContainer/{EDM}FunctionImport")
    assert [(i.attrib["Name"], i.attrib["Function"]) for i in imports] == [
        ("WhoAmI", "Microsoft.Dynamics.CRM.WhoAmI")
    ]


@pytest.mark.parametrize("name", ["CreateMultiple", "UpdateMultiple", "UpsertMultiple"])
def test_multiple_actions_are_bound_to_crmbaseentity_collections(body: ET.Element, name: str) -> None:
    action = body.find(f"{EDM}Action[@Name='{name}']")
    assert action is not None
    assert action.attrib["IsBound"] == "true"
    parameters = [(p.attrib["Name"], p.attrib["Type"]) for p in action.findall(f"{EDM}Parameter")]
    assert parameters == [
        ("entityset", "Collection(mscrm.crmbaseentity)"),
        ("Targets", "Collection(mscrm.crmbaseentity)"),
    ]


def change_tracking_sets(root: ET.Element) -> set[str]:
    term = "Org.OData.Capabilities.V1.ChangeTracking"
    container = root.find(f"{EDMX}DataServices/{EDM}Schema/{EDM}EntityContainer")
    assert container is not None
    found = set()
    for entity_set in container.findall(f"{EDM}EntitySet"):
        for annotation in entity_set.findall(f"{EDM}Annotation[@Term='{term}']"):
            supported = annotation.find(f"{EDM}Record/{EDM}PropertyValue[@Property='Supported']")
            assert supported is not None and supported.attrib["Bool"] == "true"
            found.add(entity_set.attrib["Name"])
    return found


def test_change_tracking_annotations_only_on_request() -> None:
    assert change_tracking_sets(parse()) == set()
    expected = {e.entity_set for e in schema().entities if e.change_tracking}
    assert expected and change_tracking_sets(parse(annotations=True)) == expected


def test_alternate_key_annotation() -> None:
    account = parse(annotations=True).find(f"{EDMX}DataServices/{EDM}Schema/{EDM}EntityType[@Name='account']")
    assert account is not None
    paths = account.findall(f".//{EDM}PropertyValue[@Property='Name']")
    assert [p.attrib["PropertyPath"] for p in paths] == ["accountnumber"]


def test_service_document() -> None:
    document = service_document(BASE + "/")
    assert document["@odata.context"] == f"{BASE}/$metadata"
    assert {"name": "accounts", "kind": "EntitySet", "url": "accounts"} in document["value"]
    assert [v["name"] for v in document["value"]] == [e.entity_set for e in schema().entities]
