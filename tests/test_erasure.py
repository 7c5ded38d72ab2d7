"""Erasing a reporter's personal data: gone from snapshot, trail and command records, while the
hash chain stays intact (it covers references and keyed digests, never the values).

Sealed (issue 17): the fields the SOP marks personal and every free-text field (the account
may name the reporter in any form), so erasure takes the free text too; enums stay."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Engine, InvalidEventData, SimulatedClock, Store
from sop_engine._core.records import ERASED
from sop_engine._persistence.sqlite import SqliteStore, verify_chains
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR

SECRET = "NIK-3174012345678901"


def _case(engine: Engine) -> None:
    engine.start(
        "lapor-upp", {**COMPLETE, "pelapor": SECRET}, ADMIN, case_id="c1", command_id="c1/start"
    )
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})


def test_erasure_everywhere(store: Store) -> None:
    engine = Engine(store=store, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    engine.load(LAPOR)
    _case(engine)
    sealed = ["judul", "kronologi", "lokasi", "pelapor"]
    assert list(engine.history("c1")[0].personal) == sealed
    assert engine.history("c1")[0].payload["pelapor"] == SECRET
    with pytest.raises(InvalidEventData, match="reason"):
        engine.erase_personal_data("c1", ADMIN, " ")
    case = engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    assert case.data["pelapor"] == ERASED
    assert case.data["lokasi"] == ERASED  # free text goes too: it may name the reporter
    assert case.data["kanal"] == COMPLETE["kanal"]  # enums, dates, numbers stay
    trail = engine.history("c1")
    assert trail[0].payload["pelapor"] == ERASED
    assert (trail[-1].event, trail[-1].payload["fields"]) == ("@erase", sealed)
    record = engine.store.recall("c1/start")
    assert record is not None
    assert record.result.data["pelapor"] == ERASED
    assert record.payload["pelapor"] == ERASED
    assert SECRET not in repr((engine.get("c1"), trail, record))


def test_erasure_on_sqlite_keeps_the_chain_and_leaves_no_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    _case(engine)
    raw_events = b"".join(
        row[0].encode()
        for row in engine.store._db.execute("SELECT body FROM events")  # type: ignore[attr-defined]
    )
    assert SECRET.encode() not in raw_events  # the chained bytes never held it
    assert verify_chains(path) == []
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor")
    engine.store.close()  # type: ignore[attr-defined]
    assert verify_chains(path) == []
    leftovers = [p.name for p in tmp_path.iterdir() if SECRET.encode() in p.read_bytes()]
    assert leftovers == []  # not in the database file, not in its WAL
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 0, result.output
