"""What only the SQLite store promises: settings, durability, append-only rows, a provable
trail, fenced timers and one winner per version under concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Engine, EventNotAllowed, SimulatedClock, VersionConflict
from sop_engine._core.errors import LeaseLost
from sop_engine._core.records import Timer
from sop_engine._persistence.sqlite import MIGRATIONS, SqliteStore, verify_chains
from sop_engine.cli import main

from conftest import (
    ADMIN,
    COMPLETE,
    LAPOR,
    OFFICER,
    ROOT,
    full_workflow,
    race_on_one_version,
    two_personal_case,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _engine(path: Path, clock: SimulatedClock | None = None) -> Engine:
    clock = clock or SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    return engine


def test_settings(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    db = store._db
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_everything_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    full_workflow(engine, "c1")
    before = (engine.get("c1"), engine.history("c1"))
    engine.store.close()  # type: ignore[attr-defined]
    again = _engine(path)
    assert (again.get("c1"), again.history("c1")) == before
    rows = again.store._db.execute("SELECT version FROM schema_migrations").fetchall()  # type: ignore[attr-defined]
    assert rows == [(k,) for k in range(1, len(MIGRATIONS) + 1)]  # each migration ran once


def test_events_cannot_be_changed_or_deleted_even_with_raw_sql(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    full_workflow(_engine(path), "c1")
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only: UPDATE refused"):
        db.execute("UPDATE events SET body = '{}' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only: DELETE refused"):
        db.execute("DELETE FROM events WHERE seq = 2")


def test_audit_verify_passes_on_an_intact_trail(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    engine.sweep(T0 + timedelta(days=30))
    assert verify_chains(path) == []
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["audit", "verify", "--db", str(path)])
    assert (result.exit_code, "every audit chain is intact" in result.output) == (0, True)


def _tamper(path: Path, *sql: str) -> None:
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("DROP TRIGGER events_append_only_delete")
    for statement in sql:
        db.execute(statement)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "seq", "reason"),
    [
        (
            [
                "UPDATE events SET body = replace(body, 'pengaduan', 'aspirasi') "
                "WHERE case_id = 'c2' AND seq = 2"
            ],
            2,
            "content does not match",
        ),
        (["DELETE FROM events WHERE case_id = 'c2' AND seq = 3"], 3, "missing"),
        (
            [
                "UPDATE events SET seq = 100 WHERE case_id = 'c2' AND seq = 4",
                "UPDATE events SET seq = 4 WHERE case_id = 'c2' AND seq = 5",
                "UPDATE events SET seq = 5 WHERE case_id = 'c2' AND seq = 100",
            ],
            4,
            "another position",
        ),
        (["DELETE FROM events WHERE case_id = 'c2' AND seq = 7"], 7, "trail has 6 events"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_audit_verify_names_the_first_tampered_event(
    tmp_path: Path, sql: list[str], seq: int, reason: str
) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    engine.store.close()  # type: ignore[attr-defined]
    _tamper(path, *sql)
    breaks = verify_chains(path)
    assert [(b.case_id, b.seq) for b in breaks] == [("c2", seq)]
    assert reason in breaks[0].reason
    assert verify_chains(path, "c1") == []
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(path)])
    assert result.exit_code == 1
    assert f"case c2: broken at event {seq}" in result.output


def test_audit_verify_bad_input(tmp_path: Path) -> None:
    # a missing or foreign file is an environment error (2), not a broken chain (1)
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(junk)])
    assert result.exit_code == 2
    assert "not a readable sop_engine database" in result.output
    assert "Traceback" not in result.output


def test_a_zombie_sweeper_whose_lease_expired_cannot_commit(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    clock_a = SimulatedClock(T0)
    clock_b = SimulatedClock(T0)
    a = _engine(path, clock_a)
    b = _engine(path, clock_b)
    a.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    due = T0 + timedelta(days=10)
    claimed_by_a = a.store.due_timers(due)
    assert claimed_by_a
    assert b.store.due_timers(due) == []  # a's lease holds
    clock_b.advance(timedelta(minutes=6))  # the lease (5 minutes) has run out for b
    claimed_by_b = b.store.due_timers(due)
    assert [t.key for t in claimed_by_b] == [t.key for t in claimed_by_a]
    from sop_engine._core.protocol import ItemKind
    from sop_engine._runtime.sweeper import SweepReport

    report = SweepReport()
    reminders: dict[tuple[str, str, int], list[Timer]] = {}
    for t in claimed_by_a:
        if t.item.kind is ItemKind.REMIND:
            reminders.setdefault((t.case_id, t.deadline, t.arming), []).append(t)
    before = a.get("c1")
    with pytest.raises(LeaseLost):
        a.sweeper.fire_timer(claimed_by_a[0], reminders, due, report)
    assert a.get("c1") == before  # nothing written by the zombie
    clock_b.set(due)
    fired = b.sweep(due).fired
    assert fired  # the new claimant fires them
    assert a.sweep(due + timedelta(hours=1)).fired == []


def test_threads_racing_on_one_version_have_exactly_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _engine(path).start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engines = [_engine(path) for _ in range(8)]
    assert race_on_one_version(engines) == ["conflict"] * 7 + ["won"]
    assert len(engines[0].history("c1")) == 2
    assert verify_chains(path) == []


SCRIPT = """
import sys
from datetime import UTC, datetime
sys.path.insert(0, {src!r})
from sop_engine import Actor, Engine, SimulatedClock, VersionConflict, EventNotAllowed
from sop_engine._persistence.sqlite import SqliteStore
clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
engine = Engine(store=SqliteStore({db!r}), clock=clock)
engine.load({sop!r})
try:
    engine.fire("c1", "verifikasi", Actor("p{{}}".format(sys.argv[1]), "admin_instansi"),
                {{"klasifikasi": "pengaduan"}})
    print("won")
except VersionConflict:
    print("conflict")
except EventNotAllowed:
    print("too late")
"""


def test_processes_racing_on_one_case_have_exactly_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _engine(path).start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    script = SCRIPT.format(src=str(ROOT / "src"), db=str(path), sop=str(LAPOR))
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(k)], stdout=subprocess.PIPE, text=True)
        for k in range(4)
    ]
    outcomes = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) <= {"won", "conflict", "too late"}
    history = _engine(path).history("c1")
    assert [e.event for e in history] == ["@start", "verifikasi"]
    assert verify_chains(path) == []


def test_a_retry_after_a_conflict_sees_the_fresh_case(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    a, b = _engine(path), _engine(path)
    a.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    seen = b.get("c1")
    a.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    with pytest.raises(VersionConflict):
        b.fire("c1", "arsipkan", ADMIN, {"alasan_arsip": "duplikat"}, expected_version=seen.version)
    with pytest.raises(EventNotAllowed):  # the retry re-evaluates against the fresh case
        b.fire("c1", "arsipkan", ADMIN, {"alasan_arsip": "duplikat"})


def test_store_check_replays_every_case(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    full_workflow(engine, "c1")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
    engine.fire("c2", "minta_kelengkapan", ADMIN, {"kekurangan": "foto"})
    engine.sweep(T0 + timedelta(days=20))  # c2's request expires: archived by the sweeper
    assert engine.get("c2").state == "diarsipkan"
    engine.store.close()  # type: ignore[attr-defined]
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 case(s) replayed, every snapshot equals its trail" in result.output
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE cases SET snapshot = replace(snapshot, 'selesai', 'diproses') WHERE id = 'c1'"
    )
    db.commit()
    db.close()
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 1
    assert "case c1: event 7: the snapshot differs from the replayed case" in result.output
    assert "case c2" not in result.output


def test_store_check_passes_with_personal_fields_given_out_of_order(tmp_path: Path) -> None:
    """Regression: two personal fields in unsorted order gave a false "the event differs"."""
    path = tmp_path / "s.db"
    engine = _engine(path)
    two_personal_case(engine)
    # (the free-text field judul is sealed too: issue 17)
    assert [e.personal for e in engine.history("c1")[:2]] == [
        ("aa_nama", "judul", "pelapor"),
        ("aa_nama", "pelapor"),
    ]
    engine.store.close()  # type: ignore[attr-defined]
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "every snapshot equals its trail" in result.output
    assert verify_chains(path) == []


def test_events_written_with_personal_keys_unsorted_still_verify_and_replay(
    tmp_path: Path,
) -> None:
    """A file written before personal keys were stored sorted: chained bytes list them in
    payload order. Its chains still hold and its cases still replay."""
    import hashlib
    import json

    path = tmp_path / "s.db"
    engine = _engine(path)
    two_personal_case(engine)
    engine.store.close()  # type: ignore[attr-defined]
    db = sqlite3.connect(path)
    rows = db.execute("SELECT seq, body FROM events WHERE case_id = 'c1' ORDER BY seq").fetchall()
    statements, previous = [], ""
    for seq, body in rows:
        raw = json.loads(body)
        if "personal" in raw:  # as the engine listed them: in the order of the payload given
            raw["personal"] = sorted(raw["personal"], reverse=True)  # (judul is sealed too)
        old = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        link = hashlib.sha256(previous.encode() + b"\n" + old.encode()).hexdigest()
        statements.append(
            (
                "UPDATE events SET body = ?, prev_hash = ?, hash = ? WHERE case_id = 'c1' AND seq = ?",
                (old, previous, link, seq),
            )
        )
        previous = link
    db.close()
    _tamper(path)
    db = sqlite3.connect(path)
    for statement, params in statements:
        db.execute(statement, params)
    db.commit()
    db.close()
    assert '"personal":["pelapor","aa_nama"]' in str(
        sqlite3.connect(path).execute("SELECT body FROM events").fetchall()
    )
    assert verify_chains(path) == []
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output


def test_an_adopted_calendar_survives_reopening_and_every_adoption_is_kept(
    tmp_path: Path,
) -> None:
    from sop_engine._core.calendar import DayOff, calendar_from_doc, calendar_to_doc, indonesia

    path = tmp_path / "s.db"
    first = indonesia()
    second = first.amended(add=[DayOff(T0.date(), "closure", "Banjir", "SE Bupati 1/2026")])
    store = SqliteStore(path)
    store.save_calendar("h1", calendar_to_doc(first))
    store.save_calendar("h1", calendar_to_doc(second))
    store.close()
    again = SqliteStore(path)
    doc = again.calendar_doc("h1")
    assert doc is not None
    assert calendar_from_doc(doc) == second
    assert again._db.execute("SELECT count(*) FROM calendars").fetchone() == (2,)
    again.close()


FIXTURE = Path(__file__).parent / "fixtures" / "store-schema-2.sqlite3"


def test_a_database_from_schema_version_2_loads_and_continues(tmp_path: Path) -> None:
    """A file written by this schema version (checked in) must keep working in later versions."""
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    assert verify_chains(path) == []
    clock = SimulatedClock(datetime(2026, 3, 6, 3, tzinfo=UTC))
    engine = _engine(path, clock)
    assert engine.get("lama-1").state == "terdisposisi"
    assert engine.get("lama-2").state == "menunggu_kelengkapan"
    # a retried command from before the upgrade is still recognised
    assert (
        engine.fire(
            "lama-1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}, command_id="lama-1/v"
        ).version
        == 2
    )
    engine.fire("lama-1", "tindak_lanjuti", OFFICER)
    fired = engine.sweep(datetime(2026, 3, 20, tzinfo=UTC)).fired
    assert "tutup_tidak_lengkap" in [e.event for e in fired]  # lama-2's request expired
    assert engine.get("lama-2").state == "diarsipkan"
    engine.store.close()  # type: ignore[attr-defined]
    assert verify_chains(path) == []
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output
