"""Reading the licence register: one table, opened read-only, one indexed lookup per check."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import attrs

__all__ = ["ENV", "SCHEMA", "Entry", "Register", "create"]

ENV = "IZIN_USAHA_DB"
"""The environment variable naming the register's SQLite file."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS izin_usaha (
    nib          TEXT PRIMARY KEY CHECK (length(nib) = 13),
    nama_usaha   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('aktif', 'dibekukan', 'dicabut')),
    berlaku_sampai TEXT
)
"""


@attrs.frozen
class Entry:
    nib: str
    nama_usaha: str
    status: str
    berlaku_sampai: str | None = None


class Register:
    """The register at ``path`` (default: ``$IZIN_USAHA_DB``), opened read-only per lookup.

    Opening per lookup keeps the guard free of shared state between threads and always reads
    the register as the licensing division last wrote it.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._path = Path(path) if path is not None else None

    @property
    def path(self) -> Path:
        if self._path is not None:
            return self._path
        value = os.environ.get(ENV)
        if not value:
            raise LookupError(
                f"the licence register is not configured: set {ENV} to the path of its SQLite file"
            )
        return Path(value)

    def lookup(self, nib: str) -> Entry | None:
        path = self.path
        if not path.is_file():
            raise FileNotFoundError(f"licence register {path} does not exist (check {ENV})")
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute(
                "SELECT nib, nama_usaha, status, berlaku_sampai FROM izin_usaha WHERE nib = ?",
                (nib,),
            ).fetchone()
        finally:
            db.close()
        return Entry(*row) if row is not None else None


def create(path: str | Path, entries: Iterable[Entry]) -> None:
    """Create (or extend) a register file: for tests, demos and the README's example."""
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute(SCHEMA)
            db.executemany(
                "INSERT OR REPLACE INTO izin_usaha VALUES (?, ?, ?, ?)",
                [(e.nib, e.nama_usaha, e.status, e.berlaku_sampai) for e in entries],
            )
    finally:
        db.close()
