"""Server-side business logic a client meets at sync: state machines, lead qualification,
business process flows and business rules.

``OPERATIONS`` are the functions and actions this area adds to the Web API (see
``odata/operations.py``); ``WRITE_CHECKS`` run before every create, update and delete
(see ``store/records.py``).
"""

from __future__ import annotations

from mock_server.odata.operations import Operation
from mock_server.store.records import WriteCheck

OPERATIONS: tuple[Operation, ...] = ()
WRITE_CHECKS: tuple[WriteCheck, ...] = ()

__all__ = ["OPERATIONS", "WRITE_CHECKS"]
