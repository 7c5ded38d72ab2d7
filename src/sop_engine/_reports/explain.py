"""A case explained: its timeline in the agency's local time, and each deadline with why it
falls on that date.

For every clock: the instant it started counting, the counting rule (the calendar's: N working
days after the start day, which never counts; the end of office hours of the last day), every
day skipped between the start day and the due day (weekends, each national holiday and cuti
bersama by name and the decree behind it), the pauses (from the trail: entering and leaving a
pause state, and the working days each cost), the extensions (``@extend`` events with their
reason), the calendar version that computed the due instant, and the outcome
(:func:`~sop_engine._reports.clocks.outcome`). All case content comes through
``engine.view`` for the given viewer, so it is redacted exactly as the engine redacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar, day_off_kind, day_off_source
from sop_engine._core.i18n import format_date, format_datetime
from sop_engine._core.protocol import SystemEvent, system_event_words
from sop_engine._core.records import Actor, AuditEvent, Deadline
from sop_engine._core.text import Lang
from sop_engine._engine import Engine
from sop_engine._features.deadlines import ClockSpec
from sop_engine._persistence.codec import actor_to_json
from sop_engine._reports.clocks import outcome
from sop_engine._reports.texts import t

__all__ = ["CaseExplained", "DeadlineExplained", "SkippedDay", "explain_case"]


@attrs.frozen(slots=True)
class SkippedDay:
    """A day between the start day and the due day that did not count, and why."""

    day: date
    kind: str
    """``weekend``, ``national``, ``cuti_bersama``, ``cuti_daerah`` or ``closure``."""
    name: str
    source: str = ""


@attrs.frozen(slots=True)
class Pause:
    start: datetime
    end: datetime | None
    cost: float
    """What the pause added to the duration (in the clock's unit); 0 while it lasts."""


@attrs.frozen(slots=True)
class DeadlineExplained:
    """One clock of a case, with every reason behind its due instant."""

    name: str
    label: str
    status: str
    status_text: str
    start: datetime
    amount: float
    base: float
    """The duration the SOP gives (``amount`` minus what pauses and extensions added)."""
    unit: str
    rule: str
    due_at: datetime | None
    ended_at: datetime | None
    skipped: tuple[SkippedDay, ...]
    pauses: tuple[Pause, ...]
    extensions: tuple[dict[str, Any], ...]
    calendar_id: str
    calendar_version: str
    current_calendar_version: str
    fired: tuple[str, ...]
    arming: int


@attrs.frozen(slots=True)
class CaseExplained:
    """A case as one viewer may see it, with its deadlines explained."""

    case_id: str
    sop_id: str
    sop_version: str
    state: str
    state_label: str
    zone: str
    data: dict[str, Any]
    withheld: tuple[str, ...]
    timeline: tuple[dict[str, Any], ...]
    deadlines: tuple[DeadlineExplained, ...]
    ethics: tuple[dict[str, Any], ...]


def _pauses(
    clock: ClockSpec, d: Deadline, history: Sequence[AuditEvent], calendar: WorkingCalendar
) -> list[Pause]:
    out: list[Pause] = []
    start: datetime | None = None
    for e in history:
        if e.at < d.anchor or e.source == e.target:
            continue
        if start is None and e.target in clock.pause:
            start = e.at
        elif start is not None and e.target not in clock.pause:
            cost = calendar.paused_units(start, e.at, d.unit)  # type: ignore[arg-type]
            out.append(Pause(start, e.at, cost))
            start = None
    if start is not None:
        out.append(Pause(start, None, 0.0))
    return out


def _skipped(calendar: WorkingCalendar, d: Deadline) -> list[SkippedDay]:
    """Days after the start day up to the due day that were not working days."""
    if d.due_at is None or d.unit == "days":
        return []
    first = calendar.local_date(d.anchor) + timedelta(days=1)
    last = d.due_at.astimezone(ZoneInfo(calendar.zone)).date()
    out = []
    day = first
    while day <= last:
        if not calendar.is_working_day(day):
            off = calendar.days_off.get(day)
            if off is not None:
                out.append(SkippedDay(day, off.kind, off.name, off.source))
            else:
                out.append(SkippedDay(day, "weekend", day.strftime("%A")))
        day += timedelta(days=1)
    return out


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def explain_deadline(
    sop: CompiledSop,
    calendar: WorkingCalendar,
    d: Deadline,
    history: Sequence[AuditEvent],
    now: datetime,
    lang: Lang,
) -> DeadlineExplained:
    plan = sop.deadlines
    clock = plan.clock(d.name) if plan is not None else None
    pauses = _pauses(clock, d, history, calendar) if clock is not None else []
    extensions = tuple(
        {k: e.payload.get(k) for k in ("amount", "unit", "reason", "due_before", "due_after")}
        | {"at": e.at.isoformat(), "by": actor_to_json(e.actor)}
        for e in history
        if e.event == SystemEvent.EXTEND and e.payload.get("deadline") == d.name
    )
    base = d.amount - d.extended_by - sum(p.cost for p in pauses)
    result = outcome(sop, d, history, now)
    rule = t(f"explain.rule.{d.unit}", lang).format(n=_number(d.amount))
    return DeadlineExplained(
        name=d.name,
        label=clock.label.get(lang) if clock is not None else d.name,
        status=result.status,
        status_text=t(f"status.{result.status}", lang),
        start=d.anchor,
        amount=d.amount,
        base=base,
        unit=d.unit,
        rule=rule,
        due_at=d.due_at,
        ended_at=result.ended_at,
        skipped=tuple(_skipped(calendar, d)),
        pauses=tuple(pauses),
        extensions=extensions,
        calendar_id=calendar.id,
        calendar_version=d.calendar_version,
        current_calendar_version=calendar.version,
        fired=d.fired,
        arming=d.arming,
    )


def explain_case(
    engine: Engine, case_id: str, viewer: Actor | None, now: datetime, lang: Lang = "id"
) -> CaseExplained:
    """The case as ``viewer`` may see it (``None``: the outward view), deadlines explained."""
    v = engine.view(case_id, viewer)
    case = v.case
    sop = engine.sop(case.sop_hash)
    calendar = engine.calendar(sop)
    zone = ZoneInfo(calendar.zone)
    timeline = tuple(
        {
            "seq": e.seq,
            "at": e.at.astimezone(zone).isoformat(),
            "event": str(e.event),
            "label": _event_label(sop, str(e.event), lang),
            "from": e.source,
            "to": e.target,
            "actor": actor_to_json(e.actor),
            "payload": dict(e.payload),
        }
        for e in v.history
    )
    ethics = tuple(
        {
            "seq": e.seq,
            "at": e.at.astimezone(zone).isoformat(),
            "event": str(e.payload.get("event", e.event))
            if e.event == SystemEvent.ETHICS
            else str(e.event),
            "actor": actor_to_json(e.actor),
            "rule": b.rule,
            "check": b.check,
            "severity": b.severity,
            "reason": b.reason.get(lang),
            "types": list(b.types),
        }
        for e in v.history
        for b in e.breaches
    )
    return CaseExplained(
        case_id=case.id,
        sop_id=sop.id,
        sop_version=sop.definition.meta.version,
        state=case.state,
        state_label=sop.definition.state(case.state).label.get(lang),
        zone=calendar.zone,
        data=dict(case.data),
        withheld=tuple(sorted(v.withheld)),
        timeline=timeline,
        deadlines=tuple(
            explain_deadline(sop, calendar, d, v.history, now, lang) for d in case.deadlines
        ),
        ethics=ethics,
    )


def _event_label(sop: CompiledSop, event: str, lang: Lang) -> str:
    if event.startswith("@"):
        return system_event_words(event, lang)
    try:
        return sop.definition.event(event).label.get(lang)
    except StopIteration:
        return event


def to_json(x: CaseExplained) -> dict[str, Any]:
    """JSON-ready form (instants as ISO text in the agency's zone)."""
    zone = ZoneInfo(x.zone)

    def local(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(zone).isoformat()

    out = attrs.asdict(x, recurse=False)
    out["deadlines"] = [
        {
            **{
                k: v
                for k, v in attrs.asdict(d, recurse=False).items()
                if k not in ("skipped", "pauses")
            },
            "start": local(d.start),
            "due_at": local(d.due_at),
            "ended_at": local(d.ended_at),
            "skipped": [
                {"day": s.day.isoformat(), "kind": s.kind, "name": s.name, "source": s.source}
                for s in d.skipped
            ],
            "pauses": [
                {"start": local(p.start), "end": local(p.end), "cost": p.cost} for p in d.pauses
            ],
            "extensions": list(d.extensions),
            "fired": list(d.fired),
        }
        for d in x.deadlines
    ]
    out["timeline"] = list(x.timeline)
    out["ethics"] = list(x.ethics)
    out["withheld"] = list(x.withheld)
    return out


def render_text(out: Any, x: CaseExplained, lang: Lang) -> None:
    """Print the case for a person (a rich console): header, deadlines explained, timeline."""
    zone = ZoneInfo(x.zone)

    def local(at: datetime | str | None) -> str:
        """``Jumat, 6 Maret 2026 16.00 WIB`` in the reader's language (Babel), in the zone."""
        if at is None:
            return "-"
        instant = datetime.fromisoformat(at) if isinstance(at, str) else at
        return format_datetime(instant.astimezone(zone), lang)

    p = out.print
    p(f"[bold]{x.case_id}[/bold]  {x.sop_id} {x.sop_version}  ({x.zone})")
    p(f"{t('state', lang)}: {x.state_label} ({x.state})")
    if x.withheld:
        p(f"{t('withheld', lang)}: {', '.join(x.withheld)}", markup=False)
    p(f"\n[bold]{t('deadlines', lang)}[/bold]")
    for d in x.deadlines:
        p(f"\n  [bold]{d.label}[/bold] ({d.name}): {d.status_text}", markup=True)
        p(f"    {t('explain.start', lang)}: {local(d.start)}", markup=False)
        p(f"    {t('explain.rule', lang)}: {d.rule}", markup=False)
        if d.skipped:
            p(f"    {t('explain.skipped', lang)}:", markup=False)
            for s in d.skipped:
                weekday = format_date(s.day, lang).partition(",")[0]  # Sabtu / Saturday
                name = (
                    t("explain.weekend", lang) + f" ({weekday})" if s.kind == "weekend" else s.name
                )
                src = f" — {day_off_source(s.source, lang)}" if s.source else ""
                kind = "" if s.kind == "weekend" else f" [{day_off_kind(s.kind, lang)}]"
                p(f"      {format_date(s.day, lang)}: {name}{kind}{src}", markup=False)
        for pause in d.pauses:
            p(
                f"    {t('explain.pause', lang)}: {local(pause.start)} → {local(pause.end)}"
                f" (+{_number(pause.cost)} {t(d.unit, lang)})",
                markup=False,
            )
        for ext in d.extensions:
            p(
                f"    {t('explain.extension', lang)}: +{ext['amount']} {t(str(ext['unit']), lang)}"
                f" — {ext['reason']} ({ext['by']['id']}, {local(str(ext['at']))})",
                markup=False,
            )
        p(
            f"    {t('explain.calendar', lang)}: {d.calendar_id} {d.calendar_version}"
            + (
                ""
                if d.calendar_version == d.current_calendar_version
                else f" (≠ {d.current_calendar_version})"
            ),
            markup=False,
        )
        p(f"    {t('explain.due', lang)}: {local(d.due_at)}", markup=False)
        if d.ended_at is not None:
            p(f"    {t('explain.met_at', lang)}: {local(d.ended_at)}", markup=False)
        if d.fired:
            p(f"    {t('explain.fired', lang)}: {', '.join(d.fired)}", markup=False)
    p(f"\n[bold]{t('timeline', lang)}[/bold]")
    for e in x.timeline:
        actor = e["actor"]
        same = e["from"] in (None, e["to"])  # a case's opening has no state before it
        move = e["to"] if same else f"{e['from']} → {e['to']}"
        p(
            f"  {e['seq']:>3} {local(e['at'])}  {e['label']}  "
            f"({actor['id']}, {actor['role']})  {move}",
            markup=False,
        )
    if x.ethics:
        p(f"\n[bold]{t('ethics', lang)}[/bold]")
        for b in x.ethics:
            p(
                f"  {b['seq']:>3} {local(b['at'])}  {b['rule']} ({b['severity']})"
                f"  {b['event']}: {b['reason']}",
                markup=False,
            )
