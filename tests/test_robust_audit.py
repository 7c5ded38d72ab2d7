"""Issue 18: ``store check`` and ``audit verify`` finish, explain and never write; signed
checkpoints catch what an insider with write access to the database does.

Every attack runs on a real SQLite file (and the ones that are cheap there, on the real
PostgreSQL server too): first it is shown to pass the checks that have no checkpoint (the
finding), then the signed checkpoint names it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sop_engine import Engine, SimulatedClock
from sop_engine._persistence.codec import link_hash
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._persistence.vault import KeyFile, Vault
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR, full_workflow

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _cli(*args: str) -> Result:
    # the English texts are asserted here; test_language_coverage.py checks the Indonesian ones
    return CliRunner(env={"SOP_LANG": "en"}).invoke(main, list(args))


def _world(path: Path) -> None:
    """c1, c2: closed cases; c3: a running clock with timers waiting; c4: just opened."""
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    full_workflow(engine, "c2")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c3")
    engine.fire("c3", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c4")
    engine.store.close()  # type: ignore[attr-defined]


def _sql(path: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    # the insider has DDL rights: the append-only guards and the case-index triggers (which
    # would refuse a snapshot that is not JSON) go first
    for (trigger,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for s in statements:
        db.execute(s, params if "?" in s else ())
    db.commit()
    db.close()


def _rechain(path: Path, case_id: str, edit: Callable[[dict[str, object]], None]) -> None:
    """Rewrite a case's event bodies with ``edit`` and recompute every hash of its chain."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("DROP TRIGGER IF EXISTS events_append_only_update")
    rows = db.execute(
        "SELECT seq, body FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
    ).fetchall()
    previous = ""
    for seq, body in rows:
        doc = json.loads(body)
        edit(doc)
        new = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        link = link_hash(previous, new)
        db.execute(
            "UPDATE events SET body = ?, prev_hash = ?, hash = ?, case_id = ? "
            "WHERE case_id = ? AND seq = ?",
            (new, previous, link, doc["case_id"], case_id, seq),
        )
        previous = link
    db.commit()
    db.close()


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "auditor.key"
    made = _cli("audit", "keygen", "-o", str(key))
    assert made.exit_code == 0, made.output
    return key, Path(str(key) + ".pub")


def _checkpoint(path: Path, key: Path, out: Path) -> Path:
    result = _cli("audit", "checkpoint", "--db", str(path), "--key", str(key), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def _plain_checks_pass(path: Path) -> None:
    """The finding: without a checkpoint, the attack is invisible."""
    verify = _cli("audit", "verify", "--db", str(path))
    assert verify.exit_code == 0, verify.output
    check = _cli("store", "check", "--db", str(path))
    assert check.exit_code == 0, check.output


def _verify(path: Path, cp: Path, pub: Path) -> Result:
    return _cli("audit", "verify", "--db", str(path), "--checkpoint", str(cp), "--pubkey", str(pub))


# -- read-only, every case, every problem ------------------------------------------------------


def test_an_empty_or_foreign_file_is_refused_not_passed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    for path in (empty, other):
        before = path.read_bytes()
        for command in (["store", "check"], ["audit", "verify"]):
            result = _cli(*command, "--db", str(path))
            assert result.exit_code == 2, (command, result.output)  # environment, not finding
            assert "not a readable sop_engine database" in result.output
            assert "not a sop_engine store" in result.output
            assert "Traceback" not in result.output
        assert path.read_bytes() == before  # nothing written: no tables, no WAL switch
        assert not Path(str(path) + "-wal").exists()


def test_store_check_never_migrates_or_switches_the_journal(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    old.write_bytes((Path(__file__).parent / "fixtures" / "store-schema-2.sqlite3").read_bytes())
    before = old.read_bytes()
    result = _cli("store", "check", "--db", str(old))
    assert "Traceback" not in result.output
    assert old.read_bytes() == before
    assert not Path(str(old) + "-wal").exists()
    db = sqlite3.connect(old)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    assert db.execute("SELECT max(version) FROM schema_migrations").fetchone() == (2,)
    db.close()


def test_store_check_reports_every_broken_case_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    _sql(
        path,
        "UPDATE cases SET snapshot = '{not json' WHERE id = 'c1'",  # a corrupt body
        # an event of c2 that names c4 (and a chain that no longer holds)
        'UPDATE events SET body = replace(body, \'"case_id":"c2"\', \'"case_id":"c4"\') '
        "WHERE case_id = 'c2' AND seq = 3",
        "UPDATE sops SET source = 'sop: [unparsable'",  # the pinned text no longer parses
    )
    result = _cli("store", "check", "--db", str(path), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["cases_checked"] == 4
    by_case: dict[str, list[dict[str, object]]] = {}
    for p in doc["problems"]:
        by_case.setdefault(str(p["case_id"]), []).append(p)
    assert set(by_case) == {"c1", "c2", "c3", "c4"}  # every case, not just the first
    assert any("snapshot cannot be read" in str(p["what"]) for p in by_case["c1"])
    assert any(p["check"] == "chain" and p["seq"] == 3 for p in by_case["c2"])
    assert all(any("cannot be used" in str(p["what"]) for p in by_case[c]) for c in ("c3", "c4"))
    text = _cli("store", "check", "--db", str(path))
    assert text.exit_code == 1
    assert "problem(s) in 4 of 4 case(s)" in text.output
    assert "Traceback" not in text.output


def test_store_check_names_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    # (free text such as lokasi is sealed since issue 17: an enum is edited in clear)
    _sql(
        path, 'UPDATE cases SET snapshot = replace(snapshot, \'"kanal":"sms"\', \'"kanal":"web"\')'
    )
    result = _cli("store", "check", "--db", str(path))
    assert result.exit_code == 1
    assert (
        "case c4: event 1: the snapshot differs from the replayed case (differs in 'data.kanal')"
        in result.output
    )


# -- the insider's attacks ---------------------------------------------------------------------


def test_truncating_a_trail_and_fixing_its_snapshot(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    path = tmp_path / "s.sqlite3"
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.fire("c1", "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    db = sqlite3.connect(path)
    (at_two,) = db.execute("SELECT snapshot FROM cases WHERE id = 'c1'").fetchone()
    db.close()
    engine.fire("c1", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.store.close()  # type: ignore[attr-defined]
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")
    _sql(
        path,
        "DELETE FROM events WHERE case_id = 'c1' AND seq > 2",
        "DELETE FROM commands WHERE case_id = 'c1'",
        "UPDATE cases SET version = 2, state = json_extract(?, '$.state'), snapshot = ? "
        "WHERE id = 'c1'",
        params=(at_two, at_two),
    )
    _sql(path, "DELETE FROM timers")  # the truncated arming's timers went with it
    verify = _cli("audit", "verify", "--db", str(path))
    assert verify.exit_code == 0, verify.output  # the finding
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert "case c1: event 3: the trail has 2 event(s), the checkpoint saw 3" in result.output


def test_a_chain_rewritten_with_recomputed_hashes(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")

    def other_approver(doc: dict[str, object]) -> None:
        actor = doc["actor"]
        assert isinstance(actor, dict)
        if doc["event"] == "setujui_tanggapan":
            actor["id"] = "someone-else"

    _rechain(path, "c1", other_approver)
    verify = _cli("audit", "verify", "--db", str(path))
    assert verify.exit_code == 0, verify.output  # the chain holds: every hash recomputed
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert "case c1: event 7: event 7 is not the one the checkpoint signed" in result.output
    assert "case c2" not in result.output


def test_swapping_two_cases(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")

    def rename(to: str) -> Callable[[dict[str, object]], None]:
        def edit(doc: dict[str, object]) -> None:
            doc["case_id"] = to

        return edit

    _rechain(path, "c1", rename("tmp"))
    _rechain(path, "c2", rename("c1"))
    _rechain(path, "tmp", rename("c2"))
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert "case c1: event 7: event 7 is not the one the checkpoint signed" in result.output
    assert "case c2: event 7: event 7 is not the one the checkpoint signed" in result.output


def test_deleting_a_whole_case(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")
    _sql(
        path,
        *[
            f"DELETE FROM {t} WHERE case_id = 'c2'"
            for t in ("events", "commands", "outbox", "personal_data")
        ],
        "DELETE FROM timers WHERE key LIKE 'c2/%'",
        "DELETE FROM cases WHERE id = 'c2'",
    )
    _plain_checks_pass(path)  # the finding
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert (
        "case c2: event 7: the case was in the checkpoint (at event 7) and is gone" in result.output
    )


def test_deleting_a_case_row_leaves_an_orphaned_trail(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")
    _sql(path, "DELETE FROM cases WHERE id = 'c2'")
    for command in (["audit", "verify"], ["store", "check"]):
        result = _cli(*command, "--db", str(path))
        assert result.exit_code == 1, result.output
        assert (
            "case c2: event 0: 7 events row(s) of a case that has no row in cases" in result.output
        )
    result = _verify(path, cp, keys[1])
    assert "the case was in the checkpoint (at event 7) and is gone" in result.output


def test_editing_the_reporters_personal_data(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")
    assert b"pelapor-1" not in cp.read_bytes()  # the checkpoint holds digests, not values
    # since issue 17 the values are sealed: the insider needs the key file to write one that
    # opens, and even then the keyed digest in the chain no longer matches, so the plain
    # checks see it too (before, they passed)
    sealed, _ = Vault(KeyFile(f"{path}.keys")).seal("c3", "c3/1/pelapor", '"orang-lain"')
    _sql(path, "UPDATE personal_data SET value = ? WHERE ref = 'c3/1/pelapor'", params=(sealed,))
    check = _cli("store", "check", "--db", str(path))
    assert check.exit_code == 1
    assert "c3/1/pelapor" in check.output
    assert "orang-lain" not in check.output
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert (
        "case c3: event 2: its personal data differs from what the checkpoint saw" in result.output
    )
    assert "case c4" not in result.output


def test_deleting_a_cases_timers(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    path = tmp_path / "s.sqlite3"
    _world(path)
    cp = _checkpoint(path, keys[0], tmp_path / "cp.json")
    _sql(path, "DELETE FROM timers WHERE key LIKE 'c3/%'")
    verify = _cli("audit", "verify", "--db", str(path))
    assert verify.exit_code == 0, verify.output  # the trail itself is intact
    check = _cli("store", "check", "--db", str(path))
    assert check.exit_code == 1  # store check sees the running clock without its timers
    assert "case c3: event 2: timer breach of clock" in check.output
    result = _verify(path, cp, keys[1])
    assert result.exit_code == 1
    assert "timer c3/" in result.output
    assert "is gone, yet its item never fired" in result.output


def test_a_legitimate_future_passes_a_chain_of_checkpoints(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    """Work after a checkpoint (events, fired timers, an erasure) is not an attack."""
    path = tmp_path / "s.sqlite3"
    _world(path)
    first = _checkpoint(path, keys[0], tmp_path / "cp1.json")
    clock = SimulatedClock(T0 + timedelta(days=60))
    engine = Engine(store=SqliteStore(path, clock=clock), clock=clock)
    engine.load(LAPOR)
    assert engine.sweep().fired  # c3's and c4's timers fire and leave the table
    engine.erase_personal_data("c4", ADMIN, "permintaan pelapor")
    engine.fire("c3", "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.store.close()  # type: ignore[attr-defined]
    second = tmp_path / "cp2.json"
    made = _cli(
        "audit",
        "checkpoint",
        "--db",
        str(path),
        "--key",
        str(keys[0]),
        "-o",
        str(second),
        "--previous",
        str(first),
    )
    assert made.exit_code == 0, made.output
    ok = _cli(
        "audit",
        "verify",
        "--db",
        str(path),
        "--checkpoint",
        str(first),
        "--checkpoint",
        str(second),
        "--pubkey",
        str(keys[1]),
        "--format",
        "json",
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["problems"] == []
    # out of order, the chain does not hold; another key does not verify
    wrong = _cli(
        "audit",
        "verify",
        "--db",
        str(path),
        "--checkpoint",
        str(second),
        "--checkpoint",
        str(first),
        "--pubkey",
        str(keys[1]),
    )
    assert wrong.exit_code == 1
    assert "does not follow the one before it" in wrong.output
    other = tmp_path / "other.key"
    assert _cli("audit", "keygen", "-o", str(other)).exit_code == 0
    forged = _verify(path, first, Path(str(other) + ".pub"))
    assert forged.exit_code == 1
    assert "signature does not verify" in forged.output
    doc = json.loads(first.read_bytes())
    doc["payload"] = doc["payload"].replace('"seq":7', '"seq":6', 1)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    assert "signature does not verify" in _verify(path, edited, keys[1]).output


def test_checkpoint_attacks_on_postgresql(
    pg_url: str, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    import psycopg

    from sop_engine._persistence.postgres import PgStore

    clock = SimulatedClock(T0)
    engine = Engine(store=PgStore(pg_url, clock=clock), clock=clock)
    engine.load(LAPOR)
    full_workflow(engine, "c1")
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c3")
    engine.store.close()  # type: ignore[attr-defined]
    cp = tmp_path / "cp.json"
    made = _cli("audit", "checkpoint", "--db", pg_url, "--key", str(keys[0]), "-o", str(cp))
    assert made.exit_code == 0, made.output
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no triggers, no FK checks
        conn.execute("UPDATE personal_data SET value = 'x' WHERE case_id = 'c3'")
        conn.execute("DELETE FROM timers WHERE case_id = 'c3'")
        conn.execute("DELETE FROM cases WHERE id = 'c1'")
    result = _cli(
        "audit", "verify", "--db", pg_url, "--checkpoint", str(cp), "--pubkey", str(keys[1])
    )
    assert result.exit_code == 1
    assert "case c1: event 0: 7 events row(s) of a case that has no row in cases" in result.output
    assert (
        "case c1: event 7: the case was in the checkpoint (at event 7) and is gone" in result.output
    )
    assert "case c3: event 1: its personal data differs" in result.output
    assert "is gone, yet its item never fired" in result.output
    digest = hashlib.sha256(cp.read_bytes()).hexdigest()
    assert digest  # the file is what the auditor keeps
