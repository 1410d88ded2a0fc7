"""PROTOCOL.md's examples are valid protocol: each ``jsonl`` block is a request and its replies."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

import pytest

from harness.errors import ErrorCode
from harness.protocol import registry

DOC = files("harness.protocol").joinpath("PROTOCOL.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```jsonl\n(.*?)```", DOC, flags=re.DOTALL)


def _exchange(block: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    request, *replies = (json.loads(line) for line in block.strip().splitlines())
    return request, replies


def test_every_command_has_an_example() -> None:
    shown = {_exchange(block)[0]["cmd"] for block in BLOCKS}
    assert set(registry.command_names()) <= shown


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: _exchange(block)[0]["cmd"])
def test_example_matches_the_schema(block: str) -> None:
    request, replies = _exchange(block)
    assert replies, "every example shows at least one reply"
    cmd = request["cmd"]
    known = cmd in registry.command_names()
    if known and not any(reply.get("error", {}).get("code") == "invalid_request" for reply in replies):
        assert registry.problems(registry.request_validator(cmd), request) == ()
    for reply in replies:
        assert reply["id"] == request["id"]
        checker = registry.response_validator(cmd) if known else registry.error_response_validator()
        assert registry.problems(checker, reply) == ()


def test_every_error_code_is_documented() -> None:
    table = set(re.findall(r"^\| `(\w+)` \|", DOC, flags=re.MULTILINE))
    assert table == {code.value for code in ErrorCode}
