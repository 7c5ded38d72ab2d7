"""Finding cases for an officer's work queue, a supervisor's list or a report.

The store answers the filters from its index (:mod:`sop_engine._persistence.queries`); what
needs an SOP is resolved here first: an agency becomes the SOP versions it owns, and "due
within N working days" becomes an instant counted on each SOP version's own calendar (versions
sharing a calendar share one query).
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime

import attrs

from sop_engine._core.errors import UnknownSop
from sop_engine._persistence.queries import CaseQuery, CaseRow, matches, page, row_of
from sop_engine._persistence.store import Store
from sop_engine._runtime.catalog import Catalog

__all__ = ["count_cases", "find_cases", "sop_hashes"]


def sop_hashes(store: Store) -> list[str]:
    """Every SOP version cases in ``store`` may be pinned to."""
    listed = getattr(store, "sop_hashes", None)
    if listed is not None:
        return list(listed())
    return sorted({store.get(c).sop_hash for c in store.case_ids()})


def _agency_hashes(catalog: Catalog, store: Store, agency: str) -> tuple[str, ...]:
    out = []
    for h in sop_hashes(store):
        try:
            if catalog.pinned(h).definition.meta.agency == agency:
                out.append(h)
        except UnknownSop:
            continue
    return tuple(out)


def _scan(store: Store, query: CaseQuery) -> list[CaseRow]:
    """A store without the query methods: every case read (fine for small custom stores)."""
    rows = []
    for i, cid in enumerate(store.case_ids()):
        row = row_of(store.get(cid))
        if matches(query, row, lambda cid=cid: store.history(cid)):  # type: ignore[misc]
            rows.append((i, row))
    return page(query, rows)


def _run(store: Store, query: CaseQuery) -> list[CaseRow]:
    method = getattr(store, "query_cases", None)
    return list(method(query)) if method is not None else _scan(store, query)


def _resolve(
    catalog: Catalog,
    store: Store,
    query: CaseQuery,
    agency: str | None,
    due_within: int | None,
    now: datetime,
) -> list[CaseQuery] | None:
    """The store queries answering the request (``None``: nothing can match)."""
    if agency is not None:
        owned = _agency_hashes(catalog, store, agency)
        if query.sop_hashes:
            owned = tuple(h for h in owned if h in query.sop_hashes)
        if not owned:
            return None
        query = attrs.evolve(query, sop_hashes=owned)
    if due_within is None:
        return [query]
    if due_within < 0:
        raise ValueError(f"due within takes a number of working days >= 0, got {due_within}")
    hashes = query.sop_hashes or tuple(sop_hashes(store))
    by_cutoff: dict[datetime, list[str]] = {}
    for h in hashes:
        try:
            sop = catalog.pinned(h)
        except UnknownSop:
            continue
        if query.sop_ids and sop.id not in query.sop_ids:
            continue
        calendar = catalog.calendar(sop)
        by_cutoff.setdefault(calendar.due(now, due_within, "working_days"), []).append(h)
    if not by_cutoff:
        return None
    if len(by_cutoff) == 1:
        (cutoff,) = by_cutoff
        return [attrs.evolve(query, due_before=cutoff)]
    return [attrs.evolve(query, due_before=c, sop_hashes=tuple(hs)) for c, hs in by_cutoff.items()]


def find_cases(
    catalog: Catalog,
    store: Store,
    query: CaseQuery,
    *,
    agency: str | None = None,
    due_within: int | None = None,
    now: datetime,
) -> list[CaseRow]:
    """One page of the cases matching ``query``, of ``agency`` (its SOP's ``agency``), with a
    running deadline due within ``due_within`` working days of ``now``."""
    queries = _resolve(catalog, store, query, agency, due_within, now)
    if queries is None:
        return []
    if len(queries) == 1:
        return _run(store, queries[0])
    # several calendars: each query's first offset+limit rows, merged by due instant
    whole = [
        _run(store, attrs.evolve(q, offset=0, limit=min(q.offset + q.limit, 10_000)))
        for q in queries
    ]
    far = datetime.max.replace(tzinfo=UTC)
    merged = list(heapq.merge(*whole, key=lambda r: r.next_due or far))
    return merged[query.offset : query.offset + query.limit]


def count_cases(
    catalog: Catalog,
    store: Store,
    query: CaseQuery,
    *,
    agency: str | None = None,
    due_within: int | None = None,
    now: datetime,
) -> int:
    """How many cases :func:`find_cases` would page through."""
    queries = _resolve(catalog, store, query, agency, due_within, now)
    if queries is None:
        return 0
    method = getattr(store, "count_cases", None)
    total = 0
    for q in queries:
        if method is not None:
            total += int(method(q))
        else:
            total += len(_scan(store, attrs.evolve(q, offset=0, limit=10_000)))
    return total
