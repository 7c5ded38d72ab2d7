"""Service-standard deadlines: the plan an SOP's ``deadlines`` section makes, and its clocks.

A clock starts when a case enters some states (or on an event), is met when the case enters or
leaves some states (or on an event), stops while the case waits on someone outside the unit
(``pause``: resumed with the time that was left), and carries reminders, an escalation ladder,
an optional event fired on expiry (a timed transition) and an extension allowance.

All arithmetic goes through a :class:`~sop_engine.calendar.WorkingCalendar`; every computed due
instant records the calendar version. Nothing here does I/O or reads a clock: the engine passes
``now`` and commits what :func:`advance` returns together with the case. Reading the section
into a :class:`DeadlinePlan` is :mod:`sop_engine._features.deadline_section`; the compiler binds
the plan's calendar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import attrs

from sop_engine._core.calendar import CalendarExhausted, DayOff, Unit, WorkingCalendar
from sop_engine._core.protocol import ItemKind, TimerItem
from sop_engine._core.records import ArmedTimers, Deadline, Schedule, Timer
from sop_engine._core.text import Text

__all__ = [
    "REARMED",
    "CalendarConfig",
    "ClockSpec",
    "DeadlinePlan",
    "DurationRule",
    "Level",
    "Offset",
    "Rearm",
    "advance",
    "armed_timers",
    "latest_due",
    "matches",
    "reevaluate",
    "timers_for",
]


@attrs.frozen(slots=True)
class Offset:
    amount: float
    unit: Unit


@attrs.frozen(slots=True)
class DurationRule:
    when: Mapping[str, Any]
    amount: float
    unit: Unit


_DUES: dict[tuple[str, bool, date, float, str], datetime] = {}
"""Day-counted due instants by (calendar version, roll, local day, amount, unit); bounded."""


def matches(when: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether case ``data`` holds every value of a ``when`` mapping (an absent field matches
    nothing but an explicit ``null``)."""
    return all(data.get(k) == v for k, v in when.items())


@attrs.frozen(slots=True)
class Level:
    after: Offset
    notify: tuple[str, ...]
    event: str | None = None
    label: Text | None = None


@attrs.frozen(slots=True)
class ClockSpec:
    """One clock as declared in the SOP."""

    name: str
    label: Text
    rules: tuple[DurationRule, ...]
    start_enter: frozenset[str]
    start_event: frozenset[str]
    stop_enter: frozenset[str]
    stop_leave: frozenset[str]
    stop_event: frozenset[str]
    pause: frozenset[str]
    reminders: tuple[tuple[Offset, tuple[str, ...]], ...] = ()
    levels: tuple[Level, ...] = ()
    expiry_event: str | None = None
    expiry_role: str = "sistem"
    extension_roles: frozenset[str] = frozenset()
    extension_times: int = 1
    extension_max: Offset | None = None
    applies_when: Mapping[str, Any] = attrs.field(factory=dict)
    """Case field values the clock needs to apply at all (``applies_when``); empty: always."""
    roll: bool = False
    """``roll: next_working_day``: a calendar-day deadline falling on a day off moves to the
    next working day."""
    breach_notify: tuple[str, ...] | None = None
    """``breach: {notify: ...}``; ``None``: the roles its reminders notify."""
    reads: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The case fields whose change re-evaluates a running arming (``when`` of the duration
    table, ``applies_when``)."""
    _breach_to: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        fields = {f for r in self.rules for f in r.when} | set(self.applies_when)
        object.__setattr__(self, "reads", frozenset(fields))
        # who hears of a breach, worked out once: the sweep asks for every fired breach
        breach_to = self.breach_notify
        if breach_to is None:
            breach_to = tuple(dict.fromkeys(r for _, rs in self.reminders for r in rs))
        object.__setattr__(self, "_breach_to", breach_to)

    def applies(self, data: Mapping[str, Any]) -> bool:
        """Whether the clock applies to a case with ``data`` (its ``applies_when``)."""
        return matches(self.applies_when, data)

    def due(
        self, calendar: WorkingCalendar, anchor: datetime, amount: float, unit: str
    ) -> datetime:
        """The due instant of ``amount`` ``unit`` from ``anchor``, rolled when the clock says so.

        Every place that (re)computes a deadline of this clock goes through here, so an
        extension, a new calendar or a migration rolls exactly as the first arming did.

        A day-counted due instant depends on the anchor only through its day in the agency's
        zone (after the cut-off), so it is remembered per (calendar version, roll, day, amount,
        unit): every case opened on the same day shares one computation.
        """
        if unit == "working_days" or unit == "days":
            key = (calendar.version, self.roll, calendar.local_date(anchor), amount, unit)
            hit = _DUES.get(key)
            if hit is None:
                hit = self._due(calendar, anchor, amount, unit)
                if len(_DUES) >= _SCHEDULES_MAX:
                    _DUES.clear()
                _DUES[key] = hit
            return hit
        return self._due(calendar, anchor, amount, unit)

    def _due(
        self, calendar: WorkingCalendar, anchor: datetime, amount: float, unit: str
    ) -> datetime:
        due = calendar.due(anchor, amount, unit)  # type: ignore[arg-type]
        if self.roll and unit == "days":
            day = calendar._due_date(due)
            if not calendar.is_working_day(day):
                return calendar.end_of_day(calendar.next_working_day(day))
        return due

    def recipients(self, item: TimerItem) -> tuple[str, ...]:
        """Who is told when ``item`` (remind:N, breach, level:N, expiry) fires."""
        if item.kind is ItemKind.REMIND:
            return self.reminders[item.number][1]
        if item.kind is ItemKind.LEVEL:
            return self.levels[item.number - 1].notify
        if item.kind is ItemKind.BREACH:
            return self._breach_to
        return ()

    def duration(self, data: Mapping[str, Any]) -> tuple[float, Unit] | None:
        """The first duration rule whose ``when`` matches ``data`` (``None``: none does)."""
        for rule in self.rules:
            if matches(rule.when, data):
                return rule.amount, rule.unit
        return None


@attrs.frozen(slots=True)
class CalendarConfig:
    """The ``calendar`` of a ``deadlines`` section: which registered calendar, how configured."""

    id: str
    zone: str
    office_hours: tuple[time, time] | None = None
    cutoff: time | None = None
    days_off: tuple[DayOff, ...] = ()
    working_days: tuple[date, ...] = ()


@attrs.frozen(slots=True)
class DeadlinePlan:
    """The compiled ``deadlines`` section of one SOP."""

    calendar: CalendarConfig
    clocks: tuple[ClockSpec, ...]
    notices: Mapping[str, str] = attrs.field(factory=dict, kw_only=True)
    """What notifications carry from the case: ``title``/``unit``/``tracking_id``/
    ``case_number`` → the SOP's field (the ``notifications`` of the section)."""
    _states: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _events: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    reads: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    """Every case field some clock re-evaluates a running deadline on (see :func:`reevaluate`)."""
    _starts: dict[tuple[str | None, str | None], tuple[ClockSpec, ...]] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    _moves: dict[
        tuple[str | None, str, str | None, bool],
        tuple[tuple[ClockSpec, bool, bool, bool, bool], ...],
    ] = attrs.field(init=False, repr=False, eq=False, factory=dict)
    _by_name: dict[str, ClockSpec] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "reads", frozenset(f for c in self.clocks for f in c.reads))
        states: set[str] = set()
        events: set[str] = set()
        for c in self.clocks:
            states |= c.start_enter | c.stop_enter | c.stop_leave | c.pause
            events |= c.start_event | c.stop_event
        object.__setattr__(self, "_states", frozenset(states))
        object.__setattr__(self, "_events", frozenset(events))
        object.__setattr__(self, "_by_name", {c.name: c for c in reversed(self.clocks)})

    def starting(self, entered: str | None, event: str | None) -> tuple[ClockSpec, ...]:
        """The clocks entering ``entered`` or ``event`` starts, in declaration order
        (remembered per pair: the states and events of one SOP are few)."""
        key = (entered, event)
        hit = self._starts.get(key)
        if hit is None:
            hit = self._starts[key] = tuple(
                c
                for c in self.clocks
                if (entered is not None and entered in c.start_enter)
                or (event is not None and event in c.start_event)
            )
        return hit

    def moves(
        self, old_state: str | None, new_state: str, event: str | None, final: bool
    ) -> tuple[tuple[ClockSpec, bool, bool, bool, bool], ...]:
        """For each clock, what the transition ``old_state --event--> new_state`` does to it,
        from the states and event alone: ``(clock, stops, pauses, new state pauses it,
        starts)``. Remembered per transition: :func:`advance` runs on every event, and the
        set lookups were most of its cost; only the deadline's status is left to read."""
        key = (old_state, new_state, event, final)
        hit = self._moves.get(key)
        if hit is None:
            moved = old_state != new_state
            hit = tuple(
                (
                    c,
                    (moved and new_state in c.stop_enter)
                    or (moved and old_state in c.stop_leave)
                    or (event is not None and event in c.stop_event),
                    moved and new_state in c.pause,
                    new_state in c.pause,
                    not final
                    and (
                        (moved and new_state in c.start_enter)
                        or (event is not None and event in c.start_event)
                    ),
                )
                for c in self.clocks
            )
            if len(self._moves) >= 4096:
                self._moves.clear()
            self._moves[key] = hit
        return hit

    def concerns(self, left: str | None, entered: str | None, event: str | None) -> bool:
        """Whether leaving/entering these states or this event can change any clock."""
        return left in self._states or entered in self._states or event in self._events

    def clock(self, name: str) -> ClockSpec:
        """The clock named ``name`` (a dict lookup: the sweep asks once per fired item).

        Raises ``KeyError`` for a name the plan does not declare."""
        return self._by_name[name]


# -- runtime ---------------------------------------------------------------------------------


def _arm(
    previous: Deadline | None,
    clock: ClockSpec,
    anchor: datetime,
    amount: float,
    unit: Unit,
    calendar: WorkingCalendar,
    *,
    fresh: bool,
) -> Deadline:
    """A new arming of a clock; ``fresh`` starts over (no extensions carried over)."""
    keep = previous is not None and not fresh
    return Deadline(
        name=clock.name,
        arming=(previous.arming if previous else 0) + 1,
        status="running",
        anchor=anchor,
        amount=amount,
        unit=unit,
        due_at=clock.due(calendar, anchor, amount, unit),
        calendar_version=calendar.version,
        extensions=previous.extensions if keep and previous else 0,
        extended_by=previous.extended_by if keep and previous else 0.0,
    )


def advance(
    plan: DeadlinePlan,
    *,
    deadlines: Sequence[Deadline],
    old_state: str | None,
    new_state: str,
    event: str | None,
    data: Mapping[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    final: bool,
    case_id: str,
) -> tuple[tuple[Deadline, ...], Sequence[Timer]]:
    """The deadlines after a transition ``old_state --event--> new_state``, and new timers.

    ``old_state`` is ``None`` when the case is being opened; ``final`` says ``new_state`` is
    final (every running clock closes). The timers come as :class:`ArmedTimers` (built only
    when a store reads them; the in-memory store keeps one entry per arming).
    """
    moved = old_state != new_state
    if not deadlines:  # no clock yet (a case being opened): only starts are possible
        if final:
            return (), ()
        armed: list[tuple[ClockSpec, Deadline]] = []
        for clock in plan.starting(new_state if moved else None, event):
            duration = clock.duration(data) if clock.applies(data) else None
            if duration is not None:
                armed.append(
                    (clock, _arm(None, clock, now, duration[0], duration[1], calendar, fresh=True))
                )
        if not armed:
            return (), ()
        return tuple(d for _, d in armed), armed_timers(armed, calendar, case_id=case_id)
    if not final and not plan.concerns(
        old_state if moved else None, new_state if moved else None, event
    ):
        return tuple(deadlines), ()  # no clock starts, stops, pauses or resumes here
    # the deadlines come in the plan's clock order (every arming path keeps it): each is met
    # in step with its clock; a list in another order is looked up by name instead
    current: dict[str, Deadline] | None = None
    k, n = 0, len(deadlines)
    out: list[Deadline] = []
    armed = []
    for clock, stops, pauses, in_pause, starts in plan.moves(old_state, new_state, event, final):
        if current is None:
            if k < n and deadlines[k].name == clock.name:
                d: Deadline | None = deadlines[k]
                k += 1
            elif k < n and any(x.name == clock.name for x in deadlines[k + 1 :]):
                current = {x.name: x for x in deadlines}
                d = current.get(clock.name)
            else:
                d = None
        else:
            d = current.get(clock.name)
        if d is not None and (d.status == "running" or d.status == "paused"):
            if final:
                d = _with_status(d, "closed")
            elif stops:
                d = _with_status(d, "met")
            elif pauses and d.status == "running":
                d = _with_status(d, "paused", now)
            elif d.status == "paused" and not in_pause:
                assert d.paused_at is not None
                lost = calendar.paused_units(d.paused_at, now, d.unit)  # type: ignore[arg-type]
                d = _arm(d, clock, d.anchor, d.amount + lost, d.unit, calendar, fresh=False)  # type: ignore[arg-type]
                armed.append((clock, d))
        elif starts:
            duration = clock.duration(data) if clock.applies(data) else None
            if duration is not None:
                d = _arm(d, clock, now, duration[0], duration[1], calendar, fresh=True)
                armed.append((clock, d))
        if d is not None:
            out.append(d)
    if not armed:
        return tuple(out), ()
    return tuple(out), armed_timers(armed, calendar, case_id=case_id)


def armed_timers(
    armed: Sequence[tuple[ClockSpec, Deadline]], calendar: WorkingCalendar, *, case_id: str
) -> ArmedTimers:
    """The timers of these armings, unbuilt: each arming is its shared, ordered schedule.

    Iterating the result yields the same timers :func:`timers_for` lists, ordered by (instant,
    item); nothing per timer is allocated until a store reads them.
    """
    return ArmedTimers(
        tuple(
            (case_id, d.name, d.arming, _schedule(clock, d.due_at, calendar)[1])
            for clock, d in armed
            if d.due_at is not None
        )
    )


REARMED = "@deadlines"
"""The audit payload key listing deadlines a command's data changed (no event data can be
named so: data names are lowercase words)."""


@attrs.frozen(slots=True)
class Rearm:
    """A running (or paused) deadline changed because case data it reads changed.

    Recorded in the trail with the command that changed the data (``payload`` is the entry of
    the audit event's ``@deadlines`` list): which deadline, which fields, and the due instant
    before and after. Field *names* only: the values are in the event's own data.
    """

    deadline: str
    reason: str  # duration | withdrawn
    fields: tuple[str, ...]
    amount_before: float
    amount_after: float
    unit: str
    due_before: datetime | None
    due_after: datetime | None

    @property
    def payload(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline,
            "reason": self.reason,
            "fields": list(self.fields),
            "amount_before": self.amount_before,
            "amount_after": self.amount_after,
            "unit": self.unit,
            "due_before": self.due_before.isoformat() if self.due_before else None,
            "due_after": self.due_after.isoformat() if self.due_after else None,
        }


def reevaluate(
    plan: DeadlinePlan,
    *,
    before: Sequence[Deadline],
    deadlines: Sequence[Deadline],
    old_data: Mapping[str, Any],
    data: Mapping[str, Any],
    calendar: WorkingCalendar,
    case_id: str,
) -> tuple[tuple[Deadline, ...], list[Timer], list[Rearm]]:
    """Deadlines re-evaluated because fields their clock reads changed from ``old_data``.

    Only a deadline that was running or paused *before* the command (``before``) and still is
    after it (``deadlines``, what :func:`advance` returned) is re-evaluated: one started by this
    command already used the new data. Its ``applies_when`` no longer matching withdraws it
    (status ``withdrawn``, its timers go stale). A duration table choosing another rule re-arms
    it from the same anchor: the new rule's amount plus whatever pauses and extensions had
    added (counted again only when the new rule uses the same unit; a table mixing units is a
    lint warning). The trail records each change (:class:`Rearm`).
    """
    for f in plan.reads:
        if old_data.get(f) != data.get(f):
            break
    else:  # no field a clock reads changed (the usual command): nothing to re-evaluate
        return tuple(deadlines), [], []
    changed = frozenset(f for f in plan.reads if old_data.get(f) != data.get(f))
    was = {d.name: d for d in before if d.status in ("running", "paused")}
    out: list[Deadline] = []
    timers: list[Timer] = []
    rearms: list[Rearm] = []
    for d in deadlines:
        clock = plan.clock(d.name)
        fields = tuple(sorted(changed & clock.reads))
        prior = was.get(d.name)
        if not fields or prior is None:
            out.append(d)
            continue
        if d.status not in ("running", "paused") or (
            d.arming != prior.arming and d.anchor != prior.anchor
        ):
            out.append(d)  # met, closed or started afresh by this very command
            continue
        if not clock.applies(data):
            rearms.append(
                Rearm(d.name, "withdrawn", fields, d.amount, d.amount, d.unit, d.due_at, None)
            )
            out.append(_with_status(d, "withdrawn"))
            continue
        old, new = clock.duration(old_data), clock.duration(data)
        if old is None or new is None or old == new:
            out.append(d)  # no rule matched before or now: the arming stands as it is
            continue
        added = d.amount - old[0] if old[1] == new[1] else 0.0
        amount, unit = new[0] + max(added, 0.0), new[1]
        due = clock.due(calendar, d.anchor, amount, unit)
        paused = d.status == "paused"
        nd = Deadline(
            d.name,
            d.arming + (0 if paused else 1),
            d.status,
            d.anchor,
            amount,
            unit,
            due,
            calendar.version,
            d.extensions,
            d.extended_by,
            d.fired if paused else (),
            d.level if paused else 0,
            d.paused_at,
        )
        rearms.append(Rearm(d.name, "duration", fields, d.amount, amount, unit, d.due_at, due))
        if not paused:  # a paused deadline gets its timers when it resumes
            timers += timers_for(clock, nd, calendar, case_id=case_id)
        out.append(nd)
    return tuple(out), timers, rearms


def with_fired(d: Deadline, fired: Sequence[str], level: int) -> Deadline:
    """``d`` with ``fired`` items recorded and its escalation ``level`` (what a sweep writes for
    each fired item; direct construction, as in :func:`_with_status`)."""
    return Deadline(
        d.name,
        d.arming,
        d.status,
        d.anchor,
        d.amount,
        d.unit,
        d.due_at,
        d.calendar_version,
        d.extensions,
        d.extended_by,
        d.fired + tuple(fired),
        level,
        d.paused_at,
    )


def _with_status(d: Deadline, status: str, paused_at: datetime | None = None) -> Deadline:
    """``d`` with another status (direct construction: ``attrs.evolve`` is slow on this path)."""
    return Deadline(
        d.name,
        d.arming,
        status,
        d.anchor,
        d.amount,
        d.unit,
        d.due_at,
        d.calendar_version,
        d.extensions,
        d.extended_by,
        d.fired,
        d.level,
        paused_at,
    )


def _before(calendar: WorkingCalendar, due: datetime, off: Offset) -> datetime:
    due_day = calendar._due_date(due)
    if off.unit == "working_days":
        day = due_day
        for _ in range(int(off.amount)):
            day -= timedelta(days=1)
            while not calendar.is_working_day(day):
                day -= timedelta(days=1)
        return _start_of_day(calendar, day) if off.amount else due
    if off.unit == "days":
        return (
            _start_of_day(calendar, due_day - timedelta(days=int(off.amount)))
            if off.amount
            else due
        )
    return due - timedelta(hours=off.amount)


def _start_of_day(calendar: WorkingCalendar, day: date) -> datetime:
    begin = calendar.office_hours[0] if calendar.office_hours else time(0)
    from datetime import UTC

    return datetime.combine(day, begin, calendar._tz).astimezone(UTC)


def _after(calendar: WorkingCalendar, due: datetime, off: Offset) -> datetime:
    if off.amount == 0:
        return due
    return calendar.due(due, off.amount, off.unit)


def timers_for(
    clock: ClockSpec, d: Deadline, calendar: WorkingCalendar, *, case_id: str
) -> list[Timer]:
    """Every timer of one arming: reminders, the breach, each escalation level, the expiry."""
    if d.due_at is None:
        return []
    name, arming = d.name, d.arming
    return [
        Timer(at, case_id, name, arming, item)
        for at, item in _schedule(clock, d.due_at, calendar)[0]
    ]


_SCHEDULES: dict[tuple[int, str, datetime], tuple[ClockSpec, Schedule, Schedule]]
_SCHEDULES = {}
_SCHEDULES_MAX = 4096


def _schedule(
    clock: ClockSpec, due: datetime, calendar: WorkingCalendar
) -> tuple[Schedule, Schedule]:
    """When each item of a clock due at ``due`` comes due, remembered per (clock, calendar, due):
    in declaration order, and ordered by (instant, item) as a store hands them out.

    Every case opened on the same working day under a day-counted clock is due at the same
    instant, so a busy intake computes each schedule once instead of once per case (the
    calendar arithmetic of reminders and escalation levels dominated arming a case). The entry
    holds the clock itself, so its ``id`` cannot be reused while the entry lives; the calendar
    is keyed by its content hash; the memo is bounded.
    """
    key = (id(clock), calendar.version, due)
    hit = _SCHEDULES.get(key)
    if hit is not None and hit[0] is clock:
        return hit[1], hit[2]
    out = [
        (_before(calendar, due, off), TimerItem.coerce(f"remind:{k}"))
        for k, (off, _) in enumerate(clock.reminders)
    ]
    if clock.expiry_event is None:  # with an expiry event, expiring is the designed outcome
        out.append((due, TimerItem.coerce("breach")))
    out.extend(
        (_after(calendar, due, lv.after), TimerItem.coerce(f"level:{k + 1}"))
        for k, lv in enumerate(clock.levels)
    )
    if clock.expiry_event is not None:
        out.append((due, TimerItem.coerce("expiry")))
    schedule = tuple(out)
    ordered = tuple(sorted(schedule, key=lambda x: (x[0], str(x[1]))))
    if len(_SCHEDULES) >= _SCHEDULES_MAX:
        _SCHEDULES.clear()
    _SCHEDULES[key] = (clock, schedule, ordered)
    return schedule, ordered


def latest_due(plan: DeadlinePlan, calendar: WorkingCalendar, today: date) -> date:
    """The latest day any clock of ``plan`` started on ``today`` could fall due: its longest
    duration plus its whole extension allowance, counted in ``calendar``.

    A count that runs past the calendar gives the day after its end (the calendar is too
    short), so :func:`~sop_engine._core.calendar.horizon_warning` can say so ahead of time.
    """
    end = date(calendar.years[1], 12, 31)
    latest = today
    for clock in plan.clocks:
        for rule in clock.rules:
            amount = rule.amount
            ext = clock.extension_max
            if ext is not None and ext.unit == rule.unit:
                amount += ext.amount
            try:
                if rule.unit == "days":
                    day = today + timedelta(days=math.ceil(amount))
                else:  # working days; working hours: at most one working day each
                    day = calendar.add_working_days_to_date(today, math.ceil(amount))
            except (CalendarExhausted, OverflowError):
                return end + timedelta(days=1)
            latest = max(latest, day)
    return latest
