"""The complaint desk under test: the real app on a real SQLite file or the real PostgreSQL
server the session starts, a simulated clock, and officers of two units with API tokens.

Imported by the desk's test modules (fixtures are re-exported there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from sop_engine import Engine, SimulatedClock, SqliteStore, Store
from sop_engine.server import DeskSettings, Principal, PrincipalBook, create_app, hash_token

LAPOR = Path(__file__).resolve().parents[2] / "examples" / "lapor" / "sop.yaml"
AGENCY = "Dinas Komunikasi dan Informatika Kota Contoh"

OFFICERS = {
    "siti": Principal("siti", "admin_instansi", AGENCY, "upp"),
    "budi": Principal("budi", "petugas_unit", AGENCY, "dinas_pupr"),
    "rina": Principal("rina", "petugas_unit", AGENCY, "dinas_kesehatan"),
    "dewi": Principal("dewi", "pejabat_penghubung", AGENCY, "upp"),
    "agus": Principal("agus", "atasan", AGENCY, "upp"),
    "lain": Principal("lain", "admin_instansi", "Dinas Lain", "upp"),
    "sms": Principal("gateway-1708", "sistem", AGENCY),
}
"""Principals; each one's API token is ``tok-<id>``."""


def token(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer tok-{name}"}


COMPLAINT = {
    "judul": "Jalan berlubang di depan sekolah",
    "kronologi": "Lubang 20 cm, dua pengendara jatuh minggu ini.",
    "lokasi": "Jl. Merdeka 10",
}
RESPONSE = "Perbaikan jalan dijadwalkan minggu depan oleh Dinas PUPR bersama kontraktor."


@dataclass
class DeskUnderTest:
    client: TestClient[Litestar]
    engine: Engine
    clock: SimulatedClock
    store: Store

    def file(self, anonymous: bool = True, **data: Any) -> str:
        body = {"data": {**COMPLAINT, **data}, "anonymous": anonymous}
        r = self.client.post("/api/complaints", json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["tracking_id"])

    def fire(self, who: str, case: str, event: str, **data: Any) -> Any:
        return self.client.post(
            f"/api/cases/{case}/events/{event}", headers=token(who), json={"data": data}
        )

    def to_response(self, case: str, unit: str = "dinas_pupr") -> None:
        """Verify, disposition to ``unit``, follow up and submit a response (its officer)."""
        officer = {"dinas_pupr": "budi", "dinas_kesehatan": "rina"}[unit]
        for who, event, data in (
            ("siti", "verifikasi", {"klasifikasi": "pengaduan"}),
            ("siti", "disposisi", {"unit_tujuan": unit}),
            (officer, "tindak_lanjuti", {}),
            (officer, "ajukan_tanggapan", {"tanggapan": RESPONSE}),
        ):
            r = self.fire(who, case, event, **data)
            assert r.status_code == 200, r.text


def make_app(
    store: Store, *, rate_limit: int = 0, **settings: Any
) -> tuple[Litestar, Engine, SimulatedClock]:
    """The desk's app over ``store`` on a simulated clock, with the officers above."""
    clock = SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    engine = Engine(store=store, clock=clock)
    sop = engine.load(LAPOR)
    book = PrincipalBook(
        [(p, hash_token(f"tok-{name}")) for name, p in OFFICERS.items()], secret="test-secret"
    )
    desk = DeskSettings(secret="test-secret", rate_limit=rate_limit, **settings)
    return create_app(engine, book, settings=desk, sop_id=sop.id), engine, clock


def make_desk(store: Store, *, rate_limit: int = 0, **settings: Any) -> Iterator[DeskUnderTest]:
    app, engine, clock = make_app(store, rate_limit=rate_limit, **settings)
    with TestClient(app, base_url="http://desk.test") as client:
        yield DeskUnderTest(client, engine, clock, store)


@pytest.fixture(params=["sqlite", "postgres"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DeskUnderTest]:
    """The desk on a real SQLite file, then on the real PostgreSQL server."""
    if request.param == "postgres":
        from sop_engine import PgStore

        store: Any = PgStore(request.getfixturevalue("pg_url"))
    else:
        store = SqliteStore(tmp_path / "desk.sqlite3")
    try:
        yield from make_desk(store)
    finally:
        store.close()
