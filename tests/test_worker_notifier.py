"""``sop worker --notifier NAME --config FILE``: a plugin's notifier chosen and configured from
the command line, delivering to a real HTTP peer on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_engine import Actor, Engine, SimulatedClock, SqliteStore
from sop_engine.cli import main

from conftest import COMPLETE, LAPOR


@pytest.fixture
def peer() -> Iterator[tuple[str, list[dict[str, object]]]]:
    received: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"key": self.headers["X-SOP-Notification-Key"], **json.loads(body)})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _db_with_notifications(path: Path) -> int:
    clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    store = SqliteStore(path)
    engine = Engine(store=store, clock=clock)
    engine.load(LAPOR)
    engine.start("lapor-upp", COMPLETE, Actor("siti", "admin_instansi"), case_id="c1")
    clock.advance(timedelta(days=10))
    engine.sweep()
    pending = len(store.pending_notifications(1000))
    store.close()
    return pending


def test_the_worker_delivers_through_the_webhook_notifier(
    tmp_path: Path, peer: tuple[str, list[dict[str, object]]]
) -> None:
    url, received = peer
    db = tmp_path / "w.sqlite3"
    assert _db_with_notifications(db) > 0
    config = tmp_path / "notifiers.toml"
    config.write_text(
        f'["webhook.post"]\nurl = "{url}"\nsecret = "a-shared-secret-of-16+"\nattempts = 1\n'
    )
    result = CliRunner().invoke(
        main,
        [
            "worker",
            "--db",
            str(db),
            "--notifier",
            "webhook.post",
            "--config",
            str(config),
            "--exit-when-idle",
            "--interval",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    store = SqliteStore(db)
    try:
        assert store.pending_notifications(1000) == []
        delivered = {n.key for n in store.outbox()}
    finally:
        store.close()
    assert {r["key"] for r in received} == delivered
    assert len(received) == len(delivered)  # each once


def test_a_bad_notifier_configuration_is_an_error_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    _db_with_notifications(db)
    config = tmp_path / "notifiers.toml"
    config.write_text('["webhook.post"]\nurl = "ftp://nope"\n')
    result = CliRunner().invoke(
        main,
        [
            "worker",
            "--db",
            str(db),
            "--notifier",
            "webhook.post",
            "--config",
            str(config),
            "--exit-when-idle",
        ],
    )
    assert result.exit_code == 2  # a bad configuration: the environment, not a finding
    assert "webhook.post" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(
        main, ["worker", "--db", str(db), "--notifier", "pigeon.post", "--exit-when-idle"]
    )
    assert result.exit_code == 2  # a usage error
    assert "pigeon.post" in result.output
    assert "webhook.post" in result.output  # the installed ones are listed
