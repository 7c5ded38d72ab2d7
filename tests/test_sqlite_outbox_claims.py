"""Issue 18: two workers on one SQLite file never deliver the same notification at once.

The outbox on PostgreSQL was claimed with a lease (``FOR UPDATE SKIP LOCKED``); on SQLite
every worker read the same pending rows, so two ``sop worker`` processes on one file each
delivered the same reminder (an officer got every SMS and e-mail twice). Now a worker claims
the rows it relays, as it claims timers: another worker skips them until the lease runs out,
the same worker gets them again to retry, and a worker that stops cleanly hands them back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sop_engine import Actor, Engine, SimulatedClock
from sop_engine._persistence.sqlite import SqliteStore

from conftest import COMPLETE, LAPOR

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SOP = str(Path(sys.executable).parent / "sop")


def _db_with_notifications(path: Path, cases: int = 3) -> None:
    clock = SimulatedClock(T0)
    store = SqliteStore(path, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    for n in range(cases):
        engine.start("lapor-upp", COMPLETE, Actor("siti", "admin_instansi"), case_id=f"c{n}")
    clock.advance(timedelta(days=10))
    engine.sweep()
    store.close()


def test_a_second_store_skips_what_the_first_claimed_until_its_lease_runs_out(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    _db_with_notifications(db)
    clock = SimulatedClock(T0 + timedelta(days=10))
    first = SqliteStore(db, clock=clock, lease=timedelta(minutes=5))
    second = SqliteStore(db, clock=clock, lease=timedelta(minutes=5))
    try:
        mine = first.pending_notifications(1000)
        assert len(mine) >= 3
        assert second.pending_notifications(1000) == []  # held by the first worker
        again = first.pending_notifications(1000)  # the holder retries its own
        assert [n.key for n in again] == [n.key for n in mine]
        first.mark_delivered([mine[0].key], clock.now())
        clock.advance(timedelta(minutes=6))  # the first worker's lease runs out
        taken = second.pending_notifications(1000)
        assert [n.key for n in taken] == [n.key for n in mine[1:]]
        assert first.pending_notifications(1000) == []
    finally:
        first.close()
        second.close()


def test_a_store_closed_cleanly_hands_its_claims_back(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _db_with_notifications(db)
    first = SqliteStore(db)
    claimed = first.pending_notifications(1000)
    first.close()
    second = SqliteStore(db)
    try:
        assert {n.key for n in second.pending_notifications(1000)} == {n.key for n in claimed}
    finally:
        second.close()


def test_two_worker_processes_deliver_each_notification_once(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _db_with_notifications(db, cases=40)
    probe = SqliteStore(db)
    expected = {n.key for n in probe.pending_notifications(100_000)}
    probe.close()  # hands them back
    assert len(expected) >= 40
    outs = [tmp_path / f"o{i}.jsonl" for i in range(2)]
    workers = [
        subprocess.Popen(
            [SOP, "worker", "--db", str(db), "--exit-when-idle", "--outbox", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    for w in workers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    delivered = [
        json.loads(line)["key"]
        for out in outs
        if out.exists()
        for line in out.read_text().splitlines()
        if line.strip()
    ]
    assert sorted(delivered) == sorted(expected)  # every one, none twice
