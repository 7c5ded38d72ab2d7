"""The scenario walker :func:`~sop_engine.testing.explore` runs: one Hypothesis draw per scenario.

Issue 19: when Hypothesis drew every choice of every step (a ``RuleBasedStateMachine`` with
``st.data()`` draws for the case, the event, the role, the unit, each data item ...), drawing was
about nine tenths of a ``sop test`` step; the steps themselves, every invariant checked, run at
about 25,000 a second. Here Hypothesis draws one byte string per scenario and :class:`Walker`
reads every choice from it, so a scenario is still a pure function of what Hypothesis drew: the
same seed gives the same scenarios, the first scenario Hypothesis tries (all zero bytes) is the
plainest one, and a shorter or smaller byte string gives a simpler scenario. A scenario that
needs more choices than the string holds goes on with a pseudo-random generator seeded by the
string itself (still reproducible). The walker makes the same kinds of choices, with the same
proportions, as the stateful machine of :func:`~sop_engine.testing.state_machine` (which stays
for callers who compose their own Hypothesis rules); a failing scenario is then cut down by
plain replays in :func:`~sop_engine.testing.harness.explore`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sop_engine._compile.compiled import CompiledSop
from sop_engine._core.definition import FieldSpec
from sop_engine._core.records import Actor
from sop_engine._runtime.arguments import RESERVED_ROLES
from sop_engine.testing.strategies import _PEOPLE as PEOPLE
from sop_engine.testing.strategies import _TEXTS as TEXTS
from sop_engine.testing.strategies import _days_off_ahead as days_off_ahead
from sop_engine.testing.strategies import later_fields, units
from sop_engine.testing.world import Step, World

__all__ = ["SCENARIO_BYTES", "Choices", "Walker"]

SCENARIO_BYTES = 1024
"""Bytes Hypothesis draws per scenario: enough for about fifty rules; drawing more costs more
than the pseudo-random continuation (1 KB is about 0.4 ms of Hypothesis per scenario)."""

MAX_CASES = 3
OFFICERS = ("siti", "budi", "dewi")
_ACTOR_IDS = (*OFFICERS, PEOPLE[0])  # now and then the reporter acts
_T = TypeVar("_T")
_FIRST_DAY = date(2025, 1, 1).toordinal()
_DAYS = date(2027, 12, 31).toordinal() - _FIRST_DAY + 1


class Choices:
    """The choices of one scenario, read from the bytes Hypothesis drew for it.

    :meth:`below` takes the next byte (two when more than 256 options) modulo the number of
    options; past the end of the bytes, a generator seeded with them answers instead.
    """

    __slots__ = ("_at", "_data", "_more")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0
        self._more: random.Random | None = None

    def below(self, n: int) -> int:
        """An index in ``range(n)`` (0 when there is one option or none)."""
        if n <= 1:
            return 0
        at, data = self._at, self._data
        width = 1 if n <= 256 else 2
        if at + width <= len(data):
            self._at = at + width
            value = data[at] if width == 1 else data[at] << 8 | data[at + 1]
            return value % n
        if self._more is None:
            self._more = random.Random(data)
        return self._more.randrange(n)

    def pick(self, options: Sequence[_T]) -> _T:
        return options[self.below(len(options))]

    def chance(self, k: int, n: int) -> bool:
        """True ``k`` times in ``n``."""
        return self.below(n) < k


def field_value(field: FieldSpec, unit_names: Sequence[str], c: Choices) -> Any:
    """A valid value of a field's type, as :func:`~sop_engine.testing.strategies.value_for`
    draws it (text is never blank; counters and amounts are zero half the time)."""
    kind = field.type
    if kind == "enum":
        return c.pick(field.values)
    if kind == "bool":
        return c.chance(1, 2)
    if kind == "integer":
        return 0 if c.chance(1, 2) else c.below(4)
    if kind == "number":
        return 0.0 if c.chance(1, 2) else float(c.below(4))
    if kind == "date":
        return date.fromordinal(_FIRST_DAY + c.below(_DAYS)).isoformat()
    if kind == "datetime":
        day = date.fromordinal(_FIRST_DAY + c.below(_DAYS))
        minute = c.below(1440)
        return datetime.combine(day, time(minute // 60, minute % 60), UTC).isoformat()
    if kind == "ref":
        return c.pick(unit_names if field.ref == "unit" else PEOPLE)
    return c.pick(TEXTS)


class Walker:
    """What a scenario can do on one SOP, computed once, and :meth:`walk` to do it.

    The rules are those of the stateful machine: open a case (while fewer than three are
    open), fire one to three commands (mostly an event the case's state allows, in a role its
    transition allows, acting in the case's own unit; one in ten arbitrary and likely refused),
    let time pass (mostly followed by a sweep) or sweep. Each rule is chosen uniformly among
    those whose precondition holds, ``max_steps`` rules after the first case is opened.
    """

    def __init__(self, sop: CompiledSop) -> None:
        self.sop = sop
        definition = sop.definition
        self.units = units(sop)
        all_roles = [r.name for r in definition.roles]
        intake = definition.intake_roles or tuple(all_roles)
        self.intake_roles = [r for r in intake if r not in RESERVED_ROLES] or ["orang_luar"]
        self.any_roles = [*(r for r in all_roles if r not in RESERVED_ROLES), "orang_luar"]
        self.unit_choices: tuple[str | None, ...] = (None, *self.units)
        # the unit an officer acts in: the unit a guard checks them against (e.g. the unit the
        # case was dispositioned to), not any unit the case names (e.g. the unit complained about)
        checked = tuple(
            dict.fromkeys(
                str(g.params["field"])
                for t in definition.transitions
                for g in t.guards
                if g.name == "actor_unit_matches" and "field" in g.params
            )
        )
        self.unit_fields = checked or tuple(
            f.name for f in definition.fields if f.type == "ref" and f.ref == "unit"
        )
        self.every_event = [*sorted(sop.events), "peristiwa_asing"]
        # what a caller can fire: the engine's own role (timed transitions) is not a caller's
        self.callable_table = {
            state: {
                e: kept
                for e, ts in sorted(by_event.items())
                if (kept := [t for t in ts if set(t.roles) - RESERVED_ROLES])
            }
            for state, by_event in sop.table.items()
        }
        self.options = {state: sorted(table) for state, table in self.callable_table.items()}
        self.onward_events = {
            state: sorted(e for e, ts in table.items() if any(t.dest not in sop.finals for t in ts))
            for state, table in self.callable_table.items()
        }
        self.caller_roles = {
            id(t): sorted(set(t.roles) - RESERVED_ROLES)
            for table in self.callable_table.values()
            for ts in table.values()
            for t in ts
        }
        later = later_fields(sop)
        fields = sop.fields
        self.required = [(n, f) for n, f in fields.items() if f.required]
        self.intake_fields = [
            (n, f) for n, f in fields.items() if f.required or n not in later
        ]  # complete reports get deep into the procedure
        self.optional = [(n, f) for n, f in fields.items() if not f.required]
        self.event_data = {
            name: (
                list(spec.data.items()),
                [n for n, f in spec.data.items() if f.type == "text"],
            )
            for name, spec in sop.events.items()
        }

    # -- one scenario -----------------------------------------------------------------------

    def walk(
        self, world: World, c: Choices, max_steps: int, apply: Callable[[Step], object]
    ) -> None:
        """Open a first case, then apply ``max_steps`` rules to ``world`` through ``apply``."""
        apply(self._opening(c))
        for _ in range(max_steps):
            rules = []
            if len(world.cases) < MAX_CASES:
                rules.append(0)
            if world.cases:
                rules.append(1)
            rules += (2, 3)
            rule = rules[c.below(len(rules))]
            if rule == 0:
                apply(self._opening(c))
            elif rule == 1:
                for _ in range(1 + c.below(3)):  # commands are most of what happens to a case
                    apply(self._command(world, c))
            elif rule == 2:  # time passes; the deadline worker mostly sweeps right after
                apply(Step("advance", to=self._later(world, c)))
                if c.chance(8, 10):
                    apply(Step("sweep"))
            else:
                apply(Step("sweep"))

    def _opening(self, c: Choices) -> Step:
        return Step("start", actor=self._actor(c, self.intake_roles), data=self._case_data(c))

    def _actor(self, c: Choices, roles: Sequence[str]) -> Actor:
        return Actor(c.pick(_ACTOR_IDS), c.pick(roles), c.pick(self.unit_choices))

    def _case_data(self, c: Choices) -> dict[str, Any]:
        """Data an intake desk enters: three times in four every required field and every
        optional one the procedure does not fill in itself; otherwise the required fields and
        each optional one (later ones too) half the time."""
        names = self.units
        if c.below(4) < 3:
            return {n: field_value(f, names, c) for n, f in self.intake_fields}
        out = {n: field_value(f, names, c) for n, f in self.required}
        for n, f in self.optional:
            if c.chance(1, 2):
                out[n] = field_value(f, names, c)
        return out

    def _payload(self, c: Choices, event: str, *, valid: bool) -> dict[str, Any]:
        """Data for ``event`` as :func:`~sop_engine.testing.strategies.payloads` draws it."""
        found = self.event_data.get(event)
        if found is None:
            return {}
        data, texts = found
        names = self.units
        out: dict[str, Any] = {}
        for name, field in data:
            if (field.required and valid) or c.below(10) >= (4 if valid else 5):
                value = field_value(field, names, c)
                if field.type == "text" and c.below(8) == 0:
                    value = c.pick(("", "  "))  # a form sent empty: guards must say no
                out[name] = value
        if not valid and c.chance(1, 2):
            if texts:
                out[c.pick(texts)] = ""
            else:
                out["tidak_dikenal"] = 1
        return out

    def _command(self, world: World, c: Choices) -> Step:
        case_id = c.pick(world.cases)
        case = world.engine.get(case_id)
        options = self.callable_table.get(case.state)
        if options and c.below(10) < 9:
            # mostly an event that keeps the case open, so runs get deep into the procedure
            onward = self.onward_events[case.state]
            pool = onward if onward and c.below(4) > 0 else self.options[case.state]
            event = c.pick(pool)
            t = c.pick(options[event])
            role = c.pick(self.caller_roles[id(t)])
            own = [case.data[f] for f in self.unit_fields if case.data.get(f)]
            unit = None
            if own and c.below(10) < 8:
                unit = c.pick(own)
            elif c.chance(1, 2):
                unit = c.pick(self.units)
            actor = Actor(c.pick(OFFICERS), role, unit)
            payload = self._payload(c, event, valid=True)
        else:
            event = c.pick(self.every_event)
            actor = self._actor(c, self.any_roles)
            payload = self._payload(c, event, valid=False)
        return Step("fire", case=case_id, event=event, actor=actor, data=payload)

    def _later(self, world: World, c: Choices) -> datetime:
        """An instant to move the clock to, as :func:`~sop_engine.testing.strategies.clock_steps`
        draws it: just past an upcoming timer (twice as likely), a few hours, a few days, into
        the next weekend or holiday, or to the working morning after one.

        Never past the first day of the last year the SOP's calendar covers: a long scenario
        (``--max-steps 1000`` runs about five simulated years) would otherwise walk off the
        calendar, and every deadline computed there would raise ``CalendarExhausted``, which
        the checks would report as a crash of the engine. A year is left for the deadlines
        armed before the clock stops.
        """
        now = world.clock.now()
        target = self._drawn(world, c, now)
        calendar = world.calendar
        if calendar is None:
            return target
        horizon = datetime(calendar.years[1], 1, 1, tzinfo=calendar._tz).astimezone(UTC)
        return max(now, min(target, horizon))

    def _drawn(self, world: World, c: Choices, now: datetime) -> datetime:
        due = world.upcoming()
        kinds = ["hours", "days"]
        if due:
            kinds[:0] = ["due", "due"]
        calendar = world.calendar
        if calendar is not None:
            kinds += ["into", "past"]
        kind = c.pick(kinds)
        if kind == "due":
            return c.pick(due) + timedelta(minutes=c.below(121))
        if kind in ("into", "past"):
            assert calendar is not None
            tz = calendar._tz
            off = days_off_ahead(calendar, now.astimezone(tz).date())[:6]
            if off:
                day = c.pick(off)
                if kind == "into":
                    return datetime.combine(day, time(10), tz).astimezone(UTC)
                after = calendar.next_working_day(day)
                return datetime.combine(after, time(9), tz).astimezone(UTC)
            kind = "hours"  # a calendar without a day off in the next weeks
        if kind == "hours":
            return now + timedelta(hours=1 + c.below(8))
        return now + timedelta(days=1 + c.below(4))
