"""Every figure of issue 19 in one run: one markdown table and a JSON file with machine info.

    python bench/run_all.py [--quick | --full] [--out bench/results]   (or: make bench)

Each row is one figure, its baseline measured in the same run (same process, same machine
weather), the ratio and the goal. Three sizes:

- ``--quick``: a smoke test of correctness (every row runs, every assertion holds), about half
  a minute of CPU time; its samples are small, so its figures are indicative only (CI runs it
  as a smoke test, never as a speed check).
- default: reduced sizes, meant for a minute or two on a quiet machine (several times longer
  on a busy shared one); docs/performance.md keeps the latest table.
- ``--full``: the sizes the issue names (20,000 cases x 6 events, 100,000 cases with
  deadlines, 100,000 bulk-intake reports and due items on SQLite, scaling to 1,000,000 cases
  in memory and on SQLite). Takes tens of minutes; run it on a quiet machine.

Baselines: ``transitions`` (a Machine per case, and one shared Machine whose model is swapped
per case), ``python-statemachine`` when installed, a plain dict table with a role check and an
audit tuple, raw SQL replaying the very same write statements with the same pragmas, and the
engine itself without the feature being priced (arming, bulk intake). Rates are the best of
``repeat`` runs. Timed loops never include building the workload.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import ADMIN, DATA, FINAL, PATH, _sop_text, _transitions_spec  # noqa: E402
from bench_engine import run_dict as _run_dict  # noqa: E402
from bench_engine import run_transitions as _run_transitions  # noqa: E402
from bench_store import _Recorder  # noqa: E402
from bench_store import run_engine as _store_engine  # noqa: E402
from bench_store import run_raw as _store_raw  # noqa: E402

from sop_engine import (  # noqa: E402
    Engine,
    Registry,
    SimulatedClock,
    SqliteStore,
    StartCommand,
    compile_sop,
    load_definition,
)

SOP = ROOT / "examples" / "lapor" / "sop.yaml"
CPU = time.process_time
"""The clock of every in-memory row: CPU time of this process, so other processes on a busy
machine slow the figures less (the SQLite rows wait for the disk and use wall time)."""
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 09:00 WIB
LATER = datetime(2026, 4, 20, tzinfo=UTC)  # past every item the opening state arms

SIZES: dict[str, dict[str, Any]] = {
    "quick": {
        "cases": 1_000,
        "deadline_cases": 2_000,
        "store_cases": 10,
        "intake": 300,
        "sqlite_sweep": 300,
        "scaling": (1_000, 3_000),
        "sqlite_scale": 1_000,
        "latency_samples": 50,
        "examples": 5,
        "repeat": 1,
    },
    "default": {
        "cases": 5_000,
        "deadline_cases": 10_000,
        "store_cases": 60,
        "intake": 2_000,
        "sqlite_sweep": 5_000,
        "scaling": (10_000, 30_000),
        "sqlite_scale": 10_000,
        "latency_samples": 300,
        "examples": 40,
        "repeat": 2,
    },
    "full": {
        "cases": 20_000,
        "deadline_cases": 100_000,
        "store_cases": 300,
        "intake": 100_000,
        "sqlite_sweep": 100_000,
        "scaling": (10_000, 100_000, 1_000_000),
        "sqlite_scale": 1_000_000,
        "latency_samples": 2_000,
        "examples": 200,
        "repeat": 3,
    },
}


@attrs.frozen
class Row:
    """One figure of the table: the value, the baseline it is compared with, and the goal."""

    figure: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""


def best_rate(fn: Callable[[], float], repeat: int) -> float:
    return max(fn() for _ in range(repeat))


# -- engines ---------------------------------------------------------------------------------


def lapor_engine(
    *, deadlines: bool = True, ethics: bool = True, store: Any = None, clock: Any = None
) -> tuple[Engine, Any, SimulatedClock]:
    """An engine with the LAPOR! SOP (optionally without its deadlines / ethics sections)."""
    clock = clock if clock is not None else SimulatedClock(T0)
    engine = Engine(clock=clock, store=store, registry=Registry(load_entry_points=False))
    text = _sop_text(deadlines, ethics)
    sop = engine.add(load_definition("lapor.yaml", text=text, registry=engine.registry))
    return engine, sop, clock


def engine_rate(n: int, *, deadlines: bool, ethics: bool) -> float:
    """Events/s of the six-event main path over ``n`` in-memory cases (opening not timed)."""
    engine, sop, _ = lapor_engine(deadlines=deadlines, ethics=ethics)
    ids = [f"c{i}" for i in range(n)]
    for cid in ids:
        engine.start(sop.id, DATA, ADMIN, case_id=cid)
    fire = engine.fire
    gc.collect()
    t0 = CPU()
    for event, actor, payload in PATH:
        for cid in ids:
            fire(cid, event, actor, payload)
    elapsed = CPU() - t0
    assert all(engine.get(c).state == FINAL for c in ids)
    return n * len(PATH) / elapsed


def transitions_shared(n: int) -> float:
    """One ``transitions.Machine`` for every case: the model's state is set before each event
    (the other common way to use the library with many records)."""
    from transitions import Machine

    states, spec, initial = _transitions_spec()

    class Model:
        def __init__(self) -> None:
            self.audit: list[tuple[Any, ...]] = []
            self.data = dict(DATA)

    class Runner:
        """The machine's single model: it holds the current case while an event runs."""

        state = initial

        def __init__(self) -> None:
            self.case: Model = Model()

        def record(self, *, case: Any, actor: Any, payload: Any) -> None:
            self.case.audit.append((len(self.case.audit) + 1, time.time(), actor, payload))

    runner = Runner()
    machine = Machine(
        model=runner,
        states=states,
        transitions=spec,
        initial=initial,
        auto_transitions=False,
        after_state_change="record",
    )
    cases = [(Model(), [initial]) for _ in range(n)]
    t0 = CPU()
    for event, actor, payload in PATH:
        for model, state in cases:
            runner.case = model
            machine.set_state(state[0], runner)
            if payload:
                model.data.update(payload)
            runner.trigger(event, case=model, actor=actor, payload=payload)
            state[0] = runner.state
    elapsed = CPU() - t0
    assert all(s[0] == FINAL for _, s in cases)
    return n * len(PATH) / elapsed


def statemachine_rate(n: int) -> float | None:
    """python-statemachine, one machine per case, the same transitions, role check and audit
    tuple; ``None`` when the library is not installed."""
    try:
        from statemachine import State, StateMachine
        from statemachine.factory import StateMachineMetaclass
    except ImportError:
        return None
    states_names, spec, initial = _transitions_spec()
    finals = {"selesai", "diarsipkan", "dialihkan"}
    attrs_: dict[str, Any] = {
        s: State(initial=(s == initial), final=(s in finals)) for s in states_names
    }
    by_event: dict[str, Any] = {}
    for s in spec:
        t = attrs_[s["source"]].to(attrs_[s["dest"]], cond=s["conditions"][0])
        by_event[s["trigger"]] = t if s["trigger"] not in by_event else by_event[s["trigger"]] | t

    def after_transition(self: Any, event: str, actor: Any = None, payload: Any = None) -> None:
        self.audit.append((len(self.audit) + 1, time.time(), actor, payload))

    body = {**attrs_, **by_event, "after_transition": after_transition}
    cls = StateMachineMetaclass("Lapor", (StateMachine,), body)
    machines = []
    for _ in range(n):
        m = cls()
        m.audit = []
        m.data = dict(DATA)
        machines.append(m)
    t0 = CPU()
    for event, actor, payload in PATH:
        for m in machines:
            if payload:
                m.data.update(payload)
            m.send(event, case=m, actor=actor, payload=payload)
    elapsed = CPU() - t0
    assert all(FINAL in m.configuration_values for m in machines)
    return n * len(PATH) / elapsed


# -- rows ------------------------------------------------------------------------------------


def rows_core(size: dict[str, Any]) -> list[Row]:
    n, r = size["cases"], size["repeat"]
    trans = best_rate(lambda: _run_transitions(n, CPU)[0], r)
    shared = best_rate(lambda: transitions_shared(n), r)
    floor = best_rate(lambda: _run_dict(n, CPU)[0], r)
    psm = statemachine_rate(max(n // 5, 100))  # slow: a fifth of the cases gives its rate
    core = best_rate(lambda: engine_rate(n, deadlines=False, ethics=False), r)
    clocks = best_rate(lambda: engine_rate(n, deadlines=True, ethics=False), r)
    ethics = best_rate(lambda: engine_rate(n, deadlines=False, ethics=True), r)
    both = best_rate(lambda: engine_rate(n, deadlines=True, ethics=True), r)
    label = f"{n:,} cases x {len(PATH)} events"
    rows = [
        Row(
            "core path (no deadlines, no ethics) vs transitions, machine per case",
            core,
            "events/s",
            "transitions, Machine per case",
            trans,
            core / trans,
            ">= 5x",
            core / trans >= 5,
            label,
        ),
        Row(
            "core path vs transitions, one shared Machine",
            core,
            "events/s",
            "transitions, one shared Machine",
            shared,
            core / shared,
            "(reference)",
        ),
        Row(
            "core path vs the dict table (the floor)",
            core,
            "events/s",
            "dict table + role check + audit tuple",
            floor,
            core / floor,
            "(reference)",
        ),
    ]
    if psm is not None:
        rows.append(
            Row(
                "core path vs python-statemachine, machine per case",
                core,
                "events/s",
                "python-statemachine",
                psm,
                core / psm,
                "(reference)",
            )
        )
    rows += [
        Row(
            "LAPOR! SOP as run (5 clocks + 7 ethics rules + audit) vs transitions",
            both,
            "events/s",
            "transitions, Machine per case",
            trans,
            both / trans,
            ">= 2x",
            both / trans >= 2,
            label,
        ),
        Row(
            "  with the clocks only",
            clocks,
            "events/s",
            "transitions, Machine per case",
            trans,
            clocks / trans,
            "(detail)",
        ),
        Row(
            "  with the ethics rules only",
            ethics,
            "events/s",
            "transitions, Machine per case",
            trans,
            ethics / trans,
            "(detail)",
        ),
    ]
    return rows


def rows_deadlines(size: dict[str, Any]) -> list[Row]:
    """Arming (opening with deadlines minus opening without) and the in-memory sweep."""
    n = size["deadline_cases"]

    def open_all(deadlines: bool) -> tuple[float, Engine, SimulatedClock]:
        engine, sop, clock = lapor_engine(deadlines=deadlines, ethics=True)
        gc.collect()
        t0 = CPU()
        for i in range(n):
            engine.start(sop.id, DATA, ADMIN, case_id=f"c{i}")
        return CPU() - t0, engine, clock

    plain = min(open_all(False)[0] for _ in range(size["repeat"]))
    armed_runs = [open_all(True) for _ in range(size["repeat"])]
    armed, engine, clock = min(armed_runs, key=lambda x: x[0])
    per_plain = plain / n * 1e6
    per_arm = (armed - plain) / n * 1e6
    clock.set(LATER)
    t0 = CPU()
    report = engine.sweep()
    t_sweep = CPU() - t0
    fired = len(report.fired)
    assert fired >= n, (fired, n)
    assert not engine.sweep().fired
    per_item = t_sweep / fired * 1e6
    return [
        Row(
            "arming the deadlines when a case opens",
            per_arm,
            "us/case",
            "opening without deadlines (us/case)",
            per_plain,
            armed / plain,
            "<= 10 us",
            per_arm <= 10,
            f"{n:,} cases; ratio = opening with / without",
        ),
        Row(
            "sweep, per fired item (memory)",
            per_item,
            "us/item",
            "",
            None,
            None,
            "<= 10 us",
            per_item <= 10,
            f"{fired:,} items fired",
        ),
    ]


def rows_available(size: dict[str, Any]) -> list[Row]:
    """``available()`` for the actor about to act, against the ``fire`` that follows it."""
    n = size["cases"] // 2
    engine, sop, _ = lapor_engine()
    ids = [f"c{i}" for i in range(n)]
    for cid in ids:
        engine.start(sop.id, DATA, ADMIN, case_id=cid)
    t_avail = t_fire = 0.0
    available, fire = engine.available, engine.fire
    clock = CPU
    for event, actor, payload in PATH:
        t0 = clock()
        for cid in ids:
            available(cid, actor)
        t1 = clock()
        for cid in ids:
            fire(cid, event, actor, payload)
        t_fire += clock() - t1
        t_avail += t1 - t0
    offered = {e.event for e in engine.available(ids[0], ADMIN)}
    assert not offered  # the case is closed
    per_a, per_f = t_avail / (n * len(PATH)) * 1e6, t_fire / (n * len(PATH)) * 1e6
    return [
        Row(
            "available() vs one fire (LAPOR! SOP as run)",
            per_a,
            "us/call",
            "one fire (us)",
            per_f,
            per_a / per_f,
            "<= 1x",
            per_a / per_f <= 1,
            f"{n:,} cases at each of the {len(PATH)} steps",
        )
    ]


def rows_memory(size: dict[str, Any]) -> list[Row]:
    """Bytes per open case (the case record, its deadlines, its first audit event, its timers
    and every index entry of the in-memory store), traced by tracemalloc."""
    n = size["deadline_cases"] // 2

    def per_case(deadlines: bool) -> float:
        engine, sop, _ = lapor_engine(deadlines=deadlines)
        engine.start(sop.id, DATA, ADMIN, case_id="warm")  # lazily built caches not counted
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            engine.start(sop.id, DATA, ADMIN, case_id=f"c{i:07d}")
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        return used / n

    with_d, without = per_case(True), per_case(False)
    return [
        Row(
            "memory per open case with deadlines",
            with_d,
            "B/case",
            "without deadlines (B/case)",
            without,
            with_d / without,
            "<= 1 KB",
            with_d <= 1024,
            f"{n:,} cases, tracemalloc",
        )
    ]


def rows_sqlite(size: dict[str, Any], tmp: Path) -> list[Row]:
    n = size["store_cases"]
    raws, engs = [], []
    for r in range(size["repeat"]):  # alternate, so both sides see the same disk weather
        raws.append(_store_raw(n, tmp / f"raw{r}.db"))
        engs.append(_store_engine(n, tmp / f"engine{r}.db"))
    raw, eng = max(raws), max(engs)
    return [
        Row(
            "durable commands on SQLite vs the same writes in raw SQL, same pragmas",
            eng,
            "commands/s",
            "raw SQL replay (commands/s)",
            raw,
            eng / raw,
            ">= 75 %",
            eng / raw >= 0.75,
            f"{n} cases x {1 + len(PATH)} commands, synchronous=FULL",
        )
    ]


def _intake(n: int) -> list[StartCommand]:
    return [
        StartCommand("lapor-upp", DATA, ADMIN, case_id=f"c{i}", command_id=f"lapor-{i}")
        for i in range(n)
    ]


def rows_intake(size: dict[str, Any], tmp: Path, group: int = 1000) -> list[Row]:
    """Opening ``n`` reports with command ids: one ``start`` (one transaction) each, against
    ``submit`` in groups of ``group`` (one transaction each), on SQLite with deadlines."""
    n = size["intake"]
    single_n = max(n // 10, 50)  # one fsync per command: a tenth of the reports is plenty
    engine, _, _ = lapor_engine(store=SqliteStore(tmp / "single.db"))
    t0 = time.perf_counter()
    for c in _intake(single_n):
        engine.start(c.sop_id, c.data, c.actor, case_id=c.case_id, command_id=c.command_id)
    single = single_n / (time.perf_counter() - t0)
    engine.store.close()  # type: ignore[attr-defined]
    store = SqliteStore(tmp / "bulk.db")
    engine, _, _ = lapor_engine(store=store)
    commands = _intake(n)
    t0 = time.perf_counter()
    for i in range(0, n, group):
        outcomes = engine.submit(commands[i : i + group])
        assert all(o.accepted for o in outcomes)
    bulk = n / (time.perf_counter() - t0)
    again = engine.submit(commands[:group])  # idempotent per command id
    assert all(o.accepted and o.case is not None and o.case.version == 1 for o in again)
    assert engine.count_cases(_all_cases()) == n
    store.close()
    return [
        Row(
            "bulk intake: submit in groups of 1,000 vs one transaction per command (SQLite)",
            bulk,
            "reports/s",
            "engine.start, one transaction each (reports/s)",
            single,
            bulk / single,
            ">= 5x",
            bulk / single >= 5,
            f"{n:,} reports via submit, {single_n:,} via start; command ids on both",
        )
    ]


def _all_cases() -> Any:
    from sop_engine import CaseQuery

    return CaseQuery()


def _seed_sqlite(path: Path, n: int, later: timedelta | None = None) -> datetime:
    """``n`` open cases with their opening timers, written through ``submit`` in groups of
    2,000; with ``later`` every group after the first opens that much later (so a sweep can
    find the first group's items due and no other's). The instant the last group opened."""
    clock = SimulatedClock(T0)
    store = SqliteStore(path, clock=clock)
    engine, _, _ = lapor_engine(store=store, clock=clock)
    commands = _intake(n)
    for i in range(0, n, 2000):
        if later is not None and i == 2000:
            clock.advance(later)
        engine.submit(commands[i : i + 2000])
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return clock.now()


def rows_sqlite_sweep(size: dict[str, Any], tmp: Path) -> list[Row]:
    """One sweep firing every due item of ``n`` cases on SQLite, against raw SQL replaying the
    sweep's own write statements on a copy of the same file."""
    n = size["sqlite_sweep"]
    seed = tmp / "sweep-seed.db"
    _seed_sqlite(seed, n)

    def sweep(path: Path, record: bool) -> tuple[float, int, list[tuple[str, Any, bool]]]:
        clock = SimulatedClock(LATER)
        store = SqliteStore(path, clock=clock)
        engine, _, _ = lapor_engine(store=store, clock=clock)
        recorder = None
        if record:
            recorder = _Recorder(store._db)
            store._db = recorder  # type: ignore[assignment]
        t0 = time.perf_counter()
        report = engine.sweep()
        elapsed = time.perf_counter() - t0
        assert not report.failed
        log = []
        if recorder is not None:
            store._db = recorder.db
            log = [
                s
                for s in recorder.log
                if not s[0].lstrip().upper().startswith(("SELECT", "PRAGMA"))
            ]
        store.close()
        return elapsed, len(report.fired), log

    shutil.copy(seed, tmp / "sweep-rec.db")
    _, _, statements = sweep(tmp / "sweep-rec.db", record=True)
    shutil.copy(seed, tmp / "sweep-raw.db")
    db = sqlite3.connect(tmp / "sweep-raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
        db.execute(f"PRAGMA {pragma}")
    t0 = time.perf_counter()
    for sql, params, many in statements:
        (db.executemany if many else db.execute)(sql, params)
    t_raw = time.perf_counter() - t0
    db.close()
    shutil.copy(seed, tmp / "sweep-engine.db")
    t_engine, fired, _ = sweep(tmp / "sweep-engine.db", record=False)
    assert fired >= n
    return [
        Row(
            "sweep of due items on SQLite vs raw SQL (same writes)",
            fired / t_engine,
            "items/s",
            "raw SQL replay (items/s)",
            fired / t_raw,
            t_raw / t_engine,
            ">= 50 %",
            t_raw / t_engine >= 0.5,
            f"{fired:,} items due on {n:,} cases",
        )
    ]


def rows_testing(size: dict[str, Any]) -> list[Row]:
    """``sop test`` (the kit's ``explore``) on the LAPOR! SOP: steps per second, and apart from
    it the first one-scenario exploration of the process (Hypothesis' one-time set-up: it
    registers its random generator after a full ``gc.collect()``, tens of milliseconds that
    would otherwise be most of the five scenarios the quick mode times)."""
    from sop_engine.testing import World, explore

    registry = Registry(load_entry_points=False)
    sop = compile_sop(load_definition(SOP, registry=registry), registry)
    t0 = CPU()
    explore(sop, registry=registry, max_examples=1, seed=1)
    first = CPU() - t0
    steps = 0
    original = World.apply

    def counting(self: World, step: Any) -> object:
        nonlocal steps
        steps += 1
        return original(self, step)

    World.apply = counting  # type: ignore[method-assign]
    try:
        t0 = CPU()
        result = explore(sop, registry=registry, max_examples=size["examples"], seed=1)
        elapsed = CPU() - t0
    finally:
        World.apply = original  # type: ignore[method-assign]
    assert result.passed, result.failure
    rate = steps / elapsed
    return [
        Row(
            "sop test steps/s on the LAPOR! SOP",
            rate,
            "steps/s",
            "",
            None,
            None,
            ">= 5,000",
            rate >= 5000,
            f"{size['examples']} scenarios, {steps:,} steps, seed 1",
        ),
        Row(
            "sop test: first 1-scenario run of a process (Hypothesis set-up included)",
            first * 1000,
            "ms",
            note="CPU time; not part of the steps/s row",
        ),
    ]


def generated_sop(states: int) -> str:
    """A valid SOP with ``states`` states: a main chain, a way back and a way out of each
    stage, three roles, a guard and an action on every forward step."""
    lines = [
        "sop: { id: generated, version: '1', title: Generated, agency: Bench, language: id }",
        "roles:",
        "  admin: { label: Admin }",
        "  petugas: { label: Petugas }",
        "  pelapor: { label: Pelapor }",
        "fields:",
        "  lokasi: { type: text, label: Lokasi }",
        "  catatan: { type: text, label: Catatan }",
        "states:",
    ]
    names = [f"tahap_{i:03d}" for i in range(states - 1)] + ["selesai"]
    for i, name in enumerate(names):
        extra = ", initial: true" if i == 0 else ", final: true" if name == "selesai" else ""
        lines.append(f"  {name}: {{ label: Tahap {i}{extra} }}")
    lines += [
        "events:",
        "  lanjut: { label: Lanjut, roles: [admin, petugas], data: { catatan: {} } }",
        "  kembali: { label: Kembali, roles: admin }",
        "  tutup: { label: Tutup, roles: [admin, pelapor] }",
        "transitions:",
    ]
    for a, b in itertools.pairwise(names):
        lines.append(
            f"  - {{ event: lanjut, from: {a}, to: {b}, "
            "guards: [fields_complete: { fields: [lokasi] }], "
            "actions: [record_actor: { field: catatan }] }"
        )
    for a, b in zip(names[1:-1], names, strict=False):
        lines.append(f"  - {{ event: kembali, from: {a}, to: {b} }}")
    lines.append(f"  - {{ event: tutup, from: [{', '.join(names[:-1])}], to: selesai }}")
    return "\n".join(lines) + "\n"


def rows_load(size: dict[str, Any], states: int = 200) -> list[Row]:
    text = generated_sop(states)
    registry = Registry(load_entry_points=False)
    lapor = SOP.read_text(encoding="utf-8")

    def timed(source: str, name: str) -> float:
        runs = []
        for _ in range(max(3, size["repeat"] * 2)):
            t0 = CPU()
            compile_sop(load_definition(name, text=source, registry=registry), registry)
            runs.append(CPU() - t0)
        return min(runs) * 1e3

    big, ref = timed(text, "generated.yaml"), timed(lapor, "lapor.yaml")
    return [
        Row(
            f"load + validate + compile a generated {states}-state SOP",
            big,
            "ms",
            "the LAPOR! SOP (10 states, ms)",
            ref,
            big / ref,
            "< 100 ms",
            big < 100,
        )
    ]


# -- scaling ---------------------------------------------------------------------------------


def scaling_memory(n: int) -> dict[str, float]:
    """Events/s and bytes per case on the LAPOR! SOP as run, ``n`` cases in memory."""
    engine, sop, _ = lapor_engine()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        engine.start(sop.id, DATA, ADMIN, case_id=f"c{i:07d}")
    opened = (tracemalloc.get_traced_memory()[0] - base) / n
    tracemalloc.stop()
    ids = [f"c{i:07d}" for i in range(n)]
    fire = engine.fire
    t0 = CPU()
    for event, actor, payload in PATH[:3]:  # to "diproses": the case is still open
        for cid in ids:
            fire(cid, event, actor, payload)
    rate = n * 3 / (CPU() - t0)
    return {"cases": n, "events_per_s": rate, "bytes_per_open_case": opened}


def _pct(samples: list[float], q: float) -> float:
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(q * len(samples)))]


def scaling_sqlite(n: int, samples: int, tmp: Path) -> dict[str, float]:
    """Fire and sweep latency on a SQLite file holding ``n`` open cases.

    Sweep: the first 2,000 cases open at T0, the others two weeks later; the sweep runs 30 s
    after the earliest timer, so it fires the first group's due items only and the latency
    per item is measured on the same amount of work at every size, in a file of ``n`` cases.
    Fire: then ``samples`` single durable commands on cases spread over the file (p50/p99).
    """
    path = tmp / f"scale-{n}.db"
    last = _seed_sqlite(path, n, later=timedelta(days=14))
    size = path.stat().st_size
    db = sqlite3.connect(path)
    (first_us,) = db.execute("SELECT MIN(at_us) FROM timers").fetchone()
    db.close()
    first_due = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=first_us)
    clock = SimulatedClock(first_due + timedelta(seconds=30))
    store = SqliteStore(path, clock=clock)
    engine, _, _ = lapor_engine(store=store, clock=clock)
    t_all = time.perf_counter()
    report = engine.sweep()
    t_all = time.perf_counter() - t_all
    assert not report.failed
    assert len({t.case_id for t in report.fired}) <= min(n, 2000)
    clock.set(max(last, clock.now()) + timedelta(minutes=1))
    step = max(n // samples, 1)
    picked = [f"c{i}" for i in range(0, n, step)][:samples]
    event, actor, payload = PATH[0]
    fires = []
    for cid in picked:
        t0 = time.perf_counter()
        engine.fire(cid, event, actor, payload)
        fires.append((time.perf_counter() - t0) * 1e3)
    store.close()
    return {
        "cases": n,
        "file_bytes_per_case": size / n,
        "fire_p50_ms": _pct(fires, 0.5),
        "fire_p99_ms": _pct(fires, 0.99),
        "sweep_items": len(report.fired),
        "sweep_ms_per_item": t_all / max(len(report.fired), 1) * 1e3,
    }


# -- output ----------------------------------------------------------------------------------


def _num(x: float | None) -> str:
    if x is None:
        return ""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def markdown(rows: list[Row]) -> str:
    out = [
        "| figure | measured | baseline (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = f"{_num(r.baseline_value)} {r.baseline}" if r.baseline_value is not None else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        if r.goal.endswith("%") and r.ratio is not None:
            ratio = f"{r.ratio:.0%}"
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        note = f" ({r.note})" if r.note else ""
        out.append(
            f"| {r.figure}{note} | {_num(r.value)} {r.unit} | {base} | {ratio} | {r.goal} | {met} |"
        )
    return "\n".join(out)


def scaling_markdown(mem: list[dict[str, float]], sql: list[dict[str, float]]) -> str:
    out = [
        "| in memory: cases | events/s | bytes per open case |",
        "|---|---|---|",
        *(
            f"| {m['cases']:,} | {m['events_per_s']:,.0f} | {m['bytes_per_open_case']:,.0f} |"
            for m in mem
        ),
        "",
        "| SQLite: cases | fire p50 ms | fire p99 ms | sweep ms per item (items) "
        "| file bytes per case |",
        "|---|---|---|---|---|",
        *(
            f"| {s['cases']:,} | {s['fire_p50_ms']:.2f} | {s['fire_p99_ms']:.2f} | "
            f"{s['sweep_ms_per_item']:.3f} ({s.get('sweep_items', 0):,.0f}) "
            f"| {s['file_bytes_per_case']:,.0f} |"
            for s in sql
        ),
    ]
    return "\n".join(out)


def machine() -> dict[str, Any]:
    def version(pkg: str) -> str | None:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return None

    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "sqlite": sqlite3.sqlite_version,
        "versions": {
            p: version(p) for p in ("sop-engine", "transitions", "python-statemachine", "attrs")
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smoke test (seconds; not a measure)")
    mode.add_argument("--full", action="store_true", help="the issue's sizes (tens of minutes)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--only", help="run only the sections whose name contains this")
    parser.add_argument(
        "--sqlite-scale",
        help="comma-separated case counts for the SQLite scaling run (default: the mode's; "
        "e.g. 1000000 alone, since seeding a million cases takes long)",
    )
    parser.add_argument(
        "--memory-scale", help="comma-separated case counts for the in-memory scaling run"
    )
    parser.add_argument(
        "--chart",
        type=Path,
        help="where to draw the scaling chart from every run in --out (bench/chart.py); "
        "default docs/performance-scaling.svg, except in --quick mode (a smoke test: no chart)",
    )
    args = parser.parse_args(argv)
    name = "quick" if args.quick else "full" if args.full else "default"
    size = SIZES[name]
    started = time.perf_counter()
    rows: list[Row] = []
    mem: list[dict[str, float]] = []
    sql: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="sop-bench-") as tmpdir:
        tmp = Path(tmpdir)
        sections: list[tuple[str, Callable[[], list[Row]]]] = [
            ("core", lambda: rows_core(size)),
            ("deadlines", lambda: rows_deadlines(size)),
            ("available", lambda: rows_available(size)),
            ("memory", lambda: rows_memory(size)),
            ("sqlite", lambda: rows_sqlite(size, tmp)),
            ("intake", lambda: rows_intake(size, tmp)),
            ("sweep", lambda: rows_sqlite_sweep(size, tmp)),
            ("testing", lambda: rows_testing(size)),
            ("load", lambda: rows_load(size)),
        ]
        for section, fn in sections:
            if args.only and args.only not in section:
                continue
            t0 = time.perf_counter()
            print(f"... {section}", file=sys.stderr, flush=True)
            rows += fn()
            print(f"    {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if not args.only or args.only in "scaling":
            print("... scaling", file=sys.stderr, flush=True)
            mem_sizes = _sizes(args.memory_scale, size["scaling"])
            sql_sizes = _sizes(
                args.sqlite_scale, sorted({size["sqlite_scale"] // 10, size["sqlite_scale"]})
            )
            mem = [scaling_memory(n) for n in mem_sizes]
            sql = [scaling_sqlite(n, size["latency_samples"], tmp) for n in sql_sizes]
    total = time.perf_counter() - started
    info = machine()
    title = (
        f"sop_engine benchmarks, {name} sizes, Python {info['python']}, "
        f"{info['cpus']} CPUs, load {info['load_average'][0] if info['load_average'] else '?'}"
        f", {total:.0f} s"
    )
    text = f"### {title}\n\n{markdown(rows)}\n"
    if mem or sql:
        text += f"\n#### scaling\n\n{scaling_markdown(mem, sql)}\n"
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {
        "mode": name,
        "sizes": size,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": total,
        "machine": info,
        "rows": [attrs.asdict(r) for r in rows],
        "scaling": {"memory": mem, "sqlite": sql},
        "markdown": text,
    }
    path = args.out / f"{name}-{stamp}.json"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    chart = args.chart
    if chart is None and not args.quick:
        chart = ROOT / "docs" / "performance-scaling.svg"
    if (mem or sql) and chart is not None:
        from chart import draw

        drawn = draw(args.out, chart)
        if drawn is not None:
            print(f"chart {drawn.relative_to(ROOT) if drawn.is_relative_to(ROOT) else drawn}")
    return 0


def _sizes(option: str | None, default: Any) -> list[int]:
    """Case counts from a comma-separated option (``0`` or empty: none), else the default."""
    if option is None:
        return list(default)
    return [n for n in (int(x.replace("_", "")) for x in option.split(",") if x.strip()) if n > 0]


if __name__ == "__main__":
    raise SystemExit(main())
