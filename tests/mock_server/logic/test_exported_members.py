"""The logic package's public surface: the operations and write checks the app wires in."""

from __future__ import annotations

from mock_server import logic


def test_public_surface_is_pinned() -> None:
    assert logic.__all__ == ["OPERATIONS", "WRITE_CHECKS"]
    assert {(op.name, op.bound_to, op.method) for op in logic.OPERATIONS} == {
        ("QualifyLead", "lead", "POST"),
        ("CloseIncident", None, "POST"),
        ("WinOpportunity", None, "POST"),
        ("LoseOpportunity", None, "POST"),
        ("RetrieveActivePath", None, "GET"),
        ("RetrieveProcessInstances", None, "GET"),
    }
    assert [check.__name__ for check in logic.WRITE_CHECKS] == [
        "check_rule_definitions",
        "apply_business_rules",
        "guard_closed_records",
        "check_stage_moves",
        "start_default_flow",
    ]
