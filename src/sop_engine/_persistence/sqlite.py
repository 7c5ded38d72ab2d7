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

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sop_engine._core.clock import Clock, SystemClock
from sop_engine._core.errors import CaseNotFound, CommandIdTaken, LeaseLost, VersionConflict
from sop_engine._core.records import AuditEvent, Case, Notification, Timer
from sop_engine._persistence.codec import (
    ChainBreak,
    command_request,
    dumps,
    event_to_stored,
    link_hash,
    notification_body,
    notification_from_body,
    open_case,
    seal_case,
    timer_body,
    timer_from_body,
)
from sop_engine._persistence.deadletter import DeadLetter, QueueStatus, Retry
from sop_engine._persistence.queries import (
    CaseQuery,
    CaseRow,
    rows_from,
    select_cases,
    sqlite_due,
    sqlite_instant,
)
from sop_engine._persistence.relational import (
    SQLITE_MIGRATIONS,
    BoundedCache,
    apply_migrations,
    check_cases,
    erased_commands,
    read_calendar,
    read_calendar_history,
    read_command,
    read_history,
    read_recorded_calendar,
    read_sop_source,
    reporter_ids,
)
from sop_engine._persistence.slots import CheckpointRow, Claim
from sop_engine._persistence.store import CommandRecord, Staged
from sop_engine._persistence.vault import (
    PREFIX,
    KeyFile,
    KeySource,
    MemoryKeys,
    Vault,
    recover_keys,
)

__all__ = ["MIGRATIONS", "ChainBreak", "SqliteStore", "verify_chains"]

MIGRATIONS = SQLITE_MIGRATIONS
"""Every step of the schema, in order (kept in :mod:`~sop_engine._persistence.relational`)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(microseconds=1)


def _at(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class SqliteStore:
    """The :class:`~sop_engine.store.Store` protocol on one SQLite file.

    One connection per store object, guarded by a lock: share a store between threads of one
    process, or open one store per process on the same file (SQLite serialises the writers).
    ``lease`` is how long a sweeper owns the timers it was handed; ``clock`` gives the instant
    leases are measured against (injected in tests to play a zombie sweeper).

    Personal data, free text and the reporter's actor id are sealed under a key per case
    (:mod:`~sop_engine._persistence.vault`) from ``keys``: by default the key file
    ``PATH.keys`` next to the database (in memory for ``:memory:``). Erasure destroys the key.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: timedelta = timedelta(seconds=30),
        lease: timedelta = timedelta(minutes=5),
        clock: Clock | None = None,
        keys: KeySource | None = None,
        finish_erasures: bool = True,
    ) -> None:
        self.path = str(path)
        if keys is None:
            keys = MemoryKeys() if self.path == ":memory:" else KeyFile(f"{self.path}.keys")
        self.vault = Vault(keys)
        self.last_checkpoint: tuple[int, int, int] | None = None
        """``(busy, WAL frames, frames checkpointed)`` of the checkpoint after the last erasure."""
        self.lease = lease
        self._relay_token = secrets.token_hex(16)  # this store object's claim on outbox rows
        self._claimed_outbox = False  # whether close() has claims to hand back
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.RLock()
        # the hash of the last event per case, as this store wrote it: saves a read per command
        self._heads: BoundedCache[str, tuple[int, str]] = BoundedCache()
        self._group_heads: dict[str, tuple[int, str]] | None = None  # inside commit_many
        self._pending_head: tuple[str, int, str] | None = None
        # decoded snapshots by case, trusted only while the stored version is theirs
        self._snapshots: BoundedCache[str, Case] = BoundedCache()
        self._pending_case: Case | None = None
        self._db = sqlite3.connect(
            self.path,
            timeout=busy_timeout.total_seconds(),
            isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
            check_same_thread=False,
        )
        try:  # a store that cannot open closes its connection (not a database, newer schema)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA secure_delete=ON")  # erased personal data is overwritten
            self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout.total_seconds() * 1000)}")
            self.migrate()
            # a process killed while appending keys left a torn record
            recover_keys(keys, str(getattr(keys, "path", self.path)), self._sealed_cases)
            if finish_erasures:  # off for a health check: it reports them, it changes nothing
                self.finish_erasures()  # a process that crashed mid-erasure left a key to destroy
        except BaseException:
            self._db.close()
            raise

    def _sealed_cases(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT case_id FROM personal_data WHERE value LIKE ?", (PREFIX + "%",)
            ).fetchall()
        return [case_id for (case_id,) in rows]

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
            return apply_migrations(MIGRATIONS, done, self._apply)

    def _apply(self, version: int, script: str) -> None:
        """One migration in its own transaction, recorded with it."""
        with self._tx() as db:
            for statement in _statements(script):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?)",
                (version, self._clock.now().isoformat()),
            )

    def close(self) -> None:
        """Hand back the notifications this store claimed and did not deliver (a worker that
        stops cleanly does not make the others wait for its lease), then close the file."""
        # only a store that claimed rows writes here (every other close writes nothing); on a
        # read-only, broken or already closed file the lease hands them back instead
        if self._claimed_outbox:
            with contextlib.suppress(sqlite3.Error), self._tx() as db:
                db.execute(
                    "UPDATE outbox SET claim_token = NULL, claimed_until_us = NULL "
                    "WHERE claim_token = ? AND delivered_us IS NULL",
                    (self._relay_token,),
                )
            self._claimed_outbox = False
        with self._lock:
            self._db.close()

    def with_clock(self, clock: Clock) -> SqliteStore:
        """The same file, leases measured on ``clock`` (a simulated run)."""
        return SqliteStore(self.path, lease=self.lease, clock=clock, keys=self.vault.keys)

    # -- writes ------------------------------------------------------------------------------

    def _tx(self) -> _Transaction:
        self._pending_head = None
        self._pending_case = None
        return _Transaction(self._db, self._lock, self._committed)

    def _committed(self) -> None:
        if self._pending_case is not None:
            self._snapshots.put(self._pending_case.id, self._pending_case)
            self._pending_case = None
        head = self._pending_head
        if head is not None:
            self._heads.put(head[0], (head[1], head[2]))
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
            snapshot = _insert_case(db, case, _last_created(db) + 1, self.vault)
            self._write(db, case, event, command, timers, notifications, snapshot)

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
            _complete(db, done)
            snapshot = _update_case(db, case, self.vault)
            self._write(db, case, event, command, timers, notifications, snapshot)

    def commit_many(self, writes: Sequence[Staged]) -> None:
        """Every write in one ``BEGIN IMMEDIATE`` transaction (one fsync), or none.

        Each is checked as :meth:`insert` or :meth:`commit` checks it; a write sees the
        earlier ones (same connection, same transaction), so a case may be opened and moved on
        in one group. The caches learn the new snapshots and chain heads after the COMMIT only.
        """
        written: list[tuple[Case, tuple[str, int, str] | None]] = []
        # the new cases' keys are stored once for the group, before its COMMIT
        with self._tx() as db, self.vault.batch():
            # the chain heads written in this transaction (set under the store's lock, so only
            # this transaction's own writes are in it): the next write of the same case (a
            # sweep fires several items of one case in a group) links without reading back
            self._group_heads = {}
            try:
                created: int | None = None
                for w in writes:
                    if w.new:
                        if created is None:
                            created = _last_created(db)
                        created += 1
                        snapshot = _insert_case(db, w.case, created, self.vault)
                    else:
                        _complete(db, w.done)
                        snapshot = _update_case(db, w.case, self.vault)
                    self._write(db, w.case, w.event, w.command, w.timers, w.notifications, snapshot)
                    written.append((w.case, self._pending_head))
            finally:
                self._group_heads = None
            self._pending_case = self._pending_head = None
        for case, head in written:
            self._snapshots.put(case.id, case)
            if head is not None:
                self._heads.put(head[0], (head[1], head[2]))

    def _write(
        self,
        db: sqlite3.Connection,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer],
        notifications: Iterable[Notification],
        snapshot: str | None = None,
    ) -> None:
        """The event, command record, timers and notifications of a case just written.

        ``snapshot`` is the case's stored (sealed) snapshot; a command's result is that very
        case, so its record reuses it instead of sealing every field again (issue 19: sealing
        was a large part of the CPU per command).
        """
        previous = ""
        group = self._group_heads
        if event.seq > 1:
            cached = group.get(case.id) if group is not None else None
            if cached is None or cached[0] != event.seq - 1:
                cached = self._heads.get(case.id)
            if cached is not None and cached[0] == event.seq - 1:
                previous = cached[1]  # safe: the version-checked UPDATE above pinned seq - 1
            else:
                (previous,) = db.execute(
                    "SELECT hash FROM events WHERE case_id = ? AND seq = ?",
                    (case.id, event.seq - 1),
                ).fetchone()
        # the chain covers references and keyed digests only; the values are sealed apart
        body, personal = event_to_stored(event, self.vault)
        for ref, value in personal:
            db.execute("INSERT INTO personal_data VALUES (?, ?, ?)", (ref, case.id, value))
        link = link_hash(previous, body)
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (case.id, event.seq, body, previous, link)
        )
        self._pending_head = (case.id, event.seq, link)
        if group is not None:
            group[case.id] = (event.seq, link)
        self._pending_case = case
        if command is not None:
            # a concurrent call with the same id may have committed first: undo this write
            # (the transaction rolls back) with a typed error the engine answers from the record
            taken = db.execute(
                "INSERT INTO commands VALUES (?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING",
                (
                    command.command_id,
                    case.id,
                    command_request(command, event, self.vault),
                    snapshot
                    if snapshot is not None and command.result is case
                    else seal_case(command.result, self.vault),
                ),
            )
            if taken.rowcount == 0:
                raise CommandIdTaken(command.command_id, case.id)
        rows = [(t.key, _us(t.at), timer_body(t)) for t in timers]
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
            return read_sop_source(self._db, "?", sop_hash)

    def save_calendar(self, sop_hash: str, doc: Mapping[str, Any]) -> None:
        """Keep the calendar the SOP version ``sop_hash`` adopted (``calendar_to_doc``'s form);
        the latest saved counts, the earlier ones stay as a record."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO calendars (sop_hash, doc, saved) VALUES (?, ?, ?)",
                (sop_hash, dumps(doc), self._clock.now().isoformat()),
            )

    def calendar_doc(self, sop_hash: str) -> dict[str, Any] | None:
        """The calendar the SOP version ``sop_hash`` adopted last, if any."""
        with self._lock:
            return read_calendar(self._db, "?", sop_hash)

    def calendar_history(self, sop_hash: str) -> list[tuple[datetime, dict[str, Any]]]:
        """Every calendar document saved for ``sop_hash`` with when, oldest first."""
        with self._lock:
            return read_calendar_history(self._db, "?", sop_hash)

    def recorded_calendar(self, sop_hash: str) -> str | None:
        """A calendar version the deadlines of a case of ``sop_hash`` record (see
        :func:`~sop_engine._persistence.relational.read_recorded_calendar`)."""
        with self._lock:
            return read_recorded_calendar(self._db, "?", sop_hash)

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
        case = open_case(row[0], self.vault)
        self._snapshots.put(case.id, case)
        return case

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        with self._lock:
            return read_history(self._db, "?", case_id, self.vault)

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit ``case`` (its sealed fields erased) with its ``@erase`` event, delete the
        case's sealed values and destroy its key (crypto-shredding).

        Every sealed copy (the trail's values, old snapshots, command records, pages left in
        the file or its WAL by a reader holding a snapshot) was encrypted under that key, so all
        become unreadable at once. The hash chain does not change: it never held the values.
        Rows written in clear before sealing existed are rewritten as before. The WAL is then
        checkpointed; its outcome is kept in :attr:`last_checkpoint` (busy while a reader holds
        an old snapshot: harmless for sealed data, the pages hold only ciphertext).

        The key cannot be destroyed in the database's transaction, so the erasing transaction
        also records the intent (``erasures_pending``): a crash after the commit leaves it, and
        :meth:`finish_erasures` (run when any writer opens the file) destroys the key then.
        There is no moment where the erasure is committed and nothing will destroy the key.
        """
        with self._tx() as db:
            reporters = reporter_ids(read_history(db, "?", case.id, self.vault))
            _update_case(db, case, self.vault)
            db.execute("DELETE FROM personal_data WHERE case_id = ?", (case.id,))
            db.executemany(
                "UPDATE commands SET request = ?, result = ? WHERE command_id = ?",
                erased_commands(db, "?", case, reporters),
            )
            self._write(db, case, event, None, (), ())
            db.execute(
                "INSERT OR REPLACE INTO erasures_pending VALUES (?, ?)", (case.id, case.version)
            )
        # after the commit: a refused erasure keeps the data readable
        self.finish_erasures()
        with self._lock:  # drop old pages from the WAL where no reader still needs them
            row = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            self.last_checkpoint = (int(row[0]), int(row[1]), int(row[2]))

    def pending_erasures(self) -> list[str]:
        """Cases whose erasure is committed but whose key is not destroyed yet (a writer
        stopped in between; :meth:`finish_erasures` finishes them), in id order."""
        with self._lock:
            rows = self._db.execute("SELECT case_id FROM erasures_pending").fetchall()
        return sorted({str(r[0]) for r in rows})

    def finish_erasures(self) -> list[str]:
        """Destroy the keys of erasures committed but not finished; the ids of their cases.

        Idempotent: destroying a key twice changes nothing, and the intent is deleted only
        after its key is gone, so a crash in here is finished by the next call.
        """
        with self._lock:
            pending = self._db.execute("SELECT case_id, version FROM erasures_pending").fetchall()
        for case_id, version in pending:
            self.vault.shred(case_id)
            with self._tx() as db:
                db.execute(
                    "DELETE FROM erasures_pending WHERE case_id = ? AND version = ?",
                    (case_id, version),
                )
        return [case_id for case_id, _ in pending]

    def recall(self, command_id: str) -> CommandRecord | None:
        with self._lock:
            return read_command(self._db, "?", command_id, self.vault)

    def case_ids(self) -> Iterator[str]:
        with self._lock:
            rows = self._db.execute("SELECT id FROM cases ORDER BY created").fetchall()
        return iter([r[0] for r in rows])

    def query_cases(self, query: CaseQuery) -> list[CaseRow]:
        """One page of the cases matching ``query``, from the ``case_index`` table."""
        sql, params = select_cases(query, "?", sqlite_instant)
        with self._lock:
            return rows_from(self._db.execute(sql, params).fetchall(), sqlite_due)

    def sop_hashes(self) -> list[str]:
        """The SOP versions stored (every case is pinned to one of them)."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT hash FROM sops ORDER BY hash")]

    def count_cases(self, query: CaseQuery) -> int:
        """How many cases match ``query`` (paging ignored)."""
        sql, params = select_cases(query, "?", sqlite_instant, count=True)
        with self._lock:
            return int(self._db.execute(sql, params).fetchone()[0])

    # -- timers and outbox -------------------------------------------------------------------

    def due_timers(self, now: datetime) -> list[Timer]:
        """Claim the timers due at ``now`` (unclaimed, or whose lease ran out), earliest first."""
        token = secrets.token_hex(16)
        wall = _us(self._clock.now())
        with self._tx() as db:
            rows = db.execute(
                "SELECT key, body FROM timers WHERE at_us <= ? "
                "AND (claimed_until_us IS NULL OR claimed_until_us < ?) "
                "AND dead_us IS NULL AND (retry_us IS NULL OR retry_us <= ?) "
                "ORDER BY at_us, key",
                (_us(now), wall, _us(now)),
            ).fetchall()
            until = wall + self.lease // timedelta(microseconds=1)
            db.executemany(
                "UPDATE timers SET claimed_until_us = ?, claim_token = ? WHERE key = ?",
                [(until, token, key) for key, _ in rows],
            )
        return [timer_from_body(body, token) for _, body in rows]

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

    def pending_notifications(self, limit: int, now: datetime | None = None) -> list[Notification]:
        """Claim up to ``limit`` undelivered notifications for this store object, those tried
        least first, then oldest.

        Rows this store claimed before come again (a failed delivery is retried by the same
        worker); rows another worker on the same file holds are skipped until its lease runs
        out, so two workers do not deliver the same notification at once (as on PostgreSQL).
        """
        wall = _us(self._clock.now())
        retry = "" if now is None else f" AND (retry_us IS NULL OR retry_us <= {_us(now)})"
        with self._tx() as db:
            rows = db.execute(
                "SELECT key, case_id, body FROM outbox WHERE delivered_us IS NULL "
                f"AND dead_us IS NULL{retry} AND (claim_token IS NULL OR claim_token = ? "
                "OR claimed_until_us < ?) ORDER BY attempts, created_us, rowid LIMIT ?",
                (self._relay_token, wall, limit),
            ).fetchall()
            until = wall + self.lease // timedelta(microseconds=1)
            db.executemany(
                "UPDATE outbox SET claimed_until_us = ?, claim_token = ? WHERE key = ?",
                [(until, self._relay_token, key) for key, _, _ in rows],
            )
        self._claimed_outbox = self._claimed_outbox or bool(rows)
        return [notification_from_body(*row) for row in rows]

    # -- failures (see _persistence/deadletter.py) --------------------------------------------

    transient_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    """Errors of the database itself (locked, disk full): a sweep stops on them instead of
    counting them against the timer it was firing."""

    def fail_timer(self, timer: Timer, error: str, at: datetime, retry: Retry) -> int:
        """Record a failure of a claimed timer (only while the claim stands): retry it after
        ``retry(attempts)``, or quarantine it; return the attempt count (0: not ours)."""
        with self._tx() as db:
            row = db.execute(
                "SELECT attempts FROM timers WHERE key = ? AND claim_token = ?",
                (timer.key, timer.claim),
            ).fetchone()
            if row is None:
                return 0
            return self._fail(db, "timers", timer.key, row[0] + 1, error, at, retry)

    def fail_notification(self, key: str, error: str, at: datetime, retry: Retry) -> int:
        """Record a failed delivery: retry it after ``retry(attempts)``, or quarantine it."""
        with self._tx() as db:
            row = db.execute(
                "SELECT attempts FROM outbox WHERE key = ? AND delivered_us IS NULL "
                "AND dead_us IS NULL",
                (key,),
            ).fetchone()
            if row is None:
                return 0
            return self._fail(db, "outbox", key, row[0] + 1, error, at, retry)

    @staticmethod
    def _fail(
        db: sqlite3.Connection,
        table: str,
        key: str,
        attempts: int,
        error: str,
        at: datetime,
        retry: Retry,
    ) -> int:
        when = retry(attempts)
        claim = ", claimed_until_us = NULL, claim_token = NULL" if table == "timers" else ""
        db.execute(
            f"UPDATE {table} SET attempts = ?, error = ?, retry_us = ?, dead_us = ?{claim} "
            "WHERE key = ?",
            (
                attempts,
                error,
                None if when is None else _us(when),
                _us(at) if when is None else None,
                key,
            ),
        )
        return attempts

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Quarantined timers and notifications, oldest quarantine first."""
        with self._lock:
            timers = self._db.execute(
                "SELECT key, body, attempts, error, dead_us FROM timers "
                "WHERE dead_us IS NOT NULL ORDER BY dead_us, key LIMIT ?",
                (limit,),
            ).fetchall()
            notes = self._db.execute(
                "SELECT key, case_id, attempts, error, dead_us FROM outbox "
                "WHERE dead_us IS NOT NULL ORDER BY dead_us, key LIMIT ?",
                (limit,),
            ).fetchall()
        out = [
            DeadLetter("timer", k, timer_from_body(b, None).case_id, n, e or "", _at(d))
            for k, b, n, e, d in timers
        ]
        out += [DeadLetter("notification", k, c, n, e or "", _at(d)) for k, c, n, e, d in notes]
        out.sort(key=lambda x: (x.since, x.key))
        return out[:limit]

    def requeue(self, keys: Iterable[str]) -> int:
        """Put quarantined timers and notifications back with a fresh attempt count."""
        keys = list(keys)
        n = 0
        with self._tx() as db:
            for table in ("timers", "outbox"):
                cur = db.executemany(
                    f"UPDATE {table} SET attempts = 0, retry_us = NULL, error = NULL, "
                    "dead_us = NULL WHERE key = ? AND dead_us IS NOT NULL",
                    [(k,) for k in keys],
                )
                n += cur.rowcount
        return n

    # -- scheduled checkpoints (see slots.py) -------------------------------------------------

    def claim_checkpoint(self, series: str, slot: str) -> Claim:
        """Hold the checkpoint of ``slot`` for this store object (a lease), unless another holds
        it or it is written."""
        token = secrets.token_hex(16)
        wall = _us(self._clock.now())
        until = wall + self.lease // timedelta(microseconds=1)
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO checkpoints (series, slot, claim_token, claimed_until_us) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (series, slot) DO UPDATE SET "
                "claim_token = excluded.claim_token, claimed_until_us = excluded.claimed_until_us "
                "WHERE checkpoints.taken_us IS NULL AND checkpoints.claimed_until_us < ?",
                (series, slot, token, until, wall),
            )
            if cur.rowcount:
                return Claim(token)
            row = db.execute(
                "SELECT taken_us FROM checkpoints WHERE series = ? AND slot = ?", (series, slot)
            ).fetchone()
        return Claim(None, taken=row is not None and row[0] is not None)

    def finish_checkpoint(
        self, series: str, slot: str, token: str, file: str, digest: str, at: datetime
    ) -> bool:
        """Record the written checkpoint of ``slot``, while this claim stands (else False)."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE checkpoints SET taken_us = ?, file = ?, digest = ? "
                "WHERE series = ? AND slot = ? AND claim_token = ? AND taken_us IS NULL",
                (_us(at), file, digest, series, slot, token),
            )
            return cur.rowcount == 1

    def latest_checkpoint(self, series: str | None = None) -> CheckpointRow | None:
        """The newest written checkpoint (of ``series``, or of any)."""
        where, params = ("AND series = ?", (series,)) if series is not None else ("", ())
        with self._lock:
            row = self._db.execute(
                "SELECT series, slot, file, digest, taken_us FROM checkpoints "
                f"WHERE taken_us IS NOT NULL {where} ORDER BY slot DESC, taken_us DESC LIMIT 1",
                params,
            ).fetchone()
        return None if row is None else CheckpointRow(row[0], row[1], row[2], row[3], _at(row[4]))

    def queue_status(self, now: datetime) -> QueueStatus:
        """Counts of due, retrying and quarantined timers and notifications."""
        with self._lock:
            t = self._db.execute(
                "SELECT COALESCE(SUM(at_us <= ? AND dead_us IS NULL), 0), "
                "COALESCE(SUM(retry_us IS NOT NULL AND dead_us IS NULL), 0), "
                "COALESCE(SUM(dead_us IS NOT NULL), 0), "
                "MIN(CASE WHEN at_us <= ? AND dead_us IS NULL THEN at_us END) FROM timers",
                (_us(now), _us(now)),
            ).fetchone()
            o = self._db.execute(
                "SELECT COALESCE(SUM(dead_us IS NULL), 0), "
                "COALESCE(SUM(retry_us IS NOT NULL AND dead_us IS NULL), 0), "
                "COALESCE(SUM(dead_us IS NOT NULL), 0), "
                "MIN(CASE WHEN dead_us IS NULL THEN created_us END) "
                "FROM outbox WHERE delivered_us IS NULL"
            ).fetchone()
        return QueueStatus(
            due_timers=t[0],
            retrying_timers=t[1],
            dead_timers=t[2],
            pending_notifications=o[0],
            retrying_notifications=o[1],
            dead_notifications=o[2],
            oldest_due=None if t[3] is None else _at(t[3]),
            oldest_pending=None if o[3] is None else _at(o[3]),
        )

    def mark_delivered(self, keys: Iterable[str], at: datetime) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE outbox SET delivered_us = ? WHERE key = ? AND delivered_us IS NULL",
                [(_us(at), k) for k in keys],
            )

    def _notifications(self, where: str, limit: int, first: str = "") -> list[Notification]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT key, case_id, body FROM outbox {where} "
                f"ORDER BY {first}created_us, rowid LIMIT ?",
                (limit,),
            ).fetchall()
        return [notification_from_body(*row) for row in rows]


def _last_created(db: sqlite3.Connection) -> int:
    """The creation ordinal of the newest case: its rowid (cases are never deleted, so rowids
    run 1..n like the ordinals), found in O(log n) where ``COUNT(*)`` read every page of the
    table on each new case."""
    (last,) = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM cases").fetchone()
    return int(last)


def _insert_case(db: sqlite3.Connection, case: Case, created: int, vault: Vault) -> str:
    """A new case row (``created`` is its creation ordinal), refused if the id exists; the
    stored snapshot."""
    row = db.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
    if row is not None:
        raise VersionConflict(case.id, 0, row[0])
    snapshot = seal_case(case, vault)
    db.execute(
        "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)",
        (case.id, case.sop_id, case.sop_hash, case.state, case.version, snapshot, created),
    )
    return snapshot


def _complete(db: sqlite3.Connection, done: Iterable[Timer]) -> None:
    """Remove the claimed timers a commit completes; the fence: each claim must still stand."""
    for t in done:
        # one statement, not a SELECT then a DELETE (issue 19): the row goes only while the
        # claim stands (``IS``: an unclaimed timer has no token on either side)
        cur = db.execute("DELETE FROM timers WHERE key = ? AND claim_token IS ?", (t.key, t.claim))
        if cur.rowcount != 1:
            raise LeaseLost(t.key)


def _update_case(db: sqlite3.Connection, case: Case, vault: Vault) -> str:
    """Write the new snapshot, only on top of the version it was computed from; the stored
    snapshot."""
    snapshot = seal_case(case, vault)
    cur = db.execute(
        "UPDATE cases SET state = ?, version = ?, snapshot = ? WHERE id = ? AND version = ?",
        (case.state, case.version, snapshot, case.id, case.version - 1),
    )
    if cur.rowcount != 1:
        row = db.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
        if row is None:
            raise CaseNotFound(case.id)
        raise VersionConflict(case.id, case.version - 1, row[0])
    return snapshot


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
        return check_cases(db, "?", case_id)
    finally:
        db.close()
