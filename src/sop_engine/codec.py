"""JSON forms of the runtime records, for durable stores, and the canonical bytes of an event.

Case data and payloads are JSON-native already (see :mod:`sop_engine.datatypes`); this module only
adds the instants (ISO 8601, UTC) and the record structure. The canonical form of an audit event
(sorted keys, no insignificant white space, UTF-8) is what the hash chain covers, so it must never
change for a stored event: new fields get defaults that are left out when unset.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sop_engine.records import Actor, AuditEvent, Breach, Case, Deadline
from sop_engine.text import Text

__all__ = [
    "case_from_json",
    "case_to_json",
    "chain_hash",
    "dumps",
    "event_from_row",
    "event_to_json",
    "link_hash",
]


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, compact, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def actor_to_json(actor: Actor) -> dict[str, Any]:
    return {"id": actor.id, "role": actor.role, "unit": actor.unit}


def actor_from_json(raw: Mapping[str, Any]) -> Actor:
    return Actor(raw["id"], raw["role"], raw.get("unit"))


def _deadline_to_json(d: Deadline) -> dict[str, Any]:
    return {
        "name": d.name,
        "arming": d.arming,
        "status": d.status,
        "anchor": _instant(d.anchor),
        "amount": d.amount,
        "unit": d.unit,
        "due_at": _instant(d.due_at),
        "calendar_version": d.calendar_version,
        "extensions": d.extensions,
        "extended_by": d.extended_by,
        "fired": list(d.fired),
        "level": d.level,
        "paused_at": _instant(d.paused_at),
    }


def _deadline_from_json(raw: Mapping[str, Any]) -> Deadline:
    anchor = _parse(raw["anchor"])
    assert anchor is not None
    return Deadline(
        name=raw["name"],
        arming=raw["arming"],
        status=raw["status"],
        anchor=anchor,
        amount=raw["amount"],
        unit=raw["unit"],
        due_at=_parse(raw["due_at"]),
        calendar_version=raw["calendar_version"],
        extensions=raw["extensions"],
        extended_by=raw["extended_by"],
        fired=tuple(raw["fired"]),
        level=raw["level"],
        paused_at=_parse(raw.get("paused_at")),
    )


def case_to_json(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "sop_id": case.sop_id,
        "sop_hash": case.sop_hash,
        "state": case.state,
        "data": dict(case.data),
        "version": case.version,
        "deadlines": [_deadline_to_json(d) for d in case.deadlines],
    }


def case_from_json(raw: Mapping[str, Any]) -> Case:
    return Case(
        raw["id"],
        raw["sop_id"],
        raw["sop_hash"],
        raw["state"],
        raw["data"],
        raw["version"],
        tuple(_deadline_from_json(d) for d in raw.get("deadlines", [])),
    )


def event_to_json(event: AuditEvent) -> dict[str, Any]:
    """The event as JSON; its :func:`dumps` is the event's canonical bytes."""
    out = {
        "case_id": event.case_id,
        "seq": event.seq,
        "at": _instant(event.at),
        "actor": actor_to_json(event.actor),
        "event": event.event,
        "source": event.source,
        "target": event.target,
        "payload": dict(event.payload),
        "guards": [[name, ok] for name, ok in event.guards],
        "command_id": event.command_id,
    }
    if event.personal:  # left out when empty: older events keep their canonical bytes
        out["personal"] = list(event.personal)
    if event.breaches:  # likewise
        out["breaches"] = [_breach_to_json(b) for b in event.breaches]
    return out


def _breach_to_json(b: Breach) -> dict[str, Any]:
    return {
        "rule": b.rule,
        "check": b.check,
        "severity": b.severity,
        "reason": {"id": b.reason.id, "en": b.reason.en},
        "types": list(b.types),
    }


def _breach_from_json(raw: Mapping[str, Any]) -> Breach:
    reason = raw["reason"]
    return Breach(
        raw["rule"],
        raw["check"],
        raw["severity"],
        Text(reason["id"], reason.get("en")),
        tuple(raw.get("types", ())),
    )


def event_from_row(raw: Mapping[str, Any]) -> AuditEvent:
    at = _parse(raw["at"])
    assert at is not None
    return AuditEvent(
        raw["case_id"],
        raw["seq"],
        at,
        actor_from_json(raw["actor"]),
        raw["event"],
        raw["source"],
        raw["target"],
        raw["payload"],
        tuple((name, ok) for name, ok in raw["guards"]),
        raw["command_id"],
        tuple(raw.get("personal", ())),
        tuple(_breach_from_json(b) for b in raw.get("breaches", ())),
    )


def chain_hash(previous: str, event: AuditEvent) -> str:
    """SHA-256 over the previous link's hash and the event's canonical bytes (hex)."""
    return link_hash(previous, dumps(event_to_json(event)))


def link_hash(previous: str, body: str) -> str:
    """:func:`chain_hash` for an event already in its canonical text form."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + body.encode("utf-8")).hexdigest()
