"""Differential testing against ``transitions``, for plugin authors who add guards.

The engine runs its own compiled dispatch table; :meth:`CompiledSop.machine` builds a
``transitions.Machine`` from the same SOP with the same bound guards, which is the reference
semantics (first alternative whose conditions pass wins). A guard that behaves differently in the
two — because it keeps state between calls, reads the wrong argument or raises — shows up as a
different outcome for the same command. :func:`compare_with_transitions` checks one command
sequence; :func:`check_against_transitions` lets Hypothesis search for a disagreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.errors import CommandRefused, EthicsViolation, EventNotAllowed, UnknownEvent
from sop_engine._core.records import Actor
from sop_engine._engine import Engine
from sop_engine.testing.strategies import case_data, event_sequences

__all__ = ["check_against_transitions", "compare_with_transitions"]

Command = tuple[str, Actor, Mapping[str, Any]]


class _Model:
    state: str


def compare_with_transitions(
    sop: CompiledSop, registry: Registry, data: Mapping[str, Any], commands: Iterable[Command]
) -> None:
    """Run ``commands`` through the engine and a ``transitions`` machine of the same SOP.

    Raises ``AssertionError`` naming the first command on which the two disagree (accepted,
    refused or no transition; or the state reached).
    """
    from transitions import MachineError

    engine = Engine(registry=registry)
    engine.add(sop)
    intake = sop.definition.intake_roles or tuple(r.name for r in sop.definition.roles)
    case_id = engine.start(sop.id, data, Actor("intake", intake[0])).id
    model = _Model()
    sop.machine(model)
    for k, (event, actor, payload) in enumerate(commands, start=1):
        case = engine.get(case_id)
        blocked = False
        try:
            engine.fire(case_id, event, actor, payload)
            ours = "accepted"
        except EthicsViolation:
            # the dispatch table chose a transition and the code of ethics (a layer the Machine
            # does not model) refused it afterwards: the dispatch decision must still match
            ours, blocked = "accepted", True
        except (UnknownEvent, EventNotAllowed):
            ours = "no transition"
        except CommandRefused:
            ours = "refused"
        try:
            ok = model.trigger(event, case=case, actor=actor, payload=payload)  # type: ignore[attr-defined]
            theirs = "accepted" if ok else "refused"
        except (MachineError, AttributeError):
            theirs = "no transition"
        if blocked:
            model.state = case.state  # the refused command left the case where it was
        if ours != theirs or model.state != engine.get(case_id).state:
            raise AssertionError(
                f"command {k} ({event!r} by {actor.role!r} with {dict(payload)!r} in "
                f"{case.state!r}): the engine {ours} it (now {engine.get(case_id).state!r}), "
                f"transitions {theirs} it (now {model.state!r})"
            )


def check_against_transitions(
    sop: CompiledSop, registry: Registry, *, max_examples: int = 100, max_commands: int = 25
) -> None:
    """Search for a command sequence on which the engine and ``transitions`` disagree.

    Call it from a test; Hypothesis shrinks a disagreement to a minimal sequence and raises.
    """

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=case_data(sop), commands=event_sequences(sop, max_size=max_commands))
    def run(data: dict[str, Any], commands: list[Command]) -> None:
        compare_with_transitions(sop, registry, data, commands)

    run()
