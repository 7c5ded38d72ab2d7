"""Checking a whole store: every case, every problem, nothing written.

``sop store check`` and ``sop audit verify`` run these checks on a :class:`ReadOnlyStore`.
Each case is checked on its own, and whatever goes wrong with one (a corrupt snapshot, an
event naming another case, a pinned SOP text that no longer parses or needs a plugin this host
lacks) is a :class:`Problem` of that case, never a traceback that hides the cases after it.

- the hash chain (``chain``): an edited, deleted, inserted or reordered event;
- the rows (``rows``): a snapshot or an event that cannot be read, an orphaned trail (events,
  personal data, commands, notifications or timers of a case whose row is gone);
- the replay (``replay``): the snapshot is exactly what the trail produces;
- the timers (``timers``): every item not yet fired of every running clock has its timer, so a
  deleted timer (a breach that would never fire) is found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

import attrs

from sop_engine._compile.compiled import CompiledSop
from sop_engine._compile.registry import Registry
from sop_engine._core.errors import SopError
from sop_engine._core.records import Case
from sop_engine._engine import Engine
from sop_engine._features.deadlines import timers_for
from sop_engine._ops.replay import replay_case
from sop_engine._persistence.codec import check_chain
from sop_engine._persistence.deadletter import error_text
from sop_engine._persistence.readonly import ReadOnlyStore

__all__ = ["CHECKS", "Problem", "check_store"]

Check = Literal["chain", "rows", "replay", "timers"]
CHECKS: tuple[Check, ...] = ("chain", "rows", "replay", "timers")

_TEXT = {
    "orphan": "{n} {table} row(s) of a case that has no row in cases (an orphaned trail)",
    "snapshot": "the snapshot cannot be read: {error}",
    "trail": "the trail cannot be read: {error}",
    "sop": "the SOP version it is pinned to cannot be used: {error}",
    "timer": "timer {item} of clock {clock} (arming {arming}) is missing: it would never fire",
    "crash": "checking it failed: {error}",
    "none": "no such case",
    "erasure": "its erasure is committed but its key was not destroyed yet (a writer stopped "
    "in between): run 'sop store migrate' (any writer that opens the store finishes it)",
}
"""Every problem text of this module, in one place."""


@attrs.frozen(slots=True)
class Problem:
    """One thing wrong with one case: which check found it, at which event, and what differs."""

    case_id: str
    seq: int
    check: str
    what: str


def check_store(
    store: ReadOnlyStore,
    registry: Registry,
    *,
    checks: Iterable[Check] = CHECKS,
    case_id: str | None = None,
    on_case: Callable[[str], None] | None = None,
) -> tuple[int, list[Problem]]:
    """Run ``checks`` on every case of ``store`` (or on ``case_id``); ``(cases checked,
    problems)``. An unknown ``case_id`` is a problem too."""
    wanted: set[str] = set(checks)
    problems: list[Problem] = []
    if "rows" in wanted and case_id is None:
        for table, cid, n in store.orphans():
            problems.append(Problem(cid, 0, "rows", _TEXT["orphan"].format(n=n, table=table)))
    if "rows" in wanted:
        for cid in store.pending_erasures():
            if case_id is None or cid == case_id:
                problems.append(Problem(cid, 0, "rows", _TEXT["erasure"]))
    engine = Engine(store=store, registry=registry)  # loads the pinned versions on demand
    timer_keys = store.timer_keys() if "timers" in wanted else set()
    checked = 0
    for cid in store.case_ids() if case_id is None else iter([case_id]):
        checked += 1
        try:
            problems += _check_case(store, engine, registry, cid, wanted, timer_keys)
        except Exception as e:
            problems.append(Problem(cid, 0, "rows", _TEXT["crash"].format(error=error_text(e))))
        if on_case is not None:
            on_case(cid)
    return checked, problems


def _check_case(
    store: ReadOnlyStore,
    engine: Engine,
    registry: Registry,
    case_id: str,
    wanted: set[str],
    timer_keys: set[str],
) -> list[Problem]:
    rows = store.case_rows(case_id)
    out: list[Problem] = []
    if rows.version is None:
        return [Problem(case_id, 0, "rows", _TEXT["none"])]
    if "chain" in wanted:
        out += [
            Problem(b.case_id, b.seq, "chain", b.reason)
            for b in check_chain(case_id, rows.version, rows.events)
        ]
    try:
        case = store.open_snapshot(rows.snapshot or "")  # sealed fields opened
        if case.id != case_id:
            raise ValueError(f"the snapshot is case {case.id!r}")
    except (ValueError, KeyError, TypeError) as e:
        return [*out, Problem(case_id, 0, "rows", _TEXT["snapshot"].format(error=error_text(e)))]
    if not {"replay", "timers"} & wanted:
        return out
    try:
        trail = store.history(case_id)
        if any(e.case_id != case_id for e in trail):
            raise ValueError("an event names another case")
    except (ValueError, KeyError, TypeError, SopError) as e:
        return [*out, Problem(case_id, 0, "rows", _TEXT["trail"].format(error=error_text(e)))]
    first = next((e.payload["from_hash"] for e in trail if e.event == "@migrate"), None)
    try:
        sop = engine.sop(str(first or case.sop_hash))
        current = engine.sop(case.sop_hash)
    except Exception as e:
        return [*out, Problem(case_id, 0, "replay", _TEXT["sop"].format(error=error_text(e)))]
    if "replay" in wanted:
        problem = replay_case(case, trail, sop, registry, _resolver(engine), engine.calendar)
        if problem is not None:
            out.append(Problem(case_id, problem.seq, "replay", problem.reason))
    if "timers" in wanted:
        out += _missing_timers(engine, current, case, timer_keys, len(trail))
    return out


def _resolver(engine: Engine) -> Callable[[str], CompiledSop | None]:
    def resolve(sop_hash: str) -> CompiledSop | None:
        try:
            return engine.sop(sop_hash)
        except SopError:
            return None

    return resolve


def _missing_timers(
    engine: Engine, sop: CompiledSop, case: Case, keys: set[str], seq: int
) -> list[Problem]:
    """Every item of a running clock not fired yet must have its timer row."""
    plan = sop.deadlines
    if plan is None:
        return []
    calendar = engine.calendar(sop)
    out = []
    for d in case.deadlines:
        if d.status != "running":
            continue
        for t in timers_for(plan.clock(d.name), d, calendar, case_id=case.id):
            item = str(t.item)
            if item in d.fired or t.key in keys:
                continue
            text = _TEXT["timer"].format(item=item, clock=d.name, arming=d.arming)
            out.append(Problem(case.id, seq, "timers", text))
    return out
