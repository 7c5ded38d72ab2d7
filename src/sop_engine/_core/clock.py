"""Where the engine gets the time from.

Nothing in the core calls ``datetime.now()``: the clock is injected, so tests and simulations can
run a year of deadlines in a second and every instant in the audit trail is reproducible.
Instants are always timezone-aware and in UTC; agency time zones are a display concern.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "SimulatedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """A source of the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that only moves when told to: for tests, simulations and the demo."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError(
                "SimulatedClock needs an aware datetime, e.g. datetime(..., tzinfo=UTC)"
            )
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backward) and return the new instant."""
        if delta < timedelta(0):
            raise ValueError(f"a clock cannot go back in time (asked to move by {delta})")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant``, which must not be earlier than now."""
        if instant.tzinfo is None:
            raise ValueError("SimulatedClock.set needs an aware datetime")
        return self.advance(instant.astimezone(UTC) - self._now)
