"""What a plugin author imports: the hook marker, every specification type, and the values hooks
and bound callables receive.

::

    from sop_engine.plugin import GuardSpec, Text, hookimpl

    @hookimpl
    def sop_engine_guards() -> list[GuardSpec]: ...

This module only re-exports; the names live in private modules whose layout may change. See
``docs/plugins.md`` for every hook.
"""

from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import DayOff, WorkingCalendar, indonesia
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import IntakeRejected
from sop_engine._core.records import Actor, AuditEvent, Case, Deadline, Notification
from sop_engine._core.text import Text
from sop_engine._ops.outbox import Notifier
from sop_engine._spec.extensions import (
    ExporterSpec,
    ExportFn,
    IntakeFn,
    IntakeSpec,
    LintRuleSpec,
    ListenerFn,
    ListenerSpec,
    NewCase,
    NotifierSpec,
    RuleFinding,
)
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.names import SectionNames, SectionProblem
from sop_engine._spec.specs import (
    ActionContext,
    ActionFn,
    ActionSpec,
    CalendarSpec,
    EthicsCheckFn,
    EthicsCheckSpec,
    EthicsContext,
    GuardFn,
    GuardSpec,
    SectionSpec,
    SpecTables,
)

__all__ = [
    "ActionContext",
    "ActionFn",
    "ActionSpec",
    "Actor",
    "AuditEvent",
    "CalendarSpec",
    "Case",
    "DayOff",
    "Deadline",
    "EthicsCheckFn",
    "EthicsCheckSpec",
    "EthicsContext",
    "ExportFn",
    "ExporterSpec",
    "GuardFn",
    "GuardSpec",
    "IntakeFn",
    "IntakeRejected",
    "IntakeSpec",
    "LintRuleSpec",
    "ListenerFn",
    "ListenerSpec",
    "NewCase",
    "Notification",
    "Notifier",
    "NotifierSpec",
    "Registry",
    "RuleFinding",
    "SectionNames",
    "SectionProblem",
    "SectionSpec",
    "SopDefinition",
    "SpecTables",
    "Text",
    "WorkingCalendar",
    "hookimpl",
    "indonesia",
]
