"""The user's security privileges as the device knows them: downloaded at every sync, kept
between syncs, and checked before an offline write.

Each sync asks the server for the signed-in user's privileges (``RetrieveUserPrivileges``,
bound to the user) and the device keeps their names. Until the next sync the device goes by
those: a write whose privilege no role granted at the last sync is refused offline
(``privilege_denied``) and queues nothing, and one granted then is accepted even if the
privilege has since been taken away (the server refuses it at the next sync, a per-record
error). A privilege counts when a role grants it at any depth: whether that depth reaches the
record (owner, business unit, shares, hierarchy) is the server's to judge at upload.
"""

from __future__ import annotations

from dataclasses import dataclass

from clients.reference.catalog import ClientError, Command
from clients.reference.webapi import WebApi
from harness.errors import ErrorCode

# The privilege verb each offline write needs on its entity (``prv<Verb><SchemaName>``).
VERBS: dict[Command, str] = {
    Command.CREATE: "Create",
    Command.UPDATE: "Write",
    Command.DELETE: "Delete",
    Command.QUALIFY: "Write",
    Command.DISQUALIFY: "Write",
    Command.CONVERT_TO_CASE: "Write",
}


class PrivilegeDenied(ClientError):
    code = ErrorCode.PRIVILEGE_DENIED


@dataclass(frozen=True)
class Privileges:
    """The names of the privileges the user's roles granted at the last sync, lower-cased (a
    table's SchemaName is its logical name in another case)."""

    names: frozenset[str]

    @classmethod
    def from_names(cls, names: list[str]) -> Privileges:
        return cls(frozenset(name.lower() for name in names))

    def check(self, entity: str, command: Command) -> None:
        """Raise ``PrivilegeDenied`` unless the user may run the write ``command`` on ``entity``
        (reads need nothing more: the device only holds rows the user could read)."""
        verb = VERBS.get(command)
        if verb is None or f"prv{verb}{entity}".lower() in self.names:
            return
        raise PrivilegeDenied(
            f"At the last sync no security role of the user granted {verb} on '{entity}' "
            f"(prv{verb}), so '{command.value}' is refused; sync to pick up new privileges."
        )


def read_privileges(api: WebApi, user_id: str) -> list[str]:
    """The names of the privileges ``user_id`` holds now, as the server lists them."""
    body = api.get_json(f"systemusers({user_id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")
    return sorted(str(p["PrivilegeName"]) for p in body.get("RolePrivileges", []) if p.get("PrivilegeName"))
