"""Server-side business logic a client meets at sync: state machines, lead qualification,
business process flows and business rules.

``OPERATIONS`` are the functions and actions this area adds to the Web API (see
``odata/operations.py``); ``WRITE_CHECKS`` run before every create, update and delete
(see ``store/records.py``).
"""

from __future__ import annotations

from mock_server.logic import cases, processes, qualify, rules
from mock_server.logic.states import guard_closed_records
from mock_server.odata.operations import Operation
from mock_server.store.records import WriteCheck

OPERATIONS: tuple[Operation, ...] = (*qualify.OPERATIONS, *cases.OPERATIONS, *processes.OPERATIONS)
WRITE_CHECKS: tuple[WriteCheck, ...] = (
    rules.check_rule_definitions,
    rules.apply_business_rules,
    guard_closed_records,
    processes.check_stage_moves,
    processes.start_default_flow,
)

__all__ = ["OPERATIONS", "WRITE_CHECKS"]
