"""``--from-db``: a scenario's arrival rate and work times fitted from a store's real trail.

An agency simulates its own history: the arrival rate becomes the mean number of cases opened
per arrival day (working days, or every day, as the scenario counts them) between the first and
the last case of the SOP in the store, and the work time (staff steps) or delay (reporter steps)
of every scenario step seen often enough in the trail becomes the empirical distribution of the
office time between the audit event before it and the event itself. The trail records when
things happened, not when an officer started working, so a fitted work time includes the time
the case waited for a free officer: with busy staff it overstates the work (the report says what
was fitted, and from how many observations).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._persistence.store import Store
from sop_engine._simulate.distributions import Empirical
from sop_engine._simulate.model import _default_hours
from sop_engine._simulate.scenario import REPORTER, Scenario
from sop_engine._simulate.workclock import WorkClock

__all__ = ["MAX_SAMPLES", "MIN_OBSERVATIONS", "fit_scenario"]

MIN_OBSERVATIONS = 5
"""A step is fitted only from at least this many observations; otherwise the scenario's stays."""
MAX_SAMPLES = 500
"""An empirical distribution keeps at most this many values (evenly spaced order statistics)."""


def _thin(values: list[float]) -> tuple[float, ...]:
    values = sorted(values)
    if len(values) <= MAX_SAMPLES:
        return tuple(values)
    step = (len(values) - 1) / (MAX_SAMPLES - 1)
    return tuple(values[round(i * step)] for i in range(MAX_SAMPLES))


def fit_scenario(
    scenario: Scenario, sop: CompiledSop, calendar: WorkingCalendar | None, store: Store
) -> tuple[Scenario, dict[str, Any]]:
    """The scenario with what the trail of ``sop``'s cases in ``store`` says; and what changed."""
    trails = []
    for case_id in sorted(store.case_ids()):
        case = store.get(case_id)
        if case.sop_id == sop.id:
            trails.append(store.history(case_id))
    starts = [t[0].at for t in trails if t]
    if not starts:
        return scenario, {"cases": 0, "per_day": None, "steps": []}
    first, last = min(starts), max(starts)
    zone = scenario.zone or (calendar.zone if calendar is not None else "UTC")
    works = calendar.is_working_day if calendar is not None else (lambda d: True)
    hours = scenario.office_hours or _default_hours(calendar)
    tz_first = first.astimezone(WorkClock(first.date(), 1, zone, hours, works).zone).date()
    span = (last - first).days + 60
    clock = WorkClock(tz_first, span, zone, hours, works)
    tz_last = last.astimezone(clock.zone).date()
    days = [
        tz_first + timedelta(days=k)
        for k in range((tz_last - tz_first).days + 1)
        if scenario.days == "all" or works(tz_first + timedelta(days=k))
    ]
    per_day = len(starts) / max(1, len(days))

    observed: dict[tuple[str, str], list[float]] = defaultdict(list)
    for trail in trails:
        for before, event in itertools.pairwise(trail):
            if event.event.startswith("@") or event.source is None:
                continue
            a = (before.at - clock.origin).total_seconds()
            b = (event.at - clock.origin).total_seconds()
            observed[(event.source, event.event)].append(clock.office(b) - clock.office(a))

    fitted = []
    steps = {}
    for state, options in scenario.steps.items():
        new = []
        for o in options:
            values = observed.get((state, o.event), [])
            if len(values) < MIN_OBSERVATIONS:
                new.append(o)
                continue
            dist = Empirical(_thin(values))
            kind = "delay" if o.by == REPORTER else "work"
            new.append(
                attrs.evolve(o, delay=dist) if kind == "delay" else attrs.evolve(o, work=dist)
            )
            fitted.append(
                {
                    "state": state,
                    "event": o.event,
                    "kind": kind,
                    "observations": len(values),
                    "mean_hours": round(dist.mean / 3600, 3),
                }
            )
        steps[state] = tuple(new)
    summary = {
        "cases": len(starts),
        "per_day": round(per_day, 3),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "steps": fitted,
    }
    return attrs.evolve(scenario, per_day=per_day, steps=steps), summary
