"""``sop report``: every figure of the March report of reports_fixture.py against the values
worked out by hand from the script (the comments there), and the four output formats."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reports_fixture import NOW, build
from sop_engine import Engine, Registry
from sop_engine._reports.report import build_report
from sop_engine.cli import main

from conftest import ROOT

PERIOD = ["--from", "2026-03-01", "--to", "2026-04-01", "--now", "2026-04-01T01:00:00"]


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path_factory.mktemp("report") / "month.db"
    engine = build(path, Registry())
    yield engine, path
    engine.store.close()  # type: ignore[attr-defined]


def _clock(
    name: str, on_time: int, late: int, breached: int, classes: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    whole = on_time + late + breached
    return {
        "clock": name,
        "denominator": whole,
        "on_time": on_time,
        "late": late,
        "breached": breached,
        "percent": round(100 * on_time / whole, 1),
        "by_class": {
            k: {"denominator": n, "on_time": ok, "percent": round(100 * ok / n, 1)}
            for k, (ok, n) in classes.items()
        },
    }


def _stage(state: str, days: list[int]) -> dict[str, Any]:
    ordered = sorted(days)
    n = len(ordered)
    mid = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    rank = -(-9 * n // 10)  # ceil(0.9 n)
    return {"state": state, "visits": n, "median": mid, "p90": float(ordered[rank - 1])}


# -- the figures, from the script's comments (received A B C D E F H; G is February) ----------
EXPECTED = {
    "received": {
        "total": 7,
        "by_channel": {"app": 1, "loket": 1, "sms": 3, "web": 2},  # D; E; A F C; B H
        "by_class": {"-": 2, "aspirasi": 1, "pengaduan": 3, "permintaan_informasi": 1},
    },
    "compliance": [
        # A, B, H met before due; C (aspirasi, due 30 Mar) met 31 Mar; E's is not yet due
        _clock("penyelesaian", 3, 1, 0, {"aspirasi": (0, 1), "pengaduan": (3, 3)}),
        # A, B, H on time; C due 30 Mar, met 31 Mar
        _clock("tindak_lanjut", 3, 1, 0, {"aspirasi": (0, 1), "pengaduan": (3, 3)}),
        # A F H C E on time (F archived = closed before due); B late (5 Mar); D breached (27 Mar)
        _clock(
            "verifikasi",
            5,
            1,
            1,
            {"-": (1, 2), "aspirasi": (1, 1), "pengaduan": (2, 3), "permintaan_informasi": (1, 1)},
        ),
    ],
    "stage_times": [
        _stage("diproses", [1, 0, 1, 1, 5]),  # A, B, H twice, C (17 -> 31 Mar)
        _stage("ditanggapi", [1, 10, 2, 1]),  # A, B (10 -> 31 Mar), H twice
        _stage("diterima", [1, 5, 0, 0, 0, 0, 1]),  # A, B, F, H, C, E twice
        _stage("draf_tanggapan", [0, 0, 0, 0, 0]),
        _stage("menunggu_kelengkapan", [2]),  # E, 25 -> 27 Mar
        _stage("terdisposisi", [1, 1, 1, 1]),
        _stage("terverifikasi", [0, 0, 0, 0]),
    ],
    # open at the end of March: C (6 working days old), D (5), E (4)
    "backlog": {"total": 3, "by_age": {"0-3": 0, "4-5": 2, "6-14": 1, "15-60": 0, ">60": 0}},
    "breaches": {
        "total": 4,  # B verifikasi, D verifikasi, C tindak_lanjut and penyelesaian
        "by_clock": {"penyelesaian": 1, "tindak_lanjut": 1, "verifikasi": 2},
        "by_unit": {"-": 1, "dinas_kesehatan": 1, "dinas_pupr": 2},
    },
    "escalations": {
        "total": 5,  # level 1: B, C twice, D; level 2: D on 31 Mar
        "by_level": {"1": 4, "2": 1},
        "by_unit": {"-": 2, "dinas_kesehatan": 1, "dinas_pupr": 2},
    },
    "ethics": {  # A's short response; C's two late actions without a reason
        "total": 3,
        "by_rule": {"KE-06": {"flag": 1, "block": 0}, "KE-07": {"flag": 2, "block": 0}},
    },
    "reopened": 1,  # H disputed
    "closed_automatically": {"total": 1, "by_event": {"tutup_otomatis": 1}},  # B
    "trend": [{"month": "2026-03", "received": 7, "closed": 4, "breaches": 4}],  # closed A B F H
}


def _without_labels(report: dict[str, Any]) -> dict[str, Any]:
    out = {k: report[k] for k in EXPECTED}
    out["compliance"] = [{k: v for k, v in c.items() if k != "label"} for c in out["compliance"]]
    out["stage_times"] = [{k: v for k, v in s.items() if k != "label"} for s in out["stage_times"]]
    return out


def test_every_figure_equals_the_hand_worked_value(month: tuple[Engine, Path]) -> None:
    engine, _ = month
    report = build_report(engine, date(2026, 3, 1), date(2026, 4, 1), now=NOW, lang="en")
    assert _without_labels(report) == EXPECTED
    assert report["compliance"][2]["label"] == "Verification (3 working days)"
    assert set(report["definitions"]) >= {"received", "compliance", "backlog", "public"}


def test_a_unit_and_an_agency_narrow_the_cases(month: tuple[Engine, Path]) -> None:
    engine, _ = month
    kes = build_report(engine, date(2026, 3, 1), date(2026, 4, 1), unit="dinas_kesehatan", now=NOW)
    assert kes["received"]["total"] == 1  # B
    assert kes["closed_automatically"]["total"] == 1
    other = build_report(engine, date(2026, 3, 1), date(2026, 4, 1), agency="Dinas Lain", now=NOW)
    assert other["received"]["total"] == 0
    assert other["compliance"] == []


def test_public_figures_suppress_cells_under_five(month: tuple[Engine, Path]) -> None:
    engine, _ = month
    report = build_report(engine, date(2026, 3, 1), date(2026, 4, 1), now=NOW, public=True)
    assert report["public"] is True
    assert report["received"]["total"] == 7
    assert report["received"]["by_channel"] == {
        "app": "<5",
        "loket": "<5",
        "sms": "<5",
        "web": "<5",
    }
    verif = report["compliance"][2]
    assert (verif["denominator"], verif["on_time"], verif["percent"]) == (7, 5, 71.4)
    assert verif["by_class"]["pengaduan"] == {"denominator": "<5", "on_time": "<5", "percent": None}
    follow = report["compliance"][1]
    assert (follow["denominator"], follow["percent"]) == ("<5", None)
    assert report["backlog"]["by_age"]["0-3"] == 0  # zero is not a small cell
    stages = {s["state"]: s for s in report["stage_times"]}
    assert stages["diterima"]["median"] == 0.0
    assert stages["ditanggapi"]["median"] is None
    assert report["reopened"] == "<5"


def _cli(*args: str) -> Any:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res


def test_json_and_csv_carry_the_same_figures(month: tuple[Engine, Path]) -> None:
    _, path = month
    doc = json.loads(
        _cli("report", "--db", str(path), *PERIOD, "--format", "json", "--lang", "en").output
    )
    assert _without_labels(doc) == EXPECTED
    rows = list(
        csv.DictReader(
            io.StringIO(_cli("report", "--db", str(path), *PERIOD, "--format", "csv").output)
        )
    )
    cells = {(r["section"], r["item"], r["measure"]): r["value"] for r in rows}
    assert cells[("received", "by_channel", "sms")] == "3"
    assert cells[("compliance", "verifikasi", "percent")] == "71.4"
    assert cells[("compliance", "verifikasi", "denominator")] == "7"
    assert cells[("backlog", "by_age", "4-5")] == "2"


def test_html_is_one_offline_file_with_charts_and_the_diagram(
    month: tuple[Engine, Path], tmp_path: Path
) -> None:
    _, path = month
    out = tmp_path / "r.html"
    _cli("report", "--db", str(path), *PERIOD, "--format", "html", "-o", str(out))
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    # nothing fetched: no scripts, stylesheets, images or fonts from anywhere
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "@import" not in html
    assert "url(http" not in html
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 5  # 4 charts (matplotlib) and the SOP diagram (Graphviz)
    for svg in svgs:
        ET.fromstring(svg)
    assert "Matplotlib" in html or "matplotlib" in html
    assert "71,4" in html or "71.4" in html
    assert "7" in html
    assert "Verifikasi laporan (3 hari kerja)" in html


def test_xlsx_has_a_sheet_per_section(month: tuple[Engine, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _, path = month
    out = tmp_path / "r.xlsx"
    _cli("report", "--db", str(path), *PERIOD, "--format", "xlsx", "--lang", "en", "-o", str(out))
    book = load_workbook(out)
    assert {"Summary", "Compliance", "Stage times", "Backlog"} <= set(book.sheetnames)
    sheet = book["Compliance"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    verif = next(r for r in rows if r[0] == "verifikasi")
    assert verif[2:7] == [7, 5, 1, 1, 71.4]


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not os.environ.get("CI"),
    reason="DEBIAN CHROMIUM NOT INSTALLED: the HTML report is NOT opened in a browser",
)
def test_html_report_opens_offline_in_a_real_browser(
    month: tuple[Engine, Path], tmp_path: Path
) -> None:
    """Chromium opens the file with the network cut: it asks for nothing but the file itself,
    and every chart and the diagram are drawn with a real size."""
    from playwright.sync_api import sync_playwright

    _, path = month
    out = tmp_path / "r.html"
    _cli("report", "--db", str(path), *PERIOD, "--format", "html", "-o", str(out))
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("request", lambda r: requested.append(r.url))
            page.goto(out.as_uri())
            sizes = page.eval_on_selector_all(
                "svg",
                "els => els.filter(e => !e.parentElement.closest('svg'))"
                ".map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
            )
            text = page.inner_text("body")
            artifacts = Path(os.environ.get("SOP_TEST_ARTIFACTS", ROOT / "test-artifacts"))
            (artifacts / "report").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "report" / "report.png"), full_page=True)
        finally:
            browser.close()
    assert requested == [out.as_uri()]
    assert len(sizes) >= 5
    assert all(w > 50 and h > 50 for w, h in sizes), sizes
    assert "Verifikasi laporan (3 hari kerja)" in text


@pytest.mark.parametrize(("lang", "said"), [("id", "tidak"), ("en", "no")])
def test_xlsx_summary_says_public_in_words_of_its_language(
    month: tuple[Engine, Path], tmp_path: Path, lang: str, said: str
) -> None:
    """Regression: the summary sheet's "Public version" row said Python's `False` (in the
    Indonesian workbook too) unless the report was public and Indonesian (`ya`)."""
    from openpyxl import load_workbook

    _, path = month
    out = tmp_path / "r.xlsx"
    _cli("report", "--db", str(path), *PERIOD, "--format", "xlsx", "--lang", lang, "-o", str(out))
    sheet = load_workbook(out)["Ringkasan" if lang == "id" else "Summary"]
    label = "Versi publik" if lang == "id" else "Public version"
    first = next(
        r[1].value for r in sheet.iter_rows() if r[0].value == label
    )  # then its definition
    assert first == said
