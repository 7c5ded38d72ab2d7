"""The one place a decided change is written and announced.

:meth:`Committer.commit` turns any :class:`~sop_engine._runtime.decision.Decision` into exactly one
store call (the snapshot, its audit event, timers, outbox messages, the command record, completed
timers: all or nothing), then tells the event listeners. :meth:`Committer.recall` is the one
idempotency check: a command sent again with its command id returns what it produced the first
time; the same id with another command is refused.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from sop_engine._core.errors import CommandIdReused
from sop_engine._core.records import SEALED_ACTOR, Actor, AuditEvent, Case
from sop_engine._core.redaction import Redactor
from sop_engine._persistence.store import Staged, Store
from sop_engine._runtime.decision import Decision, Write
from sop_engine._spec.extensions import ListenerFailure, ListenerFn

__all__ = ["Committer"]

_log = logging.getLogger("sop_engine.engine")


class Committer:
    """Writes decisions to one store and publishes them to the listeners."""

    def __init__(self, store: Store, listeners: tuple[tuple[str, ListenerFn], ...] = ()) -> None:
        self.store = store
        self.listeners = listeners
        self.failures: deque[ListenerFailure] = deque(maxlen=1000)
        """The latest failures of event listeners (also logged to ``sop_engine.engine``)."""

    def listen(self, name: str, listener: ListenerFn) -> None:
        self.listeners = (*self.listeners, (name, listener))

    def recall(
        self,
        command_id: str | None,
        case_id: str | None,
        event: str,
        actor: Actor,
        args: Mapping[str, Any],
    ) -> Case | None:
        """The case a command with this id already produced, if it is the same command.

        ``case_id`` ``None`` means "whichever case it opened" (a start without a chosen id).
        Raises :class:`CommandIdReused` when the id was used for a different command.
        """
        if command_id is None:
            return None
        prior = self.store.recall(command_id)
        if prior is None:
            return None
        if prior.same_command(prior.case_id if case_id is None else case_id, event, actor, args):
            return prior.result
        raise CommandIdReused(command_id)

    def settle(
        self,
        error: Exception,
        command_id: str | None,
        case_id: str | None,
        event: str,
        actor: Actor,
        args: Mapping[str, Any],
    ) -> Case:
        """The answer to a command with an id that failed: what a concurrent call with the same
        id committed meanwhile, else ``error`` raised again.

        Two calls sent with one command id at the same moment both find no record; the one
        that commits second fails (:class:`~sop_engine.errors.CommandIdTaken`, a
        :class:`~sop_engine.errors.VersionConflict`, or a refusal decided on the case the first
        one moved on, such as :class:`~sop_engine.errors.EventNotAllowed`). The record and the
        case are written in one transaction, so once the case has moved the record is visible:
        asked again, it gives the second caller the first one's result, as a retry later
        would get. A different command under that id is :class:`CommandIdReused`.
        """
        if command_id is None:
            raise error
        prior = self.recall(command_id, case_id, event, actor, args)
        if prior is None:
            raise error
        return prior

    def commit(self, decision: Decision) -> Case:
        """Write ``decision`` in one store call, publish it, and return the new snapshot.

        When the decision records a refused attempt, its error is raised after the write.
        """
        d = decision
        store = self.store
        if d.write is Write.COMMIT:
            store.commit(d.case, d.event, d.command, d.timers, d.notifications, d.done)
        elif d.write is Write.INSERT:
            store.insert(d.case, d.event, d.command, d.timers, d.notifications)
        else:
            store.erase(d.case, d.event)
        if self.listeners:
            self.publish(d.case, d.event)
        if d.refusal is not None:
            raise d.refusal
        return d.case

    def commit_many(self, decisions: Sequence[Decision]) -> None:
        """Write many decisions in one store call (``commit_many``), all or nothing, then
        publish each. Refusals they carry are not raised (the caller reports them).

        A store without ``commit_many`` gets one transaction per decision, in order.
        """
        if not decisions:
            return
        store = self.store
        many = getattr(store, "commit_many", None)
        if many is not None:
            many(
                [
                    Staged(
                        d.case,
                        d.event,
                        d.command,
                        d.timers,
                        d.notifications,
                        d.done,
                        d.write is Write.INSERT,
                    )
                    for d in decisions
                ]
            )
        else:
            for d in decisions:
                if d.write is Write.INSERT:
                    store.insert(d.case, d.event, d.command, d.timers, d.notifications)
                else:
                    store.commit(d.case, d.event, d.command, d.timers, d.notifications, d.done)
        if self.listeners:
            for d in decisions:
                self.publish(d.case, d.event)

    def publish(self, case: Case, event: AuditEvent) -> None:
        """Tell the listeners about an event the store has committed.

        A listener that raises is isolated: the commit stands, the other listeners still run,
        and the failure is logged and kept in :attr:`failures`.
        """
        for name, listener in self.listeners:
            try:
                listener(case, event)
            except Exception as e:  # an observer's bug must never undo or fail the command
                # a plugin's message may quote the reporter: redacted before it is kept or logged
                kind = _redacted_error(e, case, event)
                self.failures.append(ListenerFailure(name, case.id, event.seq, kind))
                _log.error(
                    "event listener %r failed on case %r (event %d %r): %s",
                    name,
                    case.id,
                    event.seq,
                    str(event.event),
                    kind,
                )


def _redacted_error(e: Exception, case: Case, event: AuditEvent) -> str:
    """``repr(e)`` with the event's personal values and any NIK, phone, e-mail or plate withheld."""
    identities = {str(event.payload[k]) for k in event.personal if k in event.payload}
    # the case's sealed values too (identity, free text): a listener of a later event may
    # quote the reporter named at intake
    identities |= {str(v) for k, v in case.data.items() if k in case.sealed or k in event.personal}
    if SEALED_ACTOR in event.personal:
        identities.add(event.actor.id)
    return Redactor(identities).text(f"{type(e).__name__}({str(e)!r})")
