"""Binding an SOP's names to plugin code: every failure is a lint finding with a position.

A plugin's ``bind`` may reject parameters its JSON Schema lets through (``min`` above ``max``).
That is the SOP author's mistake, so ``sop lint`` reports it where it is written, and loading
or adding the SOP raises :class:`SopValidationError` carrying the same finding, never the
plugin's bare exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sop_engine import (
    ActionSpec,
    Engine,
    EthicsCheckSpec,
    GuardSpec,
    Registry,
    SopValidationError,
    Text,
    hookimpl,
    lint_file,
    lint_text,
    load_definition,
)
from sop_engine._core.findings import Finding
from sop_engine.registry import CalendarSpec

_RANGE = {
    "type": "object",
    "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
    "required": ["min", "max"],
    "additionalProperties": False,
}


def _checked(params: Mapping[str, Any]) -> None:
    if params["min"] > params["max"]:
        raise ValueError(f"min {params['min']} is above max {params['max']}")


class Picky:
    """A plugin whose guard, action and ethics check refuse ``min`` above ``max`` in ``bind``."""

    @hookimpl
    def sop_engine_guards(self) -> list[GuardSpec]:
        def bind(params: Mapping[str, Any]) -> Any:
            _checked(params)
            return lambda case, actor, payload: None

        return [GuardSpec("dalam_rentang", Text("dalam rentang"), _RANGE, bind)]

    @hookimpl
    def sop_engine_actions(self) -> list[ActionSpec]:
        def bind(params: Mapping[str, Any]) -> Any:
            _checked(params)
            return lambda data, ctx: None

        return [ActionSpec("catat_rentang", Text("catat rentang"), _RANGE, bind)]

    @hookimpl
    def sop_engine_ethics_checks(self) -> list[EthicsCheckSpec]:
        def bind(params: Mapping[str, Any]) -> Any:
            _checked(params)
            return lambda ctx: None

        return [EthicsCheckSpec("rentang_etik", Text("rentang"), _RANGE, bind, ("tidak_patut",))]

    @hookimpl
    def sop_engine_calendars(self) -> list[CalendarSpec]:
        def build(**kwargs: Any) -> Any:
            raise ValueError("this calendar needs office hours")

        return [CalendarSpec("ID-RUSAK", Text("kalender rusak"), build)]


def _sop(guard: str = "{min: 1, max: 5}", action: str = "{min: 1, max: 5}", tail: str = "") -> str:
    return f"""\
sop:
  id: mini
  version: "1"
  title: Mini SOP
  agency: Dinas Contoh

roles:
  petugas:
    label: Petugas

states:
  baru:
    label: Baru
    initial: true
  selesai:
    label: Selesai
    final: true

events:
  tutup:
    label: Tutup
    roles: petugas

transitions:
  - event: tutup
    from: baru
    to: selesai
    guards:
      - dalam_rentang: {guard}
    actions:
      - catat_rentang: {action}
{tail}"""


ETHICS = """
ethics:
  rules:
    - id: KE-01
      title: Rentang
      check: rentang_etik
      with: {min: 9, max: 2}
      severity: block
"""

CALENDAR = """
deadlines:
  calendar: { id: ID-RUSAK, zone: Asia/Jakarta }
  clocks:
    proses:
      duration: { working_days: 2 }
      start: { enter: baru }
      stop: { enter: selesai }
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(plugins=[Picky()], load_entry_points=False)


def _only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.format() for f in findings]
    return findings[0]


def test_a_valid_sop_with_the_plugin_lints_clean(registry: Registry) -> None:
    assert lint_text(_sop(), registry=registry) == []


def test_a_guard_whose_bind_rejects_its_parameters_is_a_finding(
    registry: Registry, tmp_path: Path
) -> None:
    text = _sop(guard="{min: 7, max: 3}")
    f = _only(lint_text(text, name="mini.yaml", registry=registry))
    assert (f.code, f.line, f.column) == ("SOP030", 29, 9)
    assert "dalam_rentang" in f.message("en")
    assert "min 7 is above max 3" in f.message("en")
    assert f.message("id").startswith("parameter 'dalam_rentang'")
    assert f.hint("id")
    assert f.hint("en")
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    assert lint_file(path, registry=registry) == [Finding("SOP030", str(path), 29, 9, f.args)]
    with pytest.raises(SopValidationError) as raised:
        load_definition(path, registry=registry)
    assert [(g.code, g.line, g.column) for g in raised.value.findings] == [("SOP030", 29, 9)]
    with pytest.raises(SopValidationError) as raised:
        Engine(registry=registry).load(path)
    assert [(g.code, g.line) for g in raised.value.findings] == [("SOP030", 29)]


def test_an_action_whose_bind_rejects_its_parameters_is_a_finding(registry: Registry) -> None:
    f = _only(lint_text(_sop(action="{min: 4, max: 0}"), registry=registry))
    assert (f.code, f.line, f.column) == ("SOP030", 31, 9)
    assert "catat_rentang" in f.message("en")


def test_an_ethics_check_whose_bind_rejects_its_parameters_is_a_finding(
    registry: Registry,
) -> None:
    f = _only(lint_text(_sop(tail=ETHICS), registry=registry))
    assert (f.code, f.line) == ("SOP047", 38)
    assert "min 9 is above max 2" in f.message("en")
    with pytest.raises(SopValidationError, match="SOP047"):
        load_definition("mini.yaml", text=_sop(tail=ETHICS), registry=registry)


def test_a_calendar_that_cannot_be_built_is_a_finding(registry: Registry) -> None:
    f = _only(lint_text(_sop(tail=CALENDAR), registry=registry))
    assert (f.code, f.line) == ("SOP074", 34)
    assert "this calendar needs office hours" in f.message("en")
    assert "ID-RUSAK" in f.message("id")
    with pytest.raises(SopValidationError, match="SOP074"):
        load_definition("mini.yaml", text=_sop(tail=CALENDAR), registry=registry)


def test_the_definition_holds_names_and_parameters_compiling_binds_them(
    registry: Registry,
) -> None:
    import attrs

    from sop_engine import compile_sop

    definition = load_definition(
        "mini.yaml", text=_sop(tail=ETHICS.replace("9", "1")), registry=registry
    )
    (rule,) = definition.sections["ethics"].rules
    assert (rule.check, dict(rule.params)) == ("rentang_etik", {"min": 1, "max": 2})
    for value in attrs.asdict(rule, recurse=False).values():
        assert not callable(value)
    compiled = compile_sop(definition, registry)
    assert compiled.ethics is not None
    assert callable(compiled.ethics.rules[0].fn)
    ((_, guard),) = compiled.table["baru"]["tutup"][0].guards
    assert callable(guard)


def test_compiling_against_a_registry_without_the_plugin_is_a_finding(registry: Registry) -> None:
    from sop_engine import compile_sop

    definition = load_definition("mini.yaml", text=_sop(), registry=registry)
    with pytest.raises(SopValidationError) as raised:
        compile_sop(definition, Registry(load_entry_points=False))
    assert [(f.code, f.line, f.column) for f in raised.value.findings] == [
        ("SOP028", 29, 9),
        ("SOP029", 31, 9),
    ]
    assert "dalam_rentang" in raised.value.findings[0].message("en")
