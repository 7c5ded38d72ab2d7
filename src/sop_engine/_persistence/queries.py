"""Finding cases: the query every store answers (an officer's work queue, the report's input).

A :class:`CaseQuery` filters cases by SOP, version, state, unit, channel and class, by their
earliest running deadline (overdue at an instant, due before an instant) and by breaches or
escalations recorded in a period; results come in pages ordered by the earliest running deadline
(when the query is about deadlines) or by creation. The SQL stores answer from ``case_index``
and ``case_marks``, two tables their databases keep up to date themselves (triggers on ``cases``
and ``events``, added by the migration step in this module), so no write path changes and
every filter is an index range, never a scan of the snapshots.

What the index reads from a snapshot, for every SOP: the unit is the case field
``unit_tujuan`` (the unit the case is dispositioned to; ``unit`` when an SOP names it so), the
channel ``kanal`` and the class ``klasifikasi`` (the SP4N-LAPOR! field names the reference SOPs
use). An SOP without them has the columns empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from sop_engine._core.records import AuditEvent, Case

__all__ = [
    "POSTGRES_QUERY_INDEX",
    "SQLITE_QUERY_INDEX",
    "CaseQuery",
    "CaseRow",
    "matches",
    "next_due",
    "page",
    "pg_due",
    "row_of",
    "rows_from",
    "select_cases",
    "sqlite_due",
    "sqlite_instant",
]

UNIT_FIELDS = ("unit_tujuan", "unit")
CHANNEL_FIELD = "kanal"
CLASS_FIELD = "klasifikasi"
MARK_EVENTS = ("@breach", "@escalate")
MAX_LIMIT = 10_000


@attrs.frozen(slots=True, kw_only=True)
class CaseQuery:
    """Which cases, and which page. Filters combine (AND); an empty tuple means any.

    ``overdue_at``: cases with a running deadline due before this instant. ``due_before``:
    cases whose earliest running deadline falls at or before this instant (due within N working
    days: the engine turns N into the instant with the SOP's calendar). ``marked``/``marked_since``
    /``marked_until``: cases with a ``@breach`` or ``@escalate`` event (``marked`` says which;
    both when empty) in ``[since, until)``. ``after`` pages on: pass the last row's ``cursor``.
    """

    sop_ids: tuple[str, ...] = ()
    sop_hashes: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    overdue_at: datetime | None = None
    due_before: datetime | None = None
    marked: tuple[str, ...] = ()
    marked_since: datetime | None = None
    marked_until: datetime | None = None
    limit: int = 100
    offset: int = 0

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_LIMIT}, got {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset cannot be negative, got {self.offset}")
        bad = set(self.marked) - set(MARK_EVENTS)
        if bad:
            raise ValueError(f"marked takes {', '.join(MARK_EVENTS)}, got {sorted(bad)}")

    @property
    def by_due(self) -> bool:
        """Whether the page is ordered by the earliest running deadline."""
        return self.overdue_at is not None or self.due_before is not None

    @property
    def by_marks(self) -> bool:
        return bool(self.marked) or self.marked_since is not None or self.marked_until is not None


@attrs.frozen(slots=True)
class CaseRow:
    """One case as the index knows it (no case content: show content through ``engine.view``)."""

    case_id: str
    sop_id: str
    sop_hash: str
    state: str
    unit: str | None
    channel: str | None
    klass: str | None
    next_due: datetime | None
    """The earliest due instant of the case's running deadlines (UTC)."""


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def next_due(case: Case) -> datetime | None:
    """The earliest due instant among the case's running deadlines."""
    dues = [d.due_at for d in case.deadlines if d.status == "running" and d.due_at is not None]
    return min(dues) if dues else None


def row_of(case: Case) -> CaseRow:
    """The index row of a snapshot (what the SQL triggers compute, in Python)."""
    unit = next((case.data[f] for f in UNIT_FIELDS if case.data.get(f) is not None), None)
    return CaseRow(
        case.id,
        case.sop_id,
        case.sop_hash,
        case.state,
        _text(unit),
        _text(case.data.get(CHANNEL_FIELD)),
        _text(case.data.get(CLASS_FIELD)),
        next_due(case),
    )


def matches(q: CaseQuery, row: CaseRow, trail: Callable[[], Sequence[AuditEvent]]) -> bool:
    """Whether ``row`` passes ``q``'s filters (the memory store's scan; ``trail`` is read only
    when the query is about breaches or escalations)."""
    for wanted, value in (
        (q.sop_ids, row.sop_id),
        (q.sop_hashes, row.sop_hash),
        (q.states, row.state),
        (q.units, row.unit),
        (q.channels, row.channel),
        (q.classes, row.klass),
    ):
        if wanted and value not in wanted:
            return False
    if q.overdue_at is not None and (row.next_due is None or not row.next_due < q.overdue_at):
        return False
    if q.due_before is not None and (row.next_due is None or row.next_due > q.due_before):
        return False
    if q.by_marks:
        kinds = q.marked or MARK_EVENTS
        if not any(
            e.event in kinds
            and (q.marked_since is None or e.at >= q.marked_since)
            and (q.marked_until is None or e.at < q.marked_until)
            for e in trail()
        ):
            return False
    return True


def page(q: CaseQuery, rows: Iterable[tuple[int, CaseRow]]) -> list[CaseRow]:
    """Order (by due instant then creation, or by creation) and cut the page."""
    if q.by_due:
        ordered = sorted(
            rows, key=lambda r: (r[1].next_due or datetime.max.replace(tzinfo=UTC), r[0])
        )
    else:
        ordered = sorted(rows, key=lambda r: r[0])
    return [r for _, r in ordered[q.offset : q.offset + q.limit]]


# -- the SQL stores ----------------------------------------------------------------------------

_COLUMNS = "case_id, sop_id, sop_hash, state, unit, channel, class, next_due"


def select_cases(
    q: CaseQuery,
    p: str,
    instant: Callable[[datetime], Any],
    *,
    count: bool = False,
    agencies: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """The SQL (placeholder ``p``) and parameters answering ``q`` from ``case_index`` and
    ``case_marks``; ``instant`` turns a datetime into the store's ``next_due`` value. With
    ``count``, the number of matching cases instead of the page; ``agencies`` limits a
    PostgreSQL store serving some agencies only."""
    where: list[str] = []
    params: list[Any] = []
    for column, wanted in (
        ("agency", tuple(agencies or ())),
        ("sop_id", q.sop_ids),
        ("sop_hash", q.sop_hashes),
        ("state", q.states),
        ("unit", q.units),
        ("channel", q.channels),
        ("class", q.classes),
    ):
        if wanted:
            where.append(f"{column} IN ({', '.join([p] * len(wanted))})")
            params.extend(wanted)
    if q.overdue_at is not None:
        where.append(f"next_due < {p}")
        params.append(instant(q.overdue_at))
    if q.due_before is not None:
        where.append(f"next_due <= {p}")
        params.append(instant(q.due_before))
    if q.by_marks:
        sub = ["m.case_id = i.case_id"]
        kinds = q.marked or MARK_EVENTS
        sub.append(f"m.kind IN ({', '.join([p] * len(kinds))})")
        params.extend(kinds)
        if q.marked_since is not None:
            sub.append(f"m.at >= {p}")
            params.append(instant(q.marked_since))
        if q.marked_until is not None:
            sub.append(f"m.at < {p}")
            params.append(instant(q.marked_until))
        where.append(f"EXISTS (SELECT 1 FROM case_marks m WHERE {' AND '.join(sub)})")
    if count:
        return "SELECT COUNT(*) FROM case_index i" + (
            f" WHERE {' AND '.join(where)}" if where else ""
        ), params
    order = "next_due, created" if q.by_due else "created"
    sql = (
        f"SELECT {_COLUMNS} FROM case_index i"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {order} LIMIT {p} OFFSET {p}"
    )
    params.extend([q.limit, q.offset])
    return sql, params


def rows_from(
    rows: Iterable[Sequence[Any]], due: Callable[[Any], datetime | None]
) -> list[CaseRow]:
    return [CaseRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], due(r[7])) for r in rows]


def sqlite_instant(at: datetime) -> str:
    """An instant as SQLite's ``case_index.next_due`` text (UTC, milliseconds: sorts as time)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def sqlite_due(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def pg_due(value: Any) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


# -- the migration step (one per store; self-contained, appended to each migration list) --------

_SQLITE_ROW = """
    NEW.id, NEW.sop_id, NEW.sop_hash, NEW.state,
    COALESCE(json_extract(NEW.snapshot, '$.data.unit_tujuan'),
             json_extract(NEW.snapshot, '$.data.unit')),
    json_extract(NEW.snapshot, '$.data.kanal'),
    json_extract(NEW.snapshot, '$.data.klasifikasi'),
    (SELECT MIN(strftime('%Y-%m-%d %H:%M:%f', json_extract(d.value, '$.due_at')))
     FROM json_each(NEW.snapshot, '$.deadlines') AS d
     WHERE json_extract(d.value, '$.status') = 'running'),
    NEW.created"""

SQLITE_QUERY_INDEX = (
    """
    CREATE TABLE case_index (
        case_id TEXT PRIMARY KEY REFERENCES cases(id),
        sop_id TEXT NOT NULL,
        sop_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        unit TEXT,
        channel TEXT,
        class TEXT,
        next_due TEXT,
        created INTEGER NOT NULL
    );
    CREATE INDEX case_index_by_due ON case_index (next_due, created) WHERE next_due IS NOT NULL;
    CREATE INDEX case_index_by_created ON case_index (created);
    CREATE INDEX case_index_by_sop ON case_index (sop_id, state);
    CREATE INDEX case_index_by_unit ON case_index (unit, next_due);
    CREATE INDEX case_index_by_channel ON case_index (channel, class);
    CREATE TABLE case_marks (
        case_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        deadline TEXT,
        level INTEGER,
        PRIMARY KEY (case_id, seq)
    );
    CREATE INDEX case_marks_by_kind ON case_marks (kind, at);
    CREATE TRIGGER case_index_insert AFTER INSERT ON cases
    BEGIN INSERT OR REPLACE INTO case_index VALUES ("""
    + _SQLITE_ROW
    + """); END;
    CREATE TRIGGER case_index_update AFTER UPDATE ON cases
    BEGIN INSERT OR REPLACE INTO case_index VALUES ("""
    + _SQLITE_ROW
    + """); END;
    CREATE TRIGGER case_marks_insert AFTER INSERT ON events
    WHEN json_extract(NEW.body, '$.event') IN ('@breach', '@escalate')
    BEGIN INSERT OR IGNORE INTO case_marks VALUES (
        NEW.case_id, NEW.seq, json_extract(NEW.body, '$.event'),
        strftime('%Y-%m-%d %H:%M:%f', json_extract(NEW.body, '$.at')),
        json_extract(NEW.body, '$.payload.deadline'), json_extract(NEW.body, '$.payload.level'));
    END;
    UPDATE cases SET version = version;
    INSERT OR IGNORE INTO case_marks
    SELECT case_id, seq, json_extract(body, '$.event'),
           strftime('%Y-%m-%d %H:%M:%f', json_extract(body, '$.at')),
           json_extract(body, '$.payload.deadline'), json_extract(body, '$.payload.level')
    FROM events WHERE json_extract(body, '$.event') IN ('@breach', '@escalate');
    """
)
"""SQLite step: the query index and the breach/escalation marks, kept by triggers, filled from
the existing rows (``UPDATE cases SET version = version`` runs the index trigger once per case)."""

POSTGRES_QUERY_INDEX = """
    CREATE TABLE case_index (
        case_id text PRIMARY KEY REFERENCES cases(id),
        agency text NOT NULL,
        sop_id text NOT NULL,
        sop_hash text NOT NULL,
        state text NOT NULL,
        unit text,
        channel text,
        class text,
        next_due timestamptz,
        created bigint NOT NULL
    );
    CREATE INDEX case_index_by_due ON case_index (next_due, created) WHERE next_due IS NOT NULL;
    CREATE INDEX case_index_by_created ON case_index (created);
    CREATE INDEX case_index_by_sop ON case_index (sop_id, state);
    CREATE INDEX case_index_by_unit ON case_index (unit, next_due);
    CREATE INDEX case_index_by_channel ON case_index (channel, class);
    CREATE INDEX case_index_by_agency ON case_index (agency, next_due);
    CREATE TABLE case_marks (
        case_id text NOT NULL,
        seq integer NOT NULL,
        agency text NOT NULL,
        kind text NOT NULL,
        at timestamptz NOT NULL,
        deadline text,
        level integer,
        PRIMARY KEY (case_id, seq)
    );
    CREATE INDEX case_marks_by_kind ON case_marks (kind, at);
    CREATE FUNCTION sop_case_index() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE s jsonb := NEW.snapshot::jsonb;
    BEGIN
        INSERT INTO case_index VALUES (
            NEW.id, NEW.agency, NEW.sop_id, NEW.sop_hash, NEW.state,
            COALESCE(s->'data'->>'unit_tujuan', s->'data'->>'unit'),
            s->'data'->>'kanal', s->'data'->>'klasifikasi',
            (SELECT min((d->>'due_at')::timestamptz) FROM jsonb_array_elements(s->'deadlines') d
             WHERE d->>'status' = 'running'),
            NEW.created)
        ON CONFLICT (case_id) DO UPDATE SET
            sop_id = EXCLUDED.sop_id, sop_hash = EXCLUDED.sop_hash, state = EXCLUDED.state,
            unit = EXCLUDED.unit, channel = EXCLUDED.channel, class = EXCLUDED.class,
            next_due = EXCLUDED.next_due;
        RETURN NULL;
    END $$;
    CREATE TRIGGER cases_index AFTER INSERT OR UPDATE ON cases
        FOR EACH ROW EXECUTE FUNCTION sop_case_index();
    CREATE FUNCTION sop_case_marks() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE b jsonb := NEW.body::jsonb;
    BEGIN
        IF b->>'event' IN ('@breach', '@escalate') THEN
            INSERT INTO case_marks VALUES (
                NEW.case_id, NEW.seq, NEW.agency, b->>'event', (b->>'at')::timestamptz,
                b->'payload'->>'deadline', (b->'payload'->>'level')::integer)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER events_marks AFTER INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION sop_case_marks();
    UPDATE cases SET version = version;
    INSERT INTO case_marks
    SELECT case_id, seq, agency, body::jsonb->>'event', (body::jsonb->>'at')::timestamptz,
           body::jsonb->'payload'->>'deadline', (body::jsonb->'payload'->>'level')::integer
    FROM events WHERE body::jsonb->>'event' IN ('@breach', '@escalate')
    ON CONFLICT DO NOTHING;
"""
"""PostgreSQL step: the same tables with the agency, kept by plpgsql triggers."""
