"""E-mail delivery of sop_engine's outbox: reminders, breaches, escalations and responses.

Installed, it registers the notifier ``smtp.email``::

    notifier = engine.registry.notifier("smtp.email", {
        "host": "mail.example.go.id", "port": 587, "sender": "pengaduan@example.go.id",
        "recipients": {"admin_instansi": ["admin@example.go.id"]},
    })
    relay(engine.store, notifier, clock.now())
"""

from sop_engine_smtp.notifier import CONFIG, KEY_HEADER, EmailNotifier, message_id
from sop_engine_smtp.templates import TEMPLATES, render

__all__ = ["CONFIG", "KEY_HEADER", "TEMPLATES", "EmailNotifier", "message_id", "render"]
