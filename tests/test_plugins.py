"""The plugin system: discovery through entry points, clear errors naming the plugin, listing."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sop_engine import (
    Actor,
    AuditEvent,
    Case,
    Engine,
    EthicsViolation,
    ExporterSpec,
    GuardSpec,
    IntakeRejected,
    IntakeSpec,
    LintRuleSpec,
    ListenerSpec,
    NewCase,
    NotifierSpec,
    PluginError,
    Registry,
    RuleFinding,
    SimulatedClock,
    SopDefinition,
    SopValidationError,
    Store,
    Text,
    hookimpl,
    lint_file,
    lint_text,
    load_definition,
)
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, ROOT


def _install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, code: str, name: str = "izin_uji"
) -> None:
    """A real installed distribution with a ``sop_engine`` entry point ``name``, on sys.path."""
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = tmp_path / f"{module}-1.0.dist-info"  # as pip names it: underscores, then version
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[sop_engine]\n{name} = {module}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)


GUARD_PLUGIN = """
from sop_engine import GuardSpec, Text, hookimpl

def _bind(params):
    def guard(case, actor, payload):
        return None if str(case.data.get("nib", "")).isdigit() else Text("NIB tidak sah", "bad NIB")
    return guard

@hookimpl
def sop_engine_guards():
    return [GuardSpec("izin_uji.nib_valid", Text("NIB terdaftar"), {"type": "object"}, _bind)]
"""


def test_an_installed_plugin_is_discovered_and_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, "sop_engine_izin", GUARD_PLUGIN)
    registry = Registry()
    assert "izin_uji.nib_valid" in registry.guards
    assert registry.owners[("guards", "izin_uji.nib_valid")] == "izin_uji"
    assert registry.packages["izin_uji"] == "sop-engine-izin"
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert "izin_uji (sop-engine-izin)\n  guards: izin_uji.nib_valid" in result.output


def test_a_plugin_that_fails_to_import_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(
        tmp_path,
        monkeypatch,
        "sop_engine_rusak",
        "raise ImportError('no module named x')\n",
        "rusak",
    )
    with pytest.raises(PluginError, match=r"plugin 'rusak' \(from sop-engine-rusak\)"):
        Registry()
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 2  # a broken installation: the environment, not a finding
    assert "sop-engine-rusak" in result.output
    assert "Traceback" not in result.output


def test_a_name_registered_twice_names_both_plugins() -> None:
    class Other:
        @hookimpl
        def sop_engine_guards(self) -> list[GuardSpec]:
            return [GuardSpec("fields_complete", Text("x"), {"type": "object"}, lambda p: p)]  # type: ignore[arg-type, return-value]

    with pytest.raises(PluginError, match=r"'sop_engine\.builtins' and"):
        Registry(plugins=[Other()], load_entry_points=False)


def test_a_hook_with_the_wrong_signature_is_refused_at_load() -> None:
    class Wrong:
        @hookimpl
        def sop_engine_guards(self, unexpected: int) -> list[GuardSpec]:
            return []

    with pytest.raises(PluginError, match="cannot register plugin"):
        Registry(plugins=[Wrong()], load_entry_points=False)


def test_a_hook_returning_the_wrong_kind_is_refused() -> None:
    class Confused:
        @hookimpl
        def sop_engine_guards(self) -> list[str]:
            return ["fields_complete"]

    with pytest.raises(PluginError, match="expected GuardSpec records"):
        Registry(plugins=[Confused()], load_entry_points=False)


# -- namespaces ---------------------------------------------------------------------------------


def test_an_installed_plugin_may_not_register_a_bare_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, "sop_engine_izin", GUARD_PLUGIN.replace("izin_uji.nib", "nib"))
    with pytest.raises(PluginError, match=r"'izin_uji' \(from sop-engine-izin\) registers guard "):
        Registry()


def test_an_installed_plugin_may_not_register_in_another_namespace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(
        tmp_path, monkeypatch, "sop_engine_izin", GUARD_PLUGIN.replace("izin_uji.nib", "lapor.nib")
    )
    with pytest.raises(PluginError, match=r"'lapor\.nib_valid' outside its namespace") as info:
        Registry()
    assert info.value.plugin == "izin_uji"


def test_two_packages_claiming_one_namespace_are_both_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _install(tmp_path / "a", monkeypatch, "sop_engine_izin", GUARD_PLUGIN)
    _install(tmp_path / "b", monkeypatch, "sop_engine_izin2", GUARD_PLUGIN)
    with pytest.raises(
        PluginError, match=r"both named 'izin_uji' \(sop-engine-izin.* and sop-engine"
    ):
        Registry()


def test_a_misspelt_hook_is_refused_naming_the_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = GUARD_PLUGIN.replace("def sop_engine_guards", "def sop_engine_guard")
    _install(tmp_path, monkeypatch, "sop_engine_izin", code)
    with pytest.raises(
        PluginError, match=r"plugin 'izin_uji' \(from sop-engine-izin\) implements a"
    ):
        Registry()


def test_a_hook_that_raises_is_reported_naming_the_plugin() -> None:
    class Broken:
        @hookimpl
        def sop_engine_notifiers(self) -> list[NotifierSpec]:
            raise KeyError("SMTP_HOST")

    with pytest.raises(
        PluginError, match=r"raised KeyError\('SMTP_HOST'\) in sop_engine_notifiers"
    ):
        Registry(plugins=[Broken()], load_entry_points=False)


# -- event listeners ----------------------------------------------------------------------------


def _engine(*plugins: object, store: Store | None = None) -> Engine:
    registry = Registry(plugins=plugins, load_entry_points=False)
    engine = Engine(
        registry=registry, store=store, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    )
    engine.load(LAPOR)
    return engine


def test_listeners_see_each_committed_event_and_a_failing_one_changes_nothing(
    tmp_path: Path,
) -> None:
    seen: list[tuple[str, int, str, int]] = []
    store = SqliteStore(tmp_path / "s.db")

    class Observers:
        @hookimpl
        def sop_engine_event_listeners(self) -> list[ListenerSpec]:
            def broken(case: Case, event: AuditEvent) -> None:
                raise RuntimeError("index down")

            def record(case: Case, event: AuditEvent) -> None:
                # called after the commit: the store already holds this version
                seen.append((event.event, event.seq, case.state, store.get(case.id).version))

            return [
                ListenerSpec("broken", Text("rusak"), broken),
                ListenerSpec("record", Text("catat"), record),
            ]

    engine = _engine(Observers(), store=store)
    try:
        engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
        case = engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
        assert case.version == 2
        assert engine.get("c1").state == case.state
        assert seen == [("@start", 1, "diterima", 1), ("verifikasi", 2, case.state, 2)]
        assert [(f.listener, f.case_id, f.seq) for f in engine.listener_failures] == [
            ("broken", "c1", 1),
            ("broken", "c1", 2),
        ]
        assert "index down" in engine.listener_failures[0].error
        assert len(engine.history("c1")) == 2
        engine.erase_personal_data("c1", ADMIN, "permintaan pelapor")
        assert seen[-1][:2] == ("@erase", 3)
    finally:
        store.close()


# -- lint rules ---------------------------------------------------------------------------------


def test_lint_rules_report_errors_warnings_and_their_own_failure() -> None:
    class Rules:
        @hookimpl
        def sop_engine_lint_rules(self) -> list[LintRuleSpec]:
            def titled(sop: SopDefinition) -> list[RuleFinding]:
                return [
                    RuleFinding(
                        ("sop", "agency"),
                        Text(f"instansi {sop.meta.agency!r} tidak terdaftar", "unknown agency"),
                        Text("daftarkan instansi", "register the agency"),
                    ),
                    RuleFinding(
                        ("states",), Text("terlalu banyak", "too many"), Text("x"), "warning"
                    ),
                ]

            def crashes(sop: SopDefinition) -> list[RuleFinding]:
                raise ZeroDivisionError("oops")

            return [
                LintRuleSpec("agency_known", Text("instansi"), titled),
                LintRuleSpec("crashes", Text("rusak"), crashes),
            ]

    registry = Registry(plugins=[Rules()], load_entry_points=False)
    findings = lint_file(LAPOR, registry=registry)
    assert sorted(f.code for f in findings) == ["SOP071", "SOP072", "SOP073"]
    by_code = {f.code: f for f in findings}
    assert by_code["SOP071"].message("en") == "agency_known: unknown agency"
    assert by_code["SOP071"].message("id").startswith("agency_known: instansi ")
    assert by_code["SOP071"].hint("id") == "daftarkan instansi"
    assert by_code["SOP071"].severity == "error"
    assert by_code["SOP072"].severity == "warning"
    assert by_code["SOP072"].hint("en") == "x"
    assert "ZeroDivisionError('oops')" in by_code["SOP073"].message("en")
    lines = LAPOR.read_text(encoding="utf-8").splitlines()
    assert "agency:" in lines[by_code["SOP071"].line - 1]
    with pytest.raises(SopValidationError, match="SOP071"):
        load_definition(LAPOR, registry=registry)


# -- intake, notifiers, exporters ------------------------------------------------------------------


class Channel:
    @hookimpl
    def sop_engine_intake_channels(self) -> list[IntakeSpec]:
        def bind(config: Mapping[str, Any]) -> Any:
            def parse(raw: str | bytes, meta: Mapping[str, Any]) -> NewCase:
                text = raw.decode() if isinstance(raw, bytes) else raw
                if ":" not in text:
                    raise IntakeRejected("uji", Text("format salah", "bad format"))
                title, _, body = text.partition(":")
                data = {**COMPLETE, "judul": title, "kronologi": body.strip()}
                return NewCase(config["sop"], data, ADMIN, f"uji:{meta['id']}", "uji")

            return parse

        schema = {"type": "object", "required": ["sop"], "properties": {"sop": {"type": "string"}}}
        return [IntakeSpec("uji", Text("kanal uji"), schema, bind)]


def test_intake_opens_one_case_per_message_and_rejects_clearly() -> None:
    engine = _engine(Channel())
    parse = engine.registry.intake("uji", {"sop": "lapor-upp"})
    first = engine.intake(parse, "Jalan rusak: lubang besar", {"id": "m1"})
    again = engine.intake(parse, b"Jalan rusak: lubang besar", {"id": "m1"})
    assert again.id == first.id
    assert first.data["judul"] == "Jalan rusak"
    assert len(list(engine.store.case_ids())) == 1
    with pytest.raises(IntakeRejected, match="uji: message rejected: bad format") as info:
        engine.intake(parse, "tanpa titik dua", {"id": "m2"})
    assert info.value.reason.id == "format salah"
    with pytest.raises(PluginError, match=r"configuration of intake channel 'uji' is invalid"):
        engine.registry.intake("uji", {"sop": 3})
    with pytest.raises(PluginError, match=r"no notifier 'smtp\.email' is registered"):
        engine.registry.notifier("smtp.email", {})


def test_a_notifier_must_bind_to_something_that_delivers() -> None:
    class Bad:
        @hookimpl
        def sop_engine_notifiers(self) -> list[NotifierSpec]:
            return [NotifierSpec("bad", Text("x"), {"type": "object"}, lambda c: object())]  # type: ignore[arg-type, return-value]

    registry = Registry(plugins=[Bad()], load_entry_points=False)
    with pytest.raises(PluginError, match="has no deliver"):
        registry.notifier("bad", {})


def test_sop_plugins_lists_every_kind() -> None:
    class Everything:
        @hookimpl
        def sop_engine_exporters(self) -> list[ExporterSpec]:
            return [ExporterSpec("csv", Text("CSV"), {"type": "object"}, lambda c: lambda i: "")]

    registry = Registry(plugins=[Channel(), Everything()], load_entry_points=False)
    assert set(registry.intake_channels) == {"uji"}
    assert registry.exporter("csv", {})([]) == ""


def test_a_required_package_not_installed_is_the_only_finding_about_its_names() -> None:
    text = (
        ROOT / "tests" / "corpus" / "invalid" / "plugin_namespace_not_installed.yaml"
    ).read_text(encoding="utf-8")
    registry = Registry(load_entry_points=False)
    assert [f.code for f in lint_text(text, name="a.yaml", registry=registry)] == ["SOP070"]
    declared = text.replace("\nroles:", "\nrequires: [sop-engine-izin-usaha-x]\n\nroles:", 1)
    findings = lint_text(declared, name="a.yaml", registry=registry)
    assert [(f.code, f.args["package"]) for f in findings] == [
        ("SOP045", "sop-engine-izin-usaha-x")
    ]


def test_listeners_also_see_events_the_sweeper_commits() -> None:
    seen: list[AuditEvent] = []

    class Observer:
        @hookimpl
        def sop_engine_event_listeners(self) -> list[ListenerSpec]:
            return [ListenerSpec("record", Text("catat"), lambda case, event: seen.append(event))]

    engine = _engine(Observer())
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    assert isinstance(engine.clock, SimulatedClock)
    engine.clock.advance(timedelta(days=14))
    report = engine.sweep()
    assert report.fired
    assert seen == list(engine.history("c1"))  # every committed event, in order, once
    assert len(seen) > 2
    assert {e.event for e in seen[1:]} <= {"@remind", "@breach", "@escalate", "@expire"}


def test_listeners_see_the_record_of_a_command_an_ethics_rule_blocked() -> None:
    seen: list[tuple[str, int]] = []

    class Observer:
        @hookimpl
        def sop_engine_event_listeners(self) -> list[ListenerSpec]:
            return [ListenerSpec("r", Text("catat"), lambda case, e: seen.append((e.event, e.seq)))]

    engine = _engine(Observer())
    officer, liaison = (
        Actor("budi", "petugas_unit", "dinas_pupr"),
        Actor("dewi", "pejabat_penghubung"),
    )
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.fire("c1", "tindak_lanjuti", officer)
    engine.fire("c1", "ajukan_tanggapan", officer, {"tanggapan": "Jalan ditambal Kamis."})
    with pytest.raises(EthicsViolation):
        engine.fire("c1", "setujui_tanggapan", liaison, {"tanpa_imbalan": False})
    assert seen == [(e.event, e.seq) for e in engine.history("c1")]
    assert seen[-1] == ("@ethics", 6)


PICKY_PLUGIN = """
from sop_engine import GuardSpec, Text, hookimpl

PARAMS = {
    "type": "object",
    "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
    "required": ["min", "max"],
}

def _bind(params):
    if params["min"] > params["max"]:
        raise ValueError("min is above max")
    return lambda case, actor, payload: None

@hookimpl
def sop_engine_guards():
    return [GuardSpec("izin_uji.rentang", Text("rentang"), PARAMS, _bind)]
"""


def test_sop_lint_reports_an_installed_guard_whose_bind_rejects_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the schema accepted the parameters, so `sop lint` said nothing and
    `Engine.load` raised a bare ValueError from the plugin's bind."""
    _install(tmp_path, monkeypatch, "sop_engine_rentang", PICKY_PLUGIN)
    text = LAPOR.read_text(encoding="utf-8")
    anchor = "      - fields_complete: { fields: [unit_tujuan] }\n"
    assert anchor in text
    text = text.replace(anchor, anchor + "      - izin_uji.rentang: { min: 5, max: 1 }\n", 1)
    path = tmp_path / "sop.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("izin_uji.rentang")].count("\n") + 1
    result = CliRunner().invoke(main, ["lint", "--lang", "en", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{path}:{line}:9: SOP030 parameters of 'izin_uji.rentang': min is above max" in (
        result.output
    )
    with pytest.raises(SopValidationError, match="SOP030"):
        Engine().load(path)
