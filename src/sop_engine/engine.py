"""The engine: load SOPs, start cases, fire events, ask what is possible, read the trail.

A command either is refused with a typed error and changes nothing, or is accepted and produces
exactly one new case snapshot and one audit event, handed to the store in one call. Guards and
actions work on values, never on stored state, so a failing guard, a bad payload or an action that
raises leaves no trace. Every command names its actor; the clock and the store are injected.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from sop_engine.calendar import WorkingCalendar
from sop_engine.clock import Clock, SystemClock
from sop_engine.compiled import CompiledSop, compile_sop
from sop_engine.deadlines import advance, timers_for
from sop_engine.definition import FieldSpec, SopDefinition
from sop_engine.errors import (
    CommandIdReused,
    CommandRefused,
    EventNotAllowed,
    ExtensionFailed,
    ExtensionRefused,
    GuardRejected,
    InvalidCaseData,
    InvalidEventData,
    RoleNotPermitted,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine.loader import load_definition
from sop_engine.records import START_EVENT, Actor, AuditEvent, Case, Deadline, Notification, Timer
from sop_engine.registry import ActionContext, Registry
from sop_engine.store import CommandRecord, MemoryStore, Store
from sop_engine.text import Text

__all__ = ["SYSTEM_ACTOR", "AvailableEvent", "Engine", "SweepReport"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


SYSTEM_ACTOR = Actor("sop-engine", "sistem")
"""The actor recorded for what the engine does by itself (reminders, escalations, expiries)."""


@attrs.define
class SweepReport:
    """What one :meth:`Engine.sweep` did."""

    fired: list[AuditEvent] = attrs.field(factory=list)
    refused: list[tuple[Timer, CommandRefused]] = attrs.field(factory=list)
    skipped: int = 0
    coalesced: int = 0


@attrs.frozen(slots=True)
class AvailableEvent:
    """An event the actor may fire now, with what it must carry (for an officer's screen)."""

    event: str
    label: Text
    data: tuple[FieldSpec, ...]


class Engine:
    """Runs cases through compiled SOPs.

    ``store`` defaults to a fresh :class:`~sop_engine.store.MemoryStore`, ``clock`` to the system
    clock, ``registry`` to the built-in guards and actions plus installed plugins, and ``ids`` to
    random UUIDs for new cases.
    """

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        registry: Registry | None = None,
        ids: Callable[[], str] | None = None,
        late_after: timedelta = timedelta(minutes=15),
    ) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.registry = registry if registry is not None else Registry()
        self._ids = ids or (lambda: uuid.uuid4().hex)
        self.late_after = late_after
        """A timer fired later than this after its instant is recorded as ``late``."""
        self._by_hash: dict[str, CompiledSop] = {}
        self._by_id: dict[str, CompiledSop] = {}
        self._calendars: dict[str, WorkingCalendar] = {}

    # -- SOPs -------------------------------------------------------------------------------

    def load(self, path: str | Path) -> CompiledSop:
        """Load, validate and compile an SOP file and make it the current version of its id."""
        return self.add(load_definition(path, registry=self.registry))

    def add(self, sop: SopDefinition | CompiledSop) -> CompiledSop:
        """Make an SOP available. Cases already started keep running on their own version."""
        compiled = sop if isinstance(sop, CompiledSop) else compile_sop(sop, self.registry)
        self._by_hash[compiled.hash] = compiled
        self._by_id[compiled.id] = compiled
        if compiled.deadlines is not None and compiled.hash not in self._calendars:
            self._calendars[compiled.hash] = compiled.deadlines.build_calendar(self.registry)
        return compiled

    def calendar(self, sop: CompiledSop) -> WorkingCalendar:
        """The working-day calendar the SOP's deadlines are counted in."""
        return self._calendars[sop.hash]

    def sop(self, sop_id_or_hash: str) -> CompiledSop:
        """The current version of an SOP by id, or an exact version by content hash."""
        found = self._by_id.get(sop_id_or_hash) or self._by_hash.get(sop_id_or_hash)
        if found is None:
            raise UnknownSop(sop_id_or_hash, list(self._by_id))
        return found

    # -- commands ---------------------------------------------------------------------------

    def start(
        self,
        sop_id: str,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        case_id: str | None = None,
        command_id: str | None = None,
    ) -> Case:
        """Open a case in the SOP's initial state with validated ``data``."""
        sop = self.sop(sop_id)
        cid = case_id if case_id is not None else self._ids()
        if command_id is not None:
            prior = self.store.recall(command_id)
            if prior is not None:
                if prior.same_command(
                    prior.case_id if case_id is None else cid, START_EVENT, actor, data
                ):
                    return prior.result
                raise CommandIdReused(command_id)
        roles = sop.definition.intake_roles or tuple(r.name for r in sop.definition.roles)
        if actor.role not in roles:
            raise RoleNotPermitted(
                case_id=cid, state="", event=START_EVENT, role=actor.role, allowed=roles
            )
        clean, problems = sop.check_case_data(data)
        if problems:
            raise InvalidCaseData(sop.id, problems)
        now = self.clock.now()
        deadlines: tuple[Deadline, ...] = ()
        timers: list[Timer] = []
        if sop.deadlines is not None:
            deadlines, timers = advance(
                sop.deadlines,
                (),
                None,
                sop.initial,
                None,
                clean,
                now,
                self.calendar(sop),
                sop.initial in sop.finals,
                cid,
            )
        case = Case(cid, sop.id, sop.hash, sop.initial, clean, 1, deadlines)
        # The snapshot and the first event share one dict: neither is ever mutated in place.
        event = AuditEvent(
            cid, 1, now, actor, START_EVENT, None, sop.initial, clean, (), command_id
        )
        record = None
        if command_id is not None:
            record = CommandRecord(command_id, cid, START_EVENT, actor, dict(data), case)
        self.store.insert(case, event, record, timers)
        return case

    def fire(
        self,
        case_id: str,
        event: str,
        actor: Actor,
        payload: Mapping[str, Any] | None = None,
        *,
        command_id: str | None = None,
        expected_version: int | None = None,
    ) -> Case:
        """Apply ``event`` to the case as ``actor``; return the new case or raise a refusal.

        ``command_id`` makes the command idempotent: sent again, it returns the case as that
        command left it and writes nothing. ``expected_version`` makes it conditional on the case
        not having changed since the caller read it.
        """
        store = self.store
        if command_id is not None:
            prior = store.recall(command_id)
            if prior is not None:
                if prior.same_command(case_id, event, actor, payload or _EMPTY):
                    return prior.result
                raise CommandIdReused(command_id)
        case = store.get(case_id)
        if expected_version is not None and expected_version != case.version:
            raise VersionConflict(case_id, expected_version, case.version)
        sop = self._by_hash.get(case.sop_hash)
        if sop is None:
            raise UnknownSop(case.sop_hash, list(self._by_id))
        state = case.state
        options = sop.table[state].get(event)
        if options is None:
            raise self._not_possible(sop, case, event)
        spec = sop.events[event]
        if payload:
            payload, problems = spec.check(payload)
            if problems:
                raise InvalidEventData(case_id=case_id, state=state, event=event, problems=problems)
        else:
            if spec.required:
                raise InvalidEventData(
                    case_id=case_id,
                    state=state,
                    event=event,
                    problems=[f"{n!r} is required" for n in spec.required],
                )
            payload = _EMPTY
        role = actor.role
        chosen = None
        refused: list[tuple[str, Text]] | None = None
        for t in options:
            if role not in t.roles:
                continue
            for name, guard in t.guards:
                try:
                    reason = guard(case, actor, payload)
                except Exception as e:
                    raise ExtensionFailed(
                        kind="guard", name=name, case_id=case_id, event=event, error=e
                    ) from e
                if reason is not None:
                    if refused is None:
                        refused = []
                    refused.append((name, reason))
                    break
            else:
                chosen = t
                break
        if chosen is None:
            if refused is None:
                allowed = sorted({r for t in options for r in t.roles})
                raise RoleNotPermitted(
                    case_id=case_id, state=state, event=event, role=role, allowed=allowed
                )
            raise GuardRejected(case_id=case_id, state=state, event=event, reasons=refused)
        now = self.clock.now()
        writes = spec.writes
        if writes or chosen.actions:
            data = dict(case.data)
            for name in writes:
                if name in payload:
                    data[name] = payload[name]
            if chosen.actions:
                ctx = ActionContext(case, actor, payload, now)
                for name, action in chosen.actions:
                    try:
                        action(data, ctx)
                    except Exception as e:
                        raise ExtensionFailed(
                            kind="action", name=name, case_id=case_id, event=event, error=e
                        ) from e
        else:
            data = case.data  # type: ignore[assignment]
        version = case.version + 1
        if sop.deadlines is None:
            new = Case(case_id, case.sop_id, case.sop_hash, chosen.dest, data, version)
            timers: list[Timer] = []
        else:
            deadlines, timers = advance(
                sop.deadlines,
                case.deadlines,
                state,
                chosen.dest,
                event,
                data,
                now,
                self.calendar(sop),
                chosen.dest in sop.finals,
                case_id,
            )
            new = Case(case_id, case.sop_id, case.sop_hash, chosen.dest, data, version, deadlines)
        guards = chosen.passed
        if refused is not None:
            guards = tuple((name, False) for name, _ in refused) + guards
        record = None
        if command_id is not None:
            record = CommandRecord(command_id, case_id, event, actor, payload, new)
        store.commit(
            new,
            AuditEvent(
                case_id, version, now, actor, event, state, chosen.dest, payload, guards, command_id
            ),
            record,
            timers,
        )
        return new

    # -- deadlines --------------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Fire every reminder, breach, escalation and expiry due at ``now`` (default: the clock).

        Each (case, deadline, arming, item) fires at most once, ever: the fired items are recorded
        on the case in the same commit as the audit event and the outbox notification, so a
        second sweep, a duplicate timer or a restart finds them done. After downtime each missed
        item fires once and is marked ``late``; reminders of the same arming that are due
        together are coalesced into the last one. Due timers come from the store's index ordered
        by instant, never from a scan of the cases.
        """
        now = now if now is not None else self.clock.now()
        report = SweepReport()
        due = self.store.due_timers(now)
        pending = list(due)
        try:
            for timer in due:
                pending.remove(timer)
                self._fire_timer(timer, due, now, report)
        except BaseException:
            self.store.release(pending)
            raise
        return report

    def _fire_timer(
        self, timer: Timer, batch: list[Timer], now: datetime, report: SweepReport
    ) -> None:
        case = self.store.get(timer.case_id)
        sop = self.sop(case.sop_hash)
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
            return
        clock = plan.clock(d.name)
        kind, _, number = timer.item.partition(":")
        fired = [timer.item]
        if kind == "remind":
            later = [
                t.item
                for t in batch
                if t.case_id == timer.case_id
                and t.deadline == timer.deadline
                and t.arming == timer.arming
                and t.item.startswith("remind:")
                and t.at > timer.at
                and t.item not in d.fired
            ]
            if later:  # a later reminder of the same arming is due too: this one is coalesced
                report.coalesced += 1
                return
            fired += [f"remind:{k}" for k in range(int(number)) if f"remind:{k}" not in d.fired]
        late = now - timer.at > self.late_after
        level = int(number) if kind == "level" else d.level
        recipients: tuple[str, ...] = ()
        if kind == "remind":
            recipients = clock.reminders[int(number)][1]
        elif kind == "level":
            recipients = clock.levels[level - 1].notify
        elif kind == "breach":
            recipients = tuple(dict.fromkeys(r for _, rs in clock.reminders for r in rs))
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
        name = {"remind": "@remind", "breach": "@breach", "level": "@escalate", "expiry": "@expire"}
        event = AuditEvent(
            case.id, version, now, SYSTEM_ACTOR, name[kind], case.state, case.state, payload
        )
        notes = []
        if recipients:
            notes.append(
                Notification(
                    timer.key,
                    case.id,
                    {"remind": "reminder", "breach": "breach", "level": "escalation"}[kind],
                    recipients,
                    payload,
                    now,
                )
            )
        self.store.commit(new, event, None, (), notes)
        report.fired.append(event)
        follow = (
            clock.expiry_event
            if kind == "expiry"
            else (clock.levels[level - 1].event if kind == "level" else None)
        )
        if follow is not None:
            role = clock.expiry_role if kind == "expiry" else "sistem"
            try:
                self.fire(
                    case.id, follow, Actor(SYSTEM_ACTOR.id, role), command_id=f"{timer.key}/event"
                )
                report.fired.append(self.store.history(case.id)[-1])
            except CommandRefused as e:
                report.refused.append((timer, e))

    def extend(
        self,
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
            prior = self.store.recall(command_id)
            if prior is not None:
                args = {"deadline": deadline, "amount": amount, "reason": reason}
                if prior.same_command(case_id, "@extend", actor, args):
                    return prior.result
                raise CommandIdReused(command_id)
        case = self.store.get(case_id)
        sop = self.sop(case.sop_hash)
        plan = sop.deadlines
        d = next((x for x in case.deadlines if x.name == deadline), None)

        def refuse(why: str) -> ExtensionRefused:
            return ExtensionRefused(
                case_id=case_id, state=case.state, deadline=deadline, reason=why
            )

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
        calendar = self.calendar(sop)
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
        now = self.clock.now()
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
        self.store.commit(new, event, record, timers_for(clock, new_d, calendar, case_id=case_id))
        return new

    def change_calendar(
        self, sop_id: str, calendar: WorkingCalendar, actor: Actor, reason: str
    ) -> list[Case]:
        """Adopt a new calendar version for an SOP and recompute its open deadlines, audited.

        Every running deadline computed with another calendar version is re-armed from its
        anchor under the new calendar and gets a ``@recalendar`` audit event with the old and the
        new due instant — deadlines are never shifted silently. Returns the changed cases.
        """
        versions = [s for s in self._by_hash.values() if s.id == sop_id and s.deadlines]
        if not versions:
            raise UnknownSop(sop_id, list(self._by_id))
        for s in versions:
            self._calendars[s.hash] = calendar
        hashes = {s.hash for s in versions}
        changed = []
        now = self.clock.now()
        for case_id in self.store.case_ids():
            case = self.store.get(case_id)
            if case.sop_hash not in hashes:
                continue
            plan = self._by_hash[case.sop_hash].deadlines
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
            self.store.commit(new, event, None, timers)
            changed.append(new)
        return changed

    def _not_possible(self, sop: CompiledSop, case: Case, event: str) -> Exception:
        possible = sop.events_from(case.state)
        if event not in sop.events:
            return UnknownEvent(case_id=case.id, state=case.state, event=event, available=possible)
        return EventNotAllowed(case_id=case.id, state=case.state, event=event, available=possible)

    # -- queries ----------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The current snapshot of a case."""
        return self.store.get(case_id)

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        """The case's audit trail, oldest first; its length equals the accepted commands."""
        return self.store.history(case_id)

    def available(
        self, case_id: str, actor: Actor, payload: Mapping[str, Any] | None = None
    ) -> list[AvailableEvent]:
        """Events ``actor`` may fire on the case now, with guards evaluated.

        Answered by a ``transitions`` Machine built from the same SOP (``may_trigger``). Guards
        that read data the event would carry see ``payload`` (empty by default). Required data
        the caller has not given is not held against an event: enum and bool data are tried
        with each allowed value, other data with a stand-in, so an event is listed when the
        officer could fire it with some valid data.
        """
        case = self.store.get(case_id)
        sop = self.sop(case.sop_hash)

        class _Probe:
            state: str

        probe = _Probe()
        sop.machine(probe, initial=case.state)
        given = dict(payload or {})
        out = []
        for event in sop.events_from(case.state):
            spec = sop.events[event]
            for trial in _trial_payloads(spec.data, given):
                if probe.may_trigger(event, case=case, actor=actor, payload=trial):  # type: ignore[attr-defined]
                    out.append(AvailableEvent(event, spec.label, tuple(spec.data.values())))
                    break
        return out


_MAX_TRIALS = 64


def _trial_payloads(data: Mapping[str, FieldSpec], given: dict[str, Any]) -> list[dict[str, Any]]:
    """Payloads to try for an event whose required data the caller has not supplied yet.

    Missing required enum and bool data is tried with every allowed value (up to a bound), so an
    event is listed when *some* value the officer could choose would let it through, whatever
    the order of the values in the file. Other missing required data gets a stand-in value.
    """
    trials = [dict(given)]
    for name, field in data.items():
        if name in given or not field.required:
            continue
        if field.type == "enum":
            options: list[Any] = list(field.values)
        elif field.type == "bool":
            options = [True, False]
        else:
            options = [_placeholder(field)]
        if len(trials) * len(options) > _MAX_TRIALS:
            options = options[:1]
        trials = [{**t, name: o} for t in trials for o in options]
    return trials


def _placeholder(field: FieldSpec) -> Any:
    return {
        "text": "-",
        "ref": "-",
        "bool": False,
        "number": 0,
        "integer": 0,
        "date": "2000-01-01",
        "datetime": "2000-01-01T00:00:00+00:00",
        "enum": field.values[0] if field.values else "-",
    }[field.type]
