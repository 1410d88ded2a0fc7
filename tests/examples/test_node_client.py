"""The Node example client passes the smoke check as a local process (its image does the same in
``tests/harness/test_container.py``): the starting point the README gives client teams works."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from harness.cli import smoke

CLIENT = Path(__file__).resolve().parents[2] / "examples" / "node-client" / "client.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (scripts/setup needs it too)")
def test_the_node_example_speaks_the_protocol_over_stdio() -> None:
    out = io.StringIO()
    assert smoke(f"process:node {CLIENT}", 10.0, out) == 0, out.getvalue()
    assert "node-example 0.1.0 (javascript) speaks protocol v1" in out.getvalue()
    assert "FAIL" not in out.getvalue()
