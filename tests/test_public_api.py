"""The public surface is deliberate: this test pins it (change it here when you change it there)."""

from __future__ import annotations

import importlib
import pathlib
import re
import subprocess
import sys

import pytest

import sop_engine
import sop_engine.plugin
import sop_engine.testing

from conftest import ROOT

SRC = pathlib.Path(sop_engine.__file__).parent

EXPECTED = [
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


def test_public_names_are_pinned() -> None:
    assert sop_engine.__all__ == EXPECTED


def test_every_public_name_exists_and_is_sorted() -> None:
    assert sorted(sop_engine.__all__) == sop_engine.__all__
    for name in sop_engine.__all__:
        assert hasattr(sop_engine, name), name


def test_no_bare_now_in_the_core() -> None:
    """The clock is injected: only clock.py may read the system time."""
    offenders = [
        p.name
        for p in SRC.rglob("*.py")
        if p.name != "clock.py"
        and re.search(r"\b(datetime\.now|time\.time|utcnow)\(", p.read_text())
    ]
    assert offenders == []


def test_sop_files_are_never_evaluated() -> None:
    """Untrusted SOP files: no eval/exec/import of names anywhere in the package."""
    pattern = re.compile(r"\b(eval|exec|__import__|import_module)\(")
    offenders = [p.name for p in SRC.rglob("*.py") if pattern.search(p.read_text())]
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
    assert sop_engine.testing.__all__ == TESTING_EXPECTED
    for name in TESTING_EXPECTED:
        assert hasattr(sop_engine.testing, name), name


PLUGIN_EXPECTED = [
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


def test_plugin_author_names_are_pinned() -> None:
    assert sop_engine.plugin.__all__ == PLUGIN_EXPECTED
    assert sorted(PLUGIN_EXPECTED) == PLUGIN_EXPECTED
    for name in PLUGIN_EXPECTED:
        assert hasattr(sop_engine.plugin, name), name


def _isort_style(names: list[str]) -> list[str]:
    """Ruff's ``__all__`` order (RUF022): CONSTANTS, then Classes, then everything else."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))


def test_testing_kit_names_are_sorted() -> None:
    assert _isort_style(sop_engine.testing.__all__) == sop_engine.testing.__all__
    assert _isort_style(sop_engine.plugin.__all__) == sop_engine.plugin.__all__


def test_a_name_in_both_facades_is_one_object() -> None:
    for name in set(sop_engine.__all__) & set(sop_engine.plugin.__all__):
        assert getattr(sop_engine.plugin, name) is getattr(sop_engine, name), name


# Old import paths, kept working for existing code. Everything they offer is public (the same
# object), except these constants, which only the old path ever offered.
SHIMS = ["outbox", "pg_store", "records", "registry", "sqlite_store"]
SHIM_ONLY = {("records", "ERASED"), ("records", "START_EVENT"), ("registry", "KINDS")}
SHIM_ONLY |= {("registry", "RESERVED_SECTIONS")}


@pytest.mark.parametrize("shim", SHIMS)
def test_compat_shims_re_export_the_public_objects(shim: str) -> None:
    module = importlib.import_module(f"sop_engine.{shim}")
    assert module.__all__, shim
    for name in module.__all__:
        value = getattr(module, name)
        if name in sop_engine.__all__:
            assert value is getattr(sop_engine, name), (shim, name)
        elif name in sop_engine.plugin.__all__:
            assert value is getattr(sop_engine.plugin, name), (shim, name)
        else:
            assert (shim, name) in SHIM_ONLY, f"sop_engine.{shim}.{name} is not public"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


PUBLIC_MODULES = {"sop_engine", "sop_engine.plugin", "sop_engine.cli", "sop_engine.server"}
PUBLIC_MODULES |= {f"sop_engine.{shim}" for shim in SHIMS}


def test_every_module_outside_the_public_ones_is_marked_private() -> None:
    """A module is public on purpose; any other has a ``_``-prefixed name on its path."""
    modules = {_module_name(p) for p in SRC.rglob("*.py")}
    assert modules >= PUBLIC_MODULES
    for name in sorted(modules - PUBLIC_MODULES):
        parts = name.split(".")
        if parts[:2] in (["sop_engine", "testing"], ["sop_engine", "server"]):
            continue  # packages users read and copy: their modules are public
        assert any(part.startswith("_") for part in parts[1:]), f"{name} is neither public nor _"


def _user_facing_files() -> list[pathlib.Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for top in ("plugins", "examples", "bench"):
        files += sorted(
            p
            for p in (ROOT / top).rglob("*")
            if p.suffix in {".py", ".md"} and ".egg-info" not in str(p)
        )
    return files


_IMPORT = re.compile(r"^\s*(?:from|import)\s+(sop_engine(?:\.\w+)*)", re.M)


def test_docs_plugins_and_examples_import_public_modules_only() -> None:
    """What users copy imports ``sop_engine``, ``sop_engine.plugin`` or ``sop_engine.testing``."""
    files = _user_facing_files()
    assert len(files) > 20
    private = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in files
        for m in _IMPORT.findall(p.read_text(encoding="utf-8"))
        if any(part.startswith("_") for part in m.split(".")[1:])
    ]
    assert private == []


def test_docs_plugin_sources_and_examples_teach_no_compat_shim() -> None:
    """The shims keep old code working; nothing new is written against them. (The plugins' own
    tests still use them, as the old code they keep working for.)"""
    shims = {f"sop_engine.{shim}" for shim in SHIMS}
    files = [p for p in _user_facing_files() if "tests" not in p.relative_to(ROOT).parts]
    old = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in files
        for m in _IMPORT.findall(p.read_text(encoding="utf-8"))
        if m in shims
    ]
    assert old == []


_WITHOUT_PSYCOPG = """
import sys
sys.modules["psycopg"] = None  # what an installation without the postgres extra looks like
import sop_engine, sop_engine.plugin, sop_engine.testing
assert "PgStore" in sop_engine.__all__ and "PgStore" in dir(sop_engine)
try:
    sop_engine.PgStore
except ImportError as e:
    print(e.name, e)
"""


def test_import_works_without_psycopg_and_pg_store_names_the_extra() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PSYCOPG], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("psycopg "), out
    assert "pip install 'sop-engine[postgres]'" in out


def test_pg_store_loads_lazily_as_the_one_class() -> None:
    from sop_engine._persistence.postgres import PgStore

    assert sop_engine.PgStore is PgStore
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        _ = sop_engine.NoSuchName  # type: ignore[attr-defined]  # on purpose
