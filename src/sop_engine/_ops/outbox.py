"""Delivering the outbox: at least once, with a stable key, through a notifier.

Notifications are written in the same transaction as the event that causes them; this module
hands them to a :class:`Notifier` (e-mail, webhook, ... come as plugins) and marks each one
delivered only after the notifier returned. A notifier that raises leaves the notification
pending for a later relay (its failure recorded; see :func:`relay`); a crash between delivery and marking delivers it again with the
same ``key``, which is how a receiver drops duplicates.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from sop_engine._persistence.deadletter import RetryPolicy, error_text
from sop_engine._persistence.store import Store
from sop_engine._spec.extensions import Notifier

__all__ = ["Notifier", "RelayReport", "relay"]


@attrs.define
class RelayReport:
    delivered: list[str] = attrs.field(factory=list)
    failed: list[tuple[str, str]] = attrs.field(factory=list)
    quarantined: list[str] = attrs.field(factory=list)


def relay(
    store: Store,
    notifier: Notifier,
    now: datetime,
    *,
    limit: int = 1000,
    retry: RetryPolicy | None = None,
) -> RelayReport:
    """Deliver up to ``limit`` pending notifications, those tried least first, then oldest.

    A failure is recorded on the notification (when the store keeps failures), so the next
    relay takes the ones behind it first: a recipient nobody can reach does not hold back the
    others. With ``retry`` (the worker's), a failed notification waits for its backoff and is
    quarantined after ``retry.attempts`` failures; without it, it is tried again by the next
    relay and never quarantined.
    """
    report = RelayReport()
    fail = getattr(store, "fail_notification", None)
    pending = (
        store.pending_notifications(limit, now=now)
        if retry is not None and fail is not None
        else store.pending_notifications(limit)
    )
    later = retry.retry(now) if retry is not None else (lambda attempts: now)
    for n in pending:
        try:
            notifier.deliver(n)
        except Exception as e:  # the notifier's failure is data here, not a crash
            report.failed.append((n.key, repr(e)))
            if fail is not None:
                attempts = fail(n.key, error_text(e), now, later)
                if retry is not None and attempts >= retry.attempts:
                    report.quarantined.append(n.key)
            continue
        store.mark_delivered([n.key], now)
        report.delivered.append(n.key)
    return report
