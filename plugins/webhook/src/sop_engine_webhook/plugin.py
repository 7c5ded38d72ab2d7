"""The hook implementation: the ``webhook.post`` notifier."""

from __future__ import annotations

from sop_engine.plugin import NotifierSpec, Text, hookimpl
from sop_engine_webhook.notifier import CONFIG, WebhookNotifier


@hookimpl
def sop_engine_notifiers() -> list[NotifierSpec]:
    return [
        NotifierSpec(
            "webhook.post",
            Text(
                "kirim pemberitahuan ke endpoint instansi (POST bertanda tangan HMAC)",
                "POST notifications to an agency endpoint, signed with HMAC-SHA256",
            ),
            CONFIG,
            WebhookNotifier,
        )
    ]
