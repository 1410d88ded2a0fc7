"""The 400s a FetchXML document can earn, with Dataverse's QueryBuilder codes.

Every problem with a document (its XML, its names, its values, what the mock does not do) is
one of these, so ``parse_fetchxml`` and ``run_fetchxml`` raise nothing else:

    BadRequest (mock_server.errors)
    └── FetchXmlError (400, 0x80040203)       a value or combination Dataverse refuses
        ├── MalformedFetchXml (0x80040201)    not XML, a DTD, too big or deep, unknown nodes
        ├── UnknownEntity (0x80041102)        a table the schema does not have
        ├── UnknownAttribute (0x80041103)     a column the table does not have
        ├── InvalidConditionOperator (0x80041120)
        ├── InvalidConditionValue (0x80041108) a value that does not fit the column
        ├── InvalidFilterType (0x80041122)
        ├── InvalidLinkType (0x80041117)
        ├── InvalidAlias (0x80041109)         malformed or duplicate aliases
        ├── AliasNotFound (0x8004110a)        ``entityname`` naming no link-entity
        ├── EntityMismatch (0x80041128)       <entity name> is not the requested entity set
        ├── TooManyLinkEntities (0x8004430d)  more than 15 link-entities
        └── NotSupportedByMock (0x80040203)   valid FetchXML the mock does not run (aggregates...)
"""

from __future__ import annotations

from mock_server.errors import BadRequest


class FetchXmlError(BadRequest):
    code = "0x80040203"  # InvalidArgument


class MalformedFetchXml(FetchXmlError):
    code = "0x80040201"  # InvalidXml


class UnknownEntity(FetchXmlError):
    code = "0x80041102"  # QueryBuilderNoEntity

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The entity with a name = '{name}' with namemapping = 'Logical' was not found in the "
            "MetadataCache."
        )


class UnknownAttribute(FetchXmlError):
    code = "0x80041103"  # QueryBuilderNoAttribute

    def __init__(self, entity: str, name: str) -> None:
        super().__init__(f"'{entity}' entity doesn't contain attribute with Name = '{name}'.")


class InvalidConditionOperator(FetchXmlError):
    code = "0x80041120"  # QueryBuilderInvalidConditionOperator


class InvalidConditionValue(FetchXmlError):
    code = "0x80041108"  # QueryBuilderInvalid_Value


class InvalidFilterType(FetchXmlError):
    code = "0x80041122"  # QueryBuilderInvalidFilterType


class InvalidLinkType(FetchXmlError):
    code = "0x80041117"  # QueryBuilderDeserializeInvalidLinkType


class InvalidAlias(FetchXmlError):
    code = "0x80041109"  # QueryBuilderInvalid_Alias


class AliasNotFound(FetchXmlError):
    code = "0x8004110a"  # QueryBuilderAlias_Does_Not_Exist


class EntityMismatch(FetchXmlError):
    code = "0x80041128"  # QueryBuilderEntitiesDontMatch


class TooManyLinkEntities(FetchXmlError):
    code = "0x8004430d"

    def __init__(self) -> None:
        super().__init__("Number of link entities in query exceeded maximum limit.")


class NotSupportedByMock(FetchXmlError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not supported by the mock Dataverse.")
