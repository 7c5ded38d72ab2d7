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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

from sop_engine._core.errors import PluginError
from sop_engine._core.i18n import N_, Msg, either
from sop_engine._spec.extensions import (
    ExporterSpec,
    ExportFn,
    IntakeFn,
    IntakeSpec,
    LintRuleSpec,
    ListenerSpec,
    Notifier,
    NotifierSpec,
)
from sop_engine._spec.hookspecs import PROJECT, SopEngineHooks
from sop_engine._spec.specs import (
    SPEC_TYPES,
    ActionSpec,
    CalendarSpec,
    EthicsCheckSpec,
    GuardSpec,
    SectionSpec,
)

if TYPE_CHECKING:
    from sop_engine._core.calendar import WorkingCalendar

__all__ = ["Registry"]

_NAMESPACE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


# What each kind of extension is called in a message (the registry's table names are English).
_KIND_WORDS = {
    "guards": N_("guard"),
    "actions": N_("action"),
    "sections": N_("section"),
    "calendars": N_("calendar"),
    "ethics_checks": N_("ethics check"),
    "intake_channels": N_("intake channel"),
    "notifiers": N_("notifier"),
    "event_listeners": N_("event listener"),
    "lint_rules": N_("lint rule"),
    "exporters": N_("exporter"),
}


class Registry:
    """Everything plugins register, by name, collected once from pluggy.

    It satisfies :class:`~sop_engine._spec.specs.SpecTables`, the read-only view the file reader
    and the features use. Built-ins (modules of sop_engine) and plugins passed in ``plugins`` (an embedding
    application's own, like pytest's ``conftest.py``) may use bare names. Installed plugins,
    found through the ``sop_engine`` entry-point group, must prefix every name with their
    entry-point name (``licence.valid``), so two packages can never take each other's names.
    """

    def __init__(self, *, load_entry_points: bool = True, plugins: Iterable[object] = ()) -> None:
        from sop_engine._features import (
            builtins,
            deadline_section,
            ethics,
            ethics_checks,
            invariants,
        )

        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(SopEngineHooks)
        self.packages: dict[str, str] = {}
        """Installed plugin (entry-point name) -> the distribution that provides it."""
        self._register(builtins, "sop_engine.builtins")
        self._register(deadline_section, "sop_engine.deadlines")
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
                Msg(
                    "plugin {name!r}{source} implements a hook sop_engine does not have "
                    "({error}); check the function name against docs/plugins.md",
                    name=name,
                    source=self._from(name or ""),
                    error=str(e),
                ),
                plugin=name,
            ) from e
        self.owners: dict[tuple[str, str], str] = {}
        """(kind, name) -> the plugin that registered it, for ``sop plugins``."""
        self.guards: dict[str, GuardSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.sections: dict[str, SectionSpec] = {}
        self.calendars: dict[str, CalendarSpec] = {}
        self.built_calendars: dict[Any, WorkingCalendar] = {}
        """Calendars built from SOP configurations, by configuration: building one precomputes
        years of working days, and calendars are immutable (see ``_compile.binding``)."""
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
                    Msg(
                        "two installed plugins are both named {name!r} ({first} and "
                        "{second}); uninstall one of them",
                        name=ep.name,
                        first=self.packages[ep.name],
                        second=package,
                    ),
                    plugin=ep.name,
                )
            if not _NAMESPACE.match(ep.name):
                raise PluginError(
                    Msg(
                        "plugin {name!r} (from {package}) has an entry-point name that cannot "
                        "be a namespace; use lower-case letters, digits and _ (e.g. 'licence')",
                        name=ep.name,
                        package=package,
                    ),
                    plugin=ep.name,
                )
            if self._pm.is_blocked(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as e:
                raise PluginError(
                    Msg(
                        "plugin {name!r} (from {package}) failed to import: {error}; "
                        "reinstall or uninstall {package}",
                        name=ep.name,
                        package=package,
                        error=repr(e),
                    ),
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
                Msg(
                    "cannot register plugin {name!r}{source}: {error}",
                    name=name or plugin,
                    source=where,
                    error=str(e),
                ),
                plugin=name,
            ) from e

    def _collect(self) -> None:
        for kind, spec_type in SPEC_TYPES:
            table: dict[str, Any] = getattr(self, kind)
            hook_name = f"sop_engine_{kind}"
            for impl in getattr(self._pm.hook, hook_name).get_hookimpls():
                plugin_name = impl.plugin_name
                try:
                    specs = list(impl.function() or ())
                except Exception as e:
                    raise PluginError(
                        Msg(
                            "plugin {name!r}{source} raised {error} in {hook}; report it to "
                            "the plugin's maintainers or uninstall it",
                            name=plugin_name,
                            source=self._from(plugin_name),
                            error=repr(e),
                            hook=hook_name,
                        ),
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
            known: str | Msg = ", ".join(sorted(table)) or Msg("none")
            raise PluginError(
                Msg(
                    "no {what} {name!r} is registered (registered: {known}); install the "
                    "plugin that provides it",
                    what=Msg(_KIND_WORDS.get(kind, what)),
                    name=name,
                    known=known,
                ),
                plugin=None,
            )
        from jsonschema import Draft202012Validator

        problems = sorted(
            Draft202012Validator(dict(spec.config)).iter_errors(dict(config)), key=str
        )
        if problems:
            listed = _config_problems(problems)
            owner = self.owners[(kind, name)]
            raise PluginError(
                Msg(
                    "the configuration of {what} {name!r} is invalid: {listed}; see the "
                    "README of plugin {owner!r}",
                    what=Msg(_KIND_WORDS.get(kind, what)),
                    name=name,
                    listed=listed,
                    owner=owner,
                ),
                plugin=owner,
            )
        return spec.bind(config)

    def intake(self, name: str, config: Mapping[str, Any]) -> IntakeFn:
        """The intake channel ``name`` bound to ``config`` (checked against its schema)."""
        fn: IntakeFn = self._bind("intake_channels", name, config)
        return fn

    def notifier(self, name: str, config: Mapping[str, Any]) -> Notifier:
        """The notifier ``name`` bound to ``config``: hand it to :func:`sop_engine.outbox.relay`."""
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


def _config_problems(problems: list[Any]) -> Msg:
    """A plugin configuration's schema problems in the reader's words (never jsonschema's own
    English, which would leave an Indonesian message half English), the first five joined."""
    from sop_engine._definition.shape import humanise

    said: list[Msg] = []
    for p in problems[:5]:
        where = ".".join(map(str, p.absolute_path)) or "config"
        if p.validator == "required" and isinstance(p.instance, Mapping):
            missing = ", ".join(repr(k) for k in p.validator_value if k not in p.instance)
            said.append(Msg("{where}: {names} is required", where=where, names=missing))
        elif p.validator == "additionalProperties" and isinstance(p.instance, Mapping):
            known = p.schema.get("properties", {})
            extra = ", ".join(repr(k) for k in sorted(map(str, p.instance)) if k not in known)
            said.append(Msg("{where}: unknown key(s) {names}", where=where, names=extra))
        elif p.validator == "pattern":
            said.append(
                Msg(
                    "{where}: {found!r} does not match {pattern!r}",
                    where=where,
                    found=p.instance,
                    pattern=p.validator_value,
                )
            )
        elif p.validator == "enum":
            allowed = ", ".join(repr(v) for v in p.validator_value)
            said.append(
                Msg(
                    "{where}: {found!r} is not one of {allowed}",
                    where=where,
                    found=p.instance,
                    allowed=allowed,
                )
            )
        elif p.validator == "type":
            said.append(
                Msg(
                    "{where}: {found!r} is not of type {kind!r}",
                    where=where,
                    found=p.instance,
                    kind=p.validator_value,
                )
            )
        elif p.validator in ("anyOf", "oneOf"):
            needs = [
                " + ".join(repr(k) for k in sub["required"])
                for sub in p.validator_value
                if isinstance(sub, Mapping) and sub.get("required")
            ]
            if len(needs) == len(p.validator_value):  # alternatives of keys: name them
                said.append(Msg("{where}: give {options}", where=where, options=either(needs)))
            else:
                said.append(Msg("{where}: fits none of the allowed forms", where=where))
        else:
            said.append(Msg("{where}: {reason}", where=where, reason=humanise(p)))
    joined = said[0]
    for more in said[1:]:
        joined = Msg("{first}; {second}", first=joined, second=more)
    return joined
