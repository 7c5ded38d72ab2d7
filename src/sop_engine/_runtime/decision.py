"""A decided change to one case: everything a command, timer or admin operation will write.

Every path that changes a case (a command, a fired timer, an extension, a migration, a new
calendar, an erasure, a declaration, a revealed identity, a blocked attempt) decides first and
writes second. The decision is this value; :class:`~sop_engine._runtime.committer.Committer`
writes any decision the same way, in one store call, and then tells the listeners. Adding a
field to every audit event, or a step to every commit, is therefore one edit.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sop_engine._core.records import Actor, AuditEvent, Breach, Case, Notification, Timer
from sop_engine._persistence.store import CommandRecord

__all__ = ["Decision", "Write", "audit"]


class Write(enum.Enum):
    """Which store call a decision needs."""

    INSERT = "insert"
    """A new case (version 1)."""
    COMMIT = "commit"
    """The next version of a case."""
    ERASE = "erase"
    """The next version, and personal values erased from the trail and command records."""


class Decision(NamedTuple):
    """The new snapshot and its audit event, with the timers, messages and record that go along.

    ``done`` are claimed timers this change completes (fenced by the store). ``command`` makes a
    retried command idempotent. ``refusal``, when set, is raised after the write: the change
    records a refused attempt (a code-of-ethics block) and the caller still gets the error.

    A named tuple rather than a frozen attrs record: one is built for every command, and a tuple
    is immutable at a third of the cost (docs/performance.md). Build it with keywords.
    """

    case: Case
    event: AuditEvent
    write: Write = Write.COMMIT
    timers: Sequence[Timer] = ()
    notifications: Sequence[Notification] = ()
    done: Sequence[Timer] = ()
    command: CommandRecord | None = None
    refusal: Exception | None = None


def audit(
    before: Case | None,
    after: Case,
    at: datetime,
    actor: Actor,
    event: str,
    payload: Mapping[str, Any],
    guards: tuple[tuple[str, bool], ...] = (),
    command_id: str | None = None,
    personal: tuple[str, ...] = (),
    breaches: tuple[Breach, ...] = (),
) -> AuditEvent:
    """The audit event for the change ``before`` → ``after`` (the one place events are built).

    ``before`` is ``None`` when the case is being opened. The arguments may be given by
    position (the command path does, and builds the event positionally: it runs every command).
    """
    return AuditEvent(
        after.id,
        after.version,
        at,
        actor,
        event,
        before.state if before is not None else None,
        after.state,
        payload,
        guards,
        command_id,
        personal,
        breaches,
    )
