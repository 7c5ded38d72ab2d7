"""The store protocol's promises (:mod:`sop_engine.testing.stores`), checked on every store.

The engine, deadline and erasure suites also run on each store through the ``store`` fixture
of conftest.py; the PostgreSQL runs use the real server the session starts (or skip as it does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sop_engine import MemoryStore, Store
from sop_engine._persistence.sqlite import SqliteStore
from sop_engine.testing.stores import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Store:
        return MemoryStore()


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        s = SqliteStore(tmp_path / "sop.sqlite3")
        yield s
        s.close()


class TestPgStore(StoreContract):
    @pytest.fixture
    def store(self, pg_url: str) -> Iterator[Store]:
        from sop_engine._persistence.postgres import PgStore

        s = PgStore(pg_url)
        yield s
        s.close()
