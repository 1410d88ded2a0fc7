"""link-entity: inner and outer joins, nesting, aliases, entityname, filter link types, N:N."""

from __future__ import annotations

from typing import Any

from tests.mock_server.fetchxml.conftest import Mock, fetch

FX = (
    "<filter><condition attribute='name' operator='begins-with' value='FX'/></filter>"
    "<order attribute='name'/>"
)
CHILDREN = (
    "<link-entity name='contact' from='parentcustomerid' to='accountid' alias='c' link-type='{kind}'>{inner}"
)


def rows(mock: Mock, inner: str, prefer: str = "") -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = mock.run(fetch("account", inner + FX), prefer=prefer)["value"]
    return value


def pairs(found: list[dict[str, Any]], key: str) -> list[tuple[str, Any]]:
    return [(row["name"], row.get(key)) for row in found]


def children(kind: str, inner: str = "<attribute name='firstname'/>", more: str = "") -> str:
    return CHILDREN.format(kind=kind, inner=inner) + more + "</link-entity>"


def test_an_inner_many_to_one_link_adds_aliased_columns(mock: Mock) -> None:
    found = rows(
        mock,
        "<link-entity name='contact' from='contactid' to='primarycontactid' alias='pc'>"
        "<attribute name='fullname'/><attribute name='parentcustomerid'/><attribute name='jobtitle'/>"
        "</link-entity>",
    )
    assert [row["name"] for row in found] == ["FX Alpha"]
    (alpha,) = found
    assert alpha["pc.fullname"] == "Ann FX"
    assert (
        alpha["pc.parentcustomerid"] == mock.ids["FX Alpha"]
    )  # a linked lookup keeps its own name and a GUID
    assert "pc.jobtitle" not in alpha  # null, so left out
    assert alpha["accountid"] == mock.ids["FX Alpha"] and alpha["@odata.etag"].startswith('W/"')


def test_an_outer_link_keeps_every_row(mock: Mock) -> None:
    found = rows(
        mock,
        "<link-entity name='contact' from='contactid' to='primarycontactid' alias='pc' link-type='outer'>"
        "<attribute name='fullname'/></link-entity>",
    )
    assert pairs(found, "pc.fullname") == [
        ("FX Alpha", "Ann FX"),
        ("FX Beta", None),
        ("FX Delta_1", None),
        ("FX Gamma", None),
    ]
    assert all(not any(key.startswith("pc.") for key in row) for row in found[1:])


def test_one_to_many_links_repeat_the_parent_once_per_match(mock: Mock) -> None:
    inner = children("inner", "<attribute name='firstname'/><order attribute='firstname' descending='true'/>")
    assert pairs(rows(mock, inner), "c.firstname") == [
        ("FX Alpha", "Bob"),
        ("FX Alpha", "Ann"),
        ("FX Beta", "Cid"),
    ]
    outer = sorted(pairs(rows(mock, children("outer")), "c.firstname"), key=str)
    assert outer == [
        ("FX Alpha", "Ann"),
        ("FX Alpha", "Bob"),
        ("FX Beta", "Cid"),
        ("FX Delta_1", None),
        ("FX Gamma", None),
    ]


def test_nested_links_and_their_filters(mock: Mock) -> None:
    employer = (
        "<link-entity name='account' from='accountid' to='parentcustomerid' alias='emp'>"
        "<attribute name='name'/><attribute name='numberofemployees'/>{filter}</link-entity>"
    )
    nested = children("inner", more=employer.format(filter="") + "<order attribute='firstname'/>")
    found = rows(mock, nested)
    assert [(r["name"], r["c.firstname"], r["emp.name"], r["emp.numberofemployees"]) for r in found] == [
        ("FX Alpha", "Ann", "FX Alpha", 10),
        ("FX Alpha", "Bob", "FX Alpha", 10),
        ("FX Beta", "Cid", "FX Beta", 20),
    ]
    # An inner link below an outer one only drops the outer link's matches, never the parent row.
    only_beta = employer.format(
        filter="<filter><condition attribute='name' operator='eq' value='FX Beta'/></filter>"
    )
    found = rows(mock, children("outer", more=only_beta))
    assert pairs(found, "c.firstname") == [
        ("FX Alpha", None),
        ("FX Beta", "Cid"),
        ("FX Delta_1", None),
        ("FX Gamma", None),
    ]


def test_a_filter_inside_an_outer_link_keeps_the_parent(mock: Mock) -> None:
    ann = "<filter><condition attribute='firstname' operator='eq' value='Ann'/></filter>"
    found = rows(mock, children("outer", more=ann))
    assert pairs(found, "c.firstname") == [
        ("FX Alpha", "Ann"),
        ("FX Beta", None),
        ("FX Delta_1", None),
        ("FX Gamma", None),
    ]


def test_entityname_conditions_read_linked_columns(mock: Mock) -> None:
    without = "<filter><condition entityname='c' attribute='contactid' operator='null'/></filter>"
    assert [r["name"] for r in rows(mock, children("outer", "") + without)] == ["FX Delta_1", "FX Gamma"]
    bob = (
        "<filter type='or'>"
        "<condition entityname='c' attribute='firstname' operator='eq' value='bob'/></filter>"
    )
    assert pairs(rows(mock, children("inner") + bob), "c.firstname") == [("FX Alpha", "Bob")]
    beta = mock.ids["FX Beta"]
    by_lookup = (
        "<filter><condition entityname='c' attribute='parentcustomerid' operator='eq' "
        f"value='{beta}'/></filter>"
    )
    assert [r["name"] for r in rows(mock, children("inner", "") + by_lookup)] == ["FX Beta"]


def test_default_aliases(mock: Mock) -> None:
    found = rows(
        mock,
        "<link-entity name='contact' from='contactid' to='primarycontactid'><attribute name='fullname'/>"
        "</link-entity>"
        "<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='outer'>"
        "<attribute name='firstname'/></link-entity>",
    )
    assert sorted((r["contact.fullname"], r.get("contact2.firstname")) for r in found) == [
        ("Ann FX", "Ann"),
        ("Ann FX", "Bob"),
    ]
    alone = rows(
        mock,
        "<link-entity name='contact' from='parentcustomerid' to='accountid'><attribute name='firstname'/>"
        "</link-entity>",
    )
    assert {r["contact1.firstname"] for r in alone} == {"Ann", "Bob", "Cid"}


def test_column_aliases(mock: Mock) -> None:
    found = rows(
        mock,
        "<link-entity name='contact' from='contactid' to='primarycontactid' alias='pc'>"
        "<attribute name='fullname' alias='contact_name'/></link-entity>",
    )
    assert found[0]["contact_name"] == "Ann FX" and "pc.fullname" not in found[0]
    renamed = mock.run(
        fetch(
            "account",
            FX,
            "<attribute name='name' alias='title'/><attribute name='primarycontactid' alias='pc'/>",
        )
    )
    alpha = renamed["value"][0]
    assert alpha["title"] == "FX Alpha" and alpha["pc"] == mock.ids["Ann"] and "name" not in alpha


def test_annotations_on_linked_columns(mock: Mock) -> None:
    inner = (
        "<link-entity name='contact' from='contactid' to='primarycontactid' alias='pc'>"
        "<attribute name='parentcustomerid'/><attribute name='birthdate'/></link-entity>"
    )
    (alpha,) = rows(mock, inner, prefer='odata.include-annotations="*"')
    assert alpha["pc.parentcustomerid@OData.Community.Display.V1.FormattedValue"] == "FX Alpha"
    assert alpha["pc.parentcustomerid@Microsoft.Dynamics.CRM.lookuplogicalname"] == "account"
    assert alpha["pc.parentcustomerid@OData.Community.Display.V1.AttributeName"] == "parentcustomerid"
    assert alpha["pc.birthdate"] == "1990-05-17T00:00:00Z"
    assert alpha["pc.birthdate@OData.Community.Display.V1.FormattedValue"] == "5/17/1990 12:00 AM"
    (plain,) = rows(mock, inner)
    assert not [key for key in plain if "@" in key and key != "@odata.etag"]


def test_filter_link_types(mock: Mock) -> None:
    def names(link_type: str, inner: str = "", where: str = "filter") -> list[str]:
        link = (
            f"<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='{link_type}'>"
            f"{inner}</link-entity>"
        )
        return [r["name"] for r in rows(mock, f"<filter>{link}</filter>" if where == "filter" else link)]

    bob = "<filter><condition attribute='firstname' operator='eq' value='Bob'/></filter>"
    ann = "<filter><condition attribute='firstname' operator='eq' value='Ann'/></filter>"
    assert names("any") == ["FX Alpha", "FX Beta"]
    assert names("any", bob) == ["FX Alpha"]
    assert names("not any") == ["FX Delta_1", "FX Gamma"]
    assert names("not any", bob) == ["FX Beta", "FX Delta_1", "FX Gamma"]
    assert names("all", ann) == ["FX Delta_1", "FX Gamma"]  # every contact (of none at all) is Ann
    assert names("not all", ann) == ["FX Alpha", "FX Beta"]
    assert names("exists", where="entity") == ["FX Alpha", "FX Beta"]  # once each, unlike inner
    assert names("in", bob, where="entity") == ["FX Alpha"]


def test_filter_links_combine_with_conditions_in_an_or(mock: Mock) -> None:
    inner = (
        "<filter type='or'><condition attribute='numberofemployees' operator='eq' value='30'/>"
        "<link-entity name='task' from='regardingobjectid' to='accountid' link-type='any'/></filter>"
    )
    assert [r["name"] for r in rows(mock, inner)] == ["FX Alpha", "FX Gamma"]


def test_exists_across_a_lookup_and_distinct(mock: Mock) -> None:
    exists = "<link-entity name='contact' from='contactid' to='primarycontactid' link-type='exists'/>"
    assert [r["name"] for r in rows(mock, exists)] == ["FX Alpha"]
    xml = fetch("account", children("inner", "") + FX, distinct="true")
    assert [r["name"] for r in mock.run(xml)["value"]] == ["FX Alpha", "FX Beta"]


def test_many_to_many_through_the_intersect_table(mock: Mock) -> None:
    xml = (
        "<fetch><entity name='systemuser'><attribute name='fullname'/>"
        "<link-entity name='teammembership' from='systemuserid' to='systemuserid' intersect='true'>"
        "<link-entity name='team' from='teamid' to='teamid' alias='t'><attribute name='name'/></link-entity>"
        "</link-entity></entity></fetch>"
    )
    found = {(r["systemuserid"], r["t.name"]) for r in mock.run(xml)["value"]}
    users = mock.odata("systemusers", "$select=fullname&$expand=teammembership_association($select=name)")
    expected = {(u["systemuserid"], t["name"]) for u in users for t in u["teammembership_association"]}
    assert found == expected and found


def test_counting_joined_rows(mock: Mock) -> None:
    body = mock.run(fetch("account", children("inner") + FX), query="$count=true")
    assert body["@odata.count"] == len(body["value"]) == 3
