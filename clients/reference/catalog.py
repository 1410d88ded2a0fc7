"""What works offline: the entity/command table of REQUIREMENTS section 1 as data, and the typed
refusals the client answers with when a command falls outside it.

The table is the only place that says which entity offers which command offline. The driver
asks ``Catalog.check(entity, command)`` before touching the local store, so a refused command
queues nothing. The user's offline profile narrows the table to its entities through
``Catalog.for_profile`` (each sync reads the profile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from harness.errors import ErrorCode  # the protocol's error codes, one list for harness and client


class Command(StrEnum):
    """The entity commands the offline table rules on, named as ``available_commands`` lists them
    (the protocol's ``read`` covers the ``retrieve`` and ``query`` requests)."""

    CREATE = "create"
    RETRIEVE = "read"
    UPDATE = "update"
    DELETE = "delete"
    QUALIFY = "qualify"
    DISQUALIFY = "disqualify"
    CONVERT_TO_CASE = "convert_to_case"
    BPF_NEXT_STAGE = "bpf_next_stage"
    BPF_PREVIOUS_STAGE = "bpf_previous_stage"
    BPF_SET_ACTIVE_STAGE = "bpf_set_active_stage"
    MARK_COMPLETE = "mark_complete"
    REFRESH = "refresh"
    CONVERT_TO_OPPORTUNITY = "convert_to_opportunity"


class ClientError(Exception):
    """A command failed in a way the protocol names; the driver renders it as a typed error."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code.value!r}, message={self.message!r})"


class NotAvailableOffline(ClientError):
    code = ErrorCode.NOT_AVAILABLE_OFFLINE


class CommandNotOffered(ClientError):
    code = ErrorCode.COMMAND_NOT_OFFERED


class ReadOnlyOffline(ClientError):
    code = ErrorCode.READ_ONLY_OFFLINE


class RecordNotFound(ClientError):
    code = ErrorCode.NOT_FOUND


class InvalidRequest(ClientError):
    code = ErrorCode.INVALID_REQUEST


class NotConfigured(ClientError):
    code = ErrorCode.NOT_CONFIGURED


class BusinessRuleRefused(ClientError):
    """A business rule's "show error message" refused a save on the device."""

    code = ErrorCode.BUSINESS_RULE_ERROR


CRUD = frozenset({Command.CREATE, Command.RETRIEVE, Command.UPDATE, Command.DELETE})
READ_ONLY = frozenset({Command.RETRIEVE})
# REQUIREMENTS MO-CUST-001: the edit form of a custom table's record offers these (and Delete).
CUSTOM_FORM = frozenset({Command.MARK_COMPLETE, Command.REFRESH, Command.CONVERT_TO_OPPORTUNITY})
# A custom table's completed state, which Mark Complete moves a record to.
COMPLETED_STATE: dict[str, dict[str, int]] = {"new_inspection": {"statecode": 1, "statuscode": 2}}

# REQUIREMENTS.md section 1, one row per MO-ENT-0xx: the commands each entity offers offline.
OFFLINE_COMMANDS: dict[str, frozenset[Command]] = {
    "account": CRUD,  # MO-ENT-001
    "activitypointer": frozenset({Command.RETRIEVE, Command.DELETE}),  # MO-ENT-002
    "appointment": CRUD | {Command.CONVERT_TO_CASE},  # MO-ENT-003
    "activitymimeattachment": READ_ONLY,  # MO-ENT-004
    "incident": CRUD,  # MO-ENT-005
    "competitor": CRUD,  # MO-ENT-006
    "competitoraddress": CRUD,  # MO-ENT-007
    "connection": READ_ONLY,  # MO-ENT-008
    "connectionrole": READ_ONLY,  # MO-ENT-009
    "contact": CRUD,  # MO-ENT-010
    "new_inspection": CRUD | CUSTOM_FORM,  # MO-ENT-011, MO-CUST-001 (the mock's custom table)
    "email": READ_ONLY,  # MO-ENT-012
    "lead": CRUD | {Command.QUALIFY, Command.DISQUALIFY},  # MO-ENT-013
    "opportunity": CRUD,  # MO-ENT-014
    "opportunityproduct": CRUD,  # MO-ENT-015
    "phonecall": CRUD,  # MO-ENT-016
    "position": CRUD,  # MO-ENT-017
    "product": READ_ONLY,  # MO-ENT-018
    "task": CRUD,  # MO-ENT-019
    "team": READ_ONLY,  # MO-ENT-020
    "systemuser": READ_ONLY,  # MO-ENT-021
}

# Activities seen through two tables on the device: their own and activitypointer.
ACTIVITY_TYPES = ("appointment", "email", "phonecall", "task")
ACTIVITY_POINTER = "activitypointer"

# Which offered commands a screen shows: a grid creates and opens, a form edits its record,
# a subgrid adds and opens related rows. Entity-specific actions appear on the form.
CONTEXT_COMMANDS: dict[str, tuple[Command, ...]] = {
    "grid": (Command.CREATE, Command.RETRIEVE, Command.DELETE),
    "form": (
        Command.RETRIEVE,
        Command.UPDATE,
        Command.DELETE,
        Command.QUALIFY,
        Command.DISQUALIFY,
        Command.CONVERT_TO_CASE,
        Command.MARK_COMPLETE,
        Command.REFRESH,
        Command.CONVERT_TO_OPPORTUNITY,
    ),
    "subgrid": (Command.CREATE, Command.RETRIEVE),
}

# REQUIREMENTS MO-BPF-001: the three commands of a business process flow the device shows, on the
# form of its record (``processes.py`` says when a record shows one).
STAGE_COMMANDS = (Command.BPF_NEXT_STAGE, Command.BPF_PREVIOUS_STAGE, Command.BPF_SET_ACTIVE_STAGE)

# Commands that only make sense while a record is in its open state (statecode 0).
OPEN_STATE_ONLY = frozenset(
    {Command.QUALIFY, Command.DISQUALIFY, Command.CONVERT_TO_CASE, Command.MARK_COMPLETE}
)


@dataclass(frozen=True)
class Catalog:
    """The offline entities of one device and the commands each offers."""

    commands: dict[str, frozenset[Command]] = field(default_factory=lambda: dict(OFFLINE_COMMANDS))

    @classmethod
    def for_profile(cls, entities: Iterable[str]) -> Catalog:
        """The catalog of a device whose offline profile holds ``entities``. Entities outside
        section 1 are never offered offline, whatever the profile."""
        chosen = set(entities)
        return cls({name: offered for name, offered in OFFLINE_COMMANDS.items() if name in chosen})

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(self.commands)

    def check(self, entity: str, command: Command) -> None:
        """Raise the typed refusal unless ``command`` works offline on ``entity``."""
        offered = self.commands.get(entity)
        if offered is None:
            raise NotAvailableOffline(
                f"The entity '{entity}' is not in the offline profile, so it is not available offline."
            )
        if command in offered:
            return
        if offered == READ_ONLY and command in CRUD:
            raise ReadOnlyOffline(
                f"The entity '{entity}' is read-only offline: '{command.value}' is refused."
            )
        raise CommandNotOffered(f"'{command.value}' is not offered offline for the entity '{entity}'.")

    def offered(
        self, entity: str, context: str, record: dict[str, object] | None, shows_flow: bool = False
    ) -> list[str]:
        """The commands a screen of ``context`` lists for ``entity`` (and its record, if any); a form
        whose record shows a business process flow adds the stage commands."""
        if context not in CONTEXT_COMMANDS:
            raise InvalidRequest(f"The context '{context}' is not one of {sorted(CONTEXT_COMMANDS)}.")
        offered = self.commands.get(entity)
        if offered is None:
            raise NotAvailableOffline(
                f"The entity '{entity}' is not in the offline profile, so it is not available offline."
            )
        is_open = record is None or record.get("statecode") in (None, 0)
        listed = [
            command.value
            for command in CONTEXT_COMMANDS[context]
            if command in offered and (is_open or command not in OPEN_STATE_ONLY)
        ]
        if context == "form" and shows_flow:
            listed += [command.value for command in STAGE_COMMANDS]
        return listed
