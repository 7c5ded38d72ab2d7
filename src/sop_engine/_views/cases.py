"""A case and its trail as one viewer may see them, and the outward (always redacted) export.

Identity fields of an ``anonim`` case and content fields of a ``rahasia`` case are withheld from
roles not allowed to see them, wherever they appear: the data, event payloads, inside other text,
and the reporter's own actor id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._features.confidentiality import WITHHELD, redact
from sop_engine._persistence.codec import actor_to_json
from sop_engine._persistence.store import Store
from sop_engine._runtime.catalog import Catalog

__all__ = ["CaseView", "export", "view"]

_MIN_VALUE = 3
"""Identity values at least this long are also withheld where they appear inside other text."""


@attrs.frozen(slots=True)
class CaseView:
    """A case and its trail as one viewer may see them (redacted by the case's flags)."""

    case: Case
    history: tuple[AuditEvent, ...]
    withheld: frozenset[str]
    """The fields withheld from this viewer."""


def view(catalog: Catalog, store: Store, case_id: str, viewer: Actor | None) -> CaseView:
    """The case as ``viewer`` may see it; ``None`` is the public/outward view."""
    case = store.get(case_id)
    history = tuple(store.history(case_id))
    plan = catalog.pinned(case.sop_hash).ethics
    conf = plan.confidentiality if plan is not None else None
    if conf is None:
        return CaseView(case, history, frozenset())
    hidden = conf.hidden(case.data, None if viewer is None else viewer.role)
    if not hidden:
        return CaseView(case, history, hidden)
    identity = hidden & conf.identity  # all identity fields of an anonim case, or none
    # the reporter's identity values, now and as any earlier event carried them
    exact = set(conf.secrets(case.data)) if identity else set()
    exact |= {
        str(e.payload[f]) for e in history for f in identity if e.payload.get(f) not in (None, "")
    }
    inside = sorted((s for s in exact if len(s) >= _MIN_VALUE), key=len, reverse=True)

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            if value in exact:
                return WITHHELD
            for s in inside:
                value = value.replace(s, WITHHELD)
            return value
        if isinstance(value, list | tuple):
            return [scrub(v) for v in value]
        if isinstance(value, Mapping):
            return {k: scrub(v) for k, v in value.items()}
        return value

    def actor(a: Actor) -> Actor:
        return attrs.evolve(a, id=WITHHELD) if a.id in exact else a

    shown = attrs.evolve(case, data=scrub(redact(case.data, hidden)))
    events = tuple(
        attrs.evolve(e, actor=actor(e.actor), payload=scrub(redact(e.payload, hidden)))
        for e in history
    )
    return CaseView(shown, events, hidden)


def export(catalog: Catalog, store: Store, case_id: str) -> dict[str, Any]:
    """The case as JSON-ready data for whoever is outside the agency (always redacted)."""
    v = view(catalog, store, case_id, None)
    sop = catalog.pinned(v.case.sop_hash)
    return {
        "case": v.case.id,
        "sop": {"id": sop.id, "version": sop.definition.meta.version},
        "state": v.case.state,
        "data": dict(v.case.data),
        "trail": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "event": str(e.event),
                "from": e.source,
                "to": e.target,
                "actor": actor_to_json(e.actor),
                "payload": dict(e.payload),
            }
            for e in v.history
        ],
    }
