"""Where cases and their audit trails live: a narrow protocol and the in-memory store.

The protocol is deliberately small so a durable store (SQLite, PostgreSQL) can implement it with
one transaction per call: :meth:`Store.insert` and :meth:`Store.commit` each write a case snapshot,
its audit event and (optionally) the command record *together or not at all*, and ``commit``
refuses a case whose version does not follow the stored one. Events can only be appended; the
protocol offers no way to change or delete one.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from sop_engine._core.errors import CaseNotFound, CommandIdTaken, VersionConflict
from sop_engine._core.frozen import freeze_mapping
from sop_engine._core.records import (
    ERASED,
    SEALED_ACTOR,
    Actor,
    ArmedTimers,
    AuditEvent,
    Case,
    Notification,
    Schedule,
    Timer,
)
from sop_engine._persistence.deadletter import DeadLetter, QueueStatus, Retry
from sop_engine._persistence.queries import CaseQuery, CaseRow, matches, page, row_of

__all__ = ["CommandRecord", "MemoryStore", "Staged", "Store"]


@attrs.frozen(slots=True)
class CommandRecord:
    """A processed command: what was asked (to recognise a retry) and the case it produced."""

    command_id: str
    case_id: str
    event: str
    actor: Actor
    payload: Mapping[str, Any] = attrs.field(converter=freeze_mapping)
    result: Case

    def same_command(
        self, case_id: str, event: str, actor: Actor, payload: Mapping[str, Any]
    ) -> bool:
        return (self.case_id, self.event, self.actor, dict(self.payload)) == (
            case_id,
            event,
            actor,
            dict(payload),
        )


@attrs.frozen(slots=True)
class Staged:
    """One decided write of a group commit (:meth:`MemoryStore.commit_many`): what
    :meth:`Store.insert` (``new``) or :meth:`Store.commit` would write for one command."""

    case: Case
    event: AuditEvent
    command: CommandRecord | None = None
    timers: Sequence[Timer] = ()
    notifications: Sequence[Notification] = ()
    done: Sequence[Timer] = ()
    new: bool = False


@runtime_checkable
class Store(Protocol):
    """Persistence of cases, their audit events and processed command ids.

    Optional, but recommended for any store that outlives the process (the engine looks them
    up with ``getattr`` and works without them):

    - ``save_sop(sop_hash, sop_id, version, source, agency="") -> None`` keeps the text of an
      SOP version by content hash; ``sop_source(sop_hash) -> str | None`` gives it back. Without
      them a case pinned to an older version cannot be continued or replayed after a restart.
    - ``save_calendar(sop_hash, doc) -> None`` keeps the working calendar an SOP version has
      adopted (``doc`` is :func:`~sop_engine._core.calendar.calendar_to_doc`'s JSON-native
      mapping; the latest saved for a hash wins); ``calendar_doc(sop_hash) -> dict | None``
      gives the latest back (a copy). Without them an adopted calendar lasts as long as the
      process, and another worker counts deadlines in the SOP's declared calendar. The
      catalogue also saves (pins) the calendar an SOP version first counts with, so a replay
      never depends on the data the installed package ships (issue 18).
    - ``recorded_calendar(sop_hash) -> str | None``: a calendar version the deadlines of a case
      of that version record. Only a store that may predate pinning needs it: the catalogue
      then pins the rebuild of the calendar whose version the cases record.
    - ``commit_many(writes: Sequence[Staged]) -> None`` writes many inserts and commits in one
      transaction (one fsync), all or nothing, each checked exactly as ``insert``/``commit``
      check it (a later write may build on an earlier one: the same case twice, an insert then
      its commits). Without it a group commit (:meth:`~sop_engine.Engine.submit`) writes one
      transaction per command, with the same per-command guarantees, at the usual speed.

    - ``query_cases(query: CaseQuery) -> list[CaseRow]`` and ``count_cases(query) -> int``
      answer the case queries (:mod:`~sop_engine._persistence.queries`) from an index; without
      them the engine scans ``case_ids()`` and ``get()``.

    :class:`sop_engine.testing.stores.StoreContract` checks every promise, the optional
    methods included when a store has them.
    """

    def get(self, case_id: str) -> Case:
        """The current snapshot; raises :class:`~sop_engine.errors.CaseNotFound`."""
        ...

    def insert(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
    ) -> None:
        """Store a new case (version 1) with its first audit event and timers, atomically.

        Raises :class:`~sop_engine.errors.VersionConflict` when the case id is taken, and its
        subclass :class:`~sop_engine.errors.CommandIdTaken` when ``command``'s id is (a
        concurrent call with that id committed first); nothing is written then.
        """
        ...

    def commit(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
        done: Iterable[Timer] = (),
    ) -> None:
        """Replace the snapshot with ``case``, append ``event``, add timers and outbox items.

        ``done`` are claimed timers this commit completes: they are removed in the same
        transaction, and the commit is refused (:class:`~sop_engine.errors.LeaseLost`) when
        another sweeper has claimed one since (the fence). All or nothing. Raises
        :class:`~sop_engine.errors.VersionConflict` unless the stored version is exactly
        ``case.version - 1``, and :class:`~sop_engine.errors.CommandIdTaken` when ``command``'s
        id is already recorded.
        """
        ...

    def due_timers(self, now: datetime) -> list[Timer]:
        """Timers due at ``now``, earliest first, taken from an index ordered by instant.

        A timer may be stale (its deadline was met or re-armed since): the engine checks it
        against the case before acting, so handing one out twice is harmless.
        """
        ...

    def release(self, timers: Iterable[Timer]) -> None:
        """Give back timers taken by :meth:`due_timers` that could not be handled now."""
        ...

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit ``case`` (personal fields already set to ``ERASED``) with its ``@erase``
        event, and erase the personal values from the trail and the command records."""
        ...

    def discard(self, timers: Iterable[Timer]) -> None:
        """Drop claimed timers that turned out stale (their deadline was met or re-armed)."""
        ...

    def outbox(self) -> Sequence[Notification]:
        """Every notification written so far, in order."""
        ...

    def pending_notifications(self, limit: int, now: datetime | None = None) -> list[Notification]:
        """Notifications not yet marked delivered nor quarantined, those tried least first,
        then oldest first; with ``now``, only those whose retry time has come."""
        ...

    def mark_delivered(self, keys: Iterable[str], at: datetime) -> None:
        """Record that these notifications were delivered (a second mark changes nothing)."""
        ...

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        """The case's audit events in order (``seq`` 1, 2, ...).

        An event's ``personal`` keys come back in sorted order, whatever order they were
        written in (they are a set of payload keys).
        """
        ...

    def recall(self, command_id: str) -> CommandRecord | None:
        """The record of an already processed command, if any."""
        ...

    def case_ids(self) -> Iterator[str]:
        """Ids of all cases, in creation order."""
        ...


def _canonical(event: AuditEvent) -> AuditEvent:
    """The event with its personal keys in sorted order, as every store gives them back.

    They are a set: the engine lists them in payload order, which a durable store's canonical
    JSON does not keep (its payload keys are sorted), so a replay lists them in another order.
    """
    if len(event.personal) < 2 or list(event.personal) == sorted(event.personal):
        return event
    return attrs.evolve(event, personal=tuple(sorted(event.personal)))


class _Wave:
    """The pending rest of one schedule, shared by every case armed on it: one heap entry.

    Every case whose clock ``deadline`` was armed (``arming``) at the same due instant on the
    same calendar shares one :data:`~sop_engine._core.records.Schedule` (the schedules are
    remembered per due instant), so its pending items come due together. A wave holds the ids
    of those cases and the index (``next``) of the item its heap entry stands for; the timers
    are built when they come due. An open case costs one slot in a wave's list (and its entry
    in the by-case index) instead of a run object, a natural key and a heap entry of its own.
    """

    __slots__ = ("arming", "cases", "deadline", "next", "schedule")

    def __init__(self, deadline: str, arming: int, schedule: Schedule) -> None:
        self.deadline = deadline
        self.arming = arming
        self.schedule = schedule
        self.next = 0
        self.cases: list[str] = []

    def pending(self, item: object) -> bool:
        """Whether ``item`` is still to come in this wave."""
        return any(i == item for _, i in self.schedule[self.next :])


def _listed(trail: AuditEvent | list[AuditEvent]) -> tuple[AuditEvent, ...]:
    """A trail as the tuple :meth:`MemoryStore.history` gives (see ``MemoryStore._events``)."""
    return tuple(trail) if type(trail) is list else (trail,)  # type: ignore[return-value]


def _instant_and_key(entry: tuple[datetime, str, Timer]) -> tuple[datetime, str]:
    return entry[0], entry[1]


def _waves(held: _Wave | tuple[_Wave, ...]) -> tuple[_Wave, ...]:
    return (held,) if isinstance(held, _Wave) else held


class MemoryStore:
    """Everything in dictionaries: for tests, simulations and the benchmark.

    Single-threaded by design: an engine on a memory store is used by one thread at a time.
    Timers arriving as :class:`ArmedTimers` are kept in waves: the cases armed on one shared
    schedule wait in one list behind one heap entry (their timers are built when they come
    due); any other timer, and every timer when an overlap with a pending one or a quarantined
    one is possible, is kept one by one in a second heap. Either way :meth:`due_timers` hands
    timers out in (instant, key) order and each key at most once while pending.
    """

    __slots__ = (
        "_calendars",
        "_cases",
        "_claimed",
        "_commands",
        "_dead",
        "_delivered",
        "_events",
        "_failures",
        "_joining",
        "_outbox",
        "_outbox_keys",
        "_runs",
        "_seq",
        "_timer_keys",
        "_timers",
        "_wheel",
    )

    def __init__(self) -> None:
        self._cases: dict[str, Case] = {}
        # each case's trail: its one event while it has only one (most open cases: the
        # opening), a list from the second on (no list per freshly opened case)
        self._events: dict[str, AuditEvent | list[AuditEvent]] = {}
        self._commands: dict[str, CommandRecord] = {}
        # a heap of (instant, key, timer) kept one by one: plain tuples compare fast, keys
        # are unique
        self._timers: list[tuple[datetime, str, Timer]] = []
        self._timer_keys: set[str] = set()  # keys of the timers pending one by one
        # a heap of (instant, sequence number, wave): one entry per shared schedule position
        self._wheel: list[tuple[datetime, int, _Wave]] = []
        self._seq = 0
        # the waves new armings join, by (schedule identity, deadline, arming): those whose
        # first item has not come due yet (each holds its schedule, so the id is not reused)
        self._joining: dict[tuple[int, str, int], _Wave] = {}
        # pending waves by case (one, or a tuple when several clocks of a case run): keyed by
        # the case id the case record already holds, so an open case costs no extra key
        self._runs: dict[str, _Wave | tuple[_Wave, ...]] = {}
        self._claimed: dict[str, Timer] = {}
        self._delivered: dict[str, datetime] = {}
        self._outbox: list[Notification] = []
        self._outbox_keys: set[str] = set()
        self._calendars: dict[str, list[str]] = {}  # every adoption, as JSON text, in order
        # failures by key (timers and notifications): attempts, retry instant, error
        self._failures: dict[str, tuple[int, datetime | None, str]] = {}
        self._dead: dict[str, tuple[DeadLetter, Timer | None]] = {}  # quarantined, by key

    def get(self, case_id: str) -> Case:
        try:
            return self._cases[case_id]
        except KeyError:
            raise CaseNotFound(case_id) from None

    def insert(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
    ) -> None:
        if case.id in self._cases:
            raise VersionConflict(case.id, 0, self._cases[case.id].version)
        self._check_command(command, case)
        self._cases[case.id] = case
        self._events[case.id] = _canonical(event)
        if command is not None:
            self._commands[command.command_id] = command
        self._add(timers, notifications)

    def commit(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
        done: Iterable[Timer] = (),
    ) -> None:
        current = self._cases.get(case.id)
        if current is None:
            raise CaseNotFound(case.id)
        if current.version != case.version - 1:
            raise VersionConflict(case.id, case.version - 1, current.version)
        self._check_command(command, case)
        self._cases[case.id] = case
        added = _canonical(event) if len(event.personal) > 1 else event
        trail = self._events[case.id]
        if type(trail) is list:
            trail.append(added)
        else:
            self._events[case.id] = [trail, added]  # type: ignore[list-item]
        if command is not None:
            self._commands[command.command_id] = command
        if timers or notifications:
            self._add(timers, notifications)
        for t in done:
            self._claimed.pop(t.key, None)

    def commit_many(self, writes: Sequence[Staged]) -> None:
        """Every write, or none: all are checked against the versions (as the earlier writes
        of the group leave them) before the first is applied."""
        versions: dict[str, int] = {}
        commands: set[str] = set()
        for w in writes:
            cid = w.case.id
            current = versions.get(cid)
            if current is None:
                stored = self._cases.get(cid)
                current = 0 if stored is None else stored.version
            if w.new and current != 0:
                raise VersionConflict(cid, 0, current)
            if not w.new:
                if current == 0:
                    raise CaseNotFound(cid)
                if current != w.case.version - 1:
                    raise VersionConflict(cid, w.case.version - 1, current)
            versions[cid] = w.case.version
            if w.command is not None:
                if w.command.command_id in commands:
                    raise CommandIdTaken(w.command.command_id, cid)
                self._check_command(w.command, w.case)
                commands.add(w.command.command_id)
        for w in writes:
            if w.new:
                self.insert(w.case, w.event, w.command, w.timers, w.notifications)
            else:
                self.commit(w.case, w.event, w.command, w.timers, w.notifications, w.done)

    def _check_command(self, command: CommandRecord | None, case: Case) -> None:
        """Refuse a command record whose id is taken, as the durable stores' key does."""
        if command is not None and command.command_id in self._commands:
            raise CommandIdTaken(command.command_id, case.id)

    def _add(self, timers: Iterable[Timer], notifications: Iterable[Notification]) -> None:
        if type(timers) is ArmedTimers and not self._timer_keys and not self._dead:
            self._add_runs(timers)
        else:
            keys = self._timer_keys
            runs = self._runs
            for t in timers:  # the natural key makes a second copy of a timer impossible
                key = t.key
                if key not in keys and key not in self._dead:
                    if runs and self._in_run(t):
                        continue
                    keys.add(key)
                    heapq.heappush(self._timers, (t.at, key, t))
        for n in notifications:  # and of a notification
            if n.key not in self._outbox_keys:
                self._outbox_keys.add(n.key)
                self._outbox.append(n)

    def _add_runs(self, timers: ArmedTimers) -> None:
        """Each arming joins the wave of its schedule (nothing else is pending one by one,
        nothing is quarantined: no key of these can be pending or dead already, unless its
        wave holds it)."""
        runs, joining = self._runs, self._joining
        for case_id, deadline, arming, schedule in timers.runs:
            if not schedule:
                continue
            held = runs.get(case_id)
            if held is not None and any(
                w.deadline == deadline and w.arming == arming for w in _waves(held)
            ):
                # the same arming again: one by one, deduplicated by key
                self._add(list(ArmedTimers(((case_id, deadline, arming, schedule),))), ())
                continue
            slot = (id(schedule), deadline, arming)
            wave = joining.get(slot)
            if wave is None:
                wave = joining[slot] = _Wave(deadline, arming, schedule)
                self._seq += 1
                heapq.heappush(self._wheel, (schedule[0][0], self._seq, wave))
            wave.cases.append(case_id)
            runs[case_id] = wave if held is None else (*_waves(held), wave)

    def _run_of(self, case_id: str, deadline: str, arming: int) -> _Wave | None:
        held = self._runs.get(case_id)
        if held is None:
            return None
        return next(
            (w for w in _waves(held) if w.deadline == deadline and w.arming == arming), None
        )

    def _drop_wave(self, wave: _Wave) -> None:
        """Forget a wave whose last item came due, for each of its cases."""
        runs = self._runs
        for case_id in wave.cases:
            held = runs[case_id]
            if held is wave:
                del runs[case_id]
                continue
            rest = tuple(w for w in _waves(held) if w is not wave)
            runs[case_id] = rest[0] if len(rest) == 1 else rest

    def _in_run(self, t: Timer) -> bool:
        """Whether ``t`` is still pending in its arming's wave."""
        wave = self._run_of(t.case_id, t.deadline, t.arming)
        return wave is not None and wave.pending(t.item)

    def due_timers(self, now: datetime) -> list[Timer]:
        due: list[tuple[datetime, str, Timer]] = []
        heap = self._timers
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            self._timer_keys.discard(entry[1])
            due.append(entry)
        wheel = self._wheel
        while wheel and wheel[0][0] <= now:
            at, _, wave = heapq.heappop(wheel)
            if wave.next == 0:
                self._joining.pop((id(wave.schedule), wave.deadline, wave.arming), None)
            item = wave.schedule[wave.next][1]
            name, arming = wave.deadline, wave.arming
            for case_id in wave.cases:
                t = Timer(at, case_id, name, arming, item)
                due.append((at, t.key, t))
            wave.next += 1
            if wave.next < len(wave.schedule):
                self._seq += 1
                heapq.heappush(wheel, (wave.schedule[wave.next][0], self._seq, wave))
            else:
                self._drop_wave(wave)
        due.sort(key=_instant_and_key)  # the (instant, key) order of one heap of timers
        claimed = self._claimed
        out = []
        for _, key, t in due:
            claimed[key] = t
            out.append(t)
        return out

    def _pending(self) -> Iterator[tuple[datetime, str, Timer]]:
        """Every pending timer, built (for the queue's counts)."""
        yield from self._timers
        for _, _, wave in self._wheel:
            for at, item in wave.schedule[wave.next :]:
                for case_id in wave.cases:
                    t = Timer(at, case_id, wave.deadline, wave.arming, item)
                    yield at, t.key, t

    def next_timer_at(self) -> datetime | None:
        """The due instant of the earliest pending timer, or ``None`` when there is none.

        A lower bound: a timer whose case has moved on stays pending until a sweep finds it
        stale. The simulator uses it to skip sweeps that would find nothing due.
        """
        first = [h[0][0] for h in (self._timers, self._wheel) if h]
        return min(first) if first else None

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit the erased case and its ``@erase`` event; replace the values everywhere.

        The memory store keeps no ciphertext (it holds the values only in this process); it
        erases what the durable stores crypto-shred: every personal payload value, the
        reporter's actor ids (events listing ``SEALED_ACTOR``) and their copies in command
        records, so a case reads the same after erasure on every store.
        """
        self.commit(case, event, None)
        erased = {k for k, v in case.data.items() if v == ERASED}
        trail = self._events[case.id]
        assert type(trail) is list  # the commit above made it the second event at least
        reporters = {e.actor.id for e in trail if SEALED_ACTOR in e.personal}
        for i, e in enumerate(trail):
            if e.personal:
                payload = {k: ERASED if k in e.personal else v for k, v in e.payload.items()}
                actor = attrs.evolve(e.actor, id=ERASED) if SEALED_ACTOR in e.personal else e.actor
                trail[i] = attrs.evolve(e, payload=payload, actor=actor)
        for cid, rec in list(self._commands.items()):
            if rec.case_id == case.id:
                self._commands[cid] = attrs.evolve(
                    rec,
                    actor=(
                        attrs.evolve(rec.actor, id=ERASED)
                        if rec.actor.id in reporters
                        else rec.actor
                    ),
                    payload={k: ERASED if k in erased else v for k, v in rec.payload.items()},
                    result=attrs.evolve(
                        rec.result,
                        data={k: ERASED if k in erased else v for k, v in rec.result.data.items()},
                    ),
                )

    def release(self, timers: Iterable[Timer]) -> None:
        self._add([t for t in timers if self._claimed.pop(t.key, None) is not None], ())

    def discard(self, timers: Iterable[Timer]) -> None:
        for t in timers:
            self._claimed.pop(t.key, None)

    def outbox(self) -> Sequence[Notification]:
        return tuple(self._outbox)

    def pending_notifications(self, limit: int, now: datetime | None = None) -> list[Notification]:
        out = []
        for n in self._outbox:
            if n.key in self._delivered or n.key in self._dead:
                continue
            attempts, at, _ = self._failures.get(n.key, (0, None, ""))
            if now is None or at is None or at <= now:
                out.append((attempts, n))
        out.sort(key=lambda x: x[0])  # stable: oldest first among equally tried
        return [n for _, n in out[:limit]]

    # -- failures (see _persistence/deadletter.py) --------------------------------------------

    def fail_timer(self, timer: Timer, error: str, at: datetime, retry: Retry) -> int:
        """Record a failure of a claimed timer: retry it later, or quarantine it."""
        if self._claimed.pop(timer.key, None) is None:
            return 0  # not ours (any more)
        attempts, when = self._fail(timer.key, timer.case_id, "timer", error, at, retry, timer)
        if when is not None:
            self._timer_keys.add(timer.key)
            heapq.heappush(self._timers, (max(timer.at, when), timer.key, timer))
        return attempts

    def fail_notification(self, key: str, error: str, at: datetime, retry: Retry) -> int:
        """Record a failed delivery: retry it later, or quarantine it."""
        n = next((n for n in self._outbox if n.key == key), None)
        if n is None or key in self._delivered or key in self._dead:
            return 0
        return self._fail(key, n.case_id, "notification", error, at, retry, None)[0]

    def _fail(
        self,
        key: str,
        case_id: str,
        kind: Literal["timer", "notification"],
        error: str,
        at: datetime,
        retry: Retry,
        timer: Timer | None,
    ) -> tuple[int, datetime | None]:
        attempts = self._failures.get(key, (0, None, ""))[0] + 1
        when = retry(attempts)
        self._failures[key] = (attempts, when, error)
        if when is None:
            self._dead[key] = (DeadLetter(kind, key, case_id, attempts, error, at), timer)
        return attempts, when

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Quarantined timers and notifications, in the order they were quarantined."""
        return [letter for letter, _ in list(self._dead.values())[:limit]]

    def requeue(self, keys: Iterable[str]) -> int:
        """Put quarantined rows back in the queue with a fresh attempt count."""
        n = 0
        for key in keys:
            found = self._dead.pop(key, None)
            if found is None:
                continue
            self._failures.pop(key, None)
            if found[1] is not None:
                self._add([found[1]], ())
            n += 1
        return n

    def queue_status(self, now: datetime) -> QueueStatus:
        """Counts of due, retrying and quarantined timers and notifications."""
        waiting = list(self._pending())
        due = [t for at, _, t in waiting if at <= now]
        retrying = {k for k, (_, at, _) in self._failures.items() if at is not None}
        pending = [n for n in self._outbox if n.key not in self._delivered | self._dead.keys()]
        dead = [d for d, _ in self._dead.values()]
        return QueueStatus(
            due_timers=len(due),
            retrying_timers=sum(1 for _, k, _ in waiting if k in retrying),
            dead_timers=sum(1 for d in dead if d.kind == "timer"),
            pending_notifications=len(pending),
            retrying_notifications=sum(1 for n in pending if n.key in retrying),
            dead_notifications=sum(1 for d in dead if d.kind == "notification"),
            oldest_due=min((t.at for t in due), default=None),
            oldest_pending=min((n.created_at for n in pending), default=None),
        )

    def mark_delivered(self, keys: Iterable[str], at: datetime) -> None:
        for k in keys:
            self._delivered.setdefault(k, at)

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        try:
            return _listed(self._events[case_id])
        except KeyError:
            raise CaseNotFound(case_id) from None

    def recall(self, command_id: str) -> CommandRecord | None:
        return self._commands.get(command_id)

    def case_ids(self) -> Iterator[str]:
        return iter(list(self._cases))

    def query_cases(self, query: CaseQuery) -> list[CaseRow]:
        """One page of the cases matching ``query`` (a scan: the memory store is for tests and
        simulations; the SQL stores answer from an index)."""
        return page(query, self._matching(query))

    def sop_hashes(self) -> list[str]:
        """The SOP versions cases are pinned to."""
        return sorted({c.sop_hash for c in self._cases.values()})

    def count_cases(self, query: CaseQuery) -> int:
        """How many cases match ``query`` (paging ignored)."""
        return len(self._matching(query))

    def _matching(self, query: CaseQuery) -> list[tuple[int, CaseRow]]:
        out = []
        for i, case in enumerate(self._cases.values()):
            row = row_of(case)
            trail = _listed(self._events[case.id])
            if matches(query, row, lambda trail=trail: trail):  # type: ignore[misc]
                out.append((i, row))
        return out

    def save_calendar(self, sop_hash: str, doc: Mapping[str, Any]) -> None:
        """Keep the calendar ``sop_hash`` adopted (the latest wins; earlier ones stay listed)."""
        self._calendars.setdefault(sop_hash, []).append(json.dumps(doc))

    def calendar_doc(self, sop_hash: str) -> dict[str, Any] | None:
        """The calendar ``sop_hash`` adopted last, as a fresh copy, if any."""
        saved = self._calendars.get(sop_hash)
        return None if not saved else dict(json.loads(saved[-1]))
