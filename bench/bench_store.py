"""Durable commands per second on the SQLite store, against raw SQL doing the same writes.

    python bench/bench_store.py [--cases N]

Both sides use one file each in a temporary directory with the same settings (WAL,
``synchronous=FULL``, foreign keys) and one ``BEGIN IMMEDIATE`` transaction per command:

- ``sop_engine``: ``Engine.start`` + 6 ``Engine.fire`` per case on the LAPOR! SOP with its
  deadlines (validation, guards, actions, clocks, snapshot and event JSON, the hash chain,
  timers);
- ``raw SQL``: the same rows written directly: the snapshot update (version-checked), the event
  insert with a SHA-256 chain link over a JSON body of the same shape, no engine at all.

The goal (issue #6) is >= 70 % of the raw-SQL rate. Every commit waits for the disk
(``synchronous=FULL``), so both sides are bounded by fsync on this machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

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


def run_raw(n: int, path: Path) -> float:
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
    snapshot = {"data": dict(DATA), "deadlines": [{"name": "x", "due_at": "2026-03-05"}] * 3}
    t0 = time.perf_counter()
    for i in range(n):
        cid = f"c{i}"
        previous = ""
        for seq in range(1, len(PATH) + 2):
            body = json.dumps(
                {
                    "case_id": cid,
                    "seq": seq,
                    "actor": {"id": "a", "role": "r"},
                    "payload": {"k": "v"},
                    "at": "2026-03-02T01:00:00+00:00",
                },
                sort_keys=True,
                separators=(",", ":"),
            )
            link = hashlib.sha256(previous.encode() + b"\n" + body.encode()).hexdigest()
            db.execute("BEGIN IMMEDIATE")
            if seq == 1:
                db.execute(
                    "INSERT INTO cases VALUES (?, ?, 1, ?)", (cid, "s", json.dumps(snapshot))
                )
            else:
                cur = db.execute(
                    "UPDATE cases SET state = ?, version = ?, snapshot = ? WHERE id = ? AND version = ?",
                    ("s", seq, json.dumps(snapshot), cid, seq - 1),
                )
                assert cur.rowcount == 1
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (cid, seq, body, previous, link)
            )
            db.execute("COMMIT")
            previous = link
    rate = n * (1 + len(PATH)) / (time.perf_counter() - t0)
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
