"""Every extension point of sop_engine, as pluggy hook specifications.

Plugins are found through the ``sop_engine`` entry-point group or registered explicitly on a
:class:`~sop_engine.registry.Registry`. Each hook returns *specifications* (name, parameter schema,
a ``bind`` factory) rather than being called per event: the registry collects them once, the
compiler binds them once per SOP, and the engine's hot path never goes through ``pm.hook``.
The built-in guards and actions are registered through these same hooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from sop_engine.registry import (
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
