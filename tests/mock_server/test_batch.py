"""$batch: change sets are all or nothing, Content-ID references, the response shape, and what
real clients send (CRLF or LF, quoted or bare boundaries, every URL form)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from tests.conftest import ADMIN_HEADERS, API


def part(method: str, url: str, body: object | None = None, content_id: str | None = None) -> str:
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        lines.append(f"Content-ID: {content_id}")
    lines += ["", f"{method} {url} HTTP/1.1"]
    if body is not None:
        lines += ["Content-Type: application/json;type=entry", "", json.dumps(body)]
    else:
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def change_set(boundary: str, parts: list[str]) -> str:
    inner = "".join(f"--{boundary}\r\n{p}" for p in parts) + f"--{boundary}--\r\n"
    return f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n{inner}"


def batch(
    client: TestClient,
    chunks: list[str],
    boundary: str = "batch_AAA",
    *,
    quoted: bool = False,
    line_end: str = "\r\n",
    prefer: str | None = None,
) -> tuple[int, str, str]:
    body = "".join(f"--{boundary}\r\n{c}" for c in chunks) + f"--{boundary}--\r\n"
    body = body.replace("\r\n", line_end)
    value = f'"{boundary}"' if quoted else boundary
    headers = {"Content-Type": f"multipart/mixed; boundary={value}"}
    if prefer:
        headers["Prefer"] = prefer
    response = client.post(f"{API}/$batch", content=body.encode(), headers=headers)
    return response.status_code, response.headers.get("content-type", ""), response.text


def count(client: TestClient, entity_set: str, name: str) -> int:
    return int(client.get(f"{API}/{entity_set}/$count?$filter=startswith(name,'{name}')").text)


@pytest.mark.parametrize(("line_end", "quoted"), [("\r\n", False), ("\n", True)])
def test_change_set_with_content_id_references(client: TestClient, line_end: str, quoted: bool) -> None:
    chunks = [
        part("GET", f"{API}/WhoAmI"),
        change_set(
            "changeset_BBB",
            [
                part("POST", "contacts", {"lastname": "Batch Bob"}, "1"),
                part(
                    "POST",
                    f"{API}/accounts",
                    {"name": "Batch Account", "primarycontactid@odata.bind": "$1"},
                    "2",
                ),
                part("PATCH", "$1", {"firstname": "Bobby"}, "3"),
                part("PUT", "$2/telephone1", {"value": "555-0123"}, "4"),
            ],
        ),
    ]
    status, content_type, text = batch(client, chunks, quoted=quoted, line_end=line_end)
    assert status == 200, text
    boundary = re.search(r"boundary=(batchresponse_[0-9a-f-]+)", content_type)
    assert boundary and text.startswith(f"--{boundary[1]}\r\n")
    assert re.search(r"Content-Type: multipart/mixed; boundary=changesetresponse_[0-9a-f-]+\r\n\r\n", text)
    assert text.count("HTTP/1.1 204 No Content") == 4
    assert re.search(r"Content-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\n", text)
    assert re.search(r"OData-EntityId: https://testserver/api/data/v9.2/contacts\([0-9a-f-]{36}\)", text)
    assert re.search(r"Location: https://testserver/api/data/v9.2/accounts\([0-9a-f-]{36}\)", text)
    assert '"UserId"' in text
    account = client.get(
        f"{API}/accounts?$filter=name eq 'Batch Account'&$select=telephone1"
        "&$expand=primarycontactid($select=fullname)"
    ).json()["value"][0]
    assert account["telephone1"] == "555-0123"
    assert account["primarycontactid"]["fullname"] == "Bobby Batch Bob"


def test_a_failing_change_set_writes_nothing_and_answers_with_the_failure(client: TestClient) -> None:
    chunks = [
        change_set(
            "changeset_X",
            [
                part("POST", "accounts", {"name": "Halfway 1"}, "1"),
                part("POST", "accounts", {"name": "Halfway 2"}, "2"),
                part("POST", "accounts", {"name": 12}, "3"),
                part("POST", "accounts", {"name": "Halfway 4"}, "4"),
            ],
        )
    ]
    status, _, text = batch(client, chunks)
    assert status == 200
    assert "changesetresponse_" not in text
    assert "HTTP/1.1 400 Bad Request" in text and "Content-ID: 3" in text
    assert count(client, "accounts", "Halfway") == 0


def test_requests_outside_change_sets_stop_at_the_first_failure_unless_asked(client: TestClient) -> None:
    chunks = [
        part("POST", "accounts", {"name": "Outside 1"}),
        part("GET", "accounts(00000000-0000-0000-0000-00000000000f)"),
        part("POST", "accounts", {"name": "Outside 2"}),
    ]
    status, _, text = batch(client, chunks)
    assert status == 200 and "HTTP/1.1 404 Not Found" in text
    assert count(client, "accounts", "Outside") == 1
    batch(client, chunks, prefer="odata.continue-on-error")
    assert count(client, "accounts", "Outside") == 3


@pytest.mark.parametrize(
    "url_form",
    [
        "accounts",
        "/api/data/v9.2/accounts",
        "https://testserver/api/data/v9.2/accounts",
        "https://elsewhere.example/api/data/v9.1/accounts",
    ],
)
def test_inner_url_forms(client: TestClient, url_form: str) -> None:
    status, _, text = batch(client, [part("POST", url_form, {"name": "Url form"})])
    assert status == 200 and "HTTP/1.1 204 No Content" in text
    assert count(client, "accounts", "Url form") == 1


def test_inner_urls_with_raw_spaces_and_annotations(client: TestClient) -> None:
    create = part("POST", "accounts", {"name": "Spaced Name"})
    query = part("GET", "accounts?$select=name&$filter=name eq 'Spaced Name'")
    status, _, text = batch(client, [create, query])
    assert status == 200
    assert '"name":"Spaced Name"' in text.replace(": ", ":")


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        (
            [
                change_set(
                    "changeset_N", [change_set("changeset_M", [part("POST", "accounts", {"name": "x"})])]
                )
            ],
            "nested",
        ),
        ([change_set("changeset_G", [part("GET", "accounts")])], "change set holds only"),
        ([part("POST", "$9/telephone1", {"value": "1"})], "Content-ID Reference: '$9' does not exist"),
    ],
)
def test_malformed_batches_are_refused(client: TestClient, chunks: list[str], message: str) -> None:
    status, _, text = batch(client, chunks)
    assert status in (200, 400)
    assert message in text


def test_limits_and_framing(client: TestClient) -> None:
    too_many = [part("GET", "WhoAmI") for _ in range(1001)]
    status, _, text = batch(client, too_many)
    assert status == 400 and "maximum is 1000" in text
    missing_close = client.post(
        f"{API}/$batch",
        content=b"--batch_Q\r\n" + part("GET", "WhoAmI").encode(),
        headers={"Content-Type": "multipart/mixed; boundary=batch_Q"},
    )
    assert missing_close.status_code == 400
    no_boundary = client.post(f"{API}/$batch", content=b"x", headers={"Content-Type": "application/json"})
    assert no_boundary.status_code == 400
    assert client.get(f"{API}/$batch").status_code == 400


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    app = create_app(Settings(scale=2))
    with TestClient(
        app, base_url="https://testserver", headers=ADMIN_HEADERS, raise_server_exceptions=False
    ) as c:
        yield c


request_line = st.tuples(
    st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "BOGUS"]),
    st.sampled_from(
        [
            "accounts",
            "$1",
            "$2/name",
            "accounts(00000000-0000-0000-0000-000000000001)",
            "WhoAmI",
            "/api/data/v9.2/contacts",
            "http://x/api/data/v8/accounts",
            "",
            "$batch",
        ]
    ),
    st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(["name", "lastname", "x", "primarycontactid@odata.bind"]),
            st.one_of(st.text(max_size=5), st.integers(), st.just("$1")),
            max_size=3,
        ),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.tuples(st.booleans(), st.lists(request_line, min_size=1, max_size=4)), max_size=4),
    garbage=st.sampled_from(["", "\r\nnoise", "--batch_F\r\n\r\n", "Content-Type: nope\r\n"]),
)
def test_random_batches_answer_cleanly_and_never_write_half_a_change_set(
    fuzz_client: TestClient, parts: list[tuple[bool, list[tuple[str, str, object]]]], garbage: str
) -> None:
    run = f"Fuzz{abs(hash((repr(parts), garbage))) % 10**9}"
    chunks, expected = [], {}
    for k, (in_change_set, requests) in enumerate(parts):
        # Accounts created by POST get a name unique to their change set; other names are neutral,
        # so each change set's creates can be counted afterwards.
        marker, rendered = f"{run}-{k}", []
        for i, (method, url, body) in enumerate(requests, start=1):
            if isinstance(body, dict) and "name" in body:
                body = {**body, "name": marker if (method, url) == ("POST", "accounts") else "neutral"}
            rendered.append(part(method, url, body, str(i)))
        if in_change_set:
            chunks.append(change_set("changeset_F", rendered))
            expected[marker] = sum(
                1
                for m, u, b in requests
                if (m, u) == ("POST", "accounts") and isinstance(b, dict) and "name" in b
            )
        else:
            chunks += rendered
    body = "".join(f"--batch_F\r\n{c}" for c in chunks) + garbage + "--batch_F--\r\n"
    response = fuzz_client.post(
        f"{API}/$batch", content=body.encode(), headers={"Content-Type": "multipart/mixed; boundary=batch_F"}
    )
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert set(response.json()["error"]) == {"code", "message"}
    for marker, creates in expected.items():
        written = count(fuzz_client, "accounts", marker)
        assert written in ({0} if response.status_code == 400 else {0, creates}), (marker, written, creates)
