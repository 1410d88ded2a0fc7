"""``offline-conformance``: the harness's command line. ``smoke`` checks a client speaks the protocol;
``diff`` compares two conformance reports.

``offline-conformance smoke --client <spec>`` is bowtie's smoke idea: before running a suite
against a client, see whether it speaks the driver protocol at all. It shakes hands, then sends
every command twice, with no server configured:

- a minimal valid request, answered by a valid result or ``not_configured``;
- a malformed one (a required property dropped, or an unknown one added), answered by
  ``invalid_request``;

plus an unknown command (``unsupported_command``). Every reply is validated against the schema.
It prints one row per command and exits 0 when the client speaks the protocol, 1 when any check
failed, 2 when the client could not be started or the handshake failed.

``offline-conformance diff OLD.json NEW.json [--format text|markdown]`` prints what changed
between two saved ``conformance.json`` reports, per scenario and per requirement (see
``harness.report.diff``). It exits 0 when nothing regressed, 1 on a regression, 2 when either
file is missing, not JSON or not a conformance report.

``offline-conformance report RESULT.json [--mutants MUTANTS.json] [--output DIR]`` renders
``conformance.html`` and ``summary.md`` again from a saved result, so results of several clients
can be kept and looked at later; ``offline-conformance report --compare A.json B.json ...``
renders ``comparison.html`` and ``comparison.md``: one matrix, a column per run. Exit 0, or 2
when a file is unusable.

``offline-conformance mutants [--only NAME ...] [--jobs N] [--full] [--report-dir DIR]`` runs the
suite against the mutant clients of ``clients.mutants`` and writes ``mutants.json`` and
``mutants.md`` (see ``harness.mutants``). It exits 0 when every mutant is killed and every
requirement has a mutant, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness import mutants
from harness.adapters import DEFAULT_TIMEOUT, start_client
from harness.errors import ClientError, ErrorCode
from harness.protocol.messages import (
    AddAttachment,
    AddExisting,
    AddNote,
    AvailableCommands,
    BpfNextStage,
    BpfPreviousStage,
    BpfSetActiveStage,
    BpfState,
    Command,
    Configure,
    ConvertToCase,
    ConvertToOpportunity,
    Create,
    Delete,
    Disqualify,
    Elapse,
    FormState,
    GoOffline,
    GoOnline,
    Handshake,
    LocalRecords,
    LookupCandidates,
    MarkComplete,
    Qualify,
    Query,
    Refresh,
    RemoveAttachment,
    Retrieve,
    RunView,
    Search,
    Shutdown,
    StartSync,
    Sync,
    SyncStatus,
    Timeline,
    Update,
    Views,
    WaitForSync,
)
from harness.protocol.registry import BASE_URI, command_names, load_schemas
from harness.report.diff import (
    ReportInputError,
    compare,
    load_report,
    render_markdown,
    render_text,
)
from harness.report.html import render_comparison, render_html
from harness.report.markdown import render_comparison_summary, render_summary
from harness.requirements import catalogue

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.adapters import Connection

__all__ = ["SMOKE_REQUESTS", "Check", "SmokeRow", "Verdict", "diff", "main", "malformed", "run_smoke"]

JSONObject = dict[str, Any]

_RECORD = "00000000-0000-0000-0000-00000000c0de"
_PICTURE = {"filename": "smoke.png", "mimetype": "image/png", "body": "iVBORw0KGgo="}
_UNKNOWN_COMMAND = "no_such_command"

# One minimal valid request per command, in the order they are sent: configure late (everything
# before it meets an unconfigured client), shutdown last.
SMOKE_REQUESTS: dict[str, Command[Any]] = {
    "handshake": Handshake(),
    "sync": Sync(),
    "go_offline": GoOffline(),
    "go_online": GoOnline(),
    "create": Create(entity="account", values={"name": "smoke"}),
    "retrieve": Retrieve(entity="account", record_id=_RECORD),
    "update": Update(entity="account", record_id=_RECORD, values={"name": "smoke"}),
    "delete": Delete(entity="account", record_id=_RECORD),
    "query": Query(entity="account"),
    "qualify": Qualify(record_id=_RECORD),
    "disqualify": Disqualify(record_id=_RECORD, status=4),
    "convert_to_case": ConvertToCase(entity="appointment", record_id=_RECORD),
    "available_commands": AvailableCommands(entity="account", context="grid"),
    "local_records": LocalRecords(entity="account"),
    "views": Views(entity="account"),
    "run_view": RunView(entity="account", view_id=_RECORD),
    "search": Search(entities=["account"], text="smoke"),
    "lookup_candidates": LookupCandidates(entity="contact", column="parentcustomerid"),
    "elapse": Elapse(minutes=5),
    "start_sync": StartSync(),
    "sync_status": SyncStatus(),
    "wait_for_sync": WaitForSync(),
    "bpf_state": BpfState(entity="new_inspection", record_id=_RECORD),
    "bpf_next_stage": BpfNextStage(entity="new_inspection", record_id=_RECORD),
    "bpf_previous_stage": BpfPreviousStage(entity="new_inspection", record_id=_RECORD),
    "bpf_set_active_stage": BpfSetActiveStage(entity="new_inspection", record_id=_RECORD, stage_id=_RECORD),
    "form_state": FormState(entity="new_inspection"),
    "mark_complete": MarkComplete(entity="new_inspection", record_id=_RECORD),
    "refresh": Refresh(entity="new_inspection", record_id=_RECORD),
    "convert_to_opportunity": ConvertToOpportunity(entity="new_inspection", record_id=_RECORD),
    "timeline": Timeline(entity="account", record_id=_RECORD),
    "add_note": AddNote(entity="account", record_id=_RECORD, text="smoke"),
    "add_attachment": AddAttachment(note_id=_RECORD, attachment=_PICTURE),
    "remove_attachment": RemoveAttachment(note_id=_RECORD),
    "add_existing": AddExisting(
        entity="account", record_id=_RECORD, relationship="contact_customer_accounts", related_id=_RECORD
    ),
    "configure": Configure(server_url="http://127.0.0.1:9/api/data/v9.2/", token="smoke"),
    "shutdown": Shutdown(),
}


class Verdict(Enum):
    """How one check went: OK, WARN (speaks the protocol, odd answer), FAIL (does not)."""

    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    detail: str

    def __str__(self) -> str:
        return f"{self.verdict.value} ({self.detail})" if self.detail else self.verdict.value


@dataclass(frozen=True)
class SmokeRow:
    """The two checks of one command (the handshake's valid check is the handshake itself)."""

    cmd: str
    valid: Check
    malformed: Check


def malformed(request: JSONObject) -> JSONObject:
    """``request`` broken on purpose: its first required property dropped, or an unknown one added."""
    schema = load_schemas().get(f"{BASE_URI}commands/{request['cmd']}.json")
    required = [name for name in (schema or {}).get("required", []) if name not in ("cmd", "id")]
    broken = dict(request)
    if required:
        del broken[required[0]]
    else:
        broken["unexpected_property"] = True
    return broken


def _exchange(connection: Connection, request: JSONObject) -> JSONObject | ClientError:
    try:
        return connection.request(request)
    except ClientError as exc:
        return exc


def _judge_valid(reply: JSONObject | ClientError) -> Check:
    if isinstance(reply, ClientError):
        return Check(Verdict.FAIL, reply.message.splitlines()[0])
    if "result" in reply:
        return Check(Verdict.OK, "result")
    code = reply["error"]["code"]
    if code == ErrorCode.NOT_CONFIGURED:
        return Check(Verdict.OK, code)
    return Check(Verdict.WARN, f"unexpected {code}")


def _judge_error(reply: JSONObject | ClientError, expected: ErrorCode) -> Check:
    if isinstance(reply, ClientError):
        return Check(Verdict.FAIL, reply.message.splitlines()[0])
    if "result" in reply:
        return Check(Verdict.FAIL, f"accepted it; expected {expected.value}")
    code = reply["error"]["code"]
    if code == expected:
        return Check(Verdict.OK, code)
    return Check(Verdict.FAIL, f"{code}; expected {expected.value}")


def run_smoke(connection: Connection) -> list[SmokeRow]:
    """The smoke checks on a connection whose handshake already succeeded."""
    ids = iter(range(1, 10_000))
    rows: list[SmokeRow] = []
    for cmd, command in SMOKE_REQUESTS.items():
        broken = _judge_error(
            _exchange(connection, malformed(command.to_request(next(ids)))), ErrorCode.INVALID_REQUEST
        )
        if cmd == "handshake":
            valid = Check(Verdict.OK, "before the others")
        else:
            valid = _judge_valid(_exchange(connection, command.to_request(next(ids))))
        rows.append(SmokeRow(cmd, valid, broken))
        if cmd == "local_records":
            unknown = _exchange(connection, {"cmd": _UNKNOWN_COMMAND, "id": next(ids)})
            unsupported = _judge_error(unknown, ErrorCode.UNSUPPORTED_COMMAND)
            rows.append(SmokeRow(_UNKNOWN_COMMAND, Check(Verdict.OK, "n/a"), unsupported))
    missing = set(command_names()) - set(SMOKE_REQUESTS)
    absent = Check(Verdict.FAIL, "no smoke request")
    rows += [SmokeRow(cmd, absent, absent) for cmd in sorted(missing)]
    return rows


def render(rows: Sequence[SmokeRow], out: TextIO) -> None:
    """The per-command table."""
    width = max(len(row.cmd) for row in rows) + 2
    valid_width = max(len("valid request"), *(len(str(row.valid)) for row in rows)) + 2
    out.write(f"{'command':<{width}}{'valid request':<{valid_width}}malformed request\n")
    for row in rows:
        out.write(f"{row.cmd:<{width}}{row.valid!s:<{valid_width}}{row.malformed!s}\n")


def smoke(spec: str, timeout: float, out: TextIO) -> int:
    try:
        session = start_client(spec, timeout=timeout)
    except ClientError as exc:
        out.write(f"{spec}: the client did not start ({exc.kind}):\n{exc.message}\n")
        return 2
    out.write(f"client: {session.client_name} via {spec}\n\n")
    try:
        rows = run_smoke(session.connection)
    finally:
        session.connection.close()  # shutdown was the last smoke request
    render(rows, out)
    failed = [row.cmd for row in rows if Verdict.FAIL in (row.valid.verdict, row.malformed.verdict)]
    if failed:
        out.write(f"\n{spec} does not speak the protocol: {', '.join(failed)} failed\n")
        return 1
    out.write(f"\n{session.client_name} speaks protocol v1\n")
    return 0


def diff(old: str, new: str, form: str, out: TextIO, err: TextIO) -> int:
    """Compare two saved reports: 0 without a regression, 1 with one, 2 when a file is unusable."""
    try:
        comparison = compare(load_report(old), load_report(new), old_label=old, new_label=new)
    except ReportInputError as exc:
        err.write(f"offline-conformance diff: {exc}\n")
        return 2
    out.write(render_markdown(comparison) if form == "markdown" else render_text(comparison))
    return 1 if comparison.regressed else 0


def report(
    results: Sequence[str], compare_runs: bool, mutants_file: str | None, output: str | None, err: TextIO
) -> int:
    """Render saved results again: one run's pages, or one comparison of several runs."""
    try:
        documents = [(path, load_report(path)) for path in results]
        mutant_document = mutants.load_mutants(mutants_file) if mutants_file else None
    except ReportInputError as exc:
        err.write(f"offline-conformance report: {exc}\n")
        return 2
    if compare_runs:
        if len(documents) < 2:
            err.write("offline-conformance report: --compare needs two results or more\n")
            return 2
        if mutant_document is not None:
            err.write("offline-conformance report: --mutants adds to one result's page, not to --compare\n")
            return 2
        directory = Path(output or "reports")
        pages = {
            "comparison.html": render_comparison(documents, catalogue()),
            "comparison.md": render_comparison_summary(documents, catalogue()),
        }
    else:
        if len(documents) != 1:
            err.write("offline-conformance report: one result, or --compare with several\n")
            return 2
        [(path, document)] = documents
        directory = Path(output) if output else Path(path).parent
        pages = {
            "conformance.html": render_html(document, catalogue(), mutant_document),
            "summary.md": render_summary(document, catalogue()),
        }
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in pages.items():
        (directory / name).write_text(content, encoding="utf-8")
        err.write(f"wrote {directory / name}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="offline-conformance", description=__doc__.splitlines()[0])
    subcommands = parser.add_subparsers(dest="subcommand", required=True)
    smoke_parser = subcommands.add_parser("smoke", help="check that a client speaks the driver protocol")
    smoke_parser.add_argument(
        "--client",
        required=True,
        help="inprocess:<module>:<attribute>, process:<command line> or container:<image>",
    )
    smoke_parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds to wait for each reply"
    )
    diff_parser = subcommands.add_parser(
        "diff", help="compare two conformance reports; exit 1 on a regression, 2 on a bad file"
    )
    diff_parser.add_argument("old", metavar="OLD.json", help="the earlier conformance.json (the baseline)")
    diff_parser.add_argument("new", metavar="NEW.json", help="the later conformance.json")
    diff_parser.add_argument(
        "--format", choices=("text", "markdown"), default="text", help="how to print it (default: text)"
    )
    report_parser = subcommands.add_parser(
        "report", help="render HTML and Markdown again from saved conformance.json results"
    )
    report_parser.add_argument("results", nargs="+", metavar="RESULT.json", help="saved conformance.json")
    report_parser.add_argument(
        "--compare", action="store_true", help="render one matrix with a column per result"
    )
    report_parser.add_argument("--mutants", metavar="MUTANTS.json", help="add the mutant matrix of this run")
    report_parser.add_argument(
        "--output", metavar="DIR", help="where to write (default: beside RESULT.json; reports/ for --compare)"
    )
    mutants_parser = subcommands.add_parser(
        "mutants", help="run the suite against every mutant client; exit 1 when one survives"
    )
    mutants_parser.add_argument(
        "--only", nargs="+", default=(), metavar="NAME", help="run only these mutants (a sample)"
    )
    mutants_parser.add_argument(
        "--jobs", type=int, default=mutants.default_jobs(), help="mutants run at once (default: CPU count)"
    )
    mutants_parser.add_argument(
        "--full", action="store_true", help="run the whole suite per mutant, not only its requirements"
    )
    mutants_parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        help="where to write the reports (default: reports)",
    )
    mutants_parser.add_argument(
        "--features", type=Path, default=Path("features"), help="the feature directory (default: features)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``offline-conformance`` console script."""
    args = build_parser().parse_args(argv)
    if args.subcommand == "smoke":
        return smoke(args.client, args.timeout, sys.stdout)
    if args.subcommand == "diff":
        return diff(args.old, args.new, args.format, sys.stdout, sys.stderr)
    if args.subcommand == "report":
        return report(args.results, args.compare, args.mutants, args.output, sys.stderr)
    if args.subcommand == "mutants":
        options = mutants.Options(
            report_dir=args.report_dir,
            features=args.features,
            only=tuple(args.only),
            jobs=args.jobs,
            full=args.full,
        )
        return mutants.main(options, sys.stdout, sys.stderr)
    return 2  # unreachable: argparse requires a known subcommand


if __name__ == "__main__":
    sys.exit(main())
