"""The client under test as a scenario sees it: one device, signed in as one user.

Steps send typed protocol commands through ``run`` (a typed error reply raises
``ClientCommandError``) or ``attempt`` (the error is returned, for scenarios that expect a
refusal). A client that crashes, hangs or breaks the protocol raises ``ClientError``; the device
remembers it so the plugin starts a fresh client for the next scenario. A client that answers
``unsupported_command`` to a test hook (a command marked ``x-test-hook`` in the protocol schema)
makes the scenario ``NotApplicable``: it cannot be judged on that client, which is not a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import pytest

from harness.adapters.connect import ClientSession
from harness.dataverse import Dataverse
from harness.errors import ClientCommandError, ClientError, ErrorCode
from harness.protocol.messages import Command, Configure
from harness.protocol.registry import test_hooks

__all__ = ["Device", "NotApplicable"]


class NotApplicable(pytest.skip.Exception):  # type: ignore[name-defined,misc]
    """The scenario needs a test hook this client does not offer; reports say ``not_applicable``."""

ResultT = TypeVar("ResultT")


@dataclass
class Device:
    session: ClientSession
    dataverse: Dataverse
    user_id: str | None = None
    failed: bool = False
    # What the scenario remembers between steps (the record it works on, the last reply, ...).
    memory: dict[str, object] = field(default_factory=dict)

    def sign_in(self, user_id: str) -> None:
        """Configure the client for ``user_id``: a fresh device with no data yet."""
        token = self.dataverse.token_for(user_id)
        self.run(
            Configure(
                server_url=self.dataverse.server_url,
                token=token,
                user_id=user_id,
                ca_file=self.dataverse.ca_file,
            )
        )
        self.user_id = user_id

    def run(self, command: Command[ResultT]) -> ResultT:
        """Send ``command``; its typed result, or ``ClientCommandError`` for a typed error."""
        try:
            return self.session.send(command)
        except ClientError:
            self.failed = True
            raise
        except ClientCommandError as refusal:
            if refusal.code is ErrorCode.UNSUPPORTED_COMMAND and command.cmd in test_hooks():
                raise NotApplicable(
                    f"the client does not offer the test hook {command.cmd!r} this scenario needs"
                ) from None
            raise

    def attempt(self, command: Command[ResultT]) -> ResultT | ClientCommandError:
        """Send ``command``; its result, or the typed error the client answered with."""
        try:
            return self.run(command)
        except ClientCommandError as refusal:
            return refusal
