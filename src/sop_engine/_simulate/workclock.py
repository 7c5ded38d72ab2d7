"""Office time on the simulated time line: when staff work, on the real working-day calendar.

The simulation's time is seconds after the period's first local midnight. A :class:`WorkClock`
lists the open intervals of one set of office hours on the working days of a calendar (or every
day, for the round-the-clock calendar), and converts between the time line and *office time*
(the seconds of office hours elapsed): work of ``w`` office seconds started at ``t`` finishes at
``finish(t, w)``, pausing over evenings, weekends, national holidays and cuti bersama. Intervals
are precomputed once, so both directions are a binary search.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["WorkClock"]


class WorkClock:
    """Open intervals of ``hours`` (seconds after local midnight) on the days ``works`` accepts."""

    def __init__(
        self,
        first: date,
        days: int,
        zone: str,
        hours: tuple[float, float],
        works: Callable[[date], bool],
    ) -> None:
        tz = ZoneInfo(zone)
        self.zone = tz
        self.origin = datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)
        self.day_length = hours[1] - hours[0]
        opens: list[float] = []
        closes: list[float] = []
        for k in range(days):
            day = first + timedelta(days=k)
            if not works(day):
                continue
            # Offsets through aware datetimes: a zone with a DST change still gets its hours right.
            midnight = datetime.combine(day, datetime.min.time(), tz).astimezone(UTC)
            base = (midnight - self.origin).total_seconds()
            opens.append(base + hours[0])
            closes.append(base + hours[1])
        self.opens = opens
        self.closes = closes
        ends: list[float] = []
        total = 0.0
        for a, b in zip(opens, closes, strict=True):
            total += b - a
            ends.append(total)
        self.ends = ends  # office seconds elapsed at the close of each interval
        self.total = total

    def office(self, t: float) -> float:
        """Office seconds elapsed from the origin up to ``t``."""
        i = bisect.bisect_right(self.opens, t) - 1
        if i < 0:
            return 0.0
        before = self.ends[i] - (self.closes[i] - self.opens[i])
        return before + min(t - self.opens[i], self.closes[i] - self.opens[i])

    def at(self, office: float) -> float:
        """The first instant at which ``office`` office seconds have elapsed (``inf`` past the end)."""
        i = bisect.bisect_left(self.ends, office)
        if i >= len(self.ends):
            return float("inf")
        start = self.ends[i] - (self.closes[i] - self.opens[i])
        return self.opens[i] + max(0.0, office - start)

    def finish(self, t: float, work: float) -> float:
        """When work of ``work`` office seconds started (or queued to start) at ``t`` is done."""
        return max(t, self.at(self.office(t) + work))

    def working_days(self, a: float, b: float) -> float:
        """Office time between two instants, in office days."""
        return (self.office(b) - self.office(a)) / self.day_length

    def instant(self, t: float) -> datetime:
        """The instant (UTC) of simulated time ``t``."""
        return self.origin + timedelta(seconds=t)
