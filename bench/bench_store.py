"""Durable commands per second on the SQLite store, against raw SQL doing the same writes.

    python bench/bench_store.py [--cases N]

Both sides use one file each in a temporary directory with the same settings (WAL,
``synchronous=FULL``, foreign keys) and one ``BEGIN IMMEDIATE`` transaction per command:

- ``sop_engine``: ``Engine.start`` + 6 ``Engine.fire`` per case on the LAPOR! SOP with its
  deadlines (validation, guards, actions, clocks, snapshot and event JSON, the hash chain,
  timers);
- ``raw SQL``: the very same rows (recorded from the engine on a memory store beforehand, so
  the same snapshot, event and timer bytes) written with the same statements: the
  version-checked snapshot update, the event insert with its SHA-256 chain link, the timers;
  no engine, no JSON encoding, no reads.

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

from sop_engine import Engine, SimulatedClock  # noqa: E402
from sop_engine.sqlite_store import SqliteStore  # noqa: E402

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


def _recorded_writes(
    n: int,
) -> list[tuple[str, str, int, str, str, str, list[tuple[str, int, str]]]]:
    """The rows the engine writes for the workload, recorded on a memory store beforehand."""
    from sop_engine.codec import case_to_json, dumps, event_to_json, link_hash
    from sop_engine.store import MemoryStore

    writes: list[tuple[str, str, int, str, str, str, list[tuple[str, int, str]]]] = []
    heads: dict[str, str] = {}

    class Recording(MemoryStore):
        def _record(self, case: Any, event: Any, timers: Any) -> None:
            body = dumps(event_to_json(event))
            link = link_hash(heads.get(case.id, ""), body)
            writes.append(
                (
                    case.id,
                    case.state,
                    case.version,
                    dumps(case_to_json(case)),
                    body,
                    heads.get(case.id, ""),
                    [(t.key, int(t.at.timestamp() * 1e6), t.item) for t in timers],
                )
            )
            heads[case.id] = link

        def insert(
            self, case: Any, event: Any, command: Any, timers: Any = (), notifications: Any = ()
        ) -> None:
            timers = list(timers)
            super().insert(case, event, command, timers, notifications)
            self._record(case, event, timers)

        def commit(
            self,
            case: Any,
            event: Any,
            command: Any,
            timers: Any = (),
            notifications: Any = (),
            done: Any = (),
        ) -> None:
            timers = list(timers)
            super().commit(case, event, command, timers, notifications, done)
            self._record(case, event, timers)

    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=Recording(), clock=clock)
    sop = engine.load(SOP)
    for i in range(n):
        engine.start(sop.id, DATA, ADMIN, case_id=f"c{i}")
        for event, actor, payload in PATH:
            engine.fire(f"c{i}", event, actor, payload)
    return writes


def run_raw(n: int, path: Path) -> float:
    """The same rows (same bytes) with the same settings and statements, no engine at all."""
    import hashlib

    writes = _recorded_writes(n)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    db.execute(
        "CREATE TABLE cases (id TEXT PRIMARY KEY, state TEXT, version INTEGER, snapshot TEXT)"
    )
    db.execute(
        "CREATE TABLE events (case_id TEXT REFERENCES cases(id), seq INTEGER, body TEXT, "
        "prev_hash TEXT, hash TEXT, PRIMARY KEY (case_id, seq)) WITHOUT ROWID"
    )
    db.execute("CREATE TABLE timers (key TEXT PRIMARY KEY, at_us INTEGER, body TEXT)")
    t0 = time.perf_counter()
    for cid, state, version, snapshot, body, previous, timers in writes:
        link = hashlib.sha256(previous.encode() + b"\n" + body.encode()).hexdigest()
        db.execute("BEGIN IMMEDIATE")
        if version == 1:
            db.execute("INSERT INTO cases VALUES (?, ?, 1, ?)", (cid, state, snapshot))
        else:
            cur = db.execute(
                "UPDATE cases SET state = ?, version = ?, snapshot = ? WHERE id = ? AND version = ?",
                (state, version, snapshot, cid, version - 1),
            )
            assert cur.rowcount == 1
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (cid, version, body, previous, link)
        )
        if timers:
            db.executemany("INSERT OR IGNORE INTO timers VALUES (?, ?, ?)", timers)
        db.execute("COMMIT")
    rate = len(writes) / (time.perf_counter() - t0)
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
