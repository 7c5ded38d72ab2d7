"""The key file as an append-only log of fixed-size records (issue 19).

The JSON key file was rewritten whole (a temporary file, two fsyncs and a rename) for every
new case, or once per group: O(cases) bytes per write, so a store of a million cases could not
be seeded. Each new key (or group of keys) is now one append and one fsync; destroying a key
zeroes its record in place. These tests hold the crypto-shredding promise on real files and
real processes: a backup taken before an erasure stays unreadable, processes creating keys at
once lose none, a record torn by a process killed mid-append is cut off when no committed
case uses it (and the store refuses to open when one does), and a JSON key file is migrated.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_engine import Engine, SimulatedClock, StoreUnavailable
from sop_engine._persistence import vault as vault_module
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._persistence.vault import KeyFile, SealBroken, Vault

from conftest import ADMIN, COMPLETE, LAPOR, REPORTER

TESTS = Path(__file__).parent
T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)
RECORD = 128
ACCOUNT = "Saya Ani Wijaya, NIK 3174012345678901, petugas minta uang."


def _engine(path: Path) -> Engine:
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    return engine


def _report(engine: Engine, case_id: str) -> None:
    engine.start("lapor-upp", {**COMPLETE, "kronologi": ACCOUNT}, REPORTER, case_id=case_id)


def _sealed_account(db_path: Path, case_id: str) -> str:
    db = sqlite3.connect(db_path)
    (snapshot,) = db.execute("SELECT snapshot FROM cases WHERE id = ?", (case_id,)).fetchone()
    db.close()
    return str(json.loads(snapshot)["data"]["kronologi"]["$sealed"])


def _opens(keys: Path, db_path: Path, case_id: str) -> bool:
    """Whether the sealed account of ``case_id`` in ``db_path`` opens with the keys on disk."""
    sealed = _sealed_account(db_path, case_id)
    return Vault(KeyFile(keys)).open(case_id, f"{case_id}/data/kronologi", sealed) is not None


# -- the format: one append per key, no rewrite ------------------------------------------------


def test_new_keys_append_one_record_each_and_never_rewrite_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (issue 19): each new key rewrote the whole file with two fsyncs and a rename."""
    path = tmp_path / "k.keys"
    keys = KeyFile(path)
    keys.create("c0")
    inode = path.stat().st_ino
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    made = {f"c{i}": keys.create(f"c{i}") for i in range(1, 301)}
    assert path.stat().st_ino == inode  # appended to, never replaced
    assert path.stat().st_size == RECORD * (1 + 301)  # the header and one record per key
    assert len(fsyncs) == 300  # one fsync per new key (was two, plus a rename)
    fresh = KeyFile(path)
    assert all(fresh.key(c) == k for c, k in made.items())
    assert keys.create("c7") == made["c7"]  # an existing key is handed back, nothing written
    assert path.stat().st_size == RECORD * 302


def test_a_batch_appends_its_keys_with_one_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = KeyFile(tmp_path / "k.keys")
    keys.create("first")  # the file and its header exist
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    with keys.batch():
        made = [keys.create(f"b{i}") for i in range(500)]
        assert keys.create("b3") == made[3]  # seen inside the batch before it is written
    assert len(fsyncs) == 1
    assert [KeyFile(tmp_path / "k.keys").key(f"b{i}") for i in range(500)] == made


def test_a_long_case_id_is_kept_by_its_digest(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "k.keys")
    long_id = "kasus-" + "x" * 300
    other = "kasus-" + "x" * 299 + "y"
    made = keys.create(long_id)
    assert keys.create(other) != made
    assert KeyFile(tmp_path / "k.keys").key(long_id) == made
    keys.destroy(long_id)
    assert KeyFile(tmp_path / "k.keys").key(long_id) is None
    assert KeyFile(tmp_path / "k.keys").key(other) is not None


def test_a_file_that_is_not_a_key_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "k.keys"
    path.write_bytes(b"not a key file at all" * 10)
    with pytest.raises(StoreUnavailable) as raised:
        KeyFile(path).key("c1")
    assert "key file" in str(raised.value)
    assert "backup" in str(raised.value)
    path.write_text('{"c1": "not base64!"}')
    with pytest.raises(StoreUnavailable):
        KeyFile(path).key("c1")


# -- erasure -------------------------------------------------------------------------------------


def test_erasure_zeroes_the_record_and_a_backup_taken_before_stays_unreadable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    _report(engine, "c1")
    _report(engine, "c2")
    keys_path = Path(f"{path}.keys")
    key = KeyFile(keys_path).key("c1")
    assert key is not None
    engine.store.close()  # type: ignore[attr-defined]
    shutil.copyfile(path, tmp_path / "backup.db")
    assert _opens(keys_path, tmp_path / "backup.db", "c1")

    engine = _engine(path)  # a writer reopens and erases
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    engine.store.close()  # type: ignore[attr-defined]
    raw = keys_path.read_bytes()
    assert key not in raw
    assert base64.b64encode(key) not in raw
    assert not _opens(keys_path, tmp_path / "backup.db", "c1")
    assert _opens(keys_path, tmp_path / "backup.db", "c2")  # the other case keeps its key
    reopened = _engine(path)
    assert reopened.get("c2").data["kronologi"] == ACCOUNT
    reopened.store.close()  # type: ignore[attr-defined]


def test_a_reader_that_read_the_key_before_loses_it_when_another_object_destroys_it(
    tmp_path: Path,
) -> None:
    reader, writer = KeyFile(tmp_path / "k.keys"), KeyFile(tmp_path / "k.keys")
    made = writer.create("c1")
    assert reader.key("c1") == made
    writer.destroy("c1")
    assert reader.key("c1") is None
    writer.destroy("c1")  # a second call changes nothing
    assert writer.create("c1") != made  # a new key, never the destroyed one


def test_mostly_destroyed_keys_are_compacted_away(tmp_path: Path) -> None:
    path = tmp_path / "k.keys"
    keys = KeyFile(path)
    with keys.batch():
        made = {f"c{i}": keys.create(f"c{i}") for i in range(1200)}
    reader = KeyFile(path)
    assert reader.key("c1199") == made["c1199"]
    for i in range(700):
        keys.destroy(f"c{i}")
    # compacted: fewer records than the keys ever made, holding no destroyed key
    assert path.stat().st_size < RECORD * 1200
    raw = path.read_bytes()
    assert not any(made[f"c{i}"] in raw for i in range(700))
    assert all(made[f"c{i}"] in raw for i in range(700, 1200))
    # a reader opened before the compaction follows the new file
    assert reader.key("c0") is None
    assert reader.key("c1199") == made["c1199"]
    assert KeyFile(path).key("c900") == made["c900"]


# -- processes -----------------------------------------------------------------------------------

_MAKER = textwrap.dedent(
    """
    import json
    from sop_engine._persistence.vault import KeyFile
    keys = KeyFile({path!r})
    made = {{}}
    for round in range(20):
        if round % 2:
            with keys.batch():
                for i in range(10):
                    cid = f"p{proc}-{{round}}-{{i}}"
                    made[cid] = keys.create(cid).hex()
        else:
            for i in range(10):
                cid = f"p{proc}-{{round}}-{{i}}"
                made[cid] = keys.create(cid).hex()
        made["shared"] = keys.create("shared").hex()  # every process asks for the same one
    print(json.dumps(made))
    """
)


def test_processes_creating_keys_at_once_lose_none(tmp_path: Path) -> None:
    path = tmp_path / "k.keys"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _MAKER.format(path=str(path), proc=proc)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for proc in range(4)
    ]
    made: dict[str, str] = {}
    shared: set[str] = set()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        theirs = json.loads(out)
        shared.add(theirs.pop("shared"))
        made.update(theirs)
    assert len(made) == 4 * 20 * 10
    assert len(shared) == 1  # one key for one case, whichever process made it
    fresh = KeyFile(path)
    assert {c: fresh.key(c).hex() for c in made} == made  # type: ignore[union-attr]
    assert path.stat().st_size == RECORD * (1 + len(made) + 1)


_STARTER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from datetime import UTC, datetime
    from sop_engine import Actor, Engine, SimulatedClock, StartCommand
    from sop_engine._persistence.sqlite import SqliteStore
    from conftest import COMPLETE
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore({path!r}, clock=clock), clock=clock)
    engine.load({sop!r})
    actor = Actor("pelapor-1", "pelapor")
    for i in range(15):
        engine.start("lapor-upp", {{**COMPLETE, "kronologi": "akun {proc}-" + str(i)}}, actor,
                     case_id=f"s{proc}-{{i}}")
    commands = [StartCommand("lapor-upp", {{**COMPLETE, "kronologi": "akun {proc}-g" + str(i)}},
                             actor, case_id=f"g{proc}-{{i}}") for i in range(15)]
    assert all(o.accepted for o in engine.submit(commands))
    engine.store.close()
    """
)


def test_processes_opening_cases_on_one_store_at_once_keep_every_key(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _engine(path).store.close()  # type: ignore[attr-defined]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _STARTER.format(tests=str(TESTS), path=str(path), sop=str(LAPOR), proc=proc),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for proc in range(3)
    ]
    for child in children:
        _, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
    engine = _engine(path)
    for proc in range(3):
        for i in range(15):
            assert engine.get(f"s{proc}-{i}").data["kronologi"] == f"akun {proc}-{i}"
            assert engine.get(f"g{proc}-{i}").data["kronologi"] == f"akun {proc}-g{i}"
    engine.store.close()  # type: ignore[attr-defined]


# -- torn records --------------------------------------------------------------------------------

_TORN = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from datetime import UTC, datetime
    from sop_engine import Actor, Engine, SimulatedClock, StartCommand
    from sop_engine._persistence.sqlite import SqliteStore
    from conftest import COMPLETE
    clock = SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    engine = Engine(store=SqliteStore({path!r}, clock=clock), clock=clock)
    engine.load({sop!r})
    actor = Actor("pelapor-1", "pelapor")
    engine.start("lapor-upp", {{**COMPLETE, "kronologi": "akun c1"}}, actor, case_id="c1")
    real = os.pwrite

    def torn(fd, data, offset):  # the disk keeps part of the group's records, then power off
        real(fd, data[: {keep}], offset)
        os.kill(os.getpid(), signal.SIGKILL)

    os.pwrite = torn
    engine.submit([StartCommand("lapor-upp", {{**COMPLETE, "kronologi": "akun"}}, actor,
                                case_id=f"t{{i}}") for i in range(3)])
    print("not killed")
    """
)


def _killed_mid_append(path: Path, keep: int) -> None:
    code = _TORN.format(tests=str(TESTS), path=str(path), sop=str(LAPOR), keep=keep)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


@pytest.mark.parametrize("keep", [RECORD + 60, 60, 2 * RECORD])
def test_a_record_torn_by_a_killed_process_is_cut_off_when_no_case_uses_it(
    tmp_path: Path, keep: int
) -> None:
    path = tmp_path / "s.db"
    keys_path = Path(f"{path}.keys")
    _killed_mid_append(path, keep)
    # the header, c1's record, and what reached the disk of the group's three
    assert keys_path.stat().st_size == 2 * RECORD + keep
    engine = _engine(path)  # a writer opens: the torn tail is cut, nothing committed used it
    assert keys_path.stat().st_size % RECORD == 0
    assert keys_path.stat().st_size <= 2 * RECORD + keep
    assert engine.get("c1").data["kronologi"] == "akun c1"
    db = sqlite3.connect(path)
    assert db.execute("SELECT id FROM cases WHERE id LIKE 't%'").fetchall() == []  # none committed
    db.close()
    _report(engine, "t0")  # the killed group's case opens properly now
    _report(engine, "c9")
    engine.store.close()  # type: ignore[attr-defined]
    again = _engine(path)
    assert again.get("t0").data["kronologi"] == ACCOUNT
    assert again.get("c9").data["kronologi"] == ACCOUNT
    again.store.close()  # type: ignore[attr-defined]


def test_a_store_whose_committed_case_lost_its_key_record_refuses_to_open(
    tmp_path: Path,
) -> None:
    """A torn record is cut off only because no committed case uses it: a disk that lost a
    write it acknowledged (here, c2's record torn after the commit) is found, not ignored."""
    path = tmp_path / "s.db"
    engine = _engine(path)
    _report(engine, "c1")
    _report(engine, "c2")
    engine.store.close()  # type: ignore[attr-defined]
    keys_path = Path(f"{path}.keys")
    raw = keys_path.read_bytes()
    keys_path.write_bytes(raw[: -RECORD + 40])  # c2's record, the last one, torn
    with pytest.raises(StoreUnavailable) as raised:
        SqliteStore(path)
    message = str(raised.value)
    assert "1 committed case(s) (c2)" in message  # only the case that lost its key is named
    assert str(keys_path) in message  # where: the key file, not the database
    assert "backup" in message
    assert "kehilangan kunci 1 kasus" in raised.value.message("id")  # the officer's language
    keys_path.write_bytes(raw)  # the key file restored from its backup: the store opens
    store = SqliteStore(path)
    assert store.get("c2").data["kronologi"] == ACCOUNT
    store.close()


def test_postgres_refuses_to_open_when_a_committed_case_lost_its_key_record(
    tmp_path: Path, pg_url: str
) -> None:
    """The same check on PostgreSQL with a key file (its sealed values are in its own table)."""
    from sop_engine._persistence.postgres import PgStore

    keys_path = tmp_path / "pg.keys"
    clock = SimulatedClock(T0)
    store = PgStore(pg_url, keys=KeyFile(keys_path), clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    _report(engine, "c1")
    _report(engine, "c2")
    store.close()
    raw = keys_path.read_bytes()
    keys_path.write_bytes(raw[: -RECORD + 40])  # c2's record torn after its commit
    with pytest.raises(StoreUnavailable) as raised:
        PgStore(pg_url, keys=KeyFile(keys_path))
    assert "1 committed case(s) (c2)" in str(raised.value)
    assert str(keys_path) in str(raised.value)
    keys_path.write_bytes(raw)
    store = PgStore(pg_url, keys=KeyFile(keys_path))
    assert store.get("c2").data["kronologi"] == ACCOUNT
    store.close()


def test_a_record_torn_in_the_middle_reads_as_no_key_and_is_zeroed_by_the_next_writer(
    tmp_path: Path,
) -> None:
    """A destroy overwrites a record in place; torn, it is neither the key nor zeros."""
    path = tmp_path / "k.keys"
    keys = KeyFile(path)
    made = [keys.create(f"c{i}") for i in range(3)]
    raw = bytearray(path.read_bytes())
    raw[2 * RECORD : 2 * RECORD + 50] = bytes(50)  # c1's record half zeroed
    path.write_bytes(bytes(raw))
    reader = KeyFile(path)
    assert reader.key("c1") is None
    assert reader.key("c2") == made[2]
    assert reader.recover() == 1
    assert path.read_bytes()[2 * RECORD : 3 * RECORD] == bytes(RECORD)
    assert made[1] not in path.read_bytes()
    assert KeyFile(path).recover() == 0  # repaired once


# -- the JSON format before issue 19 -------------------------------------------------------------


def test_a_json_key_file_is_read_as_it_is_and_migrated_by_the_next_writer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    engine = _engine(path)
    _report(engine, "c1")
    _report(engine, "c2")
    engine.store.close()  # type: ignore[attr-defined]
    keys_path = Path(f"{path}.keys")
    old = {c: KeyFile(keys_path).key(c) for c in ("c1", "c2")}
    # the key file as the code before issue 19 wrote it
    keys_path.write_text(
        json.dumps({c: base64.b64encode(k).decode() for c, k in old.items() if k}, sort_keys=True)
    )
    assert KeyFile(keys_path).key("c1") == old["c1"]  # a reader reads it and writes nothing
    assert keys_path.read_bytes().startswith(b"{")

    engine = _engine(path)  # a writer opens: the file becomes a key log
    assert not keys_path.read_bytes().startswith(b"{")
    assert keys_path.stat().st_size == 3 * RECORD
    assert engine.get("c1").data["kronologi"] == ACCOUNT
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    _report(engine, "c3")
    engine.store.close()  # type: ignore[attr-defined]
    assert old["c1"] is not None
    assert old["c1"] not in keys_path.read_bytes()
    fresh = KeyFile(keys_path)
    assert fresh.key("c2") == old["c2"]
    assert fresh.key("c3") is not None


# -- the sealed texts a vault reuses -------------------------------------------------------------


def test_an_unchanged_field_keeps_its_sealed_text_until_its_key_is_destroyed(
    tmp_path: Path,
) -> None:
    """A snapshot is stored whole at every write: an unchanged sealed field is written with the
    text it had (no new encryption), a changed one is sealed anew, and once the key is
    destroyed (here by another process's object) no text sealed under it is handed out."""
    path = tmp_path / "k.keys"
    vault = Vault(KeyFile(path))
    first = vault.seal_fields("c1", [("c1/data/a", '"Ani"'), ("c1/data/b", '"x"')])
    again = vault.seal_fields("c1", [("c1/data/a", '"Ani"'), ("c1/data/b", '"y"')])
    assert again[0] == first[0]
    assert again[1] != first[1]
    assert vault.open("c1", "c1/data/b", again[1]) == '"y"'
    # a fresh vault opens a text, then seals the same value: the stored text is kept
    other = Vault(KeyFile(path))
    assert other.open("c1", "c1/data/a", first[0]) == '"Ani"'
    assert other.seal_fields("c1", [("c1/data/a", '"Ani"')]) == [first[0]]
    KeyFile(path).destroy("c1")  # another process erases the case
    after = vault.seal_fields("c1", [("c1/data/a", '"Ani"')])
    assert after != [first[0]]  # sealed under the case's new key, not the destroyed one
    with pytest.raises(SealBroken):  # the old text does not open under the new key
        Vault(KeyFile(path)).open("c1", "c1/data/a", first[0])
    assert Vault(KeyFile(path)).open("c1", "c1/data/a", after[0]) == '"Ani"'


def test_a_store_opened_without_write_access_to_the_key_file_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repairing needs write access; a reader without it (a reporting account) opens the store
    and reads the sealed values, and leaves the repair to the next writer. (The tests run as
    root, whom file modes do not stop: the refusal is played by ``os.open``.)"""
    path = tmp_path / "s.db"
    engine = _engine(path)
    _report(engine, "c1")
    engine.store.close()  # type: ignore[attr-defined]
    keys = str(path) + ".keys"
    real_open = os.open

    def refusing(file: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if str(file).startswith(keys) and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, mode)

    monkeypatch.setattr(os, "open", refusing)
    store = SqliteStore(path)
    assert store.get("c1").data["kronologi"] == ACCOUNT
    store.close()


def test_a_file_is_read_in_pieces_across_runs_of_destroyed_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file is read in pieces; a piece may end inside a run of zeroed records (keys
    destroyed one after another), which is taken only once a live record follows it."""
    path = tmp_path / "k.keys"
    keys = KeyFile(path)
    with keys.batch():
        made = {f"c{i}": keys.create(f"c{i}") for i in range(60)}
    for i in range(10, 30):
        keys.destroy(f"c{i}")
    monkeypatch.setattr(vault_module, "_CHUNK", 3 * RECORD)
    fresh = KeyFile(path)
    assert [fresh.key(f"c{i}") for i in range(60)] == [
        None if 10 <= i < 30 else made[f"c{i}"] for i in range(60)
    ]
    assert fresh.recover() == 0  # nothing read as damage
    with fresh.batch():
        late = fresh.create("late")
    assert KeyFile(path).key("late") == late
