"""The breach ledger: code-of-ethics breaches (blocked attempts and flagged commands)."""

from __future__ import annotations

from datetime import datetime

import attrs

from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import Actor, Breach
from sop_engine._persistence.store import Store

__all__ = ["Violation", "violations"]


@attrs.frozen(slots=True)
class Violation:
    """One breach of the code of ethics, as the ledger lists it."""

    case_id: str
    seq: int
    at: datetime
    officer: Actor
    event: str
    """The event attempted (blocked) or fired (flagged)."""
    breach: Breach

    @property
    def blocked(self) -> bool:
        return self.breach.severity == "block"


def violations(
    store: Store,
    *,
    case_id: str | None = None,
    rule: str | None = None,
    officer: str | None = None,
    unit: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Violation]:
    """Breaches, oldest first; filters combine, ``since`` inclusive and ``until`` exclusive."""
    ids = [case_id] if case_id is not None else list(store.case_ids())
    out = []
    for cid in ids:
        for e in store.history(cid):
            if not e.breaches:
                continue
            if officer is not None and e.actor.id != officer:
                continue
            if unit is not None and e.actor.unit != unit:
                continue
            if (since is not None and e.at < since) or (until is not None and e.at >= until):
                continue
            attempted = (
                e.payload.get("event", e.event) if e.event == SystemEvent.ETHICS else e.event
            )
            for b in e.breaches:
                if rule is None or b.rule == rule:
                    out.append(Violation(cid, e.seq, e.at, e.actor, str(attempted), b))
    out.sort(key=lambda v: (v.at, v.case_id, v.seq))
    return out
