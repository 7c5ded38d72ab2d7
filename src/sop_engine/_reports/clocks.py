"""What the reports say about service-standard clocks: where a clock runs, and how a case's
clock ended (met on time, met late, running, breached, paused, closed, expired).

One classification serves the diagram, the case explanation, the queries and the M&E report, so
a case counted "late" in the report is drawn red on its diagram and explained as late.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.records import AuditEvent, Deadline
from sop_engine._features.deadlines import ClockSpec

__all__ = ["ClockOutcome", "clock_span", "outcome"]

STATUSES = ("met", "late", "running", "breached", "paused", "closed", "expired", "withdrawn")
"""Every status :func:`outcome` gives, in the order reports list them."""


def clock_span(sop: CompiledSop, clock: ClockSpec) -> tuple[frozenset[str], frozenset[str]]:
    """The states a clock runs in and the states it is paused in.

    From the states that start it (entered, or reached by a starting event), every state
    reachable without entering a stopping state or leaving a ``stop: leave`` state; final states
    close every clock, so they are never in the span.
    """
    d = sop.definition
    starts = set(clock.start_enter)
    starts |= {t.dest for t in d.transitions if t.event in clock.start_event}
    finals = {s.name for s in d.states if s.final}
    out: dict[str, set[str]] = {}
    for t in d.transitions:
        if t.event in clock.stop_event:
            continue
        for s in t.sources:
            out.setdefault(s, set()).add(t.dest)
    seen: set[str] = set()
    todo = [s for s in starts if s not in finals]
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        if s in clock.stop_leave:
            continue
        for n in out.get(s, ()):
            if n not in finals and n not in clock.stop_enter and n not in seen:
                todo.append(n)
    return frozenset(seen - clock.pause), frozenset(seen & clock.pause)


@attrs.frozen(slots=True)
class ClockOutcome:
    """How one clock of one case stands at ``now``."""

    name: str
    status: str
    """One of :data:`STATUSES`."""
    due_at: datetime | None
    ended_at: datetime | None
    """When the clock was met, closed or expired (from the trail), else ``None``."""


def _met_at(clock: ClockSpec | None, d: Deadline, history: Sequence[AuditEvent]) -> datetime | None:
    """The instant of the first event after the arming's anchor that stops the clock."""
    if clock is None:
        return None
    for e in history:
        if e.at < d.anchor:
            continue
        moved = e.source != e.target
        if (
            (moved and e.target in clock.stop_enter)
            or (moved and e.source in clock.stop_leave)
            or e.event in clock.stop_event
        ):
            return e.at
    return None


def outcome(
    sop: CompiledSop, d: Deadline, history: Sequence[AuditEvent], now: datetime
) -> ClockOutcome:
    """Classify ``d``: met (on time) / late (met after its due instant or after its breach
    fired) / running / breached (running past due) / paused / closed / expired (an
    ``on_expiry`` clock whose expiry fired) / withdrawn (its ``applies_when`` stopped matching;
    counted neither on time nor late)."""
    plan = sop.deadlines
    clock = next((c for c in plan.clocks if c.name == d.name), None) if plan else None
    if "expiry" in d.fired:
        ended = next(
            (e.at for e in history if e.event == "@expire" and e.payload.get("deadline") == d.name),
            None,
        )
        return ClockOutcome(d.name, "expired", d.due_at, ended)
    if d.status in ("met", "closed"):
        # a clock is closed by the event that took the case into a final state: the last one
        ended = _met_at(clock, d, history) if d.status == "met" else history[-1].at
        late = "breach" in d.fired or (
            ended is not None and d.due_at is not None and ended > d.due_at
        )
        if d.status == "closed":
            return ClockOutcome(d.name, "late" if late else "closed", d.due_at, ended)
        return ClockOutcome(d.name, "late" if late else "met", d.due_at, ended)
    if d.status == "paused":
        return ClockOutcome(d.name, "paused", d.due_at, None)
    if d.status == "withdrawn":  # its applies_when stopped matching: it is no one's deadline
        return ClockOutcome(d.name, "withdrawn", d.due_at, None)
    breached = "breach" in d.fired or (d.due_at is not None and now > d.due_at)
    return ClockOutcome(d.name, "breached" if breached else "running", d.due_at, None)
