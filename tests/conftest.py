"""Shared fixtures: an engine on a simulated clock with the reference SOPs loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sop_engine import Actor, Engine, MemoryStore, Registry, SimulatedClock, Store
from sop_engine.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LAPOR = EXAMPLES / "lapor" / "sop.yaml"

ADMIN = Actor("siti", "admin_instansi")
OFFICER = Actor("budi", "petugas_unit", "dinas_pupr")
OTHER_OFFICER = Actor("rina", "petugas_unit", "dinas_kesehatan")
LIAISON = Actor("dewi", "pejabat_penghubung")
REPORTER = Actor("pelapor-1", "pelapor")
SYSTEM = Actor("sistem", "sistem")

ATTEST = {"tanpa_imbalan": True}
"""What the liaison attests when approving a response (the LAPOR! SOP's ethics rule KE-04)."""

COMPLETE = {
    "pelapor": "pelapor-1",
    "kanal": "sms",
    "kerahasiaan": "biasa",
    "judul": "Jalan berlubang",
    "kronologi": "Lubang 20 cm, dua pengendara jatuh.",
    "lokasi": "Jl. Merdeka",
}


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every store implementation: tests taking ``engine`` or ``store`` run on each."""
    if request.param == "memory":
        yield MemoryStore()
        return
    s = SqliteStore(tmp_path / "sop.sqlite3")
    yield s
    s.close()


@pytest.fixture
def engine(clock: SimulatedClock, registry: Registry, store: Store) -> Engine:
    e = Engine(clock=clock, registry=registry, store=store)
    e.load(LAPOR)
    return e
