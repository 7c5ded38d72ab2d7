"""Durable commands per second on the SQLite store, against raw SQL doing the same writes.

    python bench/bench_store.py [--cases N]

Both sides use one file each in a temporary directory with the same settings (WAL,
``synchronous=FULL``, foreign keys) and one ``BEGIN IMMEDIATE`` transaction per command:

- ``sop_engine``: ``Engine.start`` + 6 ``Engine.fire`` per case on the LAPOR! SOP with its
  deadlines (validation, guards, actions, clocks, snapshot and event JSON, the hash chain,
  timers);
- ``raw SQL``: the very same write statements with the very same parameters, recorded from the
  engine's store connection beforehand, replayed on a fresh file with the same schema (the
  store's migrations) and the same settings: same rows, same bytes, same indexes; no engine,
  no JSON encoding, no reads.

The goal (issue #6) is >= 70 % of the raw-SQL rate. Every commit waits for the disk
(``synchronous=FULL``), so both sides are bounded by fsync on this machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import ADMIN, DATA, PATH  # noqa: E402

from sop_engine import Engine, SimulatedClock, SqliteStore  # noqa: E402

SOP = ROOT / "examples" / "lapor" / "sop.yaml"


def run_engine(n: int, path: Path) -> float:
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    sop = engine.load(SOP)
    t0 = time.perf_counter()
    for i in range(n):
        cid = f"c{i}"
        engine.start(sop.id, DATA, ADMIN, case_id=cid)
        for event, actor, payload in PATH:
            engine.fire(cid, event, actor, payload)
    return n * (1 + len(PATH)) / (time.perf_counter() - t0)


class _Recorder:
    """Stands in for the store's connection and records every statement it runs."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.log: list[tuple[str, Any, bool]] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.log.append((sql, params, False))
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = list(rows)
        self.log.append((sql, rows, True))
        return self.db.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def _recorded_statements(n: int, scratch: Path) -> list[tuple[str, Any, bool]]:
    """Every write statement (with its parameters) the engine issues for the workload."""
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    store = SqliteStore(scratch, clock=clock)
    engine = Engine(store=store, clock=clock)
    sop = engine.load(SOP)
    recorder = _Recorder(store._db)
    store._db = recorder  # type: ignore[assignment]
    for i in range(n):
        engine.start(sop.id, DATA, ADMIN, case_id=f"c{i}")
        for event, actor, payload in PATH:
            engine.fire(f"c{i}", event, actor, payload)
    store._db = recorder.db
    store.close()
    return [
        (sql, params, many)
        for sql, params, many in recorder.log
        if not sql.lstrip().upper().startswith(("SELECT", "PRAGMA"))
    ]


def run_raw(n: int, path: Path) -> float:
    """The same statements with the same parameters on the same schema and settings: no
    engine, no JSON encoding, no reads."""
    statements = _recorded_statements(n, path.with_suffix(".scratch"))
    SqliteStore(path).close()  # the same schema (migrations) and settings, empty
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
        db.execute(f"PRAGMA {pragma}")
    commands = sum(1 for sql, _, _ in statements if sql.strip() == "COMMIT")
    t0 = time.perf_counter()
    for sql, params, many in statements:
        if many:
            db.executemany(sql, params)
        else:
            db.execute(sql, params)
    rate = commands / (time.perf_counter() - t0)
    db.close()
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    console = Console(width=max(Console().width, 100))
    engine_rates, raw_rates = [], []
    with tempfile.TemporaryDirectory() as tmp, console.status("measuring...") as status:
        for r in range(args.repeat):  # alternate, so both sides see the same disk weather
            status.update(f"round {r + 1}: raw SQL")
            raw_rates.append(run_raw(args.cases, Path(tmp) / f"raw{r}.db"))
            status.update(f"round {r + 1}: sop_engine")
            engine_rates.append(run_engine(args.cases, Path(tmp) / f"engine{r}.db"))
    raw, eng = max(raw_rates), max(engine_rates)
    table = Table(
        title=f"{args.cases} cases x {1 + len(PATH)} durable commands, best of "
        f"{args.repeat}, Python {sys.version.split()[0]}"
    )
    for col in ("implementation", "commands/s", "vs raw SQL"):
        table.add_column(col, justify="left" if col == "implementation" else "right")
    table.add_row("raw SQL (same writes, same settings)", f"{raw:,.0f}", "100 %")
    table.add_row("sop_engine on SqliteStore", f"{eng:,.0f}", f"{eng / raw:.0%}")
    console.print(table)
    console.print(f"goal >= 70 % of raw SQL: {'met' if eng / raw >= 0.7 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
