"""JSON forms of the runtime records, for durable stores, and the canonical bytes of an event.

Case data and payloads are JSON-native already (see :mod:`sop_engine.datatypes`); this module only
adds the instants (ISO 8601, UTC) and the record structure. The canonical form of an audit event
(sorted keys, no insignificant white space, UTF-8) is what the hash chain covers, so it must never
change for a stored event: new fields get defaults that are left out when unset.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from sop_engine._core.i18n import Msg
from sop_engine._core.records import (
    ERASED,
    SEALED_ACTOR,
    Actor,
    AuditEvent,
    Breach,
    Case,
    Deadline,
    Declaration,
    Notification,
    Timer,
)
from sop_engine._core.text import Text
from sop_engine._persistence.store import CommandRecord
from sop_engine._persistence.vault import PREFIX, SealBroken, Vault

__all__ = [
    "ChainBreak",
    "case_from_json",
    "case_to_json",
    "chain_hash",
    "check_chain",
    "command_from_rows",
    "command_request",
    "dumps",
    "erase_command",
    "event_from_row",
    "event_from_stored",
    "event_to_json",
    "event_to_stored",
    "link_hash",
    "notification_body",
    "notification_from_body",
    "open_case",
    "seal_case",
    "timer_body",
    "timer_from_body",
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
    out = {
        "id": case.id,
        "sop_id": case.sop_id,
        "sop_hash": case.sop_hash,
        "state": case.state,
        "data": dict(case.data),
        "version": case.version,
        "deadlines": [_deadline_to_json(d) for d in case.deadlines],
    }
    if case.declarations:  # left out when empty, like the optional event fields
        out["declarations"] = [[d.officer, d.conflict, d.relation] for d in case.declarations]
    if case.sealed:  # likewise
        out["sealed"] = list(case.sealed)
    return out


def case_from_json(raw: Mapping[str, Any]) -> Case:
    return Case(
        raw["id"],
        raw["sop_id"],
        raw["sop_hash"],
        raw["state"],
        raw["data"],
        raw["version"],
        tuple(_deadline_from_json(d) for d in raw.get("deadlines", [])),
        tuple(Declaration(o, c, r) for o, c, r in raw.get("declarations", ())),
        tuple(raw.get("sealed", ())),
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
        # a set of payload keys: sorted, like the payload's own keys in the canonical bytes
        out["personal"] = sorted(event.personal)
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


_ACTOR_REF = "$personal:"
"""How a stored event body names the reporter's sealed actor id (the id itself is not there)."""


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
        # sorted: a body written before the canonical order may list the keys in payload order
        tuple(sorted(raw.get("personal", ()))),
        tuple(_breach_from_json(b) for b in raw.get("breaches", ())),
    )


def chain_hash(previous: str, event: AuditEvent) -> str:
    """SHA-256 over the previous link's hash and the event's canonical bytes (hex)."""
    return link_hash(previous, dumps(event_to_json(event)))


def link_hash(previous: str, body: str) -> str:
    """:func:`chain_hash` for an event already in its canonical text form."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + body.encode("utf-8")).hexdigest()


# -- the row forms both durable stores (SQLite, PostgreSQL) write --------------------------------


def event_to_stored(
    event: AuditEvent, vault: Vault | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """The event's stored body and its personal values kept apart, as ``(ref, stored value)``.

    The body (what the chain covers) holds a reference ``{"$personal": ref}`` in place of each
    personal value (and ``"$personal:REF"`` in place of the id of an actor who is the reporter,
    :data:`~sop_engine._core.records.SEALED_ACTOR`), so erasing a value never changes a chained
    byte. With a ``vault`` each value is sealed under the case's key and the body carries its
    keyed digest (``digests``), so the chain still covers what was written.
    """
    raw = event_to_json(event)
    personal = []
    digests = {}
    for key in event.personal:
        ref = f"{event.case_id}/{event.seq}/{key}"
        if key == SEALED_ACTOR:
            value = dumps(event.actor.id)
            raw["actor"]["id"] = _ACTOR_REF + ref
        else:
            value = dumps(raw["payload"][key])
            raw["payload"][key] = {"$personal": ref}
        if vault is not None:
            value, digests[key] = vault.seal(event.case_id, ref, value)
        personal.append((ref, value))
    if digests:
        raw["digests"] = digests
    return dumps(raw), personal


def event_from_stored(
    body: str, values: Mapping[str, str], vault: Vault | None = None
) -> AuditEvent:
    """The event of a stored body; personal values looked up by ref and opened with ``vault``
    (``ERASED`` when the value or its key is gone). Raises
    :class:`~sop_engine._persistence.vault.SealBroken` when a value does not match the digest
    the chain covers."""
    raw = json.loads(body)
    digests = raw.get("digests", {})
    case_id = raw["case_id"]
    for key in raw.get("personal", ()):
        actor = key == SEALED_ACTOR
        ref = raw["actor"]["id"][len(_ACTOR_REF) :] if actor else raw["payload"][key]["$personal"]
        stored = values.get(ref)
        plain = _opened(vault, case_id, ref, stored)
        if (
            plain is not None
            and vault is not None
            and key in digests
            and vault.digest(case_id, ref, plain) != digests[key]
        ):
            raise SealBroken(ref)
        value = ERASED if plain is None else json.loads(plain)
        if actor:
            raw["actor"]["id"] = value
        else:
            raw["payload"][key] = value
    return event_from_row(raw)


def seal_case(case: Case, vault: Vault | None) -> str:
    """The stored snapshot of ``case``: its ``sealed`` fields sealed under the case's key
    (``ERASED`` values stay as they are: there is nothing left to hide)."""
    raw = case_to_json(case)
    if vault is not None:
        data = raw["data"]
        keys = [key for key in case.sealed if key in data and data[key] != ERASED]
        if keys:  # one key look-up per case, not per field
            values = [(f"{case.id}/data/{key}", dumps(data[key])) for key in keys]
            for key, sealed in zip(keys, vault.seal_fields(case.id, values), strict=True):
                data[key] = {"$sealed": sealed}
    return dumps(raw)


def open_case(text: str, vault: Vault | None) -> Case:
    """The case of a stored snapshot, sealed fields opened (``ERASED`` once the key is gone)."""
    raw = json.loads(text)
    case_id = raw["id"]
    data = raw["data"]
    keys = [k for k, v in data.items() if isinstance(v, dict) and "$sealed" in v]
    if keys:
        refs = [(f"{case_id}/data/{k}", data[k]["$sealed"]) for k in keys]
        if vault is not None:  # one key look-up for the case, not one per field
            opened = vault.open_fields(case_id, refs)
        else:
            opened = [_opened(None, case_id, ref, stored) for ref, stored in refs]
        for k, plain in zip(keys, opened, strict=True):
            data[k] = ERASED if plain is None else json.loads(plain)
    return case_from_json(raw)


def _opened(vault: Vault | None, case_id: str, ref: str, stored: str | None) -> str | None:
    """The JSON text of a stored value; ``None`` when it is gone or sealed without a key at
    hand (no vault: a reader without the keys sees sealed values as erased)."""
    if stored is None:
        return None
    if vault is None:
        return None if stored.startswith(PREFIX) else stored
    return vault.open(case_id, ref, stored)


def command_request(
    command: CommandRecord, event: AuditEvent | None = None, vault: Vault | None = None
) -> str:
    """What a command asked, as stored (to recognise a retry).

    With a ``vault`` and the command's ``event``, the payload values the event keeps personal
    and the id of an actor who is the reporter are sealed under the case's key.
    """
    actor: dict[str, Any] = actor_to_json(command.actor)
    payload = dict(command.payload)
    if vault is not None and event is not None:
        cid = command.case_id
        for key in event.personal:
            ref = f"{command.command_id}/request/{key}"
            if key == SEALED_ACTOR:
                actor["id"] = {"$sealed": vault.seal(cid, ref, dumps(command.actor.id))[0]}
            elif key in payload:
                payload[key] = {"$sealed": vault.seal(cid, ref, dumps(payload[key]))[0]}
    return dumps(
        {"case_id": command.case_id, "event": command.event, "actor": actor, "payload": payload}
    )


def command_from_rows(
    command_id: str, request: str, result: str, vault: Vault | None = None
) -> CommandRecord:
    raw = json.loads(request)
    cid = raw["case_id"]

    def opened(key: str, value: Any) -> Any:
        if not (isinstance(value, dict) and "$sealed" in value):
            return value
        plain = _opened(vault, cid, f"{command_id}/request/{key}", value["$sealed"])
        return ERASED if plain is None else json.loads(plain)

    raw["actor"]["id"] = opened(SEALED_ACTOR, raw["actor"]["id"])
    raw["payload"] = {k: opened(k, v) for k, v in raw["payload"].items()}
    return CommandRecord(
        command_id,
        raw["case_id"],
        raw["event"],
        actor_from_json(raw["actor"]),
        raw["payload"],
        open_case(result, vault),
    )


def erase_command(
    request: str, result: str, erased: Iterable[str], reporters: Iterable[str] = ()
) -> tuple[str, str]:
    """A stored command record with the erased fields replaced in its payload and result,
    and its actor's id when it is one of the reporter's ``reporters`` ids."""
    req, res = json.loads(request), json.loads(result)
    if isinstance(req["actor"]["id"], str) and req["actor"]["id"] in set(reporters):
        req["actor"]["id"] = ERASED
    for key in erased:
        if key in req["payload"]:
            req["payload"][key] = ERASED
        if key in res["data"]:
            res["data"][key] = ERASED
    return dumps(req), dumps(res)


def notification_body(n: Notification) -> str:
    return dumps(
        {
            "kind": n.kind,
            "recipients": list(n.recipients),
            "payload": dict(n.payload),
            "created_at": n.created_at.isoformat(),
        }
    )


def notification_from_body(key: str, case_id: str, body: str) -> Notification:
    raw = json.loads(body)
    return Notification(
        key,
        case_id,
        raw["kind"],
        tuple(raw["recipients"]),
        raw["payload"],
        datetime.fromisoformat(raw["created_at"]),
    )


def timer_body(t: Timer) -> str:
    return dumps(
        {
            "at": t.at.isoformat(),
            "case_id": t.case_id,
            "deadline": t.deadline,
            "arming": t.arming,
            "item": str(t.item),
        }
    )


def timer_from_body(body: str, claim: str | None) -> Timer:
    raw = json.loads(body)
    return Timer(
        datetime.fromisoformat(raw["at"]),
        raw["case_id"],
        raw["deadline"],
        raw["arming"],
        raw["item"],
        claim,
    )


@attrs.frozen(slots=True)
class ChainBreak:
    """The first place a case's audit chain does not hold, and why (``reason`` in English,
    ``said`` the catalogue message a reader gets in Bahasa Indonesia)."""

    case_id: str
    seq: int
    reason: str
    said: Msg | None = attrs.field(default=None, repr=False)


def _broken(case_id: str, seq: int, said: Msg) -> list[ChainBreak]:
    return [ChainBreak(case_id, seq, str(said), said)]


def check_chain(
    case_id: str, version: int | None, rows: Iterable[tuple[int, str, str, str]]
) -> list[ChainBreak]:
    """Check one case's stored events ``(seq, body, prev_hash, hash)`` in ``seq`` order.

    ``version`` is the snapshot's (``None``: no such case). Detects an edited, deleted,
    inserted or reordered event and a snapshot whose version disagrees with its trail; the
    store that wrote the rows does not matter.
    """
    if version is None:
        return _broken(case_id, 0, Msg("no such case"))
    previous = ""
    expected = 1
    for seq, body, prev_hash, stored in rows:
        if seq != expected:
            return _broken(
                case_id, expected, Msg("event {n} is missing (found {seq})", n=expected, seq=seq)
            )
        try:
            event = event_from_row(json.loads(body))
        except (ValueError, KeyError, TypeError) as e:
            return _broken(case_id, seq, Msg("event body is unreadable: {error}", error=str(e)))
        if event.seq != seq or event.case_id != case_id:
            return _broken(case_id, seq, Msg("event body names another position"))
        if prev_hash != previous:
            return _broken(case_id, seq, Msg("link to the previous event does not match"))
        if link_hash(previous, body) != stored:  # the stored bytes, exactly as chained
            return _broken(case_id, seq, Msg("event content does not match its hash"))
        previous = stored
        expected += 1
    if expected - 1 != version:
        said = Msg("trail has {n} events, case is at {version}", n=expected - 1, version=version)
        return _broken(case_id, expected, said)
    return []
