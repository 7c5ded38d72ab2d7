"""Hypothesis strategies derived from an SOP: case data, actors, event sequences, clock steps.

Everything is read from the SOP itself — its fields, roles, transitions and calendar — so the
same strategies explore any agency's procedure. Generated data is *mostly* what an officer would
really enter (so explorations get deep into the procedure) with a share of refusable commands
(wrong role, wrong unit, missing data, an event the state does not allow), because refusals must
be explored too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.calendar import WorkingCalendar
from sop_engine._core.definition import FieldSpec
from sop_engine._core.records import Actor
from sop_engine._runtime.arguments import RESERVED_ROLES

__all__ = [
    "actors",
    "case_data",
    "clock_steps",
    "event_sequences",
    "later_fields",
    "payloads",
    "units",
    "value_for",
]

_TEXTS = ("Jalan berlubang di depan pasar", "Lampu jalan mati", "Pungutan liar", "Jl. Merdeka 1")
_PEOPLE = ("pelapor-1", "pelapor-2", "warga-3")  # reporters; officers are siti, budi, dewi
_GENERIC_UNITS = ("unit_a", "unit_b")


def units(sop: CompiledSop) -> tuple[str, ...]:
    """Unit names to act in: those the SOP itself writes into unit fields, and two others."""
    unit_fields = {f.name for f in sop.definition.fields if f.type == "ref" and f.ref == "unit"}
    named = [
        a.params["value"]
        for t in sop.definition.transitions
        for a in t.actions
        if a.params.get("field") in unit_fields and isinstance(a.params.get("value"), str)
    ]
    return tuple(dict.fromkeys([*named, *_GENERIC_UNITS]))


def value_for(
    field: FieldSpec, unit_names: Sequence[str] = _GENERIC_UNITS
) -> st.SearchStrategy[Any]:
    """Valid values of a field's type (text is never blank: blank text is a refusal case)."""
    if field.type == "enum":
        return st.sampled_from(field.values)
    if field.type == "bool":
        return st.booleans()
    if field.type == "integer":  # counters, amounts: mostly zero (a fee charged is the exception)
        return st.one_of(st.just(0), st.integers(min_value=0, max_value=3))
    if field.type == "number":
        return st.one_of(st.just(0.0), st.integers(min_value=0, max_value=3).map(float))
    if field.type == "date":
        return st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat)
    if field.type == "datetime":
        return st.datetimes(
            datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)
        ).map(datetime.isoformat)
    if field.type == "ref":
        return st.sampled_from(tuple(unit_names) if field.ref == "unit" else _PEOPLE)
    return st.sampled_from(_TEXTS)


def later_fields(sop: CompiledSop) -> frozenset[str]:
    """Case fields the procedure fills in itself: set by actions, or written by the data of
    events fired while handling the case (not by events that supply missing report details
    while the unit waits on the reporter)."""
    waiting = {s.name for s in sop.definition.states if s.waiting}
    supplied = {t.event for t in sop.definition.transitions if set(t.sources) <= waiting}
    written = {n for e in sop.events.values() if e.name not in supplied for n in e.writes}
    acted = {
        a.params["field"]
        for t in sop.definition.transitions
        for a in t.actions
        if isinstance(a.params.get("field"), str)
    }
    return frozenset(written | acted)


def case_data(sop: CompiledSop) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data to open a case with, as an intake desk would enter it: every required field
    and mostly every optional one the procedure does not fill in itself (complete reports get
    deep into the procedure); sometimes any subset of the optional fields, later ones included."""
    names = units(sop)
    later = later_fields(sop)
    required = {n: value_for(f, names) for n, f in sop.fields.items() if f.required}
    optional = {n: value_for(f, names) for n, f in sop.fields.items() if not f.required}
    intake = {n: v for n, v in optional.items() if n not in later}
    full = st.fixed_dictionaries({**required, **intake})
    return st.one_of(full, full, full, st.fixed_dictionaries(required, optional=optional))


def actors(
    sop: CompiledSop, roles: Sequence[str] | None = None, *, outsiders: bool = False
) -> st.SearchStrategy[Actor]:
    """Actors in the SOP's roles (or ``roles``), in one of its units or none.

    ``outsiders`` adds a role the SOP does not know, whose every command must be refused.
    """
    pool = [
        r
        for r in (roles if roles is not None else [r.name for r in sop.definition.roles])
        if r not in RESERVED_ROLES  # the engine's own role: callers are refused it
    ]
    if outsiders or not pool:  # an event only the engine fires: a caller tries, and is refused
        pool.append("orang_luar")
    return st.builds(
        Actor,
        id=st.sampled_from(("siti", "budi", "dewi", "pelapor-1")),  # now and then the reporter
        role=st.sampled_from(pool),
        unit=st.none() | st.sampled_from(units(sop)),
    )


@st.composite
def payloads(
    draw: st.DrawFn, sop: CompiledSop, event: str, *, valid: bool = True
) -> dict[str, Any]:
    """Data for ``event``: required data always when ``valid``, optional data sometimes;
    text is now and then blank, as a form sent empty (its type is valid; guards must refuse).

    With ``valid=False`` required data may be missing, text may be blank and an unknown name may
    appear: the command must then be refused.
    """
    spec = sop.events.get(event)
    if spec is None:
        return {}
    names = units(sop)
    out: dict[str, Any] = {}
    for name, field in spec.data.items():
        keep = field.required and valid
        # included when the draw is high: Hypothesis leans to 0, i.e. to leaving data out
        if keep or draw(st.integers(0, 9)) >= (4 if valid else 5):
            value = draw(value_for(field, names))
            if field.type == "text" and draw(st.integers(0, 7)) == 0:
                value = draw(st.sampled_from(("", "  ")))  # a form sent empty: guards must say no
            out[name] = value
    if not valid and draw(st.booleans()):
        texts = [n for n, f in spec.data.items() if f.type == "text"]
        if texts:
            out[draw(st.sampled_from(texts))] = ""
        else:
            out["tidak_dikenal"] = 1
    return out


@st.composite
def event_sequences(
    draw: st.DrawFn, sop: CompiledSop, *, max_size: int = 20, refused: int = 10
) -> list[tuple[str, Actor, dict[str, Any]]]:
    """Commands that walk the SOP: mostly an event of the state reached so far, fired in a role
    its transition allows; about ``refused`` in a hundred are arbitrary (likely refused). A
    transition only the engine fires is tried by an outsider, refused, and the walk stays put.

    The walk follows each chosen transition's target assuming its guards pass; the engine may
    still refuse (that is the point of running them).
    """
    state = sop.initial
    everyone = actors(sop, outsiders=True)
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        options = sop.table.get(state, {})
        if options and draw(st.integers(0, 99)) >= refused:
            event = draw(st.sampled_from(sorted(options)))
            t = draw(st.sampled_from(options[event]))
            actor = draw(actors(sop, sorted(t.roles)))
            out.append((event, actor, draw(payloads(sop, event))))
            if actor.role in t.roles:
                state = t.dest
            # else the transition is the engine's own (timed): a caller's try is refused and the
            # case stays where it is, so the walk does too
        else:
            event = draw(st.sampled_from([*sorted(sop.events), "peristiwa_asing"]))
            out.append((event, draw(everyone), draw(payloads(sop, event, valid=False))))
    return out


def _days_off_ahead(calendar: WorkingCalendar, start: date, horizon: int = 45) -> list[date]:
    return [
        start + timedelta(days=k)
        for k in range(1, horizon)
        if not calendar.is_working_day(start + timedelta(days=k))
    ]


def clock_steps(
    calendar: WorkingCalendar | None, now: datetime, due: Sequence[datetime] = ()
) -> st.SearchStrategy[datetime]:
    """Instants to move a simulated clock to from ``now``: a few hours, a few days, across the
    next weekends or holidays of ``calendar`` (into one, or to the working morning after it),
    and just past one of the instants ``due`` (upcoming reminders, breaches, escalations and
    expiries), where the interesting things happen."""
    choices: list[st.SearchStrategy[datetime]] = [
        st.integers(1, 8).map(lambda h: now + timedelta(hours=h)),
        st.integers(1, 4).map(lambda d: now + timedelta(days=d)),
    ]
    later = [d for d in due if d > now]
    if later:
        near = st.tuples(st.sampled_from(later), st.integers(0, 120))
        choices[:0] = [near.map(lambda p: p[0] + timedelta(minutes=p[1]))] * 2
    if calendar is not None:
        tz = calendar._tz
        today = now.astimezone(tz).date()
        off = _days_off_ahead(calendar, today)
        if off:

            def into(day: date) -> datetime:
                return datetime.combine(day, time(10), tz).astimezone(UTC)

            def past(day: date) -> datetime:
                after = calendar.next_working_day(day)
                return datetime.combine(after, time(9), tz).astimezone(UTC)

            days = st.sampled_from(off[:6])
            choices.append(days.map(into))
            choices.append(days.map(past))
    return st.one_of(choices)
