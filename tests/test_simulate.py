"""``sop simulate``: proofs against queueing theory and the calendar, validation, determinism.

The queueing checks run a one-step SOP on a round-the-clock calendar: with Poisson arrivals,
exponential work and c officers the simulated mean wait for an officer and the utilisation must
contain the Erlang C (M/M/c) and M/M/1 values in their 95 % confidence intervals across
replications. Overload must show as a backlog that grows linearly. Arrivals on the Friday before
the 2026 Lebaran cuti bersama must get exactly the deadline ``sop calendar due`` prints.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sop_engine import Actor, SimulatedClock
from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._engine import Engine
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._simulate import calendar_years, engine_factory, load_inputs
from sop_engine._simulate.codes import SIM_CODES, sim_codes_markdown
from sop_engine._simulate.report import simulate
from sop_engine._simulate.scenario import SCENARIO_SCHEMA, Scenario, load_scenario
from sop_engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "simulate"
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"
QUEUE = DATA / "queue_sop.yaml"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


@pytest.fixture(scope="module")
def lapor(registry: Registry) -> CompiledSop:
    return Engine(registry=registry).load(LAPOR)


def _run(registry: Registry, sop: Path, scenario: Path, replications: int, seed: int = 1) -> Any:
    got = load_inputs(sop, scenario, registry)
    assert not isinstance(got, list), [p.format("en") for p in got]
    compiled, sc, calendar = got
    return simulate(
        compiled,
        sc,
        calendar,
        seed=seed,
        replications=replications,
        engine=engine_factory(registry),
    )


def _erlang_c(c: int, lam: float, mu: float) -> tuple[float, float]:
    """Mean wait in queue (Wq) and utilisation of an M/M/c queue."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam), rho


@pytest.mark.parametrize(
    ("name", "c", "per_day"),
    [("mmc", 3, 48.0), ("mm1", 1, 12.0)],
)
def test_queue_matches_erlang_c_within_the_confidence_interval(
    registry: Registry, name: str, c: int, per_day: float
) -> None:
    report = _run(registry, QUEUE, DATA / f"{name}.yaml", replications=10)
    wq, rho = _erlang_c(c, per_day / 24, 1.0)  # per hour; work has a mean of 1 h
    [wait] = report["waits"]
    assert wait["mean_hours"]["ci_low"] <= wq <= wait["mean_hours"]["ci_high"], (wq, wait)
    [util] = report["utilisation"]
    assert util["ci_low"] <= 100 * rho <= util["ci_high"], (rho, util)
    # and the interval is informative, not a wide net that would contain anything
    assert wait["mean_hours"]["ci_high"] - wait["mean_hours"]["ci_low"] < 0.5 * wq


def test_overload_gives_a_linearly_growing_backlog(registry: Registry) -> None:
    # 48 arrivals a day, one officer serving 24 a day: the backlog grows by about 24 a day.
    report = _run(registry, QUEUE, DATA / "overload.yaml", replications=5)
    ys = report["backlog"]["mean"]
    xs = list(range(len(ys)))
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sxy / sxx
    ss_res = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    assert 20 <= slope <= 28, slope
    assert 1 - ss_res / ss_tot > 0.99
    [util] = report["utilisation"]
    assert util["mean"] > 99


def test_friday_before_cuti_bersama_moves_the_deadline_as_sop_calendar_due(
    registry: Registry,
) -> None:
    report = _run(registry, LAPOR, DATA / "lebaran.yaml", replications=2)
    dues = report["due_by_arrival_day"]["2026-03-13"]["verifikasi"]
    runner = CliRunner()
    expected = runner.invoke(
        main, ["calendar", "due", "2026-03-13T10:00", "3", "--office-hours", "08:00-16:00"]
    ).output.strip()
    assert expected == "2026-03-25T16:00:00+07:00"  # past Nyepi, Idul Fitri and cuti bersama
    assert dues == [expected]
    # One admin, 2 hours per verification: the queue spills past Friday, still within the limit.
    [limit] = [x for x in report["limits"] if x["clock"] == "verifikasi"]
    assert limit["mean"] == 100.0
    # The days off are in the report, at their place on the backlog line (not the weekend).
    offs = {o["date"]: o for o in report["backlog"]["days_off"]}
    assert {d: o["kind"] for d, o in offs.items()} == {
        "2026-03-18": "cuti_bersama",
        "2026-03-19": "national",  # Nyepi
        "2026-03-20": "cuti_bersama",
        "2026-03-21": "national",  # Idul Fitri
        "2026-03-22": "national",
        "2026-03-23": "cuti_bersama",
        "2026-03-24": "cuti_bersama",
    }
    days = report["backlog"]["days"]
    for o in offs.values():  # the point at the end of that day
        assert days[o["index"]] == (date.fromisoformat(o["date"]) + timedelta(days=1)).isoformat()
    # The whole month of handling ran: every complaint was closed after the holidays.
    assert report["cases"]["completed"]["mean"] == report["cases"]["arrived"]["mean"] > 0


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["simulate", "--no-progress", *args])


def test_same_seed_same_bytes_and_replications_are_independent(tmp_path: Path) -> None:
    scenario = str(DATA / "lebaran.yaml")
    args = [str(LAPOR), "--scenario", scenario, "--replications", "3", "--format", "json"]
    first, again = _cli(*args, "--seed", "7"), _cli(*args, "--seed", "7")
    other = _cli(*args, "--seed", "8")
    assert first.exit_code == 0, first.output
    assert first.output == again.output
    assert first.output != other.output
    report = json.loads(first.output)
    assert report["replications"] == 3
    # Independent streams: the replications do not repeat each other's arrivals.
    arrived = report["cases"]["arrived"]
    assert arrived["ci_low"] < arrived["ci_high"]
    html_a = tmp_path / "a.html"
    html_b = tmp_path / "b.html"
    for out in (html_a, html_b):
        res = _cli(*args[:-1], "html", "--seed", "7", "-o", str(out))
        assert res.exit_code == 0, res.output
    assert html_a.read_bytes() == html_b.read_bytes()
    page = html_a.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    # self-contained: nothing to fetch, nothing to run
    assert not re.search(r"(src|href)=[\"']?(https?:|//)", page)
    assert "<script" not in page
    assert "<link" not in page


def test_compare_shows_both_scenarios_and_the_table(tmp_path: Path) -> None:
    more = tmp_path / "more.yaml"
    more.write_text(
        (DATA / "lebaran.yaml")
        .read_text(encoding="utf-8")
        .replace("id: jumat-sebelum-lebaran", "id: dua-admin")
        .replace("{ role: admin_instansi, count: 1 }", "{ role: admin_instansi, count: 2 }"),
        encoding="utf-8",
    )
    base = [str(LAPOR), "--scenario", str(DATA / "lebaran.yaml"), "--compare", str(more)]
    res = _cli(*base, "--replications", "2", "--format", "json")
    assert res.exit_code == 0, res.output
    a, b = json.loads(res.output)["compare"]
    assert (a["scenario"]["id"], b["scenario"]["id"]) == ("jumat-sebelum-lebaran", "dua-admin")
    [ua] = [u for u in a["utilisation"] if u["role"] == "admin_instansi"]
    [ub] = [u for u in b["utilisation"] if u["role"] == "admin_instansi"]
    assert ub["mean"] < ua["mean"]  # the same work shared by two officers
    page = tmp_path / "cmp.html"
    assert _cli(*base, "--format", "html", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "jumat-sebelum-lebaran" in text
    assert "dua-admin" in text
    table = _cli(*base, "--lang", "en")
    assert table.exit_code == 0
    assert "Share within each limit" in table.output
    assert "Staff utilisation" in table.output
    # the headings come from the message catalogue, in the reader's language
    table = _cli(*base, "--lang", "id")
    assert table.exit_code == 0
    assert "Persentase dalam batas waktu" in table.output
    assert "Utilisasi petugas" in table.output
    assert "Staff utilisation" not in table.output


def _corpus() -> list[Path]:
    return sorted((DATA / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.stem)
def test_invalid_scenarios_are_findings_at_their_position(
    path: Path, registry: Registry, lapor: CompiledSop
) -> None:
    expected = re.search(r"# expect: (\S+) (\d+):(\d+)", path.read_text(encoding="utf-8"))
    assert expected is not None
    years = calendar_years(lapor, registry)
    got = load_scenario(path, lapor, sorted(registry.calendars), calendar_years=years)
    assert isinstance(got, list)
    assert [(p.code, p.line, p.column) for p in got] == [
        (expected[1], int(expected[2]), int(expected[3]))
    ]
    [problem] = got
    assert problem.format("id") != problem.format("en") or problem.code.startswith("SOP")
    assert problem.hint("id")
    assert problem.hint("en")
    assert "{" not in problem.format("en") + problem.hint("en")  # every placeholder filled
    # no English fragment inside the Indonesian sentence (values are rendered in its language)
    indonesian = problem.format("id") + problem.hint("id")
    for english in ("a mapping", "a number", "a list", "must be", " step", "the file", "ends ("):
        assert english not in indonesian, indonesian


def test_invalid_scenario_through_the_cli_in_both_languages() -> None:
    path = DATA / "invalid" / "role.yaml"
    res = _cli(str(LAPOR), "--scenario", str(path), "--lang", "id")
    assert res.exit_code == 1
    assert f"{path}:5:18: SIM020 SOP tidak memiliki peran 'admin_instanse'" in res.output
    assert "did you mean 'admin_instansi'" in res.output
    assert "Traceback" not in res.output
    res = _cli(str(LAPOR), "--scenario", str(path), "--format", "json", "--lang", "en")
    assert res.exit_code == 1
    [finding] = json.loads(res.output)["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("SIM020", 5, 18)
    assert finding["message"] == "the SOP has no role 'admin_instanse'"
    # A period the calendar does not cover is a finding in the reader's language, not a crash
    # in the middle of the run (it was a ValueError traceback from the office clock).
    path = DATA / "invalid" / "outside_calendar.yaml"
    res = _cli(str(LAPOR), "--scenario", str(path), "--lang", "id")
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert f"{path}:3:37: SIM010 periode beserta 30 hari penyelesaiannya" in res.output
    assert "di luar kalender ID yang mencakup tahun 2020-2050" in res.output


def test_every_code_has_a_corpus_file_the_docs_and_the_schema_are_in_step() -> None:
    tested = {re.search(r"# expect: (\S+)", p.read_text())[1] for p in _corpus()}  # type: ignore[index]
    assert set(SIM_CODES) <= tested
    docs = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    assert sim_codes_markdown() in docs
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published == SCENARIO_SCHEMA


@pytest.mark.parametrize("example", ["lapor", "dpmptsp"])
def test_examples_are_valid_scenarios(example: str, registry: Registry) -> None:
    folder = ROOT / "examples" / example
    got = load_inputs(folder / "sop.yaml", folder / "scenario.yaml", registry)
    assert not isinstance(got, list), [p.format("en") for p in got]
    assert isinstance(got[1], Scenario)


def test_from_db_fits_the_rate_and_work_times_from_a_real_trail(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    assert CliRunner().invoke(main, ["demo", "--db", str(db)]).exit_code == 0
    res = _cli(
        str(LAPOR),
        "--scenario",
        str(DATA / "lebaran.yaml"),
        "--from-db",
        str(db),
        "--replications",
        "1",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    fitted = json.loads(res.output)["fitted_from_db"]
    assert fitted["cases"] >= 5
    assert fitted["per_day"] > 0
    assert any(s["event"] == "verifikasi" for s in fitted["steps"])


def test_from_db_fits_hand_worked_rate_and_office_time(tmp_path: Path) -> None:
    """A SQLite trail written by the real engine, with gaps worked out by hand in office time
    (08:00-16:00 WIB, working days of the ID calendar): nights and the weekend do not count."""
    wib = timezone(timedelta(hours=7))
    db = tmp_path / "trail.sqlite3"
    store = SqliteStore(db)
    clock = SimulatedClock(datetime(2026, 2, 2, 8, tzinfo=wib))
    engine = Engine(store=store, clock=clock, registry=Registry())
    sop = engine.load(LAPOR)
    admin = Actor("admin", "admin_instansi")
    data = {"kanal": "web", "kerahasiaan": "biasa", "judul": "Jalan rusak"}
    data |= {"kronologi": "Berlubang.", "lokasi": "Jl. Merdeka"}
    # (received, verified), in time order -> office hours between them
    gaps = [
        ((2, 9, 0), (2, 11, 0)),  # Monday: 2 h
        ((2, 11, 0), (2, 11, 30)),  # 0.5 h
        ((3, 9, 0), (3, 12, 0)),  # Tuesday: 3 h
        ((4, 14, 0), (5, 9, 0)),  # Wednesday 14:00 to Thursday 09:00: 2 h + 1 h
        ((6, 15, 0), (9, 10, 0)),  # Friday 15:00 to Monday 10:00: 1 h + 2 h = 3 h
        ((9, 10, 0), (9, 11, 0)),  # Monday 9 February: 1 h
    ]
    for k, ((d0, h0, m0), (d1, h1, m1)) in enumerate(gaps):
        clock.set(datetime(2026, 2, d0, h0, m0, tzinfo=wib))
        case = engine.start(sop.id, {**data, "pelapor": f"p-{k}"}, admin)
        clock.set(datetime(2026, 2, d1, h1, m1, tzinfo=wib))
        engine.fire(case.id, "verifikasi", admin, {"klasifikasi": "pengaduan"})
    store.close()
    res = _cli(
        str(LAPOR),
        "--scenario",
        str(DATA / "lebaran.yaml"),
        "--from-db",
        str(db),
        "--replications",
        "1",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    fitted = json.loads(res.output)["fitted_from_db"]
    # 6 cases received over 6 working days (2-6 and 9 February 2026)
    assert (fitted["cases"], fitted["per_day"]) == (6, 1.0)
    [step] = fitted["steps"]  # only verification was seen often enough
    assert (step["state"], step["event"], step["kind"]) == ("diterima", "verifikasi", "work")
    assert step["observations"] == 6
    # 2 + 0.5 + 3 + 3 + 3 + 1 = 12.5 office hours over 6
    assert step["mean_hours"] == round(12.5 / 6, 3)


def test_bottlenecks_say_for_whom_the_wait_is(registry: Registry, tmp_path: Path) -> None:
    """Each bottleneck step splits its waits by class: counts add up, means average back."""
    two = tmp_path / "two.yaml"
    two.write_text(
        (DATA / "mm1.yaml")
        .read_text(encoding="utf-8")
        .replace('end: "2026-03-01"', 'end: "2026-01-20"')
        .replace(
            "mix: [ { class: semua, weight: 1, data: { judul: antre } } ]",
            "mix: [ { class: a, weight: 3, data: { judul: antre } },"
            " { class: b, weight: 1, data: { judul: antre } } ]",
        ),
        encoding="utf-8",
    )
    report = _run(registry, QUEUE, two, replications=1)
    [wait] = report["waits"]
    by = {x["class"]: x for x in wait["by_class"]}
    assert set(by) == {"a", "b"}
    assert by["a"]["n"] + by["b"]["n"] == wait["n"]
    assert by["a"]["n"] > by["b"]["n"]  # weights 3:1
    mean = (by["a"]["n"] * by["a"]["mean_hours"] + by["b"]["n"] * by["b"]["mean_hours"]) / wait["n"]
    assert mean == pytest.approx(wait["mean_hours"]["mean"], abs=2e-3)
    # longest first
    assert wait["by_class"][0]["mean_hours"] >= wait["by_class"][1]["mean_hours"]
