"""sop_engine: complaint-handling SOPs as declarative, auditable state machines.

The public API is what this module exports, plus :mod:`sop_engine.plugin` (what plugin authors
import) and :mod:`sop_engine.testing`; every module with a ``_`` on its path is an implementation
detail. :class:`PgStore` is loaded on first use, so ``import sop_engine`` works without the
optional ``psycopg`` (``pip install 'sop-engine[postgres]'``).
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from sop_engine._compile.compiled import CompiledSop, compile_sop
from sop_engine._compile.loading import lint_file, lint_text, load_definition, sop_schema
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import CalendarDocError, DayOff, WorkingCalendar, indonesia
from sop_engine._core.clock import Clock, SimulatedClock, SystemClock
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import (
    CaseNotFound,
    CaseNotVisible,
    CommandIdReused,
    CommandRefused,
    EthicsViolation,
    EventNotAllowed,
    ExtensionFailed,
    ExtensionRefused,
    GuardRejected,
    IntakeRejected,
    InvalidArgument,
    InvalidCaseData,
    InvalidEventData,
    LeaseLost,
    MigrationRefused,
    PluginError,
    RevealRefused,
    RoleNotPermitted,
    SopError,
    SopTextTampered,
    SopValidationError,
    StoreUnavailable,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine._core.findings import Finding
from sop_engine._core.protocol import ItemKind, SystemEvent, TimerItem
from sop_engine._core.records import (
    Actor,
    AuditEvent,
    Breach,
    Case,
    Deadline,
    Declaration,
    Notification,
    Timer,
)
from sop_engine._core.text import Text
from sop_engine._engine import AvailableEvent, Engine
from sop_engine._ops.outbox import Notifier, RelayReport, relay
from sop_engine._persistence.queries import CaseQuery, CaseRow
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._persistence.store import MemoryStore, Store
from sop_engine._runtime.batch import CommandOutcome, FireCommand, StartCommand
from sop_engine._runtime.sweeper import SweepReport
from sop_engine._spec.extensions import (
    ExporterSpec,
    IntakeSpec,
    LintRuleSpec,
    ListenerFailure,
    ListenerSpec,
    NewCase,
    NotifierSpec,
    RuleFinding,
)
from sop_engine._spec.hookspecs import hookimpl
from sop_engine._spec.names import SectionProblem
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
)
from sop_engine._views.cases import CaseView
from sop_engine._views.ledger import Violation

if TYPE_CHECKING:
    from sop_engine._persistence.postgres import PgStore

__version__ = "0.1.0"

__all__ = [
    "ActionContext",
    "ActionFn",
    "ActionSpec",
    "Actor",
    "AuditEvent",
    "AvailableEvent",
    "Breach",
    "CalendarDocError",
    "CalendarSpec",
    "Case",
    "CaseNotFound",
    "CaseNotVisible",
    "CaseQuery",
    "CaseRow",
    "CaseView",
    "Clock",
    "CommandIdReused",
    "CommandOutcome",
    "CommandRefused",
    "CompiledSop",
    "DayOff",
    "Deadline",
    "Declaration",
    "Engine",
    "EthicsCheckFn",
    "EthicsCheckSpec",
    "EthicsContext",
    "EthicsViolation",
    "EventNotAllowed",
    "ExporterSpec",
    "ExtensionFailed",
    "ExtensionRefused",
    "Finding",
    "FireCommand",
    "GuardFn",
    "GuardRejected",
    "GuardSpec",
    "IntakeRejected",
    "IntakeSpec",
    "InvalidArgument",
    "InvalidCaseData",
    "InvalidEventData",
    "ItemKind",
    "LeaseLost",
    "LintRuleSpec",
    "ListenerFailure",
    "ListenerSpec",
    "MemoryStore",
    "MigrationRefused",
    "NewCase",
    "Notification",
    "Notifier",
    "NotifierSpec",
    "PgStore",
    "PluginError",
    "Registry",
    "RelayReport",
    "RevealRefused",
    "RoleNotPermitted",
    "RuleFinding",
    "SectionProblem",
    "SectionSpec",
    "SimulatedClock",
    "SopDefinition",
    "SopError",
    "SopTextTampered",
    "SopValidationError",
    "SqliteStore",
    "StartCommand",
    "Store",
    "StoreUnavailable",
    "SweepReport",
    "SystemClock",
    "SystemEvent",
    "Text",
    "Timer",
    "TimerItem",
    "UnknownEvent",
    "UnknownSop",
    "VersionConflict",
    "Violation",
    "WorkingCalendar",
    "__version__",
    "case_diagram",
    "compile_sop",
    "hookimpl",
    "indonesia",
    "lint_file",
    "lint_text",
    "load_definition",
    "me_report",
    "relay",
    "sop_schema",
]


def me_report(
    engine: Engine,
    start: date,
    end: date,
    *,
    agency: str | None = None,
    unit: str | None = None,
    now: datetime | None = None,
    lang: Literal["id", "en"] = "id",
    public: bool = False,
) -> dict[str, Any]:
    """The monitoring and evaluation report of ``[start, end)`` as JSON-ready data: what
    ``sop report --format json`` prints (definitions: docs/reports.md).

    ``agency`` and ``unit`` limit it to the cases of that agency's SOPs and of that unit (a
    unit officer's report holds no row of another unit); ``public`` suppresses cells of 1-4
    cases for figures that leave the agency. Raises :class:`ValueError` when ``end`` is not
    after ``start``.
    """
    from sop_engine._reports.report import build_report

    return build_report(
        engine, start, end, agency=agency, unit=unit, now=now, lang=lang, public=public
    )


def case_diagram(
    engine: Engine,
    case_id: str,
    *,
    viewer: Actor | None = None,
    lang: Literal["id", "en"] = "id",
    fmt: Literal["svg", "dot", "mermaid"] = "svg",
    now: datetime | None = None,
) -> str:
    """The case's SOP version drawn with the case's path, current state and each deadline's
    outcome (what ``sop diagram --db DB --case ID`` draws), as SVG, DOT or Mermaid text.

    The case is read through :meth:`Engine.view` as ``viewer`` (an officer of another unit
    gets :class:`CaseNotVisible`); the drawing holds only the SOP's names and the case's
    states, never case content. SVG needs pygraphviz (``pip install 'sop-engine[diagrams]'``)
    and raises a :class:`SopError` naming that extra when it is missing.
    """
    from sop_engine._reports.diagram import case_marks, dot, mermaid, render

    shown = engine.view(case_id, viewer)
    sop = engine.sop(shown.case.sop_hash)
    marks = case_marks(sop, shown.case, shown.history, now or engine.clock.now())
    if fmt == "mermaid":
        return mermaid(sop, lang, marks)
    text = dot(sop, lang, marks)
    if fmt == "dot":
        return text
    svg = render(text, "svg").decode()
    return svg[svg.index("<svg") :]


_POSTGRES_PACKAGES = ("psycopg", "psycopg_pool")


def _load_pg_store() -> type["PgStore"]:
    try:
        from sop_engine._persistence.postgres import PgStore
    except ImportError as e:
        if (e.name or "").partition(".")[0] not in _POSTGRES_PACKAGES:
            raise
        raise ImportError(
            f"sop_engine.PgStore needs the optional package {e.name!r}, which is not "
            "installed: pip install 'sop-engine[postgres]'",
            name=e.name,
        ) from e
    return PgStore


if not TYPE_CHECKING:  # type checkers see PgStore imported above; they get no catch-all

    def __getattr__(name: str) -> Any:
        """Load :class:`PgStore` on first use: it needs the optional ``psycopg`` packages."""
        if name == "PgStore":
            globals()["PgStore"] = pg_store = _load_pg_store()
            return pg_store
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "PgStore"})
