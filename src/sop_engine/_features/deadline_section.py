"""The ``deadlines`` section of SOP files: its schema, and reading it into a :class:`DeadlinePlan`.

Reading checks what the section says against the rest of the SOP: every state, event, role and
field it names is declared, every date in the calendar exists, every clock can start and can be
met, escalation levels come in order, working hours come with office hours. Each problem is a
:class:`~sop_engine._spec.names.SectionProblem` at its position inside the section. The plan is
plain data; the compiler binds its calendar (:mod:`sop_engine._compile.binding`) and
:mod:`sop_engine._features.deadlines` runs the clocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from typing import TYPE_CHECKING, Any, cast

from sop_engine._core.calendar import DayOff, Unit
from sop_engine._core.i18n import N_, Msg, both
from sop_engine._core.text import TEXT_SCHEMA, Text
from sop_engine._features.deadlines import (
    CalendarConfig,
    ClockSpec,
    DeadlinePlan,
    DurationRule,
    Level,
    Offset,
)
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.names import SectionNames, SectionProblem
from sop_engine._spec.specs import SectionSpec

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition
    from sop_engine._spec.specs import SpecTables

__all__ = ["SCHEMA", "SECTION", "UNITS", "build"]

SECTION_NAME = "deadlines"

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


_WHEN = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}
NOTICE_KEYS = ("title", "unit", "tracking_id", "case_number")
"""What a deadline notification may carry from the case, each named by the SOP's own field."""

_RULE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "when": {
            **_WHEN,
            "description": (
                "case field values that select this duration (all must match); read when the "
                "clock starts and again whenever one of these fields changes while it runs"
            ),
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
        "notifications": {
            "type": "object",
            "description": (
                "the case fields every reminder, breach and escalation message carries: the "
                "unit, the case title, the tracking id and the agency's own case number"
            ),
            "properties": dict.fromkeys(NOTICE_KEYS, _NAME),
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
                    "applies_when": {
                        **_WHEN,
                        "description": (
                            "case field values the clock needs to apply (all must match): "
                            "checked when it would start; a running deadline whose case stops "
                            "matching is withdrawn"
                        ),
                    },
                    "roll": {
                        "enum": ["next_working_day"],
                        "description": (
                            "a deadline counted in days that falls on a day off moves to the "
                            "end of the next working day"
                        ),
                    },
                    "breach": {
                        "type": "object",
                        "properties": {"notify": _NAMES},
                        "required": ["notify"],
                        "additionalProperties": False,
                    },
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


SectionPath = tuple[str | int, ...]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _offset(raw: Mapping[str, Any]) -> Offset:
    ((unit, amount),) = raw.items()
    return Offset(float(amount), cast(Unit, unit))


def _hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def build(
    raw: Any, sop: SopDefinition, tables: SpecTables
) -> tuple[DeadlinePlan, list[SectionProblem]]:
    """Read the section into a :class:`DeadlinePlan`, reporting every problem found."""
    reader = _Reader(sop, tables)
    config = reader.calendar(raw["calendar"])
    clocks = tuple(
        reader.clock(name, c, office_hours=config.office_hours) for name, c in raw["clocks"].items()
    )
    notices = reader.notices(raw.get("notifications", {}))
    return DeadlinePlan(config, clocks, notices=notices), reader.problems


class _Reader:
    """Reads one ``deadlines`` section against the rest of its SOP, collecting the problems."""

    def __init__(self, sop: SopDefinition, tables: SpecTables) -> None:
        self.sop = sop
        self.tables = tables
        self.problems: list[SectionProblem] = []
        self.names = SectionNames(sop, self.problems)
        self.fields = {f.name for f in sop.fields}
        self.personal = {f.name for f in sop.fields if f.personal or f.ref == "person"}

    def problem(self, path: SectionPath, code: str, *, key: bool = False, **args: Any) -> None:
        self.problems.append(SectionProblem(path, code, args, key))

    # -- the calendar ----------------------------------------------------------------------

    def calendar(self, cal: Mapping[str, Any]) -> CalendarConfig:
        if cal["id"] not in self.tables.calendars:
            self.names.unknown("SOP044", cal["id"], set(self.tables.calendars), ("calendar", "id"))
        self._zone(cal["zone"])
        days_off = []
        for k, d in enumerate(cal.get("days_off", [])):
            day = self._date(d["date"], ("calendar", "days_off", k, "date"))
            if day is not None:
                days_off.append(
                    DayOff(day, d.get("kind", "cuti_daerah"), d["name"], d.get("source", ""))
                )
        working_days = [
            self._date(d, ("calendar", "working_days", k))
            for k, d in enumerate(cal.get("working_days", []))
        ]
        return CalendarConfig(
            id=cal["id"],
            zone=cal["zone"],
            office_hours=self._office_hours(cal),
            cutoff=_hm(cal["cutoff"]) if "cutoff" in cal else None,
            days_off=tuple(days_off),
            working_days=tuple(d for d in working_days if d is not None),
        )

    def _office_hours(self, cal: Mapping[str, Any]) -> tuple[time, time] | None:
        if "office_hours" not in cal:
            return None
        a, b = cal["office_hours"].split("-")
        hours = (_hm(a), _hm(b))
        if hours[0] < hours[1]:
            return hours
        reason = Msg("office hours must start before they end")
        self.problem(("calendar", "office_hours"), "SOP013", reason=reason)
        return None

    def _zone(self, zone: str) -> None:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(zone)
        except Exception:
            reason = Msg(
                "unknown time zone {zone!r}: use Asia/Jakarta, Asia/Pontianak, "
                "Asia/Makassar or Asia/Jayapura",
                zone=zone,
            )
            self.problem(("calendar", "zone"), "SOP013", reason=reason)

    def _date(self, value: str, path: SectionPath) -> date | None:
        """The date ``value`` names (YYYY-MM-DD), or ``None`` reported as SOP014."""
        try:
            if _ISO_DATE.match(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.problem(path, "SOP014", value=value)
        return None

    # -- what notifications carry ---------------------------------------------------------

    def notices(self, raw: Mapping[str, str]) -> dict[str, str]:
        """The case fields notifications carry; a field identifying the reporter is SOP132."""
        out = {}
        for key, field in raw.items():
            path: SectionPath = ("notifications", key)
            if field not in self.fields:
                self.names.unknown("SOP031", field, self.fields, path)
            elif field in self.personal:
                self.problem(path, "SOP132", field=field)
            else:
                out[key] = field
        return out

    def _when(self, when: Mapping[str, Any], p: SectionPath) -> None:
        # unknown fields (SOP031) and values the field can never hold (SOP174)
        self.names.case_values(when, p)

    # -- one clock -------------------------------------------------------------------------

    def clock(
        self, name: str, c: Mapping[str, Any], *, office_hours: tuple[time, time] | None
    ) -> ClockSpec:
        p: SectionPath = ("clocks", name)
        check = self.names
        rules = self._durations(name, c["duration"], p)
        start, stop = c["start"], c["stop"]
        start_enter = check("state", start.get("enter"), (*p, "start", "enter"))
        start_event = check("event", start.get("event"), (*p, "start", "event"))
        stop_enter = check("state", stop.get("enter"), (*p, "stop", "enter"))
        stop_leave = check("state", stop.get("leave"), (*p, "stop", "leave"))
        stop_event = check("event", stop.get("event"), (*p, "stop", "event"))
        pause = check("state", c.get("pause"), (*p, "pause"))
        applies_when = c.get("applies_when", {})
        self._when(applies_when, (*p, "applies_when"))
        roll = c.get("roll") == "next_working_day"
        if roll and not any(r.unit == "days" for r in rules):
            self.problem((*p, "roll"), "SOP130", clock=name)
        units = sorted({r.unit for r in rules})
        if len(units) > 1:
            self.problem((*p, "duration"), "SOP131", clock=name, units=", ".join(units))
        breach = c.get("breach")
        breach_notify = (
            check("role", breach["notify"], (*p, "breach", "notify")) if breach else None
        )
        reminders = tuple(
            (_offset(r["before"]), check("role", r["notify"], (*p, "reminders", k, "notify")))
            for k, r in enumerate(c.get("reminders", []))
        )
        levels = self._escalation(name, c.get("escalation", []), p)
        expiry = c.get("on_expiry")
        if expiry is not None:
            check("event", expiry["event"], (*p, "on_expiry", "event"))
            check("role", expiry.get("role", "sistem"), (*p, "on_expiry"))
        ext = c.get("extension")
        ext_roles = self._extension(ext, rules, p) if ext is not None else ()
        uses_hours = (
            any(r.unit == "working_hours" for r in rules)
            or any(o.unit == "working_hours" for o, _ in reminders)
            or any(lv.after.unit == "working_hours" for lv in levels)
        )
        if uses_hours and office_hours is None:
            self.problem((*p, "duration"), "SOP043", clock=name)
        if not self._can_start(start_enter, start_event):
            self.problem((*p, "start"), "SOP040", key=True, clock=name)
        if expiry is None and not self._can_stop(stop_enter, stop_leave, stop_event):
            reason = Msg("no stop condition can ever happen")
            self.problem((*p, "stop"), "SOP041", key=True, clock=name, reason=reason)
        return ClockSpec(
            name=name,
            label=Text.from_raw(c["label"]) if "label" in c else Text(name),
            rules=tuple(rules),
            start_enter=frozenset(start_enter),
            start_event=frozenset(start_event),
            stop_enter=frozenset(stop_enter),
            stop_leave=frozenset(stop_leave),
            stop_event=frozenset(stop_event),
            pause=frozenset(pause),
            reminders=reminders,
            levels=tuple(levels),
            expiry_event=expiry["event"] if expiry else None,
            expiry_role=expiry.get("role", "sistem") if expiry else "sistem",
            extension_roles=frozenset(ext_roles),
            extension_times=ext.get("times", 1) if ext else 0,
            extension_max=_offset(ext["max"]) if ext else None,
            applies_when=dict(applies_when),
            roll=roll,
            breach_notify=breach_notify,
        )

    def _durations(self, name: str, dur: Any, p: SectionPath) -> list[DurationRule]:
        rules = []
        for k, rule in enumerate([dur] if isinstance(dur, dict) else dur):
            when = rule.get("when", {})
            at = (*p, "duration", k) if isinstance(dur, list) else (*p, "duration")
            # unknown fields (SOP031) and values the field can never hold (SOP174)
            self.names.case_values(when, (*at, "when"))
            units = [u for u in UNITS if u in rule]
            if len(units) != 1:
                reason = Msg("give exactly one of working_days, days, working_hours")
                self.problem((*p, "duration", k), "SOP013", reason=reason)
                continue
            rules.append(DurationRule(dict(when), float(rule[units[0]]), units[0]))
        if rules and rules[-1].when and isinstance(dur, list):
            reason = Msg(
                "the last duration rule has a 'when': cases matching no rule get no deadline; "
                "end with a rule without 'when'"
            )
            self.problem((*p, "duration"), "SOP041", clock=name, reason=reason)
        return rules

    def _escalation(self, name: str, ladder: list[Any], p: SectionPath) -> list[Level]:
        levels = []
        previous = -1.0
        for k, lv in enumerate(ladder):
            off = _offset(lv["after"])
            if off.amount <= previous and k > 0:
                self.problem((*p, "escalation", k, "after"), "SOP042", clock=name, level=k + 1)
            previous = off.amount
            ev = lv.get("event")
            if ev is not None:
                self.names("event", ev, (*p, "escalation", k, "event"))
            notify = self.names("role", lv["notify"], (*p, "escalation", k, "notify"))
            label = Text.from_raw(lv["label"]) if "label" in lv else None
            levels.append(Level(off, notify, ev, label))
        if any(lv.get("event") for lv in ladder):
            self.names("role", "sistem", (*p, "escalation"))
        return levels

    def _extension(
        self, ext: Mapping[str, Any], rules: list[DurationRule], p: SectionPath
    ) -> tuple[str, ...]:
        roles = self.names("role", ext["roles"], (*p, "extension", "roles"))
        unit = next(iter(ext["max"]))
        if any(r.unit != unit for r in rules):
            reason = Msg(
                "the extension is counted in {unit!r} but the duration is not; "
                "use the duration's unit",
                unit=unit,
            )
            self.problem((*p, "extension", "max"), "SOP013", reason=reason)
        return roles

    # -- can the clock start? can it be met? -----------------------------------------------

    def _entered(self) -> set[str]:
        sop = self.sop
        entered = {t.dest for t in sop.transitions}
        if any(s.initial for s in sop.states):
            entered.add(sop.initial)
        return entered

    def _finals(self) -> set[str]:
        return {s.name for s in self.sop.states if s.final}

    def _can_start(self, enter: tuple[str, ...], events: tuple[str, ...]) -> bool:
        finals = self._finals()
        start_events = {t.event for t in self.sop.transitions if t.dest not in finals}
        return bool(set(enter) & (self._entered() - finals) or set(events) & start_events)

    def _can_stop(
        self, enter: tuple[str, ...], leave: tuple[str, ...], events: tuple[str, ...]
    ) -> bool:
        transitions = self.sop.transitions
        return bool(
            set(enter) & self._entered()
            or set(leave) & {s for t in transitions for s in t.sources}
            or set(events) & {t.event for t in transitions}
            or self._finals()
        )


SECTION = SectionSpec(
    SECTION_NAME,
    both(N_("service-standard deadlines and escalation")),
    SCHEMA,
    build,
)


@hookimpl
def sop_engine_sections() -> list[SectionSpec]:
    return [SECTION]
