"""Working-day calendars: Indonesian holidays and cuti bersama, agency days off, time zones.

Service standards count *working days* ("verify within 3 working days"). A
:class:`WorkingCalendar` is a frozen value: the days off (national holidays, cuti bersama, local
holidays, ad-hoc closures) with their legal source, the weekend, the agency's IANA time zone and
optional office hours with a cut-off. Its ``version`` is a fingerprint of all of that, so a
deadline can record exactly which calendar computed it and a changed calendar is visible.

The counting rule, everywhere: "N working days from START" is due on the Nth working day *after*
the day on which START falls in the agency's zone; START's own day never counts, whether or not it
is a working day. With a cut-off configured, a START after the cut-off counts as received on the
next day. The deadline is the **end of the due day**: the end of office hours when they are
configured, otherwise 23:59:59 local time. Instants are returned in UTC.

National data comes from the maintained ``holidays`` package (category ``public`` for national
holidays, ``government`` for cuti bersama), plus the amendments in ``data/id_amendments.toml``
for decrees the installed package does not know yet.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from sop_engine._core.errors import SopError
from sop_engine._core.i18n import N_, Msg, MsgError, gettext, reason_of
from sop_engine._core.text import Lang

__all__ = [
    "UNIT_WORDS",
    "CalendarDocError",
    "CalendarExhausted",
    "DayOff",
    "DayOffKind",
    "Unit",
    "WorkingCalendar",
    "calendar_end",
    "calendar_from_doc",
    "calendar_to_doc",
    "day_off_kind",
    "day_off_source",
    "horizon_warning",
    "indonesia",
    "rebuilt_until",
]

DayOffKind = Literal["national", "cuti_bersama", "cuti_daerah", "closure"]
Unit = Literal["working_days", "days", "working_hours"]
YEARS = range(2020, 2051)
"""The years of the national calendar: as far as the ``holidays`` package has every national
holiday (its Nyepi table ends in 2050; later years would silently lack a day off)."""
EARLIER_LAST_YEARS: tuple[int, ...] = (2030,)
"""Where ``YEARS`` ended in earlier releases, newest first. Deadlines in a store written before
calendars were pinned (issue 18) were counted with one of those calendars: the catalogue finds
which by rebuilding each (:func:`rebuilt_until`) and comparing fingerprints."""
UNIT_WORDS: Mapping[str, str] = {
    "working_days": N_("working days"),
    "days": N_("days"),
    "working_hours": N_("working hours"),
}
_END_OF_DAY = time(23, 59, 59)


class CalendarExhausted(SopError, ValueError):
    """A count reaches past the years a calendar covers (issue 18: a 60-working-day clock
    started late in its last year). ``calendar``, ``years`` and ``day`` say which; the fix is
    a calendar that covers the later years (a newer ``holidays`` package, or an agency
    calendar document). A ``ValueError`` too, as it was before it had a type."""

    def __init__(self, calendar: str, years: tuple[int, int], day: date, what: str | Msg) -> None:
        self.calendar = calendar
        self.years = years
        self.day = day
        self._say(
            Msg(
                "calendar {calendar!r} covers {first}-{last}; {what}: extend the calendar "
                "(upgrade the holidays package or load a calendar document for the later years)",
                calendar=calendar,
                first=years[0],
                last=years[1],
                what=what,
            )
        )


HORIZON_DAYS = 365
"""How far ahead of its last day a calendar is warned about (lint, worker, ``sop calendar``)."""


def calendar_end(calendar: WorkingCalendar) -> date:
    """The last day ``calendar`` counts (31 December of its last year)."""
    return date(calendar.years[1], 12, 31)


def horizon_warning(
    calendar: WorkingCalendar,
    today: date,
    *,
    reach: date | None = None,
    ahead_days: int = HORIZON_DAYS,
) -> Msg | None:
    """Why ``calendar`` needs extending soon, or ``None``.

    Warned when its last day is within ``ahead_days`` of ``today``, or when ``reach`` (the
    latest day a deadline started today could fall due, see
    :func:`~sop_engine._features.deadlines.latest_due`) lies past it: counting there raises
    :class:`CalendarExhausted`. Only published decrees may extend it (docs/calendar.md).
    """
    end = calendar_end(calendar)
    if reach is not None and reach > end:
        return Msg(
            "calendar {calendar} ends on {end}, but a deadline started today could fall due as "
            "late as {reach}: it would be refused; extend the calendar with the published "
            "SKB 3 Menteri days before then",
            calendar=calendar.id,
            end=end.isoformat(),
            reach=reach.isoformat(),
        )
    left = (end - today).days
    if left <= ahead_days:
        return Msg(
            "calendar {calendar} ends on {end}, {days} day(s) from today: deadlines counted past "
            "it will be refused; extend the calendar with the published SKB 3 Menteri days "
            "before then",
            calendar=calendar.id,
            end=end.isoformat(),
            days=str(left),
        )
    return None


@attrs.frozen(slots=True)
class DayOff:
    """One day without service, and why (the decree or decision behind it)."""

    day: date
    kind: DayOffKind
    name: str
    source: str = ""


KIND_WORDS: Mapping[str, str] = {
    "national": N_("national holiday"),
    "cuti_bersama": N_("joint leave (cuti bersama)"),
    "cuti_daerah": N_("regional leave (cuti daerah)"),
    "closure": N_("office closed"),
}
"""A day off's kind as an officer reads it (the kind itself is an identifier of the format)."""


def day_off_kind(kind: str, lang: Lang) -> str:
    """``libur nasional`` / ``national holiday``: the kind of a day off in ``lang``."""
    words = KIND_WORDS.get(kind)
    return gettext(words, lang) if words is not None else kind


def day_off_source(source: str, lang: Lang) -> str:
    """Where a day off comes from, in ``lang``: the engine's own source texts (the ``holidays``
    package's decreed and estimated days) are catalogue messages; a source an agency wrote (a
    decree's number, a regent's letter) is shown as written, in its own language."""
    return gettext(source, lang) if source in _SOURCES else source


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MsgError(
            Msg(
                "unknown time zone {zone!r}; Indonesian agencies use Asia/Jakarta or "
                "Asia/Pontianak (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
                zone=name,
            )
        ) from None


@attrs.frozen(slots=True)
class WorkingCalendar:
    """A versioned working-day calendar in one agency's time zone."""

    id: str
    zone: str
    days_off: Mapping[date, DayOff] = attrs.field(hash=False)
    extra_working_days: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    office_hours: tuple[time, time] | None = None
    cutoff: time | None = None
    years: tuple[int, int] = (YEARS.start, YEARS.stop - 1)
    _tz: ZoneInfo = attrs.field(init=False, repr=False, eq=False)
    _working: tuple[date, ...] = attrs.field(init=False, repr=False, eq=False)
    _rank: dict[date, int] = attrs.field(init=False, repr=False, eq=False)
    version: str = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_tz", _zone(self.zone))
        if self.office_hours is not None and not self.office_hours[0] < self.office_hours[1]:
            raise ValueError(f"office hours must start before they end, got {self.office_hours}")
        canonical = json.dumps(
            {
                "id": self.id,
                "zone": self.zone,
                "off": sorted((d.isoformat(), o.kind) for d, o in self.days_off.items()),
                "extra": sorted(d.isoformat() for d in self.extra_working_days),
                "weekend": sorted(self.weekend),
                "hours": [t.isoformat() for t in self.office_hours] if self.office_hours else None,
                "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            },
            sort_keys=True,
        )
        object.__setattr__(self, "version", hashlib.sha256(canonical.encode()).hexdigest()[:16])
        # Every working day of the covered years, and for every day the index of the last
        # working day on or before it: counting N working days becomes an index lookup.
        first, last = date(self.years[0], 1, 1), date(self.years[1], 12, 31)
        working: list[date] = []
        rank: dict[date, int] = {}
        d = first
        while d <= last:
            if self.is_working_day(d):
                working.append(d)
            rank[d] = len(working) - 1
            d += timedelta(days=1)
        object.__setattr__(self, "_working", tuple(working))
        object.__setattr__(self, "_rank", rank)

    # -- days ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a day off, or an explicitly added working day."""
        if day in self.extra_working_days:
            return True
        return day.weekday() not in self.weekend and day not in self.days_off

    def _check_year(self, day: date) -> None:
        if not self.years[0] <= day.year <= self.years[1]:
            what = Msg("{day} is outside it", day=day)
            raise CalendarExhausted(self.id, self.years, day, what)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days_to_date(day, 1)

    def local_date(self, instant: datetime) -> date:
        """The day ``instant`` falls on in the agency's zone, after the cut-off rule."""
        local = _aware(instant).astimezone(self._tz)
        if self.cutoff is not None and local.time() > self.cutoff:
            return local.date() + timedelta(days=1)
        return local.date()

    def end_of_day(self, day: date) -> datetime:
        """The deadline instant of a due day, in UTC (end of office hours, else 23:59:59)."""
        end = self.office_hours[1] if self.office_hours else _END_OF_DAY
        return datetime.combine(day, end, self._tz).astimezone(UTC)

    def add_working_days_to_date(self, day: date, n: int) -> date:
        """The Nth working day after ``day`` (``day`` itself never counts)."""
        if n < 0:
            raise MsgError(Msg("cannot count {n} working days", n=n))
        self._check_year(day)
        if n == 0:
            return day
        i = self._rank[day] + n
        if i >= len(self._working):
            what = Msg("counting {n} working days from {day} goes past it", n=n, day=day)
            raise CalendarExhausted(self.id, self.years, day, what)
        return self._working[i]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: after ``start``, up to and including ``end``."""
        if end <= start:
            return 0
        self._check_year(start)
        self._check_year(end)
        return self._rank[end] - self._rank[start]

    # -- instants --------------------------------------------------------------------------

    def due(self, start: datetime, amount: int | float, unit: Unit) -> datetime:
        """The deadline instant (UTC) for ``amount`` ``unit`` counted from ``start``."""
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise MsgError(
                Msg("a duration is a number, got Python type {kind!r}", kind=type(amount).__name__)
            )
        if not math.isfinite(amount):
            raise MsgError(Msg("a duration must be a finite number, got {amount}", amount=amount))
        if amount < 0:
            raise MsgError(Msg("a duration cannot be negative, got {amount}", amount=amount))
        span = (self.years[1] - self.years[0] + 1) * 366 * 24
        if amount > span:
            # more than the calendar holds in any unit: bounded before any arithmetic that
            # would overflow (1e308 working hours was an OverflowError traceback)
            shown = f"{amount:g}"
            what = Msg(
                "{amount} {unit} from {day} goes past it",
                amount=shown,
                unit=Msg(UNIT_WORDS.get(unit, unit)),
                day=start.date(),
            )
            raise CalendarExhausted(self.id, self.years, start.date(), what)
        if unit == "working_days":
            day = self.add_working_days_to_date(self.local_date(start), int(amount))
            return self.end_of_day(day)
        if unit == "days":
            return self.end_of_day(self.local_date(start) + timedelta(days=int(amount)))
        if unit == "working_hours":
            return self._add_working_hours(start, float(amount))
        raise MsgError(
            Msg("unknown unit {unit!r}; use working_days, days or working_hours", unit=unit)
        )

    def paused_units(self, paused_at: datetime, resumed_at: datetime, unit: Unit) -> float:
        """How much of ``unit`` a pause from ``paused_at`` to ``resumed_at`` took away.

        Working days: the working days from the pause's day up to, not including, the resume's
        day (a pause and a resume on the same day cost nothing; a pause on Friday resumed on
        Monday costs Friday). Days: the calendar days between the two days. Working hours: the
        office time between the two instants. The due instant moves by exactly this much.
        """
        if unit == "working_days":
            p = _aware(paused_at).astimezone(self._tz).date()
            r = _aware(resumed_at).astimezone(self._tz).date()
            return float(self.working_days_between(p - timedelta(days=1), r - timedelta(days=1)))
        if unit == "days":
            p = _aware(paused_at).astimezone(self._tz).date()
            r = _aware(resumed_at).astimezone(self._tz).date()
            return float(max(0, (r - p).days))
        return self._working_seconds(paused_at, resumed_at) / 3600

    def _due_date(self, due: datetime) -> date:
        return _aware(due).astimezone(self._tz).date()

    def _hours(self) -> tuple[time, time]:
        if self.office_hours is None:
            raise MsgError(
                Msg(
                    "calendar {calendar!r} has no office hours: working hours cannot be counted; "
                    "configure office_hours (e.g. 08:00-16:00)",
                    calendar=self.id,
                )
            )
        return self.office_hours

    def _add_working_hours(self, start: datetime, hours: float) -> datetime:
        open_, close = self._hours()
        left = timedelta(hours=hours)
        local = _aware(start).astimezone(self._tz)
        day = local.date()
        cursor = local.time()
        while True:
            self._check_year(day)
            if self.is_working_day(day):
                begin = max(cursor, open_)
                if begin < close:
                    span = datetime.combine(day, close) - datetime.combine(day, begin)
                    if left <= span:
                        return (datetime.combine(day, begin, self._tz) + left).astimezone(UTC)
                    left -= span
            day += timedelta(days=1)
            cursor = time(0)

    def _working_seconds(self, at: datetime, due: datetime) -> float:
        open_, close = self._hours()
        a = _aware(at).astimezone(self._tz)
        b = _aware(due).astimezone(self._tz)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                lo = datetime.combine(day, open_, self._tz)
                hi = datetime.combine(day, close, self._tz)
                lo, hi = max(lo, a), min(hi, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    # -- listing and changing ----------------------------------------------------------------

    def holidays(self, year: int) -> list[DayOff]:
        """Days off in ``year`` (not weekends), in date order."""
        return sorted((o for d, o in self.days_off.items() if d.year == year), key=lambda o: o.day)

    def amended(
        self,
        *,
        add: Iterable[DayOff] = (),
        remove: Iterable[date] = (),
        working: Iterable[date] = (),
    ) -> WorkingCalendar:
        """A new calendar version with days off added/removed and extra working days."""
        off = dict(self.days_off)
        for d in remove:
            off.pop(d, None)
        for o in add:
            off[o.day] = o
        return attrs.evolve(
            self, days_off=off, extra_working_days=self.extra_working_days | frozenset(working)
        )


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise MsgError(Msg("the time has no time zone; pass an aware datetime (tzinfo=UTC)"))
    return instant


def _amendments() -> tuple[list[DayOff], list[tuple[date, str]]]:
    """Decrees the installed ``holidays`` package may not know yet (``data/id_amendments.toml``)."""
    raw = tomllib.loads(
        resources.files("sop_engine").joinpath("data/id_amendments.toml").read_text("utf-8")
    )
    add = [
        DayOff(date.fromisoformat(e["date"]), e["kind"], e["name"], e["source"])
        for e in raw.get("add", [])
    ]
    remove = [(date.fromisoformat(e["date"]), e["source"]) for e in raw.get("remove", [])]
    return add, remove


# Where a day off comes from: a year's SKB 3 Menteri as the package carries it, or (lunar
# holidays of years not decreed yet, named "(perkiraan)" by the package) its computed estimate.
_DECREED = N_("holidays package (SKB 3 Menteri)")
_ESTIMATED = N_("holidays package (estimate: computed, no SKB 3 Menteri yet)")
_SOURCES = frozenset((_DECREED, _ESTIMATED))


_PACKAGE_SOURCES = frozenset({_DECREED, _ESTIMATED})


def rebuilt_until(calendar: WorkingCalendar, last_year: int) -> WorkingCalendar:
    """``calendar`` as a build whose national data ended in ``last_year`` made it.

    Extending ``YEARS`` adds exactly the days off the ``holidays`` package gives for the later
    years; everything else (amendments, the agency's own days off, extra working days, hours)
    comes from elsewhere and is kept as it is. Leaving those days out gives back the earlier
    build, fingerprint included, so a deadline that recorded that fingerprint stays resolvable
    after an upgrade (the package's data for the earlier years is unchanged: checked by
    ``tests/test_calendar_pinning.py`` against a store written by the earlier release).
    """
    off = {
        d: o
        for d, o in calendar.days_off.items()
        if d.year <= last_year or o.source not in _PACKAGE_SOURCES
    }
    first = min(calendar.years[0], last_year)
    return attrs.evolve(calendar, days_off=off, years=(first, min(calendar.years[1], last_year)))


def indonesia(
    *,
    zone: str = "Asia/Jakarta",
    cuti_bersama: bool = True,
    office_hours: tuple[time, time] | None = None,
    cutoff: time | None = None,
    local_days_off: Iterable[DayOff] = (),
    extra_working_days: Iterable[date] = (),
) -> WorkingCalendar:
    """The national calendar ``ID`` (or ``ID-nasional`` without cuti bersama as days off)."""
    import holidays

    national = holidays.country_holidays("ID", years=YEARS, categories=("public",), language="id")
    off: dict[date, DayOff] = {
        d: DayOff(d, "national", name, _ESTIMATED if "perkiraan" in name else _DECREED)
        for d, name in sorted(national.items())
    }
    if cuti_bersama:
        joint = holidays.country_holidays(
            "ID", years=YEARS, categories=("government",), language="id"
        )
        for d, name in sorted(joint.items()):
            off.setdefault(d, DayOff(d, "cuti_bersama", name, _DECREED))
    add, remove = _amendments()
    for d, _ in remove:
        off.pop(d, None)
    for o in add:
        if o.kind != "cuti_bersama" or cuti_bersama:
            off[o.day] = o
    for o in local_days_off:
        off[o.day] = o
    return WorkingCalendar(
        id="ID" if cuti_bersama else "ID-nasional",
        zone=zone,
        days_off=off,
        extra_working_days=frozenset(extra_working_days),
        office_hours=office_hours,
        cutoff=cutoff,
        years=(YEARS.start, YEARS.stop - 1),
    )


# -- the JSON form of a calendar (what a store keeps when an SOP adopts one) -----------------------

CALENDAR_DOC_FORMAT = 1


class CalendarDocError(SopError, ValueError):
    """A stored calendar document cannot be read back; ``problem`` names what is wrong (in
    English; ``message(lang)`` says the whole error in the reader's language)."""

    def __init__(self, problem: Msg | str) -> None:
        self.problem = str(problem)
        self._say(Msg("invalid calendar document: {problem}", problem=problem))


def calendar_to_doc(cal: WorkingCalendar) -> dict[str, Any]:
    """The calendar as JSON-native values; :func:`calendar_from_doc` gives back an equal one.

    Days and times are ISO 8601 text, lists are sorted. ``version`` is the calendar's
    fingerprint, checked again on reading.
    """
    days_off = []
    for key, o in sorted(cal.days_off.items()):
        entry: dict[str, Any] = {"date": key.isoformat(), "kind": o.kind, "name": o.name}
        if o.source:
            entry["source"] = o.source
        if o.day != key:  # a day off filed under another date: kept exactly as it is
            entry["day"] = o.day.isoformat()
        days_off.append(entry)
    return {
        "format": CALENDAR_DOC_FORMAT,
        "id": cal.id,
        "zone": cal.zone,
        "days_off": days_off,
        "extra_working_days": sorted(d.isoformat() for d in cal.extra_working_days),
        "weekend": sorted(cal.weekend),
        "office_hours": None
        if cal.office_hours is None
        else [t.isoformat() for t in cal.office_hours],
        "cutoff": None if cal.cutoff is None else cal.cutoff.isoformat(),
        "years": list(cal.years),
        "version": cal.version,
    }


def calendar_from_doc(doc: Mapping[str, Any]) -> WorkingCalendar:
    """The calendar of a :func:`calendar_to_doc` document; :class:`CalendarDocError` naming
    the first problem when it is not one."""
    if not isinstance(doc, Mapping):
        raise CalendarDocError(Msg("expected a mapping, got {kind!r}", kind=type(doc).__name__))
    if doc.get("format") != CALENDAR_DOC_FORMAT:
        raise CalendarDocError(
            Msg(
                "format {found!r} is not {expected}",
                found=doc.get("format"),
                expected=CALENDAR_DOC_FORMAT,
            )
        )
    days_off: dict[date, DayOff] = {}
    for i, raw in enumerate(_list(doc, "days_off")):
        where = f"days_off[{i}]"
        if not isinstance(raw, Mapping):
            raise CalendarDocError(
                Msg(
                    "{where}: expected a mapping, got {kind!r}",
                    where=where,
                    kind=type(raw).__name__,
                )
            )
        key = _date(raw.get("date"), f"{where}.date")
        kind: DayOffKind = raw.get("kind")  # type: ignore[assignment]  # checked next
        if kind not in get_args(DayOffKind):
            raise CalendarDocError(
                Msg(
                    "{where}: {value!r} is not one of {allowed}",
                    where=where + ".kind",
                    value=kind,
                    allowed=", ".join(repr(k) for k in get_args(DayOffKind)),
                )
            )
        day = _date(raw["day"], f"{where}.day") if "day" in raw else key
        days_off[key] = DayOff(
            day,
            kind,
            _text(raw.get("name"), f"{where}.name"),
            _text(raw.get("source", ""), f"{where}.source"),
        )
    extra = frozenset(
        _date(d, f"extra_working_days[{i}]") for i, d in enumerate(_list(doc, "extra_working_days"))
    )
    weekend = _list(doc, "weekend")
    if not all(type(d) is int and 0 <= d <= 6 for d in weekend):
        raise CalendarDocError(
            Msg("weekend: {value!r} is not a list of weekdays 0 (Monday) to 6", value=weekend)
        )
    hours = doc.get("office_hours")
    if hours is not None and not (isinstance(hours, list) and len(hours) == 2):
        raise CalendarDocError(
            Msg("office_hours: {value!r} is not [open, close] or null", value=hours)
        )
    cutoff = doc.get("cutoff")
    years = doc.get("years")
    if not (isinstance(years, list) and len(years) == 2 and all(type(y) is int for y in years)):
        raise CalendarDocError(Msg("years: {value!r} is not [first, last]", value=years))
    try:
        cal = WorkingCalendar(
            id=_text(doc.get("id"), "id"),
            zone=_text(doc.get("zone"), "zone"),
            days_off=days_off,
            extra_working_days=extra,
            weekend=frozenset(weekend),
            office_hours=None
            if hours is None
            else (_time(hours[0], "office_hours[0]"), _time(hours[1], "office_hours[1]")),
            cutoff=None if cutoff is None else _time(cutoff, "cutoff"),
            years=(years[0], years[1]),
        )
    except CalendarDocError:
        raise
    except (ValueError, KeyError) as e:
        raise CalendarDocError(reason_of(e)) from None
    version = doc.get("version")
    if version is not None and version != cal.version:
        raise CalendarDocError(
            Msg(
                "version {version!r} does not match its content (which gives {actual!r})",
                version=version,
                actual=cal.version,
            )
        )
    return cal


def _list(doc: Mapping[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise CalendarDocError(
            Msg("{where}: expected a list, got {kind!r}", where=key, kind=type(value).__name__)
        )
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CalendarDocError(
            Msg("{where}: expected text, got {kind!r}", where=where, kind=type(value).__name__)
        )
    return value


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(_text(value, where))
    except ValueError:
        raise CalendarDocError(
            Msg("{where}: {value!r} is not a date (YYYY-MM-DD)", where=where, value=value)
        ) from None


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(_text(value, where))
    except ValueError:
        raise CalendarDocError(
            Msg("{where}: {value!r} is not a time of day (HH:MM[:SS])", where=where, value=value)
        ) from None
