"""Binding an SOP's names to code: the one place anything named in a file becomes callable.

A validated :class:`~sop_engine.definition.SopDefinition` is plain data: transitions name
guards and actions with their parameters, the ``ethics`` section names checks, the
``deadlines`` section names a calendar. :class:`Binder` turns each name into the callable (or
the calendar) the registry's specification makes of its parameters. A ``bind`` that rejects
its parameters (a plugin's ``ValueError`` for ``min`` above ``max``), or a name the registry
does not know, becomes a finding with its code, line and column, never an exception, so
``sop lint`` reports it and loading or compiling raises :class:`SopValidationError` with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.definition import CallRef, Pos, SopDefinition
from sop_engine._core.findings import Finding
from sop_engine._core.i18n import Msg, reason_of
from sop_engine._definition.shape import suggest
from sop_engine._definition.source import PathKey, Source, read_source
from sop_engine._features.deadlines import CalendarConfig
from sop_engine._features.ethics import EthicsPlan, EthicsSection, make_plan
from sop_engine._spec.specs import ActionFn, EthicsCheckFn, GuardFn, param_form

__all__ = ["Binder"]

_UNKNOWN = {"guards": "SOP028", "actions": "SOP029", "ethics_checks": "SOP046"}


class Binder:
    """Binds the names of one definition against one registry, collecting the failures."""

    def __init__(self, definition: SopDefinition, registry: Registry) -> None:
        self.definition = definition
        self.registry = registry
        self.findings: list[Finding] = []
        self._source: Source | list[Finding] | None = None

    # -- where a failure is ----------------------------------------------------------------

    def _position(self, path: PathKey, *, key: bool, fallback: Pos) -> Pos:
        """The position of ``path`` in the definition's file (re-read only on a failure)."""
        if self._source is None:
            d = self.definition
            self._source = read_source(d.path, d.source) if d.source else []
        if isinstance(self._source, list):
            return fallback
        return self._source.position(path, key=key)

    def fail(
        self, code: str, path: PathKey, *, key: bool = False, fallback: Pos = (1, 1), **args: Any
    ) -> None:
        line, col = self._position(path, key=key, fallback=fallback)
        self.findings.append(Finding(code, self.definition.path, line, col, args))

    def _unknown(
        self, kind: str, name: str, path: PathKey, fallback: Pos, *, key: bool = False
    ) -> None:
        known = sorted(getattr(self.registry, kind))
        self.fail(
            _UNKNOWN[kind],
            path,
            key=key,
            fallback=fallback,
            name=name,
            suggestion=suggest(name, known),
            known=", ".join(known) or Msg("none"),
        )

    # -- what is bound ---------------------------------------------------------------------

    def _call(self, kind: str, ref: CallRef) -> Any:
        table: Mapping[str, Any] = getattr(self.registry, kind)
        spec = table.get(ref.name)
        if spec is None:
            self._unknown(kind, ref.name, ref.path, ref.pos, key=True)
            return None
        try:
            return spec.bind(ref.params)
        except Exception as e:  # a bind that rejects its parameters: the SOP's mistake
            self.fail(
                "SOP030",
                ref.path,
                key=True,
                fallback=ref.pos,
                name=ref.name,
                reason=reason_of(e),
                params=param_form(spec.params),
            )
            return None

    def guard(self, ref: CallRef) -> GuardFn | None:
        """The guard ``ref`` names, bound to its parameters (``None``: reported)."""
        fn: GuardFn | None = self._call("guards", ref)
        return fn

    def action(self, ref: CallRef) -> ActionFn | None:
        """The action ``ref`` names, bound to its parameters (``None``: reported)."""
        fn: ActionFn | None = self._call("actions", ref)
        return fn

    def ethics(self, section: EthicsSection) -> EthicsPlan | None:
        """The code-of-ethics plan with every rule's check bound (``None``: reported)."""
        checks: list[EthicsCheckFn] = []
        for rule in section.rules:
            spec = self.registry.ethics_checks.get(rule.check)
            if spec is None:
                self._unknown("ethics_checks", rule.check, (*rule.path, "check"), (1, 1))
                continue
            try:
                checks.append(spec.bind(rule.params))
            except Exception as e:  # a plugin's bind that rejects its parameters
                self.fail(
                    "SOP047",
                    (*rule.path, "with"),
                    name=rule.check,
                    reason=reason_of(e),
                    params=param_form(spec.params),
                )
        if len(checks) != len(section.rules):
            return None
        return make_plan(section, checks, (e.name for e in self.definition.events))

    def calendar(self, config: CalendarConfig) -> WorkingCalendar | None:
        """The working-day calendar ``config`` selects, built once per registry and config."""
        built = self.registry.built_calendars.get(config)
        if built is not None:
            return built
        path: PathKey = ("deadlines", "calendar", "id")
        spec = self.registry.calendars.get(config.id)
        if spec is None:
            known = sorted(self.registry.calendars)
            self.fail(
                "SOP044",
                path,
                name=config.id,
                suggestion=suggest(config.id, known),
                known=", ".join(known),
            )
            return None
        try:
            built = spec.build(
                zone=config.zone,
                office_hours=config.office_hours,
                cutoff=config.cutoff,
                local_days_off=config.days_off,
                extra_working_days=config.working_days,
            )
        except Exception as e:  # a plugin's calendar that rejects the SOP's settings
            owner = self.registry.owners.get(("calendars", config.id), "?")
            self.fail("SOP074", path, name=config.id, plugin=owner, reason=reason_of(e))
            return None
        self.registry.built_calendars[config] = built
        return built
