"""Issue 18: the working-day calendar's end is a documented, typed condition, warned a year ahead.

The national calendar covers the years its data covers (``YEARS``, today 2020-2050: as far as
the ``holidays`` package has every national holiday, later years as its estimates,
docs/calendar.md). A count past its end is
refused with :class:`CalendarExhausted`; ``sop lint``, ``sop calendar`` and ``sop worker`` warn
when the end is within a year, or when an SOP's longest deadline started today could reach past
it. The date is passed in (``--today``) so the tests do not age.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sop_engine import Engine
from sop_engine._compile.compiled import compile_sop
from sop_engine._compile.loading import load_definition
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import CalendarExhausted, calendar_end, horizon_warning, indonesia
from sop_engine._features.deadlines import latest_due
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

from conftest import LAPOR

LONG = """
sop: { id: panjang, version: "1", title: Sengketa panjang, agency: Dinas Contoh }
roles:
  admin: { label: Admin }
fields:
  lokasi: { type: text }
states:
  diterima: { label: Diterima, initial: true }
  selesai: { label: Selesai, final: true }
events:
  tutup: { label: Tutup, roles: admin }
transitions:
  - { event: tutup, from: diterima, to: selesai }
deadlines:
  calendar: { id: ID, zone: Asia/Jakarta }
  clocks:
    sengketa:
      label: Penyelesaian sengketa
      duration: { working_days: 6500 }
      start: { enter: diterima }
      stop: { enter: selesai }
"""
"""An SOP whose one clock is 6,500 working days (about 26 years): started in 2026 it runs past
the calendar's end in 2050."""

TODAY = date(2026, 12, 7)


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _long(tmp_path: Path) -> Path:
    path = tmp_path / "panjang.yaml"
    path.write_text(LONG)
    return path


def test_the_end_is_a_typed_refusal_not_a_wrong_date() -> None:
    cal = indonesia()
    assert calendar_end(cal) == date(2050, 12, 31)
    start = datetime(2050, 9, 2, 2, tzinfo=UTC)
    with pytest.raises(CalendarExhausted) as caught:
        cal.due(start, 100, "working_days")
    assert caught.value.years == (2020, 2050)
    assert "extend the calendar" in str(caught.value)


def test_the_warning_comes_a_year_ahead_and_not_before() -> None:
    cal = indonesia()
    assert horizon_warning(cal, TODAY) is None
    assert horizon_warning(cal, date(2049, 12, 30)) is None
    near = horizon_warning(cal, date(2050, 1, 1))
    assert near is not None
    assert "ends on 2050-12-31, 364 day(s) from today" in str(near)


def test_an_sop_whose_longest_deadline_reaches_past_the_end_is_warned_now(
    tmp_path: Path,
) -> None:
    registry = Registry()
    long = compile_sop(load_definition(_long(tmp_path), registry=registry), registry)
    lapor = compile_sop(load_definition(LAPOR, registry=registry), registry)
    assert long.deadlines is not None
    assert long.calendar is not None
    reach = latest_due(long.deadlines, long.calendar, TODAY)
    assert reach > calendar_end(long.calendar)
    warning = horizon_warning(long.calendar, TODAY, reach=reach)
    assert warning is not None
    assert "could fall due as late as" in str(warning)
    # the LAPOR! SOP's longest clock (60 working days plus extensions) fits easily
    assert lapor.deadlines is not None
    assert lapor.calendar is not None
    fits = latest_due(lapor.deadlines, lapor.calendar, TODAY)
    assert TODAY < fits < date(2027, 12, 31)
    assert horizon_warning(lapor.calendar, TODAY, reach=fits) is None


def test_lint_warns_without_failing(tmp_path: Path) -> None:
    long = _long(tmp_path)
    text = _cli("lint", str(long), "--today", TODAY.isoformat(), "--lang", "en")
    assert text.exit_code == 0, text.output
    assert "could fall due as late as" in text.output
    assert "1 warning(s)" in text.output
    doc = json.loads(_cli("lint", str(long), "--today", "2026-12-07", "--format", "json").output)
    assert doc["warnings"] == 1
    assert doc["calendar_warnings"][0]["path"] == str(long)
    quiet = _cli("lint", str(LAPOR), "--today", TODAY.isoformat(), "--lang", "en")
    assert quiet.exit_code == 0
    assert "0 warning(s)" in quiet.output
    late = _cli("lint", str(LAPOR), "--today", "2050-06-01", "--lang", "en")
    assert late.exit_code == 0
    assert "ends on 2050-12-31, 213 day(s) from today" in late.output


def test_sop_calendar_warns_on_standard_error() -> None:
    runner = CliRunner(env={"SOP_LANG": "en"})  # result.stdout and result.stderr apart
    near = runner.invoke(main, ["calendar", "holidays", "2050", "--today", "2050-03-01"])
    assert near.exit_code == 0
    assert "2050-12-25" in near.stdout
    assert "ends on 2050-12-31" in near.stderr
    far = runner.invoke(main, ["calendar", "holidays", "2027", "--today", "2026-12-07"])
    assert far.exit_code == 0
    assert far.stderr == ""
    past = runner.invoke(main, ["calendar", "due", "2050-09-02", "100", "--today", "2026-12-07"])
    assert past.exit_code == 2  # past the calendar: a usage error, like every bad argument
    assert "covers 2020-2050" in past.stderr
    assert "Traceback" not in past.stderr


def test_a_worker_warns_when_it_starts(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    engine = Engine(store=SqliteStore(db))
    engine.load(_long(tmp_path))
    engine.store.close()  # type: ignore[attr-defined]
    sop = str(Path(sys.executable).parent / "sop")
    run = subprocess.run(
        [sop, "worker", "--db", str(db), "--exit-when-idle", "--outbox", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOP_LANG": "en"},
    )
    assert run.returncode == 0, run.stderr
    assert "warning: panjang: calendar ID ends on 2050-12-31" in run.stderr


def test_days_off_not_decreed_yet_say_they_are_estimates() -> None:
    """Years without an SKB 3 Menteri yet hold the package's computed lunar holidays; their
    source says so (a supervisor reading `sop calendar holidays` knows which days may move)."""
    cal = indonesia()
    later = [o for o in cal.days_off.values() if o.day.year == 2030 and "Idul Fitri" in o.name]
    assert later
    assert all("estimate" in o.source for o in later)
    decreed = [o for o in cal.days_off.values() if o.day.year == 2026 and "Idul Fitri" in o.name]
    assert decreed
    assert all("estimate" not in o.source for o in decreed)
