"""Hypothesis strategies shared by the property tests: commands for an SOP, random SOPs."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from sop_engine import Actor, CompiledSop, Registry, compile_sop
from sop_engine._core.definition import (
    CallRef,
    EventSpec,
    FieldSpec,
    Meta,
    RoleSpec,
    SopDefinition,
    StateSpec,
    TransitionSpec,
)
from sop_engine._core.text import Text

UNITS = ("dinas_pupr", "dinas_kesehatan", "inspektorat", "bapenda")


def value_for(field: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid values for a field, biased towards ones guards care about (empty text, limits)."""
    if field.type == "enum":
        return st.sampled_from(field.values)
    if field.type == "bool":
        return st.booleans()
    if field.type in ("integer", "number"):
        return st.integers(min_value=0, max_value=3)
    if field.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    if field.type == "datetime":
        return st.just("2026-03-02T09:00:00+07:00")
    if field.type == "ref" and field.ref == "unit":
        return st.sampled_from(UNITS)
    if field.type == "ref":
        return st.sampled_from(["pelapor-1", "budi", "siti"])
    return st.sampled_from(["", "  ", "Jl. Merdeka", "dinas_pupr", "isi laporan"])


def actors(sop: CompiledSop) -> st.SearchStrategy[Actor]:
    # 'sistem' is the engine's own role: callers are refused it before any SOP rule (issue 18)
    roles = [r.name for r in sop.definition.roles if r.name != "sistem"]
    return st.builds(
        Actor,
        id=st.sampled_from(["a", "b", "c"]),
        role=st.sampled_from([*roles, "orang_luar"]),
        unit=st.none() | st.sampled_from(UNITS),
    )


@st.composite
def payloads(draw: st.DrawFn, sop: CompiledSop, event: str) -> dict[str, Any]:
    spec = sop.events.get(event)
    if spec is None:
        return {}
    out: dict[str, Any] = {}
    for name, field in spec.data.items():
        if draw(st.integers(0, 9)) < (8 if field.required else 5):
            out[name] = draw(value_for(field))
    if draw(st.integers(0, 19)) == 0:
        out["tidak_dikenal"] = 1  # an unknown name: must be refused
    return out


@st.composite
def commands(draw: st.DrawFn, sop: CompiledSop) -> tuple[str, Actor, dict[str, Any]]:
    events = [e.name for e in sop.definition.events]
    event = draw(st.sampled_from(events) | st.just("peristiwa_asing"))
    return event, draw(actors(sop)), draw(payloads(sop, event))


def _filled(field: FieldSpec) -> st.SearchStrategy[Any]:
    """A value for a required field at intake: required text is never blank (issue 20)."""
    values = value_for(field)
    return values.filter(lambda v: str(v).strip() != "") if field.type == "text" else values


def case_data(sop: CompiledSop) -> st.SearchStrategy[dict[str, Any]]:
    required = {n: _filled(f) for n, f in sop.fields.items() if f.required}
    optional = {n: value_for(f) for n, f in sop.fields.items() if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


# -- random SOP definitions (built as records: they need not pass the linter) ------------------

_FIELDS = (
    FieldSpec("flag", "bool", Text("flag")),
    FieldSpec("kind", "enum", Text("kind"), values=("a", "b", "c")),
    FieldSpec("count", "integer", Text("count")),
    FieldSpec("unit", "ref", Text("unit"), ref="unit"),
)
_ROLES = ("r1", "r2", "r3")


def _guards() -> st.SearchStrategy[tuple[CallRef, ...]]:
    one = st.one_of(
        st.builds(lambda v: CallRef("field_equals", {"field": "flag", "value": v}), st.booleans()),
        st.builds(
            lambda vs: CallRef("field_in", {"field": "kind", "values": vs}),
            st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda m: CallRef("count_below", {"field": "count", "max": m}), st.integers(1, 3)
        ),
        st.just(CallRef("actor_unit_matches", {"field": "unit"})),
        st.just(CallRef("fields_complete", {"fields": ["kind"]})),
    )
    return st.lists(one, max_size=2).map(tuple)


def _actions() -> st.SearchStrategy[tuple[CallRef, ...]]:
    one = st.one_of(
        st.builds(lambda v: CallRef("set_field", {"field": "flag", "value": v}), st.booleans()),
        st.just(CallRef("increment", {"field": "count"})),
        st.just(CallRef("clear_field", {"field": "kind"})),
    )
    return st.lists(one, max_size=2).map(tuple)


@st.composite
def random_sops(draw: st.DrawFn, registry: Registry) -> CompiledSop:
    n_states = draw(st.integers(2, 6))
    names = [f"s{i}" for i in range(n_states)]
    finals = set(draw(st.lists(st.sampled_from(names[1:]), max_size=2)))
    states = tuple(
        StateSpec(n, Text(n), initial=(i == 0), final=n in finals) for i, n in enumerate(names)
    )
    n_events = draw(st.integers(1, 4))
    events = []
    for i in range(n_events):
        data = draw(st.lists(st.sampled_from(_FIELDS[:2]), max_size=2, unique=True))
        roles = tuple(draw(st.lists(st.sampled_from(_ROLES), min_size=1, max_size=2, unique=True)))
        events.append(EventSpec(f"e{i}", Text(f"e{i}"), roles=roles, data=tuple(data)))
    sources = [n for n in names if n not in finals]
    transitions = []
    for index in range(1, draw(st.integers(1, 10)) + 1):
        ev = draw(st.sampled_from(events))
        roles = draw(
            st.none() | st.lists(st.sampled_from(_ROLES), min_size=1, max_size=2, unique=True)
        )
        transitions.append(
            TransitionSpec(
                index=index,
                event=ev.name,
                sources=tuple(
                    draw(st.lists(st.sampled_from(sources), min_size=1, max_size=2, unique=True))
                ),
                dest=draw(st.sampled_from(names)),
                roles=tuple(roles) if roles is not None else None,
                guards=draw(_guards()),
                actions=draw(_actions()),
            )
        )
    definition = SopDefinition(
        meta=Meta("acak", "1", Text("acak"), "uji"),
        roles=tuple(RoleSpec(r, Text(r)) for r in _ROLES),
        fields=_FIELDS,
        states=states,
        events=tuple(events),
        transitions=tuple(transitions),
        content_hash=f"random-{draw(st.integers(0, 10**9))}",
    )
    return compile_sop(definition, registry)
