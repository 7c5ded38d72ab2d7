"""Crash-safe erasure (issue 17): no moment where the erasure is committed and the key survives.

The key cannot be destroyed inside the database's transaction, so the erasing transaction also
records the intent (``erasures_pending``) and the key is destroyed after the commit. A process
killed between the two (SIGKILL, no clean-up of any kind) leaves the intent; the next writer
that opens the store destroys the key. Each test kills a real process at that point, then reads
the raw bytes of the key file and opens a copy of the database taken before the erasure (a
backup) with whatever keys are left.
"""

from __future__ import annotations

import base64
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine._persistence.sqlite import SqliteStore, verify_chains
from sop_engine._persistence.vault import KeyFile, Vault
from sop_engine.cli import main

from conftest import LAPOR

TESTS = Path(__file__).parent

_CHILD = textwrap.dedent(
    """
    import os, shutil, signal, sys
    from datetime import UTC, datetime
    sys.path.insert(0, {tests!r})
    from sop_engine import Actor, Engine, SimulatedClock
    from sop_engine._persistence.sqlite import SqliteStore
    from sop_engine._persistence.vault import Vault
    from conftest import ADMIN, COMPLETE

    path = {path!r}
    url = {url!r}

    def opened(clock=None):
        if url is None:
            return SqliteStore(path, clock=clock)
        from sop_engine._persistence.postgres import PgStore
        from sop_engine._persistence.vault import KeyFile
        return PgStore(url, keys=KeyFile(path + ".keys"), clock=clock)

    store = opened(SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    engine = Engine(store=store, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    engine.load({sop!r})
    data = {{**COMPLETE, "pelapor": "Ani Wijaya", "kerahasiaan": "anonim",
             "kronologi": "Saya Ani Wijaya, NIK 3174012345678901, petugas minta uang."}}
    engine.start("lapor-upp", data, Actor("p-8812", "pelapor"), case_id="c1")
    engine.start("lapor-upp", data, Actor("p-9000", "pelapor"), case_id="c2")
    store.close()
    if url is None:
        shutil.copyfile(path, path + ".backup")  # what a nightly backup holds
    store = opened()
    engine = Engine(store=store, clock=SimulatedClock(datetime(2026, 3, 3, 1, tzinfo=UTC)))
    engine.load({sop!r})

    def killed(self, case_id):  # the fault: the process dies right after the commit
        os.kill(os.getpid(), signal.SIGKILL)

    Vault.shred = killed
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    print("not killed")
    """
)


def _crash_mid_erasure(path: Path, url: str | None = None) -> str:
    """Run the erasure in a real process killed between the commit and the key's destruction
    (on the SQLite file ``path``, or on PostgreSQL at ``url`` with the key file ``path.keys``);
    return the key of case c1 as it was in the key file then."""
    code = _CHILD.format(tests=str(TESTS), path=str(path), url=url, sop=str(LAPOR))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    key = KeyFile(f"{path}.keys").key("c1")
    assert key is not None  # the fault hit the window: committed, key still there
    assert _held(Path(f"{path}.keys").read_bytes(), key)
    return key


def _held(raw: bytes, key: bytes) -> bool:
    """Whether the bytes of a key file hold ``key`` in any form (raw, base64, hex)."""
    return any(form in raw for form in (key, base64.b64encode(key), key.hex().encode()))


def _backup_opens(path: Path) -> bool:
    """Whether the backup's sealed account of case c1 opens with the keys left on disk."""
    db = sqlite3.connect(f"{path}.backup")
    backup = json.loads(db.execute("SELECT snapshot FROM cases WHERE id = 'c1'").fetchone()[0])
    db.close()
    sealed = backup["data"]["kronologi"]["$sealed"]
    return Vault(KeyFile(f"{path}.keys")).open("c1", "c1/data/kronologi", sealed) is not None


def test_a_process_killed_after_the_erasure_commit_leaves_no_key_once_reopened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    key = _crash_mid_erasure(path)
    assert _backup_opens(path)  # right after the crash the backup still opens ...
    db = sqlite3.connect(path)
    assert db.execute("SELECT case_id FROM erasures_pending").fetchall() == [("c1",)]
    db.close()

    # a read-only check does not write, but says what is wrong and how to finish it
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", str(path)])
    assert result.exit_code == 1
    assert "key was not destroyed" in result.output
    assert "c1" in result.output

    reopened = SqliteStore(path)  # any writer finishes the erasure
    raw = Path(f"{path}.keys").read_bytes()
    assert not _held(raw, key)
    assert not _backup_opens(path)  # ... and from now on it does not
    assert KeyFile(f"{path}.keys").key("c2") is not None  # the other reporter's is untouched
    assert reopened.get("c2").data["pelapor"] == "Ani Wijaya"
    assert reopened._db.execute("SELECT count(*) FROM erasures_pending").fetchone() == (0,)
    reopened.close()

    assert verify_chains(path) == []
    for command in (["store", "check", "--db", str(path)], ["audit", "verify", "--db", str(path)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output


def test_store_migrate_finishes_a_crashed_erasure(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    key = _crash_mid_erasure(path)
    result = CliRunner().invoke(main, ["store", "migrate", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert not _held(Path(f"{path}.keys").read_bytes(), key)
    assert not _backup_opens(path)


def test_postgres_a_process_killed_after_the_erasure_commit_leaves_no_key_once_reopened(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sop_engine._persistence.postgres import PgStore

    path = tmp_path / "pg"
    keys = Path(f"{path}.keys")
    key = _crash_mid_erasure(path, pg_url)
    monkeypatch.setenv("SOP_KEY_FILE", str(keys))
    result = CliRunner(env={"SOP_LANG": "en"}).invoke(main, ["store", "check", "--db", pg_url])
    assert result.exit_code == 1
    assert "key was not destroyed" in result.output

    store = PgStore(pg_url, keys=KeyFile(keys))  # any writer finishes the erasure
    assert not _held(keys.read_bytes(), key)
    assert KeyFile(keys).key("c2") is not None
    assert store.get("c2").data["pelapor"] == "Ani Wijaya"
    store.close()
    for command in (["store", "check", "--db", pg_url], ["audit", "verify", "--db", pg_url]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output


def test_a_running_worker_finishes_an_erasure_another_process_was_killed_in(
    tmp_path: Path,
) -> None:
    """The desk process is killed mid-erasure while a worker runs on the same file: the worker
    destroys the key on its next health round, without being restarted."""
    import threading

    from sop_engine import Engine
    from sop_engine._ops.worker import JsonLinesNotifier, run_worker

    path = tmp_path / "s.db"
    worker_store = SqliteStore(path)  # opened before the crash: nothing pending yet
    key = _crash_mid_erasure(path)
    assert _held(Path(f"{path}.keys").read_bytes(), key)
    engine = Engine(store=worker_store)
    engine.load(LAPOR)
    with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as out:
        run_worker(engine, JsonLinesNotifier(out), stop=threading.Event(), exit_when_idle=True)
    assert not _held(Path(f"{path}.keys").read_bytes(), key)
    assert worker_store._db.execute("SELECT count(*) FROM erasures_pending").fetchone() == (0,)
    worker_store.close()
