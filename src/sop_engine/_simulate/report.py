"""Replications, and what they add up to: the report of ``sop simulate`` as plain JSON data.

Rates (share within a limit, utilisation, counts per replication) are averaged over the
replications with a 95 % confidence interval from Student's t (the replications are independent
by construction); durations (working days per stage and end to end, waits for staff) are pooled
over replications for their percentiles. Every number is rounded, keys are sorted and nothing
depends on the wall clock, so the same seed gives the same bytes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import SimulatedClock
from sop_engine._core.text import Lang
from sop_engine._engine import Engine
from sop_engine._simulate.model import Replication, RunResult, streams
from sop_engine._simulate.scenario import Scenario

__all__ = ["confidence", "days_off", "percentile", "simulate"]

# Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def confidence(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and the 95 % confidence interval of the mean of independent replications."""
    n = len(values)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = sum(values) / n
    if n == 1:
        return (mean, mean, mean)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = _T95[n - 2] if n - 1 <= len(_T95) else 1.96
    half = t * sd / math.sqrt(n)
    return (mean, mean - half, mean + half)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation of the sorted values."""
    if not sorted_values:
        return math.nan
    x = q * (len(sorted_values) - 1)
    lo = math.floor(x)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (x - lo)


def _r(x: float, digits: int = 4) -> float | None:
    return None if math.isnan(x) else round(x, digits)


def _ci(
    values: Sequence[float], digits: int = 4, low: float = 0.0, high: float = math.inf
) -> dict[str, float | None]:
    """Mean and 95 % CI, the interval clipped to what the quantity can be (a share is 0..100)."""
    mean, lo, hi = confidence(values)
    if not math.isnan(mean):
        lo, hi = max(low, lo), min(high, hi)
    return {"mean": _r(mean, digits), "ci_low": _r(lo, digits), "ci_high": _r(hi, digits)}


def _quantiles(values: Iterable[float]) -> dict[str, float | None]:
    s = sorted(values)
    return {
        "n": len(s),
        "mean": _r(sum(s) / len(s), 3) if s else None,
        "p50": _r(percentile(s, 0.5), 3),
        "p90": _r(percentile(s, 0.9), 3),
        "p95": _r(percentile(s, 0.95), 3),
    }


def simulate(
    sop: CompiledSop,
    scenario: Scenario,
    calendar: WorkingCalendar | None,
    *,
    seed: int,
    replications: int,
    engine: Callable[[SimulatedClock, Callable[[], str]], Engine],
    lang: Lang = "id",
    progress: Callable[[int, float], None] | None = None,
) -> dict[str, Any]:
    """Run ``replications`` independent replications and summarise them (see module doc)."""
    runs: list[RunResult] = []
    for k, rng in enumerate(streams(seed, replications)):
        tick = None if progress is None else (lambda f, k=k: progress(k, f))
        rep = Replication(sop, scenario, calendar, rng, engine=engine, progress=tick)
        runs.append(rep.run())
    first = scenario.start
    report = summarise(
        sop,
        scenario,
        runs,
        seed=seed,
        lang=lang,
        days=[(first + timedelta(days=i + 1)).isoformat() for i in range(len(runs[0].backlog))],
    )
    report["backlog"]["days_off"] = days_off(calendar, first, len(runs[0].backlog))
    return report


def days_off(calendar: WorkingCalendar | None, first: date, days: int) -> list[dict[str, Any]]:
    """National holidays, cuti bersama and closures (not weekends) among the ``days`` days
    from ``first``, with the index of their point on the backlog line (open cases at the end of
    that day): supervisors see work pile up over Lebaran where it happens."""
    if calendar is None:
        return []
    out = []
    lo, hi = calendar.years
    for year in range(max(first.year, lo), min((first + timedelta(days=days)).year, hi) + 1):
        for off in calendar.holidays(year):
            index = (off.day - first).days
            if 0 <= index < days:
                out.append(
                    {
                        "date": off.day.isoformat(),
                        "index": index,
                        "kind": off.kind,
                        "name": off.name,
                    }
                )
    return out


def summarise(
    sop: CompiledSop,
    scenario: Scenario,
    runs: Sequence[RunResult],
    *,
    seed: int,
    lang: Lang,
    days: Sequence[str],
) -> dict[str, Any]:
    d = sop.definition
    states = {s.name: s.label.get(lang) for s in d.states}
    events = {e.name: e.label.get(lang) for e in d.events}
    plan = sop.deadlines
    clocks = {c.name: c.label.get(lang) for c in plan.clocks} if plan else {}

    limits: list[dict[str, Any]] = []
    keys = sorted({k for r in runs for k in r.limits})
    for cls, clock in keys:
        shares, total = [], 0
        for r in runs:
            ok, late = r.limits.get((cls, clock), [0, 0])
            total += ok + late
            if ok + late:
                shares.append(100.0 * ok / (ok + late))
        limits.append(
            {"class": cls, "clock": clock, "label": clocks.get(clock, clock), "n": total}
            | _ci(shares, 2, high=100.0)
        )

    stage_keys = sorted({k for r in runs for k in r.stages})
    stages = [
        {"state": s, "label": states.get(s, s)} | _quantiles(v for r in runs for v in r.stages[s])
        for s in stage_keys
    ]
    classes = sorted({k for r in runs for k in r.end_to_end})
    end_to_end = [
        {"class": c} | _quantiles(v for r in runs for v in r.end_to_end[c]) for c in classes
    ]
    end_to_end.append(
        {"class": "*"} | _quantiles(v for r in runs for vs in r.end_to_end.values() for v in vs)
    )

    length = min(len(r.backlog) for r in runs)
    backlog = {
        "days": list(days[:length]),
        "mean": [_r(sum(r.backlog[i] for r in runs) / len(runs), 2) for i in range(length)],
        "min": [min(r.backlog[i] for r in runs) for i in range(length)],
        "max": [max(r.backlog[i] for r in runs) for i in range(length)],
    }

    utilisation = []
    for role, unit in sorted(runs[0].capacity, key=lambda k: (k[0], k[1] or "")):
        shares = [
            100.0 * r.busy.get((role, unit), 0.0) / r.capacity[(role, unit)]
            if r.capacity[(role, unit)]
            else 0.0
            for r in runs
        ]
        count = next(g.count for g in scenario.staff if (g.role, g.unit) == (role, unit))
        group: dict[str, Any] = {"role": role, "unit": unit, "count": count}
        utilisation.append(group | _ci(shares, 2, high=100.0))

    waits: list[dict[str, Any]] = []
    for key in sorted({k for r in runs for k in r.waits}, key=lambda k: tuple(str(x) for x in k)):
        state, event, role, unit = key
        per_rep = [sum(r.waits[key]) / len(r.waits[key]) / 3600 for r in runs if r.waits.get(key)]
        pooled = sorted(w / 3600 for r in runs for w in r.waits.get(key, ()))
        by_class: dict[str, list[float]] = {}
        for r in runs:
            for (*k, cls), (wsum, wcount) in r.class_waits.items():
                if tuple(k) == key:
                    acc = by_class.setdefault(cls, [0.0, 0.0])
                    acc[0] += wsum
                    acc[1] += wcount
        ranked = sorted(
            ((a / n / 3600, cls, int(n)) for cls, (a, n) in by_class.items()),
            key=lambda x: (-x[0], x[1]),
        )
        for_whom = [{"class": c, "n": n, "mean_hours": _r(m, 3)} for m, c, n in ranked]
        waits.append(
            {
                "state": state,
                "event": event,
                "label": events.get(event, event),
                "role": role,
                "unit": unit,
                "n": len(pooled),
                "mean_hours": _ci(per_rep, 3),
                "p90_hours": _r(percentile(pooled, 0.9), 3),
                "by_class": for_whom,
            }
        )
    waits.sort(key=lambda w: (-(w["mean_hours"]["mean"] or 0.0), w["state"], w["event"]))

    def per_run(table: Callable[[RunResult], dict[Any, int]]) -> list[dict[str, Any]]:
        keys = sorted({k for r in runs for k in table(r)}, key=lambda k: tuple(map(str, k)))
        return [{"key": list(k)} | _ci([float(table(r).get(k, 0)) for r in runs], 2) for k in keys]

    due: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for day, clock in sorted({k for r in runs for k in r.due_by_day}):
        due[day][clock] = sorted({x for r in runs for x in r.due_by_day.get((day, clock), ())})

    return {
        "scenario": {
            "id": scenario.id,
            "title": scenario.title.get(lang),
            "period": [scenario.start.isoformat(), scenario.end.isoformat()],
            "calendar": scenario.calendar,
            "drain_days": scenario.drain_days,
        },
        "sop": {"id": sop.id, "version": d.meta.version, "hash": sop.hash[:12]},
        "seed": seed,
        "replications": len(runs),
        "cases": {
            "arrived": _ci([float(r.arrived) for r in runs], 2),
            "started": _ci([float(r.started) for r in runs], 2),
            "completed": _ci([float(r.completed) for r in runs], 2),
            "open_at_end": _ci([float(r.backlog[-1]) if r.backlog else 0.0 for r in runs], 2),
            "final_states": {
                s: _ci([float(r.finals.get(s, 0)) for r in runs], 2)
                for s in sorted({k for r in runs for k in r.finals})
            },
        },
        "limits": limits,
        "stages": stages,
        "end_to_end": end_to_end,
        "backlog": backlog,
        "utilisation": utilisation,
        "waits": waits,
        "deadline_events": per_run(lambda r: r.system),
        "ethics": per_run(lambda r: r.ethics),
        "refusals": per_run(lambda r: r.refusals),
        "idle": per_run(lambda r: r.stuck),
        "due_by_arrival_day": dict(due),
        "engine_events": _ci([float(r.engine_events) for r in runs], 1),
    }
