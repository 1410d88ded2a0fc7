"""Mutants of section 10 of the catalogue: synchronization (MO-SYNC)."""

from __future__ import annotations

from typing import Any

import pytest

from clients.mutants import Mutant
from clients.reference import catalog, schedule
from clients.reference import sync as reference_sync
from clients.reference.driver import ReferenceClient
from clients.reference.local_store import LocalStore
from clients.reference.privileges import Privileges, read_privileges
from clients.reference.sync import SyncEngine, SyncResult
from clients.reference.webapi import WebApi
from harness.errors import ErrorCode


def _ignore_profile_interval(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(schedule, "interval", lambda minutes: schedule.DEFAULT_MINUTES)


def _never_sync_periodically(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(schedule, "due_after", lambda store, minutes: frozenset())


def _upload_on_reconnect(patch: pytest.MonkeyPatch) -> None:
    go_online = ReferenceClient.go_online

    def uploading(client: ReferenceClient, message: dict[str, Any]) -> dict[str, Any]:
        reply = go_online(client, message)
        if client.engine is not None:
            client.engine.upload(SyncResult())
        return reply

    patch.setattr(ReferenceClient, "go_online", uploading)


def _lock_store_during_sync(patch: pytest.MonkeyPatch) -> None:
    run = SyncEngine.run

    def locked(engine: SyncEngine, only: frozenset[str] | None = None) -> SyncResult:
        with engine.store.lock:
            return run(engine, only)

    patch.setattr(SyncEngine, "run", locked)


def _sync_in_foreground(patch: pytest.MonkeyPatch) -> None:
    start_sync = ReferenceClient.start_sync

    def waiting(client: ReferenceClient, message: dict[str, Any]) -> dict[str, Any]:
        reply = start_sync(client, message)
        assert client._background is not None
        client._background.join()
        return reply

    patch.setattr(ReferenceClient, "start_sync", waiting)


def _download_every_definition(patch: pytest.MonkeyPatch) -> None:
    entity_definitions = WebApi.entity_definitions
    patch.setattr(
        WebApi,
        "entity_definitions",
        lambda api, names: entity_definitions(api, tuple(catalog.OFFLINE_COMMANDS)),
    )


def _ignore_delta_links(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(LocalStore, "delta_link", lambda store, entity: None)


def _keep_rows_no_longer_selected(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(SyncEngine, "leaving", lambda engine, entity, info, wanted: set())


def _fetch_only_new_rows(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(reference_sync, "to_fetch", lambda wanted, held, changed: wanted - held)


def _check_live_privileges(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(
        SyncEngine,
        "privileges",
        property(lambda engine: Privileges.from_names(read_privileges(engine.api, engine.user()))),
    )


def _skip_privilege_check(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(Privileges, "check", lambda privileges, entity, command: None)


def _keep_first_privileges(patch: pytest.MonkeyPatch) -> None:
    set_privileges = LocalStore.set_privileges
    patch.setattr(
        LocalStore,
        "set_privileges",
        lambda store, names: set_privileges(store, names) if store.privileges() is None else None,
    )


def _forget_record_errors(patch: pytest.MonkeyPatch) -> None:
    settle = SyncEngine._settle

    def without_errors(engine: SyncEngine, *change_set: Any) -> bool:
        group, sent, answers, metadata, result = change_set
        scratch = SyncResult()
        settled = settle(engine, group, sent, answers, metadata, scratch)
        result.uploaded += scratch.uploaded
        return settled

    patch.setattr(SyncEngine, "_settle", without_errors)


def _keep_rejected_writes(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(SyncEngine, "_restore", lambda engine, group, metadata: None)


def _report_invalid_request(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(reference_sync, "error_code", lambda status, code: ErrorCode.INVALID_REQUEST)


MUTANTS = (
    Mutant(
        name="ignores_profile_sync_interval",
        defect="syncs every table periodically at the default 5 minutes, whatever the profile's interval",
        requirements=("MO-SYNC-001",),
        apply=_ignore_profile_interval,
    ),
    Mutant(
        name="never_syncs_periodically",
        defect="syncs only on demand, never periodically",
        requirements=("MO-SYNC-001",),
        apply=_never_sync_periodically,
    ),
    Mutant(
        name="uploads_on_reconnect",
        defect="uploads the offline writes as soon as the device is back online, before the user syncs",
        requirements=("MO-SYNC-001",),
        apply=_upload_on_reconnect,
    ),
    Mutant(
        name="locks_store_during_sync",
        defect="holds the local store's lock for a whole sync, so the app waits for it",
        requirements=("MO-SYNC-002",),
        apply=_lock_store_during_sync,
    ),
    Mutant(
        name="syncs_in_foreground",
        defect="a background sync blocks the app until it ends",
        requirements=("MO-SYNC-002",),
        apply=_sync_in_foreground,
    ),
    Mutant(
        name="downloads_every_definition",
        defect="downloads the metadata of every table it supports, not only the profile's",
        requirements=("MO-SYNC-003",),
        apply=_download_every_definition,
    ),
    Mutant(
        name="ignores_delta_links",
        defect="downloads every row at every sync instead of the server's changes since the last one",
        requirements=("MO-SYNC-004",),
        apply=_ignore_delta_links,
    ),
    Mutant(
        name="keeps_rows_no_longer_selected",
        defect="keeps rows deleted on the server or no longer readable by the user",
        requirements=("MO-SYNC-004", "MO-SYNC-007"),
        apply=_keep_rows_no_longer_selected,
    ),
    Mutant(
        name="never_updates_held_rows",
        defect="downloads only the rows new to the device, never the server's changes to rows it holds",
        requirements=("MO-SYNC-004",),
        apply=_fetch_only_new_rows,
    ),
    Mutant(
        name="applies_privilege_changes_before_sync",
        defect="asks the server for the user's privileges at each write instead of keeping the last sync's",
        requirements=("MO-SYNC-005",),
        apply=_check_live_privileges,
    ),
    Mutant(
        name="skips_offline_privilege_check",
        defect="accepts any write offline, whatever the privileges of the last sync",
        requirements=("MO-SYNC-005",),
        apply=_skip_privilege_check,
    ),
    Mutant(
        name="keeps_first_privileges",
        defect="keeps the privileges of the first sync and never updates them",
        requirements=("MO-SYNC-005",),
        apply=_keep_first_privileges,
    ),
    Mutant(
        name="forgets_record_errors",
        defect="forgets the per-record errors of a sync whose writes the server rejected",
        requirements=("MO-SYNC-006",),
        apply=_forget_record_errors,
    ),
    Mutant(
        name="keeps_rejected_writes",
        defect="keeps a write the server rejected on the device instead of the server's record",
        requirements=("MO-SYNC-006",),
        apply=_keep_rejected_writes,
    ),
    Mutant(
        name="reports_rejections_as_invalid_request",
        defect="reports every write the server rejected as invalid_request, privilege refusals too",
        requirements=("MO-SYNC-006",),
        apply=_report_invalid_request,
    ),
)
