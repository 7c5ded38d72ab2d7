"""In-memory scaling: events/s and bytes per open case as the store grows (issue 19).

    python bench/bench_scaling.py 10000 100000 1000000

For each size, the LAPOR! SOP as agencies run it (clocks and ethics rules) on a memory store:
``n`` cases are opened under ``tracemalloc`` (bytes per open case: the snapshot, its deadline
records, its first audit event, its pending timer runs and every index entry), then three events
are fired on each (to ``diproses``, so the cases stay open), timed in CPU time. The cost per case
should stay flat: the store's indexes are dicts and one heap, so a case costs the same whether
it is the thousandth or the millionth. Prints a markdown table and a text chart (the same
``scaling_memory`` as ``run_all.py``'s scaling section, without the SQLite part). A million
cases take several minutes and about 1.5 GB of memory: run it on a quiet machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_all import scaling_memory


def chart(rows: list[dict[str, float]], field: str, unit: str, width: int = 40) -> str:
    """One text bar per size, scaled to the largest value."""
    top = max(r[field] for r in rows) or 1.0
    lines = []
    for r in rows:
        bar = "#" * max(1, round(r[field] / top * width))
        lines.append(f"{int(r['cases']):>9,} | {bar} {r[field]:,.0f} {unit}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    rows = []
    for n in sizes:
        rows.append(scaling_memory(n))
        print(f"... {n:,} cases done", file=sys.stderr, flush=True)
    print("| in memory: cases | events/s | bytes per open case |")
    print("|---|---|---|")
    for r in rows:
        print(
            f"| {int(r['cases']):,} | {r['events_per_s']:,.0f} | {r['bytes_per_open_case']:,.0f} |"
        )
    print("\n```text\nevents/s (LAPOR! SOP as run, CPU time)")
    print(chart(rows, "events_per_s", "events/s"))
    print("\nbytes per open case (tracemalloc)")
    print(chart(rows, "bytes_per_open_case", "B"))
    print("```")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
