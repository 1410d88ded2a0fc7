"""The state one seeding run threads through every generator.

``SeedContext`` owns what must be shared for the data to be deterministic and consistent: the
seeded ``Random`` (one stream, always consumed in the same order), the version counter that
gives each row its ``versionnumber`` and its id (``record_id(seed, version)``), the frozen
``now`` every timestamp is measured from, the principals rows can be owned by, and the writer.
``record`` starts a row with its key, audit and owner columns; ``emit`` completes it with the
columns ``store.derive`` computes and hands it to the writer, adding the ``activitypointer``
copy of an activity, so seeded rows follow the same rules as rows written through the Web API.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from mock_server.schema import Ownership, schema
from mock_server.seed.pools import Pools, pools_for
from mock_server.seed.writer import RowWriter
from mock_server.store.database import record_id
from mock_server.store.derive import computed_columns, owner_columns, pointer_row

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

Row = dict[str, Any]
_T = TypeVar("_T")

# The first version a seed uses: where ``Database.next_versions`` starts an empty database.
FIRST_VERSION = 1001

DAY = 86400
MODIFIED_WINDOW_DAYS = 60  # every seeded row was last modified within this many days of now
CREATED_SPAN_DAYS = 730  # how long before its last modification a row may have been created
UNMODIFIED_SHARE = 0.25  # rows never modified since creation (createdon == modifiedon)
TEAM_OWNED_SHARE = 0.2  # rows owned by an owner team rather than a user
MODIFIED_WINDOW_SECONDS = MODIFIED_WINDOW_DAYS * DAY
CREATED_SPAN_SECONDS = CREATED_SPAN_DAYS * DAY
AUDIT_COLUMNS = ("createdon", "modifiedon", "createdby", "modifiedby")


class SeedRandom(random.Random):
    """``random.Random`` with cheaper ``choice``, ``randrange`` and ``randint``.

    The standard methods draw rejection-sampled integers from ``getrandbits`` at about half a
    microsecond a call; a million rows make millions of them. Scaling one ``random()`` float
    is several times faster and still deterministic for a seed; its bias (at most n/2**53 for
    a range of n, under 1e-8 for the ranges used here) does not matter for test data.
    """

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        count = (stop - start + step - 1) // step if step > 0 else (start - stop - step - 1) // -step
        if count <= 0:
            raise ValueError(f"empty range for randrange({start}, {stop}, {step})")
        return start + step * int(self.random() * count)

    def randint(self, a: int, b: int) -> int:
        return self.randrange(a, b + 1)


@dataclass(frozen=True)
class Principal:
    """A user or an owner team: who rows can be owned, created and modified by."""

    id: str
    entity: str  # "systemuser" or "team"
    business_unit: str
    name: str
    email: str | None = None

    @property
    def is_user(self) -> bool:
        return self.entity == "systemuser"


class SeedContext:
    """One seeding run's random source, clock, version counter, principals and writer."""

    def __init__(self, writer: RowWriter, seed: int, now: datetime, creator: str) -> None:
        self.seed = seed
        self.rng: random.Random = SeedRandom(seed)
        self.pools: Pools = pools_for(seed)
        self.now = now
        self.writer = writer
        self.last_version = FIRST_VERSION - 1
        self.creators: list[str] = [creator]  # ids createdby/modifiedby are drawn from
        self.users: list[Principal] = []  # enabled users that own, create and modify rows
        self.teams: list[Principal] = []  # owner teams that own rows
        self._random = self.rng.random
        self._entities = {e.logical_name: e for e in schema().entities}
        self._primary_ids = {e.logical_name: e.primary_id for e in schema().entities}
        self._owned = {e.logical_name for e in schema().entities if e.ownership is Ownership.USER}

    # Rows.

    def record(
        self,
        entity: str,
        owner: Principal | None = None,
        fixed_id: str | None = None,
        like: Row | None = None,
    ) -> Row:
        """A new row of ``entity``: its id, version, timestamps, creator and owner columns.

        A row written together with another (an email's parties, an opportunity's lines) passes
        that row as ``like`` and shares its timestamps, creator and modifier.
        """
        self.last_version += 1
        version = self.last_version
        if like is not None:
            created, modified, creator, modifier = (like[key] for key in AUDIT_COLUMNS)
        else:
            created, modified, creator, modifier = self._audit(owner)
        row: Row = {
            self._primary_ids[entity]: fixed_id or record_id(self.seed, version),
            "versionnumber": version,
            "createdon": created,
            "modifiedon": modified,
            "createdby": creator,
            "modifiedby": modifier,
        }
        if owner is not None:
            row.update(owner_columns(owner.id, owner.entity, owner.business_unit))
        return row

    def _audit(self, owner: Principal | None) -> tuple[datetime, datetime, str, str]:
        """When a new row was created and last modified, and by whom."""
        rnd = self._random
        modified = self.now - timedelta(seconds=int(rnd() * MODIFIED_WINDOW_SECONDS))
        if rnd() < UNMODIFIED_SHARE:
            created = modified
        else:
            created = modified - timedelta(seconds=1 + int(rnd() * CREATED_SPAN_SECONDS))
        creators = self.creators
        if owner is not None and owner.is_user and rnd() < 0.6:
            creator = owner.id
        else:
            creator = creators[int(rnd() * len(creators))]
        modifier = creator if created == modified or rnd() < 0.5 else creators[int(rnd() * len(creators))]
        return created, modified, creator, modifier

    def emit(self, entity: str, row: Row) -> None:
        """Complete ``row`` with its derived columns and queue it (and its activity pointer)."""
        definition = self._entities[entity]
        if entity in self._owned and "ownerid" not in row:
            raise ValueError(f"a {entity} row needs an owner")
        row.update(computed_columns(definition, row))
        self.writer.add(entity, row)
        if definition.is_activity and entity != "activitypointer":
            self.writer.add("activitypointer", pointer_row(row))

    def associate(self, intersect: str, row: Row) -> None:
        """Queue one N:N intersect row (``intersect`` is the intersect table's name)."""
        self.writer.add(intersect, row)

    # Principals.

    def owner(self) -> Principal:
        """An owner for a new row: mostly a user, sometimes an owner team."""
        if self.teams and self.rng.random() < TEAM_OWNED_SHARE:
            return self.rng.choice(self.teams)
        return self.rng.choice(self.users)

    def user(self) -> Principal:
        return self.rng.choice(self.users)

    def acting_user(self, owner: Principal) -> Principal:
        """The user who acts for ``owner``: the owner itself, or any user for a team."""
        return owner if owner.is_user else self.user()

    # Values.

    def person(self) -> tuple[str, str]:
        return self.rng.choice(self.pools.first_names), self.rng.choice(self.pools.last_names)

    def phone(self) -> str:
        """A fictional North American number (555-01xx is reserved for fiction)."""
        return f"+1 {self.rng.randint(201, 989)}-555-{self.rng.randint(100, 199):04d}"

    def sentence(self) -> str:
        return self.rng.choice(self.pools.sentences)

    def text(self, sentences: int = 2) -> str:
        return " ".join(self.rng.choice(self.pools.sentences) for _ in range(sentences))

    def maybe_text(self, share: float, sentences: int = 2) -> str | None:
        return self.text(sentences) if self.rng.random() < share else None

    def days_ago(self, low: float, high: float) -> datetime:
        """An instant between ``low`` and ``high`` days before now, to the second."""
        return self.now - timedelta(seconds=self.rng.randrange(int(low * DAY), int(high * DAY) + 1))

    def days_ahead(self, low: float, high: float) -> datetime:
        return self.now + timedelta(seconds=self.rng.randrange(int(low * DAY), int(high * DAY) + 1))

    def money(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 2)
