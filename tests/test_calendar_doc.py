"""The JSON form of a working calendar: an exact round trip, and bad documents named."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_engine._core.calendar import (
    CalendarDocError,
    DayOff,
    WorkingCalendar,
    calendar_from_doc,
    calendar_to_doc,
    indonesia,
)
from sop_engine._core.errors import SopError

ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
texts = st.text(max_size=20)
days_off = st.builds(
    DayOff,
    days,
    st.sampled_from(["national", "cuti_bersama", "cuti_daerah", "closure"]),
    texts,
    texts,
)
times = st.times().map(lambda t: t.replace(tzinfo=None))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    hours = None
    if draw(st.booleans()):
        a, b = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
        hours = (a, b)
    cal = indonesia(
        zone=draw(st.sampled_from(ZONES)),
        cuti_bersama=draw(st.booleans()),
        office_hours=hours,
        cutoff=draw(st.none() | times),
        local_days_off=draw(st.lists(days_off, max_size=4)),
        extra_working_days=draw(st.lists(days, max_size=4)),
    )
    for _ in range(draw(st.integers(0, 2))):  # amendments, as an agency adopts them
        cal = cal.amended(
            add=draw(st.lists(days_off, max_size=3)),
            remove=draw(st.lists(days, max_size=3)),
            working=draw(st.lists(days, max_size=2)),
        )
    return cal


@settings(max_examples=40, deadline=None)
@given(calendars())
def test_a_calendar_survives_its_document_and_json(cal: WorkingCalendar) -> None:
    doc = calendar_to_doc(cal)
    back = calendar_from_doc(json.loads(json.dumps(doc)))
    assert back == cal
    assert back.version == cal.version
    assert calendar_to_doc(back) == doc


def test_the_document_is_readable_json() -> None:
    cal = indonesia(
        zone="Asia/Makassar",
        office_hours=(time(8), time(16)),
        cutoff=time(15, 30),
        local_days_off=[
            DayOff(date(2026, 5, 5), "cuti_daerah", "Hari jadi kota", "Perwali 3/2026")
        ],
    ).amended(working=[date(2026, 3, 7)])
    doc = calendar_to_doc(cal)
    assert doc["zone"] == "Asia/Makassar"
    assert doc["office_hours"] == ["08:00:00", "16:00:00"]
    assert doc["cutoff"] == "15:30:00"
    assert doc["extra_working_days"] == ["2026-03-07"]
    assert {
        "date": "2026-05-05",
        "kind": "cuti_daerah",
        "name": "Hari jadi kota",
        "source": "Perwali 3/2026",
    } in doc["days_off"]
    assert doc["version"] == cal.version


def test_a_day_off_filed_under_another_date_round_trips() -> None:
    cal = WorkingCalendar(
        "x", "Asia/Jakarta", {date(2026, 1, 2): DayOff(date(2026, 1, 1), "closure", "n")}
    )
    assert calendar_from_doc(calendar_to_doc(cal)) == cal


def _doc(**changes: Any) -> dict[str, Any]:
    doc = calendar_to_doc(indonesia(office_hours=(time(8), time(16))))
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ([], "expected a mapping"),
        (_doc(format=2), "format 2"),
        (_doc(id=None, version=None), "id: expected text"),
        (_doc(zone="Asia/Atlantis", version=None), "unknown time zone"),
        (_doc(days_off="x"), "days_off: expected a list"),
        (
            _doc(days_off=[{"date": "2026-13-01", "kind": "closure", "name": "n"}]),
            "days_off[0].date",
        ),
        (_doc(days_off=[{"date": "2026-01-01", "kind": "libur", "name": "n"}]), "days_off[0].kind"),
        (_doc(extra_working_days=["kemarin"]), "extra_working_days[0]"),
        (_doc(weekend=[7]), "weekend"),
        (_doc(office_hours=["08:00"]), "office_hours"),
        (_doc(office_hours=["16:00", "08:00"], version=None), "office hours must start before"),
        (_doc(cutoff="25:00"), "cutoff"),
        (_doc(years=[2020]), "years"),
        (_doc(version="0" * 16), "does not match its content"),
    ],
)
def test_a_bad_document_names_its_problem(doc: Any, problem: str) -> None:
    with pytest.raises(CalendarDocError) as info:
        calendar_from_doc(doc)
    assert problem in info.value.problem
    assert isinstance(info.value, SopError)
    assert "invalid calendar document" in str(info.value)


@pytest.mark.parametrize(
    ("doc", "indonesian"),
    [
        ([], "dokumen kalender tidak sah: seharusnya pemetaan nama ke nilai, ditemukan 'list'"),
        (_doc(format=2), "format 2 bukan 1"),
        (_doc(id=None, version=None), "id: seharusnya teks, ditemukan 'NoneType'"),
        (_doc(zone="Asia/Atlantis", version=None), "zona waktu"),
        (_doc(days_off="x"), "days_off: seharusnya daftar"),
        (
            _doc(days_off=[{"date": "2026-13-01", "kind": "closure", "name": "n"}]),
            "days_off[0].date: '2026-13-01' bukan tanggal (YYYY-MM-DD)",
        ),
        (
            _doc(days_off=[{"date": "2026-01-01", "kind": "libur", "name": "n"}]),
            "days_off[0].kind: 'libur' bukan salah satu dari 'national', 'cuti_bersama'",
        ),
        (_doc(weekend=[7]), "weekend: [7] bukan daftar hari 0 (Senin) sampai 6 (Minggu)"),
        (_doc(office_hours=["08:00"]), "bukan [jam buka, jam tutup] atau null"),
        (_doc(cutoff="25:00"), "cutoff: '25:00' bukan jam (HH:MM[:SS])"),
        (_doc(years=[2020]), "years: [2020] bukan [tahun awal, tahun akhir]"),
        (_doc(version="0" * 16), "tidak cocok dengan isinya"),
    ],
)
def test_a_bad_document_is_named_in_indonesian(doc: Any, indonesian: str) -> None:
    """``message("id")`` says the whole error in Indonesian (it was one mixed "id / en" text);
    ``message("en")`` is the English, and neither carries the other language."""
    from test_language_coverage import foreign_words

    with pytest.raises(CalendarDocError) as info:
        calendar_from_doc(doc)
    said = info.value.message("id")
    assert said.startswith("dokumen kalender tidak sah: "), said
    assert indonesian in said
    assert not foreign_words(said, "id"), said
    english = info.value.message("en")
    assert english.startswith("invalid calendar document: ")
    assert english == str(info.value)
    assert not foreign_words(english, "en"), english


def test_a_calendar_read_back_counts_the_same_deadlines() -> None:
    from datetime import UTC, datetime

    cal = indonesia(local_days_off=[DayOff(date(2026, 3, 3), "closure", "Banjir")])
    back = calendar_from_doc(json.loads(json.dumps(calendar_to_doc(cal))))
    start = datetime(2026, 3, 2, 1, tzinfo=UTC)
    assert [back.due(start, n, "working_days") for n in (1, 3, 10)] == [
        cal.due(start, n, "working_days") for n in (1, 3, 10)
    ]
    assert back.due(start, 1, "working_days") - start > timedelta(days=1)  # the closure counts
