"""When the device syncs by itself: each offline table at its sync interval, on the device's clock.

A profile item's ``syncintervalinminutes`` (5 to 1440) is its table's interval; a table without
one syncs every ``DEFAULT_MINUTES``; an interval longer than an hour still syncs hourly, as
Dataverse documents for mobile offline. The device's clock moves only when the harness says time
passes (the protocol's ``elapse``), so periodic sync is deterministic. The minutes each table has
waited since it was last downloaded live in the local store, beside the intervals the last sync
read from the profile.
"""

from __future__ import annotations

from collections.abc import Iterable

from clients.reference.local_store import LocalStore

DEFAULT_MINUTES = 5
LONGEST_MINUTES = 60
WAITED = "minutes_since_sync"
INTERVALS = "sync_minutes"


def interval(minutes: int | None) -> int:
    """A table's effective sync interval in minutes."""
    return min(minutes or DEFAULT_MINUTES, LONGEST_MINUTES)


def due_after(store: LocalStore, minutes: int) -> frozenset[str]:
    """Let ``minutes`` pass; the tables whose interval has passed since their last download."""
    intervals: dict[str, int | None] = store.state(INTERVALS) or {}
    waited: dict[str, int] = store.state(WAITED) or {}
    waited = {entity: waited.get(entity, 0) + minutes for entity in intervals}
    store.set_state(WAITED, waited)
    return frozenset(entity for entity, spent in waited.items() if spent >= interval(intervals[entity]))


def synced(store: LocalStore, entities: Iterable[str]) -> None:
    """The clock of each of ``entities`` starts again: they were just downloaded."""
    waited: dict[str, int] = store.state(WAITED) or {}
    store.set_state(WAITED, {**waited, **dict.fromkeys(entities, 0)})
