"""Typed Python messages mirroring the protocol schema: one frozen dataclass per command.

A step builds a command (``Create(entity="account", values={...})``), an adapter sends
``command.to_request(id)``, and ``command.from_response(reply)`` gives back a typed result. Both
directions are validated against the command's schema file (whose ``$id`` each class writes out),
so a message that breaks the protocol is one ``ProtocolError`` whichever side got it wrong, and a
typed error reply is one ``ClientCommandError``. ``tests/harness/test_messages.py`` pins every class
to its schema so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Generic, TypeVar

from harness.errors import ClientCommandError, ErrorCode, ProtocolError
from harness.protocol.registry import PROTOCOL_VERSION, validate, validator

__all__ = [
    "COMMANDS",
    "AddAttachment",
    "AddExisting",
    "AddNote",
    "Attachment",
    "AvailableCommands",
    "BpfNextStage",
    "BpfPreviousStage",
    "BpfSetActiveStage",
    "BpfState",
    "Candidate",
    "Candidates",
    "Command",
    "CommandsOffered",
    "Configure",
    "ConvertToCase",
    "ConvertToOpportunity",
    "Create",
    "Created",
    "Delete",
    "Disqualify",
    "Done",
    "Elapse",
    "Elapsed",
    "Form",
    "FormError",
    "FormState",
    "GoOffline",
    "GoOnline",
    "Handshake",
    "HandshakeResult",
    "Implementation",
    "JSONObject",
    "LocalRecords",
    "LookupCandidates",
    "MarkComplete",
    "Note",
    "NoteAdded",
    "Notes",
    "Process",
    "ProcessShown",
    "Qualify",
    "QualifyResult",
    "Query",
    "RecordError",
    "Records",
    "Refresh",
    "RemoveAttachment",
    "RequestId",
    "Retrieve",
    "Retrieved",
    "RunView",
    "Search",
    "Shutdown",
    "Stage",
    "StartSync",
    "Sync",
    "SyncResult",
    "SyncState",
    "SyncStatus",
    "Timeline",
    "Update",
    "View",
    "Views",
    "ViewsOffered",
    "WaitForSync",
    "sync_result",
]

JSONObject = dict[str, Any]
RequestId = int | str
ResultT = TypeVar("ResultT")

_SCHEMA = "https://offline-conformance.invalid/protocol/v1/commands/"


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """The empty result of a command that only acknowledges (configure, go_offline, ...)."""


@dataclass(frozen=True)
class Implementation:
    """Who the client is, as it said in the handshake."""

    name: str
    version: str
    language: str


@dataclass(frozen=True)
class HandshakeResult:
    protocol_version: int
    implementation: Implementation


@dataclass(frozen=True)
class RecordError:
    """A queued write the server refused during sync."""

    entity: str
    record_id: str
    operation: str
    code: ErrorCode
    message: str


@dataclass(frozen=True)
class SyncResult:
    uploaded: int
    downloaded: int
    errors: tuple[RecordError, ...]


@dataclass(frozen=True)
class Created:
    """The id of a record a command created (``create``, ``convert_to_case``,
    ``convert_to_opportunity``)."""

    record_id: str


@dataclass(frozen=True)
class Retrieved:
    record: JSONObject


@dataclass(frozen=True)
class Records:
    """Records a command listed (``query``, ``local_records``)."""

    records: tuple[JSONObject, ...]


@dataclass(frozen=True)
class QualifyResult:
    account_id: str | None
    contact_id: str | None
    opportunity_id: str | None


@dataclass(frozen=True)
class CommandsOffered:
    commands: frozenset[str]


# -- commands -----------------------------------------------------------------------------------


class Command(Generic[ResultT]):
    """Base of the command dataclasses: fields are the request's properties besides cmd and id."""

    cmd: ClassVar[str]
    schema_id: ClassVar[str]

    def params(self) -> JSONObject:
        """The request's own properties; a field left at ``None`` is an omitted optional one."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}  # type: ignore[arg-type]
        return {name: value for name, value in values.items() if value is not None}

    def to_request(self, request_id: RequestId) -> JSONObject:
        """The request as sent, validated first so the harness never sends a malformed one."""
        message: JSONObject = {"cmd": self.cmd, "id": request_id, **self.params()}
        validate(validator(self.schema_id), message, f"the {self.cmd!r} request")
        return message

    def from_response(self, response: object, request_id: RequestId | None = None) -> ResultT:
        """The typed result; ``ClientCommandError`` for a typed error, ``ProtocolError`` otherwise."""
        validate(validator(self.schema_id + "#response"), response, f"the reply to {self.cmd!r}")
        assert isinstance(response, dict)  # the schema requires an object
        if request_id is not None and response["id"] != request_id:
            raise ProtocolError(
                f"the reply to {self.cmd!r} echoes id {response['id']!r}, the request had {request_id!r}"
            )
        if "error" in response:
            error = response["error"]
            raise ClientCommandError(self.cmd, ErrorCode(error["code"]), error["message"])
        return self.build_result(response["result"])

    def build_result(self, result: JSONObject) -> ResultT:
        """Turn a schema-valid ``result`` object into the typed result."""
        raise NotImplementedError


class _Acknowledged(Command[Done]):
    def build_result(self, result: JSONObject) -> Done:
        return Done()


class _Creating(Command[Created]):
    def build_result(self, result: JSONObject) -> Created:
        return Created(record_id=result["record_id"])


class _Listing(Command[Records]):
    def build_result(self, result: JSONObject) -> Records:
        return Records(records=tuple(result["records"]))


@dataclass(frozen=True)
class Handshake(Command[HandshakeResult]):
    cmd = "handshake"
    schema_id = _SCHEMA + "handshake.json"
    protocol_version: int = PROTOCOL_VERSION

    def build_result(self, result: JSONObject) -> HandshakeResult:
        return HandshakeResult(
            protocol_version=result["protocol_version"],
            implementation=Implementation(**result["implementation"]),
        )


@dataclass(frozen=True)
class Configure(_Acknowledged):
    cmd = "configure"
    schema_id = _SCHEMA + "configure.json"
    server_url: str
    token: str
    user_id: str | None = None
    ca_file: str | None = None


@dataclass(frozen=True)
class Sync(Command[SyncResult]):
    cmd = "sync"
    schema_id = _SCHEMA + "sync.json"

    def build_result(self, result: JSONObject) -> SyncResult:
        return sync_result(result)


def sync_result(result: JSONObject) -> SyncResult:
    """The typed form of a schema-valid ``sync_result`` (``sync``, ``wait_for_sync``)."""
    errors = tuple(
        RecordError(
            entity=error["entity"],
            record_id=error["record_id"],
            operation=error["operation"],
            code=ErrorCode(error["code"]),
            message=error["message"],
        )
        for error in result["errors"]
    )
    return SyncResult(uploaded=result["uploaded"], downloaded=result["downloaded"], errors=errors)


@dataclass(frozen=True)
class GoOffline(_Acknowledged):
    cmd = "go_offline"
    schema_id = _SCHEMA + "go_offline.json"


@dataclass(frozen=True)
class GoOnline(_Acknowledged):
    cmd = "go_online"
    schema_id = _SCHEMA + "go_online.json"


@dataclass(frozen=True)
class Create(_Creating):
    cmd = "create"
    schema_id = _SCHEMA + "create.json"
    entity: str
    values: JSONObject


@dataclass(frozen=True)
class Retrieve(Command[Retrieved]):
    cmd = "retrieve"
    schema_id = _SCHEMA + "retrieve.json"
    entity: str
    record_id: str
    columns: list[str] | None = None

    def build_result(self, result: JSONObject) -> Retrieved:
        return Retrieved(record=result["record"])


@dataclass(frozen=True)
class Update(_Acknowledged):
    cmd = "update"
    schema_id = _SCHEMA + "update.json"
    entity: str
    record_id: str
    values: JSONObject


@dataclass(frozen=True)
class Delete(_Acknowledged):
    cmd = "delete"
    schema_id = _SCHEMA + "delete.json"
    entity: str
    record_id: str


@dataclass(frozen=True)
class Query(_Listing):
    cmd = "query"
    schema_id = _SCHEMA + "query.json"
    entity: str
    filter: JSONObject | None = None
    columns: list[str] | None = None


@dataclass(frozen=True)
class Qualify(Command[QualifyResult]):
    cmd = "qualify"
    schema_id = _SCHEMA + "qualify.json"
    record_id: str
    create_account: bool | None = None
    create_contact: bool | None = None
    create_opportunity: bool | None = None

    def build_result(self, result: JSONObject) -> QualifyResult:
        return QualifyResult(
            account_id=result["account_id"],
            contact_id=result["contact_id"],
            opportunity_id=result["opportunity_id"],
        )


@dataclass(frozen=True)
class Disqualify(_Acknowledged):
    cmd = "disqualify"
    schema_id = _SCHEMA + "disqualify.json"
    record_id: str
    status: int


@dataclass(frozen=True)
class ConvertToCase(_Creating):
    cmd = "convert_to_case"
    schema_id = _SCHEMA + "convert_to_case.json"
    entity: str
    record_id: str


@dataclass(frozen=True)
class AvailableCommands(Command[CommandsOffered]):
    cmd = "available_commands"
    schema_id = _SCHEMA + "available_commands.json"
    entity: str
    context: str
    record_id: str | None = None
    relationship: str | None = None  # a subgrid's relationship

    def build_result(self, result: JSONObject) -> CommandsOffered:
        return CommandsOffered(commands=frozenset(result["commands"]))


@dataclass(frozen=True)
class LocalRecords(_Listing):
    cmd = "local_records"
    schema_id = _SCHEMA + "local_records.json"
    entity: str


@dataclass(frozen=True)
class View:
    """A view the device offers offline."""

    id: str
    name: str
    kind: str  # public, quick_find, lookup, quick_view


@dataclass(frozen=True)
class ViewsOffered:
    views: tuple[View, ...]


@dataclass(frozen=True)
class Views(Command[ViewsOffered]):
    cmd = "views"
    schema_id = _SCHEMA + "views.json"
    entity: str

    def build_result(self, result: JSONObject) -> ViewsOffered:
        return ViewsOffered(views=tuple(View(**view) for view in result["views"]))


@dataclass(frozen=True)
class RunView(_Listing):
    cmd = "run_view"
    schema_id = _SCHEMA + "run_view.json"
    entity: str
    view_id: str
    record_id: str | None = None


@dataclass(frozen=True)
class Search(_Listing):
    cmd = "search"
    schema_id = _SCHEMA + "search.json"
    entities: list[str]
    text: str
    mode: str | None = None
    fields: list[str] | None = None


@dataclass(frozen=True)
class Candidate:
    """A record a lookup can point to."""

    entity: str
    id: str
    name: str | None


@dataclass(frozen=True)
class Candidates:
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class LookupCandidates(Command[Candidates]):
    cmd = "lookup_candidates"
    schema_id = _SCHEMA + "lookup_candidates.json"
    entity: str
    column: str
    text: str | None = None

    def build_result(self, result: JSONObject) -> Candidates:
        return Candidates(candidates=tuple(Candidate(**c) for c in result["candidates"]))


@dataclass(frozen=True)
class Elapsed:
    synced: tuple[str, ...]  # the tables a periodic sync downloaded


@dataclass(frozen=True)
class Elapse(Command[Elapsed]):
    cmd = "elapse"
    schema_id = _SCHEMA + "elapse.json"
    minutes: int

    def build_result(self, result: JSONObject) -> Elapsed:
        return Elapsed(synced=tuple(result["synced"]))


@dataclass(frozen=True)
class StartSync(_Acknowledged):
    cmd = "start_sync"
    schema_id = _SCHEMA + "start_sync.json"


@dataclass(frozen=True)
class SyncState:
    running: bool


@dataclass(frozen=True)
class SyncStatus(Command[SyncState]):
    cmd = "sync_status"
    schema_id = _SCHEMA + "sync_status.json"

    def build_result(self, result: JSONObject) -> SyncState:
        return SyncState(running=result["running"])


@dataclass(frozen=True)
class WaitForSync(Command[SyncResult]):
    cmd = "wait_for_sync"
    schema_id = _SCHEMA + "wait_for_sync.json"

    def build_result(self, result: JSONObject) -> SyncResult:
        return sync_result(result)


@dataclass(frozen=True)
class Stage:
    """A stage of a business process flow."""

    id: str
    name: str
    entity: str


@dataclass(frozen=True)
class Process:
    """A business process flow as the device shows it on a record."""

    id: str
    name: str
    instance_id: str
    stages: tuple[Stage, ...]
    active_stage_id: str
    traversed_path: tuple[str, ...]

    @classmethod
    def from_json(cls, process: JSONObject) -> Process:
        return cls(
            id=process["id"],
            name=process["name"],
            instance_id=process["instance_id"],
            stages=tuple(Stage(**stage) for stage in process["stages"]),
            active_stage_id=process["active_stage_id"],
            traversed_path=tuple(process["traversed_path"]),
        )

    def stage_named(self, name: str) -> Stage:
        """The stage called ``name`` (``KeyError`` when the process has none)."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"the process {self.name!r} has no stage {name!r}")


@dataclass(frozen=True)
class ProcessShown:
    """The flow a record shows, None when it has none on the device."""

    process: Process | None


@dataclass(frozen=True)
class _StageCommand(Command[ProcessShown]):
    """A command about the business process flow of one record; it answers the flow shown."""

    entity: str
    record_id: str

    def build_result(self, result: JSONObject) -> ProcessShown:
        process = result["process"]
        return ProcessShown(process=None if process is None else Process.from_json(process))


@dataclass(frozen=True)
class BpfState(_StageCommand):
    cmd = "bpf_state"
    schema_id = _SCHEMA + "bpf_state.json"


@dataclass(frozen=True)
class BpfNextStage(_StageCommand):
    cmd = "bpf_next_stage"
    schema_id = _SCHEMA + "bpf_next_stage.json"


@dataclass(frozen=True)
class BpfPreviousStage(_StageCommand):
    cmd = "bpf_previous_stage"
    schema_id = _SCHEMA + "bpf_previous_stage.json"


@dataclass(frozen=True)
class BpfSetActiveStage(_StageCommand):
    cmd = "bpf_set_active_stage"
    schema_id = _SCHEMA + "bpf_set_active_stage.json"
    stage_id: str


@dataclass(frozen=True)
class FormError:
    """An error message a business rule shows on a form."""

    column: str
    message: str


@dataclass(frozen=True)
class Form:
    """A form after the business rules: what it shows and how each column behaves."""

    values: JSONObject
    required: frozenset[str]
    locked: frozenset[str]
    hidden: frozenset[str]
    errors: tuple[FormError, ...]


@dataclass(frozen=True)
class FormState(Command[Form]):
    cmd = "form_state"
    schema_id = _SCHEMA + "form_state.json"
    entity: str
    record_id: str | None = None
    values: JSONObject | None = None

    def build_result(self, result: JSONObject) -> Form:
        return Form(
            values=result["values"],
            required=frozenset(result["required"]),
            locked=frozenset(result["locked"]),
            hidden=frozenset(result["hidden"]),
            errors=tuple(FormError(**error) for error in result["errors"]),
        )


@dataclass(frozen=True)
class Attachment:
    """The file a note holds, as the timeline shows it."""

    filename: str
    mimetype: str
    size: int


@dataclass(frozen=True)
class Note:
    """A note on a record's timeline."""

    id: str
    text: str | None
    attachment: Attachment | None


@dataclass(frozen=True)
class Notes:
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Timeline(Command[Notes]):
    cmd = "timeline"
    schema_id = _SCHEMA + "timeline.json"
    entity: str
    record_id: str

    def build_result(self, result: JSONObject) -> Notes:
        return Notes(
            notes=tuple(
                Note(
                    id=note["id"],
                    text=note["text"],
                    attachment=None if note["attachment"] is None else Attachment(**note["attachment"]),
                )
                for note in result["notes"]
            )
        )


@dataclass(frozen=True)
class MarkComplete(_Acknowledged):
    cmd = "mark_complete"
    schema_id = _SCHEMA + "mark_complete.json"
    entity: str
    record_id: str


@dataclass(frozen=True)
class Refresh(Command[Retrieved]):
    cmd = "refresh"
    schema_id = _SCHEMA + "refresh.json"
    entity: str
    record_id: str

    def build_result(self, result: JSONObject) -> Retrieved:
        return Retrieved(record=result["record"])


@dataclass(frozen=True)
class ConvertToOpportunity(_Creating):
    cmd = "convert_to_opportunity"
    schema_id = _SCHEMA + "convert_to_opportunity.json"
    entity: str
    record_id: str


@dataclass(frozen=True)
class NoteAdded:
    note_id: str


@dataclass(frozen=True)
class AddNote(Command[NoteAdded]):
    cmd = "add_note"
    schema_id = _SCHEMA + "add_note.json"
    entity: str
    record_id: str
    text: str
    attachment: JSONObject | None = None  # {filename, mimetype, body (base64)}

    def build_result(self, result: JSONObject) -> NoteAdded:
        return NoteAdded(note_id=result["note_id"])


@dataclass(frozen=True)
class AddAttachment(_Acknowledged):
    cmd = "add_attachment"
    schema_id = _SCHEMA + "add_attachment.json"
    note_id: str
    attachment: JSONObject  # {filename, mimetype, body (base64)}


@dataclass(frozen=True)
class RemoveAttachment(_Acknowledged):
    cmd = "remove_attachment"
    schema_id = _SCHEMA + "remove_attachment.json"
    note_id: str


@dataclass(frozen=True)
class AddExisting(_Acknowledged):
    cmd = "add_existing"
    schema_id = _SCHEMA + "add_existing.json"
    entity: str
    record_id: str
    relationship: str
    related_id: str


@dataclass(frozen=True)
class Shutdown(_Acknowledged):
    cmd = "shutdown"
    schema_id = _SCHEMA + "shutdown.json"


COMMANDS: dict[str, type[Command[Any]]] = {
    "handshake": Handshake,
    "configure": Configure,
    "sync": Sync,
    "go_offline": GoOffline,
    "go_online": GoOnline,
    "create": Create,
    "retrieve": Retrieve,
    "update": Update,
    "delete": Delete,
    "query": Query,
    "qualify": Qualify,
    "disqualify": Disqualify,
    "convert_to_case": ConvertToCase,
    "available_commands": AvailableCommands,
    "local_records": LocalRecords,
    "views": Views,
    "run_view": RunView,
    "search": Search,
    "lookup_candidates": LookupCandidates,
    "elapse": Elapse,
    "start_sync": StartSync,
    "sync_status": SyncStatus,
    "wait_for_sync": WaitForSync,
    "bpf_state": BpfState,
    "bpf_next_stage": BpfNextStage,
    "bpf_previous_stage": BpfPreviousStage,
    "bpf_set_active_stage": BpfSetActiveStage,
    "form_state": FormState,
    "mark_complete": MarkComplete,
    "refresh": Refresh,
    "convert_to_opportunity": ConvertToOpportunity,
    "timeline": Timeline,
    "add_note": AddNote,
    "add_attachment": AddAttachment,
    "remove_attachment": RemoveAttachment,
    "add_existing": AddExisting,
    "shutdown": Shutdown,
}
