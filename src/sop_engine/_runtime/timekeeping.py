"""Deadlines over time: sweeping due timers, extending a deadline, adopting a new calendar.

These are the engine's operations on the clocks of cases, kept apart from the command path in
:mod:`sop_engine.engine` (which only arms, pauses and meets clocks as part of a transition).
Each writes its changes the way every command does: one new case version, one audit event,
timers and outbox notifications, in a single store commit; a refusal writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.errors import (
    CommandIdReused,
    CommandRefused,
    ExtensionRefused,
    RoleNotPermitted,
    UnknownSop,
)
from sop_engine._core.records import Actor, AuditEvent, Case, Notification, Timer
from sop_engine._features.deadlines import timers_for
from sop_engine._persistence.store import CommandRecord

if TYPE_CHECKING:
    from sop_engine._engine import Engine

__all__ = ["SYSTEM_ACTOR", "SweepReport", "change_calendar", "extend", "sweep"]

SYSTEM_ACTOR = Actor("sop-engine", "sistem")
"""The actor recorded for what the engine does by itself (reminders, escalations, expiries)."""


@attrs.define
class SweepReport:
    """What one sweep did: the audit events written and the timed events that were refused."""

    fired: list[AuditEvent] = attrs.field(factory=list)
    refused: list[tuple[Timer, CommandRefused]] = attrs.field(factory=list)
    skipped: int = 0
    coalesced: int = 0


def sweep(engine: Engine, now: datetime | None = None) -> SweepReport:
    """Fire every reminder, breach, escalation and expiry due at ``now`` (default: the clock).

    Each (case, deadline, arming, item) fires at most once, ever: the fired items are recorded
    on the case in the same commit as the audit event and the outbox notification, so a
    second sweep, a duplicate timer or a restart finds them done. After downtime each missed
    item fires once and is marked ``late``; reminders of the same arming that are due
    together are coalesced into the last one. Due timers come from the store's index ordered
    by instant, never from a scan of the cases.
    """
    now = now if now is not None else engine.clock.now()
    report = SweepReport()
    for _ in range(_MAX_ROUNDS):  # a round can queue follow-ups due at once (see _follow_up)
        due = engine.store.due_timers(now)
        if not due:
            break
        # reminders due per (case, clock, arming), in order: earlier ones coalesce into the last
        reminders: dict[tuple[str, str, int], list[Timer]] = {}
        for t in due:
            if t.item.startswith("remind:"):
                reminders.setdefault((t.case_id, t.deadline, t.arming), []).append(t)
        i = 0
        try:
            for i, timer in enumerate(due):  # noqa: B007 (i is read by the handler)
                if timer.item.startswith("then:"):
                    _follow_up(engine, timer, now, report)
                else:
                    _fire_timer(engine, timer, reminders, now, report)
        except BaseException:
            engine.store.release(due[i:])
            raise
    return report


_MAX_ROUNDS = 8
_AUDIT_EVENT = {"remind": "@remind", "breach": "@breach", "level": "@escalate", "expiry": "@expire"}
_NOTIFICATION_KIND = {"remind": "reminder", "breach": "breach", "level": "escalation"}


def _follow_up(engine: Engine, timer: Timer, now: datetime, report: SweepReport) -> None:
    """Fire the SOP event an expiry or an escalation level asks for, exactly once.

    The follow-up is its own timer, queued in the same commit as the ``@expire``/``@escalate``
    event, and completed in the same commit as the event it fires: a crash in between leaves
    the timer, and the next sweep fires the event (its command id makes a repeat harmless).
    """
    case = engine.store.get(timer.case_id)
    plan = engine.sop(case.sop_hash).deadlines
    assert plan is not None
    clock = plan.clock(timer.deadline)
    source = timer.item.removeprefix("then:")
    if source == "expiry":
        event, role = clock.expiry_event, clock.expiry_role
    else:
        event, role = clock.levels[int(source.partition(":")[2]) - 1].event, "sistem"
    assert event is not None
    try:
        engine._fire(
            case.id, event, Actor(SYSTEM_ACTOR.id, role), None, timer.key, None, now, done=[timer]
        )
        report.fired.append(engine.store.history(case.id)[-1])
    except CommandRefused as e:
        report.refused.append((timer, e))
        engine.store.discard([timer])


def _fire_timer(
    engine: Engine,
    timer: Timer,
    reminders: dict[tuple[str, str, int], list[Timer]],
    now: datetime,
    report: SweepReport,
) -> None:
    """Record one reminder, breach, escalation level or expiry (and queue its follow-up)."""
    case = engine.store.get(timer.case_id)
    sop = engine.sop(case.sop_hash)
    plan = sop.deadlines
    d = next((x for x in case.deadlines if x.name == timer.deadline), None)
    if (
        plan is None
        or d is None
        or d.arming != timer.arming
        or d.status != "running"
        or (timer.item in d.fired)
    ):
        report.skipped += 1  # stale (met, paused, re-armed) or already fired
        engine.store.discard([timer])
        return
    clock = plan.clock(d.name)
    kind, _, number = timer.item.partition(":")
    fired = [timer.item]
    if kind == "remind":
        if reminders[(timer.case_id, timer.deadline, timer.arming)][-1] is not timer:
            report.coalesced += 1  # a later reminder of the same arming is due too; it takes
            return  # this one's key along (``done`` below) when it fires
        fired += [f"remind:{k}" for k in range(int(number)) if f"remind:{k}" not in d.fired]
    late = now - timer.at > engine.late_after
    level = int(number) if kind == "level" else d.level
    recipients = clock.recipients(timer.item)
    new_deadline = attrs.evolve(d, fired=d.fired + tuple(fired), level=level)
    deadlines = tuple(new_deadline if x.name == d.name else x for x in case.deadlines)
    version = case.version + 1
    new = attrs.evolve(case, version=version, deadlines=deadlines)
    payload = {
        "deadline": d.name,
        "arming": d.arming,
        "item": timer.item,
        "due_at": (d.due_at or timer.at).isoformat(),
        "scheduled_at": timer.at.isoformat(),
        "late": late,
    }
    if len(fired) > 1:
        payload["coalesced"] = fired[1:]
    if kind == "level":
        payload["level"] = level
    event = AuditEvent(
        case.id, version, now, SYSTEM_ACTOR, _AUDIT_EVENT[kind], case.state, case.state, payload
    )
    notes = []
    if recipients:
        notes.append(
            Notification(
                timer.key,
                case.id,
                _NOTIFICATION_KIND[kind],
                recipients,
                payload,
                now,
            )
        )
    done = [timer]
    if kind == "remind":
        done += reminders[(timer.case_id, timer.deadline, timer.arming)][:-1]
    then = []
    if (kind == "expiry" and clock.expiry_event is not None) or (
        kind == "level" and clock.levels[level - 1].event is not None
    ):
        then.append(Timer(now, case.id, d.name, d.arming, f"then:{timer.item}"))
    engine.store.commit(new, event, None, then, notes, done)
    engine.committed(new, event)
    report.fired.append(event)


def extend(
    engine: Engine,
    case_id: str,
    deadline: str,
    actor: Actor,
    amount: float,
    reason: str,
    *,
    command_id: str | None = None,
) -> Case:
    """Extend a running deadline, within the allowance the SOP declares, with a reason."""
    if command_id is not None:
        prior = engine.store.recall(command_id)
        if prior is not None:
            args = {"deadline": deadline, "amount": amount, "reason": reason}
            if prior.same_command(case_id, "@extend", actor, args):
                return prior.result
            raise CommandIdReused(command_id)
    case = engine.store.get(case_id)
    sop = engine.sop(case.sop_hash)
    plan = sop.deadlines
    d = next((x for x in case.deadlines if x.name == deadline), None)

    def refuse(why: str) -> ExtensionRefused:
        return ExtensionRefused(case_id=case_id, state=case.state, deadline=deadline, reason=why)

    if plan is None or d is None or d.status != "running" or d.due_at is None:
        raise refuse("the deadline is not running")
    clock = plan.clock(deadline)
    cap = clock.extension_max
    if cap is None:
        raise refuse("the SOP allows no extension of this deadline")
    if actor.role not in clock.extension_roles:
        raise RoleNotPermitted(
            case_id=case_id,
            state=case.state,
            event="@extend",
            role=actor.role,
            allowed=sorted(clock.extension_roles),
        )
    if not reason.strip():
        raise refuse("a reason is required")
    if amount <= 0:
        raise refuse(f"the extension must be positive, got {amount}")
    if d.extensions >= clock.extension_times:
        raise refuse(
            f"already extended {d.extensions} time(s), the SOP allows {clock.extension_times}"
        )
    if d.extended_by + amount > cap.amount:
        raise refuse(
            f"{d.extended_by + amount:g} {cap.unit} in total would exceed the cap of "
            f"{cap.amount:g} {cap.unit}"
        )
    calendar = engine.calendar(sop)
    new_d = attrs.evolve(
        d,
        arming=d.arming + 1,
        amount=d.amount + amount,
        due_at=calendar.due(d.anchor, d.amount + amount, d.unit),  # type: ignore[arg-type]
        calendar_version=calendar.version,
        extensions=d.extensions + 1,
        extended_by=d.extended_by + amount,
        fired=(),
        level=0,
    )
    now = engine.clock.now()
    payload = {
        "deadline": deadline,
        "amount": amount,
        "unit": cap.unit,
        "reason": reason,
        "due_before": d.due_at.isoformat(),
        "due_after": new_d.due_at.isoformat(),  # type: ignore[union-attr]
    }
    new = attrs.evolve(
        case,
        version=case.version + 1,
        deadlines=tuple(new_d if x.name == deadline else x for x in case.deadlines),
    )
    event = AuditEvent(
        case_id,
        new.version,
        now,
        actor,
        "@extend",
        case.state,
        case.state,
        payload,
        (),
        command_id,
    )
    record = None
    if command_id is not None:
        record = CommandRecord(
            command_id,
            case_id,
            "@extend",
            actor,
            {"deadline": deadline, "amount": amount, "reason": reason},
            new,
        )
    engine.store.commit(new, event, record, timers_for(clock, new_d, calendar, case_id=case_id))
    engine.committed(new, event)
    return new


def change_calendar(
    engine: Engine, sop_id: str, calendar: WorkingCalendar, actor: Actor, reason: str
) -> list[Case]:
    """Adopt a new calendar version for an SOP and recompute its open deadlines, audited.

    Every running deadline computed with another calendar version is re-armed from its
    anchor under the new calendar and gets a ``@recalendar`` audit event with the old and the
    new due instant — deadlines are never shifted silently. Returns the changed cases.
    """
    versions = [s for s in engine._by_hash.values() if s.id == sop_id and s.deadlines]
    if not versions:
        raise UnknownSop(sop_id, list(engine._by_id))
    for s in versions:
        engine._calendars[s.hash] = calendar
    hashes = {s.hash for s in versions}
    changed = []
    now = engine.clock.now()
    for case_id in engine.store.case_ids():
        case = engine.store.get(case_id)
        if case.sop_hash not in hashes:
            continue
        plan = engine._by_hash[case.sop_hash].deadlines
        assert plan is not None
        updates = []
        timers: list[Timer] = []
        deadlines = []
        for d in case.deadlines:
            if d.status == "running" and d.calendar_version != calendar.version:
                due = calendar.due(d.anchor, d.amount, d.unit)  # type: ignore[arg-type]
                nd = attrs.evolve(
                    d,
                    arming=d.arming + 1,
                    due_at=due,
                    fired=(),
                    level=0,
                    calendar_version=calendar.version,
                )
                updates.append(
                    {
                        "deadline": d.name,
                        "due_before": d.due_at.isoformat() if d.due_at else None,
                        "due_after": due.isoformat(),
                    }
                )
                timers += timers_for(plan.clock(d.name), nd, calendar, case_id=case_id)
                d = nd
            deadlines.append(d)
        if not updates:
            continue
        new = attrs.evolve(case, version=case.version + 1, deadlines=tuple(deadlines))
        payload = {
            "calendar": calendar.id,
            "calendar_version": calendar.version,
            "reason": reason,
            "changes": updates,
        }
        event = AuditEvent(
            case_id, new.version, now, actor, "@recalendar", case.state, case.state, payload
        )
        engine.store.commit(new, event, None, timers)
        engine.committed(new, event)
        changed.append(new)
    return changed
