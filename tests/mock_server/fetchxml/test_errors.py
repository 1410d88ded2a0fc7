"""The errors of parse_fetchxml: everything Dataverse refuses is a 400 with its QueryBuilder code
and a message that says what to change."""

from __future__ import annotations

import pytest

from mock_server.errors import DataverseError
from mock_server.fetchxml import (
    AliasNotFound,
    EntityMismatch,
    FetchXmlError,
    InvalidAlias,
    InvalidConditionOperator,
    InvalidConditionValue,
    InvalidFilterType,
    InvalidLinkType,
    MalformedFetchXml,
    NotSupportedByMock,
    TooManyLinkEntities,
    UnknownAttribute,
    UnknownEntity,
)
from mock_server.odata.filter import TooManyConditionsInQuery
from tests.mock_server.fetchxml.conftest import fetch
from tests.mock_server.fetchxml.test_parser import condition, parse

BAD = [
    ("<fetch><entity name='account'><attribute name='x'/></entity></fetch>", UnknownAttribute),
    ("<fetch><entity name='nosuch'/></fetch>", UnknownEntity),
    ("<fetch><entity name='contact'/></fetch>", EntityMismatch),
    ("<fetch><entity/></fetch>", MalformedFetchXml),
    ("<fetch/>", MalformedFetchXml),
    ("<fetch><entity name='account'/><entity name='account'/></fetch>", MalformedFetchXml),
    ("<query/>", MalformedFetchXml),
    ("<fetch top='5' count='5'><entity name='account'/></fetch>", FetchXmlError),
    ("<fetch count='5001'><entity name='account'/></fetch>", MalformedFetchXml),
    ("<fetch page='0'><entity name='account'/></fetch>", MalformedFetchXml),
    ("<fetch count='x'><entity name='account'/></fetch>", MalformedFetchXml),
    ("<fetch aggregate='true'><entity name='account'/></fetch>", NotSupportedByMock),
    ("<fetch distinct='maybe'><entity name='account'/></fetch>", MalformedFetchXml),
    ("<fetch bogus='1'><entity name='account'/></fetch>", MalformedFetchXml),
    (fetch("account", "<bogus/>"), MalformedFetchXml),
    (fetch("account", "", "<attribute name='name' aggregate='count' alias='n'/>"), NotSupportedByMock),
    (fetch("account", "<order attribute='name' alias='n'/>"), NotSupportedByMock),
    (fetch("account", "<order attribute='name' descending='yes'/>"), MalformedFetchXml),
    (fetch("account", "<order attribute='nosuch'/>"), UnknownAttribute),
    (fetch("account", "<filter type='xor'/>"), InvalidFilterType),
    (fetch("account", "<filter>text</filter>"), MalformedFetchXml),
    (fetch("account", f"<filter>{condition('name', 'equals', 'x')}</filter>"), InvalidConditionOperator),
    (fetch("account", f"<filter>{condition('name', 'last-fiscal-year')}</filter>"), NotSupportedByMock),
    (
        fetch("account", f"<filter>{condition('numberofemployees', 'like', 'x')}</filter>"),
        InvalidConditionOperator,
    ),
    (fetch("account", f"<filter>{condition('name', 'today')}</filter>"), InvalidConditionOperator),
    (fetch("account", f"<filter>{condition('name', 'eq-userid')}</filter>"), InvalidConditionOperator),
    (
        fetch("account", f"<filter>{condition('numberofemployees', 'eq', 'ten')}</filter>"),
        InvalidConditionValue,
    ),
    (
        fetch("account", f"<filter>{condition('numberofemployees', 'eq', '3000000000')}</filter>"),
        InvalidConditionValue,
    ),
    (fetch("account", f"<filter>{condition('creditonhold', 'eq', 'yes')}</filter>"), InvalidConditionValue),
    (fetch("account", f"<filter>{condition('revenue', 'eq', 'nan')}</filter>"), InvalidConditionValue),
    (fetch("account", f"<filter>{condition('createdon', 'on', 'Monday')}</filter>"), InvalidConditionValue),
    (
        fetch("account", f"<filter>{condition('accountid', 'eq', 'not-a-guid')}</filter>"),
        InvalidConditionValue,
    ),
    (fetch("account", f"<filter>{condition('name', 'eq')}</filter>"), InvalidConditionValue),
    (fetch("account", f"<filter>{condition('name', 'in')}</filter>"), InvalidConditionValue),
    (
        fetch("account", f"<filter>{condition('name', 'between', values=('a',))}</filter>"),
        InvalidConditionValue,
    ),
    (
        fetch("account", f"<filter>{condition('createdon', 'last-x-days', '-1')}</filter>"),
        InvalidConditionValue,
    ),
    (fetch("account", f"<filter>{condition('_primarycontactid_value', 'null')}</filter>"), UnknownAttribute),
    (
        fetch("account", "<filter><condition attribute='name' operator='like' valueof='name'/></filter>"),
        InvalidConditionOperator,
    ),
    (
        fetch(
            "account", "<filter><condition attribute='name' operator='eq' value='a' valueof='name'/></filter>"
        ),
        InvalidConditionValue,
    ),
    (
        fetch("account", "<filter><condition entityname='zz' attribute='name' operator='null'/></filter>"),
        AliasNotFound,
    ),
    (
        fetch(
            "account",
            "<filter><condition attribute='name' operator='eq'><value><b/></value></condition></filter>",
        ),
        MalformedFetchXml,
    ),
    (
        fetch(
            "account", "<link-entity name='contact' from='contactid' to='primarycontactid' link-type='left'/>"
        ),
        InvalidLinkType,
    ),
    (
        fetch(
            "account", "<filter><link-entity name='contact' from='parentcustomerid' to='accountid'/></filter>"
        ),
        InvalidLinkType,
    ),
    (fetch("account", "<link-entity name='contact' from='nosuch' to='primarycontactid'/>"), UnknownAttribute),
    (fetch("account", "<link-entity name='nosuch' from='a' to='b'/>"), UnknownEntity),
    (fetch("account", "<link-entity name='contact' from='fullname' to='primarycontactid'/>"), FetchXmlError),
    (
        fetch("account", "<link-entity name='contact' from='contactid' to='primarycontactid' alias='a b'/>"),
        InvalidAlias,
    ),
    (
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' alias='x'/>"
            "<link-entity name='contact' from='parentcustomerid' to='accountid' alias='x'/>",
        ),
        InvalidAlias,
    ),
    (fetch("account", "", "<attribute name='name' alias='accountid'/>"), InvalidAlias),
    (
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' alias='c'>"
            "<filter><condition entityname='other' attribute='fullname' operator='null'/></filter>"
            "</link-entity>",
        ),
        FetchXmlError,
    ),
    (
        fetch(
            "account",
            "<link-entity name='contact' from='contactid' to='primarycontactid' "
            "link-type='matchfirstrowusingcrossapply'/>",
        ),
        NotSupportedByMock,
    ),
    (
        fetch(
            "account",
            "<filter><link-entity name='contact' from='contactid' to='primarycontactid' link-type='any'/>"
            "</filter>",
        ),
        NotSupportedByMock,
    ),
    (
        fetch(
            "account",
            "<link-entity name='contact' from='parentcustomerid' to='accountid' link-type='any'>"
            "<attribute name='fullname'/></link-entity>",
        ),
        MalformedFetchXml,
    ),
    (
        fetch("account", "<link-entity name='contact' from='contactid' to='primarycontactid'/>" * 16),
        TooManyLinkEntities,
    ),
]


@pytest.mark.parametrize(("xml", "error"), BAD)
def test_refusals_are_400s_with_dataverse_codes(xml: str, error: type[DataverseError]) -> None:
    with pytest.raises(error) as raised:
        parse(xml)
    assert raised.value.status == 400 and raised.value.message


def test_a_missing_attribute_reads_like_dataverse() -> None:
    with pytest.raises(UnknownAttribute) as raised:
        parse(fetch("account", "", "<attribute name='x'/>"))
    assert raised.value.code == "0x80041103"
    assert raised.value.message == "'account' entity doesn't contain attribute with Name = 'x'."


def test_more_than_500_conditions_are_refused() -> None:
    many = condition("name", "eq", "a") * 501
    with pytest.raises(TooManyConditionsInQuery):
        parse(fetch("account", f"<filter>{many}</filter>"))
