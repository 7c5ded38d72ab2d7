"""webhook.post against a real HTTP server on loopback: signature, retries, recovery."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sop_engine import Actor, Engine, PluginError, Registry, SimulatedClock
from sop_engine.outbox import relay
from sop_engine.records import Notification
from sop_engine_webhook import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookNotifier,
    verify,
)

ROOT = Path(__file__).resolve().parents[3]
SECRET = "rahasia-bersama-dinas-2026"
NOW = 1_772_400_000.0
NOTE = Notification(
    "c1/verifikasi/1/breach",
    "c1",
    "breach",
    ("atasan",),
    {"deadline": "verifikasi", "due_at": "2026-03-05T09:00:00+00:00"},
    datetime(2026, 3, 5, 9, tzinfo=UTC),
)


class Endpoint(ThreadingHTTPServer):
    """An agency endpoint that answers from a script and records what it received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[tuple[int, dict[str, str]]] = []  # answers before settling on 200
        self.received: list[tuple[Message, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sop/notifikasi"


class Handler(BaseHTTPRequestHandler):
    server: Endpoint

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers, body))  # names case-insensitive
        status, headers = self.server.script.pop(0) if self.server.script else (200, {})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _notifier(url: str, sleeps: list[float], **extra: object) -> WebhookNotifier:
    config = {"url": url, "secret": SECRET, "timeout": 5, "backoff": 0.5, **extra}
    return WebhookNotifier(config, sleep=sleeps.append, clock=lambda: NOW)


def test_a_delivery_is_signed_and_carries_the_key(endpoint: Endpoint) -> None:
    sleeps: list[float] = []
    _notifier(endpoint.url, sleeps).deliver(NOTE)
    [(headers, body)] = endpoint.received
    assert json.loads(body) == {
        "key": NOTE.key,
        "case_id": "c1",
        "kind": "breach",
        "recipients": ["atasan"],
        "payload": {"deadline": "verifikasi", "due_at": "2026-03-05T09:00:00+00:00"},
        "created_at": "2026-03-05T09:00:00+00:00",
    }
    assert headers[KEY_HEADER] == headers["Idempotency-Key"] == NOTE.key
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    stamp, signature = str(headers[TIMESTAMP_HEADER]), str(headers[SIGNATURE_HEADER])
    assert verify(SECRET.encode(), body, stamp, signature, now=NOW)
    assert not verify(b"rahasia-yang-lain-sekali", body, stamp, signature, now=NOW)
    assert not verify(SECRET.encode(), body.replace(b"c1", b"c2"), stamp, signature, now=NOW)
    assert not verify(SECRET.encode(), body, stamp, signature, now=NOW + 301)  # a replay
    assert sleeps == []


def test_server_errors_are_retried_with_backoff_under_one_key(endpoint: Endpoint) -> None:
    endpoint.script = [(503, {}), (502, {}), (429, {"Retry-After": "7"})]
    sleeps: list[float] = []
    notifier = _notifier(endpoint.url, sleeps, attempts=4)
    notifier.deliver(NOTE)
    assert notifier.attempts == 4
    assert sleeps == [0.5, 1.0, 7.0]
    assert {h[KEY_HEADER] for h, _ in endpoint.received} == {NOTE.key}
    assert len({body for _, body in endpoint.received}) == 1


def test_a_refusal_is_not_retried(endpoint: Endpoint) -> None:
    endpoint.script = [(400, {})]
    sleeps: list[float] = []
    with pytest.raises(RuntimeError, match="HTTP 400"):
        _notifier(endpoint.url, sleeps).deliver(NOTE)
    assert len(endpoint.received) == 1
    assert sleeps == []


def test_giving_up_raises_so_the_relay_keeps_it_pending(endpoint: Endpoint, tmp_path: Path) -> None:
    from sop_engine.sqlite_store import SqliteStore

    store = SqliteStore(tmp_path / "outbox.db")
    try:
        engine = Engine(store=store, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
        engine.load(ROOT / "examples" / "lapor" / "sop.yaml")
        case = {"pelapor": "p", "kanal": "web", "kerahasiaan": "biasa", "judul": "Jalan rusak"}
        engine.start("lapor-upp", case, Actor("siti", "admin_instansi"), case_id="c1")
        engine.clock.advance(timedelta(days=14))  # type: ignore[attr-defined]
        engine.sweep()
        keys = sorted(n.key for n in store.pending_notifications(100))
        assert keys
        endpoint.script = [(503, {})] * (2 * len(keys))  # down for two attempts each
        notifier = Registry().notifier(
            "webhook.post", {"url": endpoint.url, "secret": SECRET, "attempts": 2, "backoff": 0}
        )
        report = relay(store, notifier, engine.clock.now())
        assert report.delivered == []
        assert sorted(k for k, _ in report.failed) == keys
        assert all("HTTP 503" in e for _, e in report.failed)
        report = relay(store, notifier, engine.clock.now())  # the endpoint is back
        assert sorted(report.delivered) == keys
        assert store.pending_notifications(100) == []
        delivered = [h[KEY_HEADER] for h, _ in endpoint.received[2 * len(keys) :]]
        assert sorted(delivered) == keys
    finally:
        store.close()


def test_an_unreachable_endpoint_is_retried_then_reported(endpoint: Endpoint) -> None:
    url = endpoint.url
    endpoint.shutdown()
    endpoint.server_close()
    sleeps: list[float] = []
    with pytest.raises(RuntimeError, match="webhook unreachable"):
        _notifier(url, sleeps, attempts=3).deliver(NOTE)
    assert sleeps == [0.5, 1.0]


def test_configuration_and_secret_are_checked_at_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PluginError, match=r"webhook\.post' is invalid: url: 'ftp://x'"):
        Registry().notifier("webhook.post", {"url": "ftp://x", "secret": SECRET})
    with pytest.raises(PluginError, match=r"config: give 'secret_env' or 'secret'"):
        Registry().notifier("webhook.post", {"url": "http://x"})
    monkeypatch.delenv("SOP_WEBHOOK_SECRET", raising=False)
    with pytest.raises(LookupError, match="'SOP_WEBHOOK_SECRET' is not set"):
        Registry().notifier("webhook.post", {"url": "http://x", "secret_env": "SOP_WEBHOOK_SECRET"})
    monkeypatch.setenv("SOP_WEBHOOK_SECRET", SECRET)
    assert Registry().notifier(
        "webhook.post", {"url": "http://x", "secret_env": "SOP_WEBHOOK_SECRET"}
    )


# -- issue 18 ------------------------------------------------------------------------------


class _Elsewhere(ThreadingHTTPServer):
    """Another host a redirect points at; a 200 there must not count as a delivery."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ElsewhereHandler)
        self.hits = 0


class _ElsewhereHandler(BaseHTTPRequestHandler):
    server: _Elsewhere

    def do_GET(self) -> None:
        self.server.hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET  # noqa: N815 (http.server's naming)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_refused_not_followed(endpoint: Endpoint, status: int) -> None:
    elsewhere = _Elsewhere()
    thread = threading.Thread(target=elsewhere.serve_forever, daemon=True)
    thread.start()
    try:
        where = f"http://127.0.0.1:{elsewhere.server_address[1]}/steal"
        endpoint.script = [(status, {"Location": where})]
        sleeps: list[float] = []
        with pytest.raises(RuntimeError, match=rf"HTTP {status} redirect refused"):
            _notifier(endpoint.url, sleeps, attempts=3).deliver(NOTE)
        assert elsewhere.hits == 0  # nothing went to the other host
        assert len(endpoint.received) == 1  # and a redirect is not retried
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()
        thread.join()


def test_a_line_break_in_the_case_id_does_not_break_delivery(endpoint: Endpoint) -> None:
    """A case id with CR/LF (stored before ids were checked) made every attempt raise."""
    note = Notification(
        "c1\r\nX-Evil: 1/verifikasi/1/breach",
        "c1\r\nX-Evil: 1",
        "breach",
        ("atasan",),
        {},
        datetime(2026, 3, 5, 9, tzinfo=UTC),
    )
    _notifier(endpoint.url, []).deliver(note)
    _notifier(endpoint.url, []).deliver(note)
    [(first, body), (again, _)] = endpoint.received
    assert "X-Evil" not in first  # no header was injected
    assert first[KEY_HEADER] == again[KEY_HEADER] == "c1%0D%0AX-Evil:%201/verifikasi/1/breach"
    assert json.loads(body)["case_id"] == "c1\r\nX-Evil: 1"
