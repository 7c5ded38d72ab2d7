"""The runtime values: who acts, the case they act on, and the audit event each command leaves.

These are plain frozen records, deliberately without behaviour: the engine produces new values
instead of mutating old ones, so a case handed to a caller can never change under their feet and a
refused command provably changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, overload

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
    "ArmedTimers",
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


Schedule = tuple[tuple[datetime, TimerItem], ...]
"""When each item of one arming comes due, in (instant, item) order; shared by every arming of
the same clock due at the same instant on the same calendar."""


class ArmedTimers(Sequence[Timer]):
    """The timers of one or more armings, built only when read.

    Opening a case arms a clock: four or five timers (reminders, the breach, escalation
    levels). Each is a :class:`Timer` with its key, and the in-memory store kept one heap entry
    and one key per timer (about 300 bytes each, most of the memory of an open case; building
    them was most of the cost of arming). This sequence holds each arming as ``(case_id,
    deadline, arming, schedule)``, the schedule shared between cases; iterating it yields the
    very timers :func:`~sop_engine._features.deadlines.timers_for` lists (in schedule order),
    so a durable store writes its rows as before, while the in-memory store keeps one pending
    entry per arming (:class:`~sop_engine.MemoryStore`). Read-only, like every record here.
    """

    __slots__ = ("runs",)

    def __init__(self, runs: tuple[tuple[str, str, int, Schedule], ...]) -> None:
        self.runs = runs

    def __iter__(self) -> Iterator[Timer]:
        for case_id, deadline, arming, schedule in self.runs:
            for at, item in schedule:
                yield Timer(at, case_id, deadline, arming, item)

    def __len__(self) -> int:
        return sum(len(r[3]) for r in self.runs)

    def __bool__(self) -> bool:
        return any(r[3] for r in self.runs)

    @overload
    def __getitem__(self, index: int) -> Timer: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Timer]: ...

    def __getitem__(self, index: int | slice) -> Timer | Sequence[Timer]:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArmedTimers):
            return self.runs == other.runs
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares like a list

    def __add__(self, other: Sequence[Timer]) -> list[Timer]:
        return [*self, *other]

    def __radd__(self, other: Sequence[Timer]) -> list[Timer]:
        return [*other, *self]

    def __repr__(self) -> str:
        return f"ArmedTimers({list(self)!r})"


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
