"""Properties of the engine over random command sequences on the reference and random SOPs."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_engine import (
    CommandRefused,
    CompiledSop,
    Engine,
    EthicsViolation,
    Registry,
    SimulatedClock,
)
from sop_engine._core.records import START_EVENT
from sop_engine._ops.replay import replay_case

from conftest import EXAMPLES
from strategies import case_data, commands, payloads, random_sops

REGISTRY = Registry()
SOP_FILES = sorted(EXAMPLES.glob("*/sop.yaml"))


_COMPILED: dict[Any, CompiledSop] = {}


def _engine(sop_path: Any = None) -> tuple[Engine, CompiledSop]:
    """A fresh engine with the SOP loaded (compiled once per file: loading is the slow part)."""
    from datetime import UTC, datetime

    path = sop_path or SOP_FILES[0]
    engine = Engine(registry=REGISTRY, clock=SimulatedClock(datetime(2026, 3, 2, tzinfo=UTC)))
    if path not in _COMPILED:
        _COMPILED[path] = engine.load(path)
    return engine, engine.add(_COMPILED[path])


def _run(engine: Engine, sop: CompiledSop, data: dict[str, Any], cmds: list[Any]) -> None:
    starter = next(r.name for r in sop.definition.roles)
    from sop_engine import Actor

    engine.start(sop.id, data, Actor("intake", starter), case_id="c")
    accepted = 0
    for event, actor, payload in cmds:
        before = engine.get("c")
        trail = engine.history("c")
        blocked: EthicsViolation | None = None
        try:
            after = engine.fire("c", event, actor, payload)
        except EthicsViolation as e:
            blocked = e
        except CommandRefused:
            # a refusal changes nothing at all
            assert engine.get("c") == before
            assert engine.history("c") == trail
            continue
        if blocked is not None:
            # a code-of-ethics block changes no state, data or deadline; it records the attempt
            now = engine.get("c")
            assert (now.state, now.data, now.deadlines) == (
                before.state,
                before.data,
                before.deadlines,
            )
            assert engine.history("c")[:-1] == trail
            attempt = engine.history("c")[-1]
            assert (attempt.event, attempt.seq, attempt.actor) == ("@ethics", blocked.seq, actor)
            assert attempt.payload["event"] == event
            assert attempt.breaches[-1] == blocked.breach
            assert blocked.breach.severity == "block"
            accepted += 1
            continue
        accepted += 1
        assert after.version == before.version + 1
        assert after.state in {t.dest for t in sop.table[before.state][event]}
        last = engine.history("c")[-1]
        assert (last.source, last.target, last.event) == (before.state, after.state, event)
        assert last.actor == actor
    history = engine.history("c")
    # the trail is the accepted commands (and blocked attempts), in order, chained state to state
    assert len(history) == accepted + 1
    assert history[0].event == START_EVENT
    assert [e.seq for e in history] == list(range(1, accepted + 2))
    assert all(a.target == b.source for a, b in itertools.pairwise(history))
    assert history[-1].target == engine.get("c").state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reference_sops_refusals_change_nothing_and_trail_matches(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(SOP_FILES))
    engine, sop = _engine(path)
    initial = data.draw(case_data(sop))
    cmds = data.draw(st.lists(commands(sop), max_size=30))
    _run(engine, sop, initial, cmds)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_sops_refusals_change_nothing_and_trail_matches(data: st.DataObject) -> None:
    sop = data.draw(random_sops(REGISTRY))
    engine = Engine(registry=REGISTRY)
    engine.add(sop)
    cmds = data.draw(st.lists(commands(sop), max_size=25))
    _run(engine, sop, data.draw(case_data(sop)), cmds)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_deadline_invariants_under_random_commands_and_sweeps(data: st.DataObject) -> None:
    """Clocks stay consistent with the state whatever officers do and whenever the sweeper runs."""
    from datetime import timedelta

    engine, sop = _engine(EXAMPLES / "lapor" / "sop.yaml")
    plan = sop.deadlines
    assert plan is not None
    calendar = engine.calendar(sop)
    clock = engine.clock
    assert isinstance(clock, SimulatedClock)
    starter = next(r.name for r in sop.definition.roles)
    from sop_engine import Actor

    initial = data.draw(case_data(sop))
    if data.draw(st.integers(0, 4)):  # mostly a complete report, so cases get past verification
        initial.update(judul="Jalan rusak", kronologi="Lubang besar", lokasi="Jl. Merdeka")
    engine.start(sop.id, initial, Actor("intake", starter), case_id="c")
    fired_keys: set[tuple[str, int, str]] = set()
    for _ in range(data.draw(st.integers(1, 40))):
        if data.draw(st.booleans()):
            clock.advance(timedelta(hours=data.draw(st.integers(1, 120))))
            for e in engine.sweep().fired:
                if e.event.startswith("@"):
                    key = (e.payload["deadline"], e.payload["arming"], e.payload["item"])
                    assert key not in fired_keys  # exactly once
                    fired_keys.add(key)
        else:
            # mostly commands that make sense now (the right event, role and unit), to get far
            current = engine.get("c")
            possible = sop.events_from(current.state)
            onward = [
                e
                for e in possible
                if any(t.dest not in sop.finals for t in sop.table[current.state][e])
            ]
            if possible and data.draw(st.integers(0, 4)):
                event = data.draw(
                    st.sampled_from(onward if onward and data.draw(st.integers(0, 5)) else possible)
                )
                roles = sorted(
                    {r for t in sop.table[current.state][event] for r in t.roles} - {"sistem"}
                ) or ["orang_luar"]  # the engine's own role is refused to callers (issue 18)
                unit = current.data.get("unit_tujuan")
                actor = Actor("x", data.draw(st.sampled_from(roles)), unit)
                payload = data.draw(payloads(sop, event))
            else:
                event, actor, payload = data.draw(commands(sop))
            with contextlib.suppress(CommandRefused):  # refusals are covered elsewhere
                engine.fire("c", event, actor, payload)
        case = engine.get("c")
        assert len(engine.history("c")) == case.version
        assert replay_case(case, engine.history("c"), sop, REGISTRY) is None  # replay = snapshot
        for d in case.deadlines:
            clock_spec = plan.clock(d.name)
            if case.state in sop.finals:
                assert d.status in ("closed", "met")
            if d.status == "paused":
                assert case.state in clock_spec.pause
                assert d.paused_at is not None
            if d.status == "running":
                assert case.state not in clock_spec.pause
                # the calendar's count, rolled off a day off when the clock says so
                assert d.due_at == clock_spec.due(calendar, d.anchor, d.amount, d.unit)
                assert calendar.is_working_day(d.due_at.astimezone(calendar._tz).date()) or (
                    d.unit == "days" and not clock_spec.roll
                )
