"""The e-mail notifier: one message per outbox notification, retried, identifiable.

The outbox delivers at least once: a crash between sending and marking a notification delivered
sends it again. Every e-mail therefore carries the notification's stable key twice, as a
``Message-ID`` derived from it and in the ``X-SOP-Notification-Key`` header, so a mail system
(or the recipient's client) recognises a repeat as the same message. A server that answers with a
temporary failure or cannot be reached is retried with backoff inside one ``deliver`` call; when
it stays down, ``deliver`` raises and the notification stays pending for the next relay.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sop_engine.plugin import Notification
from sop_engine_smtp.templates import render

__all__ = ["CONFIG", "KEY_HEADER", "EmailNotifier", "message_id"]

KEY_HEADER = "X-SOP-Notification-Key"

CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "host": {"type": "string", "minLength": 1},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "sender": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
        "recipients": {
            "type": "object",
            "description": "role (or recipient name in the outbox) -> e-mail addresses",
            "additionalProperties": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
                "minItems": 1,
            },
        },
        "instansi": {"type": "string", "description": "agency name used in the texts"},
        "zone": {"type": "string", "description": "time zone for times in the texts"},
        "starttls": {"type": "boolean"},
        "username": {"type": "string"},
        "password_env": {
            "type": "string",
            "description": "name of the environment variable holding the SMTP password",
        },
        "timeout": {"type": "number", "exclusiveMinimum": 0},
        "attempts": {"type": "integer", "minimum": 1, "maximum": 10},
        "backoff": {"type": "number", "minimum": 0, "description": "first wait, doubled"},
        "templates": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
                "required": ["subject", "body"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["host", "port", "sender", "recipients"],
    "additionalProperties": False,
}

# Temporary SMTP answers (4xx) and network trouble are worth another attempt; 5xx are not.
_RETRY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


def _header_safe(value: str) -> str:
    """A header value from text that may hold CR/LF (a case id stored before ids were
    checked, issue 18): the e-mail library refuses line breaks in headers, which made every
    attempt raise. Line breaks become spaces; the key header is percent-encoded instead."""
    return " ".join(value.splitlines())


def message_id(key: str, domain: str) -> str:
    """The Message-ID of the e-mail for notification ``key``: the same for every attempt."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _temporary(e: Exception) -> bool:
    if isinstance(e, smtplib.SMTPResponseException):
        return 400 <= e.smtp_code < 500
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in e.recipients.values())
    return isinstance(e, _RETRY)


class EmailNotifier:
    """An :class:`sop_engine.plugin.Notifier` sending one e-mail per notification."""

    def __init__(
        self, config: Mapping[str, Any], *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.config = config
        self._sleep = sleep
        self.attempts = 0
        """SMTP sessions opened so far (for monitoring)."""

    def message(self, n: Notification) -> EmailMessage:
        """The e-mail for ``n`` (the same headers and text on every attempt)."""
        c = self.config
        addresses: list[str] = []
        missing = []
        for who in n.recipients:
            found = c["recipients"].get(who)
            if found is None:
                missing.append(who)
            else:
                addresses += [a for a in found if a not in addresses]
        if missing:
            raise LookupError(
                f"no e-mail address configured for {', '.join(missing)} (notification "
                f"{n.key}); add them under 'recipients' in the smtp.email configuration"
            )
        subject, body = render(
            n,
            instansi=c.get("instansi", "instansi"),
            zone=c.get("zone", "Asia/Jakarta"),
            templates=c.get("templates"),
        )
        msg = EmailMessage()
        msg["From"] = c["sender"]
        msg["To"] = ", ".join(addresses)
        msg["Subject"] = _header_safe(subject)
        msg["Date"] = format_datetime(n.created_at)
        msg["Message-ID"] = message_id(n.key, c["sender"].rpartition("@")[2])
        msg[KEY_HEADER] = urllib.parse.quote(
            n.key, safe="".join(chr(c) for c in range(0x21, 0x7F) if c != 0x25)
        )
        msg["Content-Language"] = "id"
        msg.set_content(body)
        return msg

    def deliver(self, notification: Notification) -> None:
        """Send the e-mail; retry temporary failures; raise if it could not be sent."""
        msg = self.message(notification)
        attempts = int(self.config.get("attempts", 3))
        wait = float(self.config.get("backoff", 0.5))
        for attempt in range(1, attempts + 1):
            try:
                self._send(msg)
                return
            except Exception as e:
                if attempt == attempts or not _temporary(e):
                    raise
            self._sleep(wait)
            wait *= 2

    def _send(self, msg: EmailMessage) -> None:
        c = self.config
        self.attempts += 1
        with smtplib.SMTP(c["host"], c["port"], timeout=float(c.get("timeout", 10))) as smtp:
            if c.get("starttls"):
                smtp.starttls(context=ssl.create_default_context())
            if "username" in c:
                smtp.login(c["username"], os.environ.get(c.get("password_env", ""), ""))
            smtp.send_message(msg)
