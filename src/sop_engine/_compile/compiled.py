"""Compiling a validated SOP into an immutable dispatch table, and into a transitions Machine.

The engine runs on the table: ``table[state][event]`` gives the ordered alternatives, each with its
roles as a frozenset and its guards and actions already bound to their parameters. Nothing is
looked up by name while a command runs, so the cost of a command does not grow with the number of
plugins or with the size of the SOP. Everything named in the file is bound here, through
:class:`~sop_engine._compile.binding.Binder`: guards, actions, the code-of-ethics checks and the
deadlines' calendar; a binding that fails is a finding, raised as :class:`SopValidationError`.

The same definition also builds a ``transitions.Machine`` (:meth:`CompiledSop.machine`): that is
the reference semantics. The differential test in ``tests/test_differential.py`` drives both with
random commands and requires the same accepted/refused outcome and the same resulting state.
The Machine is also what :meth:`~sop_engine.engine.Engine.available` asks, so the officer's screen
uses the library's own ``may_trigger`` answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sop_engine._compile.binding import Binder
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.datatypes import Validator, check_record, validator_for
from sop_engine._core.definition import FieldSpec, SopDefinition
from sop_engine._core.errors import SopValidationError
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import Msg
from sop_engine._core.text import Text
from sop_engine._features.deadlines import DeadlinePlan
from sop_engine._features.ethics import EthicsPlan, EthicsSection
from sop_engine._spec.specs import ActionFn, GuardFn

__all__ = ["CompiledEvent", "CompiledSop", "CompiledTransition", "bind_sop", "compile_sop"]


@attrs.frozen(slots=True)
class CompiledTransition:
    """One alternative for (state, event), ready to run."""

    index: int
    source: str
    event: str
    dest: str
    roles: frozenset[str]
    guards: tuple[tuple[str, GuardFn], ...]
    actions: tuple[tuple[str, ActionFn], ...]
    passed: tuple[tuple[str, bool], ...]
    """The guard record written to the audit event when every guard passed (built once)."""


@attrs.frozen(slots=True)
class CompiledEvent:
    """An event's label and the validation of the data it carries."""

    name: str
    label: Text
    data: Mapping[str, FieldSpec]
    validators: Mapping[str, Validator]
    required: tuple[str, ...]
    writes: tuple[str, ...]
    """Names of carried data that are case fields: their values are written into the case."""
    personal: frozenset[str] = frozenset()
    """Names of carried data that are personal data of the reporter."""
    sealed: frozenset[str] = frozenset()
    """Names of carried data kept sealed by durable stores: personal ones and free text."""

    def check(self, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[Msg]]:
        """Validate and normalise the carried data; problems are returned, not raised."""
        validators = self.validators
        out: dict[str, Any] = {}
        try:
            for key, value in payload.items():
                out[key] = validators[key](value)
        except (KeyError, ValueError, AttributeError):
            # Slow path only on bad input: collect every problem with a readable message.
            return check_record(payload, self.data, self.validators)
        for name in self.required:
            if name not in out:
                return check_record(payload, self.data, self.validators)
        return out, []


@attrs.frozen(slots=True)
class CompiledSop:
    """An SOP ready to run. Immutable: load a new file to change the procedure."""

    definition: SopDefinition
    table: Mapping[str, Mapping[str, tuple[CompiledTransition, ...]]]
    events: Mapping[str, CompiledEvent]
    fields: Mapping[str, FieldSpec]
    field_validators: Mapping[str, Validator]
    initial: str
    finals: frozenset[str]
    deadlines: DeadlinePlan | None = None
    """The compiled ``deadlines`` section, when the SOP has one."""
    personal: frozenset[str] = frozenset()
    """Case fields holding personal data of the reporter."""
    sealed: tuple[str, ...] = ()
    """Case fields durable stores keep sealed (personal and free-text ones), sorted."""
    ethics: EthicsPlan | None = None
    """The compiled ``ethics`` section (code-of-ethics rules, confidentiality), if any."""
    calendar: WorkingCalendar | None = None
    """The working-day calendar of the ``deadlines`` section, bound (``None`` without one)."""

    @property
    def id(self) -> str:
        return self.definition.meta.id

    @property
    def hash(self) -> str:
        return self.definition.content_hash

    def events_from(self, state: str) -> tuple[str, ...]:
        """Events that have at least one transition out of ``state`` (guards and roles ignored)."""
        return tuple(self.table.get(state, {}))

    def check_case_data(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Msg]]:
        return check_record(data, self.fields, self.field_validators)

    def machine(self, model: Any = None, *, initial: str | None = None) -> Any:
        """A ``transitions.Machine`` with the same states and transitions as this SOP.

        Conditions receive ``case``, ``actor`` and ``payload`` keyword arguments (``send_event``)
        and apply the same data validation, role check and guards as the engine. Use it for
        introspection and what-if simulation; the engine itself runs on the compiled table.
        """
        from transitions import Machine

        states = [s.name for s in self.definition.states]
        spec: list[dict[str, Any]] = []
        for by_event in self.table.values():
            for options in by_event.values():
                for t in options:
                    spec.append(
                        {
                            "trigger": t.event,
                            "source": t.source,
                            "dest": t.dest,
                            "conditions": [_condition(self.events[t.event], t)],
                        }
                    )
        spec.sort(key=lambda d: d["conditions"][0].index)
        return Machine(
            model=model,
            states=states,
            transitions=spec,
            initial=initial or self.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )


class _Condition:
    """A transitions condition running the engine's own checks for one alternative."""

    def __init__(self, event: CompiledEvent, t: CompiledTransition) -> None:
        self.event = event
        self.t = t
        self.index = t.index
        self.__name__ = f"t{t.index}"

    def __call__(self, event_data: Any) -> bool:
        kw = event_data.kwargs
        case, actor, payload = kw["case"], kw["actor"], kw.get("payload") or {}
        _, problems = self.event.check(payload)
        if problems or actor.role not in self.t.roles:
            return False
        return all(g(case, actor, payload) is None for _, g in self.t.guards)


def _condition(event: CompiledEvent, t: CompiledTransition) -> _Condition:
    return _Condition(event, t)


def compile_sop(definition: SopDefinition, registry: Registry) -> CompiledSop:
    """Bind every name of a *validated* definition and build the dispatch table.

    Raises :class:`SopValidationError` with the findings when something cannot be bound.
    """
    compiled, findings = bind_sop(definition, registry)
    if compiled is None:
        raise SopValidationError(findings)
    return compiled


def bind_sop(
    definition: SopDefinition, registry: Registry
) -> tuple[CompiledSop | None, list[Finding]]:
    """The compiled SOP, or ``None`` and the findings saying what could not be bound."""
    binder = Binder(definition, registry)
    table = _table(definition, binder)
    ethics_section: EthicsSection | None = definition.sections.get("ethics")
    ethics = binder.ethics(ethics_section) if ethics_section is not None else None
    deadlines: DeadlinePlan | None = definition.sections.get("deadlines")
    calendar = binder.calendar(deadlines.calendar) if deadlines is not None else None
    if binder.findings:
        return None, binder.findings
    fields = {f.name: f for f in definition.fields}
    return CompiledSop(
        definition=definition,
        table=table,
        events=_events(definition, fields),
        fields=fields,
        field_validators={n: validator_for(f) for n, f in fields.items()},
        initial=definition.initial,
        finals=frozenset(s.name for s in definition.states if s.final),
        deadlines=deadlines,
        personal=frozenset(n for n, f in fields.items() if f.personal),
        sealed=tuple(sorted(n for n, f in fields.items() if _sealed(f))),
        ethics=ethics,
        calendar=calendar,
    ), []


def _events(definition: SopDefinition, fields: Mapping[str, FieldSpec]) -> dict[str, CompiledEvent]:
    events: dict[str, CompiledEvent] = {}
    for e in definition.events:
        data = {f.name: f for f in e.data}
        events[e.name] = CompiledEvent(
            name=e.name,
            label=e.label,
            data=data,
            validators={n: validator_for(f) for n, f in data.items()},
            required=tuple(n for n, f in data.items() if f.required),
            writes=tuple(n for n in data if n in fields),
            personal=frozenset(n for n, f in data.items() if f.personal),
            sealed=frozenset(n for n, f in data.items() if _sealed(f)),
        )
    return events


def _sealed(f: FieldSpec) -> bool:
    """Whether a durable store keeps the field's values sealed: personal data and free text
    (an account, a response, a reason may name the reporter in any form)."""
    return f.personal or f.type == "text"


def _table(
    definition: SopDefinition, binder: Binder
) -> dict[str, dict[str, tuple[CompiledTransition, ...]]]:
    event_roles = {e.name: frozenset(e.roles) for e in definition.events}
    table: dict[str, dict[str, list[CompiledTransition]]] = {s.name: {} for s in definition.states}
    for t in definition.transitions:
        guards = tuple((g.name, binder.guard(g)) for g in t.guards)
        actions = tuple((a.name, binder.action(a)) for a in t.actions)
        bound_guards = tuple((n, fn) for n, fn in guards if fn is not None)
        bound_actions = tuple((n, fn) for n, fn in actions if fn is not None)
        if len(bound_guards) != len(guards) or len(bound_actions) != len(actions):
            continue  # reported by the binder; no table is returned
        roles = frozenset(t.roles) if t.roles is not None else event_roles[t.event]
        for source in t.sources:
            table[source].setdefault(t.event, []).append(
                CompiledTransition(
                    index=t.index,
                    source=source,
                    event=t.event,
                    dest=t.dest,
                    roles=roles,
                    guards=bound_guards,
                    actions=bound_actions,
                    passed=tuple((name, True) for name, _ in bound_guards),
                )
            )
    return {
        state: {event: tuple(options) for event, options in by_event.items()}
        for state, by_event in table.items()
    }
