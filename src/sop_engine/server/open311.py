"""Open311 GeoReport v2 under ``/open311``: the desk's complaints for civic-tech clients.

What maps to what (see docs/desk.md, "Open311"):

- **services**: each value of the SOP's classification field (LAPOR!: ``klasifikasi`` =
  pengaduan, aspirasi, permintaan_informasi) is a service; so is each category listed in the
  desk's ``service_categories`` (code ``kategori-<slug>``, group ``kategori``). A service
  definition's attributes are the complaint form's fields that Open311 has no standard
  parameter for (``judul``, ``tanggal_kejadian`` ...), typed as GeoReport datatypes.
- **POST requests**: ``description`` -> the account field (``kronologi``), ``address_string``
  (or ``lat``/``long``) -> the location field, ``attribute[NAME]`` -> the case field NAME. Every
  Open311 complaint is filed **anonim**: the name, e-mail or phone a client sends is kept as
  the reporter's identity, which only the roles the SOP allows ever see. ``api_key`` is not
  needed (the endpoint is public and rate limited like the complaint form).
- **GET requests / requests/{id}**: every case, as the **outward view** of the engine
  (:meth:`Engine.view` with no viewer: an ``anonim`` reporter never named, a ``rahasia`` case's
  content withheld). ``status`` is ``open``/``closed`` (the SOP's final states are closed);
  ``extended_statuses=true`` gives FixMyStreet's vocabulary instead (``in_progress``,
  ``action_scheduled``, ``investigating``, ``not_councils_responsibility``, ``duplicate``,
  ``no_further_action``, ``internal_referral``, ``fixed``), mapped from the SOP's states by the
  desk's ``open311_statuses``. ``expected_datetime`` is the earliest running deadline (counted
  in the SOP's working days), ``status_notes`` the latest published response.
- **paging** (the common extension): ``page`` (from 1) and ``page_size`` (default 50, at most
  1000), newest first; without dates the last 90 days, as the spec asks.
- errors are GeoReport's ``[{"code": STATUS, "description": "..."}]`` with that HTTP status.

JSON only (the ``.json`` suffix; ``.xml`` is answered 400 naming the supported format).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import URLEncodedBody

from sop_engine import Case, CaseNotFound, CaseQuery, CompiledSop, SopError
from sop_engine.server.api import DeskDep
from sop_engine.server.problems import GEOREPORT_ERRORS, status_of
from sop_engine.server.shapes import json_value, next_due, reporter_view
from sop_engine.server.texts import t

__all__ = ["Open311", "Open311Error", "service_codes", "status_of_state"]

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
DEFAULT_WINDOW = timedelta(days=90)
_STANDARD = ("first_name", "last_name", "email", "phone", "description", "address_string")
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z_][A-Za-z0-9_]{0,63})\]$")
CLOSED_EXTENDED = frozenset(
    {
        "fixed",
        "not_councils_responsibility",
        "duplicate",
        "no_further_action",
        "internal_referral",
        "closed",
    }
)


class Open311Error(Exception):
    """A refusal in GeoReport's error format (``[{"code", "description"}]``)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    if isinstance(error, Open311Error):
        code, text = error.code, error.description
    elif isinstance(error, CaseNotFound):
        code, text = 404, "no service request with this id"
    elif isinstance(error, SopError):
        code, text = status_of(error), str(error)
    elif isinstance(error, HTTPException):
        code, text = error.status_code, str(error.detail)
    else:  # pragma: no cover - Litestar routes everything else to the app's handlers
        code, text = 500, "server error"
    return Response([{"code": code, "description": text}], status_code=code)


def _json(name: str) -> str:
    """The resource name without its ``.json`` suffix; any other format is refused."""
    stem, dot, fmt = name.rpartition(".")
    if not dot:
        return name
    if fmt != "json":
        raise Open311Error(400, f"format {fmt!r} is not supported; use .json")
    return stem


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "lain"


def _name(value: str) -> str:
    return value.replace("_", " ").capitalize()


def service_codes(desk: Any, sop: CompiledSop) -> dict[str, tuple[str, str, str]]:
    """service_code -> (service_name, group, (field, value) as ``field=value``) of the desk."""
    s = desk.settings
    out: dict[str, tuple[str, str, str]] = {}
    for f in sop.definition.fields:
        if f.name == s.classification_field:
            for v in f.values:
                out[str(v)] = (_name(str(v)), s.classification_field, f"{f.name}={v}")
    for category in s.service_categories:
        out[f"kategori-{_slug(category)}"] = (
            category,
            "kategori",
            f"{s.category_field}={category}",
        )
    return out


def status_of_state(desk: Any, sop: CompiledSop, case: Case, extended: bool) -> str:
    """``open``/``closed`` (final states are closed), or FixMyStreet's extended status."""
    closed = case.state in sop.finals
    if not extended:
        return "closed" if closed else "open"
    field, _, value = desk.settings.open311_duplicate.partition("=")
    if closed and field and str(case.data.get(field)) == value:
        return "duplicate"
    mapped = desk.settings.open311_statuses.get(case.state)
    if mapped:
        return str(mapped)
    return "fixed" if closed else "open"


def _datatype(kind: str, values: tuple[Any, ...]) -> str:
    if values or kind == "bool":
        return "singlevaluelist"
    return {
        "date": "datetime",
        "datetime": "datetime",
        "number": "number",
        "integer": "number",
    }.get(kind, "string")


def _instant(raw: str, name: str) -> datetime:
    try:
        at = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be an ISO 8601 date-time, got {raw[:40]!r}") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _int(raw: str | None, name: str, default: int, high: int) -> int:
    if raw in (None, ""):
        return default
    assert raw is not None
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {high}")
    return int(raw)


def _csv(raw: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (raw or "").split(",") if x.strip())


class Open311(Controller):
    """GeoReport v2: discovery, services, service definitions, requests."""

    path = "/open311"
    exception_handlers = {  # noqa: RUF012 - Litestar reads it as a class attribute
        Open311Error: _error,
        SopError: _error,
        HTTPException: _error,
    }
    tags = ["Open311 GeoReport v2"]  # noqa: RUF012

    @get("/discovery.json", responses=GEOREPORT_ERRORS, sync_to_thread=False)
    def discovery(self, request: Request[Any, Any, Any], desk: DeskDep) -> dict[str, Any]:
        """Service discovery: where the GeoReport v2 endpoint is and what it speaks."""
        sop = desk.engine.sop(desk.default_sop)
        base = str(request.base_url).rstrip("/")
        return {
            "changeset": sop.definition.meta.version,
            "contact": sop.definition.meta.agency,
            "key_service": "not needed: requests are public and rate limited",
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": f"{base}/open311/v2",
                    "changeset": sop.definition.meta.version,
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }

    @get("/v2/services.json", responses=GEOREPORT_ERRORS, sync_to_thread=False)
    def services(self, desk: DeskDep) -> list[dict[str, Any]]:
        """``services.json``: the services (the SOP's classifications and categories)."""
        sop = desk.engine.sop(desk.default_sop)
        attributes = bool(self._attributes(desk, sop))
        return [
            {
                "service_code": code,
                "service_name": name,
                "description": f"{sop.definition.meta.title.id} ({sop.definition.meta.agency})",
                "metadata": attributes,
                "type": "realtime",
                "keywords": group,
                "group": group,
            }
            for code, (name, group, _) in service_codes(desk, sop).items()
        ]

    @get(
        "/v2/{resource:str}",
        responses=GEOREPORT_ERRORS,
        sync_to_thread=False,
        include_in_schema=False,
    )
    def other(self, resource: str) -> None:
        """Any other resource or format: 400 for a format other than JSON, else 404."""
        _json(resource)
        raise Open311Error(404, f"no resource {resource!r}")

    @staticmethod
    def _attributes(desk: Any, sop: CompiledSop) -> list[dict[str, Any]]:
        s = desk.settings
        standard = {s.description_field, s.location_field}
        fields = {f.name: f for f in sop.definition.fields}
        out = []
        for order, name in enumerate(s.form_fields, start=1):
            f = fields.get(name)
            if f is None or name in standard:
                continue
            values = tuple(f.values) or (("true", "false") if str(f.type) == "bool" else ())
            out.append(
                {
                    "variable": True,
                    "code": name,
                    "datatype": _datatype(str(f.type), tuple(f.values)),
                    "required": bool(f.required),
                    "datatype_description": str(f.type),
                    "order": order,
                    "description": f.label.get("id") if f.label is not None else name,
                    "values": [{"key": str(v), "name": _name(str(v))} for v in values],
                }
            )
        return out

    @get("/v2/services/{resource:str}", responses=GEOREPORT_ERRORS, sync_to_thread=False)
    def definition(self, desk: DeskDep, resource: str) -> dict[str, Any]:
        """``services/{service_code}.json``: the attributes a request of this service takes."""
        code = _json(resource)
        sop = desk.engine.sop(desk.default_sop)
        if code not in service_codes(desk, sop):
            raise Open311Error(404, f"no service {code!r}")
        return {"service_code": code, "attributes": self._attributes(desk, sop)}

    @post("/v2/requests.json", responses=GEOREPORT_ERRORS, sync_to_thread=True, status_code=201)
    def create(self, desk: DeskDep, data: URLEncodedBody[dict[str, str]]) -> list[dict[str, Any]]:
        """``requests.json``: file a complaint (always anonim; see the module text)."""
        s = desk.settings
        sop = desk.engine.sop(desk.default_sop)
        services = service_codes(desk, sop)
        code = (data.get("service_code") or "").strip()
        if code not in services:
            raise Open311Error(400, f"service_code must be one of {sorted(services)}")
        lat, long = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
        address = (data.get("address_string") or "").strip()
        if not address and not (lat and long):
            raise Open311Error(400, "a location is required: lat and long, or address_string")
        if lat and long:
            try:
                la, lo = float(lat), float(long)
            except ValueError:
                raise Open311Error(400, "lat and long must be decimal degrees") from None
            if not (-90 <= la <= 90 and -180 <= lo <= 180):
                raise Open311Error(400, "lat must be -90..90 and long -180..180")
            address = f"{address} ({la:.6f}, {lo:.6f})".strip()
        fields = {f.name for f in sop.definition.fields}
        case_data: dict[str, Any] = {}
        for key, value in data.items():
            m = _ATTRIBUTE.match(key)
            if m is None:
                continue
            if m.group(1) not in fields or m.group(1) in (s.reporter_field,):
                raise Open311Error(400, f"unknown attribute {m.group(1)!r}")
            if value.strip():
                case_data[m.group(1)] = value.strip()
        field, _, value = services[code][2].partition("=")
        case_data[field] = value
        description = (data.get("description") or "").strip()
        if description:
            case_data[s.description_field] = description
        case_data[s.location_field] = address
        if not case_data.get(s.title_field):
            first = (description or address).splitlines()[0] if (description or address) else ""
            case_data[s.title_field] = first[:80] or services[code][0]
        who = " ".join(
            x for x in ((data.get("first_name") or ""), (data.get("last_name") or "")) if x.strip()
        ).strip()
        contact = who or (data.get("email") or "").strip() or (data.get("phone") or "").strip()
        if contact:
            case_data[s.reporter_field] = contact
        case = desk.file(None, case_data, True, None)
        return [
            {
                "service_request_id": case.id,
                "service_notice": t("id", "open311_notice"),
                "account_id": None,
            }
        ]

    @get("/v2/requests/{resource:str}", responses=GEOREPORT_ERRORS, sync_to_thread=True)
    def one(
        self, desk: DeskDep, resource: str, extended_statuses: bool = False
    ) -> list[dict[str, Any]]:
        """``requests/{service_request_id}.json``: one request (a one-item list, as the spec)."""
        case_id = _json(resource)
        return [self._request(desk, case_id, extended_statuses)]

    @get("/v2/requests.json", responses=GEOREPORT_ERRORS, sync_to_thread=True)
    def many(
        self,
        request: Request[Any, Any, Any],
        desk: DeskDep,
        extended_statuses: bool = False,
    ) -> list[dict[str, Any]]:
        """``requests.json``: requests by id, service, status and period, newest first, paged."""
        q = request.query_params
        page = _int(q.get("page"), "page", 1, 1_000_000)
        size = _int(q.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        ids = _csv(q.get("service_request_id"))
        if ids:
            out = []
            for case_id in ids[:MAX_PAGE_SIZE]:
                try:
                    out.append(self._request(desk, case_id, extended_statuses))
                except CaseNotFound:
                    continue
            return out
        sop = desk.engine.sop(desk.default_sop)
        services = service_codes(desk, sop)
        codes = _csv(q.get("service_code"))
        unknown = sorted(set(codes) - set(services))
        if unknown:
            raise Open311Error(400, f"unknown service_code {unknown}; known: {sorted(services)}")
        statuses = _csv(q.get("status"))
        now = desk.engine.clock.now()
        end = _instant(q["end_date"], "end_date") if q.get("end_date") else None
        start = _instant(q["start_date"], "start_date") if q.get("start_date") else None
        if start is None and end is None:
            start = now - DEFAULT_WINDOW
        if start is not None and end is not None and end < start:
            raise Open311Error(400, "end_date is before start_date")
        wanted = {services[c][2] for c in codes}
        rows = self._rows(desk, sop)
        out = []
        skip = (page - 1) * size
        for case_id in reversed(rows):
            case = desk.engine.get(case_id)
            history = desk.engine.history(case_id)
            at = history[0].at if history else now
            if end is not None and at >= end:
                continue
            if start is not None and at < start:
                break  # newest first: everything after is older
            if wanted and not any(
                str(case.data.get(w.partition("=")[0])) == w.partition("=")[2] for w in wanted
            ):
                continue
            case_sop = desk.engine.sop(case.sop_hash)
            if statuses and not {
                status_of_state(desk, case_sop, case, False),
                status_of_state(desk, case_sop, case, True),
            } & set(statuses):
                continue
            if skip:
                skip -= 1
                continue
            out.append(self._request(desk, case_id, extended_statuses))
            if len(out) >= size:
                break
        return out

    @staticmethod
    def _rows(desk: Any, sop: CompiledSop) -> list[str]:
        """Ids of the cases of the desk's SOPs, oldest first (the engine's index)."""
        out: list[str] = []
        offset = 0
        query = CaseQuery(sop_ids=desk.sop_ids, limit=1000)
        while True:
            page = desk.engine.cases(
                CaseQuery(sop_ids=query.sop_ids, limit=1000, offset=offset),
                agency=sop.definition.meta.agency,
            )
            out += [r.case_id for r in page]
            if len(page) < 1000:
                return out
            offset += 1000

    @staticmethod
    def _request(desk: Any, case_id: str, extended: bool) -> dict[str, Any]:
        """One case as a GeoReport service request, from the engine's outward view."""
        s = desk.settings
        try:
            view = desk.access.public(case_id)
        except CaseNotFound:
            raise Open311Error(404, "no service request with this id") from None
        case = view.case
        sop = desk.engine.sop(case.sop_hash)
        if sop.id not in desk.sop_ids:
            raise Open311Error(404, "no service request with this id")
        public = reporter_view(desk.engine, s, view)
        services = service_codes(desk, sop)
        code = next(
            (
                c
                for c, (_, _, w) in services.items()
                if str(case.data.get(w.partition("=")[0])) == w.partition("=")[2]
                and w.partition("=")[0] == s.category_field
            ),
            None,
        ) or next(
            (
                c
                for c, (_, _, w) in services.items()
                if str(case.data.get(w.partition("=")[0])) == w.partition("=")[2]
            ),
            None,
        )
        text = case.data.get(s.description_field) or case.data.get(s.title_field)
        due = next_due(case) if case.state not in sop.finals else None
        return {
            "service_request_id": case.id,
            "status": status_of_state(desk, sop, case, extended),
            "status_notes": public.responses[-1].text if public.responses else None,
            "service_name": services[code][0] if code else None,
            "service_code": code,
            "description": None if text is None else json_value(text),
            "agency_responsible": sop.definition.meta.agency,
            "service_notice": None,
            "requested_datetime": _iso(public.filed_at),
            "updated_datetime": _iso(public.updated_at),
            "expected_datetime": _iso(due) if due else None,
            "address": json_value(case.data.get(s.location_field)),
            "address_id": None,
            "zipcode": None,
            "lat": None,
            "long": None,
            "media_url": None,
        }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
