"""System views, personal views and quick view forms, derived from the schema.

Every entity gets the system views a Dataverse organization ships with: an active-records view
(the default), its Quick Find view with find columns, and a lookup view. The Account entity also
gets a view that shows each account's primary contact through a link to Contact, the example
the offline documentation uses for views that need another entity. Quick view forms exist for
the main customer entities, and a few users have personal views. System views and forms have
the same ids on every seed (derived from their names); personal views follow the seed.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from mock_server.schema import Attribute, AttributeType, Entity, schema
from mock_server.schema.model import metadata_id
from mock_server.seed.context import SeedContext

T = AttributeType
MAIN, QUICK_FIND, LOOKUP = 0, 4, 64
QUICK_VIEW_FORM = 6
# Entities that hold definitions rather than data have no views of their own.
WITHOUT_VIEWS = {"organization", "savedquery", "userquery", "systemform", "activityparty"}
QUICK_VIEW_FORMS = ("account", "contact", "opportunity", "incident")
SHOWN_TYPES = (T.STRING, T.PICKLIST, T.MONEY, T.DATETIME, T.LOOKUP, T.CUSTOMER, T.INTEGER)


def view_id(entity: str, name: str) -> str:
    """The id of a system view: the same on every seed."""
    return metadata_id("savedquery", entity, name)


def _columns(entity: Entity) -> list[Attribute]:
    """The primary name and up to four more columns a grid shows."""
    shown = [
        a
        for a in entity.attributes
        if a.type in SHOWN_TYPES
        and not a.is_primary_name
        and a.logical_name
        not in (
            "createdby",
            "modifiedby",
            "owninguser",
            "owningteam",
            "owningbusinessunit",
            "createdon",
            "modifiedon",
            "traversedpath",
            "stageid",
            "processid",
        )
    ]
    name = entity.attribute(entity.primary_name)
    assert name is not None
    return [name, *shown[:4]]


def _find_columns(entity: Entity) -> list[Attribute]:
    """Quick Find searches the primary name and up to two more text columns."""
    texts = [
        a for a in entity.attributes if a.type is T.STRING and a.valid_for_update and not a.is_primary_name
    ]
    name = entity.attribute(entity.primary_name)
    assert name is not None
    return [name, *texts[:2]]


def _fetch(entity: Entity, columns: list[Attribute], filters: str = "", links: str = "") -> str:
    attributes = "".join(f"<attribute name={quoteattr(a.logical_name)} />" for a in columns)
    key = f"<attribute name={quoteattr(entity.primary_id)} />"
    order = f'<order attribute={quoteattr(entity.primary_name)} descending="false" />'
    return (
        f'<fetch version="1.0" mapping="logical"><entity name={quoteattr(entity.logical_name)}>'
        f"{attributes}{key}{order}{filters}{links}</entity></fetch>"
    )


def _layout(entity: Entity, cells: list[str]) -> str:
    rendered = "".join(f'<cell name={quoteattr(c)} width="150" />' for c in cells)
    return (
        f'<grid name="resultset" object="{entity.object_type_code}" jump={quoteattr(entity.primary_name)} '
        f'select="1" icon="1" preview="1"><row name="result" id={quoteattr(entity.primary_id)}>'
        f"{rendered}</row></grid>"
    )


def _active(entity: Entity) -> str:
    if entity.attribute("statecode") is None:
        return ""
    return '<filter type="and"><condition attribute="statecode" operator="eq" value="0" /></filter>'


def _emit_view(
    ctx: SeedContext, entity: Entity, name: str, kind: int, fetch: str, layout: str, default: bool = False
) -> None:
    row = ctx.record("savedquery", fixed_id=view_id(entity.logical_name, name))
    row.update(
        name=name,
        returnedtypecode=entity.logical_name,
        querytype=kind,
        isquickfindquery=kind == QUICK_FIND,
        isdefault=default,
        fetchxml=fetch,
        layoutxml=layout,
        description=None,
        statecode=0,
        statuscode=1,
    )
    ctx.emit("savedquery", row)


def _system_views(ctx: SeedContext, entity: Entity) -> None:
    plural = entity.display_collection_name
    columns = _columns(entity)
    layout = _layout(entity, [c.logical_name for c in columns])
    _emit_view(ctx, entity, f"Active {plural}", MAIN, _fetch(entity, columns, _active(entity)), layout, True)
    finds = "".join(
        f'<condition attribute={quoteattr(a.logical_name)} operator="like" value="{{0}}" />'
        for a in _find_columns(entity)
    )
    quick_find = f'<filter type="or" isquickfindfields="1">{finds}</filter>'
    active = _active(entity)
    filters = active.replace("</filter>", f"{quick_find}</filter>") if active else quick_find
    _emit_view(
        ctx, entity, f"Quick Find Active {plural}", QUICK_FIND, _fetch(entity, columns, filters), layout
    )
    name = entity.attribute(entity.primary_name)
    assert name is not None
    _emit_view(
        ctx,
        entity,
        f"{entity.display_name} Lookup View",
        LOOKUP,
        _fetch(entity, [name], active),
        _layout(entity, [name.logical_name]),
    )


def _primary_contact_view(ctx: SeedContext) -> None:
    """An account view showing each account's primary contact: it needs Contact offline too."""
    account = schema().entity("account")
    assert account is not None
    name = account.attribute("name")
    assert name is not None
    link = (
        '<link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" '
        'alias="primarycontact"><attribute name="fullname" /><attribute name="emailaddress1" /></link-entity>'
    )
    fetch = _fetch(account, [name], _active(account), link)
    layout = _layout(account, ["name", "primarycontact.fullname", "primarycontact.emailaddress1"])
    _emit_view(ctx, account, "Accounts: Primary Contact", MAIN, fetch, layout)


def _quick_view_form(ctx: SeedContext, entity: Entity) -> None:
    controls = "".join(
        f"<row><cell><control id={quoteattr(a.logical_name)} "
        f"datafieldname={quoteattr(a.logical_name)} /></cell></row>"
        for a in _columns(entity)
    )
    form_xml = (
        f'<form><tabs><tab name="summary"><columns><column><sections><section name="card"><rows>{controls}'
        "</rows></section></sections></column></columns></tab></tabs></form>"
    )
    name = f"{entity.display_name} Card"
    row = ctx.record("systemform", fixed_id=metadata_id("systemform", entity.logical_name, name))
    row.update(
        name=name,
        objecttypecode=entity.logical_name,
        type=QUICK_VIEW_FORM,
        isdefault=True,
        formxml=form_xml,
        description=f"A quick view of a {entity.display_name.lower()}.",
    )
    ctx.emit("systemform", row)


PERSONAL_VIEWS = (
    (
        "account",
        "My Hot Prospects",
        '<filter type="and"><condition attribute="accountcategorycode" operator="eq" value="1" /></filter>',
    ),
    (
        "contact",
        "Contacts I Call Often",
        '<filter type="and"><condition attribute="telephone1" operator="not-null" /></filter>',
    ),
    (
        "opportunity",
        "Big Deals",
        '<filter type="and"><condition attribute="estimatedvalue" operator="gt" value="100000" /></filter>',
    ),
)


def _personal_views(ctx: SeedContext) -> None:
    for user, (entity_name, name, filters) in zip(ctx.users, PERSONAL_VIEWS, strict=False):
        entity = schema().entity(entity_name)
        assert entity is not None
        columns = _columns(entity)
        row = ctx.record("userquery", owner=user)
        row.update(
            name=name,
            returnedtypecode=entity_name,
            querytype=MAIN,
            fetchxml=_fetch(entity, columns, filters),
            layoutxml=_layout(entity, [c.logical_name for c in columns]),
            description=None,
            statecode=0,
            statuscode=1,
        )
        ctx.emit("userquery", row)


def seed_views(ctx: SeedContext) -> None:
    """Every entity's system views, the linked Account view, quick view forms, personal views."""
    for entity in schema().entities:
        if entity.logical_name not in WITHOUT_VIEWS:
            _system_views(ctx, entity)
    _primary_contact_view(ctx)
    for name in QUICK_VIEW_FORMS:
        form_entity = schema().entity(name)
        assert form_entity is not None
        _quick_view_form(ctx, form_entity)
    _personal_views(ctx)
