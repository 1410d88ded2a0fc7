"""The privileges the device keeps between syncs decide which offline writes it accepts."""

from __future__ import annotations

import pytest

from clients.reference.catalog import Command
from clients.reference.privileges import PrivilegeDenied, Privileges
from harness.errors import ErrorCode

HELD = Privileges.from_names(["prvReadAccount", "prvCreateAccount", "prvWriteLead"])


def test_a_write_needs_its_privilege_on_the_entity() -> None:
    HELD.check("account", Command.CREATE)
    HELD.check("lead", Command.QUALIFY)
    HELD.check("lead", Command.DISQUALIFY)
    for entity, command in (
        ("account", Command.UPDATE),
        ("account", Command.DELETE),
        ("contact", Command.CREATE),
    ):
        with pytest.raises(PrivilegeDenied) as refused:
            HELD.check(entity, command)
        assert refused.value.code is ErrorCode.PRIVILEGE_DENIED


def test_reads_need_nothing_more_than_the_rows_the_device_holds() -> None:
    Privileges.from_names([]).check("account", Command.RETRIEVE)


def test_names_match_whatever_the_schema_names_case() -> None:
    Privileges.from_names(["prvCreateNew_Inspection"]).check("new_inspection", Command.CREATE)
