"""Issue 18: a poison timer or an undeliverable notification never stalls the others.

On every store (memory, a real SQLite file, the real PostgreSQL server): a timer whose case
row is gone is retried with backoff, then quarantined with its error, while the other due
timers fire; 120 notifications nobody can deliver do not hold back a new case's; the worker
with ``--exit-when-idle`` exits; the quarantined rows are listed and can be re-queued.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sop_engine import Actor, Engine, MemoryStore, Registry, SimulatedClock, Store
from sop_engine._core.records import Notification
from sop_engine._ops.outbox import relay
from sop_engine._ops.worker import WorkerStats, _health, run_worker
from sop_engine._persistence.deadletter import RetryPolicy
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

SCALE = Path(__file__).resolve().parent / "fixtures" / "scale-sop.yaml"
OFFICER = Actor("budi", "petugas")
FAST = RetryPolicy(attempts=3, base=timedelta(0), jitter=0)
"""Retry at once, quarantine on the third failure: the whole story in one worker run."""


def _drop_case_row(store: Store, case_id: str) -> None:
    """What an operator's bad ``DELETE`` leaves: timers (and a trail) of a case that is gone."""
    if isinstance(store, MemoryStore):
        store._cases.pop(case_id)
        return
    if isinstance(store, SqliteStore):
        db = sqlite3.connect(store.path)
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("DELETE FROM cases WHERE id = ?", (case_id,))
        db.commit()
        db.close()
        return
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as conn:  # type: ignore[attr-defined]
        conn.execute("SET session_replication_role = replica")  # no FK check: the bad DELETE
        conn.execute("DELETE FROM cases WHERE id = %s", (case_id,))


class _Collect:
    def __init__(self, refuse: set[str] | None = None) -> None:
        self.refuse = refuse or set()
        self.delivered: list[Notification] = []

    def deliver(self, n: Notification) -> None:
        if n.case_id in self.refuse:
            raise LookupError("no e-mail address configured for atasan")
        self.delivered.append(n)


def _engine(store: Store, clock: SimulatedClock, registry: Registry) -> Engine:
    engine = Engine(store=store, clock=clock, registry=registry)
    engine.load(SCALE)
    return engine


def _bounded(engine: Engine, notifier: Any, **options: Any) -> tuple[Any, bool]:
    """Run the worker until idle; a watchdog stops it after 60 s (the bug: it never exits)."""
    stop = threading.Event()
    watchdog = threading.Timer(60, stop.set)
    watchdog.start()
    try:
        stats = run_worker(
            engine, notifier, stop=stop, interval=0.01, exit_when_idle=True, **options
        )
    finally:
        watchdog.cancel()
    return stats, stop.is_set()


def test_a_poison_timer_is_quarantined_and_the_others_fire(
    store: Store, clock: SimulatedClock, registry: Registry
) -> None:
    engine = _engine(store, clock, registry)
    for k in range(14):
        engine.start("skala-uji", {"judul": f"kasus {k}"}, OFFICER, case_id=f"c{k:02}")
        clock.advance(timedelta(seconds=1))
    _drop_case_row(store, "c00")  # the earliest timers belong to the missing case
    clock.advance(timedelta(days=5))
    stats, watchdog = _bounded(engine, _Collect(), retry=FAST)
    assert not watchdog
    for k in range(1, 14):  # 13/13 other cases: breach and escalation fired
        assert [e.event for e in engine.history(f"c{k:02}")][1:] == ["@breach", "@escalate"]
    letters = store.dead_letters()  # type: ignore[attr-defined]
    assert {d.case_id for d in letters} == {"c00"}
    assert all(d.kind == "timer" and d.attempts == 3 for d in letters)
    assert all("CaseNotFound" in d.error for d in letters)
    assert stats.quarantined == len(letters) >= 1
    status = store.queue_status(clock.now())  # type: ignore[attr-defined]
    assert (status.due_timers, status.dead_timers) == (0, len(letters))
    assert engine.sweep().fired == []  # a quarantined timer is not handed out again
    assert store.requeue([d.key for d in letters]) == len(letters)  # type: ignore[attr-defined]
    assert store.queue_status(clock.now()).due_timers == len(letters)  # type: ignore[attr-defined]
    assert {f.case_id for f in engine.sweep().failed} == {"c00"}  # back, and failing again


def test_outbox_head_of_line_does_not_block_a_new_case(
    store: Store, clock: SimulatedClock, registry: Registry
) -> None:
    engine = _engine(store, clock, registry)
    bad = {f"bad{k:03}" for k in range(120)}
    for cid in sorted(bad):
        engine.start("skala-uji", {"judul": "x"}, OFFICER, case_id=cid)
    clock.advance(timedelta(days=5))
    engine.sweep()  # 120 escalations to a recipient nobody can reach
    engine.start("skala-uji", {"judul": "baru"}, OFFICER, case_id="new")
    clock.advance(timedelta(days=5))
    notifier = _Collect(refuse=bad)
    stats, watchdog = _bounded(engine, notifier, relay_limit=10)
    assert not watchdog, "the worker never became idle"
    assert [n.case_id for n in notifier.delivered] == ["new"]
    assert stats.failed >= 120  # every one tried, each failure recorded
    # without a retry policy (a plain relay), the least tried go first: the new one is not
    # starved behind the 120 either
    engine.start("skala-uji", {"judul": "lagi"}, OFFICER, case_id="again")
    clock.advance(timedelta(days=5))
    engine.sweep()
    assert relay(store, notifier, clock.now(), limit=10).delivered[:1] == [
        n.key for n in store.outbox() if n.case_id == "again"
    ]


def test_an_undeliverable_notification_is_quarantined_then_requeued(
    store: Store, clock: SimulatedClock, registry: Registry
) -> None:
    engine = _engine(store, clock, registry)
    engine.start("skala-uji", {"judul": "x"}, OFFICER, case_id="c1")
    clock.advance(timedelta(days=5))
    engine.sweep()
    notifier = _Collect(refuse={"c1"})
    for _ in range(3):
        relay(store, notifier, clock.now(), retry=FAST)
    (letter,) = store.dead_letters()  # type: ignore[attr-defined]
    assert (letter.kind, letter.case_id, letter.attempts) == ("notification", "c1", 3)
    assert "no e-mail address configured for atasan" in letter.error
    assert store.pending_notifications(10) == []  # quarantined is not pending
    assert relay(store, notifier, clock.now(), retry=FAST).failed == []
    notifier.refuse.clear()
    assert store.requeue([letter.key]) == 1  # type: ignore[attr-defined]
    assert relay(store, notifier, clock.now(), retry=FAST).delivered == [letter.key]


def test_backoff_grows_with_jitter_then_quarantines() -> None:
    policy = RetryPolicy(attempts=4, base=timedelta(seconds=10), jitter=0.5, rng=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3)] == [
        timedelta(seconds=5),
        timedelta(seconds=10),
        timedelta(seconds=20),
    ]
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    after = policy.retry(now)
    assert after(3) == now + timedelta(seconds=20)
    assert after(4) is None  # the fourth failure quarantines
    assert RetryPolicy(cap=timedelta(minutes=1), jitter=0).delay(30) == timedelta(minutes=1)


def test_worker_status_lists_and_requeues_dead_letters(
    tmp_path: Path, clock: SimulatedClock, registry: Registry
) -> None:
    db = tmp_path / "sop.sqlite3"
    store = SqliteStore(db)
    engine = _engine(store, clock, registry)
    engine.start("skala-uji", {"judul": "x"}, OFFICER, case_id="c1")
    engine.start("skala-uji", {"judul": "y"}, OFFICER, case_id="c2")
    _drop_case_row(store, "c1")
    clock.advance(timedelta(days=5))
    engine.sweeper.retry = FAST
    for _ in range(3):
        engine.sweep()
    notifier = _Collect(refuse={"c2"})
    for _ in range(5):
        relay(store, notifier, clock.now(), retry=RetryPolicy(base=timedelta(0)))
    store.close()
    runner = CliRunner()
    out = runner.invoke(main, ["worker", "status", "--db", str(db), "--format", "json"])
    assert out.exit_code == 1, out.output  # something is quarantined: exit 1
    doc = json.loads(out.output)
    assert doc["status"]["dead_timers"] >= 1
    assert doc["status"]["dead_notifications"] == 1
    kinds = {(d["kind"], d["case_id"]) for d in doc["dead_letters"]}
    assert kinds == {("timer", "c1"), ("notification", "c2")}
    text = runner.invoke(main, ["outbox", "list", "--db", str(db), "--failed"])
    assert text.exit_code == 1, text.output
    assert "c2" in text.output
    assert "no e-mail address" in text.output
    assert "c1" not in text.output
    key = next(d["key"] for d in doc["dead_letters"] if d["kind"] == "notification")
    again = runner.invoke(main, ["outbox", "requeue", "--db", str(db), key])
    assert again.exit_code == 0, again.output
    assert "1" in again.output
    after = json.loads(
        runner.invoke(main, ["worker", "status", "--db", str(db), "--format", "json"]).output
    )
    assert after["status"]["dead_notifications"] == 0
    assert after["status"]["pending_notifications"] == 1


def test_health_and_lag_are_logged_as_structured_lines(
    tmp_path: Path, caplog: Any, registry: Registry
) -> None:
    """Issue 18: health and lag observable: a ``worker health`` line with queue counts and
    the lag of the oldest due timer and pending notification, at start and at the end."""
    import logging

    clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    store = SqliteStore(tmp_path / "s.sqlite3", clock=clock)
    engine = _engine(store, clock, registry)
    try:
        engine.start("skala-uji", {"judul": "kasus"}, OFFICER, case_id="c1")
        clock.advance(timedelta(days=5))  # its timers are days overdue: lag
        with caplog.at_level(logging.INFO, logger="sop_engine.worker"):
            _health(store, WorkerStats(), clock.now())  # what a line says before the sweep
            stats, watchdog = _bounded(engine, _Collect(), retry=FAST)
        assert not watchdog
        assert stats.fired >= 1
        lines = [r.health for r in caplog.records if r.getMessage() == "worker health"]
        assert len(lines) >= 2
        before, last = lines[0], lines[-1]
        assert before["due_timers"] >= 1
        assert before["timer_lag_s"] > 3 * 86400  # the oldest due timer is days late
        assert last["due_timers"] == 0
        assert last["timer_lag_s"] == 0.0
        assert last["dead_timers"] == 0
        assert json.dumps(last)  # plain data, ready for a log shipper
    finally:
        store.close()
