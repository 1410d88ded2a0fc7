"""FetchXML and OData share one plan and one executor: equivalent queries return the same rows."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.mock_server.fetchxml.conftest import Mock, fetch

CASES = [
    ("<condition attribute='address1_city' operator='eq' value='Oslo'/>", "address1_city eq 'Oslo'"),
    ("<condition attribute='address1_city' operator='ne' value='Oslo'/>", "address1_city ne 'Oslo'"),
    ("<condition attribute='numberofemployees' operator='ge' value='20'/>", "numberofemployees ge 20"),
    ("<condition attribute='revenue' operator='lt' value='1000'/>", "revenue lt 1000"),
    ("<condition attribute='name' operator='like' value='%a%'/>", "contains(name,'a')"),
    ("<condition attribute='name' operator='begins-with' value='FX'/>", "startswith(name,'FX')"),
    ("<condition attribute='name' operator='not-end-with' value='a'/>", "not endswith(name,'a')"),
    ("<condition attribute='address1_city' operator='null'/>", "address1_city eq null"),
    ("<condition attribute='primarycontactid' operator='not-null'/>", "_primarycontactid_value ne null"),
    ("<condition attribute='creditonhold' operator='eq' value='1'/>", "creditonhold eq true"),
    (
        "<condition attribute='numberofemployees' operator='in'><value>10</value><value>40</value>"
        "</condition>",
        "Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=['10','40'])",
    ),
    (
        "<condition attribute='numberofemployees' operator='between'><value>15</value><value>35</value>"
        "</condition>",
        "numberofemployees ge 15 and numberofemployees le 35",
    ),
    (
        "<condition attribute='createdon' operator='last-x-days' value='3'/>",
        "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=3)",
    ),
    (
        "<condition attribute='ownerid' operator='eq-userid'/>",
        "Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')",
    ),
    (
        "<filter type='or'><condition attribute='numberofemployees' operator='lt' value='15'/>"
        "<condition attribute='address1_city' operator='eq' value='Rome'/></filter>",
        "numberofemployees lt 15 or address1_city eq 'Rome'",
    ),
    (
        "<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='any'>"
        "<filter><condition attribute='firstname' operator='eq' value='Bob'/></filter></link-entity>",
        "contact_customer_accounts/any(c:c/firstname eq 'Bob')",
    ),
    (
        "<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='not any'/>",
        "not contact_customer_accounts/any()",
    ),
]


@pytest.mark.parametrize(("condition", "odata"), CASES)
def test_fetchxml_and_filter_select_the_same_rows(mock: Mock, condition: str, odata: str) -> None:
    by_fetch = mock.run(fetch("account", f"<filter>{condition}</filter>", "<attribute name='accountid'/>"))
    by_odata = mock.odata("accounts", f"$select=accountid&$filter={quote(odata)}")
    fetched = sorted(row["accountid"] for row in by_fetch["value"])
    assert fetched == sorted(row["accountid"] for row in by_odata)


def test_hierarchy_functions_agree(mock: Mock) -> None:
    alpha = mock.ids["FX Alpha"]
    by_fetch = mock.run(
        fetch(
            "account", f"<filter><condition attribute='accountid' operator='under' value='{alpha}'/></filter>"
        )
    )
    odata = f"Microsoft.Dynamics.CRM.Under(PropertyName='accountid',PropertyValue='{alpha}')"
    by_odata = mock.odata("accounts", f"$select=name&$filter={quote(odata)}")
    assert sorted(r["name"] for r in by_fetch["value"]) == sorted(r["name"] for r in by_odata) != []
