"""Mutants of section 1 of the catalogue: offline entities and commands (MO-ENT).

Most entity rows of the section can be broken the way a table typed by hand breaks: one command
too many or too few on one entity (``_row``). The others break the commands' behaviour: the
typed refusals, the offline set, the upload queue and its order, Convert to Case and Qualify.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import catalog, driver, sync
from clients.reference.catalog import Catalog, ClientError, Command, CommandNotOffered
from clients.reference.driver import ReferenceClient
from clients.reference.local_store import QueuedChange

READ_ONLY_IDS = (
    "MO-ENT-004",
    "MO-ENT-008",
    "MO-ENT-009",
    "MO-ENT-012",
    "MO-ENT-018",
    "MO-ENT-020",
    "MO-ENT-021",
)
WRITES = (Command.CREATE, Command.UPDATE, Command.DELETE)


def _row(
    entity: str, add: Iterable[Command] = (), remove: Iterable[Command] = ()
) -> Callable[[pytest.MonkeyPatch], None]:
    """A defect in one row of the entity table: ``entity`` offers ``add`` and loses ``remove``."""

    def apply(patch: pytest.MonkeyPatch) -> None:
        offline = dict(catalog.OFFLINE_COMMANDS)
        offline[entity] = (offline[entity] | frozenset(add)) - frozenset(remove)
        patch.setattr(catalog, "OFFLINE_COMMANDS", offline)

    return apply


def _refuse_read_only_as_not_offered(patch: pytest.MonkeyPatch) -> None:
    check = Catalog.check

    def refuse_untyped(self: Catalog, entity: str, command: Command) -> None:
        offered = self.commands.get(entity)
        if offered is not None and command not in offered:
            raise CommandNotOffered(f"'{command.value}' is not offered offline for the entity '{entity}'.")
        check(self, entity, command)

    patch.setattr(Catalog, "check", refuse_untyped)


def _queue_refused_writes(patch: pytest.MonkeyPatch) -> None:
    allowed = ReferenceClient._allowed

    def queue_then_check(self: ReferenceClient, message: driver.Message, command: Command) -> tuple[str, Any]:
        try:
            return allowed(self, message, command)
        except ClientError:
            if command in (Command.UPDATE, Command.DELETE) and message.get("record_id"):
                values = {"values": message.get("values") or {}}
                self._store().enqueue(message["entity"], command.value, message["record_id"], values)
            raise

    patch.setattr(ReferenceClient, "_allowed", queue_then_check)


def _offline_set_ignores_profile(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(sync.SyncEngine, "catalog", property(lambda engine: Catalog()))


def _upload_every_write_at_once(patch: pytest.MonkeyPatch) -> None:
    handle = ReferenceClient.handle

    def handle_and_upload(self: ReferenceClient, message: driver.Message) -> driver.Message:
        reply = handle(self, message)
        if self.engine is not None and self.engine.store.queue():
            self.engine.upload(sync.SyncResult())
        return reply

    patch.setattr(ReferenceClient, "handle", handle_and_upload)


def _reverse_change_sets(patch: pytest.MonkeyPatch) -> None:
    group = sync.group_changes

    def newest_first(queue: list[QueuedChange]) -> list[list[QueuedChange]]:
        return [list(reversed(changes)) for changes in group(queue)]

    patch.setattr(sync, "group_changes", newest_first)


def _last_write_wins(patch: pytest.MonkeyPatch) -> None:
    group = sync.group_changes

    def newest_per_record(queue: list[QueuedChange]) -> list[list[QueuedChange]]:
        newest = {change.record_id: change for change in queue}
        return group([change for change in queue if newest[change.record_id] is change])

    patch.setattr(sync, "group_changes", newest_per_record)


def _leave_appointment_unlinked(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(ReferenceClient, "_regard_case", lambda self, appointment_id, appointment, case_id: None)


def _drop_qualify_flags(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(driver, "QUALIFY_FLAGS", {})


def _qualify_by_state(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(sync.SyncEngine, "has_qualify_action", lambda engine: False)


C = Command
MUTANTS = (
    Mutant(
        "refuses_delete_on_account",
        "refuses Delete on account offline",
        ("MO-ENT-001",),
        _row("account", remove=[C.DELETE]),
    ),
    Mutant(
        "offers_update_on_activitypointer",
        "offers Update on activities (activity pointer) offline",
        ("MO-ENT-002",),
        _row("activitypointer", add=[C.UPDATE]),
    ),
    Mutant(
        "no_convert_to_case_on_appointment",
        "does not offer Convert to Case on appointments offline",
        ("MO-ENT-003",),
        _row("appointment", remove=[C.CONVERT_TO_CASE]),
    ),
    Mutant(
        "offers_delete_on_attachment",
        "offers Delete on attachments offline",
        ("MO-ENT-004",),
        _row("activitymimeattachment", add=[C.DELETE]),
    ),
    Mutant(
        "refuses_update_on_case",
        "refuses Update on cases offline",
        ("MO-ENT-005",),
        _row("incident", remove=[C.UPDATE]),
    ),
    Mutant(
        "competitor_read_only",
        "treats competitors as read-only offline",
        ("MO-ENT-006",),
        _row("competitor", remove=WRITES),
    ),
    Mutant(
        "refuses_create_on_competitoraddress",
        "refuses Create on competitor addresses offline",
        ("MO-ENT-007",),
        _row("competitoraddress", remove=[C.CREATE]),
    ),
    Mutant(
        "offers_update_on_connection",
        "offers Update on connections offline",
        ("MO-ENT-008",),
        _row("connection", add=[C.UPDATE]),
    ),
    Mutant(
        "offers_create_on_connectionrole",
        "offers Create on connection roles offline",
        ("MO-ENT-009",),
        _row("connectionrole", add=[C.CREATE]),
    ),
    Mutant(
        "refuses_create_on_contact",
        "refuses Create on contacts offline",
        ("MO-ENT-010",),
        _row("contact", remove=[C.CREATE]),
    ),
    Mutant(
        "custom_table_read_only",
        "treats custom tables (new_inspection) as read-only offline",
        ("MO-ENT-011",),
        _row("new_inspection", remove=WRITES),
    ),
    Mutant(
        "offers_create_on_email",
        "offers Create on email offline",
        ("MO-ENT-012",),
        _row("email", add=[C.CREATE]),
    ),
    Mutant(
        "no_disqualify_on_lead",
        "does not offer Disqualify on leads offline",
        ("MO-ENT-013",),
        _row("lead", remove=[C.DISQUALIFY]),
    ),
    Mutant(
        "refuses_delete_on_opportunity",
        "refuses Delete on opportunities offline",
        ("MO-ENT-014",),
        _row("opportunity", remove=[C.DELETE]),
    ),
    Mutant(
        "opportunityproduct_read_only",
        "treats opportunity products as read-only offline",
        ("MO-ENT-015",),
        _row("opportunityproduct", remove=WRITES),
    ),
    Mutant(
        "refuses_create_on_phonecall",
        "refuses Create on phone calls offline",
        ("MO-ENT-016",),
        _row("phonecall", remove=[C.CREATE]),
    ),
    Mutant(
        "refuses_update_on_position",
        "refuses Update on positions offline",
        ("MO-ENT-017",),
        _row("position", remove=[C.UPDATE]),
    ),
    Mutant(
        "offers_update_on_product",
        "offers Update on products offline",
        ("MO-ENT-018",),
        _row("product", add=[C.UPDATE]),
    ),
    Mutant(
        "refuses_delete_on_task",
        "refuses Delete on tasks offline",
        ("MO-ENT-019",),
        _row("task", remove=[C.DELETE]),
    ),
    Mutant(
        "offers_delete_on_team",
        "offers Delete on teams offline",
        ("MO-ENT-020",),
        _row("team", add=[C.DELETE]),
    ),
    Mutant(
        "offers_update_on_systemuser",
        "offers Update on users (systemuser) offline",
        ("MO-ENT-021",),
        _row("systemuser", add=[C.UPDATE]),
    ),
    Mutant(
        "read_only_refused_as_not_offered",
        "refuses writes to read-only tables as command_not_offered, not read_only_offline",
        READ_ONLY_IDS,
        _refuse_read_only_as_not_offered,
    ),
    Mutant(
        "queues_refused_write",
        "queues an update or delete the device then refuses",
        ("MO-ENT-002", *READ_ONLY_IDS),
        _queue_refused_writes,
    ),
    Mutant(
        "offline_set_ignores_profile",
        "offers every section-1 table offline, whatever the profile holds",
        ("MO-ENT-030",),
        _offline_set_ignores_profile,
    ),
    Mutant(
        "uploads_before_sync",
        "uploads each write as soon as it is made, offline or not",
        ("MO-ENT-031",),
        _upload_every_write_at_once,
    ),
    Mutant(
        "uploads_change_set_newest_first",
        "uploads the writes of a change set newest first",
        ("MO-ENT-031",),
        _reverse_change_sets,
    ),
    Mutant(
        "last_write_wins",
        "uploads only the newest queued write of each record",
        ("MO-ENT-031",),
        _last_write_wins,
    ),
    Mutant(
        "convert_to_case_unlinked",
        "converts an appointment to a case without pointing it at the case",
        ("MO-ENT-003", "MO-ENT-032"),
        _leave_appointment_unlinked,
    ),
    Mutant(
        "qualify_ignores_create_flags",
        "qualifies a lead without asking the server to create anything",
        ("MO-ENT-033",),
        _drop_qualify_flags,
    ),
    Mutant(
        "qualify_sets_state_only",
        "qualifies a lead by setting its state instead of calling QualifyLead",
        ("MO-ENT-033",),
        _qualify_by_state,
    ),
)
