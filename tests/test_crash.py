"""Crash tests: a worker process is killed with SIGKILL at injected points, many times.

Afterwards nothing is lost or duplicated: every chain verifies, every snapshot equals its replay,
claimed timers are taken over after their lease, and finishing the interrupted workload (same
command ids) ends exactly where an uninterrupted run ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sop_engine import Registry, SimulatedClock
from sop_engine._compile.compiled import compile_sop
from sop_engine._compile.loading import load_definition
from sop_engine._ops.replay import replay_case
from sop_engine._persistence.sqlite import SqliteStore, verify_chains

from conftest import LAPOR, ROOT

WORKER = """
import os, signal, sys
from datetime import UTC, datetime, timedelta
sys.path.insert(0, {src!r})
from sop_engine import Actor, Engine, SimulatedClock
from sop_engine._persistence.sqlite import SqliteStore

POINT, AFTER = os.environ["CRASH_POINT"], int(os.environ["CRASH_AFTER"])
count = 0

def maybe_die(point):
    global count
    if point == POINT:
        count += 1
        if count == AFTER:
            os.kill(os.getpid(), signal.SIGKILL)

class Crashing(SqliteStore):
    def due_timers(self, now):
        timers = super().due_timers(now)
        if timers:
            maybe_die("after_claim")
        return timers
    def _write(self, db, case, event, command, timers, notifications, *more):
        maybe_die("mid_snapshot")  # the snapshot row is written, its event not yet
        super()._write(db, case, event, command, timers, notifications, *more)
        maybe_die("before_commit")  # everything written, COMMIT not yet issued
    def commit(self, case, event, *args, **kwargs):
        super().commit(case, event, *args, **kwargs)
        maybe_die("after_commit")  # committed, outbox not yet delivered
        if event.event == "@expire":
            maybe_die("after_expire")  # the expiry is recorded, its timed event not yet fired
    def commit_many(self, writes):  # a sweep writes its fired items in groups
        super().commit_many(writes)
        for w in writes:
            maybe_die("after_commit")
            if w.event.event == "@expire":
                maybe_die("after_expire")

clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
engine = Engine(store=Crashing({db!r}, clock=clock), clock=clock)
engine.load({sop!r})
admin = Actor("siti", "admin_instansi")
officer = Actor("budi", "petugas_unit", "dinas_pupr")
data = {{"pelapor": "p", "kanal": "sms", "kerahasiaan": "biasa", "judul": "Jalan",
        "kronologi": "Lubang", "lokasi": "Jl. A"}}
for i in range(6):
    cid = "c%d" % i
    engine.start("lapor-upp", data, admin, case_id=cid, command_id=cid + "/start")
    engine.fire(cid, "verifikasi", admin, {{"klasifikasi": "pengaduan"}}, command_id=cid + "/v")
    engine.fire(cid, "disposisi", admin, {{"unit_tujuan": "dinas_pupr"}}, command_id=cid + "/d")
    if i % 2:
        engine.fire(cid, "tindak_lanjuti", officer, command_id=cid + "/t")
engine.start("lapor-upp", data, admin, case_id="w", command_id="w/start")
engine.fire("w", "minta_kelengkapan", admin, {{"kekurangan": "foto"}}, command_id="w/m")
for day in range(1, 18):
    clock.set(datetime(2026, 3, 2, 1, tzinfo=UTC) + timedelta(days=day))
    engine.sweep()
print("done")
"""

POINTS = ["after_claim", "mid_snapshot", "before_commit", "after_commit"]


def _run(db: Path, point: str, after: int) -> int:
    script = WORKER.format(src=str(ROOT / "src"), db=str(db), sop=str(LAPOR))
    env = {**os.environ, "CRASH_POINT": point, "CRASH_AFTER": str(after)}
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    return proc.returncode


def _state(db: Path) -> dict[str, object]:
    store = SqliteStore(db)
    try:
        cases = {cid: store.get(cid) for cid in store.case_ids()}
        trails = {cid: [(e.seq, e.event, e.target) for e in store.history(cid)] for cid in cases}
        outbox = sorted(n.key for n in store.outbox())
        return {
            "cases": {k: (c.state, c.version) for k, c in cases.items()},
            "trails": trails,
            "outbox": outbox,
        }
    finally:
        store.close()


def _check_consistent(db: Path) -> None:
    assert verify_chains(db) == []
    registry = Registry(load_entry_points=False)
    store = SqliteStore(db)
    try:
        sop = compile_sop(load_definition(LAPOR, registry=registry), registry)
        for cid in store.case_ids():
            assert replay_case(store.get(cid), store.history(cid), sop, registry) is None, cid
        keys = [n.key for n in store.outbox()]
        assert len(keys) == len(set(keys))
    finally:
        store.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    assert _run(db, "never", 1) == 0
    return _state(db)


CRASHES = (
    [(point, after) for point in POINTS[1:] for after in (1, 5, 13, 29)]
    + [("after_claim", after) for after in (1, 2, 3)]
    + [("after_expire", 1)]
)


@pytest.mark.parametrize(("point", "after"), CRASHES)
def test_killed_worker_loses_and_duplicates_nothing(
    tmp_path: Path, point: str, after: int, reference: dict[str, object]
) -> None:
    db = tmp_path / "crash.db"
    code = _run(db, point, after)
    assert code == -signal.SIGKILL, f"the worker was not killed at {point} #{after}"
    _check_consistent(db)
    # a sweeper that comes back after the dead worker's lease has run out takes over its claims
    if point == "after_claim":
        import sqlite3

        raw = sqlite3.connect(db)
        claimed = {
            k for (k,) in raw.execute("SELECT key FROM timers WHERE claim_token IS NOT NULL")
        }
        (until,) = raw.execute("SELECT MAX(claimed_until_us) FROM timers").fetchone()
        raw.close()
        assert claimed  # the worker died holding claims
        lease_over = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=until + 1)
        early = SqliteStore(db, clock=SimulatedClock(lease_over - timedelta(minutes=1)))
        assert claimed.isdisjoint(t.key for t in early.due_timers(datetime(2027, 1, 1, tzinfo=UTC)))
        early.close()
        late = SqliteStore(db, clock=SimulatedClock(lease_over))
        retaken = {t.key for t in late.due_timers(datetime(2027, 1, 1, tzinfo=UTC))}
        assert claimed <= retaken  # taken over once the lease has run out
        late.release([])
        late.close()
    # finishing the workload (same command ids) ends where an uninterrupted run ends
    assert _run(db, "never", 1) == 0
    _check_consistent(db)
    assert _state(db) == reference
    cases = _state(db)["cases"]
    assert isinstance(cases, dict)
    assert cases["w"][0] == "diarsipkan"  # the expiry's timed event happened, once
