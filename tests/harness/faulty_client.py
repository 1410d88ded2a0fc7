"""A reference client with two faults, for tests of the reports on a real run: it refuses to
create an account offline (a failure of MO-ENT-001), and it does not offer the ``elapse`` test
hook (the periodic-sync scenarios of MO-SYNC-001 are then not applicable)."""

from __future__ import annotations

from typing import Any

from clients.reference import ReferenceClient


class FaultyClient(ReferenceClient):
    def handle(self, message: dict[str, Any]) -> dict[str, Any]:
        if message.get("cmd") == "elapse":
            return _error(message, "unsupported_command", "This client cannot move its clock.")
        if message.get("cmd") == "create" and message.get("entity") == "account":
            return _error(message, "not_available_offline", "Accounts are read-only here.")
        return super().handle(message)


def _error(message: dict[str, Any], code: str, text: str) -> dict[str, Any]:
    return {"id": message.get("id"), "error": {"code": code, "message": text}}
