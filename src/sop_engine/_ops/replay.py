"""Replaying a case's audit trail: the stored snapshot must be exactly what its events produce.

The trail is folded by running its commands again, in order and at their recorded instants,
through a fresh in-memory engine with the SOP version the case is pinned to: ``@start`` opens
the case, SOP events are fired by their recorded actor with their recorded payload, ``@extend``
extends, and each event the engine wrote by itself (a reminder, breach, escalation or expiry)
is fired again from its recorded timer at its instant; the SOP events those fire are in the
trail as events of the system actor and replay like any other; a declaration of interest is
declared again. Audit-only events (a refused attempt recorded by the code of ethics, a revealed
identity) are checked to leave the case unchanged and kept as they are. The replayed
trail must equal the stored one event for event, and the replayed snapshot the stored snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.clock import SimulatedClock
from sop_engine._core.errors import SopError
from sop_engine._core.i18n import Msg
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import START_EVENT, AuditEvent, Case, Timer
from sop_engine._engine import Engine
from sop_engine._runtime.decision import Decision
from sop_engine._runtime.sweeper import SweepReport

__all__ = ["CaseReplay", "ReplayProblem", "replay_case"]

_SWEPT = (SystemEvent.REMIND, SystemEvent.BREACH, SystemEvent.ESCALATE, SystemEvent.EXPIRE)
_AUDIT_ONLY = (
    SystemEvent.ETHICS,
    SystemEvent.REVEAL_REQUEST,
    SystemEvent.REVEAL_APPROVE,
    SystemEvent.REVEAL,
)
"""Events that record something without changing the case's state, data or deadlines."""


@attrs.frozen(slots=True)
class ReplayProblem:
    """Where a case's trail and its snapshot part ways (``reason`` in English, ``said`` the
    catalogue message a reader gets in Bahasa Indonesia)."""

    case_id: str
    seq: int
    reason: str
    said: Msg | None = attrs.field(default=None, repr=False)


def _problem(case_id: str, seq: int, said: Msg) -> ReplayProblem:
    return ReplayProblem(case_id, seq, str(said), said)


def replay_case(
    snapshot: Case,
    trail: Sequence[AuditEvent],
    sop: CompiledSop,
    registry: Registry,
    resolve: Callable[[str], CompiledSop | None] | None = None,
    calendar: Callable[[CompiledSop, datetime], WorkingCalendar] | None = None,
    adopted: Callable[[CompiledSop, str], WorkingCalendar | None] | None = None,
) -> ReplayProblem | None:
    """Fold ``trail`` again; ``None`` when it reproduces ``snapshot`` and itself exactly.

    ``sop`` is the version the case started under; ``resolve`` finds the versions it was moved
    to (``@migrate`` events) by content hash; ``calendar(version, at)`` gives the calendar a
    version's deadlines were counted with at an instant in the checked store (its pin, or an
    adoption saved by then), so a replay never counts with whatever calendar data the installed
    package ships (issue 18), and a ``@recalendar`` replays as the adoption it records
    (``adopted(version, calendar_version)`` finds that calendar by its fingerprint when the
    clocks disagree about when it was saved). Without them, the calendar each version declares.
    """
    return CaseReplay(sop, registry, resolve, calendar, adopted).check(snapshot, trail)


class CaseReplay:
    """The replay of one case kept between checks: each check feeds only the new events.

    ``sop test`` checks the replay invariant after every step; replaying the whole trail each
    time made a scenario quadratic in its length (issue 19). The replaying engine is
    deterministic (the same events at the same instants give the same results), so the engine
    that has folded the first ``n`` events is exactly what a fresh replay of them would build,
    and feeding it event ``n + 1`` equals a full replay of ``n + 1`` events. The shortcut is
    taken only while the first ``n`` events of the trail are the very objects (``is``) already
    fed and compared; any other trail (an event rewritten by erasure, a shorter trail, a
    problem found) starts again from a fresh engine, as :func:`replay_case` always does.
    """

    def __init__(
        self,
        sop: CompiledSop,
        registry: Registry,
        resolve: Callable[[str], CompiledSop | None] | None = None,
        calendar: Callable[[CompiledSop, datetime], WorkingCalendar] | None = None,
        adopted: Callable[[CompiledSop, str], WorkingCalendar | None] | None = None,
    ) -> None:
        self.sop = sop
        self.registry = registry
        self.resolve = resolve
        self.calendar = calendar
        self.adopted = adopted
        self._engine: Engine | None = None
        self._clock: SimulatedClock | None = None
        self._added: list[CompiledSop] = []  # the versions the replaying engine was given
        self._produced = 0
        # (stored event, replayed event) pairs found equal so far, in trail order
        self._checked: list[tuple[AuditEvent, AuditEvent]] = []

    def _fresh(self, first: AuditEvent) -> tuple[Engine, SimulatedClock]:
        self._clock = SimulatedClock(first.at)
        self._engine = Engine(clock=self._clock, registry=self.registry)
        self._added = []
        self._add(self._engine, self.sop, first.at)
        self._produced = 0
        self._checked = []
        return self._engine, self._clock

    def _add(self, engine: Engine, sop: CompiledSop, at: datetime) -> None:
        # told before the version is added, so the replaying engine neither resolves nor pins
        # a calendar of its own (its store is a throwaway one)
        self._added.append(sop)
        self._count_at(engine, at)
        engine.add(sop)

    def _count_at(self, engine: Engine, at: datetime) -> None:
        """Count every version in the replay with the calendar that counted at ``at``."""
        for sop in self._added:
            if sop.deadlines is None:
                continue
            calendar = self.calendar(sop, at) if self.calendar is not None else sop.calendar
            if calendar is not None:
                engine.catalog.count_with(sop.hash, calendar)

    def check(self, snapshot: Case, trail: Sequence[AuditEvent]) -> ReplayProblem | None:
        """``None`` when ``trail`` reproduces ``snapshot`` and itself exactly."""
        problem = self._check(snapshot, trail)
        if problem is not None:
            self._engine = None  # the next check starts from a fresh engine
        return problem

    def _check(self, snapshot: Case, trail: Sequence[AuditEvent]) -> ReplayProblem | None:
        if not trail:
            return _problem(snapshot.id, 1, Msg("the case has no events"))
        fed = len(self._checked)
        engine, clock = self._engine, self._clock
        if (
            engine is None
            or clock is None
            or fed > len(trail)
            or any(a is not trail[k] for k, (a, _) in enumerate(self._checked))
        ):
            engine, clock = self._fresh(trail[0])
            fed = 0
        problem = self._feed(engine, clock, trail[fed:])
        if problem is not None:
            return problem
        replayed = engine.store.history(snapshot.id)
        checked = self._checked
        for k, (a, b) in enumerate(zip(trail, replayed, strict=False)):
            if k < len(checked) and checked[k][0] is a and checked[k][1] is b:
                continue  # the same two (immutable) events were found equal before
            # which payload keys a store keeps sealed is how it stores the event, not what the
            # event says (the chain covers the list): a trail written before free text was
            # sealed (issue 17) replays to the same events with a longer list
            if a != b and a != attrs.evolve(b, personal=a.personal):
                return _problem(
                    snapshot.id,
                    a.seq,
                    Msg(
                        "the event differs from what replay produces ({how})", how=_differing(a, b)
                    ),
                )
        if len(replayed) != len(trail):
            seq = min(len(replayed), len(trail)) + 1
            return _problem(
                snapshot.id,
                seq,
                Msg(
                    "replay produces {made} events, the trail has {kept}",
                    made=len(replayed),
                    kept=len(trail),
                ),
            )
        again = attrs.evolve(engine.get(snapshot.id), sealed=snapshot.sealed)  # likewise
        if again != snapshot:
            return _problem(
                snapshot.id,
                len(trail),
                Msg(
                    "the snapshot differs from the replayed case ({how})",
                    how=_differing(snapshot, again),
                ),
            )
        self._checked = list(zip(trail, replayed, strict=True))
        return None

    def _recalendar(self, engine: Engine, e: AuditEvent) -> ReplayProblem | None:
        """Adopt again the calendar the ``@recalendar`` event records: the one saved for the
        case's version by its instant, whose version must be the recorded one."""
        assert self.calendar is not None
        sop = engine.sop(engine.get(e.case_id).sop_hash)
        calendar = self.calendar(sop, e.at)
        recorded = e.payload.get("calendar_version")
        if calendar.version != recorded and self.adopted is not None:
            calendar = self.adopted(sop, str(recorded)) or calendar
        if calendar.version != recorded:
            return _problem(
                e.case_id,
                e.seq,
                Msg(
                    "the calendar it adopts (version {version}) is not the one the store "
                    "kept for that moment",
                    version=str(recorded),
                ),
            )
        engine.admin.change_calendar(sop.id, calendar, e.actor, e.payload["reason"])
        return None

    def _feed(
        self, engine: Engine, clock: SimulatedClock, events: Sequence[AuditEvent]
    ) -> ReplayProblem | None:
        """Run the commands of ``events`` again, in order, at their recorded instants."""
        sop, resolve = self.sop, self.resolve
        produced = self._produced
        for e in events:
            if e.seq <= produced:
                continue  # already produced by an earlier step (a sweep and the event it fired)
            if e.at < clock.now():
                return _problem(e.case_id, e.seq, Msg("events are not in time order"))
            clock.set(e.at)
            self._count_at(engine, e.at)
            try:
                if e.event == START_EVENT:
                    engine.start(
                        sop.hash, e.payload, e.actor, case_id=e.case_id, command_id=e.command_id
                    )
                elif e.event in _SWEPT:
                    _refire(engine, e)
                elif e.event == SystemEvent.EXTEND:
                    p = e.payload
                    engine.extend(
                        e.case_id,
                        p["deadline"],
                        e.actor,
                        p["amount"],
                        p["reason"],
                        command_id=e.command_id,
                    )
                elif e.event == SystemEvent.MIGRATE:
                    target = resolve(e.payload["to_hash"]) if resolve is not None else None
                    if target is None:
                        return _problem(
                            e.case_id, e.seq, Msg("the SOP version it moved to is unknown")
                        )
                    self._add(engine, target, e.at)
                    engine.migrate(
                        e.case_id,
                        target.hash,
                        e.actor,
                        state_map=e.payload["state_map"],
                        reason=e.payload["reason"],
                    )
                elif e.event == SystemEvent.RECALENDAR and self.calendar is not None:
                    problem = self._recalendar(engine, e)
                    if problem is not None:
                        return problem
                elif e.event == SystemEvent.ERASE:
                    engine.erase_personal_data(e.case_id, e.actor, e.payload["reason"])
                elif e.event == SystemEvent.DECLARE:
                    p = e.payload
                    engine.declare(
                        e.case_id,
                        e.actor,
                        conflict=p["conflict"],
                        relation=p.get("relation", ""),
                        note=p.get("note", ""),
                    )
                elif e.event in _AUDIT_ONLY:
                    # what they record (a refused attempt, a declaration, a reveal) is not a command
                    # to run again; replay checks that they leave the case as it was
                    current = engine.get(e.case_id)
                    if not (e.source == e.target == current.state and e.seq == current.version + 1):
                        return _problem(
                            e.case_id, e.seq, Msg("{event} changes the case", event=e.event)
                        )
                    engine.committer.commit(
                        Decision(case=attrs.evolve(current, version=e.seq), event=e)
                    )
                elif e.event.startswith("@"):
                    return _problem(
                        e.case_id, e.seq, Msg("{event} events cannot be replayed", event=e.event)
                    )
                else:
                    # what the engine added to the event (``@deadlines``: re-armed deadlines) is
                    # produced again by the command, not sent with it
                    data = {k: v for k, v in e.payload.items() if not k.startswith("@")}
                    # through the command path itself, not the public entry point: the trail holds
                    # the engine's own commands too (a timed transition's event, fired as
                    # ``sop-engine``/``sistem``), which callers are refused (issue 18)
                    engine.commands.fire(e.case_id, e.event, e.actor, data, command_id=e.command_id)
            except SopError as err:
                why = err.msg if err.msg is not None else str(err)
                return _problem(
                    e.case_id,
                    e.seq,
                    Msg("replaying {event!r} failed: {why}", event=e.event, why=why),
                )
            produced = len(engine.store.history(e.case_id))
        self._produced = produced
        return None


def _differing(stored: Case | AuditEvent, replayed: Case | AuditEvent) -> Msg:
    """Which fields differ, named (``data.status``, ``state``), bounded for a report."""
    names = []
    for f in attrs.fields(type(stored)):
        a, b = getattr(stored, f.name), getattr(replayed, f.name)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            names += [f"{f.name}.{k}" for k in keys]
        else:
            names.append(f.name)
    if not names:
        return Msg("differs")
    shown = ", ".join(repr(n) for n in names[:8])  # field names: code, quoted in any language
    if len(names) > 8:
        return Msg("differs in {fields} and {n} more", fields=shown, n=len(names) - 8)
    return Msg("differs in {fields}", fields=shown)


def _refire(engine: Engine, e: AuditEvent) -> None:
    """Fire exactly the recorded reminder/breach/escalation/expiry again, at its instant."""
    p = e.payload
    scheduled = datetime.fromisoformat(p["scheduled_at"])
    timer = Timer(scheduled, e.case_id, p["deadline"], p["arming"], p["item"])
    earlier = [
        Timer(scheduled, e.case_id, p["deadline"], p["arming"], item)
        for item in p.get("coalesced", [])
    ]
    reminders = {(e.case_id, p["deadline"], p["arming"]): [*earlier, timer]}
    engine.sweeper.fire_timer(timer, reminders, e.at, SweepReport())
