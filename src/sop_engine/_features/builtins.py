"""The guards and actions every SOP may use, registered like any plugin.

Guards read the case *as it would be* after the event: a value the event carries under the name of
a case field counts as present. That matches how staff read an SOP ("to verify, the location must
be known") whether the location was given at intake or is supplied with the verification itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sop_engine._core.i18n import N_, Msg, both, either, reason_of
from sop_engine._core.records import Actor, Case
from sop_engine._core.text import Text
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.specs import (
    ActionContext,
    ActionFn,
    ActionSpec,
    CalendarSpec,
    GuardFn,
    GuardSpec,
)

if TYPE_CHECKING:
    from sop_engine._core.calendar import WorkingCalendar
    from sop_engine._core.definition import SopDefinition

__all__: list[str] = []

_MISSING = object()
_FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "a case field name"}
_SCALAR = {"type": ["string", "number", "boolean"]}


def _obj(properties: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _lookup(case: Case, payload: Mapping[str, Any], name: str) -> Any:
    value = payload.get(name, _MISSING)
    if value is _MISSING:
        value = case.data.get(name)
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field_type_check(field_param: str, value_param: str, many: bool = False) -> Any:
    """A load-time check that a constant parameter fits the type of the field it is compared to."""

    def check(params: Mapping[str, Any], sop: SopDefinition) -> list[Msg]:
        from sop_engine._core.datatypes import validator_for

        spec = next((f for f in sop.fields if f.name == params.get(field_param)), None)
        if spec is None:
            return []  # unknown field: reported by the generic field-name check
        validate = validator_for(spec)
        values = params.get(value_param, [])
        problems = []
        for v in values if many else [values]:
            try:
                validate(v)
            except ValueError as e:
                problems.append(
                    Msg(
                        "{param!r} {value!r} does not fit field {field!r}: {reason}",
                        param=value_param,
                        value=v,
                        field=spec.name,
                        reason=reason_of(e),
                    )
                )
        return problems

    return check


# -- guards ------------------------------------------------------------------------------------


def _fields_complete(params: Mapping[str, Any]) -> GuardFn:
    names = tuple(params["fields"])

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        # Hot path: inlined lookups, no allocation unless the guard refuses.
        data = case.data
        for n in names:
            value = payload.get(n, _MISSING)
            if value is _MISSING:
                value = data.get(n)
            if value is None or value == "" or (type(value) is str and value.isspace()):
                break
        else:
            return None
        missing = [n for n in names if _empty(_lookup(case, payload, n))]
        listed = ", ".join(missing)
        return both(Msg("data incomplete: {listed}", listed=listed))

    return guard


def _field_equals(params: Mapping[str, Any]) -> GuardFn:
    name, expected = params["field"], params["value"]

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        value = _lookup(case, payload, name)
        if value == expected and type(value) is type(expected):
            return None
        return both(
            Msg("{name} is {value!r}, not {expected!r}", name=name, value=value, expected=expected)
        )

    return guard


def _field_in(params: Mapping[str, Any]) -> GuardFn:
    name, allowed = params["field"], frozenset(params["values"])
    shown = ", ".join(map(str, params["values"]))

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        value = _lookup(case, payload, name)
        if value in allowed:
            return None
        return both(
            Msg("{name} is {value!r}, not one of {shown}", name=name, value=value, shown=shown)
        )

    return guard


def _field_not_in(params: Mapping[str, Any]) -> GuardFn:
    name, refused = params["field"], frozenset(params["values"])

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        value = _lookup(case, payload, name)
        if value not in refused:
            return None
        return both(Msg("{name} must not be {value!r}", name=name, value=value))

    return guard


def _actor_unit_matches(params: Mapping[str, Any]) -> GuardFn:
    name = params["field"]

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        unit = _lookup(case, payload, name)
        if actor.unit is not None and actor.unit == unit:
            return None
        return both(
            Msg(
                "an officer of unit {officer_unit!r} does not handle cases for unit {unit!r}",
                officer_unit=actor.unit,
                unit=unit,
            )
        )

    return guard


def _field_differs(params: Mapping[str, Any]) -> GuardFn:
    """``field`` and ``other`` do not hold the same value ("the unit it is sent to is not the
    reported unit"). Two empty fields count as the same (nothing tells them apart), so the
    guard refuses until at least one of them is filled; an empty field differs from a filled
    one."""
    name, other = params["field"], params["from"]

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        a, b = _lookup(case, payload, name), _lookup(case, payload, other)
        if _empty(a) and _empty(b):
            return both(Msg("{name} and {other} are both empty", name=name, other=other))
        if _empty(a) or _empty(b) or a != b:
            return None
        return both(Msg("{name} must not be the same as {other}", name=name, other=other))

    return guard


def _field_same(params: Mapping[str, Any]) -> GuardFn:
    """``field`` holds the same (non-empty) value as ``as`` (the verifier is the officer the
    case names)."""
    name, other = params["field"], params["as"]

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        a, b = _lookup(case, payload, name), _lookup(case, payload, other)
        if not _empty(a) and a == b:
            return None
        return both(Msg("{name} is not the same as {other}", name=name, other=other))

    return guard


def _comparable(first: str, second: str) -> Any:
    """A load-time check that two compared fields can ever hold the same kind of value."""

    def check(params: Mapping[str, Any], sop: SopDefinition) -> list[Msg]:
        fields = {f.name: f for f in sop.fields}
        a, b = fields.get(params.get(first, "")), fields.get(params.get(second, ""))
        if a is None or b is None:
            return []  # unknown field: reported by the generic field-name check
        if a.name == b.name:
            return [
                Msg(
                    "{first!r} and {second!r} name the same field {field!r}: write two fields",
                    first=first,
                    second=second,
                    field=a.name,
                )
            ]
        kind_a = f"{a.type} {a.ref}" if a.type == "ref" else a.type
        kind_b = f"{b.type} {b.ref}" if b.type == "ref" else b.type
        numbers = {"number", "integer"}
        if kind_a != kind_b and not {kind_a, kind_b} <= numbers:
            return [
                Msg(
                    "field {a!r} ({kind_a!r}) and field {b!r} ({kind_b!r}) never hold the "
                    "same kind of value: compare two fields of the same type",
                    a=a.name,
                    kind_a=kind_a,
                    b=b.name,
                    kind_b=kind_b,
                )
            ]
        return []

    return check


def _count_below(params: Mapping[str, Any]) -> GuardFn:
    name, limit = params["field"], params["max"]

    def guard(case: Case, actor: Actor, payload: Mapping[str, Any]) -> Text | None:
        value = _lookup(case, payload, name) or 0
        if value < limit:
            return None
        return both(Msg("{name} has reached its limit of {limit}", name=name, limit=limit))

    return guard


@hookimpl
def sop_engine_guards() -> list[GuardSpec]:
    return [
        GuardSpec(
            "fields_complete",
            both(
                N_(
                    "The named case fields hold a value (already on the case, or carried by the event "
                    "under the field's name)"
                )
            ),
            _obj({"fields": {"type": "array", "items": _FIELD, "minItems": 1}}, ["fields"]),
            _fields_complete,
            field_params=("fields",),
        ),
        GuardSpec(
            "field_equals",
            both(N_("The field has the given value")),
            _obj({"field": _FIELD, "value": _SCALAR}, ["field", "value"]),
            _field_equals,
            field_params=("field",),
            check=_field_type_check("field", "value"),
        ),
        GuardSpec(
            "field_in",
            both(N_("The field has one of the listed values")),
            _obj(
                {"field": _FIELD, "values": {"type": "array", "items": _SCALAR, "minItems": 1}},
                ["field", "values"],
            ),
            _field_in,
            field_params=("field",),
            check=_field_type_check("field", "values", many=True),
        ),
        GuardSpec(
            "field_not_in",
            both(N_("The field has none of the values")),
            _obj(
                {"field": _FIELD, "values": {"type": "array", "items": _SCALAR, "minItems": 1}},
                ["field", "values"],
            ),
            _field_not_in,
            field_params=("field",),
            check=_field_type_check("field", "values", many=True),
        ),
        GuardSpec(
            "actor_unit_matches",
            both(N_("The acting officer's unit is the unit recorded in the field")),
            _obj({"field": _FIELD}, ["field"]),
            _actor_unit_matches,
            field_params=("field",),
        ),
        GuardSpec(
            "field_differs",
            both(
                N_(
                    "The field does not hold the same value as another field (e.g. the unit the case is "
                    "sent to is not the reported unit)"
                )
            ),
            _obj({"field": _FIELD, "from": _FIELD}, ["field", "from"]),
            _field_differs,
            field_params=("field", "from"),
            check=_comparable("field", "from"),
        ),
        GuardSpec(
            "field_same",
            both(N_("The field holds the same value as another field")),
            _obj({"field": _FIELD, "as": _FIELD}, ["field", "as"]),
            _field_same,
            field_params=("field", "as"),
            check=_comparable("field", "as"),
        ),
        GuardSpec(
            "count_below",
            both(N_("A counter is below its limit")),
            _obj({"field": _FIELD, "max": {"type": "integer", "minimum": 1}}, ["field", "max"]),
            _count_below,
            field_params=("field",),
            check=_require_type("field", ("integer", "number")),
        ),
    ]


# -- actions -----------------------------------------------------------------------------------


def _set_field(params: Mapping[str, Any]) -> ActionFn:
    name, value = params["field"], params["value"]

    def action(data: dict[str, Any], ctx: ActionContext) -> None:
        data[name] = value

    return action


def _clear_field(params: Mapping[str, Any]) -> ActionFn:
    name = params["field"]

    def action(data: dict[str, Any], ctx: ActionContext) -> None:
        data.pop(name, None)

    return action


def _increment(params: Mapping[str, Any]) -> ActionFn:
    name, by = params["field"], params.get("by", 1)

    def action(data: dict[str, Any], ctx: ActionContext) -> None:
        data[name] = (data.get(name) or 0) + by

    return action


def _record_actor(params: Mapping[str, Any]) -> ActionFn:
    name, what = params["field"], params.get("what", "id")

    def action(data: dict[str, Any], ctx: ActionContext) -> None:
        data[name] = ctx.actor.unit if what == "unit" else ctx.actor.id

    return action


def _record_time(params: Mapping[str, Any]) -> ActionFn:
    name = params["field"]

    def action(data: dict[str, Any], ctx: ActionContext) -> None:
        data[name] = ctx.now.isoformat()

    return action


def _require_type(param: str, kinds: tuple[str, ...]) -> Any:
    def check(params: Mapping[str, Any], sop: SopDefinition) -> list[Msg]:
        spec = next((f for f in sop.fields if f.name == params.get(param)), None)
        if spec is None or spec.type in kinds:
            return []
        return [
            Msg(
                "field {field!r} is of type {kind!r}; this needs {kinds}",
                field=spec.name,
                kind=spec.type,
                kinds=either([repr(k) for k in kinds]),
            )
        ]

    return check


@hookimpl
def sop_engine_actions() -> list[ActionSpec]:
    return [
        ActionSpec(
            "set_field",
            both(N_("Set a field to a fixed value")),
            _obj({"field": _FIELD, "value": _SCALAR}, ["field", "value"]),
            _set_field,
            field_params=("field",),
            check=_field_type_check("field", "value"),
        ),
        ActionSpec(
            "clear_field",
            both(N_("Clear a field")),
            _obj({"field": _FIELD}, ["field"]),
            _clear_field,
            field_params=("field",),
        ),
        ActionSpec(
            "increment",
            both(N_("Add to a counter")),
            _obj({"field": _FIELD, "by": {"type": "integer"}}, ["field"]),
            _increment,
            field_params=("field",),
            check=_require_type("field", ("integer", "number")),
        ),
        ActionSpec(
            "record_actor",
            both(N_("Record the acting officer (or unit)")),
            _obj({"field": _FIELD, "what": {"enum": ["id", "unit"]}}, ["field"]),
            _record_actor,
            field_params=("field",),
            check=_require_type("field", ("ref", "text")),
        ),
        ActionSpec(
            "record_time",
            both(N_("Record the instant of the event")),
            _obj({"field": _FIELD}, ["field"]),
            _record_time,
            field_params=("field",),
            check=_require_type("field", ("datetime",)),
        ),
    ]


@hookimpl
def sop_engine_calendars() -> list[CalendarSpec]:
    from sop_engine._core.calendar import indonesia

    def national_only(**kwargs: Any) -> WorkingCalendar:
        return indonesia(cuti_bersama=False, **kwargs)

    return [
        CalendarSpec(
            "ID",
            both(N_("Indonesia: weekends, national holidays and cuti bersama")),
            indonesia,
        ),
        CalendarSpec(
            "ID-nasional",
            both(N_("Indonesia: weekends and national holidays (cuti bersama are working days)")),
            national_only,
        ),
    ]
