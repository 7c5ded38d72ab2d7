"""The server-rendered pages: complaint form, tracking, officer sign-in, queue, case, oversight.

Officers sign in with their API token once; the page then keeps a signed session cookie. Every
form carries the CSRF token (Litestar's double-submit cookie). htmx (vendored, no CDN) boosts
links and forms; every page also works without JavaScript. Bahasa Indonesia by default,
``?lang=en`` switches to English (kept in a cookie).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from sop_engine import CaseNotFound, SopError, case_diagram, me_report
from sop_engine.server.access import Forbidden
from sop_engine.server.api import DeskDep
from sop_engine.server.principals import Principal
from sop_engine.server.problems import status_of
from sop_engine.server.shapes import (
    case_out,
    colour,
    queue_item,
    reporter_view,
    violation_out,
)
from sop_engine.server.texts import (
    Lang,
    day,
    lang_of,
    month,
    status,
    system_event,
    t,
    when,
)

__all__ = ["SESSION_COOKIE", "Pages"]

SESSION_COOKIE = "sop_session"
Form = URLEncodedBody[dict[str, str]]


def _lang(request: Request[Any, Any, Any]) -> Lang:
    return lang_of(request.query_params.get("lang") or request.cookies.get("lang"))


def _zone(desk: DeskDep | None) -> str:
    """The agency's time zone: the one its (default) SOP's working-day calendar counts in."""
    if desk is None:
        return "Asia/Jakarta"
    return desk.engine.calendar(desk.engine.sop(desk.default_sop)).zone


def _page(
    request: Request[Any, Any, Any],
    name: str,
    code: int = 200,
    principal: Principal | None = None,
    desk: DeskDep | None = None,
    **context: Any,
) -> Template:
    """The page ``name`` in the reader's language: its texts from the catalogue, its dates and
    times through Babel in the agency's time zone (``when``, ``day``), deadline statuses said."""
    lang = _lang(request)
    zone = _zone(desk)
    cookies = []
    if request.query_params.get("lang") in ("id", "en"):
        from litestar.datastructures import Cookie

        cookies.append(Cookie("lang", lang, httponly=True, samesite="lax"))
    return Template(
        name,
        context={
            "lang": lang,
            "t": lambda key: t(lang, key),
            "when": lambda instant: when(instant, lang, zone),
            "day": lambda instant: day(instant, lang, zone),
            "status": lambda value: status(lang, value),
            "system_event": lambda event: system_event(lang, event),
            "me": principal,
            **context,
        },
        status_code=code,
        cookies=cookies,
    )


def _coerce(kind: str, raw: str) -> Any:
    """A form value as the SOP field's type wants it."""
    if kind == "bool":
        return raw.lower() in ("1", "true", "on", "ya", "yes")
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    return raw


def _event_data(desk: DeskDep, case_id: str, event: str, form: Mapping[str, str]) -> dict[str, Any]:
    sop = desk.engine.sop(desk.engine.get(case_id).sop_hash)
    spec = next((e for e in sop.definition.events if e.name == event), None)
    out: dict[str, Any] = {}
    for f in spec.data if spec is not None else ():
        raw = form.get(f.name, "")
        if raw == "" and f.type != "bool":
            continue
        try:
            out[f.name] = _coerce(str(f.type), raw)
        except ValueError:
            out[f.name] = raw  # the engine names the bad value
    return out


class Pages(Controller):
    include_in_schema = False

    def _me(self, request: Request[Any, Any, Any], desk: DeskDep) -> Principal | None:
        return desk.principals.from_session(
            request.cookies.get(SESSION_COOKIE), desk.engine.clock.now()
        )

    @get("/")
    async def home(self) -> Redirect:
        return Redirect("/file")

    @get("/file", sync_to_thread=False)
    def file_form(self, request: Request[Any, Any, Any], desk: DeskDep) -> Template:
        sop = desk.engine.sop(desk.default_sop)
        fields = [
            f for name in desk.settings.form_fields for f in sop.definition.fields if f.name == name
        ]
        return _page(request, "file.html", fields=fields, error=None, values={})

    @post("/file", sync_to_thread=True)
    def file(self, request: Request[Any, Any, Any], desk: DeskDep, data: Form) -> Template:
        sop = desk.engine.sop(desk.default_sop)
        fields = [
            f for name in desk.settings.form_fields for f in sop.definition.fields if f.name == name
        ]
        values = {f.name: data.get(f.name, "") for f in fields}
        reporter = data.get("reporter", "").strip()
        if reporter:
            values[desk.settings.reporter_field] = reporter
        try:
            case = desk.file(None, values, data.get("anonymous") in ("on", "1", "true"), None)
        except SopError as e:
            return _page(
                request,
                "file.html",
                status_of(e),
                fields=fields,
                error=e.message(_lang(request)),
                values=values,
            )
        return _page(request, "filed.html", 201, tracking_id=case.id)

    @get("/track", sync_to_thread=True)
    def track(self, request: Request[Any, Any, Any], desk: DeskDep, id: str = "") -> Template:
        if not id:
            return _page(request, "track.html", view=None, missing=False)
        try:
            view = reporter_view(desk.engine, desk.settings, desk.access.public(id.strip()))
        except CaseNotFound:
            return _page(request, "track.html", 404, view=None, missing=True, asked=id)
        return _page(request, "track.html", desk=desk, view=view, missing=False, asked=id)

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template:
        return _page(request, "login.html", error=None)

    @post("/login", sync_to_thread=False)
    def login(self, request: Request[Any, Any, Any], desk: DeskDep, data: Form) -> Response[Any]:
        principal = desk.principals.by_token(data.get("token", "").strip())
        if principal is None:
            return _page(request, "login.html", 401, error=t(_lang(request), "bad_token"))
        redirect = Redirect("/queue")
        redirect.set_cookie(
            SESSION_COOKIE,
            desk.principals.session(
                principal, desk.settings.session_hours, desk.engine.clock.now()
            ),
            httponly=True,
            samesite="strict",
            max_age=int(desk.settings.session_hours * 3600),
        )
        return redirect

    @post("/logout", sync_to_thread=False)
    def logout(self) -> Response[Any]:
        redirect = Redirect("/login")
        redirect.delete_cookie(SESSION_COOKIE)
        return redirect

    @get("/queue", sync_to_thread=True)
    def queue(self, request: Request[Any, Any, Any], desk: DeskDep) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")
        items = [queue_item(desk.engine, desk.settings, c) for c in desk.access.queue(me)]
        items.sort(key=lambda i: (i.due_at is None, i.due_at.timestamp() if i.due_at else 0))
        return _page(request, "queue.html", principal=me, desk=desk, items=items)

    def _case_page(
        self,
        request: Request[Any, Any, Any],
        desk: DeskDep,
        me: Principal,
        case_id: str,
        status: int = 200,
        error: str | None = None,
        done: bool = False,
    ) -> Template:
        view = desk.access.view(me, case_id)
        available = desk.access.available(me, case_id)
        out = case_out(desk.engine, view, available)
        sop = desk.engine.sop(view.case.sop_hash)
        labels = {f.name: f.label for f in sop.definition.fields}
        events = {e.name: e.label for e in sop.definition.events}
        state_labels = {s.name: s.label for s in sop.definition.states}
        path = [e.target for e in view.history if e.target is not None]
        try:
            diagram: str | None = case_diagram(
                desk.engine, case_id, viewer=desk.access.actor(me), lang=_lang(request)
            )
        except SopError:  # no pygraphviz: the page lists the states with the case's path
            diagram = None
        return _page(
            request,
            "case.html",
            status,
            principal=me,
            desk=desk,
            case=out,
            labels=labels,
            events=events,
            state_labels=state_labels,
            states=sop.definition.states,
            path=path,
            diagram=diagram,
            error=error,
            done=done,
        )

    @get("/cases/{case_id:str}", sync_to_thread=True)
    def case(self, request: Request[Any, Any, Any], desk: DeskDep, case_id: str) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")
        try:
            return self._case_page(request, desk, me, case_id)
        except CaseNotFound:
            return _page(request, "missing.html", 404, principal=me)

    @post("/cases/{case_id:str}/fire/{event:str}", sync_to_thread=True)
    def fire(
        self, request: Request[Any, Any, Any], desk: DeskDep, case_id: str, event: str, data: Form
    ) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")

        def act() -> None:
            case = desk.access.writable(me, case_id)
            payload = _event_data(desk, case_id, event, data)
            version = data.get("_version", "")
            desk.engine.fire(
                case_id,
                event,
                desk.access.actor(me),
                payload,
                command_id=f"{me.id}:{data['_command']}" if data.get("_command") else None,
                expected_version=int(version) if version.isdigit() else case.version,
            )

        return self._act(request, desk, me, case_id, act)

    @post("/cases/{case_id:str}/extend/{deadline:str}", sync_to_thread=True)
    def extend(
        self,
        request: Request[Any, Any, Any],
        desk: DeskDep,
        case_id: str,
        deadline: str,
        data: Form,
    ) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")

        def act() -> None:
            desk.access.writable(me, case_id)
            try:
                amount = float(data.get("amount", ""))
            except ValueError:
                amount = -1.0
            desk.engine.extend(
                case_id, deadline, desk.access.actor(me), amount, data.get("reason", "")
            )

        return self._act(request, desk, me, case_id, act)

    @post("/cases/{case_id:str}/declare", sync_to_thread=True)
    def declare(
        self, request: Request[Any, Any, Any], desk: DeskDep, case_id: str, data: Form
    ) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")

        def act() -> None:
            desk.access.writable(me, case_id)
            desk.engine.declare(
                case_id,
                desk.access.actor(me),
                conflict=data.get("conflict") == "yes",
                relation=data.get("relation", ""),
            )

        return self._act(request, desk, me, case_id, act)

    def _act(
        self,
        request: Request[Any, Any, Any],
        desk: DeskDep,
        me: Principal,
        case_id: str,
        act: Any,
    ) -> Response[Any]:
        try:
            act()
        except CaseNotFound:
            return _page(request, "missing.html", 404, principal=me)
        except (SopError, ValueError) as e:
            code = status_of(e) if isinstance(e, SopError) else 422
            said = e.message(_lang(request)) if isinstance(e, SopError) else str(e)
            return self._case_page(request, desk, me, case_id, code, error=said)
        return self._case_page(request, desk, me, case_id, done=True)

    @get("/oversight", sync_to_thread=True)
    def oversight(self, request: Request[Any, Any, Any], desk: DeskDep) -> Response[Any]:
        me = self._me(request, desk)
        if me is None:
            return Redirect("/login")
        try:
            violations = [violation_out(v) for v in desk.access.violations(me)]
            overseen = [queue_item(desk.engine, desk.settings, c) for c in desk.access.overseen(me)]
        except Forbidden:
            return _page(request, "forbidden.html", 403, principal=me)
        by_unit: dict[str, int] = {}
        for item in overseen:
            by_unit[item.unit or "-"] = by_unit.get(item.unit or "-", 0) + 1
        levels = {
            c.id: max((d.level for d in c.deadlines), default=0) for c in desk.access.overseen(me)
        }
        sop = desk.engine.sop(desk.default_sop)
        today = desk.engine.calendar(sop).local_date(desk.engine.clock.now())
        first = today.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        figures = me_report(
            desk.engine,
            first,
            after,
            agency=me.agency,
            unit=desk.access.report_scope(me, None),
            lang=_lang(request),
        )
        return _page(
            request,
            "oversight.html",
            principal=me,
            desk=desk,
            month=month(first, _lang(request)),
            figures=figures,
            violations=violations,
            overseen=overseen,
            levels=levels,
            by_unit=sorted(by_unit.items()),
            colour=colour,
        )
