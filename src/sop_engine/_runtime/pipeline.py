"""Deciding a command: route → validate → choose → apply → judge → advance.

Each step is a small function of values; :func:`decide` chains them into a
:class:`~sop_engine._runtime.decision.Decision` and never writes anything. A step that refuses
raises a typed :class:`~sop_engine._core.errors.CommandRefused`, so a refused command provably
changed nothing. :func:`dry_run` runs the same first three steps for
:meth:`~sop_engine.Engine.available`, so what an officer's screen offers is exactly what
:func:`decide` would accept, by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from sop_engine._compile.compiled import CompiledEvent, CompiledSop, CompiledTransition
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.errors import (
    EthicsViolation,
    EventNotAllowed,
    ExtensionFailed,
    GuardRejected,
    InvalidEventData,
    RoleNotPermitted,
    UnknownEvent,
)
from sop_engine._core.frozen import frozen_dict
from sop_engine._core.i18n import Msg
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import (
    SEALED_ACTOR,
    Actor,
    AuditEvent,
    Breach,
    Case,
    Deadline,
    Notification,
    Timer,
)
from sop_engine._core.text import Text
from sop_engine._features.deadlines import REARMED, advance, reevaluate
from sop_engine._features.ethics import Outcome
from sop_engine._persistence.store import CommandRecord
from sop_engine._runtime.decision import Decision, Write, audit
from sop_engine._runtime.notices import breach_notifications, secrets
from sop_engine._spec.specs import ActionContext

__all__ = ["Choice", "decide", "decide_start", "dry_run"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Choice(NamedTuple):
    """The transition a command takes, and the guards refused on the way to it.

    (A named tuple: one is built per command, and a tuple costs a third of a frozen record.)
    """

    transition: CompiledTransition
    refused: tuple[tuple[str, Text], ...] = ()

    @property
    def guards(self) -> tuple[tuple[str, bool], ...]:
        """Every guard evaluated, with its result, for the audit event."""
        t = self.transition
        if not self.refused:
            return t.passed
        return tuple((name, False) for name, _ in self.refused) + t.passed


def route(
    sop: CompiledSop, case: Case, event: str
) -> tuple[CompiledEvent, tuple[CompiledTransition, ...]]:
    """The event's spec and its alternatives from the case's state, or the refusal."""
    options = sop.table[case.state].get(event)
    if options is None:
        possible = sop.events_from(case.state)
        kind = UnknownEvent if event not in sop.events else EventNotAllowed
        raise kind(case_id=case.id, state=case.state, event=event, available=possible)
    return sop.events[event], options


def validate(
    spec: CompiledEvent, case: Case, payload: Mapping[str, Any] | None
) -> Mapping[str, Any]:
    """The carried data, checked and normalised (read-only), or :class:`InvalidEventData`."""
    if payload:
        clean, problems = spec.check(payload)
        if problems:
            raise InvalidEventData(
                case_id=case.id, state=case.state, event=spec.name, problems=problems
            )
        return frozen_dict(clean)
    if spec.required:
        raise InvalidEventData(
            case_id=case.id,
            state=case.state,
            event=spec.name,
            problems=[Msg("{key!r} is required", key=n) for n in spec.required],
        )
    return _EMPTY


def choose(
    options: Sequence[CompiledTransition], case: Case, actor: Actor, payload: Mapping[str, Any]
) -> Choice:
    """The first alternative (in file order) whose role check and guards pass, or the refusal."""
    role = actor.role
    refused: list[tuple[str, Text]] = []
    for t in options:
        if role not in t.roles:
            continue
        for name, guard in t.guards:
            try:
                reason = guard(case, actor, payload)
            except Exception as e:
                raise ExtensionFailed(
                    kind="guard", name=name, case_id=case.id, event=t.event, error=e
                ) from e
            if reason is not None:
                refused.append((name, reason))
                break
        else:
            return Choice(t, tuple(refused))
    event = options[0].event
    if not refused:
        allowed = sorted({r for t in options for r in t.roles})
        raise RoleNotPermitted(
            case_id=case.id, state=case.state, event=event, role=role, allowed=allowed
        )
    raise GuardRejected(case_id=case.id, state=case.state, event=event, reasons=refused)


def apply(
    spec: CompiledEvent,
    t: CompiledTransition,
    case: Case,
    actor: Actor,
    payload: Mapping[str, Any],
    now: datetime,
) -> Mapping[str, Any]:
    """The case data after the event: carried fields written, then actions run on a copy."""
    if not (spec.writes or t.actions):
        return case.data
    data = dict(case.data)
    for name in spec.writes:
        if name in payload:
            data[name] = payload[name]
    if t.actions:
        ctx = ActionContext(case, actor, payload, now)
        for name, action in t.actions:
            try:
                action(data, ctx)
            except Exception as e:
                raise ExtensionFailed(
                    kind="action", name=name, case_id=case.id, event=t.event, error=e
                ) from e
    return frozen_dict(data)


def deadlines_after(
    sop: CompiledSop,
    calendar: WorkingCalendar | None,
    *,
    case_id: str,
    deadlines: Sequence[Deadline],
    old_state: str | None,
    new_state: str,
    event: str | None,
    data: Mapping[str, Any],
    now: datetime,
) -> tuple[tuple[Deadline, ...], Sequence[Timer]]:
    """Clocks started, paused, resumed or met by entering ``new_state``, and their new timers."""
    if sop.deadlines is None or calendar is None:
        return (), ()
    return advance(
        sop.deadlines,
        deadlines=deadlines,
        old_state=old_state,
        new_state=new_state,
        event=event,
        data=data,
        now=now,
        calendar=calendar,
        final=new_state in sop.finals,
        case_id=case_id,
    )


def decide_start(
    sop: CompiledSop,
    calendar: WorkingCalendar | None,
    *,
    case_id: str,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    command_id: str | None,
    asked: Mapping[str, Any],
) -> Decision:
    """Opening a case with already checked ``data`` (``asked`` is what the caller sent)."""
    clean = frozen_dict(data)
    deadlines, timers = deadlines_after(
        sop,
        calendar,
        case_id=case_id,
        deadlines=(),
        old_state=None,
        new_state=sop.initial,
        event=None,
        data=clean,
        now=now,
    )
    case = Case(case_id, sop.id, sop.hash, sop.initial, clean, 1, deadlines, (), sop.sealed)
    # the snapshot and the first event share one read-only mapping
    # sorted, as every store gives them back ("@actor" sorts first)
    personal = _shared(
        _actor_sealed(sop, actor) + tuple(sorted(k for k in clean if k in sop.sealed))
    )
    event = audit(None, case, now, actor, SystemEvent.START, clean, (), command_id, personal)
    record = None
    if command_id is not None:
        record = CommandRecord(command_id, case_id, SystemEvent.START, actor, asked, case)
    return Decision(case=case, event=event, write=Write.INSERT, timers=timers, command=record)


def decide(
    sop: CompiledSop,
    calendar: WorkingCalendar | None,
    case: Case,
    event: str,
    actor: Actor,
    payload: Mapping[str, Any] | None,
    *,
    now: datetime,
    history: Callable[[], Sequence[AuditEvent]],
    command_id: str | None = None,
    done: Sequence[Timer] = (),
) -> Decision:
    """What firing ``event`` on ``case`` as ``actor`` writes, or the typed refusal.

    A command a code-of-ethics ``block`` rule refuses is decided too: the decision records the
    attempt (the case keeps its state, data and deadlines) and carries the error to raise after
    it is written.
    """
    spec, options = route(sop, case, event)
    clean = validate(spec, case, payload)
    transition, refused = choice = choose(options, case, actor, clean)
    dest = transition.dest
    data = apply(spec, transition, case, actor, clean, now)
    version = case.version + 1
    breaches: tuple[Breach, ...] = ()
    notes: list[Notification] = []
    if sop.ethics is not None:
        outcome = sop.ethics.judge(
            case=case,
            actor=actor,
            event=event,
            payload=clean,
            data=data,
            target=dest,
            now=now,
            history=history,
        )
        if outcome.blocked is not None:
            return _blocked(sop, case, actor, event, clean, outcome, now, done)
        if outcome.breaches:
            breaches = outcome.breaches
            notes = breach_notifications(
                case.id, version, actor, event, outcome.notify, now, secrets(sop, data)
            )
    timers: Sequence[Timer] = ()
    deadlines: tuple[Deadline, ...] = ()
    recorded: Mapping[str, Any] = clean
    if sop.deadlines is not None and calendar is not None:  # deadlines_after, inlined
        deadlines, timers = advance(
            sop.deadlines,
            deadlines=case.deadlines,
            old_state=case.state,
            new_state=dest,
            event=event,
            data=data,
            now=now,
            calendar=calendar,
            final=dest in sop.finals,
            case_id=case.id,
        )
        if sop.deadlines.reads and data is not case.data:
            deadlines, more, rearms = reevaluate(
                sop.deadlines,
                before=case.deadlines,
                deadlines=deadlines,
                old_data=case.data,
                data=data,
                calendar=calendar,
                case_id=case.id,
            )
            if rearms:
                timers = [*timers, *more]
                recorded = {**clean, REARMED: [r.payload for r in rearms]}
    new = Case(
        case.id,
        case.sop_id,
        case.sop_hash,
        dest,
        data,
        version,
        deadlines,
        case.declarations,
        sop.sealed,  # (a case opened before sealing existed is sealed from now on)
    )
    record = None
    if command_id is not None:
        record = CommandRecord(command_id, case.id, event, actor, clean, new)
    personal = tuple(sorted(k for k in clean if k in spec.sealed)) if spec.sealed else ()
    if sop.ethics is not None:
        personal = _actor_sealed(sop, actor) + personal  # sorted: "@actor" sorts first
    personal = _shared(personal)
    trail = audit(
        case,
        new,
        now,
        actor,
        event,
        recorded,
        choice.guards if refused else transition.passed,
        command_id,
        personal,
        breaches,
    )
    return Decision(
        case=new, event=trail, timers=timers, notifications=notes, done=done, command=record
    )


def _blocked(
    sop: CompiledSop,
    case: Case,
    actor: Actor,
    event: str,
    payload: Mapping[str, Any],
    outcome: Outcome,
    now: datetime,
    done: Sequence[Timer],
) -> Decision:
    """Record a command a ``block`` rule refused, carrying the error to raise.

    Only the attempt is written (which event, which data fields, which rule), so the refusal
    itself is evidence. No command id is recorded: the same command may be sent again once the
    cause is removed. A timed event's timer is completed in the same commit, so a crash cannot
    make the next sweep record the attempt twice.
    """
    assert outcome.blocked is not None
    blocked = attrs.evolve(case, version=case.version + 1)
    attempt = audit(
        case,
        blocked,
        now,
        actor,
        SystemEvent.ETHICS,
        {"event": event, "fields": sorted(payload)},
        personal=_actor_sealed(sop, actor),
        breaches=outcome.breaches,
    )
    notes = breach_notifications(
        case.id, blocked.version, actor, event, outcome.notify, now, secrets(sop, case.data)
    )
    error = EthicsViolation(
        case_id=case.id, state=case.state, event=event, breach=outcome.blocked, seq=blocked.version
    )
    return Decision(case=blocked, event=attempt, notifications=notes, done=done, refusal=error)


_PERSONAL: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(keys: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple per distinct list of personal keys (an event keeps it for the life of the
    trail; the same few lists recur on every case of an SOP). Bounded."""
    if not keys:
        return ()
    hit = _PERSONAL.get(keys)
    if hit is None:
        if len(_PERSONAL) >= 4096:
            _PERSONAL.clear()
        hit = _PERSONAL[keys] = keys
    return hit


def _actor_sealed(sop: CompiledSop, actor: Actor) -> tuple[str, ...]:
    """``(SEALED_ACTOR,)`` when ``actor`` acts in a role that is the reporter (the SOP's
    ``confidentiality.reporter``): his id is personal data, kept sealed and erased with it."""
    plan = sop.ethics
    conf = plan.confidentiality if plan is not None else None
    if conf is not None and actor.role in conf.reporter:
        return (SEALED_ACTOR,)
    return ()


def dry_run(
    sop: CompiledSop, case: Case, event: str, actor: Actor, payload: Mapping[str, Any]
) -> Choice:
    """The first steps of :func:`decide` (route, validate, choose), writing and judging nothing.

    Raises the same refusals :func:`decide` would; a guard that raises is
    :class:`ExtensionFailed`, as in a real command.
    """
    spec, options = route(sop, case, event)
    return choose(options, case, actor, validate(spec, case, payload))
