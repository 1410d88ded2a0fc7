"""Random and malformed requests: the mock answers 2xx, 3xx or a Dataverse-shaped 4xx, never a
500 and never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.app import Settings, create_app
from mock_server.schema import schema
from tests.conftest import ADMIN_HEADERS, API

ENTITY_SETS = [e.entity_set for e in schema().entities]
NAMES = [
    "name",
    "accountid",
    "_parentcustomerid_value",
    "primarycontactid",
    "statecode",
    "createdon",
    "revenue",
    "contact_customer_accounts",
    "Account_Tasks",
    "fullname",
    "$ref",
    "$count",
    "$value",
    "WhoAmI",
    "nosuch",
]
OPTIONS = [
    "$select",
    "$filter",
    "$orderby",
    "$top",
    "$expand",
    "$count",
    "$skiptoken",
    "$skip",
    "$search",
    "$format",
    "$apply",
    "$id",
    "@p1",
    "fetchXml",
    "tag",
]
GUIDS = ["00000000-0000-0000-0000-000000000000", "7d577253-3ef0-4a0a-bb7f-8335c2596e70"]
FILTER_ATOMS = [
    "name eq 'x'",
    "revenue gt 5",
    "contains(name,'a')",
    "_ownerid_value eq " + GUIDS[0],
    "not",
    "and",
    "or",
    "(",
    ")",
    "eq null",
    "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=2)",
    "contact_customer_accounts/any(c:c/fullname ne null)",
    "@p1",
    "'",
    "/",
    "1.5e3",
    "true",
    ",",
]

text = st.text(max_size=40)
segment = st.one_of(
    st.sampled_from(ENTITY_SETS + NAMES),
    st.builds(
        lambda s, g: f"{s}({g})",
        st.sampled_from(ENTITY_SETS),
        st.sampled_from([*GUIDS, "accountnumber='A'", "x", ""]),
    ),
    text,
)
filter_text = st.lists(st.sampled_from(FILTER_ATOMS), max_size=8).map(" ".join)
option_value = st.one_of(
    text,
    filter_text,
    st.sampled_from(
        ["name", "name,revenue", "5", "-1", "true", "name desc", "primarycontactid($select=fullname)", "*"]
    ),
)
query = st.lists(st.tuples(st.sampled_from(OPTIONS), option_value), max_size=4).map(
    lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
)
BODY_KEYS = [
    *NAMES,
    "name@odata.bind",
    "primarycontactid@odata.bind",
    "@odata.type",
    "Targets",
    "value",
    "@odata.id",
]
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(BODY_KEYS), children, max_size=4)
    ),
    max_leaves=10,
)
body = st.one_of(json_value.map(lambda v: json.dumps(v).encode()), st.binary(max_size=30), st.just(b""))
headers = st.dictionaries(
    st.sampled_from(["Prefer", "If-Match", "If-None-Match", "Content-Type", "Authorization"]),
    st.one_of(
        text,
        st.sampled_from(
            [
                'W/"1"',
                "*",
                "null",
                "return=representation",
                "odata.maxpagesize=0",
                'odata.include-annotations="*"',
                "odata.maxpagesize=99999",
            ]
        ),
    ),
    max_size=3,
).map(lambda h: {k: v for k, v in h.items() if v.isascii() and "\n" not in v and "\r" not in v})


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    app = create_app(Settings(scale=3))
    with TestClient(
        app, base_url="https://testserver", headers=ADMIN_HEADERS, raise_server_exceptions=False
    ) as c:
        yield c


def assert_dataverse_shaped(status: int, content: bytes) -> None:
    assert status < 500, content
    if status >= 400:
        error = json.loads(content)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
        assert "Traceback" not in error["message"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "PUT", "DELETE"]),
    path=st.lists(segment, min_size=0, max_size=3),
    query=query,
    headers=headers,
    body=body,
)
def test_random_requests_get_dataverse_shaped_answers(
    fuzz_client: TestClient, method: str, path: list[str], query: str, headers: dict[str, str], body: bytes
) -> None:
    url = f"{API}/" + "/".join(quote(p, safe="()'=,$") for p in path) + (f"?{query}" if query else "")
    response = fuzz_client.request(method, url, content=body, headers={**ADMIN_HEADERS, **headers})
    assert_dataverse_shaped(response.status_code, response.content)


@settings(max_examples=200, deadline=None)
@given(filter_text=filter_text, select=option_value, orderby=option_value, expand=option_value)
def test_random_query_options(
    fuzz_client: TestClient, filter_text: str, select: str, orderby: str, expand: str
) -> None:
    params = {"$filter": filter_text, "$select": select, "$orderby": orderby, "$expand": expand}
    response = fuzz_client.get(f"{API}/accounts", params=params)
    assert_dataverse_shaped(response.status_code, response.content)
