"""The ``$metadata`` CSDL document and the service document, generated from the schema.

OData clients read ``$metadata`` to learn entity sets, keys, property types and navigation
properties before they query, so it must parse as EDMX 4.0 and agree with what the data
endpoints return: lookups appear as ``_x_value`` Guid properties, single-valued navigation
properties carry a ``ReferentialConstraint`` to them, every entity type derives from the
abstract ``crmbaseentity`` (the parameter type of ``CreateMultiple`` and friends, and what
``@odata.type`` casts resolve against). The document depends on the schema only, so it is built
once per process for each ``annotations`` setting.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

from mock_server.odata.metadata.common import ALIAS, NAMESPACE
from mock_server.schema import Attribute, AttributeType, Entity, Navigation, NavigationKind, Schema, schema

EDMX_NS = "http://docs.oasis-open.org/odata/ns/edmx"
EDM_NS = "http://docs.oasis-open.org/odata/ns/edm"
CAPABILITIES = "Org.OData.Capabilities.V1"
KEYS = "OData.Community.Keys.V1"
VOCABULARIES = {
    CAPABILITIES: "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml",
    KEYS: "https://raw.githubusercontent.com/OData/vocabularies/master/OData.Community.Keys.V1.xml",
}
BASE_TYPE = "crmbaseentity"
PRINCIPAL = "principal"
PRINCIPAL_KEY = "ownerid"  # Dataverse's name for the id every owner (user or team) shares
CONTAINER = "System"

T = AttributeType
EDM_TYPES: dict[AttributeType, str] = {
    T.UNIQUEIDENTIFIER: "Edm.Guid",
    T.STRING: "Edm.String",
    T.MEMO: "Edm.String",
    T.INTEGER: "Edm.Int32",
    T.BIGINT: "Edm.Int64",
    T.DECIMAL: "Edm.Decimal",
    T.DOUBLE: "Edm.Double",
    T.MONEY: "Edm.Decimal",
    T.BOOLEAN: "Edm.Boolean",
    T.DATETIME: "Edm.DateTimeOffset",
    T.PICKLIST: "Edm.Int32",
    T.STATE: "Edm.Int32",
    T.STATUS: "Edm.Int32",
    T.LOOKUP: "Edm.Guid",
    T.CUSTOMER: "Edm.Guid",
    T.OWNER: "Edm.Guid",
    T.ENTITYNAME: "Edm.String",
}

# Unbound functions with their response complex types, and actions bound to a collection of
# crmbaseentity taking ``Targets`` (name -> response type, or None for 204 No Content).
COMPLEX_TYPES: dict[str, dict[str, str]] = {
    "WhoAmIResponse": {"BusinessUnitId": "Edm.Guid", "UserId": "Edm.Guid", "OrganizationId": "Edm.Guid"},
    "CreateMultipleResponse": {"Ids": "Collection(Edm.Guid)"},
}
FUNCTIONS = {"WhoAmI": "WhoAmIResponse"}
MULTIPLE_ACTIONS: dict[str, str | None] = {
    "CreateMultiple": "CreateMultipleResponse",
    "UpdateMultiple": None,
    "UpsertMultiple": None,
}


def render_csdl(base_url: str, annotations: bool = False) -> str:
    """The ``$metadata`` document. ``base_url`` is not embedded (the CSDL has no absolute URLs);
    ``annotations`` (``?annotations=true``) adds capability and alternate-key annotations."""
    return _document(annotations)


def service_document(base_url: str) -> dict[str, Any]:
    """The body of ``GET /api/data/v9.2/``: one entry per entity set."""
    return {
        "@odata.context": f"{base_url.rstrip('/')}/$metadata",
        "value": [
            {"name": e.entity_set, "kind": "EntitySet", "url": e.entity_set} for e in schema().entities
        ],
    }


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, attributes)


@cache
def _document(annotations: bool) -> str:
    s = schema()
    root = ET.Element("edmx:Edmx", {"Version": "4.0", "xmlns:edmx": EDMX_NS})
    for namespace, uri in VOCABULARIES.items():
        reference = _sub(root, "edmx:Reference", Uri=uri)
        _sub(reference, "edmx:Include", Namespace=namespace, Alias=namespace.split(".")[-2])
    services = _sub(root, "edmx:DataServices")
    body = _sub(services, "Schema", Namespace=NAMESPACE, Alias=ALIAS, xmlns=EDM_NS)
    _sub(body, "EntityType", Name=BASE_TYPE, Abstract="true")
    principals = _principals(s)
    if principals:
        principal = _sub(body, "EntityType", Name=PRINCIPAL, BaseType=f"{ALIAS}.{BASE_TYPE}", Abstract="true")
        _sub(principal, "Property", Name=PRINCIPAL_KEY, Type="Edm.Guid")
    for e in s.entities:
        _entity_type(body, s, e, principals, annotations)
    _operations(body)
    container = _sub(body, "EntityContainer", Name=CONTAINER)
    for e in s.entities:
        _entity_set(container, s, e, annotations)
    for function in FUNCTIONS:
        _sub(container, "FunctionImport", Name=function, Function=f"{NAMESPACE}.{function}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def _principals(s: Schema) -> frozenset[str]:
    """Entities that can own records (the targets of owner lookups): they share the abstract
    ``principal`` base type, unless one of them has a column of that name already."""
    owners = frozenset(
        t.entity for e in s.entities for a in e.lookups if a.type is T.OWNER for t in a.targets
    )
    clash = any((entity := s.entity(name)) is None or entity.attribute(PRINCIPAL_KEY) for name in owners)
    return frozenset() if clash else owners


def _property_name(a: Attribute) -> str:
    return a.lookup_property if a.is_lookup else a.logical_name


def _entity_type(
    body: ET.Element, s: Schema, e: Entity, principals: frozenset[str], annotations: bool
) -> None:
    base = PRINCIPAL if e.logical_name in principals else BASE_TYPE
    node = _sub(body, "EntityType", Name=e.logical_name, BaseType=f"{ALIAS}.{base}")
    key = _sub(node, "Key")
    _sub(key, "PropertyRef", Name=e.primary_id)
    for a in e.attributes:
        facets = {"Nullable": "false"} if a.logical_name == e.primary_id else {}
        if EDM_TYPES[a.type] == "Edm.Decimal":
            facets["Scale"] = "Variable"
        _sub(node, "Property", Name=_property_name(a), Type=EDM_TYPES[a.type], **facets)
    for nav in s.navigations(e.logical_name):
        _navigation(node, s, nav, principals)
    if annotations and e.keys:
        _alternate_keys(node, e)


def _navigation(parent: ET.Element, s: Schema, nav: Navigation, principals: frozenset[str]) -> None:
    if nav.kind is not NavigationKind.SINGLE:
        attributes = {"Name": nav.name, "Type": f"Collection({ALIAS}.{nav.targets[0]})"}
        partner = _collection_partner(s, nav)
        if partner:
            attributes["Partner"] = partner
        _sub(parent, "NavigationProperty", **attributes)
        return
    if nav.attribute is None:  # single-valued navigations always come from a lookup
        return
    targets = nav.targets
    if len(targets) == 1:
        type_name, referenced = targets[0], _primary_id(s, targets[0])
    elif set(targets) <= principals:
        type_name, referenced = PRINCIPAL, PRINCIPAL_KEY
    else:
        type_name, referenced = BASE_TYPE, None
    attributes = {"Name": nav.name, "Type": f"{ALIAS}.{type_name}"}
    partner = next(
        (
            t.collection_navigation
            for t in nav.attribute.targets
            if t.navigation == nav.name and len(targets) == 1
        ),
        None,
    )
    if partner:
        attributes["Partner"] = partner
    element = _sub(parent, "NavigationProperty", **attributes)
    if referenced:
        _sub(
            element,
            "ReferentialConstraint",
            Property=nav.attribute.lookup_property,
            ReferencedProperty=referenced,
        )


def _collection_partner(s: Schema, nav: Navigation) -> str | None:
    """A 1:N collection's partner: the single-valued navigation of the lookup behind it, when
    that navigation points to this entity only."""
    if nav.kind is not NavigationKind.COLLECTION or nav.attribute is None:
        return None
    for t in nav.attribute.targets:
        if t.entity == nav.entity and t.collection_navigation == nav.name:
            single = s.navigation(nav.targets[0], t.navigation)
            return t.navigation if single is not None and len(single.targets) == 1 else None
    return None


def _primary_id(s: Schema, logical_name: str) -> str | None:
    entity = s.entity(logical_name)
    return entity.primary_id if entity else None


def _alternate_keys(node: ET.Element, e: Entity) -> None:
    annotation = _sub(node, "Annotation", Term=f"{KEYS}.AlternateKeys")
    keys = _sub(annotation, "Collection")
    for key in e.keys:
        record = _sub(keys, "Record", Type=f"{KEYS}.AlternateKey")
        parts = _sub(_sub(record, "PropertyValue", Property="Key"), "Collection")
        for name in key.attributes:
            part = _sub(parts, "Record", Type=f"{KEYS}.PropertyRef")
            _sub(part, "PropertyValue", Property="Alias", String=name)
            _sub(part, "PropertyValue", Property="Name", PropertyPath=name)


def _operations(body: ET.Element) -> None:
    for name, members in COMPLEX_TYPES.items():
        complex_type = _sub(body, "ComplexType", Name=name)
        for member, type_name in members.items():
            _sub(complex_type, "Property", Name=member, Type=type_name, Nullable="false")
    for name, result in FUNCTIONS.items():
        function = _sub(body, "Function", Name=name)
        _sub(function, "ReturnType", Type=f"{ALIAS}.{result}", Nullable="false")
    targets = f"Collection({ALIAS}.{BASE_TYPE})"
    for name, response in MULTIPLE_ACTIONS.items():
        action = _sub(body, "Action", Name=name, IsBound="true")
        _sub(action, "Parameter", Name="entityset", Type=targets, Nullable="false")
        _sub(action, "Parameter", Name="Targets", Type=targets, Nullable="false")
        if response:
            _sub(action, "ReturnType", Type=f"{ALIAS}.{response}", Nullable="false")


def _entity_set(container: ET.Element, s: Schema, e: Entity, annotations: bool) -> None:
    entity_set = _sub(container, "EntitySet", Name=e.entity_set, EntityType=f"{NAMESPACE}.{e.logical_name}")
    for nav in s.navigations(e.logical_name):
        target = s.entity(nav.targets[0]) if len(nav.targets) == 1 else None
        if target is not None:
            _sub(entity_set, "NavigationPropertyBinding", Path=nav.name, Target=target.entity_set)
    if annotations and e.change_tracking:
        annotation = _sub(entity_set, "Annotation", Term=f"{CAPABILITIES}.ChangeTracking")
        record = _sub(annotation, "Record")
        _sub(record, "PropertyValue", Property="Supported", Bool="true")
