"""Sweeping due timers: reminders, breaches, escalation levels, expiries and their follow-ups.

Each (case, deadline, arming, item) fires at most once, ever: the fired items are recorded on the
case in the same commit as the audit event and the outbox notification, so a second sweep, a
duplicate timer or a restart finds them done. After downtime each missed item fires once and is
marked ``late``; reminders of the same arming that are due together are coalesced into the last
one. Due timers come from the store's index ordered by instant, never from a scan of the cases.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.clock import Clock
from sop_engine._core.errors import CommandRefused, LeaseLost, VersionConflict
from sop_engine._core.frozen import FrozenDict, frozen_dict
from sop_engine._core.protocol import ItemKind, TimerItem
from sop_engine._core.records import Actor, AuditEvent, Case, Notification, Timer
from sop_engine._core.redaction import Redactor
from sop_engine._core.text import Text
from sop_engine._features.confidentiality import WITHHELD, Confidentiality
from sop_engine._features.deadlines import ClockSpec, with_fired
from sop_engine._persistence.deadletter import RetryPolicy, error_text
from sop_engine._persistence.store import MemoryStore
from sop_engine._runtime.catalog import Catalog
from sop_engine._runtime.commands import Commands
from sop_engine._runtime.committer import Committer
from sop_engine._runtime.decision import Decision, audit
from sop_engine._runtime.notices import secrets

__all__ = ["SYSTEM_ACTOR", "SweepReport", "Sweeper", "TimerFailure"]

_log = logging.getLogger("sop_engine.worker")

SYSTEM_ACTOR = Actor("sop-engine", "sistem")
"""The actor recorded for what the engine does by itself (reminders, escalations, expiries)."""

_MAX_ROUNDS = 8
_NOTIFICATION_KIND = {
    ItemKind.REMIND: "reminder",
    ItemKind.BREACH: "breach",
    ItemKind.LEVEL: "escalation",
}

Reminders = dict[tuple[str, str, int], list[Timer]]
"""Reminders due together, per (case, clock, arming), in order."""


@attrs.frozen(slots=True)
class TimerFailure:
    """A timer that raised while firing: retried later, or quarantined (a dead letter)."""

    key: str
    case_id: str
    attempts: int
    error: str
    quarantined: bool


@attrs.define
class SweepReport:
    """What one sweep did: the audit events written, the timed events that were refused, and
    the timers that failed (isolated: the others still fired)."""

    fired: list[AuditEvent] = attrs.field(factory=list)
    refused: list[tuple[Timer, CommandRefused]] = attrs.field(factory=list)
    skipped: int = 0
    coalesced: int = 0
    failed: list[TimerFailure] = attrs.field(factory=list)


def _about(sop: CompiledSop, case: Case, clock: ClockSpec, item: TimerItem) -> dict[str, Any]:
    """What a deadline notification says about its case, beyond the deadline itself.

    The clock's label and the escalation level's label, and the case fields the SOP's
    ``deadlines.notifications`` names (unit, title, tracking id, the agency's case number).
    A notification leaves the engine like a public view: a field the SOP's confidentiality
    withholds outward is ``[dirahasiakan]``, and free text has the reporter's identity (every
    form of it) and Indonesian identifiers replaced (:class:`Redactor`).
    """
    out = dict(_labels(clock, item))
    plan = sop.deadlines
    if plan is None or not plan.notices:
        return out
    out["case"] = _case_part(sop, plan.notices, case.data)
    return out


def _labels(clock: ClockSpec, item: TimerItem) -> Mapping[str, Any]:
    """The clock's label (and the escalation level's), remembered per (clock, item): the same
    few for every item fired. (The entry holds the clock, so its id is not reused.)"""
    key = (id(clock), str(item))
    hit = _LABEL_PARTS.get(key)
    if hit is not None and hit[0] is clock:
        return hit[1]
    out: dict[str, Any] = {"clock": _label(clock.label)}
    if item.kind is ItemKind.LEVEL:
        label = clock.levels[item.number - 1].label
        if label is not None:
            out["level_label"] = _label(label)
    if len(_LABEL_PARTS) >= _MEMO_MAX:
        _LABEL_PARTS.clear()
    _LABEL_PARTS[key] = (clock, out)
    return out


def _case_part(sop: CompiledSop, notices: Mapping[str, str], data: Mapping[str, Any]) -> FrozenDict:
    """The ``case`` part of a deadline notification, redacted (see :func:`_about`).

    Remembered by the values it is made of (the confidentiality field, the identity fields and
    the notice fields, each with its type): every item fired on a case, and every case with
    the same values, would build the same redactor and the same text again. Only hashable
    values are remembered; the memo is bounded.
    """
    conf = sop.ethics.confidentiality if sop.ethics is not None else None
    reads = _reads(sop, notices, conf)
    try:
        values = tuple(map(data.get, reads))
        key = (id(sop), values, tuple(map(type, values)))
        hit = _CASE_PARTS.get(key)
    except TypeError:  # an unhashable value (a list, a mapping): built every time
        key, hit = None, None
    if hit is not None and hit[0] is sop:
        return hit[1]
    hidden = conf.hidden(data, None) if conf is not None else frozenset()
    redactor = Redactor(secrets(sop, data))
    about: dict[str, Any] = {}
    for name, field in notices.items():
        value = data.get(field)
        if value is None:
            continue
        about[name] = WITHHELD if field in hidden else redactor.text(str(value))
    part = frozen_dict(about)
    if key is not None:
        if len(_CASE_PARTS) >= _MEMO_MAX:
            _CASE_PARTS.clear()
        _CASE_PARTS[key] = (sop, part)
    return part


def _reads(
    sop: CompiledSop, notices: Mapping[str, str], conf: Confidentiality | None
) -> tuple[str, ...]:
    """The case fields :func:`_case_part` depends on (the entry holds the SOP: its id is not
    reused while the entry lives)."""
    hit = _READS.get(id(sop))
    if hit is not None and hit[0] is sop:
        return hit[1]
    fields = list(notices.values())
    if conf is not None:
        fields += [conf.field, *sorted(conf.identity)]
    reads = tuple(dict.fromkeys(fields))
    if len(_READS) >= _MEMO_MAX:
        _READS.clear()
    _READS[id(sop)] = (sop, reads)
    return reads


_MEMO_MAX = 4096
_CASE_PARTS: dict[
    tuple[int, tuple[Any, ...], tuple[type, ...]], tuple[CompiledSop, FrozenDict]
] = {}
_READS: dict[int, tuple[CompiledSop, tuple[str, ...]]] = {}
_ISO: dict[tuple[datetime, Any], str] = {}
_LABEL_PARTS: dict[tuple[int, str], tuple[ClockSpec, dict[str, Any]]] = {}


def _iso(at: datetime) -> str:
    """``at.isoformat()``, remembered: the items of cases armed on one schedule share their
    instants, and each fired item writes two of them. Keyed by the instant *and* its zone
    (equal instants in two zones are equal datetimes with different texts). Bounded."""
    if type(at) is not datetime:
        return at.isoformat()
    key = (at, at.tzinfo)
    text = _ISO.get(key)
    if text is None:
        text = at.isoformat()
        if len(_ISO) >= _MEMO_MAX:
            _ISO.clear()
        _ISO[key] = text
    return text


_LABELS: dict[int, tuple[Text, FrozenDict]] = {}


def _label(text: Text) -> FrozenDict:
    """``{"id": ..., "en": ...}`` of a label, read-only and built once per label: it goes into
    every notification of its clock, and an already frozen value keeps the message's freezing
    on the fast path. (Keyed by identity; the entry holds the label, so its id is not reused.)"""
    hit = _LABELS.get(id(text))
    if hit is not None and hit[0] is text:
        return hit[1]
    frozen = frozen_dict({"id": text.id, "en": text.en})
    if len(_LABELS) >= 4096:
        _LABELS.clear()
    _LABELS[id(text)] = (text, frozen)
    return frozen


class Sweeper:
    """Fires due timers through the committer (and timed SOP events through the commands)."""

    def __init__(
        self,
        catalog: Catalog,
        committer: Committer,
        commands: Commands,
        clock: Clock,
        late_after: timedelta,
    ) -> None:
        self.catalog = catalog
        self.committer = committer
        self.store = committer.store
        self.commands = commands
        self.clock = clock
        self.late_after = late_after
        self.retry = RetryPolicy()
        """How a failing timer is retried, and after how many failures it is quarantined."""

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Fire every reminder, breach, escalation and expiry due at ``now`` (default: the clock).

        On a durable store with ``commit_many`` the fired items are written in groups of
        :data:`GROUP` per transaction (one fsync per group instead of one per item); each item
        is decided exactly as alone, against the case as the earlier items of its group leave
        it. A group is all or nothing: if its write fails, none of its items is recorded and
        their timers are released for the next sweep, as a single item's would be.
        """
        now = now if now is not None else self.clock.now()
        report = SweepReport()
        group = _Group(self.committer) if self._groups() else None
        for _ in range(_MAX_ROUNDS):  # a round can queue follow-ups due at once
            due = self.store.due_timers(now)
            if not due:
                break
            reminders: Reminders = {}
            for t in due:
                if t.item.kind is ItemKind.REMIND and not t.item.follow_up:
                    reminders.setdefault((t.case_id, t.deadline, t.arming), []).append(t)
            i = 0
            unwritten = 0  # the first timer of ``due`` whose item is not written yet
            stops: tuple[type[BaseException], ...] = (
                VersionConflict,
                LeaseLost,
                *self._transient(),
            )
            try:
                for i, timer in enumerate(due):
                    try:
                        if timer.item.follow_up:
                            if group is not None:
                                group.flush()
                                unwritten = i
                            self._follow_up(timer, now, report)
                        else:
                            self.fire_timer(timer, reminders, now, report, group)
                    except stops:
                        raise  # a lost race or the database itself: the whole sweep stops
                    except Exception as e:  # this timer's own failure: isolate it
                        if not self._isolate(timer, e, now, report):
                            raise
                    if group is not None and len(group.decisions) >= GROUP:
                        group.flush()
                        unwritten = i + 1
                if group is not None:
                    group.flush()
            except BaseException:
                if group is not None:
                    group.drop()
                    i = min(i, unwritten)
                self.store.release(due[i:])
                raise
        return report

    def _groups(self) -> bool:
        """Whether to write fired items in groups: on a store that writes a group in one
        transaction (the in-memory store gains nothing from it)."""
        return (
            getattr(self.store, "commit_many", None) is not None
            and type(self.store) is not MemoryStore
        )

    def _transient(self) -> tuple[type[BaseException], ...]:
        errors: tuple[type[BaseException], ...] = getattr(self.store, "transient_errors", ())
        return errors

    def _isolate(self, timer: Timer, error: Exception, now: datetime, report: SweepReport) -> bool:
        """Record the failure of one timer (retried with backoff, quarantined after
        ``retry.attempts``) so the timers behind it still fire; ``False`` when the store keeps
        no failures (the error is then raised, as before)."""
        fail = getattr(self.store, "fail_timer", None)
        if fail is None:
            return False
        text = error_text(error)
        attempts = fail(timer, text, now, self.retry.retry(now))
        quarantined = attempts >= self.retry.attempts
        report.failed.append(TimerFailure(timer.key, timer.case_id, attempts, text, quarantined))
        _log.warning(
            "timer failed",
            extra={
                "timer": timer.key,
                "case_id": timer.case_id,
                "attempts": attempts,
                "quarantined": quarantined,
                "error": text,
            },
        )
        return True

    def _follow_up(self, timer: Timer, now: datetime, report: SweepReport) -> None:
        """Fire the SOP event an expiry or an escalation level asks for, exactly once.

        The follow-up is its own timer, queued in the same commit as the ``@expire``/
        ``@escalate`` event, and completed in the same commit as the event it fires: a crash in
        between leaves the timer, and the next sweep fires the event (its command id makes a
        repeat harmless).
        """
        case = self.store.get(timer.case_id)
        plan = self.catalog.pinned(case.sop_hash).deadlines
        assert plan is not None
        clock = plan.clock(timer.deadline)
        if timer.item.kind is ItemKind.EXPIRY:
            event, role = clock.expiry_event, clock.expiry_role
        else:
            event, role = clock.levels[timer.item.number - 1].event, SYSTEM_ACTOR.role
        assert event is not None
        try:
            self.commands.fire(
                case.id,
                event,
                Actor(SYSTEM_ACTOR.id, role),
                None,
                command_id=timer.key,
                at=now,
                done=[timer],
            )
            report.fired.append(self.store.history(case.id)[-1])
        except CommandRefused as e:
            report.refused.append((timer, e))
            self.store.discard([timer])

    def fire_timer(
        self,
        timer: Timer,
        reminders: Reminders,
        now: datetime,
        report: SweepReport,
        group: _Group | None = None,
    ) -> None:
        """Record one reminder, breach, escalation level or expiry (and queue its follow-up);
        with ``group``, staged there to be written with the others of its group."""
        case = group.get(timer.case_id) if group is not None else self.store.get(timer.case_id)
        sop = self.catalog.pinned(case.sop_hash)
        plan = sop.deadlines
        d = None
        for x in case.deadlines:
            if x.name == timer.deadline:
                d = x
                break
        item = timer.item
        text = str(item)
        if (
            plan is None
            or d is None
            or d.arming != timer.arming
            or d.status != "running"
            or text in d.fired
        ):
            report.skipped += 1  # stale (met, paused, re-armed) or already fired
            self.store.discard([timer])
            return
        clock = plan.clock(d.name)
        fired = [text]
        done = [timer]
        kind = item.kind
        if kind is ItemKind.REMIND:
            together = reminders[(timer.case_id, timer.deadline, timer.arming)]
            if together[-1] is not timer:
                report.coalesced += 1  # a later reminder of the same arming is due too; it
                return  # takes this one's key along (``done``) when it fires
            fired += [f"remind:{k}" for k in range(item.number) if f"remind:{k}" not in d.fired]
            done += together[:-1]
        level = item.number if kind is ItemKind.LEVEL else d.level
        new_deadline = with_fired(d, fired, level)
        new = Case(
            case.id,
            case.sop_id,
            case.sop_hash,
            case.state,
            case.data,
            case.version + 1,
            tuple(new_deadline if x.name == d.name else x for x in case.deadlines),
            case.declarations,
            case.sealed,  # what a durable store keeps sealed: the sweep changes no data
        )
        payload: dict[str, object] = {
            "deadline": d.name,
            "arming": d.arming,
            "item": text,
            "due_at": _iso(d.due_at or timer.at),
            "scheduled_at": _iso(timer.at),
            "late": now - timer.at > self.late_after,
        }
        if len(fired) > 1:
            payload["coalesced"] = fired[1:]
        if kind is ItemKind.LEVEL:
            payload["level"] = level
        frozen = frozen_dict(payload)  # once, shared by the event and the notification
        event = audit(case, new, at=now, actor=SYSTEM_ACTOR, event=kind.audit_event, payload=frozen)
        notes = []
        recipients = clock.recipients(item)
        if recipients:
            # every value is frozen already (``frozen``'s and the about's): the fast path
            message = frozen_dict({**frozen, **_about(sop, case, clock, item)})
            notes.append(
                Notification(timer.key, case.id, _NOTIFICATION_KIND[kind], recipients, message, now)
            )
        then = []
        follows = (kind is ItemKind.EXPIRY and clock.expiry_event is not None) or (
            kind is ItemKind.LEVEL and clock.levels[level - 1].event is not None
        )
        if follows:
            then.append(Timer(now, case.id, d.name, d.arming, item.then()))
        decision = Decision(case=new, event=event, timers=then, notifications=notes, done=done)
        if group is not None:
            group.stage(decision)
        else:
            self.committer.commit(decision)
        report.fired.append(event)


GROUP = 256
"""Fired items written per transaction by a sweep on a durable store."""


class _Group:
    """Decisions of one sweep waiting to be written together, and the cases as they leave
    them (so a second item of the same case is decided on top of the first)."""

    __slots__ = ("cases", "committer", "decisions")

    def __init__(self, committer: Committer) -> None:
        self.committer = committer
        self.decisions: list[Decision] = []
        self.cases: dict[str, Case] = {}

    def get(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        return case if case is not None else self.committer.store.get(case_id)

    def stage(self, decision: Decision) -> None:
        self.decisions.append(decision)
        self.cases[decision.case.id] = decision.case

    def flush(self) -> None:
        """Write the staged decisions in one store call (all or nothing)."""
        if self.decisions:
            try:
                self.committer.commit_many(self.decisions)
            finally:
                self.drop()

    def drop(self) -> None:
        self.decisions = []
        self.cases = {}
