"""The M&E report and the officer's work queue at agency scale (issue 21), on SQLite.

    python bench/bench_reports.py [--cases 100000] [--queue-rows 1000000] [--quick]

Two figures, each against a baseline measured in the same run:

- **report**: ``sop report`` over a period holding ``--cases`` LAPOR! cases on a SQLite file
  (opened by web over ten weeks, a third finished, a third half-way, a third left to breach;
  the deadline sweep runs every evening, so breaches and escalations are real trail events).
  Baseline: the floor any report must pay, reading every case's snapshot and trail rows from
  the same file with raw SQL and decoding their JSON. Goal: under 10 s for 100,000 cases.
- **queue**: ``Engine.cases(CaseQuery(overdue_at=now, limit=50))`` (what ``sop case list
  --overdue`` runs) on a query index of ``--queue-rows`` rows. Baseline: the same SELECT forced
  to scan the table (``NOT INDEXED``). Goal: under 100 ms on 1,000,000 cases: the index, not a
  scan. The rows are written straight into the index table (``case_index``), which is all the
  query reads; building a million real cases would take the bench an hour and measure intake,
  not the query. The query plan is printed to show which index answers.

``--quick`` runs 5,000 cases and 200,000 index rows (a smoke run on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import ADMIN, DATA, PATH  # noqa: E402

from sop_engine import (  # noqa: E402
    CaseQuery,
    Engine,
    FireCommand,
    SimulatedClock,
    SqliteStore,
    StartCommand,
    me_report,
)

SOP = ROOT / "examples" / "lapor" / "sop.yaml"
START = datetime(2026, 4, 6, 2, tzinfo=UTC)  # Monday 09:00 WIB, after Idul Fitri
WEEKS = 10
GROUP = 500  # commands per group commit while building the file


def build_cases(path: Path, n: int, progress: Progress) -> Engine:
    """A SQLite file with ``n`` cases opened over ``WEEKS`` weeks of working days."""
    clock = SimulatedClock(START)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    sop = engine.load(SOP)
    days = [
        START + timedelta(days=d) for d in range(WEEKS * 7) if (START + timedelta(d)).weekday() < 5
    ]
    per_day = max(1, n // len(days))
    task = progress.add_task("building cases", total=n)
    made = 0
    for day in days:
        if made >= n:
            break
        clock.set(day)
        batch: list[StartCommand | FireCommand] = []
        todo = min(per_day if day != days[-1] else n - made, n - made)
        for i in range(made, made + todo):
            cid = f"c{i:07d}"
            batch.append(StartCommand(sop.id, DATA, ADMIN, case_id=cid))
            steps = len(PATH) if i % 3 == 0 else (2 if i % 3 == 1 else 0)
            batch.extend(FireCommand(cid, e, a, p) for e, a, p in PATH[:steps])
            if len(batch) >= GROUP:
                _submit(engine, batch)
                batch = []
        if batch:
            _submit(engine, batch)
        made += todo
        progress.update(task, completed=made)
        clock.set(day + timedelta(hours=8))  # 17:00 WIB: the evening sweep
        engine.sweep()
    clock.set(days[-1] + timedelta(days=7))
    engine.sweep()
    return engine


def _submit(engine: Engine, batch: list[StartCommand | FireCommand]) -> None:
    refused = [o for o in engine.submit(batch) if not o.accepted]
    if refused:
        raise SystemExit(f"the bench workload was refused: {refused[0].error}")


def raw_floor(path: Path) -> float:
    """Seconds to read and decode every snapshot and trail row with raw SQL."""
    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    for (snapshot,) in db.execute("SELECT snapshot FROM cases"):
        json.loads(snapshot)
    for (body,) in db.execute("SELECT body FROM events"):
        json.loads(body)
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed


def bench_report(n: int, console: Console) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, Progress(console=console, transient=True) as bar:
        path = Path(tmp) / "report.sqlite3"
        t0 = time.perf_counter()
        engine = build_cases(path, n, bar)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = me_report(engine, date(2026, 4, 1), date(2026, 7, 1))
        seconds = time.perf_counter() - t0
        floor = raw_floor(path)
        events = sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone()[0]
        store = engine.store
        assert isinstance(store, SqliteStore)
        store.close()
    return {
        "cases": n,
        "events": events,
        "build_s": built,
        "report_s": seconds,
        "raw_floor_s": floor,
        "received": report["received"]["total"] if "received" in report else None,
    }


def sqlite_instant(at: datetime) -> str:
    """An instant as the store writes ``case_index.next_due`` (UTC text, milliseconds)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def bench_queue(rows: int, console: Console) -> dict[str, Any]:
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    rng = random.Random(21)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "queue.sqlite3"
        clock = SimulatedClock(now)
        SqliteStore(path, clock=clock).close()  # the schema, with the query index
        db = sqlite3.connect(path)
        units = [f"unit_{u}" for u in range(40)]

        def row(i: int) -> tuple[Any, ...]:
            due = now + timedelta(hours=rng.uniform(-24 * 20, 24 * 200))
            running = i % 4 != 0  # a quarter of the cases have no running deadline
            return (
                f"c{i:08d}",
                "lapor",
                "h",
                "ditindaklanjuti",
                units[i % len(units)],
                "web",
                "pengaduan",
                sqlite_instant(due) if running else None,
                i,
            )

        with console.status(f"writing {rows:,} index rows"), db:
            db.executemany(
                "INSERT INTO case_index VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row(i) for i in range(rows)),
            )
        db.execute("ANALYZE")
        db.commit()
        query = CaseQuery(overdue_at=now, limit=50)
        engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
        engine.cases(query)  # warm the page cache for both sides
        timings = []
        for _ in range(7):
            t0 = time.perf_counter()
            page = engine.cases(query)
            timings.append(time.perf_counter() - t0)
        overdue = engine.count_cases(query)
        store = engine.store
        assert isinstance(store, SqliteStore)
        store.close()
        limit = sqlite_instant(now)
        sql = (
            "SELECT case_id FROM case_index {hint} WHERE next_due < ? "
            "ORDER BY next_due, created LIMIT 50"
        )
        plan = " / ".join(
            r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql.format(hint=""), (limit,))
        )
        scans = []
        for _ in range(3):
            t0 = time.perf_counter()
            db.execute(sql.format(hint="NOT INDEXED"), (limit,)).fetchall()
            scans.append(time.perf_counter() - t0)
        db.close()
    return {
        "rows": rows,
        "overdue": overdue,
        "page": len(page),
        "query_ms": statistics.median(timings) * 1000,
        "scan_ms": statistics.median(scans) * 1000,
        "plan": plan,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queue-rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="5,000 cases, 200,000 index rows")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.queue_rows = 5_000, 200_000
    console = Console(stderr=args.json)
    report = bench_report(args.cases, console)
    queue = bench_queue(args.queue_rows, console)
    if args.json:
        print(json.dumps({"report": report, "queue": queue}, indent=2))
        return 0
    table = Table(title="sop report and sop case list --overdue on SQLite")
    for column in ("figure", "size", "sop_engine", "baseline", "ratio", "goal"):
        table.add_column(column)
    table.add_row(
        "report over a period",
        f"{report['cases']:,} cases, {report['events']:,} events",
        f"{report['report_s']:.2f} s",
        f"{report['raw_floor_s']:.2f} s (raw read + decode)",
        f"{report['report_s'] / report['raw_floor_s']:.1f}× the floor",
        "< 10 s for 100,000 cases",
    )
    table.add_row(
        "case list --overdue (page of 50)",
        f"{queue['rows']:,} cases, {queue['overdue']:,} overdue",
        f"{queue['query_ms']:.2f} ms",
        f"{queue['scan_ms']:.1f} ms (forced scan)",
        f"{queue['scan_ms'] / queue['query_ms']:.0f}× faster than a scan",
        "< 100 ms on 1,000,000",
    )
    console.print(table)
    console.print(f"query plan: {queue['plan']}")
    console.print(f"building the report file took {report['build_s']:.1f} s (group commit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
