"""Shared fixtures: an engine on a simulated clock with the reference SOPs loaded."""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sop_engine import Actor, Engine, MemoryStore, Registry, SimulatedClock, Store, VersionConflict
from sop_engine._persistence.sqlite import SqliteStore

from pgserver import PgServer, find_bindir

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


TWO_PERSONAL = """
sop: { id: dua-pribadi, version: "1", title: Dua data pribadi, agency: Dinas Contoh }
roles:
  admin: { label: Admin }
fields:
  pelapor: { type: text, personal: true }
  aa_nama: { type: text, personal: true }
  judul: { type: text }
states:
  baru: { label: Baru, initial: true }
  selesai: { label: Selesai, final: true }
events:
  koreksi:
    label: Koreksi
    roles: admin
    data:
      pelapor: { required: false }
      aa_nama: { required: false }
  tutup: { label: Tutup, roles: admin }
transitions:
  - { event: koreksi, from: baru, to: baru }
  - { event: tutup, from: baru, to: selesai }
"""
"""An SOP with two personal fields, one of which sorts before the other's name."""


def two_personal_case(engine: Engine, case_id: str = "c1") -> None:
    """A case of :data:`TWO_PERSONAL` whose commands list the personal fields unsorted."""
    from sop_engine._compile.loading import load_definition

    engine.add(load_definition("dua-pribadi.yaml", text=TWO_PERSONAL, registry=engine.registry))
    admin = Actor("siti", "admin")
    data = {"pelapor": "Ani Lestari", "aa_nama": "Budi Santoso", "judul": "Jalan rusak"}
    engine.start("dua-pribadi", data, admin, case_id=case_id)
    engine.fire(case_id, "koreksi", admin, {"pelapor": "Ani L.", "aa_nama": "Budi S."})
    engine.fire(case_id, "tutup", admin)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server for the whole session (see tests/pgserver.py)."""
    bindir = find_bindir()
    if bindir is None:
        message = (
            "POSTGRESQL SERVER BINARIES NOT FOUND (initdb, pg_ctl, postgres): the PostgreSQL "
            "store is NOT tested. Install them (Debian: apt-get install postgresql; .ci/run "
            "does) or set SOP_PG_BINDIR."
        )
        if os.environ.get("CI"):  # CI installs the server: missing binaries are a failure
            pytest.fail(message)
        pytest.skip(message)
    server = PgServer(bindir)
    yield server
    server.stop()


_SCHEMAS = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty schema for one test: the URL of a database that works in it."""
    import psycopg

    schema = f"t{os.getpid()}_{next(_SCHEMAS)}"
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield pg_server.url(schema=schema)
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every store implementation: tests taking ``engine`` or ``store`` run on each."""
    if request.param == "memory":
        yield MemoryStore()
        return
    if request.param == "postgres":
        from sop_engine._persistence.postgres import PgStore

        pg = PgStore(request.getfixturevalue("pg_url"))
        yield pg
        pg.close()
        return
    s = SqliteStore(tmp_path / "sop.sqlite3")
    yield s
    s.close()


@pytest.fixture
def engine(clock: SimulatedClock, registry: Registry, store: Store) -> Engine:
    e = Engine(clock=clock, registry=registry, store=store)
    e.load(LAPOR)
    return e


def race_on_one_version(engines: Sequence[Engine], case_id: str = "c1") -> list[str]:
    """Every engine fires the same command on version 1 of the case at the same moment; the
    sorted outcomes ("won" or "conflict") of all of them."""
    barrier = threading.Barrier(len(engines))
    outcomes: list[str] = []

    def run(e: Engine) -> None:
        barrier.wait()
        try:
            e.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"}, expected_version=1)
            outcomes.append("won")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def full_workflow(engine: Engine, case_id: str) -> None:
    """One LAPOR! complaint from intake to the reporter accepting the response."""
    engine.start("lapor-upp", COMPLETE, ADMIN, case_id=case_id)
    engine.fire(case_id, "verifikasi", ADMIN, {"klasifikasi": "pengaduan"})
    engine.fire(case_id, "disposisi", ADMIN, {"unit_tujuan": "dinas_pupr"})
    engine.fire(case_id, "tindak_lanjuti", OFFICER)
    engine.fire(case_id, "ajukan_tanggapan", OFFICER, {"tanggapan": "Sudah ditambal."})
    engine.fire(case_id, "setujui_tanggapan", LIAISON, ATTEST)
    engine.fire(case_id, "terima_tanggapan", REPORTER)


# -- stores a test leaves open ---------------------------------------------------------------
# Python 3.13 warns (ResourceWarning, an error under this suite's filterwarnings) when a SQLite
# connection is collected unclosed, and the warning lands on whichever later test happens to
# collect it. Stores that a test's own code opened and never closed are closed when that test
# ends (and so are raw connections the test itself made); a store or connection opened inside
# the package (a CLI command, a worker) is not tracked, so a leak there still fails the suite.
_OPENED_BY_TESTS: list[SqliteStore] = []
_TESTS_DIR = str(Path(__file__).resolve().parent)
_sqlite_store_init = SqliteStore.__init__


def _tracked_init(self: SqliteStore, *args: object, **kwargs: object) -> None:
    _sqlite_store_init(self, *args, **kwargs)  # type: ignore[arg-type]
    if sys._getframe(1).f_code.co_filename.startswith(_TESTS_DIR):
        _OPENED_BY_TESTS.append(self)


SqliteStore.__init__ = _tracked_init  # type: ignore[method-assign]
_OPENED_CONNECTIONS: list[sqlite3.Connection] = []
_sqlite_connect = sqlite3.connect


def _tracked_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _sqlite_connect(*args, **kwargs)
    if sys._getframe(1).f_code.co_filename.startswith(_TESTS_DIR):
        _OPENED_CONNECTIONS.append(conn)
    return conn


sqlite3.connect = _tracked_connect


@pytest.fixture(autouse=True)
def _close_stores_the_test_left_open() -> Iterator[None]:
    # only what was opened after this fixture began: a module- or session-scoped fixture's
    # store is set up before it and lives on for the tests that share it
    stores, connections = len(_OPENED_BY_TESTS), len(_OPENED_CONNECTIONS)
    yield
    for closable in [*_OPENED_BY_TESTS[stores:], *_OPENED_CONNECTIONS[connections:]]:
        with contextlib.suppress(sqlite3.Error):  # a test may have broken its file on purpose
            closable.close()
    del _OPENED_BY_TESTS[stores:], _OPENED_CONNECTIONS[connections:]
