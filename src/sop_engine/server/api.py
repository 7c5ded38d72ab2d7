"""The JSON API under ``/api``: file, track, queue, case, fire, extend, declare, violations.

Officers authenticate with ``Authorization: Bearer TOKEN`` (cookies are not accepted here, so
the API needs no CSRF token). ``Idempotency-Key`` becomes the engine's command id (namespaced by
principal), ``If-Match: "VERSION"`` its expected version; every case response carries its
version as ``ETag``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException as InvalidRequest
from litestar.params import HeaderParameter, JSONBody, QueryParameter

from sop_engine import Actor, Case, Engine, InvalidCaseData, VersionConflict, me_report
from sop_engine.server.access import Access
from sop_engine.server.principals import Principal, PrincipalBook
from sop_engine.server.problems import PROBLEMS, NotAuthenticated
from sop_engine.server.settings import DeskSettings
from sop_engine.server.shapes import (
    CaseOut,
    ComplaintIn,
    DeclareIn,
    ExtendIn,
    Filed,
    FireIn,
    MessageIn,
    QueueItem,
    ReporterView,
    ViolationOut,
    case_out,
    queue_item,
    reporter_view,
    state_label,
    violation_out,
)

__all__ = ["Desk", "DeskApi", "DeskDep", "Me", "PublicApi", "bearer"]

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", required=False, max_length=200),
]
IfMatch = Annotated[str | None, HeaderParameter(name="If-Match", required=False, max_length=40)]


class Desk:
    """What every handler shares: the engine, the settings, the principals and the access rules."""

    def __init__(
        self,
        engine: Engine,
        settings: DeskSettings,
        principals: PrincipalBook,
        default_sop: str,
        sop_ids: Sequence[str] = (),
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.principals = principals
        self.sop_ids = tuple(dict.fromkeys((default_sop, *sop_ids)))
        """Every SOP the desk serves (complaints go to ``default_sop``)."""
        self.access = Access(engine, settings, self.sop_ids)
        self.channels = {
            name: engine.registry.intake(name, config) for name, config in settings.intake.items()
        }
        """The intake channels bound to their configuration (checked now, not on a message)."""
        self.default_sop = default_sop
        """The SOP complaints are filed under when the client names none."""

    def file(
        self, sop_id: str | None, data: dict[str, Any], anonymous: bool, key: str | None
    ) -> Case:
        """Open a case for a member of the public (anonymous: the reporter is a pseudonym)."""
        s = self.settings
        sop = self.engine.sop(sop_id or self.default_sop)
        fields = {f.name for f in sop.definition.fields}
        unknown = sorted(set(data) - fields)
        if unknown:
            raise InvalidCaseData(sop.id, [f"unknown field(s): {', '.join(unknown)}"])
        clean = {k: v for k, v in data.items() if v not in (None, "")}
        if s.channel_field in fields:
            clean.setdefault(s.channel_field, s.channel_web)
        if s.confidentiality_field in fields:
            if anonymous:
                clean[s.confidentiality_field] = s.anonymous_value
            else:
                clean.setdefault(s.confidentiality_field, "biasa")
        if not clean.get(s.reporter_field):
            # a pseudonym: deterministic for an idempotent retry, random otherwise
            clean[s.reporter_field] = "anon-" + (
                secrets.token_hex(8) if key is None else _digest(key)[:16]
            )
        reporter = str(clean[s.reporter_field])
        actor = Actor(reporter, s.reporter_role)
        command = None if key is None else f"public:{key}"
        return self.engine.start(sop.id, clean, actor, command_id=command)

    def filed(self, case: Case) -> Filed:
        sop = self.engine.sop(case.sop_hash)
        return Filed(case.id, case.state, state_label(sop, case.state))


DeskDep = NamedDependency[Desk]
Me = NamedDependency[Principal]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def bearer(request: Request[Any, Any, Any], desk: Desk) -> Principal:
    """The principal of an API request (``Authorization: Bearer TOKEN``)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("send Authorization: Bearer <token>")
    principal = desk.principals.by_token(token.strip())
    if principal is None:
        raise NotAuthenticated("unknown token")
    return principal


def _command_id(p: Principal, key: str | None) -> str | None:
    return None if key is None else f"{p.id}:{key}"


def _expected(if_match: str | None, case_id: str, current: int) -> int | None:
    if if_match is None:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise VersionConflict(case_id, -1, current)
    return int(raw)


def _case_response(desk: Desk, p: Principal, case_id: str, status: int = 200) -> Response[CaseOut]:
    view = desk.access.view(p, case_id)
    available = desk.access.available(p, case_id)
    out = case_out(desk.engine, view, available)
    return Response(out, status_code=status, headers={"ETag": f'"{out.version}"'})


class PublicApi(Controller):
    """What the public may call without a token (rate limited)."""

    path = "/api"

    @post("/complaints", responses=PROBLEMS, sync_to_thread=True, status_code=201)
    def file_complaint(
        self, desk: DeskDep, data: JSONBody[ComplaintIn], idempotency_key: IdempotencyKey = None
    ) -> Filed:
        """File a complaint; the answer carries the tracking ID."""
        return desk.filed(desk.file(data.sop, data.data, data.anonymous, idempotency_key))

    @get("/track/{tracking_id:str}", responses=PROBLEMS, sync_to_thread=True)
    def track(self, desk: DeskDep, tracking_id: str) -> ReporterView:
        """The reporter's view of a complaint by tracking ID."""
        return reporter_view(desk.engine, desk.settings, desk.access.public(tracking_id))


class DeskApi(Controller):
    """What officers call with their API token."""

    path = "/api"

    @get("/queue", responses=PROBLEMS, sync_to_thread=True)
    def queue(self, desk: DeskDep, principal: Me) -> list[QueueItem]:
        """Open cases waiting on the caller's role (and unit), most urgent first."""
        items = [queue_item(desk.engine, desk.settings, c) for c in desk.access.queue(principal)]
        return sorted(
            items, key=lambda i: (i.due_at is None, i.due_at.timestamp() if i.due_at else 0, i.id)
        )

    @get("/cases/{case_id:str}", responses=PROBLEMS, sync_to_thread=True)
    def case(self, desk: DeskDep, principal: Me, case_id: str) -> Response[CaseOut]:
        """The case with its timeline and the events the caller may fire now."""
        return _case_response(desk, principal, case_id)

    @post("/cases/{case_id:str}/events/{event:str}", responses=PROBLEMS, sync_to_thread=True)
    def fire(
        self,
        desk: DeskDep,
        principal: Me,
        case_id: str,
        event: str,
        data: JSONBody[FireIn],
        idempotency_key: IdempotencyKey = None,
        if_match: IfMatch = None,
    ) -> Response[CaseOut]:
        """Fire an event on the case."""
        case = desk.access.writable(principal, case_id)
        desk.engine.fire(
            case_id,
            event,
            desk.access.actor(principal),
            data.data,
            command_id=_command_id(principal, idempotency_key),
            expected_version=_expected(if_match, case_id, case.version),
        )
        return _case_response(desk, principal, case_id)

    @post(
        "/cases/{case_id:str}/deadlines/{deadline:str}/extend",
        responses=PROBLEMS,
        sync_to_thread=True,
    )
    def extend(
        self,
        desk: DeskDep,
        principal: Me,
        case_id: str,
        deadline: str,
        data: JSONBody[ExtendIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CaseOut]:
        """Extend a running deadline within the SOP's allowance, with a reason."""
        desk.access.writable(principal, case_id)
        desk.engine.extend(
            case_id,
            deadline,
            desk.access.actor(principal),
            data.amount,
            data.reason,
            command_id=_command_id(principal, idempotency_key),
        )
        return _case_response(desk, principal, case_id)

    @post("/cases/{case_id:str}/declarations", responses=PROBLEMS, sync_to_thread=True)
    def declare(
        self, desk: DeskDep, principal: Me, case_id: str, data: JSONBody[DeclareIn]
    ) -> Response[CaseOut]:
        """Declare (no) conflict of interest on the case."""
        desk.access.writable(principal, case_id)
        desk.engine.declare(
            case_id,
            desk.access.actor(principal),
            conflict=data.conflict,
            relation=data.relation,
            note=data.note,
        )
        return _case_response(desk, principal, case_id)

    @get("/violations", responses=PROBLEMS, sync_to_thread=True)
    def violations(
        self,
        desk: DeskDep,
        principal: Me,
        case: str | None = None,
        rule: str | None = None,
        unit: str | None = None,
    ) -> list[ViolationOut]:
        """Code-of-ethics violations on the cases the caller may see (oversight roles)."""
        found = desk.access.violations(principal, case_id=case, rule=rule, unit=unit)
        return [violation_out(v) for v in found]

    @post("/intake/{channel:str}", responses=PROBLEMS, sync_to_thread=True, status_code=201)
    def intake(
        self, desk: DeskDep, principal: Me, channel: str, data: JSONBody[MessageIn]
    ) -> Filed:
        """A gateway delivers one message (an SMS to 1708) to an intake channel of the SOP's
        plugin; the answer carries the tracking ID to send back. A refused message is 422
        with the channel's ``reason`` (Indonesian and English) for the sender."""
        desk.access.intake(principal, channel, desk.channels)
        case = desk.engine.intake(
            desk.channels[channel],
            data.text,
            {"sender": data.sender, "message_id": data.message_id},
        )
        return desk.filed(case)

    @get("/report", responses=PROBLEMS, sync_to_thread=True)
    def report(
        self,
        desk: DeskDep,
        principal: Me,
        start: Annotated[date, QueryParameter(name="from")],
        end: Annotated[date, QueryParameter(name="to")],
        unit: str | None = None,
        public: bool = False,
        lang: Literal["id", "en"] = "id",
    ) -> dict[str, Any]:
        """The M&E report of ``[from, to)`` (``to`` exclusive) for the caller's agency: oversight
        roles see every unit (or ``unit``), a unit officer only his own unit's cases."""
        scope = desk.access.report_scope(principal, unit or None)
        if not start < end:
            raise InvalidRequest("'to' must be after 'from' (it is exclusive)")
        return me_report(
            desk.engine,
            start,
            end,
            agency=principal.agency,
            unit=scope,
            lang=lang,
            public=public,
        )
