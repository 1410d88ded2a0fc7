"""The reference client behind the driver protocol: one message in, one message out.

``ReferenceClient.handle`` answers ``{"id", "result"}`` or ``{"id", "error": {"code", "message"}}``
and dispatches through the explicit ``{cmd: handler}`` table built in ``__init__``, once
``messages.check_request`` has accepted the request's shape. The client
is offline-first: entity commands always run against the local store and writes are queued,
whether the device is online or not; being online only matters to ``sync``, which uploads the
queue and downloads the server's changes. Every entity command asks the catalog first, so a
refused command touches neither the store nor the queue. Business rules (``rules.py``) run on
the device before every save and for ``form_state``; a rule's error message refuses the save
before anything is stored or queued.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from clients.reference import notes, records, rules, schedule, subgrids
from clients.reference import views as local_views
from clients.reference.catalog import (
    ACTIVITY_POINTER,
    ACTIVITY_TYPES,
    COMPLETED_STATE,
    BusinessRuleRefused,
    ClientError,
    Command,
    InvalidRequest,
    NotAvailableOffline,
    NotConfigured,
    RecordNotFound,
)
from clients.reference.local_store import LocalStore
from clients.reference.messages import check_request
from clients.reference.processes import Processes
from clients.reference.sync import SyncEngine, SyncResult
from clients.reference.webapi import EntityInfo, WebApi
from harness.errors import ErrorCode

PROTOCOL_VERSION = 1
VERSION = "0.1.0"
Message = dict[str, Any]
Handler = Callable[[Message], Message]
DISQUALIFIED_STATUSES = range(4, 8)
QUALIFY_FLAGS = {
    "create_account": "CreateAccount",
    "create_contact": "CreateContact",
    "create_opportunity": "CreateOpportunity",
}


class ReferenceClient:
    """One device: its local store, its connection to the server and its online state."""

    def __init__(self) -> None:
        self.engine: SyncEngine | None = None
        self.online = True
        self.stopped = False
        self.last_sync: SyncResult | None = None  # the last sync's details, per entity
        self._sync_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._background_outcome: SyncResult | ClientError | None = None
        self.handlers: dict[str, Handler] = {
            "handshake": self.handshake,
            "configure": self.configure,
            "sync": self.sync,
            "go_offline": self.go_offline,
            "go_online": self.go_online,
            "create": self.create,
            "retrieve": self.retrieve,
            "update": self.update,
            "delete": self.delete,
            "query": self.query,
            "qualify": self.qualify,
            "disqualify": self.disqualify,
            "convert_to_case": self.convert_to_case,
            "available_commands": self.available_commands,
            "local_records": self.local_records,
            "views": self.views,
            "run_view": self.run_view,
            "search": self.search,
            "lookup_candidates": self.lookup_candidates,
            "elapse": self.elapse,
            "start_sync": self.start_sync,
            "sync_status": self.sync_status,
            "wait_for_sync": self.wait_for_sync,
            "bpf_state": self.bpf_state,
            "bpf_next_stage": self.bpf_next_stage,
            "bpf_previous_stage": self.bpf_previous_stage,
            "bpf_set_active_stage": self.bpf_set_active_stage,
            "form_state": self.form_state,
            "mark_complete": self.mark_complete,
            "refresh": self.refresh,
            "convert_to_opportunity": self.convert_to_opportunity,
            "timeline": self.timeline,
            "add_note": self.add_note,
            "add_attachment": self.add_attachment,
            "remove_attachment": self.remove_attachment,
            "add_existing": self.add_existing,
            "shutdown": self.shutdown,
        }

    def handle(self, message: Message) -> Message:
        request_id = message.get("id") if isinstance(message, dict) else None
        try:
            if not isinstance(message, dict) or not isinstance(message.get("cmd"), str):
                raise InvalidRequest("A request is an object with a string 'cmd' and an 'id'.")
            check_request(message)
            handler = self.handlers.get(message["cmd"])
            if handler is None:
                raise ClientError(
                    f"The command '{message['cmd']}' is not supported.", ErrorCode.UNSUPPORTED_COMMAND
                )
            return {"id": request_id, "result": handler(message)}
        except ClientError as error:
            return {"id": request_id, "error": {"code": error.code.value, "message": error.message}}
        except Exception as error:  # a bug must still answer, never kill the protocol loop
            return {
                "id": request_id,
                "error": {"code": "internal", "message": f"{type(error).__name__}: {error}"},
            }

    # --- session -------------------------------------------------------------------------------

    def handshake(self, message: Message) -> Message:
        return {
            "protocol_version": PROTOCOL_VERSION,
            "implementation": {"name": "reference", "version": VERSION, "language": "python"},
        }

    def configure(self, message: Message) -> Message:
        server_url, token = _text(message, "server_url"), _text(message, "token")
        ca_file = message.get("ca_file")
        user_id = message.get("user_id")
        self._close()
        store = LocalStore(str(message.get("database", ":memory:")))
        api = WebApi(server_url, token, ca_file=ca_file)
        self.engine = SyncEngine(store, api, None if user_id is None else str(user_id).lower())
        self.online = True
        return {}

    def sync(self, message: Message) -> Message:
        self._check_online()
        return self._run_sync().as_json()

    def elapse(self, message: Message) -> Message:
        """Time passes with the app open: the tables whose interval has passed sync (online)."""
        minutes = message["minutes"]
        if minutes < 1:
            raise InvalidRequest("'minutes' must be at least 1.")
        due = schedule.due_after(self._store(), minutes)
        if not self.online or not due:
            return {"synced": []}
        self._run_sync(due)
        return {"synced": sorted(due)}

    def start_sync(self, message: Message) -> Message:
        self._check_online()
        self._engine()
        if self._background is None or not self._background.is_alive():
            self._background_outcome = None
            self._background = threading.Thread(target=self._sync_in_background, daemon=True)
            self._background.start()
        return {}

    def sync_status(self, message: Message) -> Message:
        return {"running": self._background is not None and self._background.is_alive()}

    def wait_for_sync(self, message: Message) -> Message:
        if self._background is None:
            raise RecordNotFound("No sync was started.")
        self._background.join()
        self._background = None
        outcome = self._background_outcome
        if isinstance(outcome, ClientError):
            raise outcome
        assert outcome is not None
        return outcome.as_json()

    def _sync_in_background(self) -> None:
        try:
            self._background_outcome = self._run_sync()
        except ClientError as error:
            self._background_outcome = error
        except Exception as error:  # a bug must reach wait_for_sync, not vanish with the thread
            self._background_outcome = ClientError(f"{type(error).__name__}: {error}", ErrorCode.INTERNAL)

    def _run_sync(self, only: frozenset[str] | None = None) -> SyncResult:
        """One sync at a time: a sync asked for while another runs waits for it."""
        engine = self._engine()
        with self._sync_lock:
            result = engine.run(only)
            schedule.synced(engine.store, only if only is not None else engine.catalog.entities)
            self.last_sync = result
        return result

    def _check_online(self) -> None:
        if not self.online:
            raise ClientError("The device is offline; go online to sync.", ErrorCode.OFFLINE)

    def go_offline(self, message: Message) -> Message:
        self.online = False
        return {}

    def go_online(self, message: Message) -> Message:
        self.online = True
        return {}

    def shutdown(self, message: Message) -> Message:
        self._close()
        self.stopped = True
        return {}

    def close(self) -> None:
        """Release the store and the HTTP client (the in-process adapter calls this at the end)."""
        self._close()

    def _close(self) -> None:
        if self._background is not None:
            self._background.join()
            self._background = None
        if self.engine is not None:
            self.engine.api.close()
            self.engine.store.close()
            self.engine = None

    # --- entity commands -----------------------------------------------------------------------

    def create(self, message: Message) -> Message:
        entity, info = self._allowed(message, Command.CREATE)
        values = self._values(info, message.get("values"))
        return {"record_id": self._create(entity, info, self._ruled(entity, values, is_new=True))}

    def retrieve(self, message: Message) -> Message:
        entity, info = self._allowed(message, Command.RETRIEVE)
        _, record = self._record(message, entity)
        return {"record": records.project(record, info.primary_id, message.get("columns"))}

    def update(self, message: Message) -> Message:
        entity, info = self._allowed(message, Command.UPDATE)
        record_id, record = self._record(message, entity)
        values = self._values(info, message.get("values"))
        values.pop(info.primary_id, None)
        self._save(entity, record_id, record, values)
        return {}

    def delete(self, message: Message) -> Message:
        entity, _ = self._allowed(message, Command.DELETE)
        record_id, record = self._record(message, entity)
        self._store().remove(entity, record_id)
        # An activity is one row seen through two tables; the device drops both copies.
        if entity == ACTIVITY_POINTER and record.get("activitytypecode") in ACTIVITY_TYPES:
            self._store().remove(str(record["activitytypecode"]), record_id)
        elif entity in ACTIVITY_TYPES:
            self._store().remove(ACTIVITY_POINTER, record_id)
        self._store().enqueue(entity, "delete", record_id, {})
        return {}

    def query(self, message: Message) -> Message:
        entity, info = self._allowed(message, Command.RETRIEVE)
        conditions = message.get("filter") or {}
        rows = [r for r in self._store().records(entity) if records.matches(r, conditions)]
        return {"records": [records.project(r, info.primary_id, message.get("columns")) for r in rows]}

    def qualify(self, message: Message) -> Message:
        """Mark a lead qualified; the server's ``QualifyLead`` runs at the next sync and creates
        the account, contact and opportunity asked for. Their ids are the server's to choose, so
        offline the reply's ids are null; the records arrive with the sync's download."""
        message = {"entity": "lead", **message}
        self._allowed(message, Command.QUALIFY)
        creates = {}
        for flag, parameter in QUALIFY_FLAGS.items():
            value = message.get(flag, False)
            if not isinstance(value, bool):
                raise InvalidRequest(f"'{flag}' must be true or false.")
            creates[parameter] = value
        record_id, record = self._open_record(message, "lead")
        self._store().put("lead", record_id, {**record, "statecode": 1, "statuscode": 3})
        payload = {"values": {"statecode": 1, "statuscode": 3}, "parameters": creates}
        self._store().enqueue("lead", "qualify", record_id, payload)
        return {"account_id": None, "contact_id": None, "opportunity_id": None}

    def disqualify(self, message: Message) -> Message:
        message = {"entity": "lead", **message}
        self._allowed(message, Command.DISQUALIFY)
        status = message.get("status")
        if not isinstance(status, int) or status not in DISQUALIFIED_STATUSES:
            raise InvalidRequest("'status' must be a disqualified status reason of a lead: 4, 5, 6 or 7.")
        record_id, record = self._open_record(message, "lead")
        values = {"statecode": 2, "statuscode": status}
        self._write("lead", record_id, record, values, operation="disqualify")
        return {}

    def convert_to_case(self, message: Message) -> Message:
        """Make a case from an appointment: its title is the appointment's subject, its customer
        the account or contact the appointment was regarding, and the appointment then regards
        the new case (Dynamics 365's Convert Activity → Case)."""
        self._allowed(message, Command.CONVERT_TO_CASE)
        case_info = self._allowed({"entity": "incident"}, Command.CREATE)[1]
        record_id, appointment = self._open_record(message, "appointment")
        regarding = appointment.get("regardingobjectid")
        case: dict[str, Any] = {"title": appointment.get("subject") or "Case from an appointment"}
        if records.is_lookup(regarding) and regarding["entity"] in ("account", "contact"):
            case["customerid"] = records.lookup(regarding["entity"], regarding["id"])
        case.update(self._values(case_info, message.get("values") or {}))
        case_id = self._create("incident", case_info, case)
        self._regard_case(record_id, appointment, case_id)
        return {"record_id": case_id}

    def _regard_case(self, appointment_id: str, appointment: records.Record, case_id: str) -> None:
        """Point the converted appointment at the case made from it (an update, queued)."""
        link = {"regardingobjectid": records.lookup("incident", case_id)}
        self._write("appointment", appointment_id, appointment, link)

    # --- forms and the custom table's form commands --------------------------------------------

    def form_state(self, message: Message) -> Message:
        """The form after the business rules, evaluated here on what the device holds."""
        entity, info = self._allowed(message, Command.RETRIEVE)
        is_new = message.get("record_id") is None
        record = {} if is_new else self._record(message, entity)[1]
        values = self._values(info, message.get("values") or {})
        state = rules.evaluate(self._rules(entity), {**record, **values}, is_new)
        return state.as_json()

    def mark_complete(self, message: Message) -> Message:
        entity, _ = self._allowed(message, Command.MARK_COMPLETE)
        record_id, record = self._open_record(message, entity)
        self._save(entity, record_id, record, dict(COMPLETED_STATE[entity]))
        return {}

    def refresh(self, message: Message) -> Message:
        entity, _ = self._allowed(message, Command.REFRESH)
        return {"record": self._record(message, entity)[1]}

    def convert_to_opportunity(self, message: Message) -> Message:
        """Make an opportunity from a custom table's record: its topic is the record's name, its
        customer the record's account (if any), and its ``<table>id`` lookup the record."""
        entity, info = self._allowed(message, Command.CONVERT_TO_OPPORTUNITY)
        opportunity_info = self._allowed({"entity": "opportunity"}, Command.CREATE)[1]
        record_id, record = self._record(message, entity)
        opportunity: records.Record = {
            "name": record.get(info.primary_name) or "Opportunity",
            f"{entity}id": records.lookup(entity, record_id),
        }
        account = record.get("new_accountid")
        if records.is_lookup(account):
            opportunity["customerid"] = records.lookup("account", account["id"])
        values = records.check_values(opportunity_info, opportunity)
        return {
            "record_id": self._create(
                "opportunity", opportunity_info, self._ruled("opportunity", values, True)
            )
        }

    def available_commands(self, message: Message) -> Message:
        engine = self._engine()
        entity = _text(message, "entity")
        context = message.get("context") or ("form" if message.get("record_id") else "grid")
        if message.get("relationship") is not None:
            if context != "subgrid":
                raise InvalidRequest(
                    "'relationship' names the relationship of a subgrid: use the subgrid context."
                )
            found = self._relationship(message, entity)
            return {"commands": subgrids.subgrid_commands(engine.catalog, found, entity)}
        record, shows_flow = None, False
        if message.get("record_id") is not None:
            engine.catalog.check(entity, Command.RETRIEVE)
            record_id, record = self._record(message, entity)
            shows_flow = self._processes().offers_stage_commands(entity, record_id, self.online)
        return {"commands": engine.catalog.offered(entity, str(context), record, shows_flow)}

    def add_existing(self, message: Message) -> Message:
        """A subgrid's Add Existing: on a 1:N relationship, point the related record's lookup at
        the form's record; N:N relationships are read-only offline."""
        entity = self._offline_entity(message)
        found = self._relationship(message, entity)
        related, column = subgrids.link_column(self._engine().catalog, found, entity)
        record_id, _ = self._record(message, entity)
        related_id, record = self._record({"record_id": _text(message, "related_id")}, related)
        values = self._values(self._engine().metadata()[related], {column: records.lookup(entity, record_id)})
        self._write(related, related_id, record, values)
        return {}

    def local_records(self, message: Message) -> Message:
        entity = _text(message, "entity")
        try:
            return {"records": self._store().records(entity)}
        except ValueError as error:
            raise InvalidRequest(str(error)) from None

    # --- views, search, lookups ----------------------------------------------------------------

    def views(self, message: Message) -> Message:
        entity = self._offline_entity(message)
        if entity in local_views.WITHOUT_VIEWS:
            raise NotAvailableOffline(f"Views of {entity} are not available offline.")
        return {"views": [v.listing() for v in self._views() if v.entity == entity]}

    def run_view(self, message: Message) -> Message:
        entity = self._offline_entity(message)
        view_id = _text(message, "view_id").lower()
        view = next((v for v in self._views() if v.id.lower() == view_id and v.entity == entity), None)
        if view is None:
            raise NotAvailableOffline(
                f"The view '{view_id}' is not available offline for {entity}: personal views, views of "
                "tables without offline views and views that need a table outside the profile are not."
            )
        if view.kind == "quick_view":
            _, record = self._record({**message, "record_id": _text(message, "record_id")}, entity)
            return {
                "records": [
                    local_views.quick_view(view, record, self._engine().metadata()[entity].primary_id)
                ]
            }
        return {"records": local_views.run_fetch(view.definition, self._context())}

    def search(self, message: Message) -> Message:
        engine = self._engine()
        dates = {name: info.dates for name, info in engine.metadata().items()}
        found = local_views.search(self._views(), message, dates, engine.catalog.entities, self._context())
        return {"records": found}

    def lookup_candidates(self, message: Message) -> Message:
        entity = self._offline_entity(message)
        column = _text(message, "column")
        engine = self._engine()
        targets = engine.metadata()[entity].lookup_targets(column)
        if not targets:
            raise InvalidRequest(f"'{column}' is not a lookup column of {entity}.")
        offline = [t for t in targets if t in engine.catalog.entities]
        if not offline:
            raise NotAvailableOffline(
                f"The lookup {column} points to {', '.join(targets)}, which is not available offline."
            )
        text = str(message.get("text") or "").lower()
        candidates = []
        for target in offline:
            info = engine.metadata()[target]
            for record in self._store().records(target):
                name = record.get(info.primary_name)
                if str(name or "").lower().startswith(text):
                    candidates.append({"entity": target, "id": str(record[info.primary_id]), "name": name})
        return {"candidates": sorted(candidates, key=lambda c: (str(c["name"] or ""), c["id"]))}

    # --- business process flows ----------------------------------------------------------------

    def bpf_state(self, message: Message) -> Message:
        entity, record_id = self._flow_record(message)
        return {"process": self._processes().state(entity, record_id, self.online)}

    def bpf_next_stage(self, message: Message) -> Message:
        entity, record_id = self._flow_record(message)
        return {"process": self._processes().next_stage(entity, record_id, self.online)}

    def bpf_previous_stage(self, message: Message) -> Message:
        entity, record_id = self._flow_record(message)
        return {"process": self._processes().previous_stage(entity, record_id, self.online)}

    def bpf_set_active_stage(self, message: Message) -> Message:
        entity, record_id = self._flow_record(message)
        stage_id = _text(message, "stage_id")
        return {"process": self._processes().set_active_stage(entity, record_id, stage_id, self.online)}

    def _flow_record(self, message: Message) -> tuple[str, str]:
        """The record whose flow a stage command is about: one the device holds, of an offline
        table (its form can be opened)."""
        entity = self._offline_entity(message)
        return entity, self._record(message, entity)[0]

    def _processes(self) -> Processes:
        return Processes(self._store())

    # --- notes on the timeline ----------------------------------------------------------------

    def timeline(self, message: Message) -> Message:
        entity = self._offline_entity(message)
        notes.check_timeline(self._engine().metadata(), entity)
        record_id, _ = self._record(message, entity)
        return {"notes": notes.timeline(self._store().records(notes.NOTE), record_id)}

    def add_note(self, message: Message) -> Message:
        entity = self._offline_entity(message)
        info = notes.check_timeline(self._engine().metadata(), entity)
        record_id, _ = self._record(message, entity)
        values = notes.new_note(entity, record_id, _text(message, "text"), message.get("attachment"))
        return {"note_id": self._create(notes.NOTE, info, values)}

    def add_attachment(self, message: Message) -> Message:
        note_id, note = self._note(message)
        self._write(notes.NOTE, note_id, note, notes.file_values(message.get("attachment")))
        return {}

    def remove_attachment(self, message: Message) -> Message:
        note_id, note = self._note(message)
        if not note.get("documentbody"):
            raise RecordNotFound(f"The note '{note_id}' has no attachment.")
        self._write(notes.NOTE, note_id, note, dict(notes.NO_FILE))
        return {}

    def _note(self, message: Message) -> tuple[str, records.Record]:
        return self._record({"record_id": _text(message, "note_id")}, notes.NOTE)

    def _relationship(self, message: Message, entity: str) -> subgrids.Relationship:
        stored = self._store().state("relationships")
        return subgrids.relationship(stored, _text(message, "relationship"), entity)

    def _offline_entity(self, message: Message) -> str:
        """The request's entity, once the device knows it is offline (reads are offered)."""
        return self._allowed(message, Command.RETRIEVE)[0]

    def _views(self) -> list[local_views.View]:
        stored = self._store().state("views")
        return local_views.decode(stored) if stored else []

    def _context(self) -> local_views.Context:
        engine = self._engine()
        metadata = engine.metadata()
        return local_views.Context(
            self._store().records, lambda e: metadata[e].primary_id, engine.user_id or ""
        )

    # --- helpers -------------------------------------------------------------------------------

    def _engine(self) -> SyncEngine:
        if self.engine is None:
            raise NotConfigured("The client is not configured; send 'configure' first.")
        return self.engine

    def _store(self) -> LocalStore:
        return self._engine().store

    def _allowed(self, message: Message, command: Command) -> tuple[str, EntityInfo]:
        """The entity of an entity command, once the catalog allows ``command`` on it and the
        user's privileges (as of the last sync) allow it."""
        engine = self._engine()
        entity = _text(message, "entity")
        engine.catalog.check(entity, command)
        engine.privileges.check(entity, command)
        return entity, engine.metadata()[entity]

    def _values(self, info: EntityInfo, values: Any) -> records.Record:
        """The ``values`` of a write, checked, with lookups as ``{entity, id}``."""
        if not isinstance(values, dict):
            raise InvalidRequest("'values' must be an object of column names to values.")
        store = self._store()
        resolved = records.resolve_lookups(
            info, values, lambda entity, record_id: store.get(entity, store.server_id(record_id)) is not None
        )
        return records.check_values(info, resolved)

    def _record(self, message: Message, entity: str) -> tuple[str, records.Record]:
        record_id = self._store().server_id(_text(message, "record_id").lower())
        record = self._store().get(entity, record_id)
        if record is None:
            raise RecordNotFound(f"The device holds no {entity} with id '{record_id}'.")
        return record_id, record

    def _open_record(self, message: Message, entity: str) -> tuple[str, records.Record]:
        record_id, record = self._record(message, entity)
        if record.get("statecode") not in (None, 0):
            raise InvalidRequest(f"The {entity} '{record_id}' is not open (statecode {record['statecode']}).")
        return record_id, record

    def _rules(self, entity: str) -> list[rules.Rule]:
        return [rule for rule in rules.decode(self._store().state("rules") or []) if rule.entity == entity]

    def _ruled(self, entity: str, values: records.Record, is_new: bool) -> records.Record:
        """The values a save writes once the business rules ran; refused when a rule shows an error."""
        state = rules.evaluate(self._rules(entity), values, is_new)
        if state.errors:
            raise BusinessRuleRefused(" ".join(error["message"] for error in state.errors))
        return rules.changes({}, state.values) if is_new else state.values

    def _save(self, entity: str, record_id: str, record: records.Record, values: records.Record) -> None:
        """Update a record with ``values`` and what the business rules change with them."""
        edited = {**record, **values}
        ruled = self._ruled(entity, edited, is_new=False)
        self._write(entity, record_id, record, {**values, **rules.changes(edited, ruled)})

    def _create(self, entity: str, info: EntityInfo, values: records.Record) -> str:
        record_id = str(uuid.uuid4())
        self._put(entity, record_id, {**values, info.primary_id: record_id})
        self._store().enqueue(entity, "create", record_id, {"values": values})
        return record_id

    def _put(self, entity: str, record_id: str, record: records.Record) -> None:
        """Store a record; an activity also shows in the device's activitypointer table until the
        next download replaces that copy with the server's."""
        self._store().put(entity, record_id, record)
        if entity in ACTIVITY_TYPES and ACTIVITY_POINTER in self._engine().catalog.entities:
            self._store().put(ACTIVITY_POINTER, record_id, {**record, "activitytypecode": entity})

    def _write(
        self,
        entity: str,
        record_id: str,
        record: records.Record,
        values: records.Record,
        operation: str = "update",
    ) -> None:
        self._put(entity, record_id, {**record, **values})
        self._store().enqueue(entity, operation, record_id, {"values": values})


def _text(message: Message, name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"'{name}' must be a non-empty string.")
    return value
