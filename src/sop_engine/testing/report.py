"""Reading an exploration: the counterexample as a numbered scenario, coverage as a table.

Written for policy staff, not programmers: dates in the agency's time zone with the day's name,
the weekends and holidays a step crosses, who did what in which role and unit, and which rule
broke — in Bahasa Indonesia or English.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.table import Table

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.i18n import N_, gettext, render
from sop_engine._core.records import Actor
from sop_engine._core.text import Lang
from sop_engine.testing.coverage import Coverage
from sop_engine.testing.world import InvariantViolated, Outcome

__all__ = ["coverage_table", "scenario_text"]

_WORDS = {
    "opens": N_("opens case"),
    "on": N_("on case"),
    "refused": N_("REFUSED"),
    "time": N_("time moves to"),
    "crossing": N_("crossing"),
    "sweep": N_("deadline sweep"),
    "nothing": N_("nothing due"),
    "broken": N_("INVARIANT BROKEN"),
    "case": N_("case"),
    "level": N_("level"),
    "unit": N_("unit"),
    "data": N_("data"),
}
"""The scenario's words by key (message ids); :func:`_words` says them in a language."""


def _words(lang: Lang) -> dict[str, str]:
    return {key: gettext(message, lang) for key, message in _WORDS.items()}


def _day(day: date, lang: Lang) -> str:
    """The day's name (``Senin``, ``Monday``), from Babel's locale data."""
    from babel.dates import get_day_names

    return str(get_day_names("wide", locale=lang)[day.weekday()])


def _zone(sop: CompiledSop) -> ZoneInfo:
    plan = sop.deadlines
    return ZoneInfo(plan.calendar.zone if plan is not None else "UTC")


def _when(at: datetime, tz: ZoneInfo, lang: Lang) -> str:
    local = at.astimezone(tz)
    return f"{_day(local.date(), lang)} {local:%d-%m-%Y %H:%M} {local.tzname()}"


def _actor(actor: Actor | None, lang: Lang) -> str:
    if actor is None:
        return "-"
    unit = f", {gettext(_WORDS['unit'], lang)} {actor.unit}" if actor.unit else ""
    return f"{actor.id} ({actor.role}{unit})"


def _data(data: Any) -> str:
    return json.dumps(dict(data), ensure_ascii=False, sort_keys=True) if data else ""


def _days_off(calendar: WorkingCalendar | None, a: datetime, b: datetime, lang: Lang) -> str:
    if calendar is None:
        return ""
    tz = calendar._tz
    first, last = a.astimezone(tz).date(), b.astimezone(tz).date()
    names: list[str] = []
    day: date = first + timedelta(days=1)
    while day <= last and len(names) < 12:
        if not calendar.is_working_day(day):
            off = calendar.days_off.get(day)
            label = off.name if off is not None else _day(day, lang)
            names.append(f"{label} {day:%d-%m}")
        day += timedelta(days=1)
    crossing = gettext(_WORDS["crossing"], lang)
    return f" ({crossing} {', '.join(names)})" if names else ""


def _line(o: Outcome, sop: CompiledSop, calendar: WorkingCalendar | None, lang: Lang) -> str:
    w = _words(lang)
    tz = _zone(sop)
    s = o.step
    when = _when(o.at, tz, lang)
    if s.kind == "start":
        text = f"{when} — {_actor(s.actor, lang)} {w['opens']} {s.case or '?'} {_data(s.data)}"
        return text + (f" → {o.target}" if o.accepted else f" — {w['refused']}: {o.refusal}")
    if s.kind == "fire":
        spec = sop.events.get(s.event)
        label = f"{spec.label.get(lang)} [{s.event}]" if spec else repr(s.event)
        head = f"{when} — {_actor(s.actor, lang)}: {label} {w['on']} {s.case}"
        head += f" {_data(s.data)}" if s.data else ""
        if o.accepted:
            return f"{head}: {o.source} → {o.target}"
        return f"{head} — {w['refused']} ({o.source}): {o.refusal}"
    if s.kind == "advance":
        assert s.to is not None
        return f"{w['time']} {_when(s.to, tz, lang)}{_days_off(calendar, o.at, s.to, lang)}"
    parts = []
    for e in o.fired:
        if e.event.startswith("@"):
            p = e.payload
            item = f"{e.event} {p['deadline']}"
            if "level" in p:
                item += f" {w['level']} {p['level']}"
            parts.append(f"{item} ({e.case_id})")
        else:
            parts.append(f"{e.event} {e.case_id}: {e.source} → {e.target}")
    return f"{when} — {w['sweep']}: {', '.join(parts) if parts else w['nothing']}"


def scenario_text(
    failure: InvariantViolated,
    sop: CompiledSop,
    calendar: WorkingCalendar | None = None,
    lang: Lang = "id",
) -> str:
    """The failing run as numbered lines, ending with the invariant that broke and why."""
    lines = [f"{k:>3}. {_line(o, sop, calendar, lang)}" for k, o in enumerate(failure.log, start=1)]
    w = _words(lang)
    lines.append(
        f"  ✗ {w['broken']}: {failure.title.get(lang)} [{failure.invariant}] — "
        f"{w['case']} {failure.case_id}: {render(failure.detail, lang)}"
    )
    return "\n".join(lines)


def coverage_table(coverage: Coverage, lang: Lang = "id") -> Table:
    """A rich table: per kind of item, how many were exercised, the share, what was missed."""
    table = Table(title=gettext("Test coverage", lang))
    table.add_column(gettext("part", lang))
    table.add_column(gettext("exercised", lang), justify="right")
    table.add_column("%", justify="right")
    table.add_column(gettext("not exercised", lang), overflow="fold")
    for row in coverage.rows():
        if not row.total:
            continue
        style = "green" if row.ratio == 1 else "yellow"
        table.add_row(
            row.label.get(lang),
            f"{row.hit}/{row.total}",
            f"{row.ratio:.0%}",
            ", ".join(row.missing[:8]) + (" …" if len(row.missing) > 8 else ""),
            style=style,
        )
    table.add_row("total", "", f"{coverage.ratio:.0%}", "", style="bold")
    return table
