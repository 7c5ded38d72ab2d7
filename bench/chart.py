"""The scaling chart of docs/performance.md, drawn from every run kept in bench/results/.

Usage::

    python bench/chart.py [--results bench/results] [--out docs/performance-scaling.svg]

``bench/run_all.py`` draws it after each run. Each JSON file there holds the scaling rows of
one run (``scaling.memory``: cases, events/s, bytes per open case; ``scaling.sqlite``: cases,
fire p50/p99 and sweep latency); the chart takes, for every kind and size, the row of the
newest run that measured that size, so a 1,000,000-case run made once is kept beside the
smaller sizes measured since. Rows missing a figure are skipped, never guessed. Each point is
labelled with the run's mode and date: sizes measured on different days (or machines) are not
one curve, and the labels say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def collect(results: Path) -> dict[str, list[dict[str, Any]]]:
    """The newest row per (kind, cases) across every run file, sorted by cases."""
    best: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
    for path in sorted(results.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict):
            continue
        when = str(doc.get("when", ""))
        scaling = doc.get("scaling")
        if not isinstance(scaling, dict):
            continue
        for kind in ("memory", "sqlite"):
            for row in scaling.get(kind) or ():
                if not isinstance(row, dict) or not isinstance(row.get("cases"), int | float):
                    continue
                key = (kind, int(row["cases"]))
                if key not in best or best[key][0] <= when:
                    best[key] = (when, {**row, "_run": f"{doc.get('mode', '?')} {when[:10]}"})
    out: dict[str, list[dict[str, Any]]] = {"memory": [], "sqlite": []}
    for (kind, _), (_, row) in sorted(best.items(), key=lambda kv: kv[0]):
        out[kind].append(row)
    return out


def _series(rows: list[dict[str, Any]], key: str) -> tuple[list[int], list[float], list[str]]:
    xs, ys, runs = [], [], []
    for r in rows:
        v = r.get(key)
        if isinstance(v, int | float) and v > 0:
            xs.append(int(r["cases"]))
            ys.append(float(v))
            runs.append(str(r["_run"]))
    return xs, ys, runs


def draw(results: Path, out: Path) -> Path | None:
    """Write the SVG chart; ``None`` (nothing written) when no run has scaling rows."""
    data = collect(results)
    if not data["memory"] and not data["sqlite"]:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    panels = [
        (axes[0][0], "memory", [("events_per_s", "events/s")], "In memory: events/s (CPU time)"),
        (
            axes[0][1],
            "memory",
            [("bytes_per_open_case", "bytes")],
            "In memory: bytes per open case",
        ),
        (
            axes[1][0],
            "sqlite",
            [("fire_p50_ms", "fire p50"), ("fire_p99_ms", "fire p99")],
            "SQLite: one durable fire, ms (wall time)",
        ),
        (
            axes[1][1],
            "sqlite",
            [("sweep_ms_per_item", "sweep per item"), ("file_bytes_per_case", "")],
            "SQLite: sweep, ms per fired item (wall time)",
        ),
    ]
    for ax, kind, series, title in panels:
        rows = data[kind]
        drawn = False
        for key, label in series:
            if not label:
                continue
            xs, ys, runs = _series(rows, key)
            if xs:
                ax.plot(xs, ys, marker="o", label=label)
                for x, y, run in zip(xs, ys, runs, strict=True):
                    ax.annotate(run, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
                drawn = True
        ax.set_title(title, fontsize=10)
        ax.set_xscale("log")
        ax.set_xlabel("cases")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylim(bottom=0)
        if drawn and len(series) > 1:
            ax.legend(fontsize=8)
        if not drawn:
            ax.text(0.5, 0.5, "not measured yet", ha="center", va="center", transform=ax.transAxes)
    fig.suptitle(
        "sop_engine scaling: the cost per case should stay flat as cases grow", fontsize=11
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    # no timestamps in the file: redrawing from the same runs gives the same bytes
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance-scaling.svg")
    args = parser.parse_args(argv)
    written = draw(args.results, args.out)
    if written is None:
        print(f"no scaling rows in {args.results}/*.json: run bench/run_all.py first")
        return 1
    print(f"written {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
