"""The predicate tree that ``$filter`` (and FetchXML conditions) parse into.

Frozen dataclasses, compiled to SQL by ``compile.py``; nothing here knows about SQL or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Op(Enum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"


class Arith(Enum):
    ADD = "add"
    SUB = "sub"
    MUL = "mul"
    DIV = "div"
    MOD = "mod"


@dataclass(frozen=True)
class Literal:
    """A constant: None (null), bool, int, float, str, a GUID (``is_guid``) or a datetime."""

    value: bool | int | float | str | datetime | None
    is_guid: bool = False


@dataclass(frozen=True)
class PropertyPath:
    """``name``, ``_parentcustomerid_value``, ``primarycontactid/fullname`` or, inside a lambda,
    ``c/firstname`` (``variable`` set to ``c``)."""

    segments: tuple[str, ...]
    variable: str | None = None


@dataclass(frozen=True)
class Compare:
    op: Op
    left: Node
    right: Node


@dataclass(frozen=True)
class Arithmetic:
    op: Arith
    left: Node
    right: Node


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Call:
    """A built-in function: ``contains``, ``startswith``, ``endswith``, ``tolower``, ``toupper``,
    ``year``... Arguments are nodes."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class QueryFunction:
    """A Dataverse query function, ``Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',
    PropertyValue=3)``: its short name and its named arguments (``PropertyValues`` as a tuple)."""

    name: str
    property: str
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Lambda:
    """``<collection navigation>/any(v: predicate)`` or ``/all(...)``; ``predicate`` None for a
    bare ``any()``."""

    quantifier: str  # "any" | "all"
    navigation: PropertyPath
    variable: str | None
    predicate: Node | None


Node = Literal | PropertyPath | Compare | Arithmetic | And | Or | Not | Call | QueryFunction | Lambda
