"""What the two SQL stores (SQLite and PostgreSQL) share: their schemas, the migration loop,
and every read and check that is the same SQL on both.

The two schemas stand side by side so that a table added to one is added to the other (the
PostgreSQL schema is SQLite's with the agency on every row, the fired-items ledger and claimable
outbox rows); PostgreSQL's two write statements follow its schema. The shared queries are written once with a placeholder ``p`` (``?`` for SQLite,
``%s`` for PostgreSQL) and run on a connection of either driver (:class:`Connection`): the audit
trail with its personal values put back, command records, SOP texts, adopted calendars, the
command records an erasure rewrites, and the check of every case's hash chain.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sop_engine._core.errors import CaseNotFound
from sop_engine._core.records import ERASED, SEALED_ACTOR, AuditEvent, Case
from sop_engine._persistence.codec import (
    ChainBreak,
    check_chain,
    command_from_rows,
    erase_command,
    event_from_stored,
)
from sop_engine._persistence.queries import POSTGRES_QUERY_INDEX, SQLITE_QUERY_INDEX
from sop_engine._persistence.store import CommandRecord
from sop_engine._persistence.vault import Vault

__all__ = [
    "POSTGRES_COMMIT",
    "POSTGRES_INSERT",
    "POSTGRES_MIGRATIONS",
    "SQLITE_MIGRATIONS",
    "BoundedCache",
    "Connection",
    "apply_migrations",
    "check_cases",
    "erased_commands",
    "read_calendar",
    "read_calendar_history",
    "read_command",
    "read_history",
    "read_recorded_calendar",
    "read_sop_source",
    "reporter_ids",
]

SQLITE_MIGRATIONS: tuple[str, ...] = (
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
    """,  # 4: the working calendars SOP versions adopted (every adoption; the latest counts)
    """
    CREATE TABLE calendars (
        id INTEGER PRIMARY KEY,
        sop_hash TEXT NOT NULL,
        doc TEXT NOT NULL,
        saved TEXT NOT NULL
    );
    CREATE INDEX calendars_by_sop ON calendars (sop_hash, id);
    """,
    # 5 (issue 18, self-contained): failures of timers and notifications, retried then
    # quarantined (see _persistence/deadletter.py)
    """
    ALTER TABLE timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE timers ADD COLUMN retry_us INTEGER;
    ALTER TABLE timers ADD COLUMN error TEXT;
    ALTER TABLE timers ADD COLUMN dead_us INTEGER;
    ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN retry_us INTEGER;
    ALTER TABLE outbox ADD COLUMN error TEXT;
    ALTER TABLE outbox ADD COLUMN dead_us INTEGER;
    """,
    SQLITE_QUERY_INDEX,  # the query index and breach/escalation marks (queries.py)
    # 7 (issue 17): erasures committed whose key is not destroyed yet; written in the erasing
    # transaction, so a crash before the key is gone leaves the intent to finish (vault.py)
    """
    CREATE TABLE erasures_pending (
        case_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    );
    """,
    # 8 (issue 18): scheduled checkpoints, one row per series and slot (see slots.py)
    """
    CREATE TABLE checkpoints (
        series TEXT NOT NULL,
        slot TEXT NOT NULL,
        claim_token TEXT NOT NULL,
        claimed_until_us INTEGER NOT NULL,
        taken_us INTEGER,
        file TEXT,
        digest TEXT,
        PRIMARY KEY (series, slot)
    );
    """,
    # 9 (issue 18): outbox rows are claimed by the worker relaying them, with a lease, as on
    # PostgreSQL (two workers on one file each delivered the same notification)
    """
    ALTER TABLE outbox ADD COLUMN claim_token TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until_us INTEGER;
    """,
)

POSTGRES_MIGRATIONS: tuple[str, ...] = (
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
    """,  # 2: SQLite's migration 4, with the agency: the calendars SOP versions adopted
    """
    CREATE TABLE calendars (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sop_hash text NOT NULL,
        agency text NOT NULL,
        doc text NOT NULL,
        saved timestamptz NOT NULL
    );
    CREATE INDEX calendars_by_sop ON calendars (sop_hash, id);
    """,
    # 3 (issue 18, self-contained): SQLite's migration 5, failures retried then quarantined
    """
    ALTER TABLE timers ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN retry_at timestamptz, ADD COLUMN error text, ADD COLUMN dead_at timestamptz;
    ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN retry_at timestamptz, ADD COLUMN error text, ADD COLUMN dead_at timestamptz;
    """,
    POSTGRES_QUERY_INDEX,  # the query index and breach/escalation marks (queries.py)
    # 5 (issue 17): SQLite's migration 7, erasures committed whose key is not destroyed yet
    """
    CREATE TABLE erasures_pending (
        case_id text PRIMARY KEY,
        version integer NOT NULL
    );
    """,
    # 6 (issue 18): SQLite's migration 8, scheduled checkpoints (one chain per deployment
    # and key, whatever agencies its workers serve)
    """
    CREATE TABLE checkpoints (
        series text NOT NULL,
        slot text NOT NULL,
        claim_token text NOT NULL,
        claimed_until timestamptz NOT NULL,
        taken_at timestamptz,
        file text,
        digest text,
        PRIMARY KEY (series, slot)
    );
    """,
)

# -- PostgreSQL's two write statements (they follow its schema above) ----------------------------

_PG_HASH = "encode(sha256(convert_to({prev} || E'\\n' || %(body)s, 'UTF8')), 'hex')"
# the rows that go with an event, written only when the event is (``FROM ev``)
_PG_WITH_EVENT = """,
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
POSTGRES_INSERT = (
    f"""
WITH ins AS (
    INSERT INTO cases (id, agency, sop_id, sop_hash, state, version, snapshot)
    VALUES (%(id)s, COALESCE((SELECT agency FROM sops WHERE hash = %(sop_hash)s), %(default)s),
            %(sop_id)s, %(sop_hash)s, %(state)s, %(version)s, %(snapshot)s)
    ON CONFLICT (id) DO NOTHING RETURNING agency),
ev AS (
    INSERT INTO events (case_id, seq, agency, body, prev_hash, hash)
    SELECT %(id)s, %(seq)s, agency, %(body)s, '', {_PG_HASH.format(prev="''")} FROM ins
    RETURNING agency)"""
    + _PG_WITH_EVENT
    + """SELECT sop_check(NULL, '{}', (SELECT count(*) FROM ev),
                 (SELECT version FROM cases WHERE id = %(id)s))"""
)
# the fence and the ledger for completed timers, the version-checked snapshot and the chained
# event (its hash computed here from the previous link), and the rows that go with it: one
# statement, so one implicit transaction that sop_check aborts when a check failed
POSTGRES_COMMIT = (
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
    SELECT %(id)s, %(seq)s, upd.agency, %(body)s, prev.h, {_PG_HASH.format(prev="prev.h")}
    FROM upd, prev
    RETURNING agency)"""
    + _PG_WITH_EVENT
    + """SELECT sop_check((SELECT array_agg(key) FROM led), %(keys)s::text[],
                 (SELECT count(*) FROM ev), (SELECT version FROM cases WHERE id = %(id)s))"""
)

K = TypeVar("K")
V = TypeVar("V")


class _Rows(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Sequence[Any]: ...
    def fetchmany(self, size: int = ..., /) -> Sequence[Any]: ...


class Connection(Protocol):
    """What the shared queries need of a connection: ``sqlite3`` and ``psycopg`` both fit."""

    def execute(self, sql: Any, params: Any = ..., /) -> _Rows: ...


def apply_migrations(
    migrations: Sequence[str], done: int, apply: Callable[[int, str], None]
) -> int:
    """Apply (``apply(version, script)``) each migration after version ``done``, in order;
    return the schema version reached."""
    for version, script in enumerate(migrations, start=1):
        if version > done:
            apply(version, script)
    return len(migrations)


class BoundedCache(Generic[K, V]):
    """A dictionary that forgets everything when it reaches ``limit`` entries (a cache of
    decoded snapshots or chain heads: a miss costs one read, never a wrong answer)."""

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._items) >= self.limit:
                self._items.clear()
            self._items[key] = value


def read_history(
    conn: Connection, p: str, case_id: str, vault: Vault | None = None
) -> tuple[AuditEvent, ...]:
    """The case's events in order, personal values put back (``ERASED`` once erased), opened
    with ``vault`` when the store seals them."""
    if conn.execute(f"SELECT 1 FROM cases WHERE id = {p}", (case_id,)).fetchone() is None:
        raise CaseNotFound(case_id)
    rows = conn.execute(
        f"SELECT body FROM events WHERE case_id = {p} ORDER BY seq", (case_id,)
    ).fetchall()
    values = dict(
        conn.execute(
            f"SELECT ref, value FROM personal_data WHERE case_id = {p}", (case_id,)
        ).fetchall()
    )
    return tuple(event_from_stored(body, values, vault) for (body,) in rows)


def read_command(
    conn: Connection, p: str, command_id: str, vault: Vault | None = None
) -> CommandRecord | None:
    row = conn.execute(
        f"SELECT request, result FROM commands WHERE command_id = {p}", (command_id,)
    ).fetchone()
    return None if row is None else command_from_rows(command_id, row[0], row[1], vault)


def read_sop_source(conn: Connection, p: str, sop_hash: str) -> str | None:
    row = conn.execute(f"SELECT source FROM sops WHERE hash = {p}", (sop_hash,)).fetchone()
    return None if row is None else str(row[0])


def read_calendar(conn: Connection, p: str, sop_hash: str) -> dict[str, Any] | None:
    """The calendar document saved last for ``sop_hash``, if any."""
    row = conn.execute(
        f"SELECT doc FROM calendars WHERE sop_hash = {p} ORDER BY id DESC LIMIT 1", (sop_hash,)
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def read_calendar_history(
    conn: Connection, p: str, sop_hash: str
) -> list[tuple[datetime, dict[str, Any]]]:
    """Every calendar document saved for ``sop_hash`` (its pin, then each adoption) with the
    instant it was saved, oldest first: which calendar counted at a given instant."""
    rows = conn.execute(
        f"SELECT saved, doc FROM calendars WHERE sop_hash = {p} ORDER BY id", (sop_hash,)
    ).fetchall()
    out = []
    for saved, doc in rows:
        at = saved if isinstance(saved, datetime) else datetime.fromisoformat(str(saved))
        out.append((at, dict(json.loads(doc))))
    return out


def read_recorded_calendar(conn: Connection, p: str, sop_hash: str) -> str | None:
    """A calendar version the deadlines of a case pinned to ``sop_hash`` record, if any.

    A store written before calendars were pinned (issue 18) has cases whose deadlines were
    counted with the calendar the package of that day built; the catalogue compares this
    version with its rebuilds of that calendar to find the one to pin. Read once per SOP
    version, and only while nothing is pinned for it: cases are read in creation order until
    one has a deadline.
    """
    cursor = conn.execute(
        f"SELECT snapshot FROM cases WHERE sop_hash = {p} ORDER BY created", (sop_hash,)
    )
    while rows := cursor.fetchmany(200):
        for (text,) in rows:
            try:
                deadlines = json.loads(text).get("deadlines") or []
                version = deadlines[0]["calendar_version"] if deadlines else None
            except (ValueError, AttributeError, TypeError, KeyError, IndexError):
                continue  # an unreadable snapshot is store check's to report, not this
            if isinstance(version, str):
                return version
    return None


def reporter_ids(history: Iterable[AuditEvent]) -> set[str]:
    """The ids the reporter acted under in a case's trail (events listing
    :data:`~sop_engine._core.records.SEALED_ACTOR`)."""
    return {e.actor.id for e in history if SEALED_ACTOR in e.personal and e.actor.id != ERASED}


def erased_commands(
    conn: Connection, p: str, case: Case, reporters: Iterable[str] = ()
) -> list[tuple[str, str, str]]:
    """``(request, result, command_id)`` of the case's command records with its erased fields
    (``ERASED`` in ``case``) and the reporter's actor ids (``reporters``) replaced: the
    parameters of the rewriting ``UPDATE``. (Sealed rows need none of it: their key is
    destroyed; this is for rows written in clear, before sealing or without a vault.)"""
    reporters = set(reporters)
    erased = {k for k, v in case.data.items() if v == ERASED}
    rows = conn.execute(
        f"SELECT command_id, request, result FROM commands WHERE case_id = {p}", (case.id,)
    ).fetchall()
    return [
        (*erase_command(request, result, erased, reporters), command_id)
        for command_id, request, result in rows
    ]


def check_cases(conn: Connection, p: str, case_id: str | None) -> list[ChainBreak]:
    """Check every case's hash chain (or one case's), from the rows alone; one
    :class:`ChainBreak` per broken case."""
    if case_id is None:
        ids: Iterable[str] = [
            r[0] for r in conn.execute("SELECT id FROM cases ORDER BY created").fetchall()
        ]
    else:
        ids = [case_id]
    breaks = []
    for cid in ids:
        row = conn.execute(f"SELECT version FROM cases WHERE id = {p}", (cid,)).fetchone()
        rows = conn.execute(
            f"SELECT seq, body, prev_hash, hash FROM events WHERE case_id = {p} ORDER BY seq",
            (cid,),
        ).fetchall()
        breaks.extend(check_chain(cid, None if row is None else row[0], rows))
    return breaks
