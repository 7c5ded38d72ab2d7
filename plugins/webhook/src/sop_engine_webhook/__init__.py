"""Webhook delivery of sop_engine's outbox: a signed POST per notification, retried with backoff.

Installed, it registers the notifier ``webhook.post``. Receivers check requests with
:func:`verify`.
"""

from sop_engine_webhook.notifier import (
    CONFIG,
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookNotifier,
    body_of,
    sign,
    verify,
)

__all__ = [
    "CONFIG",
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookNotifier",
    "body_of",
    "sign",
    "verify",
]
