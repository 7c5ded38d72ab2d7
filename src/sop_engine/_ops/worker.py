"""The worker loop: sweep due deadlines and relay the outbox until told to stop.

Any number of workers may run against one PostgreSQL store (``sop worker --db URL``): each
round claims a batch of due timers (``FOR UPDATE SKIP LOCKED``, so workers take disjoint
batches), fires them through the engine and relays pending notifications. Correctness never
depends on timing: a worker that loses a race gets :class:`~sop_engine.errors.VersionConflict`
or :class:`~sop_engine.errors.LeaseLost` with nothing written, its unfinished timers are given
back, and the next round carries on. Stopping (SIGTERM) is checked between rounds, so a worker
stops after the commit it is making, never inside one; a worker killed outright leaves claims
that expire after the lease and are taken over.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

import attrs

from sop_engine._core.errors import LeaseLost, VersionConflict
from sop_engine._core.records import Notification
from sop_engine._engine import Engine
from sop_engine._ops.checkpoint import ScheduledCheckpoints
from sop_engine._ops.outbox import Notifier, relay
from sop_engine._persistence.deadletter import RetryPolicy, error_text

__all__ = ["JsonLinesNotifier", "WorkerStats", "run_worker"]

_log = logging.getLogger("sop_engine.worker")


class JsonLinesNotifier:
    """Writes each notification as one JSON line (key, case, kind, recipients, payload).

    The worker's built-in delivery: a log another process tails or ships; e-mail and webhook
    notifiers come as plugins.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def deliver(self, notification: Notification) -> None:
        line = {
            "key": notification.key,
            "case_id": notification.case_id,
            "kind": notification.kind,
            "recipients": list(notification.recipients),
            "payload": dict(notification.payload),
            "created_at": notification.created_at.isoformat(),
        }
        self.stream.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        self.stream.flush()


@attrs.define
class WorkerStats:
    """What a worker did: audit events fired, notifications delivered, races lost."""

    fired: int = 0
    delivered: int = 0
    failed: int = 0
    conflicts: int = 0
    errors: int = 0
    rounds: int = 0
    timer_failures: int = 0
    """Timers that raised while firing (isolated, retried later or quarantined)."""
    quarantined: int = 0
    """Timers and notifications quarantined by this worker (``sop worker status`` lists them)."""
    checkpoints: int = 0
    """Scheduled signed checkpoints this worker took."""
    checkpoint_failures: int = 0
    """Scheduled checkpoints that failed (logged; the slot is tried again)."""


def run_worker(
    engine: Engine,
    notifier: Notifier,
    *,
    stop: threading.Event,
    interval: float = 1.0,
    relay_limit: int = 100,
    exit_when_idle: bool = False,
    transient: tuple[type[BaseException], ...] = (),
    on_round: Callable[[WorkerStats], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    retry: RetryPolicy | None = None,
    health_every: float = 60.0,
    checkpoints: ScheduledCheckpoints | None = None,
) -> WorkerStats:
    """Sweep and relay until ``stop`` is set (or, with ``exit_when_idle``, no work is left).

    ``transient`` errors (a database restarting) are reported to ``on_error`` and retried
    after ``interval``. Idle means no timer due (claimed by anyone or not) and no pending
    notification, leaving out those quarantined or waiting for their retry: a worker waits for
    a dead worker's claims to expire before leaving.

    A timer or notification that fails is retried with backoff and jitter under ``retry``
    (default :class:`RetryPolicy`), then quarantined; the others keep flowing. Each failure
    is logged on ``sop_engine.worker`` with its key, case, attempt count and error.

    Health and lag are logged as a structured line (``worker health``, INFO, fields in the
    record's ``extra``: due/retrying/quarantined timers and notifications, ``timer_lag_s`` and
    ``outbox_lag_s`` of the oldest waiting item, this worker's counts) every ``health_every``
    seconds of the engine's clock and when the worker stops, for a log shipper to alert on;
    with it the newest scheduled checkpoint and its age.

    ``checkpoints`` takes a signed checkpoint each period (one worker of many per period); a
    checkpoint that fails is logged and counted, and never stops the deadlines.
    """
    stats = WorkerStats()
    store = engine.store
    policy = retry if retry is not None else RetryPolicy()
    engine.sweeper.retry = policy
    last_health: datetime | None = None
    while not stop.is_set():
        stats.rounds += 1
        progress = False
        try:
            now = engine.clock.now()
            report = engine.sweep(now)
            stats.fired += len(report.fired)
            stats.timer_failures += len(report.failed)
            stats.quarantined += sum(1 for f in report.failed if f.quarantined)
            progress = bool(report.fired or report.skipped or report.refused or report.failed)
            relayed = relay(store, notifier, engine.clock.now(), limit=relay_limit, retry=policy)
            stats.delivered += len(relayed.delivered)
            stats.failed += len(relayed.failed)
            stats.quarantined += len(relayed.quarantined)
            for key, error in relayed.failed:
                _log.warning("notification failed", extra={"notification": key, "error": error})
            # a failure recorded with a retry time leaves the queue until then: progress
            recorded = relayed.failed and hasattr(store, "fail_notification")
            progress = progress or bool(relayed.delivered or recorded)
        except (VersionConflict, LeaseLost):
            stats.conflicts += 1  # another worker got there first; ours were given back
            progress = True
        except transient as e:
            stats.errors += 1
            if on_error is not None:
                on_error(e)
        if checkpoints is not None:
            _checkpoint(checkpoints, store, engine.clock.now(), stats, transient, on_error)
        if on_round is not None:
            on_round(stats)
        now = engine.clock.now()
        if last_health is None or (now - last_health).total_seconds() >= health_every:
            last_health = now
            _finish_erasures(store)
            _health(store, stats, now)
        if progress:
            continue
        if exit_when_idle:
            busy: Callable[[object], bool] | None = getattr(store, "busy", None)
            if busy is None or not busy(engine.clock.now()):
                break
        stop.wait(interval)
    _health(store, stats, engine.clock.now())
    return stats


def _finish_erasures(store: object) -> None:
    """Destroy the keys of erasures another process committed but did not finish (it was
    killed in between): a long-running worker does not wait for the next open (issue 17)."""
    finish: Callable[[], list[str]] | None = getattr(store, "finish_erasures", None)
    if finish is None:
        return
    try:
        done = finish()
    except Exception as e:  # never stop the worker; the next round (or open) tries again
        _log.warning("finishing interrupted erasures failed", extra={"error": type(e).__name__})
        return
    if done:
        _log.warning("finished interrupted erasures", extra={"cases": len(done)})


def _checkpoint(
    schedule: ScheduledCheckpoints,
    store: object,
    now: datetime,
    stats: WorkerStats,
    transient: tuple[type[BaseException], ...],
    on_error: Callable[[BaseException], None] | None,
) -> None:
    """Take this period's checkpoint if it is this worker's to take; failures are isolated."""
    try:
        path = schedule.run(store, now)  # type: ignore[arg-type]
    except transient as e:
        stats.errors += 1
        if on_error is not None:
            on_error(e)
    except Exception as e:  # a full disk or an unreadable row must not stop the deadlines
        stats.checkpoint_failures += 1
        _log.error("checkpoint failed", extra={"checkpoint_error": error_text(e)})
    else:
        if path is not None:
            stats.checkpoints += 1
            _log.info("checkpoint written", extra={"checkpoint": str(path)})


def _health(store: object, stats: WorkerStats, now: datetime) -> None:
    """One structured ``worker health`` line: queues, lag, and what this worker did."""
    fields: dict[str, object] = {"worker": attrs.asdict(stats)}
    status = getattr(store, "queue_status", None)
    if status is not None:
        try:
            q = status(now)
        except Exception as e:  # health must never stop the worker
            fields["queue_error"] = type(e).__name__
        else:
            fields.update({k: v for k, v in attrs.asdict(q).items() if not k.startswith("oldest_")})
            fields["timer_lag_s"] = (
                0.0 if q.oldest_due is None else (now - q.oldest_due).total_seconds()
            )
            fields["outbox_lag_s"] = (
                0.0 if q.oldest_pending is None else (now - q.oldest_pending).total_seconds()
            )
    latest = getattr(store, "latest_checkpoint", None)
    if latest is not None:
        try:
            row = latest()
        except Exception as e:  # health must never stop the worker
            fields["checkpoint_error"] = type(e).__name__
        else:
            fields["last_checkpoint"] = None if row is None else row.slot
            fields["checkpoint_age_s"] = (
                None if row is None else (now - row.taken_at).total_seconds()
            )
    _log.info("worker health", extra={"health": fields})
