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

from sop_engine._core.frozen import freeze_mapping
from sop_engine._core.protocol import SystemEvent, TimerItem
from sop_engine._core.text import Text


def _item(text: str) -> TimerItem:
    return TimerItem.coerce(text)


__all__ = [
    "ERASED",
    "START_EVENT",
    "Actor",
    "AuditEvent",
    "Breach",
    "Case",
    "Deadline",
    "Declaration",
    "Notification",
    "Timer",
]

ERASED = "[dihapus]"
"""What an erased personal value reads as, everywhere (snapshot, trail, command records)."""

SEALED_ACTOR = "@actor"
"""Listed in an event's ``personal`` keys when its actor is the reporter: durable stores keep
the actor's id sealed like a personal value, and erasure erases it."""

START_EVENT = SystemEvent.START
"""The event name recorded for the command that creates a case (no SOP event can be named so)."""


@attrs.frozen(slots=True)
class Actor:
    """The person behind a command: their id, the role they act in and their unit (if any)."""

    id: str
    role: str
    unit: str | None = None


@attrs.frozen(slots=True)
class Deadline:
    """The state of one service-standard clock on one case.

    Each time the clock is (re)armed — started, resumed after a pause, extended, recomputed for
    a new calendar or for changed case data its duration rules read — ``arming`` goes up by
    one; every reminder and escalation belongs to one arming, and ``fired`` lists the items of
    this arming already fired, which is what makes each fire happen exactly once. ``due_at`` is
    always ``calendar.due(anchor, amount, unit)`` with the calendar ``calendar_version`` (moved
    to the next working day for a clock with ``roll``): ``anchor`` is when the clock started
    and ``amount`` the duration plus what pauses and extensions added. ``paused_at`` is set
    while paused. ``status`` ``withdrawn``: its ``applies_when`` stopped matching the case.
    """

    name: str
    arming: int
    status: str  # running | paused | met | closed | withdrawn
    anchor: datetime
    amount: float
    unit: str
    due_at: datetime | None
    calendar_version: str
    extensions: int = 0
    extended_by: float = 0.0
    fired: tuple[str, ...] = ()
    level: int = 0
    paused_at: datetime | None = None


@attrs.frozen(slots=True, order=True)
class Timer:
    """A future instant at which something about a deadline must happen (ordered by ``at``)."""

    at: datetime
    case_id: str
    deadline: str
    arming: int
    item: TimerItem = attrs.field(converter=_item)
    """What comes due; built from its text (``remind:1``) where a row or a plan gives one."""
    claim: str | None = attrs.field(default=None, eq=False, order=False)
    """The claim token a durable store gave this timer when handing it out (its fence)."""

    @property
    def key(self) -> str:
        """The natural key: one fire per (case, deadline, arming, item), ever."""
        return f"{self.case_id}/{self.deadline}/{self.arming}/{self.item}"


@attrs.frozen(slots=True)
class Notification:
    """A message for the outbox, written in the same commit as the event that causes it.

    ``key`` is stable, so a notifier delivering at least once can drop duplicates.
    """

    key: str
    case_id: str
    kind: str  # reminder | breach | escalation
    recipients: tuple[str, ...]
    payload: Mapping[str, Any] = attrs.field(converter=freeze_mapping)
    created_at: datetime


@attrs.frozen(slots=True)
class Declaration:
    """An officer's declaration on a case: no conflict of interest, or a conflict and its tie."""

    officer: str
    conflict: bool
    relation: str = ""


@attrs.frozen(slots=True)
class Case:
    """One complaint as the engine sees it.

    ``sop_hash`` pins the case to the exact SOP text it started under; ``version`` counts accepted
    commands and is what optimistic concurrency compares. ``data`` is deep read-only
    (:mod:`sop_engine._core.frozen`): the only way to change a case is a command.
    """

    id: str
    sop_id: str
    sop_hash: str
    state: str
    data: Mapping[str, Any] = attrs.field(converter=freeze_mapping)
    """Read-only (deep): a guard, listener or caller cannot change a case behind the trail."""
    version: int
    deadlines: tuple[Deadline, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    """Officers' declarations of (no) conflict of interest on this case, oldest first.

    Kept on the snapshot (as well as in the trail) so code-of-ethics checks read them without
    reading the trail on every command.
    """
    sealed: tuple[str, ...] = ()
    """Data fields a durable store keeps sealed (encrypted under the case's key, erased by
    destroying it): the SOP's personal and free-text fields, sorted. Set when the case opens."""


@attrs.frozen(slots=True)
class Breach:
    """A code-of-ethics rule a command broke, as evidence in the audit trail.

    ``severity`` is ``block`` (the command was refused; the event recording the attempt is an
    ``@ethics`` event) or ``flag`` (the command went through and carries the breach).
    ``types`` are the Ombudsman's maladministration types the rule guards against.
    """

    rule: str
    check: str
    severity: str
    reason: Text
    types: tuple[str, ...] = ()


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
    payload: Mapping[str, Any] = attrs.field(converter=freeze_mapping)
    guards: tuple[tuple[str, bool], ...] = ()
    command_id: str | None = None
    personal: tuple[str, ...] = ()
    """Payload keys holding personal data: durable stores keep their values out of the chain."""
    breaches: tuple[Breach, ...] = ()
    """Code-of-ethics rules this command broke (flagged, or the blocked attempt it records)."""
