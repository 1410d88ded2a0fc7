"""Condition values: FetchXML writes every value as text; the column's type says what it means.

``convert`` turns the text of a ``value`` attribute or ``<value>`` element into the Python
value a predicate ``Literal`` carries: whole numbers for integer, choice, state and status
columns, floats for money, decimal and double, ``True``/``False`` for ``1``/``0``/``true``/
``false``, an instant for date and time columns (a date alone is midnight; a time without an
offset is UTC, as the mock has no user time zone), a lower-case GUID for keys and lookups
(braces allowed), and the text unchanged for strings. Anything else is an
``InvalidConditionValue`` naming the column and the expected type.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mock_server.fetchxml.errors import InvalidConditionValue
from mock_server.odata.filter import Literal
from mock_server.schema import Attribute, AttributeType

T = AttributeType
_WHOLE = re.compile(r"[+-]?[0-9]{1,19}")
_REAL = re.compile(r"[+-]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})([eE][+-]?[0-9]{1,3})?")
_INT32, _INT64 = range(-(2**31), 2**31), range(-(2**63), 2**63)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

STRING_TYPES = frozenset({T.STRING, T.MEMO, T.ENTITYNAME})
GUID_TYPES = frozenset({T.UNIQUEIDENTIFIER, T.LOOKUP, T.CUSTOMER, T.OWNER})

# (the .NET type Dataverse names in its messages, the converter; None means "not this type")
_Converter = Callable[[str], Any]


def _whole(bounds: range) -> _Converter:
    def convert(text: str) -> int | None:
        text = text.strip()
        if not _WHOLE.fullmatch(text):
            return None
        number = int(text)
        return number if number in bounds else None

    return convert


def _real(text: str) -> float | None:
    text = text.strip()
    if not _REAL.fullmatch(text):
        return None
    number = float(text)
    return number if abs(number) < 1e300 else None


def _boolean(text: str) -> bool | None:
    return _BOOLEANS.get(text.strip().lower())


def _guid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """An ISO-8601 date or date and time, in UTC; None when the text is not one."""
    text = text.strip()
    if not text or not text[0].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


_CONVERTERS: dict[AttributeType, tuple[str, _Converter]] = {
    T.INTEGER: ("System.Int32", _whole(_INT32)),
    T.PICKLIST: ("System.Int32", _whole(_INT32)),
    T.STATE: ("System.Int32", _whole(_INT32)),
    T.STATUS: ("System.Int32", _whole(_INT32)),
    T.BIGINT: ("System.Int64", _whole(_INT64)),
    T.DECIMAL: ("System.Decimal", _real),
    T.MONEY: ("System.Decimal", _real),
    T.DOUBLE: ("System.Double", _real),
    T.BOOLEAN: ("System.Boolean", _boolean),
    T.DATETIME: ("System.DateTime", parse_datetime),
    **dict.fromkeys(GUID_TYPES, ("System.Guid", _guid)),
    **dict.fromkeys(STRING_TYPES, ("System.String", lambda text: text)),
}


def convert(entity: str, attribute: Attribute, text: str) -> Literal:
    """The literal a condition value means for ``attribute`` of ``entity``."""
    expected, converter = _CONVERTERS[attribute.type]
    value = converter(text)
    if value is None:
        raise InvalidConditionValue(
            f"An exception System.FormatException was thrown while trying to convert input value "
            f"'{text[:100]}' to attribute '{entity}.{attribute.logical_name}'. Expected type of "
            f"attribute value: {expected}."
        )
    return Literal(value, is_guid=attribute.type in GUID_TYPES)
