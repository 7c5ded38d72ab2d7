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

import json
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from sop_engine._core.clock import Clock
from sop_engine._core.errors import CaseNotFound, LeaseLost, StoreUnavailable, VersionConflict
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
    notification_body,
    notification_from_body,
)
from sop_engine._persistence.store import CommandRecord

__all__ = ["MIGRATIONS", "PgStore", "verify_chains"]

MIGRATIONS: tuple[str, ...] = (
    # 1: the schema of SQLite's migrations 1-3, with the agency on every row, the fired-items
    # ledger and claimable outbox rows
    """
    CREATE TABLE sops (
        hash text PRIMARY KEY,
        sop_id text NOT NULL,
        version text NOT NULL,
        agency text NOT NULL,
        source text NOT NULL
    );
    CREATE TABLE cases (
        id text PRIMARY KEY,
        agency text NOT NULL,
        sop_id text NOT NULL,
        sop_hash text NOT NULL,
        state text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        snapshot text NOT NULL,
        created bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX cases_by_agency ON cases (agency, created);
    CREATE TABLE events (
        case_id text NOT NULL REFERENCES cases(id),
        seq integer NOT NULL CHECK (seq >= 1),
        agency text NOT NULL,
        body text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (case_id, seq)
    );
    CREATE FUNCTION sop_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
    END $$;
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION sop_events_append_only();
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION sop_events_append_only();
    CREATE TABLE personal_data (
        ref text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        agency text NOT NULL,
        value text NOT NULL
    );
    CREATE INDEX personal_data_by_case ON personal_data (case_id);
    CREATE TABLE commands (
        command_id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        agency text NOT NULL,
        request text NOT NULL,
        result text NOT NULL
    );
    CREATE INDEX commands_by_case ON commands (case_id);
    CREATE TABLE timers (
        key text PRIMARY KEY,
        case_id text NOT NULL,
        deadline text NOT NULL,
        arming integer NOT NULL,
        item text NOT NULL,
        agency text NOT NULL,
        at timestamptz NOT NULL,
        claimed_until timestamptz,
        claim_token text
    );
    CREATE INDEX timers_by_instant ON timers (at, key);
    CREATE INDEX timers_by_agency ON timers (agency, at, key);
    CREATE TABLE fired (
        case_id text NOT NULL,
        deadline text NOT NULL,
        arming integer NOT NULL,
        item text NOT NULL,
        agency text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (case_id, deadline, arming, item)
    );
    CREATE TABLE outbox (
        key text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        case_id text NOT NULL REFERENCES cases(id),
        agency text NOT NULL,
        body text NOT NULL,
        created timestamptz NOT NULL,
        delivered timestamptz,
        claimed_until timestamptz,
        claim_token text
    );
    CREATE INDEX outbox_pending ON outbox (created, seq) WHERE delivered IS NULL;
    CREATE FUNCTION sop_check(completed text[], wanted text[], written bigint, current integer)
    RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE missing text;
    BEGIN
        -- the last step of a write statement: any failed check aborts the whole statement
        SELECT k INTO missing FROM unnest(wanted) AS k
        WHERE completed IS NULL OR NOT k = ANY(completed) LIMIT 1;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'SOP01', MESSAGE = missing;
        END IF;
        IF written = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'SOP02', MESSAGE = COALESCE(current::text, '');
        END IF;
        RETURN written;
    END $$;
    """,
)

_HASH = "encode(sha256(convert_to({prev} || E'\\n' || %(body)s, 'UTF8')), 'hex')"
# the rows that go with an event, written only when the event is (``FROM ev``)
_WITH_EVENT = """,
pd AS (
    INSERT INTO personal_data (ref, case_id, agency, value)
    SELECT r, %(id)s, ev.agency, v FROM ev, unnest(%(p_refs)s::text[], %(p_values)s::text[]) AS u(r, v)),
cmd AS (
    INSERT INTO commands (command_id, case_id, agency, request, result)
    SELECT c, %(id)s, ev.agency, q, r
    FROM ev, unnest(%(c_ids)s::text[], %(c_requests)s::text[], %(c_results)s::text[]) AS u(c, q, r)),
tm AS (
    INSERT INTO timers (key, case_id, deadline, arming, item, agency, at)
    SELECT k, c, d, a, i, ev.agency, t
    FROM ev, unnest(%(t_keys)s::text[], %(t_cases)s::text[], %(t_deadlines)s::text[],
                    %(t_armings)s::integer[], %(t_items)s::text[], %(t_ats)s::timestamptz[])
         WITH ORDINALITY AS u(k, c, d, a, i, t, n)
    ORDER BY n
    ON CONFLICT DO NOTHING),
ob AS (
    INSERT INTO outbox (key, case_id, agency, body, created)
    SELECT k, c, ev.agency, b, t
    FROM ev, unnest(%(o_keys)s::text[], %(o_cases)s::text[], %(o_bodies)s::text[],
                    %(o_created)s::timestamptz[]) WITH ORDINALITY AS u(k, c, b, t, n)
    ORDER BY n
    ON CONFLICT DO NOTHING)
"""
# a new case and its first event, unless the id is taken (then sop_check aborts it all)
_INSERT = (
    f"""
WITH ins AS (
    INSERT INTO cases (id, agency, sop_id, sop_hash, state, version, snapshot)
    VALUES (%(id)s, COALESCE((SELECT agency FROM sops WHERE hash = %(sop_hash)s), %(default)s),
            %(sop_id)s, %(sop_hash)s, %(state)s, %(version)s, %(snapshot)s)
    ON CONFLICT (id) DO NOTHING RETURNING agency),
ev AS (
    INSERT INTO events (case_id, seq, agency, body, prev_hash, hash)
    SELECT %(id)s, %(seq)s, agency, %(body)s, '', {_HASH.format(prev="''")} FROM ins
    RETURNING agency)"""
    + _WITH_EVENT
    + """SELECT sop_check(NULL, '{}', (SELECT count(*) FROM ev),
                 (SELECT version FROM cases WHERE id = %(id)s))"""
)
# the fence and the ledger for completed timers, the version-checked snapshot and the chained
# event (its hash computed here from the previous link), and the rows that go with it: one
# statement, so one implicit transaction that sop_check aborts when a check failed
_COMMIT = (
    f"""
WITH gone AS (
    DELETE FROM timers t
    WHERE t.key = ANY(%(keys)s::text[])
      AND t.claim_token = (%(tokens)s::text[])[array_position(%(keys)s::text[], t.key)]
    RETURNING t.case_id, t.deadline, t.arming, t.item, t.agency),
led AS (
    INSERT INTO fired (case_id, deadline, arming, item, agency, at)
    SELECT case_id, deadline, arming, item, agency,
           COALESCE(%(wall)s::timestamptz, clock_timestamp()) FROM gone
    ON CONFLICT DO NOTHING
    RETURNING case_id || '/' || deadline || '/' || arming || '/' || item AS key),
upd AS (
    UPDATE cases SET state = %(state)s, version = %(version)s, snapshot = %(snapshot)s
    WHERE id = %(id)s AND version = %(version)s - 1 AND (SELECT count(*) FROM led) = %(n)s
    RETURNING agency),
prev AS (
    SELECT hash AS h FROM events WHERE case_id = %(id)s AND seq = %(seq)s - 1),
ev AS (
    INSERT INTO events (case_id, seq, agency, body, prev_hash, hash)
    SELECT %(id)s, %(seq)s, upd.agency, %(body)s, prev.h, {_HASH.format(prev="prev.h")}
    FROM upd, prev
    RETURNING agency)"""
    + _WITH_EVENT
    + """SELECT sop_check((SELECT array_agg(key) FROM led), %(keys)s::text[],
                 (SELECT count(*) FROM ev), (SELECT version FROM cases WHERE id = %(id)s))"""
)
_MIGRATION_LOCK = 0x50F_E2617E  # the advisory lock taken while migrating
_MAX_CACHED = 100_000
_NOW = "COALESCE(%(wall)s::timestamptz, clock_timestamp())"


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
    ) -> None:
        self.url = url
        self.path = _display(url)  # where the data is, fit to print
        self.agencies = tuple(agencies) if agencies else None
        self.lease = lease
        self.batch = batch
        self.pool_size = pool_size
        self.default_agency = default_agency
        self._clock = clock
        self._relay_token = secrets.token_hex(16)  # this store's claim on outbox rows
        # decoded snapshots by case, trusted only while the stored version is theirs
        self._snapshots: dict[str, Case] = {}
        self._cache_lock = threading.Lock()
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
                f"no connection within {connect_timeout.total_seconds():g} s ({e})",
                "check the URL (postgresql://USER@HOST:PORT/DBNAME), that the server runs and "
                "accepts this user",
            ) from e
        self.migrate()

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations this database has not seen yet; return the schema version."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version integer PRIMARY KEY, applied timestamptz NOT NULL)"
            )
            done = _one(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            for version, script in enumerate(MIGRATIONS, start=1):
                if version > done:
                    conn.execute(script)  # fixed text, no parameters
                    conn.execute(
                        f"INSERT INTO schema_migrations VALUES (%(version)s, {_NOW})",
                        {"version": version, "wall": self._wall()},
                    )
        return len(MIGRATIONS)

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
        self._transact(_INSERT, params, case)

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
        self._transact(_COMMIT, params, case)

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
        body, personal = event_to_stored(event)  # the chain covers references only
        timers = list(timers)
        notes = list(notifications)
        return {
            "id": case.id,
            "state": case.state,
            "version": case.version,
            "snapshot": dumps(case_to_json(case)),
            "seq": event.seq,
            "body": body,
            "p_refs": [ref for ref, _ in personal],
            "p_values": [value for _, value in personal],
            "c_ids": [] if command is None else [command.command_id],
            "c_requests": [] if command is None else [command_request(command)],
            "c_results": [] if command is None else [dumps(case_to_json(command.result))],
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
                if e.sqlstate == "SOP01":
                    raise LeaseLost(str(e.diag.message_primary)) from None
                if e.sqlstate == "SOP02":
                    found = e.diag.message_primary
                    if not found:
                        raise CaseNotFound(case.id) from None
                    expected = 0 if case.version == 1 else case.version - 1
                    raise VersionConflict(case.id, expected, int(found)) from None
                raise
        self._remember(case)

    def _remember(self, case: Case) -> None:
        with self._cache_lock:
            if len(self._snapshots) >= _MAX_CACHED:
                self._snapshots.clear()
            self._snapshots[case.id] = case

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
            row = conn.execute("SELECT source FROM sops WHERE hash = %s", (sop_hash,)).fetchone()
        return None if row is None else str(row[0])

    def erase(self, case: Case, event: AuditEvent) -> None:
        """Commit ``case`` (its personal fields erased) with its ``@erase`` event and delete the
        case's personal data everywhere (the separate values, the command records' copies).

        The deleted row versions stay in the table files until ``VACUUM`` reclaims them, so the
        store vacuums both tables right after (and WAL archives keep them until they expire:
        see docs/deployment.md).
        """
        erased = {k for k, v in case.data.items() if v == ERASED}
        with self._pool.connection() as conn:
            commands = conn.execute(
                "SELECT command_id, request, result FROM commands WHERE case_id = %s", (case.id,)
            ).fetchall()
        # rewritten in the erasing transaction; a command committed since makes its version
        # check fail, and the whole erasure is refused
        before: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM personal_data WHERE case_id = %s", (case.id,))
        ]
        before += [
            (
                "UPDATE commands SET request = %s, result = %s WHERE command_id = %s",
                (*erase_command(request, result, erased), command_id),
            )
            for command_id, request, result in commands
        ]
        params = self._commit_params(case, event, None, (), (), ())
        self._transact(_COMMIT, params, case, before)
        with self._pool.connection() as conn:
            conn.execute("VACUUM personal_data, commands")  # autocommit: outside a transaction

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
        case = case_from_json(json.loads(row[1]))
        self._remember(case)
        return case

    def history(self, case_id: str) -> Sequence[AuditEvent]:
        with self._pool.connection() as conn:
            if conn.execute("SELECT 1 FROM cases WHERE id = %s", (case_id,)).fetchone() is None:
                raise CaseNotFound(case_id)
            rows = conn.execute(
                "SELECT body FROM events WHERE case_id = %s ORDER BY seq", (case_id,)
            ).fetchall()
            values = dict(
                conn.execute(
                    "SELECT ref, value FROM personal_data WHERE case_id = %s", (case_id,)
                ).fetchall()
            )
        return tuple(event_from_stored(body, values) for (body,) in rows)

    def recall(self, command_id: str) -> CommandRecord | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT request, result FROM commands WHERE command_id = %s", (command_id,)
            ).fetchone()
        return None if row is None else command_from_rows(command_id, row[0], row[1])

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
        notification, among this store's agencies. A worker exits when idle on this."""
        params: dict[str, Any] = {"now": now}
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM timers WHERE at <= %(now)s {where}) "
                f"OR EXISTS (SELECT 1 FROM outbox WHERE delivered IS NULL {where})",
                params,
            ).fetchone()
        return bool(row and row[0])

    def outbox(self) -> Sequence[Notification]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT key, case_id, body FROM outbox ORDER BY created, seq"
            ).fetchall()
        return tuple(notification_from_body(*row) for row in rows)

    def pending_notifications(self, limit: int) -> list[Notification]:
        """Claim up to ``limit`` undelivered notifications for this store object, oldest first.

        Rows this store claimed before come again (a failed delivery is retried by the same
        worker); rows another worker holds are skipped until its lease runs out.
        """
        params: dict[str, Any] = {
            "wall": self._wall(),
            "limit": limit,
            "lease": self.lease,
            "token": self._relay_token,
        }
        where = self._agency_filter(params)
        with self._pool.connection() as conn:
            rows = conn.execute(
                "WITH picked AS (SELECT key FROM outbox WHERE delivered IS NULL "
                "AND (claim_token IS NULL OR claim_token = %(token)s "
                f"OR claimed_until < {_NOW}) {where} "
                "ORDER BY created, seq LIMIT %(limit)s FOR UPDATE SKIP LOCKED) "
                f"UPDATE outbox o SET claimed_until = {_NOW} + %(lease)s, "
                "claim_token = %(token)s FROM picked WHERE o.key = picked.key "
                "RETURNING o.created, o.seq, o.key, o.case_id, o.body",
                params,
            ).fetchall()
        rows.sort(key=lambda r: (r[0], r[1]))
        return [notification_from_body(key, case_id, body) for _, _, key, case_id, body in rows]

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


def _one(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def _update_case(conn: psycopg.Connection[Any], case: Case) -> str:
    """Write the new snapshot on top of the version it was computed from; return its agency."""
    row = conn.execute(
        "UPDATE cases SET state = %s, version = %s, snapshot = %s "
        "WHERE id = %s AND version = %s RETURNING agency",
        (case.state, case.version, dumps(case_to_json(case)), case.id, case.version - 1),
    ).fetchone()
    if row is None:
        found = conn.execute("SELECT version FROM cases WHERE id = %s", (case.id,)).fetchone()
        if found is None:
            raise CaseNotFound(case.id)
        raise VersionConflict(case.id, case.version - 1, found[0])
    return str(row[0])


def verify_chains(url: str, case_id: str | None = None) -> list[ChainBreak]:
    """Check every case's hash chain (or one case's); one :class:`ChainBreak` per broken case.

    Reads the rows in one read-only snapshot, without the store's write path.
    """
    try:
        conn = psycopg.connect(url, autocommit=False)
    except psycopg.Error as e:
        raise StoreUnavailable(
            _display(url), str(e).strip(), "check the URL and that the server runs"
        ) from e
    with conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        if case_id is None:
            ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY created")]
        else:
            ids = [case_id]
        breaks = []
        for cid in ids:
            row = conn.execute("SELECT version FROM cases WHERE id = %s", (cid,)).fetchone()
            rows = conn.execute(
                "SELECT seq, body, prev_hash, hash FROM events WHERE case_id = %s ORDER BY seq",
                (cid,),
            ).fetchall()
            breaks.extend(check_chain(cid, None if row is None else row[0], rows))
        return breaks
