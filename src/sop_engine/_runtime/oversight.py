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
from sop_engine._core.errors import InvalidEventData, RoleNotPermitted
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
    """Declare (no) conflict of interest; reveal an identity for a permitted role."""

    def __init__(self, catalog: Catalog, committer: Committer, clock: Clock) -> None:
        self.catalog = catalog
        self.committer = committer
        self.store = committer.store
        self.clock = clock

    def _append(
        self, case: Case, actor: Actor, event: SystemEvent, payload: Mapping[str, Any], new: Case
    ) -> Case:
        """Commit an audit-only event: the case keeps its state and data, its version goes up."""
        new = attrs.evolve(new, version=case.version + 1)
        record = audit(case, new, at=self.clock.now(), actor=actor, event=event, payload=payload)
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
        return self._append(case, actor, SystemEvent.DECLARE, payload, new)

    def reveal(
        self, case_id: str, actor: Actor, reason: str, fields: Sequence[str] | None
    ) -> dict[str, Any]:
        case = self.store.get(case_id)
        plan = self.catalog.pinned(case.sop_hash).ethics
        conf = plan.confidentiality if plan is not None else None
        if conf is None or actor.role not in conf.reveal:
            allowed = sorted(conf.reveal) if conf is not None else []
            raise RoleNotPermitted(
                case_id=case_id,
                state=case.state,
                event=SystemEvent.REVEAL,
                role=actor.role,
                allowed=allowed,
            )
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
                case_id=case_id, state=case.state, event=SystemEvent.REVEAL, problems=problems
            )
        payload = {"fields": wanted, "reason": reason.strip()}
        self._append(case, actor, SystemEvent.REVEAL, payload, case)
        return {f: case.data.get(f) for f in wanted}
