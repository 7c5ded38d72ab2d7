"""The audit trail as process-mining logs: an IEEE 1849 XES event log and an OCEL 2.0 JSON log.

Written directly (pm4py is AGPL and not a dependency). Case content comes through
``engine.view(case, None)``, the outward view, so what is withheld from the public is withheld
here too; on top of that the reporter is pseudonymised: an actor whose id is a personal value
of the case (the reporter's own id) or who acts in a role named like a personal field (LAPOR!'s
``pelapor``) appears as ``pelapor-<hmac>``, a keyed hash with a salt the caller chooses (a fresh
random one per export by default, so two exports cannot be linked). Durations are attributes
in working days on the case's SOP calendar: since the case opened, and since the previous move.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.records import Actor, AuditEvent, Case
from sop_engine._engine import Engine
from sop_engine._persistence.queries import CHANNEL_FIELD, CLASS_FIELD, CaseQuery, row_of

__all__ = ["Trail", "ocel", "ocel_text", "trails", "xes"]

_PAGE = 5_000


class Trail:
    """One case ready to export: outward view, pseudonymised actors, working-day durations."""

    def __init__(
        self, case: Case, events: list[dict[str, Any]], sop: CompiledSop, reporter: str | None
    ) -> None:
        self.case = case
        self.events = events
        self.sop = sop
        self.reporter = reporter


def _pseudonym(salt: bytes, value: str) -> str:
    return "pelapor-" + hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:12]


def trails(
    engine: Engine,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    salt: bytes | None = None,
) -> Iterator[Trail]:
    """Every case with an event in ``[start, end)``, its events in that window."""
    key = salt if salt is not None else secrets.token_bytes(16)
    offset = 0
    cache: dict[str, tuple[CompiledSop, WorkingCalendar]] = {}
    while True:
        page = engine.cases(CaseQuery(limit=_PAGE, offset=offset))
        for row in page:
            if row.sop_hash not in cache:
                sop = engine.sop(row.sop_hash)
                cache[row.sop_hash] = (sop, engine.calendar(sop))
            sop, cal = cache[row.sop_hash]
            trail = _trail(engine, row.case_id, sop, cal, key, start, end)
            if trail is not None:
                yield trail
        if len(page) < _PAGE:
            return
        offset += _PAGE


def _trail(
    engine: Engine,
    case_id: str,
    sop: CompiledSop,
    cal: WorkingCalendar,
    key: bytes,
    start: datetime | None,
    end: datetime | None,
) -> Trail | None:
    secret = engine.store.get(case_id)
    personal = {str(secret.data[f]) for f in sop.personal if secret.data.get(f) not in (None, "")}
    roles = set(sop.personal)
    view = engine.view(case_id, None)
    history = view.history
    if not history:
        return None
    opened = cal.local_date(history[0].at)

    def who(a: Actor) -> tuple[str, bool]:
        if a.id in personal or a.role in roles:
            return _pseudonym(key, a.id), True
        return a.id, False

    reporter_value = next(
        (str(secret.data[f]) for f in sorted(sop.personal) if secret.data.get(f)), None
    )
    out = []
    last_move = history[0].at
    for e in history:
        in_window = (start is None or e.at >= start) and (end is None or e.at < end)
        actor, is_reporter = who(e.actor)
        since_move = cal.working_days_between(cal.local_date(last_move), cal.local_date(e.at))
        if e.source != e.target:
            last_move = e.at
        if not in_window:
            continue
        out.append(
            {
                "event": e,
                "actor": actor,
                "reporter": is_reporter,
                "days_since_open": cal.working_days_between(opened, cal.local_date(e.at)),
                "days_since_move": since_move,
            }
        )
    if not out:
        return None
    reporter = None if reporter_value is None else _pseudonym(key, reporter_value)
    return Trail(view.case, out, sop, reporter)


# -- XES ----------------------------------------------------------------------------------------

_EXT = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)


def _attr(kind: str, key: str, value: Any) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _when(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def xes(items: Iterator[Trail]) -> Iterator[str]:
    """The XES document, piece by piece (write them in order; a large log never sits in memory)."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<log xes.version="1.0" xes.features="nested-attributes">\n'
    for name, prefix, uri in _EXT:
        yield f"  <extension name={quoteattr(name)} prefix={quoteattr(prefix)} uri={quoteattr(uri)}/>\n"
    yield '  <global scope="trace">' + _attr("string", "concept:name", "") + "</global>\n"
    yield (
        '  <global scope="event">'
        + _attr("string", "concept:name", "")
        + _attr("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
        + _attr("string", "org:resource", "")
        + _attr("string", "lifecycle:transition", "complete")
        + "</global>\n"
    )
    yield '  <classifier name="Activity" keys="concept:name"/>\n'
    yield "  " + _attr("string", "concept:name", "sop_engine audit trail") + "\n"
    for tr in items:
        data = tr.case.data
        parts = ["  <trace>", _attr("string", "concept:name", tr.case.id)]
        parts.append(_attr("string", "sop:id", tr.case.sop_id))
        parts.append(_attr("string", "sop:state", tr.case.state))
        for field, name in ((CHANNEL_FIELD, "sop:channel"), (CLASS_FIELD, "sop:class")):
            if data.get(field) is not None:
                parts.append(_attr("string", name, data[field]))
        unit = row_of(tr.case).unit
        if unit is not None:
            parts.append(_attr("string", "sop:unit", unit))
        if tr.reporter is not None:
            parts.append(_attr("string", "sop:reporter", tr.reporter))
        yield "".join(parts) + "\n"
        for item in tr.events:
            e: AuditEvent = item["event"]
            ev = [
                "    <event>",
                _attr("string", "concept:name", str(e.event)),
                _attr("date", "time:timestamp", _when(e.at)),
                _attr("string", "org:resource", item["actor"]),
                _attr("string", "org:role", e.actor.role),
                _attr("string", "lifecycle:transition", "complete"),
                _attr("int", "sop:seq", e.seq),
                _attr("string", "sop:to", e.target),
                _attr("int", "sop:working_days_since_open", item["days_since_open"]),
                _attr("int", "sop:working_days_since_previous_move", item["days_since_move"]),
            ]
            if e.source is not None:
                ev.append(_attr("string", "sop:from", e.source))
            if e.actor.unit:
                ev.append(_attr("string", "org:group", e.actor.unit))
            if "deadline" in e.payload:
                ev.append(_attr("string", "sop:deadline", e.payload["deadline"]))
            for b in e.breaches:
                ev.append(_attr("string", f"sop:ethics:{b.rule}", b.severity))
            yield "".join(ev) + "</event>\n"
        yield "  </trace>\n"
    yield "</log>\n"


# -- OCEL 2.0 -------------------------------------------------------------------------------------

_OBJECT_TYPES = {
    "case": ["sop", "state", "channel", "class"],
    "reporter": [],
    "officer": ["role"],
    "unit": [],
    "deadline": ["clock", "status", "due_at"],
}
_EVENT_ATTRS = [
    ("from", "string"),
    ("to", "string"),
    ("working_days_since_open", "integer"),
    ("working_days_since_previous_move", "integer"),
]


def ocel(items: Iterator[Trail], now: datetime) -> dict[str, Any]:
    """The OCEL 2.0 JSON log: cases, reporters (pseudonymised), officers, units and deadlines
    as objects; every audit event related to its case, actor, unit and deadline."""
    objects: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    event_types: set[str] = set()

    def obj(oid: str, kind: str, attributes: list[dict[str, Any]] | None = None) -> str:
        if oid not in objects:
            objects[oid] = {"id": oid, "type": kind, "attributes": attributes or []}
        return oid

    stamp = _when(now)
    for tr in items:
        case_obj = "case:" + tr.case.id
        row = row_of(tr.case)
        obj(
            case_obj,
            "case",
            [
                {"name": "sop", "time": stamp, "value": tr.case.sop_id},
                {"name": "state", "time": stamp, "value": tr.case.state},
                {"name": "channel", "time": stamp, "value": row.channel or ""},
                {"name": "class", "time": stamp, "value": row.klass or ""},
            ],
        )
        if tr.reporter is not None:
            obj("reporter:" + tr.reporter, "reporter")
            objects[case_obj].setdefault("relationships", []).append(
                {"objectId": "reporter:" + tr.reporter, "qualifier": "reported by"}
            )
        for d in tr.case.deadlines:
            did = f"deadline:{tr.case.id}/{d.name}/{d.arming}"
            attrs_ = [
                {"name": "clock", "time": stamp, "value": d.name},
                {"name": "status", "time": stamp, "value": d.status},
            ]
            if d.due_at is not None:
                attrs_.append({"name": "due_at", "time": stamp, "value": _when(d.due_at)})
            obj(did, "deadline", attrs_)
            objects[did]["relationships"] = [{"objectId": case_obj, "qualifier": "of case"}]
        for item in tr.events:
            e: AuditEvent = item["event"]
            kind = str(e.event)
            event_types.add(kind)
            rel = [{"objectId": case_obj, "qualifier": "case"}]
            if item["reporter"]:
                rel.append(
                    {
                        "objectId": obj("reporter:" + item["actor"], "reporter"),
                        "qualifier": "reporter",
                    }
                )
            else:
                oid = obj(
                    "officer:" + item["actor"],
                    "officer",
                    [{"name": "role", "time": _when(e.at), "value": e.actor.role}],
                )
                rel.append({"objectId": oid, "qualifier": "actor"})
            if e.actor.unit:
                rel.append({"objectId": obj("unit:" + e.actor.unit, "unit"), "qualifier": "unit"})
            if "deadline" in e.payload:
                arming = e.payload.get("arming")
                did = f"deadline:{tr.case.id}/{e.payload['deadline']}/{arming}"
                if did in objects:
                    rel.append({"objectId": did, "qualifier": "deadline"})
            events.append(
                {
                    "id": f"{tr.case.id}:{e.seq}",
                    "type": kind,
                    "time": _when(e.at),
                    "attributes": [
                        {"name": "from", "value": e.source or ""},
                        {"name": "to", "value": e.target},
                        {"name": "working_days_since_open", "value": item["days_since_open"]},
                        {
                            "name": "working_days_since_previous_move",
                            "value": item["days_since_move"],
                        },
                    ],
                    "relationships": rel,
                }
            )
    return {
        "objectTypes": [
            {
                "name": name,
                "attributes": [
                    {"name": a, "type": "time" if a == "due_at" else "string"} for a in attrs
                ],
            }
            for name, attrs in _OBJECT_TYPES.items()
        ],
        "eventTypes": [
            {"name": name, "attributes": [{"name": n, "type": t} for n, t in _EVENT_ATTRS]}
            for name in sorted(event_types)
        ],
        "objects": list(objects.values()),
        "events": events,
    }


def ocel_text(items: Iterator[Trail], now: datetime) -> str:
    return json.dumps(ocel(items, now), ensure_ascii=False, indent=1) + "\n"
