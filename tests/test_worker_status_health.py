"""Issue 18: ``sop worker status`` is a health check: exit 1 when something needs a person.

Quarantined timers and notifications, an erasure committed whose key was not destroyed yet, and
a scheduled checkpoint older than its schedule allows (or never taken) each make it exit 1 and
are named under ``attention`` in JSON. It printed them and exited 0 for all but quarantine.
Everything here runs on a real SQLite file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from sop_engine import Engine, SimulatedClock
from sop_engine._ops.checkpoint import generate_key
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine._persistence.vault import KeyFile
from sop_engine.cli import main

from conftest import ADMIN, COMPLETE, LAPOR

T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)


def _cli(*args: str) -> Result:
    return CliRunner(env={"SOP_LANG": "en"}).invoke(main, list(args))


def _status(db: Path, *more: str) -> tuple[int, dict[str, Any]]:
    result = _cli("worker", "status", "--db", str(db), "--format", "json", *more)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def _store_with_a_case(db: Path) -> None:
    clock = SimulatedClock(T0)
    engine = Engine(store=SqliteStore(db, clock=clock), clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    engine.store.close()  # type: ignore[attr-defined]


def test_a_healthy_store_exits_0_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _store_with_a_case(db)
    code, doc = _status(db)
    assert code == 0
    assert doc["healthy"] is True
    assert doc["attention"] == []
    assert doc["status"]["pending_erasures"] == 0


def test_an_unfinished_erasure_needs_attention_and_status_does_not_finish_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.sqlite3"
    clock = SimulatedClock(T0)
    store = SqliteStore(db, clock=clock)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id="c1")
    # the writer stops between the erasure's commit and the key's destruction
    store.finish_erasures = list  # type: ignore[method-assign,assignment]
    engine.erase_personal_data("c1", ADMIN, "permintaan pelapor (UU PDP)")
    store.close()
    assert _has_key(db, "c1")

    code, doc = _status(db)
    assert code == 1
    assert doc["healthy"] is False
    [item] = doc["attention"]
    assert (item["reason"], item["count"], item["cases"]) == ("pending_erasures", 1, ["c1"])
    assert "sop worker" in item["message"]
    text = _cli("worker", "status", "--db", str(db))
    assert text.exit_code == 1
    assert "needs attention: 1 erasure(s) committed whose key is not destroyed yet" in text.output
    # a health check changes nothing: the key is still there, the erasure still pending
    assert _has_key(db, "c1")
    SqliteStore(db).close()  # any writer finishes it
    assert not _has_key(db, "c1")
    assert _status(db)[0] == 0


def _has_key(db: Path, case_id: str) -> bool:
    """Whether the store's key file still holds the case's key (read by a fresh reader)."""
    return KeyFile(f"{db}.keys").key(case_id) is not None


def _backdate_checkpoints(db: Path, by: timedelta) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE checkpoints SET taken_us = taken_us - ?", (int(by.total_seconds() * 1e6),))
    conn.commit()
    conn.close()


def test_a_stale_or_missing_scheduled_checkpoint_needs_attention(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _store_with_a_case(db)
    code, doc = _status(db, "--checkpoint-every", "1h")
    assert code == 1
    assert [a["reason"] for a in doc["attention"]] == ["no_checkpoint"]
    assert _status(db)[0] == 0  # without a schedule there is nothing to be late for

    private, _ = generate_key()
    key = tmp_path / "cp.key"
    key.write_bytes(private)
    taken = _cli(
        "worker",
        "--db",
        str(db),
        "--exit-when-idle",
        "--outbox",
        str(tmp_path / "o"),
        "--checkpoint-key",
        str(key),
        "--checkpoint-dir",
        str(tmp_path / "cp"),
        "--checkpoint-every",
        "1h",
    )
    assert taken.exit_code == 0, taken.output
    code, doc = _status(db, "--checkpoint-every", "1h")
    assert code == 0, doc
    assert doc["status"]["checkpoint_age_seconds"] < 600

    # the workers stopped taking them: two hours later the newest is two periods old
    _backdate_checkpoints(db, timedelta(hours=2))
    code, doc = _status(db, "--checkpoint-every", "1h")
    assert code == 1
    [item] = doc["attention"]
    assert item["reason"] == "stale_checkpoint"
    assert item["age_seconds"] >= 7200
    assert item["allowed_seconds"] == 3600 + 360  # a period and a tenth of it
    assert _status(db, "--checkpoint-every", "1d")[0] == 0  # a daily schedule allows it

    bad = _cli("worker", "status", "--db", str(db), "--checkpoint-every", "soon")
    assert bad.exit_code == 2
    assert "90s, 15m, 1h" in bad.output


def test_quarantined_timers_are_named_in_the_attention_list(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _store_with_a_case(db)
    conn = sqlite3.connect(db)
    quarantined = conn.execute("UPDATE timers SET dead_us = 1, error = 'boom'").rowcount
    conn.commit()
    conn.close()
    assert quarantined >= 1
    code, doc = _status(db)
    assert code == 1
    [item] = doc["attention"]
    assert (item["reason"], item["count"]) == ("quarantined_timers", quarantined)
    assert "sop worker requeue" in item["message"]
