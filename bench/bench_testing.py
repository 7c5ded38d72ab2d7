"""Stateful testing speed on the LAPOR! SOP: steps per second, against a goal and a baseline.

    python bench/bench_testing.py [--examples N] [--seed S]

1. The kit: ``explore()`` on the LAPOR! SOP (one Hypothesis draw per scenario; after each step
   every built-in and declared invariant is checked). Goal (issue 19): at least 5,000 steps/s.
2. The same steps again through the kit's ``World`` without Hypothesis, with every invariant:
   what the checks cost without the generation.
3. The same steps through the bare engine (``World`` with no invariant selected): the floor.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sop_engine import Registry, compile_sop, load_definition  # noqa: E402
from sop_engine.testing import DEFAULT_START, Step, World, explore  # noqa: E402

SOP = ROOT / "examples" / "lapor" / "sop.yaml"
GOAL = 5000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    console = Console(width=max(Console().width, 100))
    registry = Registry()
    sop = compile_sop(load_definition(SOP, registry=registry), registry)

    # record the steps each world applies, to run exactly them again without Hypothesis
    runs: list[list[Step]] = []
    original = World.apply

    def recording(self: World, step: Step) -> object:
        if not self.log:
            runs.append([])
        runs[-1].append(step)
        return original(self, step)

    World.apply = recording  # type: ignore[method-assign]
    with console.status(f"exploring the LAPOR! SOP, {args.examples} scenarios"):
        t0 = time.perf_counter()
        result = explore(sop, registry=registry, max_examples=args.examples, seed=args.seed)
        t_kit = time.perf_counter() - t0
    World.apply = original  # type: ignore[method-assign]
    assert result.passed, result.failure
    steps = sum(len(r) for r in runs)

    def again(invariants: list[str] | None) -> float:
        t0 = time.perf_counter()
        for run in runs:
            world = World(sop, registry, DEFAULT_START, invariants=invariants)
            for step in run:
                world.apply(step)
        return time.perf_counter() - t0

    with console.status("the same steps with every invariant, no Hypothesis"):
        t_checked = again(None)
    with console.status("the same steps on the bare engine"):
        t_bare = again([])

    rate_kit, rate_checked, rate_bare = steps / t_kit, steps / t_checked, steps / t_bare
    table = Table(
        title=f"stateful testing of the LAPOR! SOP: {args.examples} scenarios, {steps:,} steps, "
        f"seed {args.seed}, Python {sys.version.split()[0]}"
    )
    for col in ("run", "seconds", "steps/s", "x goal (5,000/s)", "x bare engine"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for name, t, rate in (
        ("sop_engine.testing.explore (Hypothesis + walker + invariants)", t_kit, rate_kit),
        ("same steps, invariants, no Hypothesis", t_checked, rate_checked),
        ("same steps, bare engine (baseline)", t_bare, rate_bare),
    ):
        table.add_row(
            name, f"{t:.2f}", f"{rate:,.0f}", f"{rate / GOAL:.2f}", f"{rate / rate_bare:.2f}"
        )
    console.print(table)
    console.print(
        f"coverage {result.coverage.ratio:.0%}; goal ≥ {GOAL:.0f} steps/s: "
        + ("[green]met[/green]" if rate_kit >= GOAL else "[red]not met[/red]")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
