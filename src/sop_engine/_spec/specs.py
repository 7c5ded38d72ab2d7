"""What built-ins and plugins register to give SOP files meaning: guards, actions, sections,
calendars and ethics checks, each as a plain specification record.

A specification carries a name, a JSON Schema of its parameters (which goes into the published
file schema, so editors complete them) and a ``bind`` factory. Binding (turning checked
parameters into a plain callable) happens in one place only, when an SOP is compiled
(:mod:`sop_engine._compile.binding`); nothing in these records runs while a file is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from sop_engine._core.i18n import N_, Msg, either, series
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._core.text import Text
from sop_engine._spec.extensions import (
    ExporterSpec,
    IntakeSpec,
    LintRuleSpec,
    ListenerSpec,
    NotifierSpec,
)
from sop_engine._spec.names import SectionProblem

if TYPE_CHECKING:
    from sop_engine._core.calendar import WorkingCalendar
    from sop_engine._core.definition import SopDefinition

__all__ = [
    "KINDS",
    "SPEC_TYPES",
    "ActionContext",
    "ActionFn",
    "ActionSpec",
    "CalendarSpec",
    "EthicsCheckFn",
    "EthicsCheckSpec",
    "EthicsContext",
    "GuardFn",
    "GuardSpec",
    "ParamCheck",
    "SectionBuild",
    "SectionSpec",
    "SpecTables",
    "param_form",
]

GuardFn = Callable[[Case, Actor, Mapping[str, Any]], Text | None]
"""A bound guard: ``(case, actor, payload) -> None`` to pass, or the reason it refuses."""


@attrs.frozen(slots=True)
class ActionContext:
    """What an action may look at besides the case data it changes."""

    case: Case
    actor: Actor
    payload: Mapping[str, Any]
    now: datetime


ActionFn = Callable[[dict[str, Any], ActionContext], None]
"""A bound action: changes the (copied) case data in place; must not do I/O."""

ParamCheck = Callable[[Mapping[str, Any], "SopDefinition"], Sequence[str | Msg]]
"""A load-time check of a call's parameters against the whole SOP: each problem as text, or as a
:class:`~sop_engine._core.i18n.Msg` so `sop lint --lang id` says it in Indonesian."""


@attrs.frozen(slots=True)
class GuardSpec:
    """A guard as a plugin registers it.

    ``params`` is the JSON Schema of the parameter mapping. ``field_params`` names parameters
    whose value is a case field name (or a list of them), so the linter can check those names.
    ``check`` may add further load-time checks against the whole SOP.
    """

    name: str
    description: Text
    params: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], GuardFn]
    field_params: tuple[str, ...] = ()
    check: ParamCheck | None = None


@attrs.frozen(slots=True)
class ActionSpec:
    """An action as a plugin registers it (see :class:`GuardSpec` for the fields)."""

    name: str
    description: Text
    params: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], ActionFn]
    field_params: tuple[str, ...] = ()
    check: ParamCheck | None = None


@attrs.frozen(slots=True)
class EthicsContext:
    """What a code-of-ethics check sees of a command that passed its guards.

    ``case`` is the case before the command, ``data`` and ``target`` what the command would make
    of it. ``history()`` reads the case's trail (read once, only when a check asks: most
    checks never need it).
    """

    case: Case
    actor: Actor
    event: str
    payload: Mapping[str, Any]
    data: Mapping[str, Any]
    target: str
    now: datetime
    history: Callable[[], Sequence[AuditEvent]]


EthicsCheckFn = Callable[[EthicsContext], Text | None]
"""A bound ethics check: ``None`` when the command keeps the rule, else the reason it breaks it."""


@attrs.frozen(slots=True)
class EthicsCheckSpec:
    """An ethics check as a plugin registers it.

    ``maladministration`` lists the Ombudsman's maladministration types (Peraturan ORI 26/2017,
    see :data:`sop_engine.ethics.MALADMINISTRATION`) the check guards against, so reports speak
    the language supervisors are judged in. ``event_params`` names parameters whose value is an
    event name (or a list of them), ``deadline_params`` those naming deadline clocks of the
    ``deadlines`` section. The other fields are as for :class:`GuardSpec`.
    """

    name: str
    description: Text
    params: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], EthicsCheckFn]
    maladministration: tuple[str, ...]
    field_params: tuple[str, ...] = ()
    event_params: tuple[str, ...] = ()
    deadline_params: tuple[str, ...] = ()


_KIND_WORDS = {
    "string": N_("text"),
    "integer": N_("whole number"),
    "number": N_("number"),
    "boolean": N_("true/false"),
    "array": N_("list"),
    "object": N_("mapping"),
}


def param_form(params: Mapping[str, Any]) -> Msg:
    """The parameters of a guard, action or check as a line to copy into the SOP file,
    e.g. ``{ field: <case field>, max: <whole number> }`` (optional ones marked), in the
    reader's language (the parameter names are the file's own words)."""
    props: Mapping[str, Any] = params.get("properties", {})
    required = set(params.get("required", ()))
    parts: list[Msg] = []
    for name in sorted(props, key=lambda n: (n not in required, n)):
        prop = props[name]
        word: Msg | str
        if "pattern" in prop and prop.get("type") == "string":
            field = "field" in str(prop.get("description", "field"))
            word = Msg(N_("case field")) if field else Msg(N_("name"))
        elif "enum" in prop:
            word = "|".join(str(v) for v in prop["enum"])
        else:
            kind = prop.get("type", "value")
            kinds = kind if isinstance(kind, list) else [kind]
            word = either([Msg(_KIND_WORDS.get(str(k), str(k))) for k in kinds])
        part = Msg("{name}: <{word}>", name=name, word=word)
        parts.append(part if name in required else Msg("{part} (optional)", part=part))
    if not parts:
        return Msg("no parameters")
    return Msg("{{ {parts} }}", parts=series(parts, last="{first}, {second}"))


SectionBuild = Callable[[Any, "SopDefinition", "SpecTables"], tuple[Any, Sequence[SectionProblem]]]


@attrs.frozen(slots=True)
class SectionSpec:
    """A handler for one top-level section of SOP files.

    ``build(raw, definition, tables)`` receives the section's schema-checked data, the rest of
    the SOP and the registered specifications (read only: a :class:`SpecTables`, in practice the :class:`~sop_engine.registry.Registry`), and returns the
    section's value and the problems found (reported by the linter at their position inside
    the section). The value is plain data: a section that names plugin code (an ethics rule's
    check) keeps the name and parameters; the compiler binds them.
    """

    name: str
    purpose: Text
    schema: Mapping[str, Any]
    build: SectionBuild


@attrs.frozen(slots=True)
class CalendarSpec:
    """A working-day calendar a plugin provides, by id (e.g. ``ID``, ``ID-nasional``).

    ``build(zone, office_hours, cutoff, local_days_off, extra_working_days)`` makes the calendar
    for one agency.
    """

    id: str
    description: Text
    build: Callable[..., WorkingCalendar]


class SpecTables(Protocol):
    """The registered specifications by name, read only: what reading an SOP file needs.

    :class:`~sop_engine.registry.Registry` (in the compile layer) collects them from pluggy and
    satisfies this protocol; the file reader (``sop_engine._definition``) and section handlers
    depend on the protocol only, so they sit below the registry. ``owners`` maps
    ``(kind, name)`` to the plugin that registered it.
    """

    @property
    def guards(self) -> Mapping[str, GuardSpec]: ...

    @property
    def actions(self) -> Mapping[str, ActionSpec]: ...

    @property
    def sections(self) -> Mapping[str, SectionSpec]: ...

    @property
    def calendars(self) -> Mapping[str, CalendarSpec]: ...

    @property
    def ethics_checks(self) -> Mapping[str, EthicsCheckSpec]: ...

    @property
    def lint_rules(self) -> Mapping[str, LintRuleSpec]: ...

    @property
    def owners(self) -> Mapping[tuple[str, str], str]: ...


SPEC_TYPES: tuple[tuple[str, type[Any]], ...] = (
    ("guards", GuardSpec),
    ("actions", ActionSpec),
    ("sections", SectionSpec),
    ("calendars", CalendarSpec),
    ("ethics_checks", EthicsCheckSpec),
    ("intake_channels", IntakeSpec),
    ("notifiers", NotifierSpec),
    ("event_listeners", ListenerSpec),
    ("lint_rules", LintRuleSpec),
    ("exporters", ExporterSpec),
)
KINDS: tuple[str, ...] = tuple(k for k, _ in SPEC_TYPES)
"""What a plugin can register, in the order ``sop plugins`` lists them."""
