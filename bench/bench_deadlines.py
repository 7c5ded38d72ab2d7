"""Arming and sweeping deadlines: per-item cost, with a no-deadline baseline in the same run.

    python bench/bench_deadlines.py [--cases N]

1. Arming: N cases opened on the LAPOR! SOP with its deadlines section and on the same SOP
   without it; the difference per case is the cost of arming its clocks (computing due instants
   on the Indonesian calendar and queueing the timers).
2. Sweeping: the clock jumps past every due instant and one ``engine.sweep()`` fires every
   reminder, breach and escalation (each an audit event and, mostly, an outbox notification);
   reported per fired item. A second sweep must fire nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import ADMIN, DATA  # noqa: E402

from sop_engine import Engine, SimulatedClock, load_definition  # noqa: E402

SOP = ROOT / "examples" / "lapor" / "sop.yaml"


def _engine(with_deadlines: bool) -> tuple[Engine, SimulatedClock]:
    clock = SimulatedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    engine = Engine(clock=clock)
    text = SOP.read_text(encoding="utf-8")
    if not with_deadlines:
        text = re.sub(r"\n# -- batas waktu.*", "\n", text, flags=re.S)
    engine.add(load_definition("lapor.yaml", text=text, registry=engine.registry))
    return engine, clock


def arm(n: int, with_deadlines: bool) -> tuple[float, Engine, SimulatedClock]:
    engine, clock = _engine(with_deadlines)
    t0 = time.perf_counter()
    for i in range(n):
        engine.start("lapor-upp", DATA, ADMIN, case_id=f"c{i}")
    return time.perf_counter() - t0, engine, clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    n = args.cases
    console = Console(width=max(Console().width, 100))
    with console.status(f"opening {n} cases without deadlines"):
        t_plain, _, _ = arm(n, with_deadlines=False)
    with console.status(f"opening {n} cases with deadlines"):
        t_armed, engine, clock = arm(n, with_deadlines=True)
    timers = sum(1 for _ in engine.store._timers)  # type: ignore[attr-defined]
    clock.set(datetime(2026, 3, 20, tzinfo=UTC))
    with console.status("sweeping everything that is due"):
        t0 = time.perf_counter()
        report = engine.sweep()
        t_sweep = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = engine.sweep()
        t_again = time.perf_counter() - t0
    fired = len(report.fired)
    table = Table(title=f"{n:,} cases on the LAPOR! SOP, Python {sys.version.split()[0]}")
    for col in ("measure", "total s", "per item", "items"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    table.add_row(
        "open cases, no deadlines (baseline)",
        f"{t_plain:.2f}",
        f"{t_plain / n * 1e6:.1f} us/case",
        f"{n:,}",
    )
    table.add_row(
        "open cases, deadlines armed",
        f"{t_armed:.2f}",
        f"{t_armed / n * 1e6:.1f} us/case",
        f"{n:,}",
    )
    table.add_row(
        "  arming cost (difference)",
        f"{t_armed - t_plain:.2f}",
        f"{(t_armed - t_plain) / n * 1e6:.1f} us/case",
        f"{timers:,} timers",
    )
    table.add_row(
        "sweep: fire every due item",
        f"{t_sweep:.2f}",
        f"{t_sweep / max(fired, 1) * 1e6:.1f} us/item",
        f"{fired:,} fired",
    )
    table.add_row("second sweep (nothing due)", f"{t_again:.4f}", "-", f"{len(again.fired)} fired")
    console.print(table)
    console.print(
        f"ratio armed/baseline open: {t_armed / t_plain:.2f}x; "
        f"outbox: {len(engine.store.outbox()):,} notifications"
    )
    return 0 if not again.fired else 1


if __name__ == "__main__":
    raise SystemExit(main())
