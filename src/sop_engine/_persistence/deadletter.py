"""Failed timers and notifications: retried with backoff and jitter, then quarantined.

One timer whose case row is gone, or whose pinned SOP needs a plugin this host lacks, must not
stop every other deadline; one notification a notifier cannot deliver must not hold back the
ones behind it. A store that keeps failures (the three stores here do) records each failure on
the row itself: the attempt count, the error, the instant before which the row is not handed
out again, and, after :attr:`RetryPolicy.attempts` failures, the instant it was quarantined (a
dead letter). A quarantined row is never handed out again until an operator re-queues it
(``sop worker requeue``); it stays listed, with its error, in ``sop worker status`` and
``sop outbox list --failed``.

The optional store methods (looked up with ``getattr``, like ``save_sop``):

- ``fail_timer(timer, error, at, retry) -> int`` and ``fail_notification(key, error, at,
  retry) -> int`` record one failure at ``at`` (a timer only while its claim stands) and return
  the attempt count (0: nothing recorded); ``retry(attempts)`` says when to try again, ``None``
  to quarantine.
- ``dead_letters(limit) -> list[DeadLetter]``, ``requeue(keys) -> int`` and
  ``queue_status(now) -> QueueStatus``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import attrs

__all__ = ["MAX_ERROR", "DeadLetter", "QueueStatus", "Retry", "RetryPolicy", "error_text"]

MAX_ERROR = 500
"""Characters of an error kept with a failed row (the rest is cut: an error may echo input)."""

Retry = Callable[[int], datetime | None]
"""Given the attempt count after a failure: when to try again, or ``None`` to quarantine."""


def error_text(error: BaseException) -> str:
    """``Type: message``, bounded to :data:`MAX_ERROR` characters, on one line."""
    text = f"{type(error).__name__}: {error}".replace("\r", " ").replace("\n", " ")
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


@attrs.frozen(slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, then quarantine.

    Failure ``n`` waits ``min(base * 2**(n-1), cap)``, shortened by a random fraction up to
    ``jitter`` (so many workers failing together do not retry together), and the failure
    ``attempts`` quarantines the row.
    """

    attempts: int = 5
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.5
    rng: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.attempts < 1 or self.base < timedelta(0) or not 0 <= self.jitter <= 1:
            raise ValueError("attempts >= 1, base >= 0 and 0 <= jitter <= 1 are required")

    def delay(self, attempts: int) -> timedelta:
        """The wait after failure number ``attempts`` (1 = the first)."""
        seconds = self.base.total_seconds() * 2.0 ** min(max(attempts - 1, 0), 60)
        seconds = min(seconds, self.cap.total_seconds())
        return timedelta(seconds=seconds * (1 - self.jitter * float(self.rng())))

    def retry(self, now: datetime) -> Retry:
        """The ``retry`` callback a store's ``fail_*`` method takes, for a failure at ``now``."""

        def after(attempts: int) -> datetime | None:
            return None if attempts >= self.attempts else now + self.delay(attempts)

        return after


@attrs.frozen(slots=True)
class DeadLetter:
    """A quarantined timer or notification: what it was, how often it failed, and why."""

    kind: Literal["timer", "notification"]
    key: str
    case_id: str
    attempts: int
    error: str
    since: datetime


@attrs.frozen(slots=True)
class QueueStatus:
    """What is waiting: due timers and pending notifications, retrying and quarantined ones.

    ``oldest_due`` is the instant of the earliest timer due and not quarantined (the lag of
    the deadline clock is ``now - oldest_due``); ``oldest_pending`` the creation instant of the
    oldest undelivered notification.
    """

    due_timers: int
    retrying_timers: int
    dead_timers: int
    pending_notifications: int
    retrying_notifications: int
    dead_notifications: int
    oldest_due: datetime | None
    oldest_pending: datetime | None
