"""The JSON bodies of the desk's API (attrs classes: Litestar validates them and builds the
OpenAPI document from them), and how cases become them.

Nothing here decides who sees what: callers pass what :mod:`sop_engine.server.access` let them
read (a redacted :class:`~sop_engine.CaseView`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from sop_engine import (
    AuditEvent,
    AvailableEvent,
    Case,
    CaseView,
    CompiledSop,
    Deadline,
    Engine,
    Text,
    Violation,
)
from sop_engine.server.settings import DeskSettings

__all__ = [
    "AvailableOut",
    "CaseOut",
    "ComplaintIn",
    "DeadlineOut",
    "DeclareIn",
    "EventOut",
    "ExtendIn",
    "FieldOut",
    "Filed",
    "FireIn",
    "Label",
    "MessageIn",
    "QueueItem",
    "ReporterView",
    "ResponseOut",
    "Step",
    "ViolationOut",
]


@attrs.define
class ComplaintIn:
    """A complaint from the public: case data as the SOP's fields name it."""

    data: dict[str, Any]
    sop: str | None = None
    anonymous: bool = False


@attrs.define
class MessageIn:
    """A message from an intake channel's gateway (an SMS to 1708: its text, sender number
    and the gateway's message id, which makes a retried delivery open one case)."""

    text: str
    sender: str
    message_id: str


@attrs.define
class Label:
    id: str
    en: str


@attrs.define
class Filed:
    tracking_id: str
    state: str
    state_label: Label


@attrs.define
class Step:
    at: datetime
    state: str
    label: Label


@attrs.define
class ResponseOut:
    at: datetime
    text: str


@attrs.define
class ReporterView:
    """What anyone holding the tracking ID sees: no names, no officers, no internal notes."""

    tracking_id: str
    sop: str
    state: str
    state_label: Label
    final: bool
    filed_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    timeline: list[Step]
    responses: list[ResponseOut]


@attrs.define
class FireIn:
    data: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class ExtendIn:
    amount: float
    reason: str


@attrs.define
class DeclareIn:
    conflict: bool
    relation: str = ""
    note: str = ""


@attrs.define
class FieldOut:
    name: str
    type: str
    required: bool
    label: Label
    values: list[str]


@attrs.define
class AvailableOut:
    event: str
    label: Label
    data: list[FieldOut]


@attrs.define
class DeadlineOut:
    name: str
    label: Label
    status: str
    due_at: datetime | None
    working_days_left: int | None
    level: int
    extensions: int


@attrs.define
class EventOut:
    seq: int
    at: datetime
    event: str
    source: str | None
    target: str | None
    actor: str
    role: str
    payload: dict[str, Any]


@attrs.define
class CaseOut:
    id: str
    sop: str
    sop_version: str
    state: str
    state_label: Label
    version: int
    data: dict[str, Any]
    withheld: list[str]
    deadlines: list[DeadlineOut]
    timeline: list[EventOut]
    available: list[AvailableOut]


@attrs.define
class QueueItem:
    id: str
    sop: str
    state: str
    state_label: Label
    title: str
    unit: str | None
    due_at: datetime | None
    working_days_left: int | None
    colour: str
    """``red`` overdue, ``amber`` at most one working day left, ``green`` otherwise."""


@attrs.define
class ViolationOut:
    case_id: str
    seq: int
    at: datetime
    officer: str
    role: str
    unit: str | None
    event: str
    rule: str
    severity: str
    reason: str


def label(text: Text | None, fallback: str = "") -> Label:
    if text is None:
        return Label(fallback, fallback)
    return Label(text.id, text.en or text.id)


def state_label(sop: CompiledSop, state: str) -> Label:
    for s in sop.definition.states:
        if s.name == state:
            return label(s.label, state)
    return Label(state, state)


def json_value(value: Any) -> Any:
    """Case data as plain JSON (the engine's read-only mappings and tuples made plain)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def working_days_left(engine: Engine, sop: CompiledSop, due: datetime | None) -> int | None:
    """Working days from today to the due day (negative when overdue); None off the calendar."""
    if due is None:
        return None
    cal = engine.calendar(sop)
    now = engine.clock.now()
    try:
        today, day = cal.local_date(now), cal.local_date(due)
        if due < now:
            return -max(cal.working_days_between(day, today), 1 if today > day else 0)
        return cal.working_days_between(today, day)
    except ValueError:
        return None


def colour(days: int | None, due: datetime | None, now: datetime) -> str:
    if due is not None and due < now:
        return "red"
    if days is not None and days <= 1:
        return "amber"
    return "green"


def next_due(case: Case) -> datetime | None:
    """The earliest running deadline of a case (what the reporter may expect)."""
    dues = [d.due_at for d in case.deadlines if d.status == "running" and d.due_at is not None]
    return min(dues) if dues else None


def _clock_label(sop: CompiledSop, d: Deadline) -> Label:
    for clock in getattr(sop.deadlines, "clocks", ()):
        if getattr(clock, "name", None) == d.name:
            text = getattr(clock, "label", None)
            return label(text if isinstance(text, Text) else None, d.name)
    return Label(d.name, d.name)


def deadline_out(engine: Engine, sop: CompiledSop, d: Deadline) -> DeadlineOut:
    return DeadlineOut(
        name=d.name,
        label=_clock_label(sop, d),
        status=d.status,
        due_at=d.due_at,
        working_days_left=working_days_left(engine, sop, d.due_at)
        if d.status == "running"
        else None,
        level=d.level,
        extensions=d.extensions,
    )


def event_out(e: AuditEvent) -> EventOut:
    return EventOut(
        seq=e.seq,
        at=e.at,
        event=str(e.event),
        source=e.source,
        target=e.target,
        actor=e.actor.id,
        role=e.actor.role,
        payload=json_value(e.payload),
    )


def available_out(a: AvailableEvent) -> AvailableOut:
    return AvailableOut(
        event=a.event,
        label=label(a.label, a.event),
        data=[
            FieldOut(f.name, str(f.type), f.required, label(f.label, f.name), list(f.values))
            for f in a.data
        ],
    )


def case_out(engine: Engine, view: CaseView, available: list[AvailableEvent]) -> CaseOut:
    case = view.case
    sop = engine.sop(case.sop_hash)
    return CaseOut(
        id=case.id,
        sop=sop.id,
        sop_version=sop.definition.meta.version,
        state=case.state,
        state_label=state_label(sop, case.state),
        version=case.version,
        data=json_value(case.data),
        withheld=sorted(view.withheld),
        deadlines=[deadline_out(engine, sop, d) for d in case.deadlines],
        timeline=[event_out(e) for e in view.history],
        available=[available_out(a) for a in available],
    )


def queue_item(engine: Engine, settings: DeskSettings, case: Case) -> QueueItem:
    sop = engine.sop(case.sop_hash)
    due = next_due(case)
    days = working_days_left(engine, sop, due)
    unit = case.data.get(settings.unit_field)
    return QueueItem(
        id=case.id,
        sop=sop.id,
        state=case.state,
        state_label=state_label(sop, case.state),
        title=str(case.data.get(settings.title_field, "")),
        unit=None if unit is None else str(unit),
        due_at=due,
        working_days_left=days,
        colour=colour(days, due, engine.clock.now()),
    )


def reporter_view(engine: Engine, settings: DeskSettings, view: CaseView) -> ReporterView:
    """The reporter's page: state changes (no actors), published responses, expected date.

    ``view`` is the outward view, so the response of a ``rahasia`` case reads as withheld.
    """
    case = view.case
    sop = engine.sop(case.sop_hash)
    steps: list[Step] = []
    responses: list[ResponseOut] = []
    latest: Any = None
    for e in view.history:
        if settings.response_field in e.payload:
            latest = e.payload[settings.response_field]
        if e.target is None or (e.source == e.target and e.seq > 1):
            continue
        steps.append(Step(e.at, e.target, state_label(sop, e.target)))
        entering = e.target in settings.response_states and e.source not in settings.response_states
        if entering and latest not in (None, ""):
            responses.append(ResponseOut(e.at, str(latest)))
    history = view.history
    return ReporterView(
        tracking_id=case.id,
        sop=sop.id,
        state=case.state,
        state_label=state_label(sop, case.state),
        final=case.state in sop.finals,
        filed_at=history[0].at if history else engine.clock.now(),
        updated_at=history[-1].at if history else engine.clock.now(),
        expected_at=next_due(case),
        timeline=steps,
        responses=responses,
    )


def violation_out(v: Violation) -> ViolationOut:
    return ViolationOut(
        case_id=v.case_id,
        seq=v.seq,
        at=v.at,
        officer=v.officer.id,
        role=v.officer.role,
        unit=v.officer.unit,
        event=v.event,
        rule=v.breach.rule,
        severity=v.breach.severity,
        reason=str(v.breach.reason),
    )
