"""``offline-conformance smoke``: passes a client that speaks the protocol, fails one that does not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness import cli
from harness.protocol import registry
from tests.harness import fakes


def _smoke(tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    script = fakes.write_client(tmp_path, "client", source)
    code = cli.main(["smoke", "--client", fakes.process_spec(script), *extra])
    return code, capsys.readouterr().out


def test_smoke_passes_the_well_behaved_client(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _smoke(tmp_path, fakes.WELL_BEHAVED, capsys)
    assert code == 0, out
    assert "client: fake 1.0 (python)" in out
    assert "FAIL" not in out
    rows = {line.split()[0]: line for line in out.splitlines()[3:] if line.strip()}
    assert set(registry.command_names()) | {"no_such_command"} <= set(rows)
    assert "ok (not_configured)" in rows["create"] and "ok (invalid_request)" in rows["create"]
    assert "ok (unsupported_command)" in rows["no_such_command"]
    assert out.rstrip().endswith("speaks protocol v1")


def test_smoke_passes_the_well_behaved_client_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.write_client(tmp_path, "smoke_fake_inprocess", fakes.WELL_BEHAVED)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "smoke_fake_inprocess", raising=False)
    assert cli.main(["smoke", "--client", "inprocess:smoke_fake_inprocess:FakeClient"]) == 0
    assert "speaks protocol v1" in capsys.readouterr().out


def test_smoke_fails_a_client_that_accepts_malformed_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _smoke(tmp_path, fakes.ACCEPTS_ANYTHING, capsys)
    assert code == 1
    assert "FAIL (accepted it; expected invalid_request)" in out
    assert "does not speak the protocol" in out


def test_smoke_fails_a_client_that_dies_mid_conversation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _smoke(tmp_path, fakes.EXITS_MID_CONVERSATION, capsys)
    assert code == 1
    assert "exit code 3" in out


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (fakes.GARBAGE, "protocol_error"),
        (fakes.HANGS, "timed_out"),
        (fakes.WRONG_VERSION, "version_mismatch"),
        (fakes.EXITS_AT_ONCE, "start_failed"),
    ],
    ids=["garbage", "hangs", "wrong-version", "exits-at-once"],
)
def test_smoke_reports_a_client_that_cannot_shake_hands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, kind: str
) -> None:
    code, out = _smoke(tmp_path, source, capsys, "--timeout", "0.5")
    assert code == 2
    assert f"the client did not start ({kind})" in out


def test_malformed_drops_a_required_property_or_adds_an_unknown_one() -> None:
    assert cli.malformed({"cmd": "create", "id": 1, "entity": "a", "values": {}}) == {
        "cmd": "create",
        "id": 1,
        "values": {},
    }
    assert cli.malformed({"cmd": "sync", "id": 1}) == {"cmd": "sync", "id": 1, "unexpected_property": True}


def test_every_command_has_a_valid_smoke_request() -> None:
    assert set(cli.SMOKE_REQUESTS) == set(registry.command_names())
    assert list(cli.SMOKE_REQUESTS)[-1] == "shutdown"
    for request_id, command in enumerate(cli.SMOKE_REQUESTS.values()):
        command.to_request(request_id)  # validates


def test_smoke_requires_a_client(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["smoke"])
    assert caught.value.code == 2
    assert "--client" in capsys.readouterr().err


def test_an_unexpected_error_code_is_a_warning_not_a_failure() -> None:
    check = cli._judge_valid({"id": 1, "error": {"code": "offline", "message": "no network"}})
    assert (check.verdict, str(check)) == (cli.Verdict.WARN, "warn (unexpected offline)")
    assert cli._judge_valid({"id": 1, "result": {}}).verdict is cli.Verdict.OK
