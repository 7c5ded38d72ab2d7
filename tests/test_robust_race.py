"""Issue 18: one command id sent by many callers at the same moment.

A client that times out and retries, a load balancer that replays, two tabs of one officer: the
same command with the same id arrives many times at once. Exactly one is applied and every
caller gets that one's result, whichever store, however many connections, threads or
processes. (On the second wave's main, 80 such calls on SQLite raised ``IntegrityError`` on the
commands' key, ``VersionConflict`` or ``EventNotAllowed`` for some of them.)

Each test starts the calls behind a barrier, so they all pass the "was this id seen?" check
before any commits: the race the store's key and the engine's :meth:`Committer.settle` settle.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sop_engine import CommandIdReused, Engine, MemoryStore, Registry, SimulatedClock, Store
from sop_engine._core.errors import CaseNotFound, CommandIdTaken, VersionConflict
from sop_engine._persistence.sqlite import SqliteStore

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CALLS = 80
VERIFY = {"klasifikasi": "pengaduan"}


_SHARED: dict[str, Any] = {}


def _engine(store: Store) -> Engine:
    """An engine on ``store`` with the LAPOR! SOP (compiled once: dozens of engines per test)."""
    clock = SimulatedClock(T0)
    if not _SHARED:
        _SHARED["registry"] = Registry()
        first = Engine(store=MemoryStore(), clock=clock, registry=_SHARED["registry"])
        _SHARED["sop"] = first.load(LAPOR)
    engine = Engine(store=store, clock=clock, registry=_SHARED["registry"])
    engine.add(_SHARED["sop"])
    return engine


def _outcome(call: Callable[[], Any]) -> str:
    """``"ok <case id> v<version> <state>"`` or the error's type name (never raises)."""
    try:
        case = call()
    except Exception as e:
        return type(e).__name__
    return f"ok {case.id} v{case.version} {case.state}"


def _storm(engines: list[Engine], calls: int, act: Callable[[Engine], Any]) -> Counter[str]:
    """``calls`` threads, spread over ``engines``, each ``act`` once, all at the same moment."""
    barrier = threading.Barrier(calls)
    out: Counter[str] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        engine = engines[n % len(engines)]
        barrier.wait()
        result = _outcome(lambda: act(engine))
        with lock:
            out[result] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _fire(engine: Engine) -> Any:
    return engine.fire("c1", "verifikasi", ADMIN, VERIFY, command_id="retry-1")


def _start(engine: Engine) -> Any:
    return engine.start("lapor-upp", COMPLETE, ADMIN, command_id="intake-1")


def _sqlite_engines(path: Path, n: int) -> list[Engine]:
    return [_engine(SqliteStore(path, clock=SimulatedClock(T0))) for _ in range(n)]


def _close(engines: list[Engine]) -> None:
    for e in engines:
        e.store.close()  # type: ignore[attr-defined]


# -- SQLite: threads over many connections ------------------------------------------------------


def test_sqlite_fire_storm_applies_one_and_answers_all_with_it(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    engines = _sqlite_engines(path, 20)
    try:
        engines[0].start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        out = _storm(engines, CALLS, _fire)
        assert out == Counter({"ok c1 v2 terverifikasi": CALLS}), out
        assert [e.event for e in engines[0].store.history("c1")] == ["@start", "verifikasi"]
    finally:
        _close(engines)


def test_sqlite_fire_storm_on_one_connection(tmp_path: Path) -> None:
    """One store shared by 80 threads: the losers saw the case already moved (today:
    ``EventNotAllowed``), and are answered from the record instead."""
    engines = _sqlite_engines(tmp_path / "s.sqlite3", 1)
    try:
        engines[0].start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        for _ in range(3):  # the interleaving is up to the scheduler: give it three chances
            engines[0].store.close()  # type: ignore[attr-defined]
            engines = _sqlite_engines(tmp_path / "s.sqlite3", 1)
            out = _storm(engines, CALLS, _fire)
            assert out == Counter({"ok c1 v2 terverifikasi": CALLS}), out
    finally:
        _close(engines)
    assert len(SqliteStore(tmp_path / "s.sqlite3").history("c1")) == 2


def test_sqlite_start_storm_opens_one_case(tmp_path: Path) -> None:
    """Starts without a chosen case id: each caller draws a fresh id, so only the command
    id's key can tell them apart (today: ``IntegrityError`` for the losers)."""
    engines = _sqlite_engines(tmp_path / "s.sqlite3", 20)
    try:
        out = _storm(engines, CALLS, _start)
        ids = list(engines[0].store.case_ids())
        assert len(ids) == 1
        assert out == Counter({f"ok {ids[0]} v1 diterima": CALLS}), out
    finally:
        _close(engines)


def test_sqlite_extend_storm_extends_once(tmp_path: Path) -> None:
    engines = _sqlite_engines(tmp_path / "s.sqlite3", 10)
    try:
        e = engines[0]
        e.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        e.fire("c1", "verifikasi", ADMIN, VERIFY)
        e.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
        e.fire("c1", "tindak_lanjuti", OFFICER)
        running = [d for d in e.store.get("c1").deadlines if d.status == "running"]
        extendable = [
            d.name for d in running if e.sop("lapor-upp").deadlines.clock(d.name).extension_max
        ]
        assert extendable, "the LAPOR! SOP lets some running deadline be extended"
        name = extendable[0]
        role = sorted(e.sop("lapor-upp").deadlines.clock(name).extension_roles)[0]
        actor = ADMIN if role == ADMIN.role else type(ADMIN)("kepala", role)

        def extend(engine: Engine) -> Any:
            return engine.extend("c1", name, actor, 1, "Menunggu data", command_id="ext-1")

        out = _storm(engines, 40, extend)
        assert len(out) == 1, out
        assert next(iter(out)).startswith("ok c1 v5"), out
        events = [x.event for x in e.store.history("c1")]
        assert events.count("@extend") == 1
    finally:
        _close(engines)


def test_settle_keeps_the_reuse_refusal(tmp_path: Path) -> None:
    """A different command under an id the race's winner took is still refused as reused."""
    engines = _sqlite_engines(tmp_path / "s.sqlite3", 2)
    try:
        e1, e2 = engines
        e1.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        e1.fire("c1", "verifikasi", ADMIN, VERIFY, command_id="x")
        with pytest.raises(CommandIdReused):
            e2.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "aspirasi"}, command_id="x")
        # a refusal with an id nobody used is still that refusal, not a recalled result
        with pytest.raises(VersionConflict):
            e2.fire(
                "c1", "disposisi", ADMIN, {"unit_tujuan": "x"}, command_id="y", expected_version=1
            )
    finally:
        _close(engines)


def test_stores_refuse_a_taken_command_id_with_a_typed_error(tmp_path: Path) -> None:
    """The store's own answer when the engine is bypassed: typed, nothing written."""
    for store in (MemoryStore(), SqliteStore(tmp_path / "k.sqlite3")):
        e = _engine(store)
        e.start("lapor-upp", COMPLETE, ADMIN, case_id="c1", command_id="k")
        winner = e.store.recall("k")
        assert winner is not None
        e.start("lapor-upp", COMPLETE, ADMIN, case_id="c2")
        case = e.store.get("c2")
        event = e.store.history("c2")[0]
        with pytest.raises(CommandIdTaken) as caught:
            e.store.insert(attrs_evolve(case, id="c3"), attrs_evolve(event, case_id="c3"), winner)
        assert caught.value.command_id == "k"
        assert isinstance(caught.value, VersionConflict)
        with pytest.raises(CaseNotFound):  # the write was undone
            e.store.get("c3")


def attrs_evolve(obj: Any, **changes: Any) -> Any:
    import attrs

    return attrs.evolve(obj, **changes)


# -- SQLite: processes ------------------------------------------------------------------------


def _process_storm(path: str, threads: int, barrier: Any, results: Any) -> None:
    """One process of the storm: its own connections, ``threads`` callers."""
    engines = _sqlite_engines(Path(path), 4)
    local = threading.Barrier(threads)
    out: list[str] = []

    def run(n: int) -> None:
        local.wait()
        if n == 0:
            barrier.wait()  # every process's callers leave together
        out.append(_outcome(lambda: _fire(engines[n % 4])))

    ts = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    _close(engines)
    results.put(out)


def test_sqlite_fire_storm_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    first = _sqlite_engines(path, 1)
    first[0].start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    _close(first)
    ctx = multiprocessing.get_context("spawn")
    processes, threads = 4, CALLS // 4
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_process_storm, args=(str(path), threads, barrier, results))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    outcomes: Counter[str] = Counter()
    for _ in procs:
        outcomes.update(results.get(timeout=120))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert outcomes == Counter({"ok c1 v2 terverifikasi": CALLS}), outcomes
    assert len(SqliteStore(path).history("c1")) == 2


# -- PostgreSQL: threads over many pooled connections -------------------------------------------


def _pg_engines(url: str, n: int) -> list[Engine]:
    from sop_engine._persistence.postgres import PgStore

    return [_engine(PgStore(url, clock=SimulatedClock(T0))) for _ in range(n)]  # type: ignore[arg-type]


def test_postgres_fire_storm_applies_one_and_answers_all_with_it(pg_url: str) -> None:
    engines = _pg_engines(pg_url, 20)
    try:
        engines[0].start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        out = _storm(engines, CALLS, _fire)
        assert out == Counter({"ok c1 v2 terverifikasi": CALLS}), out
        assert [e.event for e in engines[0].store.history("c1")] == ["@start", "verifikasi"]
    finally:
        _close(engines)


def test_postgres_start_storm_opens_one_case(pg_url: str) -> None:
    engines = _pg_engines(pg_url, 20)
    try:
        out = _storm(engines, CALLS, _start)
        ids = list(engines[0].store.case_ids())
        assert len(ids) == 1
        assert out == Counter({f"ok {ids[0]} v1 diterima": CALLS}), out
    finally:
        _close(engines)
