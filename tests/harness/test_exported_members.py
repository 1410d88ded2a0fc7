"""The harness packages' public surface is pinned: changing it is a deliberate act."""

from __future__ import annotations

import pytest

from harness import adapters, errors, protocol, report

SURFACES = {
    adapters: {
        "DEFAULT_TIMEOUT",
        "KINDS",
        "ClientSession",
        "Connection",
        "ContainerConnection",
        "ContainerSettings",
        "InProcessConnection",
        "ProcessConnection",
        "SupportsHandle",
        "connect",
        "handshake",
        "resolve",
        "start_client",
    },
    report: {
        "REPORT_FILES",
        "REPORT_VERSION",
        "Outcome",
        "ReportCollector",
        "ReportSchemaError",
        "RequirementResult",
        "ScenarioRecord",
        "Verdict",
        "judge",
        "note_client",
        "note_mock",
        "report_schema",
        "roll_up",
        "validate_document",
        "write_reports",
    },
    protocol: {"COMMANDS", "PROTOCOL_VERSION", "Command", "JSONObject", "RequestId"},
    errors: {
        "ClientCommandError",
        "ClientCrashed",
        "ClientError",
        "ClientStartFailed",
        "ClientTimedOut",
        "ErrorCode",
        "ProtocolError",
        "VersionMismatch",
    },
}


@pytest.mark.parametrize("module", SURFACES, ids=lambda module: module.__name__)
def test_exported_members(module: object) -> None:
    exported = set(getattr(module, "__all__"))  # noqa: B009
    assert exported == SURFACES[module]  # type: ignore[index]
    assert all(hasattr(module, name) for name in exported)
