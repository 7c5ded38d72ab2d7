"""Outbox messages about code-of-ethics breaches, and the identity values they must not carry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.records import Actor, Breach, Notification
from sop_engine._features.confidentiality import WITHHELD
from sop_engine._persistence.codec import actor_to_json

__all__ = ["breach_notifications", "secrets"]


def secrets(sop: CompiledSop, data: Mapping[str, Any]) -> frozenset[str]:
    """The reporter's identity values in ``data`` (empty when the SOP declares no confidentiality)."""
    conf = sop.ethics.confidentiality if sop.ethics is not None else None
    return conf.secrets(data) if conf is not None else frozenset()


def breach_notifications(
    case_id: str,
    seq: int,
    actor: Actor,
    event: str,
    notify: Iterable[tuple[Breach, tuple[str, ...]]],
    now: datetime,
    hidden: frozenset[str] = frozenset(),
) -> list[Notification]:
    """Outbox messages telling the rule's recipients of breaches.

    They carry no case data; the acting officer is withheld when it is the anonymous reporter
    (``hidden``: the case's identity values).
    """
    officer = attrs.evolve(actor, id=WITHHELD) if actor.id in hidden else actor
    out = []
    for breach, recipients in notify:
        out.append(
            Notification(
                f"{case_id}/{seq}/ethics/{breach.rule}",
                case_id,
                "ethics",
                recipients,
                {
                    "rule": breach.rule,
                    "check": breach.check,
                    "severity": breach.severity,
                    "event": event,
                    "officer": actor_to_json(officer),
                    "reason": {"id": breach.reason.id, "en": breach.reason.en},
                    "types": list(breach.types),
                },
                now,
            )
        )
    return out
