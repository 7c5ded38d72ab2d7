"""Sealed personal data and crypto-shredding (issue 17, findings 1, 2 and 5).

The reporter's identity, every free-text field of the case and its events, and the id of an
actor who is the reporter are stored encrypted under a key of their case, outside the chained
bytes; erasure destroys the key. Each test reads what an attacker with the files would read:
the raw bytes of the SQLite file, its WAL (with another connection holding an old snapshot
open) and the key file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, MemoryStore, SimulatedClock, Store
from sop_engine._core.records import ERASED
from sop_engine._persistence.sqlite import SqliteStore, verify_chains
from sop_engine._persistence.vault import KeyFile, MemoryKeys, SealBroken, Vault
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, OFFICER

PID = "p-8812"
NAME = "Ani Wijaya"
NIK = "3174012345678901"
PHONE = "081234567890"
ACCOUNT = f"Saya {NAME}, NIK {NIK}, HP {PHONE}. Petugas minta uang."
T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)
SECRETS = (PID, NAME, NIK, PHONE, "Petugas minta uang")


def _engine(store: Store) -> Engine:
    engine = Engine(store=store, clock=SimulatedClock(T0))
    engine.load(LAPOR)
    return engine


def _reported(engine: Engine, case_id: str = "c1") -> None:
    """An anonim case the reporter opened himself (the lapor.web intake does this), with his
    identity in the account, handled by an officer who quotes it in the response."""
    reporter = Actor(PID, "pelapor")
    data = {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim", "kronologi": ACCOUNT}
    engine.start("lapor-upp", data, reporter, case_id=case_id, command_id=f"{case_id}/start")
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.fire(case_id, "tindak_lanjuti", OFFICER)
    engine.fire(case_id, "ajukan_tanggapan", OFFICER, {"tanggapan": f"Kepada {NAME}: ditindak"})


def _raw(path: Path) -> bytes:
    """Every byte an attacker with the directory reads: database, WAL, key file."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file())


def _found(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", "replace")
    return [s for s in SECRETS if s in text or s.casefold() in text.casefold()]


# -- finding 1: erasure erased the values but left the reporter's actor id --------------------


def test_f1_erasure_erases_the_reporters_actor_id_in_trail_and_command_records(
    store: Store,
) -> None:
    engine = _engine(store)
    _reported(engine)
    assert engine.history("c1")[0].actor.id == PID  # the engine itself still knows him
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    trail = engine.history("c1")
    assert trail[0].actor == Actor(ERASED, "pelapor")
    record = engine.store.recall("c1/start")
    assert record is not None
    assert record.actor.id == ERASED
    for text in (
        repr((engine.get("c1"), trail, record)),
        json.dumps(engine.export("c1", "internal"), ensure_ascii=False),
        repr(engine.view("c1", ADMIN)),  # even the roles that saw the identity before
    ):
        assert _found(text.encode()) == [], text
    # the officer's own id is not the reporter's: it stays
    assert "budi" in {e.actor.id for e in trail}


# -- findings 2 and 5: plaintext in the file and the WAL -------------------------------------


def test_f2_f5_the_file_and_wal_never_hold_the_identity_or_the_account(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, clock=SimulatedClock(T0))
    engine = _engine(store)
    _reported(engine)
    # sealed from the first write: nothing readable even before erasure
    assert _found(_raw(path)) == []
    assert engine.get("c1").data["kronologi"] == ACCOUNT  # yet the engine reads it back
    bodies = [r[0] for r in store._db.execute("SELECT body FROM events WHERE case_id = 'c1'")]
    assert all(NAME not in b for b in bodies)
    assert '"digests"' in bodies[0]  # the chain covers keyed digests of the values

    # another process reads, holding an old snapshot of the database open during the erasure
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    old_snapshot = reader.execute("SELECT snapshot FROM cases WHERE id = 'c1'").fetchone()[0]
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    assert store.last_checkpoint is not None
    _busy, frames, done = store.last_checkpoint
    assert done < frames  # the checkpoint could not finish: the reader held old pages
    assert (tmp_path / "s.db-wal").stat().st_size > 0  # old pages are still there ...
    raw = _raw(path)
    assert _found(raw) == []  # ... and hold only ciphertext: the key is gone
    sealed = json.loads(old_snapshot)["data"]["kronologi"]["$sealed"]
    assert Vault(KeyFile(f"{path}.keys")).open("c1", "c1/data/kronologi", sealed) is None
    reader.rollback()
    reader.close()
    store.close()
    assert _found(_raw(path)) == []


def test_after_erasure_the_chain_store_check_and_audit_verify_pass(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, clock=SimulatedClock(T0))
    engine = _engine(store)
    _reported(engine)
    _reported(engine, "c2")  # another reporter's case is not touched
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    assert engine.get("c2").data["kronologi"] == ACCOUNT
    assert engine.history("c2")[0].actor.id == PID
    engine.fire(
        "c1", "setujui_tanggapan", Actor("dewi", "pejabat_penghubung"), {"tanpa_imbalan": True}
    )
    store.close()
    assert verify_chains(path) == []
    for command in (["store", "check", "--db", str(path)], ["audit", "verify", "--db", str(path)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output


def test_an_edited_sealed_value_is_found(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, clock=SimulatedClock(T0))
    _reported(_engine(store))
    store.close()
    db = sqlite3.connect(path)
    refs = dict(db.execute("SELECT ref, value FROM personal_data WHERE case_id = 'c1'"))
    # an insider swaps two sealed values of the same case (both open under the case key)
    db.execute(
        "UPDATE personal_data SET value = ? WHERE ref = 'c1/1/pelapor'", (refs["c1/1/kronologi"],)
    )
    db.commit()
    db.close()
    reader = SqliteStore(path)
    with pytest.raises(SealBroken) as broken:
        reader.history("c1")
    reader.close()  # a store left open is a ResourceWarning, an error on Python 3.13
    assert "c1/1/pelapor" in str(broken.value)
    assert _found(str(broken.value).encode()) == []
    result = CliRunner().invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 1
    assert "c1/1/pelapor" in result.output


# -- the key source ----------------------------------------------------------------------------


def test_the_key_file_is_private_and_shared_by_processes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = SqliteStore(path, clock=SimulatedClock(T0))
    _reported(_engine(first))
    keys = Path(f"{path}.keys")
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    key = KeyFile(keys).key("c1")
    assert key is not None
    assert key in keys.read_bytes()
    assert keys.stat().st_size == 2 * 128  # the header and that record
    second = SqliteStore(path)  # another worker on the same file
    assert second.get("c1").data["pelapor"] == NAME
    _engine(first).erase_personal_data("c1", ADMIN, "permintaan pelapor")
    # the key the second store read before is forgotten there too (the file changed)
    assert second.get("c1").data["pelapor"] == ERASED
    assert second.history("c1")[0].payload["kronologi"] == ERASED
    assert key not in keys.read_bytes()  # its record zeroed in place
    assert KeyFile(keys).key("c1") is None


def test_any_key_source_plugs_in(tmp_path: Path) -> None:
    """A KMS plugin implements three methods; nothing is written next to the database."""

    class Kms:
        def __init__(self) -> None:
            self.inner = MemoryKeys()
            self.destroyed: list[str] = []

        def key(self, case_id: str) -> bytes | None:
            return self.inner.key(case_id)

        def create(self, case_id: str) -> bytes:
            return self.inner.create(case_id)

        def destroy(self, case_id: str) -> None:
            self.destroyed.append(case_id)
            self.inner.destroy(case_id)

    kms = Kms()
    path = tmp_path / "s.db"
    engine = _engine(SqliteStore(path, clock=SimulatedClock(T0), keys=kms))
    _reported(engine)
    assert not os.path.exists(f"{path}.keys")
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor")
    assert kms.destroyed == ["c1"]
    assert engine.get("c1").data["kronologi"] == ERASED


def test_memory_store_reads_the_same_after_erasure_as_sqlite(tmp_path: Path) -> None:
    memory, sqlite = _engine(MemoryStore()), _engine(SqliteStore(tmp_path / "s.db"))
    for engine in (memory, sqlite):
        _reported(engine)
        engine.erase_personal_data("c1", ADMIN, "permintaan pelapor")
    assert memory.history("c1") == sqlite.history("c1")
    assert memory.get("c1") == sqlite.get("c1")


def test_postgres_seals_with_a_key_source_and_erasure_shreds(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from sop_engine._persistence.postgres import PgStore
    from sop_engine._persistence.postgres import verify_chains as pg_verify_chains

    keys = tmp_path / "pg.keys"
    store = PgStore(pg_url, keys=KeyFile(keys))
    engine = _engine(store)
    _reported(engine)

    def every_row() -> bytes:
        with psycopg.connect(pg_url) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            ]
            rows = [conn.execute(f"SELECT t::text FROM {t} t").fetchall() for t in tables]
        return repr(rows).encode()

    assert _found(every_row()) == []  # no table holds a sealed value in clear
    assert engine.get("c1").data["kronologi"] == ACCOUNT
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    assert engine.history("c1")[0].actor.id == ERASED
    assert _found(every_row() + keys.read_bytes()) == []
    store.close()
    assert pg_verify_chains(pg_url) == []
    monkeypatch.setenv("SOP_KEY_FILE", str(keys))
    for command in (["store", "check", "--db", pg_url], ["audit", "verify", "--db", pg_url]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output


def test_a_swept_reminder_keeps_the_personal_fields_sealed(tmp_path: Path) -> None:
    """Found while profiling the sweep (issue 19): the sweeper built the case after a fired
    reminder without its ``sealed`` list, so the SQLite store wrote that snapshot with the
    reporter's identity and account in clear text until the next command."""
    path = tmp_path / "s.db"
    clock = SimulatedClock(T0)
    store = SqliteStore(path, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    reporter = Actor(PID, "pelapor")
    data = {**COMPLETE, "pelapor": NAME, "kerahasiaan": "anonim", "kronologi": ACCOUNT}
    engine.start("lapor-upp", data, reporter, case_id="c1")
    sealed = engine.get("c1").sealed
    assert "kronologi" in sealed
    assert "pelapor" in sealed
    clock.set(datetime(2026, 4, 20, tzinfo=UTC))  # past every item the opening state arms
    fired = engine.sweep().fired
    assert fired
    assert all(e.case_id == "c1" for e in fired)
    assert engine.get("c1").sealed == sealed  # the snapshot after the sweep still says so
    snapshot = store._db.execute("SELECT snapshot FROM cases WHERE id = 'c1'").fetchone()[0]
    assert NAME not in snapshot
    assert "Petugas minta uang" not in snapshot
    assert "$sealed" in json.loads(snapshot)["data"]["kronologi"]
    store.close()
    assert _found(_raw(path)) == []
