"""The device's FetchXML evaluator: conditions, nested filters, order, links, Quick Find text."""

from __future__ import annotations

from typing import Any

import pytest

from clients.reference.catalog import NotAvailableOffline
from clients.reference.views import Context, run_fetch

ACCOUNTS: list[dict[str, Any]] = [
    {"accountid": "a1", "name": "Contoso", "revenue": 10.0, "statecode": 0, "primarycontactid": None},
    {"accountid": "a2", "name": "Fabrikam", "revenue": 5.0, "statecode": 1, "primarycontactid": None},
    {
        "accountid": "a3",
        "name": "Adatum",
        "revenue": None,
        "statecode": 0,
        "primarycontactid": {"entity": "contact", "id": "C1"},
        "ownerid": {"entity": "systemuser", "id": "u1"},
    },
]
CONTACTS = [{"contactid": "c1", "fullname": "Ada Okafor"}]
CONTEXT = Context(
    lambda entity: {"account": ACCOUNTS, "contact": CONTACTS}[entity],
    lambda entity: f"{entity}id",
    "u1",
)


def fetch(body: str, order: str = '<order attribute="name" />') -> str:
    return f'<fetch><entity name="account"><attribute name="name" />{order}{body}</entity></fetch>'


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["accountid"] for row in rows]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('<condition attribute="statecode" operator="eq" value="0" />', ["a3", "a1"]),
        ('<condition attribute="statecode" operator="ne" value="0" />', ["a2"]),
        ('<condition attribute="revenue" operator="gt" value="6" />', ["a1"]),
        ('<condition attribute="revenue" operator="null" />', ["a3"]),
        ('<condition attribute="name" operator="like" value="%ab%" />', ["a2"]),
        ('<condition attribute="name" operator="begins-with" value="co" />', ["a1"]),
        (
            '<condition attribute="name" operator="in"><value>Contoso</value><value>Adatum</value>'
            "</condition>",
            ["a3", "a1"],
        ),
        ('<condition attribute="ownerid" operator="eq-userid" />', ["a3"]),
        ('<condition attribute="primarycontactid" operator="eq" value="c1" />', ["a3"]),
    ],
)
def test_conditions(condition: str, expected: list[str]) -> None:
    assert ids(run_fetch(fetch(f"<filter>{condition}</filter>"), CONTEXT)) == expected


def test_nested_or_filters_and_descending_order() -> None:
    body = (
        '<filter type="and"><condition attribute="statecode" operator="eq" value="0" />'
        '<filter type="or"><condition attribute="name" operator="eq" value="Contoso" />'
        '<condition attribute="revenue" operator="null" /></filter></filter>'
    )
    assert ids(run_fetch(fetch(body, '<order attribute="name" descending="true" />'), CONTEXT)) == [
        "a1",
        "a3",
    ]


def test_an_outer_link_adds_aliased_columns() -> None:
    link = (
        '<link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="pc">'
        '<attribute name="fullname" /></link-entity>'
    )
    rows = run_fetch(fetch(link), CONTEXT)
    assert [(r["accountid"], r["pc.fullname"]) for r in rows] == [
        ("a3", "Ada Okafor"),
        ("a1", None),
        ("a2", None),
    ]


def test_quick_find_text_replaces_the_placeholder() -> None:
    find = '<condition attribute="name" operator="like" value="{0}" />'
    body = f'<filter type="or" isquickfindfields="1">{find}</filter>'
    assert ids(run_fetch(fetch(body), CONTEXT, text="Fab*")) == ["a2"]
    assert ids(run_fetch(fetch(body), CONTEXT)) == ["a3", "a1", "a2"]  # no text: no search condition


def test_an_operator_the_device_cannot_evaluate_is_not_available_offline() -> None:
    body = '<filter><condition attribute="createdon" operator="last-x-days" value="3" /></filter>'
    with pytest.raises(NotAvailableOffline, match="last-x-days"):
        run_fetch(fetch(body), CONTEXT)
