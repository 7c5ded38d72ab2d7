"""One explored world: an engine, a simulated clock and the steps applied to it, with checks.

The stateful harness (:mod:`sop_engine.testing.harness`) lets Hypothesis choose the steps; this
module applies them and checks every invariant after each one. Keeping the two apart means a
counterexample is a plain list of :class:`Step` values that can be written to a file and applied
again without Hypothesis (``sop test --replay``), through exactly the same code.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.clock import SimulatedClock
from sop_engine._core.errors import CommandRefused, EthicsViolation, SopError
from sop_engine._core.i18n import Msg
from sop_engine._core.records import START_EVENT, Actor, AuditEvent, Case
from sop_engine._core.text import Text
from sop_engine._engine import Engine
from sop_engine._features.deadlines import timers_for
from sop_engine._features.invariants import BUILTIN, Invariant
from sop_engine._ops.replay import CaseReplay
from sop_engine._persistence.codec import actor_from_json, actor_to_json, chain_hash
from sop_engine._persistence.store import MemoryStore
from sop_engine._runtime.arguments import RESERVED_ROLES
from sop_engine.testing.coverage import Coverage

__all__ = ["BUILTIN_INVARIANTS", "InvariantViolated", "Outcome", "Step", "World"]

StepKind = Literal["start", "fire", "advance", "sweep"]

BUILTIN_INVARIANTS: dict[str, Text] = BUILTIN
"""The invariants every SOP is checked against, by name."""


@attrs.frozen(slots=True)
class Step:
    """One thing that happens in a scenario: open a case, fire an event, move time, sweep."""

    kind: StepKind
    case: str = ""
    event: str = ""
    actor: Actor | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    to: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.case:
            out["case"] = self.case
        if self.event:
            out["event"] = self.event
        if self.actor is not None:
            out["actor"] = actor_to_json(self.actor)
        if self.data:
            out["data"] = dict(self.data)
        if self.to is not None:
            out["to"] = self.to.isoformat()
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Step:
        return cls(
            kind=raw["kind"],
            case=raw.get("case", ""),
            event=raw.get("event", ""),
            actor=actor_from_json(raw["actor"]) if "actor" in raw else None,
            data=dict(raw.get("data", {})),
            to=datetime.fromisoformat(raw["to"]) if "to" in raw else None,
        )


@attrs.frozen(slots=True)
class Outcome:
    """What a step did: when, whether it was accepted, and the states or events it produced."""

    step: Step
    at: datetime
    accepted: bool
    source: str = ""
    target: str = ""
    refusal: str = ""
    fired: tuple[AuditEvent, ...] = ()


class InvariantViolated(SopError, AssertionError):
    """An invariant failed during exploration; carries the scenario that led to it."""

    def __init__(
        self,
        invariant: str,
        title: Text,
        case_id: str,
        detail: str | Msg,
        log: Sequence[Outcome],
    ) -> None:
        self.invariant = invariant
        self.title = title
        self.case_id = case_id
        self.detail = detail
        self.log = tuple(log)
        super().__init__(
            f"invariant {invariant!r} ({title.get('en')}) failed for case {case_id!r}: {detail}; "
            f"after {len(self.log)} steps (run `sop test` to see the scenario)"
        )


class World:
    """An engine on a memory store and a simulated clock, checked after every step.

    ``invariants`` selects which invariants (built-in and declared, by name) are checked; all
    of them by default. ``coverage`` accumulates what was exercised across worlds.
    """

    def __init__(
        self,
        sop: CompiledSop,
        registry: Registry,
        start: datetime,
        *,
        invariants: Iterable[str] | None = None,
        coverage: Coverage | None = None,
    ) -> None:
        self.sop = sop
        self.registry = registry
        self.clock = SimulatedClock(start)
        counter = itertools.count(1)
        self.engine = Engine(
            clock=self.clock,
            registry=registry,
            store=MemoryStore(),
            ids=lambda: f"k{next(counter)}",
        )
        self.engine.add(sop)
        self.calendar = self.engine.calendar(sop) if sop.deadlines is not None else None
        declared: tuple[Invariant, ...] = sop.definition.sections.get("invariants", ())
        wanted = set(invariants) if invariants is not None else None
        self.switched_off: dict[str, Text] = {
            i.name: i.disabled_because for i in declared if i.disabled_because is not None
        }
        self.checks = {
            n
            for n in BUILTIN_INVARIANTS
            if (wanted is None or n in wanted) and n not in self.switched_off
        }
        self.declared = [
            i
            for i in declared
            if i.disabled_because is None and (wanted is None or i.name in wanted)
        ]
        self.coverage = coverage if coverage is not None else Coverage(sop)
        self.cases: list[str] = []
        self.log: list[Outcome] = []
        # per case: each event checked so far and its link; an event still the very same
        # (immutable) object keeps its link without hashing again
        self._chains: dict[str, list[tuple[AuditEvent, str]]] = {}
        self._checked: dict[str, Case] = {}
        # per case: its replay, kept between steps so each check feeds only the new events
        self._replays: dict[str, CaseReplay] = {}
        # for the case_can_move probe: the data it tries per event and units, and per state the
        # candidate that last moved a case on (tried first)
        self._probes: dict[tuple[str, tuple[str | None, ...]], list[dict[str, Any]]] = {}
        self._movers: dict[str, tuple[str, str, str | None, dict[str, Any]]] = {}
        self._sop_units: tuple[str, ...] | None = None

    # -- steps ------------------------------------------------------------------------------

    def apply(self, step: Step) -> Outcome:
        """Apply one step, record it, and check every selected invariant afterwards."""
        handler = {
            "start": self._start,
            "fire": self._fire,
            "advance": self._advance,
            "sweep": self._sweep,
        }[step.kind]
        outcome, touched = handler(step)
        self.log.append(outcome)
        for case_id in touched:
            self._check(case_id, swept=step.kind == "sweep")
        return outcome

    def _start(self, step: Step) -> tuple[Outcome, list[str]]:
        assert step.actor is not None
        now = self.clock.now()
        if step.case and step.case in self.cases:
            return Outcome(step, now, False, refusal="the case is already open"), []
        try:
            case = self.engine.start(self.sop.id, step.data, step.actor, case_id=step.case or None)
        except CommandRefused as e:
            return Outcome(step, now, False, refusal=str(e)), []
        except Exception as e:
            self.log.append(Outcome(step, now, False, refusal=repr(e)))
            self._fail("no_crash", step.case, f"opening the case failed: {e!r}")
        self.cases.append(case.id)
        self.coverage.states.add(case.state)
        self.coverage.saw(case)
        return Outcome(attrs.evolve(step, case=case.id), now, True, target=case.state), [case.id]

    def _fire(self, step: Step) -> tuple[Outcome, list[str]]:
        assert step.actor is not None
        now = self.clock.now()
        if step.case not in self.cases:
            return Outcome(step, now, False, refusal="no such case"), []
        before = self.engine.get(step.case)
        before_data = dict(before.data)  # a misbehaving guard could change it in place
        trail = len(self.engine.history(step.case))
        outbox = len(self.engine.store.outbox())
        try:
            after = self.engine.fire(step.case, step.event, step.actor, step.data)
        except CommandRefused as e:
            outcome = Outcome(step, now, False, before.state, refusal=str(e))
            if "refusal_changes_nothing" in self.checks:
                changed = self._refusal_changed(step.case, e, before, before_data, trail, outbox)
                if changed:
                    self.log.append(outcome)
                    self._fail(
                        "refusal_changes_nothing",
                        step.case,
                        f"{step.event!r} was refused ({e}) but {changed}",
                    )
            return outcome, [step.case]
        except Exception as e:
            self.log.append(Outcome(step, now, False, before.state, refusal=repr(e)))
            self._fail("no_crash", step.case, f"{step.event!r} failed: {e!r}")
        if "ethics_block_holds" in self.checks:
            broken = self._blocking_breach(before, step, after, trail)
            if broken:
                self.log.append(Outcome(step, now, True, before.state, after.state))
                self._fail("ethics_block_holds", step.case, broken)
        self.coverage.states.add(after.state)
        self.coverage.edges.add((before.state, step.event, after.state))
        self.coverage.saw(after)
        return Outcome(step, now, True, before.state, after.state), [step.case]

    def _blocking_breach(self, before: Case, step: Step, after: Case, trail: int) -> str | None:
        """Judge an accepted command again, independently of the engine: did a block rule apply?

        The rules are evaluated on the case as it was before, with the trail as it was then, so
        a path through the engine that skipped the code of ethics would be caught here.
        """
        plan = self.engine.sop(before.sop_hash).ethics
        if plan is None or after.version == before.version:
            return None
        history = list(self.engine.history(before.id))
        recorded = history[trail] if len(history) > trail else None
        if recorded is None or recorded.event != step.event:
            return None
        assert step.actor is not None
        outcome = plan.judge(
            case=before,
            actor=step.actor,
            event=step.event,
            payload=recorded.payload,
            data=after.data,
            target=after.state,
            now=recorded.at,
            history=lambda: history[:trail],
        )
        if outcome.blocked is not None:
            return (
                f"{step.event!r} went through although rule {outcome.blocked.rule!r} blocks it: "
                f"{outcome.blocked.reason.en or outcome.blocked.reason.id}"
            )
        if any(b.severity == "block" for b in recorded.breaches):
            return f"{step.event!r} went through carrying a blocking breach"
        return None

    def _refusal_changed(
        self,
        case_id: str,
        error: CommandRefused,
        before: Case,
        before_data: dict[str, Any],
        trail: int,
        outbox: int,
    ) -> str | None:
        """What a refused command changed, if anything.

        A command blocked by the code of ethics is refused too, but the attempt is evidence: it
        may add exactly one ``@ethics`` event (and its notifications) and nothing else.
        """
        after = self.engine.get(case_id)
        history = self.engine.history(case_id)
        if dict(before.data) != before_data:
            return "a guard changed the case data in place"
        if isinstance(error, EthicsViolation) and error.seq is not None:
            recorded = history[trail:]
            if len(recorded) != 1 or recorded[0].event != "@ethics" or error.seq != trail + 1:
                return "the blocked attempt was not recorded as exactly one @ethics event"
            if (after.state, after.data, after.deadlines) != (
                before.state,
                before.data,
                before.deadlines,
            ):
                return "the blocked command changed the case's state, data or deadlines"
            return None
        if after != before or len(history) != trail:
            return "the case or its trail changed"
        if len(self.engine.store.outbox()) != outbox:
            return "a notification was queued"
        return None

    def _advance(self, step: Step) -> tuple[Outcome, list[str]]:
        assert step.to is not None
        before = self.clock.now()
        self.clock.set(max(step.to, before))
        return Outcome(step, before, True), []

    def _sweep(self, step: Step) -> tuple[Outcome, list[str]]:
        now = self.clock.now()
        report = self.engine.sweep()
        for e in report.fired:
            self.coverage.fired(e)
            if not e.event.startswith("@"):
                self.coverage.states.add(e.target)
                self.coverage.edges.add((e.source or "", e.event, e.target))
        if report.refused and "timed_events_accepted" in self.checks:
            timer, error = report.refused[0]
            self.log.append(Outcome(step, now, True, fired=tuple(report.fired)))
            self._fail(
                "timed_events_accepted",
                timer.case_id,
                f"the {timer.item.removeprefix('then:')} of clock {timer.deadline!r} fired an "
                f"event the SOP refused: {error}",
            )
        for case_id in self.cases:
            self.coverage.saw(self.engine.get(case_id))
        return Outcome(step, now, True, fired=tuple(report.fired)), list(self.cases)

    # -- checks -----------------------------------------------------------------------------

    def _fail(self, name: str, case_id: str, detail: str | Msg) -> None:
        title = BUILTIN_INVARIANTS.get(name)
        if title is None:
            title = next(i.title for i in self.declared if i.name == name)
        raise InvariantViolated(name, title, case_id, detail, self.log)

    def _check(self, case_id: str, *, swept: bool) -> None:
        case = self.engine.get(case_id)
        if swept and self.sop.deadlines is not None and "escalation_on_breach" in self.checks:
            self._check_escalation(case)
        if self._checked.get(case_id) is case:
            return  # unchanged since its last check: the other invariants hold as they did
        self._checked[case_id] = case
        trail = self.engine.history(case_id)
        if "audit_chain" in self.checks:
            self._check_chain(case, trail)
        if "replay" in self.checks:
            replay = self._replays.get(case_id)
            if replay is None:
                replay = self._replays[case_id] = CaseReplay(self.sop, self.registry)
            problem = replay.check(case, trail)
            if problem is not None:
                self._fail("replay", case_id, f"event {problem.seq}: {problem.reason}")
        if self.sop.deadlines is not None and "deadlines_follow_state" in self.checks:
            self._check_deadlines(case, trail)
        for inv in self.declared:
            why = inv.violation(case, trail)
            if why is not None:
                self._fail(
                    inv.name, case_id, Msg("in state {state!r}: {why}", state=case.state, why=why)
                )
        if "case_can_move" in self.checks:  # last: the SOP's own rules name the cause better
            self._check_can_move(case, trail)

    def _check_chain(self, case: Case, trail: Sequence[AuditEvent]) -> None:
        """Sequence numbers, state links and the hash chain; earlier links never change."""
        fail = self._fail
        if [e.seq for e in trail] != list(range(1, len(trail) + 1)):
            fail("audit_chain", case.id, "sequence numbers have a gap or repeat")
        if trail[0].event != START_EVENT or len(trail) != case.version:
            fail("audit_chain", case.id, f"{len(trail)} events for case version {case.version}")
        for a, b in itertools.pairwise(trail):
            if a.target != b.source:
                fail("audit_chain", case.id, f"event {b.seq} starts from {b.source!r}")
        if trail[-1].target != case.state:
            fail("audit_chain", case.id, "the last event does not end in the case's state")
        links = self._chains.setdefault(case.id, [])
        previous = ""
        for k, e in enumerate(trail):
            if k < len(links):
                seen, link = links[k]
                if seen is e:  # the same frozen event: its link cannot have changed
                    previous = link
                    continue
                link = chain_hash(previous, e)
                if links[k][1] != link:
                    fail("audit_chain", case.id, f"event {e.seq} changed after it was written")
                links[k] = (e, link)
            else:
                link = chain_hash(previous, e)
                links.append((e, link))
            previous = link

    def _check_deadlines(self, case: Case, trail: Sequence[AuditEvent]) -> None:
        """Clocks agree with the state: started where they start, paused only where they pause,
        none left running or paused on a closed case, due instants on the calendar.

        A clock that starts on entering a state may be stopped by an event while the case stays
        there (a receipt sent without leaving ``diterima``): it is then ``met`` since an arming
        at or after the case entered the state, which is right. Only a clock that was not armed
        since that entry is missing.
        """
        plan, calendar = self.sop.deadlines, self.calendar
        assert plan is not None
        assert calendar is not None
        final = case.state in self.sop.finals
        current = {d.name: d for d in case.deadlines}
        for clock in plan.clocks:
            d = current.get(clock.name)
            name = clock.name
            if final:
                if d is not None and d.status in ("running", "paused"):
                    self._fail("deadlines_follow_state", case.id, f"clock {name!r} is {d.status}")
                continue
            if (
                case.state in clock.start_enter
                and case.state not in clock.stop_enter
                and clock.duration(case.data) is not None
                and clock.applies(case.data)
                and (d is None or d.status not in ("running", "paused"))
                and not (d is not None and d.status == "met" and d.anchor >= _entered(case, trail))
            ):
                self._fail(
                    "deadlines_follow_state",
                    case.id,
                    f"clock {name!r} should run in {case.state!r} but is "
                    f"{d.status if d else 'not started'}",
                )
            if d is None:
                continue
            if d.status == "paused" and case.state not in clock.pause:
                self._fail(
                    "deadlines_follow_state",
                    case.id,
                    f"clock {name!r} stays paused after the case left its pause states",
                )
            if d.status == "running":
                if case.state in clock.pause:
                    self._fail("deadlines_follow_state", case.id, f"clock {name!r} runs in pause")
                if d.due_at != clock.due(calendar, d.anchor, d.amount, d.unit):
                    self._fail(
                        "deadlines_follow_state", case.id, f"clock {name!r} has a wrong due date"
                    )

    def _check_can_move(self, case: Case, trail: Sequence[AuditEvent]) -> None:
        """An open case can still be moved on: by some role acting in some unit with some data
        (guards and blocking ethics rules judged as in a real command), or by a timer of a
        running clock that fires an event. A case no one can move is stuck for good: the
        reporter waits forever and no deadline tells anyone why."""
        if case.state in self.sop.finals:
            return
        plan = self.sop.deadlines
        if plan is not None:
            for d in case.deadlines:
                if d.status == "running" and _moves_by_time(plan.clock(d.name), d):
                    return
        units = self._probe_units(case)
        now = self.clock.now()
        if _can_move(self.sop, case, trail, now, units, probes=self._probes, movers=self._movers):
            return
        self._fail(
            "case_can_move",
            case.id,
            f"in state {case.state!r} no role, in any unit, can fire any of "
            f"{', '.join(repr(e) for e in self.sop.events_from(case.state)) or 'no event'} "
            "and no clock will move it on",
        )

    def _probe_units(self, case: Case) -> tuple[str | None, ...]:
        """Units an officer may act in: none, every unit the SOP names, every unit on the case."""
        if self._sop_units is None:
            from sop_engine.testing.strategies import units

            self._sop_units = units(self.sop)
        on_case = [
            case.data[f.name]
            for f in self.sop.definition.fields
            if f.type == "ref" and f.ref == "unit" and isinstance(case.data.get(f.name), str)
        ]
        return (None, *dict.fromkeys((*self._sop_units, *on_case)))

    def _check_escalation(self, case: Case) -> None:
        """Right after a sweep, every item of a running clock due by now has fired."""
        plan, calendar = self.sop.deadlines, self.calendar
        assert plan is not None
        assert calendar is not None
        now = self.clock.now()
        for d in case.deadlines:
            if d.status != "running":
                continue
            clock = plan.clock(d.name)
            for timer in timers_for(clock, d, calendar, case_id=case.id):
                if timer.at <= now and timer.item not in d.fired:
                    self._fail(
                        "escalation_on_breach",
                        case.id,
                        f"{timer.item} of clock {d.name!r} was due at {timer.at.isoformat()} "
                        f"but has not fired (level {d.level})",
                    )

    # -- what the harness needs to choose steps -----------------------------------------------

    def upcoming(self, limit: int = 12) -> list[datetime]:
        """The next instants after now at which a timer of an open case falls due, soonest first."""
        plan, calendar = self.sop.deadlines, self.calendar
        if plan is None or calendar is None:
            return []
        now = self.clock.now()
        found: set[datetime] = set()
        for case_id in self.cases:
            case = self.engine.get(case_id)
            for d in case.deadlines:
                if d.status != "running":
                    continue
                for t in timers_for(plan.clock(d.name), d, calendar, case_id=case_id):
                    if t.at > now and t.item not in d.fired:
                        found.add(t.at)
        return sorted(found)[:limit]


def _entered(case: Case, trail: Sequence[AuditEvent]) -> datetime:
    """When the case last entered its current state (a self-loop does not count as entering)."""
    for e in reversed(trail):
        if e.target == case.state and (e.event == START_EVENT or e.source != e.target):
            return e.at
    return trail[0].at


def _moves_by_time(clock: Any, d: Any) -> bool:
    """Whether a running clock still has a timer that fires an SOP event (expiry or a level)."""
    if clock.expiry_event is not None and "then:expiry" not in d.fired:
        return True
    return any(
        level.event is not None and f"then:level:{n}" not in d.fired
        for n, level in enumerate(clock.levels, start=1)
    )


_PROBE_ID = "penguji_case_can_move"
_MAX_PROBES = 256


def _can_move(
    sop: CompiledSop,
    case: Case,
    trail: Sequence[AuditEvent],
    now: datetime,
    unit_names: Sequence[str | None],
    *,
    probes: dict[tuple[str, tuple[str | None, ...]], list[dict[str, Any]]] | None = None,
    movers: dict[str, tuple[str, str, str | None, dict[str, Any]]] | None = None,
) -> bool:
    """Whether some actor could fire some event from the case's state and have it go through.

    Each role is tried in each unit, with data chosen per event (see :func:`_probe_payloads`);
    a candidate counts when routing, validation, roles, guards and the blocking code-of-ethics
    rules all accept it, exactly as :func:`~sop_engine._runtime.pipeline.decide` judges them.
    The officer id is a fresh one, so no rule about a named person (the reported official, the
    drafter of a response) stands in the way. ``probes`` keeps the data tried per event and
    units and ``movers`` the candidate that last moved a case on, per state, between calls
    (the answer never depends on them, only how soon it is found).
    """
    from sop_engine._runtime import pipeline

    # Every candidate (event, role, unit, data) is tried; the answer is "some candidate goes
    # through (or crashes)", so the order does not change it, only how soon it is found. The
    # plainest data of every event, role and unit goes first: a case is usually movable by
    # one of those, while an event whose guard refuses on the case itself (``verifikasi`` before
    # the report is complete) would otherwise be tried with every variation of its data first
    # (issue 19: this probe was most of a `sop test` step).
    def moves(event: str, role: str, unit: str | None, payload: dict[str, Any]) -> bool:
        actor = Actor(_PROBE_ID, role, unit)
        try:
            decision = pipeline.decide(
                sop, None, case, event, actor, payload, now=now, history=lambda: trail
            )
        except CommandRefused:
            return False
        except Exception:
            # a crashing guard, action or check: no_crash reports it on a real command; the
            # probe cannot tell whether the case could move
            return True
        return decision.refusal is None

    # The candidate that last moved a case on from this state goes first: most checks then
    # take one decision instead of several (issue 19).
    last = movers.get(case.state) if movers is not None else None
    if last is not None and last[2] in unit_names and moves(*last):
        return True
    candidates = []
    for event, options in sop.table[case.state].items():
        key = (event, tuple(unit_names))
        payloads = probes.get(key) if probes is not None else None
        if payloads is None:
            payloads = _probe_payloads(sop.events[event].data, unit_names)
            if probes is not None:
                probes[key] = payloads
        # the engine's own role moves a case only through a clock (counted below), never as a
        # caller: it is not a way out here
        roles = sorted({r for t in options for r in t.roles} - RESERVED_ROLES)
        candidates.append((event, roles, payloads))
    rounds = max((len(p) for _, _, p in candidates), default=0)
    for k in range(rounds):
        for event, roles, payloads in candidates:
            if k >= len(payloads):
                continue
            payload = payloads[k]
            for role in roles:
                for unit in unit_names:
                    if moves(event, role, unit, payload):
                        if movers is not None:
                            movers[case.state] = (event, role, unit, payload)
                        return True
    return False


def _probe_payloads(
    data: Mapping[str, Any], unit_names: Sequence[str | None]
) -> list[dict[str, Any]]:
    """Data to try for an event: required data with a stand-in, then each data item (optional
    ones too) varied alone over its values (enum values, true/false, the known units), then
    all of them together while the combinations stay few. Bounded, so a case that only one
    particular combination of several values would move can be reported as stuck."""
    from sop_engine._runtime.commands import _placeholder

    options: dict[str, list[Any]] = {}
    for name, field in data.items():
        if field.type == "enum":
            options[name] = list(field.values)
        elif field.type == "bool":
            options[name] = [True, False]
        elif field.type == "ref" and field.ref == "unit":
            options[name] = [u for u in unit_names if u is not None] or ["-"]
        else:
            options[name] = [_placeholder(field)]
    base = {n: options[n][0] for n, f in data.items() if f.required}
    out = [base]
    for name, values in options.items():
        out.extend({**base, name: v} for v in values)
    combos: list[dict[str, Any]] = [dict(base)]
    for name, values in options.items():
        if len(combos) * len(values) > _MAX_PROBES:
            break
        combos = [{**c, name: v} for c in combos for v in values]
    out.extend(combos)
    return out
