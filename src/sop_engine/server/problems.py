"""RFC 9457 problem details for every refusal: the engine's error type, its HTTP status, and
what a client needs to act on it (guard reasons, the rule broken, the current version).

``type`` is a relative URI naming the engine's error class (``/problems/GuardRejected``), so a
client can switch on it; ``error`` carries the same name as a plain member.
"""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from sop_engine import (
    CaseNotFound,
    CommandIdReused,
    EthicsViolation,
    EventNotAllowed,
    ExtensionFailed,
    ExtensionRefused,
    GuardRejected,
    IntakeRejected,
    InvalidCaseData,
    InvalidEventData,
    LeaseLost,
    RoleNotPermitted,
    SopError,
    SopValidationError,
    StoreUnavailable,
    UnknownEvent,
    UnknownSop,
    VersionConflict,
)
from sop_engine.server.access import Forbidden, UnknownChannel
from sop_engine.server.texts import N_, Lang, lang_of, say

__all__ = [
    "GEOREPORT_ERRORS",
    "PROBLEM",
    "PROBLEMS",
    "GeoReportError",
    "NotAuthenticated",
    "Problem",
    "exception_handlers",
    "problem",
    "request_lang",
]

PROBLEM = "application/problem+json"

_STATUS: tuple[tuple[type[SopError], int], ...] = (
    (CaseNotFound, 404),
    (UnknownSop, 404),
    (UnknownEvent, 404),
    (VersionConflict, 412),
    (CommandIdReused, 422),
    (RoleNotPermitted, 403),
    (EthicsViolation, 403),
    (GuardRejected, 409),
    (EventNotAllowed, 409),
    (ExtensionRefused, 409),
    (InvalidEventData, 422),
    (InvalidCaseData, 422),
    (IntakeRejected, 422),
    (SopValidationError, 422),
    (StoreUnavailable, 503),
    (LeaseLost, 503),
    (ExtensionFailed, 502),
)
"""Engine error -> HTTP status; the first match wins (subclasses before their bases)."""

_TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Authentication required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    409: N_("Not possible now"),
    412: N_("The case has changed"),
    422: N_("Unprocessable data"),
    429: N_("Too many requests"),
    500: N_("Server error"),
    502: N_("A plugin failed"),
    503: N_("Database unavailable"),
}
"""HTTP status -> a problem's ``title`` (a message id, said in the request's language)."""
_ERROR = N_("Error")


@attrs.define
class Problem:
    """An RFC 9457 problem (``application/problem+json``); members beyond these depend on
    ``error`` (``reasons``, ``available``, ``problems``, ``expected``/``actual`` ...)."""

    type: str
    title: str
    status: int
    detail: str
    error: str


@attrs.define
class GeoReportError:
    """One Open311 GeoReport error (the body is a list of them)."""

    code: int
    description: str


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, description=description, media_type=PROBLEM, generate_examples=False
    )


PROBLEMS: dict[int, ResponseSpec] = {
    400: _spec("The request does not match this document (InvalidRequest)"),
    401: _spec("No valid API token (NotAuthenticated)"),
    403: _spec("RoleNotPermitted, EthicsViolation or Forbidden"),
    404: _spec("CaseNotFound (also a case the caller may not see), UnknownSop, UnknownEvent"),
    409: _spec("GuardRejected, EventNotAllowed, ExtensionRefused"),
    412: _spec("VersionConflict (If-Match)"),
    422: _spec("InvalidEventData, InvalidCaseData, IntakeRejected, CommandIdReused"),
    429: _spec("Rate limit of the public endpoints"),
    503: _spec("StoreUnavailable"),
}
"""The problem responses every JSON API operation documents in the OpenAPI document."""

GEOREPORT_ERRORS: dict[int, ResponseSpec] = {
    status: ResponseSpec(
        data_container=list[GeoReportError], description=text, generate_examples=False
    )
    for status, text in (
        (400, "A parameter is missing or invalid (GeoReport error list)"),
        (404, "No such service or service request (GeoReport error list)"),
        (422, "The complaint cannot be filed (GeoReport error list)"),
    )
}
"""The GeoReport error responses the Open311 operations document."""


class NotAuthenticated(Exception):
    """No valid API token (or session) came with a request that needs one."""


def status_of(error: SopError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def request_lang(request: Request[Any, Any, Any] | None) -> Lang:
    """The language a client asked for: ``?lang=``, the desk's ``lang`` cookie, then the first
    language of ``Accept-Language``; Bahasa Indonesia otherwise (the desk's default)."""
    if request is None:
        return "id"
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked is None:
        first = request.headers.get("accept-language", "").split(",")[0]
        asked = first.split(";")[0].strip().lower()[:2]
    return lang_of(asked)


def problem(
    status: int,
    kind: str,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    lang: Lang = "id",
    **extra: Any,
) -> Response[dict[str, Any]]:
    """A problem+json response. ``type`` and ``error`` name the error for a program (stable in
    every language); ``title`` says its HTTP status in ``lang`` for a person."""
    body: dict[str, Any] = {
        "type": f"/problems/{kind}",
        "title": say(lang, _TITLES.get(status, _ERROR)),
        "status": status,
        "detail": detail,
        "error": kind,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def _extra(error: SopError) -> dict[str, Any]:
    """What a client acts on, by error type."""
    out: dict[str, Any] = {}
    for name in ("case_id", "state", "event"):
        value = getattr(error, name, None)
        if value not in (None, ""):
            out[name] = str(value)
    if isinstance(error, GuardRejected):
        out["reasons"] = [
            {"guard": str(guard), "id": text.id, "en": text.en or text.id}
            for guard, text in error.reasons
        ]
    if isinstance(error, EthicsViolation):
        out["rule"] = error.breach.rule
        out["severity"] = error.breach.severity
    if isinstance(error, VersionConflict):
        out["expected"] = error.expected
        out["actual"] = error.actual
    if isinstance(error, UnknownEvent | EventNotAllowed):
        out["available"] = list(error.available)
    if isinstance(error, InvalidEventData | InvalidCaseData):
        out["problems"] = list(error.problems)
    if isinstance(error, IntakeRejected):
        out["channel"] = error.channel
        out["reason"] = {"id": error.reason.id, "en": error.reason.en or error.reason.id}
    if isinstance(error, SopValidationError):
        out["codes"] = sorted({f.code for f in error.findings})
    return out


def _sop_error(request: Request[Any, Any, Any], error: SopError) -> Response[dict[str, Any]]:
    # `detail` is the English (RFC 9457's human-readable text); `detail_id` the same in Bahasa
    # Indonesia, for a client that shows it to an officer or a reporter
    return problem(
        status_of(error),
        type(error).__name__,
        str(error),
        lang=request_lang(request),
        detail_id=error.message("id"),
        **_extra(error),
    )


def _not_authenticated(
    request: Request[Any, Any, Any], error: NotAuthenticated
) -> Response[dict[str, Any]]:
    return problem(
        401,
        "NotAuthenticated",
        str(error),
        headers={"WWW-Authenticate": 'Bearer realm="sop"'},
        lang=request_lang(request),
    )


def _forbidden(request: Request[Any, Any, Any], error: Forbidden) -> Response[dict[str, Any]]:
    return problem(
        403, "Forbidden", f"this principal may not use {error.what}", lang=request_lang(request)
    )


def _unknown_channel(
    request: Request[Any, Any, Any], error: UnknownChannel
) -> Response[dict[str, Any]]:
    return problem(404, "UnknownChannel", str(error), lang=request_lang(request))


def _http(request: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationException) and error.extra:
        extra["problems"] = error.extra
    kind = "InvalidRequest" if error.status_code == 400 else type(error).__name__
    return problem(
        error.status_code,
        kind,
        str(error.detail),
        headers=error.headers,
        lang=request_lang(request),
        **extra,
    )


exception_handlers: ExceptionHandlersMap = {
    SopError: _sop_error,
    NotAuthenticated: _not_authenticated,
    Forbidden: _forbidden,
    UnknownChannel: _unknown_channel,
    HTTPException: _http,
}
