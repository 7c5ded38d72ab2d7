"""Issue 19: the scenario walker behind ``explore`` (one Hypothesis draw per scenario).

The walker must keep what the stateful machine gave: reproducible scenarios for a seed, runs
that get deep into the procedure with some refused commands, and short counterexamples; the
machine itself (``state_machine``) still works for callers who compose their own rules.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.stateful import run_state_machine_as_test

from sop_engine import InvalidArgument, Registry, compile_sop, load_definition
from sop_engine.cli import main
from sop_engine.testing import (
    DEFAULT_START,
    InvariantViolated,
    Step,
    World,
    explore,
    state_machine,
)
from sop_engine.testing.walk import SCENARIO_BYTES, Choices, Walker

from conftest import EXAMPLES, LAPOR

BUGGY = EXAMPLES / "buggy" / "sop.yaml"
REGISTRY = Registry()
_LAPOR = compile_sop(load_definition(LAPOR, registry=REGISTRY), REGISTRY)


def test_choices_read_the_drawn_bytes_then_a_generator_seeded_by_them() -> None:
    c = Choices(bytes([5, 7, 1, 2]))
    assert c.below(1) == 0  # one option: no byte used
    assert c.below(3) == 5 % 3
    assert c.below(10) == 7
    assert c.below(1000) == (1 << 8 | 2) % 1000  # more than 256 options: two bytes
    past = [c.below(100) for _ in range(20)]  # the bytes are used up
    again = Choices(bytes([5, 7, 1, 2]))
    for n in (1, 3, 10, 1000):
        again.below(n)
    assert [again.below(100) for _ in range(20)] == past
    other = Choices(bytes([5, 7, 1, 3]))
    for n in (1, 3, 10, 1000):
        other.below(n)
    assert [other.below(100) for _ in range(20)] != past
    assert all(0 <= v < 100 for v in past)


def _walk(blob: bytes, max_steps: int = 50) -> list[Step]:
    world = World(_LAPOR, REGISTRY, DEFAULT_START)
    Walker(_LAPOR).walk(world, Choices(blob), max_steps, world.apply)
    return [o.step for o in world.log]


def test_a_scenario_is_a_function_of_its_bytes() -> None:
    blob = random.Random(3).randbytes(SCENARIO_BYTES)
    assert _walk(blob) == _walk(blob)
    assert _walk(blob) != _walk(random.Random(4).randbytes(SCENARIO_BYTES))


def test_walks_get_deep_into_the_procedure_with_some_refusals() -> None:
    fired = accepted = 0
    states: set[str] = set()
    for k in range(20):
        world = World(_LAPOR, REGISTRY, DEFAULT_START)
        Walker(_LAPOR).walk(
            world, Choices(random.Random(k).randbytes(SCENARIO_BYTES)), 50, world.apply
        )
        assert len(world.log) >= 51  # the first case and fifty rules, some of several steps
        for o in world.log:
            states.add(o.target)
            if o.step.kind == "fire":
                fired += 1
                accepted += o.accepted
    assert len(states - {""}) >= 0.8 * len(_LAPOR.definition.states)
    assert 0.25 < accepted / fired < 0.9  # mostly allowed commands; refusals explored too


def test_the_same_seed_gives_the_same_exploration() -> None:
    steps: list[list[Step]] = []
    original = World.apply

    def recording(self: World, step: Step) -> Any:
        if not self.log:
            steps.append([])
        steps[-1].append(step)
        return original(self, step)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(World, "apply", recording)
        first = explore(_LAPOR, registry=REGISTRY, max_examples=8, seed=42)
        once = list(steps)
        steps.clear()
        second = explore(_LAPOR, registry=REGISTRY, max_examples=8, seed=42)
        again = list(steps)
        other = explore(_LAPOR, registry=REGISTRY, max_examples=8, seed=43)
    assert once == again
    assert len(once) == 8
    assert (first.steps, first.coverage.rows()) == (second.steps, second.coverage.rows())
    assert other.steps != first.steps


def test_the_stateful_machine_still_finds_a_defect_for_callers_composing_rules() -> None:
    sop = compile_sop(load_definition(BUGGY, registry=REGISTRY), REGISTRY)
    machine = state_machine(sop, REGISTRY, invariants=["arsip_beralasan"])
    seed(5)(machine)
    config = settings(
        max_examples=100,
        stateful_step_count=50,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    with pytest.raises(InvariantViolated) as caught:
        run_state_machine_as_test(machine, settings=config)
    assert caught.value.invariant == "arsip_beralasan"


def test_a_long_scenario_stays_inside_the_calendar() -> None:
    # a thousand rules run about five simulated years: past 2030, the end of the calendar,
    # every deadline raised CalendarExhausted and the checks reported it as a crash
    result = explore(_LAPOR, registry=REGISTRY, max_examples=2, max_steps=1000, seed=1)
    assert result.failure is None, result.failure
    assert result.steps > 2000
    world = World(_LAPOR, REGISTRY, DEFAULT_START)
    Walker(_LAPOR).walk(
        world, Choices(random.Random(0).randbytes(SCENARIO_BYTES)), 1000, world.apply
    )
    assert world.calendar is not None
    assert world.clock.now().year < world.calendar.years[1]


@pytest.mark.parametrize(
    ("argument", "value"),
    [("max_examples", 0), ("max_steps", 0), ("max_steps", -3), ("max_examples", True)],
)
def test_explore_refuses_a_budget_below_one_with_a_typed_error(argument: str, value: Any) -> None:
    with pytest.raises(InvalidArgument) as caught:
        explore(_LAPOR, registry=REGISTRY, seed=1, **{argument: value})
    assert caught.value.argument == argument
    assert "at least 1" in str(caught.value)


@pytest.mark.parametrize("option", ["--max-examples", "--max-steps"])
def test_sop_test_answers_a_budget_of_zero_with_a_usage_error(option: str) -> None:
    result = CliRunner().invoke(main, ["test", str(LAPOR), option, "0", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert option in result.output
    assert "0 is not in the range x>=1" in result.output
