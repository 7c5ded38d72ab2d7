"""The monitoring and evaluation (M&E) report over a period: the figures SP4N-LAPOR!
monitoring and the Ombudsman's compliance assessment ask of a complaint unit.

Every figure is defined once here, and ``docs/reports.md`` states the same definitions; every
percentage carries its denominator. Instants are compared in the agency's zone (the calendar of
each case's SOP): the period is ``[from 00:00, to 00:00)`` local, ``to`` exclusive.

- received: cases whose ``@start`` falls in the period, by channel and by class (the case's
  ``kanal`` and ``klasifikasi`` now; ``-`` when not set).
- compliance, per clock of the SOP (clocks with ``on_expiry`` are the reporter's waits, not a
  service standard, and are left out): a clock **counts in the period where it was decided**:
  met or closed before its due instant -> decided when it ended (on time); still running or
  met after its due instant -> decided at its due instant (late or breached). Clocks not yet
  due and not yet met (or paused) are pending and not counted. ``percent = on_time /
  decided``. By class too.
- stage times: each stay in a state that ended in the period, in working days from the day it
  was entered to the day it was left (the calendar's counting: the entry day does not count);
  median and 90th percentile (nearest rank).
- backlog: cases opened before the end of the period (or now, if earlier) and not in a final
  state then, by age in working days from the opening day to the last day counted.
- breaches and escalations: ``@breach`` / ``@escalate`` events in the period, by clock, level
  and the case's unit.
- ethics: code-of-ethics breaches recorded in the period, by rule (flagged and blocked).
- reopened: moves in the period out of a waiting state back into a state the case had already
  been in, other than the initial state (the reporter disputing a response).
- closed automatically: moves in the period into a final state made by the engine itself
  (the reporter's silence ran out), by event.
- trend: per month of the period, cases received, cases closed (entered a final state) and
  breaches.

``public`` (figures leaving the agency): every count from 1 to 4 becomes ``"<5"``, and a
percentage, median or percentile over fewer than 5 cases is withheld.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.protocol import SystemEvent
from sop_engine._core.records import AuditEvent, Case
from sop_engine._core.text import Lang
from sop_engine._engine import Engine
from sop_engine._persistence.queries import CaseQuery, CaseRow
from sop_engine._reports.clocks import outcome
from sop_engine._reports.texts import t

__all__ = ["AGE_BUCKETS", "SMALL", "build_report", "suppress"]

SMALL = 5
"""Cells below this many cases are suppressed in public figures."""
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-5", 4, 5),
    ("6-14", 6, 14),
    ("15-60", 15, 60),
    (">60", 61, None),
)
"""Backlog age buckets in working days (the SOP standards: 3, 5, 14, 60 working days)."""
SYSTEM_ACTOR_ID = "sop-engine"
_PAGE = 5_000


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def nearest_rank(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by nearest rank (a value that occurred; 0.9 -> the 90th percentile)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _rows(engine: Engine, unit: str | None, agency: str | None) -> Iterator[CaseRow]:
    offset = 0
    query = CaseQuery(units=(unit,) if unit else (), limit=_PAGE)
    while True:
        page = engine.cases(CaseQuery(units=query.units, limit=_PAGE, offset=offset), agency=agency)
        yield from page
        if len(page) < _PAGE:
            return
        offset += _PAGE


class _Tally:
    """Everything counted while reading the cases once."""

    def __init__(self) -> None:
        self.received = 0
        self.by_channel: Counter[str] = Counter()
        self.by_class: Counter[str] = Counter()
        self.clocks: dict[str, dict[str, Any]] = {}
        self.stage: dict[str, list[float]] = defaultdict(list)
        self.stage_labels: dict[str, str] = {}
        self.backlog: Counter[str] = Counter()
        self.breaches_by_clock: Counter[str] = Counter()
        self.breaches_by_unit: Counter[str] = Counter()
        self.esc_by_level: Counter[str] = Counter()
        self.esc_by_unit: Counter[str] = Counter()
        self.ethics: dict[str, Counter[str]] = defaultdict(Counter)
        self.reopened = 0
        self.auto_closed: Counter[str] = Counter()
        self.trend: dict[str, Counter[str]] = defaultdict(Counter)


def _bounds(cal: WorkingCalendar, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(cal.zone)
    return datetime.combine(start, time(0), zone), datetime.combine(end, time(0), zone)


def _month(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m")


def _count_case(
    tally: _Tally,
    sop: CompiledSop,
    cal: WorkingCalendar,
    row: CaseRow,
    case: Case,
    history: list[AuditEvent] | tuple[AuditEvent, ...],
    lo: datetime,
    hi: datetime,
    now: datetime,
    lang: Lang,
) -> None:
    zone = ZoneInfo(cal.zone)
    d = sop.definition
    finals = {s.name for s in d.states if s.final}
    waiting = {s.name for s in d.states if s.waiting}

    def inside(at: datetime) -> bool:
        return lo <= at < hi

    opened = history[0].at
    unit = row.unit or "-"
    if inside(opened):
        tally.received += 1
        tally.by_channel[row.channel or "-"] += 1
        tally.by_class[row.klass or "-"] += 1
        tally.trend[_month(opened, zone)]["received"] += 1
    # compliance
    plan = sop.deadlines
    for dl in case.deadlines:
        clock = plan.clock(dl.name) if plan is not None else None
        if clock is None or clock.expiry_event is not None:
            continue
        oc = outcome(sop, dl, history, now)
        decided: datetime | None
        if oc.status in ("met", "closed"):
            decided = oc.ended_at
        elif oc.status in ("late", "breached"):
            decided = dl.due_at
        else:
            decided = None
        if decided is None or not inside(decided) or decided > now:
            continue
        entry = tally.clocks.setdefault(
            dl.name,
            {
                "label": clock.label.get(lang),
                "on_time": 0,
                "late": 0,
                "breached": 0,
                "classes": defaultdict(Counter),
            },
        )
        kind = "on_time" if oc.status in ("met", "closed") else oc.status
        entry[kind] += 1
        entry["classes"][row.klass or "-"][kind] += 1
    # moves: stage times, reopened, closed automatically, trend of closures
    entered_at = opened
    seen = {history[0].target}
    for e in history[1:]:
        if e.source == e.target or e.source is None:
            continue
        if inside(e.at):
            tally.stage[e.source].append(
                float(cal.working_days_between(cal.local_date(entered_at), cal.local_date(e.at)))
            )
            tally.stage_labels.setdefault(e.source, d.state(e.source).label.get(lang))
            if e.source in waiting and e.target in seen and e.target != d.initial:
                tally.reopened += 1
            if e.target in finals:
                tally.trend[_month(e.at, zone)]["closed"] += 1
                if e.actor.id == SYSTEM_ACTOR_ID:
                    tally.auto_closed[str(e.event)] += 1
        seen.add(e.target)
        entered_at = e.at
    # backlog at the end of the period (or now)
    as_of = min(hi, now)
    if opened < as_of:
        state = next(e.target for e in reversed(history) if e.at < as_of)
        if state not in finals:
            last_day = (as_of - timedelta(microseconds=1)).astimezone(zone).date()
            age = cal.working_days_between(opened.astimezone(zone).date(), last_day)
            for name, least, most in AGE_BUCKETS:
                if age >= least and (most is None or age <= most):
                    tally.backlog[name] += 1
    # breaches, escalations, ethics
    for e in history:
        if not inside(e.at):
            continue
        if e.event == SystemEvent.BREACH:
            tally.breaches_by_clock[str(e.payload.get("deadline"))] += 1
            tally.breaches_by_unit[unit] += 1
            tally.trend[_month(e.at, zone)]["breaches"] += 1
        elif e.event == SystemEvent.ESCALATE:
            tally.esc_by_level[str(e.payload.get("level"))] += 1
            tally.esc_by_unit[unit] += 1
        for b in e.breaches:
            tally.ethics[b.rule][b.severity] += 1


def build_report(
    engine: Engine,
    start: date,
    end: date,
    *,
    agency: str | None = None,
    unit: str | None = None,
    now: datetime | None = None,
    lang: Lang = "id",
    public: bool = False,
    progress: Any = None,
) -> dict[str, Any]:
    """The report as JSON-ready data (see the module text for every definition).

    ``progress``, if given, is called with the number of cases read so far (a progress bar).
    """
    if not start < end:
        raise ValueError(f"the period must end after it starts: {start} .. {end}")
    at = now or engine.clock.now()
    tally = _Tally()
    sops: dict[str, tuple[CompiledSop, WorkingCalendar, datetime, datetime]] = {}
    seen_sops: dict[str, dict[str, str]] = {}
    for n, row in enumerate(_rows(engine, unit, agency), start=1):
        if row.sop_hash not in sops:
            sop = engine.sop(row.sop_hash)
            cal = engine.calendar(sop)
            sops[row.sop_hash] = (sop, cal, *_bounds(cal, start, end))
            seen_sops[row.sop_hash] = {
                "id": sop.id,
                "version": sop.definition.meta.version,
                "hash": row.sop_hash,
            }
        sop, cal, lo, hi = sops[row.sop_hash]
        case = engine.store.get(row.case_id)
        history = engine.store.history(row.case_id)
        if history and history[0].at < hi:
            _count_case(tally, sop, cal, row, case, tuple(history), lo, hi, at, lang)
        if progress is not None and n % 1000 == 0:
            progress(n)
    report = _assemble(tally, start, end, agency, unit, at, lang, seen_sops)
    return suppress(report) if public else report


def _table(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def _assemble(
    tally: _Tally,
    start: date,
    end: date,
    agency: str | None,
    unit: str | None,
    now: datetime,
    lang: Lang,
    sops: dict[str, dict[str, str]],
) -> dict[str, Any]:
    compliance = []
    for name, c in sorted(tally.clocks.items()):
        decided = c["on_time"] + c["late"] + c["breached"]
        by_class = {}
        for klass, k in sorted(c["classes"].items()):
            whole = k["on_time"] + k["late"] + k["breached"]
            by_class[klass] = {
                "denominator": whole,
                "on_time": k["on_time"],
                "percent": _pct(k["on_time"], whole),
            }
        compliance.append(
            {
                "clock": name,
                "label": c["label"],
                "denominator": decided,
                "on_time": c["on_time"],
                "late": c["late"],
                "breached": c["breached"],
                "percent": _pct(c["on_time"], decided),
                "by_class": by_class,
            }
        )
    stages = [
        {
            "state": s,
            "label": tally.stage_labels[s],
            "visits": len(v),
            "median": statistics.median(v),
            "p90": nearest_rank(v, 0.9),
        }
        for s, v in sorted(tally.stage.items())
    ]
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "generated_at": now.isoformat(),
        "agency": agency,
        "unit": unit,
        "sops": sorted(sops.values(), key=lambda x: (x["id"], x["version"])),
        "public": False,
        "lang": lang,
        "definitions": {k: t(f"def.{k}", lang) for k in _SECTIONS},
        "received": {
            "total": tally.received,
            "by_channel": _table(tally.by_channel),
            "by_class": _table(tally.by_class),
        },
        "compliance": compliance,
        "stage_times": stages,
        "backlog": {
            "total": sum(tally.backlog.values()),
            "by_age": {name: tally.backlog.get(name, 0) for name, _, _ in AGE_BUCKETS},
        },
        "breaches": {
            "total": sum(tally.breaches_by_clock.values()),
            "by_clock": _table(tally.breaches_by_clock),
            "by_unit": _table(tally.breaches_by_unit),
        },
        "escalations": {
            "total": sum(tally.esc_by_level.values()),
            "by_level": _table(tally.esc_by_level),
            "by_unit": _table(tally.esc_by_unit),
        },
        "ethics": {
            "total": sum(sum(c.values()) for c in tally.ethics.values()),
            "by_rule": {
                rule: {"flag": c.get("flag", 0), "block": c.get("block", 0)}
                for rule, c in sorted(tally.ethics.items())
            },
        },
        "reopened": tally.reopened,
        "closed_automatically": {
            "total": sum(tally.auto_closed.values()),
            "by_event": _table(tally.auto_closed),
        },
        "trend": [
            {
                "month": m,
                "received": c.get("received", 0),
                "closed": c.get("closed", 0),
                "breaches": c.get("breaches", 0),
            }
            for m, c in sorted(tally.trend.items())
            if start.strftime("%Y-%m") <= m <= (end - timedelta(days=1)).strftime("%Y-%m")
        ],
    }


_SECTIONS = (
    "received",
    "compliance",
    "stage_times",
    "backlog",
    "breaches",
    "escalations",
    "ethics",
    "reopened",
    "closed_automatically",
    "trend",
    "public",
)
_NOT_COUNTS = frozenset({"percent", "median", "p90", "month", "generated_at", "lang"})
SUPPRESSED = "<5"


def suppress(report: dict[str, Any]) -> dict[str, Any]:
    """The report for outside the agency: counts 1-4 become ``"<5"``; a percentage, median or
    percentile over fewer than :data:`SMALL` cases is withheld (``None``)."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            small = (
                isinstance(value.get("denominator"), int) and value["denominator"] < SMALL
            ) or (isinstance(value.get("visits"), int) and value["visits"] < SMALL)
            out = {k: walk(v, k) for k, v in value.items()}
            if small:
                for k in ("percent", "median", "p90"):
                    if k in out:
                        out[k] = None
            return out
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, bool) or key in _NOT_COUNTS:
            return value
        if isinstance(value, int) and 0 < value < SMALL:
            return SUPPRESSED
        return value

    out = walk({k: v for k, v in report.items() if k not in ("period", "sops", "definitions")})
    out.update(period=report["period"], sops=report["sops"], definitions=report["definitions"])
    out["public"] = True
    return dict(out)
