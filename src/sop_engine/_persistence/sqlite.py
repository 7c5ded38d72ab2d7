"""The embedded durable store: one SQLite file, zero set-up.

Settings chosen for a complaint register that must not lose a status change after a power cut:
WAL journal, ``synchronous=FULL`` (a commit is on disk when it returns), a busy timeout (writers
queue instead of failing), foreign keys on. Every write is one ``BEGIN IMMEDIATE`` transaction:
the case snapshot, its audit event, the command record, new timers, outbox notifications and the
removal of the timers it completes go in together or not at all.

The audit trail is append-only twice over: the store has no call that changes or deletes an
event, and triggers in the database refuse ``UPDATE`` and ``DELETE`` on the events table. Each
case's events form a hash chain (:func:`sop_engine.codec.chain_hash`); :func:`verify_chains`
finds the first broken link. Timers are claimed with a lease and a random claim token; a commit
that completes a timer is fenced on that token, so a sweeper whose lease ran out cannot fire it
after another has claimed it.

The schema is versioned: :data:`MIGRATIONS` lists every step, each applied once, in order, in
its own transaction, and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sop_engine._core.clock import Clock, SystemClock
from sop_engine._core.errors import CaseNotFound, LeaseLost, VersionConflict
from sop_engine._core.records import ERASED, AuditEvent, Case, Notification, Timer
from sop_engine._persistence.codec import (
    ChainBreak,
    case_from_json,
    case_to_json,
    check_chain,
    command_from_rows,
    command_request,
    dumps,
    erase_command,
    event_from_stored,
    event_to_stored,
    link_hash,
    notification_body,
    notification_from_body,
)
from sop_engine._persistence.store import CommandRecord

__all__ = ["MIGRATIONS", "ChainBreak", "SqliteStore", "verify_chains"]

MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema
    """
    CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        sop_id TEXT NOT NULL,
        sop_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        snapshot TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE TABLE events (
        case_id TEXT NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (case_id, seq)
    ) WITHOUT ROWID;
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;
    CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        request TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE TABLE timers (
        key TEXT PRIMARY KEY,
        at_us INTEGER NOT NULL,
        body TEXT NOT NULL,
        claimed_until_us INTEGER,
        claim_token TEXT
    );
    CREATE INDEX timers_by_instant ON timers (at_us);
    CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        body TEXT NOT NULL,
        created_us INTEGER NOT NULL,
        delivered_us INTEGER
    );
    """,
    # 2: the SOP texts cases are pinned to, by content hash
    """
    CREATE TABLE sops (
        hash TEXT PRIMARY KEY,
        sop_id TEXT NOT NULL,
        version TEXT NOT NULL,
        source TEXT NOT NULL
    );
    """,
    # 3: personal data of reporters, kept out of the chained event bytes
    """
    CREATE TABLE personal_data (
        ref TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        value TEXT NOT NULL
    );
    CREATE INDEX personal_data_by_case ON personal_data (case_id);
    """,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_HEADS = 100_000


def _us(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(microseconds=1)


def _timer_json(t: Timer) -> str:
    return dumps(
        {
            "at": t.at.isoformat(),
            "case_id": t.case_id,
            "deadline": t.deadline,
            "arming": t.arming,
            "item": str(t.item),
        }
    )


def _timer_from(body: str, token: str | None) -> Timer:
    raw = json.loads(body)
    return Timer(
        datetime.fromisoformat(raw["at"]),
        raw["case_id"],
        raw["deadline"],
        raw["arming"],
        raw["item"],
        token,
    )


class SqliteStore:
    """The :class:`~sop_engine.store.Store` protocol on one SQLite file.

    One connection per store object, guarded by a lock: share a store between threads of one
    process, or open one store per process on the same file (SQLite serialises the writers).
    ``lease`` is how long a sweeper owns the timers it was handed; ``clock`` gives the instant
    leases are measured against (injected in tests to play a zombie sweeper).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: timedelta = timedelta(seconds=30),
        lease: timedelta = timedelta(minutes=5),
        clock: Clock | None = None,
    ) -> None:
        self.path = str(path)
        self.lease = lease
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.RLock()
        # the hash of the last event per case, as this store wrote it: saves a read per command
        self._heads: dict[str, tuple[int, str]] = {}
        self._pending_head: tuple[str, int, str] | None = None
        # decoded snapshots by case, trusted only while the stored version is theirs
        self._snapshots: dict[str, Case] = {}
        self._pending_case: Case | None = None
        self._db = sqlite3.connect(
            self.path,
            timeout=busy_timeout.total_seconds(),
            isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
            check_same_thread=False,
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA secure_delete=ON")  # erased personal data is overwritten
        self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout.total_seconds() * 1000)}")
        self.migrate()

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations this file has not seen yet; return the schema version."""
        with self._lock:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
            )
            (done,) = self._db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
            ).fetchone()
            for version, script in enumerate(MIGRATIONS, start=1):
                if version <= done:
                    continue
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(script):
                        self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?)",
                        (version, self._clock.now().isoformat()),
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            return len(MIGRATIONS)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def with_clock(self, clock: Clock) -> SqliteStore:
        """The same file, leases measured on ``clock`` (a simulated run)."""
        return SqliteStore(self.path, lease=self.lease, clock=clock)

    # -- writes ------------------------------------------------------------------------------

    def _tx(self) -> _Transaction:
        self._pending_head = None
        self._pending_case = None
        return _Transaction(self._db, self._lock, self._committed)

    def _committed(self) -> None:
        if self._pending_case is not None:
            self._remember(self._pending_case)
            self._pending_case = None
        head = self._pending_head
        if head is not None:
            if len(self._heads) >= _MAX_HEADS:
                self._heads.clear()
            self._heads[head[0]] = (head[1], head[2])
            self._pending_head = None

    def insert(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
    ) -> None:
        with self._tx() as db:
            row = db.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
            if row is not None:
                raise VersionConflict(case.id, 0, row[0])
            (created,) = db.execute("SELECT COUNT(*) FROM cases").fetchone()
            db.execute(
                "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    case.id,
                    case.sop_id,
                    case.sop_hash,
                    case.state,
                    case.version,
                    dumps(case_to_json(case)),
                    created + 1,
                ),
            )
            self._write(db, case, event, command, timers, notifications)

    def commit(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
        done: Iterable[Timer] = (),
    ) -> None:
        with self._tx() as db:
            for t in done:  # the fence: our claim must still stand
                row = db.execute(
                    "SELECT claim_token FROM timers WHERE key = ?", (t.key,)
                ).fetchone()
                if row is None or row[0] != t.claim:
                    raise LeaseLost(t.key)
                db.execute("DELETE FROM timers WHERE key = ?", (t.key,))
            _update_case(db, case)
            self._write(db, case, event, command, timers, notifications)

    def _write(
        self,
        db: sqlite3.Connection,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer],
        notifications: Iterable[Notification],
    ) -> None:
        previous = ""
        if event.seq > 1:
            cached = self._heads.get(case.id)
            if cached is not None and cached[0] == event.seq - 1:
                previous = cached[1]  # safe: the version-checked UPDATE above pinned seq - 1
            else:
                (previous,) = db.execute(
                    "SELECT hash FROM events WHERE case_id = ? AND seq = ?",
                    (case.id, event.seq - 1),
                ).fetchone()
        body, personal = event_to_stored(event)  # the chain covers references only
        for ref, value in personal:
            db.execute("INSERT INTO personal_data VALUES (?, ?, ?)", (ref, case.id, value))
        link = link_hash(previous, body)
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (case.id, event.seq, body, previous, link)
        )
        self._pending_head = (case.id, event.seq, link)
        self._pending_case = case
        if command is not None:
            db.execute(
                "INSERT INTO commands VALUES (?, ?, ?, ?)",
                (
                    command.command_id,
                    case.id,
                    command_request(command),
                    dumps(case_to_json(command.result)),
                ),
            )
        rows = [(t.key, _us(t.at), _timer_json(t)) for t in timers]
        if rows:
            db.executemany("INSERT OR IGNORE INTO timers (key, at_us, body) VALUES (?, ?, ?)", rows)
        notes = list(notifications)
        if not notes:
            return
        db.executemany(
            "INSERT OR IGNORE INTO outbox (key, case_id, body, created_us) VALUES (?, ?, ?, ?)",
            [(n.key, n.case_id, notification_body(n), _us(n.created_at)) for n in notes],
        )

    def save_sop(
        self, sop_hash: str, sop_id: str, version: str, source: str, agency: str = ""
    ) -> None:
        """Keep the text of an SOP version (once per content hash) so its cases can be replayed.

        ``agency`` is not kept: one SQLite file serves one deployment. (The PostgreSQL store,
        shared by many agencies, stores it on every row.)
        """
        if not source:
            return
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO sops VALUES (?, ?, ?, ?)",
                (sop_hash, sop_id, version, source),
            )

    def sop_source(self, sop_hash: str) -> str | None:
        """The text of the SOP version with this content hash, if it was saved."""
        with self._lock:
            row = self._db.execute("SELECT source FROM sops WHERE hash = ?", (sop_hash,)).fetchone()
        return None if row is None else str(row[0])

    # -- reads -------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        cached = self._snapshots.get(case_id)
        with self._lock:
            if cached is not None:  # the stored version is the one we hold: no need to decode
                row = self._db.execute(
                    "SELECT version FROM cases WHERE id = ?", (case_id,)
                ).fetchone()
                if row is not None and row[0] == cached.version:
                    return cached
            row = self._db.execute("SELECT snapshot FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        case = case_from_json(json.loads(row[0]))
        self._remember(case)
        return case

    def _remember(self, case: Case) -> None:
        if len(self._snapshots) >= _MAX_HEADS:
            self._snapshots.clear()
        self._snapshots[case.id] = case

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        with self._lock:
            if self._db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
                raise CaseNotFound(case_id)
            rows = self._db.execute(
                "SELECT body FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
            ).fetchall()
            values = dict(
                self._db.execute(
                    "SELECT ref, value FROM personal_data WHERE case_id = ?", (case_id,)
                ).fetchall()
            )
        return tuple(event_from_stored(body, values) for (body,) in rows)

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit ``case`` (its personal fields erased) with its ``@erase`` event, and delete
        the case's personal data everywhere: the separate values the trail refers to and the
        copies in command records. The hash chain does not change: it never held the values.
        """
        with self._tx() as db:
            _update_case(db, case)
            db.execute("DELETE FROM personal_data WHERE case_id = ?", (case.id,))
            erased = {k for k, v in case.data.items() if v == ERASED}
            for command_id, request, result in db.execute(
                "SELECT command_id, request, result FROM commands WHERE case_id = ?", (case.id,)
            ).fetchall():
                db.execute(
                    "UPDATE commands SET request = ?, result = ? WHERE command_id = ?",
                    (*erase_command(request, result, erased), command_id),
                )
            self._write(db, case, event, None, (), ())
        with self._lock:  # make sure no old page with the values survives in the WAL
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def recall(self, command_id: str) -> CommandRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT request, result FROM commands WHERE command_id = ?", (command_id,)
            ).fetchone()
        return None if row is None else command_from_rows(command_id, row[0], row[1])

    def case_ids(self) -> Iterator[str]:
        with self._lock:
            rows = self._db.execute("SELECT id FROM cases ORDER BY created").fetchall()
        return iter([r[0] for r in rows])

    # -- timers and outbox -------------------------------------------------------------------

    def due_timers(self, now: datetime) -> list[Timer]:
        """Claim the timers due at ``now`` (unclaimed, or whose lease ran out), earliest first."""
        token = secrets.token_hex(16)
        wall = _us(self._clock.now())
        with self._tx() as db:
            rows = db.execute(
                "SELECT key, body FROM timers WHERE at_us <= ? "
                "AND (claimed_until_us IS NULL OR claimed_until_us < ?) ORDER BY at_us, key",
                (_us(now), wall),
            ).fetchall()
            until = wall + self.lease // timedelta(microseconds=1)
            db.executemany(
                "UPDATE timers SET claimed_until_us = ?, claim_token = ? WHERE key = ?",
                [(until, token, key) for key, _ in rows],
            )
        return [_timer_from(body, token) for _, body in rows]

    def release(self, timers: Iterable[Timer]) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE timers SET claimed_until_us = NULL, claim_token = NULL "
                "WHERE key = ? AND claim_token = ?",
                [(t.key, t.claim) for t in timers],
            )

    def discard(self, timers: Iterable[Timer]) -> None:
        with self._tx() as db:
            db.executemany(
                "DELETE FROM timers WHERE key = ? AND claim_token = ?",
                [(t.key, t.claim) for t in timers],
            )

    def outbox(self) -> Sequence[Notification]:
        return tuple(self._notifications("", -1))

    def pending_notifications(self, limit: int) -> list[Notification]:
        return self._notifications("WHERE delivered_us IS NULL", limit)

    def mark_delivered(self, keys: Iterable[str], at: datetime) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE outbox SET delivered_us = ? WHERE key = ? AND delivered_us IS NULL",
                [(_us(at), k) for k in keys],
            )

    def _notifications(self, where: str, limit: int) -> list[Notification]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT key, case_id, body FROM outbox {where} ORDER BY created_us, rowid LIMIT ?",
                (limit,),
            ).fetchall()
        return [notification_from_body(*row) for row in rows]


def _update_case(db: sqlite3.Connection, case: Case) -> None:
    """Write the new snapshot, only on top of the version it was computed from."""
    cur = db.execute(
        "UPDATE cases SET state = ?, version = ?, snapshot = ? WHERE id = ? AND version = ?",
        (case.state, case.version, dumps(case_to_json(case)), case.id, case.version - 1),
    )
    if cur.rowcount != 1:
        row = db.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
        if row is None:
            raise CaseNotFound(case.id)
        raise VersionConflict(case.id, case.version - 1, row[0])


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception, under the lock."""

    def __init__(
        self, db: sqlite3.Connection, lock: threading.RLock, on_commit: Callable[[], None]
    ) -> None:
        self.db = db
        self.lock = lock
        self.on_commit = on_commit

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        try:
            if kind is None:
                self.db.execute("COMMIT")
                self.on_commit()
            else:
                self.db.execute("ROLLBACK")
        finally:
            self.lock.release()


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buf = ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def verify_chains(path: str | Path, case_id: str | None = None) -> list[ChainBreak]:
    """Check every case's hash chain (or one case's); one :class:`ChainBreak` per broken case.

    Reads the file directly, without the store's write path: detects an edited, deleted,
    inserted or reordered event (and a snapshot whose version disagrees with its trail).
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if case_id is None:
            ids = [r[0] for r in db.execute("SELECT id FROM cases ORDER BY created")]
        else:
            ids = [case_id]
        breaks = []
        for cid in ids:
            breaks.extend(_verify_case(db, cid))
        return breaks
    finally:
        db.close()


def _verify_case(db: sqlite3.Connection, case_id: str) -> list[ChainBreak]:
    row = db.execute("SELECT version FROM cases WHERE id = ?", (case_id,)).fetchone()
    rows = db.execute(
        "SELECT seq, body, prev_hash, hash FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
    )
    return check_chain(case_id, None if row is None else row[0], rows)
