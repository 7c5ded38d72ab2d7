"""Issue 18: the worker signs checkpoints on a schedule, chained, one worker of many per period.

The end-to-end test runs two real ``sop worker`` processes on one SQLite file, each told to
checkpoint every second; the files they leave are checked with ``sop audit verify
--checkpoint``, and an insider's edit after them is caught. The claim itself (one taker per
slot, a dead claimant's slot taken over after the lease) is tested on SQLite and on the real
PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from sop_engine import Engine, SimulatedClock
from sop_engine._ops.checkpoint import (
    CheckpointInvalid,
    ScheduledCheckpoints,
    digest,
    generate_key,
    public_key_of,
    series_of,
)
from sop_engine._persistence.readonly import open_readonly
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main
from sop_engine.cli._worker import parse_every

from conftest import ADMIN, COMPLETE, LAPOR, full_workflow

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SOP = str(Path(sys.executable).parent / "sop")


def _cli(*args: str) -> Result:
    return CliRunner(env={"SOP_LANG": "en"}).invoke(main, list(args))  # English asserted


def _world(path: Path) -> None:
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
    engine.fire("c2", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.store.close()  # type: ignore[attr-defined]


def _keys(tmp: Path) -> tuple[Path, Path]:
    private, public = generate_key()
    key, pub = tmp / "cp.key", tmp / "cp.key.pub"
    key.write_bytes(private)
    pub.write_bytes(public)
    return key, pub


def _worker(db: Path, key: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            SOP,
            "worker",
            "--db",
            str(db),
            "--interval",
            "0.1",
            "--outbox",
            str(out.parent / f"{out.name}.jsonl"),
            "--checkpoint-key",
            str(key),
            "--checkpoint-dir",
            str(out),
            "--checkpoint-every",
            "1s",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "SOP_LANG": "en"},  # _taken reads its English summary line
    )


def _taken(stderr: str) -> int:
    """The checkpoints a worker says it took, from its last summary line."""
    last = [line for line in stderr.splitlines() if line.startswith("worker ")][-1]
    return int(last.split("checkpoints ")[1].split()[0].rstrip(","))


def test_two_worker_processes_take_one_chained_checkpoint_per_period(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _world(db)
    key, pub = _keys(tmp_path)
    out = tmp_path / "checkpoints"
    workers = [_worker(db, key, out), _worker(db, key, out)]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(list(out.glob("checkpoint-*.json"))) < 4:
        time.sleep(0.2)
    for w in workers:
        w.send_signal(signal.SIGTERM)
    errors = [w.communicate(timeout=60)[1] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    files = sorted(out.glob("checkpoint-*.json"))
    assert len(files) >= 4, errors
    assert not list(out.glob(".*")), "no temporary file is left behind"
    # one worker of the two took each period: their counts add up to the files
    assert sum(_taken(e) for e in errors) == len(files), errors
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT file FROM checkpoints WHERE taken_us IS NOT NULL").fetchall()
    assert sorted(r[0] for r in rows) == [f.name for f in files]
    # the chain: each names the one before (the first, nothing)
    payloads = [json.loads(json.loads(f.read_bytes())["payload"]) for f in files]
    assert payloads[0]["previous"] is None
    for before, after, p in zip(files, files[1:], payloads[1:], strict=False):
        assert p["previous"] == digest(before.read_bytes()), after.name
    args = [a for f in files for a in ("--checkpoint", str(f))]
    ok = _cli("audit", "verify", "--db", str(db), *args, "--pubkey", str(pub))
    assert ok.exit_code == 0, ok.output
    assert f"matches {len(files)} signed checkpoint(s)" in ok.output
    # the health check shows the newest one
    status = _cli("worker", "status", "--db", str(db), "--format", "json")
    doc = json.loads(status.output)["status"]
    assert doc["last_checkpoint_file"] == files[-1].name
    assert doc["checkpoint_age_seconds"] is not None
    assert doc["checkpoint_age_seconds"] < 120
    # a checkpoint taken out of the middle of the chain shows
    gap = _cli("audit", "verify", "--db", str(db), *args[:2], *args[4:], "--pubkey", str(pub))
    assert gap.exit_code != 0
    assert "does not follow the one before it" in gap.output
    # and so does an insider's rewrite after them: the closed case c1 deleted outright
    with sqlite3.connect(db) as conn:
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f"DROP TRIGGER {t}")
        for table in ("events", "personal_data", "commands", "case_index", "outbox"):
            conn.execute(f"DELETE FROM {table} WHERE case_id = 'c1'")
        conn.execute("DELETE FROM cases WHERE id = 'c1'")
    caught = _cli("audit", "verify", "--db", str(db), *args, "--pubkey", str(pub))
    assert caught.exit_code == 1, caught.output
    assert "c1" in caught.output
    assert "is gone" in caught.output


def _schedule(key: bytes, out: Path, db: Path, every: float = 60) -> ScheduledCheckpoints:
    return ScheduledCheckpoints(key, out, timedelta(seconds=every), lambda: open_readonly(db))


def test_one_of_many_takes_a_slot_and_a_dead_claimant_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _world(db)
    private, _ = generate_key()
    wall = SimulatedClock(T0)  # the stores' lease clock
    stores = [SqliteStore(db, clock=wall, lease=timedelta(seconds=30)) for _ in range(3)]
    try:
        series = series_of(public_key_of(private))
        slot = "2026-03-02T01:00:00Z"
        # a worker claims the slot and dies before writing: the others see it held
        first = stores[0].claim_checkpoint(series, slot)
        assert first.token is not None
        assert stores[1].claim_checkpoint(series, slot).token is None
        assert not stores[1].claim_checkpoint(series, slot).taken
        schedules = [_schedule(private, tmp_path / f"dir{n}", db) for n in range(3)]
        assert schedules[1].run(stores[1], T0) is None
        # after the lease the slot is taken over, by exactly one
        wall.advance(timedelta(seconds=31))
        now = T0 + timedelta(seconds=40)
        taken = [s.run(st, now) for s, st in zip(schedules[1:], stores[1:], strict=True)]
        paths = [p for p in taken if p is not None]
        assert len(paths) == 1
        assert paths[0].name == "checkpoint-20260302T010000Z.json"
        # the dead claimant's late finish is refused: the slot is recorded once
        assert not stores[0].finish_checkpoint(series, slot, first.token, "x", "y", now)
        assert stores[0].claim_checkpoint(series, slot).taken
        latest = stores[2].latest_checkpoint(series)
        assert latest is not None
        assert latest.file == paths[0].name
        assert latest.digest == digest(paths[0].read_bytes())
        # the next period's checkpoint, by another worker, names this one
        later = schedules[0].run(stores[0], now + timedelta(seconds=60))
        assert later is not None
        payload = json.loads(json.loads(later.read_bytes())["payload"])
        assert payload["previous"] == latest.digest
        # nothing to do again within the period: no claim is even tried
        assert schedules[0].run(stores[0], now + timedelta(seconds=61)) is None
    finally:
        for s in stores:
            s.close()


def test_schedule_on_postgres_one_taker_per_slot(pg_url: str, tmp_path: Path) -> None:
    from sop_engine._persistence.postgres import PgStore

    clock = SimulatedClock(T0)
    engine = Engine(store=PgStore(pg_url, clock=clock), clock=clock)  # type: ignore[arg-type]
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    engine.store.close()  # type: ignore[attr-defined]
    private, public = generate_key()
    stores = [PgStore(pg_url, clock=clock, lease=timedelta(seconds=30)) for _ in range(4)]
    try:
        schedules = [
            ScheduledCheckpoints(
                private, tmp_path / "cp", timedelta(minutes=5), lambda: open_readonly(pg_url)
            )
            for _ in stores
        ]
        import threading

        barrier = threading.Barrier(len(stores))
        got: list[Path | None] = []

        def run(n: int) -> None:
            barrier.wait()
            got.append(schedules[n].run(stores[n], T0))

        threads = [threading.Thread(target=run, args=(n,)) for n in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        taken = [p for p in got if p is not None]
        assert len(taken) == 1
        row = stores[3].latest_checkpoint()
        assert row is not None
        assert row.slot == "2026-03-02T01:00:00Z"
        assert row.digest == digest(taken[0].read_bytes())
        second = schedules[2].run(stores[2], T0 + timedelta(minutes=5))
        assert second is not None
        pub = tmp_path / "k.pub"
        pub.write_bytes(public)
        ok = _cli(
            "audit",
            "verify",
            "--db",
            pg_url,
            "--checkpoint",
            str(taken[0]),
            "--checkpoint",
            str(second),
            "--pubkey",
            str(pub),
        )
        assert ok.exit_code == 0, ok.output
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h30m", 5400), ("1d", 86400), ("2", 2)]
)
def test_periods_are_read_in_the_usual_forms(text: str, seconds: int) -> None:
    assert parse_every(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["0", "0.5s", "inf", "nan", "-1h", "1w", "", "1e308", "400d"])
def test_bad_periods_are_refused_by_name(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_LANG", "en")  # the English text is asserted
    with pytest.raises(click.BadParameter, match="from 1s to 366d"):
        parse_every(text)


def test_checkpoint_options_go_together_and_a_bad_key_is_named(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _world(db)
    half = _cli("worker", "--db", str(db), "--checkpoint-every", "1h", "--exit-when-idle")
    assert half.exit_code == 2
    assert "together" in half.output
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    refused = _cli(
        "worker",
        "--db",
        str(db),
        "--exit-when-idle",
        "--checkpoint-key",
        str(bad),
        "--checkpoint-dir",
        str(tmp_path / "cp"),
        "--checkpoint-every",
        "1h",
    )
    assert refused.exit_code == 1
    assert "--checkpoint-key" in refused.output
    assert "Traceback" not in refused.output
    with pytest.raises(CheckpointInvalid):
        ScheduledCheckpoints(b"x", tmp_path, timedelta(hours=1), lambda: open_readonly(db))


def test_a_worker_run_once_takes_the_periods_checkpoint(tmp_path: Path) -> None:
    """``--exit-when-idle`` with the options: a cron job that checkpoints once per period."""
    db = tmp_path / "s.sqlite3"
    _world(db)
    key, pub = _keys(tmp_path)
    out = tmp_path / "cp"
    args = ["worker", "--db", str(db), "--exit-when-idle", "--outbox", str(tmp_path / "o")]
    args += ["--checkpoint-key", str(key), "--checkpoint-dir", str(out)]
    args += ["--checkpoint-every", "1d"]
    first = _cli(*args)
    assert first.exit_code == 0, first.output
    again = _cli(*args)
    assert again.exit_code == 0, again.output
    files = list(out.glob("checkpoint-*.json"))
    assert len(files) == 1  # the day's checkpoint is taken once
    ok = _cli(
        "audit", "verify", "--db", str(db), "--checkpoint", str(files[0]), "--pubkey", str(pub)
    )
    assert ok.exit_code == 0, ok.output
    text = _cli("worker", "status", "--db", str(db))
    assert f"last_checkpoint_file: {files[0].name}" in text.output
