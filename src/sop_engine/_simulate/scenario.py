"""Scenario files: the workload, staff and behaviour ``sop simulate`` runs an SOP against.

A scenario is untrusted YAML like an SOP file. It is read with the same safe reader
(:func:`sop_engine._definition.source.read_source`: plain values only, positions for every
value), checked against :data:`SCENARIO_SCHEMA` (published as ``docs/scenario.schema.json``) and
then against the SOP it is meant for (roles, events, states, fields, who may fire what). Every
problem is a :class:`~sop_engine._simulate.codes.ScenarioFinding` at its line and column; nothing
runs unless there are none. Nothing named in a scenario is ever imported or evaluated: names are
looked up in the SOP and in fixed tables.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import jsonschema

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.loading import localised
from sop_engine._core.i18n import Msg
from sop_engine._core.text import TEXT_SCHEMA, Lang, Text
from sop_engine._definition.source import PathKey, Source, read_source
from sop_engine._simulate.codes import Problem, ScenarioFinding
from sop_engine._simulate.distributions import Distribution, distribution

__all__ = [
    "ALWAYS",
    "REPORTER",
    "SCENARIO_SCHEMA",
    "ClassMix",
    "Option",
    "Scenario",
    "StaffGroup",
    "load_scenario",
    "parse_duration",
    "scenario_schema",
]

REPORTER = "reporter"
"""``by: reporter``: the complaint's own reporter acts (after a delay, using no staff)."""
ALWAYS = "24x7"
"""The calendar id of a round-the-clock calendar: every day works, every hour is office time."""

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(s|min|h|d)")
_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_HOURS = re.compile(r"([0-2][0-9]):([0-5][0-9])-([0-2][0-9]):([0-5][0-9])")


def parse_duration(value: Any) -> float | None:
    """Seconds of a duration such as ``30min``, ``2h``, ``1.5d`` or ``90s``; ``None`` if not one."""
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    return float(match[1]) * _SECONDS[match[2]] if match else None


def parse_hours(value: Any) -> tuple[float, float] | None:
    """Office hours ``HH:MM-HH:MM`` as (opening, closing) seconds after midnight."""
    match = _HOURS.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    a = int(match[1]) * 3600 + int(match[2]) * 60
    b = int(match[3]) * 3600 + int(match[4]) * 60
    return (a, b) if a < b <= 86400 else None


# -- the records ---------------------------------------------------------------------------------


@attrs.frozen
class Option:
    """One thing that may happen in a state: ``by`` fires ``event`` with probability ``p``.

    Options of a state are tried in file order; each is taken with its probability, and the
    first one the engine accepts moves the case on. Staff options hold an officer of role
    ``by`` (in ``unit``: a unit name or ``@field``, the unit named in the case's data) for the
    ``work`` time; reporter options wait ``delay`` and use no staff.
    """

    event: str
    by: str
    p: float
    unit: str | None
    work: Distribution | None
    delay: Distribution | None
    data: Mapping[str, Any]
    path: PathKey


@attrs.frozen
class ClassMix:
    """A class of complaints: its share of arrivals, its data and the data of its events."""

    name: str
    weight: float
    category: str | None
    data: Mapping[str, Any]
    events: Mapping[str, Mapping[str, Any]]


@attrs.frozen
class StaffGroup:
    role: str
    unit: str | None
    count: int
    office_hours: tuple[float, float] | None


@attrs.frozen
class Scenario:
    """A checked scenario file (see docs/simulation.md for the meaning of every key)."""

    id: str
    title: Text
    path: str
    start: date
    end: date
    calendar: str
    zone: str | None
    office_hours: tuple[float, float] | None
    drain_days: int
    sweep_every: float
    per_day: float
    days: str
    hours: str
    monthly: tuple[float, ...]
    dated: tuple[tuple[date, date, float], ...]
    intake: str
    mix: tuple[ClassMix, ...]
    staff: tuple[StaffGroup, ...]
    reporter_role: str
    steps: Mapping[str, tuple[Option, ...]]
    raw: Mapping[str, Any] = attrs.field(eq=False, repr=False)


# -- the schema ----------------------------------------------------------------------------------

# anchored: JSON Schema patterns match anywhere in the string, so "1e308d" passed as "308d"
# and the duration reader, which reads the whole string, raised ValueError (issue 18 fuzzing)
_DURATION_SCHEMA = {"type": "string", "pattern": f"^{_DURATION.pattern}$", "x-kind": "duration"}
_DATE_SCHEMA = {"type": "string", "x-kind": "date"}
_HOURS_SCHEMA = {"type": "string", "x-kind": "office_hours"}
_NAME = {"type": "string", "minLength": 1}
_DIST_SCHEMA: dict[str, Any] = {
    "description": "A distribution of durations: exactly one of its kinds.",
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {
        "fixed": _DURATION_SCHEMA,
        "uniform": {"type": "array", "items": _DURATION_SCHEMA, "minItems": 2, "maxItems": 2},
        "triangular": {"type": "array", "items": _DURATION_SCHEMA, "minItems": 3, "maxItems": 3},
        "exponential": {
            "type": "object",
            "properties": {"mean": _DURATION_SCHEMA},
            "required": ["mean"],
            "additionalProperties": False,
        },
        "lognormal": {
            "type": "object",
            "properties": {"mean": _DURATION_SCHEMA, "sd": _DURATION_SCHEMA},
            "required": ["mean", "sd"],
            "additionalProperties": False,
        },
        "empirical": {"type": "array", "items": _DURATION_SCHEMA, "minItems": 1},
    },
    "additionalProperties": False,
}
_DATA_SCHEMA = {
    "description": (
        "Event or case data. A value is literal, or {pick: {VALUE: WEIGHT, ...}} (one value "
        "drawn by weight), or {p: P, value: V, else: W} (V with probability P, otherwise W or "
        "absent)."
    ),
    "type": "object",
}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}

SCENARIO_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://sop-engine.readthedocs.io/en/latest/scenario.schema.json",
    "title": "sop_engine simulation scenario",
    "type": "object",
    "required": ["scenario", "period", "arrivals", "staff", "steps"],
    "additionalProperties": False,
    "properties": {
        "scenario": {
            "type": "object",
            "required": ["id", "title"],
            "additionalProperties": False,
            "properties": {"id": _NAME, "title": TEXT_SCHEMA, "description": TEXT_SCHEMA},
        },
        "period": {
            "type": "object",
            "required": ["start", "end"],
            "additionalProperties": False,
            "properties": {
                "start": _DATE_SCHEMA,
                "end": _DATE_SCHEMA,
                "calendar": _NAME,
                "zone": _NAME,
                "office_hours": _HOURS_SCHEMA,
                "drain_days": {"type": "integer", "minimum": 0, "maximum": 366},
            },
        },
        "sweep_every": _DURATION_SCHEMA,
        "arrivals": {
            "type": "object",
            "required": ["per_day", "intake", "mix"],
            "additionalProperties": False,
            "properties": {
                "per_day": {"type": "number", "minimum": 0, "maximum": 100000},
                "days": {"enum": ["working", "all"]},
                "hours": {"enum": ["office", "all"]},
                "intake": _NAME,
                "monthly": {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0},
                    "minItems": 12,
                    "maxItems": 12,
                },
                "dated": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["from", "factor"],
                        "additionalProperties": False,
                        "properties": {
                            "from": _DATE_SCHEMA,
                            "to": _DATE_SCHEMA,
                            "factor": {"type": "number", "minimum": 0},
                        },
                    },
                },
                "mix": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["class", "weight"],
                        "additionalProperties": False,
                        "properties": {
                            "class": _NAME,
                            "weight": {"type": "number", "exclusiveMinimum": 0},
                            "category": _NAME,
                            "data": _DATA_SCHEMA,
                            "events": {"type": "object", "additionalProperties": _DATA_SCHEMA},
                        },
                    },
                },
            },
        },
        "staff": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["role", "count"],
                "additionalProperties": False,
                "properties": {
                    "role": _NAME,
                    "unit": _NAME,
                    "count": {"type": "integer", "minimum": 1, "maximum": 10000},
                    "office_hours": _HOURS_SCHEMA,
                },
            },
        },
        "reporter": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"role": _NAME},
        },
        "steps": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["event", "by"],
                    "additionalProperties": False,
                    "properties": {
                        "event": _NAME,
                        "by": _NAME,
                        "unit": _NAME,
                        "p": _PROB,
                        "work": _DIST_SCHEMA,
                        "delay": _DIST_SCHEMA,
                        "data": _DATA_SCHEMA,
                    },
                },
            },
        },
    },
}


def scenario_schema(lang: Lang = "en") -> dict[str, Any]:
    """The scenario schema with its descriptions in ``lang`` (``id``: its own ``$id``,
    ``scenario.schema.id.json``), for the editor of whoever writes scenarios."""
    if lang == "en":
        return SCENARIO_SCHEMA
    out: dict[str, Any] = localised(SCENARIO_SCHEMA, lang, {})
    out["$id"] = str(SCENARIO_SCHEMA["$id"]).removesuffix(".json") + f".{lang}.json"
    return out


"""The JSON Schema of scenario files (``docs/scenario.schema.json``; a test keeps it in step)."""


# -- reading -------------------------------------------------------------------------------------


def _kind(value: Any) -> Msg:
    """What a value is, in words of the reader's language."""
    if isinstance(value, bool):
        return Msg("true/false")
    if isinstance(value, int | float):
        return Msg("a number")
    if isinstance(value, str):
        return Msg("text")
    if isinstance(value, list):
        return Msg("a list")
    if isinstance(value, dict):
        return Msg("a mapping")
    return Msg("nothing")


_EXPECTED = {
    "object": Msg("a mapping"),
    "array": Msg("a list"),
    "string": Msg("text"),
    "number": Msg("a number"),
    "integer": Msg("a whole number"),
}


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@attrs.define
class _Checker:
    source: Source
    sop: CompiledSop
    known_calendars: Sequence[str]
    calendar_years: Callable[[str], tuple[int, int] | None] | None = None
    findings: list[ScenarioFinding] = attrs.field(factory=list)

    def add(self, code: str, path: PathKey, *, at_key: bool = False, **args: Any) -> None:
        line, column = self.source.position(path, key=at_key)
        self.findings.append(ScenarioFinding(code, self.source.path, line, column, args))

    # -- shape --------------------------------------------------------------------------------

    def shape(self) -> None:
        validator = jsonschema.Draft202012Validator(SCENARIO_SCHEMA)
        for error in sorted(validator.iter_errors(self.source.data), key=lambda e: list(e.path)):
            self.schema_error(error)
        self.formats((), self.source.data, SCENARIO_SCHEMA)

    def schema_error(self, error: jsonschema.ValidationError) -> None:
        path = tuple(error.absolute_path)
        kind = error.validator
        schema: Any = error.schema
        instance: Any = error.instance
        if kind == "required":
            key = str(error.message).split("'")[1]
            where: Any = "/".join(str(p) for p in path) or Msg("the file")
            self.add("SIM002", path, where=where, key=key)
        elif kind == "additionalProperties":
            allowed = sorted(schema.get("properties", {}))
            for extra in sorted(set(instance) - set(allowed)):
                self.add(
                    "SIM003",
                    (*path, extra),
                    at_key=True,
                    key=extra,
                    known=", ".join(allowed),
                    suggestion=_suggest(extra, allowed),
                )
        elif kind == "type":
            expected: Any = _EXPECTED.get(str(error.validator_value), str(error.validator_value))
            self.add("SIM004", path, expected=expected, found=_kind(error.instance))
        elif kind == "enum":
            values: Any = error.validator_value
            self.add("SIM006", path, value=instance, allowed=", ".join(str(v) for v in values))
        elif kind == "pattern":
            self.add("SIM007", path, value=error.instance)
        elif kind in ("minimum", "maximum", "exclusiveMinimum"):
            sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}[str(kind)]
            self.add(
                "SIM005",
                path,
                value=error.instance,
                rule=Msg("must be {sign} {limit}", sign=sign, limit=str(error.validator_value)),
            )
        elif kind in ("minItems", "maxItems", "minProperties", "maxProperties"):
            if "fixed" in schema.get("properties", {}):
                reason = Msg("give exactly one kind (fixed, uniform, ...)")
                self.add("SIM009", path, name="?", reason=reason)
            else:
                rule = Msg("has too many or too few entries")
                self.add("SIM005", path, value=_kind(error.instance), rule=rule)
        elif kind == "anyOf":  # texts: a string or {id, en}
            self.add(
                "SIM004",
                path,
                expected=Msg("text or {{id: ..., en: ...}}"),
                found=_kind(error.instance),
            )
        else:
            self.add("SIM004", path, expected=str(error.message), found=_kind(error.instance))

    def formats(self, path: PathKey, value: Any, schema: Mapping[str, Any]) -> None:
        """Dates and office hours (the ``x-kind`` marks of the schema), where the shape fits."""
        kind = schema.get("x-kind")
        if kind == "date" and isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                self.add("SIM008", path, value=value, kind=Msg("date"), example="2026-03-13")
        elif kind == "office_hours" and isinstance(value, str) and parse_hours(value) is None:
            self.add("SIM028", path, value=value)
        if isinstance(value, dict):
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for k, v in value.items():
                sub = props.get(k, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    self.formats((*path, k), v, sub)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for i, v in enumerate(value):
                self.formats((*path, i), v, schema["items"])

    # -- meaning ------------------------------------------------------------------------------

    def meaning(self) -> Scenario | None:
        d = self.source.data
        sop = self.sop.definition
        roles = [r.name for r in sop.roles]
        events = {e.name: e for e in sop.events}
        fields = [f.name for f in sop.fields]
        open_states = [s.name for s in sop.states if not s.final]

        def role(path: PathKey, name: str) -> None:
            if name not in roles:
                self.add(
                    "SIM020",
                    path,
                    name=name,
                    known=", ".join(roles),
                    suggestion=_suggest(name, roles),
                )

        def data(path: PathKey, values: Mapping[str, Any], event: str | None = None) -> None:
            extra = [f.name for f in events[event].data] if event in events else []
            for k, v in values.items():
                if k not in fields and k not in extra:
                    known = [*fields, *extra]
                    self.add(
                        "SIM026",
                        (*path, k),
                        at_key=True,
                        name=k,
                        known=", ".join(known),
                        suggestion=_suggest(k, known),
                    )
                self.generator((*path, k), v)

        per = d["period"]
        start, end = date.fromisoformat(per["start"]), date.fromisoformat(per["end"])
        if end < start:
            reason = Msg("ends ({end}) before it starts ({start})", end=str(end), start=str(start))
            self.add("SIM010", ("period", "end"), reason=reason)
        zone = per.get("zone")
        if isinstance(zone, str) and not _known_zone(zone):
            # found here, not by the calendar in the middle of `sop simulate` (issue 18 fuzzing)
            self.add(
                "SIM006",
                ("period", "zone"),
                value=zone,
                allowed=Msg("the IANA time zones, such as {zones}", zones=_ZONES),
            )
        calendar = per.get("calendar") or self.default_calendar()
        if calendar != ALWAYS and calendar not in self.known_calendars:
            known = ", ".join([*self.known_calendars, ALWAYS])
            self.add("SIM011", ("period", "calendar"), name=calendar, known=known)
        elif calendar != ALWAYS and self.calendar_years is not None:
            # The run reaches past the period by drain_days; the calendar must know every day of
            # it, or the office clock would stop with a traceback in the middle of a run.
            years = self.calendar_years(calendar)
            try:
                last = end + timedelta(days=int(per.get("drain_days", 30)))
            except OverflowError:  # a period ending in the last days of year 9999
                last = date.max
            if years is not None and not (years[0] <= start.year and last.year <= years[1]):
                self.add(
                    "SIM010",
                    ("period", "start" if start.year < years[0] else "end"),
                    reason=Msg(
                        "with its {drain} drain days runs to {last}, outside calendar "
                        "{calendar}, which covers {first_year}-{last_year}",
                        drain=str(per.get("drain_days", 30)),
                        last=str(last),
                        calendar=calendar,
                        first_year=str(years[0]),
                        last_year=str(years[1]),
                    ),
                )
        for i, x in enumerate(d["arrivals"].get("dated", [])):
            lo, hi = date.fromisoformat(x["from"]), date.fromisoformat(x.get("to", x["from"]))
            if hi < lo:
                reason = Msg("ends ({end}) before it starts ({start})", end=str(hi), start=str(lo))
                self.add("SIM010", ("arrivals", "dated", i, "to"), reason=reason)
        arrivals = d["arrivals"]
        role(("arrivals", "intake"), arrivals["intake"])
        reporter_role = d.get("reporter", {}).get("role", "pelapor")
        if "reporter" in d and "role" in d["reporter"]:
            role(("reporter", "role"), reporter_role)
        mix = []
        for i, m in enumerate(arrivals["mix"]):
            p: PathKey = ("arrivals", "mix", i)
            data((*p, "data"), m.get("data", {}))
            for ev, values in m.get("events", {}).items():
                if ev not in events:
                    names = list(events)
                    self.add(
                        "SIM021",
                        (*p, "events", ev),
                        at_key=True,
                        name=ev,
                        known=", ".join(names),
                        suggestion=_suggest(ev, names),
                    )
                else:
                    data((*p, "events", ev), values, ev)
            mix.append(
                ClassMix(
                    m["class"],
                    float(m["weight"]),
                    m.get("category"),
                    m.get("data", {}),
                    m.get("events", {}),
                )
            )
        staff = []
        seen: set[tuple[str, str | None]] = set()
        for i, s in enumerate(d["staff"]):
            p = ("staff", i)
            role((*p, "role"), s["role"])
            key = (s["role"], s.get("unit"))
            unit: Any = Msg(" in unit {unit!r}", unit=key[1]) if key[1] else ""
            if key in seen:
                self.add("SIM027", p, role=key[0], unit=unit)
            seen.add(key)
            staff.append(
                StaffGroup(
                    s["role"], s.get("unit"), int(s["count"]), parse_hours(s.get("office_hours"))
                )
            )
        steps: dict[str, tuple[Option, ...]] = {}
        for state, options in d["steps"].items():
            sp: PathKey = ("steps", state)
            if state not in open_states:
                self.add(
                    "SIM022",
                    sp,
                    at_key=True,
                    name=state,
                    known=", ".join(open_states),
                    suggestion=_suggest(state, open_states),
                )
                continue
            leaving = sorted({t.event for t in sop.transitions if state in t.sources})
            built = []
            for i, o in enumerate(options):
                op = (*sp, i)
                ev, by = o["event"], o["by"]
                if ev not in events:
                    names = list(events)
                    self.add(
                        "SIM021",
                        (*op, "event"),
                        name=ev,
                        known=", ".join(names),
                        suggestion=_suggest(ev, names),
                    )
                    continue
                if ev not in leaving:
                    self.add(
                        "SIM023", (*op, "event"), event=ev, state=state, known=", ".join(leaving)
                    )
                actor_role = reporter_role if by == REPORTER else by
                if by != REPORTER:
                    role((*op, "by"), by)
                allowed = self.roles_for(state, ev)
                if actor_role in roles and allowed and actor_role not in allowed:
                    self.add(
                        "SIM024",
                        (*op, "by"),
                        role=actor_role,
                        event=ev,
                        known=", ".join(sorted(allowed)),
                    )
                timing = "delay" if by == REPORTER else "work"
                if timing not in o:
                    where = Msg("a reporter step") if by == REPORTER else Msg("a staff step")
                    self.add("SIM002", op, where=where, key=timing)
                fixed_unit = not o.get("unit", "").startswith("@")
                if (
                    by != REPORTER
                    and by in roles
                    and fixed_unit
                    and (by, o.get("unit")) not in seen
                ):
                    unit = Msg(" in unit {unit!r}", unit=o["unit"]) if o.get("unit") else ""
                    self.add("SIM025", (*op, "by"), role=by, unit=unit)
                if o.get("unit", "").startswith("@") and o["unit"][1:] not in fields:
                    name = o["unit"][1:]
                    self.add(
                        "SIM026",
                        (*op, "unit"),
                        name=name,
                        known=", ".join(fields),
                        suggestion=_suggest(name, fields),
                    )
                data((*op, "data"), o.get("data", {}), ev)
                work = self.dist((*op, "work"), o.get("work"))
                delay = self.dist((*op, "delay"), o.get("delay"))
                built.append(
                    Option(
                        ev,
                        by,
                        float(o.get("p", 1.0)),
                        o.get("unit"),
                        work,
                        delay,
                        o.get("data", {}),
                        op,
                    )
                )
            steps[state] = tuple(built)
        if self.findings:
            return None
        monthly = tuple(float(x) for x in arrivals.get("monthly", [1.0] * 12))
        dated = tuple(
            (
                date.fromisoformat(x["from"]),
                date.fromisoformat(x.get("to", x["from"])),
                float(x["factor"]),
            )
            for x in arrivals.get("dated", [])
        )
        return Scenario(
            id=d["scenario"]["id"],
            title=Text.from_raw(d["scenario"]["title"]),
            path=self.source.path,
            start=start,
            end=end,
            calendar=calendar,
            zone=per.get("zone"),
            office_hours=parse_hours(per.get("office_hours")),
            drain_days=int(per.get("drain_days", 30)),
            sweep_every=parse_duration(d.get("sweep_every", "30min")) or 1800.0,
            per_day=float(arrivals["per_day"]),
            days=arrivals.get("days", "working"),
            hours=arrivals.get("hours", "office"),
            monthly=monthly,
            dated=dated,
            intake=arrivals["intake"],
            mix=tuple(mix),
            staff=tuple(staff),
            reporter_role=reporter_role,
            steps=steps,
            raw=d,
        )

    def default_calendar(self) -> str:
        plan = self.sop.deadlines
        return plan.calendar.id if plan is not None else ALWAYS

    def roles_for(self, state: str, event: str) -> set[str]:
        return {r for t in self.sop.table.get(state, {}).get(event, ()) for r in t.roles}

    def dist(self, path: PathKey, raw: Any) -> Distribution | None:
        if raw is None:
            return None
        built = distribution(raw)
        if isinstance(built, str):
            self.add("SIM009", path, name=next(iter(raw)), reason=Msg(built))
            return None
        return built

    def generator(self, path: PathKey, value: Any) -> None:
        if not isinstance(value, dict):
            return
        if set(value) == {"pick"}:
            if not isinstance(value["pick"], dict) or not value["pick"]:
                self.add(
                    "SIM004",
                    (*path, "pick"),
                    expected=Msg("a mapping of values to weights"),
                    found=_kind(value["pick"]),
                )
                return
            for k, w in value["pick"].items():
                if not isinstance(w, int | float) or isinstance(w, bool) or w < 0:
                    self.add(
                        "SIM005",
                        (*path, "pick", k),
                        value=w,
                        rule=Msg("a weight must be a number >= 0"),
                    )
        elif set(value) in ({"p", "value"}, {"p", "value", "else"}):
            p = value["p"]
            if not isinstance(p, int | float) or isinstance(p, bool) or not 0 <= p <= 1:
                self.add("SIM005", (*path, "p"), value=p, rule=Msg("must be between 0 and 1"))
        else:
            self.add(
                "SIM004",
                path,
                expected=Msg(
                    "a plain value, {{pick: {{VALUE: WEIGHT}}}} or {{p: P, value: V, else: W}}"
                ),
                found=_kind(value),
            )


_ZONES = "Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura"


def _known_zone(name: str) -> bool:
    """Whether ``name`` is a time zone of the IANA database (as the calendars read it)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def load_scenario(
    path: str | Path,
    sop: CompiledSop,
    known_calendars: Sequence[str],
    text: str | bytes | None = None,
    calendar_years: Callable[[str], tuple[int, int] | None] | None = None,
) -> Scenario | list[Problem]:
    """Read and check a scenario for ``sop``; the scenario, or every problem found in it.

    ``calendar_years`` gives the first and last year a calendar covers, so a period (with its
    drain days) outside it is a finding rather than an error in the middle of the run.
    """
    source = read_source(path, text)
    if not isinstance(source, Source):
        # The shared reader words a document that is not a mapping for SOP files: say it our way.
        # Its "found" is passed on as it is (a message, rendered in the reader's language): it
        # was re-wrapped as Msg(str(...)), a template made of the file's own text, so a document
        # such as "z{" raised ValueError while formatting (issue 18 fuzzing)
        return [
            ScenarioFinding("SIM001", f.path, f.line, f.column, {"found": f.args.get("found", "?")})
            if f.code == "SOP006"
            else f
            for f in source
        ]
    if not isinstance(source.data, dict) or "scenario" not in source.data:
        found = (
            Msg("a mapping without 'scenario'")
            if isinstance(source.data, dict)
            else _kind(source.data)
        )
        return [ScenarioFinding("SIM001", source.path, 1, 1, {"found": found})]
    checker = _Checker(source, sop, known_calendars, calendar_years)
    checker.shape()
    if checker.findings:
        return list(checker.findings)
    scenario = checker.meaning()
    return scenario if scenario is not None else list(checker.findings)


def office_time(seconds: float) -> time:
    """Seconds after midnight as a time of day (24:00 is the end of the day)."""
    s = min(int(seconds), 86399)
    return time(s // 3600, s % 3600 // 60, s % 60)
