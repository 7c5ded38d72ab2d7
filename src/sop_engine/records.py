"""The runtime values: who acts, the case they act on, and the audit event each command leaves.

These are plain frozen records, deliberately without behaviour: the engine produces new values
instead of mutating old ones, so a case handed to a caller can never change under their feet and a
refused command provably changed nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

__all__ = ["START_EVENT", "Actor", "AuditEvent", "Case"]

START_EVENT = "@start"
"""The event name recorded for the command that creates a case (no SOP event can be named so)."""


@attrs.frozen(slots=True)
class Actor:
    """The person behind a command: their id, the role they act in and their unit (if any)."""

    id: str
    role: str
    unit: str | None = None


@attrs.frozen(slots=True)
class Case:
    """One complaint as the engine sees it.

    ``sop_hash`` pins the case to the exact SOP text it started under; ``version`` counts accepted
    commands and is what optimistic concurrency compares. ``data`` must be treated as read-only:
    the engine copies it before every change.
    """

    id: str
    sop_id: str
    sop_hash: str
    state: str
    data: Mapping[str, Any]
    version: int


@attrs.frozen(slots=True)
class AuditEvent:
    """What one accepted command did: the unit of the audit trail.

    ``guards`` lists every guard evaluated for the command with its result, including those of
    alternatives that were refused before the chosen transition.
    """

    case_id: str
    seq: int
    at: datetime
    actor: Actor
    event: str
    source: str | None
    target: str
    payload: Mapping[str, Any]
    guards: tuple[tuple[str, bool], ...] = ()
    command_id: str | None = None
