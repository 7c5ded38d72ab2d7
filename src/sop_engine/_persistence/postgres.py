"""The scale-out durable store: one PostgreSQL database, any number of worker processes.

Same promises as :mod:`sop_engine.sqlite_store`, kept the way PostgreSQL does best, so several
application servers and sweeper processes share one source of truth:

- **One statement per command**, hence one transaction and one round trip, from a connection
  pool (psycopg 3): the snapshot, its audit event (hashed by the server from the previous
  link), the command record, new timers, outbox rows and the completion of claimed timers
  commit together or not at all; a failed check at its end aborts the whole statement. A version-checked ``UPDATE`` is the optimistic-concurrency
  test; under ``READ COMMITTED`` a second writer of the same version waits for the first and
  then finds no row to update.
- **Append-only, hash-chained trail**: each case's events are chained exactly as in SQLite
  (:func:`sop_engine.codec.link_hash`); triggers refuse ``UPDATE``, ``DELETE`` and ``TRUNCATE``
  on ``events``; :func:`verify_chains` re-checks every link from the rows alone. Personal
  values live in ``personal_data``, outside the chained bytes, and can be erased.
- **Timers for many sweepers**: :meth:`PgStore.due_timers` claims a batch with
  ``FOR UPDATE SKIP LOCKED`` (concurrent sweepers take disjoint batches without waiting), a
  lease and a random claim token; a timer whose lease ran out is claimed again (a dead worker's
  work is taken over). Completing a timer is fenced: the commit deletes it only where the token
  is still ours, and records it in ``fired``, whose primary key is the natural key (case,
  deadline, arming, item): a remaining race can only fail that insert and roll back, never fire
  twice. Either refusal raises :class:`~sop_engine.errors.LeaseLost` with nothing written.
- **Outbox for many relays**: :meth:`PgStore.pending_notifications` claims the rows it hands
  out for this store object (the same lease), so two workers do not deliver the same batch;
  a dead worker's rows come back after the lease. Delivery stays at least once.
- **Tenancy**: every row carries the agency of its case (the ``agency`` of the SOP the case
  started under). A store opened with ``agencies=`` sweeps, relays and lists only those
  agencies' cases: one worker group per set of agencies shards the work by agency.
- **Leases on the database's clock** (``clock_timestamp()``), the one clock every worker
  shares; an injected ``clock`` replaces it in tests (to play a zombie worker).

The schema is versioned like SQLite's: :data:`MIGRATIONS`, applied once each, in order, under
an advisory lock (workers starting together migrate once), recorded in ``schema_migrations``.
Requires the ``postgres`` extra: ``pip install 'sop-engine[postgres]'``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from sop_engine._core.clock import Clock
from sop_engine._core.errors import (
    CaseNotFound,
    CommandIdTaken,
    LeaseLost,
    StoreUnavailable,
    VersionConflict,
)
from sop_engine._core.i18n import Msg
from sop_engine._core.records import AuditEvent, Case, Notification, Timer
from sop_engine._persistence.codec import (
    ChainBreak,
    command_request,
    dumps,
    event_to_stored,
    notification_body,
    notification_from_body,
    open_case,
    seal_case,
)
from sop_engine._persistence.deadletter import DeadLetter, QueueStatus, Retry
from sop_engine._persistence.queries import CaseQuery, CaseRow, pg_due, rows_from, select_cases
from sop_engine._persistence.relational import (
    POSTGRES_COMMIT,
    POSTGRES_INSERT,
    POSTGRES_MIGRATIONS,
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
from sop_engine._persistence.vault import PREFIX, KeySource, Vault, recover_keys

__all__ = ["MIGRATIONS", "PgStore", "verify_chains"]

MIGRATIONS = POSTGRES_MIGRATIONS

_log = logging.getLogger("sop_engine.store")
"""Every step of the schema, in order (kept in :mod:`~sop_engine._persistence.relational`)."""

_MIGRATION_LOCK = 0x50F_E2617E  # the advisory lock taken while migrating
_NOW = "COALESCE(%(wall)s::timestamptz, clock_timestamp())"
_LIVE = "AND dead_at IS NULL AND (retry_at IS NULL OR retry_at <= %(now)s)"
"""Rows neither quarantined nor waiting for their retry at ``now``."""


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _display(url: str) -> str:
    """The URL with its password masked, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Session settings of every pooled connection: UTC instants, no stuck transactions."""
    conn.execute("SET TIME ZONE 'UTC'")
    # a worker that dies inside a transaction must not hold its row locks for long
    conn.execute("SET idle_in_transaction_session_timeout = '60s'")
    conn.execute("SET lock_timeout = '30s'")


class PgStore:
    """The :class:`~sop_engine.store.Store` protocol on a PostgreSQL database.

    Thread-safe (a pool of ``pool_size`` connections); open one store per worker process.
    ``agencies`` limits sweeping, relaying and listing to those agencies. ``lease`` is how long
    a sweeper or relay owns what it was handed; ``batch`` how many due timers one claim takes
    (``engine.sweep`` claims at most 8 batches per call; ``sop worker`` takes 100 per claim so
    that a burst spreads over the workers, and loops until nothing is due). ``clock`` replaces the database's clock
    for leases (tests). Cases whose SOP was never saved in this database get
    ``default_agency``.
    """

    def __init__(
        self,
        url: str,
        *,
        agencies: Iterable[str] | None = None,
        lease: timedelta = timedelta(minutes=5),
        batch: int = 1000,
        pool_size: int = 4,
        clock: Clock | None = None,
        default_agency: str = "-",
        connect_timeout: timedelta = timedelta(seconds=10),
        keys: KeySource | None = None,
        finish_erasures: bool = True,
    ) -> None:
        self.url = url
        # sealed personal data (issue 17): with a key source, values are encrypted per case
        # and erasure destroys the key; without one they are kept apart in clear and deleted
        self.vault = None if keys is None else Vault(keys)
        if keys is None:
            _log.warning(
                "PgStore without a key source: personal data and free text are kept apart but "
                "not encrypted; erasure deletes them, backups and WAL archives keep them "
                "(pass keys=KeyFile(...), or set SOP_KEY_FILE for the CLI)"
            )
        self.path = _display(url)  # where the data is, fit to print
        self.agencies = tuple(agencies) if agencies else None
        self.lease = lease
        self.batch = batch
        self.pool_size = pool_size
        self.default_agency = default_agency
        self._clock = clock
        self._relay_token = secrets.token_hex(16)  # this store's claim on outbox rows
        # decoded snapshots by case, trusted only while the stored version is theirs
        self._snapshots: BoundedCache[str, Case] = BoundedCache()
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=False,
            configure=_configure,
            kwargs={"autocommit": True},  # transactions are explicit
            name="sop_engine",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout.total_seconds())
        except (PoolTimeout, psycopg.Error) as e:
            self._pool.close()
            raise StoreUnavailable(
                self.path,
                Msg(
                    "no connection within {seconds} s ({error})",
                    seconds=format(connect_timeout.total_seconds(), "g"),
                    error=str(e),
                ),
                Msg(
                    "check the URL (postgresql://USER@HOST:PORT/DBNAME), that the server runs "
                    "and accepts this user"
                ),
            ) from e
        self.migrate()
        if keys is not None:  # a process killed while appending keys left a torn record
            try:
                recover_keys(keys, str(getattr(keys, "path", self.path)), self._sealed_cases)
            except BaseException:
                self._pool.close()
                raise
        if finish_erasures:  # off for a health check: it reports them, it changes nothing
            self.finish_erasures()  # a process that crashed mid-erasure left a key to destroy

    def _sealed_cases(self) -> list[str]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT case_id FROM personal_data WHERE value LIKE %s", (PREFIX + "%",)
            ).fetchall()
        return [str(case_id) for (case_id,) in rows]

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations this database has not seen yet; return the schema version."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version integer PRIMARY KEY, applied timestamptz NOT NULL)"
            )
            row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            done = row.fetchone()
            assert done is not None

            def apply(version: int, script: str) -> None:
                conn.execute(script)  # fixed text, no parameters
                conn.execute(
                    f"INSERT INTO schema_migrations VALUES (%(version)s, {_NOW})",
                    {"version": version, "wall": self._wall()},
                )

            return apply_migrations(MIGRATIONS, done[0], apply)

    def close(self) -> None:
        self._pool.close()

    def with_clock(self, clock: Clock) -> PgStore:
        """The same database, leases measured on ``clock`` (a simulated run)."""
        return PgStore(
            self.url,
            agencies=self.agencies,
            lease=self.lease,
            batch=self.batch,
            pool_size=self.pool_size,
            clock=clock,
            default_agency=self.default_agency,
        )

    def _wall(self) -> datetime | None:
        return None if self._clock is None else self._clock.now()

    def _agency_filter(self, params: dict[str, Any]) -> str:
        if self.agencies is None:
            return ""
        params["agencies"] = list(self.agencies)
        return "AND agency = ANY(%(agencies)s)"

    # -- writes ------------------------------------------------------------------------------

    def insert(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
    ) -> None:
        params = self._event_params(case, event, command, timers, notifications)
        params |= {"sop_hash": case.sop_hash, "sop_id": case.sop_id, "default": self.default_agency}
        self._transact(POSTGRES_INSERT, params, case)

    def commit(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer] = (),
        notifications: Iterable[Notification] = (),
        done: Iterable[Timer] = (),
    ) -> None:
        params = self._commit_params(case, event, command, timers, notifications, done)
        self._transact(POSTGRES_COMMIT, params, case)

    def _commit_params(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer],
        notifications: Iterable[Notification],
        done: Iterable[Timer],
    ) -> dict[str, Any]:
        done = list(done)
        params = self._event_params(case, event, command, timers, notifications)
        params |= {
            "keys": [t.key for t in done],
            "tokens": [t.claim or "" for t in done],
            "n": len(done),
            "wall": self._wall(),
        }
        return params

    def _event_params(
        self,
        case: Case,
        event: AuditEvent,
        command: CommandRecord | None,
        timers: Iterable[Timer],
        notifications: Iterable[Notification],
    ) -> dict[str, Any]:
        # the chain covers references (and keyed digests when sealed), never the values
        body, personal = event_to_stored(event, self.vault)
        timers = list(timers)
        notes = list(notifications)
        return {
            "id": case.id,
            "state": case.state,
            "version": case.version,
            "snapshot": seal_case(case, self.vault),
            "seq": event.seq,
            "body": body,
            "p_refs": [ref for ref, _ in personal],
            "p_values": [value for _, value in personal],
            "c_ids": [] if command is None else [command.command_id],
            "c_requests": [] if command is None else [command_request(command, event, self.vault)],
            "c_results": [] if command is None else [seal_case(command.result, self.vault)],
            "t_keys": [t.key for t in timers],
            "t_cases": [t.case_id for t in timers],
            "t_deadlines": [t.deadline for t in timers],
            "t_armings": [t.arming for t in timers],
            "t_items": [str(t.item) for t in timers],
            "t_ats": [t.at for t in timers],
            "o_keys": [n.key for n in notes],
            "o_cases": [n.case_id for n in notes],
            "o_bodies": [notification_body(n) for n in notes],
            "o_created": [n.created_at for n in notes],
        }

    def _transact(
        self, sql: str, params: dict[str, Any], case: Case, before: Sequence[Any] = ()
    ) -> None:
        """Run one write statement (with ``before`` statements: in one transaction).

        A failed check inside the statement (``sop_check``) aborts it, so nothing is written;
        its error names the refusal: a timer whose claim was lost, or the version found.
        """
        with self._pool.connection() as conn:
            try:
                if before:
                    with conn.transaction():
                        for statement, args in before:
                            conn.execute(statement, args)
                        conn.execute(sql, params)
                else:
                    conn.execute(sql, params)  # one statement: its own transaction
            except psycopg.Error as e:
                _refusal(e, case, params)
                raise
        self._snapshots.put(case.id, case)

    def commit_many(self, writes: Sequence[Staged]) -> None:
        """Every write in one transaction (one WAL flush at COMMIT), or none.

        Each write is the same single statement :meth:`insert` or :meth:`commit` runs, with the
        same checks; they run in order on one connection, so a write sees the earlier ones.
        """
        statements = []
        for w in writes:
            if w.new:
                params = self._event_params(w.case, w.event, w.command, w.timers, w.notifications)
                params |= {
                    "sop_hash": w.case.sop_hash,
                    "sop_id": w.case.sop_id,
                    "default": self.default_agency,
                }
                statements.append((POSTGRES_INSERT, params, w.case))
            else:
                params = self._commit_params(
                    w.case, w.event, w.command, w.timers, w.notifications, w.done
                )
                statements.append((POSTGRES_COMMIT, params, w.case))
        if not statements:
            return
        with self._pool.connection() as conn:
            failing = statements[0]
            try:
                with conn.transaction():
                    for failing in statements:  # the write a refusal names
                        conn.execute(failing[0], failing[1])
            except psycopg.Error as e:
                _refusal(e, failing[2], failing[1])
                raise
        for _, _, case in statements:
            self._snapshots.put(case.id, case)

    def save_sop(
        self, sop_hash: str, sop_id: str, version: str, source: str, agency: str = ""
    ) -> None:
        """Keep the text of an SOP version and its agency (the tenancy of its cases)."""
        if not source:
            return
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO sops VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (sop_hash, sop_id, version, agency or self.default_agency, source),
            )

    def sop_source(self, sop_hash: str) -> str | None:
        """The text of the SOP version with this content hash, if it was saved."""
        with self._pool.connection() as conn:
            return read_sop_source(conn, "%s", sop_hash)

    def save_calendar(self, sop_hash: str, doc: Mapping[str, Any]) -> None:
        """Keep the calendar the SOP version ``sop_hash`` adopted (``calendar_to_doc``'s form)
        with the SOP's agency; the latest saved counts, the earlier ones stay as a record."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO calendars (sop_hash, agency, doc, saved) VALUES (%(hash)s, "
                "COALESCE((SELECT agency FROM sops WHERE hash = %(hash)s), %(default)s), "
                f"%(doc)s, {_NOW})",
                {
                    "hash": sop_hash,
                    "default": self.default_agency,
                    "doc": dumps(doc),
                    "wall": self._wall(),
                },
            )

    def calendar_doc(self, sop_hash: str) -> dict[str, Any] | None:
        """The calendar the SOP version ``sop_hash`` adopted last, if any."""
        with self._pool.connection() as conn:
            return read_calendar(conn, "%s", sop_hash)

    def calendar_history(self, sop_hash: str) -> list[tuple[datetime, dict[str, Any]]]:
        """Every calendar document saved for ``sop_hash`` with when, oldest first."""
        with self._pool.connection() as conn:
            return read_calendar_history(conn, "%s", sop_hash)

    def recorded_calendar(self, sop_hash: str) -> str | None:
        """A calendar version the deadlines of a case of ``sop_hash`` record (see
        :func:`~sop_engine._persistence.relational.read_recorded_calendar`)."""
        with self._pool.connection() as conn:
            return read_recorded_calendar(conn, "%s", sop_hash)

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit ``case`` (its personal fields erased) with its ``@erase`` event and delete the
        case's personal data everywhere (the separate values, the command records' copies).

        The deleted row versions stay in the table files until ``VACUUM`` reclaims them, so the
        store vacuums both tables right after (and WAL archives keep them until they expire:
        see docs/deployment.md).
        """
        with self._pool.connection() as conn:
            reporters = reporter_ids(read_history(conn, "%s", case.id, self.vault))
            commands = erased_commands(conn, "%s", case, reporters)
        # rewritten in the erasing transaction; a command committed since makes its version
        # check fail, and the whole erasure is refused
        before: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM personal_data WHERE case_id = %s", (case.id,))
        ]
        before += [
            ("UPDATE commands SET request = %s, result = %s WHERE command_id = %s", params)
            for params in commands
        ]
        # the intent to destroy the key, committed with the erasure (see finish_erasures)
        before.append(
            (
                "INSERT INTO erasures_pending VALUES (%s, %s) "
                "ON CONFLICT (case_id) DO UPDATE SET version = EXCLUDED.version",
                (case.id, case.version),
            )
        )
        params = self._commit_params(case, event, None, (), (), ())
        self._transact(POSTGRES_COMMIT, params, case, before)
        self.finish_erasures()  # after the commit: a refused erasure keeps the data
        with self._pool.connection() as conn:
            conn.execute("VACUUM personal_data, commands")  # autocommit: outside a transaction

    def pending_erasures(self) -> list[str]:
        """Cases whose erasure is committed but whose key is not destroyed yet (a writer
        stopped in between; :meth:`finish_erasures` finishes them), in id order."""
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT case_id FROM erasures_pending").fetchall()
        return sorted({str(r[0]) for r in rows})

    def finish_erasures(self) -> list[str]:
        """Destroy the keys of erasures committed but not finished; the ids of their cases.

        The erasing transaction records the intent with the erasure, so a crash between the
        commit and the key's destruction is finished here, when any writer opens the
        database. Idempotent; the intent is deleted only after its key is gone.
        """
        with self._pool.connection() as conn:
            pending = conn.execute("SELECT case_id, version FROM erasures_pending").fetchall()
            for case_id, version in pending:
                if self.vault is not None:
                    self.vault.shred(case_id)
                conn.execute(
                    "DELETE FROM erasures_pending WHERE case_id = %s AND version = %s",
                    (case_id, version),
                )
        return [str(case_id) for case_id, _ in pending]

    # -- reads -------------------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        cached = self._snapshots.get(case_id)
        with self._pool.connection() as conn:
            # the snapshot travels only when the cached one is not the stored version
            row = conn.execute(
                "SELECT version, CASE WHEN version = %s THEN NULL ELSE snapshot END "
                "FROM cases WHERE id = %s",
                (-1 if cached is None else cached.version, case_id),
            ).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        if row[1] is None and cached is not None:
            return cached
        case = open_case(row[1], self.vault)
        self._snapshots.put(case.id, case)
        return case

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        with self._pool.connection() as conn:
            return read_history(conn, "%s", case_id, self.vault)

    def recall(self, command_id: str) -> CommandRecord | None:
        with self._pool.connection() as conn:
            return read_command(conn, "%s", command_id, self.vault)

    def query_cases(self, query: CaseQuery) -> list[CaseRow]:
        """One page of the cases matching ``query`` (of this store's agencies)."""
        sql, params = select_cases(query, "%s", _utc, agencies=self.agencies)
        with self._pool.connection() as conn:
            return rows_from(conn.execute(sql, params).fetchall(), pg_due)

    def sop_hashes(self) -> list[str]:
        """The SOP versions stored for this store's agencies."""
        params: dict[str, Any] = {}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(f"SELECT hash FROM sops WHERE true {where} ORDER BY hash", params)
            return [r[0] for r in rows.fetchall()]

    def count_cases(self, query: CaseQuery) -> int:
        """How many cases match ``query`` (paging ignored)."""
        sql, params = select_cases(query, "%s", _utc, count=True, agencies=self.agencies)
        with self._pool.connection() as conn:
            row = conn.execute(sql, params).fetchone()
        assert row is not None
        return int(row[0])

    def case_ids(self) -> Iterator[str]:
        params: dict[str, Any] = {}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT id FROM cases WHERE true {where} ORDER BY created", params
            ).fetchall()
        return iter([r[0] for r in rows])

    # -- timers and outbox -------------------------------------------------------------------

    def due_timers(self, now: datetime) -> list[Timer]:
        """Claim up to ``batch`` timers due at ``now`` (free, or whose lease ran out), earliest
        first; rows another sweeper is claiming right now are skipped, not waited for."""
        token = secrets.token_hex(16)
        params: dict[str, Any] = {
            "now": now,
            "wall": self._wall(),
            "batch": self.batch,
            "lease": self.lease,
            "token": token,
        }
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(
                "WITH picked AS (SELECT key FROM timers WHERE at <= %(now)s "
                f"AND (claimed_until IS NULL OR claimed_until < {_NOW}) {where} "
                "AND dead_at IS NULL AND (retry_at IS NULL OR retry_at <= %(now)s) "
                "ORDER BY at, key LIMIT %(batch)s FOR UPDATE SKIP LOCKED) "
                f"UPDATE timers t SET claimed_until = {_NOW} + %(lease)s, claim_token = %(token)s "
                "FROM picked WHERE t.key = picked.key "
                "RETURNING t.at, t.case_id, t.deadline, t.arming, t.item",
                params,
            ).fetchall()
        timers = [Timer(at.astimezone(UTC), c, d, a, i, token) for at, c, d, a, i in rows]
        timers.sort()
        return timers

    def release(self, timers: Iterable[Timer]) -> None:
        self._by_claim(
            "UPDATE timers SET claimed_until = NULL, claim_token = NULL "
            "FROM unnest(%s::text[], %s::text[]) AS u(key, token) "
            "WHERE timers.key = u.key AND timers.claim_token = u.token",
            timers,
        )

    def discard(self, timers: Iterable[Timer]) -> None:
        self._by_claim(
            "DELETE FROM timers USING unnest(%s::text[], %s::text[]) AS u(key, token) "
            "WHERE timers.key = u.key AND timers.claim_token = u.token",
            timers,
        )

    def _by_claim(self, sql: str, timers: Iterable[Timer]) -> None:
        timers = list(timers)
        if not timers:
            return
        with self._pool.connection() as conn:
            conn.execute(sql, ([t.key for t in timers], [t.claim or "" for t in timers]))

    def busy(self, now: datetime) -> bool:
        """Whether any work is left: a timer due at ``now`` (claimed or not) or a pending
        notification, among this store's agencies, neither quarantined nor waiting for its
        retry. A worker exits when idle on this."""
        params: dict[str, Any] = {"now": now}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM timers WHERE at <= %(now)s {where} {_LIVE}) "
                f"OR EXISTS (SELECT 1 FROM outbox WHERE delivered IS NULL {where} {_LIVE})",
                params,
            ).fetchone()
        return bool(row and row[0])

    def outbox(self) -> Sequence[Notification]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT key, case_id, body FROM outbox ORDER BY created, seq"
            ).fetchall()
        return tuple(notification_from_body(*row) for row in rows)

    def pending_notifications(self, limit: int, now: datetime | None = None) -> list[Notification]:
        """Claim up to ``limit`` undelivered notifications for this store object, oldest first.

        Rows this store claimed before come again (a failed delivery is retried by the same
        worker); rows another worker holds are skipped until its lease runs out.
        """
        params: dict[str, Any] = {
            "wall": self._wall(),
            "limit": limit,
            "lease": self.lease,
            "token": self._relay_token,
            "now": now,
        }
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(
                "WITH picked AS (SELECT key FROM outbox WHERE delivered IS NULL "
                "AND (claim_token IS NULL OR claim_token = %(token)s "
                f"OR claimed_until < {_NOW}) {where} AND dead_at IS NULL "
                "AND (%(now)s::timestamptz IS NULL OR retry_at IS NULL OR retry_at <= %(now)s) "
                "ORDER BY attempts, created, seq LIMIT %(limit)s FOR UPDATE SKIP LOCKED) "
                f"UPDATE outbox o SET claimed_until = {_NOW} + %(lease)s, "
                "claim_token = %(token)s FROM picked WHERE o.key = picked.key "
                "RETURNING o.attempts, o.created, o.seq, o.key, o.case_id, o.body",
                params,
            ).fetchall()
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return [notification_from_body(key, case_id, body) for _, _, _, key, case_id, body in rows]

    # -- failures (see _persistence/deadletter.py) --------------------------------------------

    transient_errors: tuple[type[BaseException], ...] = (psycopg.OperationalError, PoolTimeout)
    """Errors of the database itself (restarting, unreachable): a sweep stops on them instead
    of counting them against the timer it was firing."""

    def fail_timer(self, timer: Timer, error: str, at: datetime, retry: Retry) -> int:
        """Record a failure of a claimed timer (only while the claim stands): retry it after
        ``retry(attempts)``, or quarantine it; return the attempt count (0: not ours)."""
        return self._fail(
            "timers",
            "key = %(key)s AND claim_token = %(claim)s",
            timer.key,
            timer.claim,
            error,
            at,
            retry,
        )

    def fail_notification(self, key: str, error: str, at: datetime, retry: Retry) -> int:
        """Record a failed delivery: retry it after ``retry(attempts)``, or quarantine it."""
        return self._fail(
            "outbox",
            "key = %(key)s AND delivered IS NULL AND dead_at IS NULL",
            key,
            None,
            error,
            at,
            retry,
        )

    def _fail(
        self,
        table: str,
        where: str,
        key: str,
        claim: str | None,
        error: str,
        at: datetime,
        retry: Retry,
    ) -> int:
        params: dict[str, Any] = {"key": key, "claim": claim}
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute(
                f"SELECT attempts FROM {table} WHERE {where} FOR UPDATE", params
            ).fetchone()
            if row is None:
                return 0
            attempts = int(row[0]) + 1
            when = retry(attempts)
            conn.execute(
                f"UPDATE {table} SET attempts = %(n)s, error = %(error)s, retry_at = %(when)s, "
                "dead_at = %(dead)s, claimed_until = NULL, claim_token = NULL WHERE key = %(key)s",
                {
                    "n": attempts,
                    "error": error,
                    "when": when,
                    "dead": at if when is None else None,
                    "key": key,
                },
            )
        return attempts

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Quarantined timers and notifications of this store's agencies, oldest first."""
        params: dict[str, Any] = {"limit": limit}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM ("
                "SELECT 'timer' AS kind, key, case_id, attempts, error, dead_at FROM timers "
                f"WHERE dead_at IS NOT NULL {where} UNION ALL "
                "SELECT 'notification', key, case_id, attempts, error, dead_at FROM outbox "
                f"WHERE dead_at IS NOT NULL {where}) AS d ORDER BY dead_at, key LIMIT %(limit)s",
                params,
            ).fetchall()
        return [DeadLetter(k, key, c, n, e or "", d.astimezone(UTC)) for k, key, c, n, e, d in rows]

    def requeue(self, keys: Iterable[str]) -> int:
        """Put quarantined timers and notifications back with a fresh attempt count."""
        keys = list(keys)
        n = 0
        with self._pool.connection() as conn, conn.transaction():
            for table in ("timers", "outbox"):
                cur = conn.execute(
                    f"UPDATE {table} SET attempts = 0, retry_at = NULL, error = NULL, "
                    "dead_at = NULL WHERE key = ANY(%s) AND dead_at IS NOT NULL",
                    (keys,),
                )
                n += cur.rowcount
        return n

    # -- scheduled checkpoints (see slots.py) -------------------------------------------------

    def claim_checkpoint(self, series: str, slot: str) -> Claim:
        """Hold the checkpoint of ``slot`` for this store object (a lease on the database's
        clock), unless another holds it or it is written."""
        params: dict[str, Any] = {
            "series": series,
            "slot": slot,
            "token": secrets.token_hex(16),
            "lease": self.lease,
            "wall": self._wall(),
        }
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO checkpoints (series, slot, claim_token, claimed_until) "
                f"VALUES (%(series)s, %(slot)s, %(token)s, {_NOW} + %(lease)s) "
                "ON CONFLICT (series, slot) DO UPDATE SET claim_token = excluded.claim_token, "
                "claimed_until = excluded.claimed_until "
                f"WHERE checkpoints.taken_at IS NULL AND checkpoints.claimed_until < {_NOW} "
                "RETURNING claim_token",
                params,
            ).fetchone()
            if row is not None:
                return Claim(str(row[0]))
            taken = conn.execute(
                "SELECT taken_at FROM checkpoints WHERE series = %(series)s AND slot = %(slot)s",
                params,
            ).fetchone()
        return Claim(None, taken=taken is not None and taken[0] is not None)

    def finish_checkpoint(
        self, series: str, slot: str, token: str, file: str, digest: str, at: datetime
    ) -> bool:
        """Record the written checkpoint of ``slot``, while this claim stands (else False)."""
        with self._pool.connection() as conn:
            cur = conn.execute(
                "UPDATE checkpoints SET taken_at = %s, file = %s, digest = %s "
                "WHERE series = %s AND slot = %s AND claim_token = %s AND taken_at IS NULL",
                (at, file, digest, series, slot, token),
            )
            return cur.rowcount == 1

    def latest_checkpoint(self, series: str | None = None) -> CheckpointRow | None:
        """The newest written checkpoint (of ``series``, or of any)."""
        where, params = ("AND series = %s", (series,)) if series is not None else ("", ())
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT series, slot, file, digest, taken_at FROM checkpoints "
                f"WHERE taken_at IS NOT NULL {where} ORDER BY slot DESC, taken_at DESC LIMIT 1",
                params,
            ).fetchone()
        if row is None:
            return None
        return CheckpointRow(row[0], row[1], row[2], row[3], row[4].astimezone(UTC))

    def queue_status(self, now: datetime) -> QueueStatus:
        """Counts of due, retrying and quarantined timers and notifications."""
        params: dict[str, Any] = {"now": now}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            t = conn.execute(
                "SELECT count(*) FILTER (WHERE at <= %(now)s AND dead_at IS NULL), "
                "count(*) FILTER (WHERE retry_at IS NOT NULL AND dead_at IS NULL), "
                "count(*) FILTER (WHERE dead_at IS NOT NULL), "
                f"min(at) FILTER (WHERE at <= %(now)s AND dead_at IS NULL) FROM timers "
                f"WHERE true {where}",
                params,
            ).fetchone()
            o = conn.execute(
                "SELECT count(*) FILTER (WHERE dead_at IS NULL), "
                "count(*) FILTER (WHERE retry_at IS NOT NULL AND dead_at IS NULL), "
                "count(*) FILTER (WHERE dead_at IS NOT NULL), "
                "min(created) FILTER (WHERE dead_at IS NULL) "
                f"FROM outbox WHERE delivered IS NULL {where}",
                params,
            ).fetchone()
        assert t is not None
        assert o is not None
        return QueueStatus(
            due_timers=t[0],
            retrying_timers=t[1],
            dead_timers=t[2],
            pending_notifications=o[0],
            retrying_notifications=o[1],
            dead_notifications=o[2],
            oldest_due=None if t[3] is None else t[3].astimezone(UTC),
            oldest_pending=None if o[3] is None else o[3].astimezone(UTC),
        )

    def mark_delivered(self, keys: Iterable[str], at: datetime) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE outbox SET delivered = %s, claimed_until = NULL, claim_token = NULL "
                "WHERE key = ANY(%s) AND delivered IS NULL",
                (at, keys),
            )


def _refusal(e: psycopg.Error, case: Case, params: Mapping[str, Any]) -> None:
    """Raise the typed refusal a failed check inside a write statement (``sop_check``) names:
    a timer whose claim was lost (SOP01), or the version found (SOP02); or the command id a
    concurrent call committed first (a unique violation on the commands' key)."""
    if e.sqlstate == "23505" and e.diag.constraint_name == "commands_pkey":
        ids = params.get("c_ids") or ["?"]
        raise CommandIdTaken(str(ids[0]), case.id) from None
    if e.sqlstate == "SOP01":
        raise LeaseLost(str(e.diag.message_primary)) from None
    if e.sqlstate == "SOP02":
        found = e.diag.message_primary
        if not found:
            raise CaseNotFound(case.id) from None
        expected = 0 if case.version == 1 else case.version - 1
        raise VersionConflict(case.id, expected, int(found)) from None


def verify_chains(url: str, case_id: str | None = None) -> list[ChainBreak]:
    """Check every case's hash chain (or one case's); one :class:`ChainBreak` per broken case.

    Reads the rows in one read-only snapshot, without the store's write path.
    """
    try:
        conn = psycopg.connect(url, autocommit=False)
    except psycopg.Error as e:
        raise StoreUnavailable(
            _display(url), str(e).strip(), Msg("check the URL and that the server runs")
        ) from e
    with conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return check_cases(conn, "%s", case_id)
