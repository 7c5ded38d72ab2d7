"""Working-day calendars against the real 2025 and 2026 decrees, and their arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_engine import DayOff, indonesia

ID = indonesia()
NASIONAL = indonesia(cuti_bersama=False)

# domain.md §8.2 (SKB 1017/2/2 of 2024, amended 7 Aug 2025) and §8.3 (SKB 1497/2025, 2/2025, 5/2025)
NATIONAL_2025 = "01-01 01-27 01-29 03-29 03-31 04-01 04-18 04-20 05-01 05-12 05-29 06-01 06-06 06-27 08-17 09-05 12-25"
CUTI_2025 = "01-28 03-28 04-02 04-03 04-04 04-07 05-13 05-30 06-09 08-18 12-26"
NATIONAL_2026 = "01-01 01-16 02-17 03-19 03-21 03-22 04-03 04-05 05-01 05-14 05-27 05-31 06-01 06-16 08-17 08-25 12-25"
CUTI_2026 = "02-16 03-18 03-20 03-23 03-24 05-15 05-28 12-24"


def _dates(year: int, text: str) -> list[date]:
    return [date.fromisoformat(f"{year}-{md}") for md in text.split()]


@pytest.mark.parametrize(
    ("year", "national", "cuti"),
    [(2025, NATIONAL_2025, CUTI_2025), (2026, NATIONAL_2026, CUTI_2026)],
)
def test_days_off_match_the_decrees(year: int, national: str, cuti: str) -> None:
    days = ID.holidays(year)
    assert [o.day for o in days if o.kind == "national"] == _dates(year, national)
    assert [o.day for o in days if o.kind == "cuti_bersama"] == _dates(year, cuti)
    assert [o.day for o in NASIONAL.holidays(year)] == _dates(year, national)


def test_2027_has_its_cuti_bersama() -> None:
    assert len([o for o in ID.holidays(2027) if o.kind == "cuti_bersama"]) == 8


def test_18_august_2025_amendment() -> None:
    assert not ID.is_working_day(date(2025, 8, 18))
    assert NASIONAL.is_working_day(date(2025, 8, 18))
    assert ID.days_off[date(2025, 8, 18)].kind == "cuti_bersama"


def _wib(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize(
    ("start", "n", "due_day"),
    [
        (_wib(2026, 3, 16), 3, date(2026, 3, 26)),  # across Nyepi and Idul Fitri 2026
        (_wib(2026, 3, 17), 1, date(2026, 3, 25)),
        (_wib(2025, 3, 27), 5, date(2025, 4, 14)),  # across Idul Fitri 2025
        (_wib(2025, 12, 23), 3, date(2025, 12, 30)),  # Christmas and its cuti bersama
        (_wib(2025, 12, 31), 1, date(2026, 1, 2)),  # New Year
        (_wib(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday
        (_wib(2026, 3, 7), 1, date(2026, 3, 9)),  # START on a Saturday: same as Friday's rule
        (_wib(2026, 3, 8), 1, date(2026, 3, 9)),
        (_wib(2026, 3, 2), 0, date(2026, 3, 2)),
    ],
)
def test_working_days_due(start: datetime, n: int, due_day: date) -> None:
    due = ID.due(start, n, "working_days")
    assert due.tzinfo is UTC
    assert ID._due_date(due) == due_day
    assert due == datetime.combine(due_day, time(23, 59, 59), ID._tz).astimezone(UTC)


def test_start_day_is_taken_in_the_agencys_zone() -> None:
    # 2026-03-02 23:30 WIB is 2026-03-03 01:30 WITA: the same instant, different start days
    instant = _wib(2026, 3, 2, 23, 30)
    wib = indonesia(zone="Asia/Jakarta")
    wita = indonesia(zone="Asia/Makassar")
    assert wib._due_date(wib.due(instant, 1, "working_days")) == date(2026, 3, 3)
    assert wita._due_date(wita.due(instant, 1, "working_days")) == date(2026, 3, 4)


def test_office_hours_and_cutoff() -> None:
    cal = indonesia(zone="Asia/Makassar", office_hours=(time(8), time(16)), cutoff=time(15))
    start = datetime(2026, 3, 16, 14, 59, tzinfo=cal._tz)
    assert cal.due(start, 3, "working_days").astimezone(cal._tz).isoformat() == (
        "2026-03-26T16:00:00+08:00"
    )
    late = datetime(2026, 3, 16, 15, 1, tzinfo=cal._tz)  # after the cut-off: received on Tuesday
    assert cal.due(late, 3, "working_days").astimezone(cal._tz).date() == date(2026, 3, 27)


def test_working_hours_skip_nights_weekends_and_holidays() -> None:
    cal = indonesia(zone="Asia/Makassar", office_hours=(time(8), time(16)))
    start = datetime(2026, 3, 17, 15, 30, tzinfo=cal._tz)
    assert cal.due(start, 4, "working_hours").astimezone(cal._tz) == datetime(
        2026, 3, 25, 11, 30, tzinfo=cal._tz
    )
    with pytest.raises(ValueError, match="no office hours"):
        indonesia().due(start, 1, "working_hours")


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        indonesia(zone="Asia/Bandung")
    with pytest.raises(ValueError, match="no time zone"):
        ID.due(datetime(2026, 3, 2), 1, "working_days")
    with pytest.raises(ValueError, match="covers 2020-2050"):
        ID.due(datetime(2051, 1, 1, tzinfo=UTC), 1, "working_days")


def test_local_days_off_and_versioning() -> None:
    local = DayOff(date(2026, 3, 10), "cuti_daerah", "Hari Jadi Kota", "Perwali 1/2026")
    amended = ID.amended(add=[local])
    assert amended.version != ID.version
    assert not amended.is_working_day(date(2026, 3, 10))
    assert ID.is_working_day(date(2026, 3, 10))
    assert amended.amended(remove=[date(2026, 3, 10)]).version == ID.version


DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 10, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(0, 40), st.integers(0, 40))
def test_adding_n_then_m_is_adding_n_plus_m(day: date, n: int, m: int) -> None:
    assert ID.add_working_days_to_date(ID.add_working_days_to_date(day, n), m) == (
        ID.add_working_days_to_date(day, n + m)
    )


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(1, 60))
def test_due_day_is_a_working_day_and_matches_a_plain_count(day: date, n: int) -> None:
    due = ID.add_working_days_to_date(day, n)
    assert ID.is_working_day(due)
    # oracle: count forward one day at a time
    count, d = 0, day
    while count < n:
        d += timedelta(days=1)
        count += ID.is_working_day(d)
    assert due == d
    assert ID.working_days_between(day, due) == n


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(1, 20), st.integers(0, 20), st.integers(0, 30))
def test_pausing_shifts_by_exactly_the_working_days_paused(
    day: date, n: int, paused_after: int, pause_len: int
) -> None:
    start = datetime.combine(day, time(9), ID._tz)
    due = ID.due(start, n, "working_days")
    pause_at = start + timedelta(days=min(paused_after, (ID._due_date(due) - day).days))
    resume_at = pause_at + timedelta(days=pause_len, hours=1)
    lost = ID.paused_units(pause_at, resume_at, "working_days")
    new_due = ID.due(start, n + lost, "working_days")
    paused_days = [
        pause_at.date() + timedelta(days=k)
        for k in range((resume_at.date() - pause_at.date()).days)
    ]
    assert lost == sum(ID.is_working_day(d) for d in paused_days)
    assert ID._due_date(new_due) == ID.add_working_days_to_date(ID._due_date(due), int(lost))
    assert new_due >= resume_at or ID._due_date(new_due) >= resume_at.date() or lost == 0


def _cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from sop_engine.cli import main

    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["calendar", *args])  # English texts
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            [
                "due",
                "2026-03-16T09:00",
                "3",
                "--zone",
                "Asia/Makassar",
                "--office-hours",
                "08:00-16:00",
            ],
            "2026-03-26T16:00:00+08:00",
        ),
        (["due", "2026-03-16", "3"], "2026-03-26T23:59:59+07:00"),
        (
            ["due", "2026-03-16T02:00:00+00:00", "3", "--zone", "Asia/Jayapura"],
            "2026-03-26T23:59:59+09:00",
        ),
        (["due", "2026-03-16", "10", "--unit", "days"], "2026-03-26T23:59:59+07:00"),
        (
            [
                "due",
                "2026-03-17T15:30",
                "4",
                "--unit",
                "working-hours",
                "--zone",
                "Asia/Makassar",
                "--office-hours",
                "08:00-16:00",
            ],
            "2026-03-25T11:30:00+08:00",
        ),
        (["due", "2025-08-15", "1", "--calendar", "ID-nasional"], "2025-08-18T23:59:59+07:00"),
        (["due", "2025-08-15", "1"], "2025-08-19T23:59:59+07:00"),
    ],
)
def test_cli_due(args: list[str], expected: str) -> None:
    assert _cli(*args) == (0, expected + "\n")


def test_cli_holidays_lists_days_off_with_kind() -> None:
    code, out = _cli("holidays", "2025")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 28
    assert (
        "2025-08-18\tjoint leave (cuti bersama)\tCuti Bersama Hari Kemerdekaan Republik Indonesia"
        "\tholidays package (SKB 3 Menteri)"
    ) in lines
    assert all(len(line.split("\t")) == 4 for line in lines)
    code, out = _cli("holidays", "2025", "--calendar", "ID-nasional")
    assert len(out.splitlines()) == 17


def test_cli_holidays_says_kind_and_source_in_indonesian() -> None:
    """`sop calendar holidays` in Bahasa Indonesia: the kind and the source of each day off
    are said in Indonesian (they were the English `national` and `holidays package (...)`);
    the JSON keeps the identifiers and the source as recorded, for scripts."""
    import json

    from click.testing import CliRunner

    from sop_engine.cli import main

    out = CliRunner(env={"SOP_LANG": "id"}).invoke(main, ["calendar", "holidays", "2025"]).output
    line = "2025-08-17\tlibur nasional\tHari Kemerdekaan Republik Indonesia"
    assert f"{line}\tSKB 3 Menteri (menurut paket holidays)" in out.splitlines()
    assert "national" not in out
    assert "package" not in out
    later = CliRunner(env={"SOP_LANG": "id"}).invoke(main, ["calendar", "holidays", "2030"])
    assert "perkiraan paket holidays" in later.output  # lunar days of years not decreed yet
    raw = CliRunner(env={"SOP_LANG": "id"}).invoke(
        main, ["calendar", "holidays", "2025", "--format", "json"]
    )
    day = next(d for d in json.loads(raw.output)["days_off"] if d["date"] == "2025-08-18")
    assert (day["kind"], day["source"]) == ("cuti_bersama", "holidays package (SKB 3 Menteri)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["due", "kemarin", "3"], "is not a date or date-time"),
        (["due", "2026-03-16", "3", "--zone", "Asia/Bandung"], "unknown time zone"),
        (["due", "2026-03-16", "3", "--calendar", "XX"], "unknown calendar 'XX'"),
        (["due", "2026-03-16", "3", "--unit", "weeks"], "unknown unit"),
        (["due", "2026-03-16", "3", "--unit", "working-hours"], "no office hours"),
        (["holidays", "2099"], "covers 2020-2050"),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    # a bad START, zone, calendar, unit or year is a usage error (2), not a finding (1)
    code, out = _cli(*args)
    assert code == 2
    assert message in out
    assert "Traceback" not in out
