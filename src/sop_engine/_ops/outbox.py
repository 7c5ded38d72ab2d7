"""Delivering the outbox: at least once, with a stable key, through a notifier.

Notifications are written in the same transaction as the event that causes them; this module
hands them to a :class:`Notifier` (e-mail, webhook, ... come as plugins) and marks each one
delivered only after the notifier returned. A notifier that raises leaves the notification
pending for the next relay; a crash between delivery and marking delivers it again with the
same ``key``, which is how a receiver drops duplicates.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from sop_engine._persistence.store import Store
from sop_engine._spec.extensions import Notifier

__all__ = ["Notifier", "RelayReport", "relay"]


@attrs.define
class RelayReport:
    delivered: list[str] = attrs.field(factory=list)
    failed: list[tuple[str, str]] = attrs.field(factory=list)


def relay(store: Store, notifier: Notifier, now: datetime, *, limit: int = 1000) -> RelayReport:
    """Deliver up to ``limit`` pending notifications, oldest first."""
    report = RelayReport()
    for n in store.pending_notifications(limit):
        try:
            notifier.deliver(n)
        except Exception as e:  # the notifier's failure is data here, not a crash
            report.failed.append((n.key, repr(e)))
            continue
        store.mark_delivered([n.key], now)
        report.delivered.append(n.key)
    return report
