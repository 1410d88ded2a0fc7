"""pools and SeedRandom: deterministic per seed, realistic, and cheap to draw from."""

from __future__ import annotations

import base64
import json

from mock_server.seed.context import SeedRandom
from mock_server.seed.pools import domain_of, pools_for


def test_same_seed_same_pools_other_seed_other_pools() -> None:
    pools_for.cache_clear()
    first = pools_for(11)
    pools_for.cache_clear()
    assert pools_for(11) == first
    assert pools_for(12).last_names != first.last_names


def test_pools_hold_distinct_values() -> None:
    pools = pools_for(11)
    assert len(pools.first_names) > 100 and len(set(pools.first_names)) == len(pools.first_names)
    assert len(pools.companies) > 300
    assert all(c.domain.endswith(".example") for c in pools.companies)


def test_documents_are_small_valid_files() -> None:
    documents = pools_for(11).documents
    kinds = {d.mimetype for d in documents}
    assert kinds == {"text/plain", "text/csv", "application/json", "image/png", "application/pdf"}
    for document in documents:
        data = base64.b64decode(document.body, validate=True)
        assert 0 < len(data) < 4096
        if document.mimetype == "image/png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        elif document.mimetype == "application/pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        elif document.mimetype == "application/json":
            assert isinstance(json.loads(data), dict)


def test_domain_of_company_names() -> None:
    assert domain_of("Smith, Jones and Brown") == "smithjonesbrown.example"
    assert domain_of("Patel PLC") == "patel.example"
    assert domain_of("!!!") == "company.example"


def _draws(rng: SeedRandom) -> list[tuple[int, int, str, int]]:
    return [
        (rng.randint(1, 3), rng.randrange(10, 20, 5), rng.choice("xyz"), rng.randrange(4)) for _ in range(300)
    ]


def test_seed_random_draws_stay_in_range_and_repeat() -> None:
    draws = _draws(SeedRandom(4))
    assert draws == _draws(SeedRandom(4))
    assert draws != _draws(SeedRandom(5))
    assert {d[0] for d in draws} == {1, 2, 3}
    assert {d[1] for d in draws} == {10, 15}
    assert {d[2] for d in draws} == set("xyz")
    assert {d[3] for d in draws} == {0, 1, 2, 3}
