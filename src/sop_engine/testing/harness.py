"""The stateful harness: Hypothesis explores any SOP, checking every invariant after each step.

:func:`explore` lets Hypothesis draw one byte string per scenario, which
:class:`~sop_engine.testing.walk.Walker` reads as the scenario's choices: open cases, fire
events as random actors (mostly commands the current state allows, some that must be refused),
move a simulated clock across weekends, holidays and the next deadline item, and sweep
deadlines. Each step is a :class:`~sop_engine.testing.world.Step` applied to a
:class:`~sop_engine.testing.world.World`, which checks the invariants. :func:`explore` returns a
:class:`Result` with the coverage and, when an invariant failed, the minimal scenario it was cut
down to. :func:`state_machine` gives the same rules as a ``RuleBasedStateMachine`` (one
Hypothesis draw per choice: several times slower, but composable with a caller's own rules).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
)

from sop_engine._compile.compiled import CompiledSop, compile_sop
from sop_engine._compile.loading import load_definition
from sop_engine._compile.registry import Registry
from sop_engine._core.errors import InvalidArgument
from sop_engine._core.i18n import Msg
from sop_engine._core.records import Actor
from sop_engine._runtime.arguments import RESERVED_ROLES
from sop_engine.testing.coverage import Coverage
from sop_engine.testing.strategies import actors, case_data, clock_steps, payloads, units
from sop_engine.testing.walk import SCENARIO_BYTES, Choices, Walker
from sop_engine.testing.world import InvariantViolated, Outcome, Step, World

__all__ = ["DEFAULT_START", "Result", "explore", "replay", "state_machine"]

DEFAULT_START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
"""Monday 2 March 2026, 08:00 WIB: a working morning shortly before Nyepi and Idul Fitri."""

MAX_CASES = 3
_OFFICERS = ("siti", "budi", "dewi")
_DIGIT = st.integers(0, 9)
_QUARTER = st.integers(0, 3)
_INDEXES = [st.integers(0, n - 1) for n in range(1, 33)]


def _pick(n: int) -> st.SearchStrategy[int]:
    """An index into a list of ``n`` items (strategies for small lists are built once)."""
    return _INDEXES[n - 1] if n <= len(_INDEXES) else st.integers(0, n - 1)


@attrs.define
class _Sink:
    """What the runs of one exploration share: coverage, a step count, a run count (and
    whom to tell when a run starts: the command line's progress bar)."""

    coverage: Coverage
    steps: int = 0
    runs: int = 0
    on_run: Callable[[int], None] | None = None


def state_machine(
    sop: CompiledSop,
    registry: Registry,
    *,
    invariants: Iterable[str] | None = None,
    coverage: Coverage | None = None,
    start: datetime = DEFAULT_START,
) -> type[RuleBasedStateMachine]:
    """A ``RuleBasedStateMachine`` class exploring ``sop`` (run it with Hypothesis as usual)."""
    return _machine(sop, registry, invariants, _Sink(coverage or Coverage(sop)), start)


def _machine(
    sop: CompiledSop,
    registry: Registry,
    invariants: Iterable[str] | None,
    sink: _Sink,
    start: datetime,
) -> type[RuleBasedStateMachine]:
    wanted = tuple(invariants) if invariants is not None else None
    intake = sop.definition.intake_roles or tuple(r.name for r in sop.definition.roles)
    # the unit an officer acts in: the unit a guard checks them against (e.g. the unit the case
    # was dispositioned to), not any unit the case names (e.g. the unit complained about)
    checked = tuple(
        dict.fromkeys(
            str(g.params["field"])
            for t in sop.definition.transitions
            for g in t.guards
            if g.name == "actor_unit_matches" and "field" in g.params
        )
    )
    unit_fields = checked or tuple(
        f.name for f in sop.definition.fields if f.type == "ref" and f.ref == "unit"
    )
    every_event = [*sorted(sop.events), "peristiwa_asing"]
    unit_names = units(sop)
    # what a caller can fire: the engine's own role (timed transitions) is not a caller's
    callable_table = {
        state: {
            e: kept
            for e, ts in by_event.items()
            if (kept := [t for t in ts if set(t.roles) - RESERVED_ROLES])
        }
        for state, by_event in sop.table.items()
    }
    onward_events = {
        state: sorted(e for e, ts in by_event.items() if any(t.dest not in sop.finals for t in ts))
        for state, by_event in callable_table.items()
    }
    # strategies are built once: building and validating them per draw costs more than drawing
    valid_data = {e: payloads(sop, e) for e in sop.events}
    invalid_data = {e: payloads(sop, e, valid=False) for e in every_event}
    anyone = actors(sop, outsiders=True)

    class SopMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.world = World(sop, registry, start, invariants=wanted, coverage=sink.coverage)
            sink.runs += 1
            if sink.on_run is not None:
                sink.on_run(sink.runs)

        def _apply(self, step: Step) -> Outcome:
            sink.steps += 1
            return self.world.apply(step)

        @initialize(data=case_data(sop), actor=actors(sop, intake))
        def first_case(self, data: dict[str, Any], actor: Actor) -> None:
            self._apply(Step("start", actor=actor, data=data))

        @precondition(lambda self: len(self.world.cases) < MAX_CASES)
        @rule(data=case_data(sop), actor=actors(sop, intake))
        def open_case(self, data: dict[str, Any], actor: Actor) -> None:
            self._apply(Step("start", actor=actor, data=data))

        @precondition(lambda self: bool(self.world.cases))
        @rule(draw=st.data())
        def fire(self, draw: st.DataObject) -> None:
            """One to three commands (commands are most of what happens to a case)."""
            for _ in range(draw.draw(st.integers(1, 3), label="commands")):
                self._apply(self._command(draw))

        def _command(self, draw: st.DataObject) -> Step:
            d = draw.draw
            world = self.world
            case_id = world.cases[d(_pick(len(world.cases)), label="case")]
            case = world.engine.get(case_id)
            options = callable_table.get(case.state, {})
            if options and d(_DIGIT, label="kind") < 9:
                # mostly an event that keeps the case open, so runs get deep into the procedure
                onward = onward_events[case.state]
                keep_open = bool(onward) and d(_QUARTER, label="onward") > 0
                pool = onward if keep_open else sorted(options)
                event = pool[d(_pick(len(pool)), label="event")]
                alternatives = options[event]
                t = alternatives[d(_pick(len(alternatives)), label="transition")]
                roles = sorted(set(t.roles) - RESERVED_ROLES)
                role = roles[d(_pick(len(roles)), label="role")]
                own = [case.data[f] for f in unit_fields if case.data.get(f)]
                unit = None
                if own and d(_DIGIT, label="own unit") < 8:
                    unit = own[d(_pick(len(own)), label="unit")]
                elif d(st.booleans(), label="other unit"):
                    unit = unit_names[d(_pick(len(unit_names)), label="unit")]
                actor = Actor(_OFFICERS[d(_pick(len(_OFFICERS)), label="id")], role, unit)
                payload = d(valid_data[event], label="data")
            else:
                event = every_event[d(_pick(len(every_event)), label="event")]
                actor = d(anyone, label="actor")
                payload = d(invalid_data[event], label="data")
            return Step("fire", case=case_id, event=event, actor=actor, data=payload)

        @rule(draw=st.data())
        def advance(self, draw: st.DataObject) -> None:
            """Time passes; the deadline worker mostly sweeps right after."""
            world = self.world
            to = draw.draw(
                clock_steps(world.calendar, world.clock.now(), world.upcoming()), label="to"
            )
            self._apply(Step("advance", to=to))
            if draw.draw(st.integers(0, 9), label="sweep") < 8:
                self._apply(Step("sweep"))

        @rule()
        def sweep(self) -> None:
            self._apply(Step("sweep"))

    SopMachine.__name__ = f"SopMachine_{sop.id.replace('-', '_')}"
    return SopMachine


@attrs.frozen(slots=True)
class Result:
    """The outcome of :func:`explore`: the coverage, and the minimal failing scenario if any."""

    sop: CompiledSop
    coverage: Coverage
    seed: int
    examples: int
    steps: int
    failure: InvariantViolated | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None

    @property
    def scenario(self) -> list[Step]:
        """The steps of the failing run, to write to a file and :func:`replay`."""
        return [o.step for o in self.failure.log] if self.failure is not None else []


def _compiled(sop: CompiledSop | str | Path, registry: Registry) -> CompiledSop:
    if isinstance(sop, CompiledSop):
        return sop
    return compile_sop(load_definition(sop, registry=registry), registry)


def explore(
    sop: CompiledSop | str | Path,
    *,
    registry: Registry | None = None,
    max_examples: int = 100,
    max_steps: int = 50,
    seed: int | None = None,
    invariants: Iterable[str] | None = None,
    start: datetime = DEFAULT_START,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Explore ``sop`` with Hypothesis and check every invariant (or those named).

    Deterministic for a given ``seed`` (a random one is chosen and reported otherwise). Failures
    are shrunk to a minimal scenario and returned, not raised. ``max_examples`` and
    ``max_steps`` below 1 raise :class:`~sop_engine.InvalidArgument`. ``progress`` is called
    with the number of scenarios started so far (at most about ``max_examples``), for a
    progress bar.
    """
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise InvalidArgument("max_examples", Msg("give a whole number of scenarios, at least 1"))
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise InvalidArgument("max_steps", Msg("give a whole number of steps, at least 1"))
    reg = registry if registry is not None else Registry()
    compiled = _compiled(sop, reg)
    chosen = seed if seed is not None else random.SystemRandom().randrange(2**32)
    coverage = Coverage(compiled)
    walker = Walker(compiled)
    wanted = tuple(invariants) if invariants is not None else None
    counts = [0, 0]  # scenarios started, steps applied

    # One draw per scenario, read by the walker (see sop_engine.testing.walk for why).
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        print_blob=False,
        report_multiple_bugs=False,
        # Hypothesis' own shrinking of long runs costs minutes; _minimize below cuts the
        # failing scenario down with plain replays, which is many times faster.
        phases=[Phase.explicit, Phase.generate],
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.binary(min_size=SCENARIO_BYTES, max_size=SCENARIO_BYTES))
    def scenario(choices: bytes) -> None:
        world = World(compiled, reg, start, invariants=wanted, coverage=coverage)
        counts[0] += 1
        if progress is not None:
            progress(counts[0])
        try:
            walker.walk(world, Choices(choices), max_steps, world.apply)
        finally:
            counts[1] += len(world.log)

    hypothesis_seed(chosen)(scenario)
    failure = None
    try:
        scenario()
    except InvariantViolated as e:
        failure = _minimize(compiled, reg, e, invariants, start)
    return Result(compiled, coverage, chosen, max_examples, counts[1], failure)


def _minimize(
    sop: CompiledSop,
    registry: Registry,
    failure: InvariantViolated,
    invariants: Iterable[str] | None,
    start: datetime,
) -> InvariantViolated:
    """The shortest scenario found that still breaks the same invariant.

    Greedy delta debugging over plain replays: drop runs of steps (halves, quarters, ... single
    steps) while the same invariant still fails, then drop the optional data of each step.
    """
    wanted = tuple(invariants) if invariants is not None else None

    def fails(steps: list[Step]) -> InvariantViolated | None:
        world = World(sop, registry, start, invariants=wanted)
        try:
            for step in steps:
                world.apply(step)
        except InvariantViolated as e:
            return e if e.invariant == failure.invariant else None
        return None

    best = failure
    steps = [o.step for o in failure.log]
    size = max(len(steps) // 2, 1)
    while True:
        k = 0
        while k < len(steps):
            trial = steps[:k] + steps[k + size :]
            found = fails(trial) if trial else None
            if found is not None:
                steps, best = [o.step for o in found.log], found
            else:
                k += size
        if size == 1:
            break
        size = max(size // 2, 1)
    for k, step in enumerate(steps):
        for key in list(step.data):
            smaller = {n: v for n, v in step.data.items() if n != key}
            trial = [*steps[:k], attrs.evolve(step, data=smaller), *steps[k + 1 :]]
            found = fails(trial)
            if found is not None and len(found.log) == len(steps):
                steps, best, step = trial, found, trial[k]
    return best


def replay(
    sop: CompiledSop | str | Path,
    steps: Iterable[Step],
    *,
    registry: Registry | None = None,
    invariants: Iterable[str] | None = None,
    start: datetime = DEFAULT_START,
) -> Result:
    """Apply a recorded scenario again, without Hypothesis, checking the same invariants."""
    reg = registry if registry is not None else Registry()
    compiled = _compiled(sop, reg)
    world = World(compiled, reg, start, invariants=invariants)
    failure = None
    try:
        for step in steps:
            world.apply(step)
    except InvariantViolated as e:
        failure = e
    return Result(compiled, world.coverage, 0, 1, len(world.log), failure)
