"""Oversight: declarations of interest, revealing an identity, outward views, the breach ledger.

These are the operations around the code of ethics that are not transitions of the SOP: an
officer declares (no) conflict of interest on a case; a permitted role reveals an anonymous
reporter's identity for a stated reason; anyone outside the permitted roles, and everything that
leaves the engine, sees the case redacted; supervisors list the breaches. Each write is an audit
event in the case's chain, so the trail shows who declared, revealed or breached what, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from sop_engine._core.errors import InvalidEventData, RoleNotPermitted
from sop_engine._core.records import Actor, AuditEvent, Breach, Case, Declaration, Notification
from sop_engine._features.confidentiality import WITHHELD, Confidentiality, redact
from sop_engine._features.ethics import ETHICS_EVENT
from sop_engine._features.ethics_checks import DECLARE_EVENT
from sop_engine._persistence.codec import actor_to_json

if TYPE_CHECKING:
    from sop_engine._engine import Engine

__all__ = [
    "REVEAL_EVENT",
    "CaseView",
    "Violation",
    "breach_notifications",
    "declare",
    "export",
    "reveal",
    "view",
    "violations",
]

REVEAL_EVENT = "@reveal"
"""The audit event recording that an anonymous reporter's identity was revealed, and why."""

_MIN_VALUE = 3
"""Identity values at least this long are also withheld where they appear inside other text."""


@attrs.frozen(slots=True)
class CaseView:
    """A case and its trail as one viewer may see them (redacted by the case's flags)."""

    case: Case
    history: tuple[AuditEvent, ...]
    withheld: frozenset[str]
    """The fields withheld from this viewer."""


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


def breach_notifications(
    case_id: str,
    seq: int,
    actor: Actor,
    event: str,
    notify: Iterable[tuple[Breach, tuple[str, ...]]],
    now: datetime,
    secrets: frozenset[str] = frozenset(),
) -> list[Notification]:
    """Outbox messages telling the rule's recipients of breaches.

    They carry no case data; the acting officer is withheld when it is the anonymous reporter
    (``secrets``: the case's identity values).
    """
    officer = attrs.evolve(actor, id=WITHHELD) if actor.id in secrets else actor
    out = []
    for breach, recipients in notify:
        out.append(
            Notification(
                f"{case_id}/{seq}/ethics/{breach.rule}",
                case_id,
                "ethics",
                recipients,
                {
                    "rule": breach.rule,
                    "check": breach.check,
                    "severity": breach.severity,
                    "event": event,
                    "officer": actor_to_json(officer),
                    "reason": {"id": breach.reason.id, "en": breach.reason.en},
                    "types": list(breach.types),
                },
                now,
            )
        )
    return out


def _append(
    engine: Engine,
    case: Case,
    actor: Actor,
    event: str,
    payload: Mapping[str, Any],
    new: Case | None = None,
) -> Case:
    """Commit an audit-only event: the case keeps its state and data, its version goes up."""
    new = attrs.evolve(new or case, version=case.version + 1)
    record = AuditEvent(
        case.id, new.version, engine.clock.now(), actor, event, case.state, case.state, payload
    )
    engine.store.commit(new, record, None, (), (), ())
    return new


def declare(
    engine: Engine, case_id: str, actor: Actor, *, conflict: bool, relation: str, note: str
) -> Case:
    if conflict and not relation.strip():
        raise InvalidEventData(
            case_id=case_id,
            state="",
            event=DECLARE_EVENT,
            problems=["a declared conflict must name the relation (e.g. 'saudara kandung')"],
        )
    case = engine.store.get(case_id)
    payload = {"conflict": conflict, "relation": relation.strip(), "note": note.strip()}
    declared = Declaration(actor.id, conflict, relation.strip())
    new = attrs.evolve(case, declarations=(*case.declarations, declared))
    return _append(engine, case, actor, DECLARE_EVENT, payload, new)


def _confidentiality(engine: Engine, case: Case) -> Confidentiality | None:
    plan = engine.sop(case.sop_hash).ethics
    return plan.confidentiality if plan is not None else None


def reveal(
    engine: Engine, case_id: str, actor: Actor, reason: str, fields: Sequence[str] | None
) -> dict[str, Any]:
    case = engine.store.get(case_id)
    conf = _confidentiality(engine, case)
    if conf is None or actor.role not in conf.reveal:
        allowed = sorted(conf.reveal) if conf is not None else []
        raise RoleNotPermitted(
            case_id=case_id, state=case.state, event=REVEAL_EVENT, role=actor.role, allowed=allowed
        )
    wanted = sorted(conf.identity if fields is None else set(fields))
    problems = [f"{f!r} is not an identity field" for f in wanted if f not in conf.identity]
    if not reason.strip():
        problems.append("a reason is required to reveal an identity")
    if problems:
        raise InvalidEventData(
            case_id=case_id, state=case.state, event=REVEAL_EVENT, problems=problems
        )
    _append(engine, case, actor, REVEAL_EVENT, {"fields": wanted, "reason": reason.strip()})
    return {f: case.data.get(f) for f in wanted}


def view(engine: Engine, case_id: str, viewer: Actor | None) -> CaseView:
    case = engine.store.get(case_id)
    history = tuple(engine.store.history(case_id))
    conf = _confidentiality(engine, case)
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


def export(engine: Engine, case_id: str) -> dict[str, Any]:
    v = view(engine, case_id, None)
    sop = engine.sop(v.case.sop_hash)
    return {
        "case": v.case.id,
        "sop": {"id": sop.id, "version": sop.definition.meta.version},
        "state": v.case.state,
        "data": dict(v.case.data),
        "trail": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "event": e.event,
                "from": e.source,
                "to": e.target,
                "actor": actor_to_json(e.actor),
                "payload": dict(e.payload),
            }
            for e in v.history
        ],
    }


def violations(
    engine: Engine,
    *,
    case_id: str | None,
    rule: str | None,
    officer: str | None,
    unit: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[Violation]:
    ids = [case_id] if case_id is not None else list(engine.store.case_ids())
    out = []
    for cid in ids:
        for e in engine.store.history(cid):
            if not e.breaches:
                continue
            if officer is not None and e.actor.id != officer:
                continue
            if unit is not None and e.actor.unit != unit:
                continue
            if (since is not None and e.at < since) or (until is not None and e.at >= until):
                continue
            attempted = e.payload.get("event", e.event) if e.event == ETHICS_EVENT else e.event
            for b in e.breaches:
                if rule is None or b.rule == rule:
                    out.append(Violation(cid, e.seq, e.at, e.actor, str(attempted), b))
    out.sort(key=lambda v: (v.at, v.case_id, v.seq))
    return out
