"""sop_engine: complaint-handling SOPs as declarative, auditable state machines.

The public API is what this module exports; everything else is an implementation detail.
"""

from sop_engine._compile.compiled import CompiledSop, compile_sop
from sop_engine._compile.loading import lint_file, lint_text, load_definition, sop_schema
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import DayOff, WorkingCalendar, indonesia
from sop_engine._core.clock import Clock, SimulatedClock, SystemClock
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import (
    CaseNotFound,
    CommandIdReused,
    CommandRefused,
    EthicsViolation,
    EventNotAllowed,
    ExtensionFailed,
    ExtensionRefused,
    GuardRejected,
    IntakeRejected,
    InvalidCaseData,
    InvalidEventData,
    MigrationRefused,
    PluginError,
    RoleNotPermitted,
    SopError,
    SopValidationError,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine._core.findings import Finding
from sop_engine._core.records import Actor, AuditEvent, Breach, Case, Declaration
from sop_engine._core.text import Text
from sop_engine._engine import AvailableEvent, Engine
from sop_engine._persistence.store import MemoryStore, Store
from sop_engine._runtime.oversight import CaseView, Violation
from sop_engine._runtime.timekeeping import SweepReport
from sop_engine._spec.extensions import (
    ExporterSpec,
    IntakeSpec,
    LintRuleSpec,
    ListenerSpec,
    NewCase,
    NotifierSpec,
    RuleFinding,
)
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.specs import (
    ActionContext,
    ActionSpec,
    EthicsCheckSpec,
    EthicsContext,
    GuardSpec,
    SectionSpec,
)

__version__ = "0.1.0"

__all__ = [
    "ActionContext",
    "ActionSpec",
    "Actor",
    "AuditEvent",
    "AvailableEvent",
    "Breach",
    "Case",
    "CaseNotFound",
    "CaseView",
    "Clock",
    "CommandIdReused",
    "CommandRefused",
    "CompiledSop",
    "DayOff",
    "Declaration",
    "Engine",
    "EthicsCheckSpec",
    "EthicsContext",
    "EthicsViolation",
    "EventNotAllowed",
    "ExporterSpec",
    "ExtensionFailed",
    "ExtensionRefused",
    "Finding",
    "GuardRejected",
    "GuardSpec",
    "IntakeRejected",
    "IntakeSpec",
    "InvalidCaseData",
    "InvalidEventData",
    "LintRuleSpec",
    "ListenerSpec",
    "MemoryStore",
    "MigrationRefused",
    "NewCase",
    "NotifierSpec",
    "PluginError",
    "Registry",
    "RoleNotPermitted",
    "RuleFinding",
    "SectionSpec",
    "SimulatedClock",
    "SopDefinition",
    "SopError",
    "SopValidationError",
    "Store",
    "SweepReport",
    "SystemClock",
    "Text",
    "UnknownEvent",
    "UnknownSop",
    "VersionConflict",
    "Violation",
    "WorkingCalendar",
    "__version__",
    "compile_sop",
    "hookimpl",
    "indonesia",
    "lint_file",
    "lint_text",
    "load_definition",
    "sop_schema",
]
