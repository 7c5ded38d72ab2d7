"""A store opened for checking only: nothing is migrated, nothing is written, ever.

``sop store check``, ``sop audit verify`` and ``sop audit checkpoint`` read a deployment an
auditor may not change: a SQLite file is opened with ``mode=ro`` (no WAL switch, no migration,
no ``-journal``), a PostgreSQL database in one ``READ ONLY``, ``REPEATABLE READ`` transaction
(one consistent snapshot of every table). A file that is not a sop_engine store (empty, another
database, not a database at all) is refused with :class:`~sop_engine.errors.StoreUnavailable`
instead of "passing" with no case in it.

The rows are read raw, so a check can report a corrupt snapshot, an unreadable event or an
orphaned row per case instead of stopping at the first decode error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sop_engine._core.errors import CaseNotFound, StoreUnavailable
from sop_engine._core.i18n import Msg
from sop_engine._core.records import AuditEvent, Case, Notification, Timer
from sop_engine._persistence.codec import open_case
from sop_engine._persistence.relational import (
    POSTGRES_MIGRATIONS,
    SQLITE_MIGRATIONS,
    Connection,
    read_calendar,
    read_calendar_history,
    read_command,
    read_history,
    read_recorded_calendar,
    read_sop_source,
)
from sop_engine._persistence.store import CommandRecord
from sop_engine._persistence.vault import KeyFile, KeySource, Vault

__all__ = ["CaseRows", "ReadOnlyStore", "open_readonly"]

_NOT_A_STORE = Msg("it is not a sop_engine store (no schema_migrations table)")
_FIX = Msg("point --db at the file or database 'sop worker' or 'sop demo' wrote")
_READ_ONLY = Msg("this store is open for checking only: nothing is written")


class CaseRows:
    """One case's raw rows: its snapshot text and version, and its events."""

    __slots__ = ("case_id", "events", "snapshot", "sop_hash", "version")

    def __init__(
        self,
        case_id: str,
        version: int | None,
        snapshot: str | None,
        sop_hash: str | None,
        events: list[tuple[int, str, str, str]],
    ) -> None:
        self.case_id = case_id
        self.version = version
        self.snapshot = snapshot
        self.sop_hash = sop_hash
        self.events = events


class ReadOnlyStore:
    """The reads of the :class:`~sop_engine.store.Store` protocol on a read-only connection,
    plus the raw reads an integrity check needs. Every write raises."""

    def __init__(
        self,
        conn: Connection,
        p: str,
        where: str,
        *,
        postgres: bool,
        keys: KeySource | None = None,
    ) -> None:
        self.conn = conn
        self.vault = None if keys is None else Vault(keys)
        """Opens sealed values when the keys are at hand (without them they read ``ERASED``,
        and a replay check compares like with like: the snapshot opens the same way)."""
        self.p = p
        self.path = where
        self.postgres = postgres
        self._close: Any = getattr(conn, "close", None)

    # -- the Store protocol's reads ----------------------------------------------------------

    def get(self, case_id: str) -> Case:
        row = self.conn.execute(
            f"SELECT snapshot FROM cases WHERE id = {self.p}", (case_id,)
        ).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        return self.open_snapshot(row[0])

    def open_snapshot(self, text: str) -> Case:
        """The case of a stored snapshot, its sealed fields opened when the keys are here."""
        return open_case(text, self.vault)

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        return read_history(self.conn, self.p, case_id, self.vault)

    def recall(self, command_id: str) -> CommandRecord | None:
        return read_command(self.conn, self.p, command_id, self.vault)

    def case_ids(self) -> Iterator[str]:
        rows = self.conn.execute("SELECT id FROM cases ORDER BY created").fetchall()
        return iter([r[0] for r in rows])

    def sop_source(self, sop_hash: str) -> str | None:
        return read_sop_source(self.conn, self.p, sop_hash)

    def calendar_doc(self, sop_hash: str) -> dict[str, Any] | None:
        return read_calendar(self.conn, self.p, sop_hash)

    def calendar_history(self, sop_hash: str) -> list[tuple[datetime, dict[str, Any]]]:
        return read_calendar_history(self.conn, self.p, sop_hash)

    def recorded_calendar(self, sop_hash: str) -> str | None:
        return read_recorded_calendar(self.conn, self.p, sop_hash)

    def outbox(self) -> Sequence[Notification]:
        return ()

    def pending_notifications(self, limit: int, now: datetime | None = None) -> list[Notification]:
        return []

    def due_timers(self, now: datetime) -> list[Timer]:
        return []

    # -- writes: refused -----------------------------------------------------------------------

    def insert(self, *args: Any, **kwargs: Any) -> None:
        raise StoreUnavailable(self.path, _READ_ONLY, Msg("open the store normally to change it"))

    commit = erase = release = discard = mark_delivered = insert

    # -- raw reads for the checks --------------------------------------------------------------

    def count_cases(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    def case_rows(self, case_id: str) -> CaseRows:
        row = self.conn.execute(
            f"SELECT version, snapshot, sop_hash FROM cases WHERE id = {self.p}", (case_id,)
        ).fetchone()
        events = self.conn.execute(
            f"SELECT seq, body, prev_hash, hash FROM events WHERE case_id = {self.p} ORDER BY seq",
            (case_id,),
        ).fetchall()
        version, snapshot, sop_hash = row if row is not None else (None, None, None)
        return CaseRows(case_id, version, snapshot, sop_hash, [tuple(e) for e in events])

    def pending_erasures(self) -> list[str]:
        """Cases whose erasure is committed but whose key is not destroyed yet (a writer
        crashed in between; the next writer that opens the store finishes it)."""
        exists = (
            "SELECT to_regclass('erasures_pending') IS NOT NULL"
            if self.postgres
            else "SELECT count(*) FROM sqlite_master WHERE name = 'erasures_pending'"
        )
        if not self.conn.execute(exists).fetchone()[0]:
            return []  # a store from before the table was added: nothing can be pending
        rows = self.conn.execute("SELECT case_id FROM erasures_pending").fetchall()
        return sorted(str(r[0]) for r in rows)

    def orphans(self) -> list[tuple[str, str, int]]:
        """``(table, case_id, rows)`` for each case id that has rows but no ``cases`` row."""
        out = []
        for table in ("events", "personal_data", "commands", "outbox"):
            rows = self.conn.execute(
                f"SELECT case_id, count(*) FROM {table} t WHERE NOT EXISTS "
                "(SELECT 1 FROM cases c WHERE c.id = t.case_id) GROUP BY case_id ORDER BY case_id"
            ).fetchall()
            out += [(table, str(cid), int(n)) for cid, n in rows]
        ids = {r[0] for r in self.conn.execute("SELECT id FROM cases").fetchall()}
        lost: dict[str, int] = {}
        for key in self.timer_keys():
            cid = key.rsplit("/", 3)[0]
            if cid not in ids:
                lost[cid] = lost.get(cid, 0) + 1
        out += [("timers", cid, n) for cid, n in sorted(lost.items())]
        return out

    def timer_keys(self) -> set[str]:
        """The key of every timer row, whatever its state (due, claimed, retrying, dead)."""
        if self.postgres:
            return {r[0] for r in self.conn.execute("SELECT key FROM timers").fetchall()}
        return {r[0] for r in self.conn.execute("SELECT key FROM timers").fetchall()}

    def personal_digest(
        self, case_id: str, salt: str, refs: Iterable[str] | None = None
    ) -> tuple[list[str], str]:
        """The case's personal-data refs and a salted digest of their values (the values
        never leave the store; a checkpoint keeps only the digest)."""
        rows = sorted(
            self.conn.execute(
                f"SELECT ref, value FROM personal_data WHERE case_id = {self.p}", (case_id,)
            ).fetchall()
        )
        if refs is not None:
            wanted = set(refs)
            rows = [r for r in rows if r[0] in wanted]
        h = hashlib.sha256(salt.encode())
        for ref, value in rows:
            h.update(
                b"\0" + str(ref).encode() + b"\0" + str(value).encode("utf-8", "surrogatepass")
            )
        return [str(r[0]) for r in rows], h.hexdigest()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read as of one instant inside the block, while writers go on.

        A PostgreSQL store already reads one snapshot (``REPEATABLE READ``); a SQLite file is
        read in one explicit read transaction (WAL keeps it stable), so a checkpoint never pairs
        one case's head with timers or personal data of another moment.
        """
        if self.postgres or getattr(self.conn, "in_transaction", True):
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._close is not None:
            self._close()


def open_readonly(db: str | Path, keys: KeySource | None = None) -> ReadOnlyStore:
    """Open ``db`` (a SQLite file, or a ``postgresql://`` URL) for reading only.

    ``keys`` open sealed values; a SQLite file's own key file (``PATH.keys``) by default,
    read only (a missing one: sealed values read as erased)."""
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        return _open_postgres(text, keys)
    path = Path(text)
    if not path.is_file():
        raise StoreUnavailable(text, Msg("no such file"), _FIX)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:  # every refusal closes the connection it opened (a leak per refused file otherwise)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreUnavailable(text, Msg("it is not a SQLite database"), _FIX) from e
        if found is None:
            raise StoreUnavailable(text, _NOT_A_STORE, _FIX)
        _check_schema(conn, text, len(SQLITE_MIGRATIONS))
    except BaseException:
        conn.close()
        raise
    if keys is None:
        keys = KeyFile(f"{text}.keys")
    return ReadOnlyStore(conn, "?", text, postgres=False, keys=keys)


def _open_postgres(url: str, keys: KeySource | None = None) -> ReadOnlyStore:
    import psycopg

    from sop_engine._persistence.postgres import _display

    try:
        conn = psycopg.connect(url, autocommit=False)
    except psycopg.Error as e:
        raise StoreUnavailable(_display(url), str(e).strip(), Msg("check the URL")) from e
    try:  # every refusal closes the connection it opened
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        if conn.execute("SELECT to_regclass('schema_migrations')").fetchone() in (None, (None,)):
            raise StoreUnavailable(_display(url), _NOT_A_STORE, _FIX)
        _check_schema(conn, _display(url), len(POSTGRES_MIGRATIONS))
    except BaseException:
        conn.close()
        raise
    if keys is None and os.environ.get("SOP_KEY_FILE"):  # as 'sop worker' opens it
        keys = KeyFile(os.environ["SOP_KEY_FILE"])
    return ReadOnlyStore(conn, "%s", _display(url), postgres=True, keys=keys)


def _check_schema(conn: Any, where: str, current: int) -> None:
    """Refuse a store whose schema is older than this release's: checking it read-only cannot
    migrate it, and its missing tables made every check crash (a schema-2 file's check stopped
    with a traceback: no table ``personal_data``). One clear error, the fix named."""
    found = int(
        conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
    )
    if found < current:
        conn.close()
        raise StoreUnavailable(
            where,
            Msg(
                "its schema is version {found}, this release reads version {current}",
                found=found,
                current=current,
            ),
            Msg(
                "upgrade it first with 'sop store migrate --db {where}' (back it up before; "
                "any writer, such as 'sop worker', upgrades it too)",
                where=where,
            ),
        )
