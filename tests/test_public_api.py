"""The public surface is deliberate: this test pins it (change it here when you change it there)."""

from __future__ import annotations

import sop_engine

EXPECTED = [
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


def test_public_names_are_pinned() -> None:
    assert sop_engine.__all__ == EXPECTED


def test_every_public_name_exists_and_is_sorted() -> None:
    assert sorted(sop_engine.__all__) == sop_engine.__all__
    for name in sop_engine.__all__:
        assert hasattr(sop_engine, name), name


def test_no_bare_now_in_the_core() -> None:
    """The clock is injected: only clock.py may read the system time."""
    import pathlib
    import re

    src = pathlib.Path(sop_engine.__file__).parent
    offenders = [
        p.name
        for p in src.glob("*.py")
        if p.name != "clock.py"
        and re.search(r"\b(datetime\.now|time\.time|utcnow)\(", p.read_text())
    ]
    assert offenders == []


def test_sop_files_are_never_evaluated() -> None:
    """Untrusted SOP files: no eval/exec/import of names anywhere in the package."""
    import pathlib
    import re

    src = pathlib.Path(sop_engine.__file__).parent
    pattern = re.compile(r"\b(eval|exec|__import__|import_module)\(")
    offenders = [p.name for p in src.glob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


TESTING_EXPECTED = [
    "BUILTIN_INVARIANTS",
    "DEFAULT_START",
    "Coverage",
    "CoverageRow",
    "InvariantViolated",
    "Outcome",
    "Result",
    "Step",
    "World",
    "check_against_transitions",
    "compare_with_transitions",
    "coverage_table",
    "explore",
    "replay",
    "scenario_text",
    "state_machine",
]


def test_testing_kit_names_are_pinned() -> None:
    import sop_engine.testing

    assert sop_engine.testing.__all__ == TESTING_EXPECTED
    for name in TESTING_EXPECTED:
        assert hasattr(sop_engine.testing, name), name
