"""The ``invariants`` section: what must always hold for a case, written by policy staff.

An invariant is a rule about every case at every moment, e.g. "a case in ``selesai`` has a
response". The testing kit (:mod:`sop_engine.testing`) checks them after every step of its
random exploration; nothing here runs while cases are handled in production.

The language is declarative on purpose: SOP files are untrusted, so an invariant is a mapping of
named checks (``field_present``, ``history_has``, ...) interpreted by this module, never an
expression handed to ``eval``. ``when`` says which cases the rule is about (their state and the
same checks), ``require`` what those cases must satisfy; all checks of a mapping must hold::

    invariants:
      selesai_ada_tanggapan:
        title: { id: Laporan selesai selalu punya tanggapan, en: A completed case has a response }
        when: { states: [selesai] }
        require: { field_present: tanggapan, history_has: setujui_tanggapan }

A built-in check of the testing kit (:data:`BUILTIN`) may be switched off for one SOP, with the
reason written where the policy officer reads it: ``deadlines_follow_state: {disabled_because:
"..."}``. The reason is mandatory and not blank, so a switched-off check is never silent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sop_engine._core.i18n import N_, Msg, both
from sop_engine._core.records import AuditEvent, Case
from sop_engine._core.text import Text
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.names import SectionNames, SectionProblem
from sop_engine._spec.specs import SectionSpec

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition
    from sop_engine._spec.specs import SpecTables

__all__ = ["BUILTIN", "CHECKS", "Check", "Invariant", "build"]

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_NAMES = {"anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1, "uniqueItems": True}]}
_TEXT = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"id": {"type": "string", "minLength": 1}, "en": {"type": "string"}},
            "required": ["id"],
            "additionalProperties": False,
        },
    ]
}

BUILTIN: dict[str, Text] = {
    "refusal_changes_nothing": both(N_("a refused command changes nothing")),
    "audit_chain": both(N_("the audit trail is complete and its chain intact")),
    "replay": both(N_("replaying the audit trail gives the same case")),
    "deadlines_follow_state": both(
        N_("every open case has the deadline clocks its state calls for")
    ),
    "escalation_on_breach": both(N_("a breached deadline has reached its escalation level")),
    "no_crash": both(N_("every command is accepted or refused, never crashes")),
    "ethics_block_holds": both(
        N_("a command that breaks a blocking code-of-ethics rule never goes through")
    ),
    "timed_events_accepted": both(
        N_("a timed event (expiry, escalation) is never refused by the SOP")
    ),
    "case_can_move": both(N_("every open case can still be moved on by some role, or by time")),
}
"""The checks of the testing kit every SOP is held to, by name (an SOP may switch one off with
``disabled_because``)."""

CHECKS: dict[str, Text] = {
    "field_present": both(N_("the data is filled in (not empty)")),
    "field_absent": both(N_("the data is absent or empty")),
    "field_equals": both(N_("the data has the given value")),
    "history_has": both(N_("the event happened at some point")),
    "history_lacks": both(N_("the event never happened")),
    "clock_running": both(N_("the deadline clock is running")),
}
"""The checks an invariant may use, with what each means."""

_CHECK_SCHEMA: dict[str, Any] = {
    "field_present": _NAMES,
    "field_absent": _NAMES,
    "field_equals": {
        "type": "object",
        "propertyNames": _NAME,
        "additionalProperties": {"type": ["string", "number", "boolean"]},
        "minProperties": 1,
    },
    "history_has": _NAMES,
    "history_lacks": _NAMES,
    "clock_running": _NAMES,
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "rules every case must satisfy at every moment, checked by `sop test`",
    "propertyNames": _NAME,
    "additionalProperties": {
        "type": "object",
        "properties": {
            "disabled_because": {
                **_TEXT,
                "description": "switches off the built-in check of this name; why, in words "
                "a supervisor can judge (only with no other key)",
            },
            "title": _TEXT,
            "description": _TEXT,
            "when": {
                "type": "object",
                "description": "which cases the rule is about (all must match; default: all)",
                "properties": {"states": _NAMES, **_CHECK_SCHEMA},
                "additionalProperties": False,
                "minProperties": 1,
            },
            "require": {
                "type": "object",
                "description": "what those cases must satisfy (all must hold)",
                "properties": _CHECK_SCHEMA,
                "additionalProperties": False,
                "minProperties": 1,
            },
        },
        "additionalProperties": False,
    },
}


@attrs.frozen(slots=True)
class Check:
    """One named check with its arguments: names, or a field → value mapping."""

    kind: str
    names: tuple[str, ...] = ()
    values: Mapping[str, Any] = attrs.field(factory=dict)

    def failure(self, case: Case, trail: Sequence[AuditEvent]) -> Msg | None:
        """``None`` when the check holds, else what is wrong (a message: names stay as written)."""
        data = case.data
        if self.kind == "field_present":
            missing = [n for n in self.names if _empty(data.get(n))]
            return Msg("{fields} is empty", fields=", ".join(missing)) if missing else None
        if self.kind == "field_absent":
            present = [n for n in self.names if not _empty(data.get(n))]
            return Msg("{fields} is filled in", fields=", ".join(present)) if present else None
        if self.kind == "field_equals":
            wrong = [
                Msg(
                    "{field} is {value!r}, not {expected!r}", field=k, value=data.get(k), expected=v
                )
                for k, v in self.values.items()
                if data.get(k) != v
            ]
            return _joined(wrong)
        happened = {e.event for e in trail}
        if self.kind == "history_has":
            never = [n for n in self.names if n not in happened]
            return Msg("{events} never happened", events=", ".join(never)) if never else None
        if self.kind == "history_lacks":
            did = [n for n in self.names if n in happened]
            return Msg("{events} happened", events=", ".join(did)) if did else None
        running = {d.name for d in case.deadlines if d.status == "running"}
        stopped = [n for n in self.names if n not in running]
        return Msg("clock {clocks} is not running", clocks=", ".join(stopped)) if stopped else None


def _joined(problems: Sequence[Msg]) -> Msg | None:
    """Several problems as one message, ``a; b; c`` (None when there is none)."""
    if not problems:
        return None
    out = problems[0]
    for problem in problems[1:]:
        out = Msg("{first}; {second}", first=out, second=problem)
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@attrs.frozen(slots=True)
class Invariant:
    """A rule about every case: cases in ``states`` (all if empty) matching ``when`` satisfy
    every check of ``require``."""

    name: str
    title: Text
    require: tuple[Check, ...]
    states: frozenset[str] = frozenset()
    when: tuple[Check, ...] = ()
    description: Text | None = None
    disabled_because: Text | None = None
    """Set on a switched-off built-in check (then ``require`` is empty): why it is off."""

    def violation(self, case: Case, trail: Sequence[AuditEvent]) -> Msg | None:
        """``None`` when the rule holds for the case (or does not apply to it), else why not."""
        if self.states and case.state not in self.states:
            return None
        if any(c.failure(case, trail) is not None for c in self.when):
            return None
        problems = [p for c in self.require if (p := c.failure(case, trail)) is not None]
        return _joined(problems)


def _names(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def build(
    raw: Any, sop: SopDefinition, tables: SpecTables
) -> tuple[tuple[Invariant, ...], list[SectionProblem]]:
    """Read the section into :class:`Invariant` records and report every unknown name."""
    problems: list[SectionProblem] = []
    states = {s.name for s in sop.states}
    fields = {f.name: f for f in sop.fields}
    events = {e.name for e in sop.events}
    plan = sop.sections.get("deadlines")
    clocks = {c.name for c in plan.clocks} if plan is not None else set()
    known_by_kind = {
        "field_present": (set(fields), "SOP061"),
        "field_absent": (set(fields), "SOP061"),
        "history_has": (events, "SOP062"),
        "history_lacks": (events, "SOP062"),
        "clock_running": (clocks, "SOP063"),
    }

    unknown = SectionNames(sop, problems).unknown

    def checks(spec: Mapping[str, Any], path: tuple[str | int, ...]) -> tuple[Check, ...]:
        out = []
        for kind, arg in spec.items():
            if kind == "states":
                continue
            at = (*path, kind)
            if kind == "field_equals":
                for name, value in arg.items():
                    _check_value(name, value, (*at, name))
                out.append(Check(kind, values=dict(arg)))
                continue
            known, code = known_by_kind[kind]
            names = _names(arg)
            for k, name in enumerate(names):
                if name not in known:
                    unknown(code, name, known, (*at, k) if isinstance(arg, list) else at)
            out.append(Check(kind, names=names))
        return tuple(out)

    def _check_value(name: str, value: Any, path: tuple[str | int, ...]) -> None:
        field = fields.get(name)
        if field is None:
            unknown("SOP061", name, set(fields), path)
            return
        fits = {
            "enum": isinstance(value, str) and value in field.values,
            "bool": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
        }.get(field.type, isinstance(value, str))
        if not fits:
            allowed = ", ".join(field.values) if field.type == "enum" else field.type
            problems.append(
                SectionProblem(path, "SOP064", {"field": name, "value": value, "allowed": allowed})
            )

    out = []
    for name, spec in raw.items():
        p: tuple[str | int, ...] = (name,)
        if "disabled_because" in spec:
            off = _switched_off(name, spec, p, problems)
            if off is not None:
                out.append(off)
            continue
        missing = [k for k in ("title", "require") if k not in spec]
        for key in missing:
            example = {"title": "title: Laporan selesai punya tanggapan"}.get(
                key, "require: { field_present: tanggapan }"
            )
            problems.append(SectionProblem(p, "SOP011", {"key": key, "example": example}, key=True))
        if missing:
            continue
        when = spec.get("when", {})
        wanted = _names(when["states"]) if "states" in when else ()
        for k, s in enumerate(wanted):
            if s not in states:
                path = (*p, "when", "states")
                unknown(
                    "SOP060", s, states, (*path, k) if isinstance(when["states"], list) else path
                )
        out.append(
            Invariant(
                name=name,
                title=Text.from_raw(spec["title"]),
                require=checks(spec["require"], (*p, "require")),
                states=frozenset(wanted),
                when=checks(when, (*p, "when")),
                description=Text.from_raw(spec["description"]) if "description" in spec else None,
            )
        )
    return tuple(out), problems


def _switched_off(
    name: str, spec: Mapping[str, Any], path: tuple[str | int, ...], problems: list[SectionProblem]
) -> Invariant | None:
    """A built-in check switched off for this SOP, or the problems with how it is written."""
    if name not in BUILTIN:
        problems.append(
            SectionProblem(path, "SOP175", {"name": name, "known": ", ".join(BUILTIN)}, key=True)
        )
        return None
    others = sorted(k for k in spec if k != "disabled_because")
    if others:
        problems.append(
            SectionProblem((*path, others[0]), "SOP176", {"name": name, "key": others[0]}, key=True)
        )
        return None
    reason = Text.from_raw(spec["disabled_because"])
    if not reason.id.strip() or (reason.en is not None and not reason.en.strip()):
        problems.append(SectionProblem((*path, "disabled_because"), "SOP177", {"name": name}))
        return None
    return Invariant(name=name, title=BUILTIN[name], require=(), disabled_because=reason)


SECTION = SectionSpec(
    "invariants",
    both(N_("invariants checked by the testing kit")),
    SCHEMA,
    build,
)


@hookimpl
def sop_engine_sections() -> list[SectionSpec]:
    return [SECTION]
