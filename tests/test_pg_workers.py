"""Many ``sop worker`` processes on one PostgreSQL database: every deadline fires exactly once.

5,000 cases of the scale SOP (tests/fixtures/scale-sop.yaml) each have two items due at the
same instant (a breach and an escalation that notifies), 10,000 deadline items all due at
once. Real worker processes (``sop worker --db URL --exit-when-idle``) sweep and relay them
until nothing is left; then the database must show each item fired once: one ledger row per
natural key, every case at version 3 (start + 2 fires), 15,000 events, every chain intact,
5,000 notifications, each delivered (at least once, by key).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from sop_engine._persistence.postgres import verify_chains

from pgserver import ITEMS_PER_CASE, seed_due_cases

CASES = 5_000
ITEMS = CASES * ITEMS_PER_CASE  # 10,000 deadline items


# a private key file for these workers (docs/security.md: never PostgreSQL without one); the
# tests read the workers' English lines (started, fired N, stopped by signal)
_ENV = {
    **os.environ,
    "SOP_KEY_FILE": os.path.join(tempfile.mkdtemp(prefix="sop-"), "pg.keys"),
    "SOP_LANG": "en",
}


def _worker(url: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from sop_engine.cli import main; main()",
            "worker",
            "--db",
            url,
            "--outbox",
            str(out),
            "--interval",
            "0.1",
            "--batch",
            "50",
            "--exit-when-idle",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_ENV,  # deployed as docs/security.md says: with a key file
    )


def _wait(procs: list[subprocess.Popen[str]], timeout: float = 240) -> list[str]:
    try:
        return [p.communicate(timeout=timeout)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(row[0])


def _delivered_keys(outs: list[Path]) -> list[str]:
    keys = []
    for out in outs:
        if not out.exists():
            continue
        for line in out.read_text(encoding="utf-8").splitlines():
            try:
                keys.append(json.loads(line)["key"])
            except ValueError:  # a line cut short by SIGKILL
                continue
    return keys


def _assert_each_fired_exactly_once(url: str, outs: list[Path]) -> None:
    assert _count(url, "SELECT count(*) FROM timers") == 0  # none left, none lost
    assert _count(url, "SELECT count(*) FROM fired") == ITEMS
    assert (
        _count(url, "SELECT count(DISTINCT (case_id, deadline, arming, item)) FROM fired") == ITEMS
    )
    assert _count(url, "SELECT count(*) FROM cases WHERE version <> 3") == 0
    assert _count(url, "SELECT count(*) FROM events") == CASES * 3
    assert _count(url, "SELECT count(*) FROM events WHERE body LIKE '%\"@breach\"%'") == CASES
    assert _count(url, "SELECT count(*) FROM events WHERE body LIKE '%\"@escalate\"%'") == CASES
    assert _count(url, "SELECT count(*) FROM outbox") == CASES
    assert _count(url, "SELECT count(*) FROM outbox WHERE delivered IS NULL") == 0
    expected = {f"k{i:05d}/tanggapan/1/level:1" for i in range(CASES)}
    assert set(_delivered_keys(outs)) == expected  # at least once each, by key


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_n_worker_processes_fire_every_deadline_exactly_once(
    pg_url: str, tmp_path: Path, workers: int
) -> None:
    seed_due_cases(pg_url, CASES)
    assert _count(pg_url, "SELECT count(*) FROM timers") == ITEMS
    outs = [tmp_path / f"outbox-{k}.jsonl" for k in range(workers)]
    logs = _wait([_worker(pg_url, out) for out in outs])
    _assert_each_fired_exactly_once(pg_url, outs)
    delivered = _delivered_keys(outs)
    assert len(delivered) == CASES  # no worker died: each delivered exactly once
    if workers == 2:  # SKIP LOCKED spreads the burst: both took a share
        for log in logs:
            fired = int(log.rsplit("fired ", 1)[1].split(",")[0])
            assert fired > 0, log


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(pg_url: str, tmp_path: Path) -> None:
    seed_due_cases(pg_url, CASES)
    outs = [tmp_path / f"outbox-{k}.jsonl" for k in range(3)]
    procs = [_worker(pg_url, out, "--lease", "2") for out in outs]
    deadline = time.monotonic() + 120
    while _count(pg_url, "SELECT count(*) FROM fired") < ITEMS // 4:
        assert time.monotonic() < deadline, "workers made no progress"
        time.sleep(0.05)
    os.kill(procs[0].pid, signal.SIGKILL)  # mid-run: it holds claims it will never finish
    procs[1].send_signal(signal.SIGTERM)  # stops cleanly after the commit in progress
    assert procs[1].wait(timeout=30) == 0
    assert procs[0].wait(timeout=30) == -signal.SIGKILL
    logs = _wait(procs)  # the survivor takes the dead worker's claims over after the lease
    assert "stopped by signal" in logs[1]
    assert procs[2].returncode == 0, logs[2]
    _assert_each_fired_exactly_once(pg_url, outs)
    assert verify_chains(pg_url) == []


def test_an_idle_worker_stops_cleanly_on_sigterm(pg_url: str, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from sop_engine.cli import main; main()",
            "worker",
            "--db",
            pg_url,
            "--interval",
            "30",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_ENV,  # deployed as docs/security.md says: with a key file
    )
    try:
        assert proc.stderr is not None
        assert "started" in proc.stderr.readline()
        time.sleep(0.5)  # now waiting out its 30 s interval
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=20)[1]
        assert proc.returncode == 0
        assert time.monotonic() - started < 10  # did not sleep out the interval
        assert "stopped by signal" in rest
    finally:
        _wait([proc])
