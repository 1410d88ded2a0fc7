"""Every error the mock answers with, carrying Dataverse's status, code and message.

Any layer raises; one handler in ``app.py`` renders ``{"error": {"code", "message"}}``.

    DataverseError
    ├── BadRequest (400, 0x0)                    malformed JSON, query or payload
    │   ├── UnknownProperty                      a property the entity does not have
    │   ├── InvalidQueryOption                   $skip/$search/$format and friends
    │   ├── QuerySyntaxError                     $filter/$orderby/... that does not parse
    │   ├── ExpandNotSupported (0x80060888)      $expand/$ref restrictions
    │   ├── PayloadError (0x80048d19)            bad @odata.bind, wrong navigation names
    │   └── InvalidArgument (0x80040203)         values out of range, bad state/status pairs
    ├── Unauthorized (401)                       missing or invalid bearer token
    ├── Forbidden (403, 0x80040220)              privilege denied
    │   ├── PrivilegeDenied                      no role grants the privilege
    │   └── AccessDenied                         a privilege, but not on this row
    ├── ResourceNotFound (404, 0x8006088a)       an unknown segment
    ├── RecordNotFound (404, 0x80040217)         a missing row
    ├── MethodNotAllowed (405)                   a method the resource does not take
    ├── PreconditionFailed (412)                 If-Match / If-None-Match
    │   ├── ConcurrencyVersionMismatch (0x80060882)
    │   └── DuplicateRecord (0x80040237)
    ├── PayloadTooLarge (413)
    └── InternalError (500)                      only for bugs; never carries a traceback
"""

from __future__ import annotations

from typing import ClassVar


class DataverseError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "0x80040216"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"

    def body(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(DataverseError):
    status = 400
    code = "0x0"


class UnknownProperty(BadRequest):
    def __init__(self, entity: str, name: str) -> None:
        super().__init__(
            f"Could not find a property named '{name}' on type 'Microsoft.Dynamics.CRM.{entity}'."
        )


class InvalidQueryOption(BadRequest):
    pass


class QuerySyntaxError(BadRequest):
    pass


class ExpandNotSupported(BadRequest):
    code = "0x80060888"


class PayloadError(BadRequest):
    code = "0x80048d19"


class InvalidArgument(BadRequest):
    code = "0x80040203"


class Unauthorized(DataverseError):
    status = 401
    code = "0x80072560"


class Forbidden(DataverseError):
    status = 403
    code = "0x80040220"


class PrivilegeDenied(Forbidden):
    """No role of the user (or of the user's teams) grants the privilege at any depth."""

    def __init__(
        self,
        user_id: str,
        roles: int,
        privileges: int,
        privilege: str,
        privilege_id: str,
        otc: int,
        entity: str,
    ) -> None:
        super().__init__(
            f"Principal user (Id={user_id}, type=8, roleCount={roles}, privilegeCount={privileges}, "
            f"accessMode=0), is missing {privilege} privilege (Id={privilege_id}) on OTC={otc} for entity "
            f"'{entity}'. context.Caller={user_id}"
        )


class AccessDenied(Forbidden):
    """The user holds the privilege, but its depth (or a share) does not reach this row."""

    def __init__(
        self,
        user_id: str,
        record_id: str,
        owner_id: str | None,
        otc: int,
        business_unit: str | None,
        right: str,
    ) -> None:
        super().__init__(
            f"SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: {record_id}, "
            f"OwnerId: {owner_id}, OwnerIdType: 8 and CallingUser: {user_id}. ObjectTypeCode: {otc}, "
            f"objectBusinessUnitId: {business_unit}, AccessRights: {right} "
        )


class ResourceNotFound(DataverseError):
    status = 404
    code = "0x8006088a"

    def __init__(self, segment: str) -> None:
        super().__init__(f"Resource not found for the segment '{segment}'.")


class NoResource(DataverseError):
    """A known name used with the wrong method, e.g. POST to a function."""

    status = 404
    code = ""

    def __init__(self, url: str) -> None:
        super().__init__(f"No HTTP resource was found that matches the request URI '{url}'.")


class RecordNotFound(DataverseError):
    status = 404
    code = "0x80040217"

    def __init__(self, entity: str, record_id: str) -> None:
        super().__init__(f"Entity '{entity}' With Id = {record_id} Does Not Exist")


class KeyNotFound(RecordNotFound):
    def __init__(self, entity: str, key: str) -> None:
        DataverseError.__init__(
            self, f"A record with the specified key values does not exist in {entity} entity"
        )


class MethodNotAllowed(DataverseError):
    status = 405
    code = "0x80060888"

    def __init__(self, method: str, what: str) -> None:
        super().__init__(f"The requested resource does not support http method '{method}' on {what}.")


class PreconditionFailed(DataverseError):
    status = 412
    code = "0x80060882"


class ConcurrencyVersionMismatch(PreconditionFailed):
    def __init__(self) -> None:
        super().__init__("The version of the existing record doesn't match the RowVersion property provided.")


class DuplicateRecord(PreconditionFailed):
    code = "0x80040237"

    def __init__(self, message: str = "A record with matching key values already exists.") -> None:
        super().__init__(message)


class PayloadTooLarge(DataverseError):
    status = 413
    code = "0x8004d101"


class InternalError(DataverseError):
    status = 500
    code = "0x80040216"

    def __init__(self) -> None:
        super().__init__("An unexpected error occurred.")
