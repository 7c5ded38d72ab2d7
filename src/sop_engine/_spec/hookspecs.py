"""Every extension point of sop_engine, as pluggy hook specifications.

Plugins are found through the ``sop_engine`` entry-point group or registered explicitly on a
:class:`~sop_engine.registry.Registry`. Each hook returns *specifications* (name, parameter schema,
a ``bind`` factory) rather than being called per event: the registry collects them once, the
compiler binds them once per SOP, and the engine's hot path never goes through ``pm.hook``.
The built-in guards and actions are registered through these same hooks.

Names are namespaced by plugin: an installed plugin (entry point ``NAME = module``) registers
every guard, action, section, calendar, channel, notifier, listener, rule and exporter as
``NAME.local_name`` (``licence.valid``); bare names belong to sop_engine itself and to plugins
an embedding application registers explicitly. See ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from sop_engine._spec.extensions import (
        ExporterSpec,
        IntakeSpec,
        LintRuleSpec,
        ListenerSpec,
        NotifierSpec,
    )
    from sop_engine._spec.specs import (
        ActionSpec,
        CalendarSpec,
        EthicsCheckSpec,
        GuardSpec,
        SectionSpec,
    )

__all__ = ["PROJECT", "SopEngineHooks", "hookimpl", "hookspec"]

PROJECT = "sop_engine"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class SopEngineHooks:
    """Hook specifications. Implement any subset with ``@hookimpl`` in a plugin module."""

    @hookspec
    def sop_engine_guards(self) -> Sequence[GuardSpec]:
        """Return the guards this plugin provides.

        A guard decides whether a transition may be taken. Called once when the registry is built;
        all results are collected (``firstresult`` is not used).
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_actions(self) -> Sequence[ActionSpec]:
        """Return the actions this plugin provides.

        An action changes the case data when a transition is taken. Called once when the registry
        is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_sections(self) -> Sequence[SectionSpec]:
        """Return handlers for top-level SOP file sections (e.g. ``deadlines``, ``ethics``).

        A handler gives the section's JSON Schema and builds and checks its value while the SOP is
        loaded. Called once when the registry is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_calendars(self) -> Sequence[CalendarSpec]:
        """Return the working-day calendars this plugin provides, by id.

        An agency or region registers its own calendar here (e.g. a province with local
        holidays). Called once when the registry is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_ethics_checks(self) -> Sequence[EthicsCheckSpec]:
        """Return the code-of-ethics checks this plugin provides.

        An SOP's ``ethics`` rules name a check and give its parameters; the check looks at a
        command before it is committed and says which rule it breaks, if any. Called once when
        the registry is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_intake_channels(self) -> Sequence[IntakeSpec]:
        """Return the intake channels this plugin provides (SMS, web form, e-mail, ...).

        A channel parses one raw message into a :class:`~sop_engine.extensions.NewCase` (which
        SOP, the case data, who reports, a command id derived from the message's own id so a
        redelivered message opens no second case), or raises
        :class:`~sop_engine.errors.IntakeRejected` with a reason the sender can read. Called once
        when the registry is built; a channel is bound to its configuration with
        :meth:`~sop_engine.registry.Registry.intake`.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_notifiers(self) -> Sequence[NotifierSpec]:
        """Return the notifiers this plugin provides (e-mail, webhook, SMS gateway, ...).

        A notifier, once bound to its configuration, is an :class:`~sop_engine.outbox.Notifier`:
        :func:`~sop_engine.outbox.relay` hands it each pending outbox message and marks it
        delivered only when ``deliver`` returned. Called once when the registry is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_event_listeners(self) -> Sequence[ListenerSpec]:
        """Return listeners that observe every committed audit event (metrics, search index, ...).

        The engine calls each listener *after* the store committed the event. A listener that
        raises does not undo the commit and does not fail the command: the failure is logged and
        kept in :attr:`~sop_engine.engine.Engine.listener_failures`. Called once when the engine
        is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_lint_rules(self) -> Sequence[LintRuleSpec]:
        """Return extra lint rules run on every SOP that passed the built-in checks.

        A rule receives the loaded :class:`~sop_engine.definition.SopDefinition` and returns
        :class:`~sop_engine.extensions.RuleFinding` records; ``sop lint`` reports them as SOP071
        (error) or SOP072 (warning) with the rule's name. A rule that raises is reported as
        SOP073 naming it. Called once when the registry is built.
        """
        raise NotImplementedError

    @hookspec
    def sop_engine_exporters(self) -> Sequence[ExporterSpec]:
        """Return exporters that write cases and their trails in another system's format.

        Bound to its configuration with :meth:`~sop_engine.registry.Registry.exporter`, an
        exporter receives ``(case, trail)`` pairs and returns the exported text. Called once when
        the registry is built.
        """
        raise NotImplementedError
