"""The client under test as a scenario sees it: one device, signed in as one user.

Steps send typed protocol commands through ``run`` (a typed error reply raises
``ClientCommandError``) or ``attempt`` (the error is returned, for scenarios that expect a
refusal). A client that crashes, hangs or breaks the protocol raises ``ClientError``; the device
remembers it so the plugin starts a fresh client for the next scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from harness.adapters.connect import ClientSession
from harness.dataverse import Dataverse
from harness.errors import ClientCommandError, ClientError
from harness.protocol.messages import Command, Configure

__all__ = ["Device"]

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

    def attempt(self, command: Command[ResultT]) -> ResultT | ClientCommandError:
        """Send ``command``; its result, or the typed error the client answered with."""
        try:
            return self.run(command)
        except ClientCommandError as refusal:
            return refusal
