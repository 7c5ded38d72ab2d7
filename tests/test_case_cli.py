"""``sop case list`` (the work queue) and ``sop case show`` (a case explained), on the month
of complaints in reports_fixture.py whose outcomes are worked out by hand there."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports_fixture import NOW, build
from sop_engine import CaseQuery, Engine, Registry
from sop_engine.cli import main

NOW_ARG = ["--now", "2026-04-01T01:00:00"]


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path_factory.mktemp("month") / "month.db"
    engine = build(path, Registry())
    yield engine, path
    engine.store.close()  # type: ignore[attr-defined]


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_the_work_queue_lists_overdue_cases_most_urgent_first(
    month: tuple[Engine, Path],
) -> None:
    engine, path = month
    # D's verification ran out on 27 Mar; C's clocks were met; nothing else is overdue
    rows = engine.cases(CaseQuery(overdue_at=NOW))
    assert [r.case_id for r in rows] == ["D"]
    doc = json.loads(
        _run("case", "list", "--db", str(path), "--overdue", "--format", "json", *NOW_ARG)
    )
    assert doc["total"] == 1
    (d,) = doc["cases"]
    assert d["case"] == "D"
    assert d["state"] == "diterima"
    assert d["next_due"] == "2026-03-27T16:00:00+07:00"
    assert d["overdue_working_days"] == 3  # working days after the due day: 30, 31 Mar, 1 Apr
    text = _run("case", "list", "--db", str(path), "--overdue", "--lang", "en", *NOW_ARG)
    assert "Received, not yet verified" in text
    assert "3 working day(s)" in text


def test_due_within_counts_working_days_on_the_sop_calendar(month: tuple[Engine, Path]) -> None:
    _, path = month
    # running on 1 Apr 08:00: E's penyelesaian (7 Apr), C's umpan_balik (15 Apr), D (overdue)
    ids = lambda n: [  # noqa: E731
        r["case"]
        for r in csv.DictReader(
            io.StringIO(
                _run(
                    "case",
                    "list",
                    "--db",
                    str(path),
                    "--due-within",
                    n,
                    "--format",
                    "csv",
                    *NOW_ARG,
                )
            )
        )
    ]
    assert ids("0") == ["D"]  # due by the end of 1 Apr
    assert ids("4") == ["D", "E"]  # 2, 6, 7 Apr... 4 working days after 1 Apr = 7 Apr (3 Apr off)
    assert ids("10") == ["D", "E", "C"]


def test_filters_by_unit_channel_class_state_and_breaches(month: tuple[Engine, Path]) -> None:
    engine, path = month

    def ids(*args: str) -> list[str]:
        doc = json.loads(
            _run("case", "list", "--db", str(path), "--format", "json", *args, *NOW_ARG)
        )
        return [c["case"] for c in doc["cases"]]

    assert ids() == ["G", "A", "B", "H", "F", "C", "D", "E"]
    assert ids("--unit", "dinas_kesehatan") == ["B"]
    assert ids("--channel", "sms") == ["A", "F", "C"]
    assert ids("--class", "pengaduan") == ["G", "A", "B", "H"]
    assert ids("--state", "selesai") == ["G", "A", "B", "H"]
    assert ids("--breached-since", "2026-03-06") == ["C", "D"]
    assert ids("--agency", "Dinas Komunikasi dan Informatika Kota Contoh", "--limit", "2") == [
        "G",
        "A",
    ]
    assert ids("--agency", "Dinas Lain") == []
    assert engine.count_cases(CaseQuery(channels=("web",))) == 2


def test_a_case_shows_why_each_deadline_falls_on_its_date(month: tuple[Engine, Path]) -> None:
    _, path = month
    doc = json.loads(_run("case", "show", "--db", str(path), "D", "--format", "json", *NOW_ARG))
    (verif,) = doc["deadlines"]
    assert verif["status"] == "breached"
    assert verif["start"] == "2026-03-17T09:01:00+07:00"
    assert verif["due_at"] == "2026-03-27T16:00:00+07:00"
    skipped = [(s["day"], s["kind"], s["name"]) for s in verif["skipped"]]
    assert skipped == [
        ("2026-03-18", "cuti_bersama", "Cuti Bersama Hari Suci Nyepi"),
        ("2026-03-19", "national", "Hari Suci Nyepi"),
        ("2026-03-20", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri"),
        ("2026-03-21", "national", "Hari Raya Idul Fitri"),
        ("2026-03-22", "national", "Hari kedua dari Hari Raya Idul Fitri"),
        ("2026-03-23", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri"),
        ("2026-03-24", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri"),
    ]
    assert verif["fired"] == ["remind:0", "breach", "level:1", "level:2"]
    assert len(verif["calendar_version"]) == 16
    # E: paused while waiting for the reporter, 2 working days added
    e = json.loads(_run("case", "show", "--db", str(path), "E", "--format", "json", *NOW_ARG))
    ev = next(d for d in e["deadlines"] if d["name"] == "verifikasi")
    assert ev["status"] == "met"
    assert ev["amount"] == 5
    assert ev["base"] == 3
    assert [(p["start"][:10], p["end"][:10], p["cost"]) for p in ev["pauses"]] == [
        ("2026-03-25", "2026-03-27", 2.0)
    ]
    # C: met after its due instant
    c = json.loads(_run("case", "show", "--db", str(path), "C", "--format", "json", *NOW_ARG))
    status = {d["name"]: d["status"] for d in c["deadlines"]}
    assert status == {
        "verifikasi": "met",
        "tindak_lanjut": "late",
        "penyelesaian": "late",
        "umpan_balik": "running",
    }
    assert [b["rule"] for b in c["ethics"]] == ["KE-07", "KE-07"]
    text = _run("case", "show", "--db", str(path), "D", "--lang", "en", *NOW_ARG)
    assert "Hari Suci Nyepi" in text
    assert "breached" in text
    assert "Counting rule" in text


def test_a_case_is_shown_redacted_for_its_viewer(tmp_path: Path) -> None:
    from sop_engine import SqliteStore

    from conftest import ADMIN, LAPOR

    db = tmp_path / "r.db"
    engine = Engine(store=SqliteStore(db))
    engine.load(LAPOR)
    data = {
        "pelapor": "Siti Rahma",
        "kanal": "web",
        "kerahasiaan": "anonim",
        "judul": "Pungutan liar",
        "kronologi": "Siti Rahma dimintai uang.",
    }
    engine.start("lapor-upp", data, ADMIN, case_id="x")
    engine.store.close()  # type: ignore[attr-defined]
    outward = _run("case", "show", "--db", str(db), "x", "--format", "json")
    assert "Siti Rahma" not in outward
    doc = json.loads(outward)
    assert "pelapor" in doc["withheld"]
    assert doc == json.loads(
        _run("case", "show", "--db", str(db), "x", "--format", "json", "--as", "atasan")
    )
    inside = _run(
        "case", "show", "--db", str(db), "x", "--format", "json", "--as", "admin_instansi"
    )
    assert json.loads(inside)["withheld"] == []  # the SOP's see_identity role
    assert "Siti Rahma" in inside
