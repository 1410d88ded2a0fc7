"""The client driver protocol: a versioned JSON Schema (the source) and typed Python messages.

``schema/v1/`` holds the schema files, ``registry`` loads them and validates, ``messages`` mirrors
each command as a frozen dataclass, and ``PROTOCOL.md`` explains it all to implementers.
"""

from harness.protocol.messages import COMMANDS, Command, JSONObject, RequestId
from harness.protocol.registry import PROTOCOL_VERSION

__all__ = ["COMMANDS", "PROTOCOL_VERSION", "Command", "JSONObject", "RequestId"]
