"""The engine: load SOPs, start cases, fire events, ask what is possible, read the trail.

A command either is refused with a typed error and changes nothing, or is accepted and produces
exactly one new case snapshot and one audit event, handed to the store in one call. Guards and
actions work on values, never on stored state, so a failing guard, a bad payload or an action that
raises leaves no trace. Every command names its actor; the clock and the store are injected.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop, compile_sop
from sop_engine._compile.loading import load_definition
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import Clock, SystemClock
from sop_engine._core.definition import FieldSpec, SopDefinition
from sop_engine._core.errors import (
    CommandIdReused,
    EthicsViolation,
    EventNotAllowed,
    ExtensionFailed,
    GuardRejected,
    InvalidCaseData,
    InvalidEventData,
    RoleNotPermitted,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine._core.records import (
    ERASED,
    START_EVENT,
    Actor,
    AuditEvent,
    Breach,
    Case,
    Deadline,
    Notification,
    Timer,
)
from sop_engine._core.text import Text
from sop_engine._features.deadlines import advance
from sop_engine._features.ethics import ETHICS_EVENT, Outcome
from sop_engine._persistence.store import CommandRecord, MemoryStore, Store
from sop_engine._runtime import timekeeping
from sop_engine._runtime.oversight import CaseView, Violation, breach_notifications
from sop_engine._runtime.timekeeping import SweepReport
from sop_engine._spec.extensions import IntakeFn, ListenerFailure, ListenerFn
from sop_engine._spec.specs import ActionContext

__all__ = ["AvailableEvent", "Engine"]

_log = logging.getLogger(__name__)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


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
        self._listeners: tuple[tuple[str, ListenerFn], ...] = tuple(
            (name, spec.listener) for name, spec in self.registry.event_listeners.items()
        )
        self.listener_failures: deque[ListenerFailure] = deque(maxlen=1000)
        """The latest failures of event listeners (also logged to ``sop_engine.engine``)."""

    # -- observers and intake ---------------------------------------------------------------

    def listen(self, name: str, listener: ListenerFn) -> None:
        """Call ``listener(case, event)`` after every committed event, like a plugin listener."""
        self._listeners = (*self._listeners, (name, listener))

    def committed(self, case: Case, event: AuditEvent) -> None:
        """Tell the listeners about an event the store has committed.

        Called by every path that commits (commands, sweeps, extensions, migrations, erasure).
        A listener that raises is isolated: the commit stands, the other listeners still run,
        and the failure is logged and kept in :attr:`listener_failures`.
        """
        for name, listener in self._listeners:
            try:
                listener(case, event)
            except Exception as e:  # an observer's bug must never undo or fail the command
                failure = ListenerFailure(name, case.id, event.seq, repr(e))
                self.listener_failures.append(failure)
                _log.error(
                    "event listener %r failed on case %r (event %d %r): %r",
                    name,
                    case.id,
                    event.seq,
                    event.event,
                    e,
                )

    def intake(
        self, channel: IntakeFn, raw: str | bytes, meta: Mapping[str, Any] | None = None
    ) -> Case:
        """Open a case from a raw message through an intake channel (see :meth:`Registry.intake`).

        The channel's command id makes this idempotent: the same message twice opens one case.
        Raises :class:`~sop_engine.errors.IntakeRejected` for a message the channel refuses.
        """
        new = channel(raw, meta or {})
        return self.start(new.sop_id, new.data, new.actor, command_id=new.command_id)

    # -- SOPs -------------------------------------------------------------------------------

    def load(self, path: str | Path) -> CompiledSop:
        """Load, validate and compile an SOP file and make it the current version of its id."""
        return self.add(load_definition(path, registry=self.registry))

    def add(self, sop: SopDefinition | CompiledSop) -> CompiledSop:
        """Make an SOP available. Cases already started keep running on their own version."""
        compiled = sop if isinstance(sop, CompiledSop) else compile_sop(sop, self.registry)
        self._by_hash[compiled.hash] = compiled
        self._by_id[compiled.id] = compiled
        save = getattr(self.store, "save_sop", None)  # durable stores pin SOP texts
        if save is not None:
            d = compiled.definition
            save(compiled.hash, compiled.id, d.meta.version, d.source, d.meta.agency)
        if compiled.calendar is not None and compiled.hash not in self._calendars:
            self._calendars[compiled.hash] = compiled.calendar
        return compiled

    def calendar(self, sop: CompiledSop) -> WorkingCalendar:
        """The working-day calendar the SOP's deadlines are counted in."""
        return self._calendars[sop.hash]

    def sop(self, sop_id_or_hash: str) -> CompiledSop:
        """The current version of an SOP by id, or an exact version by content hash."""
        found = self._by_id.get(sop_id_or_hash) or self._by_hash.get(sop_id_or_hash)
        if found is None:
            found = self._pinned(sop_id_or_hash)
        if found is None:
            raise UnknownSop(sop_id_or_hash, list(self._by_id))
        return found

    def _pinned(self, sop_hash: str) -> CompiledSop | None:
        """An older SOP version that cases in a durable store are pinned to, loaded on demand.

        It serves those cases only: it does not become the current version of its id.
        """
        source = getattr(self.store, "sop_source", None)
        text = source(sop_hash) if source is not None else None
        if text is None:
            return None
        compiled = compile_sop(
            load_definition(f"sop {sop_hash[:12]}", text=text, registry=self.registry),
            self.registry,
        )
        self._by_hash[compiled.hash] = compiled
        if compiled.calendar is not None:
            self._calendars[compiled.hash] = compiled.calendar
        return compiled

    # -- commands ---------------------------------------------------------------------------

    def start(
        self,
        sop_id: str,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        case_id: str | None = None,
        command_id: str | None = None,
        derived_from: str | None = None,
    ) -> Case:
        """Open a case in the SOP's initial state with validated ``data``.

        ``derived_from`` names the case this one derives from (a sub-task, a forwarded copy):
        the new case keeps every confidentiality flag of that case, whatever ``data`` says.
        """
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
        if derived_from is not None:
            clean = self._inherit(sop, derived_from, clean)
        now = self.clock.now()
        deadlines: tuple[Deadline, ...] = ()
        timers: list[Timer] = []
        if sop.deadlines is not None:
            deadlines, timers = advance(
                sop.deadlines,
                deadlines=(),
                old_state=None,
                new_state=sop.initial,
                event=None,
                data=clean,
                now=now,
                calendar=self.calendar(sop),
                final=sop.initial in sop.finals,
                case_id=cid,
            )
        case = Case(cid, sop.id, sop.hash, sop.initial, clean, 1, deadlines)
        # The snapshot and the first event share one dict: neither is ever mutated in place.
        personal = tuple(k for k in clean if k in sop.personal)
        event = AuditEvent(
            cid, 1, now, actor, START_EVENT, None, sop.initial, clean, (), command_id, personal
        )
        record = None
        if command_id is not None:
            record = CommandRecord(command_id, cid, START_EVENT, actor, dict(data), case)
        self.store.insert(case, event, record, timers)
        if self._listeners:
            self.committed(case, event)
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
        return self._fire(case_id, event, actor, payload, command_id, expected_version, None)

    def _fire(
        self,
        case_id: str,
        event: str,
        actor: Actor,
        payload: Mapping[str, Any] | None,
        command_id: str | None,
        expected_version: int | None,
        at: datetime | None,
        done: Sequence[Timer] = (),
    ) -> Case:
        """:meth:`fire`, for the sweeper: the instant to record, and the timer it completes."""
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
        sop = self._by_hash.get(case.sop_hash) or self._pinned(case.sop_hash)
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
        now = self.clock.now() if at is None else at
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
        breaches: tuple[Breach, ...] = ()
        notes: list[Notification] = []
        if sop.ethics is not None:
            outcome = sop.ethics.judge(
                case=case,
                actor=actor,
                event=event,
                payload=payload,
                data=data,
                target=chosen.dest,
                now=now,
                history=lambda: store.history(case_id),
            )
            if outcome.blocked is not None:
                raise self._record_block(sop, case, actor, event, payload, outcome, now, done)
            if outcome.breaches:
                breaches = outcome.breaches
                notes = breach_notifications(
                    case_id, version, actor, event, outcome.notify, now, _secrets(sop, data)
                )
        timers: list[Timer] = []
        deadlines: tuple[Deadline, ...] = ()
        if sop.deadlines is not None:
            deadlines, timers = advance(
                sop.deadlines,
                deadlines=case.deadlines,
                old_state=state,
                new_state=chosen.dest,
                event=event,
                data=data,
                now=now,
                calendar=self.calendar(sop),
                final=chosen.dest in sop.finals,
                case_id=case_id,
            )
        new = Case(
            case_id,
            case.sop_id,
            case.sop_hash,
            chosen.dest,
            data,
            version,
            deadlines,
            case.declarations,
        )
        guards = chosen.passed
        if refused is not None:
            guards = tuple((name, False) for name, _ in refused) + guards
        record = None
        if command_id is not None:
            record = CommandRecord(command_id, case_id, event, actor, payload, new)
        audit = AuditEvent(
            case_id,
            version,
            now,
            actor,
            event,
            state,
            chosen.dest,
            payload,
            guards,
            command_id,
            tuple(k for k in payload if k in spec.personal) if spec.personal else (),
            breaches,
        )
        store.commit(new, audit, record, timers, notes, done)
        if self._listeners:
            self.committed(new, audit)
        return new

    def _record_block(
        self,
        sop: CompiledSop,
        case: Case,
        actor: Actor,
        event: str,
        payload: Mapping[str, Any],
        outcome: Outcome,
        now: datetime,
        done: Sequence[Timer] = (),
    ) -> EthicsViolation:
        """Record a command a ``block`` rule refused, and return the error to raise.

        The case keeps its state, data and deadlines; only the attempt is written (which event,
        which data fields, which rule), so the refusal itself is evidence. A command id is not
        recorded: the same command may be sent again once the cause is removed. When the
        sweeper fired the command (an expiry's timed event), its timer is completed in the same
        commit, so a crash cannot make the next sweep record the attempt twice.
        """
        assert outcome.blocked is not None
        version = case.version + 1
        attempt = AuditEvent(
            case.id,
            version,
            now,
            actor,
            ETHICS_EVENT,
            case.state,
            case.state,
            {"event": event, "fields": sorted(payload)},
            (),
            None,
            (),
            outcome.breaches,
        )
        notes = breach_notifications(
            case.id, version, actor, event, outcome.notify, now, _secrets(sop, case.data)
        )
        blocked = attrs.evolve(case, version=version)
        self.store.commit(blocked, attempt, None, (), notes, done)
        self.committed(blocked, attempt)
        return EthicsViolation(
            case_id=case.id, state=case.state, event=event, breach=outcome.blocked, seq=version
        )

    def _inherit(self, sop: CompiledSop, parent_id: str, clean: dict[str, Any]) -> dict[str, Any]:
        parent = self.store.get(parent_id)
        parent_plan = self.sop(parent.sop_hash).ethics
        parent_conf = parent_plan.confidentiality if parent_plan is not None else None
        if parent_conf is None:
            return clean
        flags = parent_conf.flags(parent.data.get(parent_conf.field))
        if not flags:
            return clean
        conf = sop.ethics.confidentiality if sop.ethics is not None else None
        if conf is None:
            raise InvalidCaseData(
                sop.id,
                [
                    f"case {parent_id!r} is {' and '.join(sorted(flags))}, but SOP {sop.id!r} "
                    "declares no ethics.confidentiality to keep it so; add one"
                ],
            )
        try:
            value = conf.inherit(flags, clean.get(conf.field))
        except ValueError as e:
            raise InvalidCaseData(sop.id, [str(e)]) from e
        return {**clean, conf.field: value}

    # -- deadlines --------------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Fire every reminder, breach, escalation and expiry due at ``now`` (default: the clock).

        Each (case, deadline, arming, item) fires at most once; after downtime each missed item
        fires once and is marked late; see :func:`sop_engine.timekeeping.sweep`.
        """
        return timekeeping.sweep(self, now)

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
        """Extend a running deadline within the SOP's allowance, with a recorded reason."""
        return timekeeping.extend(
            self, case_id, deadline, actor, amount, reason, command_id=command_id
        )

    def erase_personal_data(self, case_id: str, actor: Actor, reason: str) -> Case:
        """Erase the reporter's personal data from the case, its trail and its command records.

        The audit chain stays intact (it covers references, not values); an ``@erase`` event
        records who erased what and why. Fields are those the SOP marks ``personal: true``.
        """
        if not reason.strip():
            raise InvalidEventData(
                case_id=case_id, state="", event="@erase", problems=["a reason is required"]
            )
        case = self.store.get(case_id)
        sop = self.sop(case.sop_hash)
        fields = sorted(k for k in case.data if k in sop.personal)
        data = {k: (ERASED if k in fields else v) for k, v in case.data.items()}
        new = attrs.evolve(case, data=data, version=case.version + 1)
        event = AuditEvent(
            case_id,
            new.version,
            self.clock.now(),
            actor,
            "@erase",
            case.state,
            case.state,
            {"fields": fields, "reason": reason},
        )
        self.store.erase(new, event)
        self.committed(new, event)
        return new

    # -- code of ethics ---------------------------------------------------------------------

    def declare(
        self,
        case_id: str,
        actor: Actor,
        *,
        conflict: bool,
        relation: str = "",
        note: str = "",
    ) -> Case:
        """Record the officer's declaration of (no) conflict of interest on the case.

        An officer who declared a conflict must recuse: ``conflict_of_interest`` rules refuse
        their commands; ``declaration_required`` rules need a no-conflict declaration first.
        """
        from sop_engine._runtime import oversight

        return oversight.declare(
            self, case_id, actor, conflict=conflict, relation=relation, note=note
        )

    def reveal(
        self, case_id: str, actor: Actor, reason: str, fields: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """The reporter's identity fields, for a permitted role with a reason (audited).

        Raises :class:`RoleNotPermitted` for other roles and :class:`InvalidEventData` without
        a reason; otherwise a ``@reveal`` event records who revealed which fields and why.
        """
        from sop_engine._runtime import oversight

        return oversight.reveal(self, case_id, actor, reason, fields)

    def view(self, case_id: str, viewer: Actor | None = None) -> CaseView:
        """The case and its trail as ``viewer`` may see them; ``None`` is the public/outward view.

        Identity fields of an ``anonim`` case and content fields of a ``rahasia`` case are
        withheld from roles not allowed to see them, wherever they appear (data, payloads,
        the reporter's own actor id).
        """
        from sop_engine._runtime import oversight

        return oversight.view(self, case_id, viewer)

    def export(self, case_id: str) -> dict[str, Any]:
        """The case as JSON-ready data for whoever is outside the agency (always redacted)."""
        from sop_engine._runtime import oversight

        return oversight.export(self, case_id)

    def violations(
        self,
        *,
        case_id: str | None = None,
        rule: str | None = None,
        officer: str | None = None,
        unit: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Violation]:
        """Breaches of the code of ethics (blocked attempts and flagged commands), oldest first.

        Filters combine; ``since`` is inclusive and ``until`` exclusive. Reads the trails of
        the cases asked about (every case when no ``case_id`` is given).
        """
        from sop_engine._runtime import oversight

        return oversight.violations(
            self,
            case_id=case_id,
            rule=rule,
            officer=officer,
            unit=unit,
            since=since,
            until=until,
        )

    def migrate(
        self,
        case_id: str,
        to: str,
        actor: Actor,
        *,
        state_map: Mapping[str, str] | None = None,
        reason: str,
    ) -> Case:
        """Move a running case to another version of its SOP (explicit, validated, audited).

        See :mod:`sop_engine.migration` for what is checked and what happens to deadlines.
        """
        from sop_engine._runtime.migration import migrate

        return migrate(self, case_id, to, actor, state_map=state_map, reason=reason)

    def change_calendar(
        self, sop_id: str, calendar: WorkingCalendar, actor: Actor, reason: str
    ) -> list[Case]:
        """Adopt a new calendar for an SOP and recompute its open deadlines, each audited."""
        return timekeeping.change_calendar(self, sop_id, calendar, actor, reason)

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


def _secrets(sop: CompiledSop, data: Mapping[str, Any]) -> frozenset[str]:
    conf = sop.ethics.confidentiality if sop.ethics is not None else None
    return conf.secrets(data) if conf is not None else frozenset()


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
