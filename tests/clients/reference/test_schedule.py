"""Periodic sync: each table at its own interval, capped at an hour, counted on the device's clock."""

from __future__ import annotations

from clients.reference import schedule
from clients.reference.local_store import LocalStore


def test_intervals_default_to_five_minutes_and_sync_at_least_hourly() -> None:
    assert [schedule.interval(m) for m in (None, 5, 15, 60, 1440)] == [5, 5, 15, 60, 60]


def test_tables_fall_due_at_their_own_interval_and_start_again_once_synced() -> None:
    store = LocalStore()
    store.set_state(schedule.INTERVALS, {"account": None, "task": 15, "product": 1440})
    assert schedule.due_after(store, 4) == frozenset()
    assert schedule.due_after(store, 1) == {"account"}
    schedule.synced(store, ["account"])
    assert schedule.due_after(store, 10) == {"account", "task"}
    schedule.synced(store, ["account", "task"])
    assert schedule.due_after(store, 45) == {"account", "task", "product"}
