"""A case and its trail as one viewer may see them, and the outward (always redacted) export.

Identity fields of an ``anonim`` case and content fields of a ``rahasia`` case are withheld from
roles not allowed to see them, wherever they appear: the data, event payloads, inside other text,
and the reporter's own actor id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import CaseNotVisible
from sop_engine._core.records import ERASED, Actor, AuditEvent, Case
from sop_engine._core.redaction import Redactor
from sop_engine._features.confidentiality import AUDIENCES, WITHHELD, redact
from sop_engine._persistence.codec import actor_to_json
from sop_engine._persistence.store import Store
from sop_engine._runtime.catalog import Catalog

__all__ = ["CaseView", "export", "view", "visible_cases"]


@attrs.frozen(slots=True)
class CaseView:
    """A case and its trail as one viewer may see them (redacted by the case's flags)."""

    case: Case
    history: tuple[AuditEvent, ...]
    withheld: frozenset[str]
    """The fields withheld from this viewer."""


def view(catalog: Catalog, store: Store, case_id: str, viewer: Actor | None) -> CaseView:
    """The case as ``viewer`` may see it; ``None`` is the public/outward view.

    Raises :class:`~sop_engine.errors.CaseNotVisible` for an officer of a unit-scoped role
    (``confidentiality.unit_roles``) whose unit is not one of the case's (``units``). For a
    viewer who may not know the identity (and always for the public view) every string that
    leaves is redacted: identity values in any form, NIK, phone numbers, e-mail addresses and
    vehicle plates become stable pseudonyms (:class:`~sop_engine._core.redaction.Redactor`),
    and actors of a ``reporter`` role are shown by pseudonym. In a ``rahasia`` case a viewer
    outside ``see_content`` sees neither the content, nor the reported official, nor any free
    text of the trail.
    """
    case = store.get(case_id)
    sop = catalog.pinned(case.sop_hash)
    plan = sop.ethics
    conf = plan.confidentiality if plan is not None else None
    if conf is None:
        return CaseView(case, tuple(store.history(case_id)), frozenset())
    if viewer is not None and not conf.may_see(case.data, viewer.role, viewer.unit):
        raise CaseNotVisible(case_id, viewer.role, viewer.unit, conf.case_units(case.data))
    history = tuple(store.history(case_id))
    role = None if viewer is None else viewer.role
    hidden = conf.hidden(case.data, role)
    identity = hidden & conf.identity
    if not hidden and viewer is not None:
        return CaseView(case, history, hidden)
    # the reporter's identity values, now and as any earlier event carried them
    exact = set(conf.secrets(case.data)) if identity else set()
    exact |= {
        str(e.payload[f]) for e in history for f in identity if e.payload.get(f) not in (None, "")
    }
    exact.discard(ERASED)
    reporters = (
        {e.actor.id for e in history if e.actor.role in conf.reporter} if identity else set()
    )
    redactor = Redactor(exact | reporters, WITHHELD)
    free = _free_text(sop.definition) if hidden & conf.content else frozenset()

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return WITHHELD if value in exact else redactor.text(value)
        if isinstance(value, list | tuple):
            return [scrub(v) for v in value]
        if isinstance(value, Mapping):
            return {k: scrub(v) for k, v in value.items()}
        return value

    def actor(a: Actor) -> Actor:
        if identity and (a.role in conf.reporter or a.id in exact):
            return attrs.evolve(a, id=redactor.text(a.id) if a.id in reporters else WITHHELD)
        return a

    def payload(p: Mapping[str, Any]) -> Any:
        return scrub(redact(p, hidden | {k for k, v in p.items() if k in free}))

    shown = attrs.evolve(case, data=scrub(redact(case.data, hidden)))
    events = tuple(
        attrs.evolve(e, actor=actor(e.actor), payload=payload(e.payload)) for e in history
    )
    return CaseView(shown, events, hidden)


def visible_cases(catalog: Catalog, store: Store, viewer: Actor) -> list[str]:
    """Ids of the cases ``viewer`` may see (:func:`view` does not refuse), in creation order."""
    out = []
    for case_id in store.case_ids():
        case = store.get(case_id)
        plan = catalog.pinned(case.sop_hash).ethics
        conf = plan.confidentiality if plan is not None else None
        if conf is None or conf.may_see(case.data, viewer.role, viewer.unit):
            out.append(case_id)
    return out


def _free_text(sop: SopDefinition) -> frozenset[str]:
    """Names of the free-text case fields and event data of ``sop`` (type ``text``)."""
    names = {f.name for f in sop.fields if f.type == "text"}
    names |= {d.name for e in sop.events for d in e.data if d.type == "text"}
    return frozenset(names)


def export(
    catalog: Catalog, store: Store, case_id: str, audience: str = "public"
) -> dict[str, Any]:
    """The case as JSON-ready data for ``audience`` (``public``, ``oversight``, ``internal``).

    Always built from the redacted outward view, then narrowed to the audience's allowlist
    (``confidentiality.audiences``): case data and event data outside it are left out, not
    masked. The public also gets actors by role only, never an id.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown export audience {audience!r}: use one of {', '.join(AUDIENCES)}")
    v = view(catalog, store, case_id, None)
    sop = catalog.pinned(v.case.sop_hash)
    plan = sop.ethics
    conf = plan.confidentiality if plan is not None else None
    allowed = None if conf is None else conf.audiences[audience]

    def keep(values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if allowed is None or k in allowed}

    def who(a: Actor) -> dict[str, Any]:
        return {"role": a.role} if audience == "public" else actor_to_json(a)

    return {
        "case": v.case.id,
        "audience": audience,
        "sop": {"id": sop.id, "version": sop.definition.meta.version},
        "state": v.case.state,
        "data": keep(v.case.data),
        "trail": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "event": str(e.event),
                "from": e.source,
                "to": e.target,
                "actor": who(e.actor),
                "payload": keep(e.payload),
            }
            for e in v.history
        ],
    }
