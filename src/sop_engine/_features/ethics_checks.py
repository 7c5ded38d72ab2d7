"""The code-of-ethics checks every SOP may use, registered like any plugin.

Each check is the machine-checkable form of one clause that Indonesian complaint-handling codes
of ethics share (UU 25/2009, Perpres 76/2013, agency codes; see ``docs/ethics.md``), and names the
Ombudsman maladministration types it guards against. Checks read values only: the case before
the command, what the command carries, the data it would leave, and, for the few that need it,
the case's trail (declarations of interest, who did what).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sop_engine._core.i18n import N_, Msg, both
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import Case, Declaration
from sop_engine._core.text import Text
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.specs import EthicsCheckFn, EthicsCheckSpec, EthicsContext

__all__ = ["DECLARE_EVENT"]

DECLARE_EVENT = SystemEvent.DECLARE
"""The audit event of an officer's declaration of (no) conflict of interest on a case."""

_FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "a case field name"}
_FIELDS = {"type": "array", "items": _FIELD, "minItems": 1}
_EVENT = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_LENGTH = {"type": "integer", "minimum": 1, "maximum": 10000}


def _obj(properties: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _value(ctx: EthicsContext, name: str) -> Any:
    """A value as the command leaves it: what it carries, else the case data after it."""
    if name in ctx.payload:
        return ctx.payload[name]
    return ctx.data.get(name)


def _filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, int | float):
        return value != 0
    return bool(value)


def _words(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _latest(case: Case, officer: str) -> Declaration | None:
    """The officer's latest declaration on the case (kept on the snapshot: no trail read)."""
    if not case.declarations:
        return None
    return next((d for d in reversed(case.declarations) if d.officer == officer), None)


# -- conflict of interest ----------------------------------------------------------------------


def _conflict(params: Mapping[str, Any]) -> EthicsCheckFn:
    official = params.get("official")
    unit = params.get("unit")

    def check(ctx: EthicsContext) -> Text | None:
        actor = ctx.actor
        if official is not None and ctx.data.get(official) == actor.id:
            return both(N_("the officer is the reported official and must recuse from this case"))
        if unit is not None and actor.unit is not None and ctx.data.get(unit) == actor.unit:
            return both(Msg("the officer belongs to the reported unit ({unit})", unit=actor.unit))
        declared = _latest(ctx.case, actor.id)
        if declared is not None and declared.conflict:
            relation = declared.relation or "-"
            return both(
                Msg(
                    "the officer declared a conflict of interest ({relation}) and must recuse",
                    relation=relation,
                )
            )
        return None

    return check


def _declaration(params: Mapping[str, Any]) -> EthicsCheckFn:
    def check(ctx: EthicsContext) -> Text | None:
        declared = _latest(ctx.case, ctx.actor.id)
        if declared is not None and not declared.conflict:
            return None
        return both(N_("the officer has not recorded a no-conflict declaration on this case"))

    return check


def _separation(params: Mapping[str, Any]) -> EthicsCheckFn:
    performed = frozenset(params["performed"])

    def check(ctx: EthicsContext) -> Text | None:
        done = sorted(
            {e.event for e in ctx.history() if e.actor.id == ctx.actor.id and e.event in performed}
        )
        if not done:
            return None
        listed = ", ".join(done)
        return both(
            Msg(
                "the officer who did {listed} on this case may not do {event}",
                listed=listed,
                event=ctx.event,
            )
        )

    return check


# -- money -------------------------------------------------------------------------------------


def _no_fee(params: Mapping[str, Any]) -> EthicsCheckFn:
    """A fee recorded by the command, or (``carried_only: false``, the default) on the case.

    With ``carried_only: true`` only what the command itself carries counts: a fee the reporter
    complains about, recorded at intake, is evidence, not a charge, and must not block every
    later command (the case could never move again)."""
    fields = tuple(params["fields"])
    carried_only = bool(params.get("carried_only", False))

    def check(ctx: EthicsContext) -> Text | None:
        if carried_only:
            if ctx.payload.keys().isdisjoint(fields):
                return None  # the command carries none of them (most commands)
            paid = [f for f in fields if _filled(ctx.payload.get(f))]
        else:
            paid = [f for f in fields if _filled(_value(ctx, f))]
        if not paid:
            return None
        return both(
            Msg(
                "complaints are handled free of charge; a fee is recorded in {paid}",
                paid=", ".join(paid),
            )
        )

    return check


def _attestation(params: Mapping[str, Any]) -> EthicsCheckFn:
    field = params["field"]

    def check(ctx: EthicsContext) -> Text | None:
        if _value(ctx, field) is True:
            return None
        return both(
            Msg(
                "the officer must attest that no reward was requested or received ({field}: true)",
                field=field,
            )
        )

    return check


# -- impartiality, completeness, timeliness ----------------------------------------------------


def _override(params: Mapping[str, Any]) -> EthicsCheckFn:
    field, why, least = params["field"], params["justification"], params.get("min_length", 20)

    def check(ctx: EthicsContext) -> Text | None:
        if ctx.case.data.get(field) == ctx.data.get(field):
            return None
        if len(_words(_value(ctx, why))) >= least:
            return None
        return both(
            Msg(
                "overriding {field} needs a recorded justification in {why} (at least {least} chars)",
                field=field,
                why=why,
                least=least,
            )
        )

    return check


def _complete(params: Mapping[str, Any]) -> EthicsCheckFn:
    field, least = params["field"], params.get("min_length", 50)
    elements = tuple(params.get("elements", ()))

    def check(ctx: EthicsContext) -> Text | None:
        missing = [e for e in elements if not _filled(_value(ctx, e))]
        text = _words(_value(ctx, field))
        if len(text) >= least and not missing:
            return None
        parts: list[Msg] = []
        if len(text) < least:
            parts.append(
                Msg(
                    "{field} has only {n} characters (at least {least})",
                    field=field,
                    n=len(text),
                    least=least,
                )
            )
        if missing:
            parts.append(Msg("missing elements: {missing}", missing=", ".join(missing)))
        return both(
            Msg(
                "the response is incomplete: {parts}",
                parts=parts[0]
                if len(parts) == 1
                else Msg("{first}; {second}", first=parts[0], second=parts[1]),
            )
        )

    return check


def _late(params: Mapping[str, Any]) -> EthicsCheckFn:
    field, least = params["field"], params.get("min_length", 10)
    names = frozenset(params["deadlines"]) if "deadlines" in params else None

    def check(ctx: EthicsContext) -> Text | None:
        late = sorted(
            d.name
            for d in ctx.case.deadlines
            if (names is None or d.name in names)
            and d.status == "running"
            and (d.level > 0 or (d.due_at is not None and d.due_at <= ctx.now))
        )
        if not late or len(_words(_value(ctx, field))) >= least:
            return None
        return both(
            Msg(
                "deadline {late} is breached; record the reason for the delay in {field}",
                late=", ".join(late),
                field=field,
            )
        )

    return check


@hookimpl
def sop_engine_ethics_checks() -> list[EthicsCheckSpec]:
    return [
        EthicsCheckSpec(
            "conflict_of_interest",
            both(N_("the officer is not the reported official or unit and declared no conflict")),
            _obj({"official": _FIELD, "unit": _FIELD}),
            _conflict,
            ("konflik_kepentingan", "berpihak"),
            field_params=("official", "unit"),
        ),
        EthicsCheckSpec(
            "declaration_required",
            both(N_("the officer recorded a no-conflict declaration on the case")),
            _obj({}),
            _declaration,
            ("konflik_kepentingan", "penyimpangan_prosedur"),
        ),
        EthicsCheckSpec(
            "separation_of_duties",
            both(N_("whoever did the given steps on a case may not do this one")),
            _obj({"performed": {"type": "array", "items": _EVENT, "minItems": 1}}, ["performed"]),
            _separation,
            ("penyalahgunaan_wewenang", "penyimpangan_prosedur"),
            event_params=("performed",),
        ),
        EthicsCheckSpec(
            "no_fee",
            both(N_("no fee requested or paid")),
            _obj({"fields": _FIELDS, "carried_only": {"type": "boolean"}}, ["fields"]),
            _no_fee,
            ("permintaan_imbalan",),
            field_params=("fields",),
        ),
        EthicsCheckSpec(
            "gratuity_attestation",
            both(N_("the officer attests that no reward was requested or received")),
            _obj({"field": _FIELD}, ["field"]),
            _attestation,
            ("permintaan_imbalan",),
            field_params=("field",),
        ),
        EthicsCheckSpec(
            "justified_override",
            both(N_("a priority or classification override carries a recorded justification")),
            _obj(
                {"field": _FIELD, "justification": _FIELD, "min_length": _LENGTH},
                ["field", "justification"],
            ),
            _override,
            ("berpihak", "diskriminasi"),
            field_params=("field", "justification"),
        ),
        EthicsCheckSpec(
            "response_complete",
            both(N_("the response has the required elements and is not boilerplate")),
            _obj(
                {"field": _FIELD, "min_length": _LENGTH, "elements": _FIELDS},
                ["field"],
            ),
            _complete,
            ("tidak_memberikan_pelayanan", "tidak_kompeten"),
            field_params=("field", "elements"),
        ),
        EthicsCheckSpec(
            "late_justification",
            both(N_("acting after a breached deadline carries a recorded justification")),
            _obj(
                {
                    "field": _FIELD,
                    "min_length": _LENGTH,
                    "deadlines": {"type": "array", "items": _EVENT, "minItems": 1},
                },
                ["field"],
            ),
            _late,
            ("penundaan_berlarut",),
            field_params=("field",),
            deadline_params=("deadlines",),
        ),
    ]
