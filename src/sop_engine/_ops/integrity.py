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
from sop_engine._core.i18n import N_, Msg, MsgError
from sop_engine._core.records import Case
from sop_engine._core.text import Lang
from sop_engine._engine import Engine
from sop_engine._features.deadlines import timers_for
from sop_engine._ops.replay import replay_case
from sop_engine._persistence.codec import check_chain
from sop_engine._persistence.deadletter import error_text
from sop_engine._persistence.readonly import ReadOnlyStore

__all__ = ["CHECKS", "Problem", "check_store", "why"]

Check = Literal["chain", "rows", "replay", "timers"]
CHECKS: tuple[Check, ...] = ("chain", "rows", "replay", "timers")

_TEXT = {
    "orphan": N_("{n} {table} row(s) of a case that has no row in cases (an orphaned trail)"),
    "snapshot": N_("the snapshot cannot be read: {error}"),
    "trail": N_("the trail cannot be read: {error}"),
    "sop": N_("the SOP version it is pinned to cannot be used: {error}"),
    "timer": N_("timer {item} of clock {clock} (arming {arming}) is missing: it would never fire"),
    "crash": N_("checking it failed: {error}"),
    "none": N_("no such case"),
    "erasure": N_(
        "its erasure is committed but its key was not destroyed yet (a writer stopped "
        "in between): run 'sop store migrate' (any writer that opens the store finishes it)"
    ),
}
"""Every problem text of this module, in one place (catalogue messages: issue 16)."""


@attrs.frozen(slots=True)
class Problem:
    """One thing wrong with one case: which check found it, at which event, and what differs.

    ``what`` is the English text; ``said`` the same as a catalogue message, so a reader gets
    it in Bahasa Indonesia (:meth:`message`). A problem made from a plain text has no ``said``.
    """

    case_id: str
    seq: int
    check: str
    what: str
    said: Msg | None = attrs.field(default=None, repr=False)

    @classmethod
    def of(cls, case_id: str, seq: int, check: str, said: Msg | str) -> Problem:
        """A problem whose text is ``said`` (a message, or a plain text)."""
        if isinstance(said, Msg):
            return cls(case_id, seq, check, str(said), said)
        return cls(case_id, seq, check, said)

    def message(self, lang: Lang = "en") -> str:
        """What is wrong, in ``lang``."""
        return self.what if self.said is None else self.said.render(lang)


def why(error: BaseException) -> Msg | str:
    """What went wrong, for a problem's ``{error}``: the error's own message when it has one
    (a typed error of the engine speaks both languages), else its type and text, bounded."""
    msg = getattr(error, "msg", None)
    return msg if isinstance(msg, Msg) else error_text(error)


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
            problems.append(Problem.of(cid, 0, "rows", Msg(_TEXT["orphan"], n=n, table=table)))
    if "rows" in wanted:
        for cid in store.pending_erasures():
            if case_id is None or cid == case_id:
                problems.append(Problem.of(cid, 0, "rows", Msg(_TEXT["erasure"])))
    engine = Engine(store=store, registry=registry)  # loads the pinned versions on demand
    timer_keys = store.timer_keys() if "timers" in wanted else set()
    checked = 0
    for cid in store.case_ids() if case_id is None else iter([case_id]):
        checked += 1
        try:
            problems += _check_case(store, engine, registry, cid, wanted, timer_keys)
        except Exception as e:
            problems.append(Problem.of(cid, 0, "rows", Msg(_TEXT["crash"], error=why(e))))
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
        return [Problem.of(case_id, 0, "rows", Msg(_TEXT["none"]))]
    if "chain" in wanted:
        out += [
            Problem.of(b.case_id, b.seq, "chain", b.said or b.reason)
            for b in check_chain(case_id, rows.version, rows.events)
        ]
    try:
        case = store.open_snapshot(rows.snapshot or "")  # sealed fields opened
        if case.id != case_id:
            raise MsgError(Msg("the snapshot is case {case!r}", case=case.id))
    except (ValueError, KeyError, TypeError) as e:
        return [*out, Problem.of(case_id, 0, "rows", Msg(_TEXT["snapshot"], error=why(e)))]
    if not {"replay", "timers"} & wanted:
        return out
    try:
        trail = store.history(case_id)
        if any(e.case_id != case_id for e in trail):
            raise MsgError(Msg("an event names another case"))
    except (ValueError, KeyError, TypeError, SopError) as e:
        return [*out, Problem.of(case_id, 0, "rows", Msg(_TEXT["trail"], error=why(e)))]
    first = next((e.payload["from_hash"] for e in trail if e.event == "@migrate"), None)
    try:
        sop = engine.sop(str(first or case.sop_hash))
        current = engine.sop(case.sop_hash)
    except Exception as e:
        return [*out, Problem.of(case_id, 0, "replay", Msg(_TEXT["sop"], error=why(e)))]
    if "replay" in wanted:
        catalog = engine.catalog
        problem = replay_case(
            case, trail, sop, registry, _resolver(engine), catalog.calendar_at, catalog.calendar_of
        )
        if problem is not None:
            out.append(Problem.of(case_id, problem.seq, "replay", problem.said or problem.reason))
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
            text = Msg(_TEXT["timer"], item=item, clock=d.name, arming=d.arming)
            out.append(Problem.of(case.id, seq, "timers", text))
    return out
