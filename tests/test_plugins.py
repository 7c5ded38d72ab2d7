"""The plugin system: discovery through entry points, clear errors naming the plugin, listing."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import GuardSpec, PluginError, Registry, Text, hookimpl
from sop_engine.cli import main


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, code: str) -> None:
    """A real installed distribution with a ``sop_engine`` entry point, found on sys.path."""
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = tmp_path / f"{module.replace('_', '-')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[sop_engine]\n{module} = {module}\n", encoding="utf-8")
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
    return [GuardSpec("nib_valid", Text("NIB terdaftar"), {"type": "object"}, _bind)]
"""


def test_an_installed_plugin_is_discovered_and_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, "sop_engine_izin", GUARD_PLUGIN)
    registry = Registry()
    assert "nib_valid" in registry.guards
    assert registry.owners[("guards", "nib_valid")] == "sop_engine_izin"
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert "sop_engine_izin\n  guards: nib_valid" in result.output


def test_a_plugin_that_fails_to_import_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, "sop_engine_rusak", "raise ImportError('no module named x')\n")
    with pytest.raises(PluginError, match=r"plugin 'sop_engine_rusak' \(from sop-engine-rusak\)"):
        Registry()
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 1
    assert "sop_engine_rusak" in result.output
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
