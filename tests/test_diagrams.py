"""``sop diagram``: every example SOP drawn as Mermaid, DOT, SVG and PNG, with everything the
paper SOP says (states, marks, events, roles, guards, clocks), and a case's path highlighted."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Engine, Registry, SimulatedClock, SqliteStore
from sop_engine._reports.clocks import clock_span
from sop_engine._reports.diagram import case_marks, dot, mermaid, render
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, EXAMPLES, LAPOR, OFFICER

SOPS = [
    EXAMPLES / "lapor" / "sop.yaml",
    EXAMPLES / "dpmptsp" / "sop.yaml",
    EXAMPLES / "custom-plugin" / "sop-izin.yaml",
]


@pytest.fixture(scope="module")
def plugins() -> Registry:
    return Registry()


@pytest.mark.parametrize("path", SOPS, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_example_sop_is_drawn_with_everything_it_says(
    path: Path, lang: str, plugins: Registry
) -> None:
    sop = Engine(registry=plugins).load(path)
    d = sop.definition
    text_m, text_d = mermaid(sop, lang), dot(sop, lang)  # type: ignore[arg-type]
    assert text_m.startswith("---\ntitle: ")
    for s in d.states:
        assert s.label.get(lang).replace(":", "꞉") in text_m  # type: ignore[arg-type]
        assert f'"{s.name}" [label=' in text_d
        if s.final:
            assert f"s_{s.name} --> [*]" in text_m
            assert f'"{s.name}" [label="' in text_d
            assert "peripheries" in text_d
    for e in d.events:
        assert e.label.get(lang) in text_m  # type: ignore[arg-type]
        assert e.label.get(lang) in text_d  # type: ignore[arg-type]
    for tr in d.transitions:
        for g in tr.guards:
            assert f" {g.name}" in text_m
        roles = tr.roles if tr.roles is not None else d.event(tr.event).roles
        assert f"[{', '.join(roles)}]" in text_d
    plan = sop.deadlines
    for clock in plan.clocks if plan else ():
        assert f"⏱ {clock.name}" in text_m
        assert f"◷ {clock.name}" in text_d
        assert clock.label.get(lang) in text_d  # type: ignore[arg-type]
        for level in clock.levels:
            assert ", ".join(level.notify) in text_d
    # the edges are the transitions Machine's (the same CompiledSop builds both)
    machine = sop.machine()
    expected = {
        (t.source, t.dest)
        for trans in machine.events.values()
        for ts in trans.transitions.values()
        for t in ts
    }
    drawn = {
        tuple(line.strip().split(": ")[0].replace("s_", "", 1).split(" --> s_"))
        for line in text_m.splitlines()
        if " --> s_" in line and not line.strip().startswith("[*]")
    }
    assert drawn == expected
    svg = render(text_d, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert d.states[0].label.get(lang).split(",")[0] in svg.decode()  # type: ignore[arg-type]
    assert render(text_d, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_a_clock_runs_in_the_states_between_its_start_and_its_stop(plugins: Registry) -> None:
    sop = Engine(registry=plugins).load(LAPOR)
    assert sop.deadlines is not None
    spans = {c.name: clock_span(sop, c) for c in sop.deadlines.clocks}
    assert spans["verifikasi"] == ({"diterima"}, {"menunggu_kelengkapan"})
    assert spans["tindak_lanjut"] == ({"terdisposisi", "diproses"}, set())
    assert spans["umpan_balik"] == ({"ditanggapi"}, set())
    assert spans["penyelesaian"][0] == {
        "terverifikasi",
        "terdisposisi",
        "diproses",
        "draf_tanggapan",
    }


def test_timed_transitions_are_distinct(plugins: Registry) -> None:
    sop = Engine(registry=plugins).load(LAPOR)
    text_m, text_d = mermaid(sop, "en"), dot(sop, "en")
    assert "s_ditanggapi --> s_selesai: ⏱ Close automatically" in text_m
    assert "s_ditanggapi --> s_selesai: Reporter accepts" in text_m
    timed = [ln for ln in text_d.splitlines() if "Close automatically" in ln]
    assert timed
    assert all('style="dashed"' in ln for ln in timed)
    accept = [ln for ln in text_d.splitlines() if "Reporter accepts" in ln]
    assert accept
    assert not any("dashed" in ln for ln in accept)


def _case_db(path: Path, plugins: Registry) -> tuple[Engine, SimulatedClock]:
    from datetime import UTC, datetime

    clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path), clock=clock, registry=plugins)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})  # met on time
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    clock.advance(timedelta(days=14))  # the 5-working-day follow-up runs out
    engine.sweep()
    engine.fire("c1", "tindak_lanjuti", OFFICER)
    return engine, clock


def test_a_case_path_state_and_deadlines_are_highlighted(tmp_path: Path, plugins: Registry) -> None:
    engine, clock = _case_db(tmp_path / "c.db", plugins)
    sop = engine.sop(engine.get("c1").sop_hash)
    marks = case_marks(sop, engine.get("c1"), engine.history("c1"), clock.now())
    assert marks.current == "diproses"
    assert marks.visited == {"diterima", "terverifikasi", "terdisposisi", "diproses"}
    assert marks.clocks["verifikasi"] == "met"
    assert marks.clocks["tindak_lanjut"] == "breached"
    text_m = mermaid(sop, "en", marks)
    assert "class s_diproses current" in text_m
    assert "class s_terverifikasi visited" in text_m
    assert (
        "s_terdisposisi --> s_diproses: Start the follow-up [petugas_unit] if actor_unit_matches ✔"
        in text_m
    )
    assert "s_diterima --> s_diarsipkan: Archive the report [admin_instansi]\n" in text_m
    assert "⏱ tindak_lanjut — breached" in text_m
    text_d = dot(sop, "en", marks)
    assert '"diproses" [label=' in text_d
    assert 'fillcolor="#0d47a1"' in text_d
    assert "◷ verifikasi: met on time" in text_d
    assert "◷ tindak_lanjut: breached" in text_d
    assert 'color="#c62828"' in text_d


def test_the_cli_writes_each_format(tmp_path: Path, plugins: Registry) -> None:
    db = tmp_path / "c.db"
    engine, _ = _case_db(db, plugins)
    engine.store.close()  # type: ignore[attr-defined]
    runner = CliRunner()
    out = runner.invoke(main, ["diagram", str(LAPOR), "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "stateDiagram-v2" in out.output
    assert "Verify the report" in out.output
    for fmt, magic in (("svg", b"<?xml"), ("png", b"\x89PNG"), ("dot", b"digraph")):
        target = tmp_path / f"d.{fmt}"
        res = runner.invoke(main, ["diagram", str(LAPOR), "--format", fmt, "-o", str(target)])
        assert res.exit_code == 0, res.output
        assert target.read_bytes().startswith(magic)
    res = runner.invoke(
        main,
        [
            "diagram",
            "--db",
            str(db),
            "--case",
            "c1",
            "--format",
            "json",
            "--now",
            "2026-03-16T02:00:00",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["case"] == "c1"
    assert "class s_diproses current" in doc["mermaid"]
    bad = runner.invoke(main, ["diagram", "--db", str(db), "--case", "nope"])
    assert bad.exit_code == 2  # an id that names no case: a usage error
    assert "nope" in bad.output
    both = runner.invoke(main, ["diagram", "--case", "c1"])
    assert both.exit_code == 2
