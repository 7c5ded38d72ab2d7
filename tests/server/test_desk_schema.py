"""Property-based tests of the desk's JSON API with schemathesis over its own OpenAPI 3.1
document: for generated requests (paths, queries, headers and bodies), no 5xx and every
response matching the schema it documents. Bounded (a few examples per operation), on a real
SQLite file holding a case on which generated events are fired.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from sop_engine import SqliteStore  # noqa: E402

from deskkit import COMPLAINT, make_app, token  # noqa: E402

_DB = Path(tempfile.mkdtemp(prefix="desk-schema-")) / "desk.sqlite3"
_STORE = SqliteStore(_DB)
APP, ENGINE, _ = make_app(_STORE)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _close_store() -> object:
    yield None
    _STORE.close()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_responses_match_the_schema(case: object) -> None:
    case.call_and_validate(  # type: ignore[attr-defined]
        headers=token("siti"), checks=[not_a_server_error, response_schema_conformance]
    )


def test_the_document_is_openapi_3_1_with_every_endpoint() -> None:
    paths = set(schema.raw_schema["paths"])
    assert schema.raw_schema["openapi"].startswith("3.1")
    for path in (
        "/api/complaints",
        "/api/track/{tracking_id}",
        "/api/queue",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/events/{event}",
        "/api/cases/{case_id}/deadlines/{deadline}/extend",
        "/api/cases/{case_id}/declarations",
        "/api/violations",
        "/api/report",
        "/api/intake/{channel}",
        "/open311/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
    ):
        assert path in paths, path
    assert COMPLAINT  # the fixture data the generated cases may reuse
