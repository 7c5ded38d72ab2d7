"""Oversight writes: declarations of interest and revealing an anonymous reporter's identity.

These are operations around the code of ethics that are not transitions of the SOP. Each is an
audit event in the case's chain (written by the committer like every other change, so listeners
see it), so the trail shows who declared or revealed what, and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sop_engine._core.clock import Clock
from sop_engine._core.errors import InvalidEventData, RevealRefused, RoleNotPermitted
from sop_engine._core.i18n import Msg
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import Actor, Case, Declaration
from sop_engine._runtime.catalog import Catalog
from sop_engine._runtime.committer import Committer
from sop_engine._runtime.decision import Decision, audit

__all__ = ["REVEAL_EVENT", "Oversight"]

REVEAL_EVENT = SystemEvent.REVEAL
"""The audit event recording that an anonymous reporter's identity was revealed, and why."""


class Oversight:
    """Declare (no) conflict of interest; reveal an identity under four eyes."""

    def __init__(self, catalog: Catalog, committer: Committer, clock: Clock) -> None:
        self.catalog = catalog
        self.committer = committer
        self.store = committer.store
        self.clock = clock

    def _append(
        self,
        case: Case,
        actor: Actor,
        event: SystemEvent,
        payload: Mapping[str, Any],
        new: Case,
        sealed: tuple[str, ...] = (),
    ) -> Case:
        """Commit an audit-only event: the case keeps its state and data, its version goes up.

        ``sealed`` are payload keys holding an official's free text about the case: sealed
        under the case's key like the case's own text, and erased with it.
        """
        new = attrs.evolve(new, version=case.version + 1)
        record = audit(
            case,
            new,
            at=self.clock.now(),
            actor=actor,
            event=event,
            payload=payload,
            personal=tuple(sorted(k for k in sealed if payload.get(k))),
        )
        return self.committer.commit(Decision(case=new, event=record))

    def declare(
        self, case_id: str, actor: Actor, *, conflict: bool, relation: str, note: str
    ) -> Case:
        if conflict and not relation.strip():
            raise InvalidEventData(
                case_id=case_id,
                state="",
                event=SystemEvent.DECLARE,
                problems=[
                    Msg("a declared conflict must name the relation (e.g. 'saudara kandung')")
                ],
            )
        case = self.store.get(case_id)
        payload = {"conflict": conflict, "relation": relation.strip(), "note": note.strip()}
        declared = Declaration(actor.id, conflict, relation.strip())
        new = attrs.evolve(case, declarations=(*case.declarations, declared))
        # the note is the official's free text (it may say how he knows the reporter)
        return self._append(case, actor, SystemEvent.DECLARE, payload, new, ("note",))

    def _reveal_plan(self, case: Case, actor: Actor, event: SystemEvent, roles: str) -> Any:
        """The case's confidentiality settings; refuses an actor outside ``roles`` of them."""
        plan = self.catalog.pinned(case.sop_hash).ethics
        conf = plan.confidentiality if plan is not None else None
        allowed: frozenset[str] = getattr(conf, roles) if conf is not None else frozenset()
        if conf is None or actor.role not in allowed:
            raise RoleNotPermitted(
                case_id=case.id,
                state=case.state,
                event=event,
                role=actor.role,
                allowed=sorted(allowed),
            )
        return conf

    def request_reveal(
        self, case_id: str, actor: Actor, reason: str, fields: Sequence[str] | None
    ) -> int:
        """Ask to see an anonymous reporter's identity: the number of the request.

        Nothing is shown yet: a second person of another role approves (:meth:`approve_reveal`),
        then the requester reads the fields once (:meth:`reveal`). The reason is an official's
        free text about the reporter: sealed like the case's own text, erased with it.
        """
        case = self.store.get(case_id)
        conf = self._reveal_plan(case, actor, SystemEvent.REVEAL_REQUEST, "reveal")
        wanted = sorted(conf.identity if fields is None else set(fields))
        problems = [
            Msg("{field!r} is not an identity field", field=f)
            for f in wanted
            if f not in conf.identity
        ]
        if not reason.strip():
            problems.append(Msg("a reason is required to reveal an identity"))
        if problems:
            raise InvalidEventData(
                case_id=case_id,
                state=case.state,
                event=SystemEvent.REVEAL_REQUEST,
                problems=problems,
            )
        payload = {"fields": wanted, "reason": reason.strip()}
        done = self._append(case, actor, SystemEvent.REVEAL_REQUEST, payload, case, ("reason",))
        return done.version

    def _request(self, case: Case, request: Any, event: SystemEvent) -> tuple[Any, list[Any]]:
        """The ``@reveal_request`` event numbered ``request`` and the events that refer to it."""

        def refuse(reason: Msg) -> RevealRefused:
            return RevealRefused(case_id=case.id, state=case.state, event=event, reason=reason)

        if isinstance(request, bool) or not isinstance(request, int):
            raise refuse(
                Msg(
                    "give the number of a reveal request (request_reveal by one person, "
                    "approve_reveal by a second person of another role), not {kind}",
                    kind=type(request).__name__,
                )
            )
        trail = self.store.history(case.id)
        asked = next(
            (e for e in trail if e.seq == request and e.event == SystemEvent.REVEAL_REQUEST), None
        )
        if asked is None:
            raise refuse(Msg("the case has no reveal request number {request}", request=request))
        later = [e for e in trail if e.seq > request and e.payload.get("request") == request]
        return asked, later

    def approve_reveal(self, case_id: str, request: int, actor: Actor, note: str) -> Case:
        """Approve a reveal request as the second person: never its requester, never of the
        requester's role (four eyes, like lowering confidentiality). Both are in the trail."""
        case = self.store.get(case_id)
        event = SystemEvent.REVEAL_APPROVE
        self._reveal_plan(case, actor, event, "reveal_approve")
        asked, later = self._request(case, request, event)

        def refuse(reason: Msg) -> RevealRefused:
            return RevealRefused(case_id=case.id, state=case.state, event=event, reason=reason)

        if actor.id == asked.actor.id:
            raise refuse(
                Msg("the person who asked cannot approve the request; a second person must")
            )
        if actor.role == asked.actor.role:
            raise refuse(
                Msg(
                    "the approver must hold another role than the requester ({role!r})",
                    role=asked.actor.role,
                )
            )
        if any(e.event == SystemEvent.REVEAL_APPROVE for e in later):
            raise refuse(Msg("reveal request {request} is already approved", request=request))
        payload = {
            "request": request,
            "requested_by": asked.actor.id,
            "requested_role": asked.actor.role,
            "note": note.strip(),
        }
        return self._append(case, actor, event, payload, case, ("note",))

    def reveal(self, case_id: str, actor: Actor, request: int) -> dict[str, Any]:
        """The identity fields of an approved request, to its requester, once (audited with
        the requester, the approver and the reason)."""
        case = self.store.get(case_id)
        event = SystemEvent.REVEAL
        self._reveal_plan(case, actor, event, "reveal")
        asked, later = self._request(case, request, event)

        def refuse(reason: Msg) -> RevealRefused:
            return RevealRefused(case_id=case.id, state=case.state, event=event, reason=reason)

        if actor.id != asked.actor.id:
            raise refuse(
                Msg("only the person who asked may use reveal request {request}", request=request)
            )
        approved = next((e for e in later if e.event == SystemEvent.REVEAL_APPROVE), None)
        if approved is None:
            raise refuse(
                Msg(
                    "reveal request {request} is not approved yet: a second person of another "
                    "role must approve it",
                    request=request,
                )
            )
        if any(e.event == SystemEvent.REVEAL for e in later):
            raise refuse(
                Msg("reveal request {request} was used already; ask again", request=request)
            )
        wanted = list(asked.payload["fields"])
        payload = {
            "request": request,
            "fields": wanted,
            "reason": asked.payload["reason"],
            "approved_by": approved.actor.id,
            "approved_role": approved.actor.role,
        }
        self._append(case, actor, event, payload, case, ("reason",))
        return {f: case.data.get(f) for f in wanted}
