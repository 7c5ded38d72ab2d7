"""Issue 18: the calendar a case's deadlines were counted with stays resolvable forever.

Extending the national calendar's years (2030 to 2050) changes its fingerprint. Before pinning,
that broke ``sop store check`` on every existing store: the replay counted with the calendar the
installed package built, not the one the deadlines recorded. Now the store pins the calendar the
first time an SOP version counts with it, and a store written before pinning gets the rebuild
of the earlier coverage (2020-2030) whose fingerprint its cases record.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import sop_engine._core.calendar as calendar_module
import sop_engine._runtime.catalog as catalog_module
from sop_engine import Engine, SimulatedClock
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import (
    CalendarExhausted,
    DayOff,
    calendar_end,
    indonesia,
    rebuilt_until,
)
from sop_engine._ops.integrity import check_store
from sop_engine._persistence.readonly import open_readonly
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

VERIFY = {"klasifikasi": "pengaduan"}
FIXTURE = Path(__file__).parent / "fixtures" / "store-schema-2.sqlite3"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, list(args))
    return result.exit_code, result.output


def _recorded(path: Path) -> set[str]:
    """The calendar versions the deadlines of the stored cases record."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT snapshot FROM cases").fetchall()
    finally:
        db.close()
    return {d["calendar_version"] for (s,) in rows for d in json.loads(s)["deadlines"]}


def _pins(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT sop_hash, doc FROM calendars ORDER BY id").fetchall()
    finally:
        db.close()
    return [(h, json.loads(doc)["version"]) for h, doc in rows]


def _old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    return path


def test_the_calendar_now_reaches_2050_as_far_as_the_holidays_data_goes() -> None:
    cal = indonesia()
    assert cal.years == (2020, 2050)
    assert calendar_end(cal) == date(2050, 12, 31)
    nyepi = [o for o in cal.holidays(2050) if "Nyepi" in o.name]
    assert [o.day for o in nyepi] == [date(2050, 3, 24)]
    # years after the decreed ones are the package's computed estimates, and say so
    fitri = [o for o in cal.holidays(2045) if "Idul Fitri" in o.name]
    assert fitri
    assert all("estimate" in o.source for o in fitri)


def test_a_60_working_day_clock_started_in_september_2030_now_runs(tmp_path: Path) -> None:
    start = datetime(2030, 9, 2, 2, tzinfo=UTC)
    cal = indonesia()
    due = cal.due(start, 60, "working_days")
    due_day = cal.local_date(due)
    assert date(2030, 11, 20) < due_day < date(2031, 1, 1)
    assert cal.working_days_between(cal.local_date(start), due_day) == 60
    # and through the engine, on a real SQLite file: the LAPOR! clocks arm in September 2030
    clock = SimulatedClock(start)
    engine = Engine(store=SqliteStore(tmp_path / "s.sqlite3", clock=clock), clock=clock)
    try:
        engine.load(LAPOR)
        case = engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c2030")
        case = engine.fire(case.id, "verifikasi", ADMIN, VERIFY)
        running = [d for d in case.deadlines if d.status == "running"]
        assert running
        assert all(d.due_at is not None and d.due_at > start for d in running)
    finally:
        engine.store.close()  # type: ignore[attr-defined]


def test_a_clock_past_the_new_edge_is_the_typed_refusal() -> None:
    with pytest.raises(CalendarExhausted) as caught:
        indonesia().due(datetime(2050, 11, 1, 2, tzinfo=UTC), 60, "working_days")
    assert caught.value.years == (2020, 2050)
    assert "extend the calendar" in str(caught.value)


def test_the_rebuild_of_the_earlier_coverage_is_the_earlier_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What makes an old store resolvable: leaving out the package's later days gives back the
    fingerprint the 2020-2030 build had, and the agency's own days off are kept."""
    local = [DayOff(date(2035, 4, 7), "cuti_daerah", "Hari Jadi Kota", "Perda 3/2010")]
    with monkeypatch.context() as m:
        m.setattr(calendar_module, "YEARS", range(2020, 2031))
        earlier = indonesia(local_days_off=local)
    now = indonesia(local_days_off=local)
    assert earlier.years == (2020, 2030)
    assert now.version != earlier.version  # the extension changes the fingerprint
    rebuilt = rebuilt_until(now, 2030)
    assert rebuilt.version == earlier.version
    assert rebuilt.years == (2020, 2030)
    assert date(2035, 4, 7) in rebuilt.days_off
    assert not any(d.year > 2030 for d, o in rebuilt.days_off.items() if o.kind == "national")


def test_a_store_from_before_pinning_passes_store_check_after_the_extension(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_store(tmp_path)
    assert _cli("store", "migrate", "--db", str(path))[0] == 0  # no SOP loaded: nothing pinned
    assert _pins(path) == []
    [recorded] = _recorded(path)
    assert recorded != indonesia().version  # counted with the calendar that ended in 2030
    code, out = _cli("store", "check", "--db", str(path))
    assert code == 0, out
    assert "2 case(s) replayed" in out
    # the rebuild is what resolves it: without it the replay counts with today's data
    monkeypatch.setattr(catalog_module, "EARLIER_LAST_YEARS", ())
    store = open_readonly(path)
    try:
        checked, problems = check_store(store, Registry())
    finally:
        store.close()
    assert checked == 2
    assert {p.case_id for p in problems if p.check == "replay"} == {"lama-1", "lama-2"}


def test_a_writer_pins_the_earlier_calendar_its_old_cases_recorded(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    [recorded] = _recorded(path)
    clock = SimulatedClock(datetime(2026, 3, 6, 3, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    try:
        engine.load(LAPOR)
        old = engine.catalog.pinned(engine.get("lama-1").sop_hash)
        assert engine.calendar(old).version == recorded
        assert engine.calendar(old).years == (2020, 2030)
        # the old case goes on counting with it, and the store keeps it pinned
        case = engine.fire("lama-1", "tindak_lanjuti", OFFICER)
        assert {d.calendar_version for d in case.deadlines} == {recorded}
    finally:
        engine.store.close()  # type: ignore[attr-defined]
    assert (old.hash, recorded) in _pins(path)
    code, out = _cli("store", "check", "--db", str(path))
    assert code == 0, out


def test_the_pinned_calendar_outlives_new_calendar_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store written today keeps replaying after a release ships other calendar data (here:
    coverage to 2040), because the calendar it first counted with is pinned in it."""
    path = tmp_path / "s.sqlite3"
    clock = SimulatedClock(datetime(2026, 3, 2, 2, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    try:
        sop = engine.load(LAPOR)
        first = engine.calendar(sop).version
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        engine.fire("c1", "verifikasi", ADMIN, VERIFY)
        clock.advance(timedelta(days=1))
    finally:
        engine.store.close()  # type: ignore[attr-defined]
    assert _pins(path) == [(sop.hash, first)]
    unpinned = tmp_path / "unpinned.sqlite3"
    shutil.copy(path, unpinned)
    db = sqlite3.connect(unpinned)
    db.execute("DELETE FROM calendars")
    db.commit()
    db.close()

    monkeypatch.setattr(calendar_module, "YEARS", range(2020, 2041))  # "the next release"
    assert indonesia().version != first

    def problems(where: Path) -> list[str]:
        store = open_readonly(where)
        try:
            return [p.what for p in check_store(store, Registry())[1]]
        finally:
            store.close()

    assert problems(path) == []
    assert problems(unpinned)  # without its pin the replay counts with the new data
    # a writer of the next release goes on counting the same SOP version with the pinned one
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock, registry=Registry())
    try:
        assert engine.load(LAPOR).hash == sop.hash
        assert engine.calendar(sop).version == first
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
        case = engine.fire("c2", "verifikasi", ADMIN, VERIFY)
        assert {d.calendar_version for d in case.deadlines} == {first}
    finally:
        engine.store.close()  # type: ignore[attr-defined]
    assert problems(path) == []


def test_an_old_schema_is_refused_with_the_fix_not_a_traceback(tmp_path: Path) -> None:
    """``store check`` reads without migrating: a schema-2 file crashed every check with
    ``no such table: personal_data``; now one environment error naming the fix (exit 2)."""
    path = _old_store(tmp_path)
    code, out = _cli("store", "check", "--db", str(path))
    assert code == 2
    assert "Traceback" not in out
    assert "schema is version 2" in out
    assert "sop store migrate" in out


def test_postgresql_resolves_then_pins_the_calendar_of_a_store_from_before_pinning(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on the real PostgreSQL server: a store written by the release whose calendar
    ended in 2030 (nothing pinned) passes the read-only check, and a writer pins the rebuild."""
    import psycopg

    from sop_engine._persistence.postgres import PgStore

    def sql(text: str) -> list[tuple[object, ...]]:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            cur = conn.execute(text)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    clock = SimulatedClock(datetime(2026, 3, 2, 2, tzinfo=UTC))
    with monkeypatch.context() as m:  # the earlier release
        m.setattr(calendar_module, "YEARS", range(2020, 2031))
        engine = Engine(store=PgStore(pg_url, clock=clock), clock=clock, registry=Registry())
        sop = engine.load(LAPOR)
        earlier = engine.calendar(sop).version
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        engine.fire("c1", "verifikasi", ADMIN, VERIFY)
        engine.store.close()  # type: ignore[attr-defined]
    sql("DELETE FROM calendars")  # that release pinned nothing
    assert earlier != indonesia().version

    store = open_readonly(pg_url)
    try:
        checked, problems = check_store(store, Registry())
    finally:
        store.close()
    assert (checked, problems) == (1, [])

    engine = Engine(store=PgStore(pg_url, clock=clock), clock=clock, registry=Registry())
    try:
        assert engine.load(LAPOR).hash == sop.hash
        assert engine.calendar(sop).version == earlier
    finally:
        engine.store.close()  # type: ignore[attr-defined]
    [(doc,)] = sql("SELECT doc FROM calendars")
    assert json.loads(str(doc))["version"] == earlier
    code, out = _cli("store", "check", "--db", pg_url)
    assert code == 0, out


def test_an_adopted_calendar_replays_before_during_and_after_the_adoption(
    tmp_path: Path,
) -> None:
    """``change_calendar`` keeps every case replayable: a case closed before the adoption
    replays with the pinned calendar, one whose clock was re-armed replays its ``@recalendar``,
    one started after counts with the adopted calendar (the store keeps each calendar with the
    instant it was saved). On main the re-armed case failed store check ('@recalendar events
    cannot be replayed'); replaying with the adopted calendar alone broke the closed one."""
    from sop_engine import Actor

    from conftest import full_workflow

    path = tmp_path / "s.sqlite3"
    clock = SimulatedClock(datetime(2026, 3, 2, 2, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    try:
        sop = engine.load(LAPOR)
        first = engine.calendar(sop).version
        full_workflow(engine, "closed-before")
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="re-armed")
        engine.fire("re-armed", "verifikasi", ADMIN, VERIFY)
        clock.advance(timedelta(hours=1))
        flood = indonesia().amended(add=[DayOff(date(2026, 3, 4), "closure", "Banjir", "SE 1")])
        changed = engine.change_calendar(sop.id, flood, Actor("kepala", "pimpinan"), "banjir")
        assert [c.id for c in changed] == ["re-armed"]
        clock.advance(timedelta(hours=1))
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="after")
        after = engine.fire("after", "verifikasi", ADMIN, VERIFY)
        assert {d.calendar_version for d in after.deadlines} == {flood.version}
        clock.advance(timedelta(days=20))
        engine.sweep()  # the items due under both calendars
    finally:
        engine.store.close()  # type: ignore[attr-defined]
    assert [v for _, v in _pins(path)] == [first, flood.version]
    code, out = _cli("store", "check", "--db", str(path))
    assert code == 0, out
    assert "3 case(s) replayed" in out
    # the database's clock a little ahead of the writer's: the adoption looks saved after its
    # own @recalendar event, which still replays (found by the calendar's fingerprint)
    db = sqlite3.connect(path)
    (saved,) = db.execute("SELECT saved FROM calendars ORDER BY id DESC LIMIT 1").fetchone()
    later = (datetime.fromisoformat(saved) + timedelta(seconds=30)).isoformat()
    db.execute(
        "UPDATE calendars SET saved = ? WHERE id = (SELECT max(id) FROM calendars)", (later,)
    )
    db.commit()
    db.close()
    code, out = _cli("store", "check", "--db", str(path))
    assert code == 0, out
