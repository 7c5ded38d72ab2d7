"""One replication: SimPy processes for arrivals, cases and staff around the real engine.

The engine decides everything, exactly as in production: the compiled SOP, its guards, actions,
code of ethics, deadline clocks, reminders, escalations and timed transitions, swept on a
:class:`~sop_engine._core.clock.SimulatedClock` against an in-memory store. SimPy only supplies
what the engine does not model: when complaints arrive, which officer is free, how long the work
takes, and when the reporter answers. Staff are pools of named officers (``simpy.Store``), so
the code of ethics sees who acted; they work only in office hours on the calendar's working days
(:class:`~sop_engine._simulate.workclock.WorkClock`).

In each state a case's options (the scenario's ``steps``) are tried in file order, each with its
probability; the first the engine accepts moves the case on, a refusal (guard, role, ethics)
falls through to the next. When nothing applies, the case waits for the engine to move it (a
timed transition at a sweep) and is otherwise still open when the run ends.

Each replication draws from its own independent streams (one :class:`random.Random` per purpose,
seeded from a ``numpy.random.SeedSequence`` child), so results depend only on the seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs
import numpy as np
import simpy

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import SimulatedClock
from sop_engine._core.errors import CommandRefused, EthicsViolation, SopError
from sop_engine._core.protocol import SystemEvent, TimerItem
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._engine import Engine
from sop_engine._simulate.scenario import REPORTER, ClassMix, Option, Scenario
from sop_engine._simulate.workclock import WorkClock

__all__ = ["Replication", "RunResult", "streams"]

_STREAMS = ("arrivals", "data", "routing", "work", "reporter")


def streams(seed: int, replications: int) -> list[dict[str, random.Random]]:
    """Independent random streams for each replication and purpose, from one seed."""
    out = []
    for child in np.random.SeedSequence(seed).spawn(replications):
        out.append(
            {
                name: random.Random(int.from_bytes(s.generate_state(4).tobytes(), "little"))
                for name, s in zip(_STREAMS, child.spawn(len(_STREAMS)), strict=True)
            }
        )
    return out


@attrs.define
class RunResult:
    """The raw measurements of one replication (aggregated by :mod:`.report`)."""

    arrived: int = 0
    started: int = 0
    intake_refused: int = 0
    completed: int = 0
    finals: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    # (class, clock) -> [on time, late]; clocks with an on_expiry event are not limits
    limits: dict[tuple[str, str], list[int]] = attrs.field(factory=dict)
    stages: dict[str, list[float]] = attrs.field(factory=lambda: defaultdict(list))
    end_to_end: dict[str, list[float]] = attrs.field(factory=lambda: defaultdict(list))
    backlog: list[int] = attrs.field(factory=list)
    busy: dict[tuple[str, str | None], float] = attrs.field(factory=lambda: defaultdict(float))
    capacity: dict[tuple[str, str | None], float] = attrs.field(factory=dict)
    waits: dict[tuple[str, str, str, str | None], list[float]] = attrs.field(
        factory=lambda: defaultdict(list)
    )
    # (state, event, role, unit, class) -> [total wait, count]: for whom the queue is longest
    class_waits: dict[tuple[str, str, str, str | None, str], list[float]] = attrs.field(
        factory=dict
    )
    system: dict[tuple[str, str, int], int] = attrs.field(factory=lambda: defaultdict(int))
    ethics: dict[tuple[str, str], int] = attrs.field(factory=lambda: defaultdict(int))
    refusals: dict[tuple[str, str], int] = attrs.field(factory=lambda: defaultdict(int))
    stuck: dict[tuple[str, str], int] = attrs.field(factory=lambda: defaultdict(int))
    due_by_day: dict[tuple[str, str], set[str]] = attrs.field(factory=lambda: defaultdict(set))
    engine_events: int = 0


@attrs.define
class _Track:
    """What the listener keeps about one open case."""

    cls: ClassMix
    started: float
    state: str
    entered: float
    deadlines: dict[str, str] = attrs.field(factory=dict)
    changed: simpy.Event | None = None


class Replication:
    """Runs ``scenario`` once on a fresh engine; :meth:`run` returns its :class:`RunResult`."""

    def __init__(
        self,
        sop: CompiledSop,
        scenario: Scenario,
        calendar: WorkingCalendar | None,
        rng: Mapping[str, random.Random],
        *,
        engine: Callable[[SimulatedClock, Callable[[], str]], Engine],
        progress: Callable[[float], None] | None = None,
    ) -> None:
        self.sc = scenario
        self.rng = rng
        self.progress = progress
        self.env = simpy.Environment()
        self.days = (scenario.end - scenario.start).days + 1
        self.horizon_days = self.days + scenario.drain_days
        zone = scenario.zone or (calendar.zone if calendar is not None else "UTC")
        self.calendar = calendar
        hours = scenario.office_hours or _default_hours(calendar)
        self.hours = hours
        # The office clock reaches well past the horizon, so work started late still finishes.
        span = self.horizon_days + 60
        if calendar is not None:
            last = date(calendar.years[1], 12, 31)
            span = min(span, (last - scenario.start).days + 1)
        works = calendar.is_working_day if calendar is not None else (lambda d: True)
        self.works = works
        self.office = WorkClock(scenario.start, span, zone, hours, works)
        self.clocks: dict[tuple[float, float], WorkClock] = {hours: self.office}
        self.t0 = self.office.origin
        self.clock = SimulatedClock(self.t0)
        counter = iter(range(1, 10**9))
        self.engine = engine(self.clock, lambda: f"C{next(counter):07d}")
        self.sop = self.engine.add(sop)
        self.finals = {s.name for s in sop.definition.states if s.final}
        self.reporter_field = (
            scenario.reporter_role if scenario.reporter_role in sop.fields else None
        )
        plan = sop.deadlines
        self.limit_clocks = (
            {c.name for c in plan.clocks if c.expiry_event is None} if plan else set()
        )
        self.tracks: dict[str, _Track] = {}
        self.result = RunResult()
        self.pools: dict[tuple[str, str | None], simpy.Store] = {}
        self.group_clock: dict[tuple[str, str | None], WorkClock] = {}
        end = float(self.horizon_days * 86400)
        for g in scenario.staff:
            key = (g.role, g.unit)
            pool = simpy.Store(self.env)
            for k in range(g.count):
                pool.items.append(Actor(f"{g.role}.{g.unit or 'all'}.{k + 1}", g.role, g.unit))
            self.pools[key] = pool
            gh = g.office_hours or hours
            if gh not in self.clocks:
                self.clocks[gh] = WorkClock(scenario.start, span, zone, gh, works)
            wc = self.clocks[gh]
            self.group_clock[key] = wc
            self.result.capacity[key] = g.count * wc.office(end)
        self.engine.listen("simulate", self._observe)

    # -- time ---------------------------------------------------------------------------------

    def _now(self) -> None:
        self.clock.set(self.t0 + timedelta(seconds=self.env.now))

    # -- processes ----------------------------------------------------------------------------

    def run(self) -> RunResult:
        self.env.process(self._arrivals())
        self.env.process(self._sweeps())
        self.env.process(self._days())
        self.env.run(until=float(self.horizon_days * 86400))
        if len(self.result.backlog) < self.horizon_days:  # the stop at the horizon came first
            self.result.backlog.append(len(self.tracks))
        self._now()
        self._close()
        return self.result

    def _arrivals(self) -> Any:
        sc = self.sc
        rng = self.rng["arrivals"]
        weights = [m.weight for m in sc.mix]
        cum = np.cumsum(weights).tolist()
        for k in range(self.days):
            day = sc.start + timedelta(days=k)
            if sc.days == "working" and not self.works(day):
                continue
            rate = sc.per_day * sc.monthly[day.month - 1]
            for first, last, factor in sc.dated:
                if first <= day <= last:
                    rate *= factor
            if rate <= 0:
                continue
            base = k * 86400.0
            lo, hi = self.hours if sc.hours == "office" else (0.0, 86400.0)
            # A Poisson process of `rate` arrivals per day within the window.
            t = lo + rng.expovariate(rate / (hi - lo))
            while t < hi:
                yield self.env.timeout(max(0.0, base + t - self.env.now))
                x = rng.random() * cum[-1]
                cls = sc.mix[next(i for i, c in enumerate(cum) if x < c)]
                self._arrive(cls)
                t += rng.expovariate(rate / (hi - lo))

    def _arrive(self, cls: ClassMix) -> None:
        r = self.result
        r.arrived += 1
        data = _draw(cls.data, self.rng["data"])
        if self.reporter_field is not None and self.reporter_field not in data:
            data[self.reporter_field] = f"pelapor-{r.arrived:07d}"
        if self.sc.intake == self.sc.reporter_role:
            actor = Actor(str(data.get(self.reporter_field or "", "pelapor")), self.sc.intake)
        else:
            actor = Actor(f"{self.sc.intake}.intake", self.sc.intake)
        self._now()
        self._pending_class = cls
        try:
            case = self.engine.start(self.sop.id, data, actor)
        except SopError as e:
            r.intake_refused += 1
            r.refusals[("@start", type(e).__name__)] += 1
            return
        r.started += 1
        self.env.process(self._case(case.id))
        day = self.office.instant(self.env.now).astimezone(self.office_zone()).date().isoformat()
        for d in case.deadlines:
            if d.due_at is not None:
                due = d.due_at.astimezone(self.office_zone()).isoformat()
                r.due_by_day[(day, d.name)].add(due)

    def office_zone(self) -> Any:
        return self.office.zone

    def _case(self, case_id: str) -> Any:
        track = self.tracks[case_id]
        routing = self.rng["routing"]
        while track.state not in self.finals:
            state = track.state
            moved = False
            for option in self.sc.steps.get(state, ()):
                if option.p < 1.0 and routing.random() >= option.p:
                    continue
                if option.by == REPORTER:
                    outcome = yield from self._reporter(case_id, track, option)
                else:
                    outcome = yield from self._staff(case_id, track, option)
                if outcome != "refused":
                    moved = True
                    break
            if not moved and track.state == state:
                if self.sc.steps.get(state):
                    self.result.stuck[(track.cls.name, state)] += 1
                track.changed = self.env.event()
                yield track.changed
                track.changed = None

    def _reporter(self, case_id: str, track: _Track, option: Option) -> Any:
        assert option.delay is not None
        state = track.state
        delay = option.delay.sample(self.rng["reporter"])
        track.changed = self.env.event()
        yield self.env.any_of([self.env.timeout(delay), track.changed])
        track.changed = None
        if track.state != state:
            return "moved"
        case = self.engine.get(case_id)
        who = str(case.data.get(self.reporter_field or "", "pelapor"))
        return self._fire(case_id, track, option, Actor(who, self.sc.reporter_role), state)

    def _staff(self, case_id: str, track: _Track, option: Option) -> Any:
        assert option.work is not None
        state = track.state
        unit = option.unit
        if unit is not None and unit.startswith("@"):
            value = self.engine.get(case_id).data.get(unit[1:])
            unit = str(value) if value is not None else None
        key = (option.by, unit)
        pool = self.pools.get(key)
        if pool is None:
            self.result.refusals[(option.event, "NoStaff")] += 1
            return "refused"
        if option.delay is not None:  # e.g. a company's answer the officer records when it comes
            track.changed = self.env.event()
            yield self.env.any_of(
                [self.env.timeout(option.delay.sample(self.rng["reporter"])), track.changed]
            )
            track.changed = None
            if track.state != state:
                return "moved"
        wc = self.group_clock[key]
        asked = self.env.now
        officer = yield pool.get()
        wait = wc.office(self.env.now) - wc.office(asked)
        if track.state != state:  # a timer moved the case while it queued
            pool.put(officer)
            return "moved"
        work = option.work.sample(self.rng["work"])
        done = wc.finish(self.env.now, work)
        if done == float("inf"):
            pool.put(officer)
            return "moved"
        yield self.env.timeout(done - self.env.now)
        self.result.busy[key] += work
        self.result.waits[(state, option.event, option.by, unit)].append(wait)
        total = self.result.class_waits.setdefault(
            (state, option.event, option.by, unit, track.cls.name), [0.0, 0.0]
        )
        total[0] += wait
        total[1] += 1
        pool.put(officer)
        if track.state != state:
            return "moved"
        return self._fire(case_id, track, option, officer, state)

    def _fire(self, case_id: str, track: _Track, option: Option, actor: Actor, state: str) -> str:
        payload = _draw(option.data, self.rng["data"])
        payload.update(_draw(track.cls.events.get(option.event, {}), self.rng["data"]))
        self._now()
        try:
            self.engine.fire(case_id, option.event, actor, payload)
        except EthicsViolation as e:
            self.result.refusals[(option.event, type(e).__name__)] += 1
            return "refused"
        except CommandRefused as e:
            self.result.refusals[(option.event, type(e).__name__)] += 1
            return "refused"
        return "fired"

    def _sweeps(self) -> Any:
        """The deadline worker: a sweep every ``sweep_every``, as ``sop worker`` would run.

        A sweep that would find nothing due is skipped when the store can say when its next
        timer is due (the in-memory store can): the engine's decisions are the same, at a
        fraction of the cost over a year of half-hourly sweeps.
        """
        step = self.sc.sweep_every
        peek = getattr(self.engine.store, "next_timer_at", None)
        t0 = self.t0
        while True:
            yield self.env.timeout(step)
            if peek is not None:
                due = peek()
                if due is None or due > t0 + timedelta(seconds=self.env.now):
                    continue
            self._now()
            self.engine.sweep()

    def _days(self) -> Any:
        for k in range(self.horizon_days):
            yield self.env.timeout((k + 1) * 86400.0 - self.env.now)
            self.result.backlog.append(len(self.tracks))
            if self.progress is not None:
                self.progress((k + 1) / self.horizon_days)

    # -- observing the engine -----------------------------------------------------------------

    def _observe(self, case: Case, event: AuditEvent) -> None:
        r = self.result
        r.engine_events += 1
        now = self.env.now
        name = event.event
        if name == SystemEvent.START:
            cls = self._pending_class
            self.tracks[case.id] = _Track(cls, now, case.state, now)
            self._deadlines(self.tracks[case.id], case, now)
            return
        track = self.tracks.get(case.id)
        if track is None:
            return
        if name == SystemEvent.ETHICS:
            for b in event.breaches:
                r.ethics[(b.rule, "blocked")] += 1
            return
        for b in event.breaches:
            r.ethics[(b.rule, "flagged")] += 1
        if name in (
            SystemEvent.ESCALATE,
            SystemEvent.REMIND,
            SystemEvent.BREACH,
            SystemEvent.EXPIRE,
        ):
            item = TimerItem.coerce(event.payload["item"])
            r.system[(str(name), str(event.payload["deadline"]), item.number)] += 1
        self._deadlines(track, case, now)
        if case.state != track.state:
            r.stages[track.state].append(self.office.working_days(track.entered, now))
            track.state = case.state
            track.entered = now
            if case.state in self.finals:
                r.completed += 1
                r.finals[case.state] += 1
                r.end_to_end[track.cls.name].append(self.office.working_days(track.started, now))
                del self.tracks[case.id]
            if track.changed is not None and not track.changed.triggered:
                track.changed.succeed()

    def _deadlines(self, track: _Track, case: Case, now: float) -> None:
        at = self.t0 + timedelta(seconds=now)
        for d in case.deadlines:
            before = track.deadlines.get(d.name)
            if before == d.status:
                continue
            track.deadlines[d.name] = d.status
            if d.name not in self.limit_clocks or d.due_at is None:
                continue
            if d.status == "met" or (d.status == "closed" and at > d.due_at):
                counts = self.result.limits.setdefault((track.cls.name, d.name), [0, 0])
                counts[0 if at <= d.due_at else 1] += 1

    def _close(self) -> None:
        """Clocks still running at the end count as late when already past due."""
        at = self.t0 + timedelta(seconds=self.env.now)
        for case_id, track in self.tracks.items():
            case = self.engine.get(case_id)
            for d in case.deadlines:
                if (
                    d.name in self.limit_clocks
                    and d.status in ("running", "paused")
                    and d.due_at is not None
                    and d.due_at < at
                ):
                    counts = self.result.limits.setdefault((track.cls.name, d.name), [0, 0])
                    counts[1] += 1

    _pending_class: ClassMix


def _default_hours(calendar: WorkingCalendar | None) -> tuple[float, float]:
    if calendar is None:
        return (0.0, 86400.0)
    if calendar.office_hours is None:
        return (8 * 3600.0, 16 * 3600.0)
    a, b = calendar.office_hours
    return (a.hour * 3600.0 + a.minute * 60, b.hour * 3600.0 + b.minute * 60)


def _draw(spec: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    """Concrete data from a scenario's data: literals, ``{pick: ...}`` and ``{p:, value:}``."""
    out: dict[str, Any] = {}
    for k, v in spec.items():
        if isinstance(v, dict) and set(v) == {"pick"}:
            choices = list(v["pick"].items())
            total = sum(w for _, w in choices)
            x = rng.random() * total
            for value, w in choices:
                x -= w
                if x < 0:
                    out[k] = value
                    break
            else:
                out[k] = choices[-1][0]
        elif isinstance(v, dict) and set(v) in ({"p", "value"}, {"p", "value", "else"}):
            if rng.random() < v["p"]:
                out[k] = v["value"]
            elif "else" in v:
                out[k] = v["else"]
        else:
            out[k] = v
    return out
