"""The code of ethics: the ``ethics`` section of SOP files and how its rules judge a command.

A complaint unit's code of ethics (kode etik pengelola pengaduan) is usually a poster on a wall.
Here each rule names a check (built-in or from a plugin) with typed parameters, when it applies
(which events, from which states, for which roles) and its severity:

- ``block``: the command is refused with :class:`~sop_engine.errors.EthicsViolation`; the case
  keeps its state and data, and an ``@ethics`` audit event records the refused attempt;
- ``flag``: the command goes through; the breach is recorded on its audit event and a
  notification to the rule's recipients (the supervisor) goes to the outbox.

Checks run after the guards passed and before anything is written, on values only. Each breach
carries the Ombudsman's maladministration types (Peraturan ORI 26/2017) its check guards against.
The confidentiality part of the section is in :mod:`sop_engine.confidentiality`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from jsonschema import Draft202012Validator

from sop_engine._core.i18n import N_, Msg, both
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import Actor, AuditEvent, Breach, Case
from sop_engine._core.text import TEXT_SCHEMA, Text
from sop_engine._features.confidentiality import SCHEMA as CONFIDENTIALITY_SCHEMA
from sop_engine._features.confidentiality import Confidentiality, build_confidentiality
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.names import SectionNames, SectionProblem
from sop_engine._spec.specs import EthicsCheckFn, EthicsContext, SectionSpec, param_form

if TYPE_CHECKING:
    from sop_engine._core.definition import SopDefinition
    from sop_engine._spec.specs import SpecTables

__all__ = [
    "ETHICS_EVENT",
    "MALADMINISTRATION",
    "EthicsPlan",
    "EthicsSection",
    "Outcome",
    "Rule",
    "RuleSpec",
    "make_plan",
]

SECTION_NAME = "ethics"

ETHICS_EVENT = SystemEvent.ETHICS
"""The audit event that records a command refused by a ``block`` rule."""

MALADMINISTRATION: Mapping[str, Text] = {
    "penundaan_berlarut": both(N_("undue delay")),
    "tidak_memberikan_pelayanan": both(N_("failure to serve")),
    "tidak_kompeten": both(N_("incompetence")),
    "penyalahgunaan_wewenang": both(N_("abuse of authority")),
    "penyimpangan_prosedur": both(N_("deviation from procedure")),
    "permintaan_imbalan": both(N_("request for money, goods or services")),
    "tidak_patut": both(N_("improper conduct")),
    "berpihak": both(N_("partiality")),
    "diskriminasi": both(N_("discrimination")),
    "konflik_kepentingan": both(N_("conflict of interest")),
}
"""The Ombudsman's maladministration types (Peraturan ORI 26/2017), by key."""

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_NAMES = {"anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1}]}
_SCALAR = {"type": ["string", "number", "boolean"]}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "code-of-ethics rules checked on every command, and confidentiality",
    "properties": {
        "notify": {**_NAMES, "description": "roles told of every breach (e.g. atasan)"},
        "confidentiality": CONFIDENTIALITY_SCHEMA,
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_.-]{0,39}$"},
                    "title": TEXT_SCHEMA,
                    "description": TEXT_SCHEMA,
                    "check": {
                        "type": "string",
                        "description": "a registered ethics check (`sop plugins` lists them)",
                    },
                    "with": {"type": "object", "description": "the check's parameters"},
                    "when": {
                        "type": "object",
                        "description": "when the rule applies (all given lists must match)",
                        "properties": {
                            "events": _NAMES,
                            "states": _NAMES,
                            "roles": _NAMES,
                            "case": {
                                "type": "object",
                                "description": "case data the rule is about: field: value, or "
                                "field: [values] (any of them); the case as the command would "
                                "leave it",
                                "propertyNames": _NAME,
                                "additionalProperties": {
                                    "anyOf": [
                                        _SCALAR,
                                        {"type": "array", "items": _SCALAR, "minItems": 1},
                                    ]
                                },
                                "minProperties": 1,
                            },
                        },
                        "additionalProperties": False,
                    },
                    "severity": {"enum": ["block", "flag"]},
                    "notify": {**_NAMES, "description": "roles told of a breach of this rule"},
                    "types": {
                        "type": "array",
                        "items": {"enum": sorted(MALADMINISTRATION)},
                        "description": "maladministration types (default: the check's own)",
                    },
                },
                "required": ["id", "title", "check", "severity"],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


@attrs.frozen(slots=True)
class RuleSpec:
    """One rule as the SOP states it: when it applies, the check it names with its parameters,
    and what a breach of it means. Plain data: the compiler binds the check."""

    id: str
    title: Text
    description: Text | None
    check: str
    params: Mapping[str, Any]
    severity: str  # block | flag
    events: frozenset[str] | None
    states: frozenset[str] | None
    roles: frozenset[str] | None
    notify: tuple[str, ...]
    types: tuple[str, ...]
    path: tuple[str | int, ...] = ()
    case: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    """``when: case``: each field with the values that make the rule apply."""
    """Where the rule stands in the file (``("ethics", "rules", 2)``), for findings."""


@attrs.frozen(slots=True)
class EthicsSection:
    """The ``ethics`` section of one SOP as read from the file (``SopDefinition.sections``)."""

    rules: tuple[RuleSpec, ...]
    confidentiality: Confidentiality | None


@attrs.frozen(slots=True)
class Rule:
    """One compiled rule: when it applies, the bound check, and what a breach of it means."""

    id: str
    title: Text
    description: Text | None
    check: str
    severity: str  # block | flag
    events: frozenset[str] | None
    states: frozenset[str] | None
    roles: frozenset[str] | None
    notify: tuple[str, ...]
    types: tuple[str, ...]
    fn: EthicsCheckFn = attrs.field(eq=False, repr=False)
    case: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def about(self, data: Mapping[str, Any]) -> bool:
        """Whether the case data (as the command would leave it) is what ``when: case`` names.

        Values compare by type too, so ``true`` never matches the text ``"true"``."""
        for name, values in self.case:
            value = data.get(name)
            if not any(value == v and type(value) is type(v) for v in values):
                return False
        return True


@attrs.frozen(slots=True)
class Outcome:
    """What the rules said of one command: the breach that blocks it (if any) and all breaches."""

    blocked: Breach | None
    breaches: tuple[Breach, ...]
    notify: tuple[tuple[Breach, tuple[str, ...]], ...]


_CLEAR = Outcome(None, (), ())


class _Once:
    """Reads the case's trail on the first call only (most commands never need it)."""

    __slots__ = ("_read", "_trail")

    def __init__(self, read: Callable[[], Sequence[AuditEvent]]) -> None:
        self._read = read
        self._trail: Sequence[AuditEvent] | None = None

    def __call__(self) -> Sequence[AuditEvent]:
        if self._trail is None:
            self._trail = self._read()
        return self._trail


@attrs.frozen(slots=True)
class EthicsPlan:
    """The compiled ``ethics`` section of one SOP (see :func:`make_plan`)."""

    rules: tuple[Rule, ...]
    by_event: Mapping[str, tuple[Rule, ...]]
    confidentiality: Confidentiality | None
    _applying: dict[tuple[str, str, str], tuple[Rule, ...]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )
    """The rules whose events, states and roles let them apply, per (event, state, role):
    worked out on first use (an SOP has few of each), so a command only checks ``when: case``
    and runs the checks."""

    def applying(self, event: str, state: str, role: str) -> tuple[Rule, ...]:
        """The rules of ``event`` that apply from ``state`` to an actor of ``role``, in order."""
        key = (event, state, role)
        hit = self._applying.get(key)
        if hit is None:
            hit = tuple(
                rule
                for rule in self.by_event.get(event, ())
                if (rule.states is None or state in rule.states)
                and (rule.roles is None or role in rule.roles)
            )
            if len(self._applying) >= 4096:
                self._applying.clear()
            self._applying[key] = hit
        return hit

    def judge(
        self,
        *,
        case: Case,
        actor: Actor,
        event: str,
        payload: Mapping[str, Any],
        data: Mapping[str, Any],
        target: str,
        now: Any,
        history: Callable[[], Sequence[AuditEvent]],
    ) -> Outcome:
        """Run every rule that applies to this command; stop at the first ``block`` breach."""
        conf = self.confidentiality
        if conf is not None and case.data.get(conf.field) != data.get(conf.field):
            breach = conf.judge_change(case.data, data, payload, actor, history)
            if breach is not None:
                return Outcome(breach, (breach,), ((breach, conf.notify),) if conf.notify else ())
        rules = self.applying(event, case.state, actor.role)
        if not rules:
            return _CLEAR
        found: list[Breach] | None = None
        notify: list[tuple[Breach, tuple[str, ...]]] = []
        ctx: EthicsContext | None = None
        for rule in rules:
            if rule.case and not rule.about(data):
                continue
            if ctx is None:
                ctx = EthicsContext(case, actor, event, payload, data, target, now, _Once(history))
            reason = rule.fn(ctx)
            if reason is None:
                continue
            breach = Breach(rule.id, rule.check, rule.severity, reason, rule.types)
            if found is None:
                found = []
            found.append(breach)
            if rule.notify:
                notify.append((breach, rule.notify))
            if rule.severity == "block":
                return Outcome(breach, tuple(found), tuple(notify))
        if not found:
            return _CLEAR
        return Outcome(None, tuple(found), tuple(notify))


def make_plan(
    section: EthicsSection, checks: Sequence[EthicsCheckFn], events: Iterable[str]
) -> EthicsPlan:
    """The plan judging commands: ``checks`` are the rules' bound checks, in the rules' order,
    and ``events`` the SOP's events (each gets the rules that apply to it, in file order)."""
    rules = tuple(
        Rule(
            id=r.id,
            title=r.title,
            description=r.description,
            check=r.check,
            severity=r.severity,
            events=r.events,
            states=r.states,
            roles=r.roles,
            notify=r.notify,
            types=r.types,
            fn=fn,
            case=r.case,
        )
        for r, fn in zip(section.rules, checks, strict=True)
    )
    by_event: dict[str, tuple[Rule, ...]] = {}
    for e in sorted(events):
        matching = tuple(rule for rule in rules if rule.events is None or e in rule.events)
        if matching:
            by_event[e] = matching
    return EthicsPlan(rules, by_event, section.confidentiality)


def build(
    raw: Any, sop: SopDefinition, tables: SpecTables
) -> tuple[EthicsSection, list[SectionProblem]]:
    """Read the section into :class:`RuleSpec` records, reporting every problem found."""
    problems: list[SectionProblem] = []
    # a check may read a case field or a value only an event carries (an attestation, say)
    names = SectionNames(sop, problems, fields=(d.name for e in sop.events for d in e.data))
    unknown = names.unknown

    def check(kind: str, value: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
        return names.known(kind, names(kind, value, path))

    default_notify = check("role", raw.get("notify"), ("notify",))
    conf = None
    if "confidentiality" in raw:
        conf, conf_problems = build_confidentiality(
            raw["confidentiality"], sop, default_notify, check
        )
        problems += conf_problems

    # which (state, event, role) triples a command can actually have
    event_roles = {e.name: set(e.roles) for e in sop.events}
    possible: set[tuple[str, str, str]] = set()
    for t in sop.transitions:
        for r in t.roles if t.roles is not None else event_roles.get(t.event, ()):
            for s in t.sources:
                possible.add((s, t.event, r))

    rules: list[RuleSpec] = []
    seen: dict[str, int] = {}
    for k, r in enumerate(raw.get("rules", [])):
        p: tuple[str | int, ...] = ("rules", k)
        if r["id"] in seen:
            problems.append(
                SectionProblem((*p, "id"), "SOP049", {"rule": r["id"], "first": seen[r["id"]] + 1})
            )
        else:
            seen[r["id"]] = k
        spec = tables.ethics_checks.get(r["check"])
        if spec is None:
            unknown("SOP046", r["check"], set(tables.ethics_checks), (*p, "check"))
            continue
        params = r.get("with", {})
        errors = sorted(
            Draft202012Validator(dict(spec.params)).iter_errors(params), key=lambda e: e.path
        )
        if errors:
            e = errors[0]
            problems.append(
                SectionProblem(
                    (*p, "with", *e.absolute_path) if e.absolute_path else (*p, "check"),
                    "SOP047",
                    {
                        "name": r["check"],
                        "reason": _param_problem(e),
                        "params": param_form(spec.params),
                    },
                )
            )
            continue
        for param in spec.field_params:
            check("field", params.get(param), (*p, "with", param))
        for param in spec.event_params:
            check("event", params.get(param), (*p, "with", param))
        for param in spec.deadline_params:
            _clock_names(sop, params.get(param), (*p, "with", param), unknown)
        when = r.get("when", {})
        reported = len(problems)
        w_events = check("event", when.get("events"), (*p, "when", "events"))
        w_states = check("state", when.get("states"), (*p, "when", "states"))
        w_roles = check("role", when.get("roles"), (*p, "when", "roles"))
        w_case = names.case_values(when.get("case", {}), (*p, "when", "case"))
        # an unknown name in 'when' was reported just now: "never applies" would only repeat it
        if len(problems) == reported and not any(
            (not w_states or s in w_states)
            and (not w_events or e in w_events)
            and (not w_roles or ro in w_roles)
            for s, e, ro in possible
        ):
            problems.append(SectionProblem((*p, "when"), "SOP048", {"rule": r["id"]}, key=True))
        notify = check("role", r.get("notify"), (*p, "notify")) or default_notify
        if r["severity"] == "flag" and not notify and "notify" not in r:
            problems.append(SectionProblem((*p, "severity"), "SOP050", {"rule": r["id"]}))
        rules.append(
            RuleSpec(
                id=r["id"],
                title=Text.from_raw(r["title"]),
                description=Text.from_raw(r["description"]) if "description" in r else None,
                check=r["check"],
                params=dict(params),
                severity=r["severity"],
                events=frozenset(w_events) if w_events else None,
                states=frozenset(w_states) if w_states else None,
                roles=frozenset(w_roles) if w_roles else None,
                notify=notify,
                types=tuple(r["types"]) if "types" in r else spec.maladministration,
                path=(SECTION_NAME, *p),
                case=w_case,
            )
        )
    return EthicsSection(tuple(rules), conf), problems


def _param_problem(e: Any) -> Msg:
    """A parameter the check refuses, in the reader's words (not jsonschema's English)."""
    key = ".".join(str(x) for x in e.absolute_path)
    v = e.validator
    if v == "required":
        missing = next((k for k in e.validator_value if k not in e.instance), "?")
        return Msg("the parameter {key!r} is missing", key=missing)
    if v == "additionalProperties":
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
        return Msg("{key!r} is not a parameter of this check", key=extra[0] if extra else "?")
    if v == "type":
        return Msg("{key!r} has the wrong kind of value", key=key or "with")
    return Msg("{key!r} has a value this check does not accept", key=key or "with")


def _clock_names(
    sop: SopDefinition,
    value: Any,
    path: tuple[str | int, ...],
    unknown: Callable[[str, str, set[str], tuple[str | int, ...]], None],
) -> None:
    """Report every name in ``value`` that is not a clock of the ``deadlines`` section (read
    before this one): a misspelt clock would make the rule silently never apply."""
    if value is None:
        return
    plan = sop.sections.get("deadlines")
    clocks = {c.name for c in plan.clocks} if plan is not None else set()
    names = [value] if isinstance(value, str) else list(value)
    for k, name in enumerate(names):
        if name not in clocks:
            unknown("SOP178", name, clocks, (*path, k) if isinstance(value, list) else path)


SECTION = SectionSpec(
    SECTION_NAME,
    both(N_("code-of-ethics rules")),
    SCHEMA,
    build,
)


@hookimpl
def sop_engine_sections() -> list[SectionSpec]:
    return [SECTION]
