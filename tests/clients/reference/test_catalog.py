"""The offline command table mirrors REQUIREMENTS section 1 and refuses with typed errors."""

from __future__ import annotations

import pytest

from clients.reference.catalog import (
    OFFLINE_COMMANDS,
    Catalog,
    Command,
    CommandNotOffered,
    InvalidRequest,
    NotAvailableOffline,
    ReadOnlyOffline,
)

READ_ONLY = [
    "activitymimeattachment",
    "connection",
    "connectionrole",
    "email",
    "product",
    "team",
    "systemuser",
]


def test_the_table_has_one_row_per_section_one_entity() -> None:
    assert len(OFFLINE_COMMANDS) == 21
    assert all(Command.RETRIEVE in offered for offered in OFFLINE_COMMANDS.values())
    for entity in READ_ONLY:
        assert OFFLINE_COMMANDS[entity] == {Command.RETRIEVE}
    assert OFFLINE_COMMANDS["activitypointer"] == {Command.RETRIEVE, Command.DELETE}
    assert Command.QUALIFY in OFFLINE_COMMANDS["lead"] and Command.DISQUALIFY in OFFLINE_COMMANDS["lead"]
    assert Command.CONVERT_TO_CASE in OFFLINE_COMMANDS["appointment"]


@pytest.mark.parametrize(
    ("entity", "command", "error"),
    [
        ("email", Command.CREATE, ReadOnlyOffline),
        ("product", Command.UPDATE, ReadOnlyOffline),
        ("email", Command.CONVERT_TO_CASE, CommandNotOffered),
        ("activitypointer", Command.CREATE, CommandNotOffered),
        ("account", Command.QUALIFY, CommandNotOffered),
        ("businessunit", Command.RETRIEVE, NotAvailableOffline),
        ("quote", Command.CREATE, NotAvailableOffline),
    ],
)
def test_check_refuses(entity: str, command: Command, error: type[Exception]) -> None:
    with pytest.raises(error):
        Catalog().check(entity, command)


def test_check_allows_what_the_table_offers() -> None:
    for entity, offered in OFFLINE_COMMANDS.items():
        for command in offered:
            Catalog().check(entity, command)


def test_a_profile_narrows_the_entities_but_never_widens_them() -> None:
    catalog = Catalog.for_profile(["account", "lead", "businessunit"])
    assert catalog.entities == ("account", "lead")
    with pytest.raises(NotAvailableOffline):
        catalog.check("contact", Command.RETRIEVE)


def test_offered_commands_depend_on_the_context_and_the_record_state() -> None:
    catalog = Catalog()
    assert catalog.offered("lead", "form", {"statecode": 0})[-2:] == ["qualify", "disqualify"]
    assert catalog.offered("lead", "form", {"statecode": 1}) == ["read", "update", "delete"]
    with pytest.raises(InvalidRequest):
        catalog.offered("lead", "dashboard", None)
    assert repr(CommandNotOffered("x")) == "CommandNotOffered(code='command_not_offered', message='x')"


def test_a_custom_tables_form_offers_its_commands() -> None:
    catalog = Catalog()
    custom = ["read", "update", "delete", "mark_complete", "refresh", "convert_to_opportunity"]
    assert catalog.offered("new_inspection", "form", {"statecode": 0}) == custom
    assert "mark_complete" not in catalog.offered("new_inspection", "form", {"statecode": 1})
    assert not {"mark_complete", "refresh"} & set(catalog.offered("account", "form", {"statecode": 0}))
    with pytest.raises(CommandNotOffered):
        catalog.check("account", Command.CONVERT_TO_OPPORTUNITY)
