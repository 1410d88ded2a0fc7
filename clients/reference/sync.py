"""One sync cycle: upload the offline writes, then download what changed on the server.

Upload sends the queue in its order as ``$batch`` change sets with ``Prefer:
odata.continue-on-error``. Writes that touch the same record created offline (its create, later
updates, records whose lookups point at it) share one change set, so ``$<Content-ID>``
references resolve those offline ids to the ids the server assigns; a failing change set rolls
back only its own records. Each failure becomes a per-record error (a protocol code, with the
server's code and message), and the device puts the records it touched back as the server
holds them. ``QualifyLead`` is used when the server offers it, else the lead's state is set.
Business process flow moves follow the record writes (``processes.py``), and the flows of the
offline tables are downloaded after the records.
Each sync first reads the user's offline profile: its entities are the device's offline set,
and its rules (``profile.py``) select the rows that belong on the device; the system views and
the business rules of those entities come down with it. Download follows each
entity's change tracking (ids only: a delta link saved per entity, an initial query the first
time or when the token expired) to learn what changed or was deleted on the server, then
fetches the selected rows that are new to the device or changed, and drops the rest; columns
under field-level security are left out of every row stored. Each sync also downloads the user's
privileges, which the device enforces offline until the next one (``privileges.py``). The notes
of the records on the device (``notes.py``) follow the same way, and each sync reads which
relationships link the offline tables (``subgrids.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from clients.reference import notes, processes, records, rules, subgrids, views
from clients.reference.catalog import ACTIVITY_POINTER, ACTIVITY_TYPES, Catalog, ClientError, NotConfigured
from clients.reference.local_store import LocalStore, QueuedChange
from clients.reference.privileges import Privileges, read_privileges
from clients.reference.profile import OfflineProfile, Selection, read_profile
from clients.reference.webapi import BatchRequest, BatchResponse, EntityInfo, WebApi, WebApiError
from harness.errors import ErrorCode

MAX_BATCH = 1000
EXPIRED_TOKEN = "0x80044352"
UNKNOWN_SEGMENT = "0x8006088a"
NO_SUCH_LEAD = "00000000-0000-0000-0000-000000000000"
# QualifyLead's parameters when the device asked to create nothing (the protocol's default).
QUALIFY_PARAMETERS = {"CreateAccount": False, "CreateContact": False, "CreateOpportunity": False, "Status": 3}


BUSINESS_RULE_ERROR = "0x80040265"  # a business rule's "show error message" refused the save


class SyncFailed(ClientError):
    code = ErrorCode.SYNC_FAILED


def error_code(status: int, dataverse_code: str) -> ErrorCode:
    """The protocol's code for a write the server refused (its own code goes in the message)."""
    if status == 403:
        return ErrorCode.PRIVILEGE_DENIED
    if status == 404:
        return ErrorCode.NOT_FOUND
    if dataverse_code == BUSINESS_RULE_ERROR:
        return ErrorCode.BUSINESS_RULE_ERROR
    return ErrorCode.INVALID_REQUEST


@dataclass(frozen=True)
class RecordError:
    """A queued write the server rejected (or rolled back with the change set it was in)."""

    entity: str
    record_id: str
    operation: str
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "entity": self.entity,
            "record_id": self.record_id,
            "operation": self.operation,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class SyncResult:
    uploaded: int = 0
    errors: list[RecordError] = field(default_factory=list)
    downloaded: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The protocol's sync result: totals and per-record errors (details stay here)."""
        return {
            "uploaded": self.uploaded,
            "downloaded": sum(self.downloaded.values()),
            "errors": [e.as_json() for e in self.errors],
        }


def group_changes(queue: list[QueuedChange]) -> list[list[QueuedChange]]:
    """The queue split into change sets: writes linked through a record created offline in this
    upload stay together (in queue order); the others go alone. Groups keep queue order."""
    created = {c.record_id for c in queue if c.operation == "create"}
    parent = list(range(len(queue)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, change in enumerate(queue):
        touched = {change.record_id} | {
            str(v["id"]) for v in change.payload.get("values", {}).values() if records.is_lookup(v)
        }
        for offline_id in touched & created:
            if offline_id in owner:
                parent[root(index)] = root(owner[offline_id])
            else:
                owner[offline_id] = index
    groups: dict[int, list[QueuedChange]] = {}
    for index, change in enumerate(queue):
        groups.setdefault(root(index), []).append(change)
    return sorted(groups.values(), key=lambda g: g[0].seq)


def to_fetch(wanted: frozenset[str], held: set[str], changed: set[str] | None) -> frozenset[str]:
    """The selected rows to fetch: every one on a fresh start (``changed`` None), else those new to
    the device (just created on the server, or newly readable or selected) or changed there."""
    return wanted if changed is None else (wanted - held) | (wanted & changed)


class SyncEngine:
    """Runs sync cycles for one device against one organization."""

    def __init__(self, store: LocalStore, api: WebApi, user_id: str | None = None) -> None:
        self.store, self.api, self.user_id = store, api, user_id

    @property
    def catalog(self) -> Catalog:
        """What works offline on this device: the section-1 table narrowed to the user's offline
        profile as the last sync read it."""
        entities = self.store.offline_entities()
        if entities is None:
            raise NotConfigured("The device has no data yet; 'sync' once before working offline.")
        return Catalog.for_profile(entities)

    @property
    def privileges(self) -> Privileges:
        """The user's privileges as the last sync downloaded them."""
        names = self.store.privileges()
        if names is None:
            raise NotConfigured("The device has no data yet; 'sync' once before working offline.")
        return Privileges.from_names(names)

    def metadata(self) -> dict[str, EntityInfo]:
        return {name: EntityInfo.from_json(d) for name, d in self.store.metadata().items()}

    def run(self, only: frozenset[str] | None = None) -> SyncResult:
        """One sync: read the profile, upload the queue, download every offline table (or those
        in ``only``, for a periodic sync of the tables that are due)."""
        result = SyncResult()
        try:
            profile = self.read_profile()
            self.store.set_privileges(read_privileges(self.api, self.user()))
            self.upload(result)
            self.upload_stage_moves(result)
            self.download(result, profile, only)
            processes.download(self.api, self.store, profile.entities)
        except (httpx.HTTPError, WebApiError) as error:
            raise SyncFailed(f"The sync stopped: {error}") from error
        return result

    def user(self) -> str:
        """The signed-in user's id: as configured, else the server's ``WhoAmI``."""
        if self.user_id is None:
            self.user_id = self.api.who_am_i()
        return self.user_id

    def read_profile(self) -> OfflineProfile:
        """Read the user's offline profile: download the metadata of its entities only (the
        first time each appears), and drop the local rows of entities it no longer holds. Queued
        writes keep their metadata, so they still upload."""
        profile = read_profile(self.api, self.user())
        catalog = Catalog.for_profile(profile.entities)
        for dropped in set(self.store.offline_entities() or ()) - set(catalog.entities):
            self.store.clear(dropped)
            self.store.set_delta_link(dropped, None)
        known = self.store.metadata()
        missing = tuple(name for name in catalog.entities if name not in known)
        if missing:
            definitions = self.api.entity_definitions(missing)
            # A lookup target already known keeps its definition (with its own navigations).
            kept = {n: i.as_json() for n, i in definitions.items() if n in missing or n not in known}
            self.store.save_metadata(kept)
        self.store.set_state("views", views.encode(views.download_views(self.api, catalog.entities)))
        self.store.set_state("rules", rules.encode(rules.download_rules(self.api, catalog.entities)))
        self.store.set_state("relationships", subgrids.download_relationships(self.api, catalog.entities))
        self.store.set_offline_entities(catalog.entities)
        notes.download_metadata(self)
        offline = OfflineProfile({name: profile.items[name] for name in catalog.entities})
        self.store.set_state("sync_minutes", {e: i.sync_minutes for e, i in offline.items.items()})
        return offline

    # --- upload --------------------------------------------------------------------------------

    def upload(self, result: SyncResult) -> None:
        queue = self.store.queue()
        if not queue:
            return
        metadata = self.metadata()
        qualify_action = any(c.operation == "qualify" for c in queue) and self.has_qualify_action()
        batches: list[list[list[QueuedChange]]] = [[]]
        for group in group_changes(queue):
            if sum(len(g) for g in batches[-1]) + len(group) > MAX_BATCH and batches[-1]:
                batches.append([])
            batches[-1].append(group)
        for groups in batches:
            requests = self.change_sets(groups, metadata, qualify_action)
            responses = self.api.batch(requests)
            # A change set the server did not answer stays queued for the next sync.
            answered = list(zip(groups, requests, responses, strict=False))
            failed = [
                group
                for group, sent, answers in answered
                if not self._settle(group, sent, answers, metadata, result)
            ]
            # Dequeue before reloading the failed records: the server has already applied the
            # rest, and a reload that fails must not get them uploaded twice.
            self.store.dequeue([c.seq for group, _, _ in answered for c in group])
            for group in failed:
                self._restore(group, metadata)
            if len(answered) < len(groups):
                raise SyncFailed(f"The server answered {len(answered)} of {len(groups)} change sets.")

    def upload_stage_moves(self, result: SyncResult) -> None:
        """Send the business process flow moves made on the device, in order, after the record
        writes (the server resolves a branch on the values just uploaded). A move the server
        refuses (4xx) is a per-record error of the instance, and the download then shows the
        server's flow; a refused token or a server failure stops the sync with the move queued."""
        for move in processes.queued_moves(self.store):
            try:
                self.api.patch(move.url, move.body)
                result.uploaded += 1
            except WebApiError as error:
                if error.status == 401 or error.status >= 500:
                    raise  # the sync failed, not the move: it stays queued
                code = error_code(error.status, error.code).value
                message = f"{error.code}: {error.message}"
                result.errors.append(
                    RecordError(move.instance_table, move.instance_id, "update", code, message)
                )
            processes.dequeue_move(self.store)

    def has_qualify_action(self) -> bool:
        """Whether the server offers ``QualifyLead``: asked of a lead that cannot exist, an unknown
        action answers 'no such segment', a known one 'no such record'."""
        try:
            self.api.post(f"leads({NO_SUCH_LEAD})/Microsoft.Dynamics.CRM.QualifyLead", QUALIFY_PARAMETERS)
        except WebApiError as error:
            return error.code != UNKNOWN_SEGMENT
        return True

    def change_sets(
        self, groups: list[list[QueuedChange]], metadata: dict[str, EntityInfo], qualify_action: bool
    ) -> list[list[BatchRequest]]:
        content_ids: dict[str, str] = {}
        counter = 0
        change_sets: list[list[BatchRequest]] = []

        def reference(record_id: str) -> str:
            return content_ids.get(record_id) or self.store.server_id(record_id)

        for group in groups:
            requests: list[BatchRequest] = []
            for change in group:
                counter += 1
                info = metadata[change.entity]
                target = reference(change.record_id)
                url = target if target.startswith("$") else f"{info.entity_set}({target})"
                values = change.payload.get("values", {})
                if change.operation == "create":
                    body = records.to_server(info, values, metadata, reference)
                    requests.append(BatchRequest("POST", info.entity_set, str(counter), body))
                    content_ids[change.record_id] = f"${counter}"
                elif change.operation == "update":
                    body = records.to_server(info, values, metadata, reference)
                    requests.append(BatchRequest("PATCH", url, str(counter), body))
                elif change.operation == "delete":
                    requests.append(BatchRequest("DELETE", url, str(counter)))
                elif change.operation == "qualify" and qualify_action:
                    action = f"{url}/Microsoft.Dynamics.CRM.QualifyLead"
                    parameters = {**QUALIFY_PARAMETERS, **change.payload.get("parameters", {})}
                    requests.append(BatchRequest("POST", action, str(counter), parameters))
                else:  # disqualify, or qualify on a server without the action: set the state
                    state = {"statecode": values["statecode"], "statuscode": values["statuscode"]}
                    requests.append(BatchRequest("PATCH", url, str(counter), state))
            change_sets.append(requests)
        return change_sets

    def _settle(
        self,
        group: list[QueuedChange],
        sent: list[BatchRequest],
        answers: list[BatchResponse],
        metadata: dict[str, EntityInfo],
        result: SyncResult,
    ) -> bool:
        """Record what one change set did: map created ids (True), or report its errors (False)."""
        if len(answers) == len(sent) and all(a.status < 400 for a in answers):
            for change, answer in zip(group, answers, strict=True):
                created = answer.created_id
                if change.operation == "create" and created is not None:
                    self.store.map_id(change.record_id, created)
                    primary_id = metadata[change.entity].primary_id
                    self.store.rekey(change.entity, change.record_id, created, primary_id)
                    if change.entity in ACTIVITY_TYPES:
                        self.store.rekey(ACTIVITY_POINTER, change.record_id, created, primary_id)
            result.uploaded += len(group)
            return True
        failing = answers[0] if answers else None
        status = failing.status if failing is not None else 500
        dataverse_code, reason = failing.error() if failing is not None else ("", "no answer")
        code = error_code(status, dataverse_code).value
        for change, request in zip(group, sent, strict=True):
            is_culprit = failing is not None and failing.content_id == request.content_id
            message = (
                f"{dataverse_code}: {reason}"
                if is_culprit
                else f"Not applied: a write in the same change set failed ({dataverse_code}: {reason})"
            )
            result.errors.append(
                RecordError(change.entity, change.record_id, change.operation, code, message)
            )
        return False

    def _restore(self, group: list[QueuedChange], metadata: dict[str, EntityInfo]) -> None:
        """Put the records a failed change set touched back as the server holds them."""
        created = {c.record_id for c in group if c.operation == "create"}
        for change in group:
            if change.record_id in created:
                self.store.remove(change.entity, change.record_id)
                self.store.remove(ACTIVITY_POINTER, change.record_id)
                continue
            record_id = self.store.server_id(change.record_id)
            touched = [change.entity]
            if change.entity in ACTIVITY_TYPES and ACTIVITY_POINTER in self.catalog.entities:
                touched.append(ACTIVITY_POINTER)
            for entity in touched:
                info = metadata[entity]
                row = self.api.retrieve(info.entity_set, record_id)
                if row is None:
                    self.store.remove(entity, record_id)
                else:
                    record = records.from_server(row, info.secured)
                    self.store.put(entity, str(record[info.primary_id]), record)

    # --- download ------------------------------------------------------------------------------

    def download(
        self, result: SyncResult, profile: OfflineProfile, only: frozenset[str] | None = None
    ) -> None:
        """Bring each offline entity to what the profile's rules select: fetch the rows that are
        new to the device or changed on the server, drop the rows that no longer belong. Rows
        with writes still queued stay until those writes are uploaded."""
        metadata = self.metadata()
        selection = Selection(self.api, profile, metadata)
        for entity in profile.entities:
            if only is not None and entity not in only:
                continue
            self.refresh(metadata[entity], selection.ids(entity), result)
        notes.download(self, result)

    def refresh(self, info: EntityInfo, selected: frozenset[str], result: SyncResult) -> None:
        """Bring the device's rows of one table to the ``selected`` ids, as the server holds them.
        Rows with writes still queued stay until those writes are uploaded."""
        entity = info.logical_name
        changed, deleted = self._changes(info)
        wanted = selected - deleted
        fetch = to_fetch(wanted, self._held(entity, info), changed)
        rows = self.api.records(info.entity_set, info.primary_id, fetch)
        with self.store.lock:  # the user may write while a background sync runs
            for record_id in (leaving := self.leaving(entity, info, wanted)):
                self.store.remove(entity, record_id)
            for row in rows:
                record = records.from_server(row, info.secured)
                self.store.put(entity, str(record[info.primary_id]).lower(), record)
        result.downloaded[entity] = len(rows)
        result.removed[entity] = len(leaving)

    def leaving(self, entity: str, info: EntityInfo, wanted: frozenset[str]) -> set[str]:
        """The rows of ``entity`` on the device that no longer belong, except those with writes
        still queued."""
        pending = {change.record_id for change in self.store.queue()}
        return {i for i in self._held(entity, info) - wanted if i not in pending}

    def _held(self, entity: str, info: EntityInfo) -> set[str]:
        return {str(r[info.primary_id]).lower() for r in self.store.records(entity)}

    def _changes(self, info: EntityInfo) -> tuple[set[str] | None, set[str]]:
        """What changed on the server since the last sync, through change tracking: the ids
        changed (None: everything, on a first sync or an expired delta token) and deleted."""
        link = self.store.delta_link(info.logical_name)
        changed: set[str] | None = set()
        page: dict[str, Any] | None = None
        if link:
            try:
                page = self.api.follow(link)
            except WebApiError as error:
                if error.code != EXPIRED_TOKEN:
                    raise
        if page is None:
            page, changed = self.api.track_changes(info.entity_set, info.primary_id), None
        deleted: set[str] = set()
        while True:
            for item in page.get("value", []):
                if "$deletedEntity" in str(item.get("@odata.context", "")):
                    deleted.add(str(item["id"]).lower())
                elif changed is not None:
                    changed.add(str(item[info.primary_id]).lower())
            if "@odata.nextLink" not in page:
                break
            page = self.api.follow(page["@odata.nextLink"])
        self.store.set_delta_link(info.logical_name, page.get("@odata.deltaLink"))
        return changed, deleted
