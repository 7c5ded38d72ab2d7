"""The hook implementation: the ``smtp.email`` notifier."""

from __future__ import annotations

from sop_engine.plugin import NotifierSpec, Text, hookimpl
from sop_engine_smtp.notifier import CONFIG, EmailNotifier


@hookimpl
def sop_engine_notifiers() -> list[NotifierSpec]:
    return [
        NotifierSpec(
            "smtp.email",
            Text(
                "kirim pemberitahuan lewat surel (templat berbahasa Indonesia)",
                "deliver notifications by e-mail (Indonesian templates)",
            ),
            CONFIG,
            EmailNotifier,
        )
    ]
