"""The SOP versions an engine knows: compiled once, pinned by content hash, verified when loaded.

A case is pinned to the exact SOP text it started under (its ``sop_hash``). A process that meets a
case whose version it has not loaded reads the text from the store, **checks that it hashes to the
pinned hash before compiling it** (an insider who edits a stored rule must not change what the
engine does), and compiles it for those cases only: it does not become the current version of
its id. Each version with deadlines has one working-day calendar: the one its file declares, or
the one an administrator adopted later (kept in the store, so every process and every restart
counts with it).

The calendar a version first counts with is **pinned**: saved in the store (issue 18), so a
replay, a restart or another worker counts with that calendar forever, whatever calendar data a
later release of the package ships (a new year of holidays changes the calendar's fingerprint).
A store written before pinning existed has no pinned calendar: its cases recorded the
fingerprint of the calendar the package built then, and the catalogue pins the rebuild of the
earlier coverage (:data:`~sop_engine._core.calendar.EARLIER_LAST_YEARS`) whose fingerprint they
record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sop_engine._compile.compiled import CompiledSop, compile_sop
from sop_engine._compile.loading import load_definition
from sop_engine._compile.registry import Registry
from sop_engine._core.calendar import (
    EARLIER_LAST_YEARS,
    WorkingCalendar,
    calendar_from_doc,
    calendar_to_doc,
    rebuilt_until,
)
from sop_engine._core.definition import SopDefinition
from sop_engine._core.errors import SopTextTampered, UnknownSop
from sop_engine._persistence.store import Store

__all__ = ["Catalog"]


class Catalog:
    """SOP versions by id (the current one) and by content hash (every one), with calendars."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry
        self._by_hash: dict[str, CompiledSop] = {}
        self._by_id: dict[str, CompiledSop] = {}
        self._calendars: dict[str, WorkingCalendar] = {}
        self._histories: dict[str, list[tuple[datetime, WorkingCalendar]]] = {}

    def load(self, path: str | Path) -> CompiledSop:
        """Load, validate and compile an SOP file and make it the current version of its id."""
        return self.add(load_definition(path, registry=self.registry))

    def add(self, sop: SopDefinition | CompiledSop) -> CompiledSop:
        """Make an SOP the current version of its id; durable stores keep its text."""
        compiled = sop if isinstance(sop, CompiledSop) else compile_sop(sop, self.registry)
        save: Callable[..., None] | None = getattr(self.store, "save_sop", None)
        if save is not None:  # first: the calendar pinned next is filed under its agency
            d = compiled.definition
            save(compiled.hash, compiled.id, d.meta.version, d.source, d.meta.agency)
        self._remember(compiled)
        self._by_id[compiled.id] = compiled
        return compiled

    def get(self, sop_id_or_hash: str) -> CompiledSop:
        """The current version of an SOP by id, or an exact version by content hash."""
        found = self._by_id.get(sop_id_or_hash) or self._by_hash.get(sop_id_or_hash)
        if found is None:
            found = self._pinned(sop_id_or_hash)
        if found is None:
            raise UnknownSop(sop_id_or_hash, list(self._by_id))
        return found

    def pinned(self, sop_hash: str) -> CompiledSop:
        """The exact version a case is pinned to (loaded from the store when needed)."""
        found = self._by_hash.get(sop_hash) or self._pinned(sop_hash)
        if found is None:
            raise UnknownSop(sop_hash, list(self._by_id))
        return found

    def versions(self, sop_id: str) -> list[CompiledSop]:
        """Every loaded version of ``sop_id``."""
        return [s for s in self._by_hash.values() if s.id == sop_id]

    def calendar(self, sop: CompiledSop) -> WorkingCalendar:
        """The working-day calendar the SOP version's deadlines are counted in."""
        return self._calendars[sop.hash]

    def adopt_calendar(self, sop_id: str, calendar: WorkingCalendar) -> list[CompiledSop]:
        """Count the deadlines of every loaded version of ``sop_id`` with ``calendar`` from now on.

        The adoption is stored with the SOP texts when the store can keep it, so other
        processes and later restarts use it too. Returns the versions it applies to.
        """
        versions = [s for s in self.versions(sop_id) if s.deadlines is not None]
        if not versions:
            raise UnknownSop(sop_id, list(self._by_id))
        for s in versions:
            self._histories.pop(s.hash, None)  # read again when asked
        save: Callable[[str, Any], None] | None = getattr(self.store, "save_calendar", None)
        for s in versions:
            if save is not None:
                save(s.hash, calendar_to_doc(calendar))
            self._calendars[s.hash] = calendar
        return versions

    def calendar_at(self, sop: CompiledSop, at: datetime) -> WorkingCalendar:
        """The calendar ``sop``'s deadlines were counted with at the instant ``at``.

        The store keeps every calendar saved for the version (its pin, then each adoption)
        with when it was saved: the latest saved at or before ``at`` counted then. Before the
        first, the first (a store pinned after its first cases was pinned with the calendar
        they recorded); a store that keeps no history, :meth:`calendar`. A replay counts each
        event with this, so cases closed before an adoption replay with the calendar of their
        time and those started after it with the adopted one.
        """
        history = self._history(sop)
        if not history:
            return self.calendar(sop)
        chosen = history[0][1]
        for saved, calendar in history:
            if saved > at:
                break
            chosen = calendar
        return chosen

    def calendar_of(self, sop: CompiledSop, version: str) -> WorkingCalendar | None:
        """The calendar of that ``version`` the store kept for ``sop`` (pinned or adopted),
        if any: what a ``@recalendar`` event adopted, whatever the clocks of the database and
        the writer said when it was saved."""
        found = [c for _, c in self._history(sop) if c.version == version]
        return found[-1] if found else None

    def _history(self, sop: CompiledSop) -> list[tuple[datetime, WorkingCalendar]]:
        found = self._histories.get(sop.hash)
        if found is not None:
            return found
        read: Callable[[str], list[tuple[datetime, Any]]] | None = getattr(
            self.store, "calendar_history", None
        )
        by_version: dict[str, WorkingCalendar] = {}
        if sop.calendar is not None:
            by_version[sop.calendar.version] = sop.calendar
        found = []
        for saved, doc in read(sop.hash) if read is not None else []:
            version = doc.get("version")
            calendar = by_version.get(version) if isinstance(version, str) else None
            if calendar is None:
                calendar = calendar_from_doc(doc)
                by_version[calendar.version] = calendar
            found.append((saved, calendar))
        self._histories[sop.hash] = found
        return found

    def count_with(self, sop_hash: str, calendar: WorkingCalendar) -> None:
        """Count the deadlines of version ``sop_hash`` with ``calendar`` in this process, without
        storing anything; called before the version is added. A replay counts with the calendar
        the checked store resolved for the case, never with one of its own."""
        self._calendars[sop_hash] = calendar

    def _remember(self, compiled: CompiledSop) -> None:
        self._by_hash[compiled.hash] = compiled
        if compiled.deadlines is not None and compiled.hash not in self._calendars:
            self._calendars[compiled.hash] = self._resolve_calendar(compiled)

    def _resolve_calendar(self, compiled: CompiledSop) -> WorkingCalendar:
        """The calendar pinned or adopted in the store; else the declared one (or, for a store
        from before pinning, the earlier build its cases record), pinned now."""
        built = compiled.calendar
        assert built is not None  # an SOP with deadlines always has one
        read: Callable[[str], Any] | None = getattr(self.store, "calendar_doc", None)
        doc = read(compiled.hash) if read is not None else None
        if doc is not None:
            if doc.get("version") == built.version:
                return built  # the same days (the fingerprint says so), built once per registry
            return calendar_from_doc(doc)
        calendar = built
        recorded: Callable[[str], str | None] | None = getattr(
            self.store, "recorded_calendar", None
        )
        version = recorded(compiled.hash) if recorded is not None else None
        if version is not None and version != built.version:
            for last in EARLIER_LAST_YEARS:
                earlier = rebuilt_until(built, last)
                if earlier.version == version:
                    calendar = earlier
                    break
        save: Callable[[str, Any], None] | None = getattr(self.store, "save_calendar", None)
        if save is not None:
            save(compiled.hash, calendar_to_doc(calendar))
        return calendar

    def _pinned(self, sop_hash: str) -> CompiledSop | None:
        source: Callable[[str], str | None] | None = getattr(self.store, "sop_source", None)
        text = source(sop_hash) if source is not None else None
        if text is None:
            return None
        definition = load_definition(f"sop {sop_hash[:12]}", text=text, registry=self.registry)
        if definition.content_hash != sop_hash:
            raise SopTextTampered(sop_hash, definition.content_hash)
        compiled = compile_sop(definition, self.registry)
        self._remember(compiled)
        return compiled
