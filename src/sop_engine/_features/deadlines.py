"""Service-standard deadlines: the ``deadlines`` section of SOP files and its runtime rules.

A clock starts when a case enters some states (or on an event), is met when the case enters or
leaves some states (or on an event), stops while the case waits on someone outside the unit
(``pause``: resumed with the time that was left), and carries reminders, an escalation ladder,
an optional event fired on expiry (a timed transition) and an extension allowance.

All arithmetic goes through a :class:`~sop_engine.calendar.WorkingCalendar`; every computed due
instant records the calendar version. Nothing here does I/O or reads a clock: the engine passes
``now`` and commits what :func:`advance` returns together with the case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

import attrs

from sop_engine._compile.registry import SectionNames, SectionProblem, SectionSpec
from sop_engine._core.calendar import DayOff, Unit, WorkingCalendar
from sop_engine._core.protocol import ItemKind, TimerItem
from sop_engine._core.records import Deadline, Timer
from sop_engine._core.text import TEXT_SCHEMA, Text
from sop_engine._spec.hookspecs import hookimpl

if TYPE_CHECKING:
    from sop_engine._compile.registry import Registry
    from sop_engine._core.definition import SopDefinition

__all__ = ["ClockSpec", "DeadlinePlan", "advance", "timers_for"]

UNITS: tuple[Unit, ...] = ("working_days", "days", "working_hours")
_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_NAMES = {"anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1}]}
_AMOUNT = {"type": "number", "exclusiveMinimum": 0}
_OFFSET_AMOUNT = {"type": "number", "minimum": 0}
_TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _one_unit(amount: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = dict.fromkeys(UNITS, amount)
    return {
        "type": "object",
        "properties": properties,
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    }


_RULE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "when": {
            "type": "object",
            "description": "case field values that select this duration (all must match)",
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
        **dict.fromkeys(UNITS, _AMOUNT),
    },
    "minProperties": 1,
    "additionalProperties": False,
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "service-standard deadlines, reminders and escalation",
    "properties": {
        "calendar": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "description": "a registered calendar, e.g. ID"},
                "zone": {"type": "string", "description": "IANA zone, e.g. Asia/Makassar"},
                "office_hours": {
                    "type": "string",
                    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
                },
                "cutoff": _TIME,
                "days_off": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            "name": {"type": "string", "minLength": 1},
                            "kind": {
                                "enum": ["cuti_daerah", "closure", "national", "cuti_bersama"]
                            },
                            "source": {"type": "string"},
                        },
                        "required": ["date", "name"],
                        "additionalProperties": False,
                    },
                },
                "working_days": {"type": "array", "items": {"type": "string", "format": "date"}},
            },
            "required": ["id", "zone"],
            "additionalProperties": False,
        },
        "clocks": {
            "type": "object",
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "label": TEXT_SCHEMA,
                    "duration": {"anyOf": [_one_unit(_AMOUNT), {"type": "array", "items": _RULE}]},
                    "start": {
                        "type": "object",
                        "properties": {"enter": _NAMES, "event": _NAMES},
                        "minProperties": 1,
                        "additionalProperties": False,
                    },
                    "stop": {
                        "type": "object",
                        "properties": {"enter": _NAMES, "leave": _NAMES, "event": _NAMES},
                        "minProperties": 1,
                        "additionalProperties": False,
                    },
                    "pause": _NAMES,
                    "reminders": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"before": _one_unit(_OFFSET_AMOUNT), "notify": _NAMES},
                            "required": ["before", "notify"],
                            "additionalProperties": False,
                        },
                    },
                    "escalation": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "after": _one_unit(_OFFSET_AMOUNT),
                                "notify": _NAMES,
                                "event": _NAME,
                                "label": TEXT_SCHEMA,
                            },
                            "required": ["after", "notify"],
                            "additionalProperties": False,
                        },
                    },
                    "on_expiry": {
                        "type": "object",
                        "properties": {"event": _NAME, "role": _NAME},
                        "required": ["event"],
                        "additionalProperties": False,
                    },
                    "extension": {
                        "type": "object",
                        "properties": {
                            "roles": _NAMES,
                            "times": {"type": "integer", "minimum": 1},
                            "max": _one_unit(_AMOUNT),
                        },
                        "required": ["roles", "max"],
                        "additionalProperties": False,
                    },
                },
                "required": ["duration", "start", "stop"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["calendar", "clocks"],
    "additionalProperties": False,
}


@attrs.frozen(slots=True)
class Offset:
    amount: float
    unit: Unit


@attrs.frozen(slots=True)
class DurationRule:
    when: Mapping[str, Any]
    amount: float
    unit: Unit


@attrs.frozen(slots=True)
class Level:
    after: Offset
    notify: tuple[str, ...]
    event: str | None = None


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

    def recipients(self, item: TimerItem) -> tuple[str, ...]:
        """Who is told when ``item`` (remind:N, breach, level:N, expiry) fires."""
        if item.kind is ItemKind.REMIND:
            return self.reminders[item.number][1]
        if item.kind is ItemKind.LEVEL:
            return self.levels[item.number - 1].notify
        if item.kind is ItemKind.BREACH:
            return tuple(dict.fromkeys(r for _, rs in self.reminders for r in rs))
        return ()

    def duration(self, data: Mapping[str, Any]) -> tuple[float, Unit] | None:
        for rule in self.rules:
            if all(data.get(k) == v for k, v in rule.when.items()):
                return rule.amount, rule.unit
        return None


@attrs.frozen(slots=True)
class CalendarConfig:
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
    _states: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _events: frozenset[str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        states: set[str] = set()
        events: set[str] = set()
        for c in self.clocks:
            states |= c.start_enter | c.stop_enter | c.stop_leave | c.pause
            events |= c.start_event | c.stop_event
        object.__setattr__(self, "_states", frozenset(states))
        object.__setattr__(self, "_events", frozenset(events))

    def concerns(self, left: str | None, entered: str | None, event: str | None) -> bool:
        """Whether leaving/entering these states or this event can change any clock."""
        return left in self._states or entered in self._states or event in self._events

    def clock(self, name: str) -> ClockSpec:
        return next(c for c in self.clocks if c.name == name)

    def build_calendar(self, registry: Registry) -> WorkingCalendar:
        """The calendar for this configuration, built once per registry (calendars are
        immutable and building one precomputes years of working days)."""
        c = self.calendar
        built = registry.built_calendars.get(c)
        if built is None:
            built = registry.calendars[c.id].build(
                zone=c.zone,
                office_hours=c.office_hours,
                cutoff=c.cutoff,
                local_days_off=c.days_off,
                extra_working_days=c.working_days,
            )
            registry.built_calendars[c] = built
        return built


# -- reading the section --------------------------------------------------------------------


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _offset(raw: Mapping[str, Any]) -> Offset:
    ((unit, amount),) = raw.items()
    return Offset(float(amount), cast(Unit, unit))


def _hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def build(
    raw: Any, sop: SopDefinition, registry: Registry
) -> tuple[DeadlinePlan, list[SectionProblem]]:
    problems: list[SectionProblem] = []
    check = SectionNames(sop, problems)
    unknown = check.unknown

    cal = raw["calendar"]
    if cal["id"] not in registry.calendars:
        unknown("SOP044", cal["id"], set(registry.calendars), ("calendar", "id"))
    hours = None
    if "office_hours" in cal:
        a, b = cal["office_hours"].split("-")
        hours = (_hm(a), _hm(b))
        if not hours[0] < hours[1]:
            problems.append(
                SectionProblem(
                    ("calendar", "office_hours"),
                    "SOP013",
                    {"reason": "office hours must start before they end"},
                )
            )
            hours = None
    config = CalendarConfig(
        id=cal["id"],
        zone=cal["zone"],
        office_hours=hours,
        cutoff=_hm(cal["cutoff"]) if "cutoff" in cal else None,
        days_off=tuple(
            DayOff(
                date.fromisoformat(d["date"]),
                d.get("kind", "cuti_daerah"),
                d["name"],
                d.get("source", ""),
            )
            for d in cal.get("days_off", [])
        ),
        working_days=tuple(date.fromisoformat(d) for d in cal.get("working_days", [])),
    )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(cal["zone"])
    except Exception:
        problems.append(
            SectionProblem(
                ("calendar", "zone"),
                "SOP013",
                {
                    "reason": f"unknown time zone {cal['zone']!r}: use Asia/Jakarta, Asia/Pontianak, "
                    "Asia/Makassar or Asia/Jayapura"
                },
            )
        )
    clocks = []
    fields = {f.name for f in sop.fields}
    for name, c in raw["clocks"].items():
        p: tuple[str | int, ...] = ("clocks", name)
        dur = c["duration"]
        rules = []
        for k, rule in enumerate([dur] if isinstance(dur, dict) else dur):
            when = rule.get("when", {})
            for f in when:
                if f not in fields:
                    unknown("SOP031", f, fields, (*p, "duration", k, "when", f))
            units = [u for u in UNITS if u in rule]
            if len(units) != 1:
                problems.append(
                    SectionProblem(
                        (*p, "duration", k),
                        "SOP013",
                        {"reason": "give exactly one of working_days, days, working_hours"},
                    )
                )
                continue
            rules.append(DurationRule(dict(when), float(rule[units[0]]), units[0]))
        if rules and rules[-1].when and isinstance(dur, list):
            problems.append(
                SectionProblem(
                    (*p, "duration"),
                    "SOP041",
                    {
                        "clock": name,
                        "reason": "the last duration rule has a 'when': cases matching no "
                        "rule get no deadline; end with a rule without 'when'",
                    },
                )
            )
        start, stop = c["start"], c["stop"]
        start_enter = check("state", start.get("enter"), (*p, "start", "enter"))
        start_event = check("event", start.get("event"), (*p, "start", "event"))
        stop_enter = check("state", stop.get("enter"), (*p, "stop", "enter"))
        stop_leave = check("state", stop.get("leave"), (*p, "stop", "leave"))
        stop_event = check("event", stop.get("event"), (*p, "stop", "event"))
        pause = check("state", c.get("pause"), (*p, "pause"))
        reminders = []
        for k, r in enumerate(c.get("reminders", [])):
            reminders.append(
                (_offset(r["before"]), check("role", r["notify"], (*p, "reminders", k, "notify")))
            )
        levels = []
        previous = -1.0
        for k, lv in enumerate(c.get("escalation", [])):
            off = _offset(lv["after"])
            if off.amount <= previous and k > 0:
                problems.append(
                    SectionProblem(
                        (*p, "escalation", k, "after"), "SOP042", {"clock": name, "level": k + 1}
                    )
                )
            previous = off.amount
            ev = lv.get("event")
            if ev is not None:
                check("event", ev, (*p, "escalation", k, "event"))
            levels.append(
                Level(off, check("role", lv["notify"], (*p, "escalation", k, "notify")), ev)
            )
        expiry = c.get("on_expiry")
        if expiry is not None:
            check("event", expiry["event"], (*p, "on_expiry", "event"))
            check("role", expiry.get("role", "sistem"), (*p, "on_expiry"))
        if any(lv.get("event") for lv in c.get("escalation", [])):
            check("role", "sistem", (*p, "escalation"))
        ext = c.get("extension")
        ext_roles: tuple[str, ...] = ()
        if ext is not None:
            ext_roles = check("role", ext["roles"], (*p, "extension", "roles"))
            ext_unit = next(iter(ext["max"]))
            if any(r.unit != ext_unit for r in rules):
                problems.append(
                    SectionProblem(
                        (*p, "extension", "max"),
                        "SOP013",
                        {
                            "reason": f"the extension is counted in {ext_unit} but the duration is not; "
                            "use the duration's unit"
                        },
                    )
                )
        uses_hours = (
            any(r.unit == "working_hours" for r in rules)
            or any(o.unit == "working_hours" for o, _ in reminders)
            or any(lv.after.unit == "working_hours" for lv in levels)
        )
        if uses_hours and hours is None:
            problems.append(SectionProblem((*p, "duration"), "SOP043", {"clock": name}))
        # can it start? can it be met?
        entered = (
            {t.dest for t in sop.transitions} | {sop.initial}
            if any(s.initial for s in sop.states)
            else {t.dest for t in sop.transitions}
        )
        used_events = {t.event for t in sop.transitions}
        finals = {s.name for s in sop.states if s.final}
        start_events = {t.event for t in sop.transitions if t.dest not in finals}
        if not (set(start_enter) & (entered - finals) or set(start_event) & start_events):
            problems.append(SectionProblem((*p, "start"), "SOP040", {"clock": name}, key=True))
        left = {s for t in sop.transitions for s in t.sources}
        if not (
            set(stop_enter) & entered
            or set(stop_leave) & left
            or set(stop_event) & used_events
            or expiry is not None
            or finals
        ):
            problems.append(
                SectionProblem(
                    (*p, "stop"),
                    "SOP041",
                    {"clock": name, "reason": "no stop condition can ever happen"},
                    key=True,
                )
            )
        clocks.append(
            ClockSpec(
                name=name,
                label=Text.from_raw(c["label"]) if "label" in c else Text(name),
                rules=tuple(rules),
                start_enter=frozenset(start_enter),
                start_event=frozenset(start_event),
                stop_enter=frozenset(stop_enter),
                stop_leave=frozenset(stop_leave),
                stop_event=frozenset(stop_event),
                pause=frozenset(pause),
                reminders=tuple(reminders),
                levels=tuple(levels),
                expiry_event=expiry["event"] if expiry else None,
                expiry_role=expiry.get("role", "sistem") if expiry else "sistem",
                extension_roles=frozenset(ext_roles),
                extension_times=ext.get("times", 1) if ext else 0,
                extension_max=_offset(ext["max"]) if ext else None,
            )
        )
    return DeadlinePlan(config, tuple(clocks)), problems


SECTION = SectionSpec(
    "deadlines",
    Text("batas waktu standar pelayanan dan eskalasi", "service-standard deadlines and escalation"),
    SCHEMA,
    build,
)


@hookimpl
def sop_engine_sections() -> list[SectionSpec]:
    return [SECTION]


# -- runtime ---------------------------------------------------------------------------------


def _arm(
    previous: Deadline | None,
    name: str,
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
        name=name,
        arming=(previous.arming if previous else 0) + 1,
        status="running",
        anchor=anchor,
        amount=amount,
        unit=unit,
        due_at=calendar.due(anchor, amount, unit),
        calendar_version=calendar.version,
        extensions=previous.extensions if keep and previous else 0,
        extended_by=previous.extended_by if keep and previous else 0.0,
    )


def advance(
    plan: DeadlinePlan,
    deadlines: Sequence[Deadline],
    old_state: str | None,
    new_state: str,
    event: str | None,
    data: Mapping[str, Any],
    now: datetime,
    calendar: WorkingCalendar,
    final: bool,
    case_id: str,
) -> tuple[tuple[Deadline, ...], list[Timer]]:
    """The deadlines after a transition ``old_state --event--> new_state``, and new timers.

    ``old_state`` is ``None`` when the case is being opened.
    """
    moved = old_state != new_state
    if not final and not plan.concerns(
        old_state if moved else None, new_state if moved else None, event
    ):
        return tuple(deadlines), []  # no clock starts, stops, pauses or resumes here
    current = {d.name: d for d in deadlines}
    out: list[Deadline] = []
    armed: list[Deadline] = []
    for clock in plan.clocks:
        d = current.get(clock.name)
        active = d is not None and d.status in ("running", "paused")
        if active and d is not None:
            if final:
                d = _with_status(d, "closed")
            elif (
                (moved and new_state in clock.stop_enter)
                or (moved and old_state in clock.stop_leave)
                or (event is not None and event in clock.stop_event)
            ):
                d = _with_status(d, "met")
            elif d.status == "running" and moved and new_state in clock.pause:
                d = _with_status(d, "paused", now)
            elif d.status == "paused" and new_state not in clock.pause:
                assert d.paused_at is not None
                lost = calendar.paused_units(d.paused_at, now, d.unit)  # type: ignore[arg-type]
                d = _arm(d, clock.name, d.anchor, d.amount + lost, d.unit, calendar, fresh=False)  # type: ignore[arg-type]
                armed.append(d)
        elif not final and (
            (moved and new_state in clock.start_enter)
            or (event is not None and event in clock.start_event)
        ):
            duration = clock.duration(data)
            if duration is not None:
                d = _arm(d, clock.name, now, duration[0], duration[1], calendar, fresh=True)
                armed.append(d)
        if d is not None:
            out.append(d)
    timers = [
        t for d in armed for t in timers_for(plan.clock(d.name), d, calendar, case_id=case_id)
    ]
    return tuple(out), timers


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
    due = d.due_at
    out = [
        Timer(_before(calendar, due, off), case_id, d.name, d.arming, f"remind:{k}")
        for k, (off, _) in enumerate(clock.reminders)
    ]
    if clock.expiry_event is None:  # with an expiry event, expiring is the designed outcome
        out.append(Timer(due, case_id, d.name, d.arming, "breach"))
    out.extend(
        Timer(_after(calendar, due, lv.after), case_id, d.name, d.arming, f"level:{k + 1}")
        for k, lv in enumerate(clock.levels)
    )
    if clock.expiry_event is not None:
        out.append(Timer(due, case_id, d.name, d.arming, "expiry"))
    return out
