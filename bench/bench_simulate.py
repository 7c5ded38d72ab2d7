"""``sop simulate`` throughput: N LAPOR! cases x 1 replication, against the bare engine.

    python bench/bench_simulate.py [--cases N] [--seed S]

Workload: ``examples/lapor/scenario.yaml`` (a year on the national calendar with its class mix,
missing information, reminders, escalations, ethics blocks and flags, reporters who answer or
dispute) with its arrival rate and every staff group scaled by the same factor, so the expected
number of cases in the year is N while utilisation stays that of the example. One replication.

Rows, all CPU time of this process (the machines are shared, so wall time says little):

- ``simulate``: the whole replication (SimPy arrivals, queues, office clocks, the listener that
  measures, and the engine), divided by the cases that arrived;
- ``engine inside simulate``: the part of that spent in ``Engine.start/fire/sweep/get`` (timed
  around each call); the rest is the simulator's own cost;
- ``bare engine``: the same SOP (deadlines and ethics included) on a fresh in-memory engine,
  each case started and taken along the main path (verify, disposition, follow-up, draft,
  approve, accept: 7 commands) with no simulator around it.

The goal (issue 14) is 100,000 cases x 1 replication in under 2 minutes.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sop_engine import Actor, Engine, MemoryStore, Registry, SimulatedClock  # noqa: E402

# The simulator has no public Python API yet (users run `sop simulate`); this benchmark needs
# its internals to time the engine calls inside a replication, so it loads them by name.
_internals = importlib.import_module("sop_engine._simulate")
load_inputs = _internals.load_inputs
simulate = importlib.import_module("sop_engine._simulate.report").simulate

SOP = ROOT / "examples" / "lapor" / "sop.yaml"
SCENARIO = ROOT / "examples" / "lapor" / "scenario.yaml"

ADMIN = Actor("admin", "admin_instansi")
OFFICER = Actor("petugas", "petugas_unit", "dinas_pupr")
LIAISON = Actor("penghubung", "pejabat_penghubung")
DATA = {
    "kanal": "web",
    "kerahasiaan": "biasa",
    "judul": "Jalan rusak dan drainase tersumbat",
    "kronologi": "Lubang besar di jalan, air menggenang setiap hujan sejak dua minggu.",
    "lokasi": "Jl. Merdeka, Kel. Sukamaju",
}
PATH: list[tuple[str, Actor | None, dict[str, Any]]] = [
    ("verifikasi", ADMIN, {"klasifikasi": "pengaduan", "kategori": "infrastruktur"}),
    ("disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"}),
    ("tindak_lanjuti", OFFICER, {}),
    (
        "ajukan_tanggapan",
        OFFICER,
        {"tanggapan": "Telah ditindaklanjuti oleh unit kerja; jadwal perbaikan terlampir."},
    ),
    ("setujui_tanggapan", LIAISON, {"tanpa_imbalan": True}),
    ("terima_tanggapan", None, {}),  # the reporter
]


class TimedEngine(Engine):
    """An engine that adds the CPU time of each public call to :attr:`spent`."""

    spent = 0.0

    def start(self, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return super().start(*args, **kwargs)
        finally:
            TimedEngine.spent += time.process_time() - t

    def fire(self, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return super().fire(*args, **kwargs)
        finally:
            TimedEngine.spent += time.process_time() - t

    def sweep(self, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return super().sweep(*args, **kwargs)
        finally:
            TimedEngine.spent += time.process_time() - t

    def get(self, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return super().get(*args, **kwargs)
        finally:
            TimedEngine.spent += time.process_time() - t


def _expected_cases(sc: Any, works: Callable[[date], bool]) -> float:
    total = 0.0
    for k in range((sc.end - sc.start).days + 1):
        day = sc.start + timedelta(days=k)
        if sc.days == "working" and not works(day):
            continue
        rate = sc.per_day * sc.monthly[day.month - 1]
        for first, last, factor in sc.dated:
            if first <= day <= last:
                rate *= factor
        total += rate
    return total


def run_simulate(cases: int, seed: int) -> tuple[float, float, int, int]:
    """CPU seconds of the replication and of its engine calls; cases arrived; engine events."""
    registry = Registry()
    got = load_inputs(SOP, SCENARIO, registry)
    assert not isinstance(got, list), [p.format("en") for p in got]
    sop, sc, calendar = got
    works = calendar.is_working_day if calendar is not None else (lambda d: True)
    factor = cases / _expected_cases(sc, works)
    staff = tuple(attrs.evolve(g, count=max(1, round(g.count * factor))) for g in sc.staff)
    sc = attrs.evolve(sc, per_day=sc.per_day * factor, staff=staff)

    def make(clock: SimulatedClock, ids: Callable[[], str]) -> Engine:
        return TimedEngine(store=MemoryStore(), clock=clock, registry=registry, ids=ids)

    TimedEngine.spent = 0.0
    t = time.process_time()
    report = simulate(sop, sc, calendar, seed=seed, replications=1, engine=make)
    total = time.process_time() - t
    arrived = int(report["cases"]["arrived"]["mean"])
    return total, TimedEngine.spent, arrived, int(report["engine_events"]["mean"])


def run_bare(cases: int) -> float:
    """CPU seconds of ``cases`` cases along the main path on the bare engine."""
    clock = SimulatedClock(datetime(2026, 2, 2, 1, 0, tzinfo=UTC))  # Monday 08:00 WIB
    engine = Engine(store=MemoryStore(), clock=clock, registry=Registry())
    sop = engine.load(SOP)
    t = time.process_time()
    for k in range(cases):
        who = f"pelapor-{k:07d}"
        case = engine.start(sop.id, {**DATA, "pelapor": who}, ADMIN)
        for event, actor, payload in PATH:
            clock.advance(timedelta(seconds=30))
            engine.fire(case.id, event, actor or Actor(who, "pelapor"), payload)
    return time.process_time() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    total, engine, arrived, events = run_simulate(args.cases, args.seed)
    bare_cases = min(args.cases, 20_000)
    bare = run_bare(bare_cases)
    table = Table(title=f"sop simulate, LAPOR! year, {arrived:,} cases x 1 replication (CPU)")
    for head in ("row", "CPU s", "ms per case", "share"):
        table.add_column(head, justify="right" if head != "row" else "left")
    per = 1000 * total / arrived
    table.add_row("simulate", f"{total:.1f}", f"{per:.3f}", "100 %")
    table.add_row(
        "engine inside simulate",
        f"{engine:.1f}",
        f"{1000 * engine / arrived:.3f}",
        f"{100 * engine / total:.0f} %",
    )
    table.add_row(
        "simulator's own cost",
        f"{total - engine:.1f}",
        f"{1000 * (total - engine) / arrived:.3f}",
        f"{100 * (total - engine) / total:.0f} %",
    )
    table.add_row(
        f"bare engine, main path ({bare_cases:,} cases)",
        f"{bare:.1f}",
        f"{1000 * bare / bare_cases:.3f}",
        "",
    )
    console = Console()
    console.print(table)
    console.print(
        f"{events / arrived:.1f} engine events per simulated case (timers included); "
        f"100,000 cases would take about {per * 100:.0f} s of CPU (goal: under 120 s)."
    )


if __name__ == "__main__":
    main()
