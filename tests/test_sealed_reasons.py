"""Officials' free text in the engine's own records is sealed like the case's (issue 17).

Before: the reason of an ``@extend`` (and the note of an ``@declare``) sat in clear in the
chained event body, so an officer who wrote "menunggu klarifikasi Bu Ani Wijaya" put the
reporter's name where erasure could never reach it. Now they are sealed under the case's key,
read back while the key lives, and read as erased afterwards, with the chain intact. The reason
of an ``@erase`` is the one record that must outlive the key it destroys, so it is refused when
it names the reporter or holds an identifier.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, InvalidEventData, SimulatedClock, Store
from sop_engine._core.records import ERASED
from sop_engine._persistence.sqlite import SqliteStore, verify_chains
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)
NAME = "Ani Wijaya"
SUPERVISOR = Actor("joko", "atasan")
WHY = "menunggu klarifikasi Bu Ani Wijaya di kelurahan"


def _raw(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def _case(tmp_path: Path) -> tuple[SqliteStore, Engine]:
    store = SqliteStore(tmp_path / "s.db", clock=SimulatedClock(T0))
    engine = Engine(store=store, clock=SimulatedClock(T0))
    engine.load(LAPOR)
    data = {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim"}
    engine.start("lapor-upp", data, Actor("p-1", "pelapor"), case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    return store, engine


def test_an_extension_reason_is_sealed_and_erased_with_the_reporter(tmp_path: Path) -> None:
    store, engine = _case(tmp_path)
    engine.extend("c1", "tindak_lanjut", SUPERVISOR, 3, WHY, command_id="ext-1")
    engine.declare("c1", OFFICER, conflict=False, note="tidak kenal Ani Wijaya")
    bodies = " ".join(r[0] for r in store._db.execute("SELECT body FROM events"))
    assert "kelurahan" not in bodies  # outside the chained bytes ...
    assert "tidak kenal" not in bodies
    assert b"kelurahan" not in _raw(tmp_path)  # ... and sealed in the file, WAL and key file
    extended = next(e for e in engine.history("c1") if e.event == "@extend")
    assert extended.payload["reason"] == WHY  # the engine reads it while the key lives
    record = store.recall("ext-1")
    assert record is not None
    assert record.payload["reason"] == WHY
    public = engine.export("c1")  # and the public never reads the name in it
    assert NAME not in str(public)

    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor, surat 12/2026")
    trail = engine.history("c1")
    assert next(e for e in trail if e.event == "@extend").payload["reason"] == ERASED
    assert next(e for e in trail if e.event == "@declare").payload["note"] == ERASED
    after = store.recall("ext-1")
    assert after is not None
    assert after.payload["reason"] == ERASED
    assert next(e for e in trail if e.event == "@erase").payload["reason"] == (
        "permintaan pelapor, surat 12/2026"
    )  # why the data is gone stays readable
    store.close()
    assert verify_chains(tmp_path / "s.db") == []
    for command in (["store", "check"], ["audit", "verify"]):
        result = CliRunner().invoke(main, [*command, "--db", str(tmp_path / "s.db")])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "reason",
    [
        "permintaan Bu Ani wijaya",  # the reporter, in another form
        "permintaan ANI WIJAYA lewat surat",
        "atas permintaan pemilik NIK 3174012345678901",
        "pelapor menelepon dari 0812-3456-7890",
        "surel ani@contoh.id",
        "permintaan p-1",  # the reporter's own actor id
    ],
)
def test_an_erasure_reason_that_names_the_reporter_is_refused(tmp_path: Path, reason: str) -> None:
    store, engine = _case(tmp_path)
    before = len(engine.history("c1"))
    with pytest.raises(InvalidEventData, match="must not name the reporter") as refused:
        engine.erase_personal_data("c1", ADMIN, reason)
    assert NAME not in str(refused.value)
    assert "3174012345678901" not in str(refused.value)
    assert len(engine.history("c1")) == before  # nothing written
    assert engine.get("c1").data["pelapor"] == NAME  # nothing erased
    store.close()


def test_every_store_erases_the_officials_reasons_with_the_reporter(store: Store) -> None:
    """Memory, SQLite and PostgreSQL (opened by the fixture without a key source: values kept
    apart and deleted at erasure) agree: the reasons read back until the erasure and as erased
    after it; the reveal trail keeps who asked and who approved."""
    engine = Engine(store=store, clock=SimulatedClock(T0))
    engine.load(LAPOR)
    data = {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim"}
    engine.start("lapor-upp", data, Actor("p-1", "pelapor"), case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.extend("c1", "tindak_lanjut", SUPERVISOR, 3, WHY)
    request = engine.request_reveal("c1", Actor("agus", "pengawas"), "pemeriksaan APIP")
    engine.approve_reveal("c1", request, ADMIN)
    by_event = {e.event: e for e in engine.history("c1")}
    assert by_event["@extend"].payload["reason"] == WHY
    assert by_event["@reveal_request"].payload["reason"] == "pemeriksaan APIP"
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor, surat 12/2026")
    by_event = {e.event: e for e in engine.history("c1")}
    assert by_event["@extend"].payload["reason"] == ERASED
    assert by_event["@reveal_request"].payload["reason"] == ERASED
    assert by_event["@reveal_approve"].payload["requested_by"] == "agus"
    assert by_event["@reveal_approve"].actor == ADMIN
