"""The mock's clock: frozen at a chosen instant, moved only when told.

Every timestamp the mock writes (createdon, modifiedon) and every time-based filter
(LastXDays, OlderThanXDays, ...) reads this clock, so tests control time instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; a value without an offset is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_instant(value: datetime) -> str:
    """Dataverse's wire form: UTC, whole seconds, trailing ``Z``."""
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    return f"{utc.isoformat(timespec='seconds')[:19]}Z"


class Clock:
    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = start.astimezone(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC).replace(microsecond=0)

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)
