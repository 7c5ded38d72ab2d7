"""A sweep on SQLite writes its fired items in groups (one transaction each), never twice.

Each item of a group is decided against the case as the earlier items leave it (a case with
several items due at once), a group is written all or nothing, and a group whose write fails
leaves its timers to the next sweep: every item still fires exactly once.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sop_engine import Engine, SimulatedClock, SqliteStore, VersionConflict
from sop_engine._runtime import sweeper

from conftest import ADMIN, COMPLETE, LAPOR

OPENED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
LATER = datetime(2026, 4, 20, tzinfo=UTC)  # every item of the verification clock is due


def _opened(path: Path, n: int) -> tuple[Engine, SqliteStore, SimulatedClock]:
    clock = SimulatedClock(OPENED)
    store = SqliteStore(path, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    for i in range(n):
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id=f"c{i}")
    return engine, store, clock


def _fired_items(engine: Engine, n: int) -> Counter[tuple[str, str]]:
    """(case, item) for every item recorded in the trails."""
    seen: Counter[tuple[str, str]] = Counter()
    for i in range(n):
        for e in engine.history(f"c{i}"):
            if e.event.startswith("@") and "item" in e.payload:
                seen[(f"c{i}", e.payload["item"])] += 1
                for other in e.payload.get("coalesced", ()):
                    seen[(f"c{i}", other)] += 1
    return seen


def _transactions(store: SqliteStore) -> list[str]:
    """Count the COMMITs the store issues from now on."""
    log: list[str] = []
    store._db.set_trace_callback(
        lambda sql: log.append(sql) if sql.strip().upper() == "COMMIT" else None
    )
    return log


def test_sweep_writes_items_in_groups_each_once(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(sweeper, "GROUP", 16)
    engine, store, clock = _opened(tmp_path / "s.db", 30)
    clock.set(LATER)
    commits = _transactions(store)
    report = engine.sweep()
    items = _fired_items(engine, 30)
    assert len(report.fired) == len(items) > 30  # several items per case, in one sweep
    assert set(items.values()) == {1}
    # grouped: far fewer transactions than items (claiming is one, each group one)
    assert len(commits) <= 2 + len(report.fired) // 16 + 2
    # each case's snapshot is the last of its events, versions without gaps
    for i in range(30):
        case, trail = engine.get(f"c{i}"), engine.history(f"c{i}")
        assert [e.seq for e in trail] == list(range(1, case.version + 1))
    assert not engine.sweep().fired


def test_a_failed_group_is_released_and_fires_once_later(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(sweeper, "GROUP", 8)
    engine, store, clock = _opened(tmp_path / "s.db", 12)
    clock.set(LATER)
    real = store.commit_many
    calls = 0

    def second_fails(writes: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise VersionConflict(writes[0].case.id, 1, 2)  # another writer got there first
        real(writes)

    monkeypatch.setattr(store, "commit_many", second_fails)
    with pytest.raises(VersionConflict):
        engine.sweep()
    first = _fired_items(engine, 12)
    assert sum(first.values()) > 0  # the first group stands
    monkeypatch.setattr(store, "commit_many", real)
    report = engine.sweep()  # the failed group's timers were released, not left claimed
    assert report.fired
    items = _fired_items(engine, 12)
    assert set(items.values()) == {1}
    assert set(first) < set(items)
    assert not engine.sweep().fired
