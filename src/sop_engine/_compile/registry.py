"""The registry of named guards, actions and SOP sections, filled through pluggy.

An SOP file names guards and actions (``fields_complete: {fields: [lokasi]}``); it never holds
code. The registry is where those names meet code: built-ins and plugins register specifications
here, each with a JSON Schema of its parameters (which goes into the published file schema, so
editors complete them) and a ``bind`` factory that turns checked parameters into a plain callable
once, when an SOP is compiled.

A registry belongs to an :class:`~sop_engine.engine.Engine`; there is no global registry, so tests
and tenants with different plugins can run side by side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from sop_engine._core.errors import PluginError
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._core.text import Text
from sop_engine._spec.extensions import (
    ExporterSpec,
    ExportFn,
    IntakeFn,
    IntakeSpec,
    LintRuleSpec,
    ListenerSpec,
    NotifierSpec,
)
from sop_engine._spec.hookspecs import PROJECT, SopEngineHooks

if TYPE_CHECKING:
    from sop_engine._core.calendar import WorkingCalendar
    from sop_engine._core.definition import SopDefinition
    from sop_engine._ops.outbox import Notifier

__all__ = [
    "KINDS",
    "RESERVED_SECTIONS",
    "ActionContext",
    "ActionFn",
    "ActionSpec",
    "CalendarSpec",
    "EthicsCheckFn",
    "EthicsCheckSpec",
    "EthicsContext",
    "GuardFn",
    "GuardSpec",
    "Registry",
    "SectionNames",
    "SectionProblem",
    "SectionSpec",
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

ParamCheck = Callable[[Mapping[str, Any], "SopDefinition"], Sequence[str]]


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
    event name (or a list of them). The other fields are as for :class:`GuardSpec`.
    """

    name: str
    description: Text
    params: Mapping[str, Any]
    bind: Callable[[Mapping[str, Any]], EthicsCheckFn]
    maladministration: tuple[str, ...]
    field_params: tuple[str, ...] = ()
    event_params: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class SectionProblem:
    """A problem a section handler found: where in the section, which finding code, its args."""

    path: tuple[str | int, ...]
    code: str
    args: Mapping[str, Any]
    key: bool = False


class SectionNames:
    """Checks the names a section refers to against what the SOP declares.

    Every unknown state, event, role or field becomes a :class:`SectionProblem` with the same
    code and did-you-mean hint as in the core sections, at the position of the name.
    """

    def __init__(
        self, sop: SopDefinition, problems: list[SectionProblem], *, fields: Iterable[str] = ()
    ) -> None:
        self.problems = problems
        self.pools: dict[str, tuple[set[str], str]] = {
            "state": ({s.name for s in sop.states}, "SOP025"),
            "event": ({e.name for e in sop.events}, "SOP026"),
            "role": ({r.name for r in sop.roles}, "SOP027"),
            "field": ({f.name for f in sop.fields} | set(fields), "SOP031"),
        }

    def unknown(self, code: str, name: str, known: set[str], path: tuple[str | int, ...]) -> None:
        """Report ``name`` as unknown under ``code``, suggesting the closest of ``known``."""
        import difflib

        close = difflib.get_close_matches(name, sorted(known), n=1)
        self.problems.append(
            SectionProblem(
                path,
                code,
                {
                    "name": name,
                    "suggestion": f"; did you mean {close[0]!r}?" if close else "",
                    "known": ", ".join(sorted(known)),
                },
            )
        )

    def __call__(self, kind: str, value: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
        """The names in ``value`` (a name or a list of names), each unknown one reported."""
        if value is None:
            return ()
        names: tuple[str, ...] = (value,) if isinstance(value, str) else tuple(value)
        known, code = self.pools[kind]
        for k, n in enumerate(names):
            if n not in known:
                self.unknown(code, n, known, (*path, k) if isinstance(value, list) else path)
        return names

    def known(self, kind: str, names: Iterable[str]) -> tuple[str, ...]:
        """Those of ``names`` the SOP declares."""
        pool = self.pools[kind][0]
        return tuple(n for n in names if n in pool)


SectionBuild = Callable[["Any", "SopDefinition", "Registry"], tuple[Any, Sequence[SectionProblem]]]


@attrs.frozen(slots=True)
class SectionSpec:
    """A handler for one top-level section of SOP files.

    ``build(raw, definition, registry)`` receives the section's schema-checked data, the rest of
    the SOP and the registry, and returns the section's value and the problems found (reported
    by the linter at their position inside the section).
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


RESERVED_SECTIONS: dict[str, Text] = {
    "deadlines": Text(
        "batas waktu standar pelayanan dan eskalasi",
        "service-standard deadlines and escalation",
    ),
    "ethics": Text("aturan kode etik pengelola pengaduan", "code-of-ethics rules"),
    "invariants": Text(
        "invarian yang diuji oleh perangkat pengujian", "invariants checked by the testing kit"
    ),
}
"""Top-level sections the core reserves for features that register a :class:`SectionSpec`."""


_NAMESPACE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

_KINDS: tuple[tuple[str, type[Any]], ...] = (
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
KINDS: tuple[str, ...] = tuple(k for k, _ in _KINDS)
"""What a plugin can register, in the order ``sop plugins`` lists them."""


class Registry:
    """Everything plugins register, by name, collected once from pluggy.

    Built-ins (modules of sop_engine) and plugins passed in ``plugins`` (an embedding
    application's own, like pytest's ``conftest.py``) may use bare names. Installed plugins,
    found through the ``sop_engine`` entry-point group, must prefix every name with their
    entry-point name (``licence.valid``), so two packages can never take each other's names.
    """

    def __init__(self, *, load_entry_points: bool = True, plugins: Iterable[object] = ()) -> None:
        from sop_engine._features import builtins, deadlines, ethics, ethics_checks, invariants

        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(SopEngineHooks)
        self.packages: dict[str, str] = {}
        """Installed plugin (entry-point name) -> the distribution that provides it."""
        self._register(builtins, "sop_engine.builtins")
        self._register(deadlines, "sop_engine.deadlines")
        self._register(ethics, "sop_engine.ethics")
        self._register(ethics_checks, "sop_engine.ethics_checks")
        self._register(invariants, "sop_engine.invariants")
        for plugin in plugins:
            self._register(plugin, None)
        if load_entry_points:
            self._load_entry_points()
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as e:
            name = self._pm.get_name(e.plugin)
            raise PluginError(
                f"plugin {name!r}{self._from(name or '')} implements a hook sop_engine does "
                f"not have ({e}); check the function name against docs/plugins.md",
                plugin=name,
            ) from e
        self.owners: dict[tuple[str, str], str] = {}
        """(kind, name) -> the plugin that registered it, for ``sop plugins``."""
        self.guards: dict[str, GuardSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.sections: dict[str, SectionSpec] = {}
        self.calendars: dict[str, CalendarSpec] = {}
        self.built_calendars: dict[Any, WorkingCalendar] = {}
        """Calendars built from SOP configurations, by configuration (see ``build_calendar``)."""
        self.ethics_checks: dict[str, EthicsCheckSpec] = {}
        self.intake_channels: dict[str, IntakeSpec] = {}
        self.notifiers: dict[str, NotifierSpec] = {}
        self.event_listeners: dict[str, ListenerSpec] = {}
        self.lint_rules: dict[str, LintRuleSpec] = {}
        self.exporters: dict[str, ExporterSpec] = {}
        self._collect()

    def _load_entry_points(self) -> None:
        """Import each plugin of the ``sop_engine`` entry-point group, naming any that fails."""
        from importlib.metadata import entry_points

        seen: dict[str, str] = {}
        for ep in entry_points(group=PROJECT):
            package = ep.dist.name if ep.dist is not None else "an unknown package"
            if ep.name in seen:
                if seen[ep.name] == ep.value:
                    continue  # the same distribution found twice on the path
                raise PluginError(
                    f"two installed plugins are both named {ep.name!r} "
                    f"({self.packages[ep.name]} and {package}); uninstall one of them",
                    plugin=ep.name,
                )
            if not _NAMESPACE.match(ep.name):
                raise PluginError(
                    f"plugin {ep.name!r} (from {package}) has an entry-point name that cannot "
                    "be a namespace; use lower-case letters, digits and _ (e.g. 'licence')",
                    plugin=ep.name,
                )
            if self._pm.is_blocked(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as e:
                raise PluginError(
                    f"plugin {ep.name!r} (from {package}) failed to import: {e!r}; "
                    f"reinstall or uninstall {package}",
                    plugin=ep.name,
                ) from e
            seen[ep.name] = ep.value
            self.packages[ep.name] = package
            self._register(plugin, ep.name)

    def _register(self, plugin: object, name: str | None) -> None:
        try:
            self._pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as e:
            where = f" (from {self.packages[name]})" if name in self.packages else ""
            raise PluginError(
                f"cannot register plugin {name or plugin!r}{where}: {e}", plugin=name
            ) from e

    def _collect(self) -> None:
        for kind, spec_type in _KINDS:
            table: dict[str, Any] = getattr(self, kind)
            hook_name = f"sop_engine_{kind}"
            for impl in getattr(self._pm.hook, hook_name).get_hookimpls():
                plugin_name = impl.plugin_name
                try:
                    specs = list(impl.function() or ())
                except Exception as e:
                    raise PluginError(
                        f"plugin {plugin_name!r}{self._from(plugin_name)} raised {e!r} in "
                        f"{hook_name}; report it to the plugin's maintainers or uninstall it",
                        plugin=plugin_name,
                    ) from e
                for spec in specs:
                    if not isinstance(spec, spec_type):
                        raise PluginError(
                            f"plugin {plugin_name!r} returned {spec!r} from {hook_name}; "
                            f"expected {spec_type.__name__} records",
                            plugin=plugin_name,
                        )
                    name = spec.id if isinstance(spec, CalendarSpec) else spec.name
                    self._check_namespace(plugin_name, kind, name)
                    if name in table:
                        raise PluginError(
                            f"{spec_type.__name__[:-4].lower()} {name!r} is registered by both "
                            f"{self.owners[(kind, name)]!r} and {plugin_name!r}; "
                            "uninstall one or rename",
                            plugin=plugin_name,
                        )
                    table[name] = spec
                    self.owners[(kind, name)] = plugin_name

    def _from(self, plugin: str) -> str:
        return f" (from {self.packages[plugin]})" if plugin in self.packages else ""

    def _check_namespace(self, plugin: str, kind: str, name: str) -> None:
        if plugin not in self.packages:
            return  # built-in or registered explicitly by the embedding application
        prefix, dot, local = name.partition(".")
        if prefix != plugin or not dot or not local or "." in local:
            raise PluginError(
                f"plugin {plugin!r}{self._from(plugin)} registers {kind[:-1].replace('_', ' ')} "
                f"{name!r} outside its namespace; installed plugins name everything "
                f"{plugin}.<name> (e.g. {plugin}.{local or prefix})",
                plugin=plugin,
            )

    def _bind(self, kind: str, name: str, config: Mapping[str, Any]) -> Any:
        table: dict[str, Any] = getattr(self, kind)
        spec = table.get(name)
        what = kind[:-1].replace("_", " ")
        if spec is None:
            known = ", ".join(sorted(table)) or "none"
            raise PluginError(
                f"no {what} {name!r} is registered (registered: {known}); "
                "install the plugin that provides it",
                plugin=None,
            )
        from jsonschema import Draft202012Validator

        problems = sorted(
            Draft202012Validator(dict(spec.config)).iter_errors(dict(config)), key=str
        )
        if problems:
            listed = "; ".join(
                f"{'.'.join(map(str, p.absolute_path)) or 'config'}: {p.message}" for p in problems
            )
            owner = self.owners[(kind, name)]
            raise PluginError(
                f"the configuration of {what} {name!r} is invalid: {listed}; "
                f"see the README of plugin {owner!r}",
                plugin=owner,
            )
        return spec.bind(config)

    def intake(self, name: str, config: Mapping[str, Any]) -> IntakeFn:
        """The intake channel ``name`` bound to ``config`` (checked against its schema)."""
        fn: IntakeFn = self._bind("intake_channels", name, config)
        return fn

    def notifier(self, name: str, config: Mapping[str, Any]) -> Notifier:
        """The notifier ``name`` bound to ``config``: hand it to :func:`sop_engine.outbox.relay`."""
        from sop_engine._ops.outbox import Notifier

        bound = self._bind("notifiers", name, config)
        if not isinstance(bound, Notifier):
            raise PluginError(
                f"notifier {name!r} of plugin {self.owners[('notifiers', name)]!r} bound to "
                f"{bound!r}, which has no deliver(notification) method",
                plugin=self.owners[("notifiers", name)],
            )
        return bound

    def exporter(self, name: str, config: Mapping[str, Any]) -> ExportFn:
        """The exporter ``name`` bound to ``config``."""
        fn: ExportFn = self._bind("exporters", name, config)
        return fn

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        return self._pm
