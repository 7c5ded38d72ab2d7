"""smtp.email against a real SMTP server on loopback (aiosmtpd), including one that fails."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sop_engine import Actor, Engine, PluginError, Registry, SimulatedClock
from sop_engine.outbox import relay
from sop_engine.sqlite_store import SqliteStore
from sop_engine_smtp import KEY_HEADER, EmailNotifier, message_id

ROOT = Path(__file__).resolve().parents[3]
LAPOR = ROOT / "examples" / "lapor" / "sop.yaml"
ADMIN = Actor("siti", "admin_instansi")
CASE = {
    "pelapor": "pelapor-1",
    "kanal": "web",
    "kerahasiaan": "biasa",
    "judul": "Jalan berlubang",
    "kronologi": "Lubang 20 cm.",
    "lokasi": "Jl. Merdeka",
}
ROLES = ("admin_instansi", "atasan", "pengawas", "petugas_unit", "pejabat_penghubung")


class Inbox:
    """An SMTP server's mail handler that can refuse, or accept and then drop the answer."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = 0  # answer the next N messages with a temporary failure
        self.refuse_code = "451 4.3.0 Sedang sibuk, coba lagi"
        self.lose_ack = 0  # store the next N messages but answer as if it failed

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            self.refuse -= 1
            return self.refuse_code
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.lose_ack:
            self.lose_ack -= 1
            return "421 4.4.2 Koneksi terputus"
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def server(inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    if controller._thread is not None:  # the test may have stopped it already
        controller.stop()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = SqliteStore(tmp_path / "outbox.db")
    e = Engine(store=store, clock=SimulatedClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    e.load(LAPOR)
    yield e
    store.close()


def _config(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "sender": "pengaduan@dpmptsp.example.go.id",
        "instansi": "DPMPTSP Kota Contoh",
        "recipients": {role: [f"{role}@example.go.id"] for role in ROLES},
        "timeout": 5,
        "backoff": 0.01,
        **extra,
    }


def _overdue(engine: Engine) -> list[str]:
    """Two cases left unverified for two weeks: reminders and escalations in the outbox."""
    for cid in ("c1", "c2"):
        engine.start("lapor-upp", CASE, ADMIN, case_id=cid)
    assert isinstance(engine.clock, SimulatedClock)
    engine.clock.advance(timedelta(days=14))
    engine.sweep()
    keys = [n.key for n in engine.store.pending_notifications(100)]
    assert len(keys) >= 4
    return keys


def _by_key(inbox: Inbox) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    for m in inbox.messages:
        out.setdefault(str(m[KEY_HEADER]), []).append(m)
    return out


def test_every_notification_arrives_once_in_indonesian(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    keys = _overdue(engine)
    notifier = Registry().notifier("smtp.email", _config(server.port))
    report = relay(engine.store, notifier, engine.clock.now())
    assert sorted(report.delivered) == sorted(keys)
    assert report.failed == []
    assert engine.store.pending_notifications(100) == []
    got = _by_key(inbox)
    assert sorted(got) == sorted(keys)
    assert all(len(v) == 1 for v in got.values())
    reminder = next(m for k, [m] in got.items() if k.endswith("remind:0"))
    assert str(reminder["Subject"]).startswith("[Pengingat] Kasus c")
    assert str(reminder["Subject"]).endswith(
        ": batas waktu verifikasi jatuh Kamis, 5 Maret 2026 16.00 WIB"
    )
    assert reminder["To"] == "admin_instansi@example.go.id"
    assert reminder["Message-ID"] == message_id(str(reminder[KEY_HEADER]), "dpmptsp.example.go.id")
    body = reminder.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Batas waktu verifikasi untuk kasus" in body
    assert "Kamis, 5 Maret 2026 16.00 WIB" in body  # Mon 2 March + 3 working days, WIB
    assert "DPMPTSP Kota Contoh" in body
    escalation = next(m for k, [m] in got.items() if k.endswith("level:1"))
    assert str(escalation["Subject"]).startswith("[Eskalasi tingkat 1]")


def test_a_busy_server_is_retried_within_one_delivery(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    keys = _overdue(engine)
    inbox.refuse = 2
    notifier = EmailNotifier(_config(server.port, attempts=3))
    report = relay(engine.store, notifier, engine.clock.now())
    assert sorted(report.delivered) == sorted(keys)
    assert notifier.attempts == len(keys) + 2
    assert all(len(v) == 1 for v in _by_key(inbox).values())


def test_a_server_that_is_down_loses_nothing_and_recovers(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    keys = _overdue(engine)
    server.stop()
    notifier = EmailNotifier(_config(server.port, attempts=2))
    report = relay(engine.store, notifier, engine.clock.now())
    assert report.delivered == []
    assert sorted(k for k, _ in report.failed) == sorted(keys)
    assert "ConnectionRefusedError" in report.failed[0][1]
    assert len(engine.store.pending_notifications(100)) == len(keys)
    back = Controller(inbox, hostname="127.0.0.1", port=server.port)  # the mail server is back
    back.start()
    try:
        report = relay(engine.store, notifier, engine.clock.now())
    finally:
        back.stop()
    assert sorted(report.delivered) == sorted(keys)
    assert engine.store.pending_notifications(100) == []
    got = _by_key(inbox)
    assert sorted(got) == sorted(keys)
    assert all(len(v) == 1 for v in got.values())


def test_a_lost_acknowledgement_repeats_the_same_message_id_only(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    """The server stored the mail but the answer was lost: the repeat is recognisable."""
    keys = _overdue(engine)
    inbox.lose_ack = 1
    report = relay(engine.store, EmailNotifier(_config(server.port)), engine.clock.now())
    assert sorted(report.delivered) == sorted(keys)
    got = _by_key(inbox)
    assert sorted(got) == sorted(keys)
    repeated = [k for k, v in got.items() if len(v) > 1]
    assert len(repeated) == 1
    assert len({m["Message-ID"] for m in got[repeated[0]]}) == 1
    # deduplicated by Message-ID, every notification is there exactly once
    assert len({m["Message-ID"] for m in inbox.messages}) == len(keys)


def test_a_permanent_refusal_is_not_retried_and_stays_pending(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    keys = _overdue(engine)
    inbox.refuse, inbox.refuse_code = len(keys), "550 5.7.1 Ditolak"
    notifier = EmailNotifier(_config(server.port, attempts=3))
    report = relay(engine.store, notifier, engine.clock.now())
    assert report.delivered == []
    assert notifier.attempts == len(keys)
    assert len(engine.store.pending_notifications(100)) == len(keys)
    assert inbox.messages == []


def test_a_role_without_an_address_is_reported_not_dropped(
    engine: Engine, server: Controller, inbox: Inbox
) -> None:
    keys = _overdue(engine)
    config = _config(server.port)
    del config["recipients"]["atasan"]
    report = relay(engine.store, EmailNotifier(config), engine.clock.now())
    failed = dict(report.failed)
    assert failed
    assert all("no e-mail address configured for atasan" in e for e in failed.values())
    assert len(report.delivered) + len(failed) == len(keys)
    assert {n.key for n in engine.store.pending_notifications(100)} == set(failed)


def test_configuration_is_checked_when_the_notifier_is_set_up() -> None:
    with pytest.raises(PluginError, match=r"smtp\.email' is invalid: port: write 1 or more, not 0"):
        Registry().notifier("smtp.email", {**_config(0)})
    with pytest.raises(PluginError, match="sender: 'pengaduan' does not match"):
        Registry().notifier("smtp.email", {**_config(25), "sender": "pengaduan"})


def test_a_line_break_in_the_case_id_does_not_break_delivery(
    server: Controller, inbox: Inbox
) -> None:
    """Issue 18: a case id with CR/LF made every attempt raise in the header encoder."""
    from sop_engine.records import Notification

    note = Notification(
        "c1\r\nBcc: x@evil.example/verifikasi/1/breach",
        "c1\r\nBcc: x@evil.example",
        "breach",
        ("atasan",),
        {"deadline": "verifikasi", "due_at": "2026-03-05T09:00:00+00:00"},
        datetime(2026, 3, 5, 9, tzinfo=UTC),
    )
    cfg = _config(server.port)
    cfg["recipients"]["atasan"] = ["atasan@example.go.id"]
    EmailNotifier(cfg).deliver(note)
    [m] = inbox.messages
    assert m["Bcc"] is None  # nothing injected
    assert str(m[KEY_HEADER]) == "c1%0D%0ABcc:%20x@evil.example/verifikasi/1/breach"
    assert "\n" not in str(m["Subject"])
    assert "c1 Bcc" in str(m["Subject"])
