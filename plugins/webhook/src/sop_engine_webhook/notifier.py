"""POSTing outbox notifications to an agency's endpoint, signed, retried, identifiable.

Each notification is sent as canonical JSON. The request carries:

- ``X-SOP-Timestamp``: seconds since the epoch when it was signed;
- ``X-SOP-Signature``: ``sha256=`` and the hex HMAC-SHA256, under the shared secret, of
  ``TIMESTAMP.BODY``, so a receiver can check who sent it and refuse a replay of an old request;
- ``X-SOP-Notification-Key`` (and ``Idempotency-Key``): the notification's stable key, the same on
  every attempt, by which the receiver drops repeats (delivery is at least once).

Any 2xx answer is a delivery. A redirect (3xx) is not followed: urllib would resend the
notification as a GET to whatever host the answer names and count that host's 200 as a
delivery; a redirect is refused like a 4xx, naming the configured URL to fix. The notification
key goes in the headers percent-encoded outside printable ASCII, so a CR/LF in a case id
cannot split a header (nor make every attempt raise). Timeouts, connection failures, 408, 425, 429 and 5xx are retried
with exponential backoff (a ``Retry-After`` in seconds is honoured up to ``max_wait``); other
answers (a 4xx: the endpoint refuses the message itself) are not. When every attempt failed,
``deliver`` raises and the notification stays pending for the next relay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from sop_engine.plugin import Notification

__all__ = [
    "CONFIG",
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookNotifier",
    "body_of",
    "header_safe",
    "sign",
    "verify",
]

KEY_HEADER = "X-SOP-Notification-Key"
SIGNATURE_HEADER = "X-SOP-Signature"
TIMESTAMP_HEADER = "X-SOP-Timestamp"
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})

CONFIG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
        "secret_env": {
            "type": "string",
            "minLength": 1,
            "description": "environment variable holding the shared secret",
        },
        "secret": {"type": "string", "minLength": 16, "description": "the shared secret itself"},
        "timeout": {"type": "number", "exclusiveMinimum": 0},
        "attempts": {"type": "integer", "minimum": 1, "maximum": 10},
        "backoff": {"type": "number", "minimum": 0, "description": "first wait, doubled"},
        "max_wait": {"type": "number", "minimum": 0, "description": "longest single wait"},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["url"],
    "oneOf": [{"required": ["secret_env"]}, {"required": ["secret"]}],
    "additionalProperties": False,
}


def body_of(n: Notification) -> bytes:
    """The JSON body for ``n``: canonical (sorted keys, no spaces), the same on every attempt."""
    document = {
        "key": n.key,
        "case_id": n.case_id,
        "kind": n.kind,
        "recipients": list(n.recipients),
        "payload": dict(n.payload),
        "created_at": n.created_at.isoformat(),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def header_safe(value: str) -> str:
    """``value`` for an HTTP header: printable ASCII kept, anything else (CR, LF, NUL,
    non-ASCII) percent-encoded, so the same key gives the same header on every attempt."""
    return urllib.parse.quote(value, safe="".join(chr(c) for c in range(0x21, 0x7F) if c != 0x25))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect: a 3xx comes back as an :class:`urllib.error.HTTPError`."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        raise urllib.error.HTTPError(
            req.full_url,
            code,
            f"redirect refused (to {newurl[:200]!r}); configure the final URL",
            headers,
            fp,
        )


_OPENER = urllib.request.build_opener(_NoRedirect())


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``TIMESTAMP.BODY`` under ``secret``."""
    mac = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: bytes,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float,
    tolerance: float = 300,
) -> bool:
    """For receivers: is the request signed with ``secret`` and no older than ``tolerance`` s?"""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


class WebhookNotifier:
    """An :class:`sop_engine.plugin.Notifier` POSTing each notification to ``url``."""

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        if "secret" in config:
            secret = str(config["secret"])
        else:
            secret = os.environ.get(config["secret_env"], "")
            if not secret:
                raise LookupError(
                    f"the webhook secret variable {config['secret_env']!r} is not set; set it "
                    "in the environment of the process that relays the outbox"
                )
        self._secret = secret.encode("utf-8")
        self._sleep = sleep
        self._clock = clock
        self.attempts = 0
        """Requests sent so far (for monitoring)."""

    def deliver(self, notification: Notification) -> None:
        """POST the notification; retry what may succeed later; raise if it was not accepted."""
        body = body_of(notification)
        attempts = int(self.config.get("attempts", 4))
        wait = float(self.config.get("backoff", 0.5))
        max_wait = float(self.config.get("max_wait", 60))
        for attempt in range(1, attempts + 1):
            try:
                self._post(notification.key, body)
                return
            except urllib.error.HTTPError as e:
                if e.code not in _RETRY_STATUS or attempt == attempts:
                    raise RuntimeError(
                        f"webhook refused notification {notification.key!r:.200}: "
                        f"HTTP {e.code} {e.reason}"
                    ) from e
                pause = _retry_after(e.headers.get("Retry-After"), wait)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                if attempt == attempts:
                    raise RuntimeError(
                        f"webhook unreachable for notification {notification.key!r:.200}: {e}"
                    ) from e
                pause = wait
            self._sleep(min(pause, max_wait))
            wait *= 2

    def _post(self, key: str, body: bytes) -> None:
        timestamp = int(self._clock())
        headers = {
            **self.config.get("headers", {}),
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "sop-engine-webhook/0.1",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
            KEY_HEADER: header_safe(key),
            "Idempotency-Key": header_safe(key),
        }
        request = urllib.request.Request(self.config["url"], body, headers, method="POST")
        self.attempts += 1
        timeout = float(self.config.get("timeout", 10))
        with _OPENER.open(request, timeout=timeout) as response:
            response.read()


def _retry_after(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        return default  # an HTTP date: keep our own backoff
