"""``sop serve``: an HTTP complaint desk on the public API of :mod:`sop_engine`.

An agency that embeds the engine in its own web application can copy this package: it uses only
what ``sop_engine`` exports. Needs the optional extra: ``pip install 'sop-engine[server]'``.

- ``/api``: the JSON API (OpenAPI 3.1 at ``/schema/openapi.json``), problem+json errors;
- ``/``: server-rendered pages for reporters and officers (htmx vendored, no CDN);
- every authorisation decision is in :mod:`sop_engine.server.access`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import LitestarDeprecationWarning
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from sop_engine import Engine
from sop_engine.server.api import Desk, DeskApi, PublicApi, bearer
from sop_engine.server.open311 import Open311
from sop_engine.server.pages import Pages
from sop_engine.server.principals import Principal, PrincipalBook, hash_token, new_token
from sop_engine.server.problems import exception_handlers
from sop_engine.server.settings import DeskSettings

__all__ = [
    "Desk",
    "DeskSettings",
    "Principal",
    "PrincipalBook",
    "create_app",
    "hash_token",
    "new_token",
]

_HERE = Path(__file__).parent
PUBLIC_PATHS = (
    "/api/complaints",
    "/api/track/",
    "/open311/",
    "/file",
    "/track",
    "/login",
)
"""Endpoints anyone may call: rate limited per client address."""


def create_app(
    engine: Engine,
    principals: PrincipalBook,
    *,
    settings: DeskSettings | None = None,
    sop_id: str | None = None,
    sop_ids: Sequence[str] = (),
    debug: bool = False,
) -> Litestar:
    """The desk as an ASGI application over ``engine`` (whose SOPs are already loaded).

    ``sop_id`` names the SOP public complaints are filed under (required when the engine has
    more than one SOP the desk should accept); ``sop_ids`` names every SOP the desk serves
    (officers see the cases of these SOPs of their agency; default: ``sop_id`` only).
    """
    settings = settings or DeskSettings()
    if sop_id is None:
        raise ValueError("create_app needs sop_id: the SOP public complaints are filed under")
    engine.sop(sop_id)  # UnknownSop now, not on the first complaint
    desk = Desk(engine, settings, principals, sop_id, sop_ids)

    async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
        return bearer(request, desk)

    def public(request: Request[Any, Any, Any]) -> bool:
        path = request.url.path
        return request.method in ("POST", "GET") and any(path.startswith(p) for p in PUBLIC_PATHS)

    middleware = []
    if settings.rate_limit > 0:
        middleware.append(
            RateLimitConfig(
                rate_limit=("minute", settings.rate_limit), check_throttle_handler=public
            ).middleware
        )
    with warnings.catch_warnings():
        # Litestar 2.25 announces its 3.0 spellings (FromPath, FromQuery ...) as deprecation
        # warnings while it builds the handlers; the 2.x spellings used here work until 3.0.
        warnings.simplefilter("ignore", LitestarDeprecationWarning)
        return _app(desk, settings, provide_principal, middleware, debug)


def _app(
    desk: Desk,
    settings: DeskSettings,
    provide_principal: Any,
    middleware: list[Any],
    debug: bool,
) -> Litestar:
    return Litestar(
        route_handlers=[
            PublicApi,
            DeskApi,
            Open311,
            Pages,
            create_static_files_router(path="/static", directories=[_HERE / "static"]),
        ],
        dependencies={
            "desk": Provide(lambda: desk, use_cache=True, sync_to_thread=False),
            "principal": Provide(provide_principal),
        },
        exception_handlers=exception_handlers,
        csrf_config=CSRFConfig(
            secret=settings.secret,
            cookie_httponly=True,
            exclude=["/api", "/open311", "/schema"],
        ),
        middleware=middleware,
        template_config=TemplateConfig(directory=_HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="sop_engine complaint desk",
            version="1",
            components=Components(
                security_schemes={"token": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"token": []}],
        ),
        debug=debug,
    )
