"""Moving running cases to a new SOP version: refused unless safe, audited, replayable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Engine, MigrationRefused, SimulatedClock, load_definition
from sop_engine._persistence.sqlite import SqliteStore, verify_chains
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _v2_text() -> str:
    """Version 2026.2: 'diproses' is renamed 'ditindaklanjuti'; follow-up gets 4 working days."""
    text = LAPOR.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace("diproses", "ditindaklanjuti")
    return text.replace(
        "      duration: { working_days: 5 }\n      start: { enter: terdisposisi }",
        "      duration: { working_days: 4 }\n      start: { enter: terdisposisi }",
    )


def _engine(store: object = None) -> Engine:
    clock = SimulatedClock(T0)
    engine = Engine(clock=clock, store=store)  # type: ignore[arg-type]
    engine.load(LAPOR)
    return engine


def _in_progress(engine: Engine, case_id: str) -> None:
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id=case_id)
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.fire(case_id, "tindak_lanjuti", OFFICER)


def test_a_renamed_state_needs_a_map(store: object) -> None:
    engine = _engine(store)
    _in_progress(engine, "c1")
    v1 = engine.get("c1").sop_hash
    v2 = engine.add(load_definition("v2.yaml", text=_v2_text(), registry=engine.registry))
    before = engine.get("c1")
    with pytest.raises(MigrationRefused, match="state 'diproses' does not exist"):
        engine.migrate("c1", v2.hash, ADMIN, reason="SOP 2026.2 berlaku")
    with pytest.raises(MigrationRefused, match="'dikerjakan' is not a state of the new version"):
        engine.migrate("c1", v2.hash, ADMIN, state_map={"diproses": "dikerjakan"}, reason="x")
    with pytest.raises(MigrationRefused, match="a reason is required"):
        engine.migrate("c1", v2.hash, ADMIN, state_map={"diproses": "ditindaklanjuti"}, reason="")
    assert engine.get("c1") == before  # refusals change nothing
    moved = engine.migrate(
        "c1", "lapor-upp", ADMIN, state_map={"diproses": "ditindaklanjuti"}, reason="SOP 2026.2"
    )
    assert (moved.sop_hash, moved.state, moved.version) == (v2.hash, "ditindaklanjuti", 5)
    last = engine.history("c1")[-1]
    assert (last.event, last.source, last.target) == ("@migrate", "diproses", "ditindaklanjuti")
    assert (last.payload["from_hash"], last.payload["to_hash"]) == (v1, v2.hash)
    # the case now runs under the new version's rules
    done = engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah."})
    assert done.state == "draf_tanggapan"


def test_running_deadlines_are_rearmed_not_dropped(store: object) -> None:
    engine = _engine(store)
    _in_progress(engine, "c1")
    before = next(d for d in engine.get("c1").deadlines if d.name == "tindak_lanjut")
    engine.add(load_definition("v2.yaml", text=_v2_text(), registry=engine.registry))
    moved = engine.migrate(
        "c1", "lapor-upp", ADMIN, state_map={"diproses": "ditindaklanjuti"}, reason="x"
    )
    after = next(d for d in moved.deadlines if d.name == "tindak_lanjut")
    # the deadline keeps what it was counted from, with a new arming and its own timers
    assert (after.arming, after.anchor, after.amount) == (
        before.arming + 1,
        before.anchor,
        before.amount,
    )
    fired = engine.sweep(T0 + timedelta(days=6)).fired
    assert [e.payload["arming"] for e in fired if e.payload.get("deadline") == "tindak_lanjut"]
    assert all(
        e.payload["arming"] == after.arming
        for e in fired
        if e.payload.get("deadline") == "tindak_lanjut"
    )


def test_a_running_clock_the_new_version_lacks_refuses_the_move(store: object) -> None:
    engine = _engine(store)
    _in_progress(engine, "c1")
    text = (
        _v2_text()
        .replace("    tindak_lanjut:\n", "    tindak_lanjut_unit:\n")
        .replace("deadlines: [tindak_lanjut,", "deadlines: [tindak_lanjut_unit,")  # SOP178
    )
    engine.add(load_definition("v2.yaml", text=text, registry=engine.registry))
    with pytest.raises(MigrationRefused, match="deadline 'tindak_lanjut' is running"):
        engine.migrate(
            "c1", "lapor-upp", ADMIN, state_map={"diproses": "ditindaklanjuti"}, reason="x"
        )


def test_a_moved_case_replays_from_the_database(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    clock = SimulatedClock(T0)
    engine = Engine(clock=clock, store=SqliteStore(path, clock=clock))
    engine.load(LAPOR)
    _in_progress(engine, "c1")
    engine.add(load_definition("v2.yaml", text=_v2_text(), registry=engine.registry))
    engine.migrate(
        "c1", "lapor-upp", ADMIN, state_map={"diproses": "ditindaklanjuti"}, reason="SOP 2026.2"
    )
    engine.fire("c1", "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah."})
    engine.store.close()  # type: ignore[attr-defined]
    assert verify_chains(path) == []
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output
